package nginx

import (
	"fmt"
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The grammar of nginx's configuration language, as participle reads it.
// It is the specification of the tree: Parse builds the same tree by
// recursive descent (descent.go), because participle's reflective parser
// runs at about 7 MB/s and allocates 128 bytes per input byte, too slow and
// too large for checking thousands of sites faster than `nginx -t`.
// TestDescentMatchesGrammar and FuzzDescentMatchesGrammar hold the two to
// the same trees.

type gFile struct {
	Items []*gTop `parser:"@@*"`
}

// gTop is what the file level holds: statements, and '}' without a block.
type gTop struct {
	Stmt  *gStmt  `parser:"@@"`
	Close *gClose `parser:"| @@"`
}

type gStmt struct {
	Comment   *gComment   `parser:"@@"`
	Directive *gDirective `parser:"| @@"`
	Stray     *gStray     `parser:"| @@"`
}

type gComment struct {
	Pos  lexer.Position
	Text string `parser:"@Comment"`
}

type gWord struct {
	Pos lexer.Position
	Raw string `parser:"@Word"`
}

type gDirective struct {
	Pos      lexer.Position
	Name     *gWord      `parser:"@@"`
	Args     []*gWord    `parser:"( @@"`
	Comments []*gComment `parser:"| @@ )*"`
	Semi     *gSemi      `parser:"( @@"`
	Block    *gBlock     `parser:"| @@ )?"`
}

type gBlock struct {
	Pos   lexer.Position
	Open  string    `parser:"@LBrace"`
	Raw   *gRawBody `parser:"@@?"`
	Stmts []*gStmt  `parser:"@@*"`
	Close *gClose   `parser:"@@?"`
}

type gRawBody struct {
	Pos  lexer.Position
	Text string `parser:"@Raw"`
}

type gSemi struct {
	Pos lexer.Position
	Tok string `parser:"@Semi"`
}

type gClose struct {
	Pos lexer.Position
	Tok string `parser:"@RBrace"`
}

type gStray struct {
	Pos   lexer.Position
	Semi  *gSemi  `parser:"@@"`
	Block *gBlock `parser:"| @@"`
}

// parser is built on first use: only the tests that hold the descent
// parser to the grammar parse with it.
var parser = sync.OnceValue(func() *participle.Parser[gFile] {
	return participle.MustBuild[gFile](participle.Lexer(Lexer))
})

// parseGrammar parses with participle from the grammar above and returns
// the statements as Parse's tree holds them.
func parseGrammar(path, text string) (items []*Stmt, inner []*Comment, err error) {
	peek, err := lexer.Upgrade(newTokenLexer(path, text))
	if err != nil {
		return nil, nil, err
	}
	g, err := parseSafely(peek)
	if g != nil {
		for _, it := range g.Items {
			if it.Close != nil {
				items = append(items, &Stmt{Stray: &Stray{Pos: it.Close.Pos.Offset, Close: &Close{Pos: it.Close.Pos.Offset}}})
				continue
			}
			items = append(items, it.Stmt.tree(&inner))
		}
	}
	return items, inner, err
}

func parseSafely(peek *lexer.PeekingLexer) (g *gFile, err error) {
	defer func() {
		if r := recover(); r != nil {
			g, err = nil, fmt.Errorf("%v", r)
		}
	}()
	return parser().ParseFromLexer(peek)
}

func (s *gStmt) tree(inner *[]*Comment) *Stmt {
	switch {
	case s.Comment != nil:
		return &Stmt{Comment: s.Comment.tree()}
	case s.Directive != nil:
		g := s.Directive
		d := &Directive{Name: g.Name.tree()}
		for _, a := range g.Args {
			d.Args = append(d.Args, a.tree())
		}
		for _, c := range g.Comments {
			*inner = append(*inner, c.tree())
		}
		if g.Semi != nil {
			d.Semi = &Semi{Pos: g.Semi.Pos.Offset}
		}
		if g.Block != nil {
			d.Block = g.Block.tree(inner)
		}
		return &Stmt{Directive: d}
	}
	st := &Stray{Pos: s.Stray.Pos.Offset}
	if s.Stray.Semi != nil {
		st.Semi = &Semi{Pos: s.Stray.Semi.Pos.Offset}
	} else {
		st.Block = s.Stray.Block.tree(inner)
	}
	return &Stmt{Stray: st}
}

func (c *gComment) tree() *Comment { return &Comment{Pos: c.Pos.Offset, Text: c.Text} }

func (w *gWord) tree() Word { return newWord(w.Pos.Offset, w.Raw) }

func (g *gBlock) tree(inner *[]*Comment) *Block {
	b := &Block{Pos: g.Pos.Offset}
	if g.Raw != nil {
		b.Raw = &RawBody{Pos: g.Raw.Pos.Offset, Text: g.Raw.Text}
	}
	for _, s := range g.Stmts {
		b.Stmts = append(b.Stmts, s.tree(inner))
	}
	if g.Close != nil {
		b.Close = &Close{Pos: g.Close.Pos.Offset}
	}
	return b
}
