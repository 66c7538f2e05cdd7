package reports

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
)

// checkIssueCounts checks what every grouping must keep: each group's
// answers are distinct and analysed, its size and share are theirs, and
// groups with 未分類 cover every analysed answer.
func checkIssueCounts(t *testing.T, is *analysis.Issues) {
	t.Helper()
	covered := map[int64]bool{}
	for _, g := range is.Groups {
		seen := map[int64]bool{}
		for _, id := range g.Answers {
			if seen[id] {
				t.Errorf("group %s holds answer %d twice", g.Label, id)
			}
			seen[id] = true
			covered[id] = true
		}
		if g.Size != len(g.Answers) || g.Share != float64(g.Size)/float64(is.Analysed) {
			t.Errorf("group %s: size %d share %v of %d answers", g.Label, g.Size, g.Share, len(g.Answers))
		}
	}
	for _, id := range is.Unassigned {
		if covered[id] {
			t.Errorf("answer %d is in a group and in 未分類", id)
		}
		covered[id] = true
	}
	if len(covered) != is.Analysed {
		t.Errorf("groups and 未分類 cover %d answers, %d analysed", len(covered), is.Analysed)
	}
}

// The dashboard and report of a survey carry the issue groups of each
// analysed question, computed from the stored answers with empty answers
// and copies left out and counted.
func TestBuildReportFillsIssueGroups(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st, texts := demoStores(t, db)
		s, r, page := buildAndWrite(t, st, texts, "network-2020-3")
		analysed := 0
		for _, q := range r.Questions {
			var qm *survey.QuestionModel
			for _, m := range s.Questions {
				if m.Key == q.Key {
					qm = m
				}
			}
			if q.Text == nil || qm == nil || !qm.Analyze {
				continue
			}
			analysed++
			if q.Text.Issues == nil {
				t.Fatalf("%s: no issue groups", q.Key)
			}
			docs, err := texts.Docs(ctx, store.Scope{Questions: []store.ScopeQuestion{{ID: qm.ID}}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			is := q.Text.Issues
			checkIssueCounts(t, is)
			d := q.Text.Duplicates
			if is.Analysed+q.Text.Empty+d.Exact+d.Near != len(docs) {
				t.Errorf("%s: %d grouped + %d empty + %d copies, %d stored", q.Key, is.Analysed, q.Text.Empty, d.Exact+d.Near, len(docs))
			}
			for _, g := range is.Groups {
				if !strings.Contains(page, ">"+g.Label+"</h4>") {
					t.Errorf("%s: card %q not in the report", q.Key, g.Label)
				}
			}
		}
		if analysed == 0 {
			t.Fatal("no analysed question")
		}
	})
}

// A series is grouped once over every event: each group has a count per
// event in the events' order, the counts add up to its size, and the
// groups head the series report above the trends and the word-level list.
func TestBuildSeriesGroupsAllEventsTogether(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st, texts := demoStores(t, db)
		se, err := BuildSeries(ctx, st, texts, "network-meetings")
		if err != nil {
			t.Fatal(err)
		}
		is := se.IssueGroups
		if is == nil || len(is.Groups) == 0 || se.IssueQuestion == "" {
			t.Fatalf("no series issue groups: %+v", is)
		}
		checkIssueCounts(t, is)
		for _, g := range is.Groups {
			if len(g.Events) != len(se.Events) {
				t.Fatalf("%s: %d event counts, %d events", g.Label, len(g.Events), len(se.Events))
			}
			n := 0
			for i, e := range g.Events {
				if e.Event != se.Events[i].Label {
					t.Errorf("%s: event %d is %q, want %q", g.Label, i, e.Event, se.Events[i].Label)
				}
				n += e.Answers
			}
			if n != g.Size || g.Trend == "" {
				t.Errorf("%s: %d answers over the events, size %d, trend %q", g.Label, n, g.Size, g.Trend)
			}
		}
		var buf bytes.Buffer
		if err := WriteSeries(&buf, se); err != nil {
			t.Fatal(err)
		}
		page := buf.String()
		head, trends := strings.Index(page, "<h3>繰り返し出てくる論点</h3>"), strings.Index(page, `id="trends-title"`)
		if head < 0 || trends < 0 || head > trends {
			t.Errorf("繰り返し出てくる論点 at %d, trends at %d: the groups must come first", head, trends)
		}
		if !strings.Contains(page, ">"+is.Groups[0].Label+"</h4>") {
			t.Errorf("series report lacks the card %q", is.Groups[0].Label)
		}
	})
}

// A second build gives the same groups; given the groups of the first (the
// dashboard's cache while the answers are unchanged), it takes them as they
// are instead of grouping again, for a survey and for a series.
func TestBuildReusesKnownIssueGroups(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st, texts := demoStores(t, db)
		s, err := st.SurveyBySlug(ctx, "network-2020-3")
		if err != nil {
			t.Fatal(err)
		}
		first, err := BuildReport(ctx, st, texts, s)
		if err != nil {
			t.Fatal(err)
		}
		saved := issueGroupWrites(t, db)
		again, err := BuildReport(ctx, st, texts, s)
		if err != nil {
			t.Fatal(err)
		}
		// The same answers group the same way: nothing is written again
		// (on SQLite a commit would empty every reader's page cache).
		if len(saved) == 0 {
			t.Fatal("the first build stored no issue groups")
		}
		if now := issueGroupWrites(t, db); !reflect.DeepEqual(now, saved) {
			t.Errorf("a second build of the same answers rewrote the stored groups:\n%v\n%v", saved, now)
		}
		known := map[string]IssueSet{}
		for i, q := range first.Questions {
			if q.Text == nil || q.Text.Issues == nil {
				continue
			}
			a := again.Questions[i].Text
			if a.Issues == q.Text.Issues || !reflect.DeepEqual(a.Issues, q.Text.Issues) {
				t.Errorf("%s: a second build did not group again, or grouped otherwise", q.Key)
			}
			known[q.Key] = IssueSet{Issues: q.Text.Issues, Empty: q.Text.Empty, Duplicates: q.Text.Duplicates}
		}
		if len(known) == 0 {
			t.Fatal("no issue groups")
		}
		reused, err := BuildReportReusing(ctx, st, texts, s, known)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range reused.Questions {
			if k, ok := known[q.Key]; ok && q.Text.Issues != k.Issues {
				t.Errorf("%s: grouped again though its groups were given", q.Key)
			}
		}

		se, err := BuildSeries(ctx, st, texts, "network-meetings")
		if err != nil {
			t.Fatal(err)
		}
		series, list, err := st.SurveysInSeries(ctx, "network-meetings")
		if err != nil {
			t.Fatal(err)
		}
		v := survey.SeriesView{Series: series, Surveys: list}
		again2, err := BuildSeriesOf(ctx, st, texts, v)
		if err != nil {
			t.Fatal(err)
		}
		if se.IssueGroups == nil || again2.IssueGroups == se.IssueGroups || !reflect.DeepEqual(again2.IssueGroups, se.IssueGroups) {
			t.Errorf("series: a second build did not group again, or grouped otherwise")
		}
		reusedSeries, err := BuildSeriesReusing(ctx, st, texts, v, &IssueSet{Issues: se.IssueGroups})
		if err != nil {
			t.Fatal(err)
		}
		if reusedSeries.IssueGroups != se.IssueGroups {
			t.Errorf("series: grouped again though its groups were given")
		}
	})
}

// issueGroupWrites returns when each stored issue group was last written,
// by scope and ID.
func issueGroupWrites(t *testing.T, db *bun.DB) map[string]time.Time {
	t.Helper()
	var rows []struct {
		Scope     string    `bun:"scope"`
		ID        string    `bun:"id"`
		UpdatedAt time.Time `bun:"updated_at"`
	}
	if err := db.NewSelect().Table("issue_groups").Column("scope", "id", "updated_at").Scan(context.Background(), &rows); err != nil {
		t.Fatal(err)
	}
	out := make(map[string]time.Time, len(rows))
	for _, r := range rows {
		out[r.Scope+" "+r.ID] = r.UpdatedAt
	}
	return out
}
