package fpm_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/fpm"
)

// loadWithin runs Load and fails the test if it takes longer than limit.
func loadWithin(t *testing.T, limit time.Duration, main string, opts fpm.Options) (*fpm.Config, []diag.Diagnostic) {
	t.Helper()
	type res struct {
		cfg *fpm.Config
		ds  []diag.Diagnostic
	}
	done := make(chan res, 1)
	go func() {
		cfg, ds := fpm.Load(main, opts)
		done <- res{cfg, ds}
	}()
	select {
	case r := <-done:
		return r.cfg, r.ds
	case <-time.After(limit):
		t.Fatalf("Load(%s) did not finish within %s", main, limit)
	}
	return nil, nil
}

func hasRule(ds []diag.Diagnostic, rule string) bool {
	for _, d := range ds {
		if d.Rule == rule {
			return true
		}
	}
	return false
}

func TestSymlinkLoops(t *testing.T) {
	dir := t.TempDir()
	pool := filepath.Join(dir, "pool.d")
	if err := os.MkdirAll(pool, 0o755); err != nil {
		t.Fatal(err)
	}
	// a file that is a symlink to itself, and a directory loop
	if err := os.Symlink("self.conf", filepath.Join(pool, "self.conf")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(".", filepath.Join(pool, "loop")); err != nil {
		t.Fatal(err)
	}
	main := filepath.Join(dir, "php-fpm.conf")
	src := "[global]\ninclude = " + pool + "/*.conf\ninclude = " + pool + "/loop/loop/loop/*.conf\n[www]\nuser = www-data\nlisten = 127.0.0.1:9000\npm = static\npm.max_children = 1\n"
	if err := os.WriteFile(main, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, ds := loadWithin(t, 20*time.Second, main, fpm.Options{FS: &files.FS{}, MasterIsRoot: true})
	if cfg.Starts || !hasRule(ds, "fpm-include-error") {
		t.Errorf("a self-linked include must be an error; got %v", ds)
	}
}

func TestIncludeCycleOnDisk(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.conf"), filepath.Join(dir, "b.conf")
	_ = os.WriteFile(a, []byte("include = "+dir+"/*.conf\n"), 0o644)
	_ = os.WriteFile(b, []byte("include = "+a+"\n"), 0o644)
	cfg, ds := loadWithin(t, 20*time.Second, a, fpm.Options{FS: &files.FS{}, MasterIsRoot: true})
	n := 0
	for _, d := range ds {
		if d.Rule == "fpm-include-error" {
			n++
		}
	}
	if cfg.Starts || n == 0 {
		t.Errorf("cycle not reported: %v", ds)
	}
}

func TestBinaryAndHugeFiles(t *testing.T) {
	fs := &files.FS{Root: t.TempDir()}
	fs.SetOverlay("/bin.conf", bytes.Repeat([]byte{0, 1, 2, '[', 0xff, '\n', '=', '"', '$', '{'}, 100000))
	fs.SetOverlay("/php-fpm-huge.conf", append([]byte("[www]\nlisten = "), bytes.Repeat([]byte("a"), 16<<20)...))
	fs.SetOverlay("/php-fpm.conf", nil)
	for _, p := range []string{"/bin.conf", "/php-fpm-huge.conf", "/php-fpm.conf", "/missing.conf"} {
		cfg, ds := loadWithin(t, 60*time.Second, p, fpm.Options{FS: fs, MasterIsRoot: true, Prefix: "/"})
		var rules []string
		for _, d := range ds {
			rules = append(rules, d.Rule)
			if len(d.Message) > 2000 {
				t.Errorf("%s: message of %d bytes", p, len(d.Message))
			}
		}
		if cfg.Starts {
			t.Errorf("%s: expected php-fpm to refuse it; got %v", p, rules)
		}
	}
}

func TestHashCommentFix(t *testing.T) {
	fs := &files.FS{Root: t.TempDir()}
	src := "[www]\n# listen on a socket\nuser = www-data\nlisten = /tmp/x.sock\nlisten.acl_users = www-data, nobody\npm = static\npm.max_children = 1\n"
	fs.SetOverlay("/php-fpm.conf", []byte(src))
	_, ds := fpm.Load("/php-fpm.conf", fpm.Options{FS: fs, MasterIsRoot: true})
	fixed := 0
	for _, d := range ds {
		for _, f := range d.Fixes {
			out := []byte(src)
			for _, e := range f.Edits {
				r := e.Location.Range
				out = append(append(append([]byte{}, out[:r.Start.Offset]...), e.NewText...), out[r.End.Offset:]...)
			}
			switch d.Rule {
			case "fpm-syntax":
				if !strings.Contains(string(out), "\n; listen on a socket\n") {
					t.Errorf("fix gave %q", out)
				}
				fixed++
			case "fpm-acl-list-space":
				if !strings.Contains(string(out), "listen.acl_users = www-data,nobody\n") {
					t.Errorf("fix gave %q", out)
				}
				fixed++
			}
		}
	}
	if fixed != 2 {
		t.Errorf("want 2 fixes, got %d: %v", fixed, ds)
	}
}

func TestLooksLikeFPM(t *testing.T) {
	yes := map[string]string{
		"/etc/php/8.2/fpm/php-fpm.conf":     "",
		"/etc/php/8.2/fpm/pool.d/site.conf": "",
		"/srv/conf/app.conf":                "[app]\nlisten = 127.0.0.1:9000\npm = dynamic\n",
		"/srv/conf/global.ini":              "[global]\nerror_log = /proc/self/fd/2\n",
	}
	no := map[string]string{
		"/etc/nginx/nginx.conf":         "user www-data;\nhttp {\n  server {\n    listen 80;\n  }\n}\n",
		"/etc/nginx/sites-enabled/site": "server {\n listen 80;\n location ~ \\.php$ { fastcgi_pass unix:/run/php/php-fpm.sock; }\n}\n",
		"/etc/nginx/fastcgi_params":     "fastcgi_param  QUERY_STRING       $query_string;\n",
	}
	for p, src := range yes {
		if !fpm.LooksLikeFPM(p, []byte(src)) {
			t.Errorf("%s should look like php-fpm", p)
		}
	}
	for p, src := range no {
		if fpm.LooksLikeFPM(p, []byte(src)) {
			t.Errorf("%s should not look like php-fpm", p)
		}
	}
}

func FuzzLoad(f *testing.F) {
	for _, dir := range []string{"../../../shared/corpus/fpm", "../../testdata/fpm"} {
		_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() && strings.HasSuffix(p, ".conf") {
				if b, err := os.ReadFile(p); err == nil {
					f.Add(b)
				}
			}
			return nil
		})
	}
	root := f.TempDir()
	f.Fuzz(func(t *testing.T, src []byte) {
		fs := &files.FS{Root: root}
		fs.SetOverlay("/php-fpm.conf", src)
		fs.SetOverlay("/etc/inc.conf", src)
		cfg, ds := fpm.Load("/php-fpm.conf", fpm.Options{FS: fs, MasterIsRoot: true, Prefix: "/", Env: map[string]string{"A": "1"}})
		if cfg == nil {
			t.Fatal("nil config")
		}
		for _, d := range ds {
			r := d.Location.Range
			if r.Start.Offset < 0 || r.Start.Offset > r.End.Offset || r.End.Offset > len(src) {
				t.Fatalf("bad range %+v for %d bytes: %s", r, len(src), d)
			}
		}
	})
}

// A pool link left after its file was removed stops php-fpm; the finding
// names the dangling link and its target.
func TestDanglingPoolLink(t *testing.T) {
	dir := t.TempDir()
	main := filepath.Join(dir, "php-fpm.conf")
	if err := os.WriteFile(main, []byte("[global]\ninclude = "+dir+"/pool.d/*.conf\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "pool.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "gone.conf")
	if err := os.Symlink(target, filepath.Join(dir, "pool.d", "gone.conf")); err != nil {
		t.Skipf("skipping: symlink: %v", err)
	}
	_, ds := fpm.Load(main, fpm.Options{FS: &files.FS{}})
	found := false
	for _, d := range ds {
		if d.Rule == "fpm-include-error" && strings.Contains(d.Message, "is a symbolic link to "+target+", which does not exist") {
			found = true
		}
	}
	if !found {
		t.Fatalf("want an fpm-include-error naming the dangling link, got %v", ds)
	}
}
