package nginx

import (
	"math"

	"github.com/alecthomas/participle/v2/lexer"
)

// Outline reads text as Parse does and returns its outline: the tree Parse
// would build, pruned to the directives of its top level, each block of
// those holding only the directives of its own top level that keep accepts
// (a kept directive's block is kept without its statements), and no
// comments. It returns nil when Parse would report a syntax error.
//
// An outline costs a scan of the text and a few allocations: the check of
// a host of thousands of sites outlines each site to learn what the other
// servers see of it, and parses it in full only when it checks it.
func Outline(path, text string, keep func(name string) bool) *File {
	if len(text) > math.MaxInt32 {
		return nil
	}
	o := outliner{sc: newScanner(text), keep: keep}
	o.next()
	var items []*Stmt
	for !o.failed && o.tok.typ != lexer.EOF {
		if d := o.statement(0); d != nil {
			items = append(items, &Stmt{Directive: d})
		}
	}
	if o.failed || len(o.sc.errors) > 0 {
		return nil
	}
	return &File{Path: path, Src: text, Items: items}
}

// outliner walks the scanner's tokens along the paths of descent, building
// only the directives an outline holds. It stops at the first syntax error.
type outliner struct {
	sc   *scanner
	tok  token
	keep func(string) bool
	// failed is set at the first syntax error: a stray ';', '{' or '}',
	// an unterminated directive, an unclosed block, or where Parse stops
	// reading (limits).
	failed bool
	limits readLimits
}

func (o *outliner) next() {
	o.tok = o.sc.next()
	if o.limits.stops(o.tok) {
		o.failed = true
	}
}

// statement reads one statement at depth (0 at file level) and returns the
// directive the outline holds of it, or nil.
func (o *outliner) statement(depth int) *Directive {
	switch o.tok.typ {
	case TokenComment:
		o.next()
		return nil
	case TokenSemi, TokenLBrace, TokenRBrace:
		o.failed = true
		return nil
	}
	return o.directive(depth)
}

// directive reads a directive; the current token is its name.
func (o *outliner) directive(depth int) *Directive {
	held := depth == 0 || depth == 1 && o.keep(Unquote(o.tok.val))
	var d *Directive
	if held {
		d = &Directive{Name: newWord(o.tok.pos, o.tok.val)}
	}
	o.next()
	for o.tok.typ == TokenWord || o.tok.typ == TokenComment {
		if held && o.tok.typ == TokenWord {
			d.Args = append(d.Args, newWord(o.tok.pos, o.tok.val))
		}
		o.next()
	}
	switch o.tok.typ {
	case TokenSemi:
		if held {
			d.Semi = &Semi{Pos: o.tok.pos}
		}
		o.next()
	case TokenLBrace:
		if b := o.block(depth+1, held); held {
			d.Block = b
		}
	default:
		o.failed = true // unterminated
	}
	return d
}

// block reads '{' ... '}' whose statements are at depth; the current token
// is '{'. When held, it returns the block with the statements an outline
// holds; otherwise nil.
func (o *outliner) block(depth int, held bool) *Block {
	var b *Block
	if held {
		b = &Block{Pos: o.tok.pos}
	}
	o.next()
	if o.tok.typ == TokenRaw {
		if held {
			b.Raw = &RawBody{Pos: o.tok.pos, Text: o.tok.val}
		}
		o.next()
	}
	for !o.failed && o.tok.typ != lexer.EOF && o.tok.typ != TokenRBrace {
		if d := o.statement(depth); d != nil {
			b.Stmts = append(b.Stmts, &Stmt{Directive: d})
		}
	}
	if o.tok.typ != TokenRBrace {
		o.failed = true // unclosed
		return b
	}
	if held {
		b.Close = &Close{Pos: o.tok.pos}
	}
	o.next()
	return b
}
