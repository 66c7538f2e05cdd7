package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
)

// ErrNoIssueGroup is returned for an issue group the scope does not hold
// (never computed, or regrouped away since).
var ErrNoIssueGroup = errors.New("store: no such issue group")

// IssueGroupState is what is kept of one issue group between groupings: its
// answers, to recognise it in the next grouping (analysis.MatchIssues), and
// what staff decided about it.
type IssueGroupState struct {
	analysis.IssueRef
	StaffLabel string // "" keeps the computed label
	Hidden     bool
	MergedInto string // the group this one is shown as part of, "" for none
}

type issueGroupRow struct {
	bun.BaseModel `bun:"table:issue_groups"`

	Scope      string    `bun:"scope,pk"`
	ID         string    `bun:"id,pk"`
	AnswerIDs  string    `bun:"answer_ids"`
	StaffLabel string    `bun:"staff_label"`
	Hidden     bool      `bun:"hidden"`
	MergedInto string    `bun:"merged_into"`
	UpdatedAt  time.Time `bun:"updated_at"`
}

// IssueScope names the issue groups of the question key of a survey.
func IssueScope(surveyID int64, key string) string { return fmt.Sprintf("survey:%d:%s", surveyID, key) }

// SeriesIssueScope names the issue groups of the question key across the
// events of the series seriesKey.
func SeriesIssueScope(seriesKey, key string) string { return "series:" + seriesKey + ":" + key }

// IssueGroupStates returns the stored issue groups of scope, by ID.
func (s *Store) IssueGroupStates(ctx context.Context, scope string) ([]IssueGroupState, error) {
	var rows []issueGroupRow
	if err := s.db.NewSelect().Comment("store.Store.IssueGroupStates").Model(&rows).
		Where("scope = ?", scope).OrderExpr("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store.IssueGroupStates: %w", err)
	}
	out := make([]IssueGroupState, len(rows))
	for i, r := range rows {
		out[i] = IssueGroupState{IssueRef: analysis.IssueRef{ID: r.ID}, StaffLabel: r.StaffLabel, Hidden: r.Hidden, MergedInto: r.MergedInto}
		if err := json.Unmarshal([]byte(r.AnswerIDs), &out[i].Answers); err != nil {
			return nil, fmt.Errorf("store.IssueGroupStates: group %s of %s: %w", r.ID, scope, err)
		}
	}
	return out, nil
}

// SaveIssueRefs makes refs the groups of scope: a group that continues
// (same ID) keeps its staff label, hidden flag and merge, with its answers updated;
// groups no longer there are dropped, with whatever staff gave them.
func (s *Store) SaveIssueRefs(ctx context.Context, scope string, refs []analysis.IssueRef) error {
	now := time.Now().UTC()
	rows := make([]issueGroupRow, len(refs))
	ids := make([]string, len(refs))
	for i, r := range refs {
		answers, err := json.Marshal(r.Answers)
		if err != nil {
			return fmt.Errorf("store.SaveIssueRefs: %w", err)
		}
		rows[i] = issueGroupRow{Scope: scope, ID: r.ID, AnswerIDs: string(answers), UpdatedAt: now}
		ids[i] = r.ID
	}
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		del := tx.NewDelete().Comment("store.Store.SaveIssueRefs").Model((*issueGroupRow)(nil)).Where("scope = ?", scope)
		if len(ids) > 0 {
			del = del.Where("id NOT IN (?)", bun.List(ids))
		}
		if _, err := del.Exec(ctx); err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		_, err := tx.NewInsert().Comment("store.Store.SaveIssueRefs").Model(&rows).
			On("CONFLICT (scope, id) DO UPDATE").
			Set("answer_ids = EXCLUDED.answer_ids").
			Set("updated_at = EXCLUDED.updated_at").
			Exec(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("store.SaveIssueRefs: %w", err)
	}
	return nil
}

// SetIssueLabel gives the group id of scope a staff name; "" returns it to
// its computed label.
func (s *Store) SetIssueLabel(ctx context.Context, scope, id, label string) error {
	q := s.db.NewUpdate().Comment("store.Store.SetIssueLabel").Model((*issueGroupRow)(nil)).
		Set("staff_label = ?", label).Set("updated_at = ?", time.Now().UTC())
	return s.changeIssueGroup(ctx, "store.SetIssueLabel", q, scope, id)
}

// SetIssueHidden hides the group id of scope from the cards, or shows it
// again.
func (s *Store) SetIssueHidden(ctx context.Context, scope, id string, hidden bool) error {
	q := s.db.NewUpdate().Comment("store.Store.SetIssueHidden").Model((*issueGroupRow)(nil)).
		Set("hidden = ?", hidden).Set("updated_at = ?", time.Now().UTC())
	return s.changeIssueGroup(ctx, "store.SetIssueHidden", q, scope, id)
}

// SetIssueMerge shows the group id of scope as part of the group into
// (another group of scope), or on its own again when into is "". Merging
// into a group merged itself, or into id, is the caller's to refuse.
func (s *Store) SetIssueMerge(ctx context.Context, scope, id, into string) error {
	q := s.db.NewUpdate().Comment("store.Store.SetIssueMerge").Model((*issueGroupRow)(nil)).
		Set("merged_into = ?", into).Set("updated_at = ?", time.Now().UTC())
	return s.changeIssueGroup(ctx, "store.SetIssueMerge", q, scope, id)
}

func (s *Store) changeIssueGroup(ctx context.Context, method string, q *bun.UpdateQuery, scope, id string) error {
	res, err := q.Where("scope = ?", scope).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	if n, err := res.RowsAffected(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", method, err)
	} else if n == 0 {
		return fmt.Errorf("%s: %s %s: %w", method, scope, id, ErrNoIssueGroup)
	}
	return nil
}
