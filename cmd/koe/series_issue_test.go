package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/koe-project/koe/internal/dbtest"
)

// Staff who may edit every event of a series name, hide and merge its
// recurring issue groups on the series dashboard, and make a code of one
// (it goes to the latest event's own code book); someone who may edit only
// one event is refused and nothing changes. Real answers, both databases.
func TestStaffChangeASeriesIssueGroup(t *testing.T) {
	runBeside(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ts, _, db := fukuiServer(t, kind)
			admin := signInAs(t, ts, "admin@koe.test")
			const page = "/series/fukui-test"
			_, body := get(t, admin, ts.URL+page)
			ids := cardIDs(t, body)
			if len(ids) < 2 || !strings.Contains(body, `action="/series/fukui-test/issues/`) {
				t.Fatalf("%d series issue cards, forms: %v", len(ids), strings.Contains(body, "issue-edit"))
			}
			change := func(c *http.Client, id string, form url.Values) *http.Response {
				t.Helper()
				form.Set("question", "inconvenience")
				resp, _ := postForm(t, c, ts.URL+page+"/issues/"+url.PathEscape(id), form)
				return resp
			}

			// Someone who may edit only the first meeting may not rename the
			// series' issues (the surveys, made with the CLI, are everyone's
			// until they have an owner).
			if _, err := db.ExecContext(context.Background(), "UPDATE surveys SET owner = 'admin@koe.test'"); err != nil {
				t.Fatal(err)
			}
			if _, err := ts.app.users.AddUser(context.Background(), "one@koe.test", editorPassword, "staff"); err != nil {
				t.Fatal(err)
			}
			if resp, body := postForm(t, admin, ts.URL+"/surveys/fukui-1/shares", url.Values{"email": {"one@koe.test"}, "level": {"edit"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("share: %d\n%s", resp.StatusCode, body)
			}
			one := signInAs(t, ts, "one@koe.test")
			if resp := change(one, ids[0], url.Values{"op": {"rename"}, "label": {"勝手な名前"}}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("an editor of one meeting renamed a series issue: %d", resp.StatusCode)
			}

			const name = "駐車場が足りない（職員命名）"
			if resp := change(admin, ids[0], url.Values{"op": {"rename"}, "label": {name}}); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"#issue-"+ids[0] {
				t.Fatalf("rename: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			if _, body = get(t, admin, ts.URL+page); cardLabel(body, ids[0]) != name {
				t.Errorf("the series card is headed %q, want %q", cardLabel(body, ids[0]), name)
			}
			if _, report := get(t, admin, ts.URL+page+"/report.html"); !strings.Contains(report, "<h4>"+name+"</h4>") || strings.Contains(report, `class="issue-edit"`) {
				t.Errorf("the series report does not show the staff name, or shows the staff's form")
			}
			if _, body = get(t, admin, ts.URL+"/surveys/fukui-2"); strings.Contains(body, name) {
				t.Errorf("a series name leaked into one meeting's dashboard, whose groups are its own")
			}
			if resp := change(admin, ids[1], url.Values{"op": {"hide"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("hide: %d", resp.StatusCode)
			}
			if _, body = get(t, admin, ts.URL+page); cardLabel(body, ids[1]) != "" || !strings.Contains(body, "非表示の論点 1件") {
				t.Errorf("a hidden series group is still a card")
			}
			resp := change(admin, ids[0], url.Values{"op": {"code"}})
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/surveys/fukui-2/codes?question=inconvenience&added="+url.QueryEscape(name)) {
				t.Fatalf("code: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			if _, src := get(t, admin, ts.URL+"/surveys/fukui-2/survey.yaml"); !strings.Contains(src, "*"+name) {
				t.Errorf("the latest meeting's YAML lacks the code:\n%s", src)
			}
		})
	}
}
