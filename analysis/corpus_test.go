package analysis

import (
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koe-project/koe/internal/testcorpus"
)

// fukuiCSV is the Fukui tourism questionnaire (see corpora/fukui-kanko/README.md).
const fukuiCSV = "fukui-kanko/fukui-kanko-2022-2024.csv"

// fukuiTextColumns are the questionnaire's free-text questions.
var fukuiTextColumns = []string{
	"満足度の理由", "満足度(商品・サービス)の理由", "不便さの内容", "推奨項目",
	"施設に求めるもの", "福井県に求めるもの", "福井県内での交通手段の満足度の理由",
}

// fukuiRecord is one row of the questionnaire with the columns a test reads.
type fukuiRecord struct {
	When, Area string
	Answers    map[string]string // free-text column -> answer ("" when blank)
}

// fukuiRecords reads the whole questionnaire once per test binary.
func fukuiRecords(tb testing.TB) []fukuiRecord {
	tb.Helper()
	if v, ok := corpusCache.Load(fukuiCSV); ok {
		return v.([]fukuiRecord)
	}
	f, err := os.Open(filepath.Join(testcorpus.Dir(tb), fukuiCSV))
	if err != nil {
		tb.Fatalf("corpus %s: %v", fukuiCSV, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		tb.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	for _, c := range append([]string{"回答日時", "回答エリア"}, fukuiTextColumns...) {
		if _, ok := col[c]; !ok {
			tb.Fatalf("%s: column %s missing (header %v)", fukuiCSV, c, header)
		}
	}
	var out []fukuiRecord
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		rec := fukuiRecord{When: row[col["回答日時"]], Area: row[col["回答エリア"]], Answers: map[string]string{}}
		for _, c := range fukuiTextColumns {
			if v := strings.TrimSpace(row[col[c]]); v != "" {
				rec.Answers[c] = v
			}
		}
		out = append(out, rec)
	}
	corpusCache.Store(fukuiCSV, out)
	return out
}

// fukuiColumn returns the non-blank answers of one free-text column, in
// file order.
func fukuiColumn(tb testing.TB, column string) []string {
	tb.Helper()
	var out []string
	for _, r := range fukuiRecords(tb) {
		if v, ok := r.Answers[column]; ok {
			out = append(out, v)
		}
	}
	return out
}

// fukuiAnswers returns up to n non-blank answers of all free-text columns,
// row by row (0: all), of every row.
func fukuiAnswers(tb testing.TB, n int) []string {
	tb.Helper()
	var out []string
	for _, r := range fukuiRecords(tb) {
		for _, c := range fukuiTextColumns {
			if v, ok := r.Answers[c]; ok {
				out = append(out, v)
				if len(out) == n {
					return out
				}
			}
		}
	}
	return out
}

// sample keeps every corpusStride-th item: tests that tokenize a whole
// corpus read a tenth of it under the race detector.
func sample[T any](items []T) []T {
	if corpusStride == 1 {
		return items
	}
	out := make([]T, 0, len(items)/corpusStride+1)
	for i := 0; i < len(items); i += corpusStride {
		out = append(out, items[i])
	}
	return out
}
