package survey

import "net/url"

// Section is a heading between questions; it takes no answer.
const Section = "section"

type sectionKind struct{ baseKind }

func (sectionKind) Name() string        { return Section }
func (sectionKind) EditorLabel() string { return "見出し（回答なし）" }
func (sectionKind) Answerable() bool    { return false }

func (sectionKind) check(q *Question, fail func(field, format string, args ...any)) {
	if q.Required {
		fail("required", "a section is a heading and takes no answer")
	}
}

func (sectionKind) fromForm(*Question, url.Values) (any, bool) { return nil, false }
