package main

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
)

var (
	termRowRE   = regexp.MustCompile(`data-term="([^"]+)">[^<]*</a></th><td class="num">(\d+)</td>`)
	textareaRE  = regexp.MustCompile(`(?s)<textarea id="([a-z]+)"[^>]*>(.*?)</textarea>`)
	dictCountRE = regexp.MustCompile(`(?s)<span class="entry">([^<]*)</span>.*?<td class="num">(\d+)件</td>`)
)

// dashboardTerms reads the word list of a dashboard: term -> count.
func dashboardTerms(page string) map[string]int {
	out := map[string]int{}
	for _, m := range termRowRE.FindAllStringSubmatch(page, -1) {
		n, _ := strconv.Atoi(m[2])
		out[html.UnescapeString(m[1])] = n
	}
	return out
}

// dictionaryFields reads the dictionary page's fields as typed.
func dictionaryFields(page string) url.Values {
	v := url.Values{}
	for _, m := range textareaRE.FindAllStringSubmatch(page, -1) {
		v.Set(m[1], strings.TrimPrefix(html.UnescapeString(m[2]), "\n"))
	}
	return v
}

// previewCounts reads a preview: changed entry -> answers it touches.
func previewCounts(page string) map[string]int {
	out := map[string]int{}
	for _, m := range dictCountRE.FindAllStringSubmatch(page, -1) {
		n, _ := strconv.Atoi(m[2])
		out[html.UnescapeString(m[1])] = n
	}
	return out
}

func activeVersion(t *testing.T, db *bun.DB) (string, string) {
	t.Helper()
	d, src, err := store.ActiveDictionary(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return d.Version(), string(src)
}

// waitReanalysis waits for the dictionary page to say the reanalysis it
// started has ended, and fails if it stopped short.
func waitReanalysis(t *testing.T, c *http.Client, base string) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		_, page := get(t, c, base+"/dictionary")
		if strings.Contains(page, `id="reanalysis-failed"`) {
			t.Fatal("the reanalysis stopped short")
		}
		if strings.Contains(page, `id="reanalysis-done"`) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the reanalysis did not end")
		}
	}
}

// The synonym the tests add: the Fukui answers write of eating both ways.
const (
	synonymShown   = "食事"
	synonymVariant = "食べる"
)

// Through the real server, on both databases: the dictionary page shows the
// dictionary in use as plain lists; a preview counts the answers a new
// synonym touches and stores nothing; a bad entry is refused (422) with
// everything typed kept and the entry named; a save makes a new version and
// reanalyses the stored answers, after which the dashboard counts the
// variant as the shown form.
func TestDictionaryPagePreviewsAndSaves(t *testing.T) {
	runBeside(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ts, _, db := fukuiServer(t, kind)
			admin := signInAs(t, ts, "admin@koe.test")
			before, beforeSrc := activeVersion(t, db)

			resp, page := get(t, admin, ts.URL+"/dictionary")
			fields := dictionaryFields(page)
			if resp.StatusCode != http.StatusOK || !strings.Contains(page, before) ||
				!strings.Contains(fields.Get("synonyms"), "社会福祉協議会 = 社協、市社協") || !strings.Contains(fields.Get("empty"), "特にない") && !strings.Contains(fields.Get("empty"), "なし") {
				t.Fatalf("dictionary page: %d, version %s shown %v, fields %q", resp.StatusCode, before, strings.Contains(page, before), fields)
			}
			// The lists as the page writes them back are the dictionary in use.
			if resp, _ := postForm(t, admin, ts.URL+"/dictionary", url.Values{"op": {"save"}, "synonyms": {fields.Get("synonyms")}, "stopwords": {fields.Get("stopwords")}, "words": {fields.Get("words")}, "empty": {fields.Get("empty")}}); resp.Header.Get("Location") != "/dictionary?same=1" {
				t.Fatalf("saving the page as shown: %d %s, want no change", resp.StatusCode, resp.Header.Get("Location"))
			}
			// Staff who are not admins read it, and cannot change it.
			if _, err := ts.app.users.AddUser(context.Background(), "staff@koe.test", editorPassword, "staff"); err != nil {
				t.Fatal(err)
			}
			staff := signInAs(t, ts, "staff@koe.test")
			if resp, page := get(t, staff, ts.URL+"/dictionary"); resp.StatusCode != http.StatusOK || !strings.Contains(page, "社会福祉協議会 = 社協") || strings.Contains(page, `value="save"`) || !strings.Contains(page, "readonly") {
				t.Errorf("staff GET /dictionary: %d, or not read-only", resp.StatusCode)
			}
			if resp, _ := postForm(t, staff, ts.URL+"/dictionary", url.Values{"op": {"save"}, "words": {"乗っ取り"}}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("staff POST /dictionary: %d, want 403", resp.StatusCode)
			}

			_, dash := get(t, admin, ts.URL+"/surveys/fukui-2")
			terms := dashboardTerms(dash)
			t.Logf("before: %s %d, %s %d", synonymShown, terms[synonymShown], synonymVariant, terms[synonymVariant])
			if terms[synonymShown] == 0 || terms[synonymVariant] == 0 {
				t.Fatalf("the word list lacks %s or %s: %v", synonymShown, synonymVariant, terms)
			}

			// Preview: counted, nothing stored.
			form := url.Values{"op": {"preview"}, "synonyms": {fields.Get("synonyms") + "\n" + synonymShown + " = " + synonymVariant}}
			resp, page = postForm(t, admin, ts.URL+"/dictionary", form)
			counts := previewCounts(page)
			entry := synonymShown + " = " + synonymVariant
			if resp.StatusCode != http.StatusOK || counts[entry] == 0 || len(counts) != 1 || !strings.Contains(page, "<mark>"+synonymShown+"</mark>") {
				t.Fatalf("preview: %d, counts %v\n%s", resp.StatusCode, counts, page)
			}
			if v, src := activeVersion(t, db); v != before || src != beforeSrc {
				t.Fatal("a preview stored the dictionary")
			}
			if _, again := get(t, admin, ts.URL+"/dictionary"); !strings.Contains(again, before) || strings.Contains(again, entry) {
				t.Fatal("after a preview the page shows another dictionary")
			}

			// Bad entries: 422, what was typed kept, the entry named.
			for _, bad := range []struct{ field, text, named string }{
				{"synonyms", fields.Get("synonyms") + "\n = 社協もどき", "同義語"},
				{"synonyms", fields.Get("synonyms") + "\n" + synonymShown + " = 社協", "社協"},
				{"empty", fields.Get("empty") + "\n———", "記入なしとみなす回答"},
			} {
				form := url.Values{"op": {"save"}, bad.field: {bad.text}, "words": {"手入力の語"}}
				resp, page := postForm(t, admin, ts.URL+"/dictionary", form)
				line := strconv.Itoa(strings.Count(bad.text, "\n")+1) + "行目"
				if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `role="alert"`) ||
					!strings.Contains(page, bad.named) || !strings.Contains(page, line) ||
					!strings.Contains(page, html.EscapeString(bad.text)) || !strings.Contains(page, "手入力の語") {
					t.Errorf("%s %q: %d, or the entry (%s, %s) not named, or what was typed lost", bad.field, bad.text[strings.LastIndex(bad.text, "\n")+1:], resp.StatusCode, bad.named, line)
				}
			}
			if v, _ := activeVersion(t, db); v != before {
				t.Fatal("a refused dictionary was stored")
			}

			// Save: a new version, the stored answers reanalysed.
			form.Set("op", "save")
			if resp, body := postForm(t, admin, ts.URL+"/dictionary", form); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("save: %d\n%s", resp.StatusCode, body)
			}
			after, _ := activeVersion(t, db)
			if after == before || ts.app.texts.Version() != after {
				t.Fatalf("version %s -> %s, in use %s", before, after, ts.app.texts.Version())
			}
			waitReanalysis(t, admin, ts.URL)
			if stale, err := ts.app.texts.StaleAnswers(context.Background(), 0); err != nil || stale != 0 {
				t.Fatalf("after the reanalysis %d answers are stale (%v)", stale, err)
			}
			_, dash = get(t, admin, ts.URL+"/surveys/fukui-2")
			merged := dashboardTerms(dash)
			if _, still := merged[synonymVariant]; still || merged[synonymShown] != terms[synonymShown]+terms[synonymVariant] {
				t.Errorf("after the synonym: %s %d (want %d), %s listed %v", synonymShown, merged[synonymShown], terms[synonymShown]+terms[synonymVariant], synonymVariant, still)
			}
			// Saving the same again changes nothing.
			if resp, _ := postForm(t, admin, ts.URL+"/dictionary", form); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dictionary?same=1" {
				t.Errorf("saving an unchanged dictionary: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
		})
	}
}
