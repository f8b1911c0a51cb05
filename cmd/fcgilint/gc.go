package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// A check is one short run whose model (every directive of every file,
// with its includes resolved) lives until the end: collecting garbage at
// the default pace re-scans it again and again, for a fifth of the run, to
// save memory the run gives back right after. So a check starts with
// GOGC at 400 (unless GOGC is set). On a host of thousands of sites the
// model is tens of megabytes, and 400 costs nothing; on one of tens of
// thousands it is hundreds, and the heap would grow to five times that:
// once the live heap passes largeModel, the pace goes back to the default.
const (
	checkGCPercent = 400
	largeModel     = 64 << 20
)

func paceCheckGC() {
	debug.SetGCPercent(checkGCPercent)
	watchLiveHeap()
}

// watchLiveHeap looks at the live heap after each collection (a finalizer
// runs once per cycle that finds its object unreachable, and re-arms
// itself) until it passes largeModel.
func watchLiveHeap() {
	sentinel := new([16]byte)
	runtime.SetFinalizer(sentinel, func(*[16]byte) {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > largeModel {
			debug.SetGCPercent(100)
			return
		}
		watchLiveHeap()
	})
}
