package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
)

// BenchmarkSummarize is the cost of a survey's free-text summary (terms,
// network, codes with quotes, groups) from stored terms, at growing sizes.
//
//	go test -run '^$' -bench Summarize -benchtime 3x ./internal/store/
func BenchmarkSummarize(b *testing.B) {
	lines := corpusLines(b, "chabsa-sentences.txt")
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			if n > 10000 && testing.Short() {
				b.Skip("100k answers take a minute to store")
			}
			db := dbtest.Open(b, database.SQLite)
			texts := newStore(db, testAnalyzer(b))
			answers := make([]string, n)
			for i := range answers {
				answers[i] = lines[i%len(lines)]
			}
			s := storeWithAnswers(b, db, texts, "bench", 1, answers)
			sc := scopeOf(s)
			b.ResetTimer()
			for b.Loop() {
				if _, err := texts.Summarize(context.Background(), sc, analysis.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
