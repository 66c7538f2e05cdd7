package analysis

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// analysis is pure (issue 12): neither it nor the koe packages it imports
// may import storage, HTTP or the domain packages around it. The rule is
// checked on the import lines of the non-test files, following koe's own
// packages.
func TestAnalysisImportsNoStorageHTTPOrSurvey(t *testing.T) {
	const module = "github.com/koe-project/koe/"
	forbidden := []string{
		"database/sql", "net/http", "github.com/uptrace/bun", "github.com/lib/pq", "modernc.org/sqlite",
		module + "survey", module + "reports", module + "internal/store", module + "internal/database",
		module + "internal/web", module + "internal/ratelimit",
	}
	seen := map[string]bool{}
	var check func(pkg, dir string)
	check = func(pkg, dir string) {
		if seen[pkg] {
			return
		}
		seen[pkg] = true
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no Go files in %s (%v)", pkg, dir, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range parsed.Imports {
				path := strings.Trim(imp.Path.Value, `"`)
				for _, bad := range forbidden {
					if path == bad || strings.HasPrefix(path, bad+"/") {
						t.Errorf("%s imports %s (through %s)", pkg, path, filepath.Base(f))
					}
				}
				if strings.HasPrefix(path, module) {
					check(path, filepath.Join("..", filepath.FromSlash(strings.TrimPrefix(path, module))))
				}
			}
		}
	}
	if _, err := os.Stat("analyzer.go"); err != nil {
		t.Fatal("run from the analysis directory:", err)
	}
	check(module+"analysis", ".")
}
