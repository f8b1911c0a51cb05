package nginx

import (
	"reflect"
	"strings"
	"testing"
)

// outlineKeeps is what the outlines of these tests keep inside top-level
// blocks: plain directives, and block directives whose contents go.
func outlineKeeps(name string) bool {
	switch name {
	case "listen", "include", "ssl_certificate", "location", "content_by_lua_block":
		return true
	}
	return false
}

// pruned is the outline of f made from its full tree: what Outline must
// return without building that tree.
func pruned(f *File, keep func(string) bool) *File {
	if len(f.Errors) > 0 {
		return nil
	}
	shell := func(b *Block) *Block {
		if b == nil {
			return nil
		}
		return &Block{Pos: b.Pos, Raw: b.Raw, Close: b.Close}
	}
	out := &File{Path: f.Path, Src: f.Src}
	for _, s := range f.Items {
		if s.Directive == nil {
			continue
		}
		top := *s.Directive
		top.Block = shell(s.Directive.Block)
		if top.Block != nil {
			for _, in := range s.Directive.Block.Stmts {
				if d := in.Directive; d != nil && keep(d.Name.Value) {
					inner := *d
					inner.Block = shell(d.Block)
					top.Block.Stmts = append(top.Block.Stmts, &Stmt{Directive: &inner})
				}
			}
		}
		out.Items = append(out.Items, &Stmt{Directive: &top})
	}
	return out
}

func assertOutlineOfParse(t *testing.T, name string, src []byte) {
	t.Helper()
	want := pruned(Parse(name, src), outlineKeeps)
	got := Outline(name, string(src), outlineKeeps)
	if (got == nil) != (want == nil) {
		t.Fatalf("%s: Outline is nil: %v, Parse has syntax errors: %v", name, got == nil, want == nil)
	}
	if got == nil {
		return
	}
	if got.Path != want.Path || got.Src != want.Src || !reflect.DeepEqual(got.Items, want.Items) {
		t.Fatalf("%s: the outline differs from the pruned tree of Parse", name)
	}
}

func TestOutlineIsTheParseTreePruned(t *testing.T) {
	inputs := map[string][]byte{}
	corpus := corpusFilesOrNil()
	if len(corpus) == 0 {
		t.Log("no corpus at ../shared/corpus/nginx: the outline is compared on the cases below only")
	}
	for i, src := range corpus {
		inputs["corpus"+itoa(i+1)] = src
	}
	for i, s := range []string{
		"server {\n listen 80; # c\n listen [::]:80 default_server;\n location / { listen 1; include x; }\n include snippets/a.conf;\n}\n",
		"server { ssl_certificate \"/a b\"; location ~ \"\\.php$\" { } content_by_lua_block { } }} ",
		"server { listen 80 }",    // unterminated
		"server { listen 80;",     // unclosed
		"server { ; }",            // stray ';'
		"server { { } }",          // stray block
		"} server { }",            // stray '}'
		"server { listen \"80; }", // unclosed quote
		"# only a comment\n",      // no directive
		"",                        // empty
		"a_by_lua_block { } } server { listen 1; }",   // raw body, then a stray '}'
		"server { content_by_lua_block { a = '}' } }", // raw body inside a kept directive
		"server x y { listen 1; } events { } user a;",
	} {
		inputs["case"+itoa(i+1)] = []byte(s)
	}
	for name, src := range inputs {
		assertOutlineOfParse(t, name, src)
	}
}

func TestOutlineStopsWhereParseStops(t *testing.T) {
	src := "server {\n" + strings.Repeat("a;", MaxDirectives) + "}\n"
	if Outline("big.conf", src, outlineKeeps) != nil {
		t.Fatal("an outline of a file that Parse stops reading must be nil")
	}
}

func FuzzOutlineMatchesParse(f *testing.F) {
	for _, src := range corpusFilesOrNil() {
		f.Add(src)
	}
	f.Add([]byte("server { listen 80; location / { } } }"))
	f.Fuzz(func(t *testing.T, src []byte) {
		assertOutlineOfParse(t, "fuzz", src)
	})
}

func TestOutlineStopsAtTheDepthParseStopsAt(t *testing.T) {
	deep := strings.Repeat("location / {\n", MaxDepth) + strings.Repeat("}\n", MaxDepth)
	if Outline("deep.conf", "server {\n"+deep+"}\n", outlineKeeps) != nil {
		t.Fatal("an outline of a file nested deeper than Parse reads must be nil")
	}
	if Outline("deep.conf", deep, outlineKeeps) == nil {
		t.Fatal("a file nested MaxDepth deep is read in full")
	}
}
