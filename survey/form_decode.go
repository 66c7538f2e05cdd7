package survey

import (
	"net/url"
	"strconv"
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
		if v, ok := q.Kind().fromForm(q, form); ok {
			raw[q.Key] = v
		}
	}
	return raw
}
