package survey

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// stampPattern reads the timestamps Google Forms, Google Sheets, Microsoft
// Forms and koe write:
//
//	2020/09/09 1:00:00 午後 GMT+9    Forms download: 12-hour, the owner's zone
//	2020/09/09 1:00:00 PM GMT+5:30   the same in English
//	2024/10/06 19:51:06              a linked Sheet saved as CSV, koe's export
//	10/6/2024 19:51:06               Sheets or Excel in a US locale
//	2024/10/01, 2024年10月1日          a date alone, typed into a spreadsheet: midnight
//
// 午前/午後 may also come before the time (Excel's Japanese formats do that).
var stampPattern = regexp.MustCompile(`^(\d{1,4})[/\-.](\d{1,2})[/\-.](\d{1,4})(?:(?:\s+|T)` +
	`(午前|午後|AM|PM)?\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(午前|午後|AM|PM)?` +
	`\s*(?:(?:GMT|UTC)\s*(?:([+\-])(\d{1,2})(?::?(\d{2}))?)?|Z|([+\-])(\d{2}):?(\d{2}))?)?$`)

// kanjiDate is a date written 2024年10月1日, read as 2024/10/1.
var kanjiDate = regexp.MustCompile(`^(\d{4})年(\d{1,2})月(\d{1,2})日`)

// parseStamp reads a timestamp cell. Times without a zone are read in loc.
func parseStamp(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(norm.NFKC.String(s))
	s = kanjiDate.ReplaceAllString(s, "$1/$2/$3")
	m := stampPattern.FindStringSubmatch(strings.ToUpper(s))
	if m == nil {
		// Uppercasing turned 午前/午後 into themselves, so a miss is a real miss.
		return time.Time{}, fmt.Errorf("日時「%s」を読み取れません（例: 2024/10/06 19:51:06、2020/09/09 1:00:00 午後 GMT+9）", s)
	}
	n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
	y, mo, d := n(1), n(2), n(3)
	if len(m[1]) < 4 { // M/D/YYYY
		if len(m[3]) != 4 {
			return time.Time{}, fmt.Errorf("日時「%s」の年が読み取れません（4桁の年で書いてください）", s)
		}
		y, mo, d = n(3), n(1), n(2)
	}
	h, mi, sec := n(5), n(6), n(7)
	nsec := 0
	if m[8] != "" {
		frac := (m[8] + "000000000")[:9]
		nsec, _ = strconv.Atoi(frac)
	}
	ampm := m[4] + m[9]
	if ampm != "" {
		if h < 1 || h > 12 {
			return time.Time{}, fmt.Errorf("日時「%s」の時刻が12時間制として正しくありません", s)
		}
		h %= 12
		if ampm == "午後" || ampm == "PM" {
			h += 12
		}
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 {
		return time.Time{}, fmt.Errorf("日時「%s」は存在しない日時です", s)
	}
	switch {
	case m[10] != "": // GMT+9, GMT+5:30
		off := n(11)*3600 + n(12)*60
		if m[10] == "-" {
			off = -off
		}
		loc = time.FixedZone("", off)
	case m[13] != "": // +09:00
		off := n(14)*3600 + n(15)*60
		if m[13] == "-" {
			off = -off
		}
		loc = time.FixedZone("", off)
	case strings.HasSuffix(m[0], "GMT"), strings.HasSuffix(m[0], "UTC"), strings.HasSuffix(m[0], "Z"):
		loc = time.UTC
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, nsec, loc)
	if t.Day() != d { // 2/30 rolls over in time.Date
		return time.Time{}, fmt.Errorf("日時「%s」は存在しない日付です", s)
	}
	return t, nil
}

// excelSerialTime reads a date cell Excel stores as days since 1899-12-30, as
// wall-clock time in loc (Excel keeps no zone).
func excelSerialTime(v float64, loc *time.Location) (time.Time, bool) {
	if v < 1 || v > 2958465 { // 1900-01-01 … 9999-12-31
		return time.Time{}, false
	}
	days := int(v)
	secs := int((v-float64(days))*86400 + 0.5)
	t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days).Add(time.Duration(secs) * time.Second)
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc), true
}

// parseDate reads a date answer (2023/2/22, 2023-02-22, an Excel serial) as
// YYYY-MM-DD, the shape date questions store.
func parseDate(s string) (string, bool) {
	s = strings.TrimSpace(norm.NFKC.String(s))
	if f, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "/-") {
		if t, ok := excelSerialTime(f, time.UTC); ok {
			return t.Format("2006-01-02"), true
		}
		return "", false
	}
	for _, layout := range []string{"2006-1-2", "2006/1/2", "2006.1.2", "2006年1月2日", "1/2/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	if t, err := parseStamp(s, time.UTC); err == nil { // a date cell Excel gave a time of day
		return t.Format("2006-01-02"), true
	}
	return "", false
}
