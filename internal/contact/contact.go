// Package contact finds e-mail addresses and phone numbers in what
// respondents typed. It is the one detector behind both masking them in
// everything staff read (reports, dashboards, drill-downs, koe analyze) and
// blanking them before text analysis, so that what is masked on output and
// what never becomes a term are the same strings. It lives apart from
// reports and analysis because both use it and analysis may not import
// reports.
package contact

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Replacements for masked contacts.
const (
	MaskedEmail = "［メールアドレス］"
	MaskedPhone = "［電話番号］"
)

var (
	// emailRE matches e-mail addresses, also typed with full-width letters,
	// digits, ＠ and ．, as Japanese input methods often produce.
	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-Ａ-Ｚａ-ｚ０-９．＿－＋]+[@＠]\s?[A-Za-z0-9\-Ａ-Ｚａ-ｚ０-９－]+(?:[.．][A-Za-z0-9\-Ａ-Ｚａ-ｚ０-９－]+)*[.．][A-Za-zＡ-Ｚａ-ｚ]{2,}`)

	// phoneRunRE matches runs of digits and the separators people put in
	// phone numbers; phoneAt decides which part of a run is a number.
	phoneRunRE = regexp.MustCompile(`[+＋]?[(（]?[0-9０-９][0-9０-９()（）\-－‐‑−ー–—―.． ]*[0-9０-９]`)
)

// Span is one contact in a text: the bytes s[Start:End], and its mask.
type Span struct {
	Start, End int
	Mask       string // MaskedEmail or MaskedPhone
}

// Find returns the contacts in s in order, without overlaps. Japanese phone
// numbers are recognised with or without separators (-, ー, spaces,
// parentheses), in half- or full-width digits, and in +81 form; dates,
// postcodes, times and amounts are left alone.
func Find(s string) []Span {
	// Most answers hold neither an @ nor a digit: skip the expressions.
	digits := strings.ContainsAny(s, "0123456789０１２３４５６７８９")
	var spans []Span
	last := 0
	if strings.ContainsAny(s, "@＠") {
		for _, loc := range emailRE.FindAllStringIndex(s, -1) {
			spans = appendPhones(spans, s, last, loc[0], digits)
			spans = append(spans, Span{Start: loc[0], End: loc[1], Mask: MaskedEmail})
			last = loc[1]
		}
	}
	return appendPhones(spans, s, last, len(s), digits)
}

// appendPhones adds the phone numbers in s[from:to], a stretch without
// e-mail addresses.
func appendPhones(spans []Span, s string, from, to int, digits bool) []Span {
	if !digits {
		return spans
	}
	part := s[from:to]
	for _, loc := range phoneRunRE.FindAllStringIndex(part, -1) {
		run := part[loc[0]:loc[1]]
		for i := 0; i < len(run); {
			end := phoneAt(run, i)
			if end < 0 {
				_, n := utf8.DecodeRuneInString(run[i:])
				i += n
				continue
			}
			spans = append(spans, Span{Start: from + loc[0] + i, End: from + loc[0] + end, Mask: MaskedPhone})
			i = end
		}
	}
	return spans
}

// Mask replaces the e-mail addresses and phone numbers in s with MaskedEmail
// and MaskedPhone. Masked text has nothing left to mask.
func Mask(s string) string {
	spans := Find(s)
	if spans == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(s[last:sp.Start])
		b.WriteString(sp.Mask)
		last = sp.End
	}
	b.WriteString(s[last:])
	return b.String()
}

// Blank replaces the contacts in s with spaces of the same byte length, so
// offsets into s still hold: what analysis tokenizes instead of s.
func Blank(s string) string {
	spans := Find(s)
	if spans == nil {
		return s
	}
	b := []byte(s)
	for _, sp := range spans {
		for i := sp.Start; i < sp.End; i++ {
			b[i] = ' '
		}
	}
	return string(b)
}

// maxPhoneBytes bounds how far a phone number may reach from its start
// (17 characters, full-width ones take 3 bytes each), which keeps masking
// linear in the length of the text.
const maxPhoneBytes = 17 * 3

// phoneAt reports the end of the longest phone number starting at run[i:],
// or -1. A number must not continue a digit run to its left or right.
func phoneAt(run string, i int) int {
	first, _ := utf8.DecodeRuneInString(run[i:])
	if !(isDigit(first) || first == '+' || first == '＋' || first == '(' || first == '（') {
		return -1
	}
	if i > 0 {
		prev, n := utf8.DecodeLastRuneInString(run[:i])
		if isDigit(prev) || prev == '+' || prev == '＋' || (prev == '(' || prev == '（') && isDigit(first) {
			return -1
		}
		// "2025-03-01": a number joined to the digits before it by a
		// separator other than a space belongs to them.
		if prev != ' ' && i > n {
			if pp, _ := utf8.DecodeLastRuneInString(run[:i-n]); isDigit(pp) {
				return -1
			}
		}
	}
	limit := min(len(run), i+maxPhoneBytes)
	best := -1
	for j := i; j < limit; {
		r, n := utf8.DecodeRuneInString(run[j:])
		j += n
		if !isDigit(r) || j > limit {
			continue
		}
		if j < len(run) {
			next, m := utf8.DecodeRuneInString(run[j:])
			if isDigit(next) {
				continue
			}
			if next != ' ' && j+m < len(run) {
				if nn, _ := utf8.DecodeRuneInString(run[j+m:]); isDigit(nn) {
					continue // joined to more digits: "090-1234-5678-9"
				}
			}
		}
		if isPhone(run[i:j]) {
			best = j
		}
	}
	return best
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }

// isPhone reports whether s (starting and ending as phoneRunRE allows) reads
// as a Japanese phone number: 10 or 11 digits starting with 0, or +81 and 9
// or 10 more digits, with at most two separators in a row.
func isPhone(s string) bool {
	var digits []byte
	plus := false
	seps := 0
	for k, r := range s {
		switch {
		case isDigit(r):
			if r >= '０' {
				r = r - '０' + '0'
			}
			digits = append(digits, byte(r))
			seps = 0
		case r == '+' || r == '＋':
			if k != 0 {
				return false
			}
			plus = true
		default:
			seps++
			if seps > 2 || r == '.' || r == '．' && len(digits) == 0 {
				return false
			}
		}
	}
	d := string(digits)
	if plus {
		if !strings.HasPrefix(d, "81") {
			return false
		}
		rest := strings.TrimPrefix(d[2:], "0") // +81 (0)3 ...
		return len(rest) >= 9 && len(rest) <= 10
	}
	return d[0] == '0' && (len(d) == 10 || len(d) == 11) && d[1] != '0'
}
