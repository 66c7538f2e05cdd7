package reports

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

// MaskContact replaces e-mail addresses and phone numbers in s with
// MaskedEmail and MaskedPhone. It is applied to every quote and answer a
// report shows. Japanese phone numbers are recognised with or without
// separators (-, ー, spaces, parentheses), in half- or full-width digits, and
// in +81 form; dates, postcodes, times and amounts are left alone.
func MaskContact(s string) string {
	if s == "" {
		return s
	}
	s = emailRE.ReplaceAllString(s, MaskedEmail)
	locs := phoneRunRE.FindAllStringIndex(s, -1)
	if locs == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, loc := range locs {
		run := s[loc[0]:loc[1]]
		for i := 0; i < len(run); {
			end := phoneAt(run, i)
			if end < 0 {
				_, n := utf8.DecodeRuneInString(run[i:])
				i += n
				continue
			}
			b.WriteString(s[last : loc[0]+i])
			b.WriteString(MaskedPhone)
			last = loc[0] + end
			i = end
		}
	}
	b.WriteString(s[last:])
	return b.String()
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
