package survey

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

// errEncoding is what an import says when a file is neither UTF-8 nor Shift_JIS:
// storing it anyway would store mojibake.
const errEncoding = "ファイルの文字コードを読み取れません（UTF-8 でも Shift_JIS でもありません）。Excel で「CSV UTF-8」として保存し直してください。"

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// csvSource reads a CSV file a record at a time.
type csvSource struct {
	raw      *countingReader // the file's bytes, for progress
	size     int64
	limit    *rowLimiter
	csv      *csv.Reader
	shiftJIS bool
	num      int // records read: the spreadsheet row of the last one
}

// openCSV opens a CSV file and reads its header. Files saved again by Excel
// on Japanese Windows arrive as Shift_JIS (CP932), sometimes behind a UTF-8
// BOM another tool added; anything that is valid UTF-8 is taken as UTF-8,
// since a Japanese Shift_JIS text of any length is almost never valid UTF-8
// by chance. Telling them apart takes a first pass over the file.
func openCSV(src io.ReaderAt, size int64) (*table, error) {
	start := int64(0)
	bom := make([]byte, len(utf8BOM))
	if n, _ := src.ReadAt(bom, 0); n == len(bom) && bytes.Equal(bom, utf8BOM) {
		start = int64(len(bom))
	}
	isUTF8, err := validUTF8(io.NewSectionReader(src, start, size-start))
	if err != nil {
		return nil, err
	}
	s := &csvSource{raw: &countingReader{r: io.NewSectionReader(src, start, size-start)}, size: size - start}
	t := &table{encoding: "UTF-8", rows: s}
	var text io.Reader = s.raw
	if !isUTF8 {
		// japanese.ShiftJIS is Microsoft's CP932 (NEC and IBM extensions
		// included). It turns bytes it cannot read into U+FFFD instead of
		// failing, so a replacement character in a cell is the sign of a
		// file in some other encoding (EUC-JP, UTF-16, a binary file).
		text = japanese.ShiftJIS.NewDecoder().Reader(s.raw)
		t.encoding, s.shiftJIS = "Shift_JIS", true
	}
	s.limit = &rowLimiter{r: text, limit: maxImportRowBytes}
	s.csv = csv.NewReader(s.limit)
	s.csv.FieldsPerRecord = -1 // short rows happen when a sheet's last columns are empty
	s.csv.LazyQuotes = true
	header, err := s.record()
	if errors.Is(err, io.EOF) {
		return nil, fileProblem("ファイルが空です。")
	}
	if err != nil {
		return nil, err
	}
	if t.header, err = checkHeader(header); err != nil {
		return nil, err
	}
	return t, nil
}

// record reads the next record, within the limits of an import.
func (s *csvSource) record() ([]string, error) {
	rec, err := s.csv.Read()
	switch {
	case errors.Is(err, io.EOF):
		return nil, io.EOF
	case errors.Is(err, errRowTooLarge):
		return nil, rowTooLarge(s.num+1, "閉じていない引用符（\"）がないか確かめてください。")
	case err != nil:
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, problemAt(0, "", "CSV として読み取れません（%d行目付近）。", pe.StartLine)
		}
		return nil, err
	}
	s.num++
	s.limit.next(s.csv.InputOffset())
	if s.num > maxImportRows {
		return nil, problemAt(s.num, "", "行が多すぎます。取り込めるのは%s行（見出しを含む）までです。ファイルを分けて取り込んでください。%s", comma(maxImportRows), stopped)
	}
	for _, c := range rec {
		if s.shiftJIS && strings.ContainsAny(c, "\uFFFD\x00") {
			return nil, problemAt(s.num, "", "%s", errEncoding)
		}
	}
	return rec, nil
}

func (s *csvSource) next() (tableRow, error) {
	for {
		rec, err := s.record()
		if err != nil {
			return tableRow{}, err
		}
		for i := maxImportColumns; i < len(rec); i++ {
			if strings.TrimSpace(rec[i]) != "" {
				return tableRow{}, tooWide(s.num, i)
			}
		}
		rec = rec[:min(len(rec), maxImportColumns)]
		if !blank(rec) {
			return tableRow{num: s.num, cells: rec}, nil
		}
	}
}

func (s *csvSource) progress() (done, total int64) { return s.raw.n, s.size }

func (s *csvSource) close() error { return nil }

// validUTF8 reads r to its end and reports whether all of it is UTF-8.
func validUTF8(r io.Reader) (bool, error) {
	buf := make([]byte, 64<<10)
	carry := 0 // bytes of a character cut by the end of the last read
	for {
		n, err := r.Read(buf[carry:])
		chunk := buf[:carry+n]
		cut := len(chunk)
		if err == nil {
			for i := len(chunk) - 1; i >= 0 && i >= len(chunk)-utf8.UTFMax; i-- {
				if utf8.RuneStart(chunk[i]) {
					if !utf8.FullRune(chunk[i:]) {
						cut = i
					}
					break
				}
			}
		}
		if !utf8.Valid(chunk[:cut]) {
			return false, nil
		}
		carry = copy(buf, chunk[cut:])
		if errors.Is(err, io.EOF) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

var errRowTooLarge = errors.New("row too large")

// rowLimiter lets a CSV reader read at most limit bytes past the end of the
// last record it returned, so that one record (a quote left open reads the
// rest of the file as one cell) cannot take more memory than that.
type rowLimiter struct {
	r        io.Reader
	read     int64 // bytes read through
	recordAt int64 // where the current record starts
	limit    int64
}

func (l *rowLimiter) Read(p []byte) (int, error) {
	room := l.recordAt + l.limit - l.read
	if room <= 0 {
		return 0, errRowTooLarge
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}

// next says the next record starts at offset.
func (l *rowLimiter) next(offset int64) { l.recordAt = offset }
