package survey

import (
	"context"
	"errors"
	"sync"

	"github.com/uptrace/bun"
)

// maxGroup bounds the submissions that share one transaction.
const maxGroup = 64

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
// A goroutine writes while there is something to write and exits when the
// queue is empty, so an idle Store holds none.
type groupCommit struct {
	db           *bun.DB
	lockWrites   func() func()    // SQLite's in-process writer queue (see lockWrites)
	newTermBatch func() TermBatch // what a transaction's writes leave to its end (nil: no analyzer)

	mu      sync.Mutex
	queue   []*groupWrite
	writing bool
}

// groupWrite is one submission waiting for a transaction.
type groupWrite struct {
	ctx  context.Context
	run  func(ctx context.Context, tx bun.Tx, batch TermBatch) error
	done chan error
}

// do runs fn in a transaction shared with other writes and returns once that
// transaction has committed (or fn failed).
func (g *groupCommit) do(ctx context.Context, fn func(ctx context.Context, tx bun.Tx, batch TermBatch) error) error {
	w := &groupWrite{ctx: ctx, run: fn, done: make(chan error, 1)}
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
		n := min(len(g.queue), maxGroup)
		if n == 0 {
			g.writing = false
			g.queue = nil
			g.mu.Unlock()
			return
		}
		batch := append([]*groupWrite(nil), g.queue[:n]...)
		g.queue = g.queue[n:]
		g.mu.Unlock()
		g.commit(batch)
	}
}

func (g *groupCommit) commit(batch []*groupWrite) {
	live := batch[:0]
	for _, w := range batch {
		if err := w.ctx.Err(); err != nil { // its client is gone: nothing was written
			w.done <- err
			continue
		}
		live = append(live, w)
	}
	for len(live) > 1 {
		failed, failure, err := g.shared(live)
		if err != nil { // the transaction itself failed
			for _, w := range live {
				w.done <- g.alone(w)
			}
			return
		}
		if failed < 0 {
			for _, w := range live {
				w.done <- nil
			}
			return
		}
		// One write failed: its error is its own, and the others go again
		// without it (they were rolled back with it).
		live[failed].done <- failure
		live = append(live[:failed:failed], live[failed+1:]...)
	}
	for _, w := range live {
		w.done <- g.alone(w)
	}
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
		batch := g.newTermBatch()
		for i, w := range writes {
			if err := w.run(ctx, tx, batch); err != nil {
				failed, failure = i, err
				return errRollback
			}
		}
		return writeTermBatch(ctx, tx, batch)
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
		batch := g.newTermBatch()
		if err := w.run(ctx, tx, batch); err != nil {
			return err
		}
		return writeTermBatch(ctx, tx, batch)
	})
}

func writeTermBatch(ctx context.Context, tx bun.Tx, batch TermBatch) error {
	if batch == nil {
		return nil
	}
	return batch.Write(ctx, tx)
}
