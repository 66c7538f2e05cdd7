package analysis

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/koe-project/koe/internal/testcorpus"
)

// The IPA dictionary is loaded once per test binary; every test shares the
// analyzer built from the default dictionary.
var (
	sharedAnalyzer *Analyzer
	sharedErr      error
	sharedOnce     sync.Once
)

func TestMain(m *testing.M) {
	sharedOnce.Do(func() { sharedAnalyzer, sharedErr = New(DefaultDictionary()); LoadSystemDictionary() })
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

// corpusLines returns the non-empty lines of a corpus file (see
// internal/testcorpus: found from a worktree too, and required under CI=true).
func corpusLines(tb testing.TB, name string) []string {
	tb.Helper()
	return testcorpus.Lines(tb, name)
}

var corpusCache sync.Map // corpus file -> parsed contents, once per test binary
