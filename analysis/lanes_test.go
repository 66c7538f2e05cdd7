package analysis

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// Tokenizing is bounded per process, and an ordinary submission is not
// queued behind long answers: with every slot of the large lane taken, a
// small analysis finishes, a large one waits for a slot, and one whose client
// has gone stops without tokenizing.
func TestTokenizingLanes(t *testing.T) {
	tok := NewTokenizer(testAnalyzer(t))
	for range cap(tok.lanes.large) {
		tok.lanes.large <- struct{}{} // the large lane is busy
	}
	small := []string{"行政担当者が異動しても連携を維持することが課題です。"}
	large := []string{strings.Repeat("地域の支え合いについて話し合いました。", 300)}

	ctx := context.Background()
	if err := tok.Start(ctx, small).Wait(ctx); err != nil {
		t.Fatalf("small analysis with the large lane busy: %v", err)
	}
	pending := tok.Start(ctx, large)
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if err := pending.Wait(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("large analysis with the large lane busy: %v, want it to wait", err)
	}
	gone, leave := context.WithCancel(ctx)
	abandoned := tok.Start(gone, large)
	leave()
	if err := abandoned.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("analysis whose client left: %v, want context.Canceled", err)
	}
	<-tok.lanes.large // a slot frees
	if err := pending.Wait(ctx); err != nil {
		t.Fatalf("large analysis once a slot is free: %v", err)
	}
}
