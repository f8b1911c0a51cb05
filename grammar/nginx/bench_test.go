package nginx

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParse reports parse throughput in MB/s over the shared corpus's
// nginx configs (skipped when ../shared is absent).
func BenchmarkParse(b *testing.B) {
	srcs := benchSources(b)
	for i := 0; i < b.N; i++ {
		for _, s := range srcs {
			Parse("x.conf", s)
		}
	}
}

// BenchmarkOutline is BenchmarkParse for outlines, which the check of a
// large host makes of every site before parsing it.
func BenchmarkOutline(b *testing.B) {
	srcs := benchSources(b)
	texts := make([]string, len(srcs))
	for i, s := range srcs {
		texts[i] = string(s)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range texts {
			Outline("x.conf", s, outlineKeeps)
		}
	}
}

// benchSources reads the corpus's nginx configs and sets the bytes a run
// of the benchmark reads.
func benchSources(b *testing.B) [][]byte {
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
	b.ReportAllocs()
	b.ResetTimer()
	return srcs
}
