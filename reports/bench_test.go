package reports

import (
	"fmt"
	"io"
	"testing"
)

// countingWriter counts the bytes of a report.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// bigReport is a report with many questions for the given number of
// responses: charts take aggregates, so only the answer lists of the free
// text questions grow with the responses.
func bigReport(responses int) Report {
	base := sampleReport()
	r := base
	r.Responses = responses
	r.Questions = nil
	for i := range 10 {
		for _, q := range base.Questions {
			q.Key = fmt.Sprintf("%s-%d", q.Key, i)
			q.Answered = responses
			if q.Text != nil && i < 2 {
				t := *q.Text
				t.Answers = make([]string, responses)
				for j := range t.Answers {
					t.Answers[j] = base.Questions[len(base.Questions)-1].Text.Answers[j%8]
				}
				q.Text = &t
			} else if q.Text != nil {
				t := *q.Text
				t.Answers = nil
				q.Text = &t
			}
			r.Questions = append(r.Questions, q)
		}
	}
	return r
}

func BenchmarkWriteReport(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		r := bigReport(n)
		b.Run(fmt.Sprintf("responses=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var size int64
			for b.Loop() {
				w := &countingWriter{}
				if err := WriteReport(w, r); err != nil {
					b.Fatal(err)
				}
				size = w.n
			}
			b.ReportMetric(float64(size)/1e6, "MB/report")
		})
	}
}

func BenchmarkWriteSeries(b *testing.B) {
	s := sampleSeries()
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteSeries(io.Discard, s); err != nil {
			b.Fatal(err)
		}
	}
}
