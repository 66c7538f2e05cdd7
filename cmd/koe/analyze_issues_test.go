package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/koe-project/koe/internal/contact"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/internal/testcorpus"
	"github.com/koe-project/koe/reports"
)

// fukuiSeries stores real complaints of the Fukui questionnaire (不便さの内容)
// as two events of a series through koe survey apply and koe import: per
// event perEvent answers in file order, and in the second event three
// answers that say nothing and a copy of a long answer of the first. It
// returns the number of answers stored per event.
func fukuiSeries(t *testing.T, db string, perEvent int) [2]int {
	t.Helper()
	texts := testcorpus.CSVColumn(t, "fukui-kanko/fukui-kanko-2022-2024.csv", "不便さの内容")
	if len(texts) < 2*perEvent {
		t.Fatalf("%d answers in the corpus", len(texts))
	}
	copied := ""
	for _, x := range texts[:perEvent] {
		if utf8.RuneCountInString(x) >= 40 {
			copied = x
			break
		}
	}
	events := [2][]string{texts[:perEvent], append(slices.Clone(texts[perEvent:2*perEvent]), "特になし", "なし", "特にありません", copied)}
	var stored [2]int
	for i, answers := range events {
		slug := fmt.Sprintf("fukui-%d", i+1)
		def := fmt.Sprintf(`slug: %s
title: 福井 観光アンケート 第%d回
event:
  series: fukui-test
  series_title: 福井 観光アンケート
  title: 第%d回
  date: 2024-0%d-01
questions:
  - key: inconvenience
    type: textarea
    label: 不便さの内容
    analyze: true
`, slug, i+1, i+1, i+1)
		if out, err := koe(t, "", "survey", "apply", "--db", db, "-f", writeFile(t, slug+".yaml", []byte(def))); err != nil {
			t.Fatalf("apply: %q %v", out, err)
		}
		path := filepath.Join(t.TempDir(), slug+".csv")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w := csv.NewWriter(f)
		w.Write([]string{"No.", "不便さの内容"})
		for j, a := range answers {
			w.Write([]string{fmt.Sprint(j + 1), a})
		}
		w.Flush()
		if err := f.Close(); err != nil || w.Error() != nil {
			t.Fatal(err, w.Error())
		}
		if out, err := koe(t, "", "import", "--db", db, "--survey", slug, "--format", "table", path); err != nil {
			t.Fatalf("import: %q %v", out, err)
		}
		stored[i] = len(answers)
	}
	return stored
}

// analyzeJSON runs koe analyze --json and decodes its output twice: into the
// result and into plain maps, to check the field names DESIGN.md gives.
func analyzeJSON(t *testing.T, args ...string) (analyzeResult, map[string]any) {
	t.Helper()
	out, err := koe(t, "", append([]string{"analyze", "--json"}, args...)...)
	if err != nil {
		t.Fatalf("analyze %v: %v\n%s", args, err, out)
	}
	var res analyzeResult
	var raw map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	return res, raw
}

// checkIssueShape checks the issue fields of koe analyze --json against
// DESIGN.md: names, types, and events and trend only across a series.
func checkIssueShape(t *testing.T, raw map[string]any, series bool) {
	t.Helper()
	for _, k := range []string{"issues", "unassigned", "duplicates", "empty"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("no %q in koe analyze --json", k)
		}
	}
	d, _ := raw["duplicates"].(map[string]any)
	for _, k := range []string{"exact", "near", "groups"} {
		if _, ok := d[k].(float64); !ok {
			t.Errorf("duplicates.%s missing: %v", k, raw["duplicates"])
		}
	}
	issues, _ := raw["issues"].([]any)
	if len(issues) == 0 {
		t.Fatalf("no issues: %v", raw["issues"])
	}
	for _, x := range issues {
		is := x.(map[string]any)
		want := []string{"answers", "id", "label", "quotes", "share", "terms"}
		if series {
			want = append(want, "events", "trend")
		}
		var keys []string
		for k := range is {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		slices.Sort(want)
		if !reflect.DeepEqual(keys, want) {
			t.Fatalf("issue fields %v, want %v", keys, want)
		}
		if series {
			for ev, c := range is["events"].(map[string]any) {
				cm := c.(map[string]any)
				if _, ok := cm["answers"].(float64); !ok {
					t.Errorf("events[%s] = %v", ev, c)
				}
				if _, ok := cm["share"].(float64); !ok {
					t.Errorf("events[%s] = %v", ev, c)
				}
			}
		}
	}
}

// checkIssueCounts checks what every grouping keeps: each group holds an
// answer at most once, groups and 未分類 cover every grouped answer, and
// each quote highlights one of its group's label terms.
func checkIssueCounts(t *testing.T, set reports.IssueSet) {
	t.Helper()
	is := set.Issues
	covered := map[int64]bool{}
	for _, g := range is.Groups {
		seen := map[int64]bool{}
		for _, id := range g.Answers {
			if seen[id] {
				t.Errorf("group %s holds answer %d twice", g.Label, id)
			}
			seen[id], covered[id] = true, true
		}
		label := strings.Split(g.Label, "・")
		for _, q := range g.Quotes {
			labelled := false
			for _, h := range q.Highlights {
				for _, l := range label {
					labelled = labelled || strings.Contains(h.Term, l) // or a longer term holding it
				}
			}
			if !labelled {
				t.Errorf("quote %q of group %s highlights none of its label's terms", q.Text, g.Label)
			}
		}
	}
	for _, id := range is.Unassigned {
		covered[id] = true
	}
	if len(covered) != is.Analysed {
		t.Errorf("groups and 未分類 cover %d answers, %d grouped", len(covered), is.Analysed)
	}
}

// koe analyze --json on real answers, on both databases: the issue groups
// in DESIGN.md's shape, counts that add up, quotes holding a label term,
// the same groups on a second run, and one grouping across a series with
// its counts per event.
func TestCLIAnalyzeIssueGroupsOnRealAnswers(t *testing.T) {
	runBeside(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			url := dbtest.URL(t, kind)
			stored := fukuiSeries(t, url, 150)

			res, raw := analyzeJSON(t, "--db", url, "--survey", "fukui-2")
			checkIssueShape(t, raw, false)
			d := res.Duplicates
			if res.IssueQuestion != "inconvenience" || res.Empty < 3 || d.Exact < 1 || d.Groups < 1 {
				t.Errorf("question %q, empty %d, duplicates %+v: want the three empty answers and the copy", res.IssueQuestion, res.Empty, d)
			}
			if res.Grouped+res.Empty+d.Exact+d.Near != stored[1] {
				t.Errorf("%d grouped + %d empty + %d copies, %d stored", res.Grouped, res.Empty, d.Exact+d.Near, stored[1])
			}
			sum := 0
			for _, is := range res.Issues {
				sum += is.Answers
				if is.Share != float64(is.Answers)/float64(res.Grouped) || len(is.Terms) < 1 || len(is.Quotes) == 0 || is.Label == "" {
					t.Errorf("issue %+v", is)
				}
			}
			if sum+res.Unassigned < res.Grouped || res.Unassigned > res.Grouped/2 {
				t.Errorf("groups hold %d answers, 未分類 %d, %d grouped", sum, res.Unassigned, res.Grouped)
			}

			// The same answers read directly: the same groups, each answer
			// at most once per group, quotes marking a label term.
			ctx := context.Background()
			db, err := openDB(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			texts, err := openAnalysis(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			s, err := store.New(db, nil).SurveyBySlug(ctx, "fukui-2")
			if err != nil {
				t.Fatal(err)
			}
			set, err := reports.ComputeIssues(ctx, texts, store.Scope{Questions: []store.ScopeQuestion{{ID: s.QuestionID("inconvenience")}}}, -1)
			db.Close()
			if err != nil {
				t.Fatal(err)
			}
			checkIssueCounts(t, set)
			if len(set.Issues.Groups) != len(res.Issues) {
				t.Fatalf("%d groups read directly, %d in koe analyze", len(set.Issues.Groups), len(res.Issues))
			}
			for i, g := range set.Issues.Groups {
				var quotes []string
				for _, q := range g.Quotes {
					quotes = append(quotes, contact.Mask(q.Text))
				}
				if j := res.Issues[i]; j.ID != g.ID || j.Label != g.Label || j.Answers != g.Size || !reflect.DeepEqual(j.Quotes, quotes) {
					t.Errorf("group %d: %+v in koe analyze, %s %s %d %v read directly", i, j, g.ID, g.Label, g.Size, quotes)
				}
			}

			// A series: one grouping over both events, counts per event.
			series, raw := analyzeJSON(t, "--db", url, "--series", "fukui-test")
			checkIssueShape(t, raw, true)
			if len(series.Events) != 2 || series.Grouped+series.Empty+series.Duplicates.Exact+series.Duplicates.Near != stored[0]+stored[1] {
				t.Fatalf("series: events %v, %d grouped, %d empty, %+v copies", series.Events, series.Grouped, series.Empty, series.Duplicates)
			}
			for _, is := range series.Issues {
				n := 0
				for _, ev := range series.Events {
					n += is.Events[ev].Answers
				}
				if n != is.Answers || len(is.Events) != 2 {
					t.Errorf("%s: %v per event, %d in all", is.Label, is.Events, is.Answers)
				}
				if !slices.Contains([]string{"new", "persisting", "fading", "once"}, is.Trend) {
					t.Errorf("%s: trend %q", is.Label, is.Trend)
				}
			}
			again, _ := analyzeJSON(t, "--db", url, "--series", "fukui-test")
			if !reflect.DeepEqual(again.Issues, series.Issues) {
				t.Errorf("a second run gave other groups")
			}

			out, err := koe(t, "", "analyze", "--db", url, "--series", "fukui-test")
			if err != nil || !strings.Contains(out, "主な論点") || !strings.Contains(out, series.Issues[0].Label) || !strings.Contains(out, "未分類") {
				t.Errorf("table output: %v\n%s", err, out)
			}
			t.Logf("%s: survey of %d answers: %d groups, 未分類 %d of %d; series: %d groups, 未分類 %d of %d",
				kind, stored[1], len(res.Issues), res.Unassigned, res.Grouped, len(series.Issues), series.Unassigned, series.Grouped)
		})
	}
}
