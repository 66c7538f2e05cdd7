package analysis

import "testing"

// BenchmarkCodeMasks is the cost of coding 64,000 real answers (the Fukui
// questionnaire's free text) with the general and community code books,
// sentence by sentence, from their stored terms.
//
//	go test -run '^$' -bench CodeMasks -benchtime 5x ./analysis/
func BenchmarkCodeMasks(b *testing.B) {
	a := testAnalyzer(b)
	texts := fukuiAnswers(b, 64000)
	docs := termDocs(a.TermsBatch(texts))
	cb, err := a.CodeBooks("general", "community")
	if err != nil {
		b.Fatal(err)
	}
	cpu0, ok := processCPU()
	for b.Loop() {
		cb.masks(docs)
	}
	if cpu1, _ := processCPU(); ok {
		// CPU time, which other processes on a shared machine do not inflate.
		b.ReportMetric((cpu1-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	}
	b.ReportMetric(float64(len(docs)), "answers")
}
