package reports

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/internal/testcorpus"
	"github.com/koe-project/koe/survey"
)

// BenchmarkBuildReportRealText builds the report (= the dashboard's blocks
// before rendering) of a survey of 1k and 10k real answers to 福井県に求める
// もの on SQLite, and, apart, the issue grouping it includes. It reports the
// groups, the share of 未分類 and the peak heap.
//
//	go test -run '^$' -bench BuildReportRealText -benchtime 3x ./reports/
func BenchmarkBuildReportRealText(b *testing.B) {
	a, err := analysis.New(analysis.DefaultDictionary())
	if err != nil {
		b.Fatal(err)
	}
	answers := testcorpus.CSVColumn(b, "fukui-kanko/fukui-kanko-2022-2024.csv", "福井県に求めるもの")
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			if n > len(answers) {
				b.Skipf("%d answers in the corpus", len(answers))
			}
			ctx := context.Background()
			db := dbtest.Open(b, database.SQLite)
			texts := store.New(db, analysis.NewTokenizer(a))
			st := store.New(db, texts.Tokenizer())
			src := "slug: fukui-bench\ntitle: 福井 観光アンケート\nquestions:\n  - {key: requests, type: textarea, label: 福井県に求めるもの, analyze: true}\n"
			d, err := survey.ParseDefinition("fukui.yaml", []byte(src))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := st.Apply(ctx, d, src); err != nil {
				b.Fatal(err)
			}
			s, err := st.SurveyBySlug(ctx, d.Slug)
			if err != nil {
				b.Fatal(err)
			}
			for done := 0; done < n; done += 2000 {
				var pend []survey.Pending
				for i := done; i < min(done+2000, n); i++ {
					ans, errs := survey.Validate(d, map[string]any{"requests": answers[i]})
					if errs != nil {
						b.Fatal(errs)
					}
					pend = append(pend, survey.Pending{Answers: ans, Sub: survey.Submission{Source: "bench", At: time.Unix(1700000000+int64(i), 0)}})
				}
				if _, _, err := st.SubmitAll(ctx, s, pend); err != nil {
					b.Fatal(err)
				}
			}
			sc := store.Scope{Questions: []store.ScopeQuestion{{ID: s.QuestionID("requests")}}}
			b.Run("report", func(b *testing.B) {
				runtime.GC()
				heap := watchHeap()
				var groups, unassigned, analysed int
				for b.Loop() {
					r, err := BuildReport(ctx, st, texts, s)
					if err != nil {
						b.Fatal(err)
					}
					var w countingWriter
					if err := WriteReport(&w, r); err != nil {
						b.Fatal(err)
					}
					is := r.Questions[0].Text.Issues
					groups, unassigned, analysed = len(is.Groups), len(is.Unassigned), is.Analysed
				}
				b.ReportMetric(float64(groups), "groups")
				b.ReportMetric(100*float64(unassigned)/float64(analysed), "unassigned-%")
				b.ReportMetric(float64(heap.end())/(1<<20), "peak-heap-MB")
			})
			b.Run("grouping", func(b *testing.B) {
				for b.Loop() {
					if _, err := ComputeIssues(ctx, texts, sc, 0); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
