package survey

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Import formats, as --format and the upload form name them.
const (
	FormatAuto        = "auto"
	FormatKoe         = "koe"
	FormatGoogleForms = "googleforms"
	FormatMSForms     = "msforms"
	// FormatTable is any table with a header row: paper answers typed into
	// Excel, another tool's export. Columns map to questions by label; a
	// timestamp column is optional (without one, answers are dated the
	// moment of the import) and columns that match no question are left out.
	FormatTable = "table"
)

// ImportFormats lists the formats in the order the upload form offers them.
var ImportFormats = []string{FormatAuto, FormatTable, FormatGoogleForms, FormatMSForms, FormatKoe}

// table is an imported file, whatever it came as: its header, and its data
// rows read one at a time, so a file of any length is never held whole.
type table struct {
	format   string
	encoding string   // UTF-8, Shift_JIS, xlsx
	header   []string // without trailing empty cells
	rows     rowSource
}

// rowSource yields the data rows of a file in order, blank rows skipped.
type rowSource interface {
	// next returns the next row, io.EOF after the last, or a *readProblem
	// where the file cannot be read any further.
	next() (tableRow, error)
	// progress says how much of the file is read: done of total bytes.
	progress() (done, total int64)
	close() error
}

// tableRow is one data row and its number as a spreadsheet shows it (the
// header is row 1; a CSV cell with line breaks does not shift the numbers).
type tableRow struct {
	num   int
	cells []string
}

// cell returns the i-th cell, or "" where a short row ends early.
func (r tableRow) cell(i int) string {
	if i >= 0 && i < len(r.cells) {
		return r.cells[i]
	}
	return ""
}

// readProblem is a problem that stops the reading of a file: where it is, and
// what a person can do about it. Anything else a reader returns is a fault
// of the machine (a disk error), not of the file.
type readProblem struct{ ImportProblem }

func (p *readProblem) Error() string { return p.String() }

func problemAt(row int, column, format string, args ...any) *readProblem {
	return &readProblem{ImportProblem{Row: row, Column: column, Message: fmt.Sprintf(format, args...)}}
}

func fileProblem(msg string) *readProblem { return &readProblem{ImportProblem{Message: msg}} }

var zipMagic = []byte("PK\x03\x04")

// openTable opens a CSV or xlsx file and reads its header. The rows are
// left to read.
func openTable(name string, src io.ReaderAt, size int64) (*table, error) {
	magic := make([]byte, len(zipMagic))
	n, _ := src.ReadAt(magic, 0)
	switch {
	case bytes.Equal(magic[:n], zipMagic):
		return openXLSX(src, size)
	case strings.EqualFold(filepath.Ext(name), ".xlsx"):
		return nil, fileProblem("この .xlsx ファイルは壊れているか、Excel のファイルではありません。")
	}
	return openCSV(src, size)
}

// pickFormat works out which tool wrote the file from its header, and checks
// it against the format asked for (auto or "": any).
func (t *table) pickFormat(format string) error {
	isXLSX := t.encoding == "xlsx"
	if format == FormatMSForms && !isXLSX {
		return fileProblem("Microsoft Forms の形式には .xlsx ファイル（「Excel で開く」で保存したもの）を指定してください。")
	}
	detected := detectFormat(t.header, isXLSX)
	switch {
	case (format == "" || format == FormatAuto) && detected == "":
		return fileProblem("Microsoft Forms の表は .xlsx ファイル（「Excel で開く」で保存したもの）を指定してください。CSV として取り込むには形式に「表（見出し行のある CSV・Excel）」を選んでください。")
	case format == "" || format == FormatAuto:
		t.format = detected
	case format == FormatTable:
		t.format = FormatTable // any header row will do: the columns say the rest
	case format != detected:
		return fileProblem(fmt.Sprintf("指定された形式（%s）の見出しと一致しません。%s", format, expectedHeader(format)))
	default:
		t.format = format
	}
	return nil
}

// checkHeader refuses a header no survey could match: too many columns, or a
// label too long to be one. It returns the header without trailing empty cells.
func checkHeader(header []string) ([]string, error) {
	for len(header) > 0 && strings.TrimSpace(header[len(header)-1]) == "" {
		header = header[:len(header)-1]
	}
	if len(header) > maxImportColumns {
		return nil, problemAt(1, "", "列が多すぎます（%s列）。取り込めるのは%s列までです。", comma(len(header)), comma(maxImportColumns))
	}
	for i, h := range header {
		if len(h) > maxImportHeader && len([]rune(h)) > maxImportHeader {
			return nil, problemAt(1, columnLetters(i), "見出しが長すぎます。見出しは%s文字までです（設問の見出しと同じにしてください）。", comma(maxImportHeader))
		}
	}
	return header, nil
}

// rowTooLarge is the problem of a row over maxImportRowBytes; hint says what
// may have caused it.
func rowTooLarge(row int, hint string) *readProblem {
	return problemAt(row, "", "1行の大きさが上限（%sMB）を超えています。%s%s", comma(maxImportRowBytes>>20), hint, stopped)
}

// tooWide is the problem of a value past the last column an import reads.
func tooWide(row, index int) *readProblem {
	return problemAt(row, columnLetters(index), "%s列目に値があります。取り込めるのは%s列までです。%s", comma(index+1), comma(maxImportColumns), stopped)
}

func expectedHeader(format string) string {
	switch format {
	case FormatGoogleForms:
		return "Google フォームの表は1列目が「タイムスタンプ」（または Timestamp）です。"
	case FormatMSForms:
		return "Microsoft Forms の表は「ID, 開始時刻, 完了時刻」（または ID, Start time, Completion time）で始まります。"
	case FormatKoe:
		return "koe の書き出しは「回答日時, ID」で始まります。"
	}
	return "形式は auto, table, googleforms, msforms, koe のいずれかです。"
}

// detectFormat tells the tools apart by their first columns.
func detectFormat(header []string, isXLSX bool) string {
	h := func(i int) string {
		if i < len(header) {
			return normLabel(header[i])
		}
		return ""
	}
	switch {
	case h(0) == "回答日時" && h(1) == "ID":
		return FormatKoe
	case h(0) == "タイムスタンプ" || strings.EqualFold(h(0), "Timestamp"):
		return FormatGoogleForms
	case isXLSX && strings.EqualFold(h(0), "ID") && msCompletion(header) >= 0:
		return FormatMSForms
	case strings.EqualFold(h(0), "ID") && msCompletion(header) >= 0:
		return "" // Microsoft's CSV: its dates and checkboxes read right only from the xlsx
	}
	return FormatTable
}

// msCompletion returns the column of Microsoft Forms' completion time, or -1.
func msCompletion(header []string) int {
	for i, c := range header {
		if c := normLabel(c); c == "完了時刻" || strings.EqualFold(c, "Completion time") {
			return i
		}
	}
	return -1
}

// normLabel is how labels and headers are compared: NFKC folds full-width
// letters and digits and half-width katakana, so a header typed on another
// machine still finds its question.
func normLabel(s string) string {
	return strings.TrimSpace(norm.NFKC.String(strings.TrimPrefix(s, "\uFEFF")))
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// csvRows is a small CSV file read whole, such as a list of invitees.
type csvRows struct {
	header []string
	rows   []tableRow
}

// readCSV reads a small CSV file whole, within the limits of an import.
func readCSV(data []byte) (*csvRows, error) {
	t, err := openCSV(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	defer t.rows.close()
	out := &csvRows{header: t.header}
	for {
		row, err := t.rows.next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out.rows = append(out.rows, row)
	}
}
