package fpm

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) (string, bool) {
	return func(n string) (string, bool) { v, ok := vars[n]; return v, ok }
}

// TestValues checks the strings php-fpm 8.2 receives, as printed by
// `php-fpm8.2 -tt` for the same lines.
func TestValues(t *testing.T) {
	cases := []struct{ line, name, key, value string }{
		{"user = www-data", "user", "", "www-data"},
		{"  USER\t=   www-data   ", "USER", "", "www-data"},
		{"listen = 127.0.0.1:9000 ; comment", "listen", "", "127.0.0.1:9000"},
		{"pm.max_children = 1|4", "pm.max_children", "", "5"},
		{"pm.max_children = E_ALL", "pm.max_children", "", "32767"},
		{"a = ~1", "a", "", "-2"},
		{"a = !0", "a", "", "1"},
		{"a = (1 | 2) & 2", "a", "", "2"},
		{"user = none", "user", "", ""},
		{"listen.owner = YES", "listen.owner", "", "1"},
		{"a = null", "a", "", ""},
		{"a = nobody", "a", "", "nobody"},
		{`a = b "c"  d`, "a", "", "bcd"},
		{`a = "q\$x\"y\\z\n"`, "a", "", `q$x"y\z\n`},
		{"a = x${HOME}y", "a", "", "x/rooty"},
		{`a = "x${HOME}y"`, "a", "", "x/rooty"},
		{"a = 'x${HOME}y'", "a", "", "x${HOME}y"},
		{"a = ${UNSET}", "a", "", ""},
		{"a = ${HOME:-fallback}", "a", "", ""},
		{"a = /a$;x", "a", "", "/a$;x"},
		{"a = 0x1F", "a", "", "0x1F"},
		{"a = a b", "a", "", "a b"},
		{`env[A] = "a;b"`, "env", "A", "a;b"},
		{"php_value[ error_log ] = x", "php_value", "error_log ", "x"},
		{"php_value [ k ]= v", "php_value", "k ", "v"},
		{"access.suppress_path[] = /ping", "access.suppress_path", "", "/ping"},
		{"\xef\xbb\xbfuser = x", "user", "", "x"},
		{"a = b\r", "a", "", "b"},
	}
	for _, c := range cases {
		f := Parse("t.conf", []byte(c.line+"\n"), Options{LookupEnv: env(map[string]string{"HOME": "/root"})})
		if len(f.Errors) > 0 {
			t.Errorf("%q: unexpected error %s", c.line, f.Errors[0].Message)
			continue
		}
		if len(f.Statements) != 1 {
			t.Errorf("%q: %d statements", c.line, len(f.Statements))
			continue
		}
		s := f.Statements[0]
		if s.Name != c.name || s.Key != c.key || s.Value != c.value {
			t.Errorf("%q: got %s[%s] = %q, want %s[%s] = %q", c.line, s.Name, s.Key, s.Value, c.name, c.key, c.value)
		}
	}
}

// TestSyntaxErrors lists lines php-fpm 8.2 rejects with "PHP: syntax error".
func TestSyntaxErrors(t *testing.T) {
	for _, line := range []string{
		"listen = /path(1)",
		"a = yes no",
		"a = x=y",
		"a = /home/~user",
		"[www",
		"php_value[x = 1",
		"a = \"unterminated",
		"= value",
		"a = ${}",
		"yes",
		"a = b ! c",
		"\"quoted\" = 1",
	} {
		f := Parse("t.conf", []byte(line+"\n"), Options{})
		if len(f.Errors) == 0 {
			t.Errorf("%q: no syntax error; statements %v", line, f.Statements)
		}
	}
}

func TestMultipleStatementsAndSections(t *testing.T) {
	f := Parse("t.conf", []byte("[ www2 ]\n[www] listen = 9000\n# comment\nx = ''\n"), Options{})
	var got []string
	for _, s := range f.Statements {
		got = append(got, s.String())
	}
	want := []string{`1: [ www2 ]`, `2: [www]`, `2: listen = "9000"`, `3: # comment (no value)`, `4: x = ""`, `4: ' (no value)`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestPositions(t *testing.T) {
	src := []byte("; c\n[www]\n  listen =  /run/x.sock  ; c\nphp_value[memory_limit] = \"64M\"\n")
	f := Parse("t.conf", src, Options{})
	if len(f.Statements) != 3 {
		t.Fatalf("statements: %v", f.Statements)
	}
	l := f.Statements[1]
	if f.Text(l.NameSpan) != "listen" || f.Text(l.ValueSpan) != "/run/x.sock" || l.Line != 3 {
		t.Errorf("listen: name %q value %q line %d", f.Text(l.NameSpan), f.Text(l.ValueSpan), l.Line)
	}
	loc := f.Location(l.ValueSpan)
	if loc.Range.Start.Line != 3 || loc.Range.Start.Column != 13 {
		t.Errorf("listen value at %d:%d", loc.Range.Start.Line, loc.Range.Start.Column)
	}
	a := f.Statements[2]
	if f.Text(a.KeySpan) != "memory_limit" || f.Text(a.ValueSpan) != `"64M"` || a.Value != "64M" || !a.Quoted {
		t.Errorf("array: key %q value %q", f.Text(a.KeySpan), f.Text(a.ValueSpan))
	}
}

// TestEveryErrorReported: one pass finds every bad line, not the first.
func TestEveryErrorReported(t *testing.T) {
	f := Parse("t.conf", []byte("a = (\nb = ok\nc = )\n[x\nd = ~\n"), Options{})
	if len(f.Errors) != 4 {
		t.Errorf("got %d errors, want 4: %+v", len(f.Errors), f.Errors)
	}
}

// TestHostileInput: binary data, huge lines and NUL bytes give findings,
// never a panic or a hang.
func TestHostileInput(t *testing.T) {
	inputs := map[string][]byte{
		"binary":    bytes.Repeat([]byte{0xff, 0x00, '[', '"', '$', '{', '\r', 0x80, '=', '\n', '(', ';'}, 50000),
		"huge line": append([]byte("a = "), bytes.Repeat([]byte("x"), 8<<20)...),
		"huge key":  bytes.Repeat([]byte("k"), 4<<20),
		"quotes":    bytes.Repeat([]byte(`"${`), 1<<20),
		"brackets":  bytes.Repeat([]byte("[[[[]]]]"), 1<<18),
		"ops":       append([]byte("a = "), bytes.Repeat([]byte("~("), 1<<16)...),
		"nul":       []byte("user = www\x00-data\n"),
	}
	for name, src := range inputs {
		done := make(chan *File, 1)
		go func() { done <- Parse(name, src, Options{}) }()
		select {
		case f := <-done:
			checkSpans(t, f)
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: Parse did not finish in 30s", name)
		}
	}
}

func checkSpans(t *testing.T, f *File) {
	t.Helper()
	n := len(f.Src)
	ok := func(s Span) bool { return s.Start >= 0 && s.Start <= s.End && s.End <= n }
	for _, s := range f.Statements {
		if !ok(s.Span) || !ok(s.NameSpan) || !ok(s.ValueSpan) || !ok(s.KeySpan) {
			t.Fatalf("%s: bad span in %v: %+v", f.Path, s, s)
		}
	}
	for _, e := range f.Errors {
		if !ok(e.Span) {
			t.Fatalf("%s: bad error span %+v", f.Path, e)
		}
	}
}

func corpusSeeds() [][]byte {
	var out [][]byte
	for _, dir := range []string{"../../../shared/corpus/fpm", "../../testdata/fpm"} {
		_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() && (strings.HasSuffix(p, ".conf") || strings.HasSuffix(p, ".in")) {
				if b, err := os.ReadFile(p); err == nil {
					out = append(out, b)
				}
			}
			return nil
		})
	}
	return out
}

func FuzzParse(f *testing.F) {
	for _, b := range corpusSeeds() {
		f.Add(b)
	}
	f.Add([]byte("a = \"${X}\" 'y' (1|2) ~ !\n[w\n#x\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		file := Parse("fuzz.conf", src, Options{LookupEnv: env(map[string]string{"X": "1"})})
		checkSpans(t, file)
		assertPlainLinesMatchGrammar(t, "fuzz", src)
	})
}

// The fast path for plain lines gives the statements, values, spans and
// errors the grammar gives.
func TestPlainLinesMatchGrammar(t *testing.T) {
	inputs := corpusSeeds()
	inputs = append(inputs, []byte("[www]\n[]\n[a b]\nx =\ny = on\nz = off ; c\nw = null\nv = on x\nu = 1 2  3\nt = 'q' \"r\"\ns = ${X}\nr = a|b\n q=1\n[x] y = 2\np\n"))
	for i, src := range inputs {
		assertPlainLinesMatchGrammar(t, fmt.Sprint("input ", i), src)
	}
}

func assertPlainLinesMatchGrammar(t *testing.T, name string, src []byte) {
	t.Helper()
	opts := Options{LookupEnv: env(map[string]string{"X": "1"})}
	fast := Parse("t.conf", src, opts)
	usePlainLines = false
	slow := Parse("t.conf", src, opts)
	usePlainLines = true
	if !reflect.DeepEqual(fast.Statements, slow.Statements) || !reflect.DeepEqual(fast.Errors, slow.Errors) || !reflect.DeepEqual(fast.Comments, slow.Comments) {
		t.Fatalf("%s: the plain-line path and the grammar disagree:\n%+v\n%+v", name, fast.Statements, slow.Statements)
	}
}

// BenchmarkParsePool parses Debian's stock pool file (mostly comments) and
// a dense pool file (directives only).
func BenchmarkParsePool(b *testing.B) {
	stock, err := os.ReadFile("../../../shared/corpus/fpm/debian-12/pool.d/www.conf")
	if err != nil {
		b.Skip("corpus not found")
	}
	var dense bytes.Buffer
	for i := 0; i < 50; i++ {
		dense.WriteString("[pool" + strings.Repeat("x", i%5) + "]\nuser = www-data\nlisten = /run/php/$pool.sock\nlisten.owner = www-data\npm = dynamic\npm.max_children = 5\nphp_admin_value[error_log] = \"/var/log/fpm-$pool.log\"\nenv[PATH] = /usr/local/bin:/usr/bin:/bin\nrequest_terminate_timeout = 30s ; comment\n")
	}
	for _, c := range []struct {
		name string
		src  []byte
	}{{"stock-www.conf", stock}, {"dense", dense.Bytes()}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.src)))
			for i := 0; i < b.N; i++ {
				Parse("www.conf", c.src, Options{})
			}
		})
	}
}

// A file of more statements than MaxStatements is read up to there.
func TestStatementLimit(t *testing.T) {
	f := Parse("t.conf", []byte(strings.Repeat("a = 1\n", MaxStatements+5)), Options{})
	if f.Cut == nil || f.CutLine != MaxStatements+1 || len(f.Statements) != MaxStatements {
		t.Fatalf("cut %v on line %d after %d statements, want line %d after %d", f.Cut, f.CutLine, len(f.Statements), MaxStatements+1, MaxStatements)
	}
	if f := Parse("t.conf", []byte("[www]\nlisten = 9000\n"), Options{}); f.Cut != nil {
		t.Fatalf("a small file was cut at %v", f.Cut)
	}
}
