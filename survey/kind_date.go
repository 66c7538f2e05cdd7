package survey

import (
	"strings"
	"time"
)

// Date is a day, written YYYY-MM-DD; the report counts answers per day.
const Date = "date"

type dateKind struct{ baseKind }

func (dateKind) Name() string         { return Date }
func (dateKind) EditorLabel() string  { return "日付" }
func (dateKind) ReportLabel() string  { return "日付" }
func (dateKind) Aggregate() Aggregate { return ValueCountsAggregate }
func (dateKind) Block() Block         { return DatesBlock }

// fromCell reads the shapes spreadsheets write (2023/2/22, an Excel serial).
func (dateKind) fromCell(_ *Question, cell string, _ byte) (any, string) {
	if s, ok := parseDate(cell); ok {
		return s, ""
	}
	return strings.TrimSpace(cell), "" // Validate names the expected shape
}

func (dateKind) normalise(_ *Question, v any) (any, string) {
	s, msg := typedText(v, MaxTextLen)
	if msg != "" {
		return nil, msg
	}
	if _, err := time.Parse("2006-01-02", s); err != nil {
		return nil, "日付を YYYY-MM-DD の形で入力してください（例: 2024-10-06）"
	}
	return s, ""
}
