package main

import (
	"cmp"
	"context"
	"database/sql"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/reports"
	"github.com/koe-project/koe/survey"
	"github.com/koe-project/koe/survey/examples"
)

// queryLog records the distinct statements koe sends that read or change answers.
type queryLog struct {
	mu      sync.Mutex
	queries []string
}

// untagged is a statement without the /* store.Method */ tag it starts with.
func untagged(q string) string {
	if strings.HasPrefix(q, "/*") {
		if _, rest, ok := strings.Cut(q, "*/"); ok {
			return strings.TrimSpace(rest)
		}
	}
	return q
}

var answersTable = regexp.MustCompile(`\banswers"?(\s+AS\s+"?(\w+)"?)?`)

func (l *queryLog) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (l *queryLog) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	q := strings.TrimLeft(untagged(e.Query), "(")
	if e.Err != nil || !answersTable.MatchString(q) ||
		!(strings.HasPrefix(q, "SELECT") || strings.HasPrefix(q, "UPDATE") || strings.HasPrefix(q, "DELETE")) {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !slices.Contains(l.queries, e.Query) {
		l.queries = append(l.queries, e.Query)
	}
}

// Every query koe makes over answers finds them through an index: since
// free texts left the index of values (migration 0007), a query that names
// neither free_text nor NOT free_text would use neither partial index and
// read the whole table. The queries are those of reports of every demo
// survey and series, analysis summaries with groups, reanalysis, a
// definition applied again and a deleted response; each is explained on
// both databases, PostgreSQL with sequential scans discouraged (a small
// table would otherwise be read whole whatever its indexes).
func TestAnswerQueriesUseIndexes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		log := &queryLog{}
		ts := newTestServer(t, db.WithQueryHook(log))
		ts.loadDemo()
		st, texts := ts.app.surveys, ts.app.texts
		for _, slug := range []string{"network-2020-1", "network-2020-3", "community-building-2023", "seminar-2023-02-registration"} {
			s, err := st.SurveyBySlug(ctx, slug)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := reports.BuildReport(ctx, st, texts, s); err != nil {
				t.Fatal(slug, err)
			}
		}
		if _, err := reports.BuildSeries(ctx, st, texts, "network-meetings"); err != nil {
			t.Fatal(err)
		}
		s, err := st.SurveyBySlug(ctx, "network-2020-3")
		if err != nil {
			t.Fatal(err)
		}
		sc, err := seriesScope([]*survey.Survey{s}, "comments", "role")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := texts.Docs(ctx, sc, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := texts.Reanalyze(ctx, 0, true, nil); err != nil {
			t.Fatal(err)
		}
		src := string(examples.File("meeting-feedback.yaml"))
		d, err := survey.ParseDefinition("meeting-feedback.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Apply(ctx, d, src); err != nil {
			t.Fatal(err)
		}
		responses, err := st.ResponsesOf(ctx, s, true)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteResponse(ctx, s, responses[0].ID); err != nil {
			t.Fatal(err)
		}
		if len(log.queries) < 10 {
			t.Fatalf("only %d queries over answers recorded", len(log.queries))
		}
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if database.KindOf(db) == database.Postgres {
			if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range log.queries {
			plan := explain(t, ctx, conn, database.KindOf(db), q)
			for _, m := range answersTable.FindAllStringSubmatch(q, -1) {
				alias := cmp.Or(m[2], "answers")
				if slices.Contains(strings.Split(plan, "\n"), "SCAN "+alias) || strings.Contains(plan, "Seq Scan on answers") {
					t.Errorf("reads every answer:\n%s\n%s", q, plan)
					break
				}
			}
		}
	})
}

// explain returns a statement's plan, a line per node.
func explain(t *testing.T, ctx context.Context, conn bun.Conn, kind database.Kind, query string) string {
	t.Helper()
	prefix, col := "EXPLAIN ", 0
	if kind == database.SQLite {
		prefix, col = "EXPLAIN QUERY PLAN ", 3
	}
	rows, err := conn.QueryContext(ctx, prefix+query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		cols, _ := rows.Columns()
		v := make([]any, len(cols))
		var line sql.NullString
		for i := range v {
			v[i] = new(any)
		}
		v[col] = &line
		if err := rows.Scan(v...); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, line.String)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}
