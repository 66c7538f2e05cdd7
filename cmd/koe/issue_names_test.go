package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/testcorpus"
)

// cardLabel returns the heading of the issue card id on a page, "" when the
// page has no such card.
func cardLabel(page, id string) string {
	m := regexp.MustCompile(`<li class="issue-card" id="issue-` + regexp.QuoteMeta(id) + `">\s*<h4>([^<]*)</h4>`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// cardIDs lists the IDs of a page's issue cards, in order.
func cardIDs(t *testing.T, page string) []string {
	cards, _ := issueCardLinks(t, page)
	ids := make([]string, len(cards))
	for i, c := range cards {
		ids[i] = c[0]
	}
	return ids
}

// analyzedLabel returns the label koe analyze --json gives the group id
// ("" when it lists no such group).
func analyzedLabel(t *testing.T, dbURL, id string) string {
	res, _ := analyzeJSON(t, "--db", dbURL, "--survey", "fukui-2")
	for _, is := range res.Issues {
		if is.ID == id {
			return is.Label
		}
	}
	return ""
}

// Through the real server, on both databases, with real answers: staff name
// an issue group on the dashboard; the name shows on the dashboard, in the
// report and in koe analyze --json, stays with the group as answers arrive
// and across a restart (a new app on the same database), where the IDs stay
// too; a group hidden leaves the cards and comes back when shown; names are
// bounded and checked; a view-only share may not change a group.
func TestStaffNameAnIssueGroupAndItStays(t *testing.T) {
	runBeside(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ts, dbURL, db := fukuiServer(t, kind)
			ctx := context.Background()
			admin := signInAs(t, ts, "admin@koe.test")
			const dashboard = "/surveys/fukui-2"
			change := func(c *http.Client, id string, form url.Values) (*http.Response, string) {
				t.Helper()
				form.Set("question", "inconvenience")
				return postForm(t, c, ts.URL+dashboard+"/issues/"+url.PathEscape(id), form)
			}

			_, page := get(t, admin, ts.URL+dashboard)
			ids := cardIDs(t, page)
			if len(ids) < 3 {
				t.Fatalf("%d issue cards", len(ids))
			}
			if !strings.Contains(page, `class="issue-edit"`) {
				t.Fatal("the dashboard's issue cards have no form")
			}
			named, computed := ids[0], cardLabel(page, ids[0])
			const name = "交通と移動の不便（職員命名）"
			resp, body := change(admin, named, url.Values{"op": {"rename"}, "label": {name}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != dashboard+"#issue-"+named {
				t.Fatalf("rename: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
			}
			_, page = get(t, admin, ts.URL+dashboard)
			if got := cardLabel(page, named); got != name {
				t.Fatalf("the renamed card is headed %q, want %q", got, name)
			}
			if _, report := get(t, admin, ts.URL+dashboard+"/report.html"); !strings.Contains(report, "<h4>"+name+"</h4>") || strings.Contains(report, `class="issue-edit"`) {
				t.Errorf("the report does not show the staff name, or shows the staff's form")
			}
			if got := analyzedLabel(t, dbURL, named); got != name {
				t.Errorf("koe analyze --json labels group %s %q, want %q", named, got, name)
			}

			// Staff text is checked: NUL, over-long, an unknown operation
			// or group are refused, and the name stays.
			for _, bad := range []struct {
				id   string
				form url.Values
				want int
			}{
				{named, url.Values{"op": {"rename"}, "label": {"名前\x00"}}, http.StatusUnprocessableEntity},
				{named, url.Values{"op": {"rename"}, "label": {strings.Repeat("長", 81)}}, http.StatusUnprocessableEntity},
				{named, url.Values{"op": {"split"}}, http.StatusUnprocessableEntity},
				{"no-such-issue", url.Values{"op": {"rename"}, "label": {"x"}}, http.StatusNotFound},
			} {
				if resp, _ := change(admin, bad.id, bad.form); resp.StatusCode != bad.want {
					t.Errorf("%s %v: %d, want %d", bad.id, bad.form, resp.StatusCode, bad.want)
				}
			}

			// Five more answers arrive: the group continues, with its name.
			more := testcorpus.CSVColumn(t, "fukui-kanko/fukui-kanko-2022-2024.csv", "不便さの内容")[400:405]
			var rows strings.Builder
			w := csv.NewWriter(&rows)
			w.Write([]string{"No.", "不便さの内容"})
			for i, a := range more {
				w.Write([]string{fmt.Sprint(1000 + i), a})
			}
			w.Flush()
			if out, err := koe(t, "", "import", "--db", dbURL, "--survey", "fukui-2", "--format", "table", writeFile(t, "more.csv", []byte(rows.String()))); err != nil {
				t.Fatalf("import: %v\n%s", err, out)
			}
			_, page = get(t, admin, ts.URL+dashboard)
			if got := cardLabel(page, named); got != name {
				t.Fatalf("after five more answers the card %s is headed %q, want %q", named, got, name)
			}
			before := cardIDs(t, page)

			// A restart: a new app on the same database groups the answers
			// afresh and finds the same IDs and the name.
			restarted := newTestServer(t, db)
			if _, err := restarted.app.users.AddUser(ctx, "admin2@koe.test", editorPassword, "admin"); err != nil {
				t.Fatal(err)
			}
			admin2 := signInAs(t, restarted, "admin2@koe.test")
			_, page = get(t, admin2, restarted.URL+dashboard)
			if after := cardIDs(t, page); strings.Join(after, " ") != strings.Join(before, " ") {
				t.Errorf("after a restart the cards are\n%v\nwere\n%v", after, before)
			}
			if got := cardLabel(page, named); got != name {
				t.Errorf("after a restart the card %s is headed %q, want %q", named, got, name)
			}
			if got := analyzedLabel(t, dbURL, named); got != name {
				t.Errorf("after new answers koe analyze --json labels group %s %q, want %q", named, got, name)
			}

			// Hidden, then shown again.
			hidden := before[1]
			_, page = get(t, admin, ts.URL+dashboard)
			hiddenLabel := cardLabel(page, hidden)
			if !strings.Contains(html.UnescapeString(page), `"name":"`+hiddenLabel+`"`) {
				t.Fatalf("the answer map does not name the group %q before it is hidden", hiddenLabel)
			}
			if resp, body := change(admin, hidden, url.Values{"op": {"hide"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("hide: %d\n%s", resp.StatusCode, body)
			}
			_, page = get(t, admin, ts.URL+dashboard)
			if strings.Contains(html.UnescapeString(page), `"name":"`+hiddenLabel+`"`) || !strings.Contains(page, "非表示にした論点") {
				t.Errorf("the answer map still names the hidden group %q", hiddenLabel)
			}
			if cardLabel(page, hidden) != "" || !strings.Contains(page, "非表示の論点 1件") || !strings.Contains(page, `value="show"`) {
				t.Errorf("a hidden group is still a card, or the dashboard does not offer it back")
			}
			if _, report := get(t, admin, ts.URL+dashboard+"/report.html"); strings.Contains(report, `id="issue-`+hidden+`"`) || !strings.Contains(report, "非表示の論点 1件") {
				t.Errorf("the report shows the hidden group as a card, or does not say one is hidden")
			}
			if resp, body := change(admin, hidden, url.Values{"op": {"show"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("show: %d\n%s", resp.StatusCode, body)
			}
			if _, page = get(t, admin, ts.URL+dashboard); cardLabel(page, hidden) == "" || strings.Contains(page, "非表示の論点") {
				t.Errorf("a group shown again is not a card again")
			}

			// Two groups merged show as one card of their answers, each
			// counted once, until taken apart again.
			_, page = get(t, admin, ts.URL+dashboard)
			cards, _ := issueCardLinks(t, page)
			part := before[2]
			if resp, _ := change(admin, named, url.Values{"op": {"merge"}, "into": {named}}); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("merging a group into itself: %d, want 422", resp.StatusCode)
			}
			if resp, _ := change(admin, named, url.Values{"op": {"merge"}, "into": {"no-such-issue"}}); resp.StatusCode != http.StatusNotFound {
				t.Errorf("merging into an unknown group: %d, want 404", resp.StatusCode)
			}
			if resp, body := change(admin, part, url.Values{"op": {"merge"}, "into": {named}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("merge: %d\n%s", resp.StatusCode, body)
			}
			if resp, _ := change(admin, named, url.Values{"op": {"merge"}, "into": {part}}); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("merging a group into one merged into it: %d, want 422", resp.StatusCode)
			}
			sizeOf := func(cards [][3]string, id string) (n int, link string) {
				for _, c := range cards {
					if c[0] == id {
						n, _ = strconv.Atoi(c[1])
						return n, c[2]
					}
				}
				return 0, ""
			}
			namedSize, _ := sizeOf(cards, named)
			partSize, _ := sizeOf(cards, part)
			_, page = get(t, admin, ts.URL+dashboard)
			merged, _ := issueCardLinks(t, page)
			size, link := sizeOf(merged, named)
			if cardLabel(page, part) != "" || cardLabel(page, named) != name || !strings.Contains(page, "まとめた論点") {
				t.Errorf("after the merge: card %s still shown, or %s not headed %q, or the merge not named", part, named, name)
			}
			if size < max(namedSize, partSize) || size > namedSize+partSize {
				t.Errorf("merged group of %d and %d answers has %d", namedSize, partSize, size)
			}
			if said, listed := drillCount(t, admin, ts.URL, link); said != size || listed != size {
				t.Errorf("the merged group's link says %d and lists %d, the card %d", said, listed, size)
			}
			res, _ := analyzeJSON(t, "--db", dbURL, "--survey", "fukui-2")
			for _, is := range res.Issues {
				if is.ID == part || (is.ID == named && (is.Answers != size || is.Label != name)) {
					t.Errorf("koe analyze --json after the merge: %s %q %d answers", is.ID, is.Label, is.Answers)
				}
			}
			if resp, body := change(admin, part, url.Values{"op": {"merge"}, "into": {""}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("unmerge: %d\n%s", resp.StatusCode, body)
			}
			_, page = get(t, admin, ts.URL+dashboard)
			if after := cardIDs(t, page); strings.Join(after, " ") != strings.Join(before, " ") {
				t.Errorf("taken apart again, the cards are\n%v\nwere\n%v", after, before)
			}

			// A view-only share may look but not rename (a survey made from
			// the command line has no owner and every staff member may edit
			// it: this one is given to the admin).
			if _, err := db.NewRaw("UPDATE surveys SET owner = ? WHERE slug = ?", "admin@koe.test", "fukui-2").Exec(ctx); err != nil {
				t.Fatal(err)
			}
			viewer := ts.editorClient("viewer@koe.test")
			if resp, body := postForm(t, admin, ts.URL+dashboard+"/shares", url.Values{"email": {"viewer@koe.test"}, "level": {"view"}}); resp.StatusCode >= 400 {
				t.Fatalf("share: %d\n%s", resp.StatusCode, body)
			}
			if resp, _ := get(t, viewer, ts.URL+dashboard); resp.StatusCode != http.StatusOK {
				t.Fatalf("the viewer's dashboard: %d", resp.StatusCode)
			}
			if resp, _ := change(viewer, named, url.Values{"op": {"rename"}, "label": {"乗っ取り"}}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("a view-only share renames a group: %d", resp.StatusCode)
			}

			// An empty name gives the computed label back.
			if resp, body := change(admin, named, url.Values{"op": {"rename"}, "label": {""}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("unname: %d\n%s", resp.StatusCode, body)
			}
			if _, page = get(t, admin, ts.URL+dashboard); cardLabel(page, named) == name || cardLabel(page, named) == "" {
				t.Errorf("after an empty name the card is headed %q (computed %q)", cardLabel(page, named), computed)
			}
		})
	}
}
