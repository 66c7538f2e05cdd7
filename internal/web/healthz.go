package web

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// healthz answers 200 while the database answers and submissions are being
// written; 503 otherwise, for a load balancer to take this process out.
func (srv *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := srv.db.PingContext(ctx); err != nil {
		srv.log.Error("health check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "database unavailable")
		return
	}
	if wait := srv.surveys.WriteWait(); wait > srv.stallLimit {
		srv.log.Error("health check failed: submissions are not being written", "oldest_waiting", wait)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "submissions stalled: the oldest has waited %d s to be stored\n", int(wait.Seconds()))
		return
	}
	fmt.Fprintln(w, "ok")
}
