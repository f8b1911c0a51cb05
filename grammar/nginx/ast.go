// Package nginx is the grammar and syntax tree of nginx's configuration
// language. The grammar (grammar.go) is generic, as nginx's own: a directive
// is a name, arguments and either ";" or a block. It accepts every token
// sequence (stray ";", "{" and "}" become Stray nodes, unterminated
// directives and unclosed blocks are kept), so a broken file still yields a
// whole tree, and Parse reports every syntax error of a file, in nginx's
// words, in one pass.
//
// The tree keeps positions as byte offsets into File.Src; File.Lines turns
// them into lines and columns. A host's configuration holds tens of
// thousands of directives, and a line and column (and file name) on every
// word would double the tree's size.
package nginx

import (
	"sync"

	"github.com/fcgilint/fcgilint/lint/diag"
)

// File is one parsed configuration file.
type File struct {
	Path  string
	Src   string
	Items []*Stmt
	// InnerComments are the comments written between a directive's words.
	InnerComments []*Comment
	Errors        []SyntaxError

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
	// Limit is set on the note that reading stopped at MaxDirectives: not
	// an error of the file, a limit of fcgilint's.
	Limit bool
}

// Stmt is a comment, a directive, or stray punctuation.
type Stmt struct {
	Comment   *Comment
	Directive *Directive
	Stray     *Stray
}

// Comment is a '#' comment, without its line ending.
type Comment struct {
	Pos  int
	Text string
}

// Word is one token: a directive name or an argument.
type Word struct {
	Pos int // byte offset of the token's first byte
	// Value is the token as nginx keeps it (quotes removed, escapes applied).
	Value string
	// size is the length of the token as written, quotes and backslashes
	// included; quoted is whether it was written in quotes.
	size   int32
	quoted bool
}

// End is the byte offset just after the word.
func (w *Word) End() int { return w.Pos + int(w.size) }

// Quoted reports whether the token was written in quotes.
func (w *Word) Quoted() bool { return w.quoted }

// Raw is the token as written in src (its file's text), quotes and
// backslashes included.
func (w *Word) Raw(src string) string { return src[w.Pos:w.End()] }

// newWord is the word of token text raw at offset pos.
func newWord(pos int, raw string) Word {
	return Word{Pos: pos, Value: Unquote(raw), size: int32(len(raw)), quoted: len(raw) > 0 && (raw[0] == '"' || raw[0] == '\'')}
}

// NewWord is a word written as raw at offset pos, for trees made outside
// the parser.
func NewWord(pos int, raw string) Word { return newWord(pos, raw) }

// Directive is `name args... ;` or `name args... { ... }`. Comments between
// its words are in File.InnerComments.
type Directive struct {
	Name  Word
	Args  []Word
	Semi  *Semi
	Block *Block
}

// Start is the byte offset of the directive (of its name).
func (d *Directive) Start() int { return d.Name.Pos }

// Terminated reports whether the directive ends with ';' or a block.
func (d *Directive) Terminated() bool { return d.Semi != nil || d.Block != nil }

// End is the byte offset after the directive: after ';' or the closing
// brace, or after its last word when it is unterminated.
func (d *Directive) End() int {
	switch {
	case d.Semi != nil:
		return d.Semi.Pos + 1
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
		return d.Semi.Pos + 1
	case d.Block != nil:
		return d.Block.Pos + 1
	}
	return d.End()
}

// Block is `{ statements }` or, for *_by_lua_block, `{ raw Lua }`.
type Block struct {
	Pos   int
	Raw   *RawBody
	Stmts []*Stmt
	Close *Close
}

// End is the offset after the closing brace, or the end of the last
// statement when the block is unclosed.
func (b *Block) End() int {
	if b.Close != nil {
		return b.Close.Pos + 1
	}
	if b.Raw != nil {
		return b.Raw.Pos + len(b.Raw.Text)
	}
	if n := len(b.Stmts); n > 0 {
		return b.Stmts[n-1].End()
	}
	return b.Pos + 1
}

// RawBody is text kept verbatim (Lua).
type RawBody struct {
	Pos  int
	Text string
}

// Semi is a ';' token.
type Semi struct {
	Pos int
}

// Close is a '}' token.
type Close struct {
	Pos int
}

// Stray is ';' or '{ ... }' with no directive name before it, or a '}'
// that closes nothing.
type Stray struct {
	Pos   int
	Semi  *Semi
	Block *Block
	// Close is a '}' at file level, which closes nothing.
	Close *Close
}

// End returns the offset after the statement.
func (s *Stmt) End() int {
	switch {
	case s.Comment != nil:
		return s.Comment.Pos + len(s.Comment.Text)
	case s.Directive != nil:
		return s.Directive.End()
	case s.Stray.Semi != nil:
		return s.Stray.Semi.Pos + 1
	case s.Stray.Close != nil:
		return s.Stray.Close.Pos + 1
	}
	return s.Stray.Block.End()
}

// Start returns the offset of the statement's first byte.
func (s *Stmt) Start() int {
	switch {
	case s.Comment != nil:
		return s.Comment.Pos
	case s.Directive != nil:
		return s.Directive.Name.Pos
	}
	return s.Stray.Pos
}
