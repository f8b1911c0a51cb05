package nginx

import (
	"fmt"
	"math"
	"sort"
	"unsafe"
)

// Parse parses one file. It never fails: syntax errors are in File.Errors,
// and the tree holds everything that could be read around them.
func Parse(path string, src []byte) *File {
	return ParseString(path, string(src))
}

// ParseOwned is Parse for a buffer nothing else holds or will modify (a
// file just read): the tree keeps it as its text instead of a copy.
func ParseOwned(path string, src []byte) *File {
	return ParseString(path, unsafe.String(unsafe.SliceData(src), len(src)))
}

// ParseString is Parse of text.
func ParseString(path, text string) *File {
	f := &File{Path: path, Src: text}
	if len(text) > math.MaxInt32 {
		// Words keep their lengths in 32 bits; no configuration is this big.
		f.Errors = []SyntaxError{{Line: 1, Message: "file larger than 2 GiB, not read"}}
		return f
	}
	sc := newScanner(text)
	items, inner, cut := parseDescent(sc)
	f.Items, f.InnerComments = items, inner
	for _, le := range sc.errors {
		if cut < 0 || le.Start < cut {
			f.Errors = append(f.Errors, SyntaxError{Start: le.Start, End: le.End, Line: f.lineOf(le.Start), Message: le.Message})
		}
	}
	c := checker{f: f}
	if cut >= 0 {
		// The blocks left open where reading stopped are not errors.
		c.eofSeen = true
		msg := fmt.Sprintf("more than %d directives in one file: fcgilint reads no further, and what follows is not checked", MaxDirectives)
		if text[cut] == '{' {
			msg = fmt.Sprintf("blocks nested more than %d deep: fcgilint reads no further, and what follows is not checked", MaxDepth)
		}
		f.Errors = append(f.Errors, SyntaxError{Start: cut, End: cut, Line: f.lineOf(cut), Message: msg, Limit: true})
	}
	c.stmts(f.Items, nil)
	sort.SliceStable(f.Errors, func(i, j int) bool { return f.Errors[i].Start < f.Errors[j].Start })
	return f
}

// checker finds the structural errors nginx's ngx_conf_parse reports.
type checker struct {
	f       *File
	eofSeen bool // one "unexpected end of file" per file, as nginx stops there
}

func (c *checker) add(start, end int, msg string) {
	c.f.Errors = append(c.f.Errors, SyntaxError{Start: start, End: end, Line: c.f.lineOf(start), Message: msg})
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
				c.add(st.Semi.Pos, st.Semi.Pos+1, `unexpected ";"`)
			case st.Close != nil:
				// A '}' right after an unterminated directive was already
				// reported with that directive.
				if i > 0 && list[i-1].Directive != nil && !list[i-1].Directive.Terminated() {
					continue
				}
				c.add(st.Close.Pos, st.Close.Pos+1, `unexpected "}"`)
			case st.Block != nil:
				c.add(st.Block.Pos, st.Block.Pos+1, `unexpected "{"`)
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
				c.add(cl.Pos, cl.Pos+1, `unexpected "}"`)
			case last && encl != nil && encl.Close != nil:
				c.add(encl.Close.Pos, encl.Close.Pos+1, `unexpected "}"`)
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

// lineOf is the 1-based line of byte offset off.
func (f *File) lineOf(off int) int { return f.Lines().Pos(off).Line }
