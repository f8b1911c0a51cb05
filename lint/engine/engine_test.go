package engine_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fcgilint/fcgilint/internal/gentree"
	"github.com/fcgilint/fcgilint/lint/discover"
	"github.com/fcgilint/fcgilint/lint/engine"
	"github.com/fcgilint/fcgilint/lint/files"
)

func write(t *testing.T, path, src string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A snippet the main configuration includes is checked once, in the
// include's context; a site nothing includes is checked on its own in the
// context its directives imply, so neither gets a false "not allowed here".
func TestCheckLoadsSetsAndLeftovers(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "nginx.conf"), "events {}\nhttp {\n  include snippets/*.conf;\n}\n")
	write(t, filepath.Join(dir, "snippets", "gzip.conf"), "gzip on;\n")
	write(t, filepath.Join(dir, "sites-available", "site"), "server {\n  listen 80;\n  location / { fastcgi_index index.php; fastcgi_index index.php; }\n}\n")
	found, err := discover.Paths([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	pass := engine.Check(found, engine.Options{FS: &files.FS{}})
	if len(pass.Nginx) != 2 {
		t.Fatalf("want the main set and the unreached site, got %d sets", len(pass.Nginx))
	}
	ds := pass.Diagnostics()
	if len(ds) != 1 || ds[0].Rule != "nginx-duplicate-directive" || !strings.HasSuffix(ds[0].Location.File, "site") {
		t.Fatalf("want one duplicate in the site, got %v", ds)
	}
	if n := engine.FileCount(pass); n != 3 {
		t.Errorf("FileCount = %d, want 3", n)
	}
}

// BenchmarkCheckTree checks the generated Debian-style tree of 2,000 sites
// and 50 pools that bench/check-vs-nginx.sh compares with nginx -t.
func BenchmarkCheckTree(b *testing.B) {
	root := b.TempDir()
	if err := gentree.Generate(gentree.Tree{Root: root, Sites: 2000, Pools: 50}); err != nil {
		b.Fatal(err)
	}
	fsys := &files.FS{Root: root}
	found := discover.Host(fsys)
	if len(found) == 0 {
		b.Fatal("the generated tree has no configuration")
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pass := engine.Check(found, engine.Options{FS: fsys})
		if ds := pass.Diagnostics(); len(ds) != 0 {
			b.Fatalf("the generated tree is correct, got %d findings, the first: %v", len(ds), ds[0])
		}
	}
}
