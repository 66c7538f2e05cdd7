package survey

// NPS is the 0–10 "would you recommend" question of the Net Promoter Score.
const NPS = "nps"

type npsKind struct{ numericKind }

func (npsKind) Name() string            { return NPS }
func (npsKind) EditorLabel() string     { return "推奨度（0〜10）" }
func (npsKind) ReportLabel() string     { return "推奨度（NPS）" }
func (npsKind) Aggregate() Aggregate    { return ValueCountsAggregate }
func (npsKind) Block() Block            { return NPSBlock }
func (npsKind) requiredMessage() string { return "選択してください（必須）" }

func (npsKind) bounds(*Question) (lo, hi float64, hasLo, hasHi bool) { return 0, 10, true, true }

func (npsKind) check(q *Question, fail func(field, format string, args ...any)) {
	if q.Min != nil || q.Max != nil {
		fail("min", "nps is always 0–10; remove min and max")
	}
}

func (npsKind) normalise(q *Question, v any) (any, string) { return numberAnswer(q, v, true) }

func (npsKind) points(q *Question) []string { return wholePoints(q) }
