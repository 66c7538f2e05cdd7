package survey

import (
	"errors"
	"time"
)

// Invitation is one invitee's link to a survey that takes one answer per invitee.
// For an anonymous survey ResponseID stays empty: only Answered is kept.
type Invitation struct {
	ID         int64      `bun:"id,pk,autoincrement"`
	SurveyID   int64      `bun:"survey_id"`
	Code       string     `bun:"code"`
	Name       string     `bun:"name"`
	Email      string     `bun:"email"`
	CreatedAt  time.Time  `bun:"created_at"`
	Answered   bool       `bun:"answered"`
	ResponseID *string    `bun:"response_id"`
	RevokedAt  *time.Time `bun:"revoked_at"`
}

// Invitee is one line of an uploaded invitation list.
type Invitee struct{ Name, Email string }

// Errors of an invitation code, each with its own page and status.
var (
	ErrInvitationRequired = errors.New("this survey is answered through an invitation link")
	ErrInvitationUnknown  = errors.New("unknown invitation code")
	ErrInvitationRevoked  = errors.New("the invitation code was revoked")
	ErrInvitationUsed     = errors.New("the invitation code has already been used")
)
