package dbtest

import (
	"context"
	"testing"
	"time"
)

// A test's context ends within Timeout, before the test binary's own
// deadline, and when the test ends.
func TestContextHasADeadline(t *testing.T) {
	var ctx context.Context
	t.Run("step", func(t *testing.T) {
		ctx = Context(t)
		end, ok := ctx.Deadline()
		if !ok || time.Until(end) > Timeout {
			t.Fatalf("deadline %v (set: %v), want within %v", end, ok, Timeout)
		}
		if binaryEnd, ok := t.Deadline(); ok && !end.Before(binaryEnd) {
			t.Errorf("deadline %v is not before the test binary's %v", end, binaryEnd)
		}
		if ctx.Err() != nil {
			t.Fatalf("ended early: %v", ctx.Err())
		}
	})
	if ctx.Err() == nil {
		t.Error("the context outlived its test")
	}
}
