package analysis

import (
	"context"
	"fmt"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/ikawaha/kagome-dict/dict"
	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer/lattice"
	"golang.org/x/text/unicode/norm"

	"github.com/koe-project/koe/internal/contact"
)

// Term is one term of one answer: a single word (base form for verbs and
// adjectives, the negative form where the answer negates them: 良くない,
// 分からない), a compound noun kept whole, or a phrase (a noun with its
// predicate: 本数が少ない), after synonym merging.
type Term struct {
	Text  string `json:"text"`
	Kind  string `json:"kind"` // KindWord, KindCompound, KindPhrase or KindPart
	Count int    `json:"count"`
	// Sentences has bit i set when the term occurs as a whole term in
	// sentence i of the answer (bit 63: sentence 63 or later); code rules
	// are judged per sentence with it. 0 means not known (terms stored
	// before sentences were kept): every sentence.
	Sentences uint64 `json:"sentences,omitempty"`
}

// Term kinds.
const (
	KindWord     = "word"
	KindCompound = "compound"
	// KindPhrase is a noun with its predicate (本数が少ない, 駐車場がない,
	// 免許制にしてほしい), or a request without a noun (増やしてほしい).
	KindPhrase = "phrase"
	// KindPart is a term the answer never says outright: a word only
	// inside longer terms (横断 of 横断歩道), the head of a negated
	// statement (満足 of 満足できなかった, counted there as 満足できない), a
	// judgement made in passing (良い of よくても, 美味しい of 美味しいもの
	// が食べたい). It is counted like a word, but code rules do not match
	// it: a rule naming 横断 is about 横断, not 横断歩道.
	KindPart = "part"
)

// Analyzer turns text into terms with one shared kagome tokenizer (IPA
// dictionary). It is safe for concurrent use. The system dictionary is
// loaded once per process (~1 s, ~140 MB) whatever the number of analyzers,
// at the first text tokenized (LoadSystemDictionary: before); New is cheap.
type Analyzer struct {
	dict    Dictionary
	version string
	udict   *dict.UserDict       // the forced words; nil when there are none
	starts  map[uint64]struct{}  // first two runes (or the one rune) of each forced word
	first   [1 << 16 / 64]uint64 // bitset of the first runes (low 16 bits) of forced words
	canon   map[string]canonForm // folded spelling -> canonical form
	stop    map[string]struct{}  // folded stopwords
	lex     map[string]lexEntry  // one lookup per candidate: canon and stop merged
	forms   map[string][]string  // folded canonical -> folded spellings (canonical first)
	empty   emptyAnswers
	codes   CodeBook            // the legacy code book (see CodeBook)
	books   map[string]CodeBook // named code books, rule terms canonicalised
}

type lexEntry struct {
	canonForm
	named bool // a spelling the dictionary names (synonym form or forced word)
	stop  bool // the spelling or its canonical form is a stopword
}

type canonForm struct {
	display string // canonical as written in the dictionary (NFKC, case kept)
	key     string // folded canonical
}

// tokClass is the role of a token in the term pipeline, modelled on KH Coder's
// POS table for ChaSen/MeCab with IPADIC, plus what phrases need.
type tokClass uint8

const (
	clsSkip     tokClass = iota // 非自立, 数, 代名詞, 副詞可能, 連体詞, 接続詞, 感動詞, ...
	clsNoun                     // 名詞 一般/サ変接続/形容動詞語幹/ナイ形容詞語幹/固有名詞, unknown nouns: word and compound member
	clsSuffix                   // 名詞-接尾 一般/サ変接続/形容動詞語幹/地域: compound member, never first, not a word alone
	clsPrefix                   // 接頭詞-名詞接続: only first member of a compound, not a word alone
	clsVerb                     // 動詞-自立: word by its base form, head of a predicate
	clsAdj                      // 形容詞-自立: likewise
	clsAux                      // 助動詞, 動詞/形容詞 非自立・接尾: the tail of a predicate
	clsParticle                 // 助詞
	clsAdverb                   // 副詞: may stand between a noun and its predicate (本数がとても少ない)
	clsSymbol                   // 記号, or any token holding punctuation or symbols: breaks every term
	clsSpace                    // white space
)

// nounSub refines clsNoun: how a noun can head a predicate.
type nounSub uint8

const (
	nounPlain      nounSub = iota
	nounVerbal             // サ変接続: 改善(する)
	nounAdjectival         // 形容動詞語幹: 不便(だ), きれい(だ)
	nounNai                // ナイ形容詞語幹: 問題(ない), 仕方(ない)
)

type tokRole struct {
	cls tokClass
	sub nounSub
}

type sysDict struct {
	d        *dict.Dict
	known    []tokRole // by morph ID
	unknown  []tokRole // by unknown-dictionary ID
	baseIdx  int       // index of the base form in the full feature list
	ctypeIdx int       // conjugation type (活用型)
	cformIdx int       // conjugation form (活用形)
}

var (
	sysOnce sync.Once
	sysVal  *sysDict
)

// system is the IPA system dictionary, loaded at the first text tokenized
// (or by LoadSystemDictionary): reading stored terms, as a report does,
// needs none of it.
func (a *Analyzer) system() *sysDict { return loadSys() }

// LoadSystemDictionary loads kagome's IPA system dictionary now (about a
// second and 140 MB, once per process) rather than at the first text
// tokenized: a server or an import loads it before its first answer.
func LoadSystemDictionary() { loadSys() }

func loadSys() *sysDict {
	sysOnce.Do(func() {
		d := ipa.Dict()
		s := &sysDict{d: d, known: make([]tokRole, len(d.POSTable.POSs)), baseIdx: 6, ctypeIdx: 4, cformIdx: 5}
		for key, p := range map[string]*int{dict.BaseFormIndex: &s.baseIdx, dict.InflectionalType: &s.ctypeIdx, dict.InflectionalForm: &s.cformIdx} {
			if v, ok := d.ContentsMeta[key]; ok {
				*p = int(v)
			}
		}
		cache := map[string]tokRole{}
		names := d.POSTable.NameList
		for id, pos := range d.POSTable.POSs {
			p := []string{"*", "*", "*", "*"}
			for i, n := range pos {
				if i < 4 {
					p[i] = names[n]
				}
			}
			k := strings.Join(p, ",")
			c, ok := cache[k]
			if !ok {
				c = classify(p, false)
				cache[k] = c
			}
			s.known[id] = c
		}
		s.unknown = make([]tokRole, len(d.UnkDict.Contents))
		for id, f := range d.UnkDict.Contents {
			p := append(append([]string{}, f...), "*", "*", "*", "*")[:4]
			s.unknown[id] = classify(p, true)
		}
		sysVal = s
	})
	return sysVal
}

func classify(p []string, unknown bool) tokRole {
	switch p[0] {
	case "名詞":
		switch p[1] {
		case "一般", "固有名詞":
			return tokRole{cls: clsNoun}
		case "サ変接続":
			return tokRole{cls: clsNoun, sub: nounVerbal}
		case "形容動詞語幹":
			return tokRole{cls: clsNoun, sub: nounAdjectival}
		case "ナイ形容詞語幹":
			return tokRole{cls: clsNoun, sub: nounNai}
		case "接尾":
			switch p[2] {
			case "一般", "サ変接続", "形容動詞語幹", "地域":
				return tokRole{cls: clsSuffix}
			}
		}
		return tokRole{}
	case "接頭詞":
		if p[1] == "名詞接続" {
			return tokRole{cls: clsPrefix}
		}
	case "動詞", "形容詞":
		if p[1] == "自立" {
			if unknown {
				return tokRole{}
			}
			if p[0] == "動詞" {
				return tokRole{cls: clsVerb}
			}
			return tokRole{cls: clsAdj}
		}
		return tokRole{cls: clsAux}
	case "助動詞":
		return tokRole{cls: clsAux}
	case "助詞":
		return tokRole{cls: clsParticle}
	case "副詞":
		return tokRole{cls: clsAdverb}
	case "記号":
		if p[1] == "空白" {
			return tokRole{cls: clsSpace}
		}
		return tokRole{cls: clsSymbol}
	}
	return tokRole{}
}

// New builds an analyzer for a dictionary; create analyzers once and share
// them. It does not load the IPA system dictionary: the first text
// tokenized does, or LoadSystemDictionary.
//
// Forced words (Dictionary.Words) are implemented as a kagome user
// dictionary rather than by merging token runs afterwards: a user-dictionary
// entry wins in the lattice wherever its spelling occurs, so a listed word is
// kept whole even when IPADIC would cut it across a different boundary
// (支え合い would otherwise be a verb stem plus a verb), and the tokens around
// it are segmented in the right context. Building the user dictionary is
// cheap and does not reload the system dictionary.
func New(d Dictionary) (*Analyzer, error) {
	cb, err := ParseCodeBook(d.Codes)
	if err != nil {
		return nil, fmt.Errorf("dictionary codes: %w", err)
	}
	shipped, err := ParseDictionary(defaultDictionaryYAML)
	if err != nil {
		return nil, fmt.Errorf("shipped dictionary: %w", err)
	}
	a := &Analyzer{
		dict:    d,
		version: d.Version(),
		canon:   map[string]canonForm{},
		stop:    map[string]struct{}{},
		forms:   map[string][]string{},
		empty:   newEmptyAnswers(shipped.Empty, d.Empty),
	}
	// Synonyms: every spelling (canonical included) maps to the canonical.
	canons := make([]string, 0, len(d.Synonyms))
	for c := range d.Synonyms {
		canons = append(canons, c)
	}
	sort.Strings(canons)
	for _, c := range canons {
		disp := normalizeEntry(c)
		cf := canonForm{display: disp, key: fold(disp)}
		if cf.key == "" {
			continue
		}
		a.canon[cf.key] = cf
		a.forms[cf.key] = append(a.forms[cf.key], cf.key)
		for _, v := range d.Synonyms[c] {
			fv := fold(v)
			if fv == "" || fv == cf.key {
				continue
			}
			if _, taken := a.canon[fv]; taken {
				continue // ParseDictionary rejects this; keep the first for hand-built values
			}
			a.canon[fv] = cf
			a.forms[cf.key] = append(a.forms[cf.key], fv)
		}
	}
	for _, s := range d.Stopwords {
		if f := fold(s); f != "" {
			a.stop[f] = struct{}{}
		}
	}
	var records dict.UserDictRecords
	seen := map[string]bool{}
	for _, w := range d.Words {
		f := fold(w)
		if f == "" || seen[f] || strings.ContainsAny(f, ", \t\n") {
			continue
		}
		seen[f] = true
		if _, ok := a.canon[f]; !ok {
			// Forced words keep the spelling of the dictionary for display.
			a.canon[f] = canonForm{display: normalizeEntry(w), key: f}
		}
		records = append(records, dict.UserDicRecord{Text: f, Tokens: []string{f}, Yomi: []string{f}, Pos: "名詞"})
	}
	a.lex = make(map[string]lexEntry, len(a.canon)+len(a.stop))
	for f, c := range a.canon {
		_, s1 := a.stop[f]
		_, s2 := a.stop[c.key]
		a.lex[f] = lexEntry{canonForm: c, named: true, stop: s1 || s2}
	}
	for f := range a.stop {
		if _, ok := a.lex[f]; !ok {
			a.lex[f] = lexEntry{canonForm: canonForm{display: f, key: f}, stop: true}
		}
	}
	a.starts = map[uint64]struct{}{}
	for _, r := range records {
		a.starts[startKey(r.Text)] = struct{}{}
		r1, _ := utf8.DecodeRuneInString(r.Text)
		a.first[(r1&0xffff)>>6] |= 1 << (r1 & 63)
	}
	if len(records) > 0 {
		ud, err := records.NewUserDict()
		if err != nil {
			return nil, fmt.Errorf("dictionary words: %w", err)
		}
		a.udict = ud
	}
	a.books = map[string]CodeBook{}
	for _, src := range []map[string]string{shipped.CodeBooks, d.CodeBooks} {
		for name, text := range src {
			book, err := ParseCodeBook(text)
			if err != nil {
				return nil, fmt.Errorf("code book %s: %w", name, err)
			}
			a.books[name] = book.MapTerms(a.Canonical)
		}
	}
	if strings.TrimSpace(d.Codes) != "" {
		a.codes = cb.MapTerms(a.Canonical)
	} else if a.codes, err = a.CodeBooks(DefaultCodeBooks...); err != nil {
		return nil, err
	}
	return a, nil
}

// Dictionary returns the dictionary the analyzer was built with.
func (a *Analyzer) Dictionary() Dictionary { return a.dict }

// Version is Dictionary().Version(), computed once.
func (a *Analyzer) Version() string { return a.version }

// CodeBook returns the code book applied where a survey names none: the
// dictionary's own codes when it has them, else the DefaultCodeBooks
// (general). Rule terms are mapped to their canonical forms (a rule naming
// 社協 matches answers that said 社会福祉協議会). See SurveyCodeBook.
func (a *Analyzer) CodeBook() CodeBook { return a.codes }

// Canonical returns the term a word is counted under: its synonym canonical
// form if it has one, else its normalised spelling (NFKC; latin words in
// their usual spelling, see latinDisplay).
func (a *Analyzer) Canonical(word string) string {
	f := fold(word)
	if c, ok := a.canon[f]; ok {
		return c.display
	}
	return latinDisplay(f)
}

// Variants returns the folded spellings counted under the canonical form of
// word (the canonical itself first); a word without synonyms gives itself.
func (a *Analyzer) Variants(word string) []string {
	f := fold(word)
	if c, ok := a.canon[f]; ok {
		f = c.key
	}
	if v, ok := a.forms[f]; ok {
		return append([]string(nil), v...)
	}
	return []string{f}
}

// occurrence is one term found in a text.
type occurrence struct {
	text       string // as counted (canonical display)
	kind       string // KindWord, KindCompound or KindPhrase
	start, end int    // byte span in the normalised text (see Normalize)
	sentence   int
	whole      bool // false: a compound's part, or the head of a negated statement
}

// Terms returns the terms of one answer with their counts within the answer,
// in order of first appearance (a compound before its parts). An answer that
// says nothing (IsEmptyAnswer) has no terms.
func (a *Analyzer) Terms(text string) []Term {
	if a.empty.match(text) {
		return nil
	}
	out := make([]Term, 0, 16)
	var idx map[string]int
	a.scan(text, func(o occurrence) {
		i := -1
		if idx != nil {
			if j, ok := idx[o.text]; ok {
				i = j
			}
		} else {
			for j := range out {
				if out[j].Text == o.text {
					i = j
					break
				}
			}
		}
		if i < 0 {
			out = append(out, Term{Text: o.text, Kind: o.kind})
			i = len(out) - 1
			if idx != nil {
				idx[o.text] = i
			} else if len(out) >= 16 {
				idx = make(map[string]int, 64)
				for j := range out {
					idx[out[j].Text] = j
				}
			}
		}
		t := &out[i]
		t.Count++
		if o.whole {
			t.Sentences |= sentenceBit(o.sentence)
		}
		if o.kind == KindCompound {
			t.Kind = KindCompound
		}
	})
	if len(out) == 0 {
		return nil
	}
	for i := range out {
		if out[i].Sentences == 0 {
			out[i].Kind = KindPart // never said whole: no sentence for code rules
		}
	}
	return out
}

// sentenceBit is the bit of sentence i in Term.Sentences.
func sentenceBit(i int) uint64 { return 1 << min(i, 63) }

// TermsBatch computes Terms for many answers on all cores (GOMAXPROCS
// workers). The result is in input order.
func (a *Analyzer) TermsBatch(texts []string) [][]Term {
	out, _ := a.termsBatch(context.Background(), texts, nil)
	return out
}

// termsBatch is TermsBatch holding a slot of slots (when not nil) for each
// text it tokenizes, so the tokenizing of a process can be bounded. It stops
// with ctx's error when ctx ends.
func (a *Analyzer) termsBatch(ctx context.Context, texts []string, slots chan struct{}) ([][]Term, error) {
	out := make([][]Term, len(texts))
	workers := min(runtime.GOMAXPROCS(0), len(texts))
	var next atomic.Int64
	var stopped atomic.Bool
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(texts) {
					return
				}
				if slots != nil {
					select {
					case slots <- struct{}{}:
					case <-ctx.Done():
						stopped.Store(true)
						return
					}
				}
				out[i] = a.Terms(texts[i])
				if slots != nil {
					<-slots
				}
			}
		})
	}
	wg.Wait()
	if stopped.Load() {
		return nil, ctx.Err()
	}
	return out, nil
}

// maxSentenceBytes caps a segment given to kagome: text with no sentence
// punctuation is cut (at a rune boundary) so the lattice stays small.
const maxSentenceBytes = 3000

// maxTermRunes bounds a term. A longer compound or unknown word (a run of
// nouns or katakana thousands of characters long, with no punctuation) is
// never one a person reads in a frequency list: the longest terms of the
// chABSA and aozora corpora have 32 and 42 characters. A term is also a key
// of the term totals, which PostgreSQL refuses beyond 2,704 bytes.
const maxTermRunes = 50

// splitSentences calls fn for every non-empty sentence of s (split at 。 ! ?
// and line breaks; NFKC has turned ！？ into !?) with its byte offset.
func splitSentences(s string, fn func(sent string, off int)) {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		size := 1
		cut := false
		switch {
		case c == '\n' || c == '\r' || c == '!' || c == '?':
			cut = true
		case c < utf8.RuneSelf:
		default:
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			cut = r == '。'
		}
		if cut {
			if i > start {
				fn(s[start:i], start)
			}
			start = i + size
		} else if i+size-start >= maxSentenceBytes {
			fn(s[start:i+size], start)
			start = i + size
		}
		i += size
	}
	if start < len(s) {
		fn(s[start:], start)
	}
}

// analysisText is the text the pipeline tokenizes: NFKC, latin lower-cased
// (counted case-insensitively), contacts and HTML entities blanked. Byte
// offsets are those of Normalize(text).
func analysisText(text string) string {
	return blankContacts(lowerASCII(norm.NFKC.String(text)))
}

// scan runs the pipeline over one text and calls emit for every term
// occurrence, sentence by sentence (sentences are numbered from 0 in the
// order splitSentences gives them, including those that yield no term).
func (a *Analyzer) scan(text string, emit func(occurrence)) {
	cased := norm.NFKC.String(text) // same bytes as s, case kept
	s := blankContacts(lowerASCII(cased))
	var toks []ltok
	n := 0
	splitSentences(s, func(sent string, off int) {
		toks = a.tokenize(sent, toks)
		sc := sentenceScan{a: a, sent: sent, cased: cased[off : off+len(sent)], off: off, index: n, toks: toks, emit: emit, pending: -1}
		sc.run()
		n++
	})
}

// startKey packs the first two runes of s (or its only rune) into a key.
func startKey(s string) uint64 {
	r1, n := utf8.DecodeRuneInString(s)
	r2 := rune(0)
	if n < len(s) {
		r2, _ = utf8.DecodeRuneInString(s[n:])
	}
	return uint64(r1)<<32 | uint64(uint32(r2))
}

// mayHoldForced reports whether a forced word could start somewhere in s.
// The user dictionary costs a trie search at every character, so sentences
// without a candidate are tokenized without it (same result, less work).
func (a *Analyzer) mayHoldForced(s string) bool {
	if len(a.starts) == 0 {
		return false
	}
	for i, r := range s {
		if a.first[(r&0xffff)>>6]&(1<<(r&63)) == 0 {
			continue
		}
		if _, ok := a.starts[startKey(s[i:])]; ok {
			return true
		}
		if _, ok := a.starts[uint64(r)<<32]; ok {
			return true
		}
	}
	return false
}

// ltok is a token as the pipeline needs it (kagome's Token carries more).
type ltok struct {
	ID       int
	Class    lattice.NodeClass
	Position int // byte offset in the sentence
	Surface  string
	role     tokRole
	latin    bool // a latin word (letters, digits, joined by - . & ' +)
	stop     bool // a noun the dictionary lists as a stopword: breaks compounds
}

func (t *ltok) end() int { return t.Position + len(t.Surface) }

// tokenize runs kagome's lattice (Viterbi, normal mode) over one sentence,
// exactly as tokenizer.Tokenize does, into a reused slice of light tokens
// with their roles. Latin words split by kagome (wi - fi) are joined.
// The user dictionary is used only when a forced word may occur.
func (a *Analyzer) tokenize(sent string, buf []ltok) []ltok {
	var ud *dict.UserDict
	if a.udict != nil && a.mayHoldForced(sent) {
		ud = a.udict
	}
	la := lattice.New(a.system().d, ud)
	defer la.Free()
	la.Build(sent)
	la.Forward(lattice.Normal)
	la.Backward(lattice.Normal)
	buf = buf[:0]
	for i := len(la.Output) - 1; i >= 0; i-- {
		n := la.Output[i]
		if n.ID == lattice.BosEosID {
			continue
		}
		t := ltok{ID: n.ID, Class: n.Class, Position: n.Position, Surface: n.Surface}
		a.annotate(&t)
		buf = append(buf, t)
	}
	return joinLatin(sent, buf)
}

// annotate sets a token's role. A token holding punctuation or a symbol is a
// symbol whatever IPADIC calls it: NFKC turns full-width （）：… into ASCII,
// which IPADIC tags as unknown nouns.
func (a *Analyzer) annotate(t *ltok) {
	switch t.Class {
	case lattice.KNOWN:
		t.role = a.system().known[t.ID]
	case lattice.UNKNOWN:
		t.role = a.system().unknown[t.ID]
	case lattice.USER:
		t.role = tokRole{cls: clsNoun}
	}
	switch t.role.cls {
	case clsNoun, clsSuffix, clsPrefix, clsSkip, clsAdverb:
		if t.Class != lattice.USER && hasSymbol(t.Surface) {
			t.role = tokRole{cls: clsSymbol}
			return
		}
	}
	if isSpace(t.Surface) {
		t.role = tokRole{cls: clsSpace}
		return
	}
	if t.role.cls == clsNoun {
		t.latin = isLatinWord(t.Surface)
		if e, ok := a.lex[t.Surface]; ok && e.stop {
			t.stop = true
		}
	}
}

// feature returns the idx-th feature of a known token ("" when absent or *).
func (a *Analyzer) feature(t *ltok, idx int) string {
	if t.Class != lattice.KNOWN {
		return ""
	}
	d := a.system().d
	pos := d.POSTable.POSs[t.ID]
	if idx < len(pos) {
		return d.POSTable.NameList[pos[idx]]
	}
	c := d.Contents[t.ID]
	if j := idx - len(pos); j >= 0 && j < len(c) && c[j] != "*" {
		return c[j]
	}
	return ""
}

// baseOf is a token's base form (its surface when it has none).
func (a *Analyzer) baseOf(t *ltok) string {
	if b := a.feature(t, a.system().baseIdx); b != "" {
		return b
	}
	return t.Surface
}

func (a *Analyzer) isStop(s string) bool {
	e, ok := a.lex[fold(s)]
	return ok && e.stop
}

// emitTerm canonicalises and filters a candidate and emits it. kanaOK keeps
// an all-hiragana term (adjectives, adjectival nouns, phrases): other
// all-hiragana words are function words or filler.
func (a *Analyzer) emitTerm(text, kind string, span [2]int, sentence int, whole, kanaOK bool, emit func(occurrence)) string {
	return a.emitTermKey(text, lowerASCII(text), kind, span, sentence, whole, kanaOK, emit)
}

// emitTermKey is emitTerm with the matching key (folded spelling) given.
// It returns the folded canonical key when the term was emitted.
func (a *Analyzer) emitTermKey(display, key, kind string, span [2]int, sentence int, whole, kanaOK bool, emit func(occurrence)) string {
	if len(key) > maxTermRunes && utf8.RuneCountInString(key) > maxTermRunes {
		return "" // its words, if any, still count
	}
	e, ok := a.lex[key]
	if ok {
		if e.stop {
			return ""
		}
		display, key = e.display, e.key
	}
	// KH Coder hides all-hiragana words and one-character words by default.
	// Spellings the dictionary names (forced words, synonym forms) are kept,
	// and so are hiragana adjectives of three characters or more (きれい,
	// おいしい): the stopwords list the empty ones (すごい, いろいろ).
	if !e.named {
		n := runeLen(key)
		if kind == KindWord && oneRune(key) || isAllHiragana(key) && (!kanaOK || n < 3) {
			return ""
		}
		if hasStraySymbol(key) {
			return ""
		}
	}
	emit(occurrence{text: display, kind: kind, start: span[0], end: span[1], sentence: sentence, whole: whole})
	return key
}

func oneRune(s string) bool {
	if s == "" {
		return true
	}
	_, size := utf8.DecodeRuneInString(s)
	return size == len(s)
}

// hasStraySymbol reports punctuation or symbols outside a latin word
// (wi-fi and covid-19 keep their hyphen).
func hasStraySymbol(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < utf8.RuneSelf {
			if isASCIIPunct(c) && !(strings.IndexByte("-.&'+", c) >= 0 && i > 0 && i+1 < len(s) && isASCIIAlnum(s[i-1]) && isASCIIAlnum(s[i+1])) {
				return true
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (unicode.IsPunct(r) || unicode.IsSymbol(r)) && r != 'ー' && r != '々' && r != '〆' && r != 'ヶ' {
			return true
		}
		i += n - 1
	}
	return false
}

// urlPattern matches web addresses: noise, never issues.
var urlPattern = regexp.MustCompile(`https?://[!-~]+`)

// htmlEntityPattern matches HTML character references (&hellip; in text
// pasted from web forms): noise, blanked before tokenizing.
var htmlEntityPattern = regexp.MustCompile(`&(?:[a-z][a-z0-9]{1,7}|#[0-9]{1,7}|#x[0-9a-f]{1,6});`)

// blankContacts replaces web addresses, e-mail addresses, phone numbers
// (personal data or noise, never issues) and HTML character references with
// spaces of the same byte length before tokenizing, so term offsets still point into the normalised text
// (KWIC relies on them). Contacts are found by package contact, the detector
// that masks them in reports, so a term never holds what a report masks.
func blankContacts(s string) string {
	blank := func(m string) string { return strings.Repeat(" ", len(m)) }
	if strings.Contains(s, "://") {
		s = urlPattern.ReplaceAllStringFunc(s, blank)
	}
	if strings.IndexByte(s, '&') >= 0 {
		s = htmlEntityPattern.ReplaceAllStringFunc(s, blank)
	}
	return contact.Blank(s)
}
