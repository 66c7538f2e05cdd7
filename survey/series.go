package survey

import (
	"context"
	"strings"

	"github.com/uptrace/bun"
)

// Staff is the signed-in staff member a change is made by or a page is shown to.
type Staff struct {
	Email string
	Admin bool
}

// EditableBy says whether a staff member may put surveys into the series and
// change its title: its owner and admins may; a series without an owner
// (made from the command line) is every staff member's.
func (se *Series) EditableBy(by Staff) bool {
	return by.Admin || se.Owner == "" || strings.EqualFold(se.Owner, by.Email)
}

// SeriesError refuses a change to a series the staff member may not edit.
// Field is the definition field at fault (event.series or event.series_title).
type SeriesError struct {
	Field, Msg string
}

func (e *SeriesError) Error() string { return e.Field + ": " + e.Msg }

// joinSeries returns the id of the series an event names, creating it (as
// by's, or no one's from the command line) when it does not exist yet.
// current is the series the survey is in now: staying in a series needs no
// right to edit it (a survey shared for editing may be saved as it is), but
// moving into one or changing its title does.
func joinSeries(ctx context.Context, tx bun.Tx, e *Event, current *int64, by *Staff) (int64, error) {
	se := &Series{Key: e.Series, Title: e.SeriesTitle}
	if se.Title == "" {
		se.Title = e.Series
	}
	if by != nil {
		se.Owner = strings.ToLower(by.Email)
	}
	// DO NOTHING keeps a series another transaction made first, with its owner.
	if _, err := tx.NewInsert().Model(se).On("CONFLICT (key) DO NOTHING").Returning("NULL").Exec(ctx); err != nil {
		return 0, err
	}
	se = new(Series)
	if err := tx.NewSelect().Model(se).Where("key = ?", e.Series).Scan(ctx); err != nil {
		return 0, err
	}
	retitle := e.SeriesTitle != "" && e.SeriesTitle != se.Title
	if by != nil && !se.EditableBy(*by) {
		if current == nil || *current != se.ID {
			return 0, &SeriesError{Field: "event.series", Msg: "このシリーズ「" + se.Title + "」（" + se.Key + "）は他の方のものです。" +
				"アンケートを加えられるのは、シリーズを作った方と管理者だけです。別のシリーズ名にするか、作った方か管理者に依頼してください"}
		}
		if retitle {
			return 0, &SeriesError{Field: "event.series_title", Msg: "シリーズ「" + se.Title + "」のタイトルを変えられるのは、" +
				"シリーズを作った方と管理者だけです。タイトルは「" + se.Title + "」のままにしてください"}
		}
	}
	if retitle {
		if _, err := tx.NewUpdate().Model(se).Set("title = ?", e.SeriesTitle).WherePK().Exec(ctx); err != nil {
			return 0, err
		}
	}
	return se.ID, nil
}
