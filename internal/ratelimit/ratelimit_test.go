package ratelimit

import (
	"testing"
	"time"
)

func TestBurstThenRefill(t *testing.T) {
	l := New(600, 300) // 10 per second after a burst of 300
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	l.SetClock(func() time.Time { return now })
	for i := range 300 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("request %d of the burst refused", i)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait < time.Second {
		t.Fatalf("301st request: allowed=%v wait=%v", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("another key is limited too")
	}
	now = now.Add(time.Second)
	for i := range 10 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("refilled request %d refused", i)
		}
	}
	if ok, _ := l.Allow("a"); ok {
		t.Fatal("more than the refill allowed")
	}
	if RetryAfter(1500*time.Millisecond) != "2" || RetryAfter(0) != "1" {
		t.Error("RetryAfter does not round up to whole seconds")
	}
	var nilLimiter *Limiter
	if ok, _ := nilLimiter.Allow("x"); !ok {
		t.Error("nil limiter refuses")
	}
}

func TestSweepForgetsFullBuckets(t *testing.T) {
	l := New(60, 5)
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	l.SetClock(func() time.Time { return now })
	l.Allow("a")
	now = now.Add(2 * time.Minute)
	l.Allow("b")
	if _, ok := l.buckets["a"]; ok {
		t.Error("a refilled bucket was kept")
	}
}
