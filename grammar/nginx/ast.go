// Package nginx is the grammar and syntax tree of nginx's configuration
// language. The grammar is generic, as nginx's own: a directive is a name,
// arguments and either ";" or a block. It accepts every token sequence (stray
// ";", "{" and "}" become Stray nodes, unterminated directives and unclosed
// blocks are kept), so a broken file still yields a whole tree, and Parse
// reports every syntax error of a file, in nginx's words, in one pass.
package nginx

import (
	"sync"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/fcgilint/fcgilint/lint/diag"
)

// File is one parsed configuration file.
type File struct {
	Path   string
	Src    string
	Items  []*Stmt
	Errors []SyntaxError

	linesOnce sync.Once
	lines     *diag.LineIndex
}

// Lines returns the file's line index, built on first use.
func (f *File) Lines() *diag.LineIndex {
	f.linesOnce.Do(func() { f.lines = diag.NewLineIndex([]byte(f.Src)) })
	return f.lines
}

// Location is the range [start, end) of the file.
func (f *File) Location(start, end int) diag.Location {
	return diag.Location{File: f.Path, Range: f.Lines().Range(start, end)}
}

// SyntaxError is one error in nginx's words, e.g. `unexpected "}"`.
type SyntaxError struct {
	Start, End int // byte offsets
	// Line is the line nginx itself would report (nginx reports the line its
	// tokenizer has reached, which is not always the line of Start).
	Line    int
	Message string
}

// topItem is what the file level holds: statements, and '}' without a block.
type topItem struct {
	Stmt  *Stmt  `parser:"@@"`
	Close *Close `parser:"| @@"`
}

type fileGrammar struct {
	Items []*topItem `parser:"@@*"`
}

// Stmt is a comment, a directive, or stray punctuation.
type Stmt struct {
	Comment   *Comment   `parser:"@@"`
	Directive *Directive `parser:"| @@"`
	Stray     *Stray     `parser:"| @@"`
}

// Comment is a '#' comment, without its line ending.
type Comment struct {
	Pos  lexer.Position
	Text string `parser:"@Comment"`
}

// Word is one token: a directive name or an argument.
type Word struct {
	Pos lexer.Position
	// Raw is the token as written, quotes and backslashes included.
	Raw string `parser:"@Word"`
	// Value is the token as nginx keeps it (quotes removed, escapes applied).
	Value string
}

// End is the byte offset just after the word.
func (w *Word) End() int { return w.Pos.Offset + len(w.Raw) }

// Quoted reports whether the token was written in quotes.
func (w *Word) Quoted() bool { return len(w.Raw) > 0 && (w.Raw[0] == '"' || w.Raw[0] == '\'') }

// Directive is `name args... ;` or `name args... { ... }`.
type Directive struct {
	Pos      lexer.Position
	Name     *Word      `parser:"@@"`
	Args     []*Word    `parser:"( @@"`
	Comments []*Comment `parser:"| @@ )*"`
	Semi     *Semi      `parser:"( @@"`
	Block    *Block     `parser:"| @@ )?"`
}

// Terminated reports whether the directive ends with ';' or a block.
func (d *Directive) Terminated() bool { return d.Semi != nil || d.Block != nil }

// End is the byte offset after the directive: after ';' or the closing
// brace, or after its last word when it is unterminated.
func (d *Directive) End() int {
	switch {
	case d.Semi != nil:
		return d.Semi.Pos.Offset + 1
	case d.Block != nil:
		return d.Block.End()
	case len(d.Args) > 0:
		return d.Args[len(d.Args)-1].End()
	}
	return d.Name.End()
}

// HeaderEnd is the offset after the terminator (';' or '{'): the place
// nginx's tokenizer has reached when it acts on the directive.
func (d *Directive) HeaderEnd() int {
	switch {
	case d.Semi != nil:
		return d.Semi.Pos.Offset + 1
	case d.Block != nil:
		return d.Block.Pos.Offset + 1
	}
	return d.End()
}

// Block is `{ statements }` or, for *_by_lua_block, `{ raw Lua }`.
type Block struct {
	Pos   lexer.Position
	Open  string   `parser:"@LBrace"`
	Raw   *RawBody `parser:"@@?"`
	Stmts []*Stmt  `parser:"@@*"`
	Close *Close   `parser:"@@?"`
}

// End is the offset after the closing brace, or the end of the last
// statement when the block is unclosed.
func (b *Block) End() int {
	if b.Close != nil {
		return b.Close.Pos.Offset + 1
	}
	if b.Raw != nil {
		return b.Raw.Pos.Offset + len(b.Raw.Text)
	}
	if n := len(b.Stmts); n > 0 {
		return b.Stmts[n-1].End()
	}
	return b.Pos.Offset + 1
}

// RawBody is text kept verbatim (Lua).
type RawBody struct {
	Pos  lexer.Position
	Text string `parser:"@Raw"`
}

// Semi is a ';' token.
type Semi struct {
	Pos lexer.Position
	Tok string `parser:"@Semi"`
}

// Close is a '}' token.
type Close struct {
	Pos lexer.Position
	Tok string `parser:"@RBrace"`
}

// Stray is ';' or '{ ... }' with no directive name before it, or a '}'
// that closes nothing.
type Stray struct {
	Pos   lexer.Position
	Semi  *Semi  `parser:"@@"`
	Block *Block `parser:"| @@"`
	// Close is a '}' at file level, which closes nothing.
	Close *Close
}

// End returns the offset after the statement.
func (s *Stmt) End() int {
	switch {
	case s.Comment != nil:
		return s.Comment.Pos.Offset + len(s.Comment.Text)
	case s.Directive != nil:
		return s.Directive.End()
	case s.Stray.Semi != nil:
		return s.Stray.Semi.Pos.Offset + 1
	case s.Stray.Close != nil:
		return s.Stray.Close.Pos.Offset + 1
	}
	return s.Stray.Block.End()
}

// Start returns the offset of the statement's first byte.
func (s *Stmt) Start() int {
	switch {
	case s.Comment != nil:
		return s.Comment.Pos.Offset
	case s.Directive != nil:
		return s.Directive.Pos.Offset
	}
	return s.Stray.Pos.Offset
}
