package nginx

import (
	"fmt"
	"io"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token types of the nginx configuration language. The lexer is total: every
// byte of any input ends up in some token or in a lexical error, so a parse
// never stops at the first bad character.
const (
	TokenWord lexer.TokenType = iota + 1
	TokenSemi
	TokenLBrace
	TokenRBrace
	TokenComment
	TokenRaw // the body of a *_by_lua_block, kept verbatim
)

// MaxParam is NGX_CONF_BUFFER: nginx refuses a token this long.
const MaxParam = 4096

var symbols = map[string]lexer.TokenType{
	"EOF":     lexer.EOF,
	"Word":    TokenWord,
	"Semi":    TokenSemi,
	"LBrace":  TokenLBrace,
	"RBrace":  TokenRBrace,
	"Comment": TokenComment,
	"Raw":     TokenRaw,
}

// LexError is a tokenizer error, reported with nginx's wording.
type LexError struct {
	Start, End int // byte offsets of the offending text
	Message    string
}

// Definition is the participle lexer definition for nginx configuration.
// It follows ngx_conf_read_token (src/core/ngx_conf_file.c) character by
// character rather than approximating it with regular expressions, because
// its rules are positional: '#' starts a comment only at a token start, '}'
// does not end a token, a closing quote must be followed by a separator.
type Definition struct{}

// Lexer is the shared instance.
var Lexer = &Definition{}

// Symbols implements lexer.Definition.
func (*Definition) Symbols() map[string]lexer.TokenType { return symbols }

// Lex implements lexer.Definition.
func (d *Definition) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return d.LexBytes(filename, b)
}

// LexBytes implements lexer.BytesDefinition.
func (d *Definition) LexBytes(filename string, input []byte) (lexer.Lexer, error) {
	return newTokenLexer(filename, string(input)), nil
}

// LexString implements lexer.StringDefinition.
func (d *Definition) LexString(filename string, input string) (lexer.Lexer, error) {
	return newTokenLexer(filename, input), nil
}

// tokenLexer is the scanner as a participle lexer: tokens with a file
// name, line and column, which the scanner itself does not track.
type tokenLexer struct {
	sc       *scanner
	filename string
	// line and lineStart are those of offset at.
	at, line, lineStart int
}

func newTokenLexer(filename, src string) *tokenLexer {
	return &tokenLexer{sc: newScanner(src), filename: filename, line: 1}
}

// Next implements lexer.Lexer.
func (t *tokenLexer) Next() (lexer.Token, error) {
	tok := t.sc.next()
	for ; t.at < tok.pos; t.at++ {
		if t.sc.src[t.at] == '\n' {
			t.line++
			t.lineStart = t.at + 1
		}
	}
	pos := lexer.Position{Filename: t.filename, Offset: tok.pos, Line: t.line, Column: tok.pos - t.lineStart + 1}
	if tok.typ == lexer.EOF {
		return lexer.EOFToken(pos), nil
	}
	return lexer.Token{Type: tok.typ, Value: tok.val, Pos: pos}, nil
}

// token is one token of a file: its type, byte offset and text.
type token struct {
	typ lexer.TokenType
	pos int
	val string
}

// scanner tokenizes one file. Errors do not stop it: they are collected and
// scanning resumes as nginx would have had the text been well formed.
type scanner struct {
	src string
	pos int

	// The first word of the statement being read and whether anything has
	// been read since the last ';', '{' or '}': a '{' after a *_by_lua_block
	// name opens a raw Lua body.
	stmtName  string
	stmtWords int
	rawNext   bool

	errors []LexError
}

func newScanner(src string) *scanner {
	return &scanner{src: src}
}

func (s *scanner) errorf(start, end int, format string, args ...any) {
	s.errors = append(s.errors, LexError{Start: start, End: end, Message: fmt.Sprintf(format, args...)})
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func (s *scanner) advance() byte {
	c := s.src[s.pos]
	s.pos++
	return c
}

// next returns the next token; at the end of the input, an EOF token.
func (s *scanner) next() token {
	if s.rawNext {
		s.rawNext = false
		return s.luaBody()
	}
	pos := s.pos
	for pos < len(s.src) && isSpace(s.src[pos]) {
		pos++
	}
	s.pos = pos
	if s.pos >= len(s.src) {
		return token{typ: lexer.EOF, pos: s.pos}
	}
	start := s.pos
	switch c := s.src[s.pos]; c {
	case ';':
		s.pos++
		s.stmtName, s.stmtWords = "", 0
		return token{typ: TokenSemi, pos: start, val: ";"}
	case '{':
		s.pos++
		if s.stmtWords > 0 && strings.HasSuffix(s.stmtName, "_by_lua_block") {
			s.rawNext = true
		}
		s.stmtName, s.stmtWords = "", 0
		return token{typ: TokenLBrace, pos: start, val: "{"}
	case '}':
		s.pos++
		s.stmtName, s.stmtWords = "", 0
		return token{typ: TokenRBrace, pos: start, val: "}"}
	case '#':
		if nl := strings.IndexByte(s.src[s.pos:], '\n'); nl >= 0 {
			s.pos += nl
		} else {
			s.pos = len(s.src)
		}
		return token{typ: TokenComment, pos: start, val: s.src[start:s.pos]}
	}
	s.word()
	value := s.src[start:s.pos]
	if s.stmtWords == 0 {
		s.stmtName = Unquote(value)
	}
	s.stmtWords++
	return token{typ: TokenWord, pos: start, val: value}
}

// wordSpecial are the bytes an unquoted token does not simply take: those
// that end it, the escape, and '$' and '{' of a ${variable}.
var wordSpecial = [256]bool{' ': true, '\t': true, '\r': true, '\n': true, ';': true, '{': true, '\\': true, '$': true}

// word reads one token starting at s.pos, as ngx_conf_read_token does.
// Most of a configuration's bytes are in tokens: the loops keep their
// offset in a local.
func (s *scanner) word() {
	start, src, i := s.pos, s.src, s.pos
	if quote := src[i]; quote == '"' || quote == '\'' {
		for i++; i < len(src); {
			c := src[i]
			i++
			if c == '\\' {
				if i < len(src) {
					i++
				}
			} else if c == quote {
				s.pos = i
				s.checkAfterQuote()
				s.checkLength(start, quote)
				return
			}
		}
		s.pos = i
		s.checkLength(start, quote)
		return
	}
	variable := false
	for i < len(src) {
		c := src[i]
		if !wordSpecial[c] {
			variable = false
			i++
			continue
		}
		if c == '{' && variable {
			i++
			continue
		}
		variable = false
		switch c {
		case '\\':
			i++
			if i < len(src) {
				i++
			}
		case '$':
			variable = true
			i++
		default: // whitespace, ';' or '{'
			s.pos = i
			s.checkLength(start, 0)
			return
		}
	}
	s.pos = i
	s.checkLength(start, 0)
}

// checkAfterQuote enforces that a closing quote is followed by whitespace,
// ';', '{' or ')', reporting nginx's `unexpected "x"` otherwise. Scanning then
// goes on as if a space had been there.
func (s *scanner) checkAfterQuote() {
	if s.pos >= len(s.src) {
		return
	}
	c := s.src[s.pos]
	if isSpace(c) || c == ';' || c == '{' || c == ')' {
		return
	}
	_, size := decodeRuneAt(s.src, s.pos)
	s.errorf(s.pos, s.pos+size, "unexpected %q", s.src[s.pos:s.pos+size])
}

func (s *scanner) checkLength(start int, quote byte) {
	// nginx counts from after an opening quote, and a closing quote still
	// occupies its buffer (see the package tests for the exact limits).
	from := start
	if quote != 0 {
		from++
	}
	closed := quote != 0 && s.pos-start >= 2 && s.src[s.pos-1] == quote && !escapedAt(s.src[from:s.pos], s.pos-1-from)
	content := s.pos - from
	if closed {
		content-- // without the closing quote
	}
	head := s.src[from:min(from+10, len(s.src))]
	switch {
	case quote != 0 && content >= MaxParam:
		s.errorf(start, s.pos, "too long parameter, probably missing terminating '%c' character", quote)
	case quote != 0 && closed && content == MaxParam-1, quote == 0 && content >= MaxParam:
		s.errorf(start, s.pos, "too long parameter \"%s...\" started", head)
	}
}

// luaBody reads the body of a *_by_lua_block up to (not including) its
// closing brace, following lua-nginx-module's block reader: Lua strings,
// long brackets and comments may hold braces that do not count.
func (s *scanner) luaBody() token {
	start := s.pos
	depth := 0
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		switch {
		case c == '{':
			depth++
			s.advance()
		case c == '}':
			if depth == 0 {
				return token{typ: TokenRaw, pos: start, val: s.src[start:s.pos]}
			}
			depth--
			s.advance()
		case c == '"' || c == '\'':
			s.advance()
			for s.pos < len(s.src) {
				d := s.advance()
				if d == '\\' && s.pos < len(s.src) {
					s.advance()
				} else if d == c || d == '\n' {
					break
				}
			}
		case c == '-' && strings.HasPrefix(s.src[s.pos:], "--"):
			s.advance()
			s.advance()
			if level, ok := longBracket(s.src[s.pos:]); ok {
				s.skipLong(level)
				continue
			}
			for s.pos < len(s.src) && s.src[s.pos] != '\n' {
				s.advance()
			}
		case c == '[':
			if level, ok := longBracket(s.src[s.pos:]); ok {
				s.skipLong(level)
				continue
			}
			s.advance()
		default:
			s.advance()
		}
	}
	return token{typ: TokenRaw, pos: start, val: s.src[start:s.pos]}
}

// longBracket recognises a Lua long bracket opening "[", "="*, "[".
func longBracket(s string) (int, bool) {
	if len(s) < 2 || s[0] != '[' {
		return 0, false
	}
	i := 1
	for i < len(s) && s[i] == '=' {
		i++
	}
	if i < len(s) && s[i] == '[' {
		return i - 1, true
	}
	return 0, false
}

func (s *scanner) skipLong(level int) {
	closing := "]" + strings.Repeat("=", level) + "]"
	s.pos += level + 2
	end := strings.Index(s.src[s.pos:], closing)
	stop := len(s.src)
	if end >= 0 {
		stop = s.pos + end + len(closing)
	}
	for s.pos < stop {
		s.advance()
	}
}

func decodeRuneAt(s string, i int) (rune, int) {
	for j, r := range s[i:] {
		if j == 0 {
			n := 1
			for n < 4 && i+n < len(s) && s[i+n]&0xC0 == 0x80 {
				n++
			}
			if r == 0xFFFD {
				return r, 1
			}
			return r, n
		}
	}
	return 0, 1
}

// Unquote returns the token value nginx keeps for raw token text: quotes
// stripped and backslash escapes applied (\" \' \\ keep the second char, \t
// \r \n become control characters, any other \x keeps both characters).
func Unquote(raw string) string {
	if raw == "" {
		return raw
	}
	body := raw
	if q := raw[0]; q == '"' || q == '\'' {
		body = raw[1:]
		if len(body) > 0 && body[len(body)-1] == q && !escapedAt(body, len(body)-1) {
			body = body[:len(body)-1]
		}
	}
	if strings.IndexByte(body, '\\') < 0 {
		return body
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' || i+1 >= len(body) {
			b.WriteByte(c)
			continue
		}
		switch n := body[i+1]; n {
		case '"', '\'', '\\':
			b.WriteByte(n)
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'n':
			b.WriteByte('\n')
		default:
			b.WriteByte('\\')
			b.WriteByte(n)
		}
		i++
	}
	return b.String()
}

// escapedAt reports whether the byte at i is preceded by an odd run of
// backslashes.
func escapedAt(s string, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && s[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}
