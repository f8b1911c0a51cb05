package nginx

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func words(d *Directive) []string {
	out := []string{d.Name.Value}
	for _, a := range d.Args {
		out = append(out, a.Value)
	}
	return out
}

func firstDirective(t *testing.T, src string) *Directive {
	t.Helper()
	f := Parse("t.conf", []byte(src))
	for _, s := range f.Items {
		if s.Directive != nil {
			return s.Directive
		}
	}
	t.Fatalf("no directive in %q", src)
	return nil
}

func TestTokenizerFollowsNginx(t *testing.T) {
	cases := []struct {
		src  string
		want []string
	}{
		{`root /a#b;`, []string{"root", "/a#b"}},                         // '#' inside a token is literal
		{`return 404};`, []string{"return", "404}"}},                     // '}' does not end a token
		{`set $a ${b}c;`, []string{"set", "$a", "${b}c"}},                // ${var} keeps its brace
		{`a "x;y{z}" 'q"r';`, []string{"a", "x;y{z}", `q"r`}},            // quotes protect ; { }
		{`a "x\"y" \;b;`, []string{"a", `x"y`, `\;b`}},                   // escapes; "\;" keeps both
		{`a "t\tn\nr\r\x";`, []string{"a", "t\tn\nr\r\\x"}},              // \t \n \r and unknown escape
		{"a b # c ; d\n e;", []string{"a", "b", "e"}},                    // comment between arguments
		{`if ($a = "x") { }`, []string{"if", "($a", "=", "x", ")"}},      // ')' may follow a quote
		{`a b"c"d;`, []string{"a", `b"c"d`}},                             // quotes inside a token are literal
		{"content_by_lua_block { x }", []string{"content_by_lua_block"}}, // raw body
	}
	for _, c := range cases {
		d := firstDirective(t, c.src)
		if got := words(d); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: words %q, want %q", c.src, got, c.want)
		}
	}
}

func TestLuaBlockBodyIsRaw(t *testing.T) {
	src := "content_by_lua_block {\n  ngx.say(\"}\") -- } comment\n  local t = { [[ } ]] } --[==[ } ]==]\n}\nlocation / { }\n"
	f := Parse("t.conf", []byte(src))
	if len(f.Errors) != 0 {
		t.Fatalf("errors: %+v", f.Errors)
	}
	d := f.Items[0].Directive
	if d.Block == nil || d.Block.Raw == nil || !strings.Contains(d.Block.Raw.Text, "--[==[ } ]==]") || d.Block.Close == nil {
		t.Fatalf("lua body not kept raw: %+v", d.Block)
	}
	if f.Items[1].Directive == nil || f.Items[1].Directive.Name.Value != "location" {
		t.Fatalf("statement after the lua block lost")
	}
}

func TestSyntaxErrorsAllReported(t *testing.T) {
	cases := []struct {
		src  string
		want []string // "line: message"
	}{
		{"a;\n}\nb;\n;\n", []string{`2: unexpected "}"`, `4: unexpected ";"`}},
		{"http {\n  a b\n}\n", []string{`3: unexpected "}"`}},
		{"http {\n  a;\n", []string{`3: unexpected end of file, expecting "}"`}},
		{"a b", []string{`1: unexpected end of file, expecting ";" or "}"`}},
		{"a \"b\"c;\n", []string{`1: unexpected "c"`}},
		{"{ a; }\nb;", []string{`1: unexpected "{"`}},
		{"a \"unterminated;\nb;\n", []string{`3: unexpected end of file, expecting ";" or "}"`}},
		{"x {\n y {\n }\n", []string{`4: unexpected end of file, expecting "}"`}},
		{"a " + strings.Repeat("x", MaxParam) + ";", []string{`1: too long parameter "xxxxxxxxxx..." started`}},
		{"a \"" + strings.Repeat("x", MaxParam) + "\";", []string{`1: too long parameter, probably missing terminating '"' character`}},
		{"a " + strings.Repeat("x", MaxParam-1) + ";", nil},
	}
	for _, c := range cases {
		f := Parse("t.conf", []byte(c.src))
		var got []string
		for _, e := range f.Errors {
			got = append(got, strings.Join([]string{itoa(e.Line), e.Message}, ": "))
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q:\n got %q\nwant %q", c.src, got, c.want)
		}
	}
}

func itoa(n int) string {
	s := ""
	if n == 0 {
		return "0"
	}
	for n > 0 {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}

func TestPositions(t *testing.T) {
	src := "http {\n  server_name  \"ex ample\";\n}\n"
	f := Parse("t.conf", []byte(src))
	d := f.Items[0].Directive.Block.Stmts[0].Directive
	name, arg := f.Lines().Pos(d.Start()), f.Lines().Pos(d.Args[0].Pos)
	if name.Line != 2 || name.Column != 3 || arg.Column != 16 || d.Args[0].End() != strings.Index(src, `";`)+1 {
		t.Fatalf("positions: %+v %+v end %d", name, arg, d.Args[0].End())
	}
	if d.End() != strings.Index(src, ";")+1 {
		t.Fatalf("directive end %d", d.End())
	}
}

// corpusFiles returns the shared corpus's nginx files, or skips.
func corpusFiles(t testing.TB) map[string][]byte {
	root := filepath.Join("..", "..", "..", "shared", "corpus", "nginx")
	out := map[string][]byte{}
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".bz2") && !strings.HasSuffix(p, "LICENSE") {
			if src, err := os.ReadFile(p); err == nil {
				out[p] = src
			}
		}
		return nil
	})
	if len(out) == 0 {
		t.Skip("skipping: no corpus at ../shared/corpus/nginx")
	}
	return out
}

func TestDescentMatchesGrammar(t *testing.T) {
	extra := []string{"}}}", "a {", "{ { ;", "a b c { d; } e", "x_by_lua_block { a } }", "# c\n}", ""}
	inputs := corpusFiles(t)
	for i, s := range extra {
		inputs["extra"+itoa(i+1)] = []byte(s)
	}
	for name, src := range inputs {
		assertSameTree(t, name, src)
	}
}

func assertSameTree(t testing.TB, name string, src []byte) {
	want, wantInner, err := parseGrammar(name, string(src))
	if err != nil {
		t.Fatalf("%s: the grammar rejected input, but it must accept every token sequence: %v", name, err)
	}
	got, gotInner, _ := parseDescent(newScanner(string(src)))
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotInner, wantInner) {
		t.Fatalf("%s: recursive descent and participle grammar disagree", name)
	}
}

func FuzzDescentMatchesGrammar(f *testing.F) {
	for _, src := range corpusFilesOrNil() {
		f.Add(src)
	}
	f.Add([]byte("a { b; } } ; { c"))
	f.Fuzz(func(t *testing.T, src []byte) {
		assertSameTree(t, "fuzz", src)
		Parse("fuzz", src)
	})
}

func corpusFilesOrNil() [][]byte {
	var out [][]byte
	_ = filepath.WalkDir(filepath.Join("..", "..", "..", "shared", "corpus", "nginx"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".conf" {
			if src, err := os.ReadFile(p); err == nil && len(src) < 64<<10 {
				out = append(out, src)
			}
		}
		return nil
	})
	return out
}

func TestCorpusParses(t *testing.T) {
	for name, src := range corpusFiles(t) {
		f := Parse(name, src)
		for _, e := range f.Errors {
			if strings.HasPrefix(e.Message, "internal") {
				t.Errorf("%s: %s", name, e.Message)
			}
		}
	}
}

// A file of more directives than MaxDirectives is read up to there, with a
// note where reading stopped, and no error for the blocks left open.
func TestDirectiveLimit(t *testing.T) {
	src := "http {\n" + strings.Repeat("a;\n", MaxDirectives+5) + "}\n"
	f := Parse("t.conf", []byte(src))
	if len(f.Errors) != 1 || !f.Errors[0].Limit || f.Errors[0].Line != MaxDirectives+1 {
		t.Fatalf("want one limit note on line %d, got %+v", MaxDirectives+1, f.Errors)
	}
	if n := len(f.Items[0].Directive.Block.Stmts); n != MaxDirectives-1 {
		t.Errorf("read %d directives in the block, want %d", n, MaxDirectives-1)
	}
}

// Blocks nested deeper than MaxDepth are not read: a note says where
// reading stopped, and a file of megabytes of '{' is no crash. A file
// nested MaxDepth deep is read in full.
func TestDepthLimit(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("location / {\n", n) + strings.Repeat("}\n", n) }
	f := Parse("t.conf", []byte(deep(MaxDepth)))
	if len(f.Errors) != 0 {
		t.Fatalf("nested %d deep: %+v", MaxDepth, f.Errors)
	}
	f = Parse("t.conf", []byte(deep(MaxDepth+1)))
	if len(f.Errors) != 1 || !f.Errors[0].Limit || f.Errors[0].Line != MaxDepth+1 || !strings.Contains(f.Errors[0].Message, "nested more than") {
		t.Fatalf("want one limit note on line %d, got %+v", MaxDepth+1, f.Errors)
	}
	f = Parse("t.conf", []byte(strings.Repeat("{", 4<<20)))
	if n := len(f.Errors); n != MaxDepth+1 || f.Errors[0].Message != `unexpected "{"` || !f.Errors[n-1].Limit {
		t.Fatalf("megabytes of '{': want %d stray braces and the limit note, got %d errors, the first %+v", MaxDepth, n, f.Errors[0])
	}
}
