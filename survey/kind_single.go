package survey

import (
	"net/url"
	"strings"
)

// Single is a question answered by one option (radio buttons).
const Single = "single"

type singleKind struct{ choiceKind }

func (singleKind) Name() string        { return Single }
func (singleKind) EditorLabel() string { return "単一選択" }
func (singleKind) ReportLabel() string { return "単一回答" }

// fromForm: typing an その他 text counts as choosing その他 even if its box was not ticked.
func (singleKind) fromForm(q *Question, form url.Values) (any, bool) {
	v := strings.TrimSpace(form.Get(FieldName(q.Key)))
	if q.Other {
		other := strings.TrimSpace(form.Get(OtherFieldName(q.Key)))
		if other != "" && (v == OtherLabel || v == "") {
			v = other
		}
	}
	return v, v != ""
}

func (singleKind) fromCell(q *Question, cell string, _ byte) (any, string) {
	s := strings.TrimSpace(cell)
	if o, ok := matchOption(q, s); ok {
		return o, ""
	}
	if q.Other {
		return s, "" // Google and Microsoft write the typed その他 text itself
	}
	return nil, notAnOption(q, s)
}

func (singleKind) normalise(q *Question, v any) (any, string) {
	s, ok := v.(string)
	if !ok {
		return nil, "選択肢の文字列で回答してください"
	}
	return choice(q, strings.TrimSpace(s))
}

func (singleKind) rows(dst []Answer, q *Question, base Answer, v any) []Answer {
	s, ok := v.(string)
	if !ok {
		return dst
	}
	base.Value, base.Other = s, q.otherText(s)
	base.FreeText = base.Other
	return append(dst, base)
}
