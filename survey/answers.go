package survey

import (
	"encoding/json"
	"fmt"
	"math"
	"net/mail"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
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
			val, msg := normalise(q, v)
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
			errs[q.Key] = requiredMessage(q)
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

// otherText reports whether a choice answer is a free その他 text.
func (q *Question) otherText(v string) bool {
	return q.Other && !q.IsOption(v)
}

func requiredMessage(q *Question) string {
	switch q.Type {
	case Single, Multi, Scale, NPS:
		return "選択してください（必須）"
	case Matrix:
		return "すべての行で選択してください（必須）"
	case Consent:
		return "同意いただける場合はチェックしてください（必須）"
	}
	return "入力してください（必須）"
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

func normalise(q *Question, v any) (any, string) {
	switch q.Type {
	case Single:
		s, ok := v.(string)
		if !ok {
			return nil, "選択肢の文字列で回答してください"
		}
		return choice(q, strings.TrimSpace(s))
	case Multi:
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
	case Scale, NPS, Number:
		f, ok := number(v)
		if !ok {
			return nil, "数値で回答してください"
		}
		lo, hi, hasLo, hasHi := q.Bounds()
		if q.Type != Number && f != math.Trunc(f) {
			return nil, rangeMessage(lo, hi)
		}
		if (hasLo && f < lo) || (hasHi && f > hi) {
			switch {
			case hasLo && hasHi:
				return nil, rangeMessage(lo, hi)
			case hasLo:
				return nil, fmt.Sprintf("%s以上で回答してください", formatNumber(lo))
			default:
				return nil, fmt.Sprintf("%s以下で回答してください", formatNumber(hi))
			}
		}
		return f, ""
	case Matrix:
		m, ok := stringMap(v)
		if !ok {
			return nil, "行の見出しから選択肢への対応（オブジェクト）で回答してください"
		}
		out := map[string]string{}
		for row, col := range m {
			if !contains(q.Rows, row) {
				return nil, fmt.Sprintf("「%s」という行はありません", row)
			}
			col = strings.TrimSpace(col)
			if col == "" {
				continue
			}
			if !contains(q.Columns, col) {
				return nil, fmt.Sprintf("「%s」の回答は %s から選んでください", row, strings.Join(q.Columns, "・"))
			}
			out[row] = col
		}
		if q.Required && len(out) > 0 && len(out) < len(q.Rows) {
			return nil, "すべての行で選択してください（必須）"
		}
		return out, ""
	case Text, Textarea, Email, Date:
		s, ok := v.(string)
		if !ok {
			return nil, "文字列で回答してください"
		}
		s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
		limit := MaxTextLen
		if q.Type == Textarea {
			limit = MaxTextareaLen
		}
		if n := utf8.RuneCountInString(s); n > limit {
			return nil, fmt.Sprintf("%d文字以内で入力してください（現在%d文字）", limit, n)
		}
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			return nil, "使えない文字が含まれています"
		}
		switch q.Type {
		case Email:
			if a, err := mail.ParseAddress(s); err != nil || a.Address != s || !strings.Contains(s[strings.LastIndex(s, "@"):], ".") {
				return nil, "メールアドレスの形式で入力してください（例: name@example.jp）"
			}
		case Date:
			if _, err := time.Parse("2006-01-02", s); err != nil {
				return nil, "日付を YYYY-MM-DD の形で入力してください（例: 2024-10-06）"
			}
		}
		return s, ""
	case Consent:
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
	return nil, "この質問には回答できません"
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

func rangeMessage(lo, hi float64) string {
	return fmt.Sprintf("%s〜%sで回答してください", formatNumber(lo), formatNumber(hi))
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

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
