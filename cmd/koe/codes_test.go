package main

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/survey"
)

var (
	answerTextRE = regexp.MustCompile(`<span class="answer-text">(.*?)</span>`)
	previewRowRE = regexp.MustCompile(`(?s)<tr id="code-([^"]+)"><th scope="row">.*?<td class="num">(?:<a href="([^"]*)">)?(\d+)件`)
)

// drillTexts returns the answers a drill-down link lists, as a set of texts.
func drillTexts(t *testing.T, c *http.Client, base, link string) map[string]bool {
	t.Helper()
	resp, body := get(t, c, base+link)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d", link, resp.StatusCode)
	}
	out := map[string]bool{}
	for _, m := range answerTextRE.FindAllStringSubmatch(body, -1) {
		out[html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], ""))] = true
	}
	return out
}

// codeRows reads the code-book page's preview: each code's count and its
// drill-down link ("" while the choice is not saved).
func codeRows(page string) map[string][2]string {
	out := map[string][2]string{}
	for _, m := range previewRowRE.FindAllStringSubmatch(page, -1) {
		out[html.UnescapeString(m[1])] = [2]string{m[3], html.UnescapeString(m[2])}
	}
	return out
}

// On real answers, both databases: "コードにする" on an issue card makes a
// rule of the survey's own code book that finds the group's answers; the
// code-book page previews it with examples, the dashboard counts it as an
// issue category from then on, and the survey's YAML carries it.
func TestTurnAnIssueGroupIntoACode(t *testing.T) {
	runBeside(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ts, _, _ := fukuiServer(t, kind)
			admin := signInAs(t, ts, "admin@koe.test")
			const dashboard = "/surveys/fukui-2"
			_, page := get(t, admin, ts.URL+dashboard)
			cards, _ := issueCardLinks(t, page)
			if len(cards) < 3 {
				t.Fatalf("%d issue cards", len(cards))
			}
			if !strings.Contains(page, `value="code"`) {
				t.Fatal("the issue cards have no コードにする button")
			}
			card := cards[0]
			label := cardLabel(page, card[0])
			resp, body := postForm(t, admin, ts.URL+dashboard+"/issues/"+url.PathEscape(card[0]), url.Values{"op": {"code"}, "question": {"inconvenience"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("make a code: %d\n%s", resp.StatusCode, body)
			}
			loc := resp.Header.Get("Location")
			if !strings.HasPrefix(loc, dashboard+"/codes?question=inconvenience&added=") {
				t.Fatalf("redirected to %q", loc)
			}
			_, page = get(t, admin, ts.URL+loc)
			rows := codeRows(page)
			row, ok := rows[label]
			if !ok || !strings.Contains(page, "論点から作ったコード「"+html.EscapeString(label)+"」") {
				t.Fatalf("the code-book page does not show the code %q: %v", label, rows)
			}
			if !strings.Contains(page, "<mark>") {
				t.Error("the examples mark no matching words")
			}
			// The rule finds the group: most of the group's answers, and
			// mostly the group's answers.
			group := drillTexts(t, admin, ts.URL, card[2])
			coded := drillTexts(t, admin, ts.URL, row[1])
			both := 0
			for text := range coded {
				if group[text] {
					both++
				}
			}
			recall, precision := float64(both)/float64(len(group)), float64(both)/float64(len(coded))
			t.Logf("group %q: %d answers; its code matches %s (%d listed), %d of them the group's: recall %.2f, precision %.2f", label, len(group), row[0], len(coded), both, recall, precision)
			if recall < 0.6 || precision < 0.5 {
				t.Errorf("the code made from %q finds %.0f%% of its answers with %.0f%% precision", label, 100*recall, 100*precision)
			}
			// The dashboard counts it as an issue category, linked to the same answers.
			_, page = get(t, admin, ts.URL+dashboard)
			if !strings.Contains(page, `data-code="`+html.EscapeString(label)+`"`) {
				t.Errorf("the dashboard's issue categories do not include %q", label)
			}
			_, src := get(t, admin, ts.URL+dashboard+"/survey.yaml")
			d, err := survey.ParseDefinition("fukui-2.yaml", []byte(src))
			if err != nil || !strings.Contains(d.Codes, "*"+label+"\n") {
				t.Fatalf("the survey's YAML lacks the code: %v\n%s", err, src)
			}
			// Made twice, the second code gets a name of its own.
			resp, _ = postForm(t, admin, ts.URL+dashboard+"/issues/"+url.PathEscape(card[0]), url.Values{"op": {"code"}, "question": {"inconvenience"}})
			if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), url.QueryEscape(label+"（2）")) {
				t.Errorf("the same group again: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
		})
	}
}

// The code-book page previews a choice before it is saved (counts change,
// nothing is stored), refuses a broken rule or an unknown book with what
// was typed kept, and once saved the dashboard counts with the new books.
func TestCodeBookPagePreviewsAndSaves(t *testing.T) {
	runBeside(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ts, _, _ := fukuiServer(t, kind)
			admin := signInAs(t, ts, "admin@koe.test")
			const codes = "/surveys/fukui-2/codes"
			_, page := get(t, admin, ts.URL+codes)
			before := codeRows(page)
			if _, ok := before["要望"]; !ok {
				t.Fatalf("a survey naming no book is not coded with the general preset: %v", before)
			}
			if _, ok := before["連携・協働"]; ok {
				t.Fatal("the community book applies to a survey that does not name it")
			}
			const rule = "*駐車場\n駐車場 | 駐車 | パーキング\n"
			form := url.Values{"op": {"preview"}, "book": {"general"}, "codes": {rule}, "question": {"inconvenience"}}
			resp, page := postForm(t, admin, ts.URL+codes, form)
			preview := codeRows(page)
			n, _ := strconv.Atoi(preview["駐車場"][0])
			if resp.StatusCode != http.StatusOK || n == 0 || preview["駐車場"][1] != "" || !strings.Contains(page, "まだ保存していない") {
				t.Fatalf("preview: %d, 駐車場 %v", resp.StatusCode, preview["駐車場"])
			}
			if _, page = get(t, admin, ts.URL+codes); codeRows(page)["駐車場"] != [2]string{} {
				t.Fatal("a preview was saved")
			}
			for _, bad := range []url.Values{
				{"op": {"save"}, "book": {"general"}, "codes": {"*駐車場\n駐車場 | (\n"}},
				{"op": {"save"}, "book": {"tourism"}, "codes": {rule}},
			} {
				resp, page := postForm(t, admin, ts.URL+codes, bad)
				if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, html.EscapeString(bad.Get("codes"))) || !strings.Contains(page, `role="alert"`) {
					t.Errorf("%v: %d, or what was typed is lost", bad, resp.StatusCode)
				}
			}
			form.Set("op", "save")
			form.Add("book", "community")
			if resp, body := postForm(t, admin, ts.URL+codes, form); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("save: %d\n%s", resp.StatusCode, body)
			}
			_, page = get(t, admin, ts.URL+codes+"?question=inconvenience")
			saved := codeRows(page)
			if saved["駐車場"][0] != strconv.Itoa(n) || saved["駐車場"][1] == "" {
				t.Errorf("saved 駐車場: %v, previewed %d", saved["駐車場"], n)
			}
			_, page = get(t, admin, ts.URL+"/surveys/fukui-2")
			// Every code counts the same answers on the code-book page, on
			// the dashboard and behind its link, *part rules (要望's
			// *てほしい) included.
			for code, row := range saved {
				if row[0] == "0" {
					continue
				}
				m := regexp.MustCompile(`data-code="` + regexp.QuoteMeta(html.EscapeString(code)) + `">[^<]*</a></th><td class="num">(\d+)</td>`).FindStringSubmatch(page)
				if m == nil || m[1] != row[0] {
					t.Errorf("the dashboard counts %s as %v, the code-book page %s", code, m, row[0])
				}
				want, _ := strconv.Atoi(row[0])
				if said, _ := drillCount(t, admin, ts.URL, row[1]); said != want {
					t.Errorf("%s's link says %d, want %d", code, said, want)
				}
			}
			if said, listed := drillCount(t, admin, ts.URL, saved["駐車場"][1]); said != n || listed != n {
				t.Errorf("駐車場's link says %d and lists %d, want %d", said, listed, n)
			}
		})
	}
}

// `koe survey apply` refuses a code book nobody has, naming those there are,
// and stores nothing; a known one is kept and comes back in the YAML.
func TestSurveyApplyChecksCodeBooks(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.URL(t, kind)
			def := "slug: books\ntitle: t\ncode_books: [%s]\nquestions:\n  - {key: q, type: textarea, label: x, analyze: true}\n"
			out, err := koe(t, "", "survey", "apply", "--db", db, "-f", writeFile(t, "bad.yaml", []byte(strings.Replace(def, "%s", "tourism", 1))))
			if err == nil || !strings.Contains(out+err.Error(), `"tourism" is not a code book (valid: community, general)`) {
				t.Fatalf("unknown book: %v\n%s", err, out)
			}
			if out, _ := koe(t, "", "survey", "list", "--db", db); strings.Contains(out, "books") {
				t.Fatalf("the refused survey was stored:\n%s", out)
			}
			if out, err := koe(t, "", "survey", "apply", "--db", db, "-f", writeFile(t, "good.yaml", []byte(strings.Replace(def, "%s", "community, general", 1)))); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
		})
	}
}
