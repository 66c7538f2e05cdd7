package main

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/koe-project/koe/internal/contact"
	"github.com/koe-project/koe/internal/dbtest"
)

// The contacts respondents type in this test, and the parts of them a line
// cut in the middle of one would leave (the digits and names are chosen so
// that nothing else koe shows contains them).
var typedContacts = []string{
	"090-8642-9753", "8642", "9753", "０９０－８６４２－９７５３", "８６４２", "９７５３",
	"taro@example.jp", "taro@", "example.jp",
}

func contactSurvey(slug, date string) string {
	return `slug: ` + slug + `
title: 連絡先の扱いの確認 ` + date + `
event: {series: contact-series, series_title: 連絡先の確認シリーズ, title: "` + date + ` の会", date: ` + date + `}
code_books: [community]
questions:
  - key: role
    type: single
    label: ご所属
    attribute: true
    options: [市町村, 社協]
    other: true
  - key: comments
    type: textarea
    label: ご意見
    analyze: true
`
}

// lastRunes and firstRunes trim filler text to an exact length in runes.
func lastRunes(s string, n int) string  { r := []rune(s); return string(r[len(r)-n:]) }
func firstRunes(s string, n int) string { r := []rune(s); return string(r[:n]) }

// contactComments are free-text answers with contacts: whole, in full-width
// digits, and placed so that a 30-character context around 連携 (the width
// of the drill-down's lines) would cut a contact in two.
func contactComments() []string {
	const before = "番号はいつでもどうぞ。平日の日中でしたらどなたかがお電話に出ますので、お気軽にお問い合わせください。地域の"
	const after = "が大切です。お問い合わせはこちらまで、いつでもどうぞ。平日の日中でしたらどなたかが出ます。連絡先は"
	phone, mail := "090-8642-9753", "taro@example.jp"
	return []string{
		"行政と社協の連携が課題です。連絡は " + mail + " までお願いします。",
		"担い手不足で連携が難しい。電話は０９０－８６４２－９７５３にどうぞ。",
		"連携の仕組みづくりが課題。" + phone + " に電話をください。",
		phone + lastRunes(before, 30-6) + "連携を進めたい。",             // the left context would keep "2-9753"
		mail + lastRunes(before, 30-11) + "連携を進めたい。",             // … "@example.jp"
		"連携" + firstRunes(after, 30-6) + phone + "です。",           // the right context would keep "090-86"
		"連携" + firstRunes(after, 30-6) + mail + "です。",            // … "taro@e"
		"連携の課題として担い手の確保があります。連絡先 " + phone + "、" + mail + " まで。", // a quote cut at 60 characters
		"連携のご相談は taro@ example.jp まで。",                           // once made the terms taro@ and example.jp
	}
}

// decodedForms returns out as written and with HTML entities and URL
// escapes undone, so a contact cannot hide as taro%40example.jp.
func decodedForms(out string) []string {
	percent := regexp.MustCompile(`(%[0-9A-Fa-f]{2})+`)
	unescaped := percent.ReplaceAllStringFunc(out, func(m string) string {
		s, err := url.PathUnescape(m)
		if err != nil {
			return m
		}
		return s
	})
	return []string{out, html.UnescapeString(out), unescaped, html.UnescapeString(unescaped)}
}

// checkMasked fails when out holds a typed contact or a piece of one, and,
// with placeholders set, when it lacks the masks that stand in for them.
func checkMasked(t *testing.T, out string, placeholders bool) {
	t.Helper()
	for _, form := range decodedForms(out) {
		for _, c := range typedContacts {
			if i := strings.Index(form, c); i >= 0 {
				t.Errorf("shows %q: …%s…", c, strings.ToValidUTF8(form[max(i-150, 0):min(i+300, len(form))], ""))
				return
			}
		}
	}
	if placeholders && (!strings.Contains(out, contact.MaskedPhone) || !strings.Contains(out, contact.MaskedEmail)) {
		t.Errorf("lacks the masks %s and %s", contact.MaskedPhone, contact.MaskedEmail)
	}
}

// Contacts typed into その他 of an attribute question and into free text
// (half- and full-width) appear in no output staff get, except the responses
// table and its CSV/JSON export, which show the answers as given by design.
func TestContactsMaskedInEveryOutput(t *testing.T) {
	runBeside(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			dbURL := dbtest.URL(t, kind)
			ts, _ := serverAt(t, dbURL)
			ts.apply(contactSurvey("contact-1", "2025-01-10"))
			ts.apply(contactSurvey("contact-2", "2025-02-10"))
			roles := []string{"090-8642-9753", "taro@example.jp", "０９０－８６４２－９７５３", "市町村", "社協"}
			for i, c := range contactComments() {
				for _, slug := range []string{"contact-1", "contact-2"} {
					b, _ := json.Marshal(map[string]any{"answers": map[string]any{"role": roles[i%len(roles)], "comments": c}})
					if code, out := ts.postJSON("/api/v1/surveys/"+slug+"/responses", "", string(b)); code != http.StatusCreated {
						t.Fatalf("%s: %d %v", slug, code, out)
					}
				}
			}
			staff := ts.editorClient("staff@koe.test")
			term, code, other := url.QueryEscape("連携"), url.QueryEscape("連携・協働"), url.QueryEscape("その他")
			for _, c := range []struct {
				name, path   string
				placeholders bool
			}{
				// Cross-tab group labels, chart series names and options,
				// per-group words, code quotes, その他 list, answers.
				{"dashboard", "/surveys/contact-1", true},
				{"report download", "/surveys/contact-1/report.html", true},
				{"drill-down KWIC lines", "/surveys/contact-1/answers?question=comments&term=" + term, true},
				{"drill-down of a code", "/surveys/contact-1/answers?question=comments&code=" + code, true},
				{"drill-down of a cross-tab cell", "/surveys/contact-1/answers?question=comments&code=" + code + "&group=" + other, true},
				{"drill-down fragment", "/surveys/contact-1/answers?question=comments&term=" + term + "&fragment=1", true},
				// Recurring issues, trends, their links.
				{"series dashboard", "/series/contact-series", false},
				{"series report download", "/series/contact-series/report.html", false},
				{"series drill-down KWIC lines", "/series/contact-series/answers?term=" + term, true},
			} {
				t.Run(c.name, func(t *testing.T) {
					resp, body := get(t, staff, ts.URL+c.path)
					if resp.StatusCode != http.StatusOK {
						t.Fatalf("GET %s: %d", c.path, resp.StatusCode)
					}
					checkMasked(t, body, c.placeholders)
				})
			}
			// The cross-tab of issue categories has a row for その他, not one per contact.
			if _, body := get(t, staff, ts.URL+"/surveys/contact-1"); !strings.Contains(body, "<th scope=\"row\">その他</th>") {
				t.Errorf("the cross-tab lacks its その他 row")
			}

			dir := t.TempDir()
			for _, c := range []struct {
				name         string
				args         []string
				placeholders bool
			}{
				{"analyze survey", []string{"analyze", "--survey", "contact-1"}, true},
				{"analyze survey json", []string{"analyze", "--survey", "contact-1", "--json"}, true},
				{"analyze survey group", []string{"analyze", "--survey", "contact-1", "--group", "その他", "--json"}, true},
				{"analyze series", []string{"analyze", "--series", "contact-series"}, true},
				{"analyze series json", []string{"analyze", "--series", "contact-series", "--json"}, true},
				{"report survey", []string{"report", "--survey", "contact-1", "-o", filepath.Join(dir, "s.html")}, true},
				{"report series", []string{"report", "--series", "contact-series", "-o", filepath.Join(dir, "series.html")}, false},
			} {
				t.Run(c.name, func(t *testing.T) {
					out, err := koe(t, "", append(c.args[:1:1], append([]string{"--db", dbURL}, c.args[1:]...)...)...)
					if err != nil {
						t.Fatal(err)
					}
					if c.args[0] == "report" {
						b, err := os.ReadFile(c.args[len(c.args)-1])
						if err != nil {
							t.Fatal(err)
						}
						out = string(b)
					}
					checkMasked(t, out, c.placeholders)
				})
			}

			// Staff see the answers as given where they manage them.
			for _, p := range []string{"/surveys/contact-1/responses", "/surveys/contact-1/responses.csv"} {
				if _, body := get(t, staff, ts.URL+p); !strings.Contains(body, "090-8642-9753") || !strings.Contains(body, "taro@example.jp") {
					t.Errorf("%s does not show the answers as given", p)
				}
			}
			if out, err := koe(t, "", "export", "--db", dbURL, "--survey", "contact-1", "--format", "json"); err != nil || !strings.Contains(out, "taro@example.jp") {
				t.Errorf("export: %v, %.200s", err, out)
			}
		})
	}
}
