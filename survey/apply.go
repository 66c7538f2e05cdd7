package survey

import (
	"errors"
	"fmt"
)

// OrphanError explains why a definition change was refused: it would leave
// stored answers without a question or option to belong to.
type OrphanError struct {
	Question string
	Reason   string
}

func (e *OrphanError) Error() string {
	return fmt.Sprintf("questions %s: %s; answers are never orphaned, so the change was refused (add a new question with a new key instead)", e.Question, e.Reason)
}

// ErrSlugTaken is returned by Create when another survey has the slug.
var ErrSlugTaken = errors.New("another survey has this slug")
