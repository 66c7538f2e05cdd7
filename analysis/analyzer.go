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
	"unicode/utf8"

	"github.com/ikawaha/kagome-dict/dict"
	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer/lattice"
	"golang.org/x/text/unicode/norm"

	"github.com/koe-project/koe/internal/contact"
)

// Term is one term of one answer: a single word (base form for verbs and
// adjectives) or a compound noun kept whole, after synonym merging.
type Term struct {
	Text  string `json:"text"`
	Kind  string `json:"kind"` // KindWord or KindCompound
	Count int    `json:"count"`
}

// Term kinds.
const (
	KindWord     = "word"
	KindCompound = "compound"
)

// Analyzer turns text into terms with one shared kagome tokenizer (IPA
// dictionary). It is safe for concurrent use. The system dictionary is
// loaded once per process (~1 s, ~140 MB) whatever the number of analyzers;
// New with another Dictionary is cheap after the first call.
type Analyzer struct {
	dict    Dictionary
	version string
	udict   *dict.UserDict       // the forced words; nil when there are none
	starts  map[uint64]struct{}  // first two runes (or the one rune) of each forced word
	first   [1 << 16 / 64]uint64 // bitset of the first runes (low 16 bits) of forced words
	sys     *sysDict
	canon   map[string]canonForm // folded spelling -> canonical form
	stop    map[string]struct{}  // folded stopwords
	lex     map[string]lexEntry  // one lookup per candidate: canon and stop merged
	forms   map[string][]string  // folded canonical -> folded spellings (canonical first)
	codes   CodeBook
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
// POS table for ChaSen/MeCab with IPADIC.
type tokClass uint8

const (
	clsSkip    tokClass = iota // particles, auxiliaries, symbols, 非自立, 数, 代名詞, 副詞可能, ...
	clsNoun                    // 名詞 一般/サ変接続/形容動詞語幹/ナイ形容詞語幹/固有名詞, unknown nouns: word and compound member
	clsSuffix                  // 名詞-接尾 一般/サ変接続/形容動詞語幹/地域: compound member, never first, not a word alone
	clsPrefix                  // 接頭詞-名詞接続: only first member of a compound, not a word alone
	clsInflect                 // 動詞-自立, 形容詞-自立: word by its base form, breaks compounds
)

type sysDict struct {
	d       *dict.Dict
	known   []tokClass // by morph ID
	unknown []tokClass // by unknown-dictionary ID
	baseIdx int        // index of the base form in the full feature list
}

var (
	sysOnce sync.Once
	sysVal  *sysDict
)

func loadSys() *sysDict {
	sysOnce.Do(func() {
		d := ipa.Dict()
		s := &sysDict{d: d, known: make([]tokClass, len(d.POSTable.POSs)), baseIdx: 6}
		if v, ok := d.ContentsMeta[dict.BaseFormIndex]; ok {
			s.baseIdx = int(v)
		}
		cache := map[string]tokClass{}
		names := d.POSTable.NameList
		var key strings.Builder
		for id, pos := range d.POSTable.POSs {
			key.Reset()
			p := make([]string, 4)
			for i := range p {
				p[i] = "*"
			}
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
		s.unknown = make([]tokClass, len(d.UnkDict.Contents))
		for id, f := range d.UnkDict.Contents {
			p := append(append([]string{}, f...), "*", "*", "*", "*")[:4]
			s.unknown[id] = classify(p, true)
		}
		sysVal = s
	})
	return sysVal
}

func classify(p []string, unknown bool) tokClass {
	switch p[0] {
	case "名詞":
		switch p[1] {
		case "一般", "サ変接続", "形容動詞語幹", "ナイ形容詞語幹", "固有名詞":
			return clsNoun
		case "接尾":
			switch p[2] {
			case "一般", "サ変接続", "形容動詞語幹", "地域":
				return clsSuffix
			}
		}
		return clsSkip
	case "接頭詞":
		if p[1] == "名詞接続" {
			return clsPrefix
		}
	case "動詞", "形容詞":
		if p[1] == "自立" && !unknown {
			return clsInflect
		}
	}
	return clsSkip
}

// New builds an analyzer for a dictionary. The first call loads the IPA
// system dictionary; create analyzers once and share them.
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
	a := &Analyzer{
		dict:    d,
		version: d.Version(),
		sys:     loadSys(),
		canon:   map[string]canonForm{},
		stop:    map[string]struct{}{},
		forms:   map[string][]string{},
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
	a.codes = cb.MapTerms(a.Canonical)
	return a, nil
}

// Dictionary returns the dictionary the analyzer was built with.
func (a *Analyzer) Dictionary() Dictionary { return a.dict }

// Version is Dictionary().Version(), computed once.
func (a *Analyzer) Version() string { return a.version }

// CodeBook returns the dictionary's code book with rule terms mapped to their
// canonical forms (a rule naming 社協 matches answers that said 社会福祉協議会).
func (a *Analyzer) CodeBook() CodeBook { return a.codes }

// Canonical returns the term a word is counted under: its synonym canonical
// form if it has one, else its normalised (NFKC, lower-case latin) spelling.
func (a *Analyzer) Canonical(word string) string {
	f := fold(word)
	if c, ok := a.canon[f]; ok {
		return c.display
	}
	return f
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

// Terms returns the terms of one answer with their counts within the answer,
// in order of first appearance (a compound before its parts).
func (a *Analyzer) Terms(text string) []Term {
	out := make([]Term, 0, 16)
	var idx map[string]int
	a.scan(text, func(term string, compound bool, _, _ int) {
		i := -1
		if idx != nil {
			if j, ok := idx[term]; ok {
				i = j
			}
		} else {
			for j := range out {
				if out[j].Text == term {
					i = j
					break
				}
			}
		}
		if i >= 0 {
			out[i].Count++
			if compound {
				out[i].Kind = KindCompound
			}
			return
		}
		kind := KindWord
		if compound {
			kind = KindCompound
		}
		out = append(out, Term{Text: term, Kind: kind, Count: 1})
		if idx != nil {
			idx[term] = len(out) - 1
		} else if len(out) >= 16 {
			idx = make(map[string]int, 64)
			for j := range out {
				idx[out[j].Text] = j
			}
		}
	})
	if len(out) == 0 {
		return nil
	}
	return out
}

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

// scan runs the pipeline over one text and calls emit for every term
// occurrence with its byte span in the normalised text (see Normalize).
func (a *Analyzer) scan(text string, emit func(term string, compound bool, start, end int)) {
	s := blankContacts(lowerASCII(norm.NFKC.String(text)))
	sys := a.sys
	var toks []ltok
	splitSentences(s, func(sent string, off int) {
		toks = a.tokenize(sent, toks)
		runStart := -1 // index of the first token of the current noun run
		flush := func(end int) {
			if runStart < 0 {
				return
			}
			// A prefix cannot end a compound.
			for end > runStart && a.class(sys, &toks[end-1]) == clsPrefix {
				end--
			}
			compoundKey := ""
			if end-runStart >= 2 {
				var b strings.Builder
				for i := runStart; i < end; i++ {
					b.WriteString(toks[i].Surface)
				}
				st := off + toks[runStart].Position
				en := off + toks[end-1].Position + len(toks[end-1].Surface)
				compoundKey = a.emitTerm(b.String(), true, false, st, en, emit)
			}
			for i := runStart; i < end; i++ {
				t := &toks[i]
				if c := a.class(sys, t); c == clsNoun {
					a.emitWordExcept(t.Surface, t.Class == lattice.USER, compoundKey, off+t.Position, off+t.Position+len(t.Surface), emit)
				}
			}
			runStart = -1
		}
		for i := range toks {
			t := &toks[i]
			switch a.class(sys, t) {
			case clsNoun:
				if runStart < 0 {
					runStart = i
				}
			case clsSuffix:
				if runStart >= 0 && a.class(sys, &toks[i-1]) != clsPrefix {
					continue
				}
				flush(i)
			case clsPrefix:
				flush(i)
				if !isAllHiragana(t.Surface) { // お, ご start no compound
					runStart = i
				}
			case clsInflect:
				flush(i)
				base := t.Surface
				if t.Class == lattice.KNOWN {
					if c := sys.d.Contents[t.ID]; c != nil {
						if j := sys.baseIdx - len(sys.d.POSTable.POSs[t.ID]); j >= 0 && j < len(c) && c[j] != "*" {
							base = c[j]
						}
					}
				}
				a.emitTerm(base, false, false, off+t.Position, off+t.Position+len(t.Surface), emit)
			default:
				flush(i)
			}
		}
		flush(len(toks))
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
}

// tokenize runs kagome's lattice (Viterbi, normal mode) over one sentence,
// exactly as tokenizer.Tokenize does, into a reused slice of light tokens.
// The user dictionary is used only when a forced word may occur.
func (a *Analyzer) tokenize(sent string, buf []ltok) []ltok {
	var ud *dict.UserDict
	if a.udict != nil && a.mayHoldForced(sent) {
		ud = a.udict
	}
	la := lattice.New(a.sys.d, ud)
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
		buf = append(buf, ltok{ID: n.ID, Class: n.Class, Position: n.Position, Surface: n.Surface})
	}
	return buf
}

func (a *Analyzer) class(sys *sysDict, t *ltok) tokClass {
	switch t.Class {
	case lattice.KNOWN:
		return sys.known[t.ID]
	case lattice.UNKNOWN:
		return sys.unknown[t.ID]
	case lattice.USER:
		return clsNoun
	}
	return clsSkip
}

func (a *Analyzer) emitWordExcept(surface string, forced bool, except string, st, en int, emit func(string, bool, int, int)) {
	if except != "" {
		key := surface
		if c, ok := a.canon[surface]; ok {
			key = c.key
		}
		if key == except {
			return // 社協 inside a compound that is itself 社会福祉協議会: count once
		}
	}
	a.emitTerm(surface, false, forced, st, en, emit)
}

// emitTerm canonicalises and filters a candidate and emits it. It returns the
// folded canonical key when the term was emitted.
func (a *Analyzer) emitTerm(surface string, compound, forced bool, st, en int, emit func(string, bool, int, int)) string {
	if len(surface) > maxTermRunes && utf8.RuneCountInString(surface) > maxTermRunes {
		return "" // its words, if any, still count
	}
	display, key := surface, surface
	e, ok := a.lex[surface]
	if ok {
		if e.stop {
			return ""
		}
		display, key = e.display, e.key
	}
	named := e.named
	// KH Coder hides all-hiragana words and one-character words by default.
	// Spellings the dictionary names (forced words, synonym forms) are kept.
	if !forced && !named && (isAllHiragana(key) || (!compound && oneRune(key))) {
		return ""
	}
	emit(display, compound, st, en)
	return key
}

func oneRune(s string) bool {
	if s == "" {
		return true
	}
	_, size := utf8.DecodeRuneInString(s)
	return size == len(s)
}

// urlPattern matches web addresses: noise, never issues.
var urlPattern = regexp.MustCompile(`https?://[!-~]+`)

// blankContacts replaces web addresses, e-mail addresses and phone numbers
// (personal data or noise, never issues) with spaces of the same byte length
// before tokenizing, so term offsets still point into the normalised text
// (KWIC relies on them). Contacts are found by package contact, the detector
// that masks them in reports, so a term never holds what a report masks.
func blankContacts(s string) string {
	if strings.Contains(s, "://") {
		s = urlPattern.ReplaceAllStringFunc(s, func(m string) string { return strings.Repeat(" ", len(m)) })
	}
	return contact.Blank(s)
}
