package survey

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// numericKind is what scale, nps and number share: an answer is a number
// within the question's bounds, stored in Answer.Number.
type numericKind struct{ baseKind }

func (numericKind) Numeric() bool { return true }

// fromCell: a spreadsheet may write digits full-width.
func (numericKind) fromCell(_ *Question, cell string, _ byte) (any, string) {
	return strings.TrimSpace(norm.NFKC.String(cell)), ""
}

func (numericKind) rows(dst []Answer, _ *Question, base Answer, v any) []Answer {
	f, ok := v.(float64)
	if !ok {
		return dst
	}
	base.Number, base.Value = &f, formatNumber(f)
	return append(dst, base)
}

func (numericKind) rebuild(out Answers, key string, a Answer) {
	if a.Number != nil {
		out[key] = *a.Number
	}
}

// orphan: a narrower range must still hold every stored answer.
func (numericKind) orphan(q *Question, _, _ string, num *float64, _ bool) string {
	lo, hi, hasLo, hasHi := q.Bounds()
	if num != nil && ((hasLo && *num < lo) || (hasHi && *num > hi)) {
		return fmt.Sprintf("stored answer %s is outside the new range", formatNumber(*num))
	}
	return ""
}

// numberAnswer checks a number against the question's bounds; whole asks
// for an integer, as the points of a scale are.
func numberAnswer(q *Question, v any, whole bool) (any, string) {
	f, ok := number(v)
	if !ok {
		return nil, "数値で回答してください"
	}
	lo, hi, hasLo, hasHi := q.Bounds()
	if whole && f != math.Trunc(f) {
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
}

// editorBounds reads the editor's min and max, marking a field that is not a number.
func editorBounds(q *Question, eq *EditorQuestion) {
	for _, b := range []struct {
		s     string
		dst   **float64
		field string
	}{{eq.Min, &q.Min, "min"}, {eq.Max, &q.Max, "max"}} {
		if b.s == "" {
			continue
		}
		x, err := strconv.ParseFloat(b.s, 64)
		if err != nil {
			eq.Fail(b.field, "数値で入力してください")
			continue
		}
		*b.dst = &x
	}
}

func rangeMessage(lo, hi float64) string {
	return fmt.Sprintf("%s〜%sで回答してください", formatNumber(lo), formatNumber(hi))
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
