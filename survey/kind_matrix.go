package survey

import (
	"fmt"
	"net/url"
	"strings"
)

// Matrix rates several rows (items) on the same columns (choices): one
// answer row per matrix row, its Item the row.
const Matrix = "matrix"

type matrixKind struct{ baseKind }

func (matrixKind) Name() string         { return Matrix }
func (matrixKind) EditorLabel() string  { return "マトリクス" }
func (matrixKind) ReportLabel() string  { return "マトリクス" }
func (matrixKind) Grid() bool           { return true }
func (matrixKind) SeveralRows() bool    { return true }
func (matrixKind) Aggregate() Aggregate { return ValueCountsAggregate }
func (matrixKind) Block() Block         { return MatrixBlock }
func (matrixKind) requiredMessage() string {
	return "すべての行で選択してください（必須）"
}

func (matrixKind) check(q *Question, fail func(field, format string, args ...any)) {
	if len(q.Rows) == 0 {
		fail("rows", "a matrix question needs rows (the items rated)")
	}
	if len(q.Columns) == 0 {
		fail("columns", "a matrix question needs columns (the choices for each row)")
	}
	if dup := duplicate(q.Rows); dup != "" {
		fail("rows", "row %q is listed twice", dup)
	}
	if dup := duplicate(q.Columns); dup != "" {
		fail("columns", "column %q is listed twice", dup)
	}
}

func (matrixKind) fromForm(q *Question, form url.Values) (any, bool) {
	m := map[string]any{}
	for r, row := range q.Rows {
		if v := form.Get(RowFieldName(q.Key, r)); v != "" {
			m[row] = v
		}
	}
	return m, len(m) > 0
}

func (matrixKind) normalise(q *Question, v any) (any, string) {
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
}

// rows: one per answered matrix row, in the definition's row order.
func (matrixKind) rows(dst []Answer, q *Question, base Answer, v any) []Answer {
	m, _ := v.(map[string]string)
	for pos, row := range q.Rows {
		if col, ok := m[row]; ok {
			a := base
			a.Item, a.Value, a.Position = row, col, pos
			dst = append(dst, a)
		}
	}
	return dst
}

func (matrixKind) rebuild(out Answers, key string, a Answer) {
	m, _ := out[key].(map[string]string)
	if m == nil {
		m = map[string]string{}
	}
	m[a.Item] = a.Value
	out[key] = m
}

// orphan: every row and column with stored answers must stay.
func (matrixKind) orphan(q *Question, item, value string, _ *float64, _ bool) string {
	if !contains(q.Rows, item) {
		return fmt.Sprintf("row %q has stored answers and is no longer a row", item)
	}
	if !contains(q.Columns, value) {
		return fmt.Sprintf("column %q has stored answers and is no longer a column", value)
	}
	return ""
}

func (matrixKind) fromEditor(q *Question, eq *EditorQuestion) {
	q.Rows, q.Columns = splitLines(eq.Rows), splitLines(eq.Columns)
	q.MinLabel, q.MaxLabel = "", ""
}

// EditorFields: see Kind.
func (matrixKind) EditorFields() []string { return []string{"rows", "columns"} }
