package store

import "sync"

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
}

type memoEntry[T any] struct {
	stamp string
	value T
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
