package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/koe-project/koe/survey"
)

// LevelOf says what a staff member may do with a survey. Admins and the owner
// may do everything; a survey without an owner (applied from the command line)
// is every staff member's; others need a share.
func (st *Store) LevelOf(ctx context.Context, s *survey.Survey, email string, admin bool) (_ survey.Level, err error) {
	defer wrapErr("store.LevelOf", &err)
	if admin || s.Owner == "" || strings.EqualFold(s.Owner, email) {
		return survey.Edit, nil
	}
	var level string
	err = st.db.NewSelect().Comment("store.Store.LevelOf").Table("survey_shares").Column("level").
		Where("survey_id = ? AND email = ?", s.ID, strings.ToLower(email)).Scan(ctx, &level)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return survey.NoAccess, nil
	case err != nil:
		return survey.NoAccess, err
	case level == "edit":
		return survey.Edit, nil
	}
	return survey.View, nil
}

// SetShare shares a survey with a staff member ("view" or "edit"), or ends the share (level "").
func (st *Store) SetShare(ctx context.Context, s *survey.Survey, email, level string) (err error) {
	defer wrapErr("store.SetShare", &err)
	email = strings.ToLower(strings.TrimSpace(email))
	if _, err := st.db.NewDelete().Comment("store.Store.SetShare").Table("survey_shares").Where("survey_id = ? AND email = ?", s.ID, email).Exec(ctx); err != nil {
		return err
	}
	if level == "" {
		return nil
	}
	_, err = st.db.NewInsert().Comment("store.Store.SetShare").Model(&survey.Share{SurveyID: s.ID, Email: email, Level: level}).Exec(ctx)
	return err
}

// Shares lists who a survey is shared with.
func (st *Store) Shares(ctx context.Context, s *survey.Survey) (_ []survey.Share, err error) {
	defer wrapErr("store.Shares", &err)
	var list []survey.Share
	err = st.db.NewSelect().Comment("store.Store.Shares").Model(&list).Where("survey_id = ?", s.ID).Order("email").Scan(ctx)
	return list, err
}

// VisibleSlugs lists the surveys a staff member may at least view (all: nil map).
func (st *Store) VisibleSlugs(ctx context.Context, email string, admin bool) (_ map[string]bool, err error) {
	defer wrapErr("store.VisibleSlugs", &err)
	if admin {
		return nil, nil
	}
	var slugs []string
	err = st.db.NewSelect().Comment("store.Store.VisibleSlugs").Table("surveys").Column("slug").
		Where("owner = '' OR owner = ? OR id IN (SELECT survey_id FROM survey_shares WHERE email = ?)", strings.ToLower(email), strings.ToLower(email)).
		Scan(ctx, &slugs)
	out := map[string]bool{}
	for _, s := range slugs {
		out[s] = true
	}
	return out, err
}

// SeriesViewFor keeps the surveys of a series the member has the level need on.
func (st *Store) SeriesViewFor(ctx context.Context, key string, by survey.Staff, need survey.Level) (survey.SeriesView, error) {
	se, list, err := st.SurveysInSeries(ctx, key)
	if err != nil {
		return survey.SeriesView{}, err
	}
	v := survey.SeriesView{Series: se}
	for _, s := range list {
		level, err := st.LevelOf(ctx, s, by.Email, by.Admin)
		if err != nil {
			return survey.SeriesView{}, err
		}
		if level >= need {
			v.Surveys = append(v.Surveys, s)
		} else {
			v.Hidden++
		}
	}
	return v, nil
}
