package nginxconf

import (
	"os"
	"path/filepath"
	"slices"
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
		// Nodes lists the tree in Walk's order, and every block's kept
		// body is its children with includes spliced in.
		nodes := cfg.Nodes()
		i := 0
		cfg.Root.Walk(func(n *Node) bool {
			if i >= len(nodes) || nodes[i] != n || int(n.seq) != i {
				t.Fatalf("Nodes()[%d] is not the node Walk visits there", i)
			}
			i++
			if got, want := n.Block(), n.splice(); !slices.Equal(got, want) {
				t.Fatalf("Block of %q: %d nodes, splice gives %d", n.Name(), len(got), len(want))
			}
			n.Spec("")
			return true
		})
		if i != len(nodes) {
			t.Fatalf("Nodes has %d nodes, Walk visits %d", len(nodes), i)
		}
	})
}
