package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// groupOf returns the grouping of docs, failing the test on error.
func groupOf(t *testing.T, docs []Doc, opt IssueOptions) *Issues {
	t.Helper()
	res, err := GroupIssues(docs, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// groupWith returns the first group whose terms include term.
func groupWith(res *Issues, term string) *IssueGroup {
	for i := range res.Groups {
		if slices.Contains(res.Groups[i].Terms, term) {
			return &res.Groups[i]
		}
	}
	return nil
}

// The same answers give the same result, whatever their order.
func TestIssueGroupsDeterministic(t *testing.T) {
	docs := fukuiDocs(t, "不便さの内容")
	first := groupOf(t, docs, IssueOptions{})
	again := groupOf(t, docs, IssueOptions{})
	if !reflect.DeepEqual(first, again) {
		t.Fatal("a second run gave another result")
	}
	shuffled := append([]Doc(nil), docs...)
	rand.New(rand.NewPCG(7, 7)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	if got := groupOf(t, shuffled, IssueOptions{}); !reflect.DeepEqual(first, got) {
		t.Fatal("shuffled answers gave another result")
	}
	if len(first.Groups) < 10 {
		t.Fatalf("only %d groups", len(first.Groups))
	}
}

// The groups of the inconvenience question are the issues a reader finds
// in it, and few answers are left out.
func TestIssueGroupsFukuiInconvenience(t *testing.T) {
	res := groupOf(t, fukuiDocs(t, "不便さの内容"), IssueOptions{})
	top := res.Groups[:15]
	for _, term := range []string{"駐車場", "バス", "トイレ", "公共交通機関", "コンビニ", "案内", "飲食店"} {
		found := false
		for _, g := range top {
			found = found || slices.Contains(g.Terms, term)
		}
		if !found {
			t.Errorf("no group among the 15 largest is defined by %s", term)
		}
	}
	if share := float64(len(res.Unassigned)) / float64(res.Analysed); share > 0.20 {
		t.Errorf("%.1f %% of the answers in no group, want at most 20 %%", 100*share)
	}
	for i := 1; i < len(res.Groups); i++ {
		if res.Groups[i].Size > res.Groups[i-1].Size {
			t.Fatalf("group %d (%d answers) after a smaller one", i, res.Groups[i].Size)
		}
	}
}

// Counts add up: every answer is in a group or in 未分類 (not both), at
// most once per group, and sizes and shares agree with the lists.
func TestIssueGroupsCountsAddUp(t *testing.T) {
	for _, docs := range [][]Doc{fukuiDocs(t, "福井県に求めるもの"), lineDocs(t, "aozora-paragraphs.txt", 0, 4000)} {
		res := groupOf(t, docs, IssueOptions{})
		if res.Analysed != len(docs) {
			t.Fatalf("analysed %d of %d answers", res.Analysed, len(docs))
		}
		in := map[int64]int{}
		total := 0
		for _, g := range res.Groups {
			if g.Size != len(g.Answers) || g.Size < minGroupAnswers(len(docs)) {
				t.Fatalf("group %s: size %d, %d answers", g.Label, g.Size, len(g.Answers))
			}
			if math.Abs(g.Share-float64(g.Size)/float64(res.Analysed)) > 1e-12 {
				t.Fatalf("group %s: share %v", g.Label, g.Share)
			}
			if !slices.IsSorted(g.Answers) || len(slices.Compact(slices.Clone(g.Answers))) != len(g.Answers) {
				t.Fatalf("group %s: answers not ascending or repeated", g.Label)
			}
			for _, id := range g.Answers {
				in[id]++
			}
			total += g.Size
		}
		for _, id := range res.Unassigned {
			if in[id] > 0 {
				t.Fatalf("answer %d is in a group and in 未分類", id)
			}
		}
		if len(in)+len(res.Unassigned) != res.Analysed || total+len(res.Unassigned) < res.Analysed {
			t.Fatalf("%d answers in groups + %d in 未分類 != %d analysed", len(in), len(res.Unassigned), res.Analysed)
		}
		multi := 0
		for _, n := range in {
			if n > 1 {
				multi++
			}
		}
		t.Logf("%d answers: %d groups, %d in 未分類 (%.1f %%), %d in several groups", len(docs), len(res.Groups), len(res.Unassigned), 100*float64(len(res.Unassigned))/float64(res.Analysed), multi)
	}
}

// A long answer that raises several issues counts in each of their groups.
func TestIssueGroupsLongAnswerInSeveralGroups(t *testing.T) {
	docs := append([]Doc(nil), fukuiDocs(t, "不便さの内容")...)
	long := "駐車場が少なくて、停める場所を探すのに時間がかかりました。休日は満車で入れませんでした。\n" +
		"・バスの本数が少なく、路線バスで移動するのは大変でした。\n" +
		"・トイレが古くて和式ばかりでした。洋式のトイレを増やしてほしいです。"
	terms := testAnalyzer(t).Terms(long)
	docs = append(docs, Doc{ID: 1 << 40, Text: long, Terms: terms})
	res := groupOf(t, docs, IssueOptions{})
	var in []string
	for _, g := range res.Groups {
		if slices.Contains(g.Answers, 1<<40) {
			in = append(in, g.Label)
		}
	}
	for _, term := range []string{"駐車場", "バス", "トイレ"} {
		g := groupWith(res, term)
		if g == nil || !slices.Contains(g.Answers, 1<<40) {
			t.Errorf("the long answer is not in the group of %s (it is in %v)", term, in)
		}
	}
}

// Every quote is a sentence of one of the group's answers holding one of
// its label's terms, highlighted at the right place.
func TestIssueGroupsQuotesHoldLabelTerms(t *testing.T) {
	for _, column := range []string{"不便さの内容", "福井県に求めるもの"} {
		docs := fukuiDocs(t, column)
		text := map[int64]string{}
		for _, d := range docs {
			text[d.ID] = Normalize(d.Text)
		}
		res := groupOf(t, docs, IssueOptions{})
		for _, g := range res.Groups {
			if len(g.Quotes) == 0 {
				t.Errorf("%s: group %s has no quote", column, g.Label)
			}
			label := strings.Split(g.Label, "・")
			seen := map[int64]bool{}
			// Quotes that say more than the group's words come first: a bare
			// 駐車場 may stand nearest the centre but tells a reader nothing.
			for i := 1; i < len(g.Quotes); i++ {
				if saysMore(g.Quotes[i]) && !saysMore(g.Quotes[i-1]) {
					t.Errorf("%s: group %s quotes %q before %q", column, g.Label, g.Quotes[i-1].Text, g.Quotes[i].Text)
				}
			}
			for _, q := range g.Quotes {
				if !slices.Contains(g.Answers, q.Answer) || seen[q.Answer] {
					t.Fatalf("%s: group %s quotes answer %d twice or outside the group", column, g.Label, q.Answer)
				}
				seen[q.Answer] = true
				if !strings.Contains(text[q.Answer], strings.Trim(q.Text, "…")) {
					t.Fatalf("%s: quote %q is not in answer %d", column, q.Text, q.Answer)
				}
				labelled := false
				for _, h := range q.Highlights {
					if h.Start < 0 || h.End > len(q.Text) || h.Start >= h.End {
						t.Fatalf("%s: highlight %+v outside %q", column, h, q.Text)
					}
					if !slices.Contains(g.Terms, h.Term) {
						t.Fatalf("%s: highlight of %s, not a term of group %s", column, h.Term, g.Label)
					}
					// A label term, or a longer term holding it (駐車スペース
					// for スペース: the longest term at a place is highlighted).
					for _, l := range label {
						labelled = labelled || strings.Contains(h.Term, l)
					}
				}
				if !labelled {
					t.Errorf("%s: quote %q of group %s highlights none of its label's terms", column, q.Text, g.Label)
				}
			}
		}
	}
}

// One grouping of the events of a series gives each issue one identity
// across its events, with counts and shares per event that add up.
func TestIssueGroupsSeries(t *testing.T) {
	docs := inMonths(fukuiDocs(t, "不便さの内容"), "2024-")
	var events []string
	for m := 1; m <= 12; m++ {
		events = append(events, "2024-"+string(rune('0'+m/10))+string(rune('0'+m%10)))
	}
	res := groupOf(t, docs, IssueOptions{Events: events})
	if len(res.Events) != 12 {
		t.Fatalf("%d events", len(res.Events))
	}
	analysed := map[string]int{}
	for _, d := range docs {
		analysed[d.Event]++
	}
	for i, e := range res.Events {
		if e.Event != events[i] || e.Analysed != analysed[e.Event] {
			t.Fatalf("event %d: %+v, want %s with %d answers", i, e, events[i], analysed[events[i]])
		}
	}
	trends := map[string]int{}
	for _, g := range res.Groups {
		sum := 0
		for i, c := range g.Events {
			sum += c.Answers
			if want := float64(c.Answers) / float64(res.Events[i].Analysed); math.Abs(c.Share-want) > 1e-12 {
				t.Fatalf("group %s, %s: share %v, want %v", g.Label, c.Event, c.Share, want)
			}
		}
		if sum != g.Size {
			t.Fatalf("group %s: %d answers over the events, %d in the group", g.Label, sum, g.Size)
		}
		trends[g.Trend]++
	}
	if trends[TrendPersisting] == 0 || trends[""] > 0 {
		t.Fatalf("trends: %v", trends)
	}
	// The bus issue is one group across the year, not one per month.
	bus := groupWith(res, "バス")
	if bus == nil {
		t.Fatal("no bus group")
	}
	months := 0
	for _, c := range bus.Events {
		if c.Answers > 0 {
			months++
		}
	}
	if months < 10 || bus.Trend != TrendPersisting {
		t.Errorf("bus group %s in %d months, trend %s", bus.Label, months, bus.Trend)
	}
	t.Logf("trends: %v", trends)
}

func TestIssueTrend(t *testing.T) {
	for _, c := range []struct {
		counts, analysed []int
		want             string
	}{
		{[]int{0, 0, 5}, []int{30, 30, 30}, TrendNew},
		{[]int{3, 0, 4}, []int{30, 30, 30}, TrendPersisting},
		{[]int{4, 5, 0}, []int{30, 30, 30}, TrendFading},
		{[]int{0, 6, 0}, []int{30, 30, 30}, TrendOnce},
		// One in the last, small month where about two were expected: not fading.
		{[]int{2, 0, 2, 6, 8, 2, 3, 7, 3, 2, 2, 1}, []int{96, 137, 390, 363, 340, 228, 193, 287, 264, 226, 296, 181}, TrendPersisting},
		// Two in 200 after 30 in each earlier 200: significantly fewer.
		{[]int{30, 30, 2}, []int{200, 200, 200}, TrendFading},
		{[]int{0, 0, 0}, []int{30, 30, 30}, ""},
	} {
		counts := make([]IssueEventCount, len(c.counts))
		for i, n := range c.counts {
			counts[i].Answers = n
		}
		if got := trend(counts, c.analysed); got != c.want {
			t.Errorf("%v of %v: %s, want %s", c.counts, c.analysed, got, c.want)
		}
	}
}

// Adding 5 % new answers keeps the groups recognisable: AdoptIDs carries
// most earlier IDs over, and most are even the same MinHash IDs.
func TestIssueGroupsKeepIDsWhenAnswersArrive(t *testing.T) {
	docs := fukuiDocs(t, "不便さの内容")
	cut := len(docs) * 100 / 105
	before := groupOf(t, docs[:cut], IssueOptions{})
	after := groupOf(t, docs, IssueOptions{})
	old := map[string]bool{}
	oldAnswers := 0
	for _, g := range before.Groups {
		old[g.ID] = true
		oldAnswers += g.Size
	}
	same, sameAnswers := 0, 0
	for _, g := range after.Groups {
		if old[g.ID] {
			same++
			sameAnswers += g.Size
		}
	}
	kept := after.AdoptIDs(before.Refs())
	keptAnswers := 0
	for _, g := range after.Groups {
		if old[g.ID] {
			keptAnswers += g.Size
		}
	}
	t.Logf("%d groups before, %d after; same ID unaided %d, after AdoptIDs %d (answers in kept groups: %d of %d)",
		len(before.Groups), len(after.Groups), same, kept, keptAnswers, len(docs)-len(after.Unassigned))
	if kept < len(before.Groups)*8/10 {
		t.Errorf("AdoptIDs kept %d of %d groups", kept, len(before.Groups))
	}
	if float64(keptAnswers) < 0.9*float64(len(docs)-len(after.Unassigned)) {
		t.Errorf("groups with a kept ID hold %d answers of %d grouped", keptAnswers, len(docs)-len(after.Unassigned))
	}
	ids := map[string]bool{}
	for _, g := range after.Groups {
		if ids[g.ID] {
			t.Fatalf("ID %s given twice", g.ID)
		}
		ids[g.ID] = true
	}
}

func TestMatchIssuesMajorities(t *testing.T) {
	span := func(lo, hi int64) []int64 {
		var out []int64
		for i := lo; i < hi; i++ {
			out = append(out, i)
		}
		return out
	}
	prev := []IssueRef{{ID: "a", Answers: span(0, 100)}, {ID: "b", Answers: span(100, 130)}, {ID: "c", Answers: span(130, 200)}}
	cur := &Issues{Groups: []IssueGroup{
		{ID: "x", Answers: append(span(0, 90), span(300, 320)...)}, // most of a, plus new answers
		{ID: "y", Answers: span(90, 130)},                          // all of b with a tenth of a: b's majority
		{ID: "z", Answers: span(130, 160)},                         // under half of c: a split-off part
		{ID: "w", Answers: span(160, 200)},                         // the larger part of c
	}}
	got := MatchIssues(prev, cur)
	want := map[string]string{"x": "a", "y": "b", "w": "c"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("matches %v, want %v", got, want)
	}
	// Answers no longer analysed do not count: a lost half does not lose the match.
	cur = &Issues{Groups: []IssueGroup{{ID: "x", Answers: span(0, 40)}}, Unassigned: span(200, 210)}
	if got := MatchIssues(prev[:1], cur); got["x"] != "a" {
		t.Fatalf("matches %v: the remaining answers of a are all in x", got)
	}
	if n := cur.AdoptIDs(prev[:1]); n != 1 || cur.Groups[0].ID != "a" {
		t.Fatalf("AdoptIDs: %d, %v", n, cur.Groups)
	}
	// A group that matches nothing does not keep an earlier ID, even when
	// its own (MinHash) ID is that one: an issue that split three ways has
	// no successor, and its staff name must not stick to a 40 % part.
	id := fmt.Sprintf("%016x", uint64(42))
	cur = &Issues{Groups: []IssueGroup{{ID: id, Answers: span(0, 40)}, {ID: "n", Answers: span(40, 70)}, {ID: "m", Answers: span(70, 100)}}}
	if n := cur.AdoptIDs([]IssueRef{{ID: id, Answers: span(0, 100)}}); n != 0 || cur.Groups[0].ID == id {
		t.Fatalf("AdoptIDs: %d, %v", n, cur.Groups)
	}
}

// A group turned into a code gives a rule in the code-book syntax that the
// code book parses and that finds the group's answers.
func TestIssueCodeRuleRoundTrip(t *testing.T) {
	docs := fukuiDocs(t, "不便さの内容")
	res := groupOf(t, docs, IssueOptions{})
	for _, g := range res.Groups[:10] {
		code := IssueCodeRule(g, docs)
		cb, err := ParseCodeBook(code.Source())
		if err != nil {
			t.Fatalf("group %s: rule %q: %v", g.Label, code.Rule, err)
		}
		members, matched := 0, 0
		for _, d := range docs {
			if len(cb.Match(d.Terms)) == 1 {
				matched++
				if slices.Contains(g.Answers, d.ID) {
					members++
				}
			}
		}
		t.Logf("%-28s %-40s precision %.2f recall %.2f", g.Label, code.Rule, code.Precision, code.Recall)
		if matched != code.Matched || members != code.Members {
			t.Errorf("group %s: rule %q matches %d answers, %d of the group; IssueCodeRule says %d, %d", g.Label, code.Rule, matched, members, code.Matched, code.Members)
		}
		// A group defined by a broad term (場所) shares it with answers of
		// other groups: the rule finds the group, and says how precisely.
		// Rules match whole terms (a part of a compound only as *part*), so
		// a group whose members also say 案内表示 or 標識 keeps about three
		// quarters of them with the rule of best F1.
		if code.Recall < 0.7 || code.Precision < 0.3 {
			t.Errorf("group %s: rule %q has precision %.2f, recall %.2f", g.Label, code.Rule, code.Precision, code.Recall)
		}
	}
}

func TestQuoteRuleTerm(t *testing.T) {
	for term, want := range map[string]string{"駐車場": "駐車場", "and": `"and"`, "Wi-Fi": "Wi-Fi", "A&B": `"A&B"`, "(笑)": `"(笑)"`, `a"b`: ""} {
		if got := quoteRuleTerm(term); got != want {
			t.Errorf("quoteRuleTerm(%q) = %q, want %q", term, got, want)
		}
		if want == "" {
			continue
		}
		cb, err := ParseCodeBook("*x\n" + want)
		if err != nil {
			t.Fatalf("%q: %v", want, err)
		}
		if got := cb.Match([]Term{{Text: term}}); len(got) != 1 {
			t.Errorf("rule %q does not match the term %q", want, term)
		}
	}
}

// Attribute values get counts and Haberman residuals: regions raise the
// issues of their own sights.
func TestIssueGroupsAttributeResiduals(t *testing.T) {
	docs := fukuiDocs(t, "不便さの内容")
	res := groupOf(t, docs, IssueOptions{})
	if len(res.Values) < 6 {
		t.Fatalf("values %v", res.Values)
	}
	for _, g := range res.Groups {
		n := 0
		for i, v := range g.Values {
			n += v.Answers
			if v.Value != res.Values[i].Value {
				t.Fatalf("group %s: value %d is %s, want %s", g.Label, i, v.Value, res.Values[i].Value)
			}
		}
		if n > g.Size {
			t.Fatalf("group %s: %d answers over values, %d in the group", g.Label, n, g.Size)
		}
	}
	// 東尋坊 is in あわら市・坂井市: its answers come from there.
	g := groupWith(res, "東尋坊")
	if g == nil {
		t.Fatal("no group defined by 東尋坊")
	}
	best := g.Values[0]
	for _, v := range g.Values {
		if v.Residual > best.Residual {
			best = v
		}
	}
	if best.Value != "あわら市・坂井市" || best.Residual < 1.96 {
		t.Errorf("group %s: highest residual %+v, want あわら市・坂井市 above 1.96", g.Label, best)
	}
}

func TestIssueGroupsMap(t *testing.T) {
	docs := fukuiDocs(t, "福井県に求めるもの")
	res := groupOf(t, docs, IssueOptions{MapPoints: 1500})
	if n := len(res.Map.Points); n == 0 || n > 1500+3*(len(res.Groups)+1) {
		t.Fatalf("%d points", n)
	}
	groupOfAnswer := map[int64][]int{}
	for gi, g := range res.Groups {
		for _, id := range g.Answers {
			groupOfAnswer[id] = append(groupOfAnswer[id], gi)
		}
	}
	perGroup := map[int]int{}
	for _, p := range res.Map.Points {
		if p.X < 0 || p.X > 1 || p.Y < 0 || p.Y > 1 {
			t.Fatalf("point %+v outside the unit square", p)
		}
		if p.Group >= 0 && !slices.Contains(groupOfAnswer[p.Answer], p.Group) {
			t.Fatalf("point %+v: answer not in that group", p)
		}
		if _, ok := groupOfAnswer[p.Answer]; !ok && p.Group >= 0 {
			t.Fatalf("point %+v: answer in no group drawn in one", p)
		}
		perGroup[p.Group]++
	}
	if len(res.Map.Labels) != len(res.Groups) {
		t.Fatalf("%d labels for %d groups", len(res.Map.Labels), len(res.Groups))
	}
	for i, l := range res.Map.Labels {
		if l.Group != i || l.ID != res.Groups[i].ID || perGroup[i] < 3 {
			t.Fatalf("label %+v: group %d has %d points", l, i, perGroup[i])
		}
	}
	// Discs do not overlap.
	for i, a := range res.Map.Labels {
		for _, b := range res.Map.Labels[i+1:] {
			if math.Hypot(a.X-b.X, a.Y-b.Y) < a.Radius+b.Radius-1e-9 {
				t.Fatalf("discs of %s and %s overlap", a.Label, b.Label)
			}
		}
	}
}

func TestGroupIssuesSmallAndBadInput(t *testing.T) {
	if _, err := GroupIssues([]Doc{{ID: 1}, {ID: 1}}, IssueOptions{}); err == nil || !strings.Contains(err.Error(), "1") {
		t.Fatalf("duplicate IDs: %v", err)
	}
	res := groupOf(t, nil, IssueOptions{})
	if len(res.Groups) != 0 || res.Analysed != 0 || res.Unassigned == nil {
		t.Fatalf("no answers: %+v", res)
	}
	a := testAnalyzer(t)
	texts := []string{"駐車場が狭い", "駐車場が少ない", "駐車場が満車だった", "バスの本数が少ない", "バスが少ない", "路線バスの本数", "特になし"}
	var docs []Doc
	for i, s := range texts {
		docs = append(docs, Doc{ID: int64(i + 1), Text: s, Terms: a.Terms(s)})
	}
	res = groupOf(t, docs, IssueOptions{})
	if len(res.Groups) != 2 || groupWith(res, "駐車場") == nil || groupWith(res, "バス") == nil {
		t.Fatalf("seven answers: %+v", res.Groups)
	}
	if !reflect.DeepEqual(res.Unassigned, []int64{7}) {
		t.Fatalf("unassigned %v", res.Unassigned)
	}
}
