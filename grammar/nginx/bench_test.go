package nginx

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParse reports parse throughput in MB/s over the shared corpus's
// nginx configs (skipped when ../shared is absent).
func BenchmarkParse(b *testing.B) {
	var srcs [][]byte
	root := filepath.Join("..", "..", "..", "shared", "corpus", "nginx")
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (filepath.Ext(p) == ".conf" || filepath.Base(p) == "default") {
			if src, err := os.ReadFile(p); err == nil {
				srcs = append(srcs, src)
			}
		}
		return nil
	})
	if len(srcs) == 0 {
		b.Skip("no corpus at ../shared/corpus/nginx")
	}
	total := 0
	for _, s := range srcs {
		total += len(s)
	}
	b.SetBytes(int64(total))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range srcs {
			Parse("x.conf", s)
		}
	}
}
