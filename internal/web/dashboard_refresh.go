package web

import (
	"context"
	"sync"
	"time"

	"github.com/koe-project/koe/survey"
)

// A large survey's dashboard takes seconds to build (about ten at 64,000
// responses on two cores). Once built, a change of its answers (one more
// response) does not make the next reader wait again: the blocks as they
// were are shown, saying how many responses they count, while new ones are
// built in the background, one survey at a time.

// refreshTimeout bounds one background build.
const refreshTimeout = 10 * time.Minute

// refreshes are the background builds of dashboards: at most one at a time
// (each uses a core), and a survey already queued or building is not queued
// again.
type refreshes struct {
	mu      sync.Mutex
	pending map[string]func(context.Context) // by survey slug, waiting
	order   []string
	running bool
}

// refreshBlocks builds a survey's blocks again in the background (see
// surveyBlocks), unless it is already waiting to be.
func (srv *Server) refreshBlocks(s *survey.Survey, n int, latest time.Time, allCopies bool, before *survey.Survey) {
	build := func(ctx context.Context) {
		answers, _, _ := srv.blockStamps(s, n, latest, allCopies, before)
		if _, err := srv.buildBlocks(ctx, s, n, latest, allCopies, before, srv.lastBlocks(s.Slug).issuesFor(answers)); err != nil {
			srv.log.Warn("dashboard: building again in the background failed", "survey", s.Slug, "err", err)
		}
	}
	r := &srv.refresh
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pending == nil {
		r.pending = map[string]func(context.Context){}
	}
	if _, queued := r.pending[s.Slug]; !queued {
		r.order = append(r.order, s.Slug)
	}
	r.pending[s.Slug] = build // the latest stamp asked for
	if !r.running {
		r.running = true
		go srv.runRefreshes()
	}
}

// runRefreshes builds the queued dashboards one after the other until none
// is left.
func (srv *Server) runRefreshes() {
	r := &srv.refresh
	for {
		r.mu.Lock()
		if len(r.order) == 0 {
			r.running = false
			r.mu.Unlock()
			return
		}
		slug := r.order[0]
		r.order = r.order[1:]
		build := r.pending[slug]
		delete(r.pending, slug)
		r.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
		build(ctx)
		cancel()
	}
}
