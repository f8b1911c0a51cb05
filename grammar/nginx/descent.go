package nginx

import (
	"sync"

	"github.com/alecthomas/participle/v2/lexer"
)

// descent builds the tree of the grammar in grammar.go by recursive descent
// over the scanner's tokens. The file is tokenized first: the counts of
// words, directives, blocks... size one array per node type, from which
// the tree's nodes are taken. A file's tree is then a dozen allocations
// instead of one per node, which is what lets a host of thousands of sites
// load faster than `nginx -t` and in a fraction of its memory.
type descent struct {
	toks []token
	i    int
	tok  token

	stmts    []Stmt
	stmtPtrs []*Stmt
	dirs     []Directive
	words    []Word
	comments []Comment
	// inner are the comments between a directive's words.
	inner  []*Comment
	semis  []Semi
	blocks []Block
	closes []Close
	// scratch holds the statements of the blocks being read, innermost
	// last, until each block's list is complete and copied out.
	scratch []*Stmt
	args    []Word
}

var tokenBuffers = sync.Pool{New: func() any { return new([]token) }}

// MaxDirectives bounds the directives read from one file: a generated or
// hostile file of millions (a megabyte of "a;" is 350,000) would take
// gigabytes. The largest real ones, geo and map lists, hold a few hundred
// thousand entries.
const MaxDirectives = 1_000_000

// MaxDepth bounds how deeply blocks nest in one file: the tree is read
// and walked recursively, and a hostile file of a million '{' would take
// the whole stack. Real configurations nest a handful of blocks deep.
const MaxDepth = 1000

// readLimits follows a file's tokens as far as Parse reads them: up to
// MaxDirectives directives, and blocks nested up to MaxDepth deep.
type readLimits struct {
	directives, depth int
	// inStmt is set once a word of the current statement has been read.
	inStmt bool
}

// stops takes the next token and reports whether reading stops at it.
func (r *readLimits) stops(t token) bool {
	switch t.typ {
	case TokenWord:
		if !r.inStmt {
			if r.directives == MaxDirectives {
				return true
			}
			r.directives++
			r.inStmt = true
		}
		return false
	case TokenComment:
		return false
	case TokenLBrace:
		if r.depth == MaxDepth {
			return true
		}
		r.depth++
	case TokenRBrace:
		r.depth = max(r.depth-1, 0)
	}
	r.inStmt = false
	return false
}

// parseDescent parses the scanner's tokens. cut is the offset where it
// stopped reading (see readLimits), or -1.
func parseDescent(sc *scanner) (items []*Stmt, inner []*Comment, cut int) {
	buf := tokenBuffers.Get().(*[]token)
	toks := (*buf)[:0]
	var nWord, nComment, nSemi, nLBrace, nRBrace int
	var limits readLimits
	cut = -1
	for {
		t := sc.next()
		if limits.stops(t) {
			cut = t.pos
			t = token{typ: lexer.EOF, pos: t.pos}
		}
		toks = append(toks, t)
		switch t.typ {
		case TokenWord:
			nWord++
		case TokenComment:
			nComment++
		case TokenSemi:
			nSemi++
		case TokenLBrace:
			nLBrace++
		case TokenRBrace:
			nRBrace++
		}
		if t.typ == lexer.EOF {
			break
		}
	}
	nDir := limits.directives
	p := &descent{
		toks:     toks,
		stmts:    make([]Stmt, nDir+nComment),
		stmtPtrs: make([]*Stmt, nDir+nComment),
		dirs:     make([]Directive, nDir),
		words:    make([]Word, nWord-nDir),
		comments: make([]Comment, nComment),
		semis:    make([]Semi, nSemi),
		blocks:   make([]Block, nLBrace),
		closes:   make([]Close, nRBrace),
	}
	p.tok = toks[0]
	base := len(p.scratch)
	for !p.tok.eof() {
		if p.tok.typ == TokenRBrace {
			cl := p.close()
			p.scratch = append(p.scratch, p.stmt(&Stmt{Stray: &Stray{Pos: cl.Pos, Close: cl}}))
			continue
		}
		p.scratch = append(p.scratch, p.statement())
	}
	out := p.list(base)
	// The buffer of an unusually large file is not kept for the next.
	if cap(toks) <= 1<<16 {
		clear(toks)
		*buf = toks[:0]
		tokenBuffers.Put(buf)
	}
	return out, p.inner, cut
}

func (t token) eof() bool { return t.typ == lexer.EOF }

func (p *descent) next() {
	if p.i < len(p.toks)-1 {
		p.i++
	}
	p.tok = p.toks[p.i]
}

// take returns the next free element of a slab, or a new one when the
// counts were short (stray punctuation makes statements not counted).
func take[T any](slab *[]T) *T {
	if len(*slab) == 0 {
		return new(T)
	}
	v := &(*slab)[0]
	*slab = (*slab)[1:]
	return v
}

func (p *descent) stmt(s *Stmt) *Stmt {
	v := take(&p.stmts)
	*v = *s
	return v
}

// list copies the statements scratch holds above base into the slab and
// drops them from scratch.
func (p *descent) list(base int) []*Stmt {
	n := len(p.scratch) - base
	if n == 0 {
		return nil
	}
	var out []*Stmt
	if len(p.stmtPtrs) >= n {
		out = p.stmtPtrs[:n:n]
		p.stmtPtrs = p.stmtPtrs[n:]
	} else {
		out = make([]*Stmt, n)
	}
	copy(out, p.scratch[base:])
	clear(p.scratch[base:])
	p.scratch = p.scratch[:base]
	return out
}

func (p *descent) word() Word {
	w := newWord(p.tok.pos, p.tok.val)
	p.next()
	return w
}

func (p *descent) close() *Close { return punctuation(p, &p.closes) }

func (p *descent) semi() *Semi { return punctuation(p, &p.semis) }

// punctuation reads the current token, a ';' or '}', into the next
// element of slab.
func punctuation[T Semi | Close](p *descent, slab *[]T) *T {
	v := take(slab)
	*v = T{Pos: p.tok.pos}
	p.next()
	return v
}

// statement parses one statement; the current token is not '}' nor EOF.
func (p *descent) statement() *Stmt {
	switch p.tok.typ {
	case TokenComment:
		return p.stmt(&Stmt{Comment: p.comment()})
	case TokenSemi:
		s := p.semi()
		return p.stmt(&Stmt{Stray: &Stray{Pos: s.Pos, Semi: s}})
	case TokenLBrace:
		b := p.block()
		return p.stmt(&Stmt{Stray: &Stray{Pos: b.Pos, Block: b}})
	}
	return p.stmt(&Stmt{Directive: p.directive()})
}

func (p *descent) comment() *Comment {
	c := take(&p.comments)
	c.Pos, c.Text = p.tok.pos, p.tok.val
	p.next()
	return c
}

func (p *descent) directive() *Directive {
	d := take(&p.dirs)
	d.Name = p.word()
	base := len(p.args)
	for p.tok.typ == TokenWord || p.tok.typ == TokenComment {
		if p.tok.typ == TokenComment {
			p.inner = append(p.inner, p.comment())
			continue
		}
		p.args = append(p.args, p.word())
	}
	if n := len(p.args) - base; n > 0 {
		if len(p.words) >= n {
			d.Args = p.words[:n:n]
			p.words = p.words[n:]
		} else {
			d.Args = make([]Word, n)
		}
		copy(d.Args, p.args[base:])
		p.args = p.args[:base]
	}
	switch p.tok.typ {
	case TokenSemi:
		d.Semi = p.semi()
	case TokenLBrace:
		d.Block = p.block()
	}
	return d
}

// block parses '{' ... '}'; the current token is '{'.
func (p *descent) block() *Block {
	b := take(&p.blocks)
	b.Pos = p.tok.pos
	p.next()
	if p.tok.typ == TokenRaw {
		b.Raw = &RawBody{Pos: p.tok.pos, Text: p.tok.val}
		p.next()
	}
	base := len(p.scratch)
	for !p.tok.eof() && p.tok.typ != TokenRBrace {
		p.scratch = append(p.scratch, p.statement())
	}
	b.Stmts = p.list(base)
	if p.tok.typ == TokenRBrace {
		b.Close = p.close()
	}
	return b
}
