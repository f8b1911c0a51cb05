package fpm

import (
	"io"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// The lexer reproduces the Zend INI scanner (Zend/zend_ini_scanner.l of PHP
// 8.2, re2c, NORMAL mode) on one line of a php-fpm configuration file, the way
// fpm_conf_load_ini_file() hands it over: the bytes of the line up to the
// first NUL, followed by a "\n" php-fpm always appends.
//
// re2c picks the longest match among the rules of the current state and, on a
// tie, the rule written first; nextToken follows the same order. A regular
// expression lexer (participle's stateful lexer) cannot express the scanner's
// "yyless(0)" on '=' or its hand-written loops for quoted strings, so this one
// is written by hand. It is total: every byte yields a token, and a byte no
// rule accepts yields End, which is what the scanner's "<*>[^] { return 0; }"
// does (the parser then sees an early end of input, a syntax error when a
// statement is incomplete).

// Token types, named as the grammar refers to them.
const (
	tokEnd         lexer.TokenType = lexer.EOF
	tokSection     lexer.TokenType = iota + 1 // "[" starting a section header (TC_SECTION)
	tokRBracket                               // "]" closing a section or an array key
	tokOffset                                 // "name[" (TC_OFFSET)
	tokLabel                                  // a directive name (TC_LABEL)
	tokAssign                                 // "="
	tokEOL                                    // end of a statement: newline or comment (END_OF_LINE)
	tokTrue                                   // yes/on/true (BOOL_TRUE)
	tokFalse                                  // no/off/false/none (BOOL_FALSE)
	tokNull                                   // null (NULL_NULL)
	tokConstant                               // an identifier, replaced by a PHP constant of that name if any (TC_CONSTANT)
	tokNumber                                 // TC_NUMBER
	tokString                                 // unquoted text (TC_STRING)
	tokRaw                                    // 'single quoted' (TC_RAW)
	tokWhitespace                             // spaces inside a value (TC_WHITESPACE)
	tokDollarCurly                            // "${" (TC_DOLLAR_CURLY)
	tokVarName                                // the NAME of ${NAME} (TC_VARNAME)
	tokRBrace                                 // "}"
	tokQuote                                  // a double quote opening or closing a string
	tokQuoted                                 // the text between double quotes (TC_QUOTED_STRING)
	tokPipe                                   // "|"
	tokAmp                                    // "&"
	tokCaret                                  // "^"
	tokTilde                                  // "~"
	tokBang                                   // "!"
	tokLParen                                 // "("
	tokRParen                                 // ")"
	tokPunct                                  // any other character the scanner returns as itself outside values
)

// symbolTable is a function rather than a package variable because
// participle reads it while package variables are still being initialised.
func symbolTable() map[string]lexer.TokenType {
	return map[string]lexer.TokenType{
		"EOF":         tokEnd,
		"Section":     tokSection,
		"RBracket":    tokRBracket,
		"Offset":      tokOffset,
		"Label":       tokLabel,
		"Assign":      tokAssign,
		"EOL":         tokEOL,
		"True":        tokTrue,
		"False":       tokFalse,
		"Null":        tokNull,
		"Constant":    tokConstant,
		"Number":      tokNumber,
		"String":      tokString,
		"Raw":         tokRaw,
		"Whitespace":  tokWhitespace,
		"DollarCurly": tokDollarCurly,
		"VarName":     tokVarName,
		"RBrace":      tokRBrace,
		"Quote":       tokQuote,
		"Quoted":      tokQuoted,
		"Pipe":        tokPipe,
		"Amp":         tokAmp,
		"Caret":       tokCaret,
		"Tilde":       tokTilde,
		"Bang":        tokBang,
		"LParen":      tokLParen,
		"RParen":      tokRParen,
		"Punct":       tokPunct,
	}
}

// tokenNames is what syntax errors call a token, close to bison's names.
var tokenNames = map[lexer.TokenType]string{
	tokEnd:      "end of line",
	tokTrue:     "BOOL_TRUE",
	tokFalse:    "BOOL_FALSE",
	tokNull:     "NULL_NULL",
	tokEOL:      "end of line",
	tokAssign:   "'='",
	tokSection:  "'['",
	tokRBracket: "']'",
	tokRBrace:   "'}'",
	tokQuote:    "'\"'",
}

// definition satisfies participle's lexer.Definition; tokens are produced by
// lexLine and handed to participle through a PeekingLexer, so Lex is only
// there for completeness (participle's Build asks for the symbols).
type definition struct{}

func (definition) Symbols() map[string]lexer.TokenType { return symbolTable() }

func (definition) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return &sliceLexer{tokens: lexLine(string(b), lexer.Position{Filename: filename, Line: 1, Column: 1})}, nil
}

type sliceLexer struct {
	tokens []lexer.Token
	i      int
}

func (s *sliceLexer) Next() (lexer.Token, error) {
	if s.i >= len(s.tokens) {
		return lexer.EOFToken(lexer.Position{}), nil
	}
	t := s.tokens[s.i]
	s.i++
	return t, nil
}

// Scanner states (the re2c conditions used in NORMAL mode).
type scanState int

const (
	stInitial scanState = iota
	stValue
	stSectionValue
	stOffset
	stDoubleQuotes
	stVarName
)

// scanner holds one line. Token values are the raw source bytes of the token
// (so that a token's end is Pos.Offset+len(Value)); decoding (trimming,
// escapes, booleans) is done by the parser's evaluation, by token type.
type scanner struct {
	src   string // the line, cut at NUL, plus "\n"
	pos   int
	state scanState
	stack []scanState
	base  lexer.Position // position of src[0]
	out   []lexer.Token
}

// lexLine splits one line (already cut at NUL and ending in "\n") into tokens.
// The last token is always EOF.
func lexLine(src string, base lexer.Position) []lexer.Token {
	s := &scanner{src: src, base: base, out: make([]lexer.Token, 0, 8)}
	// The scanner skips a UTF-8 BOM at the start of its input, and php-fpm
	// scans each line as a separate input.
	if len(src) > 3 && strings.HasPrefix(src, "\xef\xbb\xbf") {
		s.pos = 3
	}
	for {
		if !s.next() {
			break
		}
	}
	s.out = append(s.out, lexer.Token{Type: tokEnd, Pos: s.at(s.pos)})
	return s.out
}

func (s *scanner) at(off int) lexer.Position {
	p := s.base
	p.Offset += off
	p.Column += off
	return p
}

func (s *scanner) emit(t lexer.TokenType, start, end int) {
	s.out = append(s.out, lexer.Token{Type: t, Value: s.src[start:end], Pos: s.at(start)})
}

func (s *scanner) push(st scanState) {
	s.stack = append(s.stack, s.state)
	s.state = st
}

func (s *scanner) pop() {
	if n := len(s.stack); n > 0 {
		s.state = s.stack[n-1]
		s.stack = s.stack[:n-1]
	} else {
		s.state = stInitial
	}
}

// Character classes of the scanner.

func isLabelChar(c byte) bool {
	switch c {
	case '=', '\n', '\r', '\t', ';', '&', '|', '^', '$', '~', '(', ')', '{', '}', '!', '"', '[', ']', 0:
		return false
	}
	return true
}

func isSpaceTab(c byte) bool { return c == ' ' || c == '\t' }

func isConstStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isConstChar(c byte) bool { return isConstStart(c) || (c >= '0' && c <= '9') }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Lengths of the longest match of each pattern at s.pos (0 = no match).

func (s *scanner) spaces(i int) int {
	j := i
	for j < len(s.src) && isSpaceTab(s.src[j]) {
		j++
	}
	return j - i
}

func (s *scanner) newlineLen(i int) int {
	if i < len(s.src) {
		if s.src[i] == '\r' {
			if i+1 < len(s.src) && s.src[i+1] == '\n' {
				return 2
			}
			return 1
		}
		if s.src[i] == '\n' {
			return 1
		}
	}
	return 0
}

func (s *scanner) labelLen(i int) int {
	j := i
	for j < len(s.src) && isLabelChar(s.src[j]) {
		j++
	}
	return j - i
}

func (s *scanner) constantLen(i int) int {
	if i >= len(s.src) || !isConstStart(s.src[i]) {
		return 0
	}
	j := i + 1
	for j < len(s.src) && isConstChar(s.src[j]) {
		j++
	}
	return j - i
}

// numberLen matches [-]?[0-9]+ | [0-9]*[.][0-9]+ | [0-9]+[.][0-9]*.
func (s *scanner) numberLen(i int) int {
	best := 0
	j := i
	if j < len(s.src) && s.src[j] == '-' {
		j++
	}
	k := j
	for k < len(s.src) && isDigit(s.src[k]) {
		k++
	}
	if k > j {
		best = k - i
	}
	// DNUM, no sign.
	k = i
	for k < len(s.src) && isDigit(s.src[k]) {
		k++
	}
	digits := k - i
	if k < len(s.src) && s.src[k] == '.' {
		m := k + 1
		for m < len(s.src) && isDigit(s.src[m]) {
			m++
		}
		if m-k-1 > 0 || digits > 0 {
			if m-i > best {
				best = m - i
			}
		}
	}
	return best
}

// keywordLen matches one of words (ASCII case-insensitively, as re2c's
// --case-inverted makes "..." literals) followed by [ \t]*.
func (s *scanner) keywordLen(i int, words ...string) int {
	for _, w := range words {
		if len(s.src)-i >= len(w) && strings.EqualFold(s.src[i:i+len(w)], w) {
			return len(w) + s.spaces(i+len(w))
		}
	}
	return 0
}

// literalDollarLen matches "$" followed by anything but "{" (or a backslash
// and any character): a dollar that does not start ${VAR}.
func (s *scanner) literalDollarLen(i int) int {
	if i+1 >= len(s.src) || s.src[i] != '$' {
		return 0
	}
	c := s.src[i+1]
	if c == '\\' && i+2 < len(s.src) {
		// "$" [^{\000] also matches "$\", so the longer alternative wins.
		return 3
	}
	if c == '{' || c == 0 {
		return 0
	}
	return 2
}

// valueCharsLen matches VALUE_CHARS+ (unquoted value text).
func (s *scanner) valueCharsLen(i int) int {
	j := i
	for j < len(s.src) {
		c := s.src[j]
		switch c {
		case '$':
			n := s.literalDollarLen(j)
			if n == 0 {
				return j - i
			}
			j += n
			continue
		case '=', ' ', '\t', '\n', '\r', ';', '&', '|', '^', '~', '(', ')', '!', '"', '\'', 0:
			return j - i
		}
		j++
	}
	return j - i
}

// sectionCharsLen matches SECTION_VALUE_CHARS+ (section names, array keys).
func (s *scanner) sectionCharsLen(i int) int {
	j := i
	for j < len(s.src) {
		c := s.src[j]
		switch c {
		case '$':
			n := s.literalDollarLen(j)
			if n == 0 {
				return j - i
			}
			j += n
			continue
		case '\\':
			if j+1 < len(s.src) {
				j += 2
				continue
			}
			return j - i
		case '\n', '\r', ';', '"', '\'', ']':
			return j - i
		}
		j++
	}
	return j - i
}

// rawLen matches '[^']+' (a single-quoted string with at least one byte).
func (s *scanner) rawLen(i int) int {
	if i >= len(s.src) || s.src[i] != '\'' {
		return 0
	}
	end := strings.IndexByte(s.src[i+1:], '\'')
	if end <= 0 {
		return 0
	}
	return end + 2
}

// candidate is one rule's match: the longest wins, ties go to the earlier
// rule, as in re2c.
type candidate struct {
	n    int
	rule int
}

func best(cs ...candidate) candidate {
	b := candidate{}
	for _, c := range cs {
		if c.n > b.n {
			b = c
		}
	}
	return b
}

// next scans one token; it returns false at the end of the input.
func (s *scanner) next() bool {
	if s.pos >= len(s.src) {
		if s.state == stValue {
			// EOF inside a value ends the statement.
			s.state = stInitial
			s.emit(tokEOL, s.pos, s.pos)
		}
		return false
	}
	switch s.state {
	case stInitial:
		return s.nextInitial()
	case stValue:
		return s.nextValue()
	case stSectionValue, stOffset:
		return s.nextSectionOrOffset()
	case stDoubleQuotes:
		return s.nextDoubleQuotes()
	case stVarName:
		return s.nextVarName()
	}
	return false
}

func (s *scanner) nextInitial() bool {
	i := s.pos
	c := s.src[i]
	// Rules in file order, numbered for tie-breaking.
	const (
		rSection = iota + 1
		rOffset
		rTrue
		rFalse
		rNull
		rLabel
		rAssign
		rTokens
		rSpaces
		rNewline
		rComment
	)
	var cs []candidate
	if c == '[' {
		cs = append(cs, candidate{1, rSection})
	}
	label := s.labelLen(i)
	if label > 0 && i+label < len(s.src) && s.src[i+label] == '[' {
		cs = append(cs, candidate{label + 1 + s.spaces(i+label+1), rOffset})
	}
	cs = append(cs,
		candidate{s.keywordLen(i, "true", "on", "yes"), rTrue},
		candidate{s.keywordLen(i, "false", "off", "none", "no"), rFalse},
		candidate{s.keywordLen(i, "null"), rNull},
		candidate{label, rLabel},
	)
	sp := s.spaces(i)
	if i+sp < len(s.src) && s.src[i+sp] == '=' {
		cs = append(cs, candidate{sp + 1 + s.spaces(i+sp+1), rAssign})
	}
	if strings.IndexByte(":,.[]\"'()&|^+-/*=%$!~<>?@{}", c) >= 0 {
		cs = append(cs, candidate{1, rTokens})
	}
	if sp > 0 {
		cs = append(cs, candidate{sp, rSpaces})
	}
	if nl := s.newlineLen(i + sp); nl > 0 {
		cs = append(cs, candidate{sp + nl, rNewline})
	}
	if i+sp < len(s.src) && s.src[i+sp] == ';' {
		if n := s.commentLen(i + sp); n > 0 {
			cs = append(cs, candidate{sp + n, rComment})
		}
	}
	b := best(cs...)
	if b.n == 0 {
		// "<*>[^] { return 0; }": the parser sees the end of input here.
		s.emit(tokEnd, i, i+1)
		s.pos = len(s.src)
		return false
	}
	end := i + b.n
	switch b.rule {
	case rSection:
		s.state = stSectionValue
		s.emit(tokSection, i, end)
	case rOffset:
		s.state = stOffset
		s.emit(tokOffset, i, end)
	case rTrue:
		s.emit(tokTrue, i, end)
	case rFalse:
		s.emit(tokFalse, i, end)
	case rNull:
		s.emit(tokNull, i, end)
	case rLabel:
		s.emit(tokLabel, i, end)
	case rAssign:
		s.state = stValue
		s.emit(tokAssign, i, end)
	case rTokens:
		s.emit(tokPunct, i, end)
	case rSpaces:
		// whitespace between statements is skipped
	case rNewline, rComment:
		s.emit(tokEOL, i, end)
	}
	s.pos = end
	return true
}

// commentLen matches ";[^\r\n]*" followed by a newline (the scanner requires
// the newline; php-fpm always supplies one).
func (s *scanner) commentLen(i int) int {
	j := i + 1
	for j < len(s.src) && s.src[j] != '\r' && s.src[j] != '\n' {
		j++
	}
	nl := s.newlineLen(j)
	if nl == 0 {
		return 0
	}
	return j + nl - i
}

func (s *scanner) nextValue() bool {
	i := s.pos
	c := s.src[i]
	const (
		rRaw = iota + 1
		rDollarCurly
		rTrue
		rFalse
		rNull
		rEndOfValue
		rConstant
		rNumber
		rOperator
		rAssign
		rValueChars
		rQuoteStart
		rWhitespace
		rComment
		rAny
	)
	sp := s.spaces(i)
	cs := []candidate{
		{s.rawLen(i), rRaw},
	}
	if c == '$' && i+1 < len(s.src) && s.src[i+1] == '{' {
		cs = append(cs, candidate{2, rDollarCurly})
	}
	cs = append(cs,
		candidate{s.keywordLen(i, "true", "on", "yes"), rTrue},
		candidate{s.keywordLen(i, "false", "off", "none", "no"), rFalse},
		candidate{s.keywordLen(i, "null"), rNull},
	)
	if nl := s.newlineLen(i + sp); nl > 0 {
		cs = append(cs, candidate{sp + nl, rEndOfValue})
	}
	cs = append(cs, candidate{s.constantLen(i), rConstant}, candidate{s.numberLen(i), rNumber})
	if strings.IndexByte("&|^~()!", c) >= 0 {
		cs = append(cs, candidate{1 + s.spaces(i+1), rOperator})
	}
	if c == '=' {
		cs = append(cs, candidate{1, rAssign})
	}
	cs = append(cs, candidate{s.valueCharsLen(i), rValueChars})
	if i+sp < len(s.src) && s.src[i+sp] == '"' {
		cs = append(cs, candidate{sp + 1, rQuoteStart})
	}
	if sp > 0 {
		cs = append(cs, candidate{sp, rWhitespace})
	}
	if i+sp < len(s.src) && s.src[i+sp] == ';' {
		if n := s.commentLen(i + sp); n > 0 {
			cs = append(cs, candidate{sp + n, rComment})
		}
	}
	cs = append(cs, candidate{1, rAny})
	b := best(cs...)
	end := i + b.n
	switch b.rule {
	case rRaw:
		s.emit(tokRaw, i, end)
	case rDollarCurly:
		s.push(stVarName)
		s.emit(tokDollarCurly, i, end)
	case rTrue:
		s.emit(tokTrue, i, end)
	case rFalse:
		s.emit(tokFalse, i, end)
	case rNull:
		s.emit(tokNull, i, end)
	case rEndOfValue, rComment:
		s.state = stInitial
		s.emit(tokEOL, i, end)
	case rConstant:
		s.emit(tokConstant, i, end)
	case rNumber:
		s.emit(tokNumber, i, end)
	case rOperator:
		s.emit(operatorType(c), i, end)
	case rAssign:
		// "yyless(0)": the value ends here and '=' is scanned again at the
		// start of a statement, where the parser rejects it.
		s.state = stInitial
		s.emit(tokEOL, i, i)
		return true
	case rValueChars:
		s.emit(tokString, i, end)
	case rQuoteStart:
		s.push(stDoubleQuotes)
		s.emit(tokQuote, i, end)
	case rWhitespace:
		s.emit(tokWhitespace, i, end)
	case rAny:
		// A byte no value rule takes (a lone quote) ends the value and is
		// consumed.
		s.state = stInitial
		s.emit(tokEOL, i, end)
	}
	s.pos = end
	return true
}

func operatorType(c byte) lexer.TokenType {
	switch c {
	case '&':
		return tokAmp
	case '|':
		return tokPipe
	case '^':
		return tokCaret
	case '~':
		return tokTilde
	case '(':
		return tokLParen
	case ')':
		return tokRParen
	}
	return tokBang
}

func (s *scanner) nextSectionOrOffset() bool {
	i := s.pos
	c := s.src[i]
	const (
		rRaw = iota + 1
		rSectionEnd
		rOffsetEnd
		rDollarCurly
		rConstant
		rNumber
		rChars
		rQuoteStart
		rWhitespace
	)
	sp := s.spaces(i)
	cs := []candidate{{s.rawLen(i), rRaw}}
	if s.state == stSectionValue && c == ']' {
		cs = append(cs, candidate{1 + sp0(s, i+1), rSectionEnd})
	}
	if s.state == stOffset && i+sp < len(s.src) && s.src[i+sp] == ']' {
		cs = append(cs, candidate{sp + 1, rOffsetEnd})
	}
	if c == '$' && i+1 < len(s.src) && s.src[i+1] == '{' {
		cs = append(cs, candidate{2, rDollarCurly})
	}
	cs = append(cs,
		candidate{s.constantLen(i), rConstant},
		candidate{s.numberLen(i), rNumber},
		candidate{s.sectionCharsLen(i), rChars},
	)
	if i+sp < len(s.src) && s.src[i+sp] == '"' {
		cs = append(cs, candidate{sp + 1, rQuoteStart})
	}
	if sp > 0 {
		cs = append(cs, candidate{sp, rWhitespace})
	}
	b := best(cs...)
	if b.n == 0 {
		s.emit(tokEnd, i, i+1)
		s.pos = len(s.src)
		return false
	}
	end := i + b.n
	switch b.rule {
	case rRaw:
		s.emit(tokRaw, i, end)
	case rSectionEnd, rOffsetEnd:
		s.state = stInitial
		s.emit(tokRBracket, i, end)
	case rDollarCurly:
		s.push(stVarName)
		s.emit(tokDollarCurly, i, end)
	case rConstant:
		s.emit(tokConstant, i, end)
	case rNumber:
		s.emit(tokNumber, i, end)
	case rChars:
		s.emit(tokString, i, end)
	case rQuoteStart:
		s.push(stDoubleQuotes)
		s.emit(tokQuote, i, end)
	case rWhitespace:
		s.emit(tokWhitespace, i, end)
	}
	s.pos = end
	return true
}

// sp0 is the length of "[ \t]*" plus an optional newline after a section's
// closing bracket.
func sp0(s *scanner, i int) int {
	n := s.spaces(i)
	return n + s.newlineLen(i+n)
}

func (s *scanner) nextDoubleQuotes() bool {
	i := s.pos
	c := s.src[i]
	if c == '$' && i+1 < len(s.src) && s.src[i+1] == '{' {
		s.push(stVarName)
		s.emit(tokDollarCurly, i, i+2)
		s.pos = i + 2
		return true
	}
	if c == '"' {
		end := i + 1 + s.spaces(i+1)
		s.pop()
		s.emit(tokQuote, i, end)
		s.pos = end
		return true
	}
	// Text up to the closing quote or the next ${, skipping escaped bytes.
	// A backslash-quote at the very end of the line closes the string
	// (the scanner's special case for Windows paths such as "C:\dir\").
	j := i
scan:
	for j < len(s.src) {
		switch s.src[j] {
		case '"':
			break scan
		case '$':
			if j+1 < len(s.src) && s.src[j+1] == '{' {
				break scan
			}
		case '\\':
			if j+1 < len(s.src) {
				if s.src[j+1] == '"' && (j+2 >= len(s.src) || s.src[j+2] == '\n' || s.src[j+2] == '\r') {
					j++
					break scan
				}
				j += 2
				continue
			}
		}
		j++
	}
	s.emit(tokQuoted, i, j)
	s.pos = j
	return true
}

func (s *scanner) nextVarName() bool {
	i := s.pos
	if s.src[i] == '}' {
		s.pop()
		s.emit(tokRBrace, i, i+1)
		s.pos = i + 1
		return true
	}
	if n := s.labelLen(i); n > 0 {
		s.emit(tokVarName, i, i+n)
		s.pos = i + n
		return true
	}
	s.emit(tokEnd, i, i+1)
	s.pos = len(s.src)
	return false
}
