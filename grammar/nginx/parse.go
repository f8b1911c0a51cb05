package nginx

import (
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

var parser = participle.MustBuild[fileGrammar](participle.Lexer(Lexer))

// Parse parses one file. It never fails: syntax errors are in File.Errors,
// and the tree holds everything that could be read around them.
func Parse(path string, src []byte) *File {
	text := string(src)
	f := &File{Path: path, Src: text}
	sc := newScanner(path, text)
	f.Items = parseDescent(sc)
	for _, le := range sc.errors {
		f.Errors = append(f.Errors, SyntaxError{Start: le.Pos.Offset, End: le.End, Line: le.Pos.Line, Message: le.Message})
	}
	c := checker{f: f}
	c.stmts(f.Items, nil)
	fillValues(f.Items)
	sortErrors(f.Errors)
	return f
}

func parseSafely(peek *lexer.PeekingLexer) (g *fileGrammar, err error) {
	defer func() {
		if r := recover(); r != nil {
			g, err = nil, fmt.Errorf("%v", r)
		}
	}()
	return parser.ParseFromLexer(peek)
}

func flatten(items []*topItem) []*Stmt {
	var out []*Stmt
	for _, it := range items {
		if it.Close != nil {
			out = append(out, &Stmt{Stray: &Stray{Pos: it.Close.Pos, Close: it.Close}})
			continue
		}
		out = append(out, it.Stmt)
	}
	return out
}

func fillValues(stmts []*Stmt) {
	for _, s := range stmts {
		var b *Block
		switch {
		case s.Directive != nil:
			d := s.Directive
			d.Name.Value = Unquote(d.Name.Raw)
			for _, a := range d.Args {
				a.Value = Unquote(a.Raw)
			}
			b = d.Block
		case s.Stray != nil:
			b = s.Stray.Block
		}
		if b != nil {
			fillValues(b.Stmts)
		}
	}
}

// checker finds the structural errors nginx's ngx_conf_parse reports.
type checker struct {
	f       *File
	eofSeen bool // one "unexpected end of file" per file, as nginx stops there
}

func (c *checker) add(start, end int, msg string) {
	c.f.Errors = append(c.f.Errors, SyntaxError{Start: start, End: end, Line: lineOf(c.f.Src, start), Message: msg})
}

func (c *checker) eof(msg string) {
	if c.eofSeen {
		return
	}
	c.eofSeen = true
	n := len(c.f.Src)
	c.add(n, n, msg)
}

// stmts checks a statement list; encl is the enclosing block (nil at file
// level).
func (c *checker) stmts(list []*Stmt, encl *Block) {
	for i, s := range list {
		switch {
		case s.Stray != nil:
			st := s.Stray
			switch {
			case st.Semi != nil:
				c.add(st.Semi.Pos.Offset, st.Semi.Pos.Offset+1, `unexpected ";"`)
			case st.Close != nil:
				// A '}' right after an unterminated directive was already
				// reported with that directive.
				if i > 0 && list[i-1].Directive != nil && !list[i-1].Directive.Terminated() {
					continue
				}
				c.add(st.Close.Pos.Offset, st.Close.Pos.Offset+1, `unexpected "}"`)
			case st.Block != nil:
				c.add(st.Block.Pos.Offset, st.Block.Pos.Offset+1, `unexpected "{"`)
				c.block(st.Block)
			}
		case s.Directive != nil:
			d := s.Directive
			if d.Block != nil {
				c.block(d.Block)
				continue
			}
			if d.Terminated() {
				continue
			}
			// Unterminated: what follows is '}' or the end of the file.
			last := i == len(list)-1
			switch {
			case !last && list[i+1].Stray != nil && list[i+1].Stray.Close != nil:
				cl := list[i+1].Stray.Close
				c.add(cl.Pos.Offset, cl.Pos.Offset+1, `unexpected "}"`)
			case last && encl != nil && encl.Close != nil:
				c.add(encl.Close.Pos.Offset, encl.Close.Pos.Offset+1, `unexpected "}"`)
			default:
				c.eof(`unexpected end of file, expecting ";" or "}"`)
			}
		}
	}
}

func (c *checker) block(b *Block) {
	if b.Raw == nil {
		c.stmts(b.Stmts, b)
	}
	if b.Close == nil {
		c.eof(`unexpected end of file, expecting "}"`)
	}
}

func lineOf(src string, off int) int {
	if off > len(src) {
		off = len(src)
	}
	return 1 + strings.Count(src[:off], "\n")
}

func sortErrors(es []SyntaxError) {
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].Start < es[j-1].Start; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}
