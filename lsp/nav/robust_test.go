package nav

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/fcgilint/fcgilint/internal/testfiles"
	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/engine"
)

// exerciseAll calls every navigation function at every offset of every
// file of the pass (and a little outside), and checks that what comes
// back points inside real files. A panic fails the test by itself.
func exerciseAll(t testing.TB, pass *lint.Pass) {
	t.Helper()
	sizes := map[string]int{}
	paths := make([]string, 0)
	if pass != nil {
		for p := range engine.Files(pass) {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		sizes[p] = len(b)
	}
	check := func(what string, loc diag.Location) {
		if loc.File == "" {
			t.Errorf("%s: location without a file", what)
			return
		}
		size, ok := sizes[loc.File]
		if !ok {
			t.Errorf("%s: location in a file the pass did not read: %s", what, loc.File)
			return
		}
		r := loc.Range
		if r.Start.Offset < 0 || r.Start.Offset > r.End.Offset || r.End.Offset > size || r.Start.Line < 1 {
			t.Errorf("%s: bad range %+v in %s (%d bytes)", what, r, loc.File, size)
		}
	}
	var checkSymbols func([]Symbol)
	checkSymbols = func(syms []Symbol) {
		for _, s := range syms {
			check("symbol range", s.Range)
			check("symbol selection", s.Selection)
			if s.Selection.Range.Start.Offset < s.Range.Range.Start.Offset || s.Selection.Range.End.Offset > s.Range.Range.End.Offset {
				t.Errorf("symbol %q: selection %+v outside range %+v", s.Name, s.Selection.Range, s.Range.Range)
			}
			checkSymbols(s.Children)
		}
	}
	for _, p := range append(paths, "/nonexistent/file.conf", "") {
		checkSymbols(Symbols(pass, p))
		for off := -2; off <= sizes[p]+2; off++ {
			NodeAt(pass, p, off)
			FPMEntryAt(pass, p, off)
			if h, ok := HoverAt(pass, p, off); ok {
				check("hover", h.Range)
			}
			for _, l := range Definition(pass, p, off) {
				check("definition", l)
			}
			for _, l := range References(pass, p, off, true) {
				check("reference", l)
			}
			for _, version := range []string{"", "1.22.1"} {
				if c, ok := Complete(pass, p, off, version); ok {
					check("completion", c.Replace)
				}
			}
			for _, a := range CodeActions(pass, p, off, off+3, nil) {
				for _, e := range a.Edits {
					check("edit", e.Location)
				}
			}
		}
	}
}

func TestRobustness(t *testing.T) {
	fx := newFixture(t, map[string]string{
		"nginx.conf": "events {}\nhttp {\n include conf.d/*.conf;\n server {\n  location / { fastcgi_pass ; }\n" +
			"  location /x { fastcgi_pass \"unterminated;\n  # comment }\n",
		"conf.d/empty.conf": "",
		"conf.d/lua.conf": "server { location / { content_by_lua_block { ngx.say('}') } fastcgi_pass $up; } }\n" +
			"map $a $b { default 1; include x; }\n}}};;{",
		"conf.d/ctrl.conf": "\x00\xff\xfe server_name \"é\r\n\";\r\n",
		"php-fpm.conf":     "[global]\n# bad\nlisten=(\ninclude = DIR/pool.d/*.conf\n[www]\nlisten = 9000\nphp_value[x = 1\n",
		"pool.d/a.conf":    "",
		"pool.d/b.conf":    "listen = /run/x.sock\n[b]\nlisten=${UNSET}\nlisten.mode=\n",
	})
	exerciseAll(t, fx.pass)
	exerciseAll(t, &lint.Pass{})
	exerciseAll(t, nil)
}

func FuzzNav(f *testing.F) {
	f.Add(mainConf, poolConf)
	f.Add("http { server { location / { fastcgi_pass php; } } upstream php { server 127.0.0.1:9000; } }", "[www]\nlisten = 127.0.0.1:9000\n")
	f.Add("events {}\nhttp {\n include x/*.conf;\n server { location ~ \\.php$ { fastcgi_pass unix:/run/a.sock; }", "[a]\nlisten=/run/a.sock\nlisten.acl_users = nginx\n")
	f.Add("}{;\"'#\n", "[\n=;\n")
	f.Fuzz(func(t *testing.T, nginxSrc, poolSrc string) {
		if len(nginxSrc)+len(poolSrc) > 1500 {
			return
		}
		dir := t.TempDir()
		write := func(name, src string) { testfiles.Write(t, filepath.Join(dir, name), src) }
		write("nginx.conf", "events {}\nhttp {\n include conf.d/*.conf;\n}\n")
		write("conf.d/site.conf", nginxSrc)
		write("php-fpm.conf", "[global]\ninclude = "+dir+"/pool.d/*.conf\n")
		write("pool.d/www.conf", poolSrc)
		exerciseAll(t, checkDir(t, dir))
	})
}
