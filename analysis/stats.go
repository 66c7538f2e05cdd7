package analysis

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/simple"

	"github.com/koe-project/koe/internal/contact"
)

// Doc is one answer whose terms are already computed.
type Doc struct {
	ID    int64
	Text  string
	Terms []Term
	Group string // attribute value, optional
	Event string // event/survey label, optional
}

// TermStat is the frequency of a term: occurrences and answers containing it.
type TermStat struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
	Docs  int    `json:"docs"`
}

type termAgg struct {
	count, docs int
	compound    bool
}

func aggregate(docs []Doc) map[string]*termAgg {
	m := map[string]*termAgg{}
	for _, d := range docs {
		for _, t := range d.Terms {
			a := m[t.Text]
			if a == nil {
				a = &termAgg{}
				m[t.Text] = a
			}
			a.count += t.Count
			a.docs++ // Terms holds each term once per answer
			if t.Kind == KindCompound {
				a.compound = true
			}
		}
	}
	return m
}

// Frequencies counts terms over answers, sorted by Docs desc, then Count
// desc, then term.
func Frequencies(docs []Doc) []TermStat {
	m := aggregate(docs)
	out := make([]TermStat, 0, len(m))
	for t, a := range m {
		out = append(out, TermStat{Term: t, Count: a.count, Docs: a.docs})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Docs != out[j].Docs {
			return out[i].Docs > out[j].Docs
		}
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Term < out[j].Term
	})
	return out
}

// DocsWithTerm returns the IDs of the answers whose terms contain term (the
// answers behind a number), in input order.
func DocsWithTerm(docs []Doc, term string) []int64 {
	var out []int64
	for _, d := range docs {
		if hasTerm(d.Terms, term) {
			out = append(out, d.ID)
		}
	}
	return out
}

func hasTerm(terms []Term, term string) bool {
	for _, t := range terms {
		if t.Text == term {
			return true
		}
	}
	f := fold(term)
	for _, t := range terms {
		if fold(t.Text) == f {
			return true
		}
	}
	return false
}

// KWICLine is one occurrence of a term in an answer with its context. The
// strings are taken from the NFKC-normalised answer text (see Normalize).
type KWICLine struct {
	DocID int64  `json:"doc_id"`
	Left  string `json:"left"`
	Match string `json:"match"`
	Right string `json:"right"`
}

// DefaultKWICWidth is the context width in characters when width <= 0.
const DefaultKWICWidth = 20

// KWIC returns the occurrences of term in the answers whose terms contain it,
// with width characters of context each side. Without an analyzer it finds
// the term by spelling: term itself, then the given variants (for synonyms,
// e.g. Analyzer.Variants(term)), then for inflected words the stem followed
// by kana (行う in 行った). An answer whose terms contain the term but where no
// spelling is found still gets one line with an empty Match, so every counted
// answer is listed. Analyzer.KWIC is exact and preferred when available.
func KWIC(docs []Doc, term string, width int, variants ...string) []KWICLine {
	if width <= 0 {
		width = DefaultKWICWidth
	}
	forms := []string{fold(term)}
	for _, v := range variants {
		if f := fold(v); f != "" && f != forms[0] {
			forms = append(forms, f)
		}
	}
	// Longer spellings first so 社会福祉協議会 wins over 社協 style prefixes.
	sort.SliceStable(forms[1:], func(i, j int) bool { return len(forms[1+i]) > len(forms[1+j]) })
	stem := ""
	if r, size := utf8.DecodeLastRuneInString(forms[0]); r >= 'ぁ' && r <= 'ゖ' && len(forms[0]) > size {
		stem = strings.TrimRightFunc(forms[0], func(r rune) bool { return r >= 'ぁ' && r <= 'ゖ' })
	}
	var out []KWICLine
	for _, d := range docs {
		if d.Terms != nil && !hasTerm(d.Terms, term) {
			continue
		}
		disp := Normalize(d.Text)
		low := lowerASCII(disp)
		var spans [][2]int
		for i := 0; i < len(low); {
			matched := 0
			for _, f := range forms {
				if strings.HasPrefix(low[i:], f) {
					matched = len(f)
					break
				}
			}
			if matched == 0 && stem != "" && strings.HasPrefix(low[i:], stem) {
				if r, _ := utf8.DecodeRuneInString(low[i+len(stem):]); r >= 'ぁ' && r <= 'ゖ' {
					matched = len(stem)
				}
			}
			if matched > 0 {
				spans = append(spans, [2]int{i, i + matched})
				i += matched
				continue
			}
			_, size := utf8.DecodeRuneInString(low[i:])
			i += size
		}
		contacts := contact.Find(disp)
		// A spelling inside an e-mail address (example in taro@example.jp)
		// is not the term: contacts were blanked before the terms were made.
		spans = slices.DeleteFunc(spans, func(s [2]int) bool { return inContact(contacts, s[0], s[1]) })
		if len(spans) == 0 {
			if d.Terms != nil {
				out = append(out, kwicLine(d.ID, disp, 0, 0, width, contacts))
			}
			continue
		}
		for _, s := range spans {
			out = append(out, kwicLine(d.ID, disp, s[0], s[1], width, contacts))
		}
	}
	return out
}

// KWIC returns every occurrence of term (any spelling counted under its
// canonical form, any inflection of a verb) in the answers that contain it,
// found by re-running the term pipeline on each answer. Answers with nil
// Terms are analysed; others are skipped unless their terms contain term.
func (a *Analyzer) KWIC(docs []Doc, term string, width int) []KWICLine {
	if width <= 0 {
		width = DefaultKWICWidth
	}
	want := a.Canonical(term)
	var out []KWICLine
	for _, d := range docs {
		if d.Terms != nil && !hasTerm(d.Terms, want) {
			continue
		}
		disp := Normalize(d.Text)
		var contacts []contact.Span
		found := false
		a.scan(d.Text, func(o occurrence) {
			if o.text == want {
				if !found {
					contacts, found = contact.Find(disp), true
				}
				out = append(out, kwicLine(d.ID, disp, o.start, o.end, width, contacts))
			}
		})
	}
	return out
}

// kwicLine cuts width characters of context each side of s[st:en]. A cut
// never falls inside one of the contacts (spans of s, in order): the context
// then takes the whole contact, which masking on output can only find whole
// (half of a phone number is no phone number, and would be shown).
func kwicLine(id int64, s string, st, en, width int, contacts []contact.Span) KWICLine {
	left := s[:st]
	// last width runes of left
	n := 0
	i := len(left)
	for i > 0 && n < width {
		_, size := utf8.DecodeLastRuneInString(left[:i])
		i -= size
		n++
	}
	right := s[en:]
	j, m := 0, 0
	for j < len(right) && m < width {
		_, size := utf8.DecodeRuneInString(right[j:])
		j += size
		m++
	}
	j += en
	for _, c := range contacts {
		if c.Start < i && i < c.End {
			i = c.Start
		}
		if c.Start < j && j < c.End {
			j = c.End
		}
	}
	clean := strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ")
	return KWICLine{DocID: id, Left: clean.Replace(s[i:st]), Match: s[st:en], Right: clean.Replace(s[en:j])}
}

// inContact reports whether s[st:en] overlaps one of the contacts.
func inContact(contacts []contact.Span, st, en int) bool {
	for _, c := range contacts {
		if c.Start < en && st < c.End {
			return true
		}
	}
	return false
}

// Edge is a co-occurrence between two terms.
type Edge struct {
	A       string  `json:"a"`
	B       string  `json:"b"`
	Jaccard float64 `json:"jaccard"`
	Docs    int     `json:"docs"` // answers containing both
}

// NetworkNode is a term of a co-occurrence network.
type NetworkNode struct {
	Term      string `json:"term"`
	Docs      int    `json:"docs"`
	Community int    `json:"community"` // 1 = largest community
}

// Network is a co-occurrence network: nodes that have at least one edge.
type Network struct {
	Nodes      []NetworkNode `json:"nodes"`
	Edges      []Edge        `json:"edges"`
	Modularity float64       `json:"modularity"`
}

// Default sizes of a co-occurrence network.
const (
	DefaultNetworkTerms = 80
	DefaultNetworkEdges = 60
)

// Cooccurrence builds the co-occurrence network of the maxTerms most frequent
// terms (Frequencies order; default 80): Jaccard coefficient over answers,
// the maxEdges strongest edges (default 60; ties by term), and communities
// by modularity (Louvain, gonum graph/community, fixed seed). A compound and
// a term it contains are never linked (they co-occur by construction).
func Cooccurrence(docs []Doc, maxTerms, maxEdges int) Network {
	if maxTerms <= 0 {
		maxTerms = DefaultNetworkTerms
	}
	if maxEdges <= 0 {
		maxEdges = DefaultNetworkEdges
	}
	freq := Frequencies(docs)
	if len(freq) > maxTerms {
		freq = freq[:maxTerms]
	}
	idx := make(map[string]int, len(freq))
	for i, f := range freq {
		idx[f.Term] = i
	}
	n := len(freq)
	both := make([]int, n*n)
	present := make([]int, 0, 32)
	for _, d := range docs {
		present = present[:0]
		for _, t := range d.Terms {
			if i, ok := idx[t.Text]; ok {
				present = append(present, i)
			}
		}
		sort.Ints(present)
		for x := 0; x < len(present); x++ {
			for y := x + 1; y < len(present); y++ {
				if present[x] != present[y] {
					both[present[x]*n+present[y]]++
				}
			}
		}
	}
	var edges []Edge
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			c := both[i*n+j]
			if c == 0 {
				continue
			}
			a, b := freq[i].Term, freq[j].Term
			if strings.Contains(a, b) || strings.Contains(b, a) {
				continue
			}
			if b < a {
				a, b = b, a
			}
			jac := float64(c) / float64(freq[i].Docs+freq[j].Docs-c)
			edges = append(edges, Edge{A: a, B: b, Jaccard: jac, Docs: c})
		}
	}
	sort.Slice(edges, func(i, j int) bool {
		if edges[i].Jaccard != edges[j].Jaccard {
			return edges[i].Jaccard > edges[j].Jaccard
		}
		if edges[i].Docs != edges[j].Docs {
			return edges[i].Docs > edges[j].Docs
		}
		if edges[i].A != edges[j].A {
			return edges[i].A < edges[j].A
		}
		return edges[i].B < edges[j].B
	})
	if len(edges) > maxEdges {
		edges = edges[:maxEdges]
	}
	var net Network
	net.Edges = edges
	if len(edges) == 0 {
		return net
	}
	// Nodes in frequency order; node ID = rank, so the graph is deterministic.
	inNet := map[string]bool{}
	for _, e := range edges {
		inNet[e.A], inNet[e.B] = true, true
	}
	g := newOrderedGraph()
	for i, f := range freq {
		if inNet[f.Term] {
			g.addNode(int64(i))
			net.Nodes = append(net.Nodes, NetworkNode{Term: f.Term, Docs: f.Docs})
		}
	}
	for _, e := range edges {
		g.addEdge(int64(idx[e.A]), int64(idx[e.B]), e.Jaccard)
	}
	comm := bestCommunities(g)
	// Number communities by size desc, then by their most frequent term.
	sort.Slice(comm, func(i, j int) bool {
		if len(comm[i]) != len(comm[j]) {
			return len(comm[i]) > len(comm[j])
		}
		return minID(comm[i]) < minID(comm[j])
	})
	commOf := map[int64]int{}
	for c, nodes := range comm {
		for _, nd := range nodes {
			commOf[nd.ID()] = c + 1
		}
	}
	for i := range net.Nodes {
		net.Nodes[i].Community = commOf[int64(idx[net.Nodes[i].Term])]
	}
	net.Modularity = community.Q(g, comm, 1)
	return net
}

// bestCommunities runs Louvain with a few fixed seeds and keeps the partition
// of highest modularity (Louvain is greedy; several starts are more stable).
func bestCommunities(g graph.WeightedUndirected) [][]graph.Node {
	var best [][]graph.Node
	bestQ := math.Inf(-1)
	for seed := uint64(1); seed <= 5; seed++ {
		r := community.Modularize(g, 1, rand.NewPCG(seed, 0x6b6f65))
		c := r.Communities()
		q := community.Q(g, c, 1)
		if q > bestQ+1e-12 {
			best, bestQ = c, q
		}
	}
	for _, c := range best {
		sort.Slice(c, func(i, j int) bool { return c[i].ID() < c[j].ID() })
	}
	return best
}

func minID(ns []graph.Node) int64 {
	m := int64(math.MaxInt64)
	for _, n := range ns {
		if n.ID() < m {
			m = n.ID()
		}
	}
	return m
}

// GroupWords is the characteristic words of one group.
type GroupWords struct {
	Group string      `json:"group"`
	Docs  int         `json:"docs"`
	Words []GroupWord `json:"words"`
}

// GroupWord is a characteristic word of a group with its score and the
// number of the group's answers containing it.
type GroupWord struct {
	Term  string  `json:"term"`
	Score float64 `json:"score"`
	Docs  int     `json:"docs"`
}

// Characteristic returns the top words per group (Doc.Group; copy Event into
// Group to compare events). method "jaccard" (default, as KH Coder): the
// Jaccard coefficient between the term's answers and the group's answers,
// only for terms with P(term|group) > P(term). method "g2": the
// log-likelihood ratio G² of the 2×2 table, only for over-represented terms.
// top defaults to 10. Groups are in order of first appearance; answers
// without a group count in P(term) but belong to no group.
func Characteristic(docs []Doc, method string, top int) []GroupWords {
	if top <= 0 {
		top = 10
	}
	useG2 := strings.EqualFold(method, "g2") || strings.EqualFold(method, "loglik")
	N := len(docs)
	df := map[string]int{}
	var groups []string
	gi := map[string]int{}
	var gdocs []int
	var gdf []map[string]int
	for _, d := range docs {
		for _, t := range d.Terms {
			df[t.Text]++
		}
		if d.Group == "" {
			continue
		}
		g, ok := gi[d.Group]
		if !ok {
			g = len(groups)
			gi[d.Group] = g
			groups = append(groups, d.Group)
			gdocs = append(gdocs, 0)
			gdf = append(gdf, map[string]int{})
		}
		gdocs[g]++
		for _, t := range d.Terms {
			gdf[g][t.Text]++
		}
	}
	out := make([]GroupWords, len(groups))
	for g, name := range groups {
		ng := gdocs[g]
		var ws []GroupWord
		for term, a := range gdf[g] {
			pw := float64(df[term]) / float64(N)
			pwg := float64(a) / float64(ng)
			if pwg <= pw {
				continue
			}
			var score float64
			if useG2 {
				score = g2(a, ng-a, df[term]-a, N-ng-(df[term]-a))
			} else {
				score = float64(a) / float64(ng+df[term]-a)
			}
			ws = append(ws, GroupWord{Term: term, Score: score, Docs: a})
		}
		sort.Slice(ws, func(i, j int) bool {
			if ws[i].Score != ws[j].Score {
				return ws[i].Score > ws[j].Score
			}
			if ws[i].Docs != ws[j].Docs {
				return ws[i].Docs > ws[j].Docs
			}
			return ws[i].Term < ws[j].Term
		})
		if len(ws) > top {
			ws = ws[:top]
		}
		out[g] = GroupWords{Group: name, Docs: ng, Words: ws}
	}
	return out
}

// g2 is the log-likelihood ratio statistic of the 2×2 table [[a b] [c d]].
func g2(a, b, c, d int) float64 {
	n := float64(a + b + c + d)
	if n == 0 {
		return 0
	}
	cell := func(o, row, col int) float64 {
		if o == 0 {
			return 0
		}
		e := float64(row) * float64(col) / n
		return float64(o) * math.Log(float64(o)/e)
	}
	return 2 * (cell(a, a+b, a+c) + cell(b, a+b, b+d) + cell(c, c+d, a+c) + cell(d, c+d, b+d))
}

// Recurring is a term (or code) across the events of a series.
type Recurring struct {
	Term   string   `json:"term"`
	Events []string `json:"events"` // events where it is present, in input order
	Counts []int    `json:"counts"` // answers containing it, per input event (same order as the events argument)
	Status string   `json:"status"` // new | persisting | fading
}

// Recurrence statuses relative to the latest event (the last of events).
const (
	StatusNew        = "new"        // in the latest event only
	StatusPersisting = "persisting" // in the latest event and an earlier one
	StatusFading     = "fading"     // in earlier events, not in the latest
)

// RecurringTerms returns the terms present in at least minEvents of the
// events (default 2; 1 also lists new terms), with answer counts per event and
// a status relative to the latest event. Answers whose Event is not in events
// are ignored. Sorted by events present desc, then total answers desc, then term.
func RecurringTerms(events []string, docs []Doc, minEvents int) []Recurring {
	return recurring(events, docs, minEvents, func(_ int, d Doc) []string {
		out := make([]string, len(d.Terms))
		for i, t := range d.Terms {
			out[i] = t.Text
		}
		return out
	})
}

// RecurringCodes is RecurringTerms for the codes of a code book (Term holds
// the code name).
func RecurringCodes(cb CodeBook, events []string, docs []Doc, minEvents int) []Recurring {
	return recurringCodes(cb, events, docs, cb.masks(docs), minEvents)
}

// recurringCodes is RecurringCodes with the codes of each answer already known.
func recurringCodes(cb CodeBook, events []string, docs []Doc, masks [][]bool, minEvents int) []Recurring {
	names := cb.Names()
	return recurring(events, docs, minEvents, func(j int, _ Doc) []string {
		var out []string
		for i, m := range masks[j] {
			if m {
				out = append(out, names[i])
			}
		}
		return out
	})
}

// recurring counts, per event, the answers each key (of keys(j, docs[j])) is in.
func recurring(events []string, docs []Doc, minEvents int, keys func(int, Doc) []string) []Recurring {
	if minEvents <= 0 {
		minEvents = 2
	}
	ei := map[string]int{}
	for i, e := range events {
		if _, ok := ei[e]; !ok {
			ei[e] = i
		}
	}
	counts := map[string][]int{}
	for j, d := range docs {
		e, ok := ei[d.Event]
		if !ok {
			continue
		}
		seen := map[string]bool{}
		for _, k := range keys(j, d) {
			if seen[k] {
				continue
			}
			seen[k] = true
			c := counts[k]
			if c == nil {
				c = make([]int, len(events))
				counts[k] = c
			}
			c[e]++
		}
	}
	last := len(events) - 1
	var out []Recurring
	for k, c := range counts {
		var present []string
		earlier := false
		for i, n := range c {
			if n > 0 {
				present = append(present, events[i])
				if i < last {
					earlier = true
				}
			}
		}
		if len(present) < minEvents {
			continue
		}
		status := StatusFading
		if c[last] > 0 {
			status = StatusNew
			if earlier {
				status = StatusPersisting
			}
		}
		out = append(out, Recurring{Term: k, Events: present, Counts: c, Status: status})
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].Events) != len(out[j].Events) {
			return len(out[i].Events) > len(out[j].Events)
		}
		ti, tj := sum(out[i].Counts), sum(out[j].Counts)
		if ti != tj {
			return ti > tj
		}
		return out[i].Term < out[j].Term
	})
	return out
}

func sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

// orderedGraph is a weighted undirected graph whose node and neighbour
// iteration follows insertion order. gonum's simple graphs iterate maps, so
// Louvain with a fixed seed could still give different partitions per run.
type orderedGraph struct {
	nodes []graph.Node
	has   map[int64]bool
	adj   map[int64][]graph.Node
	w     map[[2]int64]float64
}

func newOrderedGraph() *orderedGraph {
	return &orderedGraph{has: map[int64]bool{}, adj: map[int64][]graph.Node{}, w: map[[2]int64]float64{}}
}

func (g *orderedGraph) addNode(id int64) {
	if !g.has[id] {
		g.has[id] = true
		g.nodes = append(g.nodes, simple.Node(id))
	}
}

func (g *orderedGraph) addEdge(a, b int64, w float64) {
	g.addNode(a)
	g.addNode(b)
	if _, ok := g.w[[2]int64{a, b}]; !ok {
		g.adj[a] = append(g.adj[a], simple.Node(b))
		g.adj[b] = append(g.adj[b], simple.Node(a))
	}
	g.w[[2]int64{a, b}], g.w[[2]int64{b, a}] = w, w
}

func (g *orderedGraph) Node(id int64) graph.Node {
	if g.has[id] {
		return simple.Node(id)
	}
	return nil
}

func (g *orderedGraph) Nodes() graph.Nodes { return iterator.NewOrderedNodes(g.nodes) }

func (g *orderedGraph) From(id int64) graph.Nodes {
	if len(g.adj[id]) == 0 {
		return graph.Empty
	}
	return iterator.NewOrderedNodes(g.adj[id])
}

func (g *orderedGraph) HasEdgeBetween(x, y int64) bool {
	_, ok := g.w[[2]int64{x, y}]
	return ok
}

func (g *orderedGraph) Edge(u, v int64) graph.Edge { return g.WeightedEdge(u, v) }

func (g *orderedGraph) EdgeBetween(x, y int64) graph.Edge { return g.WeightedEdge(x, y) }

func (g *orderedGraph) WeightedEdgeBetween(x, y int64) graph.WeightedEdge {
	return g.WeightedEdge(x, y)
}

func (g *orderedGraph) WeightedEdge(u, v int64) graph.WeightedEdge {
	w, ok := g.w[[2]int64{u, v}]
	if !ok {
		return nil
	}
	return simple.WeightedEdge{F: simple.Node(u), T: simple.Node(v), W: w}
}

func (g *orderedGraph) Weight(x, y int64) (float64, bool) {
	if x == y {
		return 0, true
	}
	w, ok := g.w[[2]int64{x, y}]
	return w, ok
}
