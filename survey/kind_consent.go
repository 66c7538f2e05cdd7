package survey

import (
	"net/url"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Consent is a box ticked to agree; only a ticked box is an answer.
const Consent = "consent"

type consentKind struct{ baseKind }

func (consentKind) Name() string         { return Consent }
func (consentKind) EditorLabel() string  { return "同意" }
func (consentKind) ReportLabel() string  { return "同意" }
func (consentKind) Aggregate() Aggregate { return ValueCountsAggregate }
func (consentKind) Block() Block         { return ConsentBlock }
func (consentKind) requiredMessage() string {
	return "同意いただける場合はチェックしてください（必須）"
}

func (consentKind) fromForm(q *Question, form url.Values) (any, bool) {
	v := form.Get(FieldName(q.Key))
	return v, v != ""
}

func (consentKind) fromCell(_ *Question, cell string, _ byte) (any, string) {
	switch strings.ToLower(strings.TrimSpace(norm.NFKC.String(cell))) {
	case "false", "0", "no", "いいえ", "同意しない", "同意しません":
		return nil, ""
	}
	return true, "" // a ticked box comes as its text, e.g. 同意します
}

func (consentKind) normalise(_ *Question, v any) (any, string) {
	switch v := v.(type) {
	case bool:
		if !v {
			return nil, ""
		}
		return true, ""
	case string:
		if v == "true" || v == "on" || v == "1" {
			return true, ""
		}
	}
	return nil, "同意する場合は true で回答してください"
}

func (consentKind) rows(dst []Answer, _ *Question, base Answer, v any) []Answer {
	if _, ok := v.(bool); !ok {
		return dst
	}
	base.Value = "true"
	return append(dst, base)
}

func (consentKind) rebuild(out Answers, key string, _ Answer) { out[key] = true }
