package survey

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// What one import may unpack and hold. Rows are read one at a time and stored
// in batches, so memory does not grow with the number of rows; these limits
// bound everything else: one row, one cell, the shared strings of a workbook
// (which its cells index, so they are held whole) and the bytes a compressed
// workbook may unpack to. Each is far above what a real export holds: the
// Fukui tourism questionnaire (64,295 responses) has 21 columns, rows under
// 4 KB and answers under 1,000 characters.
const (
	// maxImportRows is Excel's own row limit, the header included.
	maxImportRows = 1_048_576
	// maxImportColumns: the tools write a column per question and per grid
	// row, and Microsoft Forms allows 200 questions.
	maxImportColumns = 1_000
	// maxImportCell is the longest cell, in characters: twice the longest
	// answer (a textarea), for line breaks written as CRLF and the spaces
	// around an answer, which are trimmed. Longer cells are refused where
	// they are found, without reading them into an answer.
	maxImportCell = 2 * MaxTextareaLen
	// maxImportHeader is the longest header cell, in characters: a question's label.
	maxImportHeader = 1_000
	// maxImportRowBytes bounds one row as read (a CSV record, quoted line
	// breaks included, or the cells of a sheet's row): a quote left open
	// would otherwise read the rest of the file as one cell.
	maxImportRowBytes = 1 << 20
	// maxSheetBytes bounds what the sheet of a workbook unpacks to. The sheet
	// is read as a stream, so this bounds the time a zip bomb takes, not
	// memory: 20 MB of upload can unpack to 20 GB.
	maxSheetBytes = 256 << 20
	// maxSharedStringBytes and maxSharedStrings bound a workbook's shared
	// string table, held whole while the sheet is read. A shared string
	// longer than a cell may be is kept cut short, so a cell using it is
	// refused however many cells use it.
	maxSharedStringBytes = 32 << 20
	maxSharedStrings     = 1_000_000
	// maxXMLToken bounds the bytes between two tags of a workbook part, so
	// that no one text or tag is read into memory whole, whatever its size.
	// A text up to this size is read, then cut short (see boundedText), so a
	// cell too long is refused where it is, with its row and column.
	maxXMLToken = 4 << 20
)

// maxListedProblems bounds the problems an import lists; the rest are counted.
const maxListedProblems = 20

// problemList gathers an import's problems the way a person can read them:
// the first maxListedProblems, each named once with the number of further
// rows that have it (the same message in the same column), and a count of
// the others. A file with a bad value in each of 100,000 rows is one line.
type problemList struct {
	listed   []ImportProblem
	index    map[problemKey]int // into listed
	unlisted int
}

type problemKey struct{ column, message string }

func (l *problemList) add(p ImportProblem) {
	p.Column = clip(p.Column, 60)
	p.Message = clip(p.Message, 400)
	k := problemKey{p.Column, p.Message}
	if i, ok := l.index[k]; ok {
		l.listed[i].More++
		return
	}
	if len(l.listed) == maxListedProblems {
		l.unlisted++
		return
	}
	if l.index == nil {
		l.index = map[problemKey]int{}
	}
	l.index[k] = len(l.listed)
	l.listed = append(l.listed, p)
}

func (l *problemList) addAll(ps []ImportProblem) {
	for _, p := range ps {
		l.add(p)
	}
}

func (l *problemList) empty() bool { return len(l.listed) == 0 }

// err returns the problems as the error an import returns, or nil.
func (l *problemList) err() *ImportError {
	if l.empty() {
		return nil
	}
	return &ImportError{Problems: l.listed, Unlisted: l.unlisted}
}

// clip shortens s to n characters, for a cell or header quoted in a message.
func clip(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for range n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i] + "…"
}

// tooLong reports whether a cell is longer than maxImportCell characters.
func tooLong(cell string) bool {
	return len(cell) > maxImportCell && utf8.RuneCountInString(cell) > maxImportCell
}

var tooLongCell = fmt.Sprintf("セルが長すぎます。1つのセルは%s文字まで（自由記述の回答は%s文字まで）です", comma(maxImportCell), comma(MaxTextareaLen))

// stopped ends the message of a limit that stops the reading of a file.
const stopped = "ここで読み取りをやめました。"

// comma writes n with thousands separators, as the messages show numbers.
func comma(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// columnLetters names the i-th column (from 0) as a spreadsheet does: A, B, …, Z, AA, ….
func columnLetters(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}

// columnLabel names the column at index i for a message: its header, or
// where it has none, its letters.
func columnLabel(header []string, i int) string {
	if i < len(header) && strings.TrimSpace(header[i]) != "" {
		return header[i]
	}
	return columnLetters(i)
}
