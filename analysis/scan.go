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
}

func (s *sentenceScan) run() {
	for i := 0; i < len(s.toks); {
		t := &s.toks[i]
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
			ctype := a.feature(&s.toks[j], a.sys.ctypeIdx)
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
		} else {
			s.emitRun(i, e, display, key, true)
		}
		if argWaiting && s.particle == "が" {
			s.emitPhrase("が", form, said)
		}
		s.pending = -1
		return max(end, j)
	}

	s.emitRun(i, e, display, key, true)
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
	if s.argText == "" || form == "" {
		return
	}
	stop := s.off + s.toks[end-1].end()
	s.a.emitTerm(s.argText+particle+form, KindPhrase, [2]int{s.off + s.argStart, stop}, s.index, true, true, s.emit)
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
	upto    int  // index after the last token that said any of the below (0: none)
	neg     bool // negated an odd number of times
	request bool // 〜てほしい, 〜てください, 〜たらいい, 〜と助かる
	beki    bool // 〜べき
}

// predicate emits the verb or adjective at i with its tail and returns the
// index after it.
func (s *sentenceScan) predicate(i int) int {
	a := s.a
	head := &s.toks[i]
	base := a.baseOf(head)
	ctype := a.feature(head, a.sys.ctypeIdx)
	if c, ok := a.lex[base]; ok && c.named {
		base = c.display // わかる -> 分かる before forms are built from it
	}
	stopBase := a.isStop(base)
	// A hiragana adjective is a word when IPADIC sees a whole form of it:
	// a bare stem (ガル接続) is old kana misread (あつた -> あつ|た).
	cform := a.feature(head, a.sys.cformIdx)
	kanaOK := head.role.cls == clsAdj && cform != "ガル接続" && cform != "語幹" && !strings.HasPrefix(cform, "文語")
	next := i + 1
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
				base, ctype = c+b, "形容詞・アウオ段"
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
		if b := a.baseOf(&s.toks[next]); (b == "する" || b == "なる") && a.feature(head, a.sys.cformIdx) == "連用テ接続" {
			end, f := s.tail(next + 1)
			said := max(next+1, f.upto)
			if !stopBase {
				a.emitTerm(base, KindWord, s.span(i, i+1), s.index, true, kanaOK, s.emit)
			}
			if stem, ok := adjStem(base, ctype); ok {
				form := stem + "く" + predicateForm(b, a.feature(&s.toks[next], a.sys.ctypeIdx), f)
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
	said := max(next, f.upto) // 本数が少ない of 本数が少ないです, 良くなかっ of 良くなかった
	form := predicateForm(base, ctype, f)
	if !stopBase {
		// The word spans what it names: 歩い of 歩いた, 分かりにく of
		// 分かりにくかった, 良くなかっ of 良くなかった.
		word := base
		if f.neg {
			word = form
		}
		a.emitTerm(word, KindWord, s.span(i, said), s.index, true, kanaOK, s.emit)
	}
	if s.pending == i {
		particle := s.particle
		if head.role.cls == clsAdj && (particle == "は" || particle == "も") {
			particle = "が"
		}
		if base == "ほしい" || base == "欲しい" {
			form = "ほしい"
		}
		s.emitPhrase(particle, form, said)
	} else if (f.request || f.beki) && !stopBase {
		a.emitTerm(form, KindPhrase, s.span(i, said), s.index, true, false, s.emit)
	}
	s.pending = -1
	return end
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
			case b == "べし":
				f.beki = true
				f.upto = j + 1
			case (b == "ほしい" || b == "欲しい") && (prev == "て" || prev == "で"):
				f.request = true
				f.upto = j + 1
			case (b == "くださる" || b == "下さる") && (prev == "て" || prev == "で"):
				f.request = true
				f.upto = j + 1
			case (b == "もらう" || b == "貰う" || b == "いただく" || b == "頂く" || b == "くれる") && (prev == "て" || prev == "で"):
				benefactive = true
			case b == "たい" && benefactive:
				f.request = true
				f.upto = j + 1
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
			case (b == "助かる" || b == "嬉しい") && (prev == "ば" || prev == "たら" || prev == "と" || prev == "だら"):
				f.request = true
				f.upto = j + 1
			default:
				return j, f.withNeg(negs)
			}
		case clsParticle:
			switch t.Surface {
			case "て", "で", "ば":
				if a.feature(t, 1) == "格助詞" && t.Surface == "で" {
					return j, f.withNeg(negs) // 駅で: a place, not 便利で
				}
			case "は", "も":
				if j+1 >= len(toks) || !(a.baseOf(&toks[j+1]) == "ない" || a.baseOf(&toks[j+1]) == "ある") {
					return j, f.withNeg(negs)
				}
			case "と":
				if j+1 >= len(toks) || !isWishWord(a.baseOf(&toks[j+1])) {
					return j, f.withNeg(negs)
				}
			default:
				return j, f.withNeg(negs)
			}
		default:
			return j, f.withNeg(negs)
		}
		prev = t.Surface
	}
	return j, f.withNeg(negs)
}

func isWishWord(b string) bool {
	switch b {
	case "いい", "良い", "よい", "嬉しい", "うれしい", "助かる", "ありがたい", "有難い":
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
