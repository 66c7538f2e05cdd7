package survey

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Text is a short answer typed freely (one line); Textarea a long one.
const (
	Text     = "text"
	Textarea = "textarea"
)

type textKind struct{ typedKind }

func (textKind) Name() string        { return Text }
func (textKind) EditorLabel() string { return "短い文章" }
func (textKind) ReportLabel() string { return "自由記述" }
func (textKind) Analysable() bool    { return true }

func (textKind) normalise(q *Question, v any) (any, string) { return typedText(v, MaxTextLen) }

type textareaKind struct{ typedKind }

func (textareaKind) Name() string        { return Textarea }
func (textareaKind) EditorLabel() string { return "長い文章" }
func (textareaKind) ReportLabel() string { return "自由記述" }
func (textareaKind) Analysable() bool    { return true }

func (textareaKind) normalise(q *Question, v any) (any, string) {
	return typedText(v, MaxTextareaLen)
}

// typedKind is what text, textarea and email share: every answer is free
// text, listed in the report (and analysed when asked).
type typedKind struct{ baseKind }

func (typedKind) FreeText() bool       { return true }
func (typedKind) Aggregate() Aggregate { return TextsAggregate }
func (typedKind) Block() Block         { return TextBlock }

func (typedKind) rows(dst []Answer, _ *Question, base Answer, v any) []Answer {
	s, ok := v.(string)
	if !ok {
		return dst
	}
	base.Value, base.FreeText = s, true
	return append(dst, base)
}

// typedText is a typed answer trimmed, with Windows line ends made plain,
// at most limit characters, and storable.
func typedText(v any, limit int) (string, string) {
	s, ok := v.(string)
	if !ok {
		return "", "文字列で回答してください"
	}
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if n := utf8.RuneCountInString(s); n > limit {
		return "", fmt.Sprintf("%d文字以内で入力してください（現在%d文字）", limit, n)
	}
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return "", "使えない文字が含まれています"
	}
	return s, ""
}
