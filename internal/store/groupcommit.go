package store

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/uptrace/bun"
)

// maxGroup bounds the submissions that share one transaction.
const maxGroup = 64

// maxGroupText bounds the answer text (bytes) of a transaction's writes, but
// for its oldest and its small ones (see groupCommit.next): the longest
// answers take long to write (their rows, term lists and totals), and a
// transaction holding forty of them holds up everyone behind it for seconds.
const maxGroupText = 64 << 10

// smallWrite is the most answer text (bytes) of a small write, one that goes
// ahead of the longer ones waiting: an ordinary submission, a few lines of
// comment.
const smallWrite = 4 << 10

// groupCommit stores concurrent submissions in shared transactions, one
// commit (one fsync) for all that arrived while the previous was being
// written. When 300 people answer in the same two minutes, a transaction per
// submission makes every one wait for its own commit and, on PostgreSQL, for
// the row locks of the term totals held by the others until they commit;
// sharing the commit removes both waits. A write that fails (a full survey, a
// used invitation) gets its error and the others are written again without
// it; if the shared transaction itself fails (a deadlock with another koe
// process, a lost connection) each write is retried in a transaction of its
// own. Nothing is acknowledged before the commit that holds it.
//
// Ordinary submissions are never queued behind a flood of the longest
// answers, which take long to write: small and long writes take turns (see
// next), so a small one waits for at most one transaction holding long ones.
//
// A goroutine writes while there is something to write and exits when the
// queue is empty, so an idle Store holds none.
type groupCommit struct {
	db         *bun.DB
	lockWrites func() func() // SQLite's in-process writer queue (see lockWrites)

	mu       sync.Mutex
	queue    []*groupWrite // in arrival order
	writing  bool
	tookLong bool      // the last transaction wrote a long write (see next)
	since    time.Time // when the oldest write being written joined the queue (zero: none is)
}

// groupWrite is one submission waiting for a transaction.
type groupWrite struct {
	ctx    context.Context
	run    func(ctx context.Context, tx bun.Tx, terms *TermWriter) error
	done   chan error
	text   int       // bytes of answer text it writes
	queued time.Time // when it joined the queue
}

// do runs fn, which writes text bytes of answers, in a transaction shared
// with other writes and returns once that transaction has committed (or fn
// failed). fn leaves the terms of its analysed answers to terms, the
// transaction's TermWriter, which writes them all before the commit: one
// statement for the term lists, each total row once, in key order.
func (g *groupCommit) do(ctx context.Context, text int, fn func(ctx context.Context, tx bun.Tx, terms *TermWriter) error) error {
	w := &groupWrite{ctx: ctx, run: fn, done: make(chan error, 1), text: text, queued: time.Now()}
	g.mu.Lock()
	g.queue = append(g.queue, w)
	if !g.writing {
		g.writing = true
		go g.write()
	}
	g.mu.Unlock()
	return <-w.done
}

func (g *groupCommit) write() {
	for {
		g.mu.Lock()
		if len(g.queue) == 0 {
			g.writing = false
			g.queue = nil
			g.since = time.Time{}
			g.mu.Unlock()
			return
		}
		batch := g.next()
		g.since = batch[0].queued // the batch keeps the order of arrival
		g.mu.Unlock()
		results := g.commit(batch)
		// The batch is no longer waiting once it is written: say so before
		// anyone is told, so that a health check made after an
		// acknowledgement never counts the acknowledged write as stalled.
		g.mu.Lock()
		g.since = time.Time{}
		g.mu.Unlock()
		for i, w := range batch {
			w.done <- results[i]
		}
	}
}

// next removes from the queue the writes of the next transaction. Small
// writes and long ones take turns: after a transaction that wrote a long
// one, the next takes only the small ones waiting, if any; otherwise it
// takes the oldest write, then in arrival order every small one and the
// long ones while the text stays within maxGroupText, up to maxGroup. So a
// small write waits for at most one transaction with long ones, and a long
// one for its turn. The writes left keep their order. g.mu is held.
func (g *groupCommit) next() []*groupWrite {
	smallOnly := false
	if g.tookLong {
		for _, w := range g.queue {
			smallOnly = smallOnly || w.text <= smallWrite
		}
	}
	var batch []*groupWrite
	text := 0
	left := g.queue[:0]
	for _, w := range g.queue {
		var take bool
		switch {
		case len(batch) == maxGroup:
		case len(batch) == 0 && !smallOnly: // the oldest
			take = true
		case w.text <= smallWrite:
			take = true
		default:
			take = !smallOnly && text+w.text <= maxGroupText
		}
		if !take {
			left = append(left, w)
			continue
		}
		batch = append(batch, w)
		text += w.text
	}
	clear(g.queue[len(left):]) // drop the references to the writes taken
	g.queue = left
	g.tookLong = false
	for _, w := range batch {
		g.tookLong = g.tookLong || w.text > smallWrite
	}
	return batch
}

// waiting returns how long the oldest write not yet committed has waited,
// in the queue or in the transaction being written (0: none is waiting).
func (g *groupCommit) waiting() time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	oldest := g.since
	if len(g.queue) > 0 && (oldest.IsZero() || g.queue[0].queued.Before(oldest)) {
		oldest = g.queue[0].queued // a long write passed by small ones
	}
	if oldest.IsZero() {
		return 0
	}
	return time.Since(oldest)
}

// commit writes a batch and returns each write's outcome, in batch order.
func (g *groupCommit) commit(batch []*groupWrite) []error {
	results := make([]error, len(batch))
	var live []int // indexes into batch of the writes still to be written
	for i, w := range batch {
		if err := w.ctx.Err(); err != nil { // its client is gone: nothing was written
			results[i] = err
			continue
		}
		live = append(live, i)
	}
	writes := func() []*groupWrite {
		ws := make([]*groupWrite, len(live))
		for k, i := range live {
			ws[k] = batch[i]
		}
		return ws
	}
	for len(live) > 1 {
		failed, failure, err := g.shared(writes())
		if err != nil { // the transaction itself failed
			for _, i := range live {
				results[i] = g.alone(batch[i])
			}
			return results
		}
		if failed < 0 {
			return results
		}
		// One write failed: its error is its own, and the others go again
		// without it (they were rolled back with it).
		results[live[failed]] = failure
		live = append(live[:failed:failed], live[failed+1:]...)
	}
	for _, i := range live {
		results[i] = g.alone(batch[i])
	}
	return results
}

// shared runs writes in one transaction. It stops at the first write that
// fails, rolls everything back and returns that write's index and error
// (index -1 when all committed); err is a failure of the transaction itself.
// Savepoints would undo a failed write alone, but cost two round trips per
// write on PostgreSQL, for a case (a full survey, a used invitation) that is
// rare.
func (g *groupCommit) shared(writes []*groupWrite) (failed int, failure, err error) {
	failed = -1
	defer g.lockWrites()()
	// The shared transaction outlives any one client's request.
	err = g.db.RunInTx(context.WithoutCancel(writes[0].ctx), nil, func(ctx context.Context, tx bun.Tx) error {
		terms := new(TermWriter)
		for i, w := range writes {
			if err := w.run(ctx, tx, terms); err != nil {
				failed, failure = i, err
				return errRollback
			}
		}
		return terms.Flush(ctx, tx)
	})
	if failed >= 0 {
		return failed, failure, nil
	}
	return -1, nil, err
}

// errRollback makes RunInTx roll back after a write failed.
var errRollback = errors.New("a write of the group failed")

// alone runs one write in a transaction of its own.
func (g *groupCommit) alone(w *groupWrite) error {
	defer g.lockWrites()()
	return g.db.RunInTx(context.WithoutCancel(w.ctx), nil, func(ctx context.Context, tx bun.Tx) error {
		terms := new(TermWriter)
		if err := w.run(ctx, tx, terms); err != nil {
			return err
		}
		return terms.Flush(ctx, tx)
	})
}
