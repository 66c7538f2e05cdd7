package analysis

import (
	"html"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Copies and near-copies of answers: a template pasted by many people into
// a public consultation, a double submission, a group's shared notes pasted
// by each member. Found with character shingles, MinHash signatures and
// locality-sensitive hashing (banding), then checked by exact Jaccard
// similarity, so the cost grows with the number of answers, not pairs.
//
// Written here rather than imported: the Go MinHash/LSH modules
// (ekzhu/minhash-lsh, shingle packages) are unmaintained and pull in more
// than the few dozen lines needed.

// DuplicateOptions tune FindDuplicates; zero values take the defaults.
type DuplicateOptions struct {
	// MinRunes: answers with fewer letters and digits are never copies;
	// short answers coincide without being copied (美味しい, 駐車場が少ない).
	// Default 20.
	MinRunes int
	// Similarity: Jaccard similarity of character 3-grams from which two
	// answers are near-copies. Default 0.7.
	Similarity float64
}

func (o DuplicateOptions) withDefaults() DuplicateOptions {
	if o.MinRunes <= 0 {
		o.MinRunes = 20
	}
	if o.Similarity <= 0 || o.Similarity > 1 {
		o.Similarity = 0.7
	}
	return o
}

// Duplicates are the groups of copied answers among a list of answers.
type Duplicates struct {
	Groups []DuplicateGroup `json:"groups"` // largest first, then by first answer
	// Exact is the number of answers that repeat their group's template
	// word for word (spacing and punctuation aside), Near the number of the
	// other answers of the groups: Exact + Near answers go when each group
	// counts once.
	Exact int `json:"exact"`
	Near  int `json:"near"`
}

// DuplicateCounts is the summary of Duplicates in koe analyze --json.
type DuplicateCounts struct {
	Exact  int `json:"exact"`
	Near   int `json:"near"`
	Groups int `json:"groups"`
}

// Counts summarises the groups.
func (d Duplicates) Counts() DuplicateCounts {
	return DuplicateCounts{Exact: d.Exact, Near: d.Near, Groups: len(d.Groups)}
}

// Repeats marks, for n answers, those to leave out when each group counts
// once: every member of a group but its template.
func (d Duplicates) Repeats(n int) []bool {
	out := make([]bool, n)
	for _, g := range d.Groups {
		for _, m := range g.Members {
			if m.Index != g.Template && m.Index < n {
				out[m.Index] = true
			}
		}
	}
	return out
}

// DuplicateGroup is a set of answers that are copies or near-copies of one
// another: 同一・類似の回答 len(Members)件 (Variants通り).
type DuplicateGroup struct {
	Template int               `json:"template"` // index of the answer shown for the group: its most frequent wording
	Members  []DuplicateMember `json:"members"`  // the template first, then the others in input order
	Variants int               `json:"variants"` // distinct wordings
}

// DuplicateMember is one answer of a group.
type DuplicateMember struct {
	Index int  `json:"index"` // in the input
	Exact bool `json:"exact"` // the template's words, word for word
	// Diff, for a near-copy, is where it differs from the template.
	Diff []DiffPart `json:"diff,omitempty"`
}

// DiffPart is a stretch of text that a near-copy adds to the template (Op
// "+") or leaves out of it (Op "-").
type DiffPart struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// dupKey is what copies share: the letters and digits of an answer, NFKC,
// lower case, HTML character references decoded.
func dupKey(text string) string {
	if strings.IndexByte(text, '&') >= 0 {
		text = html.UnescapeString(text)
	}
	var b strings.Builder
	b.Grow(len(text))
	for _, r := range norm.NFKC.String(text) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// minhashSize is the number of MinHash values per answer, in lshBands bands
// of lshRows: two answers become candidates when one band agrees, which
// happens with probability 1-(1-J^4)^16 (0.999 at J = 0.8, 0.64 at 0.5,
// 0.02 at 0.2).
const (
	lshBands    = 16
	lshRows     = 4
	minhashSize = lshBands * lshRows
)

// shingles returns the sorted distinct hashes of the character 3-grams of s.
func shingles(s string) []uint64 {
	rs := []rune(s)
	if len(rs) < 3 {
		return []uint64{mix64(hashRunes(rs))}
	}
	out := make([]uint64, 0, len(rs)-2)
	for i := 0; i+3 <= len(rs); i++ {
		out = append(out, mix64(hashRunes(rs[i:i+3])))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func hashRunes(rs []rune) uint64 {
	h := uint64(14695981039346656037) // FNV-1a
	for _, r := range rs {
		h ^= uint64(r)
		h *= 1099511628211
	}
	return h
}

// mix64 is SplitMix64's finaliser: a fixed, well-spread hash of a hash.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// minhash is the MinHash signature of a shingle set: for each of the fixed
// seeds, the least hash of a shingle mixed with it.
func minhash(sh []uint64, seeds *[minhashSize]uint64) [minhashSize]uint32 {
	var sig [minhashSize]uint32
	for i := range sig {
		sig[i] = math.MaxUint32
	}
	for _, h := range sh {
		for i, s := range seeds {
			if v := uint32(mix64(h^s) >> 32); v < sig[i] {
				sig[i] = v
			}
		}
	}
	return sig
}

// jaccard of two sorted distinct sets.
func jaccard(a, b []uint64) float64 {
	i, j, both := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			both++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(both) / float64(len(a)+len(b)-both)
}

// FindDuplicates finds the exact and near copies among answers. The result
// depends only on the texts and their order.
func FindDuplicates(texts []string, opt DuplicateOptions) Duplicates {
	opt = opt.withDefaults()
	// Exact copies: one entry per distinct key, with its answers.
	type variant struct {
		key     string
		answers []int
	}
	var variants []variant
	byKey := map[string]int{}
	for i, t := range texts {
		k := dupKey(t)
		if utf8.RuneCountInString(k) < opt.MinRunes {
			continue
		}
		if v, ok := byKey[k]; ok {
			variants[v].answers = append(variants[v].answers, i)
			continue
		}
		byKey[k] = len(variants)
		variants = append(variants, variant{key: k, answers: []int{i}})
	}
	// Near copies: candidates from LSH buckets, checked by Jaccard.
	var seeds [minhashSize]uint64
	for i := range seeds {
		seeds[i] = mix64(uint64(i) + 0x9e3779b97f4a7c15)
	}
	sh := make([][]uint64, len(variants))
	sigs := make([][minhashSize]uint32, len(variants))
	for v := range variants {
		sh[v] = shingles(variants[v].key)
		sigs[v] = minhash(sh[v], &seeds)
	}
	parent := make([]int, len(variants))
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	buckets := make(map[uint64][]int32, len(variants))
	for band := range lshBands {
		clear(buckets)
		for v := range variants {
			h := uint64(band) * 0x9e3779b97f4a7c15
			for _, x := range sigs[v][band*lshRows : (band+1)*lshRows] {
				h = mix64(h ^ uint64(x))
			}
			buckets[h] = append(buckets[h], int32(v))
		}
		for _, b := range buckets {
			for x := 1; x < len(b); x++ {
				for y := 0; y < x; y++ {
					p, q := find(int(b[x])), find(int(b[y]))
					if p == q {
						continue
					}
					if jaccard(sh[b[x]], sh[b[y]]) >= opt.Similarity {
						if p < q {
							p, q = q, p
						}
						parent[p] = q
					}
				}
			}
		}
	}
	// Groups: components with two answers or more.
	members := map[int][]int{} // root -> variants
	for v := range variants {
		r := find(v)
		members[r] = append(members[r], v)
	}
	var out Duplicates
	for _, vs := range members {
		n := 0
		for _, v := range vs {
			n += len(variants[v].answers)
		}
		if n < 2 {
			continue
		}
		// Template: the most frequent wording; among equals the one most
		// like the others (medoid), then the earliest.
		similarity := func(v int) float64 {
			total := 0.0
			for _, w := range vs {
				if w != v {
					total += jaccard(sh[v], sh[w])
				}
			}
			return total
		}
		best := vs[0]
		for _, v := range vs[1:] {
			vn, bn := len(variants[v].answers), len(variants[best].answers)
			if vn > bn || vn == bn && len(vs) <= 50 && similarity(v) > similarity(best) {
				best = v
			}
		}
		g := DuplicateGroup{Template: variants[best].answers[0], Variants: len(vs)}
		tmpl := texts[g.Template]
		var rest []DuplicateMember
		for _, v := range vs {
			var diff []DiffPart
			if v != best {
				diff = diffWords(displayText(tmpl), displayText(texts[variants[v].answers[0]]))
			}
			for _, i := range variants[v].answers {
				m := DuplicateMember{Index: i, Exact: v == best, Diff: diff}
				if i == g.Template {
					g.Members = append(g.Members, m)
					continue
				}
				rest = append(rest, m)
				if m.Exact {
					out.Exact++
				} else {
					out.Near++
				}
			}
		}
		sort.Slice(rest, func(i, j int) bool { return rest[i].Index < rest[j].Index })
		g.Members = append(g.Members, rest...)
		out.Groups = append(out.Groups, g)
	}
	sort.Slice(out.Groups, func(i, j int) bool {
		a, b := out.Groups[i], out.Groups[j]
		if len(a.Members) != len(b.Members) {
			return len(a.Members) > len(b.Members)
		}
		return minIndex(a) < minIndex(b)
	})
	return out
}

func minIndex(g DuplicateGroup) int {
	m := g.Members[0].Index
	for _, x := range g.Members {
		m = min(m, x.Index)
	}
	return m
}

// displayText is an answer as a diff shows it: NFKC, references decoded,
// runs of white space as one space.
func displayText(s string) string {
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	return strings.Join(strings.Fields(norm.NFKC.String(s)), " ")
}

// maxDiffEdits bounds the edit script searched: beyond it the differing
// middle of two texts (after their common start and end) is shown whole.
const maxDiffEdits = 400

// diffWords returns where b differs from a, rune by rune (Myers' O(ND)
// algorithm), read as words: one or two equal characters between two
// changes are folded into them, and a change is widened to the whole run of
// hiragana, katakana, kanji or latin it cuts (反対で|す -> 反対です).
func diffWords(a, b string) []DiffPart {
	ra, rb := []rune(a), []rune(b)
	// Common start and end first: near-copies mostly differ in one place.
	p := 0
	for p < len(ra) && p < len(rb) && ra[p] == rb[p] {
		p++
	}
	s := 0
	for s < len(ra)-p && s < len(rb)-p && ra[len(ra)-1-s] == rb[len(rb)-1-s] {
		s++
	}
	ma, mb := ra[p:len(ra)-s], rb[p:len(rb)-s]
	if len(ma) == 0 && len(mb) == 0 {
		return nil
	}
	ops := myers(ma, mb) // '=', '-', '+' per rune of the edit script
	if ops == nil {
		ops = append(repeatByte('-', len(ma)), repeatByte('+', len(mb))...)
	}
	// The script as alternating equal stretches and changes.
	type change struct{ del, ins []rune }
	var equal [][]rune // equal[i] comes before changes[i]; one more at the end
	var changes []change
	equal = append(equal, ra[:p])
	cur := change{}
	i, j := 0, 0
	for k := 0; k < len(ops); {
		e := k
		for e < len(ops) && ops[e] == ops[k] {
			e++
		}
		n := e - k
		switch ops[k] {
		case '=':
			changes = append(changes, cur)
			cur = change{}
			equal = append(equal, ma[i:i+n])
			i += n
			j += n
		case '-':
			cur.del = append(cur.del, ma[i:i+n]...)
			i += n
		case '+':
			cur.ins = append(cur.ins, mb[j:j+n]...)
			j += n
		}
		k = e
	}
	changes = append(changes, cur)
	equal = append(equal, ra[len(ra)-s:])
	// equal[0] and changes[0] may be empty (the script starts with =).
	// Fold short equal stretches between two changes into them.
	for x := 1; x < len(changes); x++ {
		if len(equal[x]) <= 2 && (len(changes[x-1].del)+len(changes[x-1].ins) > 0) {
			eq := equal[x]
			changes[x].del = append(append(append([]rune{}, changes[x-1].del...), eq...), changes[x].del...)
			changes[x].ins = append(append(append([]rune{}, changes[x-1].ins...), eq...), changes[x].ins...)
			changes[x-1] = change{}
			equal[x] = append(append([]rune{}, equal[x-1]...), nil...)
			equal[x-1] = nil
		}
	}
	// Widen each change to whole runs of one script.
	for x, c := range changes {
		if len(c.del)+len(c.ins) == 0 {
			continue
		}
		before, after := equal[x], equal[x+1]
		for len(before) > 0 && continuesWord(before[len(before)-1], c, true) {
			r := before[len(before)-1]
			c.del = append([]rune{r}, c.del...)
			c.ins = append([]rune{r}, c.ins...)
			before = before[:len(before)-1]
		}
		for len(after) > 0 && continuesWord(after[0], c, false) {
			c.del = append(c.del, after[0])
			c.ins = append(c.ins, after[0])
			after = after[1:]
		}
		equal[x], equal[x+1], changes[x] = before, after, c
	}
	var out []DiffPart
	for _, c := range changes {
		if len(c.del) > 0 {
			out = append(out, DiffPart{Op: "-", Text: string(c.del)})
		}
		if len(c.ins) > 0 {
			out = append(out, DiffPart{Op: "+", Text: string(c.ins)})
		}
	}
	return out
}

// continuesWord reports whether rune r, just before (or after) a change,
// is of the script of the change's first (or last) character.
func continuesWord(r rune, c struct{ del, ins []rune }, before bool) bool {
	for _, side := range [][]rune{c.del, c.ins} {
		if len(side) == 0 {
			continue
		}
		edge := side[len(side)-1]
		if before {
			edge = side[0]
		}
		if sc := script(r); sc != 0 && sc == script(edge) {
			return true
		}
	}
	return false
}

// script classes for reading diffs as words (0: none, e.g. punctuation).
func script(r rune) int {
	switch {
	case r >= 'ぁ' && r <= 'ゖ':
		return 1
	case r >= 'ァ' && r <= 'ヺ' || r == 'ー':
		return 2
	case unicode.Is(unicode.Han, r) || r == '々':
		return 3
	case r < utf8.RuneSelf && isASCIIAlnum(byte(r)):
		return 4
	}
	return 0
}

func repeatByte(c byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return b
}

// myers returns the shortest edit script from a to b, one op per rune, or
// nil when it needs more than maxDiffEdits edits.
func myers(a, b []rune) []byte {
	n, m := len(a), len(b)
	max := n + m
	v := make([]int, 2*max+2)
	var trace [][]int // v before step d, from index max-d-1 to max+d+1
	for d := 0; d <= min(max, maxDiffEdits); d++ {
		trace = append(trace, slices.Clone(v[max-d:max+d+2]))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[max+k-1] < v[max+k+1] {
				x = v[max+k+1]
			} else {
				x = v[max+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[max+k] = x
			if x >= n && y >= m {
				return backtrack(trace, a, b, d)
			}
		}
	}
	return nil
}

func backtrack(trace [][]int, a, b []rune, d int) []byte {
	x, y := len(a), len(b)
	var ops []byte
	for ; d > 0; d-- {
		w := trace[d]
		at := func(k int) int { return w[k+d] } // v[max+k]
		k := x - y
		var pk int
		if k == -d || k != d && at(k-1) < at(k+1) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := at(pk)
		py := px - pk
		for x > px && y > py {
			ops = append(ops, '=')
			x--
			y--
		}
		if x == px {
			ops = append(ops, '+')
		} else {
			ops = append(ops, '-')
		}
		x, y = px, py
	}
	for x > 0 && y > 0 {
		ops = append(ops, '=')
		x--
		y--
	}
	slices.Reverse(ops)
	return ops
}
