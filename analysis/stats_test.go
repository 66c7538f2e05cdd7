package analysis

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// feedback is written for the tests: three meetings of one series, answers
// from two kinds of respondents.
var feedback = []struct{ event, group, text string }{
	{"第1回", "市町村", "行政担当者が異動しても連携を維持することが課題です。"},
	{"第1回", "市町村", "人事異動で引き継ぎがうまくいかず、地域との連携が途切れた。"},
	{"第1回", "社協", "社協として住民参加の場をつくりたいが、予算が足りない。"},
	{"第1回", "社協", "担い手不足と高齢化が深刻です。"},
	{"第2回", "市町村", "庁内の縦割りで連携が進まない。人事異動も多い。"},
	{"第2回", "社協", "住民参加を広げるため、広報とチラシを工夫した。"},
	{"第2回", "社協", "補助金の財源確保が課題。担い手の育成も必要。"},
	{"第2回", "市町村", "異動のたびに一から関係づくりをやり直している。"},
	{"第3回", "市町村", "担当者の異動があっても連携が続く仕組みが欲しい。"},
	{"第3回", "社協", "居場所づくりで住民同士のつながりが生まれた。"},
	{"第3回", "社協", "事業の評価と効果の検証をどうするか。"},
	{"第3回", "市町村", "縦割りを超えた連携のため、庁内の会議を始めた。"},
}

func feedbackDocs(t testing.TB) []Doc {
	a := testAnalyzer(t)
	docs := make([]Doc, len(feedback))
	for i, f := range feedback {
		docs[i] = Doc{ID: int64(i + 1), Text: f.text, Terms: a.Terms(f.text), Group: f.group, Event: f.event}
	}
	return docs
}

func chabsaDocs(t testing.TB, n int) []Doc {
	a := testAnalyzer(t)
	lines := corpusLines(t, "chabsa-sentences.txt")
	if len(lines) > n {
		lines = lines[:n]
	}
	terms := a.TermsBatch(lines)
	docs := make([]Doc, len(lines))
	for i := range lines {
		docs[i] = Doc{ID: int64(i + 1), Text: lines[i], Terms: terms[i]}
	}
	return docs
}

func TestFrequencies(t *testing.T) {
	docs := chabsaDocs(t, 2000)
	fs := Frequencies(docs)
	if len(fs) == 0 {
		t.Fatal("no terms")
	}
	// Independent recount of a few terms by document.
	for _, f := range fs[:20] {
		docsWith, count := 0, 0
		for _, d := range docs {
			for _, tm := range d.Terms {
				if tm.Text == f.Term {
					docsWith++
					count += tm.Count
				}
			}
		}
		if docsWith != f.Docs || count != f.Count {
			t.Errorf("%s: got docs %d count %d, recount %d %d", f.Term, f.Docs, f.Count, docsWith, count)
		}
		if len(DocsWithTerm(docs, f.Term)) != f.Docs {
			t.Errorf("DocsWithTerm(%s) disagrees with Docs", f.Term)
		}
	}
	ok := sort.SliceIsSorted(fs, func(i, j int) bool {
		if fs[i].Docs != fs[j].Docs {
			return fs[i].Docs > fs[j].Docs
		}
		if fs[i].Count != fs[j].Count {
			return fs[i].Count > fs[j].Count
		}
		return fs[i].Term < fs[j].Term
	})
	if !ok {
		t.Error("not sorted by docs, count, term")
	}
	hasCompound, hasWord := false, false
	for _, f := range fs[:50] {
		for _, d := range docs {
			for _, tm := range d.Terms {
				if tm.Text == f.Term {
					hasCompound = hasCompound || tm.Kind == KindCompound
					hasWord = hasWord || tm.Kind == KindWord
				}
			}
		}
	}
	if !hasCompound || !hasWord {
		t.Errorf("top terms should mix compounds and words (compound %v word %v)", hasCompound, hasWord)
	}
}

// A context line never holds part of a contact: reports mask contacts on
// output and can only find them whole, so a cut inside one widens the line
// to the whole contact, and a spelling inside an address is no match.
func TestKWICKeepsContactsWhole(t *testing.T) {
	a := testAnalyzer(t)
	doc := Doc{ID: 1, Text: "電話０９０－８６４２－９７５３の連携をtaro@example.jpまで。exampleという語も"}
	for name, lines := range map[string][]KWICLine{
		"analyzer": a.KWIC([]Doc{doc}, "連携", 5),
		"spelling": KWIC([]Doc{doc}, "連携", 5),
	} {
		if len(lines) != 1 {
			t.Fatalf("%s: %+v", name, lines)
		}
		if l := lines[0]; l.Left != "090-8642-9753の" || l.Right != "をtaro@example.jp" {
			t.Errorf("%s: context cuts a contact: %q [%s] %q", name, l.Left, l.Match, l.Right)
		}
	}
	lines := KWIC([]Doc{doc}, "example", 3)
	if len(lines) != 1 || lines[0].Left != "まで。" {
		t.Errorf("example inside an e-mail address is a match: %+v", lines)
	}
}

func TestKWIC(t *testing.T) {
	a := testAnalyzer(t)
	docs := []Doc{
		{ID: 1, Text: "市の社協と連携した。"},
		{ID: 2, Text: "社会福祉協議会の方が来た。社協は頼りになる。"},
		{ID: 3, Text: "関係ない話。"},
		{ID: 4, Text: "地域を歩いて、また歩いた。"},
	}
	for i := range docs {
		docs[i].Terms = a.Terms(docs[i].Text)
	}
	lines := a.KWIC(docs, "社協", 5)
	var got []string
	for _, l := range lines {
		got = append(got, fmt.Sprintf("%d:%s[%s]%s", l.DocID, l.Left, l.Match, l.Right))
		if len([]rune(l.Left)) > 5 || len([]rune(l.Right)) > 5 {
			t.Errorf("context wider than 5: %+v", l)
		}
	}
	if len(lines) != 3 || lines[0].DocID != 1 || lines[1].DocID != 2 || lines[2].DocID != 2 {
		t.Fatalf("KWIC of a synonym: %v", got)
	}
	if lines[1].Match != "社会福祉協議会" || lines[2].Match != "社協" {
		t.Errorf("matches should be the spellings in the text: %v", got)
	}
	walk := a.KWIC(docs, "歩く", 3)
	if len(walk) != 2 || walk[0].Match != "歩い" {
		t.Errorf("KWIC of a verb by base form: %+v", walk)
	}
	// The free function with variants, as the lead may call it on stored terms.
	free := KWIC(docs, "社会福祉協議会", 5, a.Variants("社会福祉協議会")...)
	if len(free) != 3 {
		t.Errorf("free KWIC with variants: %+v", free)
	}
	if fw := KWIC(docs, "歩く", 3); len(fw) != 2 || !strings.HasPrefix(fw[0].Match, "歩") {
		t.Errorf("free KWIC stem fallback: %+v", fw)
	}
}

func TestCooccurrence(t *testing.T) {
	docs := chabsaDocs(t, 3000)
	net := Cooccurrence(docs, 0, 0)
	if len(net.Edges) == 0 || len(net.Edges) > DefaultNetworkEdges {
		t.Fatalf("%d edges", len(net.Edges))
	}
	df := map[string]map[int64]bool{}
	for _, d := range docs {
		for _, tm := range d.Terms {
			if df[tm.Text] == nil {
				df[tm.Text] = map[int64]bool{}
			}
			df[tm.Text][d.ID] = true
		}
	}
	for i, e := range net.Edges {
		inter, union := 0, len(df[e.B])
		for id := range df[e.A] {
			if df[e.B][id] {
				inter++
			} else {
				union++
			}
		}
		if want := float64(inter) / float64(union); math.Abs(want-e.Jaccard) > 1e-12 || inter != e.Docs {
			t.Errorf("edge %v: jaccard %v, recomputed %v (%d/%d)", e, e.Jaccard, want, inter, union)
		}
		if i > 0 && net.Edges[i-1].Jaccard < e.Jaccard {
			t.Error("edges not sorted by jaccard")
		}
		if strings.Contains(e.A, e.B) || strings.Contains(e.B, e.A) {
			t.Errorf("compound linked to its own part: %v", e)
		}
	}
	inEdges := map[string]bool{}
	for _, e := range net.Edges {
		inEdges[e.A], inEdges[e.B] = true, true
	}
	comms := map[int]bool{}
	for _, n := range net.Nodes {
		if !inEdges[n.Term] || n.Community < 1 {
			t.Errorf("node %+v", n)
		}
		comms[n.Community] = true
	}
	if len(net.Nodes) != len(inEdges) || len(comms) < 2 || net.Modularity <= 0 {
		t.Errorf("%d nodes for %d terms, %d communities, Q=%v", len(net.Nodes), len(inEdges), len(comms), net.Modularity)
	}
	for i := 0; i < 3; i++ {
		if again := Cooccurrence(docs, 0, 0); !reflect.DeepEqual(again, net) {
			t.Fatal("network not deterministic")
		}
	}
	if small := Cooccurrence(docs, 10, 5); len(small.Edges) > 5 || len(small.Nodes) > 10 {
		t.Errorf("limits ignored: %d edges %d nodes", len(small.Edges), len(small.Nodes))
	}
	if empty := Cooccurrence(nil, 0, 0); len(empty.Nodes) != 0 || len(empty.Edges) != 0 {
		t.Error("empty input")
	}
}

func TestCharacteristic(t *testing.T) {
	docs := feedbackDocs(t)
	pw := map[string]float64{}
	for _, f := range Frequencies(docs) {
		pw[f.Term] = float64(f.Docs) / float64(len(docs))
	}
	for _, method := range []string{"jaccard", "g2"} {
		res := Characteristic(docs, method, 3)
		if len(res) != 2 || res[0].Group != "市町村" || res[1].Group != "社協" {
			t.Fatalf("%s: groups %+v", method, res)
		}
		for _, g := range res {
			if len(g.Words) == 0 || len(g.Words) > 3 {
				t.Errorf("%s %s: %d words", method, g.Group, len(g.Words))
			}
			for i, w := range g.Words {
				if float64(w.Docs)/float64(g.Docs) <= pw[w.Term] {
					t.Errorf("%s %s: %s not over-represented", method, g.Group, w.Term)
				}
				if i > 0 && g.Words[i-1].Score < w.Score {
					t.Errorf("%s %s: not sorted", method, g.Group)
				}
			}
		}
		// Municipalities talk about transfers and 連携, not about 住民参加.
		top := map[string]bool{}
		for _, w := range res[0].Words {
			top[w.Term] = true
		}
		if !top["異動"] && !top["連携"] {
			t.Errorf("%s: 市町村 top words %+v", method, res[0].Words)
		}
		if top["住民参加"] {
			t.Errorf("%s: 住民参加 characteristic of 市町村", method)
		}
	}
	// G² of a known 2×2 table, computed by hand: [[10 10] [10 70]].
	if got := g2(10, 10, 10, 70); math.Abs(got-12.0714) > 1e-3 {
		t.Errorf("g2 = %v", got)
	}
}

func TestCodeBookParse(t *testing.T) {
	src := "# c\n*A\n連携 | 協働\n*B\n行政 & 地域 and not 会議\n*C\n(x or y) & !z\n*D\nw1 w2\n*E\n\"and\" &! \"or\"\n"
	cb, err := ParseCodeBook(src)
	if err != nil {
		t.Fatal(err)
	}
	if got := cb.Names(); !reflect.DeepEqual(got, []string{"A", "B", "C", "D", "E"}) {
		t.Fatalf("names %v", got)
	}
	terms := func(ws ...string) []Term {
		out := make([]Term, len(ws))
		for i, w := range ws {
			out[i] = Term{Text: w, Kind: KindWord, Count: 1}
		}
		return out
	}
	cases := []struct {
		terms []string
		want  []string
	}{
		{[]string{"協働"}, []string{"A"}},
		{[]string{"行政", "地域"}, []string{"B"}},
		{[]string{"行政", "地域", "会議"}, nil},
		{[]string{"y"}, []string{"C"}},
		{[]string{"y", "z"}, nil},
		{[]string{"w2"}, []string{"D"}},
		{[]string{"AND"}, []string{"E"}},
		{[]string{"and", "or"}, nil},
	}
	for _, c := range cases {
		if got := cb.Match(terms(c.terms...)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Match(%v) = %v, want %v", c.terms, got, c.want)
		}
	}
	bad := []struct {
		src  string
		line int
	}{
		{"連携\n", 1},
		{"*A\n\n*B\nx\n", 1},
		{"*A\nx |\n", 2},
		{"*A\n(x\n| y\n", 3},
		{"*A\nx\n*A\ny\n", 3},
		{"*A\nx )\n", 2},
		{"*A\n\"x\n", 2},
	}
	for _, b := range bad {
		_, err := ParseCodeBook(b.src)
		var ce *CodeBookError
		if !errors.As(err, &ce) || ce.Line != b.line {
			t.Errorf("%q: got %v, want error on line %d", b.src, err, b.line)
		}
	}
}

func TestCodesOnFeedback(t *testing.T) {
	a := testAnalyzer(t)
	docs := feedbackDocs(t)
	cb := mustBook(t, a, LegacyCodeBook)
	counts := CodeCounts(cb, docs)
	if len(counts) != len(cb.Codes) {
		t.Fatalf("counts %v", counts)
	}
	byName := map[string]int{}
	for _, c := range counts {
		byName[c.Code] = c.Docs
		if ids := CodeDocs(cb, c.Code, docs); len(ids) != c.Docs {
			t.Errorf("%s: CodeDocs %d != %d", c.Code, len(ids), c.Docs)
		}
	}
	// Each answer was written with these issues in mind.
	for code, min := range map[string]int{"連携・協働": 5, "異動・引継ぎ": 4, "住民参加": 2, "財源": 2, "担い手・人材": 2, "縦割り": 2, "周知・広報": 1, "つながり・関係づくり": 2, "評価": 1} {
		if byName[code] < min {
			t.Errorf("%s matched %d answers, want at least %d (%v)", code, byName[code], min, counts)
		}
	}
	// 社協 in a rule is canonicalised like the terms.
	cb2, err := ParseCodeBook("*社協\n社協\n")
	if err != nil {
		t.Fatal(err)
	}
	if n := CodeCounts(cb2.MapTerms(a.Canonical), docs)[0].Docs; n != 1 {
		t.Errorf("rule 社協 matched %d answers, want 1", n)
	}

	ct := CodeCrossTab(cb, docs)
	if !reflect.DeepEqual(ct.Groups, []string{"市町村", "社協"}) || ct.GroupDocs[0]+ct.GroupDocs[1] != len(docs) {
		t.Fatalf("groups %v %v", ct.Groups, ct.GroupDocs)
	}
	ci := map[string]int{}
	for i, c := range ct.Codes {
		ci[c] = i
	}
	for c := range ct.Codes {
		if ct.Counts[0][c]+ct.Counts[1][c] != byName[ct.Codes[c]] {
			t.Errorf("%s: cross-tab total differs from CodeCounts", ct.Codes[c])
		}
		// With two groups the adjusted residuals are opposite.
		if math.Abs(ct.Residuals[0][c]+ct.Residuals[1][c]) > 1e-9 {
			t.Errorf("%s: residuals %v %v", ct.Codes[c], ct.Residuals[0][c], ct.Residuals[1][c])
		}
		// 2×2: χ² equals the squared adjusted residual.
		if math.Abs(ct.CodeChiSquare[c]-ct.Residuals[0][c]*ct.Residuals[0][c]) > 1e-9 {
			t.Errorf("%s: χ² %v vs residual² %v", ct.Codes[c], ct.CodeChiSquare[c], ct.Residuals[0][c]*ct.Residuals[0][c])
		}
		if ct.CodeP[c] < 0 || ct.CodeP[c] > 1 {
			t.Errorf("p out of range: %v", ct.CodeP[c])
		}
	}
	if ct.Residuals[0][ci["異動・引継ぎ"]] <= 0 || ct.Residuals[1][ci["住民参加"]] <= 0 {
		t.Errorf("residual signs: 市町村×異動 %v, 社協×住民参加 %v", ct.Residuals[0][ci["異動・引継ぎ"]], ct.Residuals[1][ci["住民参加"]])
	}
	if ct.DF <= 0 || ct.P <= 0 || ct.P > 1 || ct.ChiSquare <= 0 {
		t.Errorf("overall test: χ²=%v df=%d p=%v", ct.ChiSquare, ct.DF, ct.P)
	}
}

func TestChiSquareKnownTable(t *testing.T) {
	// [[20 30] [30 20]]: expected 25 everywhere, χ² = 4·25/25 = 4.
	x, df := chiSquare([][]int{{20, 30}, {30, 20}})
	if math.Abs(x-4) > 1e-12 || df != 1 {
		t.Errorf("χ² = %v df %d", x, df)
	}
	if r := adjustedResidual(20, 50, 50, 100); math.Abs(r+2) > 1e-12 {
		t.Errorf("adjusted residual = %v, want -2", r)
	}
}

func TestRecurring(t *testing.T) {
	a := testAnalyzer(t)
	docs := feedbackDocs(t)
	events := []string{"第1回", "第2回", "第3回"}
	rec := RecurringTerms(events, docs, 2)
	by := map[string]Recurring{}
	for _, r := range rec {
		by[r.Term] = r
		if len(r.Events) < 2 || len(r.Counts) != len(events) {
			t.Errorf("%+v", r)
		}
		n := 0
		for _, c := range r.Counts {
			if c > 0 {
				n++
			}
		}
		if n != len(r.Events) {
			t.Errorf("%s: events %v counts %v", r.Term, r.Events, r.Counts)
		}
	}
	if r := by["異動"]; r.Status != StatusPersisting || len(r.Events) != 3 {
		t.Errorf("異動: %+v", r)
	}
	if r := by["人事異動"]; r.Status != StatusFading || !reflect.DeepEqual(r.Counts, []int{1, 1, 0}) {
		t.Errorf("人事異動: %+v", r)
	}
	if _, ok := by["評価"]; ok {
		t.Error("a term of one event listed as recurring")
	}
	if len(rec) > 1 && len(rec[0].Events) < len(rec[len(rec)-1].Events) {
		t.Error("not sorted by events")
	}
	newOnes := RecurringTerms(events, docs, 1)
	found := false
	for _, r := range newOnes {
		if r.Term == "評価" {
			found = r.Status == StatusNew
		}
	}
	if !found {
		t.Error("評価 (only in the latest event) should be new with minEvents 1")
	}
	codes := RecurringCodes(mustBook(t, a, LegacyCodeBook), events, docs, 2)
	cby := map[string]Recurring{}
	for _, r := range codes {
		cby[r.Term] = r
	}
	if r := cby["連携・協働"]; r.Status != StatusPersisting || len(r.Events) != 3 {
		t.Errorf("連携・協働: %+v", r)
	}
}
