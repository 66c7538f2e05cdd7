package reports

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/auth"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
	"github.com/koe-project/koe/survey/examples"
)

var (
	analyzerOnce sync.Once
	analyzer     *analysis.Analyzer
	analyzerErr  error
)

// demoStores loads the demo data into db with text analysis.
func demoStores(t testing.TB, db *bun.DB) (*store.Store, *store.Store) {
	t.Helper()
	analyzerOnce.Do(func() { analyzer, analyzerErr = analysis.New(analysis.DefaultDictionary()) })
	if analyzerErr != nil {
		t.Fatal(analyzerErr)
	}
	texts := store.New(db, analysis.NewTokenizer(analyzer))
	st := store.New(db, texts.Tokenizer())
	if _, err := examples.Load(context.Background(), st, auth.NewStore(db)); err != nil {
		t.Fatal(err)
	}
	return st, texts
}

var demoSurveys = []string{"network-2020-1", "network-2020-2", "network-2020-3", "community-building-2023", "seminar-2023-02-registration"}

// Every demo survey's report has one block per non-personal question, in
// order, with the counts one makes from the stored responses, and no
// personal value anywhere in the file.
func TestBuildReportFromDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		st, texts := demoStores(t, db)
		tested := 0
		for _, slug := range demoSurveys {
			s, r, page := buildAndWrite(t, st, texts, slug)
			checkReport(t, st, s, r, page)
			tested += checkCrossTests(t, slug, r, page)
		}
		if tested == 0 {
			t.Error("no demo report has a tested table of issue categories by attribute")
		}
	})
}

// buildAndWrite builds a stored survey's report and renders it.
func buildAndWrite(t *testing.T, st *store.Store, texts *store.Store, slug string) (*survey.Survey, Report, string) {
	t.Helper()
	ctx := context.Background()
	s, err := st.SurveyBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	r, err := BuildReport(ctx, st, texts, s)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteReport(&buf, r); err != nil {
		t.Fatal(err)
	}
	return s, r, buf.String()
}

func checkReport(t *testing.T, st *store.Store, s *survey.Survey, r Report, page string) {
	t.Helper()
	ctx := context.Background()
	all, err := st.ResponsesOf(ctx, s, true)
	if err != nil {
		t.Fatal(err)
	}
	public, err := st.ResponsesOf(ctx, s, false)
	if err != nil {
		t.Fatal(err)
	}
	if r.Responses != len(all) {
		t.Errorf("%s: %d responses, want %d", s.Slug, r.Responses, len(all))
	}
	d := s.Definition()
	var want []string
	for i := range d.Questions {
		q := &d.Questions[i]
		if q.Personal {
			for _, resp := range all {
				if v, ok := resp.Answers[q.Key].(string); ok && v != "" {
					if strings.Contains(page, v) || strings.Contains(page, html.EscapeString(v)) || strings.Contains(page, jsonEscaped(v)) {
						t.Errorf("%s: personal %s value %q appears in the report", s.Slug, q.Key, v)
					}
				}
			}
			continue
		}
		if q.Answerable() {
			want = append(want, q.Key)
		}
	}
	var got []string
	for _, q := range r.Questions {
		got = append(got, q.Key)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("%s: blocks %v, want %v", s.Slug, got, want)
	}
	if n := strings.Count(page, `<section class="question`); n != len(want) {
		t.Errorf("%s: %d question sections in the HTML, want %d", s.Slug, n, len(want))
	}
	for _, rq := range r.Questions {
		q := d.Question(rq.Key)
		answered := 0
		counts := map[string]int{} // label (or row\x00column) -> count
		var nums []float64
		for _, resp := range public {
			v, ok := resp.Answers[q.Key]
			if !ok {
				continue
			}
			answered++
			switch v := v.(type) {
			case string:
				if q.Other && !q.IsOption(v) {
					v = survey.OtherLabel
				}
				counts[v]++
			case []string:
				for _, x := range v {
					if q.Other && !q.IsOption(x) {
						x = survey.OtherLabel
					}
					counts[x]++
				}
			case float64:
				counts[strconv.FormatFloat(v, 'f', -1, 64)]++
				nums = append(nums, v)
			case map[string]string:
				for row, col := range v {
					counts[row+"\x00"+col]++
				}
			}
		}
		if rq.Answered != answered {
			t.Errorf("%s/%s: answered %d, want %d", s.Slug, q.Key, rq.Answered, answered)
		}
		gotCounts := map[string]int{}
		switch {
		case rq.Choices != nil && q.Type != survey.Consent:
			for _, o := range rq.Choices.Options {
				if o.Count > 0 {
					gotCounts[o.Label] = o.Count
				}
			}
		case rq.Scale != nil:
			for i, c := range rq.Scale.Counts {
				if c > 0 {
					gotCounts[strconv.Itoa(rq.Scale.Min+i)] = c
				}
			}
			mean := 0.0
			for _, x := range nums {
				mean += x
			}
			if len(nums) > 0 && math.Abs(rq.Scale.Mean-mean/float64(len(nums))) > 1e-9 {
				t.Errorf("%s/%s: mean %v, want %v", s.Slug, q.Key, rq.Scale.Mean, mean/float64(len(nums)))
			}
		case rq.NPS != nil:
			for i, c := range rq.NPS.Counts {
				if c > 0 {
					gotCounts[strconv.Itoa(i)] = c
				}
			}
		case rq.Matrix != nil:
			for i, row := range rq.Matrix.Rows {
				for j, col := range rq.Matrix.Columns {
					if c := rq.Matrix.Counts[i][j]; c > 0 {
						gotCounts[row+"\x00"+col] = c
					}
				}
			}
		case rq.Text != nil:
			if len(rq.Text.Answers) != answered {
				t.Errorf("%s/%s: %d answers listed, want %d", s.Slug, q.Key, len(rq.Text.Answers), answered)
			}
			if q.Analyze && answered > 0 && len(rq.Text.Terms) == 0 {
				t.Errorf("%s/%s: analysed text without terms", s.Slug, q.Key)
			}
			continue
		default:
			continue
		}
		if fmt.Sprint(gotCounts) != fmt.Sprint(counts) {
			t.Errorf("%s/%s: counts %v, want %v", s.Slug, q.Key, gotCounts, counts)
		}
	}
}

// checkCrossTests checks that every table of issue categories by attribute
// carries analysis' χ² test, one residual per cell, and that the page says
// what the test found; it returns how many such tables there are.
func checkCrossTests(t *testing.T, slug string, r Report, page string) int {
	t.Helper()
	n := 0
	for _, q := range r.Questions {
		for _, ct := range q.CrossTabs {
			if !ct.Codes {
				if ct.Test != nil {
					t.Errorf("%s/%s: attribute cross table by %s has a test it was not given", slug, q.Key, ct.Attribute)
				}
				continue
			}
			n++
			if ct.Test == nil {
				t.Errorf("%s/%s: issue categories by %s without their χ² test", slug, q.Key, ct.Attribute)
				continue
			}
			if len(ct.Test.Residuals) != len(ct.Groups) {
				t.Errorf("%s/%s: %d rows of residuals for %d groups", slug, q.Key, len(ct.Test.Residuals), len(ct.Groups))
			}
			for g, row := range ct.Test.Residuals {
				if len(row) != len(ct.Columns) {
					t.Errorf("%s/%s: group %d has %d residuals for %d categories", slug, q.Key, g, len(row), len(ct.Columns))
				}
			}
			if want := fmt.Sprintf("自由度 %d", ct.Test.DF); !strings.Contains(page, want) {
				t.Errorf("%s/%s: the page does not say %q", slug, q.Key, want)
			}
		}
	}
	return n
}

// jsonEscaped is how a string looks inside the JSON of a chart option.
func jsonEscaped(s string) string {
	b := strconv.Quote(s)
	return b[1 : len(b)-1]
}

// The practice survey names municipalities and an e-mail address only in
// personal fields, the registration form names people and their e-mail
// addresses: none of them reaches a report.
func TestReportLeavesOutPersonalFields(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		st, texts := demoStores(t, db)
		personal := map[string][]string{
			"community-building-2023":      {"北山市", "南川町", "中央市", "緑ヶ丘町", "tanaka@city.kitayama.example.jp", "kitayama"},
			"seminar-2023-02-registration": {"佐藤 花子", "鈴木 一郎", "hanako@example.jp", "misaki@example.org", "yoko@example.jp"},
		}
		for slug, values := range personal {
			_, _, page := buildAndWrite(t, st, texts, slug)
			for _, v := range values {
				if strings.Contains(page, v) {
					t.Errorf("%s: %q in the report", slug, v)
				}
			}
		}
	})
}

// The series report has the three demo meetings in order with their
// responses, response rate, satisfaction and NPS, and recurring issues
// with a count per meeting.
func TestBuildSeriesFromDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st, texts := demoStores(t, db)
		se, err := BuildSeries(ctx, st, texts, "network-meetings")
		if err != nil {
			t.Fatal(err)
		}
		if len(se.Events) != 3 {
			t.Fatalf("%d events, want 3", len(se.Events))
		}
		for i, e := range se.Events {
			slug := fmt.Sprintf("network-2020-%d", i+1)
			s, err := st.SurveyBySlug(ctx, slug)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := st.ResponsesOf(ctx, s, false)
			if err != nil {
				t.Fatal(err)
			}
			var sat, n float64
			var p, dt, all int
			for _, r := range resp {
				if v, ok := r.Answers["satisfaction"].(float64); ok {
					sat += v
					n++
				}
				if v, ok := r.Answers["recommend"].(float64); ok {
					all++
					if v >= 9 {
						p++
					} else if v <= 6 {
						dt++
					}
				}
			}
			if e.Slug != slug || e.Responses != len(resp) || e.Attendees != s.Attendees {
				t.Errorf("event %d: %+v, want %s with %d responses of %d attendees", i, e, slug, len(resp), s.Attendees)
			}
			if !e.HasSatisfaction || math.Abs(e.Satisfaction-sat/n) > 1e-9 {
				t.Errorf("event %d: satisfaction %v, want %v", i, e.Satisfaction, sat/n)
			}
			if nps := float64(p-dt) * 100 / float64(all); !e.HasNPS || math.Abs(e.NPS-nps) > 1e-9 {
				t.Errorf("event %d: NPS %v, want %v", i, e.NPS, nps)
			}
		}
		if len(se.Issues) == 0 {
			t.Fatal("no recurring issues")
		}
		for _, is := range se.Issues {
			if len(is.Counts) != 3 || (is.Status != IssueNew && is.Status != IssuePersisting && is.Status != IssueFading) {
				t.Errorf("issue %+v", is)
			}
			present := 0
			for _, c := range is.Counts {
				if c > 0 {
					present++
				}
			}
			if present < 2 {
				t.Errorf("issue %q recurs in %d events", is.Term, present)
			}
		}
		var buf bytes.Buffer
		if err := WriteSeries(&buf, se); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), se.Issues[0].Term) {
			t.Errorf("series report lacks issue %q", se.Issues[0].Term)
		}
	})
}
