package reports

import (
	"cmp"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/koe-project/koe/survey"
)

// The view types below are what the templates see: every text already
// masked where it quotes respondents, every number already formatted.

type pageView struct {
	Lang, PageTitle, CSP string
	CSS                  any // template.CSS
	Scripts              any // []template.JS
}

type reportView struct {
	Summary *summaryView
	pageView
	Header    reportHeader
	Questions []questionView
}

type reportHeader struct {
	Title, Description                  string
	SeriesTitle, EventTitle, Date, Rate string
	Responses                           int
	Generated                           string
}

type chartView struct {
	ID, Kind, Label string
	Drill, DrillBy  string // dashboards: drill-down URL and what a click names (term, code, cell)
	Title           string // short visible title, where the page shows one
	Height          int
	JSON            string
}

type questionView struct {
	Num         int
	ID, Class   string
	Label, Kind string
	Answered    int
	Choices     *choicesView
	Scale       *scaleView
	NPS         *npsView
	Matrix      *matrixView
	Number      *numberView
	Text        *textView
	CrossTabs   []crossTabView
	Empty       bool
}

type countRow struct {
	Label string
	Count int
	Pct   string
}

type choicesView struct {
	Chart chartView
	Multi bool
	Base  int
	Rows  []countRow
	Other []string
}

type valueRow struct {
	Value int
	Label string
	Count int
	Pct   string
}

type scaleView struct {
	Chart                 chartView
	Mean, Top2, Top2Range string
	Min, Max, N           int
	Rows                  []valueRow
}

type npsView struct {
	Charts []chartView
	Score  string
	Groups []npsGroupRow
	Rows   []valueRow
}

type npsGroupRow struct {
	Name, Range, Pct string
	Count            int
}

type cell struct {
	Count int
	Pct   string
	Href  string // drill-down link, dashboards only
	Mark  string // ▲ or ▼: the row names this column notably more or less often than the others
}

type tableRow struct {
	Label string
	Cells []cell
	Total int
}

type countTable struct {
	Caption, Corner string
	Columns         []string
	Rows            []tableRow
	Drill           bool   // cells link to the answers behind them
	Note            string // what the marks and the test say, "" without a test
	TotalLabel      string // heading of the last column; "" is 計
}

type matrixView struct {
	Chart chartView
	Table countTable
}

type crossTabView struct {
	Attribute string
	Chart     chartView
	Table     countTable
}

type numberView struct {
	N                      int
	Mean, Median, Min, Max string
}

type textView struct {
	Issues     *issuesView
	Drill      string
	Total      int
	Terms      []TermCount
	TermsChart chartView
	Cloud      chartView
	Network    *networkView
	Codes      *codesView
	Groups     []GroupWords
	Answers    []string
}

type networkView struct {
	Chart       chartView
	Communities []communityRow
	Edges       []edgeRow
}

type communityRow struct {
	Name, Color string // named by its words; its colour in the chart
	Words       []Node
}

type edgeRow struct {
	A, B, Jaccard string
}

type codesView struct {
	Drill string
	Chart chartView
	Rows  []codeRow
}

type codeRow struct {
	Code   string
	Docs   int
	Pct    string
	Quotes []string
}

// Limits of the tables of free text analysis.
const (
	maxTermRows  = 30
	maxEdgeRows  = 20
	maxQuotes    = 3
	maxGroupRows = 10
)

func toChartView(c Chart) (chartView, error) {
	j, err := c.OptionJSON()
	if err != nil {
		return chartView{}, err
	}
	title, _, _ := strings.Cut(c.Label, ": ")
	return chartView{ID: c.ID, Kind: c.Kind, Label: c.Label, Title: title, Height: c.Height, JSON: j}, nil
}

// jst is the zone report times are shown in (no tzdata needed).
var jst = time.FixedZone("JST", 9*60*60)

func formatGenerated(t time.Time) string {
	if t.IsZero() {
		t = time.Now()
	}
	return t.In(jst).Format("2006年1月2日 15:04") + "（日本時間）"
}

func rateText(responses, attendees int) string {
	if attendees <= 0 {
		return "参加者数が未登録のため算出できません"
	}
	return fmt.Sprintf("%s（回答%d件 ÷ 参加者%d名）", formatPct(share(responses, attendees)), responses, attendees)
}

// buildQuestion turns a question into its view; num is its 1-based number
// in the page and names its chart containers. Contacts are masked here, once
// for every table, chart and link of the question (see mask.go).
func buildQuestion(num int, q Question) (questionView, error) {
	q = maskedQuestion(q)
	id := fmt.Sprintf("q%d", num)
	v := questionView{Num: num, ID: id, Label: q.Label, Kind: survey.KindOf(q.Type).ReportLabel(), Answered: q.Answered, Class: "compact"}
	if v.Kind != "" && strings.Contains(v.Label, v.Kind) {
		v.Kind = "" // ご感想（自由記述） says it already: no （自由記述）（自由記述）
	}
	var err error
	switch {
	case q.Choices != nil:
		v.Choices, err = buildChoices(id, q)
	case q.Scale != nil:
		v.Scale, err = buildScale(id, q)
	case q.NPS != nil:
		v.NPS, err = buildNPS(id, q)
	case q.Matrix != nil:
		v.Matrix, err = buildMatrix(id, q)
	case q.Number != nil:
		v.Number = buildNumber(q.Number)
	case q.Text != nil:
		v.Class = "long"
		v.Text, err = buildText(id, q)
	default:
		v.Empty = len(q.CrossTabs) == 0
	}
	if err != nil {
		return v, err
	}
	if len(q.CrossTabs) > 0 {
		v.Class = "long"
	}
	for i, ct := range q.CrossTabs {
		c, err := crossTabChart(fmt.Sprintf("%s-x%d", id, i+1), q, ct)
		if err != nil {
			return v, err
		}
		cv, err := toChartView(c)
		if err != nil {
			return v, err
		}
		attr := shortLabel(ct.Attribute)
		caption := attr + "別の回答数（各グループの回答者数に対する割合）"
		if !crossTabExclusive(ct) {
			caption = attr + "別の回答数（各グループの回答者数に対する割合。複数回答のため合計は100%を超えます）"
		}
		if ct.Codes {
			caption = attr + "別の課題カテゴリ（回答数と、各グループの回答者数に対する割合。1つの回答が複数のカテゴリに入ることがあるため合計は100%を超えることがあります）"
		}
		table := buildCountTable(caption, attr, ct.Groups, ct.Columns, ct.Counts)
		table.TotalLabel = "回答者数"
		if len(ct.Bases) == len(ct.Groups) {
			for i := range table.Rows {
				table.Rows[i].Total = ct.Bases[i]
				for j := range table.Rows[i].Cells {
					table.Rows[i].Cells[j].Pct = formatPct(share(table.Rows[i].Cells[j].Count, ct.Bases[i]))
				}
			}
		}
		markResiduals(&table, ct)
		if ct.Codes && q.Drill != "" {
			cv.Drill, cv.DrillBy = q.Drill, "cell"
			table.Drill = true
			for i := range table.Rows {
				for j := range table.Rows[i].Cells {
					if table.Rows[i].Cells[j].Count > 0 {
						table.Rows[i].Cells[j].Href = drillURL(q.Drill, "code", ct.Columns[j], "group", ct.Groups[i])
					}
				}
			}
		}
		v.CrossTabs = append(v.CrossTabs, crossTabView{
			Attribute: attr,
			Chart:     cv,
			Table:     table,
		})
	}
	return v, nil
}

func buildChoices(id string, q Question) (*choicesView, error) {
	c, err := choicesChart(id+"-choices", q)
	if err != nil {
		return nil, err
	}
	cv, err := toChartView(c)
	if err != nil {
		return nil, err
	}
	base := choicesBase(q)
	v := &choicesView{Chart: cv, Multi: q.Choices.Multi, Base: base}
	for _, o := range q.Choices.Other {
		text := o.Label // masked whole: a count after a phone number would hide it
		if o.Count > 1 {
			text += fmt.Sprintf("（%d件）", o.Count)
		}
		v.Other = append(v.Other, text)
	}
	for _, o := range q.Choices.Options {
		v.Rows = append(v.Rows, countRow{Label: o.Label, Count: o.Count, Pct: formatPct(share(o.Count, base))})
	}
	return v, nil
}

func buildScale(id string, q Question) (*scaleView, error) {
	s := q.Scale
	c, err := scaleChart(id+"-scale", q)
	if err != nil {
		return nil, err
	}
	cv, err := toChartView(c)
	if err != nil {
		return nil, err
	}
	n := sum(s.Counts)
	mean := s.Mean
	if n == 0 {
		mean = math.NaN()
	}
	top2 := math.NaN()
	if n > 0 {
		top2 = round1(s.Top2Box * 100)
	}
	v := &scaleView{Chart: cv, Mean: formatNum(mean), Top2: formatPct(top2), Min: s.Min, Max: s.Max, N: n,
		Top2Range: fmt.Sprintf("%d・%d", s.Max-1, s.Max)}
	for i := range max(s.Max-s.Min+1, 0) {
		val := s.Min + i
		cnt := 0
		if i < len(s.Counts) {
			cnt = s.Counts[i]
		}
		label := ""
		if val == s.Min {
			label = s.MinLabel
		} else if val == s.Max {
			label = s.MaxLabel
		}
		v.Rows = append(v.Rows, valueRow{Value: val, Label: label, Count: cnt, Pct: formatPct(share(cnt, n))})
	}
	return v, nil
}

func buildNPS(id string, q Question) (*npsView, error) {
	n := q.NPS
	cs, err := npsCharts(id+"-nps", q)
	if err != nil {
		return nil, err
	}
	v := &npsView{}
	for _, c := range cs {
		cv, err := toChartView(c)
		if err != nil {
			return nil, err
		}
		v.Charts = append(v.Charts, cv)
	}
	total := sum(n.Counts[:])
	groupTotal := n.Promoters + n.Passives + n.Detractors
	score := n.Score
	if groupTotal == 0 {
		score = math.NaN()
	}
	v.Score = formatNum(score)
	if !math.IsNaN(score) && score > 0 {
		v.Score = "+" + v.Score
	}
	v.Groups = []npsGroupRow{
		{"推奨者", "9〜10", formatPct(share(n.Promoters, groupTotal)), n.Promoters},
		{"中立者", "7〜8", formatPct(share(n.Passives, groupTotal)), n.Passives},
		{"批判者", "0〜6", formatPct(share(n.Detractors, groupTotal)), n.Detractors},
	}
	for val := range 11 {
		name, _ := npsGroup(val)
		v.Rows = append(v.Rows, valueRow{Value: val, Label: name, Count: n.Counts[val], Pct: formatPct(share(n.Counts[val], total))})
	}
	return v, nil
}

func buildCountTable(caption, corner string, rows, cols []string, counts [][]int) countTable {
	t := countTable{Caption: caption, Corner: corner, Columns: cols}
	for i, r := range rows {
		var row []int
		if i < len(counts) {
			row = counts[i]
		}
		tr := tableRow{Label: r, Total: sum(row)}
		for j := range cols {
			cnt := 0
			if j < len(row) {
				cnt = row[j]
			}
			tr.Cells = append(tr.Cells, cell{Count: cnt, Pct: formatPct(share(cnt, tr.Total))})
		}
		t.Rows = append(t.Rows, tr)
	}
	return t
}

// notableResidual is the adjusted residual beyond which a cell differs
// from the other groups at p < .05.
const notableResidual = 1.96

// markResiduals marks the cells of a tested cross table whose group differs
// notably from the others, and says in one line what the marks and the
// test of the whole table mean.
func markResiduals(t *countTable, ct CrossTab) {
	test := ct.Test
	if test == nil {
		return
	}
	for g := range t.Rows {
		for c := range t.Rows[g].Cells {
			if g >= len(test.Residuals) || c >= len(test.Residuals[g]) {
				continue
			}
			switch r := test.Residuals[g][c]; {
			case r >= notableResidual:
				t.Rows[g].Cells[c].Mark = "▲"
			case r <= -notableResidual:
				t.Rows[g].Cells[c].Mark = "▼"
			}
		}
	}
	p := fmt.Sprintf("p = %.3f", test.P)
	if test.P < 0.001 {
		p = "p < 0.001"
	}
	verdict := "偶然の範囲を超える差は見られません"
	if test.P < 0.05 {
		verdict = ct.Attribute + "によって挙がる課題に差があります"
	}
	t.Note = fmt.Sprintf("▲は他の%[1]sより多く、▼は少なく挙がった組み合わせです（偶然では20回に1回も起きない差）。表全体では%[2]s（χ² = %.1[3]f、自由度 %[4]d、%[5]s）。",
		ct.Attribute, verdict, test.ChiSquare, test.DF, p)
}

func buildMatrix(id string, q Question) (*matrixView, error) {
	c, err := matrixChart(id+"-matrix", q)
	if err != nil {
		return nil, err
	}
	cv, err := toChartView(c)
	if err != nil {
		return nil, err
	}
	m := q.Matrix
	return &matrixView{Chart: cv, Table: buildCountTable("行ごとの回答数（行ごとの割合）", "項目", m.Rows, m.Columns, m.Counts)}, nil
}

func buildNumber(n *NumberSummary) *numberView {
	v := &numberView{N: n.N, Mean: "—", Median: "—", Min: "—", Max: "—"}
	if n.N > 0 {
		v.Mean, v.Median, v.Min, v.Max = formatNum(n.Mean), formatNum(n.Median), formatNum(n.Min), formatNum(n.Max)
	}
	return v
}

func buildText(id string, q Question) (*textView, error) {
	t := q.Text
	v := &textView{Answers: t.Answers, Total: max(t.Total, len(t.Answers)), Drill: q.Drill}
	if t.Issues != nil && len(t.Issues.Groups) > 0 {
		iv, err := buildIssues(id, Question{Key: q.Key, Label: q.Label, Drill: q.Drill, IssueEdit: q.IssueEdit}, t.Issues, t.HiddenIssues, t.MergedIssues)
		if iv != nil {
			iv.By = shortLabel(t.IssuesBy)
		}
		if err != nil {
			return nil, err
		}
		iv.Empty, iv.Repeats, iv.AllCopies = t.Empty, t.Duplicates.Exact+t.Duplicates.Near, t.AllCopies
		v.Issues = iv
	}
	terms := t.Terms
	if len(terms) > 0 {
		c, err := termsChart(id+"-terms", q, terms)
		if err != nil {
			return nil, err
		}
		if v.TermsChart, err = toChartView(c); err != nil {
			return nil, err
		}
		v.TermsChart.Drill, v.TermsChart.DrillBy = q.Drill, "term"
		if c, err = wordCloudChart(id+"-cloud", q, terms); err != nil {
			return nil, err
		}
		if v.Cloud, err = toChartView(c); err != nil {
			return nil, err
		}
		v.Cloud.Drill, v.Cloud.DrillBy = q.Drill, "term"
		v.Terms = terms[:min(len(terms), maxTermRows)]
	}
	if len(t.Network.Nodes) > 0 {
		c, err := networkChart(id+"-network", q, t.Network)
		if err != nil {
			return nil, err
		}
		cv, err := toChartView(c)
		if err != nil {
			return nil, err
		}
		cv.Drill, cv.DrillBy = q.Drill, "term"
		nv := &networkView{Chart: cv}
		nodes, edges := networkNodes(t.Network)
		for _, g := range networkGroups(nodes) {
			nv.Communities = append(nv.Communities, communityRow{Name: g.Name, Color: g.Color, Words: g.Words})
		}
		for _, e := range edges[:min(len(edges), maxEdgeRows)] {
			nv.Edges = append(nv.Edges, edgeRow{A: e.A, B: e.B, Jaccard: fmt.Sprintf("%.2f", e.Jaccard)})
		}
		v.Network = nv
	}
	if len(t.Codes) > 0 {
		codes := slices.Clone(t.Codes)
		slices.SortStableFunc(codes, func(a, b Code) int { return cmp.Compare(b.Docs, a.Docs) })
		base := q.Answered
		if base <= 0 {
			base = len(t.Answers)
		}
		c, err := codesChart(id+"-codes", q, codes, base)
		if err != nil {
			return nil, err
		}
		cv, err := toChartView(c)
		if err != nil {
			return nil, err
		}
		cv.Drill, cv.DrillBy = q.Drill, "code"
		cdv := &codesView{Chart: cv, Drill: q.Drill}
		for _, cd := range codes {
			cdv.Rows = append(cdv.Rows, codeRow{Code: cd.Code, Docs: cd.Docs, Pct: formatPct(share(cd.Docs, base)),
				Quotes: cd.Quotes[:min(len(cd.Quotes), maxQuotes)]})
		}
		v.Codes = cdv
	}
	for _, g := range t.Groups {
		v.Groups = append(v.Groups, GroupWords{Group: g.Group, Words: g.Words[:min(len(g.Words), maxGroupRows)]})
	}
	return v, nil
}

// Series views.

type seriesView struct {
	pageView
	Header seriesHeader
	Series seriesBody
}

type seriesHeader struct {
	Title, Span, Generated    string
	Events, Responses, Hidden int
}

type seriesBody struct {
	Summary    *seriesSummaryView
	Groups     *issuesView // 繰り返し出てくる論点, the headline
	Trends     []chartView
	IssueChart *chartView
	Events     []seriesEventRow
	Issues     []issueRow
}

type seriesEventRow struct {
	Label, Date, Title            string
	Responses                     int
	Attendees, Rate, Satisfaction string
	NPS                           string
}

type issueRow struct {
	Term                     string
	Code                     bool // Term is an issue category (else a word)
	Counts                   []int
	StatusClass, StatusLabel string
}

var issueLabels = map[string]string{
	IssueNew:        "新規",
	IssuePersisting: "継続",
	IssueFading:     "減少",
}

// buildSeries turns a series into its view; contacts are masked here, once
// for its tables, charts and issue links (see mask.go).
func buildSeries(s Series) (seriesView, error) {
	s = maskedSeries(s)
	v := seriesView{Header: seriesHeader{Title: s.Title, Generated: formatGenerated(s.GeneratedAt), Events: len(s.Events), Hidden: s.Hidden}}
	if v.Header.Title == "" {
		v.Header.Title = s.Key
	}
	if n := len(s.Events); n > 0 {
		first, last := s.Events[0].Date, s.Events[n-1].Date
		if first != "" && last != "" && first != last {
			v.Header.Span = first + "〜" + last
		}
	}
	if is := s.IssueGroups; is != nil && len(is.Groups) > 0 {
		iv, err := buildIssues("series", Question{Key: s.IssueQuestion, Label: s.IssueQuestionLabel, IssueEdit: s.IssueEdit}, is, s.IssueHidden, s.IssueMerged)
		if err != nil {
			return v, err
		}
		iv.Title, iv.Question, iv.Series = "繰り返し出てくる論点", s.IssueQuestionLabel, true
		v.Series.Groups = iv
	}
	cs, err := seriesCharts(s)
	if err != nil {
		return v, err
	}
	for _, c := range cs {
		cv, err := toChartView(c)
		if err != nil {
			return v, err
		}
		if c.ID == "series-issues" {
			v.Series.IssueChart = &cv
		} else {
			v.Series.Trends = append(v.Series.Trends, cv)
		}
	}
	for _, e := range s.Events {
		v.Header.Responses += e.Responses
		row := seriesEventRow{Label: e.Label, Date: e.Date, Title: e.Title, Responses: e.Responses,
			Attendees: "—", Rate: formatPct(responseRate(e.Responses, e.Attendees)), Satisfaction: "—", NPS: "—"}
		if e.Attendees > 0 {
			row.Attendees = fmt.Sprint(e.Attendees)
		}
		if e.HasSatisfaction {
			row.Satisfaction = formatNum(e.Satisfaction)
		}
		if e.HasNPS {
			row.NPS = formatNum(e.NPS)
		}
		v.Series.Events = append(v.Series.Events, row)
	}
	v.Series.Summary = buildSeriesSummary(s, v.Series.Groups, len(s.Issues) > 0)
	for _, is := range s.Issues {
		counts := make([]int, len(s.Events))
		copy(counts, is.Counts)
		label, ok := issueLabels[is.Status]
		class := is.Status
		if !ok {
			label, class = is.Status, "other"
		}
		v.Series.Issues = append(v.Series.Issues, issueRow{Term: is.Term, Code: is.Code, Counts: counts, StatusClass: class, StatusLabel: label})
	}
	return v, nil
}

// drillURL adds query parameters (name, value pairs) to a drill-down URL.
func drillURL(base string, pairs ...string) string {
	var b strings.Builder
	b.WriteString(base)
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		b.WriteString(sep + url.QueryEscape(pairs[i]) + "=" + url.QueryEscape(pairs[i+1]))
		sep = "&"
	}
	return b.String()
}

// pageTitle joins the non-empty parts with " — ".
func pageTitle(parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, " — ")
}
