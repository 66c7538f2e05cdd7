package survey

import "strings"

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
