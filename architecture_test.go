package koe_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The package rules of ARCHITECTURE.md, checked against what the packages
// really import, so the document cannot drift from the code.

const module = "github.com/koe-project/koe/"

type listedPackage struct {
	ImportPath string
	Imports    []string // direct
	Deps       []string // transitive
}

func listPackages(t *testing.T) map[string]listedPackage {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "list", "-deps=false", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]listedPackage{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p listedPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkgs[strings.TrimPrefix(p.ImportPath, module)] = p
	}
	if len(pkgs) < 5 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

func isDomain(path string) bool {
	switch strings.TrimPrefix(path, module) {
	case "survey", "analysis", "reports":
		return true
	}
	return false
}

// isStorage says whether a package is one of storage: a database driver,
// bun, database/sql, or koe's store and database plumbing.
func isStorage(path string) bool {
	return path == "database/sql" ||
		strings.HasPrefix(path, "github.com/uptrace/bun") || strings.HasPrefix(path, "github.com/lib/pq") ||
		strings.HasPrefix(path, "modernc.org/sqlite") || strings.HasPrefix(path, "github.com/mattn/go-sqlite3") ||
		path == module+"internal/store" || path == module+"internal/database"
}

func TestPackageBoundaries(t *testing.T) {
	pkgs := listPackages(t)

	analysis, ok := pkgs["analysis"]
	if !ok {
		t.Fatal("no analysis package")
	}
	// Analysis is pure computation: nothing of storage, HTTP or the survey domain,
	// however indirectly.
	for _, dep := range analysis.Deps {
		forbidden := dep == "net/http" || dep == "database/sql" ||
			strings.HasPrefix(dep, "github.com/uptrace/bun") || strings.HasPrefix(dep, "github.com/lib/pq") ||
			strings.HasPrefix(dep, "modernc.org/sqlite") ||
			(strings.HasPrefix(dep, module) && dep != module+"internal/contact")
		if forbidden {
			t.Errorf("analysis depends on %s", dep)
		}
	}

	// survey is the domain of questionnaires: it keeps no SQL and imports no
	// storage package, however indirectly; internal/store stores its values.
	survey, ok := pkgs["survey"]
	if !ok {
		t.Fatal("no survey package")
	}
	for _, dep := range survey.Deps {
		if isStorage(dep) {
			t.Errorf("survey depends on the storage package %s", strings.TrimPrefix(dep, module))
		}
	}

	// The machinery under internal/ knows no domain package, except the store
	// (which stores it) and the web layer (which serves it).
	machineryMayUseDomain := map[string]bool{"internal/store": true, "internal/web": true}
	for name, p := range pkgs {
		if !strings.HasPrefix(name, "internal/") || machineryMayUseDomain[name] {
			continue
		}
		for _, imp := range p.Imports {
			if isDomain(imp) {
				t.Errorf("%s imports the domain package %s", name, strings.TrimPrefix(imp, module))
			}
		}
	}

	// Nothing imports the binary.
	for name, p := range pkgs {
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, module+"cmd/") {
				t.Errorf("%s imports %s", name, strings.TrimPrefix(imp, module))
			}
		}
	}

	// The domain packages serve no HTTP: handlers live in internal/web.
	for _, name := range []string{"survey", "analysis", "reports"} {
		for _, imp := range pkgs[name].Imports {
			if imp == "net/http" || imp == module+"internal/web" {
				t.Errorf("%s imports %s; its handlers belong in internal/web", name, strings.TrimPrefix(imp, module))
			}
		}
	}
}
