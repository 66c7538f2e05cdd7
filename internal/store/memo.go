package store

import (
	"context"
	"sync"

	"golang.org/x/sync/singleflight"
)

// memo remembers values computed from stored answers, each under a key
// (which questions) with the stamp of the answers it was computed from
// (their count and newest id, the dictionary's version): a dashboard and
// its drill-downs read a large survey's answers once, not once per view,
// and a value whose answers changed is computed again. It holds at most
// limit keys.
type memo[T any] struct {
	mu      sync.Mutex
	limit   int
	entries map[string]memoEntry[T]
	// flights makes callers that ask for the same key and stamp at once
	// (the free-text questions of a report, built side by side, all group
	// their answers by the same attribute) wait for one computation.
	flights singleflight.Group
}

type memoEntry[T any] struct {
	stamp string
	value T
}

// do returns the value kept under key at stamp, or computes it once however
// many callers ask at the same time, and keeps it. The computation runs
// without ctx's cancellation: others may be waiting for it, and what it
// computes is kept; a caller whose ctx ends stops waiting.
func (m *memo[T]) do(ctx context.Context, key, stamp string, compute func(context.Context) (T, error)) (T, error) {
	if v, ok := m.get(key, stamp); ok {
		return v, nil
	}
	detached := context.WithoutCancel(ctx)
	flight := m.flights.DoChan(key+"\x00"+stamp, func() (any, error) {
		if v, ok := m.get(key, stamp); ok { // kept by a flight that just ended
			return v, nil
		}
		v, err := compute(detached)
		if err == nil {
			m.put(key, stamp, v)
		}
		return v, err
	})
	var zero T
	select {
	case r := <-flight:
		if r.Err != nil {
			return zero, r.Err
		}
		return r.Val.(T), nil
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// get returns the value kept under key when it was computed at stamp.
func (m *memo[T]) get(key, stamp string) (T, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[key]
	if !ok || e.stamp != stamp {
		var zero T
		return zero, false
	}
	return e.value, true
}

// put keeps value under key, computed at stamp.
func (m *memo[T]) put(key, stamp string, value T) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.entries == nil || len(m.entries) >= m.limit {
		m.entries = map[string]memoEntry[T]{} // a whole new set rather than an eviction order: refilled on the next views
	}
	m.entries[key] = memoEntry[T]{stamp: stamp, value: value}
}
