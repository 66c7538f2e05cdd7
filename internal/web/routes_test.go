package web

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

func newTestServer(t *testing.T) *Server {
	t.Helper()
	srv, err := New(Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

var nothing = http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})

// The route table builds, and every route in it has a level.
func TestRouteTableBuilds(t *testing.T) {
	srv := newTestServer(t)
	if _, err := srv.Handler(); err != nil {
		t.Fatal(err)
	}
	for _, rt := range srv.Routes() {
		if rt.Level < Public || rt.Level > Admin {
			t.Errorf("%s %s: level %s", rt.Method, rt.Pattern, rt.Level)
		}
	}
}

// A route declared without a level, with a level it cannot check, or twice,
// stops the app from starting instead of being served unguarded.
func TestRouteTableRefusesUnguardedRoutes(t *testing.T) {
	srv := newTestServer(t)
	for _, tc := range []struct {
		name  string
		route Route
		want  string
	}{
		{"no level", Route{Method: "GET", Pattern: "/surveys/{slug}/secrets", Handler: nothing}, "no access level"},
		{"unknown level", Route{Method: "GET", Pattern: "/surveys/{slug}/secrets", Level: Admin + 1, Handler: nothing}, "no access level"},
		{"view of nothing", Route{Method: "GET", Pattern: "/secrets", Level: View, Handler: nothing}, "names no survey"},
		{"no handler", Route{Method: "GET", Pattern: "/secrets", Level: Staff}, "no handler"},
		{"twice", Route{Method: "GET", Pattern: "/surveys", Level: Public, Handler: nothing}, "GET /surveys"},
	} {
		_, err := srv.HandlerOf(append(srv.Routes(), tc.route))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", tc.name, err, tc.want)
		}
	}
}

// A route that changes something (a POST) is for those who may change what
// it touches; only these few take a POST from anyone else, each for its reason.
func TestChangesNeedEditAccess(t *testing.T) {
	open := map[string]Level{
		"/s/{slug}":                        Public, // a respondent's answers
		"/api/v1/surveys/{slug}/responses": Public, // the same as JSON
		"/login":                           Public,
		"/logout":                          Public,
		"/surveys/new":                     Staff, // a new survey of one's own
		"/surveys/{slug}/preview":          View,  // checks a filled form, stores nothing
	}
	for _, rt := range newTestServer(t).Routes() {
		if rt.Method == "GET" {
			continue
		}
		want, ok := open[rt.Pattern]
		if !ok && rt.Level < Edit {
			t.Errorf("%s %s: level %s; a change needs edit or admin", rt.Method, rt.Pattern, rt.Level)
		}
		if ok && rt.Level != want {
			t.Errorf("%s %s: level %s, want %s", rt.Method, rt.Pattern, rt.Level, want)
		}
	}
}
