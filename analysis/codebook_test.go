package analysis

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func mustCodeBook(t *testing.T, a *Analyzer, src string) CodeBook {
	t.Helper()
	cb, err := ParseCodeBook(src)
	if err != nil {
		t.Fatal(err)
	}
	return cb.MapTerms(a.Canonical)
}

// A rule term matches whole terms, not a word seen only inside a longer
// compound; a term with * asks for part of one.
func TestRuleTermsMatchWholeTerms(t *testing.T) {
	a := testAnalyzer(t)
	cb := mustCodeBook(t, a, "*縦割り\n横断 | 縦割り\n*道路\n(横断*)\n*評価\n成果\n*不足\n人材 & *不足\n*連携\n(*連携*)\n")
	for text, want := range map[string][]string{
		"横断歩道が少なくて怖い":     {"道路"},
		"分野を横断して取り組む":     {"縦割り", "道路"}, // 横断* starts with 横断
		"庁内の縦割りが課題":       {"縦割り"},
		"成果物を提出した":        nil,
		"事業の成果が見えない":      {"評価"},
		"人手不足で人材が集まらない":   {"不足"},
		"人手不足だ。人材は多い":     nil, // not in one sentence
		"多機関連携の仕組み":       {"連携"},
		"横断歩道。あと道路の横断が大変": {"縦割り", "道路"},
	} {
		if got := cb.Match(a.Terms(text)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: codes %v, want %v (terms %v)", text, got, want, a.Terms(text))
		}
	}
}

// The community code book's misfires found on real surveys are gone.
func TestCommunityCodeBookMisfires(t *testing.T) {
	a := testAnalyzer(t)
	cb, err := a.CodeBooks("community")
	if err != nil {
		t.Fatal(err)
	}
	for text, not := range map[string]string{
		"SNSで見かけて来ました":            "周知・広報",
		"地域の活性化につながると思う":          "つながり・関係づくり",
		"成果物の著作権が心配":              "評価",
		"横断歩道が分かりにくい":             "縦割り",
		"この自然を子どもたちに引き継いでいきたい":    "異動・引継ぎ",
		"学習データの収集には成果物の利用許諾が必要です": "評価",
	} {
		for _, c := range cb.Match(a.Terms(text)) {
			if c == not {
				t.Errorf("%s: coded %s", text, c)
			}
		}
	}
	for text, want := range map[string]string{
		"SNSで情報発信してほしい":   "周知・広報",
		"人とつながる場がほしい":     "つながり・関係づくり",
		"担当者が異動して引き継ぎがない": "異動・引継ぎ",
		"行政との連携ができていない":   "連携・協働",
		"部署間で連携できていない":    "連携・協働",
	} {
		found := false
		for _, c := range cb.Match(a.Terms(text)) {
			found = found || c == want
		}
		if !found {
			t.Errorf("%s: not coded %s (%v)", text, want, a.Terms(text))
		}
	}
}

// The general preset judges each sentence with its negation: 良くない is
// not praise, 問題ない not a problem, 分かりにくくない neither.
func TestGeneralCodeBook(t *testing.T) {
	a := testAnalyzer(t)
	cb, err := a.CodeBooks(DefaultCodeBooks...)
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string][]string{
		"料理がとても美味しかった":          {"評価・よかった点"},
		"料理は良くなかった":             {"不満・困りごと"},
		"駐車場が狭い":                {"不満・困りごと"},
		"特に問題ないし、景色は良い":         {"評価・よかった点"},
		"案内は分かりにくくない":           nil,
		"案内が分かりにくかった":           {"不満・困りごと"},
		"バスの本数を増やしてほしい":         {"要望"},
		"駐車場が少ないので増やしてください":     {"要望", "不満・困りごと"},
		"不便は特に感じなかった。景色が綺麗":     {"評価・よかった点"},
		"コンビニがない":               {"不満・困りごと"},
		"不満はない":                 nil,
		"もっとPRすべきだ":             {"要望"},
		"満足できなかった":              {"不満・困りごと"},
		"温泉街にお土産屋さんがあると嬉しい":     {"要望"},
		"新しい計画には反対です。賛成する人は少ない": {"不満・困りごと", "賛成", "反対"},
		// A wish is not a judgement of what is.
		"飲食ブースがもう少し広いとよい":       {"要望"},
		"美味しいものが食べたい":           nil,
		"美味しくて安いランチがあるといい":      {"要望"},
		"値段も安かったら、最高":           nil,
		"お洒落なカフェがもっとあるといい":      {"要望"},
		"リーズナブルな値段であれば嬉しいです":    {"要望"},
		"子連れ向けを考えてくださったのが嬉しかった": {"評価・よかった点"},
		// Nor is a description, or an "only".
		"付加価値の高い製品が好調":   nil,
		"ここでしか買えないものがある": nil,
		"登りはよくても下りは膝に来る": nil,
		// A kind deed is praise, a request for one is not; no jam is no problem.
		"交通が便利なため利用した":        {"評価・よかった点"},
		"子どもも楽しめるようになっていて嬉しい": {"評価・よかった点"},
		"道が混んでいたため遅れた":        {"不満・困りごと"},
		"スタッフが丁寧に対応してくださいました": {"評価・よかった点"},
		"もっと丁寧に対応してください":      {"要望"},
		"渋滞がなかった":             nil,
		"駐車場がない":              {"不満・困りごと"},
		"トラブルなし":              nil,
		"遅延もなく快適":             {"評価・よかった点"},
		"待ち時間が長すぎる訳でもない":      nil,
		"のどかな温泉街があれば":         nil,
		"のどかな温泉街があれば嬉しい":      {"要望"},
		"遠赤外線を利用したホットスタジオ":    nil,
		"駅から遠い":               {"不満・困りごと"},
		"需要は依然として高く":          nil,
		"駐車料金が高い":             {"不満・困りごと"},
		// Not knowing how is a problem; not knowing yet is no opinion.
		"使い方がわかりませんでした": {"不満・困りごと"},
		"まだ2件めなのでわからない": nil,
		"少しオシャレなものもほしい": nil,
	} {
		if got := cb.Match(a.Terms(text)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: codes %v, want %v (terms %v)", text, got, want, a.Terms(text))
		}
	}
}

// On a question that asks what people want, a good word names what is
// wished for: the @praise codes are left out there, and only there.
func TestPraiseIsNotCodedOnWishQuestions(t *testing.T) {
	a := testAnalyzer(t)
	cb, err := a.CodeBooks("general")
	if err != nil {
		t.Fatal(err)
	}
	for label, wish := range map[string]bool{
		"施設に求めるもの":       true,
		"福井県に求めるもの":      true,
		"今後取り上げてほしいテーマ":  true,
		"ご要望をお聞かせください":   true,
		"改善点があれば教えてください": true,
		"ご意見・ご要望":        false, // opinions too: praise is an answer
		"満足度の理由":         false,
		"推奨項目":           false,
		"不便さの内容":         false,
		"今日の感想":          false,
	} {
		if got := AsksForWishes(label); got != wish {
			t.Errorf("AsksForWishes(%q) = %v, want %v", label, got, wish)
		}
		text := "新鮮な魚介類。お土産売り場があったら嬉しい"
		got := cb.ForQuestion(label).Match(a.Terms(text))
		want := []string{"要望", "評価・よかった点"}
		if wish {
			want = []string{"要望"}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %q coded %v, want %v", label, text, got, want)
		}
	}
	// The tag is read from the heading, and only @praise is known.
	own, err := ParseCodeBook("*よかった ＠praise\n良い\n*メール\nfoo@example\n")
	if err != nil {
		t.Fatal(err)
	}
	if own.Codes[0].Name != "よかった" || !own.Codes[0].Praise || own.Codes[1].Praise {
		t.Errorf("parsed %+v", own.Codes)
	}
	if got := own.ForQuestion("施設に求めるもの").Names(); !reflect.DeepEqual(got, []string{"メール"}) {
		t.Errorf("on a wish question: %v", got)
	}
	_, err = ParseCodeBook("*よかった @good\n良い\n")
	var cbe *CodeBookError
	if !errors.As(err, &cbe) || cbe.Line != 1 || !strings.Contains(cbe.Msg, "@praise") {
		t.Errorf("unknown tag: %v", err)
	}
}

// Rules are judged sentence by sentence.
func TestRulesPerSentence(t *testing.T) {
	a := testAnalyzer(t)
	cb := mustCodeBook(t, a, "*both\n駐車場 & 狭い\n*without\n駐車場 & !狭い\n*nowhere\n!トイレ\n")
	for text, want := range map[string][]string{
		"駐車場が狭い":          {"both", "nowhere"},
		"駐車場がある。道が狭い":     {"without", "nowhere"},
		"駐車場が狭い。駐車場は無料":   {"both", "without", "nowhere"},
		"トイレが汚い。駐車場が狭い":   {"both"},
		"トイレと駐車場。\n店が狭い。": {"without"},
	} {
		if got := cb.Match(a.Terms(text)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: codes %v, want %v (terms %v)", text, got, want, a.Terms(text))
		}
	}
	// Terms stored before sentences were kept match as anywhere in the answer.
	legacy := []Term{{Text: "駐車場", Kind: KindWord, Count: 1}, {Text: "狭い", Kind: KindWord, Count: 1}}
	if got := cb.Match(legacy); !reflect.DeepEqual(got, []string{"both", "nowhere"}) {
		t.Errorf("legacy terms: %v", got)
	}
}

// A match names the sentence and the words that made the rule hold, so a
// quote shows that sentence with those words highlighted.
func TestCodeMatchesGiveSentenceAndSpans(t *testing.T) {
	a := testAnalyzer(t)
	cb, err := a.CodeBooks("general")
	if err != nil {
		t.Fatal(err)
	}
	text := "施設はとてもきれいでした。\n\nただ、駐車場が狭く、バスの本数が少ないです。もっと本数を増やしてほしい！"
	got := a.CodeMatches(cb, text)
	norm := Normalize(text)
	type hit struct {
		code, sentence string
		marks          []string
	}
	var hits []hit
	for _, m := range got {
		if norm[m.Start:m.Start+len(m.Text)] != m.Text {
			t.Errorf("%s: sentence %q not at %d", m.Code, m.Text, m.Start)
		}
		h := hit{code: m.Code, sentence: m.Text}
		for _, s := range m.Marks {
			h.marks = append(h.marks, m.Text[s[0]:s[1]])
		}
		hits = append(hits, h)
	}
	want := []hit{
		{"要望", "もっと本数を増やしてほしい", []string{"本数を増やしてほしい"}},
		{"不満・困りごと", "ただ、駐車場が狭く、バスの本数が少ないです", []string{"駐車場が狭く", "本数が少ない"}},
		{"評価・よかった点", "施設はとてもきれいでした", []string{"きれい"}},
	}
	if !reflect.DeepEqual(hits, want) {
		t.Errorf("matches:\n got %+v\nwant %+v", hits, want)
	}
	if a.CodeMatches(cb, "特になし") != nil {
		t.Error("an empty answer matched")
	}
}

// Patterns and per-sentence rules in the code book syntax, and their errors.
func TestCodeBookPatternSyntax(t *testing.T) {
	cb, err := ParseCodeBook("*A\n連携 | (*不足) | 横断* | *連携* | \"*\"\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := cb.Codes[0].Terms(); !reflect.DeepEqual(got, []string{"連携", "*"}) {
		t.Errorf("whole terms %v", got)
	}
	if got := cb.Codes[0].Patterns(); !reflect.DeepEqual(got, []string{"*不足", "横断*", "*連携*"}) {
		t.Errorf("patterns %v", got)
	}
	for _, term := range []string{"連携", "人手不足", "横断歩道", "多機関連携会議", "*"} {
		if !cb.Wants(term) {
			t.Errorf("Wants(%q) = false", term)
		}
	}
	if cb.Wants("協働") {
		t.Error("Wants(協働)")
	}
	for _, c := range []struct {
		src, msg string
		line     int
	}{
		{"*A\nx | *\n", "only at the start or end", 2},
		{"*A\nx | 人*手\n", "only at the start or end", 2},
		{"*A\nx\n*不足 | 人材\n", "(*不足)", 3},
	} {
		_, err := ParseCodeBook(c.src)
		var ce *CodeBookError
		if !errors.As(err, &ce) || ce.Line != c.line || !strings.Contains(ce.Msg, c.msg) {
			t.Errorf("%q: %v, want line %d with %q", c.src, err, c.line, c.msg)
		}
	}
}

// Code books are named; a survey names the ones it uses; a dictionary adds
// its own or replaces one, with errors at their line.
func TestNamedCodeBooks(t *testing.T) {
	a := testAnalyzer(t)
	if got := a.CodeBookNames(); !reflect.DeepEqual(got, []string{"community", "general"}) {
		t.Errorf("names %v", got)
	}
	both, err := a.CodeBooks("general", "community")
	if err != nil || len(both.Codes) != 14 || both.Codes[0].Name != "要望" {
		t.Errorf("general+community: %v %v", both.Names(), err)
	}
	if _, err := a.CodeBooks("tourism"); err == nil || !strings.Contains(err.Error(), "community, general") {
		t.Errorf("unknown book: %v", err)
	}
	// A survey that names no book gets the general preset (new surveys),
	// not the community book every survey got before books had names.
	if !reflect.DeepEqual(a.CodeBook().Names(), mustBook(t, a, "general").Names()) {
		t.Errorf("CodeBook is %v, not the general preset", a.CodeBook().Names())
	}
	d, err := ParseDictionary([]byte("codebooks:\n  tourism: |\n    *交通\n    バス | 電車\n  general: |\n    *要望\n    *てほしい\n"))
	if err == nil {
		t.Fatalf("a rule line starting with * parsed: %+v", d.CodeBooks)
	}
	d, err = ParseDictionary([]byte("codebooks:\n  tourism: |\n    *交通\n    バス | 電車\n  general: |\n    *要望\n    要望 | (*てほしい)\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.CodeBookNames(); !reflect.DeepEqual(got, []string{"community", "general", "tourism"}) {
		t.Errorf("names %v", got)
	}
	if g := mustBook(t, b, "general"); len(g.Codes) != 1 {
		t.Errorf("the dictionary's general did not replace the shipped one: %v", g.Names())
	}
	if d.Version() == (Dictionary{}).Version() {
		t.Error("code books do not change the version")
	}
	for src, line := range map[string]int{
		"codebooks:\n  x: |\n    *A\n    (a\n":  4,
		"codebooks:\n  x: [a]\n":                2,
		"codebooks: [a]\n":                      1,
		"codebooks:\n  x y: |\n    *A\n    a\n": 2,
	} {
		_, err := ParseDictionary([]byte(src))
		var de *DictionaryError
		if !errors.As(err, &de) || de.Line != line || !strings.HasPrefix(de.Field, "codebooks") {
			t.Errorf("%q: %v, want line %d in codebooks", src, err, line)
		}
	}
}

func mustBook(t *testing.T, a *Analyzer, name string) CodeBook {
	t.Helper()
	cb, err := a.CodeBooks(name)
	if err != nil {
		t.Fatal(err)
	}
	return cb
}
