package reports

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/contact"
	"github.com/koe-project/koe/internal/store"
)

// The issue groups of a free-text question (主な論点): what people raise, as
// cards, largest first, above the word-level analysis. The model is the
// analysis result itself (Text.Issues); this file turns it into the view and
// the answer map, masking what respondents typed on the way.

// Limits of what an issue section shows.
const (
	maxIssueCards  = 12 // cards shown; the rest are listed by label and size
	maxIssueQuotes = 3
	maxIssueTerms  = 4
)

type issuesView struct {
	Title      string // 主な論点, or 繰り返し出てくる論点 across a series
	Question   string // the question grouped, named when it is not the section's own
	Drill      string
	Analysed   int
	Unassigned int
	UnassPct   string
	Cards      []issueCard
	More       []issueCard // groups beyond the cards, by label and size only
	Map        *chartView
	Series     bool        // counts per event and a trend are shown
	Empty      int         // answers that say nothing, left out
	Repeats    int         // copies of another answer, left out (each copied text counts once)
	AllCopies  bool        // the Repeats are counted all the same (the raw counts)
	Hidden     []issueCard // groups staff hid (非表示), by label and size only
	By         string      // the attribute the cards' More and Fewer refer to
	// Edit, on a dashboard, is where each card's form posts (Edit+ID), with
	// EditQuestion as the question; "" (reports): no forms.
	Edit, EditQuestion string
}

type issueCard struct {
	ID, Label  string
	Terms      []string
	Answers    int
	Pct        string
	Quotes     []quoteView
	Trend      string // new, persisting, fading, once ("" outside a series)
	TrendLabel string
	Events     []issueEventCell
	Merged     []MergedIssue // groups staff merged into this one
	// More and Fewer are the attribute's values whose answers raise this
	// issue notably more or less often than the rest (adjusted residual
	// beyond ±1.96, about a 5 % chance under no difference).
	More, Fewer []string
}

type issueEventCell struct {
	Event   string
	Answers int
	Pct     string
}

// quoteView is a sentence in parts, the parts that carry the group's words
// marked.
type quoteView struct {
	Parts []quotePart
}

type quotePart struct {
	Text string
	Mark bool
}

var trendLabels = map[string]string{
	analysis.TrendNew:        "新しく出てきた",
	analysis.TrendPersisting: "続いている",
	analysis.TrendFading:     "減ってきた",
	analysis.TrendOnce:       "一度だけ",
}

// maskedIssues returns a copy of is with everything respondents typed masked:
// labels and terms (made from their words) and quotes. A quote whose text
// masking changes loses its highlights, whose byte spans no longer fit.
func maskedIssues(is *analysis.Issues) *analysis.Issues {
	if is == nil {
		return nil
	}
	m := *is
	m.Groups = slices.Clone(is.Groups)
	for i, g := range m.Groups {
		g.Label = contact.Mask(g.Label)
		g.Terms = maskAll(g.Terms)
		g.Quotes = slices.Clone(g.Quotes)
		for j, q := range g.Quotes {
			if masked := contact.Mask(q.Text); masked != q.Text {
				g.Quotes[j] = analysis.IssueQuote{Answer: q.Answer, Text: masked}
			}
		}
		m.Groups[i] = g
	}
	m.Map.Labels = slices.Clone(is.Map.Labels)
	for i := range m.Map.Labels {
		m.Map.Labels[i].Label = contact.Mask(m.Map.Labels[i].Label)
	}
	return &m
}

// quoteParts cuts a quote at its highlights; spans out of range or out of
// order are ignored rather than trusted.
func quoteParts(q analysis.IssueQuote) quoteView {
	var v quoteView
	last := 0
	for _, h := range q.Highlights {
		if h.Start < last || h.End <= h.Start || h.End > len(q.Text) {
			continue
		}
		if h.Start > last {
			v.Parts = append(v.Parts, quotePart{Text: q.Text[last:h.Start]})
		}
		v.Parts = append(v.Parts, quotePart{Text: q.Text[h.Start:h.End], Mark: true})
		last = h.End
	}
	if last < len(q.Text) {
		v.Parts = append(v.Parts, quotePart{Text: q.Text[last:]})
	}
	return v
}

// buildIssues makes the issue section of a question (q.IssueEdit: with the
// staff's forms), the groups staff hid (hidden) listed apart, each card
// naming the groups merged into it (merged).
func buildIssues(id string, q Question, is *analysis.Issues, hidden map[string]bool, merged map[string][]MergedIssue) (*issuesView, error) {
	v := &issuesView{Title: "主な論点", Drill: q.Drill, Analysed: is.Analysed, Unassigned: len(is.Unassigned),
		UnassPct: formatPct(share(len(is.Unassigned), is.Analysed)), Series: len(is.Events) > 1}
	if q.IssueEdit != "" {
		v.Edit, v.EditQuestion = q.IssueEdit, q.Key
	}
	for _, g := range is.Groups {
		card := issueCard{ID: g.ID, Label: g.Label, Terms: g.Terms[:min(len(g.Terms), maxIssueTerms)],
			Answers: g.Size, Pct: formatPct(round1(g.Share * 100)), Trend: g.Trend, TrendLabel: trendLabels[g.Trend], Merged: merged[g.ID]}
		if hidden[g.ID] {
			v.Hidden = append(v.Hidden, card)
			continue
		}
		if len(v.Cards) >= maxIssueCards {
			v.More = append(v.More, card)
			continue
		}
		for _, qt := range g.Quotes[:min(len(g.Quotes), maxIssueQuotes)] {
			card.Quotes = append(card.Quotes, quoteParts(qt))
		}
		for _, val := range g.Values {
			switch {
			case val.Residual >= notableResidual:
				card.More = append(card.More, contact.Mask(val.Value))
			case val.Residual <= -notableResidual:
				card.Fewer = append(card.Fewer, contact.Mask(val.Value))
			}
		}
		if v.Series {
			for _, e := range g.Events {
				card.Events = append(card.Events, issueEventCell{Event: e.Event, Answers: e.Answers, Pct: formatPct(round1(e.Share * 100))})
			}
		}
		v.Cards = append(v.Cards, card)
	}
	if len(is.Map.Points) > 0 && len(is.Groups) > 0 {
		c, err := issueMapChart(id+"-issue-map", q, is, hidden)
		if err != nil {
			return nil, err
		}
		cv, err := toChartView(c)
		if err != nil {
			return nil, err
		}
		if q.Drill != "" { // a point opens its group's answers, its own first
			cv.Drill, cv.DrillBy = q.Drill, "issue"
		}
		v.Map = &cv
	}
	return v, nil
}

// issueMapChart draws the answer map: one scatter series per group (in the
// card colours), 未分類 in grey, each group's label at its disc's centre.
func issueMapChart(id string, q Question, is *analysis.Issues, hidden map[string]bool) (Chart, error) {
	type series struct {
		name  string
		color string
		data  []opts.ScatterData
	}
	// Groups staff hid are drawn grey and unlabelled: their answers are
	// still there (a click still lists them), their name no longer is.
	list := make([]series, len(is.Groups)+1)
	for i, g := range is.Groups {
		list[i] = series{name: g.Label, color: palette[i%len(palette)]}
		if hidden[g.ID] {
			list[i] = series{name: "非表示にした論点", color: "#d5d9de"}
		}
	}
	unassigned := len(is.Groups)
	list[unassigned] = series{name: "未分類", color: "#c3c8cf"}
	for _, p := range is.Map.Points {
		k := p.Group
		if k < 0 || k >= len(is.Groups) {
			k = unassigned
		}
		list[k].data = append(list[k].data, opts.ScatterData{Value: []any{round3(p.X), round3(p.Y)}, Name: fmt.Sprint(p.Answer)})
	}
	sc := charts.NewScatter()
	sc.SetGlobalOptions(
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithXAxisOpts(opts.XAxis{Show: opts.Bool(false), Scale: opts.Bool(true)}),
		charts.WithYAxisOpts(opts.YAxis{Show: opts.Bool(false), Scale: opts.Bool(true)}),
	)
	var ids []string // the series' group IDs, in the order they are added
	for i, s := range list {
		if len(s.data) == 0 {
			continue
		}
		if i == unassigned {
			ids = append(ids, "unassigned")
		} else {
			ids = append(ids, is.Groups[i].ID)
		}
		sc.AddSeries(s.name, s.data, charts.WithItemStyleOpts(opts.ItemStyle{Color: s.color, Opacity: opts.Float(0.7)}))
	}
	c, err := finish(sc, id, "scatter", "回答の地図: "+q.Label, 420)
	if err != nil {
		return c, err
	}
	c.Option["grid"] = map[string]any{"left": 10, "right": 10, "top": 10, "bottom": 10}
	// Each group's name, drawn where its answers are.
	var labels []map[string]any
	for _, l := range is.Map.Labels {
		if l.Group < 0 || l.Group >= len(is.Groups) || hidden[is.Groups[l.Group].ID] {
			continue
		}
		labels = append(labels, map[string]any{
			"name": l.Label, "coord": []any{round3(l.X), round3(l.Y)},
			"value": strings.TrimSpace(l.Label),
		})
	}
	if ss := seriesList(c.Option); len(ss) > 0 && len(labels) > 0 {
		ss[0]["markPoint"] = map[string]any{
			"symbol": "pin", "symbolSize": 0, "silent": true,
			"label": map[string]any{"show": true, "formatter": "{b}", "color": "#222", "fontWeight": "bold",
				"backgroundColor": "rgba(255,255,255,0.8)", "padding": 2},
			"data": labels,
		}
	}
	for i, s := range seriesList(c.Option) {
		s["symbolSize"] = 6
		if i < len(ids) {
			s["id"] = ids[i] // a click on a point drills into its group (dashboard.js)
		}
	}
	return c, nil
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// IssueSet is what the issue groups of one question (or of one question
// across a series) were computed from, beside the groups themselves.
type IssueSet struct {
	Issues *analysis.Issues // as shown: staff names in place of labels; nil when no answer is left to group
	// Grouped are the groups as computed (ComputeIssues), with the IDs of
	// the stored groups they continue (KeepIssues); Issues is made from it.
	Grouped *analysis.Issues
	Hidden  map[string]bool // groups staff hid from the cards, by ID
	// Merged lists, by the ID of the group shown, the groups staff merged
	// into it (they are in Grouped, and part of that group in Issues).
	Merged     map[string][]MergedIssue
	Empty      int // answers that say nothing (特になし), left out
	Duplicates analysis.DuplicateCounts
}

// MergedIssue is a group staff merged into another, as it was computed.
type MergedIssue struct {
	ID, Label string
	Answers   int
}

// KeepIssues ties groups just computed to the groups stored under scope
// (store.IssueScope, store.SeriesIssueScope): each takes the ID of the
// stored group it continues (analysis.Issues.AdoptIDs), so that IDs, and
// the names staff gave, outlive new answers and restarts. When save is set
// the stored groups become these; a grouping of part of the scope (koe
// analyze --group, a reader's partial view of a series) adopts but does not
// save. The staff names and hidden flags are then applied (NameIssues).
func KeepIssues(ctx context.Context, texts *store.Store, scope string, set IssueSet, save bool) (IssueSet, error) {
	states, err := texts.IssueGroupStates(ctx, scope)
	if err != nil {
		return set, fmt.Errorf("reports.KeepIssues: %w", err)
	}
	if set.Grouped == nil {
		set.Grouped = set.Issues
	}
	if set.Grouped != nil && len(states) > 0 {
		refs := make([]analysis.IssueRef, len(states))
		for i, st := range states {
			refs[i] = st.IssueRef
		}
		set.Grouped.AdoptIDs(refs)
	}
	if save {
		var refs []analysis.IssueRef
		if set.Grouped != nil {
			refs = set.Grouped.Refs()
		}
		// A report of unchanged answers finds its groups stored as they are.
		// Writing them again would change nothing but cost every SQLite
		// reader its page cache (any commit resets the others' caches).
		if !storedAsTheyAre(states, refs) {
			if err := texts.SaveIssueRefs(ctx, scope, refs); err != nil {
				return set, fmt.Errorf("reports.KeepIssues: %w", err)
			}
		}
	}
	return withStaffChoices(set, states), nil
}

// storedAsTheyAre reports whether refs are exactly the stored groups: the
// same IDs, each with the same answers in the same order.
func storedAsTheyAre(states []store.IssueGroupState, refs []analysis.IssueRef) bool {
	if len(states) != len(refs) {
		return false
	}
	stored := make(map[string][]int64, len(states))
	for _, st := range states {
		stored[st.ID] = st.Answers
	}
	for _, r := range refs {
		answers, ok := stored[r.ID]
		if !ok || !slices.Equal(answers, r.Answers) {
			return false
		}
	}
	return true
}

// NameIssues applies the staff names and hidden flags stored under scope to
// groups already tied to the stored ones (KeepIssues), such as a
// dashboard's cached grouping: a name given since shows without grouping
// the answers again.
func NameIssues(ctx context.Context, texts *store.Store, scope string, set IssueSet) (IssueSet, error) {
	states, err := texts.IssueGroupStates(ctx, scope)
	if err != nil {
		return set, fmt.Errorf("reports.NameIssues: %w", err)
	}
	if set.Grouped == nil {
		set.Grouped = set.Issues
	}
	return withStaffChoices(set, states), nil
}

// withStaffChoices makes set.Issues from set.Grouped with the staff names in
// place of the computed labels (cards, map, summary, koe analyze: a staff
// name once given, else the defining terms) and the groups staff merged
// shown as one, and sets set.Hidden and set.Merged. Grouped is left as
// computed, so a name or a merge taken back shows the group as computed.
func withStaffChoices(set IssueSet, states []store.IssueGroupState) IssueSet {
	set.Issues, set.Hidden, set.Merged = set.Grouped, nil, nil
	if set.Grouped == nil {
		return set
	}
	set = withNames(set, states)
	// A merge is counted per event only where there is one event: the
	// events of an answer in both groups are not kept to count it once.
	if roots := mergeRoots(set.Grouped, states); len(roots) > 0 && len(set.Grouped.Events) <= 1 {
		for _, g := range set.Issues.Groups {
			if root, ok := roots[g.ID]; ok {
				if set.Merged == nil {
					set.Merged = map[string][]MergedIssue{}
				}
				set.Merged[root] = append(set.Merged[root], MergedIssue{ID: g.ID, Label: g.Label, Answers: g.Size})
			}
		}
		set.Issues = mergedIssues(set.Issues, roots)
	}
	return set
}

// withNames sets set.Issues to set.Grouped with the staff names, and
// set.Hidden.
func withNames(set IssueSet, states []store.IssueGroupState) IssueSet {
	names := map[string]string{}
	for _, st := range states {
		if st.StaffLabel != "" {
			names[st.ID] = st.StaffLabel
		}
		if st.Hidden {
			if set.Hidden == nil {
				set.Hidden = map[string]bool{}
			}
			set.Hidden[st.ID] = true
		}
	}
	if len(names) == 0 {
		return set
	}
	named := *set.Grouped
	named.Groups = slices.Clone(named.Groups)
	for i, g := range named.Groups {
		if name, ok := names[g.ID]; ok {
			named.Groups[i].Label = name
		}
	}
	named.Map.Labels = slices.Clone(named.Map.Labels)
	for i, l := range named.Map.Labels {
		if name, ok := names[l.ID]; ok {
			named.Map.Labels[i].Label = name
		}
	}
	set.Issues = &named
	return set
}

// mergeRoots resolves the merges stored among the groups of is: the ID of
// each group merged away -> the ID of the group it is shown in, following
// a chain of merges to its end. A merge into a group no longer there, or
// one that comes back round to itself, is left out.
func mergeRoots(is *analysis.Issues, states []store.IssueGroupState) map[string]string {
	present := map[string]bool{}
	for _, g := range is.Groups {
		present[g.ID] = true
	}
	into := map[string]string{}
	for _, st := range states {
		if st.MergedInto != "" && st.MergedInto != st.ID && present[st.ID] && present[st.MergedInto] {
			into[st.ID] = st.MergedInto
		}
	}
	roots := map[string]string{}
	for id := range into {
		root, seen := id, map[string]bool{id: true}
		for {
			next, ok := into[root]
			if !ok {
				break
			}
			if seen[next] {
				root = ""
				break
			}
			seen[next], root = true, next
		}
		if root != "" {
			roots[id] = root
		}
	}
	return roots
}

// mergedIssues returns is with each group of roots shown as part of its
// root: one answer list (each answer once), size and share counted again,
// the root's label, terms and quotes; largest first again, the answer map
// following. is is not changed.
func mergedIssues(is *analysis.Issues, roots map[string]string) *analysis.Issues {
	m := *is
	parts := map[string][]int64{}
	for _, g := range is.Groups {
		if root, ok := roots[g.ID]; ok {
			parts[root] = append(parts[root], g.Answers...)
		}
	}
	m.Groups = make([]analysis.IssueGroup, 0, len(is.Groups))
	for _, g := range is.Groups {
		if _, away := roots[g.ID]; away {
			continue
		}
		if more := parts[g.ID]; len(more) > 0 {
			g.Answers = slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(g.Answers), more...))))
			g.Size = len(g.Answers)
			g.Share = fraction(g.Size, is.Analysed)
			if len(g.Events) == 1 {
				g.Events = []analysis.IssueEventCount{{Event: g.Events[0].Event, Answers: g.Size, Share: g.Share}}
			}
			g.Values = nil // per value, an answer in both groups cannot be counted once
		}
		m.Groups = append(m.Groups, g)
	}
	slices.SortStableFunc(m.Groups, func(a, b analysis.IssueGroup) int { return b.Size - a.Size })
	at := map[string]int{}
	for i, g := range m.Groups {
		at[g.ID] = i
	}
	shownAs := func(old int) int { // a group's index in is -> in m
		if old < 0 || old >= len(is.Groups) {
			return old
		}
		id := is.Groups[old].ID
		if root, ok := roots[id]; ok {
			id = root
		}
		return at[id]
	}
	m.Map.Points = slices.Clone(is.Map.Points)
	for i := range m.Map.Points {
		m.Map.Points[i].Group = shownAs(m.Map.Points[i].Group)
	}
	m.Map.Labels = nil
	for _, l := range is.Map.Labels {
		if l.Group >= 0 && l.Group < len(is.Groups) {
			if _, away := roots[is.Groups[l.Group].ID]; away {
				continue
			}
		}
		l.Group = shownAs(l.Group)
		m.Map.Labels = append(m.Map.Labels, l)
	}
	slices.SortStableFunc(m.Map.Labels, func(a, b analysis.IssueMapLabel) int { return a.Group - b.Group })
	return &m
}

// fraction is n / of, 0 for none.
func fraction(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// ComputeIssues groups the analysed answers of a scope into issues: answers
// that say nothing are left out and counted, and each group of copied
// answers counts once (its template stays, the repeats are left out), so a
// pasted campaign text does not make an issue of its own size. The events
// of the scope, in order, give the series counts and trends; sc.Only narrows
// the answers to one attribute value or event. mapPoints is
// IssueOptions.MapPoints (negative: no map). About a CPU-second per 10,000
// answers: callers cache the result (internal/web) and never call it on the
// submission path.
func ComputeIssues(ctx context.Context, texts *store.Store, sc store.Scope, mapPoints int) (IssueSet, error) {
	return computeIssues(ctx, texts, sc, mapPoints, false)
}

// computeIssues is ComputeIssues, every copy counted when allCopies is set
// (the copies are still found and counted in Duplicates).
func computeIssues(ctx context.Context, texts *store.Store, sc store.Scope, mapPoints int, allCopies bool) (IssueSet, error) {
	docs, err := texts.Docs(ctx, sc, nil)
	if err != nil {
		return IssueSet{}, fmt.Errorf("reports.ComputeIssues: %w", err)
	}
	return computeIssuesAmong(ctx, texts, sc, docs, mapPoints, allCopies)
}

// computeIssuesAmong is computeIssues over docs, the answers of sc's whole
// questions with their texts and terms (store.Docs(sc, nil)), which it does
// not change.
func computeIssuesAmong(ctx context.Context, texts *store.Store, sc store.Scope, docs []analysis.Doc, mapPoints int, allCopies bool) (IssueSet, error) {
	a := texts.Analyzer()
	var set IssueSet
	said := make([]analysis.Doc, 0, len(docs))
	for _, d := range docs {
		if (sc.Only.Group != "" && d.Group != sc.Only.Group) || (sc.Only.Event != "" && d.Event != sc.Only.Event) {
			continue // outside the scope's filter (koe analyze --group, --event)
		}
		if a.IsEmptyAnswer(d.Text) {
			set.Empty++
			continue
		}
		said = append(said, d)
	}
	// The copies of a whole question are the ones its words and codes
	// leave out too (store.CopiesOf, found once for both); a part of it
	// (koe analyze --group, --event) has copies of its own.
	repeat := map[int64]bool{}
	if sc.Only.Group == "" && sc.Only.Event == "" {
		copies, err := texts.CopiesAmong(ctx, sc, docs)
		if err != nil {
			return IssueSet{}, fmt.Errorf("reports.ComputeIssues: %w", err)
		}
		set.Duplicates, repeat = copies.Counts, copies.IDs
	} else {
		answers := make([]string, len(said))
		for i, d := range said {
			answers[i] = d.Text
		}
		dups := analysis.FindDuplicates(answers, analysis.DuplicateOptions{})
		set.Duplicates = dups.Counts()
		for i, r := range dups.Repeats(len(said)) {
			repeat[said[i].ID] = r
		}
	}
	kept := make([]analysis.Doc, 0, len(said))
	for _, d := range said {
		if allCopies || !repeat[d.ID] {
			kept = append(kept, d)
		}
	}
	if len(kept) == 0 {
		return set, nil
	}
	events := sc.Events()
	if sc.Only.Event != "" {
		events = []string{sc.Only.Event}
	}
	issues, err := analysis.GroupIssues(kept, analysis.IssueOptions{Events: events, Variants: a.Variants, MapPoints: mapPoints})
	if err != nil {
		return IssueSet{}, fmt.Errorf("reports.ComputeIssues: %w", err)
	}
	set.Issues, set.Grouped = issues, issues
	return set, nil
}

// IssueCode makes a coding rule from the group with id in set
// (analysis.IssueCodeRule), judged against the answers of sc it was grouped
// from; it is named after the group's label (its staff name when it has
// one). ok is false for an unknown id.
func IssueCode(ctx context.Context, texts *store.Store, sc store.Scope, set IssueSet, id string) (code analysis.IssueCode, ok bool, err error) {
	if set.Issues == nil {
		return code, false, nil
	}
	for _, g := range set.Issues.Groups {
		if g.ID != id {
			continue
		}
		docs, err := texts.Docs(ctx, sc, nil)
		if err != nil {
			return code, false, fmt.Errorf("reports.IssueCode: %w", err)
		}
		return analysis.IssueCodeRule(g, docs), true, nil
	}
	return code, false, nil
}

// IssueAnswers returns the answer IDs of the group with id in is, or of
// 未分類 for "unassigned"; ok is false for an unknown id.
func IssueAnswers(is *analysis.Issues, id string) (ids []int64, label string, ok bool) {
	if is == nil {
		return nil, "", false
	}
	if id == "unassigned" {
		return is.Unassigned, "未分類", true
	}
	for _, g := range is.Groups {
		if g.ID == id {
			return g.Answers, g.Label, true
		}
	}
	return nil, "", false
}

// NewIssueDrillList lists the answers of one issue group (label, 未分類 or a
// group's label), narrowed as f says by attribute value and event, the
// answer first (chosen on the answer map; 0: none) at the top and marked;
// contacts masked.
func NewIssueDrillList(docs []analysis.Doc, label string, f analysis.Filter, byEvent bool, first int64) DrillList {
	chosen := -1
	if first != 0 {
		chosen = slices.IndexFunc(docs, func(d analysis.Doc) bool { return d.ID == first })
	}
	if chosen > 0 {
		docs = append([]analysis.Doc{docs[chosen]}, slices.Delete(slices.Clone(docs), chosen, chosen+1)...)
	}
	v := NewDrillList(len(docs), docs, nil, analysis.Filter{Group: f.Group, Event: f.Event}, byEvent)
	if chosen >= 0 && len(v.Answers) > 0 {
		v.Answers[0].Note = strings.TrimPrefix(v.Answers[0].Note+"・地図で選んだ回答", "・")
	}
	what := "論点「" + contact.Mask(label) + "」"
	if label == "未分類" {
		what = "どの論点にも入らなかった回答（未分類）"
	}
	if v.What != "すべて" {
		what += "・" + v.What
	}
	v.What = what
	return v
}
