package survey

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
)

// ImportOptions says how to read a file of answers collected elsewhere.
type ImportOptions struct {
	Format   string         // auto (or ""), koe, googleforms, msforms
	Location *time.Location // for timestamps without a zone; nil: Asia/Tokyo
	DryRun   bool           // check and preview, store nothing
	// Progress, if set, is told how much of the file is read, in bytes (of
	// the unpacked sheet, for a workbook), for a progress bar. Rows are
	// stored as they are read, so this is the progress of the whole import
	// but its commit.
	Progress func(done, total int64)
}

// ImportProblem is one reason a file cannot be imported, placed the way a
// spreadsheet shows it: Row 1 is the header, Column a header or a label.
// Row 0 is the file as a whole. More counts the further rows with the same
// problem in the same column, which are not listed one by one.
type ImportProblem struct {
	Row     int    `json:"row,omitempty"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
	More    int    `json:"more,omitempty"`
}

func (p ImportProblem) String() string {
	if p.Row == 0 {
		return p.Message
	}
	where := fmt.Sprintf("%d行目", p.Row)
	if p.More > 0 {
		where += "（" + p.MoreRows() + "）"
	}
	if p.Column == "" {
		return where + ": " + p.Message
	}
	return fmt.Sprintf("%s・列「%s」: %s", where, p.Column, p.Message)
}

// MoreRows says how many further rows have the problem, for the upload page.
func (p ImportProblem) MoreRows() string {
	if p.More == 0 {
		return ""
	}
	return "ほか" + comma(p.More) + "行"
}

// ImportError is an import refused for problems in the file; nothing was
// stored. It lists the first problems (see problemList) and counts the rest.
type ImportError struct {
	Problems []ImportProblem
	Unlisted int // problems beyond those listed
	// Stopped says the file could not be read to its end (a limit, a broken
	// file): sending the same file again cannot help.
	Stopped bool
}

// Count is the number of problems, listed or not.
func (e *ImportError) Count() int {
	n := e.Unlisted
	for _, p := range e.Problems {
		n += 1 + p.More
	}
	return n
}

func (e *ImportError) Error() string {
	if e.Count() == 1 {
		return e.Problems[0].String()
	}
	return fmt.Sprintf("%s件の問題があるため取り込みませんでした（最初の問題: %s）", comma(e.Count()), e.Problems[0])
}

// UnlistedNote says that n more problems were found than are listed.
func UnlistedNote(n int) string {
	return fmt.Sprintf("ほか%s件の問題があります（一覧は最初の%d件まで。同じ列の同じ問題は1件にまとめています）。", comma(n), maxListedProblems)
}

// ImportResult says what an import read and stored, or would store.
type ImportResult struct {
	Format           string // koe, googleforms, msforms
	Kind             string // the file as a person would name it, e.g. Google フォームの CSV
	Encoding         string // UTF-8, Shift_JIS or xlsx
	Rows             int    // data rows read
	Stored           int    // responses stored (or, in a dry run, that would be)
	Skipped          int    // rows already imported before, or repeated in the file
	DryRun           bool
	Notes            []string
	Columns          []ImportColumn  // each column of the header, and what is read from it
	restated         map[string]bool // notes that Columns says too
	Problems         []ImportProblem // as in ImportError
	UnlistedProblems int
	Preview          []ImportedRow // the first rows, for the upload page
}

// GeneralNotes are the notes that Columns does not say already, for a page
// that shows Columns as a table (the command line prints every note).
func (r *ImportResult) GeneralNotes() []string {
	var out []string
	for _, n := range r.Notes {
		if !r.restated[n] {
			out = append(out, n)
		}
	}
	return out
}

// ProblemCount is the number of problems, listed or not.
func (r *ImportResult) ProblemCount() int {
	return (&ImportError{Problems: r.Problems, Unlisted: r.UnlistedProblems}).Count()
}

// UnlistedNote says how many problems are not listed, for the upload page.
func (r *ImportResult) UnlistedNote() string { return UnlistedNote(r.UnlistedProblems) }

// ImportedRow is one row as it will be stored.
type ImportedRow struct {
	Row       int
	At        time.Time
	Answers   Answers
	Duplicate bool // already imported, or repeated earlier in the file
}

// PreviewRows bounds the rows a result carries for display.
const PreviewRows = 20

// importBatch is how many rows are checked against the stored ones, and
// stored, at a time.
const importBatch = 1000

// ImportSink is where an import's rows go: internal/store, which reads and
// writes them in the import's transaction.
type ImportSink interface {
	// Stored returns which of values the survey's responses hold in column
	// ("submission_key" or "id").
	Stored(ctx context.Context, column string, values []string) (map[string]bool, error)
	// Store stores new responses of the survey; never called in a dry run
	// or once the file has a problem.
	Store(ctx context.Context, batch []Pending) error
}

// Importer reads a Google Forms, Microsoft Forms or koe export for
// internal/store's Import, which stores its rows as responses of s in one
// transaction: every row or none. Each row goes through Validate, as a web
// submission does, and every problem in the file is reported (as an
// *ImportError) and nothing stored. Each row's submission key is derived from
// its time and answers (or, in koe's export, from its response id), so a
// second import of the same file stores nothing twice.
//
// Rows are read, checked and stored in batches, so the memory an import takes
// does not grow with the number of rows, and what a file may unpack or hold
// is bounded (see import_limits.go). Once a problem is found nothing more is
// stored, but the rest of the file is still checked, then the transaction is
// rolled back. A dry run reads the same way and stores nothing.
type Importer struct{ imp *importer }

// OpenImport opens a file of size bytes read from src a part at a time, and
// maps its columns to the questions of s; rows without a date are dated now.
// A file that cannot be read, or whose columns do not match, is refused
// with an *ImportError (and the result that says so). Close the Importer.
func OpenImport(s *Survey, name string, src io.ReaderAt, size int64, opt ImportOptions, now time.Time) (*Importer, *ImportResult, error) {
	t, err := openTable(name, src, size)
	if err != nil {
		return nil, nil, refusal(err, true)
	}
	if err := t.pickFormat(opt.Format); err != nil {
		t.rows.close()
		return nil, nil, refusal(err, false)
	}
	imp := &importer{s: s, d: s.Definition(), t: t, opt: opt, loc: opt.Location,
		res: &ImportResult{Format: t.format, Encoding: t.encoding, DryRun: opt.DryRun}}
	if imp.loc == nil {
		imp.loc = jst
	}
	imp.started = now.UTC()
	imp.setKind("") // until a row's timestamp tells the two Google CSVs apart
	var problems []ImportProblem
	imp.cm, problems, imp.res.Notes = mapColumns(imp.d, t)
	imp.res.Columns, imp.res.restated = imp.cm.report, imp.cm.restated
	if len(problems) > 0 { // rows cannot be read without their columns
		t.rows.close()
		imp.problems.addAll(problems)
		res, err := imp.refuse()
		return nil, res, err
	}
	return &Importer{imp: imp}, nil, nil
}

// Close releases the file.
func (i *Importer) Close() { i.imp.t.rows.close() }

// Read reads every row, storing the new ones through sink (in a dry run, it
// only asks which are stored already), and returns what it read and stored.
// A file with problems returns them as an *ImportError, with the result.
func (i *Importer) Read(ctx context.Context, sink ImportSink) (*ImportResult, error) {
	imp := i.imp
	err := imp.run(ctx, sink)
	var ie *ImportError
	if errors.As(err, &ie) {
		return imp.refuse()
	}
	if err != nil {
		return nil, err
	}
	if imp.res.Rows == 0 {
		imp.res.Notes = append(imp.res.Notes, "データの行がありません（見出しの行だけです）。")
	}
	return imp.res, nil
}

// refusal turns an error reading a file into the error an import returns.
func refusal(err error, stopped bool) error {
	var rp *readProblem
	if !errors.As(err, &rp) {
		return err
	}
	return &ImportError{Problems: []ImportProblem{rp.ImportProblem}, Stopped: stopped}
}

// importer reads a file's rows, checks each one and stores them in batches.
type importer struct {
	s   *Survey
	d   *Definition
	t   *table
	cm  columnMap
	opt ImportOptions
	loc *time.Location
	sep byte // what joins checkbox answers (see setKind)

	kindFromStamp bool           // setKind has seen a timestamp
	started       time.Time      // the date of rows without one
	copies        map[string]int // rows without a date: how often each answers were seen

	res      *ImportResult
	problems problemList
	stopped  bool                  // reading stopped before the end of the file
	seen     map[[16]byte]struct{} // the keys of the rows read, to find a row repeated in the file
	batch    []importRow
}

// importRow is a row read and checked, waiting for its batch.
type importRow struct {
	num int
	p   Pending
	// id is the response id of a row of koe's export, and answerKey its
	// key by time and answers, as imports of koe's export stored it before
	// they used the id.
	id, answerKey string
}

// run reads every row. Rows are stored through sink (but in a dry run)
// until the first problem; it returns an *ImportError if there was one.
func (imp *importer) run(ctx context.Context, sink ImportSink) error {
	imp.seen = map[[16]byte]struct{}{}
	for {
		row, err := imp.t.rows.next()
		if errors.Is(err, io.EOF) {
			break
		}
		var rp *readProblem
		if errors.As(err, &rp) {
			imp.problems.add(rp.ImportProblem)
			imp.stopped = true
			break
		}
		if err != nil {
			return err
		}
		imp.res.Rows++
		imp.read(row)
		if len(imp.batch) == importBatch {
			if err := imp.flush(ctx, sink); err != nil {
				return err
			}
		}
		if imp.opt.Progress != nil {
			imp.opt.Progress(imp.t.rows.progress())
		}
	}
	if err := imp.flush(ctx, sink); err != nil {
		return err
	}
	if imp.opt.Progress != nil {
		_, total := imp.t.rows.progress()
		imp.opt.Progress(total, total)
	}
	if !imp.problems.empty() {
		return imp.problems.err()
	}
	return nil
}

// read checks one row and adds it to the batch, or notes its problems.
func (imp *importer) read(row tableRow) {
	bad := false
	for i, c := range row.cells {
		switch {
		case tooLong(c):
			imp.problems.add(ImportProblem{Row: row.num, Column: columnLabel(imp.t.header, i), Message: tooLongCell})
			bad = true
		case (i >= len(imp.t.header) || imp.cm.unlabeled[i]) && strings.TrimSpace(c) != "":
			imp.problems.add(ImportProblem{Row: row.num, Column: columnLabel(imp.t.header, i),
				Message: "見出しのない列に値があります。この列の見出しを設問の見出しと同じにしてください"})
			bad = true
		}
	}
	if bad {
		return
	}
	if stamp := strings.TrimSpace(row.cell(imp.cm.stamp)); !imp.kindFromStamp && stamp != "" {
		imp.setKind(stamp)
		imp.kindFromStamp = true
	}
	p, problems := readRow(imp.d, imp.t, imp.cm, row, imp.sep, imp.loc)
	if len(problems) > 0 {
		imp.problems.addAll(problems)
		return
	}
	if imp.cm.stamp < 0 {
		// Undated rows are dated now and known again by their answers alone;
		// the n-th row with the same answers is the n-th such response, so
		// two respondents who answered alike stay two.
		if imp.copies == nil {
			imp.copies = map[string]int{}
		}
		content := importKey(time.Time{}, p.Answers)
		imp.copies[content]++
		p.Sub.At = imp.started
		p.Sub.Key = fmt.Sprintf("%s:%d", content, imp.copies[content])
	}
	r := importRow{num: row.num, p: p}
	if imp.cm.id >= 0 {
		if id, err := uuid.Parse(strings.TrimSpace(row.cell(imp.cm.id))); err == nil {
			r.id, r.answerKey = id.String(), p.Sub.Key
			r.p.Sub.Key = "import:id:" + r.id
		}
	}
	imp.batch = append(imp.batch, r)
}

// setKind names the file by its first timestamp, and so learns how it joins
// checkbox answers: the Google Sheet with ", ", the others with ";".
func (imp *importer) setKind(stamp string) {
	imp.res.Kind = kindOf(imp.t.format, stamp)
	imp.sep = ';'
	if imp.res.Kind == kindSheet {
		imp.sep = ','
	}
}

// flush finds which rows of the batch were imported before (stored, or
// earlier in this file), stores the others while the file has no problem,
// and counts both.
func (imp *importer) flush(ctx context.Context, sink ImportSink) error {
	if len(imp.batch) == 0 {
		return nil
	}
	defer func() { imp.batch = imp.batch[:0] }()
	if err := ctx.Err(); err != nil {
		return err
	}
	dup := make([]bool, len(imp.batch))
	var keys, ids []string
	for i, r := range imp.batch {
		h := sha256.Sum256([]byte(r.p.Sub.Key))
		k := [16]byte(h[:16])
		if _, ok := imp.seen[k]; ok {
			dup[i] = true
			continue
		}
		imp.seen[k] = struct{}{}
		keys = append(keys, r.p.Sub.Key)
		if r.id != "" {
			keys = append(keys, r.answerKey)
			ids = append(ids, r.id)
		}
	}
	storedKeys, err := sink.Stored(ctx, "submission_key", keys)
	if err != nil {
		return err
	}
	storedIDs, err := sink.Stored(ctx, "id", ids)
	if err != nil {
		return err
	}
	var fresh []Pending
	for i, r := range imp.batch {
		if storedKeys[r.p.Sub.Key] || (r.id != "" && (storedKeys[r.answerKey] || storedIDs[r.id])) {
			dup[i] = true
		}
		if dup[i] {
			imp.res.Skipped++
		} else {
			imp.res.Stored++
			fresh = append(fresh, r.p)
		}
		if len(imp.res.Preview) < PreviewRows {
			imp.res.Preview = append(imp.res.Preview, ImportedRow{Row: r.num, At: r.p.Sub.At, Answers: r.p.Answers, Duplicate: dup[i]})
		}
	}
	if imp.opt.DryRun || !imp.problems.empty() || len(fresh) == 0 {
		return nil
	}
	return sink.Store(ctx, fresh)
}

// refuse returns the import's problems as its result and error.
func (imp *importer) refuse() (*ImportResult, error) {
	e := imp.problems.err()
	e.Stopped = imp.stopped
	imp.res.Problems, imp.res.UnlistedProblems = e.Problems, e.Unlisted
	imp.res.Preview = nil
	return imp.res, e
}

const (
	kindGoogleDownload = "Google フォームからダウンロードした CSV"
	kindSheet          = "Google スプレッドシートから保存した CSV"
	kindMSForms        = "Microsoft Forms の Excel ファイル"
	kindKoe            = "koe の CSV"
	kindTable          = "表（見出し行のある CSV・Excel）"
)

// googleDownloadStamp marks the Forms page's own CSV: a 12-hour clock or a
// GMT offset. The linked Sheet writes a bare 24-hour time, and joins
// checkbox answers with ", " instead of ";".
var googleDownloadStamp = regexp.MustCompile(`(?i)GMT|UTC|午前|午後|\bAM\b|\bPM\b`)

// kindOf names the file by its format and its first timestamp.
func kindOf(format, stamp string) string {
	switch {
	case format == FormatMSForms:
		return kindMSForms
	case format == FormatKoe:
		return kindKoe
	case format == FormatTable:
		return kindTable
	case stamp == "" || googleDownloadStamp.MatchString(stamp):
		return kindGoogleDownload
	}
	return kindSheet
}

// readRow reads one data row into a pending response, or says what is wrong
// with each of its cells.
func readRow(d *Definition, t *table, cm columnMap, row tableRow, sep byte, loc *time.Location) (Pending, []ImportProblem) {
	var problems []ImportProblem
	bad := func(col, msg string) {
		problems = append(problems, ImportProblem{Row: row.num, Column: col, Message: msg})
	}

	var at time.Time
	if cm.stamp >= 0 {
		var msg string
		if at, msg = rowTime(t, cm, row, loc); msg != "" {
			bad(t.header[cm.stamp], msg)
		}
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
		if c.q.Kind().Grid() {
			header[c.q.Key] = c.q.Label // Validate speaks of the whole grid
		}
		if strings.TrimSpace(cell) == "" {
			continue
		}
		if c.q.Kind().Grid() {
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
		v, msg := c.q.Kind().fromCell(c.q, cell, sep) // the raw answer Validate takes, or why not
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
		if failed[key] {
			continue
		}
		col := header[key]
		if q := d.Question(key); col == "" && q != nil { // a required question the file has no column for
			col = q.Label
		}
		bad(col, errs[key])
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
	if t.format == FormatMSForms || t.format == FormatTable { // a date cell reads as an Excel serial number
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
