package analysis

import (
	"runtime"
	"testing"
	"time"

	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer"
)

// benchLines is the text the benchmarks share: the first 1500 lines of each
// corpus (aozora paragraphs and chABSA sentences).
func benchLines(b *testing.B) ([]string, int64) {
	b.Helper()
	var lines []string
	for _, name := range []string{"aozora-paragraphs.txt", "chabsa-sentences.txt"} {
		l := corpusLines(b, name)
		if len(l) > 1500 {
			l = l[:1500]
		}
		lines = append(lines, l...)
	}
	var n int64
	for _, l := range lines {
		n += int64(len(l))
	}
	return lines, n
}

// BenchmarkKagomeBare is the reference: kagome (IPA) tokenizing the same
// lines, nothing else.
func BenchmarkKagomeBare(b *testing.B) {
	lines, n := benchLines(b)
	t, err := tokenizer.New(ipa.Dict(), tokenizer.OmitBosEos())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(n)
	b.ResetTimer()
	for b.Loop() {
		for _, l := range lines {
			_ = t.Tokenize(l)
		}
	}
}

// BenchmarkTerms is the whole term pipeline on one goroutine: NFKC, sentence
// split, tokenize, POS filter, compounds, synonyms, stopwords, counting.
func BenchmarkTerms(b *testing.B) {
	lines, n := benchLines(b)
	a := testAnalyzer(b)
	b.SetBytes(n)
	b.ResetTimer()
	for b.Loop() {
		for _, l := range lines {
			_ = a.Terms(l)
		}
	}
}

// BenchmarkTermsBatch runs TermsBatch (GOMAXPROCS workers) over the same
// lines. cpu/wall is process CPU time divided by wall time during the loop:
// about the number of cores kept busy (≈2 on two cores).
func BenchmarkTermsBatch(b *testing.B) {
	lines, n := benchLines(b)
	a := testAnalyzer(b)
	b.SetBytes(n)
	b.ResetTimer()
	cpu0, ok := processCPU()
	start := time.Now()
	for b.Loop() {
		_ = a.TermsBatch(lines)
	}
	wall := time.Since(start)
	cpu1, _ := processCPU()
	if ok && wall > 0 {
		b.ReportMetric(float64(cpu1-cpu0)/float64(wall), "cpu/wall")
	}
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "workers")
}

// BenchmarkTermsVsKagome interleaves the two, chunk by chunk, over the same
// lines in the same run, so that load from other processes hits both alike.
// speed-vs-bare is bare kagome time / term pipeline time (target >= 0.9).
func BenchmarkTermsVsKagome(b *testing.B) {
	lines, n := benchLines(b)
	a := testAnalyzer(b)
	t, err := tokenizer.New(ipa.Dict(), tokenizer.OmitBosEos())
	if err != nil {
		b.Fatal(err)
	}
	var bare, terms time.Duration
	b.SetBytes(2 * n)
	b.ResetTimer()
	for b.Loop() {
		for i := 0; i < len(lines); i += 50 {
			chunk := lines[i:min(i+50, len(lines))]
			t0 := time.Now()
			for _, l := range chunk {
				_ = t.Tokenize(l)
			}
			t1 := time.Now()
			for _, l := range chunk {
				_ = a.Terms(l)
			}
			t2 := time.Now()
			bare += t1.Sub(t0)
			terms += t2.Sub(t1)
		}
	}
	b.ReportMetric(float64(bare)/float64(terms), "speed-vs-bare")
}
