package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/survey/examples"
)

// Eight staff members create the same slug at the same moment, through
// each way the editor creates a survey (新しく作る, a pasted YAML, a
// duplicate): exactly one is told it was created, every other gets the form
// back with "already used, choose another", and the survey, its title and
// its owner are the winner's. Before, most were told "created" and the last
// one's survey replaced the others' (ownership included).
func TestConcurrentCreatorsOfOneSlugInTheEditor(t *testing.T) {
	runBeside(t)
	meeting := string(examples.File("meeting-feedback.yaml"))
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		ts.apply(meeting) // the survey everyone may duplicate
		var staff []*http.Client
		for i := range 8 {
			staff = append(staff, ts.editorClient(fmt.Sprintf("staff%d@example.jp", i)))
		}
		ways := map[string]func(i int, slug string) (string, url.Values){
			"new": func(i int, slug string) (string, url.Values) {
				return "/surveys/new", url.Values{"slug": {slug}, "title": {fmt.Sprintf("作成者%dの調査", i)}}
			},
			"yaml": func(i int, slug string) (string, url.Values) {
				src := strings.Replace(meeting, "slug: network-2020-3", "slug: "+slug, 1)
				src = strings.Replace(src, "title: 共生・協働推進", fmt.Sprintf("title: 作成者%dの調査 共生・協働推進", i), 1)
				return "/surveys/new", url.Values{"yaml": {src}}
			},
			"duplicate": func(i int, slug string) (string, url.Values) {
				return "/surveys/network-2020-3/duplicate", url.Values{"new_slug": {slug}, "new_title": {fmt.Sprintf("作成者%dの調査", i)}}
			},
		}
		for way, request := range ways {
			for round := range 2 {
				slug := fmt.Sprintf("race-%s-%d", way, round)
				codes, bodies := make([]int, len(staff)), make([]string, len(staff))
				var ready, done sync.WaitGroup
				start := make(chan struct{})
				for i, c := range staff {
					ready.Add(1)
					done.Add(1)
					go func() {
						defer done.Done()
						path, form := request(i, slug)
						ready.Done()
						<-start
						resp, body := postForm(t, c, ts.URL+path, form)
						codes[i], bodies[i] = resp.StatusCode, body
					}()
				}
				ready.Wait()
				close(start)
				done.Wait()
				winner := -1
				for i, code := range codes {
					switch {
					case code == http.StatusSeeOther && winner >= 0:
						t.Errorf("%s: staff%d and staff%d were both told created", slug, winner, i)
					case code == http.StatusSeeOther:
						winner = i
					case code != http.StatusUnprocessableEntity || !strings.Contains(bodies[i], "既に使われています") || !strings.Contains(bodies[i], "別の"):
						t.Errorf("%s, staff%d: %d, want 422 saying the slug is taken", slug, i, code)
					}
				}
				if winner < 0 {
					t.Fatalf("%s: nobody created it: %v", slug, codes)
				}
				s, err := ts.app.surveys.SurveyBySlug(context.Background(), slug)
				if err != nil {
					t.Fatal(err)
				}
				if want := fmt.Sprintf("staff%d@example.jp", winner); s.Owner != want || !strings.HasPrefix(s.Title, fmt.Sprintf("作成者%dの調査", winner)) {
					t.Errorf("%s: owned by %q, titled %q; want the winner's (%s)", slug, s.Owner, s.Title, want)
				}
			}
		}
	})
}
