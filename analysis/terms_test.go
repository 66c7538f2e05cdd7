package analysis

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/koe-project/koe/internal/testcorpus"
)

func termMap(ts []Term) map[string]Term {
	m := make(map[string]Term, len(ts))
	for _, t := range ts {
		m[t.Text] = t
	}
	return m
}

// Terms as a person reads community-work feedback.
func TestTermsCommunityFeedback(t *testing.T) {
	a := testAnalyzer(t)
	got := termMap(a.Terms("行政担当者が異動しても連携を維持することが課題です。"))
	for _, w := range []string{"連携", "異動", "課題"} {
		if got[w].Kind != KindWord {
			t.Errorf("word %s missing: %v", w, got)
		}
	}
	if got["行政担当者"].Kind != KindCompound {
		t.Errorf("compound 行政担当者 missing: %v", got)
	}
	// 行政 is said only inside 行政担当者: counted, but as a part.
	if got["行政"].Kind != KindPart || got["行政"].Count != 1 {
		t.Errorf("part 行政 of 行政担当者: %v", got)
	}
	for _, w := range []string{"が", "も", "を", "こと", "する", "です", "。", "者"} {
		if _, ok := got[w]; ok {
			t.Errorf("%q should not be a term: %v", w, got)
		}
	}

	got = termMap(a.Terms("地域担当職員制度を作ったが、人事異動で活動計画が止まった。"))
	for _, c := range []string{"地域担当職員制度", "人事異動", "活動計画"} {
		if got[c].Kind != KindCompound {
			t.Errorf("compound %s missing: %v", c, got)
		}
	}
	// Parts are counted beside the compound, as parts.
	for _, w := range []string{"地域", "職員", "制度", "人事", "異動", "活動", "計画"} {
		if got[w].Kind != KindPart {
			t.Errorf("part %s missing: %v", w, got)
		}
	}
	for _, w := range []string{"作る", "止まる"} {
		if got[w].Kind != KindWord {
			t.Errorf("base form %s missing: %v", w, got)
		}
	}
	for _, w := range []string{"作っ", "止まっ"} {
		if _, ok := got[w]; ok {
			t.Errorf("inflected surface %q instead of base form: %v", w, got)
		}
	}
}

func TestTermsForcedWordsSynonymsStopwords(t *testing.T) {
	a := testAnalyzer(t)
	got := termMap(a.Terms("本日は重層的支援体制整備事業とヤングケアラー支援について、社協と町内会の皆様からご意見をいただきました。今回も大変勉強になったと思う。"))
	if _, ok := got["重層的支援体制整備事業"]; !ok {
		t.Errorf("forced word kept whole: %v", got)
	}
	for _, part := range []string{"重層", "体制", "整備", "事業"} {
		if _, ok := got[part]; ok {
			t.Errorf("forced word cut into %q: %v", part, got)
		}
	}
	if got["ヤングケアラー支援"].Kind != KindCompound || got["ヤングケアラー"].Count != 1 {
		t.Errorf("forced word should still join a compound and count as a part: %v", got)
	}
	if _, ok := got["社会福祉協議会"]; !ok {
		t.Errorf("社協 not merged into 社会福祉協議会: %v", got)
	}
	if _, ok := got["自治会"]; !ok {
		t.Errorf("町内会 not merged into 自治会: %v", got)
	}
	for _, v := range []string{"社協", "町内会"} {
		if _, ok := got[v]; ok {
			t.Errorf("variant %q left unmerged: %v", v, got)
		}
	}
	for _, s := range []string{"本日", "今回", "思う", "皆様", "大変", "いただく", "なる", "ご意見"} {
		if _, ok := got[s]; ok {
			t.Errorf("stopword/filler %q counted: %v", s, got)
		}
	}
	if got["意見"].Count != 1 {
		t.Errorf("意見 (after the hiragana prefix ご) missing: %v", got)
	}
}

func TestTermsNormalisationAndCounts(t *testing.T) {
	a := testAnalyzer(t)
	// Full-width latin, half-width katakana, case: all one term, shown in
	// capitals (an acronym).
	got := a.Terms("ＳＮＳで発信。SNSとsnsの活用！ｶﾀｶﾅのアンケート、アンケート")
	m := termMap(got)
	if m["SNS"].Count != 3 {
		t.Errorf("SNS count = %d, want 3 (full-width and case folded): %v", m["SNS"].Count, got)
	}
	if m["アンケート"].Count != 2 {
		t.Errorf("アンケート count = %d, want 2: %v", m["アンケート"].Count, got)
	}
	seen := map[string]bool{}
	for _, tm := range got {
		if seen[tm.Text] {
			t.Errorf("term %q listed twice", tm.Text)
		}
		seen[tm.Text] = true
		if tm.Count < 1 {
			t.Errorf("term %q with count %d", tm.Text, tm.Count)
		}
	}
	// Canonical display keeps the dictionary's case.
	if m := termMap(a.Terms("ＮＰＯ法人と協力した")); m["NPO法人"].Count != 1 {
		t.Errorf("NPO法人 not found with its dictionary spelling: %v", m)
	}
	if a.Terms("") != nil || len(a.Terms("。。！？\n\n")) != 0 {
		t.Error("empty text gives terms")
	}
}

func TestSplitSentences(t *testing.T) {
	var got []string
	s := "一文目。二文目!三文目?\n四\r\n五"
	splitSentences(s, func(sent string, off int) {
		if s[off:off+len(sent)] != sent {
			t.Errorf("offset %d does not locate %q", off, sent)
		}
		got = append(got, sent)
	})
	want := []string{"一文目", "二文目", "三文目", "四", "五"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q want %q", got, want)
	}
	long := strings.Repeat("あ", maxSentenceBytes) // no punctuation at all
	n := 0
	splitSentences(long, func(sent string, _ int) {
		n++
		if len(sent) > maxSentenceBytes {
			t.Errorf("segment of %d bytes", len(sent))
		}
	})
	if n < 2 {
		t.Errorf("long text not cut: %d segments", n)
	}
}

// Real text: chABSA securities reports.
func TestCorpusChabsaCompoundsAndSynonyms(t *testing.T) {
	a := testAnalyzer(t)
	lines := corpusLines(t, "chabsa-sentences.txt")
	terms := a.TermsBatch(lines)
	compounds, withYear, torikumi := 0, 0, 0
	for i, ts := range terms {
		norm := lowerASCII(Normalize(lines[i]))
		m := termMap(ts)
		for _, tm := range ts {
			if tm.Kind != KindCompound {
				continue
			}
			compounds++
			// A compound is a span of the text, but for the case of latin
			// letters and the space in 生成 AI.
			if _, isCanon := a.canon[fold(tm.Text)]; !isCanon && !strings.Contains(strings.ReplaceAll(norm, " ", ""), lowerASCII(tm.Text)) {
				t.Errorf("compound %q is not a span of %q", tm.Text, lines[i])
			}
		}
		if strings.Contains(norm, "連結会計年度") {
			withYear++
			found := false
			for _, tm := range ts {
				if tm.Kind == KindCompound && strings.Contains(tm.Text, "連結会計年度") {
					found = true
				}
			}
			if !found {
				t.Errorf("連結会計年度 not kept inside a compound in %q: %v", lines[i], ts)
			}
		}
		if strings.Contains(norm, "取組") && !strings.Contains(norm, "取組む") {
			torikumi++
			if _, ok := m["取組"]; ok {
				t.Errorf("取組 not merged into 取り組み in %q", lines[i])
			}
			if _, ok := m["取り組み"]; !ok {
				hasLonger := false
				for _, tm := range ts {
					hasLonger = hasLonger || strings.Contains(tm.Text, "取組")
				}
				if !hasLonger {
					t.Errorf("取組 lost in %q: %v", lines[i], ts)
				}
			}
		}
	}
	if compounds < len(lines) {
		t.Errorf("only %d compounds in %d report sentences", compounds, len(lines))
	}
	if withYear == 0 || torikumi == 0 {
		t.Fatalf("corpus changed? 連結会計年度 lines %d, 取組 lines %d", withYear, torikumi)
	}
}

// Real text: aozora prose. Stopwords, hiragana and one-character words gone,
// verbs by base form, synonyms merged.
func TestCorpusAozoraFiltersAndBaseForms(t *testing.T) {
	a := testAnalyzer(t)
	lines := corpusLines(t, "aozora-paragraphs.txt")
	if len(lines) > 6000 {
		lines = lines[:6000]
	}
	stop := map[string]bool{}
	for _, s := range a.Dictionary().Stopwords {
		stop[fold(s)] = true
	}
	terms := a.TermsBatch(lines)
	walk, walkOK, kodomo := 0, 0, 0
	for i, ts := range terms {
		m := termMap(ts)
		for _, tm := range ts {
			f := fold(tm.Text)
			if stop[f] {
				t.Errorf("stopword %q in terms of %q", tm.Text, lines[i])
			}
			_, named := a.canon[f]
			if !named && (tm.Kind == KindWord && oneRune(f) || isAllHiragana(f) && !kanaAdjective(a, f)) {
				t.Errorf("hidden word %q (hiragana but no adjective, or one character) in %q", tm.Text, lines[i])
			}
			// A small っ never ends a base form. (Historical kana such as
			// 帰つて is outside IPADIC and not checked.)
			if strings.HasSuffix(tm.Text, "っ") {
				t.Errorf("inflected form %q in %q", tm.Text, lines[i])
			}
		}
		n := Normalize(lines[i])
		if strings.Contains(n, "歩いて") || strings.Contains(n, "歩いた") {
			walk++
			if _, ok := m["歩く"]; ok {
				walkOK++
			}
			if _, ok := m["歩い"]; ok {
				t.Errorf("surface 歩い instead of base form in %q", lines[i])
			}
		}
		if strings.Contains(n, "子供") {
			kodomo++
			if _, ok := m["子供"]; ok {
				t.Errorf("子供 not merged into 子ども in %q", lines[i])
			}
		}
	}
	if walk == 0 || kodomo == 0 {
		t.Fatalf("corpus changed? 歩いて lines %d, 子供 lines %d", walk, kodomo)
	}
	// Segmentation may differ in old kana, but nearly all must give 歩く.
	if walkOK*10 < walk*9 {
		t.Errorf("歩く found in %d of %d lines with 歩いて/歩いた", walkOK, walk)
	}
	var merged int
	for _, ts := range terms {
		if _, ok := termMap(ts)["子ども"]; ok {
			merged++
		}
	}
	if merged < kodomo*9/10 {
		t.Errorf("子ども in %d lines, 子供 in %d", merged, kodomo)
	}
}

func TestTermsBatchMatchesTerms(t *testing.T) {
	a := testAnalyzer(t)
	lines := corpusLines(t, "chabsa-sentences.txt")
	if len(lines) > 400 {
		lines = lines[:400]
	}
	batch := a.TermsBatch(lines)
	for i, l := range lines {
		if one := a.Terms(l); !reflect.DeepEqual(one, batch[i]) {
			t.Fatalf("line %d: batch %v != single %v", i, batch[i], one)
		}
	}
	if len(a.TermsBatch(nil)) != 0 {
		t.Error("empty batch")
	}
}

// Every term a shipped code rule names must be something the pipeline can
// produce, or the rule can never fire.
func TestDefaultCodeBookTermsAreProducible(t *testing.T) {
	a := testAnalyzer(t)
	cb, err := a.CodeBooks(a.CodeBookNames()...)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cb.Codes {
		for _, rt := range c.Terms() {
			// The term alone, or ended like a sentence (のどかです); scanned
			// directly, as some are whole answers that say nothing (分からない).
			found := false
			var got []string
			for _, text := range []string{rt, rt + "です"} {
				a.scan(text, func(o occurrence) {
					got = append(got, o.text)
					found = found || o.whole && fold(o.text) == rt
				})
			}
			if !found {
				t.Errorf("code %s: rule term %q is never produced (terms %v)", c.Name, rt, got)
			}
		}
	}
}

func TestAnalyzerWithCustomDictionary(t *testing.T) {
	d, err := ParseDictionary([]byte("words: [地域担当職員]\nsynonyms:\n  担い手: [人材]\nstopwords: [課題]\n"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	m := termMap(a.Terms("地域担当職員の人材と担い手が課題。"))
	if _, ok := m["地域担当職員"]; !ok {
		t.Errorf("forced word: %v", m)
	}
	if _, ok := m["地域"]; ok {
		t.Errorf("forced word should not be cut: %v", m)
	}
	if m["担い手"].Count != 2 {
		t.Errorf("synonym count: %v", m)
	}
	if _, ok := m["課題"]; ok {
		t.Errorf("stopword: %v", m)
	}
	if a.Version() == sharedAnalyzer.Version() {
		t.Error("different dictionaries share a version")
	}
}

// Whatever reports mask never becomes a term (also written as reports accept
// it: a space after @, full-width characters, no separators).
func TestContactsAreNotTerms(t *testing.T) {
	terms := testAnalyzer(t).Terms("連絡先は kensyoku@example.jp 、電話 03-1234-5678 、https://example.jp/a?b=1 です。連携をお願いします。" +
		"または taro@ example.jp か ｈａｎａ＠ｅｘａｍｐｌｅ．ｊｐ、09086429753 まで。")
	for _, term := range terms {
		if strings.ContainsAny(term.Text, "@0123456789") || strings.Contains(term.Text, "example") || term.Text == "jp" || term.Text == "https" {
			t.Errorf("contact fragment %q became a term", term.Text)
		}
	}
	if !hasTerm(terms, "連携") {
		t.Errorf("連携 lost next to contacts: %v", terms)
	}
}

// hostileRuns are the longest comments a respondent can send that hold no
// sentence break: the kanji of real prose run together, rare kanji the
// dictionary does not know (each an unknown noun, so the whole run is one
// compound), and katakana, which the tokenizer groups into one unknown word
// however long. The last two are random, so PostgreSQL cannot compress a
// long term of them much.
func hostileRuns(t *testing.T) []string {
	t.Helper()
	var kanji []rune
	for _, r := range testcorpus.Prose(t, 40000, 500) {
		if unicode.Is(unicode.Han, r) && len(kanji) < 10000 {
			kanji = append(kanji, r)
		}
	}
	if len(kanji) < 10000 {
		t.Fatalf("only %d kanji in the prose", len(kanji))
	}
	rare := make([]rune, 10000)
	katakana := make([]rune, 10000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range rare {
		rare[i] = rune(0x3400 + rng.IntN(0x4DB6-0x3400)) // CJK extension A
		katakana[i] = rune('ァ' + rng.IntN(86))
	}
	return []string{string(kanji), string(rare), string(katakana)}
}

// A term is something a person reads in a frequency list: a run of nouns
// thousands of characters long is no term, and one of over 2,704 bytes could
// not even be stored as a key of the term totals on PostgreSQL. Such runs
// keep their words; only the unreadable compounds and words go.
func TestTermsOfLongRunsAreBounded(t *testing.T) {
	a := testAnalyzer(t)
	for i, run := range hostileRuns(t) {
		terms := a.Terms(run)
		for _, term := range terms {
			if n := utf8.RuneCountInString(term.Text); n > maxTermRunes {
				t.Errorf("a term of %d characters: %.20s…", n, term.Text)
			}
		}
		if i == 0 && len(terms) < 500 { // the kanji of real prose are words
			t.Errorf("a run of 10,000 kanji of real prose gave only %d terms", len(terms))
		}
	}
	if got := termMap(a.Terms("重層的支援体制整備事業と地域担当職員制度運用会議")); got["地域担当職員制度運用会議"].Kind != KindCompound {
		t.Errorf("a long but readable compound was dropped: %v", got)
	}
}

// kanaAdjective reports whether an all-hiragana term is one the pipeline
// keeps: an adjective (its base or negative form ends in い) or an adjectival
// noun (名詞-形容動詞語幹 before だ, な or に), of three characters or more.
func kanaAdjective(a *Analyzer, s string) bool {
	if runeLen(s) < 3 {
		return false
	}
	if strings.HasSuffix(s, "い") {
		return true
	}
	for _, after := range []string{"だ", "な", "に"} {
		if toks := a.tokenize(s+after, nil); toks[0].Surface == s && toks[0].role.sub == nounAdjectival {
			return true
		}
	}
	return false
}
