package store

import (
	"context"
	"strings"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/survey"
)

// joinSeries returns the id of the series an event names, creating it (as
// by's, or no one's from the command line) when it does not exist yet.
// current is the series the survey is in now: staying in a series needs no
// right to edit it (a survey shared for editing may be saved as it is), but
// moving into one or changing its title does.
func joinSeries(ctx context.Context, tx bun.Tx, e *survey.Event, current *int64, by *survey.Staff) (int64, error) {
	se := &survey.Series{Key: e.Series, Title: e.SeriesTitle}
	if se.Title == "" {
		se.Title = e.Series
	}
	if by != nil {
		se.Owner = strings.ToLower(by.Email)
	}
	// DO NOTHING keeps a series another transaction made first, with its owner.
	if _, err := tx.NewInsert().Comment("store.joinSeries").Model(se).On("CONFLICT (key) DO NOTHING").Returning("NULL").Exec(ctx); err != nil {
		return 0, err
	}
	se = new(survey.Series)
	if err := tx.NewSelect().Comment("store.joinSeries").Model(se).Where("key = ?", e.Series).Scan(ctx); err != nil {
		return 0, err
	}
	retitle := e.SeriesTitle != "" && e.SeriesTitle != se.Title
	if by != nil && !se.EditableBy(*by) {
		if current == nil || *current != se.ID {
			return 0, &survey.SeriesError{Field: "event.series", Msg: "このシリーズ「" + se.Title + "」（" + se.Key + "）は他の方のものです。" +
				"アンケートを加えられるのは、シリーズを作った方と管理者だけです。別のシリーズ名にするか、作った方か管理者に依頼してください"}
		}
		if retitle {
			return 0, &survey.SeriesError{Field: "event.series_title", Msg: "シリーズ「" + se.Title + "」のタイトルを変えられるのは、" +
				"シリーズを作った方と管理者だけです。タイトルは「" + se.Title + "」のままにしてください"}
		}
	}
	if retitle {
		if _, err := tx.NewUpdate().Comment("store.joinSeries").Model(se).Set("title = ?", e.SeriesTitle).WherePK().Exec(ctx); err != nil {
			return 0, err
		}
	}
	return se.ID, nil
}
