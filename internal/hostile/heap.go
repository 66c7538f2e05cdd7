package hostile

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// heapObjects is the memory of heap objects, live or not yet freed: what
// the heap holds, and so what the process must have.
const heapObjects = "/memory/classes/heap/objects:bytes"

// PeakHeapGrowth runs f and returns how far the heap grew, at its highest,
// above what it held when f started. It samples every millisecond, which
// cannot miss an allocation large enough to matter: one that size stays
// allocated far longer than that. While f runs the collector runs each time
// the heap grows by a tenth (GOGC=10), so the heap holds about what is live:
// by default a large heap (a tokenizer's dictionary of 300 MB) lets as much
// garbage gather before it is collected, which would hide what f keeps.
func PeakHeapGrowth(f func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	base := heapBytes()
	peak := base // written by the sampler alone until it is done
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				peak = max(peak, heapBytes())
			}
		}
	})
	f()
	close(done)
	wg.Wait()
	return max(peak, heapBytes()) - base
}

func heapBytes() uint64 {
	s := []metrics.Sample{{Name: heapObjects}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
