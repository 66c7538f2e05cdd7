package web

import (
	"context"
	"sync"
	"time"
)

// reanalysisTimeout bounds a reanalysis started from the dictionary page:
// about 100,000 answers a minute on two cores, so an hour is far beyond any
// database koe serves. One cut short resumes where it stopped at the next
// save, or with `koe reanalyze`.
const reanalysisTimeout = time.Hour

// reanalysisJob is the recomputation of the stored answers' terms that
// saving the dictionary starts, in the background: one at a time per server
// (a save waits for the running one to end), its progress shown on the page.
type reanalysisJob struct {
	mu           sync.Mutex
	running      bool
	failed       bool
	version      string
	done, total  int
	started, end time.Time
}

// reanalysisStatus is a job's state for the page.
type reanalysisStatus struct {
	Running, Failed, Finished bool
	Version                   string
	Done, Total               int
	Started, Ended            time.Time
}

// claim marks the job running, unless it already is.
func (j *reanalysisJob) claim() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.running {
		return false
	}
	j.running, j.failed, j.done, j.total, j.version = true, false, 0, 0, ""
	j.started, j.end = time.Now(), time.Time{}
	return true
}

// release undoes a claim whose job never started.
func (j *reanalysisJob) release() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.running, j.started = false, time.Time{}
}

func (j *reanalysisJob) progress(done, total int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.done, j.total = done, total
}

func (j *reanalysisJob) finish(done int, failed bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.running, j.failed, j.done, j.end = false, failed, done, time.Now()
	if !failed {
		j.total = done
	}
}

func (j *reanalysisJob) status() reanalysisStatus {
	j.mu.Lock()
	defer j.mu.Unlock()
	return reanalysisStatus{
		Running: j.running, Failed: j.failed, Finished: !j.running && !j.end.IsZero(),
		Version: j.version, Done: j.done, Total: j.total, Started: j.started, Ended: j.end,
	}
}

// reanalyzeInBackground recomputes, with the dictionary version in use, the
// terms of every stored answer made with another (what `koe reanalyze`
// does), after a claim. It runs past the request that started it (ctx's
// values are kept for the log), bounded by reanalysisTimeout; when it ends,
// every dashboard is built again, as their cached blocks and issue groups
// came from terms of either dictionary.
func (srv *Server) reanalyzeInBackground(ctx context.Context, version string) {
	j := &srv.reanalysis
	j.mu.Lock()
	j.version = version
	j.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), reanalysisTimeout)
	go func() {
		defer cancel()
		n, err := srv.texts.Reanalyze(ctx, 0, false, j.progress)
		srv.forgetBlocks(ctx)
		j.finish(n, err != nil)
		if err != nil {
			srv.log.ErrorContext(ctx, "reanalysis after a dictionary change stopped", "id", RequestID(ctx), "version", version, "done", n, "err", err)
			return
		}
		srv.log.InfoContext(ctx, "reanalysed after a dictionary change", "id", RequestID(ctx), "version", version, "answers", n)
	}()
}

// forgetBlocks drops every cached dashboard, its issue groups included,
// and those kept in the database (a failure there is logged).
func (srv *Server) forgetBlocks(ctx context.Context) {
	srv.blocksMu.Lock()
	clear(srv.blocks)
	srv.blocksMu.Unlock()
	if err := srv.surveys.ForgetEveryDashboardSnapshot(context.WithoutCancel(ctx)); err != nil {
		srv.log.Warn("dashboard: forgetting the kept blocks failed", "err", err)
	}
}
