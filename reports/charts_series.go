package reports

import (
	"cmp"
	"math"
	"slices"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
)

// maxIssueLines is how many issues the issue trend chart draws (the most
// frequent); the table lists them all.
const maxIssueLines = 8

// lineSpec is one line of a line chart; NaN values are gaps.
type lineSpec struct {
	name   string
	values []float64
	color  string
}

// newLineChart builds a line chart with go-echarts.
func newLineChart(id, label string, cats []string, lines []lineSpec, unit string, legend bool, height int) (Chart, error) {
	l := charts.NewLine()
	top := "28"
	if legend {
		top = "56"
	}
	yl := &opts.AxisLabel{}
	if unit != "" {
		yl.Formatter = types.FuncStr("{value}" + unit)
	}
	l.SetGlobalOptions(
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(legend), Top: "0", Type: "scroll"}),
		charts.WithGridOpts(opts.Grid{Left: "12", Right: "36", Top: top, Bottom: "8", ContainLabel: opts.Bool(true)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Width: 90, Overflow: "break"}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Scale: opts.Bool(true), AxisLabel: yl}),
	)
	l.SetXAxis(cats)
	for _, s := range lines {
		data := make([]opts.LineData, len(s.values))
		for i, v := range s.values {
			data[i] = opts.LineData{Value: num(v)}
		}
		so := []charts.SeriesOpts{charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true), Symbol: "circle", SymbolSize: 8})}
		if s.color != "" {
			so = append(so, charts.WithItemStyleOpts(opts.ItemStyle{Color: s.color}), charts.WithLineStyleOpts(opts.LineStyle{Color: s.color, Width: 2}))
		}
		if !legend {
			so = append(so, charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "top"}))
		}
		l.AddSeries(s.name, data, so...)
	}
	c, err := finish(l, id, "line", label, height)
	if err != nil {
		return c, err
	}
	for i, s := range seriesList(c.Option) {
		// Plain values: null is a gap, {} would not be.
		vals := make([]any, len(lines[i].values))
		for j, v := range lines[i].values {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				vals[j] = round1(v)
			}
		}
		s["data"] = vals
	}
	for _, ax := range axes(c.Option, "xAxis") {
		if al, ok := ax["axisLabel"].(map[string]any); ok {
			al["interval"] = 0
		}
	}
	readableAxes(c.Option)
	return c, nil
}

// responseRate is the share of attendees who answered, in %, or NaN.
func responseRate(responses, attendees int) float64 {
	if attendees <= 0 {
		return math.NaN()
	}
	return round1(float64(responses) * 100 / float64(attendees))
}

// seriesCharts draws the trends of a series: responses, response rate,
// satisfaction, NPS and the most frequent issues.
func seriesCharts(s Series) ([]Chart, error) {
	cats := make([]string, len(s.Events))
	var resp, rate, sat, nps []float64
	for i, e := range s.Events {
		cats[i] = e.Label
		resp = append(resp, float64(e.Responses))
		rate = append(rate, responseRate(e.Responses, e.Attendees))
		sat = append(sat, math.NaN())
		if e.HasSatisfaction {
			sat[i] = e.Satisfaction
		}
		nps = append(nps, math.NaN())
		if e.HasNPS {
			nps[i] = e.NPS
		}
	}
	type spec struct {
		id, label, name, unit string
		values                []float64
		color                 string
	}
	specs := []spec{
		{"series-responses", "回答数の推移", "回答数", "", resp, palette[0]},
		{"series-rate", "回答率の推移", "回答率", "%", rate, palette[1]},
		{"series-satisfaction", "満足度（平均）の推移", "満足度", "", sat, palette[2]},
		{"series-nps", "NPSの推移", "NPS", "", nps, palette[3]},
	}
	var out []Chart
	for _, sp := range specs {
		c, err := newLineChart(sp.id, sp.label, cats, []lineSpec{{name: sp.name, values: sp.values, color: sp.color}}, sp.unit, false, 220)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(s.Issues) > 0 {
		issues := slices.Clone(s.Issues)
		slices.SortStableFunc(issues, func(a, b Issue) int { return cmp.Compare(sum(b.Counts), sum(a.Counts)) })
		issues = issues[:min(len(issues), maxIssueLines)]
		lines := make([]lineSpec, len(issues))
		for i, is := range issues {
			vals := make([]float64, len(s.Events))
			for j := range vals {
				if j < len(is.Counts) {
					vals[j] = float64(is.Counts[j])
				}
			}
			lines[i] = lineSpec{name: is.Term, values: vals, color: palette[i%len(palette)]}
		}
		c, err := newLineChart("series-issues", "課題の推移（件数の多いもの）", cats, lines, "", true, 300)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
