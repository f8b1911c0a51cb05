package nav

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/fcgilint/fcgilint/internal/testfiles"
	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/discover"
	"github.com/fcgilint/fcgilint/lint/engine"
	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/nginxdb"
)

// fixture is a configuration tree in a temporary directory, checked
// through the engine so that navigation sees the model the server sees.
type fixture struct {
	dir   string
	files map[string]string
	pass  *lint.Pass
}

func newFixture(t testing.TB, tree map[string]string) *fixture {
	t.Helper()
	dir := t.TempDir()
	fx := &fixture{dir: dir, files: map[string]string{}}
	for name, src := range tree {
		src = strings.ReplaceAll(src, "DIR", dir)
		fx.files[name] = src
		testfiles.Write(t, filepath.Join(dir, name), src)
	}
	fx.pass = checkDir(t, dir)
	return fx
}

// checkDir checks every configuration under dir as the CLI does.
func checkDir(t testing.TB, dir string) *lint.Pass {
	t.Helper()
	found, err := discover.Paths([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	return engine.Check(found, engine.Options{FS: &files.FS{}})
}

func (fx *fixture) path(name string) string { return filepath.Join(fx.dir, name) }

// at is the byte offset of the unique occurrence of marker in file name,
// plus delta.
func (fx *fixture) at(t testing.TB, name, marker string, delta int) int {
	t.Helper()
	src := fx.files[name]
	i := strings.Index(src, marker)
	if i < 0 || strings.Count(src, marker) != 1 {
		t.Fatalf("marker %q occurs %d times in %s", marker, strings.Count(src, marker), name)
	}
	return i + delta
}

// text is the source a location covers.
func (fx *fixture) text(t testing.TB, loc diag.Location) string {
	t.Helper()
	rel, err := filepath.Rel(fx.dir, loc.File)
	if err != nil {
		t.Fatal(err)
	}
	src, ok := fx.files[rel]
	if !ok {
		t.Fatalf("location in unknown file %s", loc.File)
	}
	s, e := loc.Range.Start.Offset, loc.Range.End.Offset
	if s < 0 || e > len(src) || s > e {
		t.Fatalf("location %v out of %s", loc.Range, rel)
	}
	return src[s:e]
}

const mainConf = `user www-data;
worker_processes 1;
events {
    worker_connections 64;
}
http {
    include conf.d/*.conf;
    server {
        listen 80;
        server_name example.com www.example.com;
        include snippets/common.conf;
        location / {
            # fastcgi_pass in a comment
            root /var/www;
            include snippets/common.conf;
        }
        location ~ \.php$ {
            fastcgi_pass php_backend;
        }
        location /direct {
            fastcgi_pass unix:/run/php/app.sock;
        }
        location /nowhere {
            fastcgi_pass unix:/run/php/none.sock;
        }
        location /tcp {
            fastcgi_pass 127.0.0.1:9000;
        }
        location /proxied {
            proxy_pass http://php_backend/app/;
        }
    }

    upstream php_backend {
        server unix:/run/php/app.sock;
    }
}
`

const poolConf = `[www]
user = www-data
group = www-data
listen = /run/php/app.sock
listen.owner = www-data
listen.group = www-data
listen.mode = 0660
pm = static
pm.max_children = 2

[tcp]
user = www-data
group = www-data
listen = 127.0.0.1:9000
pm = static
pm.max_children = 2
`

func mainFixture(t testing.TB) *fixture {
	return newFixture(t, map[string]string{
		"nginx.conf":           mainConf,
		"conf.d/a.conf":        "gzip on;\n",
		"conf.d/b.conf":        "# café ☕ 日本 𝄞\nadd_header X-Note \"naïve ☕\"; gzip_vary on;\n",
		"snippets/common.conf": "expires 1h;\n",
		"php-fpm.conf":         "[global]\npid = DIR/php-fpm.pid\ninclude = DIR/pool.d/*.conf\n",
		"pool.d/www.conf":      poolConf,
	})
}

func TestHoverNginx(t *testing.T) {
	fx := mainFixture(t)
	tests := []struct {
		name, file, marker string
		delta              int
		word               string // the text the hover range must cover
		want               []string
	}{
		{"fastcgi_pass docs and socket", "nginx.conf", "fastcgi_pass unix:/run/php/app.sock", 3, "fastcgi_pass", []string{
			"fastcgi_pass address;", "**Context:** location, if in location", "`ngx_http_fastcgi_module`",
			"https://nginx.org/en/docs/http/ngx_http_fastcgi_module.html#fastcgi_pass",
			"unix socket `/run/php/app.sock`", "pool `www`", "listens there"}},
		{"argument of fastcgi_pass to nothing", "nginx.conf", "unix:/run/php/none.sock", 5, "unix:/run/php/none.sock", []string{
			"unix socket `/run/php/none.sock`", "no php-fpm pool listens there"}},
		{"fastcgi_pass through an upstream defined later", "nginx.conf", "fastcgi_pass php_backend", 0, "fastcgi_pass", []string{
			"**Upstream** `php_backend`", "unix socket `/run/php/app.sock`", "pool `www`"}},
		{"fastcgi_pass over TCP", "nginx.conf", "fastcgi_pass 127.0.0.1:9000", 13, "127.0.0.1:9000", []string{
			"TCP/IPv4 `127.0.0.1:9000`", "pool `tcp`"}},
		{"upstream server line", "nginx.conf", "server unix:/run/php/app.sock", 1, "server", []string{
			"**Context:** upstream", "pool `www`"}},
		{"main-only directive", "nginx.conf", "worker_processes", 0, "worker_processes", []string{
			"**Context:** main", "https://nginx.org/en/docs/ngx_core_module.html#worker_processes"}},
		{"filter module documented under another page", "conf.d/a.conf", "gzip", 2, "gzip", []string{
			"gzip on | off;", "https://nginx.org/en/docs/http/ngx_http_gzip_module.html#gzip"}},
		{"include lists its files", "nginx.conf", "include conf.d/*.conf", 10, "conf.d/*.conf", []string{
			"**Includes**", filepath.Join(fx.dir, "conf.d/a.conf"), filepath.Join(fx.dir, "conf.d/b.conf")}},
		{"cursor right after the name", "nginx.conf", "worker_connections", len("worker_connections"), "worker_connections", []string{
			"**Context:** events"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, ok := HoverAt(fx.pass, fx.path(tc.file), fx.at(t, tc.file, tc.marker, tc.delta))
			if !ok {
				t.Fatal("no hover")
			}
			for _, w := range tc.want {
				if !strings.Contains(h.Markdown, w) {
					t.Errorf("hover lacks %q:\n%s", w, h.Markdown)
				}
			}
			if got := fx.text(t, h.Range); got != tc.word {
				t.Errorf("hover range covers %q, want %q", got, tc.word)
			}
		})
	}
}

func TestHoverNothingToSay(t *testing.T) {
	fx := mainFixture(t)
	for _, tc := range []struct {
		name, file, marker string
		delta              int
	}{
		{"comment", "nginx.conf", "# fastcgi_pass in a comment", 4},
		{"blank inside a block", "nginx.conf", "    listen 80;", 1},
		{"brace", "nginx.conf", "events {", 7},
		{"php-fpm blank line", "pool.d/www.conf", "\n\n[tcp]", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if h, ok := HoverAt(fx.pass, fx.path(tc.file), fx.at(t, tc.file, tc.marker, tc.delta)); ok {
				t.Errorf("unexpected hover %q", h.Markdown)
			}
		})
	}
}

func TestHoverFPM(t *testing.T) {
	fx := mainFixture(t)
	tests := []struct {
		name, file, marker string
		delta              int
		word               string
		want               []string
	}{
		{"pool listen: socket and who connects", "pool.d/www.conf", "listen = /run/php/app.sock", 1, "listen", []string{
			"install.fpm.configuration.php#listen", "php-fpm creates the unix socket `/run/php/app.sock`", "mode `0660`",
			"**Connected from**", "`fastcgi_pass unix:/run/php/app.sock`", "`fastcgi_pass php_backend`",
			"through upstream server `unix:/run/php/app.sock`"}},
		{"listen value", "pool.d/www.conf", "/run/php/app.sock", 3, "/run/php/app.sock", []string{"php-fpm creates the unix socket"}},
		{"pool directive anchor", "pool.d/www.conf", "pm.max_children = 2\n\n", 4, "pm.max_children", []string{
			"install.fpm.configuration.php#pm.max-children", "**Type:** integer", "**Section:** pool"}},
		{"global directive", "php-fpm.conf", "pid =", 1, "pid", []string{"#pid", "**Section:** [global]"}},
		{"include", "php-fpm.conf", "include", 0, "include", []string{"include = pattern"}},
		{"pool header", "pool.d/www.conf", "[tcp]", 2, "tcp", []string{
			"**Pool** `tcp`", "php-fpm listens on TCP `127.0.0.1:9000`", "`fastcgi_pass 127.0.0.1:9000`"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, ok := HoverAt(fx.pass, fx.path(tc.file), fx.at(t, tc.file, tc.marker, tc.delta))
			if !ok {
				t.Fatal("no hover")
			}
			for _, w := range tc.want {
				if !strings.Contains(h.Markdown, w) {
					t.Errorf("hover lacks %q:\n%s", w, h.Markdown)
				}
			}
			if got := fx.text(t, h.Range); got != tc.word {
				t.Errorf("hover range covers %q, want %q", got, tc.word)
			}
		})
	}
}

// The server converts LSP's UTF-16 positions with the file's LineIndex;
// after non-ASCII text the byte offset and the UTF-16 column differ, and
// both directions must land on the same word.
func TestNonASCIIPositions(t *testing.T) {
	fx := mainFixture(t)
	path := fx.path("conf.d/b.conf")
	lines := diag.NewLineIndex([]byte(fx.files["conf.d/b.conf"]))
	lineText := string(lines.Line(2))
	byteCol := strings.Index(lineText, "gzip_vary")
	utf16Col := len(utf16.Encode([]rune(lineText[:byteCol])))
	if utf16Col == byteCol {
		t.Fatal("the fixture line should hold non-ASCII text before the word")
	}
	offset := lines.OffsetOfUTF16(1, utf16Col+2)
	h, ok := HoverAt(fx.pass, path, offset)
	if !ok {
		t.Fatal("no hover after non-ASCII text")
	}
	if got := fx.text(t, h.Range); got != "gzip_vary" {
		t.Fatalf("hover range covers %q", got)
	}
	if got := lines.UTF16Column(h.Range.Range.Start.Line, h.Range.Range.Start.Column); got != utf16Col {
		t.Errorf("range starts at UTF-16 column %d, want %d", got, utf16Col)
	}
	c, ok := Complete(fx.pass, path, offset, "")
	if !ok {
		t.Fatal("no completion inside a directive name after non-ASCII text")
	}
	if got := fx.text(t, c.Replace); got != "gz" {
		t.Errorf("completion replaces %q, want %q", got, "gz")
	}
	if !hasLabel(c.Items, "gzip_vary") {
		t.Error("gzip_vary not offered")
	}
}

func TestDefinition(t *testing.T) {
	fx := mainFixture(t)
	start := func(name string) diag.Location { return fileStart(fx.path(name)) }
	t.Run("include goes to every globbed file, in glob order", func(t *testing.T) {
		got := Definition(fx.pass, fx.path("nginx.conf"), fx.at(t, "nginx.conf", "conf.d/*.conf", 2))
		want := []diag.Location{start("conf.d/a.conf"), start("conf.d/b.conf")}
		if !equalLocations(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
	t.Run("fastcgi_pass goes to the upstream defined after it and to the pool", func(t *testing.T) {
		got := Definition(fx.pass, fx.path("nginx.conf"), fx.at(t, "nginx.conf", "fastcgi_pass php_backend", 14))
		if len(got) != 2 {
			t.Fatalf("got %v, want the upstream name and the pool's listen", got)
		}
		if fx.text(t, got[0]) != "php_backend" || got[0].Range.Start.Offset != fx.at(t, "nginx.conf", "upstream php_backend", len("upstream ")) {
			t.Errorf("first location %v is not the upstream's name", got[0])
		}
		if got[1].File != fx.path("pool.d/www.conf") || fx.text(t, got[1]) != "/run/php/app.sock" {
			t.Errorf("second location %v is not www's listen value", got[1])
		}
	})
	t.Run("fastcgi_pass to a unix socket goes to the pool listening there", func(t *testing.T) {
		got := Definition(fx.pass, fx.path("nginx.conf"), fx.at(t, "nginx.conf", "fastcgi_pass unix:/run/php/app.sock", 0))
		if len(got) != 1 || got[0].File != fx.path("pool.d/www.conf") || got[0].Range.Start.Line != 4 {
			t.Errorf("got %v, want www.conf line 4", got)
		}
	})
	t.Run("TCP fastcgi_pass goes to the TCP pool", func(t *testing.T) {
		got := Definition(fx.pass, fx.path("nginx.conf"), fx.at(t, "nginx.conf", "127.0.0.1:9000", 0))
		if len(got) != 1 || fx.text(t, got[0]) != "127.0.0.1:9000" || got[0].File != fx.path("pool.d/www.conf") {
			t.Errorf("got %v, want the tcp pool's listen", got)
		}
	})
	t.Run("proxy_pass goes to its upstream", func(t *testing.T) {
		got := Definition(fx.pass, fx.path("nginx.conf"), fx.at(t, "nginx.conf", "proxy_pass", 0))
		if len(got) != 1 || got[0].Range.Start.Offset != fx.at(t, "nginx.conf", "upstream php_backend", len("upstream ")) {
			t.Errorf("got %v, want the upstream's name", got)
		}
	})
	t.Run("upstream server line goes to the pool", func(t *testing.T) {
		got := Definition(fx.pass, fx.path("nginx.conf"), fx.at(t, "nginx.conf", "server unix:/run/php/app.sock", 0))
		if len(got) != 1 || got[0].File != fx.path("pool.d/www.conf") || fx.text(t, got[0]) != "/run/php/app.sock" {
			t.Errorf("got %v, want www's listen", got)
		}
	})
	t.Run("nothing listens", func(t *testing.T) {
		if got := Definition(fx.pass, fx.path("nginx.conf"), fx.at(t, "nginx.conf", "none.sock", 0)); len(got) != 0 {
			t.Errorf("got %v, want nothing", got)
		}
	})
	t.Run("pool listen goes to the fastcgi_pass lines", func(t *testing.T) {
		got := Definition(fx.pass, fx.path("pool.d/www.conf"), fx.at(t, "pool.d/www.conf", "listen = /run", 0))
		var texts []string
		for _, l := range got {
			texts = append(texts, fx.text(t, l))
		}
		sort.Strings(texts)
		want := []string{"php_backend", "unix:/run/php/app.sock", "unix:/run/php/app.sock"}
		if strings.Join(texts, "|") != strings.Join(want, "|") {
			t.Errorf("got %q, want %q", texts, want)
		}
	})
}

func TestReferences(t *testing.T) {
	fx := mainFixture(t)
	t.Run("upstream name", func(t *testing.T) {
		off := fx.at(t, "nginx.conf", "upstream php_backend", len("upstream "))
		got := References(fx.pass, fx.path("nginx.conf"), off, false)
		if len(got) != 2 || got[0].Range.Start.Offset != fx.at(t, "nginx.conf", "php_backend;", 0) ||
			fx.text(t, got[1]) != "http://php_backend/app/" {
			t.Errorf("got %v, want the fastcgi_pass and the proxy_pass naming it", got)
		}
		withDecl := References(fx.pass, fx.path("nginx.conf"), off, true)
		if len(withDecl) != 3 || withDecl[0].Range.Start.Offset != off {
			t.Errorf("with the declaration: got %v", withDecl)
		}
	})
	t.Run("pool with declaration", func(t *testing.T) {
		got := References(fx.pass, fx.path("pool.d/www.conf"), fx.at(t, "pool.d/www.conf", "[tcp]", 1), true)
		if len(got) != 2 || fx.text(t, got[0]) != "127.0.0.1:9000" || got[0].File != fx.path("pool.d/www.conf") ||
			got[1].File != fx.path("nginx.conf") {
			t.Errorf("got %v", got)
		}
	})
}

func TestSymbols(t *testing.T) {
	fx := mainFixture(t)
	syms := Symbols(fx.pass, fx.path("nginx.conf"))
	if len(syms) != 2 || syms[0].Name != "events" || syms[1].Name != "http" {
		t.Fatalf("top level: %v", names(syms))
	}
	http := syms[1]
	if http.Kind != SymbolNamespace || !strings.HasPrefix(fx.text(t, http.Range), "http {") ||
		!strings.HasSuffix(fx.text(t, http.Range), "}\n}") || fx.text(t, http.Selection) != "http" {
		t.Errorf("http range %q, selection %q", fx.text(t, http.Range), fx.text(t, http.Selection))
	}
	if got := names(http.Children); strings.Join(got, "|") != "server example.com www.example.com|upstream php_backend" {
		t.Fatalf("http children: %q", got)
	}
	server := http.Children[0]
	if server.Detail != "80" || server.Kind != SymbolClass {
		t.Errorf("server detail %q kind %d", server.Detail, server.Kind)
	}
	wantLocations := []string{"location /", `location ~ \.php$`, "location /direct", "location /nowhere", "location /tcp", "location /proxied"}
	if got := names(server.Children); strings.Join(got, "|") != strings.Join(wantLocations, "|") {
		t.Errorf("locations: %q", got)
	}
	if ups := http.Children[1]; ups.Detail != "unix:/run/php/app.sock" || ups.Kind != SymbolInterface {
		t.Errorf("upstream detail %q kind %d", ups.Detail, ups.Kind)
	}
	for _, loc := range server.Children {
		if !strings.HasPrefix(fx.text(t, loc.Range), "location") || !strings.HasSuffix(fx.text(t, loc.Range), "}") {
			t.Errorf("location range %q", fx.text(t, loc.Range))
		}
	}

	pools := Symbols(fx.pass, fx.path("pool.d/www.conf"))
	if got := names(pools); strings.Join(got, "|") != "[www]|[tcp]" {
		t.Fatalf("pools: %q", got)
	}
	if pools[0].Detail != "/run/php/app.sock" || pools[1].Detail != "127.0.0.1:9000" {
		t.Errorf("pool details %q, %q", pools[0].Detail, pools[1].Detail)
	}
	www := fx.text(t, pools[0].Range)
	if !strings.HasPrefix(www, "[www]") || !strings.HasSuffix(www, "pm.max_children = 2") || strings.Contains(www, "[tcp]") {
		t.Errorf("[www] range %q", www)
	}
	if global := Symbols(fx.pass, fx.path("php-fpm.conf")); len(global) != 1 || global[0].Name != "[global]" || global[0].Kind != SymbolNamespace {
		t.Errorf("php-fpm.conf: %v", global)
	}
}

func TestCompletionNginx(t *testing.T) {
	fx := mainFixture(t)
	main := fx.path("nginx.conf")
	tests := []struct {
		name, file, marker string
		delta              int
		want, notWant      []string
		replaced           string
	}{
		{"statement start in a location", "nginx.conf", "root /var/www", 0, []string{"fastcgi_pass", "root", "include"}, []string{"worker_processes", "server", "listen"}, ""},
		{"statement start in http", "nginx.conf", "include conf.d", 0, []string{"server", "upstream", "gzip"}, []string{"fastcgi_pass", "worker_processes"}, ""},
		{"top level only", "nginx.conf", "worker_processes", 0, []string{"worker_processes", "events", "http"}, []string{"fastcgi_pass", "server"}, ""},
		{"after a semicolon", "nginx.conf", "user www-data;", len("user www-data;"), []string{"worker_processes"}, nil, ""},
		{"prefix typed", "nginx.conf", "root /var/www", 2, []string{"root"}, []string{"fastcgi_pass"}, "ro"},
		{"events block", "nginx.conf", "worker_connections", 0, []string{"worker_connections", "use"}, []string{"root"}, ""},
		{"file included in a server and a location merges both", "snippets/common.conf", "expires", 0, []string{"fastcgi_pass", "listen", "location"}, []string{"worker_processes"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, ok := Complete(fx.pass, fx.path(tc.file), fx.at(t, tc.file, tc.marker, tc.delta), "")
			if !ok {
				t.Fatal("no completion")
			}
			for _, w := range tc.want {
				if !hasLabel(c.Items, w) {
					t.Errorf("%s not offered", w)
				}
			}
			for _, w := range tc.notWant {
				if hasLabel(c.Items, w) {
					t.Errorf("%s offered", w)
				}
			}
			if got := fx.text(t, c.Replace); got != tc.replaced {
				t.Errorf("replaces %q, want %q", got, tc.replaced)
			}
			for _, it := range c.Items {
				if !strings.HasPrefix(it.Label, tc.replaced) || it.Detail == "" || it.Documentation == "" {
					t.Errorf("item %+v", it)
				}
			}
		})
	}
	for _, tc := range []struct {
		name, marker string
		delta        int
	}{
		{"argument", "root /var/www", 5},
		{"end of an argument", "root /var/www", len("root /var/www")},
		{"comment", "# fastcgi_pass in a comment", 6},
	} {
		t.Run("none in "+tc.name, func(t *testing.T) {
			if c, ok := Complete(fx.pass, main, fx.at(t, "nginx.conf", tc.marker, tc.delta), ""); ok {
				t.Errorf("offered %d items", len(c.Items))
			}
		})
	}
}

// A directive added after the oldest supported nginx is offered only when
// the targeted version has it.
func TestCompletionRespectsVersion(t *testing.T) {
	oldest, _ := nginxdb.NginxVersions()
	var name string
	for _, d := range nginxdb.All() {
		if d.Since != "" && d.Contexts&nginxdb.CtxHTTPLoc != 0 && len(nginxdb.LookupVersion(d.Name, oldest)) == 0 {
			name = d.Name
			break
		}
	}
	if name == "" {
		t.Skip("the table has no location directive newer than " + oldest)
	}
	fx := mainFixture(t)
	off := fx.at(t, "nginx.conf", "root /var/www", 0)
	latest, _ := Complete(fx.pass, fx.path("nginx.conf"), off, "")
	old, _ := Complete(fx.pass, fx.path("nginx.conf"), off, oldest)
	if !hasLabel(latest.Items, name) || hasLabel(old.Items, name) {
		t.Errorf("%s: offered for any version %v, for %s %v", name, hasLabel(latest.Items, name), oldest, hasLabel(old.Items, name))
	}
}

func TestCompletionFPM(t *testing.T) {
	fx := mainFixture(t)
	tests := []struct {
		name, file, marker string
		delta              int
		want, notWant      []string
		replaced           string
	}{
		{"global section", "php-fpm.conf", "include =", 0, []string{"pid", "error_log", "include"}, []string{"pm", "php_value["}, ""},
		{"pool section", "pool.d/www.conf", "user = www-data\ngroup = www-data\nlisten = /run", 0, []string{"pm.max_children", "php_admin_value[", "env[", "include"}, []string{"pid", "daemonize"}, ""},
		{"prefix in a pool", "pool.d/www.conf", "pm.max_children = 2\n\n", 4, []string{"pm.max_children", "pm.max_requests"}, []string{"pm", "listen"}, "pm.m"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, ok := Complete(fx.pass, fx.path(tc.file), fx.at(t, tc.file, tc.marker, tc.delta), "")
			if !ok {
				t.Fatal("no completion")
			}
			for _, w := range tc.want {
				if !hasLabel(c.Items, w) {
					t.Errorf("%s not offered", w)
				}
			}
			for _, w := range tc.notWant {
				if hasLabel(c.Items, w) {
					t.Errorf("%s offered", w)
				}
			}
			if got := fx.text(t, c.Replace); got != tc.replaced {
				t.Errorf("replaces %q, want %q", got, tc.replaced)
			}
		})
	}
	if _, ok := Complete(fx.pass, fx.path("pool.d/www.conf"), fx.at(t, "pool.d/www.conf", "= 127.0.0.1", 3), ""); ok {
		t.Error("completion offered in a value")
	}
}

func TestCodeActions(t *testing.T) {
	src := "events {}\nhttp {\n    server {\n        location / {\n            gzp on;\n        }\n    }\n}\n"
	fx := newFixture(t, map[string]string{"nginx.conf": src})
	path := fx.path("nginx.conf")
	off := fx.at(t, "nginx.conf", "gzp", 1)
	actions := CodeActions(fx.pass, path, off, off, nil)
	var unknown *diag.Diagnostic
	for _, d := range fx.pass.Diagnostics() {
		if d.Rule == "nginx-unknown-directive" {
			d := d
			unknown = &d
		}
	}
	if unknown == nil || len(unknown.Fixes) != 1 {
		t.Fatalf("the fixture should give one unknown directive with one fix: %v", fx.pass.Diagnostics())
	}
	titles := map[string]CodeAction{}
	for _, a := range actions {
		titles[a.Title] = a
		if a.Kind != CodeActionQuickFix || a.Diagnostic.Rule == "" {
			t.Errorf("action %+v", a)
		}
	}
	fix, ok := titles[unknown.Fixes[0].Title]
	if !ok || !fix.Preferred || len(fix.Edits) != 1 {
		t.Fatalf("the diagnostic's fix is not offered as it is: %+v", actions)
	}
	if got := apply(t, src, path, fix.Edits); !strings.Contains(got, "            gzip on;\n") {
		t.Errorf("fix gives:\n%s", got)
	}
	line := titles["Ignore nginx-unknown-directive on this line"]
	want := strings.Replace(src, "            gzp on;", "            # fcgilint: ignore[nginx-unknown-directive] TODO: why\n            gzp on;", 1)
	if got := apply(t, src, path, line.Edits); got != want {
		t.Errorf("line suppression gives:\n%s\nwant:\n%s", got, want)
	}
	file := titles["Ignore nginx-unknown-directive in this file"]
	if got := apply(t, src, path, file.Edits); got != "# fcgilint: ignore-file[nginx-unknown-directive] TODO: why\n"+src {
		t.Errorf("file suppression gives:\n%s", got)
	}
	if len(actions) != 3 {
		t.Errorf("want the fix and two suppressions, got %d actions", len(actions))
	}
	// The comments must be the ones the checker reads back: the finding
	// is gone once either is written.
	for _, a := range []CodeAction{line, file} {
		fixed := newFixture(t, map[string]string{"nginx.conf": apply(t, src, path, a.Edits)})
		for _, d := range fixed.pass.Diagnostics() {
			if d.Rule == "nginx-unknown-directive" || strings.HasPrefix(d.Rule, "fcgilint-") {
				t.Errorf("after %q: %v", a.Title, d)
			}
		}
	}
	if got := CodeActions(fx.pass, path, 0, 3, nil); len(got) != 0 {
		t.Errorf("actions away from the diagnostic: %+v", got)
	}
}

func TestCodeActionsFPMComment(t *testing.T) {
	fx := mainFixture(t)
	path := fx.path("pool.d/www.conf")
	src := fx.files["pool.d/www.conf"]
	start := fx.at(t, "pool.d/www.conf", "listen.mode", 0)
	lines := diag.NewLineIndex([]byte(src))
	d := diag.Diagnostic{Rule: "fpm-example", Message: "example", Location: diag.Location{File: path, Range: lines.Range(start, start+11)}}
	actions := CodeActions(fx.pass, path, start+2, start+2, []diag.Diagnostic{d})
	if len(actions) != 2 {
		t.Fatalf("want two suppressions, got %+v", actions)
	}
	got := apply(t, src, path, actions[0].Edits)
	if !strings.Contains(got, "listen.group = www-data\n; fcgilint: ignore[fpm-example] TODO: why\nlisten.mode") {
		t.Errorf("line suppression gives:\n%s", got)
	}
	if got := apply(t, src, path, actions[1].Edits); !strings.HasPrefix(got, "; fcgilint: ignore-file[fpm-example] TODO: why\n[www]") {
		t.Errorf("file suppression gives:\n%s", got)
	}
}

func TestSuppressionComment(t *testing.T) {
	if got := SuppressionComment(NginxFile, "fastcgi-pass-no-listener", "TODO: why", false); got != "# fcgilint: ignore[fastcgi-pass-no-listener] TODO: why" {
		t.Error(got)
	}
	if got := SuppressionComment(FPMFile, "r", "", true); got != "; fcgilint: ignore-file[r]" {
		t.Error(got)
	}
}

// apply applies edits of one file to src, last first.
func apply(t *testing.T, src, path string, edits []diag.TextEdit) string {
	t.Helper()
	sorted := append([]diag.TextEdit(nil), edits...)
	sort.Slice(sorted, func(i, j int) bool {
		return sorted[i].Location.Range.Start.Offset > sorted[j].Location.Range.Start.Offset
	})
	for _, e := range sorted {
		if e.Location.File != path {
			t.Fatalf("edit of another file %s", e.Location.File)
		}
		s, end := e.Location.Range.Start.Offset, e.Location.Range.End.Offset
		src = src[:s] + e.NewText + src[end:]
	}
	return src
}

func hasLabel(items []CompletionItem, label string) bool {
	for _, it := range items {
		if it.Label == label {
			return true
		}
	}
	return false
}

func names(syms []Symbol) []string {
	var out []string
	for _, s := range syms {
		out = append(out, s.Name)
	}
	return out
}

func equalLocations(a, b []diag.Location) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
