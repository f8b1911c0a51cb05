package main

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// A check's GC pace is 400 while the model is small, and back to the
// default once the live heap passes largeModel.
func TestCheckGCPaceFollowsTheModel(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	paceCheckGC()
	runtime.GC()
	if got := debug.SetGCPercent(checkGCPercent); got != checkGCPercent {
		t.Fatalf("with a small heap, GOGC = %d, want %d", got, checkGCPercent)
	}
	model := make([]*[1 << 20]byte, largeModel>>20+16)
	for i := range model {
		model[i] = new([1 << 20]byte)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		// The watcher runs on the finalizer goroutine, after the cycle.
		time.Sleep(10 * time.Millisecond)
		got := debug.SetGCPercent(-1)
		debug.SetGCPercent(got)
		if got == 100 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("with a live heap over %d MiB, GOGC is still %d", largeModel>>20, got)
		}
	}
	runtime.KeepAlive(model)
}
