package store_test

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/testcorpus"
)

// A report reads a question's answers once (Docs) and takes its copies and
// statistics from them: what it finds must be what reading them again
// finds, for the whole question, a group of it, and with every copy
// counted. Real Fukui complaints, each tenth given twice so there are
// copies; both databases, each path on a store of its own so that neither
// finds what the other remembered.
func TestStatisticsAmongLoadedAnswersAreThoseRead(t *testing.T) {
	lines := testcorpus.CSVColumn(t, "fukui-kanko/fukui-kanko-2022-2024.csv", "満足度の理由")
	lines = lines[:min(largeImportRows/100, len(lines))]
	for i := 0; i < len(lines); i += 10 {
		lines = append(lines, lines[i])
	}
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		a := testAnalyzer(t)
		s := storeWithAnswers(t, db, newStore(db, a), "among", 1, lines)
		for _, view := range []struct {
			name      string
			group     string
			allCopies bool
		}{{"whole question", "", false}, {"one group", "県", false}, {"every copy", "", true}} {
			sc := scopeOf(s)
			sc.Only.Group, sc.AllCopies = view.group, view.allCopies
			read, loading := newStore(db, a), newStore(db, a)
			wantCopies, err := read.CopiesOf(ctx, sc)
			if err != nil {
				t.Fatal(err)
			}
			want, err := read.Summarize(ctx, sc, analysis.Options{})
			if err != nil {
				t.Fatal(err)
			}
			loaded, err := loading.Docs(ctx, sc, nil)
			if err != nil {
				t.Fatal(err)
			}
			before := cloneDocs(loaded)
			got, err := loading.SummarizeAmong(ctx, sc, loaded, analysis.Options{})
			if err != nil {
				t.Fatal(err)
			}
			gotCopies, err := loading.CopiesAmong(ctx, sc, loaded)
			if err != nil {
				t.Fatal(err)
			}
			if len(wantCopies.IDs) == 0 {
				t.Fatalf("%s: no copies among %d answers", view.name, len(lines))
			}
			if !reflect.DeepEqual(gotCopies, wantCopies) {
				t.Errorf("%s: copies among the loaded answers %+v, read %+v", view.name, gotCopies.Counts, wantCopies.Counts)
			}
			if len(want.Terms) == 0 || !reflect.DeepEqual(got, want) {
				t.Errorf("%s: the statistics among the loaded answers differ from those read:\n%+v\n%+v", view.name, got.Terms, want.Terms)
			}
			if !reflect.DeepEqual(loaded, before) {
				t.Errorf("%s: the loaded answers were changed", view.name)
			}
		}
	})
}

func cloneDocs(docs []analysis.Doc) []analysis.Doc {
	out := make([]analysis.Doc, len(docs))
	for i, d := range docs {
		out[i] = d
		out[i].Terms = slices.Clone(d.Terms)
	}
	return out
}
