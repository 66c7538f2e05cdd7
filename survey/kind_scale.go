package survey

// Scale is a rating on whole points, 1–5 unless min and max say otherwise.
const Scale = "scale"

type scaleKind struct{ numericKind }

func (scaleKind) Name() string            { return Scale }
func (scaleKind) EditorLabel() string     { return "尺度（1〜5など）" }
func (scaleKind) ReportLabel() string     { return "評価" }
func (scaleKind) CrossTabbed() bool       { return true }
func (scaleKind) Aggregate() Aggregate    { return ValueCountsAggregate }
func (scaleKind) Block() Block            { return ScaleBlock }
func (scaleKind) requiredMessage() string { return "選択してください（必須）" }

func (scaleKind) bounds(q *Question) (lo, hi float64, hasLo, hasHi bool) {
	lo, hi = 1, 5
	if q.Min != nil {
		lo = *q.Min
	}
	if q.Max != nil {
		hi = *q.Max
	}
	return lo, hi, true, true
}

func (scaleKind) check(q *Question, fail func(field, format string, args ...any)) {
	lo, hi, _, _ := q.Bounds()
	if lo != float64(int(lo)) || hi != float64(int(hi)) {
		fail("min", "scale bounds must be whole numbers")
	} else if hi <= lo || hi-lo > 10 {
		fail("max", "a scale runs from min to max, with max above min and at most 11 points (e.g. min: 1, max: 5)")
	}
}

func (scaleKind) normalise(q *Question, v any) (any, string) { return numberAnswer(q, v, true) }

// fromEditor: a scale keeps its end labels and reads its bounds.
func (scaleKind) fromEditor(q *Question, eq *EditorQuestion) { editorBounds(q, eq) }

func (scaleKind) points(q *Question) []string { return wholePoints(q) }

// EditorFields: see Kind.
func (scaleKind) EditorFields() []string { return []string{"min", "max", "min_label", "max_label"} }
