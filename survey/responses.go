package survey

import "errors"

// ErrNoResponse is returned when a survey has no response with the given id.
var ErrNoResponse = errors.New("no such response")
