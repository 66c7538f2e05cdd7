package survey

import (
	"net/mail"
	"strings"
)

// Email is an e-mail address, typically a personal field.
const Email = "email"

type emailKind struct{ typedKind }

func (emailKind) Name() string        { return Email }
func (emailKind) EditorLabel() string { return "メールアドレス" }

// An email question has no ReportLabel: a report shows a non-personal one
// under its own label only.

func (emailKind) normalise(_ *Question, v any) (any, string) {
	s, msg := typedText(v, MaxTextLen)
	if msg != "" {
		return nil, msg
	}
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s || !strings.Contains(s[strings.LastIndex(s, "@"):], ".") {
		return nil, "メールアドレスの形式で入力してください（例: name@example.jp）"
	}
	return s, ""
}
