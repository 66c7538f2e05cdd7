package reports

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Helpers to walk plain option data.

func list(t *testing.T, v any) []any {
	t.Helper()
	l, ok := v.([]any)
	if !ok {
		t.Fatalf("want a list, got %T %v", v, v)
	}
	return l
}

func obj(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("want an object, got %T %v", v, v)
	}
	return m
}

func series(t *testing.T, c Chart) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, s := range list(t, c.Option["series"]) {
		out = append(out, obj(t, s))
	}
	return out
}

// values returns the values of a series' data, items or plain numbers;
// null is NaN.
func values(t *testing.T, s map[string]any) []float64 {
	t.Helper()
	var out []float64
	for _, d := range list(t, s["data"]) {
		if m, ok := d.(map[string]any); ok {
			d = m["value"]
		}
		f, ok := d.(float64)
		if !ok {
			f = math.NaN()
		}
		out = append(out, f)
	}
	return out
}

func strs(t *testing.T, v any) []string {
	t.Helper()
	var out []string
	for _, x := range list(t, v) {
		out = append(out, x.(string))
	}
	return out
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.25 }

func question(r Report, key string) Question {
	for _, q := range r.Questions {
		if q.Key == key {
			return q
		}
	}
	panic("no question " + key)
}

// commonChecks holds for every chart: plain JSON with no function marker, no
// animation, rich text tooltips, and no HTML-significant byte in the JSON.
func commonChecks(t *testing.T, c Chart) {
	t.Helper()
	js, err := c.OptionJSON()
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(js, "<>&") {
		t.Errorf("%s: option JSON contains an unescaped <, > or &", c.ID)
	}
	if c.Option["animation"] != false {
		t.Errorf("%s: animation is %v", c.ID, c.Option["animation"])
	}
	if tt := obj(t, c.Option["tooltip"]); tt["renderMode"] != "richText" {
		t.Errorf("%s: tooltip renderMode %v, want richText", c.ID, tt["renderMode"])
	}
	if c.Height <= 0 || c.ID == "" || c.Label == "" {
		t.Errorf("chart %+v lacks id, label or height", c)
	}
}

// TestNoFunctionMarkers: with benign data, no option holds a go-echarts
// function marker or any JavaScript function text.
func TestNoFunctionMarkers(t *testing.T) {
	for _, q := range sampleReport().Questions {
		v, err := buildQuestion(1, q)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := json.NewEncoder(&buf).Encode(v); err != nil {
			t.Fatal(err)
		}
		if s := buf.String(); strings.Contains(s, "__f__") || strings.Contains(s, "function") {
			t.Errorf("question %s: option has a function: %s", q.Key, s)
		}
	}
}

func TestChoicesChart(t *testing.T) {
	q := question(sampleReport(), "how")
	c, err := choicesChart("c", q)
	if err != nil {
		t.Fatal(err)
	}
	commonChecks(t, c)
	y := obj(t, list(t, c.Option["yAxis"])[0])
	if y["type"] != "category" || y["inverse"] != true {
		t.Errorf("categories should run top-down on the y axis: %v", y)
	}
	cats := strs(t, y["data"])
	ss := series(t, c)
	if len(ss) != 1 {
		t.Fatalf("%d series", len(ss))
	}
	vals := values(t, ss[0])
	for i, o := range q.Choices.Options {
		if cats[i] != o.Label || vals[i] != float64(o.Count) {
			t.Errorf("bar %d: %q=%v, want %q=%d", i, cats[i], vals[i], o.Label, o.Count)
		}
		label := obj(t, obj(t, list(t, ss[0]["data"])[i])["label"])["formatter"].(string)
		pct := formatPct(share(o.Count, q.Answered))
		if !strings.Contains(label, pct) || strings.ContainsAny(label, "{}") {
			t.Errorf("bar %d label %q should show %s and no template", i, label, pct)
		}
	}
	more := q
	more.Choices = &Choices{Options: append(append([]Count{}, q.Choices.Options...), q.Choices.Options...)}
	c2, _ := choicesChart("c2", more)
	if c2.Height <= c.Height {
		t.Errorf("twice the options should need more height: %d vs %d", c2.Height, c.Height)
	}
}

func TestScaleChart(t *testing.T) {
	q := question(sampleReport(), "satisfaction")
	c, err := scaleChart("s", q)
	if err != nil {
		t.Fatal(err)
	}
	commonChecks(t, c)
	cats := strs(t, obj(t, list(t, c.Option["xAxis"])[0])["data"])
	if len(cats) != q.Scale.Max-q.Scale.Min+1 {
		t.Fatalf("%d categories for %d..%d", len(cats), q.Scale.Min, q.Scale.Max)
	}
	if !strings.Contains(cats[0], q.Scale.MinLabel) || !strings.Contains(cats[len(cats)-1], q.Scale.MaxLabel) {
		t.Errorf("end labels missing: %q", cats)
	}
	// An ordered ramp: red at the low end, the darkest blue at the top.
	data := list(t, series(t, c)[0]["data"])
	ramp := orderedRamp(len(data))
	for i, d := range data {
		if color := obj(t, obj(t, d)["itemStyle"])["color"]; color != ramp[i] {
			t.Errorf("bar %d colour %v, want %s of the ordered ramp", i, color, ramp[i])
		}
	}
	if ramp[0] != colorDetractor || ramp[len(ramp)-1] != colorHighlight {
		t.Errorf("ramp %v: want red to dark blue", ramp)
	}
	sv, err := buildScale("s", q)
	if err != nil {
		t.Fatal(err)
	}
	if sv.Mean != "3.9" || sv.Top2 != "72.9%" {
		t.Errorf("summary mean %s top2 %s", sv.Mean, sv.Top2)
	}
}

func TestNPSCharts(t *testing.T) {
	q := question(sampleReport(), "nps")
	cs, err := npsCharts("n", q)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 {
		t.Fatalf("%d charts", len(cs))
	}
	for _, c := range cs {
		commonChecks(t, c)
	}
	data := list(t, series(t, cs[0])[0]["data"])
	if len(data) != 11 {
		t.Fatalf("%d bars, want 0..10", len(data))
	}
	for v, d := range data {
		_, want := npsGroup(v)
		if got := obj(t, obj(t, d)["itemStyle"])["color"]; got != want {
			t.Errorf("score %d colour %v, want %s", v, got, want)
		}
	}
	total := 0.0
	for _, s := range series(t, cs[1]) {
		if s["stack"] != "nps" {
			t.Errorf("composition series not stacked: %v", s["stack"])
		}
		total += values(t, s)[0]
	}
	if !near(total, 100) {
		t.Errorf("composition adds up to %v%%", total)
	}
	v, _ := buildNPS("n", q)
	if v.Score != "+13.3" {
		t.Errorf("score %q", v.Score)
	}
}

func TestMatrixChart(t *testing.T) {
	q := question(sampleReport(), "parts")
	c, err := matrixChart("m", q)
	if err != nil {
		t.Fatal(err)
	}
	commonChecks(t, c)
	ss := series(t, c)
	if len(ss) != len(q.Matrix.Columns) {
		t.Fatalf("%d series for %d columns", len(ss), len(q.Matrix.Columns))
	}
	for row := range q.Matrix.Rows {
		total := 0.0
		for _, s := range ss {
			if s["stack"] != "matrix" {
				t.Errorf("series %v not stacked", s["name"])
			}
			total += values(t, s)[row]
		}
		if !near(total, 100) {
			t.Errorf("row %d adds up to %v%%", row, total)
		}
	}
	if obj(t, c.Option["legend"])["show"] != true {
		t.Error("matrix needs a legend")
	}
	// Ragged counts do not panic.
	q.Matrix = &Matrix{Rows: []string{"a", "b"}, Columns: []string{"x", "y"}, Counts: [][]int{{1}}}
	if _, err := matrixChart("m2", q); err != nil {
		t.Fatal(err)
	}
}

func TestCrossTabChart(t *testing.T) {
	q := question(sampleReport(), "satisfaction")
	ct := q.CrossTabs[0]
	c, err := crossTabChart("x", q, ct)
	if err != nil {
		t.Fatal(err)
	}
	commonChecks(t, c)
	// One answer each: a bar per group, stacked to 100 % of its respondents.
	ss := series(t, c)
	if len(ss) != len(ct.Columns) {
		t.Fatalf("%d series for %d answers", len(ss), len(ct.Columns))
	}
	totals := make([]float64, len(ct.Groups))
	for j, s := range ss {
		if s["name"] != ct.Columns[j] || s["stack"] == nil {
			t.Errorf("series %d: name %v stack %v; want one stacked series per answer", j, s["name"], s["stack"])
		}
		for g, v := range values(t, s) {
			totals[g] += v
		}
	}
	for g, total := range totals {
		if !near(total, 100) {
			t.Errorf("group %s adds up to %v%%", ct.Groups[g], total)
		}
	}
	cats := list(t, axes(c.Option, "yAxis")[0]["data"])
	if len(cats) != len(ct.Groups) || cats[0] != "30代以下（16人）" {
		t.Errorf("group axis %v: want each group with its respondents", cats)
	}

	// Several answers each: shares of the group's respondents (here 4 of
	// 5 people ticked x: 80 %, not 4 of 7 ticks).
	multi := CrossTab{Attribute: "ご所属を教えてください", Groups: []string{"社協", "市"}, Columns: []string{"x", "y"},
		Counts: [][]int{{4, 3}, {1, 1}}, Bases: []int{5, 2}}
	if crossTabExclusive(multi) {
		t.Error("7 ticks of 5 respondents taken for one answer each")
	}
	c, err = crossTabChart("m", q, multi)
	if err != nil {
		t.Fatal(err)
	}
	commonChecks(t, c)
	ss = series(t, c)
	if len(ss) != 2 || ss[0]["stack"] != nil || ss[0]["name"] != "社協（5人）" {
		t.Fatalf("multi-answer cross-tab: want a bar per group, not stacked: %v", ss)
	}
	if v := values(t, ss[0]); !near(v[0], 80) || !near(v[1], 60) {
		t.Errorf("社協 shares %v, want 80 and 60 (of 5 respondents)", v)
	}
	if !strings.HasPrefix(c.Label, "所属別") {
		t.Errorf("chart named %q: want the short form of the question", c.Label)
	}
}

func TestOrderedRamp(t *testing.T) {
	for n := 1; n <= 11; n++ {
		r := orderedRamp(n)
		seen := map[string]bool{}
		for _, c := range r {
			if len(c) != 7 || c[0] != '#' || seen[c] {
				t.Errorf("ramp of %d: %v", n, r)
			}
			seen[c] = true
		}
	}
	if r := orderedRamp(5); r[2] != "#d5d9df" {
		t.Errorf("the middle of an odd scale is %s, want the neutral grey", r[2])
	}
}

func TestShortLabel(t *testing.T) {
	for in, want := range map[string]string{
		"ご所属を教えてください": "所属",
		"年代":          "年代",
		"業務に活かせそうな内容（いくつでも）":         "業務に活かせそうな内容",
		"本日の会議全体の満足度は？":              "本日の会議全体の満足度",
		"お住まいの地区をお選びください。":           "住まいの地区",
		"あなたが普段参加している地域活動の種類と頻度について": "あなたが普段参加している地域活…",
		"（自由記述）": "（自由記述）",
	} {
		if got := shortLabel(in); got != want {
			t.Errorf("shortLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTextCharts(t *testing.T) {
	q := question(sampleReport(), "comment")
	terms, err := termsChart("t", q, q.Text.Terms)
	if err != nil {
		t.Fatal(err)
	}
	commonChecks(t, terms)
	if n := len(values(t, series(t, terms)[0])); n != min(len(q.Text.Terms), maxTermBars) {
		t.Errorf("%d term bars", n)
	}

	wc, err := wordCloudChart("w", q, q.Text.Terms)
	if err != nil {
		t.Fatal(err)
	}
	commonChecks(t, wc)
	s := series(t, wc)[0]
	if s["type"] != "wordCloud" || s["layoutAnimation"] != false {
		t.Errorf("word cloud series: type %v layoutAnimation %v", s["type"], s["layoutAnimation"])
	}
	if rr := list(t, s["rotationRange"]); rr[0] != 0.0 || rr[1] != 0.0 {
		t.Errorf("words should not rotate: %v", rr)
	}
	for _, d := range list(t, s["data"]) {
		if c, _ := obj(t, obj(t, d)["textStyle"])["color"].(string); !strings.HasPrefix(c, "#") {
			t.Errorf("word colour %q is not a plain colour", c)
		}
	}

	nw, err := networkChart("g", q, q.Text.Network)
	if err != nil {
		t.Fatal(err)
	}
	commonChecks(t, nw)
	gs := series(t, nw)[0]
	if gs["layout"] != "none" {
		t.Errorf("layout %v, want none (placed by networkLayout)", gs["layout"])
	}
	if obj(t, nw.Option["legend"])["show"] != false {
		t.Error("the network's legend is drawn over the chart; the table under it is the legend")
	}
	names := map[string]float64{}
	docs := map[string]int{}
	for _, n := range q.Text.Network.Nodes {
		docs[n.Term] = n.Docs
	}
	for _, d := range list(t, gs["data"]) {
		m := obj(t, d)
		name := m["name"].(string)
		if _, dup := names[name]; dup {
			t.Errorf("duplicate node %q", name)
		}
		names[name] = m["symbolSize"].(float64)
		x, okX := m["x"].(float64)
		y, okY := m["y"].(float64)
		if !okX || !okY || x < 0 || x > 1000*networkAspect || y < 0 || y > 1000 {
			t.Errorf("node %s at %v, %v: outside the layout's rectangle", name, m["x"], m["y"])
		}
	}
	for a, sa := range names {
		for b, sb := range names {
			if docs[a] > docs[b] && sa < sb {
				t.Errorf("node %s (%d answers) drawn smaller than %s (%d)", a, docs[a], b, docs[b])
			}
		}
	}
	for _, l := range list(t, gs["links"]) {
		m := obj(t, l)
		if _, ok := names[m["source"].(string)]; !ok {
			t.Errorf("link from unknown node %v", m["source"])
		}
		if _, ok := names[m["target"].(string)]; !ok {
			t.Errorf("link to unknown node %v", m["target"])
		}
	}
	cats := list(t, gs["categories"])
	if len(cats) != 4 {
		t.Errorf("%d categories, want one per community (4)", len(cats))
	}
	// Groups are named by their words, the largest group first.
	if name := obj(t, cats[0])["name"]; name != "時間・参加・子ども" {
		t.Errorf("first group named %v, want its three most frequent words", name)
	}
}

func TestNetworkNodesCleaned(t *testing.T) {
	n := Network{
		Nodes: []Node{{"a", 3, 0}, {"b", 2, 0}, {"a", 1, 1}},
		Edges: []Edge{{"a", "b", 0.5}, {"b", "a", 0.4}, {"a", "a", 1}, {"a", "zzz", 0.3}, {"a", "b", math.NaN()}},
	}
	nodes, edges := networkNodes(n)
	if len(nodes) != 2 || nodes[0].Docs != 3 {
		t.Errorf("nodes %v", nodes)
	}
	if len(edges) != 1 {
		t.Errorf("edges %v", edges)
	}
}

func TestSeriesCharts(t *testing.T) {
	s := sampleSeries()
	cs, err := seriesCharts(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 5 {
		t.Fatalf("%d charts", len(cs))
	}
	byID := map[string]Chart{}
	for _, c := range cs {
		commonChecks(t, c)
		byID[c.ID] = c
	}
	rate := values(t, series(t, byID["series-rate"])[0])
	if !near(rate[0], 57.7) || !math.IsNaN(rate[1]) || !near(rate[2], 75) {
		t.Errorf("response rates %v; unknown attendees must be a gap", rate)
	}
	sat := values(t, series(t, byID["series-satisfaction"])[0])
	if !math.IsNaN(sat[1]) || sat[0] != 3.5 {
		t.Errorf("satisfaction %v", sat)
	}
	issues := series(t, byID["series-issues"])
	if len(issues) != len(s.Issues) || issues[0]["name"] != "駐車場" {
		t.Errorf("issue lines: %d, first %v (most frequent first)", len(issues), issues[0]["name"])
	}
	// Issues are shares of each event's responses: 6 of 30, 5 of 41, 5 of 48.
	if v := values(t, issues[0]); !near(v[0], 20) || !near(v[1], 12.2) || !near(v[2], 10.4) {
		t.Errorf("駐車場 %v, want shares of each event's responses", v)
	}
	// Value axes start at the scale's minimum, or 0 for counts and shares.
	for id, want := range map[string][2]any{
		"series-responses":    {0.0, nil},
		"series-rate":         {0.0, 100.0},
		"series-satisfaction": {1.0, 5.0},
		"series-nps":          {-100.0, 100.0},
		"series-issues":       {0.0, nil},
	} {
		y := axes(byID[id].Option, "yAxis")[0]
		if y["min"] != want[0] || y["max"] != want[1] || y["scale"] == true {
			t.Errorf("%s: value axis %v to %v (scale %v), want %v to %v", id, y["min"], y["max"], y["scale"], want[0], want[1])
		}
	}
	s7 := sampleSeries()
	for i := range s7.Events {
		s7.Events[i].SatisfactionMin, s7.Events[i].SatisfactionMax = 0, 0
	}
	s7.Events[2].SatisfactionMin, s7.Events[2].SatisfactionMax = 1, 7
	if lo, hi := satisfactionRange(s7.Events); lo != 1 || hi != 7 {
		t.Errorf("satisfaction range %d–%d, want the scale's 1–7", lo, hi)
	}
	// NaN where HasSatisfaction is set still renders.
	s.Events[0].Satisfaction = math.NaN()
	var buf bytes.Buffer
	if err := WriteSeries(&buf, s); err != nil {
		t.Fatal(err)
	}
}

var externalRef = regexp.MustCompile(`<(script|link|img)[^>]+(src|href)="?(https?:)?//`)

func TestSelfContained(t *testing.T) {
	for name, write := range map[string]func(*bytes.Buffer) error{
		"report":         func(b *bytes.Buffer) error { return WriteReport(b, sampleReport()) },
		"series":         func(b *bytes.Buffer) error { return WriteSeries(b, sampleSeries()) },
		"hostile":        func(b *bytes.Buffer) error { return WriteReport(b, hostileReport()) },
		"hostile-series": func(b *bytes.Buffer) error { return WriteSeries(b, hostileSeries()) },
		"empty":          func(b *bytes.Buffer) error { return WriteReport(b, Report{}) },
	} {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		html := buf.String()
		if m := externalRef.FindString(html); m != "" {
			t.Errorf("%s: external reference %q", name, m)
		}
		if n := strings.Count(strings.ToLower(html), "<script"); n != len(inlineScripts) {
			t.Errorf("%s: %d <script tags, want %d", name, n, len(inlineScripts))
		}
		for _, bad := range []string{"<script>window.__pwned", "<img src=x", "<svg onload", "__f__function(){window.__pwned=1}__f__\""} {
			if strings.Contains(html, bad) {
				t.Errorf("%s: output contains %q unescaped", name, bad)
			}
		}
		if strings.Contains(html, "taro.yamada@example.jp") || strings.Contains(html, "090-1234-5678") {
			t.Errorf("%s: contact details not masked", name)
		}
		if !strings.Contains(html, "Content-Security-Policy") {
			t.Errorf("%s: no CSP", name)
		}
	}
}

func TestWriteQuestion(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteQuestion(&buf, question(sampleReport(), "age"), 4); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if !strings.HasPrefix(s, `<section class="question`) || !strings.Contains(s, `id="q4-choices"`) || strings.Contains(s, "<html") {
		t.Errorf("question block: %.200s", s)
	}
}

// A tested cross table marks the cells whose group differs notably from the
// others and says in one line what the test of the whole table found; an
// untested one (an attribute cross table, a matrix) says nothing of the kind.
func TestCrossTabShowsItsTest(t *testing.T) {
	tested := CrossTab{Attribute: "立場", Groups: []string{"保護者", "教員"}, Columns: []string{"送迎", "給食", "連絡"},
		Counts: [][]int{{30, 2, 10}, {3, 25, 9}}, Codes: true,
		Test: &CrossTest{ChiSquare: 51.25, DF: 2, P: 0.0004, Residuals: [][]float64{{5.1, -4.6, 0.3}, {-5.1, 4.6, -1.95}}}}
	plain := tested
	plain.Test = nil
	q := Question{Key: "why", Label: "理由", Text: &Text{}, CrossTabs: []CrossTab{tested, plain}}
	var buf bytes.Buffer
	if err := WriteQuestion(&buf, q, 1); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	tables := strings.Split(page, "<table>")
	if len(tables) != 3 {
		t.Fatalf("%d tables, want 2", len(tables)-1)
	}
	first, second := tables[1], tables[2]
	for _, want := range []string{"30 ▲<br>", "2 ▼<br>", "3 ▼<br>", "25 ▲<br>", "10<br>", "9<br>",
		"立場によって挙がる課題に差があります", "χ² = 51.2", "自由度 2", "p &lt; 0.001"} {
		if !strings.Contains(first, want) {
			t.Errorf("tested table lacks %q:\n%s", want, first)
		}
	}
	for _, unwanted := range []string{"▲", "▼", "自由度"} {
		if strings.Contains(second, unwanted) {
			t.Errorf("untested table shows %q:\n%s", unwanted, second)
		}
	}

	tested.Test.P = 0.2
	q.CrossTabs = []CrossTab{tested}
	buf.Reset()
	if err := WriteQuestion(&buf, q, 1); err != nil {
		t.Fatal(err)
	}
	if s := buf.String(); !strings.Contains(s, "偶然の範囲を超える差は見られません") || !strings.Contains(s, "p = 0.200") {
		t.Errorf("a table without a notable difference should say so:\n%s", s)
	}
}

func TestEmptyAndOddData(t *testing.T) {
	r := Report{Title: "空", Questions: []Question{
		{Key: "s", Label: "評価", Scale: &Scale{Min: 1, Max: 5, Mean: math.NaN(), Top2Box: math.NaN()}},
		{Key: "s2", Label: "逆", Scale: &Scale{Min: 5, Max: 1}},
		{Key: "n", Label: "NPS", NPS: &NPS{Score: math.NaN()}},
		{Key: "c", Label: "選択", Choices: &Choices{}},
		{Key: "m", Label: "行列", Matrix: &Matrix{}},
		{Key: "t", Label: "自由", Text: &Text{}},
		{Key: "x", Label: "表", CrossTabs: []CrossTab{{Attribute: "属性", Groups: []string{"a"}, Columns: []string{"x"}}}},
		{Key: "num", Label: "数", Number: &NumberSummary{Mean: math.Inf(1)}},
	}}
	var buf bytes.Buffer
	if err := WriteReport(&buf, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "参加者数が未登録") {
		t.Error("unknown attendees should be said")
	}
}

// A trend's axis names events by month and day, with the year on its own
// line when the events span years, and by the start of the title when an
// event has no date or shares its date with another.
func TestEventAxisLabels(t *testing.T) {
	got := eventAxisLabels([]SeriesEvent{
		{Date: "2023年11月19日", Title: "第1回"},
		{Date: "2024年1月20日", Title: "第2回"},
		{Date: "2024年1月20日", Title: "第2回 午後の部（分科会）"},
		{Title: "日付のない回"},
	})
	want := []string{"2023年\n11月19日", "2024年\n1月20日", "第2回 午後の部…", "日付のない回"}
	if !slices.Equal(got, want) {
		t.Errorf("axis labels %q, want %q", got, want)
	}
	if got := eventAxisLabels([]SeriesEvent{{Date: "2020年7月16日"}, {Date: "2020年9月17日"}}); !slices.Equal(got, []string{"7月16日", "9月17日"}) {
		t.Errorf("within one year: %q", got)
	}
}
