// Package ratelimit is an in-memory token bucket per key (a client address and
// a survey, say). It lives in one process: behind several koe processes each
// keeps its own buckets, so the effective limit is that many times higher,
// which is fine for its purpose (stopping a flood, not metering).
package ratelimit

import (
	"math"
	"strconv"
	"sync"
	"time"
)

// Limiter hands out tokens per key: Burst at once, refilled at PerMinute.
type Limiter struct {
	perSecond float64
	burst     float64
	now       func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxKeys bounds memory under a flood of distinct keys: past it, full buckets
// are dropped at once (they hold no state a fresh bucket would not have).
const maxKeys = 100_000

// New returns a limiter allowing burst requests at once per key and perMinute
// sustained. perMinute <= 0 returns nil, and a nil *Limiter allows everything.
func New(perMinute, burst int) *Limiter {
	if perMinute <= 0 {
		return nil
	}
	if burst < 1 {
		burst = 1
	}
	return &Limiter{perSecond: float64(perMinute) / 60, burst: float64(burst), now: time.Now, buckets: map[string]*bucket{}}
}

// SetClock replaces the clock, for tests.
func (l *Limiter) SetClock(now func() time.Time) { l.now = now }

// Allow takes one token for key. When none is left it returns false and how
// long until one is (for a Retry-After header, at least one second).
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > time.Minute || len(l.buckets) >= maxKeys {
		l.sweep(now)
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.perSecond)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.perSecond * float64(time.Second))
	return false, max(wait, time.Second)
}

// sweep forgets buckets that have refilled: they hold nothing a new one would not.
func (l *Limiter) sweep(now time.Time) {
	l.lastSweep = now
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.perSecond >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// RetryAfter formats a wait for the Retry-After header: whole seconds, rounded up.
func RetryAfter(d time.Duration) string {
	s := int64(math.Ceil(d.Seconds()))
	if s < 1 {
		s = 1
	}
	return strconv.FormatInt(s, 10)
}
