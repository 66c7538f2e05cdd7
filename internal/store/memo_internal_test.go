package store

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// Callers asking for the same answers at once wait for one computation; a
// caller that gives up does not stop it, and what it computed is kept.
func TestMemoComputesOnceForCallersAtOnce(t *testing.T) {
	var m memo[int]
	m.limit = 4
	var computed atomic.Int32
	release := make(chan struct{})
	compute := func(ctx context.Context) (int, error) {
		computed.Add(1)
		<-release
		return 42, ctx.Err()
	}

	gaveUp, cancel := context.WithCancel(context.Background())
	quitter := make(chan error, 1)
	go func() {
		_, err := m.do(gaveUp, "q1", "stamp", compute)
		quitter <- err
	}()
	for computed.Load() == 0 { // the quitter's computation has started
		runtime.Gosched()
	}
	var wg sync.WaitGroup
	got := make([]int, 8)
	errs := make([]error, 8)
	for i := range got {
		wg.Go(func() { got[i], errs[i] = m.do(context.Background(), "q1", "stamp", compute) })
	}
	cancel()
	if err := <-quitter; !errors.Is(err, context.Canceled) {
		t.Errorf("the caller that gave up got %v", err)
	}
	close(release)
	wg.Wait()
	for i := range got {
		if got[i] != 42 || errs[i] != nil {
			t.Errorf("caller %d got %d, %v", i, got[i], errs[i])
		}
	}
	if n := computed.Load(); n != 1 {
		t.Errorf("computed %d times for callers at once", n)
	}
	if v, ok := m.get("q1", "stamp"); !ok || v != 42 {
		t.Errorf("the value was not kept: %d %v", v, ok)
	}
	// A new stamp computes again.
	if v, err := m.do(context.Background(), "q1", "newer", func(context.Context) (int, error) { return 7, nil }); v != 7 || err != nil {
		t.Errorf("new stamp: %d %v", v, err)
	}
}
