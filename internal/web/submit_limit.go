package web

import (
	"net/http"
	"strings"

	"github.com/koe-project/koe/internal/ratelimit"
)

// limited refuses a submission (form or JSON) with 429 and Retry-After when its
// client address has used up its tokens for this survey (srv.submitLimit; nil:
// no limit). The key is the address and the survey: a flood on one survey does
// not stop the same office answering another.
func (srv *Server) limited(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, wait := srv.submitLimit.Allow(ClientAddr(r) + " " + r.PathValue("slug"))
		if ok {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Retry-After", ratelimit.RetryAfter(wait))
		if strings.HasPrefix(r.URL.Path, "/api/") {
			writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "too many submissions from this address; retry after " + ratelimit.RetryAfter(wait) + " s"})
			return
		}
		srv.pages.RenderError(w, r, http.StatusTooManyRequests, "送信が集中しています。入力内容はそのままで、少し待ってからもう一度送信してください。")
	})
}
