package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// DashboardSnapshot is a survey's built dashboard as kept in the database
// (see migrations' 0011_dashboard_snapshots): Body is the web package's
// encoding, stored and returned as it is; Stamp names what it was built from.
type DashboardSnapshot struct {
	Stamp   string
	Body    []byte
	BuiltAt time.Time
}

type dashboardSnapshotRow struct {
	bun.BaseModel `bun:"table:dashboard_snapshots"`

	SurveyID int64     `bun:"survey_id,pk"`
	Variant  string    `bun:"variant,pk"`
	Stamp    string    `bun:"stamp"`
	Body     []byte    `bun:"body"`
	BuiltAt  time.Time `bun:"built_at"`
}

// KeepDashboardSnapshot makes snap the kept dashboard of the survey
// surveyID in variant, in place of the one kept before.
func (s *Store) KeepDashboardSnapshot(ctx context.Context, surveyID int64, variant string, snap DashboardSnapshot) error {
	row := dashboardSnapshotRow{SurveyID: surveyID, Variant: variant, Stamp: snap.Stamp, Body: snap.Body, BuiltAt: snap.BuiltAt.UTC()}
	if _, err := s.db.NewInsert().Comment("store.Store.KeepDashboardSnapshot").Model(&row).
		On("CONFLICT (survey_id, variant) DO UPDATE").
		Set("stamp = EXCLUDED.stamp, body = EXCLUDED.body, built_at = EXCLUDED.built_at").
		Exec(ctx); err != nil {
		return fmt.Errorf("store.KeepDashboardSnapshot: %w", err)
	}
	return nil
}

// DashboardSnapshot returns the kept dashboard of the survey surveyID in
// variant whose stamp ends with stampEnd (the koe build that kept it: the
// body of another is not read), and false when none is kept.
func (s *Store) DashboardSnapshot(ctx context.Context, surveyID int64, variant, stampEnd string) (DashboardSnapshot, bool, error) {
	var row dashboardSnapshotRow
	err := s.db.NewSelect().Comment("store.Store.DashboardSnapshot").Model(&row).
		Where("survey_id = ? AND variant = ?", surveyID, variant).
		Where("substr(stamp, length(stamp) - ? + 1) = ?", len(stampEnd), stampEnd).Scan(ctx)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return DashboardSnapshot{}, false, nil
	case err != nil:
		return DashboardSnapshot{}, false, fmt.Errorf("store.DashboardSnapshot: %w", err)
	}
	return DashboardSnapshot{Stamp: row.Stamp, Body: row.Body, BuiltAt: row.BuiltAt}, true, nil
}

// ForgetDashboardSnapshots drops every kept dashboard of the survey
// surveyID: staff changed something they show that their stamp does not
// name (an issue group's name, hidden or merged).
func (s *Store) ForgetDashboardSnapshots(ctx context.Context, surveyID int64) error {
	if _, err := s.db.NewDelete().Comment("store.Store.ForgetDashboardSnapshots").Model((*dashboardSnapshotRow)(nil)).
		Where("survey_id = ?", surveyID).Exec(ctx); err != nil {
		return fmt.Errorf("store.ForgetDashboardSnapshots: %w", err)
	}
	return nil
}

// ForgetEveryDashboardSnapshot drops the kept dashboards of every survey: a
// new dictionary's reanalysis has ended, and what was built meanwhile
// mixed the old terms with the new.
func (s *Store) ForgetEveryDashboardSnapshot(ctx context.Context) error {
	if _, err := s.db.NewDelete().Comment("store.Store.ForgetEveryDashboardSnapshot").Model((*dashboardSnapshotRow)(nil)).
		Where("TRUE").Exec(ctx); err != nil {
		return fmt.Errorf("store.ForgetEveryDashboardSnapshot: %w", err)
	}
	return nil
}
