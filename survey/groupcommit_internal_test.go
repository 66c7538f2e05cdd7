package survey

import (
	"strings"
	"testing"
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
