package analysis

import (
	"math"
	"sort"
	"strings"
	"unicode/utf8"
)

// unit is one passage of one answer: what is compared and grouped.
type unit struct {
	answer  int32 // index into the sorted answers
	passage int32 // index of the passage within its answer
	span          // byte span in the answer's normalised text
	vec     sparseVec
}

// prepared is the answers cut into passages, with their TF-IDF vectors.
type prepared struct {
	docs   []Doc    // sorted by ID
	norm   []string // Normalize(docs[i].Text)
	units  []unit
	vocab  []string         // term id -> term text
	termID map[string]int32 // term text -> id
	// unitDF[t] is the number of passages holding term t.
	unitDF   []int32
	compound []bool // term id -> seen as a compound
}

// Term weights (besides TF-IDF), tuned on the Fukui questionnaire.
const (
	// predicateWeight scales terms that end in hiragana: the base forms of
	// verbs and adjectives (少ない, 欲しい, 行く). An issue is named by
	// what it is about (バス, 駐車場), and the same predicate joins
	// answers about anything (バスが少ない, 店が少ない).
	predicateWeight = 0.35
	// compoundWeight scales compounds. A compound is counted beside its
	// parts (案内不足 with 案内 and 不足), and being rarer it would
	// outweigh them; at half weight 案内不足 and 案内が不十分 meet on 案内.
	compoundWeight = 0.5
)

// prepare cuts the answers into passages and computes their vectors:
// TF-IDF with sublinear term frequency (1 + ln tf) and IDF ln(N/df) over
// passages, scaled by predicateWeight and compoundWeight, L2-normalised.
// Terms in a single passage are left out (they cannot make two passages
// similar, and they would only lower every cosine of the passage that
// holds them), and so are terms holding ASCII punctuation (tokenizer
// debris such as "(車" or "&hellip;", never an issue's name).
func prepare(docs []Doc, variants func(string) []string) *prepared {
	p := &prepared{docs: docs, norm: make([]string, len(docs)), termID: map[string]int32{}}
	type draft struct {
		answer, passage int32
		span
		terms  []int32
		counts []int32
	}
	var drafts []draft
	idOf := func(t Term) int32 {
		id, ok := p.termID[t.Text]
		if !ok {
			id = int32(len(p.vocab))
			p.termID[t.Text] = id
			p.vocab = append(p.vocab, t.Text)
			p.compound = append(p.compound, false)
		}
		if t.Kind == KindCompound {
			p.compound[id] = true
		}
		return id
	}
	for i, d := range docs {
		norm, passages := splitPassages(d.Text)
		p.norm[i] = norm
		ids := make([]int32, len(d.Terms))
		for j, t := range d.Terms {
			ids[j] = idOf(t)
		}
		if len(d.Terms) == 0 {
			continue
		}
		if len(passages) <= 1 {
			sp := span{0, len(norm)}
			if len(passages) == 1 {
				sp = passages[0]
			}
			counts := make([]int32, len(d.Terms))
			for j, t := range d.Terms {
				counts[j] = int32(max(t.Count, 1))
			}
			drafts = append(drafts, draft{answer: int32(i), span: sp, terms: ids, counts: counts})
			continue
		}
		hits := locateTerms(lowerASCII(norm), d.Terms, variants)
		h := 0
		for pi, sp := range passages {
			for h < len(hits) && hits[h].start < sp.start {
				h++
			}
			dr := draft{answer: int32(i), passage: int32(pi), span: sp}
			for k := h; k < len(hits) && hits[k].start < sp.end; k++ {
				id := ids[hits[k].term]
				if j := indexInt32(dr.terms, id); j >= 0 {
					dr.counts[j]++
				} else {
					dr.terms = append(dr.terms, id)
					dr.counts = append(dr.counts, 1)
				}
			}
			if len(dr.terms) > 0 {
				drafts = append(drafts, dr)
			}
		}
	}
	p.unitDF = make([]int32, len(p.vocab))
	for _, dr := range drafts {
		for _, t := range dr.terms {
			p.unitDF[t]++
		}
	}
	keep := make([]bool, len(p.vocab))
	for t, text := range p.vocab {
		keep[t] = p.unitDF[t] >= 2 && !strings.ContainsFunc(text, isASCIIPunctRune)
	}
	n := float64(len(drafts))
	p.units = make([]unit, len(drafts))
	for i, dr := range drafts {
		sort.Sort(termCounts{dr.terms, dr.counts})
		var vec sparseVec
		for j, t := range dr.terms {
			if !keep[t] {
				continue
			}
			x := (1 + math.Log(float64(dr.counts[j]))) * math.Log(n/float64(p.unitDF[t]))
			if endsInHiragana(p.vocab[t]) {
				x *= predicateWeight
			}
			if p.compound[t] {
				x *= compoundWeight
			}
			if x > 0 {
				vec.terms = append(vec.terms, t)
				vec.weights = append(vec.weights, float32(x))
			}
		}
		normalize(vec.weights)
		p.units[i] = unit{answer: dr.answer, passage: dr.passage, span: dr.span, vec: vec}
	}
	return p
}

// unitKey identifies a passage across groupings and processes: its
// answer's ID and its place in the answer, mixed (splitmix64) into a
// well-spread 64-bit key. Group IDs derive from these keys.
func (p *prepared) unitKey(u int) uint64 {
	un := p.units[u]
	return splitMix64(splitMix64(uint64(p.docs[un.answer].ID)) ^ uint64(un.passage))
}

// splitMix64 is splitmix64's step: the golden-ratio increment, then its finaliser.
func splitMix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

func indexInt32(s []int32, x int32) int {
	for i, y := range s {
		if y == x {
			return i
		}
	}
	return -1
}

func isASCIIPunctRune(r rune) bool {
	return r < utf8.RuneSelf && strings.ContainsRune("!\"#$%&'()*+,./:;<=>?@[\\]^_`{|}~", r)
}

func endsInHiragana(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return isHiragana(r)
}

// termCounts sorts term ids ascending, keeping counts aligned.
type termCounts struct{ terms, counts []int32 }

func (a termCounts) Len() int           { return len(a.terms) }
func (a termCounts) Less(i, j int) bool { return a.terms[i] < a.terms[j] }
func (a termCounts) Swap(i, j int) {
	a.terms[i], a.terms[j] = a.terms[j], a.terms[i]
	a.counts[i], a.counts[j] = a.counts[j], a.counts[i]
}
