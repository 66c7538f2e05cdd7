package survey

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/uptrace/bun"
)

// Access levels of a staff member to one survey.
type Level int

const (
	NoAccess Level = iota
	View           // dashboards, reports, answers and downloads
	Edit           // also the editor, invitations, import, deleting answers, sharing
)

// Share gives one staff member access to a survey.
type Share struct {
	bun.BaseModel `bun:"table:survey_shares"`

	SurveyID int64  `bun:"survey_id,pk"`
	Email    string `bun:"email,pk"`
	Level    string `bun:"level"` // view or edit
}

// LevelOf says what a staff member may do with a survey. Admins and the owner
// may do everything; a survey without an owner (applied from the command line)
// is every staff member's; others need a share.
func (st *Store) LevelOf(ctx context.Context, s *Survey, email string, admin bool) (Level, error) {
	if admin || s.Owner == "" || strings.EqualFold(s.Owner, email) {
		return Edit, nil
	}
	var level string
	err := st.db.NewSelect().Table("survey_shares").Column("level").
		Where("survey_id = ? AND email = ?", s.ID, strings.ToLower(email)).Scan(ctx, &level)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return NoAccess, nil
	case err != nil:
		return NoAccess, err
	case level == "edit":
		return Edit, nil
	}
	return View, nil
}

// SetShare shares a survey with a staff member ("view" or "edit"), or ends the share (level "").
func (st *Store) SetShare(ctx context.Context, s *Survey, email, level string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	if _, err := st.db.NewDelete().Table("survey_shares").Where("survey_id = ? AND email = ?", s.ID, email).Exec(ctx); err != nil {
		return err
	}
	if level == "" {
		return nil
	}
	_, err := st.db.NewInsert().Model(&Share{SurveyID: s.ID, Email: email, Level: level}).Exec(ctx)
	return err
}

// Shares lists who a survey is shared with.
func (st *Store) Shares(ctx context.Context, s *Survey) ([]Share, error) {
	var list []Share
	err := st.db.NewSelect().Model(&list).Where("survey_id = ?", s.ID).Order("email").Scan(ctx)
	return list, err
}

// VisibleSlugs lists the surveys a staff member may at least view (all: nil map).
func (st *Store) VisibleSlugs(ctx context.Context, email string, admin bool) (map[string]bool, error) {
	if admin {
		return nil, nil
	}
	var slugs []string
	err := st.db.NewSelect().Table("surveys").Column("slug").
		Where("owner = '' OR owner = ? OR id IN (SELECT survey_id FROM survey_shares WHERE email = ?)", strings.ToLower(email), strings.ToLower(email)).
		Scan(ctx, &slugs)
	out := map[string]bool{}
	for _, s := range slugs {
		out[s] = true
	}
	return out, err
}

// SeriesView is the part of a series a staff member may see.
//
// A series page compares events, each a survey with its own owner and shares.
// It shows a member the surveys they may view and leaves out the others,
// saying how many, so it never shows more than the member could read survey
// by survey: someone who may view every survey of a series sees all of it
// without owning the series, and someone who may view some sees those. The
// series' owner may open it even when it holds no survey they may view (its
// surveys all moved away or are others', put in by an admin); anyone else who
// may view none of its surveys is refused. Admins see every survey. Who may
// add surveys to a series or rename it is another matter (Series.EditableBy,
// checked by ApplyBy): viewing surveys of a series does not give it.
type SeriesView struct {
	Series  *Series
	Surveys []*Survey // in event order
	Hidden  int       // surveys of the series left out
}

// SeriesViewFor keeps the surveys of a series the member has the level need on.
func (st *Store) SeriesViewFor(ctx context.Context, key string, by Staff, need Level) (SeriesView, error) {
	se, list, err := st.SurveysInSeries(ctx, key)
	if err != nil {
		return SeriesView{}, err
	}
	v := SeriesView{Series: se}
	for _, s := range list {
		level, err := st.LevelOf(ctx, s, by.Email, by.Admin)
		if err != nil {
			return SeriesView{}, err
		}
		if level >= need {
			v.Surveys = append(v.Surveys, s)
		} else {
			v.Hidden++
		}
	}
	return v, nil
}
