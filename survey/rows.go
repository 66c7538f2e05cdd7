package survey

import (
	"strings"
	"unicode/utf8"
)

// What the store needs of a question's kind to write and read its answers,
// exported for internal/store (the kinds' methods stay unexported: only
// survey switches on a question's type).

// Orphan says why a stored answer (item, value, number, その他) would not fit
// q, the question's new definition ("" when it fits).
func (q *Question) Orphan(item, value string, num *float64, other bool) string {
	return q.Kind().orphan(q, item, value, num, other)
}

// IsOtherText reports whether a stored value of a choice question is a free
// その他 text (false for a question without options).
func (q *Question) IsOtherText(v string) bool {
	return q.Kind().HasOptions() && q.otherText(v)
}

// storableText reports whether both databases keep s as given: PostgreSQL
// refuses text with a NUL byte or invalid UTF-8, and a NUL cuts the SQL text
// bun sends. It is internal/database's StorableText, which survey, importing
// no storage package, checks definitions and invitee lists with.
func storableText(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }
