package reports

import (
	"fmt"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// barSpec is one series of a bar chart.
type barSpec struct {
	name   string
	values []float64 // NaN = no bar
	labels []string  // static label per bar ("" = none); numbers only
	colors []string  // per bar colour, optional
	color  string    // series colour, optional
	stack  string
	small  bool // smaller labels, for many bars
}

// barLayout says how a bar chart is laid out.
type barLayout struct {
	horizontal bool
	percent    bool // values are percentages
	full       bool // the value axis ends at 100 % (shares that add up)
	legend     bool
	labelWidth int // width of category labels before they wrap, px
	height     int
}

// newBarChart builds a bar chart with go-echarts.
func newBarChart(id, label string, categories []string, series []barSpec, l barLayout) (Chart, error) {
	bar := charts.NewBar()
	top := "12"
	if !l.horizontal {
		top = "40" // room for the labels above the bars
	}
	extra := 0
	if l.legend {
		names := make([]string, len(series))
		for i, s := range series {
			names[i] = s.name
		}
		t := legendTop(names)
		top, extra = strconv.Itoa(t), max(t-40, 0)
	}
	right := "24"
	if l.horizontal {
		right = "110" // room for the labels at the end of the bars
	}
	valueAxisLabel := &opts.AxisLabel{}
	var vmax any
	if l.percent {
		valueAxisLabel.Formatter = "{value}%"
	}
	if l.full {
		vmax = 100
	}
	catLabel := &opts.AxisLabel{Width: l.labelWidth, Overflow: "break"}
	g := []charts.GlobalOpts{
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(l.legend), Top: "0", Type: "plain"}),
		charts.WithGridOpts(opts.Grid{Left: "8", Right: right, Top: top, Bottom: "8", ContainLabel: opts.Bool(true)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
	}
	if l.horizontal {
		g = append(g,
			charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true), AxisLabel: catLabel}),
			charts.WithXAxisOpts(opts.XAxis{Type: "value", Max: vmax, AxisLabel: valueAxisLabel, MinInterval: 1}),
		)
	} else {
		g = append(g,
			charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: catLabel}),
			charts.WithYAxisOpts(opts.YAxis{Type: "value", Max: vmax, AxisLabel: valueAxisLabel, MinInterval: 1}),
		)
	}
	bar.SetGlobalOptions(g...)
	bar.SetXAxis(categories)
	for _, s := range series {
		data := make([]opts.BarData, len(s.values))
		for i, v := range s.values {
			data[i] = opts.BarData{Value: num(v)}
			if i < len(s.labels) && s.labels[i] != "" {
				pos := "top"
				if l.horizontal {
					pos = "right"
				}
				if s.stack != "" {
					pos = "inside"
				}
				data[i].Label = &opts.Label{Show: opts.Bool(true), Position: pos, Formatter: s.labels[i]}
				if s.small {
					data[i].Label.FontSize = 10
				}
			}
			if i < len(s.colors) && s.colors[i] != "" {
				data[i].ItemStyle = &opts.ItemStyle{Color: s.colors[i]}
			}
		}
		so := []charts.SeriesOpts{
			charts.WithBarChartOpts(opts.BarChart{Stack: s.stack}),
			charts.WithSeriesOpts(func(ss *charts.SingleSeries) { ss.BarMaxWidth = "36" }),
		}
		if s.color != "" {
			so = append(so, charts.WithItemStyleOpts(opts.ItemStyle{Color: s.color}))
		}
		bar.AddSeries(s.name, data, so...)
	}
	if l.horizontal {
		bar.XYReversal()
	}
	c, err := finish(bar, id, "bar", label, l.height+extra)
	if err != nil {
		return c, err
	}
	catAxis := "xAxis"
	if l.horizontal {
		catAxis = "yAxis"
	}
	for _, ax := range axes(c.Option, catAxis) {
		if al, ok := ax["axisLabel"].(map[string]any); ok {
			al["interval"] = 0 // show every category
		}
	}
	for _, s := range seriesList(c.Option) {
		if s["stack"] != nil {
			// A narrow segment's label would cover its neighbours'.
			s["labelLayout"] = map[string]any{"hideOverlap": true}
		}
	}
	readableAxes(c.Option)
	return c, nil
}

// readableAxes darkens the axis labels, which ECharts draws light grey;
// they must stay legible on paper.
func readableAxes(opt map[string]any) {
	for _, key := range []string{"xAxis", "yAxis"} {
		for _, ax := range axes(opt, key) {
			al, _ := ax["axisLabel"].(map[string]any)
			if al == nil {
				al = map[string]any{}
				ax["axisLabel"] = al
			}
			al["color"] = "#333"
			al["fontSize"] = 12
		}
	}
}

// axes returns the option's xAxis or yAxis entries as maps.
func axes(opt map[string]any, key string) []map[string]any {
	var out []map[string]any
	switch v := opt[key].(type) {
	case []any:
		for _, a := range v {
			if m, ok := a.(map[string]any); ok {
				out = append(out, m)
			}
		}
	case map[string]any:
		out = append(out, v)
	}
	return out
}

// choicesBase is the number percentages of a choice question refer to:
// the respondents who answered it, or for a single choice without that
// number the sum of the counts.
func choicesBase(q Question) int {
	if q.Answered > 0 {
		return q.Answered
	}
	if q.Choices != nil && !q.Choices.Multi {
		t := 0
		for _, o := range q.Choices.Options {
			t += o.Count
		}
		return t
	}
	return 0
}

// choicesChart draws the options of a choice question as horizontal bars
// labelled with counts and percentages.
func choicesChart(id string, q Question) (Chart, error) {
	c := q.Choices
	base := choicesBase(q)
	cats := make([]string, len(c.Options))
	vals := make([]float64, len(c.Options))
	labels := make([]string, len(c.Options))
	for i, o := range c.Options {
		cats[i] = o.Label
		vals[i] = float64(o.Count)
		labels[i] = fmt.Sprintf("%d件（%s）", o.Count, formatPct(share(o.Count, base)))
	}
	return newBarChart(id, "選択肢ごとの回答数: "+q.Label, cats,
		[]barSpec{{name: "回答数", values: vals, labels: labels, color: colorMain}},
		barLayout{horizontal: true, labelWidth: 200, height: barHeight(len(cats), 34)})
}

// scaleCategory is the axis label of a scale value.
func scaleCategory(s *Scale, v int) string {
	l := strconv.Itoa(v)
	switch {
	case v == s.Min && s.MinLabel != "":
		l += "\n" + s.MinLabel
	case v == s.Max && s.MaxLabel != "":
		l += "\n" + s.MaxLabel
	}
	return l
}

// scaleChart draws the distribution of a scale in the ordered ramp, from
// red (the low end) to dark blue (the top two values, whose share is the
// top-2-box).
func scaleChart(id string, q Question) (Chart, error) {
	s := q.Scale
	n := s.Max - s.Min + 1
	if n < 1 {
		n = 0
	}
	total := sum(s.Counts)
	cats := make([]string, n)
	vals := make([]float64, n)
	labels := make([]string, n)
	colors := orderedRamp(n)
	for i := range n {
		v := s.Min + i
		cats[i] = scaleCategory(s, v)
		cnt := 0
		if i < len(s.Counts) {
			cnt = s.Counts[i]
		}
		vals[i] = float64(cnt)
		labels[i] = fmt.Sprintf("%d件\n%s", cnt, formatPct(share(cnt, total)))
	}
	return newBarChart(id, "評価の分布: "+q.Label, cats,
		[]barSpec{{name: "回答数", values: vals, labels: labels, colors: colors}},
		barLayout{labelWidth: 90, height: 260})
}

// npsGroup names the NPS group of a 0–10 answer.
func npsGroup(v int) (name, color string) {
	switch {
	case v >= 9:
		return "推奨者", colorPromoter
	case v >= 7:
		return "中立者", colorPassive
	default:
		return "批判者", colorDetractor
	}
}

// npsCharts draws the 0–10 distribution coloured by group, and the
// composition of detractors, passives and promoters as one stacked bar.
func npsCharts(id string, q Question) ([]Chart, error) {
	n := q.NPS
	total := sum(n.Counts[:])
	cats := make([]string, 11)
	vals := make([]float64, 11)
	labels := make([]string, 11)
	colors := make([]string, 11)
	for v := range 11 {
		cats[v] = strconv.Itoa(v)
		vals[v] = float64(n.Counts[v])
		labels[v] = strconv.Itoa(n.Counts[v])
		_, colors[v] = npsGroup(v)
	}
	dist, err := newBarChart(id+"-dist", "0〜10の分布: "+q.Label, cats,
		[]barSpec{{name: "回答数", values: vals, labels: labels, colors: colors}},
		barLayout{labelWidth: 40, height: 220})
	if err != nil {
		return nil, err
	}
	groupTotal := n.Promoters + n.Passives + n.Detractors
	if groupTotal == 0 {
		groupTotal = total
	}
	part := func(name, color string, cnt int) barSpec {
		p := share(cnt, groupTotal)
		label := ""
		if p >= 6 {
			label = fmt.Sprintf("%s %s", name, formatPct(p))
		}
		return barSpec{name: name, values: []float64{p}, labels: []string{label}, color: color, stack: "nps"}
	}
	comp, err := newBarChart(id+"-groups", "推奨者・中立者・批判者の割合: "+q.Label, []string{"NPS"},
		[]barSpec{
			part("批判者", colorDetractor, n.Detractors),
			part("中立者", colorPassive, n.Passives),
			part("推奨者", colorPromoter, n.Promoters),
		},
		barLayout{horizontal: true, percent: true, full: true, legend: true, labelWidth: 40, height: 120})
	if err != nil {
		return nil, err
	}
	return []Chart{dist, comp}, nil
}

// matrixChart draws a matrix question as horizontal bars stacked to 100 %
// per row, its columns (an ordered scale: 不満 … 満足) in the ordered ramp.
func matrixChart(id string, q Question) (Chart, error) {
	m := q.Matrix
	series := make([]barSpec, len(m.Columns))
	colors := orderedRamp(len(m.Columns))
	for j, col := range m.Columns {
		s := barSpec{name: col, stack: "matrix", color: colors[j]}
		for i := range m.Rows {
			cnt, total := 0, 0
			if i < len(m.Counts) {
				total = sum(m.Counts[i])
				if j < len(m.Counts[i]) {
					cnt = m.Counts[i][j]
				}
			}
			p := share(cnt, total)
			s.values = append(s.values, p)
			label := ""
			if p >= 8 {
				label = formatPct(p)
			}
			s.labels = append(s.labels, label)
		}
		series[j] = s
	}
	return newBarChart(id, "行ごとの回答の割合: "+q.Label, m.Rows, series,
		barLayout{horizontal: true, percent: true, full: true, legend: true, labelWidth: 160,
			height: barHeight(len(m.Rows), 40) + 30})
}

// crossTabExclusive reports whether each respondent of the cross-tab is in
// one column only (a single answer, a scale): then a group's shares add up
// to 100 % and a stacked bar per group reads at a glance. With several
// answers per respondent (more ticks than respondents, issue categories)
// they do not.
func crossTabExclusive(ct CrossTab) bool {
	if ct.Codes {
		return false
	}
	for g := range ct.Groups {
		if g < len(ct.Counts) && g < len(ct.Bases) && sum(ct.Counts[g]) > ct.Bases[g] {
			return false
		}
	}
	return true
}

// crossTabBase is what the shares of group g divide by: the group's
// respondents who answered the question, or without that number the sum
// of its counts.
func crossTabBase(ct CrossTab, g int) int {
	if g < len(ct.Bases) && ct.Bases[g] > 0 {
		return ct.Bases[g]
	}
	if g < len(ct.Counts) {
		return sum(ct.Counts[g])
	}
	return 0
}

// crossTabChart draws a cross-tab. When each respondent gives one answer:
// one bar per attribute group stacked to 100 % of the group's respondents
// (named with their number). With several answers per respondent: for
// each answer one bar per group with the share of the group's respondents
// who gave it (the shares of a group add up to more than 100 %).
func crossTabChart(id string, q Question, ct CrossTab) (Chart, error) {
	attr := shortLabel(ct.Attribute)
	if crossTabExclusive(ct) {
		groups := make([]string, len(ct.Groups))
		for g, name := range ct.Groups {
			groups[g] = fmt.Sprintf("%s（%d人）", name, crossTabBase(ct, g))
		}
		colors := columnColors(ct.Columns, q)
		series := make([]barSpec, len(ct.Columns))
		for j, col := range ct.Columns {
			s := barSpec{name: col, stack: "crosstab", color: colors[j]}
			for g := range ct.Groups {
				cnt := 0
				if g < len(ct.Counts) && j < len(ct.Counts[g]) {
					cnt = ct.Counts[g][j]
				}
				p := share(cnt, crossTabBase(ct, g))
				s.values = append(s.values, p)
				label := ""
				if p >= 10 {
					label = formatPct(p)
				}
				s.labels = append(s.labels, label)
			}
			series[j] = s
		}
		return newBarChart(id, attr+"別の回答の割合（各グループの回答者＝100%）: "+q.Label, groups, series,
			barLayout{horizontal: true, percent: true, full: true, legend: true, labelWidth: 130,
				height: barHeight(len(groups), 40) + 30})
	}
	series := make([]barSpec, len(ct.Groups))
	for g, group := range ct.Groups {
		var row []int
		if g < len(ct.Counts) {
			row = ct.Counts[g]
		}
		total := crossTabBase(ct, g)
		s := barSpec{name: fmt.Sprintf("%s（%d人）", group, total), color: palette[g%len(palette)], small: true}
		for j := range ct.Columns {
			cnt := 0
			if j < len(row) {
				cnt = row[j]
			}
			p := share(cnt, total)
			s.values = append(s.values, p)
			label := ""
			if cnt > 0 {
				label = formatPct(p)
			}
			s.labels = append(s.labels, label)
		}
		series[g] = s
	}
	per := max(28, 10+14*len(ct.Groups))
	title := attr + "別の回答の割合（各グループの回答者に対する割合・複数回答）: "
	if ct.Codes {
		title = attr + "別の課題カテゴリの割合（各グループの回答者に対する割合）: "
	}
	return newBarChart(id, title+q.Label, ct.Columns, series,
		barLayout{horizontal: true, percent: true, legend: true, labelWidth: 160,
			height: barHeight(len(ct.Columns), per) + 30})
}

// columnColors colours the answers of a stacked bar: the values of a scale
// or an NPS question in the ordered ramp, other answers in the palette's
// order.
func columnColors(cols []string, q Question) []string {
	if q.Scale != nil || q.NPS != nil || q.Matrix != nil {
		return orderedRamp(len(cols))
	}
	out := make([]string, len(cols))
	for j := range cols {
		out[j] = palette[j%len(palette)]
	}
	return out
}
