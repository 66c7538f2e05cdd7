package store_test

import (
	"os"
	"strings"
	"testing"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
)

// BenchmarkStoreAnalysedAnswers is the end-to-end cost of taking in a large
// batch of free-text answers (as an import does): validation, the response
// and answer rows, tokenizing with both cores, and the term rows, in one
// transaction, on each database. Compare with MeCab tokenizing the same text:
//
//	go test -run '^$' -bench StoreAnalysedAnswers -benchtime 1x -count 3 ./internal/store/
//	KOE_BENCH_TEXT=/tmp/answers.txt ... writes the text for: time mecab < /tmp/answers.txt > /dev/null
func BenchmarkStoreAnalysedAnswers(b *testing.B) {
	lines := corpusLines(b, "chabsa-sentences.txt")
	var answers []string
	for len(answers) < 30000 {
		answers = append(answers, lines...)
	}
	answers = answers[:30000]
	if p := os.Getenv("KOE_BENCH_TEXT"); p != "" {
		os.WriteFile(p, []byte(strings.Join(answers, "\n")+"\n"), 0o644)
	}
	bytes := 0
	for _, a := range answers {
		bytes += len(a)
	}
	for _, kind := range dbtest.Kinds {
		for _, analyse := range []bool{true, false} {
			name := string(kind)
			if !analyse {
				// Storing alone: what the database costs without tokenizing.
				name += "/without-analysis"
			}
			b.Run(name, func(b *testing.B) {
				b.SetBytes(int64(bytes))
				for b.Loop() {
					b.StopTimer()
					db := dbtest.Open(b, kind)
					var texts *store.Store
					if analyse {
						texts = newStore(db, testAnalyzer(b))
					}
					b.StartTimer()
					storeWithAnswers(b, db, texts, "bench", 1, answers)
				}
			})
		}
	}
}
