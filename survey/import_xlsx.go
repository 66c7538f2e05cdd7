package survey

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// An xlsx file is a zip of XML parts. It is read here straight from the zip
// with encoding/xml rather than with a spreadsheet library, because the
// libraries build a whole row (or sheet) before the caller sees a cell, and
// copy a shared string into every cell that uses it: a 3 KB file whose one
// 1 MB string is used by 2,000 cells became 2 GB. Here a cell using a shared
// string holds the table's one copy, parts the import does not need are
// never unpacked, and the sheet is read a row at a time.

const brokenXLSX = "この .xlsx ファイルを開けません（壊れているか、パスワードが掛かっています）。"

// xlsxSource reads the first sheet of a workbook a row at a time.
type xlsxSource struct {
	sheet  *xmlPart
	shared []string // the shared string table
	num    int      // the number of the last row read
}

// openXLSX opens a workbook, reads its shared strings and the header of its
// first sheet. Raw values are read: dates stay Excel serial numbers, so they
// are read exactly, whatever display format the exporting tool chose.
func openXLSX(src io.ReaderAt, size int64) (*table, error) {
	zr, err := zip.NewReader(src, size)
	if err != nil {
		return nil, fileProblem(brokenXLSX)
	}
	parts := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File { // part names are case-insensitive
		name := strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))
		if _, dup := parts[name]; !dup {
			parts[name] = f
		}
	}
	book := "xl/workbook.xml"
	rootRels, err := readRels(parts, "", "_rels/.rels")
	if err != nil {
		return nil, err
	}
	if p := rootRels.byType("/officeDocument"); p != "" {
		book = p
	}
	bookRels, err := readRels(parts, path.Dir(book), relsOf(book))
	if err != nil {
		return nil, err
	}
	sheetPath, err := firstSheet(parts[book], bookRels)
	if err != nil {
		return nil, err
	}
	sharedPath := bookRels.byType("/sharedStrings")
	if sharedPath == "" {
		sharedPath = "xl/sharedstrings.xml"
	}
	s := &xlsxSource{}
	if s.shared, err = readSharedStrings(parts[sharedPath]); err != nil {
		return nil, err
	}
	sheet := parts[sheetPath]
	if sheet == nil {
		return nil, fileProblem("この .xlsx ファイルにはシートがありません。")
	}
	if s.sheet, err = openPart(sheet, maxSheetBytes, "シート"); err != nil {
		return nil, err
	}
	t := &table{encoding: "xlsx", rows: s}
	row, err := s.next()
	if errors.Is(err, io.EOF) {
		err = fileProblem("この .xlsx ファイルの最初のシートは空です。")
	}
	if err == nil {
		t.header, err = checkHeader(row.cells)
	}
	if err != nil {
		s.close()
		return nil, err
	}
	return t, nil
}

func (s *xlsxSource) next() (tableRow, error) {
	for {
		row, err := s.row()
		if err != nil || !blank(row.cells) {
			return row, err
		}
	}
}

func (s *xlsxSource) progress() (done, total int64) {
	return s.sheet.read.n, int64(s.sheet.file.UncompressedSize64)
}

func (s *xlsxSource) close() error { return s.sheet.close() }

// row reads the next <row> element of the sheet.
func (s *xlsxSource) row() (tableRow, error) {
	for {
		tok, err := s.sheet.token()
		if err != nil {
			return tableRow{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "row" {
				continue
			}
			num := s.num + 1
			if r, ok := attr(t, "r"); ok {
				if num, err = strconv.Atoi(r); err != nil || num < 1 {
					return tableRow{}, problemAt(s.num+1, "", "行番号「%s」を読み取れません（ファイルが壊れています）。%s", clip(r, 20), stopped)
				}
			}
			if num > maxImportRows {
				return tableRow{}, problemAt(num, "", "行が多すぎます。取り込めるのは%s行（見出しを含む）までです。%s", comma(maxImportRows), stopped)
			}
			s.num = num
			cells, err := s.cells()
			return tableRow{num: num, cells: cells}, err
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				return tableRow{}, io.EOF
			}
		}
	}
}

// cells reads the cells of the current row, through its end tag.
func (s *xlsxSource) cells() ([]string, error) {
	var cells []string
	size := 0 // of the values, as a CSV row is bounded: shared or not, each is a cell
	var (
		col                    int    // the current cell's column, from 1
		kind                   string // its t attribute
		value, inline          boundedText
		inValue, inText, inRun bool
		phonetic               int // inside <rPh>, a reading in kana: not part of the value
	)
	for {
		tok, err := s.sheet.token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = fileProblem(brokenXLSX)
			}
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "c":
				col++
				if ref, ok := attr(t, "r"); ok {
					if col = columnOf(ref); col == 0 {
						return nil, problemAt(s.num, "", "セル番地「%s」を読み取れません（ファイルが壊れています）。%s", clip(ref, 20), stopped)
					}
				}
				kind, _ = attr(t, "t")
				value.reset()
				inline.reset()
			case "v":
				inValue = true
			case "is":
				inRun = true
			case "t":
				inText = inRun
			case "rPh":
				phonetic++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inValue = false
			case "t":
				inText = false
			case "is":
				inRun = false
			case "rPh":
				phonetic--
			case "c":
				v, err := s.cellValue(kind, value.String(), inline.String(), col)
				if err != nil {
					return nil, err
				}
				if v == "" {
					continue
				}
				if col > maxImportColumns {
					return nil, tooWide(s.num, col-1)
				}
				if size += len(v); size > maxImportRowBytes {
					return nil, rowTooLarge(s.num, "")
				}
				for len(cells) < col {
					cells = append(cells, "")
				}
				cells[col-1] = v
			case "row":
				return cells, nil
			}
		case xml.CharData:
			switch {
			case inValue:
				value.write(t)
			case inText && phonetic == 0:
				inline.write(t)
			}
		}
	}
}

// cellValue is a cell's raw value by its type: an index into the shared
// strings, an inline string, or the value as written (a number, a date
// serial, a boolean as 0 or 1).
func (s *xlsxSource) cellValue(kind, value, inline string, col int) (string, error) {
	switch kind {
	case "s":
		value = strings.TrimSpace(value)
		if value == "" {
			return "", nil
		}
		i, err := strconv.Atoi(value)
		if err != nil || i < 0 || i >= len(s.shared) {
			return "", problemAt(s.num, columnLetters(col-1), "このセルの文字列が見つかりません（ファイルが壊れています）。%s", stopped)
		}
		return s.shared[i], nil
	case "inlineStr":
		return decodeXString(inline), nil
	}
	return value, nil
}

// readSharedStrings reads a workbook's shared string table: the text of each
// <si>, its runs joined, its kana readings left out.
func readSharedStrings(f *zip.File) ([]string, error) {
	if f == nil {
		return nil, nil // a workbook without text
	}
	p, err := openPart(f, maxSheetBytes, "共有文字列")
	if err != nil {
		return nil, err
	}
	defer p.close()
	var out []string
	var text boundedText
	var bytes int
	inText, phonetic := false, 0
	for {
		tok, err := p.token()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				text.reset()
			case "t":
				inText = true
			case "rPh":
				phonetic++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "rPh":
				phonetic--
			case "si":
				s := decodeXString(text.String())
				bytes += len(s)
				if bytes > maxSharedStringBytes || len(out) == maxSharedStrings {
					return nil, fileProblem("この .xlsx ファイルは文字列が多すぎるため取り込めません（共有文字列が" + comma(maxSharedStringBytes>>20) + "MBまたは" + comma(maxSharedStrings) + "件を超えています）。ファイルを分けるか、CSV UTF-8 で保存して取り込んでください。")
				}
				out = append(out, s)
			}
		case xml.CharData:
			if inText && phonetic == 0 {
				text.write(t)
			}
		}
	}
}

// relationship is one entry of a part's .rels: the parts it points to.
type relationship struct{ id, kind, target string }

type relationships []relationship

// byType returns the target of the first relationship whose type ends in suffix.
func (rs relationships) byType(suffix string) string {
	for _, r := range rs {
		if strings.HasSuffix(r.kind, suffix) {
			return r.target
		}
	}
	return ""
}

func (rs relationships) byID(id string) string {
	for _, r := range rs {
		if r.id == id {
			return r.target
		}
	}
	return ""
}

// relsOf names the .rels part of a part.
func relsOf(part string) string {
	return path.Join(path.Dir(part), "_rels", path.Base(part)+".rels")
}

// readRels reads a .rels part, if there is one; targets are resolved from dir.
func readRels(parts map[string]*zip.File, dir, name string) (relationships, error) {
	f := parts[name]
	if f == nil {
		return nil, nil
	}
	p, err := openPart(f, maxSheetBytes, "関連付け")
	if err != nil {
		return nil, err
	}
	defer p.close()
	var out relationships
	for {
		tok, err := p.token()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if t, ok := tok.(xml.StartElement); ok && t.Name.Local == "Relationship" {
			id, _ := attr(t, "Id")
			kind, _ := attr(t, "Type")
			target, _ := attr(t, "Target")
			if strings.HasPrefix(target, "/") {
				target = target[1:]
			} else {
				target = path.Join(dir, target)
			}
			out = append(out, relationship{id: id, kind: kind, target: strings.ToLower(target)})
		}
	}
}

// firstSheet finds the part of the workbook's first sheet, as Excel lists it.
func firstSheet(book *zip.File, rels relationships) (string, error) {
	fallback := "xl/worksheets/sheet1.xml"
	if book == nil {
		return fallback, nil
	}
	p, err := openPart(book, maxSheetBytes, "ブック")
	if err != nil {
		return "", err
	}
	defer p.close()
	for {
		tok, err := p.token()
		if errors.Is(err, io.EOF) {
			return fallback, nil
		}
		if err != nil {
			return "", err
		}
		if t, ok := tok.(xml.StartElement); ok && t.Name.Local == "sheet" {
			for _, a := range t.Attr {
				if a.Name.Local == "id" && a.Name.Space != "" { // r:id
					if target := rels.byID(a.Value); target != "" {
						return target, nil
					}
				}
			}
			return fallback, nil
		}
	}
}

// xmlPart reads one part of a workbook token by token. RawToken keeps no
// stack of open elements, so nesting costs nothing; tokenLimiter keeps any
// one text or tag under maxXMLToken; the zip reader refuses to unpack more
// than the size a part declares, which is checked first.
type xmlPart struct {
	what string // the part, as a message names it
	file *zip.File
	rc   io.ReadCloser
	read *countingReader
	dec  *xml.Decoder
}

func openPart(f *zip.File, max int64, what string) (*xmlPart, error) {
	if f.UncompressedSize64 > uint64(max) {
		return nil, fileProblem("この .xlsx ファイルの" + what + "は展開すると" + comma(int(f.UncompressedSize64>>20)) + "MBになります。取り込めるのは" + comma(int(max>>20)) + "MBまでです。")
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fileProblem(brokenXLSX)
	}
	p := &xmlPart{what: what, file: f, rc: rc, read: &countingReader{r: rc}}
	p.dec = xml.NewDecoder(&tokenLimiter{r: p.read})
	return p, nil
}

// token returns the next token, io.EOF at the end of the part, or a
// *readProblem for a part that is broken or beyond the limits.
func (p *xmlPart) token() (xml.Token, error) {
	tok, err := p.dec.RawToken()
	switch {
	case err == nil:
		return tok, nil
	case errors.Is(err, io.EOF):
		return nil, io.EOF
	case errors.Is(err, errTokenTooLarge):
		return nil, fileProblem("この .xlsx ファイルの" + p.what + "には1つで" + comma(maxXMLToken>>20) + "MBを超える値があります（1つのセルは" + comma(maxImportCell) + "文字までです）。" + stopped)
	}
	var syntax *xml.SyntaxError
	var corrupt flate.CorruptInputError
	if errors.As(err, &syntax) || errors.As(err, &corrupt) || errors.Is(err, zip.ErrFormat) ||
		errors.Is(err, zip.ErrChecksum) || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fileProblem(brokenXLSX)
	}
	return nil, err // reading the file itself failed
}

func (p *xmlPart) close() error { return p.rc.Close() }

var errTokenTooLarge = errors.New("xml token too large")

// tokenLimiter fails once more than maxXMLToken bytes pass without a '<':
// every text and every tag of a part is then shorter than that.
type tokenLimiter struct {
	r   io.Reader
	run int // bytes since the last '<'
}

func (l *tokenLimiter) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if first := bytes.IndexByte(p[:n], '<'); first < 0 {
		l.run += n
	} else {
		if l.run+first > maxXMLToken {
			return 0, errTokenTooLarge
		}
		l.run = n - 1 - bytes.LastIndexByte(p[:n], '<')
	}
	if l.run > maxXMLToken {
		return 0, errTokenTooLarge
	}
	return n, err
}

// boundedText gathers a cell's text up to a little more than the longest
// cell an import takes: anything longer is refused as too long, so the rest
// need not be kept.
type boundedText struct{ b []byte }

const maxCellBytes = (maxImportCell + 1) * utf8.UTFMax

func (t *boundedText) write(p []byte) {
	t.b = append(t.b, p[:min(len(p), maxCellBytes-len(t.b))]...)
}

func (t *boundedText) reset() { t.b = t.b[:0] }

func (t *boundedText) String() string { return string(t.b) }

// attr returns the value of an element's attribute by its local name.
func attr(e xml.StartElement, name string) (string, bool) {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

// columnOf reads the column of a cell reference such as B7 (2), or 0.
func columnOf(ref string) int {
	col, i := 0, 0
	for ; i < len(ref) && i < 3; i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
	}
	if i == 0 || i == len(ref) || ref[i] < '0' || ref[i] > '9' {
		return 0
	}
	return col
}

// decodeXString undoes the _xHHHH_ escapes Excel writes for characters XML
// cannot hold (a carriage return is _x000D_); _x005F_ is an escaped "_".
func decodeXString(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '_' && i+7 <= len(s) && s[i+1] == 'x' && s[i+6] == '_' {
			if r, err := strconv.ParseUint(s[i+2:i+6], 16, 32); err == nil {
				b.WriteRune(rune(r))
				i += 7
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}
