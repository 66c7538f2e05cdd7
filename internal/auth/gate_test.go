package auth

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestPasswordGateQueue(t *testing.T) {
	g := newPasswordGate(1, 1, time.Hour)
	g.running <- struct{}{}
	queued := make(chan error)
	go func() { queued <- g.do(context.Background(), func() {}) }()
	for len(g.waiting) == 0 {
		time.Sleep(time.Millisecond)
	}
	var busy *BusyError
	if err := g.do(context.Background(), func() { t.Error("ran past a full queue") }); !errors.As(err, &busy) {
		t.Errorf("full queue: %v, want *BusyError", err)
	}
	<-g.running
	if err := <-queued; err != nil {
		t.Errorf("queued check: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	g.running <- struct{}{}
	cancel()
	if err := g.do(ctx, func() { t.Error("ran for a request given up") }); !errors.Is(err, context.Canceled) {
		t.Errorf("given up while waiting: %v", err)
	}
}
