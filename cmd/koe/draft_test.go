package main

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/survey/examples"
)

// Every way staff create a survey in the browser starts it as a draft: a
// pasted YAML without opens_at or closes_at is 準備中 on its public link (not
// 終了) and takes no answer until 公開する, as one made with 新しく作る.
func TestPastedYAMLStartsAsADraft(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ts := newTestServer(t, dbtest.Open(t, kind))
			c := ts.editorClient("editor@example.jp")
			src := strings.Replace(string(examples.File("meeting-feedback.yaml")), "slug: network-2020-3", "slug: pasted", 1)
			if resp, body := postForm(t, c, ts.URL+"/surveys/new", url.Values{"yaml": {src}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("create: %d\n%s", resp.StatusCode, body)
			}
			resp, body := get(t, formClient(), ts.URL+"/s/pasted")
			if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "準備中") || strings.Contains(body, "終了") {
				t.Fatalf("the pasted survey's link: %d\n%s", resp.StatusCode, body)
			}
			if resp, _ := postForm(t, c, ts.URL+"/surveys/pasted/state", url.Values{"op": {"publish"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("publish: %d", resp.StatusCode)
			}
			if resp, _ := get(t, formClient(), ts.URL+"/s/pasted"); resp.StatusCode != http.StatusOK {
				t.Errorf("after 公開する the link answers %d", resp.StatusCode)
			}
			// A YAML that sets its own dates keeps them.
			dated := strings.Replace(src, "slug: pasted", "slug: dated\nopens_at: 2030-01-01T09:00:00+09:00", 1)
			if resp, body := postForm(t, c, ts.URL+"/surveys/new", url.Values{"yaml": {dated}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("create dated: %d\n%s", resp.StatusCode, body)
			}
			if _, body := get(t, formClient(), ts.URL+"/s/dated"); !strings.Contains(body, "2030") {
				t.Errorf("a survey opening in 2030 does not say when:\n%s", body)
			}
		})
	}
}

// A survey made with 新しく作る needs only its title: the URL name is made
// from the day and a number unless staff give one under 詳細設定.
func TestNewSurveyNeedsOnlyATitle(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ts := newTestServer(t, dbtest.Open(t, kind))
			c := ts.editorClient("editor@example.jp")
			day := time.Now().In(time.FixedZone("JST", 9*3600)).Format("20060102")
			for n := 1; n <= 2; n++ {
				resp, body := postForm(t, c, ts.URL+"/surveys/new", url.Values{"title": {"第5回 ふりかえり"}, "slug": {""}})
				want := "/surveys/s-" + day + "-" + strconv.Itoa(n) + "/edit"
				if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
					t.Fatalf("create %d: %d %q, want %q\n%s", n, resp.StatusCode, resp.Header.Get("Location"), want, body)
				}
			}
			if resp, body := postForm(t, c, ts.URL+"/surveys/new", url.Values{"title": {""}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "title-error") {
				t.Errorf("no title: %d", resp.StatusCode)
			}
		})
	}
}

// Duplicating the third meeting for the fourth asks for the new meeting's
// name and date, and the copy's editor points at what still says 第3回.
func TestDuplicateForTheNextMeetingShowsStaleTexts(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ts := newTestServer(t, dbtest.Open(t, kind))
			ts.apply(string(examples.File("meeting-feedback.yaml")))
			c := ts.editorClient("editor@example.jp")
			resp, body := postForm(t, c, ts.URL+"/surveys/network-2020-3/duplicate", url.Values{
				"new_event_title": {"第4回「担い手をどう育てるか」"}, "new_event_date": {"2021-02-18"}})
			loc := resp.Header.Get("Location")
			if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(loc, "/edit?from=network-2020-3") {
				t.Fatalf("duplicate: %d %q\n%s", resp.StatusCode, loc, body)
			}
			_, page := get(t, c, ts.URL+loc)
			for _, want := range []string{"から複製しました", "タイトル: 「共生・協働推進 自治体ネットワーク 第3回会議", "説明: 「第3回会議にご参加いただき", "<mark>第3回</mark>"} {
				if !strings.Contains(page, want) {
					t.Errorf("the copy's editor lacks %q", want)
				}
			}
			slug := strings.TrimSuffix(strings.TrimPrefix(loc, "/surveys/"), "/edit?from=network-2020-3")
			_, src := get(t, c, ts.URL+"/surveys/"+slug+"/survey.yaml")
			if !strings.Contains(src, "第4回「担い手をどう育てるか」") || !strings.Contains(src, "2021-02-18") {
				t.Errorf("the copy's event:\n%s", src)
			}
			if resp, _ := postForm(t, c, ts.URL+"/surveys/network-2020-3/duplicate", url.Values{"new_event_date": {"2021/02/18"}}); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("a date in another form: %d", resp.StatusCode)
			}
		})
	}
}
