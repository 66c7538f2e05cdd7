package survey

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// ImportOptions says how to read a file of answers collected elsewhere.
type ImportOptions struct {
	Format   string         // auto (or ""), koe, googleforms, msforms
	Location *time.Location // for timestamps without a zone; nil: Asia/Tokyo
	DryRun   bool           // check and preview, store nothing
	// Progress, if set, is told how many rows are read, for a progress bar.
	Progress func(done, total int)
}

// ImportProblem is one reason a file cannot be imported, placed the way a
// spreadsheet shows it: Row 1 is the header, Column a header or a label.
// Row 0 is the file as a whole.
type ImportProblem struct {
	Row     int    `json:"row,omitempty"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

func (p ImportProblem) String() string {
	switch {
	case p.Row == 0:
		return p.Message
	case p.Column == "":
		return fmt.Sprintf("%d行目: %s", p.Row, p.Message)
	}
	return fmt.Sprintf("%d行目・列「%s」: %s", p.Row, p.Column, p.Message)
}

// ImportError is an import refused for problems in the file; nothing was stored.
type ImportError struct {
	Problems []ImportProblem
}

func (e *ImportError) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0].String()
	}
	return fmt.Sprintf("%d件の問題があるため取り込みませんでした（最初の問題: %s）", len(e.Problems), e.Problems[0])
}

// ImportResult says what an import read and stored, or would store.
type ImportResult struct {
	Format   string // koe, googleforms, msforms
	Kind     string // the file as a person would name it, e.g. Google フォームの CSV
	Encoding string // UTF-8, Shift_JIS or xlsx
	Rows     int    // data rows read
	Stored   int    // responses stored (or, in a dry run, that would be)
	Skipped  int    // rows already imported before, or repeated in the file
	DryRun   bool
	Notes    []string
	Problems []ImportProblem
	Preview  []ImportedRow // the first rows, for the upload page
}

// ImportedRow is one row as it will be stored.
type ImportedRow struct {
	Row       int
	At        time.Time
	Answers   Answers
	Duplicate bool // already imported, or repeated earlier in the file
}

// PreviewRows bounds the rows a result carries for display.
const PreviewRows = 20

// Import reads a Google Forms, Microsoft Forms or koe export and stores its
// rows as responses of s, in one transaction: every row or none. Each row goes
// through Validate, as a web submission does, and every problem in the file is
// reported (as an *ImportError) before anything is written. Each row's
// submission key is derived from its time and answers, so a second import of
// the same file stores nothing new.
func (st *Store) Import(ctx context.Context, s *Survey, name string, data []byte, opt ImportOptions) (*ImportResult, error) {
	loc := opt.Location
	if loc == nil {
		loc = jst
	}
	t, err := readTable(name, data, opt.Format)
	if err != nil {
		return nil, &ImportError{Problems: []ImportProblem{{Message: err.Error()}}}
	}
	d := s.Definition()
	res := &ImportResult{Format: t.format, Encoding: t.encoding, Rows: len(t.rows), DryRun: opt.DryRun}
	cm, problems, notes := mapColumns(d, t)
	res.Notes = notes
	if len(problems) > 0 { // rows cannot be read without their columns
		res.Problems = problems
		return res, &ImportError{Problems: problems}
	}
	sep := byte(';')
	res.Kind = kindOf(t)
	if res.Kind == kindSheet {
		sep = ','
	}
	batch := make([]Pending, 0, len(t.rows))
	rowNums := make([]int, 0, len(t.rows))
	for i, row := range t.rows {
		p, rowProblems := readRow(d, t, cm, row, sep, loc)
		problems = append(problems, rowProblems...)
		if len(rowProblems) == 0 {
			batch = append(batch, p)
			rowNums = append(rowNums, row.num)
		}
		if opt.Progress != nil {
			opt.Progress(i+1, len(t.rows))
		}
	}
	if len(t.rows) == 0 {
		res.Notes = append(res.Notes, "データの行がありません（見出しの行だけです）。")
	}
	if len(problems) > 0 {
		res.Problems = problems
		return res, &ImportError{Problems: problems}
	}
	known, err := st.submissionKeys(ctx, s)
	if err != nil {
		return nil, err
	}
	for i, p := range batch {
		dup := known[p.Sub.Key]
		known[p.Sub.Key] = true
		if dup {
			res.Skipped++
		}
		if len(res.Preview) < PreviewRows {
			res.Preview = append(res.Preview, ImportedRow{Row: rowNums[i], At: p.Sub.At, Answers: p.Answers, Duplicate: dup})
		}
	}
	res.Stored = len(batch) - res.Skipped
	if opt.DryRun {
		return res, nil
	}
	res.Stored, res.Skipped, err = st.SubmitAll(ctx, s, batch)
	if err != nil {
		return nil, err
	}
	return res, nil
}

const (
	kindGoogleDownload = "Google フォームからダウンロードした CSV"
	kindSheet          = "Google スプレッドシートから保存した CSV"
	kindMSForms        = "Microsoft Forms の Excel ファイル"
	kindKoe            = "koe の CSV"
)

// googleDownloadStamp marks the Forms page's own CSV: a 12-hour clock or a
// GMT offset. The linked Sheet writes a bare 24-hour time, and joins
// checkbox answers with ", " instead of ";".
var googleDownloadStamp = regexp.MustCompile(`(?i)GMT|UTC|午前|午後|\bAM\b|\bPM\b`)

func kindOf(t *table) string {
	switch t.format {
	case FormatMSForms:
		return kindMSForms
	case FormatKoe:
		return kindKoe
	}
	for _, r := range t.rows {
		if stamp := strings.TrimSpace(r.cell(0)); stamp != "" {
			if googleDownloadStamp.MatchString(stamp) {
				return kindGoogleDownload
			}
			return kindSheet
		}
	}
	return kindGoogleDownload
}

// readRow reads one data row into a pending response, or says what is wrong
// with each of its cells.
func readRow(d *Definition, t *table, cm columnMap, row tableRow, sep byte, loc *time.Location) (Pending, []ImportProblem) {
	var problems []ImportProblem
	bad := func(col, msg string) {
		problems = append(problems, ImportProblem{Row: row.num, Column: col, Message: msg})
	}

	at, msg := rowTime(t, cm, row, loc)
	if msg != "" {
		bad(t.header[cm.stamp], msg)
	}
	raw := map[string]any{}
	header := map[string]string{} // question key -> the column to name in messages
	failed := map[string]bool{}
	for _, c := range cm.columns {
		cell := row.cell(c.index)
		if t.format == FormatKoe {
			cell = undefuse(cell)
		}
		if t.format == FormatMSForms && c.q.Type == Email && strings.EqualFold(strings.TrimSpace(cell), "anonymous") {
			cell = "" // Microsoft's placeholder for a respondent who did not sign in
		}
		header[c.q.Key] = c.header
		if c.q.Type == Matrix {
			header[c.q.Key] = c.q.Label // Validate speaks of the whole grid
		}
		if strings.TrimSpace(cell) == "" {
			continue
		}
		if c.q.Type == Matrix {
			v, msg := gridValue(c.q, cell)
			if msg != "" {
				bad(c.header, msg)
				failed[c.q.Key] = true
				continue
			}
			m, _ := raw[c.q.Key].(map[string]any)
			if m == nil {
				m = map[string]any{}
				raw[c.q.Key] = m
			}
			m[c.row] = v
			continue
		}
		v, msg := cellValue(c.q, cell, sep)
		if msg != "" {
			bad(c.header, msg)
			failed[c.q.Key] = true
			continue
		}
		if v != nil {
			raw[c.q.Key] = v
		}
	}
	answers, errs := Validate(d, raw)
	for _, key := range errs.Keys(d) {
		if !failed[key] {
			bad(header[key], errs[key])
		}
	}
	if len(problems) > 0 {
		return Pending{}, problems
	}
	return Pending{Answers: answers, Sub: Submission{Key: importKey(at, answers), Source: "import", At: at}}, nil
}

// rowTime reads a row's submission time.
func rowTime(t *table, cm columnMap, row tableRow, loc *time.Location) (time.Time, string) {
	cell := strings.TrimSpace(row.cell(cm.stamp))
	if cell == "" {
		return time.Time{}, "回答日時がありません"
	}
	if t.format == FormatMSForms { // a date cell reads as an Excel serial number
		var serial float64
		if _, err := fmt.Sscanf(cell, "%g", &serial); err == nil && !strings.ContainsAny(cell, "/-: ") {
			if at, ok := excelSerialTime(serial, loc); ok {
				return at, ""
			}
		}
	}
	at, err := parseStamp(cell, loc)
	if err != nil {
		return time.Time{}, err.Error()
	}
	return at, ""
}

// importKey recognises a row on a second import: its time and its answers
// in a canonical form (encoding/json sorts map keys), so the same file, or
// the same answers exported again, stores nothing twice.
func importKey(at time.Time, a Answers) string {
	body, _ := json.Marshal(a)
	h := sha256.New()
	h.Write([]byte(at.UTC().Format(time.RFC3339Nano)))
	h.Write([]byte{0})
	h.Write(body)
	return "import:" + hex.EncodeToString(h.Sum(nil))
}

// submissionKeys returns the keys already stored for s.
func (st *Store) submissionKeys(ctx context.Context, s *Survey) (map[string]bool, error) {
	var keys []string
	err := st.db.NewSelect().Model((*Response)(nil)).Column("submission_key").
		Where("survey_id = ? AND submission_key IS NOT NULL", s.ID).Scan(ctx, &keys)
	out := make(map[string]bool, len(keys))
	for _, k := range keys {
		out[k] = true
	}
	return out, err
}
