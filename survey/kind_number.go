package survey

// Number is a number typed freely, within min and max when given.
const Number = "number"

type numberKind struct{ numericKind }

func (numberKind) Name() string         { return Number }
func (numberKind) EditorLabel() string  { return "数値" }
func (numberKind) ReportLabel() string  { return "数値" }
func (numberKind) Aggregate() Aggregate { return NumberStatsAggregate }
func (numberKind) Block() Block         { return NumberBlock }

func (numberKind) check(q *Question, fail func(field, format string, args ...any)) {
	if q.Min != nil && q.Max != nil && *q.Max < *q.Min {
		fail("max", "must not be below min")
	}
}

func (numberKind) normalise(q *Question, v any) (any, string) { return numberAnswer(q, v, false) }

func (numberKind) fromEditor(q *Question, eq *EditorQuestion) {
	q.MinLabel, q.MaxLabel = "", ""
	editorBounds(q, eq)
}

// EditorFields: see Kind.
func (numberKind) EditorFields() []string { return []string{"min", "max"} }
