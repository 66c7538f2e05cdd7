package koe_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// kindFile is where a question kind's behaviour lives (ARCHITECTURE.md,
// "Question kinds").
var kindFile = regexp.MustCompile(`^survey/kind(_[a-z]+)?\.go$`)

// TestOnlyKindsSwitchOnQuestionType keeps the kinds a table: outside
// survey/kind*.go no code switches on a question's type, so a new kind
// cannot be half added by a switch that forgets it.
func TestOnlyKindsSwitchOnQuestionType(t *testing.T) {
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || kindFile.MatchString(filepath.ToSlash(path)) {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			if s, ok := n.(*ast.SwitchStmt); ok {
				if sel, ok := s.Tag.(*ast.SelectorExpr); ok && sel.Sel.Name == "Type" {
					t.Errorf("%s: switch on a question's type; give the kind a method in survey/kind_<name>.go instead", fset.Position(s.Pos()))
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("only %d Go files checked; is the test running at the module root?", checked)
	}
}
