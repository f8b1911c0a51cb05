// Package fpm parses php-fpm configuration files exactly as php-fpm 8.2 reads
// them: each line on its own through the Zend INI scanner and parser
// (NORMAL mode), with booleans, null, PHP constants, ${VAR}, quoting and the
// | & ^ ~ ! operators evaluated to the string php-fpm receives.
//
// It knows nothing of directives, sections' meaning or includes: that is the
// loader's job (lint/fpm). It returns every statement with the byte ranges
// of its name, key and value, and every syntax error of the file (php-fpm
// stops at the first one; a linter should not).
package fpm

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/fcgilint/fcgilint/lint/diag"
)

// Span is a byte range [Start, End) of the file.
type Span struct {
	Start int
	End   int
}

// Kind tells the statements apart.
type Kind int

const (
	// SectionHeader is "[name]".
	SectionHeader Kind = iota + 1
	// Entry is "name = value".
	Entry
	// ArrayEntry is "name[key] = value".
	ArrayEntry
	// BareEntry is a name with no "=" at all (e.g. "# a comment"): the Zend
	// parser passes it on with a NULL value, which php-fpm rejects.
	BareEntry
)

func (k Kind) String() string {
	switch k {
	case SectionHeader:
		return "section"
	case Entry:
		return "entry"
	case ArrayEntry:
		return "array entry"
	case BareEntry:
		return "bare entry"
	}
	return "unknown"
}

// Statement is one statement as php-fpm's callback receives it.
type Statement struct {
	Kind Kind
	Line int  // 1-based
	Span Span // the whole statement, without its line end or comment

	// Name is the section name, or the directive name trimmed of spaces.
	Name     string
	NameSpan Span

	// Key is the array key of an ArrayEntry (between the brackets).
	Key     string
	KeySpan Span

	// Value is the evaluated value: quotes removed, escapes applied,
	// booleans turned into "1" or "", constants and ${VAR} replaced, and
	// operators computed. It is "" for a BareEntry.
	Value     string
	ValueSpan Span
	// RawValue is the value as written in the file.
	RawValue string
	// Quoted is true when any part of the value is quoted.
	Quoted bool
	// Bool is set when the whole value is a boolean or null keyword
	// ("yes", "none", ...); php-fpm sees "1" or "" and cannot tell.
	Bool string

	// Vars are the ${VAR} references in the name, key or value.
	Vars []VarRef
	// Constants are the identifiers that were replaced by a PHP constant.
	Constants []ConstantRef
}

// VarRef is one ${NAME} reference.
type VarRef struct {
	Name  string
	Span  Span
	Set   bool   // the variable was found
	Value string // its value ("" when unset, as php-fpm uses)
}

// ConstantRef is an identifier replaced by the value of a PHP constant.
type ConstantRef struct {
	Name  string
	Value string
	Span  Span
}

// SyntaxError is a line the Zend INI parser rejects; php-fpm prints
// "PHP:  syntax error, unexpected ..." and refuses to start.
type SyntaxError struct {
	Line    int
	Span    Span
	Message string // e.g. "syntax error, unexpected '('"
	// Unexpected is the text of the offending token ("" at the end of the line).
	Unexpected string
}

// NulByte records a NUL byte: php-fpm hands each line to the scanner as a C
// string, so it silently ignores the rest of the line.
type NulByte struct {
	Line   int
	Offset int
}

// File is a parsed configuration file.
type File struct {
	Path       string
	Src        []byte
	Lines      *diag.LineIndex
	Statements []Statement
	Errors     []SyntaxError
	Nuls       []NulByte
	// Comments are the ';' comments as the scanner sees them (a ';' inside
	// quotes is not one): fcgilint reads its suppressions from them.
	Comments []Comment
	// Cut is where reading stopped after MaxStatements statements (nil
	// when the whole file was read), on line CutLine.
	Cut     *Span
	CutLine int
}

// Comment is one ';' comment, from the ';' to the end of its line.
type Comment struct {
	Line int
	Span Span
	Text string
}

// Options control evaluation.
type Options struct {
	// LookupEnv resolves ${NAME}. nil means no variable is set.
	LookupEnv func(name string) (string, bool)
	// LookupConstant resolves a bare identifier to a PHP constant. nil means
	// the constants of Debian's php8.2-fpm (see constants_php82.tsv).
	LookupConstant func(name string) (string, bool)
}

// Location converts a span of this file to a diagnostic location.
func (f *File) Location(s Span) diag.Location {
	return diag.Location{File: f.Path, Range: f.Lines.Range(s.Start, s.End)}
}

// Text returns the source bytes of a span.
func (f *File) Text(s Span) string {
	if s.Start < 0 || s.End > len(f.Src) || s.Start > s.End {
		return ""
	}
	return string(f.Src[s.Start:s.End])
}

// LineSpan is the span of 1-based line n without its line ending.
func (f *File) LineSpan(n int) Span {
	start := lineStart(f.Src, n)
	return Span{start, start + len(f.Lines.Line(n))}
}

func lineStart(src []byte, n int) int {
	off := 0
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(src[off:], '\n')
		if j < 0 {
			return len(src)
		}
		off += j + 1
	}
	return off
}

// Parse reads a php-fpm configuration file. It never fails: problems are
// returned in File.Errors.
func Parse(path string, src []byte, opts Options) *File {
	f := &File{Path: path, Src: src, Lines: diag.NewLineIndex(src)}
	ev := evaluator{opts: opts}
	if ev.opts.LookupConstant == nil {
		ev.opts.LookupConstant = PHP82Constant
	}
	lineNo := 0
	for off := 0; off < len(src) || (off == len(src) && lineNo == 0 && len(src) > 0); {
		lineNo++
		end := bytes.IndexByte(src[off:], '\n')
		var line []byte
		next := len(src)
		if end >= 0 {
			line = src[off : off+end]
			next = off + end + 1
		} else {
			line = src[off:]
		}
		if len(f.Statements) == MaxStatements {
			f.Cut = &Span{off, off}
			f.CutLine = lineNo
			break
		}
		f.parseLine(&ev, lineNo, off, line)
		off = next
		if end < 0 {
			break
		}
	}
	return f
}

// MaxStatements bounds the statements read from one file: php-fpm
// configurations are hundreds of lines, and a generated or hostile file of
// millions would take gigabytes.
const MaxStatements = 100_000

// parseLine handles one line the way fpm_conf_load_ini_file() does: an empty
// line is skipped; otherwise the line, cut at its first NUL, plus "\n" goes
// to the INI parser.
func (f *File) parseLine(ev *evaluator, lineNo, off int, line []byte) {
	if len(line) == 0 {
		return
	}
	if i := bytes.IndexByte(line, 0); i >= 0 {
		f.Nuls = append(f.Nuls, NulByte{Line: lineNo, Offset: off + i})
		line = line[:i]
	}
	if isBlankOrComment(line) {
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			f.addComment(lineNo, off+i, string(line[i:]))
		}
		return
	}
	text := string(line) + "\n"
	base := lexer.Position{Filename: f.Path, Offset: off, Line: lineNo, Column: 1}
	tokens := lexLine(text, base)
	for _, t := range tokens {
		if t.Type != tokEOL {
			continue
		}
		if i := strings.IndexByte(t.Value, ';'); i >= 0 && strings.TrimLeft(t.Value[:i], " \t") == "" {
			f.addComment(lineNo, t.Pos.Offset+i, t.Value[i:])
		}
	}
	if st, ok := plainLine(tokens); ok && usePlainLines {
		f.addStatement(ev, st, lineNo, off, line)
		return
	}
	pl, err := lexer.Upgrade(&sliceLexer{tokens: tokens})
	if err != nil {
		// sliceLexer never fails; keep the line rather than lose it.
		f.Errors = append(f.Errors, SyntaxError{Line: lineNo, Span: Span{off, off + len(line)}, Message: "syntax error"})
		return
	}
	for !pl.Peek().EOF() {
		start := pl.Peek().Pos.Offset
		st, err := statementParser().ParseFromLexer(pl, participle.AllowTrailing(true))
		if err != nil {
			f.Errors = append(f.Errors, syntaxError(err, lineNo, start, off+len(line)))
			return
		}
		if st.Empty != nil {
			continue
		}
		f.addStatement(ev, st, lineNo, off, line)
	}
	// A premature end (a byte no scanner rule accepts) is an "end of file"
	// for the parser: fine between statements, an error inside one, which
	// the parser has already reported above.
}

func (f *File) addStatement(ev *evaluator, st *iniStatement, lineNo, off int, line []byte) {
	s, ok := ev.statement(st, lineNo)
	if !ok {
		return
	}
	// Tokens may reach into the "\n" appended to the line, which the file
	// may not have (last line): keep spans in the line.
	lineEnd := off + len(line)
	for _, sp := range []*Span{&s.Span, &s.NameSpan, &s.KeySpan, &s.ValueSpan} {
		sp.Start, sp.End = min(sp.Start, lineEnd), min(sp.End, lineEnd)
	}
	for i := range s.Vars {
		s.Vars[i].Span.End = min(s.Vars[i].Span.End, lineEnd)
	}
	s.RawValue = f.Text(s.ValueSpan)
	f.Statements = append(f.Statements, s)
}

// usePlainLines is switched off by the test that holds plainLine to the
// grammar.
var usePlainLines = true

// plainLine builds the statement of the lines nearly every pool file is
// made of, "[name]", "name = value" and "name =", without participle,
// whose reflective parser costs a few microseconds and kilobytes per line:
// most of the time of reading a host's pools. The tree is the one the
// grammar gives (TestPlainLinesMatchGrammar, FuzzParse); any other line
// goes to the grammar.
func plainLine(toks []lexer.Token) (*iniStatement, bool) {
	n := len(toks)
	if n < 2 || toks[n-1].Type != tokEnd {
		return nil, false
	}
	body := toks[:n-1]
	var eol *lexer.Token
	if last := len(body) - 1; body[last].Type == tokEOL {
		eol, body = &body[last], body[:last]
	}
	if len(body) < 2 {
		return nil, false
	}
	switch body[0].Type {
	case tokSection:
		// The closing bracket token holds the line end.
		last := len(body) - 1
		parts, ok := plainParts(body[1:last])
		if !ok || body[last].Type != tokRBracket {
			return nil, false
		}
		return &iniStatement{Section: &iniSection{Open: body[0], Parts: parts, Close: body[last]}}, true
	case tokLabel:
		if body[1].Type != tokAssign || eol == nil {
			return nil, false
		}
		value, ok := plainValue(body[2:], eol)
		if !ok {
			return nil, false
		}
		return &iniStatement{Entry: &iniEntry{Name: body[0], Assign: &body[1], Value: value}}, true
	case tokOffset:
		k := 1
		for k < len(body) && body[k].Type != tokRBracket {
			k++
		}
		if k+1 >= len(body) || body[k+1].Type != tokAssign || eol == nil {
			return nil, false
		}
		key, ok := plainParts(body[1:k])
		if !ok {
			return nil, false
		}
		value, ok := plainValue(body[k+2:], eol)
		if !ok {
			return nil, false
		}
		return &iniStatement{Array: &iniArray{Name: body[0], Key: key, Close: body[k], Assign: body[k+1], Value: value}}, true
	}
	return nil, false
}

// plainValue is a value of literal tokens only, a lone boolean or null, or
// nothing (then the line end is the value, as the grammar has it).
func plainValue(ts []lexer.Token, eol *lexer.Token) (*iniValue, bool) {
	switch {
	case len(ts) == 0:
		return &iniValue{Empty: eol}, true
	case len(ts) == 1 && (ts[0].Type == tokTrue || ts[0].Type == tokFalse || ts[0].Type == tokNull):
		return &iniValue{Bool: &ts[0]}, true
	}
	parts, ok := plainParts(ts)
	if !ok {
		return nil, false
	}
	return &iniValue{Expr: &iniExpr{Left: &iniUnary{Str: parts}}}, true
}

// plainParts are literal tokens and double-quoted text as the grammar's
// parts.
func plainParts(ts []lexer.Token) ([]*iniPart, bool) {
	var parts []*iniPart
	for i := 0; i < len(ts); i++ {
		switch ts[i].Type {
		case tokConstant, tokRaw, tokNumber, tokString, tokWhitespace:
			parts = append(parts, &iniPart{Lit: &ts[i]})
		case tokQuote:
			// A double-quoted string of text only.
			q := &iniQuoted{Open: ts[i]}
			for i++; i < len(ts) && ts[i].Type == tokQuoted; i++ {
				q.Parts = append(q.Parts, &iniQuotedPart{Text: &ts[i]})
			}
			if i == len(ts) || ts[i].Type != tokQuote {
				return nil, false
			}
			q.Close = ts[i]
			parts = append(parts, &iniPart{Quoted: q})
		default:
			return nil, false
		}
	}
	return parts, true
}

func (f *File) addComment(lineNo, start int, text string) {
	text = strings.TrimRight(text, "\r\n")
	f.Comments = append(f.Comments, Comment{Line: lineNo, Span: Span{start, start + len(text)}, Text: text})
}

// isBlankOrComment is the fast path for the lines that make up most of a
// stock pool file: blank, or a ';' comment with no carriage return inside
// (a lone CR is a line end to the scanner, and text after it is parsed).
func isBlankOrComment(line []byte) bool {
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	rest := line[i:]
	if len(rest) == 0 {
		return true
	}
	if len(rest) == 1 && rest[0] == '\r' {
		return true
	}
	if rest[0] != ';' {
		return false
	}
	cr := bytes.IndexByte(rest, '\r')
	return cr < 0 || cr == len(rest)-1
}

func syntaxError(err error, lineNo, stmtStart, lineEnd int) SyntaxError {
	e := describeSyntaxError(err, lineNo, stmtStart, lineEnd)
	// Tokens can start in the "\n" php-fpm appends, past the real line.
	e.Span.Start = min(max(e.Span.Start, 0), lineEnd)
	e.Span.End = min(max(e.Span.End, e.Span.Start), lineEnd)
	return e
}

func describeSyntaxError(err error, lineNo, stmtStart, lineEnd int) SyntaxError {
	var ute *participle.UnexpectedTokenError
	if errors.As(err, &ute) {
		t := ute.Unexpected
		if t.EOF() {
			return SyntaxError{Line: lineNo, Span: Span{stmtStart, lineEnd}, Message: "syntax error, unexpected end of line (the statement is incomplete)"}
		}
		end := t.Pos.Offset + len(strings.TrimRight(t.Value, " \t\r\n"))
		if end <= t.Pos.Offset {
			end = t.Pos.Offset + 1
		}
		if end > lineEnd {
			end = lineEnd
		}
		return SyntaxError{
			Line:       lineNo,
			Span:       Span{t.Pos.Offset, end},
			Message:    "syntax error, unexpected " + describeToken(t),
			Unexpected: t.Value,
		}
	}
	var pe participle.Error
	if errors.As(err, &pe) {
		p := pe.Position().Offset
		if p < stmtStart || p > lineEnd {
			p = stmtStart
		}
		return SyntaxError{Line: lineNo, Span: Span{p, lineEnd}, Message: "syntax error: " + pe.Message()}
	}
	return SyntaxError{Line: lineNo, Span: Span{stmtStart, lineEnd}, Message: "syntax error: " + err.Error()}
}

func describeToken(t lexer.Token) string {
	if name, ok := tokenNames[t.Type]; ok && t.Type != tokSection && t.Type != tokRBracket {
		return name
	}
	v := strings.TrimRight(t.Value, " \t\r\n")
	if v == "" {
		v = t.Value
	}
	if len(v) > 40 {
		v = v[:40] + "..."
	}
	return strconv.Quote(v)
}

// evaluator computes the strings the Zend parser hands to php-fpm.
type evaluator struct {
	opts Options
	vars []VarRef
	cons []ConstantRef
}

func (ev *evaluator) statement(st *iniStatement, lineNo int) (Statement, bool) {
	ev.vars, ev.cons = nil, nil
	var s Statement
	s.Line = lineNo
	switch {
	case st.Section != nil:
		sec := st.Section
		s.Kind = SectionHeader
		s.Name = ev.parts(sec.Parts, false)
		s.NameSpan = partsSpan(sec.Parts, Span{sec.Open.Pos.Offset + 1, sec.Open.Pos.Offset + 1})
		s.Span = Span{sec.Open.Pos.Offset, sec.Close.Pos.Offset + 1}
	case st.Array != nil:
		a := st.Array
		s.Kind = ArrayEntry
		s.Name, s.NameSpan = trimOffsetName(a.Name)
		s.Key = ev.parts(a.Key, true)
		s.KeySpan = partsSpan(a.Key, Span{a.Close.Pos.Offset, a.Close.Pos.Offset})
		ev.value(&s, a.Value, Span{a.Assign.Pos.Offset + len(a.Assign.Value), 0})
		s.Span = Span{s.NameSpan.Start, maxInt(s.ValueSpan.End, a.Assign.Pos.Offset+1)}
	case st.Entry != nil:
		e := st.Entry
		s.Name, s.NameSpan = trimLabel(e.Name)
		if e.Assign == nil {
			s.Kind = BareEntry
			s.Span = s.NameSpan
		} else {
			s.Kind = Entry
			ev.value(&s, e.Value, Span{e.Assign.Pos.Offset + len(e.Assign.Value), 0})
			s.Span = Span{s.NameSpan.Start, maxInt(s.ValueSpan.End, e.Assign.Pos.Offset+1)}
		}
	default:
		return s, false
	}
	s.Vars, s.Constants = ev.vars, ev.cons
	return s, true
}

func (ev *evaluator) value(s *Statement, v *iniValue, after Span) {
	switch {
	case v == nil || v.Empty != nil:
		s.ValueSpan = Span{after.Start, after.Start}
	case v.Bool != nil:
		s.Bool = strings.TrimRight(v.Bool.Value, " \t")
		if v.Bool.Type == tokTrue {
			s.Value = "1"
		}
		s.ValueSpan = Span{v.Bool.Pos.Offset, v.Bool.Pos.Offset + len(s.Bool)}
	case v.Expr != nil:
		s.Value = ev.expr(v.Expr)
		start, end := exprSpan(v.Expr)
		s.ValueSpan = Span{start, end}
		s.Quoted = exprQuoted(v.Expr)
	}
}

// expr evaluates an expression. A lone operand keeps its string; operators
// work on integers (atoi of each side) and give a decimal string, as
// zend_ini_do_op does.
func (ev *evaluator) expr(e *iniExpr) string {
	left := ev.unary(e.Left)
	if len(e.Rest) == 0 {
		return left
	}
	acc := atoi(left)
	for _, op := range e.Rest {
		right := atoi(ev.unary(op.Right))
		switch op.Op.Type {
		case tokPipe:
			acc |= right
		case tokAmp:
			acc &= right
		case tokCaret:
			acc ^= right
		}
	}
	return strconv.Itoa(int(acc))
}

func (ev *evaluator) unary(u *iniUnary) string {
	switch {
	case u.Op != nil:
		v := atoi(ev.unary(u.Operand))
		if u.Op.Type == tokTilde {
			return strconv.Itoa(int(^v))
		}
		if v == 0 {
			return "1"
		}
		return "0"
	case u.Paren != nil:
		return ev.expr(u.Paren)
	}
	return ev.parts(u.Str, true)
}

// parts concatenates the pieces of a var_string_list. Constants are
// substituted in values and array keys (constant_string) but not in section
// names (constant_literal).
func (ev *evaluator) parts(ps []*iniPart, constants bool) string {
	var b strings.Builder
	for _, p := range ps {
		switch {
		case p.Var != nil:
			b.WriteString(ev.variable(p.Var))
		case p.Quoted != nil:
			for _, q := range p.Quoted.Parts {
				if q.Var != nil {
					b.WriteString(ev.variable(q.Var))
				} else {
					b.WriteString(unescapeDoubleQuoted(q.Text.Value))
				}
			}
		case p.Lit != nil:
			t := p.Lit
			switch t.Type {
			case tokRaw:
				b.WriteString(t.Value[1 : len(t.Value)-1])
			case tokConstant:
				if constants && !strings.Contains(t.Value, ":") {
					if v, ok := ev.opts.LookupConstant(t.Value); ok {
						ev.cons = append(ev.cons, ConstantRef{Name: t.Value, Value: v, Span: tokSpan(*t)})
						b.WriteString(v)
						continue
					}
				}
				b.WriteString(t.Value)
			default:
				b.WriteString(t.Value)
			}
		}
	}
	return b.String()
}

// variable resolves ${NAME}: its name is trimmed of spaces and tabs; an unset
// variable is the empty string.
func (ev *evaluator) variable(v *iniVar) string {
	name := strings.Trim(v.Name.Value, " \t")
	name = strings.TrimRight(name, "\r\n")
	ref := VarRef{Name: name, Span: Span{v.Open.Pos.Offset, v.Close.Pos.Offset + 1}}
	if ev.opts.LookupEnv != nil {
		ref.Value, ref.Set = ev.opts.LookupEnv(name)
	}
	ev.vars = append(ev.vars, ref)
	return ref.Value
}

// unescapeDoubleQuoted applies the escapes of a double-quoted INI string:
// \" \\ and \$ lose their backslash; any other backslash stays.
func unescapeDoubleQuoted(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case '"', '\\', '$':
				b.WriteByte(s[i+1])
				i++
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// atoi is C's atoi as glibc implements it (strtol, then truncated to int).
func atoi(s string) int32 {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	var v int64
	overflow := false
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		if v > (1<<63-1)/10 {
			overflow = true
		} else {
			v = v*10 + int64(s[i]-'0')
			if v < 0 {
				overflow = true
			}
		}
		i++
	}
	if overflow {
		// strtol saturates; the cast to int keeps the low 32 bits.
		if neg {
			return 0 // int32 of LONG_MIN
		}
		return -1 // int32 of LONG_MAX
	}
	if neg {
		v = -v
	}
	return int32(v)
}

// trimLabel applies the scanner's trimming of a directive name.
func trimLabel(t lexer.Token) (string, Span) {
	start, end := t.Pos.Offset, t.Pos.Offset+len(t.Value)
	v := t.Value
	for len(v) > 0 && (v[0] == ' ' || v[0] == '\t') {
		v = v[1:]
		start++
	}
	for len(v) > 0 && strings.IndexByte(" \t\r\n", v[len(v)-1]) >= 0 {
		v = v[:len(v)-1]
		end--
	}
	return v, Span{start, end}
}

// trimOffsetName trims "name[ " down to "name".
func trimOffsetName(t lexer.Token) (string, Span) {
	start, end := t.Pos.Offset, t.Pos.Offset+len(t.Value)
	v := t.Value
	for len(v) > 0 && (v[0] == ' ' || v[0] == '\t') {
		v = v[1:]
		start++
	}
	for len(v) > 0 && strings.IndexByte("[ \t\r\n", v[len(v)-1]) >= 0 {
		v = v[:len(v)-1]
		end--
	}
	return v, Span{start, end}
}

func tokSpan(t lexer.Token) Span { return Span{t.Pos.Offset, t.Pos.Offset + len(t.Value)} }

// trimmedEnd is the end of a token without the spaces some tokens swallow.
func trimmedEnd(t lexer.Token) int {
	return t.Pos.Offset + len(strings.TrimRight(t.Value, " \t\r\n"))
}

func partsSpan(ps []*iniPart, empty Span) Span {
	if len(ps) == 0 {
		return empty
	}
	start := partStart(ps[0])
	end := partEnd(ps[len(ps)-1])
	// Whitespace tokens at either end are not part of the text a user sees.
	return Span{start, end}
}

func partStart(p *iniPart) int {
	switch {
	case p.Var != nil:
		return p.Var.Open.Pos.Offset
	case p.Quoted != nil:
		return p.Quoted.Open.Pos.Offset + len(p.Quoted.Open.Value) - 1
	}
	return p.Lit.Pos.Offset
}

func partEnd(p *iniPart) int {
	switch {
	case p.Var != nil:
		return p.Var.Close.Pos.Offset + 1
	case p.Quoted != nil:
		return p.Quoted.Close.Pos.Offset + 1
	}
	return p.Lit.Pos.Offset + len(p.Lit.Value)
}

func exprSpan(e *iniExpr) (int, int) {
	start, _ := unarySpan(e.Left)
	_, end := unarySpan(e.Left)
	if n := len(e.Rest); n > 0 {
		_, end = unarySpan(e.Rest[n-1].Right)
	}
	return start, end
}

func unarySpan(u *iniUnary) (int, int) {
	switch {
	case u.Op != nil:
		_, end := unarySpan(u.Operand)
		return u.Op.Pos.Offset, end
	case u.Paren != nil:
		start, end := exprSpan(u.Paren)
		// include the parentheses when we can find them
		return start - 1, end + 1
	}
	s := partsSpan(u.Str, Span{})
	return s.Start, s.End
}

func exprQuoted(e *iniExpr) bool {
	if unaryQuoted(e.Left) {
		return true
	}
	for _, r := range e.Rest {
		if unaryQuoted(r.Right) {
			return true
		}
	}
	return false
}

func unaryQuoted(u *iniUnary) bool {
	switch {
	case u.Op != nil:
		return unaryQuoted(u.Operand)
	case u.Paren != nil:
		return exprQuoted(u.Paren)
	}
	for _, p := range u.Str {
		if p.Quoted != nil || (p.Lit != nil && p.Lit.Type == tokRaw) {
			return true
		}
	}
	return false
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// String renders a statement for debugging and tests.
func (s Statement) String() string {
	switch s.Kind {
	case SectionHeader:
		return fmt.Sprintf("%d: [%s]", s.Line, s.Name)
	case ArrayEntry:
		return fmt.Sprintf("%d: %s[%s] = %q", s.Line, s.Name, s.Key, s.Value)
	case BareEntry:
		return fmt.Sprintf("%d: %s (no value)", s.Line, s.Name)
	}
	return fmt.Sprintf("%d: %s = %q", s.Line, s.Name, s.Value)
}
