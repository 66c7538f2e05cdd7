package survey

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Answers is one response's answers in the JSON shape of DESIGN.md, keyed by
// question key. After Validate the values are: string (single, text, textarea,
// email, date), []string (multi), float64 (scale, nps, number),
// map[string]string (matrix) and bool (consent). Unanswered questions are absent.
type Answers map[string]any

// FieldErrors maps a question key to the message a respondent reads.
type FieldErrors map[string]string

// Length limits per answer, in characters. Generous for comments, small enough
// that one response cannot fill the database.
const (
	MaxTextLen     = 1000
	MaxTextareaLen = 10000
	// MaxChoiceLen bounds an option or a matrix column, which staff write: a
	// chosen one is stored in the index of answer values, whose entries
	// PostgreSQL limits to 2,704 bytes.
	MaxChoiceLen = 200
)

// Validate checks raw answers (decoded JSON or a decoded form) against the
// definition and returns them normalised. Answers to questions hidden by
// show_if are dropped: the server, not the browser, decides what was shown.
func Validate(d *Definition, raw map[string]any) (Answers, FieldErrors) {
	out := Answers{}
	errs := FieldErrors{}
	for key := range raw {
		if q := d.Question(key); q == nil || !q.Answerable() {
			errs[key] = "この質問はありません（不明なキー）"
		}
	}
	for i := range d.Questions {
		q := &d.Questions[i]
		if !q.Answerable() || !out.shows(d, q) {
			continue
		}
		v, present := raw[q.Key]
		if present && !isEmpty(v) {
			val, msg := q.Kind().normalise(q, v)
			if msg != "" {
				errs[q.Key] = msg
				continue
			}
			if !isEmpty(val) {
				out[q.Key] = val
				continue
			}
		}
		if q.Required {
			errs[q.Key] = q.Kind().requiredMessage()
		}
	}
	if len(errs) > 0 {
		return out, errs
	}
	return out, nil
}

// shows reports whether q's show_if condition holds for the answers so far.
func (a Answers) shows(d *Definition, q *Question) bool {
	s := q.ShowIf
	if s == nil {
		return true
	}
	want := s.In
	if s.Equals != nil {
		want = []string{*s.Equals}
	}
	switch v := a[s.Question].(type) {
	case string:
		return contains(want, v) || (contains(want, OtherLabel) && d.Question(s.Question).otherText(v))
	case []string:
		for _, x := range v {
			if contains(want, x) {
				return true
			}
		}
	case float64:
		return contains(want, formatNumber(v))
	case bool:
		return contains(want, strconv.FormatBool(v))
	}
	return false
}

func isEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(v) == ""
	case []string:
		return len(v) == 0
	case []any:
		return len(v) == 0
	case map[string]string:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

func number(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, !math.IsNaN(v) && !math.IsInf(v, 0)
	case int:
		return float64(v), true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

func stringList(v any) ([]string, bool) {
	switch v := v.(type) {
	case []string:
		return v, true
	case string: // a lone choice where a list was expected
		return []string{v}, true
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

func stringMap(v any) (map[string]string, bool) {
	switch v := v.(type) {
	case map[string]string:
		return v, true
	case map[string]any:
		out := make(map[string]string, len(v))
		for k, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, false
			}
			out[k] = s
		}
		return out, true
	}
	return nil, false
}

// Keys returns the error keys in the order of the survey's questions, for display.
func (e FieldErrors) Keys(d *Definition) []string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	pos := func(k string) int {
		for i := range d.Questions {
			if d.Questions[i].Key == k {
				return i
			}
		}
		return len(d.Questions)
	}
	sort.Slice(keys, func(i, j int) bool { return pos(keys[i]) < pos(keys[j]) })
	return keys
}
