package survey

// Access levels of a staff member to one survey.
type Level int

const (
	NoAccess Level = iota
	View           // dashboards, reports, answers and downloads
	Edit           // also the editor, invitations, import, deleting answers, sharing
)

// Share gives one staff member access to a survey.
type Share struct {
	SurveyID int64  `bun:"survey_id,pk"`
	Email    string `bun:"email,pk"`
	Level    string `bun:"level"` // view or edit
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
