package survey

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// Import formats, as --format and the upload form name them.
const (
	FormatAuto        = "auto"
	FormatKoe         = "koe"
	FormatGoogleForms = "googleforms"
	FormatMSForms     = "msforms"
)

// ImportFormats lists the formats in the order the upload form offers them.
var ImportFormats = []string{FormatAuto, FormatGoogleForms, FormatMSForms, FormatKoe}

// table is an imported file as rows of text cells, whatever it came as.
type table struct {
	format   string
	encoding string // UTF-8, Shift_JIS, xlsx
	header   []string
	rows     []tableRow
}

// tableRow is one data row and its number as a spreadsheet shows it (the
// header is row 1; a CSV cell with line breaks does not shift the numbers).
type tableRow struct {
	num   int
	cells []string
}

// cell returns the i-th cell, or "" where a short row ends early.
func (r tableRow) cell(i int) string {
	if i < len(r.cells) {
		return r.cells[i]
	}
	return ""
}

var zipMagic = []byte("PK\x03\x04")

// readTable reads a CSV or xlsx file and works out which tool wrote it.
func readTable(name string, data []byte, format string) (*table, error) {
	if format == "" {
		format = FormatAuto
	}
	isXLSX := bytes.HasPrefix(data, zipMagic)
	if format == FormatMSForms && !isXLSX {
		return nil, errors.New("Microsoft Forms の形式には .xlsx ファイル（「Excel で開く」で保存したもの）を指定してください。")
	}
	var t *table
	var err error
	if isXLSX {
		t, err = readXLSX(data)
	} else if strings.EqualFold(filepath.Ext(name), ".xlsx") {
		return nil, errors.New("この .xlsx ファイルは壊れているか、Excel のファイルではありません。")
	} else {
		t, err = readCSV(data)
	}
	if err != nil {
		return nil, err
	}
	detected := detectFormat(t.header, isXLSX)
	switch {
	case format == FormatAuto && detected == "":
		return nil, errors.New("ファイルの形式を判別できません。1列目が「タイムスタンプ」（Google フォーム）、「ID」と「完了時刻」（Microsoft Forms）、「回答日時」（koe の書き出し）のいずれかの表を指定してください。")
	case format == FormatAuto:
		t.format = detected
	case format != detected:
		return nil, fmt.Errorf("指定された形式（%s）の見出しと一致しません。%s", format, expectedHeader(format))
	default:
		t.format = format
	}
	return t, nil
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
	return "形式は auto, googleforms, msforms, koe のいずれかです。"
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
	}
	return ""
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

func readCSV(data []byte) (*table, error) {
	text, enc, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1 // short rows happen when a sheet's last columns are empty
	r.LazyQuotes = true
	t := &table{encoding: enc}
	num := 0 // spreadsheet row: records, not lines, since a quoted cell may span lines
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("CSV として読み取れません（%d行目付近）。", pe.StartLine)
			}
			return nil, errors.New("CSV として読み取れません。")
		}
		num++
		if t.header == nil {
			t.header = rec
			continue
		}
		if blank(rec) {
			continue
		}
		t.rows = append(t.rows, tableRow{num: num, cells: rec})
	}
	if t.header == nil {
		return nil, errors.New("ファイルが空です。")
	}
	return t, nil
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// readXLSX reads the first sheet of a workbook. Raw values keep dates as
// Excel serial numbers, so they are read exactly, whatever display format the
// exporting tool chose.
func readXLSX(data []byte) (*table, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, errors.New("この .xlsx ファイルを開けません（壊れているか、パスワードが掛かっています）。")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errors.New("この .xlsx ファイルにはシートがありません。")
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, errors.New("この .xlsx ファイルのシートを読み取れません。")
	}
	t := &table{encoding: "xlsx"}
	for i, rec := range rows {
		if t.header == nil {
			if blank(rec) {
				continue
			}
			t.header = rec
			continue
		}
		if blank(rec) {
			continue
		}
		t.rows = append(t.rows, tableRow{num: i + 1, cells: rec})
	}
	if t.header == nil {
		return nil, errors.New("この .xlsx ファイルの最初のシートは空です。")
	}
	return t, nil
}
