package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// A check that holds the whole configuration at once (--whole) is one
// short run whose model (every directive of every file, with its includes
// resolved) lives until the end: collecting garbage at the default pace
// re-scans it again and again, for a fifth of the run, to save memory the
// run gives back right after. So such a check starts with GOGC at 400
// (unless GOGC is set). On a host of thousands of sites the model is tens
// of megabytes, and 400 costs nothing; on one of tens of thousands it is
// hundreds, and the heap would grow to five times that: once the live heap
// passes largeModel, the pace goes back to the default.
const (
	checkGCPercent = 400
	largeModel     = 64 << 20
)

// A check that reads a large host a batch of sites at a time (the
// default) holds little at once: the first load's ghosts and one batch.
// It collects between batches, when the batch just judged is garbage
// (engine.Options.BetweenBatches), and within a batch at GOGC 150 (100
// with --low-memory). Measured on a generated host of 2,000 sites: a peak
// RSS of 15.5 to 16 MiB; collecting every other batch, 18 MiB for 5% less
// time; not collecting between batches, 19 to 20 MiB for a fifth less.
const (
	batchGCPercent     = 150
	lowMemoryGCPercent = 100
)

// pacing is whether a check sets the GC's pace: the command does, tests
// of it do not.
var pacing = false

// paceGC sets the GC's pace for a check holding the whole configuration
// (whole) or batches of sites, unless GOGC is set.
func paceGC(whole, lowMemory bool) {
	if !pacing || os.Getenv("GOGC") != "" {
		return
	}
	switch {
	case whole:
		paceCheckGC()
	case lowMemory:
		debug.SetGCPercent(lowMemoryGCPercent)
	default:
		debug.SetGCPercent(batchGCPercent)
	}
}

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
