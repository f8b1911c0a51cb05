package nginxconf

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fcgilint/fcgilint/lint/files"
)

// FuzzLoad loads a main file and an included file of arbitrary content
// (includes, globs and cycles among them) through overlays: never a panic
// or a hang, and every diagnostic has a position.
func FuzzLoad(f *testing.F) {
	_ = filepath.WalkDir(filepath.Join("..", "..", "..", "shared", "corpus", "nginx"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".conf" {
			if src, err := os.ReadFile(p); err == nil && len(src) < 32<<10 {
				f.Add(src, []byte("include /fz/*.conf;"))
			}
		}
		return nil
	})
	f.Add([]byte("events{} http { include /fz/b.conf; }"), []byte("server { include /fz/*.conf; }"))
	f.Fuzz(func(t *testing.T, main, inc []byte) {
		fsys := &files.FS{Root: t.TempDir()}
		fsys.SetOverlay("/fz/a.conf", main)
		fsys.SetOverlay("/fz/b.conf", inc)
		cfg, ds := Load("/fz/a.conf", Options{FS: fsys})
		for _, d := range ds {
			if d.Location.Range.Start.Line < 1 {
				t.Fatalf("diagnostic without a line: %v", d)
			}
		}
		cfg.Root.Walk(func(n *Node) bool { n.Spec(""); return true })
	})
}
