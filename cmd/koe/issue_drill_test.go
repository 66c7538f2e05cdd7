package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/testcorpus"
)

var (
	issueCardRE  = regexp.MustCompile(`(?s)<li class="issue-card" id="issue-([^"]+)">.*?<strong>(\d+)件</strong>.*?href="([^"]*issue=[^"]+)"`)
	unassignedRE = regexp.MustCompile(`未分類）: (\d+)件.*?href="([^"]*issue=unassigned)"`)
	drillCountRE = regexp.MustCompile(`の回答（(\d+)件）</h2>`)
)

// issueCardLinks reads the issue cards of a dashboard: id, size and the
// link to their answers, and the 未分類 count and link.
func issueCardLinks(t *testing.T, page string) (cards [][3]string, unassigned [2]string) {
	t.Helper()
	for _, m := range issueCardRE.FindAllStringSubmatch(page, -1) {
		cards = append(cards, [3]string{m[1], m[2], html.UnescapeString(m[3])})
	}
	if m := unassignedRE.FindStringSubmatch(page); m != nil {
		unassigned = [2]string{m[1], html.UnescapeString(m[2])}
	}
	return cards, unassigned
}

// drillCount opens a drill-down link and returns the answers it says it
// has and the answers it lists.
func drillCount(t *testing.T, c *http.Client, base, link string) (said, listed int) {
	t.Helper()
	resp, body := get(t, c, base+link)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d\n%s", link, resp.StatusCode, body)
	}
	m := drillCountRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s: no count in\n%s", link, body)
	}
	said, _ = strconv.Atoi(m[1])
	return said, strings.Count(body, `<span class="answer-text">`)
}

// fukuiServer imports the Fukui test series (fukuiSeries, 150 answers a
// survey) into a fresh database of the given kind and serves it with an
// admin account (admin@koe.test, editorPassword): the server, the
// database's URL and the open database.
func fukuiServer(t *testing.T, kind database.Kind) (*testServer, string, *bun.DB) {
	t.Helper()
	dbURL := dbtest.URL(t, kind)
	fukuiSeries(t, dbURL, 150)
	ts, db := adminServer(t, dbURL)
	return ts, dbURL, db
}

// serverAt starts a test server on the database at dbURL (migrated, and
// perhaps filled by koe commands beforehand), closed when the test ends.
func serverAt(t *testing.T, dbURL string) (*testServer, *bun.DB) {
	t.Helper()
	db, err := openDB(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return newTestServer(t, db), db
}

// adminServer is serverAt with the admin account admin@koe.test.
func adminServer(t *testing.T, dbURL string) (*testServer, *bun.DB) {
	t.Helper()
	ts, db := serverAt(t, dbURL)
	if _, err := ts.app.users.AddUser(context.Background(), "admin@koe.test", editorPassword, "admin"); err != nil {
		t.Fatal(err)
	}
	return ts, db
}

// Through the real server, on both databases, with real answers: the survey
// and series dashboards show issue cards above the word-level analysis, and
// each card's link lists exactly as many answers as the card says, 未分類's
// link as many as are unassigned; an unknown issue is a 404.
func TestIssueCardsLinkToTheirAnswers(t *testing.T) {
	runBeside(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ts, dbURL, _ := fukuiServer(t, kind)
			admin := signInAs(t, ts, "admin@koe.test")

			for _, page := range []string{"/surveys/fukui-2", "/series/fukui-test"} {
				resp, body := get(t, admin, ts.URL+page)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d", page, resp.StatusCode)
				}
				cards, unassigned := issueCardLinks(t, body)
				if len(cards) < 3 || unassigned[1] == "" {
					t.Fatalf("%s: %d issue cards, 未分類 %v", page, len(cards), unassigned)
				}
				if head, words := strings.Index(body, `class="issue-card"`), strings.Index(body, "よく使われた言葉"); words >= 0 && head > words {
					t.Errorf("%s: issue cards below the words", page)
				}
				t.Logf("%s: %d cards, 未分類 %s", page, len(cards), unassigned[0])
				for _, c := range append(cards, [3]string{"unassigned", unassigned[0], unassigned[1]}) {
					want, _ := strconv.Atoi(c[1])
					said, listed := drillCount(t, admin, ts.URL, c[2])
					if said != want || listed != want {
						t.Errorf("%s: issue %s of %d answers: the link says %d and lists %d", page, c[0], want, said, listed)
					}
				}
				// The fragment the dashboard's panel loads lists the same.
				said, _ := drillCount(t, admin, ts.URL, cards[0][2]+"&fragment=1")
				if want, _ := strconv.Atoi(cards[0][1]); said != want {
					t.Errorf("%s: fragment of %s lists %d, want %d", page, cards[0][0], said, want)
				}
				link := cards[0][2]
				bad := link[:strings.Index(link, "issue=")] + "issue=no-such-issue"
				if resp, _ := get(t, admin, ts.URL+bad); resp.StatusCode != http.StatusNotFound {
					t.Errorf("%s: an unknown issue gives %d, want 404", page, resp.StatusCode)
				}
			}
			// A few more answers arrive: the dashboard groups again, and its
			// issues keep their IDs, so a link opened before still works.
			_, before := get(t, admin, ts.URL+"/surveys/fukui-2")
			cards, _ := issueCardLinks(t, before)
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
			_, after := get(t, admin, ts.URL+"/surveys/fukui-2")
			if after == before {
				t.Fatal("the dashboard did not change with five more answers")
			}
			for _, c := range cards[:3] {
				if !strings.Contains(after, `id="issue-`+c[0]+`"`) {
					t.Errorf("issue %s of %s answers lost its ID when five answers arrived", c[0], c[1])
				}
				if resp, _ := get(t, admin, ts.URL+c[2]); resp.StatusCode != http.StatusOK {
					t.Errorf("the link to issue %s, opened after five answers arrived: %d", c[0], resp.StatusCode)
				}
			}

			// The series cards count per event.
			_, body := get(t, admin, ts.URL+"/series/fukui-test")
			if !strings.Contains(body, "繰り返し出てくる論点") || !strings.Contains(body, `class="issue-events"`) {
				t.Errorf("series dashboard without its recurring issue groups per event")
			}
		})
	}
}
