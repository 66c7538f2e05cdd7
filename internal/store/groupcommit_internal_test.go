package store

import (
	"strings"
	"testing"
	"time"
)

// A transaction takes the small writes waiting ahead of the long ones, and
// transactions with long writes alternate with transactions of small ones:
// a small submission waits for at most one transaction of long ones, and
// every long one gets its turn.
func TestCommitQueueTakesSmallWritesAheadOfLongOnes(t *testing.T) {
	names := map[*groupWrite]string{}
	write := func(name string, text int) *groupWrite {
		w := &groupWrite{text: text}
		names[w] = name
		return w
	}
	g := &groupCommit{}
	g.queue = []*groupWrite{write("L1", 60<<10), write("L2", 60<<10), write("S1", 100), write("L3", 30<<10), write("S2", 200), write("L4", 30<<10)}
	next := func() string {
		var got []string
		for _, w := range g.next() {
			got = append(got, names[w])
		}
		return strings.Join(got, " ")
	}
	if got := next(); got != "L1 S1 S2" {
		t.Errorf("first transaction: %s, want the oldest and the small ones (the other long ones do not fit)", got)
	}
	g.queue = append(g.queue, write("S3", 300))
	if got := next(); got != "S3" {
		t.Errorf("after long writes: %s, want the small one alone", got)
	}
	if got := next(); got != "L2" {
		t.Errorf("then: %s, want the oldest long write alone (no other fits with it)", got)
	}
	if got := next(); got != "L3 L4" {
		t.Errorf("then: %s, want the two long writes that fit together", got)
	}
	if len(g.queue) != 0 {
		t.Errorf("%d writes left", len(g.queue))
	}

	for i := range 100 {
		g.queue = append(g.queue, write("s", i))
	}
	first := g.next()
	if len(first) != maxGroup || len(g.queue) != 100-maxGroup {
		t.Errorf("100 small writes: %d taken, %d left; want %d taken", len(first), len(g.queue), maxGroup)
	}
}

// The wait reported to /healthz is that of the oldest write not yet
// committed, also when small writes passed it.
func TestCommitQueueWaitingIsTheOldestWrite(t *testing.T) {
	now := time.Now()
	long := &groupWrite{text: 60 << 10, queued: now.Add(-5 * time.Second)}
	small := &groupWrite{text: 100, queued: now.Add(-time.Second)}
	g := &groupCommit{queue: []*groupWrite{long, small}, tookLong: true}
	if w := g.waiting(); w < 5*time.Second {
		t.Errorf("both queued: %v, want the long write's 5 s", w)
	}
	batch := g.next()
	g.since = batch[0].queued // as write does
	if len(batch) != 1 || batch[0] != small {
		t.Fatalf("after a long transaction the small write goes first, got %d writes", len(batch))
	}
	if w := g.waiting(); w < 5*time.Second {
		t.Errorf("small one being written, long one waiting: %v, want the long write's 5 s", w)
	}
	g.queue, g.since = nil, time.Time{}
	if w := g.waiting(); w != 0 {
		t.Errorf("nothing waiting: %v", w)
	}
}
