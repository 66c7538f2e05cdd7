package survey

import (
	"errors"
	"fmt"
	"sort"
	"time"
)

// ErrFull is returned when a survey reached max_responses.
var ErrFull = errors.New("survey has reached its maximum number of responses")

// maxSubmissionKey bounds a submission key: stored keys are entries of an
// index, which PostgreSQL refuses beyond 2,704 bytes. The form's, the API's
// (see apiSubmissionKey) and an import's keys are all shorter.
const maxSubmissionKey = 256

// CheckSubmissionKey refuses a submission key over the limit.
func CheckSubmissionKey(key string) error {
	if len(key) > maxSubmissionKey {
		return fmt.Errorf("a submission key of %d bytes is over the limit of %d", len(key), maxSubmissionKey)
	}
	return nil
}

// Submission describes where a response comes from.
type Submission struct {
	// Key makes the submission idempotent: a second submission with the same
	// key stores nothing and returns the first one's id. Empty: no key.
	Key    string
	Source string    // web, api or import
	At     time.Time // zero: now
	// Invitation is the invitee's code: it is marked answered in the same
	// transaction, and a used or revoked code stores nothing (ErrInvitationUsed).
	Invitation string
}

// Pending is one response waiting to be stored by SubmitAll.
type Pending struct {
	Answers Answers
	Sub     Submission
}

// QuestionByID returns the stored question with the given id, or nil.
func (s *Survey) QuestionByID(id int64) *QuestionModel {
	for _, qm := range s.Questions {
		if qm.ID == id {
			return qm
		}
	}
	return nil
}

// AnswerRows flattens validated answers into one row per atomic value: the
// rows the store writes for a response.
func AnswerRows(s *Survey, responseID string, answers Answers) []Answer {
	d := s.Definition()
	var rows []Answer
	for i := range d.Questions {
		q := &d.Questions[i]
		v, ok := answers[q.Key]
		if !ok {
			continue
		}
		base := Answer{ResponseID: responseID, QuestionID: s.QuestionID(q.Key)}
		rows = q.Kind().rows(rows, q, base, v)
	}
	return rows
}

// StoredResponse is a response read back in the JSON shape of DESIGN.md.
type StoredResponse struct {
	ID          string    `json:"id"`
	SubmittedAt time.Time `json:"submitted_at"`
	Answers     Answers   `json:"answers"`
}

// AnswersFromRows rebuilds the JSON shape from stored rows. Personal fields
// are included only when withPersonal is set (staff exports).
func (s *Survey) AnswersFromRows(rows []Answer, withPersonal bool) Answers {
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Position < rows[j].Position })
	out := Answers{}
	for _, a := range rows {
		qm := s.QuestionByID(a.QuestionID)
		if qm == nil || (qm.Personal && !withPersonal) {
			continue
		}
		qm.Kind().rebuild(out, qm.Key, a)
	}
	return out
}
