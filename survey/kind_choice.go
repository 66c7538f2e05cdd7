package survey

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// choiceKind is what single and multi share: options, an optional その他
// answer typed freely, attributes, counts per option and cross tables.
type choiceKind struct{ baseKind }

func (choiceKind) HasOptions() bool        { return true }
func (choiceKind) CrossTabbed() bool       { return true }
func (choiceKind) Aggregate() Aggregate    { return ValueCountsAggregate }
func (choiceKind) Block() Block            { return ChoicesBlock }
func (choiceKind) requiredMessage() string { return "選択してください（必須）" }

// orphan: an option with stored answers must stay, and so must その他 if one was typed.
func (choiceKind) orphan(q *Question, _, value string, _ *float64, other bool) string {
	if other && !q.Other {
		return fmt.Sprintf("other: false would orphan stored その他 answers such as %q", value)
	}
	if !other && !contains(q.Options, value) {
		return fmt.Sprintf("option %q has stored answers and is no longer an option", value)
	}
	return ""
}

func (choiceKind) fromEditor(q *Question, eq *EditorQuestion) {
	q.Options, q.Other = splitLines(eq.Options), eq.Other
	q.MinLabel, q.MaxLabel = "", ""
}

// choice accepts an option, or (with other: true) any text as the その他 answer.
func choice(q *Question, s string) (any, string) {
	if contains(q.Options, s) || (q.Other && s != "") {
		if n := utf8.RuneCountInString(s); n > MaxTextLen {
			return nil, fmt.Sprintf("その他は%d文字以内で入力してください", MaxTextLen)
		}
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) { // found by FuzzValidateJSON: PostgreSQL refuses both
			return nil, "使えない文字が含まれています"
		}
		return s, ""
	}
	return nil, fmt.Sprintf("選択肢（%s）から選んでください", strings.Join(q.Options, "・"))
}

// otherText reports whether a choice answer is a free その他 text.
func (q *Question) otherText(v string) bool {
	return q.Other && !q.IsOption(v)
}

// EditorFields: see Kind.
func (choiceKind) EditorFields() []string { return []string{"options", "other"} }
