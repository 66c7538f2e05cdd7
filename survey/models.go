package survey

import (
	"encoding/json"
	"time"
)

// The stored types below name their columns in bun tags, plain text that
// imports nothing: internal/store, which reads and writes them, names their
// tables (its tables.go), so survey imports no storage package.

// Series groups the surveys of recurring events (meeting 1, 2, 3…).
type Series struct {
	ID    int64  `bun:"id,pk,autoincrement"`
	Key   string `bun:"key"`
	Title string `bun:"title"`
	Owner string `bun:"owner"` // e-mail of the staff member who made it in the editor; "": everyone's
}

// Survey is a stored survey definition.
type Survey struct {
	ID           int64      `bun:"id,pk,autoincrement"`
	Slug         string     `bun:"slug"`
	Title        string     `bun:"title"`
	Description  string     `bun:"description"`
	Anonymous    bool       `bun:"anonymous"`
	SeriesID     *int64     `bun:"series_id"`
	EventTitle   string     `bun:"event_title"`
	EventDate    string     `bun:"event_date"`
	Attendees    int        `bun:"attendees"`
	OpensAt      *time.Time `bun:"opens_at"`
	ClosesAt     *time.Time `bun:"closes_at"`
	MaxResponses int        `bun:"max_responses"`
	CodeBooks    string     `bun:"code_books"` // JSON array of names; "": none named
	Codes        string     `bun:"codes"`
	Source       string     `bun:"source"`
	Owner        string     `bun:"owner"` // e-mail of the staff member who made it in the editor; "": everyone's
	CreatedAt    time.Time  `bun:"created_at"`
	UpdatedAt    time.Time  `bun:"updated_at"`

	Series    *Series          `bun:"rel:belongs-to,join:series_id=id"`
	Questions []*QuestionModel `bun:"rel:has-many,join:id=survey_id"`

	def *Definition
}

// QuestionModel is a stored question: its id, its place in the survey and
// the Question itself. Spec holds the whole question as JSON; of the
// embedded Question, read from its columns, only the fields queries filter
// on are set (key, type, label, required, attribute, personal, analyze):
// Survey.Definition has the whole questions.
type QuestionModel struct {
	ID       int64  `bun:"id,pk,autoincrement"`
	SurveyID int64  `bun:"survey_id"`
	Position int    `bun:"position"`
	Spec     string `bun:"spec"`
	Question
}

// Response is one submission.
type Response struct {
	ID            string    `bun:"id,pk"`
	SurveyID      int64     `bun:"survey_id"`
	SubmittedAt   time.Time `bun:"submitted_at"`
	SubmissionKey *string   `bun:"submission_key"`
	Source        string    `bun:"source"`
}

// Answer is one atomic value of a response: one row per single answer, per
// selected option of a multi, per matrix row (Item), so counts are plain GROUP BYs.
type Answer struct {
	ID         int64    `bun:"id,pk,autoincrement"`
	ResponseID string   `bun:"response_id"`
	QuestionID int64    `bun:"question_id"`
	Item       string   `bun:"item"`
	Value      string   `bun:"value"`
	Number     *float64 `bun:"number"`
	Other      bool     `bun:"other"`
	// FreeText marks a value the respondent typed (a text, textarea or email
	// answer, or an その他 text): it is kept out of the index of values,
	// whose entries PostgreSQL limits to 2,704 bytes (migration 0007).
	FreeText bool `bun:"free_text"`
	Position int  `bun:"position"`
	// DictVersion names the dictionary that made this answer's stored terms ("" if not analysed).
	DictVersion string `bun:"dict_version"`
}

// Definition rebuilds the survey's definition from its stored rows.
func (s *Survey) Definition() *Definition {
	if s.def != nil {
		return s.def
	}
	d := &Definition{
		Slug: s.Slug, Title: s.Title, Description: s.Description, Anonymous: s.Anonymous,
		OpensAt: s.OpensAt, ClosesAt: s.ClosesAt, MaxResponses: s.MaxResponses,
		CodeBooks: s.CodeBookNames(), Codes: s.Codes,
	}
	if s.EventTitle != "" || s.EventDate != "" || s.Attendees > 0 || s.Series != nil {
		d.Event = &Event{Title: s.EventTitle, Date: s.EventDate, Attendees: s.Attendees}
		if s.Series != nil {
			d.Event.Series, d.Event.SeriesTitle = s.Series.Key, s.Series.Title
		}
	}
	for _, qm := range s.Questions {
		var q Question
		if err := json.Unmarshal([]byte(qm.Spec), &q); err != nil {
			q = Question{Key: qm.Key, Type: qm.Type, Label: qm.Label}
		}
		d.Questions = append(d.Questions, q)
	}
	s.def = d
	return d
}

// CodeBookNames returns the code books the survey names (nil: none).
func (s *Survey) CodeBookNames() []string {
	var names []string
	if s.CodeBooks != "" && json.Unmarshal([]byte(s.CodeBooks), &names) != nil {
		return nil // written only by apply, from a []string
	}
	return names
}

// QuestionID returns the stored id of the question with the given key.
func (s *Survey) QuestionID(key string) int64 {
	if qm := s.questionByKey(key); qm != nil {
		return qm.ID
	}
	return 0
}

// State says whether a survey takes answers at a given time.
type State int

const (
	Open State = iota
	NotYetOpen
	Closed
	Full
	// Preparing is a survey closed before it ever opened: a draft made in
	// the editor (closed until 公開する) that has no answers yet. Its link
	// must not tell respondents it has ended.
	Preparing
)

// StateAt reports the survey's state at now given its current response count.
func (s *Survey) StateAt(now time.Time, responses int) State {
	switch {
	case s.OpensAt != nil && now.Before(*s.OpensAt):
		return NotYetOpen
	case s.ClosesAt != nil && !now.Before(*s.ClosesAt):
		if s.OpensAt == nil && responses == 0 {
			return Preparing
		}
		return Closed
	case s.MaxResponses > 0 && responses >= s.MaxResponses:
		return Full
	}
	return Open
}
