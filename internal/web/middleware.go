package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// contentSecurityPolicy allows scripts and styles from koe itself only. Inline
// style attributes stay allowed: the chart library sets them on the SVG it draws.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// SecurityHeaders sets the headers every koe response carries.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

type requestIDKey struct{}

// RequestID returns the id given to a request by LogRequests, or "".
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey{}).(string)
	return s
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// LogRequests gives each request an id (X-Request-Id, and in the context for
// the logs of the handlers) and logs one line per request. It logs no address
// or user agent, no query and no secret in the path (see LoggedPath):
// respondents of anonymous surveys are not tracked, not even here.
func LogRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		sw := &statusWriter{ResponseWriter: w}
		start := time.Now()
		// The mux records the matched route in this request (Pattern, PathValue).
		routed := r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		next.ServeHTTP(sw, routed)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		log.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("id", id), slog.String("method", r.Method),
			slog.String("path", loggedPath(routed, sw.status != http.StatusNotFound)), slog.Int("status", sw.status), slog.Duration("took", time.Since(start)))
	})
}

// publicPathValues are the path values a log may show: the names staff give
// surveys and series, which are in every public link anyway. Any other, such
// as an invitation code or a response id, stays a placeholder.
var publicPathValues = map[string]*regexp.Regexp{
	"slug": regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,99}$`),
	"key":  regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,99}$`),
}

// LoggedPath is what logs say of a request's path: the route it matched, such
// as /i/{code} or /surveys/{slug}/responses/{id}/delete, with only survey
// slugs and series keys filled in. An invitation code logged a few
// milliseconds before the form was sent would tie an anonymous response
// (its submitted_at) to the invitee. A request that matched no route shows
// its first segment only.
func LoggedPath(r *http.Request) string { return loggedPath(r, true) }

// loggedPath is LoggedPath, with slugs and keys left as placeholders unless
// fill: a request answered 404 named no survey, and may have put something
// else, such as an invitation code, where the slug goes.
func loggedPath(r *http.Request, fill bool) string {
	if r.Pattern == "" {
		first, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		if rest != "" {
			return "/" + first + "/…"
		}
		return "/" + first
	}
	path := r.Pattern
	if _, p, ok := strings.Cut(path, " "); ok {
		path = p // "GET /s/{slug}": the method is logged on its own
	}
	segments := strings.Split(path, "/")
	for i, seg := range segments {
		name, ok := strings.CutPrefix(seg, "{")
		if !ok {
			continue
		}
		name = strings.TrimSuffix(strings.TrimSuffix(name, "}"), "...")
		if name == "$" {
			segments[i] = ""
		} else if valid := publicPathValues[name]; fill && valid != nil && valid.MatchString(r.PathValue(name)) {
			segments[i] = r.PathValue(name)
		}
	}
	return strings.Join(segments, "/")
}
