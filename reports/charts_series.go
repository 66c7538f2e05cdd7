package reports

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

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

// yRange is where a trend's value axis starts and ends: the bounds of the
// scale, 0 for counts and shares, never just around the data (3.7 to 4.1 on
// a 1–5 scale would look like floor to ceiling). nil: ECharts decides.
type yRange struct {
	min, max any
}

// newLineChart builds a line chart with go-echarts.
func newLineChart(id, label string, cats []string, lines []lineSpec, unit string, legend bool, height int, y yRange) (Chart, error) {
	l := charts.NewLine()
	top := "28"
	if legend {
		names := make([]string, len(lines))
		for i, s := range lines {
			names[i] = s.name
		}
		t := legendTop(names) + 16 // and the axis' unit
		top, height = strconv.Itoa(t), height+max(t-56, 0)
	}
	yl := &opts.AxisLabel{}
	if unit != "" {
		yl.Formatter = types.FuncStr("{value}" + unit)
	}
	l.SetGlobalOptions(
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(legend), Top: "0", Type: "plain"}),
		charts.WithGridOpts(opts.Grid{Left: "12", Right: "36", Top: top, Bottom: "8", ContainLabel: opts.Bool(true)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Width: 90, Overflow: "break"}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Min: y.min, Max: y.max, AxisLabel: yl}),
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
		if al, ok := ax["axisLabel"].(map[string]any); ok && len(cats) <= maxLabelledEvents {
			al["interval"] = 0 // every event named; beyond that ECharts skips some rather than overlap them
		}
	}
	readableAxes(c.Option)
	return c, nil
}

// maxLabelledEvents is how many events a trend's axis names one by one.
const maxLabelledEvents = 8

// eventAxisLabels names the events on a trend's axis. The full labels
// (2020-07-16 第1回「地域共生社会と自治体の役割」) ran into each other on a
// chart a third of a page wide, and so did 2020年11月19日: the axis gives
// each event's date as month and day (the year on a line of its own when
// the events span years), or the start of its title when it has none; the
// table beside the chart names each event in full.
func eventAxisLabels(events []SeriesEvent) []string {
	out := make([]string, len(events))
	years := map[string]bool{}
	for _, e := range events {
		if year, _, ok := strings.Cut(e.Date, "年"); ok { // 2020年7月16日, as reports write dates
			years[year] = true
		}
	}
	seen := map[string]bool{}
	for i, e := range events {
		out[i] = e.Date
		if year, day, ok := strings.Cut(e.Date, "年"); ok {
			out[i] = day
			if len(years) > 1 {
				out[i] = year + "年\n" + day
			}
		}
		if out[i] == "" || seen[out[i]] {
			out[i] = e.Label
			if r := []rune(e.Title); e.Title != "" && len(r) > 8 {
				out[i] = string(r[:8]) + "…"
			} else if e.Title != "" {
				out[i] = e.Title
			}
		}
		seen[out[i]] = true
	}
	return out
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
	cats := eventAxisLabels(s.Events)
	var resp, rate, sat, nps []float64
	for i, e := range s.Events {
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
		y                     yRange
	}
	lo, hi := satisfactionRange(s.Events)
	specs := []spec{
		{"series-responses", "回答数の推移", "回答数", "", resp, palette[0], yRange{min: 0}},
		{"series-rate", "回答率の推移", "回答率", "%", rate, palette[1], yRange{0, 100}},
		{"series-satisfaction", fmt.Sprintf("満足度（平均、%d〜%dの尺度）の推移", lo, hi), "満足度", "", sat, palette[2], yRange{lo, hi}},
		{"series-nps", "NPSの推移", "NPS", "", nps, palette[3], yRange{-100, 100}},
	}
	var out []Chart
	for _, sp := range specs {
		c, err := newLineChart(sp.id, sp.label, cats, []lineSpec{{name: sp.name, values: sp.values, color: sp.color}}, sp.unit, false, 220, sp.y)
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
		top := 0.0
		for i, is := range issues {
			lines[i] = lineSpec{name: is.Term, values: issueShares(is, s.Events), color: palette[i%len(palette)]}
			for _, v := range lines[i].values {
				if !math.IsNaN(v) {
					top = max(top, v)
				}
			}
		}
		// Shares of each event's responses: an event with twice the
		// responses does not look twice as troubled.
		var ymax any
		if top > 50 {
			ymax = 100
		}
		c, err := newLineChart("series-issues", "課題の推移（各回の回答者に対する割合・件数の多いもの）", cats, lines, "%", true, 300, yRange{0, ymax})
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// issueShares is an issue's count at each event as a share (%) of that
// event's responses; NaN (a gap) for an event without responses.
func issueShares(is Issue, events []SeriesEvent) []float64 {
	out := make([]float64, len(events))
	for j, e := range events {
		cnt := 0
		if j < len(is.Counts) {
			cnt = is.Counts[j]
		}
		out[j] = share(cnt, e.Responses)
	}
	return out
}

// satisfactionRange is the scale satisfaction was asked on: the widest
// bounds the events give, else 1–5 (a scale's default), widened to take
// in any mean outside it.
func satisfactionRange(events []SeriesEvent) (lo, hi int) {
	known := false
	for _, e := range events {
		if e.SatisfactionMax > e.SatisfactionMin {
			if !known {
				lo, hi, known = e.SatisfactionMin, e.SatisfactionMax, true
			}
			lo, hi = min(lo, e.SatisfactionMin), max(hi, e.SatisfactionMax)
		}
	}
	if !known {
		lo, hi = 1, 5
	}
	for _, e := range events {
		if e.HasSatisfaction && !math.IsNaN(e.Satisfaction) {
			lo = min(lo, int(math.Floor(e.Satisfaction)))
			hi = max(hi, int(math.Ceil(e.Satisfaction)))
		}
	}
	return lo, hi
}
