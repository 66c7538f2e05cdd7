package auth

import (
	"context"
	"runtime"
	"time"
)

// passwordGate bounds how many argon2id computations run at once. Each holds
// 19 MiB while it runs; unbounded, 300 sign-ins at once took a server to
// 4.8 GB. Requests past the running ones wait their turn, a bounded number
// of them for a bounded time; the rest are told to come back.
type passwordGate struct {
	running chan struct{} // a token per computation running
	waiting chan struct{} // a token per request waiting for a turn
	maxWait time.Duration
}

// passwordChecksAtOnce is how many password checks run at once: more than
// the cores keeps them busy while some requests wait on the database.
func passwordChecksAtOnce() int { return 2 * runtime.GOMAXPROCS(0) }

// newDefaultPasswordGate lets 64 requests per running check wait up to 10
// seconds: at about 40 ms a check, the queue empties in under 3 seconds,
// and a waiting request costs a goroutine, not 19 MiB.
func newDefaultPasswordGate() *passwordGate {
	n := passwordChecksAtOnce()
	return newPasswordGate(n, 64*n, 10*time.Second)
}

func newPasswordGate(running, waiting int, maxWait time.Duration) *passwordGate {
	return &passwordGate{running: make(chan struct{}, running), waiting: make(chan struct{}, waiting), maxWait: maxWait}
}

// BusyError refuses a sign-in, unchecked, while too many are being checked.
type BusyError struct {
	RetryAfter time.Duration
}

func (e *BusyError) Error() string { return "too many password checks at once; try again shortly" }

// busyRetry is the Retry-After of a BusyError: long enough for a full
// queue to drain.
const busyRetry = 5 * time.Second

// do runs f once a turn is free. It returns a *BusyError when the queue is
// full or the turn does not come within maxWait, and ctx's error when the
// request is given up first; f has not run then.
func (g *passwordGate) do(ctx context.Context, f func()) error {
	select {
	case g.running <- struct{}{}:
	default:
		if err := g.wait(ctx); err != nil {
			return err
		}
	}
	defer func() { <-g.running }()
	f()
	return nil
}

// wait queues for a turn and, when it returns nil, holds one.
func (g *passwordGate) wait(ctx context.Context) error {
	select {
	case g.waiting <- struct{}{}:
	default:
		return &BusyError{RetryAfter: busyRetry}
	}
	defer func() { <-g.waiting }()
	timer := time.NewTimer(g.maxWait)
	defer timer.Stop()
	select {
	case g.running <- struct{}{}:
		return nil
	case <-timer.C:
		return &BusyError{RetryAfter: busyRetry}
	case <-ctx.Done():
		return ctx.Err()
	}
}
