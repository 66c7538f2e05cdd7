package main

import (
	"context"
	"encoding/json"
	"gopkg.in/yaml.v3"
	"strings"
	"testing"

	"github.com/koe-project/koe/internal/auth"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey/examples"
)

func TestCLIAnalyzeSurveyAndSeries(t *testing.T) {
	runBeside(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			url := dbtest.URL(t, kind)
			ctx := context.Background()
			db, err := openDB(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			texts, err := openAnalysis(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := examples.Load(ctx, store.New(db, texts.Tokenizer()), auth.NewStore(db)); err != nil {
				t.Fatal(err)
			}
			db.Close()

			out, err := koe(t, "", "analyze", "--db", url, "--survey", "network-2020-3", "--json")
			if err != nil {
				t.Fatal(err)
			}
			var res analyzeResult
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			comments, respondents := demoComments(t, "network-2020-3")
			if res.Responses != respondents || res.Answers != len(comments) || res.Stale != 0 {
				t.Errorf("responses %d answers %d stale %d", res.Responses, res.Answers, res.Stale)
			}
			docs := map[string]int{}
			for _, term := range res.Terms {
				docs[term.Term] = term.Docs
			}
			// Counted independently from the demo answers: comments naming 連携.
			want := 0
			for _, raw := range comments {
				if strings.Contains(raw, "連携") {
					want++
				}
			}
			if docs["連携"] != want || want == 0 {
				t.Errorf("連携 in %d answers, want %d", docs["連携"], want)
			}
			if len(res.Cooccurrence) == 0 || len(res.Codes) == 0 || res.Codes[0].Docs == 0 {
				t.Errorf("no co-occurrence or codes: %+v", res)
			}

			out, err = koe(t, "", "analyze", "--db", url, "--series", "network-meetings", "--json")
			if err != nil {
				t.Fatal(err)
			}
			res = analyzeResult{}
			json.Unmarshal([]byte(out), &res)
			if len(res.Events) != 3 || len(res.Recurring) == 0 {
				t.Fatalf("series: events %v, recurring %d", res.Events, len(res.Recurring))
			}
			for _, r := range res.Recurring {
				if len(r.Events) < 2 {
					t.Errorf("%s recurs in %v", r.Term, r.Events)
				}
			}
			if _, err := koe(t, "", "analyze", "--db", url, "--survey", "network-2020-3", "--question", "role"); err == nil ||
				!strings.Contains(err.Error(), "comments, next_theme") {
				t.Errorf("a non-text question: %v", err)
			}
		})
	}
}

// demoComments returns the demo's comments and next_theme answers of one
// survey, and the number of its sample responses.
func demoComments(t *testing.T, slug string) ([]string, int) {
	t.Helper()
	var all map[string][]map[string]any
	if err := yaml.Unmarshal(examples.File("answers.yaml"), &all); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range all[slug] {
		for _, k := range []string{"comments", "next_theme"} {
			if s, ok := a[k].(string); ok {
				out = append(out, s)
			}
		}
	}
	return out, len(all[slug])
}
