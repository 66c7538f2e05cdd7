package survey

import "strings"

// CellText writes one answer as a spreadsheet cell would show it: multi-selects
// joined with ";" as Google Forms does, matrix rows as "row: column".
func CellText(q *Question, v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []string:
		return strings.Join(v, ";")
	case float64:
		return formatNumber(v)
	case bool:
		if v {
			return "同意"
		}
		return ""
	case map[string]string:
		var parts []string
		for _, row := range q.Rows {
			if c, ok := v[row]; ok {
				parts = append(parts, row+": "+c)
			}
		}
		return strings.Join(parts, " / ")
	}
	return ""
}
