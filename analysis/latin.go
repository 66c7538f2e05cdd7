package analysis

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ikawaha/kagome/v2/tokenizer/lattice"
)

// Symbols and latin words: what NFKC makes ASCII must not become part of a
// term unless it is a latin word (SNS, Wi-Fi, COVID-19).

func isSpace(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// hasSymbol reports whether s holds a punctuation or symbol character.
func hasSymbol(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			for _, r := range s[i:] {
				if r >= utf8.RuneSelf && (unicode.IsPunct(r) || unicode.IsSymbol(r)) && r != 'ー' && r != '々' && r != '〆' && r != 'ヶ' {
					return true
				} else if r < utf8.RuneSelf && isASCIIPunct(byte(r)) {
					return true
				}
			}
			return false
		}
		if isASCIIPunct(c) {
			return true
		}
	}
	return false
}

func isASCIIPunct(c byte) bool {
	return c > ' ' && c < 0x7f && !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9')
}

func isASCIIAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// isLatinWord: ASCII letters and digits with at least one letter, possibly
// joined by - . & ' + (wi-fi, covid-19, r&d).
func isLatinWord(s string) bool {
	letter := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			letter = true
		case '0' <= c && c <= '9':
		case strings.IndexByte("-.&'+", c) >= 0 && i > 0 && i+1 < len(s) && isASCIIAlnum(s[i-1]) && isASCIIAlnum(s[i+1]):
		default:
			return false
		}
	}
	return letter
}

// joinLatin merges what kagome splits of a latin word: adjacent ASCII
// letter/digit tokens, and a single joiner between two of them (wi-fi,
// covid-19). The merged token is an unknown noun.
func joinLatin(sent string, toks []ltok) []ltok {
	out := toks[:0]
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if !isASCIIAlnumToken(t.Surface) || t.Class == lattice.USER {
			out = append(out, t)
			continue
		}
		end := t.end()
		j := i + 1
		for j < len(toks) && toks[j].Position == end && toks[j].Class != lattice.USER {
			n := toks[j].Surface
			if isASCIIAlnumToken(n) {
				end = toks[j].end()
				j++
				continue
			}
			if len(n) == 1 && strings.IndexByte("-.&'+", n[0]) >= 0 && j+1 < len(toks) && toks[j+1].Position == end+1 && isASCIIAlnumToken(toks[j+1].Surface) && toks[j+1].Class != lattice.USER {
				end = toks[j+1].end()
				j += 2
				continue
			}
			break
		}
		if j > i+1 || isLatinWord(t.Surface) {
			surface := sent[t.Position:end]
			if isLatinWord(surface) {
				t = ltok{ID: t.ID, Class: lattice.UNKNOWN, Position: t.Position, Surface: surface, role: tokRole{cls: clsNoun}, latin: true}
				i = j - 1
			}
		}
		out = append(out, t)
	}
	return out
}

func isASCIIAlnumToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isASCIIAlnum(s[i]) {
			return false
		}
	}
	return true
}

// latinDisplay is how a folded (lower-case) term is shown: each latin word
// of up to four letters in capitals (AI, SNS, PR, JR, BBQ), longer ones
// capitalised (Google). The display depends on the spelling only, so every
// answer counts a word under the same text whatever its case; the
// dictionary names other spellings (Wi-Fi, PayPay) as forced words or
// synonyms.
func latinDisplay(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return 'a' <= r && r <= 'z' }) {
		return s
	}
	b := []byte(s)
	for i := 0; i < len(b); {
		if !isASCIIAlnum(b[i]) {
			i++
			continue
		}
		j := i
		for j < len(b) && (isASCIIAlnum(b[j]) || strings.IndexByte("-.&'+", b[j]) >= 0 && j+1 < len(b) && isASCIIAlnum(b[j+1])) {
			j++
		}
		word := b[i:j]
		letters, onlyLetters := 0, true
		for _, c := range word {
			if 'a' <= c && c <= 'z' {
				letters++
			} else {
				onlyLetters = false
			}
		}
		switch {
		case letters == 0:
		case onlyLetters && letters <= 4:
			for k, c := range word {
				word[k] = c - 'a' + 'A'
			}
		case 'a' <= word[0] && word[0] <= 'z':
			word[0] = word[0] - 'a' + 'A'
		}
		i = j
	}
	return string(b)
}
