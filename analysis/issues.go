package analysis

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
)

// Issue groups: the answers to one analysed question (or to the same
// question across the events of a series) grouped by what they talk about,
// each group with a label, its defining terms, its answers, quotes, counts
// per event and per attribute value, and a map of the answers.
//
// The method (details and figures in ISSUES.md):
//
//  1. answers are cut into passages (a long answer can raise several
//     issues) and each passage gets a TF-IDF vector over the answer's
//     stored terms (issues_units.go, issues_passage.go);
//  2. each passage's nearest neighbours by cosine, found through an
//     inverted index without comparing every pair (issues_knn.go);
//  3. communities of the neighbour graph by modularity (Louvain), merged
//     by average linkage, stray passages out, small groups dissolved into
//     未分類 (issues_cluster.go, issues_louvain.go);
//  4. labels by class-based TF-IDF, quotes nearest each group's centre,
//     counts, trends, residuals and the map (issues_label.go, issues_map.go).
//
// GroupIssues is a pure function of its input: the same answers, in any
// order, give the same groups, IDs, labels and order.

// IssueOptions tunes GroupIssues; the zero value suits a single survey.
type IssueOptions struct {
	// Events lists the events of a series, oldest first (Doc.Event labels).
	// With two or more, each group gets counts per event and a trend.
	// nil takes the events of the answers in sorted order.
	Events []string
	// Variants returns the spellings counted under a term, e.g.
	// (*Analyzer).Variants: used to find the stored terms of an answer in
	// its text (passages of long answers, highlighted quotes). nil finds a
	// term by its own spelling and, for a verb or adjective, its stem.
	Variants func(term string) []string
	// MapPoints caps the passages placed on the answer map
	// (DefaultMapPoints when 0; negative: no map).
	MapPoints int
}

// DefaultMapPoints is the default number of points of the answer map.
const DefaultMapPoints = 2000

// Issues is the result of GroupIssues.
type Issues struct {
	// Groups, largest first (ties: label, then ID).
	Groups []IssueGroup `json:"groups"`
	// Analysed is the number of answers given (each counted once); group
	// shares are of this number.
	Analysed int `json:"analysed"`
	// Unassigned lists the answers in no group (未分類), ascending. Every
	// answer is in at least one group or here.
	Unassigned []int64 `json:"unassigned"`
	// Events holds, for a series, the analysed and unassigned answers of
	// each event, in series order.
	Events []IssueEvent `json:"events,omitempty"`
	// Values holds the analysed answers per attribute value (Doc.Group),
	// most answers first (ties by value).
	Values []IssueValue `json:"values,omitempty"`
	// Map places passages of the answers on a plane (see IssueMap).
	Map IssueMap `json:"map"`
}

// IssueGroup is one issue: answers that talk about the same thing.
type IssueGroup struct {
	// ID is derived from the group's passages (see GroupIssues) and stays
	// the same while they mostly do; AdoptIDs carries earlier IDs over.
	ID string `json:"id"`
	// Label is the group's strongest defining terms joined by ・.
	Label string `json:"label"`
	// Terms are the 2–4 terms most distinctive of the group (fewer when
	// its answers share fewer), a compound before its parts.
	Terms []string `json:"terms"`
	// Answers are the IDs of the group's answers, ascending; an answer is
	// here once however many of its passages belong to the group.
	Answers []int64 `json:"answer_ids"`
	// Size is len(Answers) and Share is Size / Issues.Analysed.
	Size  int     `json:"answers"`
	Share float64 `json:"share"`
	// Quotes are up to three sentences of the answers nearest the group's
	// centre, each holding at least one of the label's terms.
	Quotes []IssueQuote `json:"quotes"`
	// Events counts the group's answers per event of a series (series
	// order), and Trend sums them up (Trend* constants); both are empty
	// without a series.
	Events []IssueEventCount `json:"events,omitempty"`
	Trend  string            `json:"trend,omitempty"`
	// Values counts the group's answers per attribute value, in the order
	// of Issues.Values.
	Values []IssueValueCount `json:"values,omitempty"`
}

// IssueQuote is a representative sentence of a group.
type IssueQuote struct {
	Answer int64 `json:"answer_id"`
	// Text is the sentence, from the answer's normalised text (Normalize);
	// contacts are not masked here: mask them when showing it.
	Text string `json:"text"`
	// Highlights are the byte spans in Text of the group's terms, in
	// order, not overlapping.
	Highlights []TextSpan `json:"highlights"`
}

// TextSpan is a byte range [Start, End) of a text holding a term.
type TextSpan struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Term  string `json:"term"`
}

// IssueEvent is an event of a series: its analysed answers and those in
// no group.
type IssueEvent struct {
	Event      string `json:"event"`
	Analysed   int    `json:"analysed"`
	Unassigned int    `json:"unassigned"`
}

// IssueEventCount is a group's answers in one event, and their share of
// the event's analysed answers.
type IssueEventCount struct {
	Event   string  `json:"event"`
	Answers int     `json:"answers"`
	Share   float64 `json:"share"`
}

// IssueValue is an attribute value and its analysed answers.
type IssueValue struct {
	Value    string `json:"value"`
	Analysed int    `json:"analysed"`
}

// IssueValueCount is a group's answers with one attribute value: their
// share of the value's analysed answers, and the adjusted standardized
// residual (Haberman) of the cell in the 2 × 2 table group × value: above
// 1.96 the value raises the issue more often than the other values do
// (p < .05), below −1.96 less often.
type IssueValueCount struct {
	Value    string  `json:"value"`
	Answers  int     `json:"answers"`
	Share    float64 `json:"share"`
	Residual float64 `json:"residual"`
}

// Trends of a group across the events of a series, judged at the latest
// event against the earlier ones together. A group's answers in the latest
// event are "fewer than before" when there are none, or when the adjusted
// residual (Haberman) of the latest event's cell in the table group ×
// (latest event, earlier events) is below −1.96 (p < .05): a small group
// with one answer in a small last month, where two were expected, has not
// faded.
const (
	TrendNew        = "new"        // all its answers are in the latest event
	TrendPersisting = "persisting" // answers before and in the latest event, not fewer than before
	TrendFading     = "fading"     // answers before, fewer than before (or none) in the latest event
	TrendOnce       = "once"       // all its answers are in one earlier event
)

// kNN graph parameters: each passage links to its issueNeighbours most
// similar passages with a cosine of at least minNeighbourSim.
const (
	issueNeighbours = 10
	minNeighbourSim = 0.1
)

// GroupIssues groups answers into issues. Each Doc is one answer with its
// ID, Text and stored Terms (as Analyzer.Terms gives them), and optionally
// its Event (series) and Group (an attribute value). IDs must be unique.
//
// Group IDs are derived from the group's passages: the smallest hash of
// (answer ID, passage) among them, i.e. a MinHash of the member set. Two
// groupings give a group the same ID with probability equal to the Jaccard
// similarity of its two member sets, whatever else changed; AdoptIDs makes
// it certain while most members stay.
func GroupIssues(docs []Doc, opt IssueOptions) (*Issues, error) {
	sorted := append([]Doc(nil), docs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	for i := 1; i < len(sorted); i++ {
		if sorted[i].ID == sorted[i-1].ID {
			return nil, fmt.Errorf("issue groups: answer %d is given twice", sorted[i].ID)
		}
	}
	p := prepare(sorted, opt.Variants)
	vecs := make([]sparseVec, len(p.units))
	owner := make([]int32, len(p.units))
	for i, u := range p.units {
		vecs[i] = u.vec
		owner[i] = u.answer
	}
	g := newSimGraph(nearestNeighbours(vecs, owner, len(p.vocab), issueNeighbours, minNeighbourSim))
	cluster, k := clusterUnits(p, g)

	res := &Issues{Analysed: len(sorted), Unassigned: []int64{}, Groups: make([]IssueGroup, 0, k)}
	groupUnits := make([][]int32, k)
	for u, c := range cluster {
		if c >= 0 {
			groupUnits[c] = append(groupUnits[c], int32(u))
		}
	}
	inGroup := make([]bool, len(sorted))
	for c := range groupUnits {
		grp := IssueGroup{ID: groupID(p, groupUnits[c])}
		seen := map[int32]bool{}
		for _, u := range groupUnits[c] {
			a := p.units[u].answer
			inGroup[a] = true
			if !seen[a] {
				seen[a] = true
				grp.Answers = append(grp.Answers, sorted[a].ID)
			}
		}
		slices.Sort(grp.Answers)
		grp.Size = len(grp.Answers)
		grp.Share = float64(grp.Size) / float64(res.Analysed)
		res.Groups = append(res.Groups, grp)
	}
	for a, in := range inGroup {
		if !in {
			res.Unassigned = append(res.Unassigned, sorted[a].ID)
		}
	}
	labelGroups(p, cluster, groupUnits, res.Groups, opt.Variants)
	order := make([]int, k)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool {
		a, b := res.Groups[order[i]], res.Groups[order[j]]
		if a.Size != b.Size {
			return a.Size > b.Size
		}
		if a.Label != b.Label {
			return a.Label < b.Label
		}
		return a.ID < b.ID
	})
	groups := make([]IssueGroup, k)
	rank := make([]int32, k) // cluster -> index in groups
	for i, c := range order {
		groups[i] = res.Groups[c]
		rank[c] = int32(i)
	}
	res.Groups = groups
	for u, c := range cluster {
		if c >= 0 {
			cluster[u] = rank[c]
		}
	}
	countEvents(res, sorted, opt.Events)
	countValues(res, sorted)
	if opt.MapPoints >= 0 {
		res.Map = answerMap(p, cluster, res.Groups, cmpOr(opt.MapPoints, DefaultMapPoints))
	}
	return res, nil
}

func cmpOr(x, def int) int {
	if x == 0 {
		return def
	}
	return x
}

// groupID is the MinHash of the group's passages, in hex.
func groupID(p *prepared, units []int32) string {
	m := uint64(math.MaxUint64)
	for _, u := range units {
		m = min(m, p.unitKey(int(u)))
	}
	return fmt.Sprintf("%016x", m)
}

// countEvents fills the per-event counts and trends of a series.
func countEvents(res *Issues, docs []Doc, events []string) {
	if events == nil {
		seen := map[string]bool{}
		for _, d := range docs {
			if d.Event != "" && !seen[d.Event] {
				seen[d.Event] = true
				events = append(events, d.Event)
			}
		}
		slices.Sort(events)
	}
	if len(events) < 2 {
		return
	}
	index := map[string]int{}
	for i, e := range events {
		if _, ok := index[e]; !ok {
			index[e] = i
		}
	}
	eventOf := map[int64]int{}
	res.Events = make([]IssueEvent, len(events))
	for i, e := range events {
		res.Events[i].Event = e
	}
	for _, d := range docs {
		if e, ok := index[d.Event]; ok {
			eventOf[d.ID] = e
			res.Events[e].Analysed++
		}
	}
	for _, id := range res.Unassigned {
		if e, ok := eventOf[id]; ok {
			res.Events[e].Unassigned++
		}
	}
	analysed := make([]int, len(events))
	for i, e := range res.Events {
		analysed[i] = e.Analysed
	}
	for gi := range res.Groups {
		grp := &res.Groups[gi]
		grp.Events = make([]IssueEventCount, len(events))
		for i, e := range events {
			grp.Events[i].Event = e
		}
		for _, id := range grp.Answers {
			if e, ok := eventOf[id]; ok {
				grp.Events[e].Answers++
			}
		}
		for i := range grp.Events {
			if n := res.Events[i].Analysed; n > 0 {
				grp.Events[i].Share = float64(grp.Events[i].Answers) / float64(n)
			}
		}
		grp.Trend = trend(grp.Events, analysed)
	}
}

// trend classifies a group's answers per event (see the Trend* constants);
// analysed holds each event's analysed answers.
func trend(counts []IssueEventCount, analysed []int) string {
	last := len(counts) - 1
	latest, before, nLatest, nBefore, events := 0, 0, analysed[last], 0, 0
	for i, c := range counts {
		if c.Answers > 0 {
			events++
		}
		if i < last {
			before += c.Answers
			nBefore += analysed[i]
		} else {
			latest = c.Answers
		}
	}
	switch {
	case latest+before == 0:
		return ""
	case before == 0:
		return TrendNew
	case latest == 0 && events == 1:
		return TrendOnce
	case latest == 0 || adjustedResidual(latest, nLatest, latest+before, nLatest+nBefore) < -1.96:
		return TrendFading
	}
	return TrendPersisting
}

// countValues fills the per-attribute-value counts and residuals.
func countValues(res *Issues, docs []Doc) {
	index := map[string]int{}
	valueOf := map[int64]int{}
	for _, d := range docs {
		if d.Group == "" {
			continue
		}
		v, ok := index[d.Group]
		if !ok {
			v = len(res.Values)
			index[d.Group] = v
			res.Values = append(res.Values, IssueValue{Value: d.Group})
		}
		res.Values[v].Analysed++
		valueOf[d.ID] = v
	}
	if len(res.Values) == 0 {
		return
	}
	// Most answers first, ties by value; remap indices.
	order := make([]int, len(res.Values))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool {
		a, b := res.Values[order[i]], res.Values[order[j]]
		if a.Analysed != b.Analysed {
			return a.Analysed > b.Analysed
		}
		return a.Value < b.Value
	})
	values := make([]IssueValue, len(order))
	pos := make([]int, len(order))
	for i, v := range order {
		values[i] = res.Values[v]
		pos[v] = i
	}
	res.Values = values
	for id, v := range valueOf {
		valueOf[id] = pos[v]
	}
	withValue := 0
	for _, v := range res.Values {
		withValue += v.Analysed
	}
	for gi := range res.Groups {
		grp := &res.Groups[gi]
		grp.Values = make([]IssueValueCount, len(res.Values))
		inGroup := 0
		for _, id := range grp.Answers {
			if v, ok := valueOf[id]; ok {
				grp.Values[v].Answers++
				inGroup++
			}
		}
		for i, v := range res.Values {
			c := &grp.Values[i]
			c.Value = v.Value
			c.Share = float64(c.Answers) / float64(v.Analysed)
			c.Residual = adjustedResidual(c.Answers, v.Analysed, inGroup, withValue)
		}
	}
}

// IssueRef is what to keep of a grouping to recognise its groups in a
// later one: the group's ID and its answers.
type IssueRef struct {
	ID      string  `json:"id"`
	Answers []int64 `json:"answer_ids"`
}

// Refs returns the groups' IDs and answers, to store beside staff names,
// merges and hidden groups.
func (is *Issues) Refs() []IssueRef {
	out := make([]IssueRef, len(is.Groups))
	for i, g := range is.Groups {
		out[i] = IssueRef{ID: g.ID, Answers: append([]int64(nil), g.Answers...)}
	}
	return out
}

// MatchIssues pairs the groups of a new grouping with those of an earlier
// one by their answers. A new group matches an earlier group when more than
// half of the earlier group's answers (of those still analysed) are in it,
// and they are more than half of the new group's answers that existed
// before. A majority on both sides makes the pairing one-to-one without
// any tie to break: an issue that split keeps its ID on the side that holds
// most of it, two that merged keep the larger one's. It returns new ID ->
// earlier ID.
func MatchIssues(prev []IssueRef, cur *Issues) map[string]string {
	now := map[int64]bool{}
	for _, g := range cur.Groups {
		for _, id := range g.Answers {
			now[id] = true
		}
	}
	for _, id := range cur.Unassigned {
		now[id] = true
	}
	before := map[int64]bool{}
	groupsOf := map[int64][]int{} // answer -> earlier groups
	prevSize := make([]int, len(prev))
	for i, p := range prev {
		for _, id := range p.Answers {
			before[id] = true
			if now[id] {
				groupsOf[id] = append(groupsOf[id], i)
				prevSize[i]++
			}
		}
	}
	out := map[string]string{}
	for _, g := range cur.Groups {
		overlap := map[int]int{}
		old := 0
		for _, id := range g.Answers {
			if before[id] {
				old++
			}
			for _, i := range groupsOf[id] {
				overlap[i]++
			}
		}
		for i, n := range overlap {
			if 2*n > prevSize[i] && 2*n > old {
				out[g.ID] = prev[i].ID
			}
		}
	}
	return out
}

// AdoptIDs gives each group the ID of the earlier group it matches
// (MatchIssues), so that a staff name, a merge or a hidden flag stored
// under that ID stays with the issue while most of its answers stay. A
// group that matches nothing never carries an earlier ID: when its own
// MinHash ID is one (it kept the earlier group's smallest passage but not
// most of its answers), it gets a new one derived from it. It returns the
// number of groups whose ID was carried over.
func (is *Issues) AdoptIDs(prev []IssueRef) int {
	match := MatchIssues(prev, is)
	taken := map[string]bool{}
	for _, p := range prev {
		taken[p.ID] = true
	}
	for i := range is.Groups {
		g := &is.Groups[i]
		if old, ok := match[g.ID]; ok {
			g.ID = old
			continue
		}
		for taken[g.ID] {
			x, _ := strconv.ParseUint(g.ID, 16, 64)
			g.ID = fmt.Sprintf("%016x", splitMix64(x))
		}
		taken[g.ID] = true
	}
	for i := range is.Map.Labels {
		is.Map.Labels[i].ID = is.Groups[is.Map.Labels[i].Group].ID
	}
	return len(match)
}
