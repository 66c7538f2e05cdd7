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

// corpusDir is the shared corpora, reached from the package directory
// (/work/main/analysis -> /work/shared/corpora).
const corpusDir = "../../shared/corpora"

var corpusCache sync.Map

// corpusLines returns the non-empty lines of a corpus file, skipping the
// test when the file is absent.
func corpusLines(tb testing.TB, name string) []string {
	tb.Helper()
	if v, ok := corpusCache.Load(name); ok {
		return v.([]string)
	}
	f, err := os.Open(filepath.Join(corpusDir, name))
	if err != nil {
		tb.Skipf("corpus %s not available: %v", name, err)
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
