package analysis

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/koe-project/koe/internal/testcorpus"
)

// Real answers for the issue-group tests and benchmarks.

// openCorpus opens a file of the shared corpora (see internal/testcorpus:
// found from a worktree too, and required under CI=true).
func openCorpus(tb testing.TB, name string) *os.File {
	tb.Helper()
	f, err := os.Open(filepath.Join(testcorpus.Dir(tb), name))
	if err != nil {
		tb.Fatalf("corpus %s: %v", name, err)
	}
	return f
}

// fukuiFreeText is the questionnaire's free-text columns.
var fukuiFreeText = []string{"満足度の理由", "満足度(商品・サービス)の理由", "不便さの内容", "推奨項目", "施設に求めるもの", "福井県に求めるもの", "福井県内での交通手段の満足度の理由"}

var (
	fukuiCache  sync.Map // column list -> []Doc
	fukuiRowMap sync.Map // column list -> []fukuiRow
)

// fukuiRow is one non-empty free-text answer of the Fukui questionnaire.
type fukuiRow struct {
	id            int64
	text          string
	month, region string
}

// fukuiRows returns the non-empty answers to the given free-text columns:
// id is row × 16 + column (unique across columns), month the month
// answered (2024-03), region its 6分類. The published CSV carries HTML
// entities (&hellip;) where the answers had the characters; they are
// decoded as an import would receive the text.
func fukuiRows(tb testing.TB, columns ...string) []fukuiRow {
	tb.Helper()
	key := strings.Join(columns, "|")
	if v, ok := fukuiRowMap.Load(key); ok {
		return v.([]fukuiRow)
	}
	f := openCorpus(tb, fukuiCSV)
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		tb.Fatal(err)
	}
	index := map[string]int{}
	for i, h := range head {
		index[h] = i
	}
	var cols []int
	for _, c := range append(columns, "回答日時", "6分類") {
		i, ok := index[c]
		if !ok {
			tb.Fatalf("%s: no column %q", fukuiCSV, c)
		}
		cols = append(cols, i)
	}
	var rows []fukuiRow
	for row := 1; ; row++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		for ci, c := range cols[:len(columns)] {
			text := html.UnescapeString(rec[c])
			if strings.TrimSpace(text) != "" {
				rows = append(rows, fukuiRow{id: int64(row*16 + ci), text: text, month: rec[cols[len(columns)]][:7], region: rec[cols[len(columns)+1]]})
			}
		}
	}
	fukuiRowMap.Store(key, rows)
	return rows
}

// fukuiDocs returns fukuiRows as answers with their terms: Event is the
// month, Group the region. Callers must not modify the result.
func fukuiDocs(tb testing.TB, columns ...string) []Doc {
	tb.Helper()
	key := strings.Join(columns, "|")
	if v, ok := fukuiCache.Load(key); ok {
		return v.([]Doc)
	}
	rows := fukuiRows(tb, columns...)
	texts := make([]string, len(rows))
	for i, r := range rows {
		texts[i] = r.text
	}
	docs := make([]Doc, len(rows))
	for i, terms := range testAnalyzer(tb).TermsBatch(texts) {
		r := rows[i]
		docs[i] = Doc{ID: r.id, Text: r.text, Terms: terms, Event: r.month, Group: r.region}
	}
	fukuiCache.Store(key, docs)
	return docs
}

var (
	lineDocCache  sync.Map // corpus name and line count -> []Doc
	lineTextCache sync.Map // corpus name -> []string
)

// corpusText returns the non-empty lines of a one-item-a-line corpus.
func corpusText(tb testing.TB, name string) []string {
	tb.Helper()
	if v, ok := lineTextCache.Load(name); ok {
		return v.([]string)
	}
	f := openCorpus(tb, name)
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		if l := sc.Text(); l != "" {
			lines = append(lines, l)
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	lineTextCache.Store(name, lines)
	return lines
}

// lineDocs returns the first n lines of a corpus (all when n <= 0) as
// answers with terms, with IDs first + line number (from 1).
func lineDocs(tb testing.TB, name string, first int64, n int) []Doc {
	tb.Helper()
	key := fmt.Sprint(name, n)
	if v, ok := lineDocCache.Load(key); ok {
		return withIDsFrom(v.([]Doc), first)
	}
	lines := corpusText(tb, name)
	if n > 0 && n < len(lines) {
		lines = lines[:n]
	}
	docs := make([]Doc, len(lines))
	for i, terms := range testAnalyzer(tb).TermsBatch(lines) {
		docs[i] = Doc{ID: int64(i + 1), Text: lines[i], Terms: terms}
	}
	lineDocCache.Store(key, docs)
	return withIDsFrom(docs, first)
}

func withIDsFrom(docs []Doc, first int64) []Doc {
	out := make([]Doc, len(docs))
	for i, d := range docs {
		d.ID += first
		out[i] = d
	}
	return out
}

// inMonths keeps the answers of the given months (Event prefix).
func inMonths(docs []Doc, prefix string) []Doc {
	var out []Doc
	for _, d := range docs {
		if strings.HasPrefix(d.Event, prefix) {
			out = append(out, d)
		}
	}
	return out
}
