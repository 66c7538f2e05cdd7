package survey

import (
	"net/url"
	"strings"
)

// Multi is a question answered by any number of options (checkboxes).
const Multi = "multi"

type multiKind struct{ choiceKind }

func (multiKind) Name() string        { return Multi }
func (multiKind) EditorLabel() string { return "複数選択" }
func (multiKind) ReportLabel() string { return "複数回答" }
func (multiKind) SeveralRows() bool   { return true }

// fromForm: typing an その他 text counts as ticking その他.
func (multiKind) fromForm(q *Question, form url.Values) (any, bool) {
	var list []string
	other := ""
	if q.Other {
		other = strings.TrimSpace(form.Get(OtherFieldName(q.Key)))
	}
	for _, v := range form[FieldName(q.Key)] {
		if q.Other && v == OtherLabel && other != "" {
			continue
		}
		list = append(list, v)
	}
	if other != "" {
		list = append(list, other)
	}
	return list, len(list) > 0
}

func (multiKind) fromCell(q *Question, cell string, sep byte) (any, string) {
	items, others := splitChoices(q, cell, sep)
	if len(others) > 0 && !q.Other {
		return nil, notAnOption(q, others[0])
	}
	return items, ""
}

func (multiKind) normalise(q *Question, v any) (any, string) {
	items, ok := stringList(v)
	if !ok {
		return nil, "選択肢の文字列の配列で回答してください"
	}
	var out []string
	others := 0
	for _, s := range items {
		s = strings.TrimSpace(s)
		if s == "" || contains(out, s) {
			continue
		}
		c, msg := choice(q, s)
		if msg != "" {
			return nil, msg
		}
		if q.otherText(c.(string)) {
			others++
		}
		out = append(out, c.(string))
	}
	if others > 1 {
		return nil, "その他の回答は1つまでです"
	}
	return out, ""
}

// rows: one per ticked option, in the order given.
func (multiKind) rows(dst []Answer, q *Question, base Answer, v any) []Answer {
	list, _ := v.([]string)
	for pos, x := range list {
		a := base
		a.Value, a.Other, a.Position = x, q.otherText(x), pos
		a.FreeText = a.Other
		dst = append(dst, a)
	}
	return dst
}

func (multiKind) rebuild(out Answers, key string, a Answer) {
	list, _ := out[key].([]string)
	out[key] = append(list, a.Value)
}
