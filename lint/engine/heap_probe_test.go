package engine_test

import (
	"os"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/fcgilint/fcgilint/internal/gentree"
	"github.com/fcgilint/fcgilint/lint/discover"
	"github.com/fcgilint/fcgilint/lint/engine"
	"github.com/fcgilint/fcgilint/lint/files"
)

func TestHeapProbe(t *testing.T) {
	root := "/tmp/bench2/root"
	_ = gentree.Tree{}
	fsys := &files.FS{Root: root}
	found := discover.Host(fsys)
	runtime.MemProfileRate = 512
	pass := engine.Check(found, engine.Options{FS: fsys})
	ds := pass.Diagnostics()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("live %d MB, total alloc %d MB, findings %d", ms.HeapAlloc>>20, ms.TotalAlloc>>20, len(ds))
	f, _ := os.Create("/tmp/heap.prof")
	pprof.WriteHeapProfile(f)
	f.Close()
	runtime.KeepAlive(pass)
}
