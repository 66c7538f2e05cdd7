package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/survey"
)

// lockedBuffer is a log destination the server's goroutines share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// An invitee answers an anonymous survey through every route that carries
// the invitation code (the short link, the form with ?code=, the form post,
// the JSON API), staff open and delete the response by its id, and a few
// requests miss: the log, which has each request's time, never holds the
// code, and its request lines not the response id, so it cannot tie the
// answer to the invitee. It still says which survey was asked for.
func TestRequestLogHoldsNoCodesOrIDs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		var log lockedBuffer
		texts, err := openAnalysis(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		a := newApp(db, slog.New(slog.NewTextHandler(&log, nil)), texts)
		srv := httptest.NewServer(mustHandler(t, a))
		ts := &testServer{Server: srv, app: a, t: t}
		staff := ts.editorClient("staff@example.jp")
		const slug = "anon-survey"
		s := ts.apply(fmt.Sprintf(inviteSurvey, slug, true))
		ctx := context.Background()
		invitations, err := a.surveys.AddInvitations(ctx, s, []survey.Invitee{{Name: "青葉市"}, {Name: "緑町"}})
		if err != nil {
			t.Fatal(err)
		}
		codeA, codeB := invitations[0].Code, invitations[1].Code

		anon := formClient()
		resp, _ := get(t, anon, srv.URL+"/i/"+codeA)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("/i/{code}: %d", resp.StatusCode)
		}
		get(t, anon, srv.URL+resp.Header.Get("Location"))
		if resp, _ := postForm(t, anon, srv.URL+"/s/"+slug, url.Values{"_token": {"t-1"}, "code": {codeA}, "q.stage": {"実施中"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("answer: %d", resp.StatusCode)
		}
		if code, _ := ts.postJSON("/api/v1/surveys/"+slug+"/responses?code="+codeB, "", `{"answers":{"stage":"検討中"}}`); code != http.StatusCreated {
			t.Fatalf("API answer: %d", code)
		}
		postForm(t, anon, srv.URL+"/i/"+codeA, nil)      // no such route for POST
		get(t, anon, srv.URL+"/i/"+codeA+"/extra")       // no such page
		get(t, anon, srv.URL+"/s/"+codeA+"?code="+codeA) // a code pasted where a slug goes

		responses, err := a.surveys.ResponsesOf(ctx, s, true)
		if err != nil || len(responses) != 2 {
			t.Fatalf("responses: %d %v", len(responses), err)
		}
		id := responses[0].ID
		get(t, staff, srv.URL+"/surveys/"+slug+"/responses/"+id+"/delete")
		if resp, _ := postForm(t, staff, srv.URL+"/surveys/"+slug+"/responses/"+id+"/delete", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: %d", resp.StatusCode)
		}
		get(t, formClient(), srv.URL+"/surveys/"+slug+"/responses?code="+codeB) // signed out: sent to /login?next=…
		srv.Close()                                                             // every request's line is written

		logged := log.String()
		var requestLines []string
		for _, line := range strings.Split(logged, "\n") {
			if strings.Contains(line, "msg=request ") {
				requestLines = append(requestLines, line)
			}
		}
		for name, secret := range map[string]string{"invitation code A": codeA, "invitation code B": codeB} {
			if strings.Contains(logged, secret) {
				t.Errorf("the log holds %s:\n%s", name, logged)
			}
		}
		// The staff member's deletion is logged on purpose, with the id it removed.
		if lines := strings.Join(requestLines, "\n"); strings.Contains(lines, id) {
			t.Errorf("the request lines hold the response id:\n%s", lines)
		}
		for _, want := range []string{"path=/i/{code}", "path=/s/" + slug + " ", "path=/surveys/" + slug + "/responses/{id}/delete", "path=/api/v1/surveys/" + slug + "/responses", "path=/i/…", "path=/s/{slug} status=404"} {
			if !strings.Contains(logged, want) {
				t.Errorf("the log does not say %q:\n%s", want, logged)
			}
		}
	})
}
