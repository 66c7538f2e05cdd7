package survey

import (
	"net/url"
	"strconv"
	"strings"
)

// Form field names: q.KEY holds the answer (repeated for multi), q.KEY.other
// the その他 text, q.KEY.N the answer to row N of a matrix.
func FieldName(key string) string      { return "q." + key }
func OtherFieldName(key string) string { return "q." + key + ".other" }
func RowFieldName(key string, row int) string {
	return "q." + key + "." + strconv.Itoa(row)
}

// DecodeForm turns a posted respondent form into raw answers for Validate, in
// the same shape the JSON API takes. Typing an その他 text counts as choosing
// その他 even if the box beside it was not ticked.
func DecodeForm(d *Definition, form url.Values) map[string]any {
	raw := map[string]any{}
	for i := range d.Questions {
		q := &d.Questions[i]
		name := FieldName(q.Key)
		switch q.Type {
		case Section:
		case Single:
			v := strings.TrimSpace(form.Get(name))
			if q.Other {
				other := strings.TrimSpace(form.Get(OtherFieldName(q.Key)))
				if other != "" && (v == OtherLabel || v == "") {
					v = other
				}
			}
			if v != "" {
				raw[q.Key] = v
			}
		case Multi:
			var list []string
			other := ""
			if q.Other {
				other = strings.TrimSpace(form.Get(OtherFieldName(q.Key)))
			}
			for _, v := range form[name] {
				if q.Other && v == OtherLabel && other != "" {
					continue
				}
				list = append(list, v)
			}
			if other != "" {
				list = append(list, other)
			}
			if len(list) > 0 {
				raw[q.Key] = list
			}
		case Matrix:
			m := map[string]any{}
			for r, row := range q.Rows {
				if v := form.Get(RowFieldName(q.Key, r)); v != "" {
					m[row] = v
				}
			}
			if len(m) > 0 {
				raw[q.Key] = m
			}
		case Consent:
			if form.Get(name) != "" {
				raw[q.Key] = form.Get(name)
			}
		default:
			if v := form.Get(name); strings.TrimSpace(v) != "" {
				raw[q.Key] = v
			}
		}
	}
	return raw
}
