package analysis

import (
	"strings"

	"github.com/ikawaha/kagome/v2/tokenizer/lattice"
)

// The terms of a sentence, as a reader names them:
//
//   - runs of nouns: each noun a word, the run a compound (地域担当職員制度),
//     broken by symbols and stopwords (大変親切 is 親切), a latin acronym
//     joining the noun before it across a space (生成 AI);
//   - predicates: a verb or adjective with its tail of auxiliaries, counted
//     by its base form (歩く for 歩いた), by its negative form when the tail
//     negates it (良くなかった: 良くない, わかりませんでした: 分からない), with
//     にくい, やすい, すぎる as one word (分かりにくい); a noun heading a
//     predicate (不便だ, 改善する, 問題ない) likewise;
//   - phrases: a noun, its particle and the predicate that follows it, in
//     one form whatever the politeness, tense or wording of a request
//     (バスの本数も少なかったです: 本数が少ない; 本数を増やしてください:
//     本数を増やしてほしい).
//
// A noun heading a negated predicate (満足 of 満足できなかった) and a word
// seen only inside a compound (横断 of 横断歩道) are counted but not whole:
// code rules do not match them.

// sentenceScan finds the terms of one sentence.
type sentenceScan struct {
	a     *Analyzer
	sent  string
	cased string // the sentence with the case of latin letters as written
	off   int    // byte offset of the sentence in the text
	index int    // sentence number
	toks  []ltok
	emit  func(occurrence)
	// A noun followed by a particle waits for its predicate at token
	// index pending (-1: none) to make a phrase.
	pending  int
	argText  string
	argStart int
	particle string
	// wish: the sentence asks or wishes for something (てほしい, たい,
	// あると嬉しい, のがよい). An adjective describing a noun in such a
	// sentence (美味しいものが食べたい) is what is wished for, not a
	// judgement: those occurrences are held until the sentence ends and
	// then emitted not whole.
	wish bool
	held []occurrence
}

func (s *sentenceScan) hold(o occurrence) { s.held = append(s.held, o) }

func (s *sentenceScan) run() {
	for i := 0; i < len(s.toks); {
		t := &s.toks[i]
		if b := s.a.baseOf(t); b == "ほしい" || b == "欲しい" {
			// After も, IPA tags ほしい 非自立 as in てほしい, so no predicate
			// sees it: オシャレなものもほしい is a wish all the same.
			s.wish = true
		}
		switch t.role.cls {
		case clsNoun:
			if t.stop {
				i++
				continue
			}
			i = s.nounRun(i)
		case clsPrefix:
			if isAllHiragana(t.Surface) { // お, ご start no compound
				i++
				continue
			}
			i = s.nounRun(i)
		case clsVerb, clsAdj:
			i = s.predicate(i)
		default:
			i++
		}
	}
	for _, o := range s.held {
		o.whole = o.whole && !s.wish
		s.emit(o)
	}
}

// isNounToken: any noun, 非自立 and 副詞可能 included (美味しい|もの, 少ない|時期).
func (s *sentenceScan) isNounToken(j int) bool {
	if j >= len(s.toks) {
		return false
	}
	t := &s.toks[j]
	return t.role.cls == clsNoun || t.role.cls == clsPrefix || s.a.feature(t, 0) == "名詞"
}

// afterCondition reports whether token i follows a condition (〜ば, 〜たら,
// 〜と, 〜なら), adverbs aside: あると|もっと|良い, 安ければ|嬉しい.
func (s *sentenceScan) afterCondition(i int) (int, bool) {
	k := i - 1
	for k >= 0 && (s.toks[k].role.cls == clsAdverb || s.toks[k].Surface == "、" || s.toks[k].Surface == ",") {
		k-- // 安かったら、最高
	}
	if k < 0 {
		return 0, false
	}
	t := &s.toks[k]
	switch t.Surface {
	case "ば", "たら", "だら", "なら":
		return k, true
	case "と":
		return k, s.a.feature(t, 1) == "接続助詞"
	}
	return 0, false
}

// wishAfterNoun emits a request phrase for a noun wished for through a
// condition (値段であれば嬉しい: 値段であってほしい); k is the condition.
func (s *sentenceScan) wishAfterNoun(k int) {
	j := k - 1
	if j >= 0 && (s.toks[j].Surface == "あれ" || s.toks[j].Surface == "あっ") {
		j--
	}
	if j < 0 || s.toks[j].role.cls != clsAux || s.a.baseOf(&s.toks[j]) != "だ" {
		if s.toks[k].Surface != "なら" {
			return
		}
		j = k
	}
	e := j
	i := e
	for i > 0 && (s.toks[i-1].role.cls == clsNoun || s.toks[i-1].role.cls == clsSuffix) && !s.toks[i-1].stop {
		i--
	}
	if i == e {
		return
	}
	display, key := s.runText(i, e)
	if e, ok := s.a.lex[key]; ok {
		if e.stop {
			return
		}
		display = e.display
	}
	s.a.emitTerm(display+"であってほしい", KindPhrase, [2]int{s.off + s.toks[i].Position, s.off + s.toks[k].end()}, s.index, true, false, s.emit)
}

// runEnd returns the end (exclusive) of the noun run starting at i: nouns,
// suffixes after a noun, a latin word after a noun across one space (生成 AI).
// Symbols, stopwords and anything else end it.
func (s *sentenceScan) runEnd(i int) int {
	toks := s.toks
	j := i + 1
	for j < len(toks) {
		t := &toks[j]
		switch t.role.cls {
		case clsNoun:
			if t.stop {
				return j
			}
		case clsSuffix:
			if toks[j-1].role.cls == clsPrefix {
				return j
			}
		case clsSpace:
			if t.Surface == " " && j+1 < len(toks) && toks[j+1].latin && !toks[j+1].stop && toks[j-1].role.cls == clsNoun && !toks[j-1].latin && acronym(s.cased[toks[j+1].Position:toks[j+1].end()]) {
				j += 2
				continue
			}
			return j
		default:
			return j
		}
		j++
	}
	return j
}

// acronym reports whether a latin word is written like one (AI, SNS, IoT):
// a capital first and at least half of its letters capitals. Only such a
// word joins the noun before it across a space (生成 AI); an English word
// in a title (ライブ in ハワイアンズ) does not.
func acronym(w string) bool {
	upper, letters := 0, 0
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case 'A' <= c && c <= 'Z':
			upper++
			letters++
		case 'a' <= c && c <= 'z':
			letters++
		}
	}
	return letters > 0 && 'A' <= w[0] && w[0] <= 'Z' && 2*upper >= letters
}

// runText is the display and matching key of tokens [i, j) of a run.
func (s *sentenceScan) runText(i, j int) (display, key string) {
	if j == i+1 {
		t := &s.toks[i]
		return s.a.tokenDisplay(t), t.Surface
	}
	var d, k strings.Builder
	for x := i; x < j; x++ {
		t := &s.toks[x]
		if t.role.cls == clsSpace {
			continue
		}
		k.WriteString(t.Surface)
		d.WriteString(s.a.tokenDisplay(t))
	}
	return d.String(), k.String()
}

// tokenDisplay is how a token is written in a term: a latin word in its
// dictionary or usual spelling (Wi-Fi, SNS), anything else as written.
func (a *Analyzer) tokenDisplay(t *ltok) string {
	if !t.latin {
		return t.Surface
	}
	if e, ok := a.lex[t.Surface]; ok && e.named {
		return e.display
	}
	return latinDisplay(t.Surface)
}

// nounRun emits the terms of the noun run starting at i and returns the
// index after what it consumed. A run that heads a predicate (不便だ,
// 改善してほしい, 問題ない) takes its predicate along.
func (s *sentenceScan) nounRun(i int) int {
	a := s.a
	j := s.runEnd(i)
	e := j
	for e > i && s.toks[e-1].role.cls == clsPrefix { // a prefix cannot end a compound
		e--
	}
	if e == i {
		return j
	}
	last := &s.toks[e-1]
	display, key := s.runText(i, e)
	argWaiting := s.pending == i

	// あると便利: a wish, not praise of something convenient.
	if e == i+1 && isWishWord(display) {
		if _, ok := s.afterCondition(i); ok {
			s.wish = true
			s.emitRun(i, e, display, key, false)
			s.pending = -1
			return j
		}
	}

	// 問題ない, 仕方がない: the noun and ない are one adjective.
	if last.role.sub == nounNai {
		k := j
		if k < len(s.toks) && s.toks[k].role.cls == clsParticle && isSubjectParticle(s.toks[k].Surface) {
			k++
		}
		if k < len(s.toks) && (a.baseOf(&s.toks[k]) == "ない" || a.baseOf(&s.toks[k]) == "無い") {
			// The noun alone is not what was said (仕方, 問題): only 仕方ない counts.
			a.emitTerm(display+"ない", KindWord, s.span(i, k+1), s.index, true, true, s.emit)
			s.pending = -1
			return k + 1
		}
	}

	// 改善する, 満足できない, PRしてほしい: the noun is the stem of a verb.
	if j < len(s.toks) && s.toks[j].role.cls == clsVerb && j == e {
		if b := a.baseOf(&s.toks[j]); b == "する" || b == "できる" || b == "出来る" {
			ctype := a.feature(&s.toks[j], a.system().ctypeIdx)
			if b == "出来る" {
				b = "できる"
			}
			next := j + 1
			if vb, vc, ok := s.voiced(b, ctype, next); ok { // 改善されない
				if _, f := s.tail(next + 1); f.neg {
					b, ctype = vb, vc
				}
				next++
			}
			end, f := s.tail(next)
			s.wish = s.wish || f.request || f.beki || f.desire
			said := max(next, f.upto) // 改善してほしい of 改善してほしいです
			form := display + predicateForm(b, ctype, f)
			if f.neg {
				s.emitRun(i, e, display, key, false)
				a.emitTerm(form, KindWord, s.span(i, said), s.index, true, last.role.sub == nounAdjectival, s.emit)
			} else {
				s.emitRun(i, e, display, key, true)
			}
			if argWaiting {
				s.emitPhrase(s.particle, form, said)
			} else if f.request || f.beki {
				a.emitTerm(form, KindPhrase, s.span(i, said), s.index, true, false, s.emit)
			}
			s.pending = -1
			return end
		}
	}

	// 交通が不便, 便利ではない: an adjectival noun as the predicate.
	if last.role.sub == nounAdjectival && (j == len(s.toks) || s.isCopula(j) || s.toks[j].role.cls == clsSymbol) {
		end, f := j, predFlags{}
		if j < len(s.toks) && s.isCopula(j) {
			end, f = s.tail(j)
		}
		said := max(e, f.upto)
		form := display
		if f.neg {
			form += "ではない"
			s.emitRun(i, e, display, key, false)
			a.emitTerm(form, KindWord, s.span(i, said), s.index, true, true, s.emit)
		} else if end < len(s.toks) && end > j && s.toks[end-1].Surface == "で" {
			// お洒落で安いカフェ: a chain of qualities, judged with its sentence.
			emit := s.emit
			s.emit = s.hold
			s.emitRun(i, e, display, key, true)
			s.emit = emit
		} else {
			s.emitRun(i, e, display, key, true)
		}
		if argWaiting && s.particle == "が" {
			s.emitPhrase("が", form, said)
		}
		s.pending = -1
		return max(end, j)
	}

	// 綺麗な海: an adjectival noun describing a noun, and 丁寧に対応: one
	// describing how something is done, wait for the sentence (see wish):
	// もっと丁寧に対応してほしい asks for care, it does not praise it.
	describing := j+1 < len(s.toks) && s.toks[j].Surface == "な" && s.isNounToken(j+1)
	adverbial := e == j && j+1 < len(s.toks) && s.toks[j].Surface == "に" && a.feature(&s.toks[j], 1) == "副詞化"
	if last.role.sub == nounAdjectival && (describing || adverbial) {
		emit := s.emit
		s.emit = s.hold
		s.emitRun(i, e, display, key, true)
		s.emit = emit
	} else {
		s.emitRun(i, e, display, key, true)
	}
	s.pending = -1
	if e, ok := a.lex[key]; ok {
		if e.stop {
			return j
		}
		display = e.display
	} else if isAllHiragana(key) {
		return j // ひま, しよう: hiragana nouns are filler, not the subject of a phrase
	}
	s.waitForPredicate(i, j, display)
	return j
}

// emitRun emits a run's compound (two tokens or more) and its nouns. whole
// is false when the run is the head of a negated statement.
func (s *sentenceScan) emitRun(i, e int, display, key string, whole bool) {
	a := s.a
	compoundKey := ""
	if e-i >= 2 {
		compoundKey = a.emitTermKey(display, key, KindCompound, s.span(i, e), s.index, whole, false, s.emit)
	}
	for x := i; x < e; x++ {
		t := &s.toks[x]
		if t.role.cls != clsNoun || t.stop {
			continue
		}
		disp := a.tokenDisplay(t)
		st, en := s.off+t.Position, s.off+t.end()
		if compoundKey != "" {
			k := t.Surface
			if c, ok := a.canon[k]; ok {
				k = c.key
			}
			if k == compoundKey {
				continue // 社協 inside a compound that is itself 社会福祉協議会: count once
			}
		}
		kanaOK := t.role.sub == nounAdjectival
		a.emitTermKey(disp, t.Surface, KindWord, [2]int{st, en}, s.index, whole && compoundKey == "", kanaOK || t.Class == lattice.USER, s.emit)
	}
}

// waitForPredicate records the run ending at j as the argument of a
// predicate that follows its particle (本数が|少ない, 本数を|増やして).
func (s *sentenceScan) waitForPredicate(start, j int, display string) {
	toks := s.toks
	if j >= len(toks) {
		return
	}
	k, particle := j, ""
	if toks[k].role.cls == clsSkip && (toks[k].Surface == "さん" || toks[k].Surface == "様" || toks[k].Surface == "さま") {
		k++ // お土産屋さんが
		if k >= len(toks) {
			return
		}
	}
	if toks[k].role.cls == clsParticle {
		switch p := toks[k].Surface; p {
		case "が", "は", "も", "を", "に":
			particle = p
			k++
			if p == "に" && k < len(toks) && toks[k].role.cls == clsParticle && (toks[k].Surface == "は" || toks[k].Surface == "も") {
				k++ // には, にも
			}
		default:
			return
		}
	}
	for k < len(toks) && toks[k].role.cls == clsAdverb {
		k++
	}
	if k >= len(toks) {
		return
	}
	switch toks[k].role.cls {
	case clsVerb, clsAdj:
	case clsNoun, clsPrefix:
		if particle == "" {
			return
		}
	default:
		return
	}
	if particle == "" && toks[k].role.cls != clsAdj {
		return // 駐車場少ない, 値段高い: an adjective may follow its noun directly
	}
	if particle == "" {
		particle = "が"
	}
	s.pending, s.argText, s.argStart, s.particle = k, display, toks[start].Position, particle
}

// emitPhrase emits argument + particle + predicate form, spanning from the
// argument to the end of the predicate (token index end, exclusive).
func (s *sentenceScan) emitPhrase(particle, form string, end int) {
	s.emitPhraseWhole(particle, form, end, true)
}

func (s *sentenceScan) emitPhraseWhole(particle, form string, end int, whole bool) {
	if s.argText == "" || form == "" {
		return
	}
	stop := s.off + s.toks[end-1].end()
	s.a.emitTerm(s.argText+particle+form, KindPhrase, [2]int{s.off + s.argStart, stop}, s.index, whole, true, s.emit)
}

func (s *sentenceScan) span(i, j int) [2]int {
	return [2]int{s.off + s.toks[i].Position, s.off + s.toks[j-1].end()}
}

func isSubjectParticle(p string) bool { return p == "が" || p == "は" || p == "も" }

// isCopula: だ, です (not the attributive な of 便利な場所), じゃ.
func (s *sentenceScan) isCopula(j int) bool {
	t := &s.toks[j]
	if t.role.cls != clsAux {
		return false
	}
	b := s.a.baseOf(t)
	return (b == "だ" && t.Surface != "な") || b == "です" || t.Surface == "じゃ"
}

// predFlags is what the tail of a predicate says about it.
type predFlags struct {
	upto       int  // index after the last token that said any of the below (0: none)
	desire     bool // 〜たい
	concessive bool // 〜ても
	condition  bool // 〜ば, 〜たら: said of a case, not of what is
	neg        bool // negated an odd number of times
	request    bool // 〜てほしい, 〜てください, 〜たらいい, 〜と助かる
	beki       bool // 〜べき
}

// predicate emits the verb or adjective at i with its tail and returns the
// index after it.
func (s *sentenceScan) predicate(i int) int {
	a := s.a
	head := &s.toks[i]
	base := a.baseOf(head)
	ctype := a.feature(head, a.system().ctypeIdx)
	if c, ok := a.lex[base]; ok && c.named {
		base = c.display // わかる -> 分かる before forms are built from it
	}
	stopBase := a.isStop(base)
	// あると嬉しい, 安ければもっと良い: a wish, said of what comes before.
	if isWishWord(base) || isWishWord(head.Surface) {
		if k, ok := s.afterCondition(i); ok {
			s.wish = true
			s.wishAfterNoun(k)
			end, _ := s.tail(i + 1)
			s.pending = -1
			return end
		}
	}
	// A hiragana adjective is a word when IPADIC sees a whole form of it:
	// a bare stem (ガル接続) is old kana misread (あつた -> あつ|た).
	cform := a.feature(head, a.system().cformIdx)
	if head.role.cls == clsAdj && cform == "ガル接続" && s.isNounToken(i+1) {
		return i + 1 // 遠|赤外線: a stem used as a prefix, no judgement
	}
	kanaOK := head.role.cls == clsAdj && cform != "ガル接続" && cform != "語幹" && !strings.HasPrefix(cform, "文語")
	next := i + 1
	adjective := head.role.cls == clsAdj // or made one below (分かりにくい)
	// Passive, potential and causative are part of a negated verb
	// (停められなかった is 停められない, not 停めない); otherwise the verb is
	// counted by its base form (食べられた: 食べる).
	if b, c, ok := s.voiced(base, ctype, next); ok {
		if _, f := s.tail(next + 1); f.neg {
			base, ctype, stopBase = b, c, false
		}
		next++
	}
	// 分かりにくい, 行きやすい, 高すぎる: one predicate.
	if next < len(s.toks) && s.toks[next].role.cls == clsAux {
		switch b := a.baseOf(&s.toks[next]); b {
		case "にくい", "づらい", "辛い", "やすい", "がたい", "難い":
			if c := continuativeForm(base, ctype); c != "" {
				if b == "辛い" {
					b = "づらい"
				} else if b == "難い" {
					b = "がたい"
				}
				kanaOK = kanaOK || !isAllHiragana(base)
				base, ctype, adjective = c+b, "形容詞・アウオ段", true
				next++
			}
		case "すぎる", "過ぎる":
			if c := continuativeForm(base, ctype); c != "" {
				kanaOK = kanaOK || !isAllHiragana(base)
				base, ctype = c+"すぎる", "一段"
				next++
			}
		}
	}
	// 安くしてほしい, 広くなる: an adjective's く form with する or なる.
	if head.role.cls == clsAdj && next == i+1 && next < len(s.toks) && s.toks[next].role.cls == clsVerb {
		if b := a.baseOf(&s.toks[next]); (b == "する" || b == "なる") && a.feature(head, a.system().cformIdx) == "連用テ接続" {
			end, f := s.tail(next + 1)
			said := max(next+1, f.upto)
			if !stopBase {
				a.emitTerm(base, KindWord, s.span(i, i+1), s.index, true, kanaOK, s.emit)
			}
			if stem, ok := adjStem(base, ctype); ok {
				form := stem + "く" + predicateForm(b, a.feature(&s.toks[next], a.system().ctypeIdx), f)
				if s.pending == i {
					s.emitPhrase(s.particle, form, said)
				} else if f.request {
					a.emitTerm(form, KindPhrase, s.span(i, said), s.index, true, false, s.emit)
				}
			}
			s.pending = -1
			return end
		}
	}
	end, f := s.tail(next)
	if f.neg && i > 0 && s.toks[i-1].Surface == "しか" {
		f.neg = false // ここでしか買えない: only here, not "cannot"
	}
	s.wish = s.wish || f.request || f.beki || f.desire || base == "欲しい" || base == "ほしい"
	if f.condition && s.onlySymbolsFrom(end) {
		s.wish = true // のどかな温泉街があれば: a wish left unfinished
	}
	// Not a judgement: よくても (even if good), 行くのがよい (advice), もう少し
	// 広いとよい (a wish for what is not).
	phraseWhole := !f.concessive && !s.advice(i, base) && !(f.condition && !f.request)
	whole := phraseWhole && !(adjective && (f.request || f.condition))
	said := max(next, f.upto) // 本数が少ない of 本数が少ないです, 良くなかっ of 良くなかった
	form := predicateForm(base, ctype, f)
	if !stopBase {
		// The word spans what it names: 歩い of 歩いた, 分かりにく of
		// 分かりにくかった, 良くなかっ of 良くなかった.
		word := base
		if f.neg {
			word = form
		}
		emit := s.emit
		ofSubject := i >= 2 && s.toks[i-1].Surface == "の" && s.isNounToken(i-2)
		if adjective && end == next && ofSubject && next < len(s.toks) && s.toks[next].role.cls != clsAux && s.toks[next].role.cls != clsParticle {
			whole = false // 視聴率の良い「花咲タイムス」: a description
		} else if adjective && !f.neg && end > next && s.toks[end-1].Surface == "て" {
			emit = s.hold // 美味しくて安いランチがあるといい: a chain, judged with its sentence
		} else if adjective && end == next && s.isNounToken(next) {
			if s.pending == i || ofSubject {
				// 付加価値の高い製品, 人の少ない時期, 影響を受けにくい体質: a
				// clause describing a noun, not a judgement.
				whole = false
			} else {
				emit = s.hold // 美味しいもの: waits for the sentence (see wish)
			}
		}
		a.emitTerm(word, KindWord, s.span(i, said), s.index, whole, kanaOK, emit)
	}
	if s.pending == i {
		particle := s.particle
		if head.role.cls == clsAdj && (particle == "は" || particle == "も") {
			particle = "が"
		}
		if base == "ほしい" || base == "欲しい" {
			form = "ほしい"
		}
		s.emitPhraseWhole(particle, form, said, phraseWhole)
	} else if (f.request || f.beki) && !stopBase {
		a.emitTerm(form, KindPhrase, s.span(i, said), s.index, true, false, s.emit)
	}
	s.pending = -1
	return end
}

// advice reports 良い as in 〜のがよい, 〜方がいい: a suggestion, which makes
// the sentence a wish.
func (s *sentenceScan) advice(i int, base string) bool {
	if base != "良い" || i < 2 || s.toks[i-1].Surface != "が" {
		return false
	}
	switch s.toks[i-2].Surface {
	case "の", "方", "ほう":
		s.wish = true
		return true
	}
	return false
}

// voiced returns the verb base with the passive, potential or causative
// auxiliary at token j (停める + られる -> 停められる, する + れる -> される).
func (s *sentenceScan) voiced(base, ctype string, j int) (string, string, bool) {
	if j >= len(s.toks) || s.toks[j].role.cls != clsAux || isAdjType(ctype) {
		return "", "", false
	}
	t := &s.toks[j]
	aux := s.a.baseOf(t)
	switch aux {
	case "れる", "られる", "せる", "させる":
	default:
		return "", "", false
	}
	if s.a.feature(t, 0) != "動詞" {
		return "", "", false
	}
	var stem string
	switch {
	case strings.HasPrefix(ctype, "サ変") && strings.HasSuffix(base, "する"):
		stem = strings.TrimSuffix(base, "する") + "さ"
		aux = strings.TrimPrefix(strings.TrimPrefix(aux, "ら"), "さ") // さ + れる, さ + せる
	default:
		n := negativeForm(base, ctype)
		if n == "" || n == "ない" {
			return "", "", false
		}
		stem = strings.TrimSuffix(n, "ない")
	}
	return stem + aux, "一段", true
}

// predicateForm names a predicate: its negative, request or べき form, else
// its base form.
func predicateForm(base, ctype string, f predFlags) string {
	switch {
	case f.neg:
		if n := negativeForm(base, ctype); n != "" {
			return n
		}
	case f.request:
		if te := teForm(base, ctype); te != "" {
			return te + "ほしい"
		}
	case f.desire:
		if c := continuativeForm(base, ctype); c != "" {
			return c + "たい" // 海が見たい
		}
	case f.beki:
		if base == "する" || strings.HasSuffix(base, "する") && strings.HasPrefix(ctype, "サ変") {
			return strings.TrimSuffix(base, "る") + "べき" // すべき
		}
		if !isAdjType(ctype) {
			return base + "べき"
		}
	}
	if f.neg {
		return base + "ない"
	}
	return base
}

// tail reads the auxiliaries after a predicate head from token j: how often
// it is negated, whether it asks for something. It returns the index after
// the tail.
func (s *sentenceScan) tail(j int) (int, predFlags) {
	a := s.a
	toks := s.toks
	var f predFlags
	negs := 0
	prev := "" // surface of the previous tail token
	benefactive := false
	for ; j < len(toks); j++ {
		t := &toks[j]
		b := a.baseOf(t)
		switch t.role.cls {
		case clsAux:
			switch {
			case b == "ない" || b == "ぬ" || b == "ん" && t.Surface == "ん":
				negs++
				f.upto = j + 1
			case b == "べし" && t.Surface != "べく" && !s.isNounToken(j+1):
				// 改善すべき(だ); not 応えるべく (in order to) nor 留意すべき状況
				// (a description).
				f.beki = true
				f.upto = j + 1
			case (b == "ほしい" || b == "欲しい") && (prev == "て" || prev == "で"):
				f.request = true
				f.upto = j + 1
			case (b == "くださる" || b == "下さる") && (prev == "て" || prev == "で") && (strings.HasPrefix(t.Surface, "ください") || strings.HasPrefix(t.Surface, "下さい")) && !s.politePast(j+1):
				// 〜てください; not 考えてくださった nor 対応してくださいました (kindly did)
				f.request = true
				f.upto = j + 1
			case (b == "もらう" || b == "貰う" || b == "いただく" || b == "頂く" || b == "くれる") && (prev == "て" || prev == "で"):
				benefactive = true
			case b == "たい" && benefactive:
				f.request = true
				f.upto = j + 1
			case isWishWord(b) && (prev == "ば" || prev == "たら" || prev == "と" || prev == "だら"):
				f.request = true // 広いとよい (よい 非自立)
				f.upto = j + 1
			case b == "たい":
				f.desire = true
			case b == "た" && (t.Surface == "たら" || t.Surface == "だら"):
				f.condition = true
			case (b == "た" && t.Surface == "たら") && benefactive:
				f.request = true
				f.upto = j + 1
			}
		case clsAdj:
			switch {
			case b == "ない" && (prev == "で" || prev == "は" || prev == "も" || prev == "じゃ" || strings.HasSuffix(prev, "く")):
				negs++
				f.upto = j + 1
			case (b == "いい" || b == "良い" || b == "よい" || b == "嬉しい" || b == "うれしい" || b == "ありがたい" || b == "有難い") && (prev == "ば" || prev == "たら" || prev == "と" || prev == "だら"):
				f.request = true
				f.upto = j + 1
			case (b == "ほしい" || b == "欲しい") && (prev == "て" || prev == "で"):
				f.request = true
				f.upto = j + 1
			default:
				return j, f.withNeg(negs)
			}
		case clsVerb:
			switch {
			case (b == "ある" || b == "有る") && (prev == "で" || prev == "は" || prev == "も" || strings.HasSuffix(prev, "く")):
				// 便利ではありません: ある carries the negation that follows.
			case (isWishWord(b) || isWishWord(t.Surface)) && (prev == "ば" || prev == "たら" || prev == "と" || prev == "だら"):
				f.request = true
				f.upto = j + 1
			default:
				return j, f.withNeg(negs)
			}
		case clsParticle:
			if t.Surface == "ば" {
				f.condition = true
			}
			switch t.Surface {
			case "て", "で", "ば":
				if a.feature(t, 1) == "格助詞" && t.Surface == "で" {
					return j, f.withNeg(negs) // 駅で: a place, not 便利で
				}
			case "は", "も":
				if t.Surface == "も" && (prev == "て" || prev == "で") {
					f.concessive = true
				}
				if j+1 >= len(toks) || !(a.baseOf(&toks[j+1]) == "ない" || a.baseOf(&toks[j+1]) == "ある") {
					return j, f.withNeg(negs)
				}
			case "と":
				k := j + 1
				for k < len(toks) && toks[k].role.cls == clsAdverb {
					k++
				}
				// IPADIC reads a final あるといい as と + いう: the surface tells.
				if k >= len(toks) || !isWishWord(a.baseOf(&toks[k])) && !isWishWord(toks[k].Surface) {
					return j, f.withNeg(negs)
				}
			default:
				return j, f.withNeg(negs)
			}
		case clsSkip:
			if n := s.notTheCase(j); n > 0 {
				negs++ // 長すぎる訳でもない, 良いわけではない
				j += n - 1
				f.upto = j + 1
				prev = "ない"
				continue
			}
			return j, f.withNeg(negs)
		case clsAdverb: // あればもっと良い
			if prev == "ば" || prev == "たら" || prev == "と" || prev == "だら" {
				continue
			}
			return j, f.withNeg(negs)
		case clsNoun: // あると便利
			if (prev == "ば" || prev == "たら" || prev == "と" || prev == "だら") && isWishWord(t.Surface) {
				f.request = true
				f.upto = j + 1
			} else {
				return j, f.withNeg(negs)
			}
		default:
			return j, f.withNeg(negs)
		}
		prev = t.Surface
	}
	return j, f.withNeg(negs)
}

// isWishWord: what follows a condition to make a wish (あると嬉しい,
// あればいい, あると便利).
func isWishWord(b string) bool {
	switch b {
	case "いい", "良い", "よい", "嬉しい", "うれしい", "助かる", "ありがたい", "有難い", "便利", "幸い", "面白い", "楽しい", "最高":
		return true
	}
	return false
}

func (f predFlags) withNeg(n int) predFlags {
	f.neg = n%2 == 1
	if f.neg {
		f.request, f.beki = false, false
	}
	return f
}

// politePast reports whether token j is the ます of a statement (ました,
// ます), not of a request (くださいませ).
func (s *sentenceScan) politePast(j int) bool {
	return j < len(s.toks) && s.a.baseOf(&s.toks[j]) == "ます" && s.toks[j].Surface != "ませ"
}

// notTheCase returns the length of 訳でもない, わけではない (and their polite
// and past forms' first tokens) starting at j, which negate what precedes
// them, or 0.
func (s *sentenceScan) notTheCase(j int) int {
	t := s.toks
	if j+3 >= len(t) || (t[j].Surface != "訳" && t[j].Surface != "わけ") {
		return 0
	}
	if t[j+1].Surface != "で" || (t[j+2].Surface != "は" && t[j+2].Surface != "も") {
		return 0
	}
	if b := s.a.baseOf(&t[j+3]); b != "ない" && b != "無い" {
		return 0
	}
	return 4
}

// onlySymbolsFrom reports whether nothing but symbols and spaces follow
// token j in the sentence.
func (s *sentenceScan) onlySymbolsFrom(j int) bool {
	for ; j < len(s.toks); j++ {
		if c := s.toks[j].role.cls; c != clsSymbol && c != clsSpace {
			return false
		}
	}
	return true
}
