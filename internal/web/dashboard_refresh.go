package web

import (
	"context"
	"sync"
	"time"

	"github.com/koe-project/koe/reports"
	"github.com/koe-project/koe/survey"
)

// A large survey's dashboard takes seconds to build (about ten at 64,000
// responses on two cores). Once built, a change of its answers (one more
// response) does not make the next reader wait again: the blocks as they
// were are shown, saying how many responses they count, while new ones are
// built in the background, one survey at a time. Large surveys are built
// this way when the server starts and after a web import too, so that their
// first reader finds them ready; a reader who comes while one is being
// built waits for it instead of building it a second time.

// warmFrom is how many responses a web import must have stored for the
// survey's dashboard to be built at once in the background.
const warmFrom = 2000

// refreshTimeout bounds one background build.
const refreshTimeout = 10 * time.Minute

// refreshes are the background builds of dashboards: at most one at a time
// (each uses a core), and a survey already queued is not queued again.
type refreshes struct {
	mu      sync.Mutex
	pending map[string]queuedBuild // by survey slug, waiting
	order   []string
	running bool
	current queuedBuild              // the build running, if any (its slug and stamp)
	done    map[string]chan struct{} // by slug: closed when no build of it is queued or running
	stopped bool                     // StopBuilds: nothing more is built
	stop    context.CancelFunc       // cancels the build running, if any
	idle    sync.WaitGroup           // the runner, while it runs
}

// StopBuilds cancels the dashboard build running in the background, drops
// those queued, and returns once none runs: a server that shuts down does
// not go on building (and logging) over a database about to close.
func (srv *Server) StopBuilds() {
	r := &srv.refresh
	r.mu.Lock()
	r.stopped = true
	r.order, r.pending = nil, nil
	if r.stop != nil {
		r.stop()
	}
	r.mu.Unlock()
	r.idle.Wait()
}

// queuedBuild is a background build of the blocks of the survey slug
// stamped stamp.
type queuedBuild struct {
	slug, stamp string
	run         func(context.Context)
	// stale is set on the build running when staff change what its blocks
	// show without changing their stamp (an issue group's name): it may
	// have read the old, so it is neither kept nor waited for instead of a
	// new build.
	stale bool
}

// staleBuild marks the build of the survey slug running, if any, as stale.
func (srv *Server) staleBuild(slug string) {
	r := &srv.refresh
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.current.slug == slug {
		r.current.stale = true
	}
}

// refreshBlocks builds a survey's blocks again in the background (see
// surveyBlocks), unless it is already waiting to be, or being built from
// the same stamp (a reader who comes while the blocks are built at start),
// or was just built from it. It takes blocksMu under the queue's lock,
// never the other way round.
func (srv *Server) refreshBlocks(s *survey.Survey, n int, latest time.Time, allCopies bool, before *survey.Survey) {
	_, stamp, _ := srv.blockStamps(s, n, latest, allCopies, before)
	r := &srv.refresh
	build := func(ctx context.Context) {
		answers, _, _ := srv.blockStamps(s, n, latest, allCopies, before) // as it is now: the dictionary may have changed meanwhile
		c, err := srv.buildBlocks(ctx, s, n, latest, allCopies, before, srv.lastBlocks(s.Slug).issuesFor(answers))
		if err != nil {
			srv.log.Warn("dashboard: building in the background failed", "survey", s.Slug, "err", err)
			return
		}
		r.mu.Lock()
		stale := r.current.stale
		r.mu.Unlock()
		if stale { // staff changed what it shows while it ran: its reader waits for a new one
			srv.expireBlocks(s.Slug)
			return
		}
		if srv.buildsAside(n) { // slow to build: kept for the next start too, once the readers waiting have them
			r.idle.Add(1)
			go func() {
				defer r.idle.Done()
				ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), snapshotTimeout)
				defer cancel()
				srv.keepSnapshot(ctx, s, c)
			}()
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return
	}
	if r.current.slug == s.Slug && r.current.stamp == stamp && !r.current.stale {
		return
	}
	if _, ok := srv.cachedBlocks(s.Slug, stamp); ok { // built since the caller looked
		return
	}
	if r.pending == nil {
		r.pending, r.done = map[string]queuedBuild{}, map[string]chan struct{}{}
	}
	if _, queued := r.pending[s.Slug]; !queued {
		r.order = append(r.order, s.Slug)
	}
	r.pending[s.Slug] = queuedBuild{slug: s.Slug, stamp: stamp, run: build} // the latest stamp asked for
	if r.done[s.Slug] == nil {
		r.done[s.Slug] = make(chan struct{})
	}
	if !r.running {
		r.running = true
		r.idle.Add(1)
		go srv.runRefreshes()
	}
}

// runRefreshes builds the queued dashboards one after the other until none
// is left.
func (srv *Server) runRefreshes() {
	r := &srv.refresh
	defer r.idle.Done()
	for {
		r.mu.Lock()
		if len(r.order) == 0 || r.stopped {
			r.running = false
			for slug, done := range r.done { // no build of them is queued or running now
				close(done)
				delete(r.done, slug)
			}
			r.mu.Unlock()
			return
		}
		slug := r.order[0]
		r.order = r.order[1:]
		build := r.pending[slug]
		delete(r.pending, slug)
		ctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
		r.stop, r.current = cancel, build
		r.mu.Unlock()
		build.run(ctx)
		cancel()
		r.mu.Lock()
		r.stop, r.current = nil, queuedBuild{}
		if _, again := r.pending[slug]; !again {
			close(r.done[slug])
			delete(r.done, slug)
		}
		r.mu.Unlock()
	}
}

// waitForBuild waits, at most for wait, while a build of the survey slug
// is queued or running in the background, and says whether there was one.
func (srv *Server) waitForBuild(ctx context.Context, slug string, wait time.Duration) bool {
	r := &srv.refresh
	r.mu.Lock()
	done := r.done[slug]
	r.mu.Unlock()
	if done == nil {
		return false
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
	case <-ctx.Done():
	}
	return true
}

// WarmDashboards builds in the background the dashboards of the surveys of
// at least min responses, as a reader who may see every event of a series
// sees them (koe serve calls it at start).
func (srv *Server) WarmDashboards(ctx context.Context, min int) error {
	list, err := srv.surveys.SurveySummaries(ctx)
	if err != nil {
		return err
	}
	for _, sum := range list {
		if sum.Responses < min {
			continue
		}
		s, err := srv.surveys.SurveyBySlug(ctx, sum.Slug)
		if err != nil {
			return err
		}
		if err := srv.warmDashboard(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// warmDashboard queues a build of the survey's dashboard (counted once, as
// a reader who may see every event of its series sees it).
func (srv *Server) warmDashboard(ctx context.Context, s *survey.Survey) error {
	n, latest, err := srv.surveys.ResponseStamp(ctx, s)
	if err != nil {
		return err
	}
	var before *survey.Survey
	if s.Series != nil {
		_, list, err := srv.surveys.SurveysInSeries(ctx, s.Series.Key)
		if err != nil {
			return err
		}
		before = reports.PreviousEvent(list, s)
	}
	if srv.buildsAside(n) { // kept in the database by an earlier start: nothing to build while they hold
		_, stamp, variant := srv.blockStamps(s, n, latest, false, before)
		if _, current, _ := srv.restoreSnapshot(ctx, s, stamp, variant); current {
			return nil
		}
	}
	srv.refreshBlocks(s, n, latest, false, before)
	return nil
}
