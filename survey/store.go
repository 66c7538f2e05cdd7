package survey

import (
	"errors"
	"time"
)

// ErrNotFound is returned when no survey has the requested slug.
var ErrNotFound = errors.New("survey not found")

// SurveySummary is a line of the survey list.
type SurveySummary struct {
	Slug, Title, EventTitle, EventDate string
	SeriesKey, SeriesTitle             string
	Responses, MaxResponses            int // MaxResponses: the 定員 (0: none)
	LastResponse                       *time.Time
	OpensAt, ClosesAt                  *time.Time
}
