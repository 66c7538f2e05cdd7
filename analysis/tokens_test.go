package analysis

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// fukuiTerms returns the terms of every answer of a Fukui column (see
// sample), computed once per test binary.
func fukuiTerms(tb testing.TB, column string) ([]string, [][]Term) {
	tb.Helper()
	lines := sample(fukuiColumn(tb, column))
	key := "terms:" + column
	if v, ok := corpusCache.Load(key); ok {
		return lines, v.([][]Term)
	}
	terms := testAnalyzer(tb).TermsBatch(lines)
	corpusCache.Store(key, terms)
	return lines, terms
}

func termDocs(terms [][]Term) []Doc {
	docs := make([]Doc, len(terms))
	for i, ts := range terms {
		docs[i] = Doc{ID: int64(i), Terms: ts}
	}
	return docs
}

// strayPunct reports punctuation or a symbol in a term, other than the
// joiners inside a latin word (Wi-Fi, COVID-19).
func strayPunct(term string) bool {
	for i, r := range term {
		if r < 0x80 && isASCIIPunct(byte(r)) {
			if strings.ContainsRune("-.&'+", r) && i > 0 && i+1 < len(term) && isASCIIAlnum(term[i-1]) && isASCIIAlnum(term[i+1]) {
				continue
			}
			return true
		}
		if r >= 0x80 && (unicode.IsPunct(r) || unicode.IsSymbol(r)) && r != 'ー' && r != '々' && r != 'ヶ' {
			return true
		}
	}
	return false
}

// On every free-text column of the Fukui questionnaire, none of the 500 most
// frequent terms holds punctuation or a symbol (NFKC turns （）：… into ASCII,
// which IPADIC used to tag as unknown nouns: &hellip; and ... were terms).
func TestFukuiFrequentTermsHaveNoPunctuation(t *testing.T) {
	for _, col := range fukuiTextColumns {
		_, terms := fukuiTerms(t, col)
		freq := Frequencies(termDocs(terms))
		top := min(500, len(freq))
		if top < 500/corpusStride {
			t.Fatalf("%s: only %d distinct terms", col, len(freq))
		}
		for rank, f := range freq[:top] {
			if strayPunct(f.Term) {
				t.Errorf("%s: term %d %q holds punctuation (%d answers)", col, rank+1, f.Term, f.Docs)
			}
		}
	}
}

// Terms never hold symbols, wherever they come from: full-width brackets
// and colons, ellipses, HTML character references, emoji.
func TestSymbolsAreNeverInTerms(t *testing.T) {
	a := testAnalyzer(t)
	for text, want := range map[string][]string{
		"担当者レベル（人：人）の会議":        {"担当者レベル", "会議"},
		"（生成）AIの学習…関係者への説明":     {"生成", "AI", "学習", "関係者", "説明"},
		"バスの本数が少ない&hellip;。":    {"バス", "本数", "少ない", "本数が少ない"},
		"※駐車場が狭い★★★":            {"駐車場", "狭い", "駐車場が狭い"},
		"トイレ・駐車場・売店、どれも〜足りない！😢": {"トイレ", "駐車場", "売店", "足りない"},
	} {
		got := a.Terms(text)
		for _, tm := range got {
			if strayPunct(tm.Text) || strings.Contains(strings.ToLower(tm.Text), "hellip") {
				t.Errorf("%s: term %q holds a symbol: %v", text, tm.Text, got)
			}
		}
		m := termMap(got)
		for _, w := range want {
			if _, ok := m[w]; !ok {
				t.Errorf("%s: %s missing: %v", text, w, got)
			}
		}
	}
}

var wish = regexp.MustCompile(`(と|ば|たら|だら)(嬉し|うれし)`)

// Hiragana adjectives and adjectival nouns are counted (they used to be
// dropped with the hiragana function words), merged with their kanji
// spelling where the dictionary says so. Checked against the raw text: the
// answers holding the term are nearly all the answers whose text has a
// spelling of it (a few are other words, e.g. きれいごと).
func TestFukuiHiraganaAdjectivesAreCounted(t *testing.T) {
	for _, c := range []struct {
		column, term string
		spellings    []string
		min          int // answers, at least (from grep on the CSV)
	}{
		{"満足度の理由", "綺麗", []string{"綺麗", "きれい", "キレイ", "奇麗"}, 1900},
		{"満足度の理由", "美味しい", []string{"美味し", "おいし", "オイシ"}, 1300},
		{"満足度(商品・サービス)の理由", "美味しい", []string{"美味し", "おいし", "オイシ"}, 2000},
		{"満足度の理由", "嬉しい", []string{"嬉し", "うれし"}, 100},
		{"満足度の理由", "優しい", []string{"優し", "やさし"}, 80},
		{"満足度の理由", "おしゃれ", []string{"おしゃれ", "オシャレ", "お洒落"}, 100},
		{"推奨項目", "のどか", []string{"のどか", "長閑"}, 30},
	} {
		lines, terms := fukuiTerms(t, c.column)
		raw, counted := 0, 0
		for i, l := range lines {
			// 〜があると嬉しい is a wish (a request), not praise: not the word.
			n := wish.ReplaceAllString(Normalize(l), "")
			has := false
			for _, s := range c.spellings {
				has = has || strings.Contains(n, s)
			}
			if has {
				raw++
			}
			if hasTerm(terms[i], c.term) {
				counted++
			}
		}
		if min := c.min / corpusStride; corpusStride > 1 && raw < min/2 || corpusStride == 1 && raw < min {
			t.Fatalf("%s: %d answers spell %s, expected at least %d: corpus changed?", c.column, raw, c.term, c.min)
		}
		low := 90 // the race detector's tenth of the answers is a small sample
		if corpusStride > 1 {
			low = 75
		}
		if counted*100 < raw*low || counted*100 > raw*(200-low) {
			t.Errorf("%s: %s in the terms of %d answers, spelt in %d", c.column, c.term, counted, raw)
		}
	}
	// Adjectives without a kanji spelling in the dictionary keep their own.
	a := testAnalyzer(t)
	for text, want := range map[string]string{
		"説明がおかしい":     "おかしい",
		"店員さんがうるさかった": "うるさい",
		"坂道がしんどい":     "しんどい",
		"すてきな景色":      "素敵",
		"とてもきれいでした":   "綺麗",
	} {
		if m := termMap(a.Terms(text)); m[want].Count != 1 {
			t.Errorf("%s: %s not counted: %v", text, want, a.Terms(text))
		}
	}
	// Hiragana filler stays out.
	for _, text := range []string{"すごくいろいろあった", "めちゃくちゃ", "いかがでしょうか"} {
		for _, tm := range a.Terms(text) {
			if isAllHiragana(tm.Text) {
				t.Errorf("%s: filler %q counted", text, tm.Text)
			}
		}
	}
}

// Latin words are counted whatever their case and shown in their usual
// spelling; an acronym after a noun across one space joins it.
func TestLatinTerms(t *testing.T) {
	a := testAnalyzer(t)
	m := termMap(a.Terms("生成 AIとai、ＳＮＳやsnsでPR。wifiとWi-Fiとｗｉ－ｆｉ。Googleとgoogle。"))
	for term, count := range map[string]int{"生成AI": 1, "AI": 2, "SNS": 2, "PR": 1, "Wi-Fi": 3, "Google": 2} {
		if m[term].Count != count {
			t.Errorf("%s counted %d times, want %d: %v", term, m[term].Count, count, m)
		}
	}
	for _, bad := range []string{"ai", "sns", "wifi", "wi-fi", "google", "生成ai"} {
		if _, ok := m[bad]; ok {
			t.Errorf("%q shown in lower case: %v", bad, m)
		}
	}
	// An English word in a title is no acronym: ライブ in ハワイアンズ stays apart.
	for _, tm := range a.Terms("恐竜ライブ in ハワイアンズ、よしもと presents のイベント") {
		if strings.Contains(strings.ToLower(tm.Text), "in") && tm.Text != "IN" || strings.Contains(tm.Text, "Presents") && tm.Text != "Presents" {
			t.Errorf("joined across a space: %q", tm.Text)
		}
	}
	if got := a.Canonical("sns"); got != "SNS" {
		t.Errorf("Canonical(sns) = %q", got)
	}
	if got := a.Canonical("wifi"); got != "Wi-Fi" {
		t.Errorf("Canonical(wifi) = %q", got)
	}
}

// A stopword or an intensifier neither starts nor sits inside a compound;
// a run of nouns too long to be a term is not one.
func TestCompoundsBreakAtStopwordsAndLength(t *testing.T) {
	a := testAnalyzer(t)
	m := termMap(a.Terms("スタッフが大変親切で、本日限定の地域担当職員制度も非常便利"))
	for _, bad := range []string{"大変親切", "大変", "本日限定", "本日"} {
		if _, ok := m[bad]; ok {
			t.Errorf("%s counted: %v", bad, m)
		}
	}
	for _, w := range []string{"親切", "限定", "地域担当職員制度"} {
		if _, ok := m[w]; !ok {
			t.Errorf("%s missing: %v", w, m)
		}
	}
	long := strings.Repeat("地域福祉計画", 10) // 60 characters of nouns
	for _, tm := range a.Terms(long + "を作る") {
		if runeLen(tm.Text) > maxTermRunes {
			t.Errorf("term of %d characters: %q", runeLen(tm.Text), tm.Text)
		}
	}
}

// A negated predicate is counted by its negative form; the word it negates
// is not there (or only as a part, for a noun).
func TestNegatedPredicates(t *testing.T) {
	a := testAnalyzer(t)
	for text, c := range map[string]struct{ want, not []string }{
		"料理が良くなかった":         {[]string{"良くない", "料理が良くない"}, []string{"良い"}},
		"案内は分かりにくくない":       {[]string{"分かりにくくない"}, []string{"分かりにくい"}},
		"案内がわかりにくかった":       {[]string{"分かりにくい", "案内が分かりにくい"}, []string{"分かる", "分かりにくくない"}},
		"使い方がわかりませんでした":     {[]string{"分からない", "使い方が分からない"}, []string{"分かる"}},
		"設備に問題はなかった":        {[]string{"問題ない", "設備"}, []string{"問題"}},
		"食事に満足できなかった":       {[]string{"満足できない"}, nil},
		"交通が便利ではありません":      {[]string{"便利ではない", "交通が便利ではない"}, nil},
		"駐車場に車が停められなかった":    {[]string{"停められない", "車が停められない"}, []string{"停める"}},
		"美味しいものが食べられた":      {[]string{"食べる", "美味しい"}, []string{"食べられる"}},
		"おいしくないし、サービスもよくない": {[]string{"美味しくない", "良くない", "サービスが良くない"}, []string{"美味しい", "良い"}},
	} {
		m := termMap(a.Terms(text))
		for _, w := range c.want {
			if _, ok := m[w]; !ok {
				t.Errorf("%s: %s missing: %v", text, w, a.Terms(text))
			}
		}
		for _, w := range c.not {
			if tm, ok := m[w]; ok && tm.Kind != KindPart {
				t.Errorf("%s: %s counted as said: %v", text, w, a.Terms(text))
			}
		}
	}
	// The noun of 満足できない is counted, as a part: code rules skip it.
	if m := termMap(a.Terms("食事に満足できなかった")); m["満足"].Kind != KindPart {
		t.Errorf("満足 of 満足できない: %v", m)
	}
}

// Phrases: a noun with its predicate, in one base form whatever the
// particle, politeness, tense or request wording.
func TestPhrases(t *testing.T) {
	a := testAnalyzer(t)
	for text, want := range map[string]string{
		"バスの本数が少ない。":        "本数が少ない",
		"電車の本数も少なかったです":     "本数が少ない",
		"本数はとても少ない":         "本数が少ない",
		"観光客のマナーが悪い":        "マナーが悪い",
		"駐車場が狭くて困った":        "駐車場が狭い",
		"自転車は免許制にしてほしい":     "免許制にしてほしい",
		"バスの本数を増やしてください":    "本数を増やしてほしい",
		"本数を増やしてもらいたいです":    "本数を増やしてほしい",
		"本数を増やしたらいいと思う":     "本数を増やしてほしい",
		"案内がわかりにくかった":       "案内が分かりにくい",
		"近くにコンビニがない":        "コンビニがない",
		"コンビニが無かった":         "コンビニがない",
		"Wi-Fiがほしい":         "Wi-Fiがほしい",
		"レンタサイクルがあると助かる":    "レンタサイクルがあってほしい",
		"もっとPRすべきだ":         "PRすべき",
		"トイレをきれいにしてほしい":     "綺麗にしてほしい",
		"料金を安くしてほしい":        "料金を安くしてほしい",
		"県はもっと観光地を宣伝するべきです": "観光地を宣伝すべき",
	} {
		got := a.Terms(text)
		m := termMap(got)
		if m[want].Kind != KindPhrase {
			t.Errorf("%s: phrase %s missing: %v", text, want, got)
		}
	}
	// Words stay beside their phrase.
	m := termMap(a.Terms("バスの本数が少ない"))
	if m["本数"].Kind != KindWord || m["少ない"].Kind != KindWord {
		t.Errorf("words beside the phrase: %v", m)
	}
}

// The 20 most frequent phrases of 不便さの内容 name real problems: each is
// a noun and its predicate, and the common complaints are among them.
func TestFukuiFrequentPhrases(t *testing.T) {
	lines, terms := fukuiTerms(t, "不便さの内容")
	var phrases []Doc
	for i, ts := range terms {
		d := Doc{ID: int64(i)}
		for _, tm := range ts {
			if tm.Kind == KindPhrase {
				d.Terms = append(d.Terms, tm)
			}
		}
		phrases = append(phrases, d)
	}
	freq := Frequencies(phrases)
	top := map[string]int{}
	var list []string
	for _, f := range freq[:20] {
		top[f.Term] = f.Docs
		list = append(list, fmt.Sprintf("%s %d", f.Term, f.Docs))
	}
	for _, want := range []string{"本数が少ない", "駐車場が少ない", "道が狭い", "駐車場が分かりにくい", "コンビニがない"} {
		if top[want] == 0 {
			t.Errorf("%s not among the top 20 phrases: %v", want, list)
		}
	}
	// Checked against the raw text: a phrase ending in 本数が少ない (バスの
	// 本数が少ない, 運行本数が少ない) is in nearly every answer that says so,
	// in any wording the phrase covers (少なすぎる, 少なめ are other phrases).
	raw := regexp.MustCompile(`本数(が|も|は)(とても|非常に|かなり|少し|すごく|極端に|まだ|あまりにも|やや)?少な(い|く|かっ)`)
	n, counted := 0, 0
	for i, l := range lines {
		if !raw.MatchString(Normalize(l)) {
			continue
		}
		n++
		for _, tm := range terms[i] {
			if tm.Kind == KindPhrase && strings.HasSuffix(tm.Text, "本数が少ない") {
				counted++
				break
			}
		}
	}
	share := 95 // a tenth of the answers (race detector) leaves room for one miss
	if corpusStride > 1 {
		share = 85
	}
	if n < 150/corpusStride || counted*100 < n*share {
		t.Errorf("a phrase ending in 本数が少ない in %d answers, the text says it in %d", counted, n)
	}
	t.Logf("top phrases of 不便さの内容: %s", strings.Join(list, ", "))
}

// Each term knows the sentences where it is said whole.
func TestTermSentences(t *testing.T) {
	a := testAnalyzer(t)
	m := termMap(a.Terms("駐車場が狭い。トイレは綺麗。\n駐車場がない！横断歩道が怖い"))
	for term, want := range map[string]uint64{"駐車場": 0b101, "狭い": 0b001, "綺麗": 0b010, "駐車場がない": 0b100, "横断歩道": 0b1000} {
		if m[term].Sentences != want {
			t.Errorf("%s in sentences %b, want %b: %v", term, m[term].Sentences, want, m)
		}
	}
	if m["横断"].Kind != KindPart || m["横断"].Sentences != 0 {
		t.Errorf("横断 only inside 横断歩道: %+v", m["横断"])
	}
}
