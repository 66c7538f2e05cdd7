package analysis

import (
	"html"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// An empty answer says nothing: 特になし, なし, 特にありません, ない, —, …
// It is counted as 記入なし and left out of terms, groups and codes.
//
// An answer is compared by its letters and digits only (NFKC, lower case,
// HTML character references decoded; spaces, punctuation, symbols and
// dashes dropped), after taking off a leading 特に, 今のところ, 別に … and a
// trailing です, でした, ね …, against the phrases listed under empty: in
// the shipped dictionary and the dictionary in use. An answer with no
// letters or digits at all (ー, …, ・, ×) is empty whatever the lists say.

// emptyPrefixes are taken off the front of an answer, longest first and
// repeatedly (今のところ特には).
var emptyPrefixes = []string{"今のところ", "今の所", "現時点では", "現時点で", "今のとこ", "とくには", "特には", "別には", "とくに", "特に", "べつに", "別に", "現在", "今は", "まだ"}

// emptySuffixes are taken off the end, repeatedly (ないですね).
var emptySuffixes = []string{"でございます", "ですね", "でした", "です", "かな", "ね", "よ", "だ", "。"}

// emptyKey is the comparable form of an answer or of a listed phrase.
func emptyKey(text string) string {
	if strings.IndexByte(text, '&') >= 0 {
		text = html.UnescapeString(text)
	}
	var b strings.Builder
	for _, r := range norm.NFKC.String(text) {
		if (unicode.IsLetter(r) || unicode.IsDigit(r)) && r != 'ー' && r != 'ｰ' {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	key := b.String()
	for changed := true; changed && key != ""; {
		changed = false
		for _, p := range emptyPrefixes {
			if len(key) > len(p) && strings.HasPrefix(key, p) {
				key, changed = key[len(p):], true
				break
			}
		}
		for _, s := range emptySuffixes {
			if len(key) > len(s) && strings.HasSuffix(key, s) {
				key, changed = key[:len(key)-len(s)], true
				break
			}
		}
	}
	return key
}

// emptyAnswers is the set of phrases that make an answer empty.
type emptyAnswers map[string]struct{}

func newEmptyAnswers(lists ...[]string) emptyAnswers {
	m := emptyAnswers{}
	for _, l := range lists {
		for _, e := range l {
			if k := emptyKey(e); k != "" {
				m[k] = struct{}{}
			}
		}
	}
	return m
}

// maxEmptyBytes: an answer longer than this is never a listed phrase
// (the longest, 特に不便は感じませんでした, is well under it).
const maxEmptyBytes = 160

func (m emptyAnswers) match(text string) bool {
	if len(text) > maxEmptyBytes {
		// Long answers are skipped unless they are nothing but symbols.
		return !strings.ContainsFunc(text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
	}
	k := emptyKey(text)
	if k == "" {
		return true
	}
	_, ok := m[k]
	return ok
}

// IsEmptyAnswer reports whether an answer says nothing (特になし, なし, ない,
// 特にありません, —, …), by the shipped list and the dictionary's empty list.
func (a *Analyzer) IsEmptyAnswer(text string) bool { return a.empty.match(text) }
