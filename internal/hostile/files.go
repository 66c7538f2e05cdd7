// Package hostile builds the hostile files that import tests feed koe (zip
// bombs, workbooks that claim the whole grid, CSVs of endless columns or one
// endless cell) and measures the memory taken by what they are fed to. The
// files answer survey/testdata/import-survey.yaml, so that everything but
// the hostile part would import.
package hostile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"strings"
)

// GoogleHeader is the header of a Google Forms download for import-survey.yaml.
const GoogleHeader = `"タイムスタンプ","メールアドレス","ご所属","満足度","各プログラムはいかがでしたか [事例紹介]","各プログラムはいかがでしたか [質疑応答]","役に立った内容（いくつでも）","同僚に勧めたいと思いますか","ご感想","参加日"`

// googleRow is a valid row under GoogleHeader, for its n-th second.
func googleRow(n int, satisfaction string) string {
	return fmt.Sprintf(`"2020/09/09 1:%02d:%02d 午後 GMT+9","","県","%s","","","","","",""`, n/60%60, n%60, satisfaction)
}

// msHeader is the header Microsoft Forms writes for import-survey.yaml.
var msHeader = []string{"ID", "開始時刻", "完了時刻", "メール", "名前", "最終変更時刻", "ご所属", "満足度",
	"各プログラムはいかがでしたか [事例紹介]", "各プログラムはいかがでしたか [質疑応答]",
	"役に立った内容（いくつでも）", "同僚に勧めたいと思いますか", "ご感想", "参加日"}

// CommentsColumn is the column of ご感想 in the workbooks: M.
const CommentsColumn = "M"

// SharedStringBomb is a workbook whose one shared string of size bytes is
// the ご感想 of each of rows rows: 2,000 rows of a 1 MiB string are 2 GiB
// to a reader that copies the string into each cell, in a file of 30 KB.
func SharedStringBomb(size, rows int) []byte {
	var sheet strings.Builder
	for r := 2; r <= rows+1; r++ {
		fmt.Fprintf(&sheet, `<row r="%d"><c r="C%d"><v>45000.5</v></c><c r="G%d" t="s"><v>1</v></c><c r="H%d"><v>3</v></c><c r="M%d" t="s"><v>0</v></c></row>`, r, r, r, r, r)
	}
	sst := `<si><t>` + strings.Repeat("a", size) + `</t></si><si><t>県</t></si>`
	return Workbook(sheet.String(), sst)
}

// HugeDimensions is a workbook that claims the whole grid (A1:XFD1048576)
// and has rows rows with a value in the last column, XFD: 16,384 cells a
// row to a reader that fills the gaps.
func HugeDimensions(rows int) []byte {
	var sheet strings.Builder
	for r := 2; r <= rows+1; r++ {
		fmt.Fprintf(&sheet, `<row r="%d"><c r="XFD%d"><v>1</v></c></row>`, r, r)
	}
	s := strings.Replace(sheetXML(sheet.String()), "<sheetData>", `<dimension ref="A1:XFD1048576"/><sheetData>`, 1)
	return workbook(s, "", nil)
}

// Workbook is an xlsx file of the Microsoft Forms header and the given rows
// (the XML inside <sheetData>) and shared strings (inside <sst>).
func Workbook(rows, sharedStrings string) []byte {
	return workbook(sheetXML(rows), sharedStrings, nil)
}

// ZipBombSheet is a workbook whose sheet unpacks to mib MiB (spaces between
// the header row and the end): a few hundred KB per GiB.
func ZipBombSheet(mib int) []byte {
	s := sheetXML("")
	end := strings.Index(s, "</sheetData>")
	return workbook("", "", func(zw *zip.Writer) { spaces(zw, "xl/worksheets/sheet1.xml", s[:end], s[end:], mib) })
}

// ZipBombPart is a valid workbook of one row with an extra part, which no
// reader of the sheet needs, that unpacks to mib MiB.
func ZipBombPart(mib int) []byte {
	row := `<row r="2"><c r="C2"><v>45000.5</v></c><c r="G2" t="inlineStr"><is><t>県</t></is></c><c r="H2"><v>3</v></c></row>`
	return workbook(sheetXML(row), "", func(zw *zip.Writer) { spaces(zw, "xl/media/image1.png", "", "", mib) })
}

// LyingSizeSheet is a workbook whose sheet declares that it unpacks to
// declared bytes while holding a few: a zip bomb caught by its header
// alone, small enough for a fuzz seed.
func LyingSizeSheet(declared uint64) []byte {
	return workbook("", "", func(zw *zip.Writer) {
		var body bytes.Buffer
		fw, _ := flate.NewWriter(&body, flate.BestCompression)
		fw.Write([]byte(sheetXML("")))
		fw.Close()
		w, _ := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
			CompressedSize64: uint64(body.Len()), UncompressedSize64: declared})
		w.Write(body.Bytes())
	})
}

const spreadsheetNS = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`

func sheetXML(rows string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet ` + spreadsheetNS + `><sheetData><row r="1">`)
	for i, h := range msHeader {
		fmt.Fprintf(&b, `<c r="%c1" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+i, h)
	}
	b.WriteString(`</row>` + rows + `</sheetData></worksheet>`)
	return b.String()
}

// workbook zips the parts of a one-sheet workbook; sheet "" leaves the
// sheet to extra.
func workbook(sheet, sharedStrings string, extra func(*zip.Writer)) []byte {
	const rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	parts := [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + rels + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook ` + spreadsheetNS + ` xmlns:r="` + rels + `"><sheets><sheet name="Form1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + rels + `/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="` + rels + `/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
		{"xl/sharedStrings.xml", `<?xml version="1.0" encoding="UTF-8"?><sst ` + spreadsheetNS + `>` + sharedStrings + `</sst>`},
	}
	if sheet != "" {
		parts = append(parts, [2]string{"xl/worksheets/sheet1.xml", sheet})
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, _ := zw.Create(p[0])
		w.Write([]byte(p[1]))
	}
	if extra != nil {
		extra(zw)
	}
	zw.Close()
	return buf.Bytes()
}

// spaces adds a part of head, mib MiB of spaces and tail. Deflating a GiB
// takes seconds; a deflated MiB of spaces, flushed to a byte boundary, is a
// run of blocks that decodes alone, so it is deflated once and repeated.
func spaces(zw *zip.Writer, name, head, tail string, mib int) {
	mebibyte := bytes.Repeat([]byte(" "), 1<<20)
	deflate := func(p []byte, last bool) []byte {
		var b bytes.Buffer
		fw, _ := flate.NewWriter(&b, flate.BestCompression)
		fw.Write(p)
		if last {
			fw.Close()
		} else {
			fw.Flush()
		}
		return b.Bytes()
	}
	var body bytes.Buffer
	body.Write(deflate([]byte(head), false))
	chunk := deflate(mebibyte, false)
	crc := crc32.ChecksumIEEE([]byte(head))
	for range mib {
		body.Write(chunk)
		crc = crc32.Update(crc, crc32.IEEETable, mebibyte)
	}
	body.Write(deflate([]byte(tail), true))
	crc = crc32.Update(crc, crc32.IEEETable, []byte(tail))
	w, _ := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(body.Len()), UncompressedSize64: uint64(len(head)+len(tail)) + uint64(mib)<<20})
	w.Write(body.Bytes())
}

// ManyColumnsCSV is a Google Forms CSV of about size bytes whose header has
// extra columns no question matches, each row a value in each.
func ManyColumnsCSV(extra, size int) []byte {
	var b bytes.Buffer
	b.WriteString(GoogleHeader)
	for i := range extra {
		fmt.Fprintf(&b, `,"自由記述欄%d"`, i+1)
	}
	b.WriteString("\r\n")
	for n := 0; b.Len() < size; n++ {
		b.WriteString(googleRow(n, "4"))
		b.WriteString(strings.Repeat(",x", extra))
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// BigCellCSV is a Google Forms CSV of one row whose ご感想 is size bytes.
func BigCellCSV(size int) []byte {
	var b bytes.Buffer
	b.WriteString(GoogleHeader + "\r\n")
	b.WriteString(`"2020/09/09 1:00:00 午後 GMT+9","","県","4","","","","","`)
	b.WriteString(strings.Repeat("あ", size/len("あ")))
	b.WriteString(`",""` + "\r\n")
	return b.Bytes()
}

// BadRowsCSV is a Google Forms CSV of rows rows, each with a 満足度 out of range.
func BadRowsCSV(rows int) []byte {
	var b bytes.Buffer
	b.WriteString(GoogleHeader + "\r\n")
	for n := range rows {
		b.WriteString(googleRow(n, "9") + "\r\n")
	}
	return b.Bytes()
}
