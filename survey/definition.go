// Package survey holds questionnaire definitions, their validation, the answers
// respondents give, their storage and import/export. Its pages are served by
// internal/web.
package survey

import (
	"time"
)

// OtherLabel is the choice that carries a free "other" answer.
const OtherLabel = "その他"

// Definition is a survey as written in YAML (see DESIGN.md, "Survey definition").
type Definition struct {
	Slug         string     `yaml:"slug" json:"slug"`
	Title        string     `yaml:"title" json:"title"`
	Description  string     `yaml:"description,omitempty" json:"description,omitempty"`
	Event        *Event     `yaml:"event,omitempty" json:"event,omitempty"`
	Anonymous    bool       `yaml:"anonymous,omitempty" json:"anonymous,omitempty"`
	OpensAt      *time.Time `yaml:"opens_at,omitempty" json:"opens_at,omitempty"`
	ClosesAt     *time.Time `yaml:"closes_at,omitempty" json:"closes_at,omitempty"`
	MaxResponses int        `yaml:"max_responses,omitempty" json:"max_responses,omitempty"`
	// CodeBooks names the code books applied to the free text (shipped:
	// general, community; a dictionary may add more); none: the general
	// preset. Codes are the survey's own rules in the same syntax, such as
	// those made from an issue group.
	CodeBooks []string   `yaml:"code_books,omitempty" json:"code_books,omitempty"`
	Codes     string     `yaml:"codes,omitempty" json:"codes,omitempty"`
	Questions []Question `yaml:"questions" json:"questions"`
}

// Bounds of a survey's own code book: each rule is judged against every
// analysed answer when results are read.
const (
	MaxOwnCodes     = 100
	MaxOwnCodesText = 20000
)

// Event places a survey in a series of meetings.
type Event struct {
	Series      string `yaml:"series,omitempty" json:"series,omitempty"`
	SeriesTitle string `yaml:"series_title,omitempty" json:"series_title,omitempty"`
	Title       string `yaml:"title,omitempty" json:"title,omitempty"`
	Date        string `yaml:"date,omitempty" json:"date,omitempty"`
	Attendees   int    `yaml:"attendees,omitempty" json:"attendees,omitempty"`
}

// Question is one item of a survey, as a definition writes it and as it is
// stored (QuestionModel embeds it): the bun tags name the columns of the
// questions table that repeat what queries filter on; the whole question
// is stored as JSON in QuestionModel.Spec.
type Question struct {
	Key       string   `yaml:"key" json:"key" bun:"key"`
	Type      string   `yaml:"type" json:"type" bun:"type"`
	Label     string   `yaml:"label" json:"label" bun:"label"`
	Help      string   `yaml:"help,omitempty" json:"help,omitempty" bun:"-"`
	Required  bool     `yaml:"required,omitempty" json:"required,omitempty" bun:"required"`
	Options   []string `yaml:"options,omitempty" json:"options,omitempty" bun:"-"`
	Other     bool     `yaml:"other,omitempty" json:"other,omitempty" bun:"-"`
	Attribute bool     `yaml:"attribute,omitempty" json:"attribute,omitempty" bun:"attribute"`
	Personal  bool     `yaml:"personal,omitempty" json:"personal,omitempty" bun:"personal"`
	Analyze   bool     `yaml:"analyze,omitempty" json:"analyze,omitempty" bun:"analyze_text"`
	ShowIf    *ShowIf  `yaml:"show_if,omitempty" json:"show_if,omitempty" bun:"-"`
	Min       *float64 `yaml:"min,omitempty" json:"min,omitempty" bun:"-"`
	Max       *float64 `yaml:"max,omitempty" json:"max,omitempty" bun:"-"`
	MinLabel  string   `yaml:"min_label,omitempty" json:"min_label,omitempty" bun:"-"`
	MaxLabel  string   `yaml:"max_label,omitempty" json:"max_label,omitempty" bun:"-"`
	Rows      []string `yaml:"rows,omitempty" json:"rows,omitempty" bun:"-"`
	Columns   []string `yaml:"columns,omitempty" json:"columns,omitempty" bun:"-"`
}

// ShowIf shows a question only when an earlier answer equals a value or is one of several.
type ShowIf struct {
	Question string   `yaml:"question" json:"question"`
	Equals   *string  `yaml:"equals,omitempty" json:"equals,omitempty"`
	In       []string `yaml:"in,omitempty" json:"in,omitempty"`
}

// Answerable reports whether the question takes an answer (a section does not).
func (q *Question) Answerable() bool { return q.Kind().Answerable() }

// Choices lists the options a respondent picks from, with その他 last when Other is set.
func (q *Question) Choices() []string {
	if !q.Other || q.hasOtherOption() {
		return q.Options
	}
	return append(append([]string(nil), q.Options...), OtherLabel)
}

func (q *Question) hasOtherOption() bool {
	for _, o := range q.Options {
		if o == OtherLabel {
			return true
		}
	}
	return false
}

// IsOption reports whether s is one of the fixed options (not the free その他 text).
func (q *Question) IsOption(s string) bool {
	for _, o := range q.Options {
		if o == s && !(q.Other && o == OtherLabel) {
			return true
		}
	}
	return false
}

// Question returns the question with the given key, or nil.
func (d *Definition) Question(key string) *Question {
	for i := range d.Questions {
		if d.Questions[i].Key == key {
			return &d.Questions[i]
		}
	}
	return nil
}
