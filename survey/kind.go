package survey

import (
	"net/url"
	"strconv"
	"strings"
)

// Kind is everything one question type does, from its definition to its
// report: checking the definition, decoding an answer (from a form, JSON or an
// imported cell), validating it, the answer rows it is stored as, rebuilding
// it from those rows, how it is aggregated and which report block shows it.
// Each kind lives in its own file (kind_<name>.go) and is listed in kinds;
// a new question type is one such file, one line in kinds and its templates.
//
// The unexported methods keep the kinds inside this package; the exported
// ones are what other packages may ask of a question's kind.
type Kind interface {
	// Name is the type as a definition writes it.
	Name() string
	// EditorLabel names the kind in Japanese where staff pick a question's type.
	EditorLabel() string
	// ReportLabel names the kind in Japanese above its block in a report
	// ("" for a kind shown without one).
	ReportLabel() string
	// Answerable is false for a heading that takes no answer.
	Answerable() bool
	// HasOptions marks choice kinds: options, その他, attributes.
	HasOptions() bool
	// Numeric marks kinds whose answers are numbers (Answer.Number), within Question.Bounds.
	Numeric() bool
	// FreeText marks kinds whose every answer is typed text, kept out of
	// the index of values (Answer.FreeText).
	FreeText() bool
	// Analysable marks kinds whose answers may be tokenized (analyze: true).
	Analysable() bool
	// Grid marks kinds answered row by row (rows × columns).
	Grid() bool
	// SeveralRows marks kinds one response may store several answer rows of.
	SeveralRows() bool
	// CrossTabbed marks kinds a report crosses with every attribute.
	CrossTabbed() bool
	// Aggregate says which summary of stored answers the kind's report needs.
	Aggregate() Aggregate
	// Block names the report block that shows the kind.
	Block() Block
	// EditorFields lists the editor's typed fields the kind uses (options,
	// other, rows, columns, min, max, min_label, max_label): the editor
	// shows those and keeps the rest out of the way.
	EditorFields() []string

	// bounds is the allowed range of a numeric answer (Question.Bounds).
	bounds(q *Question) (lo, hi float64, hasLo, hasHi bool)
	// points lists the values a respondent picks from (Question.Points).
	points(q *Question) []string
	// check reports what is wrong with the kind's own fields of a definition.
	check(q *Question, fail func(field, format string, args ...any))
	// requiredMessage is what a respondent reads when a required answer is missing.
	requiredMessage() string
	// fromForm reads the question's fields of a posted form as the raw
	// answer Validate takes; ok is false when nothing was answered.
	fromForm(q *Question, form url.Values) (raw any, ok bool)
	// fromCell turns one cell of an imported file into the raw answer
	// Validate takes, or says why it cannot; sep is how the file joins
	// checkbox answers.
	fromCell(q *Question, cell string, sep byte) (any, string)
	// normalise validates a raw answer (JSON, form or cell) and returns it
	// in the shape Answers documents, or the message a respondent reads.
	normalise(q *Question, v any) (any, string)
	// rows appends a validated answer to dst as stored rows, filled in from base.
	rows(dst []Answer, q *Question, base Answer, v any) []Answer
	// rebuild adds one stored row back to out, in the shape Answers documents.
	rebuild(out Answers, key string, a Answer)
	// orphan says why a stored answer would not fit q, the question's new
	// definition ("" when it fits).
	orphan(q *Question, item, value string, num *float64, other bool) string
	// fromEditor sets the kind's own fields of q from the editor's form.
	fromEditor(q *Question, eq *EditorQuestion)
}

// Aggregate is the summary of stored answers a kind's report block is made from.
type Aggregate int

const (
	// NoAggregate: nothing is summarised (a section).
	NoAggregate Aggregate = iota
	// ValueCountsAggregate: how many answers carry each value (Store.ValueCounts).
	ValueCountsAggregate
	// NumberStatsAggregate: mean, median and range (Store.NumberStats).
	NumberStatsAggregate
	// TextsAggregate: the answers listed, and analysed when asked (Store.AnswerTexts).
	TextsAggregate
)

// Block is the report block that shows a kind's answers.
type Block int

const (
	NoBlock Block = iota
	ChoicesBlock
	ConsentBlock
	DatesBlock
	ScaleBlock
	NPSBlock
	MatrixBlock
	NumberBlock
	TextBlock
)

// kinds lists every question kind, in the order error messages name them.
var kinds = []Kind{
	singleKind{}, multiKind{}, scaleKind{}, npsKind{}, matrixKind{},
	textKind{}, textareaKind{}, numberKind{}, dateKind{}, emailKind{}, consentKind{}, sectionKind{},
}

var kindByName = func() map[string]Kind {
	m := make(map[string]Kind, len(kinds))
	for _, k := range kinds {
		m[k.Name()] = k
	}
	return m
}()

// Types lists every valid question type, in the order error messages name them.
var Types = func() []string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.Name()
	}
	return names
}()

// KindOf returns the kind of a question type. An unknown type (a definition
// not yet checked) gets a kind that takes no valid answer.
func KindOf(typ string) Kind {
	if k, ok := kindByName[typ]; ok {
		return k
	}
	return unknownKind{name: typ}
}

// Kind returns the kind of the question's type.
func (q *Question) Kind() Kind { return KindOf(q.Type) }

// Points lists the values a scale or nps question offers, lowest first; nil for other kinds.
func (q *Question) Points() []string { return q.Kind().points(q) }

// Bounds returns the allowed range of a scale, nps or number question.
// hasLo or hasHi is false when the question has no bound on that side.
func (q *Question) Bounds() (lo, hi float64, hasLo, hasHi bool) { return q.Kind().bounds(q) }

// wholePoints lists the whole numbers within a question's bounds.
func wholePoints(q *Question) []string {
	lo, hi, _, _ := q.Bounds()
	var out []string
	for x := int(lo); x <= int(hi); x++ {
		out = append(out, strconv.Itoa(x))
	}
	return out
}

// baseKind is what a kind does unless it says otherwise: a typed answer
// taken as it comes, one row, no traits. Kinds embed it.
type baseKind struct{}

func (baseKind) EditorLabel() string    { return "" }
func (baseKind) ReportLabel() string    { return "" }
func (baseKind) Answerable() bool       { return true }
func (baseKind) HasOptions() bool       { return false }
func (baseKind) Numeric() bool          { return false }
func (baseKind) FreeText() bool         { return false }
func (baseKind) Analysable() bool       { return false }
func (baseKind) Grid() bool             { return false }
func (baseKind) SeveralRows() bool      { return false }
func (baseKind) CrossTabbed() bool      { return false }
func (baseKind) Aggregate() Aggregate   { return NoAggregate }
func (baseKind) Block() Block           { return NoBlock }
func (baseKind) EditorFields() []string { return nil }

// bounds: the min and max the definition gives, if any.
func (baseKind) bounds(q *Question) (lo, hi float64, hasLo, hasHi bool) {
	if q.Min != nil {
		lo, hasLo = *q.Min, true
	}
	if q.Max != nil {
		hi, hasHi = *q.Max, true
	}
	return lo, hi, hasLo, hasHi
}

func (baseKind) points(*Question) []string { return nil }

func (baseKind) check(*Question, func(field, format string, args ...any)) {}

func (baseKind) requiredMessage() string { return "入力してください（必須）" }

func (baseKind) fromForm(q *Question, form url.Values) (any, bool) {
	if v := form.Get(FieldName(q.Key)); strings.TrimSpace(v) != "" {
		return v, true
	}
	return nil, false
}

func (baseKind) fromCell(_ *Question, cell string, _ byte) (any, string) { return cell, "" }

func (baseKind) normalise(*Question, any) (any, string) {
	return nil, "この質問には回答できません"
}

func (baseKind) rows(dst []Answer, _ *Question, base Answer, v any) []Answer {
	s, ok := v.(string)
	if !ok {
		return dst
	}
	base.Value = s
	return append(dst, base)
}

func (baseKind) rebuild(out Answers, key string, a Answer) { out[key] = a.Value }

func (baseKind) orphan(*Question, string, string, *float64, bool) string { return "" }

// fromEditor: only a scale has end labels.
func (baseKind) fromEditor(q *Question, _ *EditorQuestion) { q.MinLabel, q.MaxLabel = "", "" }

// unknownKind is the kind of a type no kind is named after.
type unknownKind struct {
	baseKind
	name string
}

func (k unknownKind) Name() string { return k.name }
