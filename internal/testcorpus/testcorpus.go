// Package testcorpus gives tests real Japanese text from the shared corpora
// (see /work/shared/corpora/README.md): prose nobody here wrote, which does
// not compress the way repeated characters do. The corpora are found through
// KOE_CORPORA, or as shared/corpora in a directory above the test's. Where
// they are missing a test is skipped, except under CI=true, where it fails:
// CI must run the tests that need them.
package testcorpus

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

var cache sync.Map // file name -> []string

// Dir returns the corpora directory.
func Dir(tb testing.TB) string {
	tb.Helper()
	if dir := os.Getenv("KOE_CORPORA"); dir != "" {
		return dir
	}
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		candidate := filepath.Join(dir, "shared", "corpora")
		if st, err := os.Stat(candidate); err == nil && st.IsDir() {
			return candidate
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	missing(tb, "no shared/corpora directory above "+wd+" (set KOE_CORPORA)")
	return ""
}

func missing(tb testing.TB, why string) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("test corpus needed: %s", why)
	}
	tb.Skipf("skipped, test corpus not available: %s", why)
}

// Lines returns the non-empty lines of a corpus file.
func Lines(tb testing.TB, name string) []string {
	tb.Helper()
	if v, ok := cache.Load(name); ok {
		return v.([]string)
	}
	f, err := os.Open(filepath.Join(Dir(tb), name))
	if err != nil {
		missing(tb, err.Error())
	}
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
	cache.Store(name, lines)
	return lines
}

// Prose returns exactly n characters of real prose: consecutive aozora
// paragraphs from the start-th on, one per line, cut at n characters (and
// never ending in a space, so that trimming an answer keeps all of it).
func Prose(tb testing.TB, n, start int) string {
	tb.Helper()
	paragraphs := Lines(tb, "aozora-paragraphs.txt")
	var b strings.Builder
	runes := 0
	for i := start; runes < n; i++ {
		p := strings.TrimSpace(paragraphs[i%len(paragraphs)])
		if runes > 0 {
			b.WriteByte('\n')
			runes++
		}
		b.WriteString(p)
		runes += utf8.RuneCountInString(p)
	}
	out := []rune(b.String())[:n]
	for i := len(out) - 1; isSpace(out[i]); i-- {
		out[i] = '。'
	}
	return string(out)
}

func isSpace(r rune) bool { return strings.TrimSpace(string(r)) == "" }
