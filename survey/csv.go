package survey

import (
	"encoding/csv"
	"io"
	"strings"
)

// WriteCSV writes responses as a spreadsheet opens them: UTF-8 with a BOM (so
// Excel on Windows reads Japanese), a timestamp column, one column per
// question and per matrix row, multi-selects joined with ";" as Google Forms
// does, and every cell a spreadsheet would run as a formula defused.
func WriteCSV(w io.Writer, s *Survey, responses []StoredResponse) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	d := s.Definition()
	header := []string{"回答日時", "ID"}
	for i := range d.Questions {
		q := &d.Questions[i]
		switch {
		case !q.Answerable():
		case q.Kind().Grid():
			for _, row := range q.Rows {
				header = append(header, q.Label+" ["+row+"]")
			}
		default:
			header = append(header, q.Label)
		}
	}
	if err := cw.Write(Defuse(header)); err != nil {
		return err
	}
	for _, r := range responses {
		rec := []string{r.SubmittedAt.In(jst).Format("2006/01/02 15:04:05"), defuseCell(r.ID)}
		for i := range d.Questions {
			q := &d.Questions[i]
			switch {
			case !q.Answerable():
			case q.Kind().Grid():
				m, _ := r.Answers[q.Key].(map[string]string)
				for _, row := range q.Rows {
					rec = append(rec, defuseCell(m[row]))
				}
			default:
				if n, ok := r.Answers[q.Key].(float64); ok {
					// A number is no formula: -7 stays a number a spreadsheet can add up.
					rec = append(rec, formatNumber(n))
					continue
				}
				rec = append(rec, defuseCell(CellText(q, r.Answers[q.Key])))
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse defuses every cell of a record of text.
func Defuse(rec []string) []string {
	for i, c := range rec {
		rec[i] = defuseCell(c)
	}
	return rec
}

// defuseCell prefixes a quote to a text cell a spreadsheet would evaluate
// (OWASP's CSV injection advice): leading =, +, -, @, tab or carriage return.
func defuseCell(c string) string {
	if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
		return "'" + c
	}
	return c
}
