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
		case q.Type == Matrix:
			for _, row := range q.Rows {
				header = append(header, q.Label+" ["+row+"]")
			}
		default:
			header = append(header, q.Label)
		}
	}
	if err := cw.Write(defuse(header)); err != nil {
		return err
	}
	for _, r := range responses {
		rec := []string{r.SubmittedAt.In(jst).Format("2006/01/02 15:04:05"), r.ID}
		for i := range d.Questions {
			q := &d.Questions[i]
			switch {
			case !q.Answerable():
			case q.Type == Matrix:
				m, _ := r.Answers[q.Key].(map[string]string)
				for _, row := range q.Rows {
					rec = append(rec, m[row])
				}
			default:
				rec = append(rec, CellText(q, r.Answers[q.Key]))
			}
		}
		if err := cw.Write(defuse(rec)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse prefixes a quote to cells a spreadsheet would evaluate (OWASP's CSV
// injection advice): leading =, +, -, @, tab or carriage return.
func defuse(rec []string) []string {
	for i, c := range rec {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			rec[i] = "'" + c
		}
	}
	return rec
}
