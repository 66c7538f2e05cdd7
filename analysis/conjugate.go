package analysis

import (
	"strings"
	"unicode/utf8"
)

// The term pipeline names a predicate by one readable form: 良くない for
// 良くなかった, 分からない for わかりませんでした, 増やしてほしい for 増やしてください.
// IPADIC gives each verb and adjective its base form and conjugation type
// (活用型); the few forms needed are built from those. Types outside the
// tables (文語, 四段, …) give "" and the caller falls back to the base form.

// Rows of the kana table for 五段 verbs: the final kana of the base form (u
// row) and its a, i row forms.
var godanRows = map[rune][2]string{ // u -> {a (未然), i (連用)}
	'う': {"わ", "い"}, 'く': {"か", "き"}, 'ぐ': {"が", "ぎ"}, 'す': {"さ", "し"},
	'つ': {"た", "ち"}, 'ぬ': {"な", "に"}, 'ぶ': {"ば", "び"}, 'む': {"ま", "み"},
	'る': {"ら", "り"},
}

// teEndings is the て form ending of 五段 verbs by final kana (音便).
var teEndings = map[rune]string{
	'う': "って", 'く': "いて", 'ぐ': "いで", 'す': "して", 'つ': "って",
	'ぬ': "んで", 'ぶ': "んで", 'む': "んで", 'る': "って",
}

// splitLast returns s without its last rune, and that rune.
func splitLast(s string) (string, rune) {
	r, n := utf8.DecodeLastRuneInString(s)
	return s[:len(s)-n], r
}

// isAdjType reports whether a conjugation type is an adjective's.
func isAdjType(ctype string) bool { return strings.HasPrefix(ctype, "形容詞") }

// adjStem is an adjective without its final い (良い -> 良, いい -> よ).
func adjStem(base, ctype string) (string, bool) {
	if ctype == "形容詞・イイ" {
		return strings.TrimSuffix(base, "いい") + "よ", strings.HasSuffix(base, "いい")
	}
	stem, last := splitLast(base)
	return stem, last == 'い' && stem != ""
}

// negativeForm is the plain negative of a verb or adjective: 分かる ->
// 分からない, 良い -> 良くない, する -> しない, ある -> ない.
func negativeForm(base, ctype string) string {
	if isAdjType(ctype) {
		if stem, ok := adjStem(base, ctype); ok {
			return stem + "くない"
		}
		return ""
	}
	switch {
	case base == "ある" || base == "有る":
		return "ない"
	case strings.HasPrefix(ctype, "五段"):
		stem, last := splitLast(base)
		if row, ok := godanRows[last]; ok {
			return stem + row[0] + "ない"
		}
	case strings.HasPrefix(ctype, "一段"):
		if stem, last := splitLast(base); last == 'る' {
			return stem + "ない"
		}
	case ctype == "サ変・スル":
		if strings.HasSuffix(base, "する") {
			return strings.TrimSuffix(base, "する") + "しない"
		}
	case ctype == "サ変・−スル":
		if strings.HasSuffix(base, "する") {
			return strings.TrimSuffix(base, "する") + "さない"
		}
	case ctype == "サ変・−ズル":
		if strings.HasSuffix(base, "ずる") {
			return strings.TrimSuffix(base, "ずる") + "じない"
		}
	case ctype == "カ変・来ル":
		return strings.TrimSuffix(base, "る") + "ない" // 来る -> 来ない
	case ctype == "カ変・クル":
		return strings.TrimSuffix(base, "くる") + "こない"
	}
	return ""
}

// continuativeForm (連用形) is the form before にくい, やすい, すぎる:
// 分かる -> 分かり, 食べる -> 食べ, する -> し; for adjectives the stem (高).
func continuativeForm(base, ctype string) string {
	if isAdjType(ctype) {
		if stem, ok := adjStem(base, ctype); ok {
			return stem
		}
		return ""
	}
	switch {
	case strings.HasPrefix(ctype, "五段"):
		stem, last := splitLast(base)
		if row, ok := godanRows[last]; ok {
			return stem + row[1]
		}
	case strings.HasPrefix(ctype, "一段"):
		if stem, last := splitLast(base); last == 'る' {
			return stem
		}
	case strings.HasPrefix(ctype, "サ変"):
		if strings.HasSuffix(base, "する") {
			return strings.TrimSuffix(base, "する") + "し"
		}
	case ctype == "カ変・来ル":
		return strings.TrimSuffix(base, "る")
	case ctype == "カ変・クル":
		return strings.TrimSuffix(base, "くる") + "き"
	}
	return ""
}

// teForm is the て form of a verb (増やす -> 増やして, 行く -> 行って, 読む ->
// 読んで); for adjectives the く form followed by なって (安い -> 安くなって),
// which is how a wish about a quality is said.
func teForm(base, ctype string) string {
	if isAdjType(ctype) {
		if stem, ok := adjStem(base, ctype); ok {
			return stem + "くなって"
		}
		return ""
	}
	switch {
	case base == "行く" || base == "いく":
		return strings.TrimSuffix(base, "く") + "って"
	case strings.HasPrefix(ctype, "五段"):
		stem, last := splitLast(base)
		if e, ok := teEndings[last]; ok {
			if ctype == "五段・ワ行ウ音便" {
				return base + "て" // 問う -> 問うて
			}
			return stem + e
		}
	case strings.HasPrefix(ctype, "一段"), strings.HasPrefix(ctype, "カ変"), strings.HasPrefix(ctype, "サ変"):
		if c := continuativeForm(base, ctype); c != "" {
			return c + "て"
		}
	}
	return ""
}
