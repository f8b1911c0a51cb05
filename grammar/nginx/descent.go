package nginx

import "github.com/alecthomas/participle/v2/lexer"

// descent builds the tree of fileGrammar by recursive descent over the same
// scanner. participle's reflective parser runs at about 7 MB/s and allocates
// 128 bytes per input byte, too slow and too large for checking thousands of
// sites faster than `nginx -t`; the grammar in ast.go stays the specification,
// and TestDescentMatchesGrammar and FuzzDescentMatchesGrammar hold this parser
// to it, tree for tree.
type descent struct {
	sc  *scanner
	tok lexer.Token
}

func parseDescent(sc *scanner) []*Stmt {
	p := &descent{sc: sc}
	p.next()
	var out []*Stmt
	for !p.tok.EOF() {
		if p.tok.Type == TokenRBrace {
			cl := &Close{Pos: p.tok.Pos, Tok: p.tok.Value}
			p.next()
			out = append(out, &Stmt{Stray: &Stray{Pos: cl.Pos, Close: cl}})
			continue
		}
		out = append(out, p.stmt())
	}
	return out
}

func (p *descent) next() { p.tok, _ = p.sc.Next() }

// stmt parses one statement; the current token is not '}' nor EOF.
func (p *descent) stmt() *Stmt {
	switch p.tok.Type {
	case TokenComment:
		c := &Comment{Pos: p.tok.Pos, Text: p.tok.Value}
		p.next()
		return &Stmt{Comment: c}
	case TokenSemi:
		s := &Semi{Pos: p.tok.Pos, Tok: p.tok.Value}
		p.next()
		return &Stmt{Stray: &Stray{Pos: s.Pos, Semi: s}}
	case TokenLBrace:
		b := p.block()
		return &Stmt{Stray: &Stray{Pos: b.Pos, Block: b}}
	}
	return &Stmt{Directive: p.directive()}
}

func (p *descent) directive() *Directive {
	d := &Directive{Pos: p.tok.Pos, Name: &Word{Pos: p.tok.Pos, Raw: p.tok.Value}}
	p.next()
	for {
		switch p.tok.Type {
		case TokenWord:
			d.Args = append(d.Args, &Word{Pos: p.tok.Pos, Raw: p.tok.Value})
			p.next()
			continue
		case TokenComment:
			d.Comments = append(d.Comments, &Comment{Pos: p.tok.Pos, Text: p.tok.Value})
			p.next()
			continue
		case TokenSemi:
			d.Semi = &Semi{Pos: p.tok.Pos, Tok: p.tok.Value}
			p.next()
		case TokenLBrace:
			d.Block = p.block()
		}
		return d
	}
}

// block parses '{' ... '}'; the current token is '{'.
func (p *descent) block() *Block {
	b := &Block{Pos: p.tok.Pos, Open: p.tok.Value}
	p.next()
	if p.tok.Type == TokenRaw {
		b.Raw = &RawBody{Pos: p.tok.Pos, Text: p.tok.Value}
		p.next()
	}
	for !p.tok.EOF() && p.tok.Type != TokenRBrace {
		b.Stmts = append(b.Stmts, p.stmt())
	}
	if p.tok.Type == TokenRBrace {
		b.Close = &Close{Pos: p.tok.Pos, Tok: p.tok.Value}
		p.next()
	}
	return b
}

// parseGrammar parses with participle from the grammar in ast.go.
func parseGrammar(path, text string) (items []*Stmt, err error) {
	peek, err := lexer.Upgrade(newScanner(path, text))
	if err != nil {
		return nil, err
	}
	g, err := parseSafely(peek)
	if g != nil {
		items = flatten(g.Items)
	}
	return items, err
}
