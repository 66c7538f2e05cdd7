package store_test

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/auth"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
	"github.com/koe-project/koe/survey/examples"
)

// tagLog records the statements that read or change the store's own tables.
type tagLog struct {
	mu    sync.Mutex
	found []string
}

var storeTables = regexp.MustCompile(`\b(answer_term_lists|term_counts|dictionaries|issue_groups|dashboard_snapshots|surveys|series|questions|responses|answers|invitations|survey_shares|users|sessions|login_failures)\b`)

func (l *tagLog) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (l *tagLog) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	q := strings.TrimSpace(e.Query)
	if !storeTables.MatchString(q) || strings.Contains(q, "INSERT") || strings.HasPrefix(q, "COPY") ||
		strings.HasPrefix(q, "SELECT coalesce(max(id), 0) FROM") {
		return // bulk inserts go through internal/database (which reads SQLite's last id), untagged
	}
	l.mu.Lock()
	l.found = append(l.found, q)
	l.mu.Unlock()
}

// Every statement the store sends names the method it comes from, so a slow
// query in the database's own log leads back to the code.
func TestStoreQueriesNameTheirMethod(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		log := &tagLog{}
		texts := newStore(db.WithQueryHook(log), testAnalyzer(t))
		s := storeWithAnswers(t, db, texts, "tags", 2, []string{"担い手が不足している。", "人材の確保が難しい。", "連携が大切。"})
		sc := scopeOf(s)
		if _, err := texts.TermStats(ctx, sc, 10); err != nil {
			t.Fatal(err)
		}
		if _, err := texts.Summarize(ctx, sc, analysis.Options{}); err != nil {
			t.Fatal(err)
		}
		if _, err := texts.Matching(ctx, sc, analysis.Filter{Term: "担い手"}, 20, 500); err != nil {
			t.Fatal(err)
		}
		if _, err := texts.Reanalyze(ctx, s.ID, true, nil); err != nil {
			t.Fatal(err)
		}
		if _, _, err := store.ActiveDictionary(ctx, db.WithQueryHook(log)); err != nil {
			t.Fatal(err)
		}
		if err := texts.SaveIssueRefs(ctx, store.IssueScope(s.ID, "q"), []analysis.IssueRef{{ID: "a", Answers: []int64{1}}}); err != nil {
			t.Fatal(err)
		}
		if err := texts.SetIssueLabel(ctx, store.IssueScope(s.ID, "q"), "a", "名前"); err != nil {
			t.Fatal(err)
		}
		if err := texts.SetIssueHidden(ctx, store.IssueScope(s.ID, "q"), "a", true); err != nil {
			t.Fatal(err)
		}
		if err := texts.SetIssueMerge(ctx, store.IssueScope(s.ID, "q"), "a", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := texts.IssueGroupStates(ctx, store.IssueScope(s.ID, "q")); err != nil {
			t.Fatal(err)
		}
		if err := texts.KeepDashboardSnapshot(ctx, s.ID, "", store.DashboardSnapshot{Stamp: "s", Body: []byte("b")}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := texts.DashboardSnapshot(ctx, s.ID, "", ""); err != nil {
			t.Fatal(err)
		}
		if err := texts.ForgetDashboardSnapshots(ctx, s.ID); err != nil {
			t.Fatal(err)
		}
		if err := texts.ForgetEveryDashboardSnapshot(ctx); err != nil {
			t.Fatal(err)
		}
		surveyStatements(t, db, texts)
		accountStatements(t, auth.NewStore(db.WithQueryHook(log)))
		if len(log.found) < 40 {
			t.Fatalf("only %d statements over the store's tables recorded", len(log.found))
		}
		for _, q := range log.found {
			if !strings.HasPrefix(q, "/* store.") {
				t.Errorf("untagged statement: %.160s", q)
			}
		}
	})
}

// surveyStatements runs every method of st over surveys, series, responses,
// answers, imports, invitations, shares and aggregates.
func surveyStatements(t *testing.T, db *bun.DB, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	if _, err := examples.Load(ctx, st, auth.NewStore(db)); err != nil { // Apply, SurveyBySlug, Submit
		t.Fatal(err)
	}
	s := applyDemo(t, st, "meeting-feedback.yaml") // an update: the orphan checks, the questions kept
	if _, err := st.AnsweredCounts(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ValueCounts(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, err := st.NumberStats(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CrossCounts(ctx, s, "role"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CrossBases(ctx, s, "role"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AnswerTexts(ctx, s, "comments", 5); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.ResponseStamp(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ResponseCount(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SurveySummaries(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SeriesViewFor(ctx, "network-meetings", survey.Staff{Email: "staff@koe.test"}, survey.View); err != nil {
		t.Fatal(err)
	}
	responses, err := st.ResponsesOf(ctx, s, true)
	if err != nil || len(responses) == 0 {
		t.Fatalf("ResponsesOf: %d responses, %v", len(responses), err)
	}
	if _, err := st.ResponseByID(ctx, s, responses[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteResponse(ctx, s, responses[0].ID); err != nil {
		t.Fatal(err)
	}
	var export bytes.Buffer
	if err := survey.WriteCSV(&export, s, responses[1:]); err != nil {
		t.Fatal(err)
	}
	for _, dry := range []bool{true, false} {
		if _, err := st.Import(ctx, s, "export.csv", export.Bytes(), survey.ImportOptions{DryRun: dry}); err != nil {
			t.Fatal(err)
		}
	}

	d, err := survey.ParseDefinition("owned.yaml", []byte("slug: owned\ntitle: 担当者のアンケート\nquestions:\n  - {key: comments, type: textarea, label: ご意見}\n"))
	if err != nil {
		t.Fatal(err)
	}
	owner := survey.Staff{Email: "owner@koe.test"}
	if err := st.Create(ctx, d, "", owner); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyBy(ctx, d, "", owner); err != nil {
		t.Fatal(err)
	}
	owned, err := st.SurveyBySlug(ctx, "owned")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetShare(ctx, owned, "viewer@koe.test", "view"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Shares(ctx, owned); err != nil {
		t.Fatal(err)
	}
	if _, err := st.LevelOf(ctx, owned, "viewer@koe.test", false); err != nil {
		t.Fatal(err)
	}
	if _, err := st.VisibleSlugs(ctx, "viewer@koe.test", false); err != nil {
		t.Fatal(err)
	}
	list, err := st.AddInvitations(ctx, owned, []survey.Invitee{{Name: "一", Email: "one@koe.test"}, {Name: "二"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Invitations(ctx, owned); err != nil {
		t.Fatal(err)
	}
	if err := st.CheckInvitation(ctx, owned, list[0].Code); err != nil { // NeedsInvitation, InvitationByCode
		t.Fatal(err)
	}
	if _, err := st.SlugOfInvitation(ctx, list[0]); err != nil {
		t.Fatal(err)
	}
	answers := survey.Answers{"comments": "連携が大切。"}
	sub := survey.Submission{Key: "tagged", Source: "web", Invitation: list[0].Code}
	if _, _, err := st.Submit(ctx, owned, answers, sub); err != nil { // claims the invitation
		t.Fatal(err)
	}
	if _, replay, err := st.Submit(ctx, owned, answers, sub); err != nil || !replay {
		t.Fatalf("a second submission with the key: replay %v, %v", replay, err)
	}
	if _, ok := st.ReplayOf(ctx, owned, "tagged"); !ok {
		t.Fatal("ReplayOf found no response")
	}
	if _, err := st.ReissueInvitation(ctx, owned, list[1].ID); err != nil { // RevokeInvitation, AddInvitations
		t.Fatal(err)
	}
}

// accountStatements runs every method of the store over staff accounts,
// sessions and failed sign-ins, through internal/auth.
func accountStatements(t *testing.T, accounts *auth.Store) {
	t.Helper()
	ctx := context.Background()
	const password = "correct horse battery staple"
	for range 2 { // created, then reset
		if _, err := accounts.AddUser(ctx, "tags@koe.test", password, auth.RoleAdmin); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := accounts.SignInFrom(ctx, "tags@koe.test", "wrong password!", "192.0.2.1"); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatalf("a wrong password: %v", err)
	}
	token, err := accounts.SignInFrom(ctx, "tags@koe.test", password, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if u, err := accounts.UserBySession(ctx, token); err != nil || u == nil {
		t.Fatalf("UserBySession: %v, %v", u, err)
	}
	if _, err := accounts.Users(ctx); err != nil {
		t.Fatal(err)
	}
	if !accounts.IsAdmin(ctx, "tags@koe.test") {
		t.Fatal("the admin is not admin")
	}
	if err := accounts.SignOut(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.AddUser(ctx, "gone@koe.test", password, auth.RoleStaff); err != nil {
		t.Fatal(err)
	}
	users, err := accounts.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Email == "gone@koe.test" {
			if err := accounts.RemoveUser(ctx, u.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
}
