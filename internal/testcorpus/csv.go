package testcorpus

import (
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// CSVColumn returns the non-blank cells of one column of a corpus CSV file
// (the Fukui questionnaire, say), in file order.
func CSVColumn(tb testing.TB, name, column string) []string {
	tb.Helper()
	key := name + "\x00" + column
	if v, ok := cache.Load(key); ok {
		return v.([]string)
	}
	f, err := os.Open(filepath.Join(Dir(tb), name))
	if err != nil {
		missing(tb, err.Error())
		return nil
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		tb.Fatalf("corpus %s: %v", name, err)
	}
	col := -1
	for i, h := range header {
		if strings.TrimPrefix(h, "\ufeff") == column {
			col = i
		}
	}
	if col < 0 {
		tb.Fatalf("corpus %s: no column %q", name, column)
	}
	var out []string
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatalf("corpus %s: %v", name, err)
		}
		if v := strings.TrimSpace(row[col]); v != "" {
			out = append(out, v)
		}
	}
	cache.Store(key, out)
	return out
}
