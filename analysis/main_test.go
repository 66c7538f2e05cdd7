package analysis

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// The IPA dictionary is loaded once per test binary; every test shares the
// analyzer built from the default dictionary.
var (
	sharedAnalyzer *Analyzer
	sharedErr      error
	sharedOnce     sync.Once
)

func TestMain(m *testing.M) {
	sharedOnce.Do(func() { sharedAnalyzer, sharedErr = New(DefaultDictionary()) })
	if sharedErr != nil {
		fmt.Fprintln(os.Stderr, "analysis: default analyzer:", sharedErr)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func testAnalyzer(tb testing.TB) *Analyzer {
	tb.Helper()
	return sharedAnalyzer
}

// corpusDir is the shared corpora: $KOE_CORPORA, else the first
// shared/corpora found beside the package directory or one of its parents
// (/work/main/analysis and /work/wt/NAME/analysis both reach
// /work/shared/corpora).
var corpusDir = findCorpusDir()

func findCorpusDir() string {
	if d := os.Getenv("KOE_CORPORA"); d != "" {
		return d
	}
	dir, err := filepath.Abs(".")
	if err != nil {
		return "../../shared/corpora"
	}
	for {
		c := filepath.Join(dir, "shared", "corpora")
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "../../shared/corpora" // absent: tests say where they looked
		}
		dir = parent
	}
}

var corpusCache sync.Map

// corpusLines returns the non-empty lines of a corpus file (see missingCorpus
// for when it is absent).
func corpusLines(tb testing.TB, name string) []string {
	tb.Helper()
	if v, ok := corpusCache.Load(name); ok {
		return v.([]string)
	}
	f, err := os.Open(filepath.Join(corpusDir, name))
	if err != nil {
		missingCorpus(tb, name, err)
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
	corpusCache.Store(name, lines)
	return lines
}

// missingCorpus skips a test whose corpus file is absent, or fails it under
// CI=true, where a skipped corpus test would hide a broken checkout.
func missingCorpus(tb testing.TB, name string, err error) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("corpus %s missing (CI=true): %v", name, err)
	}
	tb.Skipf("corpus %s not available, test skipped (get shared/corpora beside the checkout): %v", name, err)
}
