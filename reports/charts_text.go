package reports

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Limits of what the free text charts show; the tables below them may show
// more.
const (
	maxTermBars     = 20
	maxCloudWords   = 80
	maxNetworkNodes = 60
	maxNetworkEdges = 150
)

// termsChart draws the most frequent words as horizontal bars.
func termsChart(id string, q Question, terms []TermCount) (Chart, error) {
	terms = terms[:min(len(terms), maxTermBars)]
	cats := make([]string, len(terms))
	vals := make([]float64, len(terms))
	labels := make([]string, len(terms))
	for i, t := range terms {
		cats[i] = t.Term
		vals[i] = float64(t.Count)
		labels[i] = fmt.Sprintf("%d回", t.Count)
	}
	return newBarChart(id, "よく使われた言葉: "+q.Label, cats,
		[]barSpec{{name: "出現回数", values: vals, labels: labels, color: colorMain}},
		barLayout{horizontal: true, labelWidth: 120, height: barHeight(len(cats), 22)})
}

// wordCloudChart draws the frequent words as a word cloud (echarts-wordcloud).
func wordCloudChart(id string, q Question, terms []TermCount) (Chart, error) {
	terms = terms[:min(len(terms), maxCloudWords)]
	data := make([]opts.WordCloudData, len(terms))
	for i, t := range terms {
		data[i] = opts.WordCloudData{Name: t.Term, Value: t.Count}
	}
	wc := charts.NewWordCloud()
	wc.SetGlobalOptions(charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}))
	wc.AddSeries("出現回数", data,
		charts.WithWorldCloudChartOpts(opts.WordCloudChart{
			Shape:         "circle",
			SizeRange:     []float32{13, 46},
			RotationRange: []float32{0, 0}, // Japanese reads best upright
		}),
		// Set a colour so that go-echarts does not add its default colour
		// function (a "__f__" marker); colours per word are set below.
		charts.WithSeriesOpts(func(s *charts.SingleSeries) {
			s.TextStyle = &opts.TextStyle{Normal: &opts.TextStyle{Color: colorMain}}
		}),
	)
	c, err := finish(wc, id, "wordcloud", "ワードクラウド: "+q.Label, 300)
	if err != nil {
		return c, err
	}
	for _, s := range seriesList(c.Option) {
		s["textStyle"] = map[string]any{"fontFamily": fontFamily, "fontWeight": "bold"}
		s["gridSize"] = 6
		s["layoutAnimation"] = false // lay out at once, before printing
		s["shrinkToFit"] = true      // never drop a long word
		s["drawOutOfBound"] = false
		s["left"], s["top"], s["width"], s["height"] = "center", "center", "96%", "92%"
		items := make([]any, len(terms))
		for i, t := range terms {
			items[i] = map[string]any{
				"name":      t.Term,
				"value":     t.Count,
				"textStyle": map[string]any{"color": palette[i%len(palette)]},
			}
		}
		s["data"] = items
	}
	return c, nil
}

// networkNodes returns the nodes the network chart shows (the most frequent,
// names unique) and the edges between them (the strongest).
func networkNodes(n Network) ([]Node, []Edge) {
	nodes := slices.Clone(n.Nodes)
	slices.SortStableFunc(nodes, func(a, b Node) int { return cmp.Compare(b.Docs, a.Docs) })
	seen := map[string]bool{}
	kept := nodes[:0]
	for _, nd := range nodes {
		if seen[nd.Term] || len(kept) == maxNetworkNodes {
			continue
		}
		seen[nd.Term] = true
		kept = append(kept, nd)
	}
	edges := make([]Edge, 0, len(n.Edges))
	pair := map[[2]string]bool{}
	for _, e := range n.Edges {
		k := [2]string{e.A, e.B}
		if e.B < e.A {
			k = [2]string{e.B, e.A}
		}
		if e.A == e.B || !seen[e.A] || !seen[e.B] || pair[k] || math.IsNaN(e.Jaccard) {
			continue
		}
		pair[k] = true
		edges = append(edges, e)
	}
	slices.SortStableFunc(edges, func(a, b Edge) int { return cmp.Compare(b.Jaccard, a.Jaccard) })
	return kept, edges[:min(len(edges), maxNetworkEdges)]
}

// networkChart draws the co-occurrence network: nodes sized by the number of
// answers using the word, coloured by their group, at the places
// networkLayout computed (inside the chart's box at any size and on paper).
// The groups' legend is the table under the chart (network.html), never
// drawn over the nodes.
func networkChart(id string, q Question, n Network) (Chart, error) {
	nodes, edges := networkNodes(n)
	groups := networkGroups(nodes)
	rank := map[int]int{}
	cats := make([]*opts.GraphCategory, len(groups))
	for i, g := range groups {
		rank[g.Community] = i
		cats[i] = &opts.GraphCategory{Name: g.Name, ItemStyle: &opts.ItemStyle{Color: g.Color}}
	}
	maxDocs := 1
	for _, nd := range nodes {
		maxDocs = max(maxDocs, nd.Docs)
	}
	pos := networkLayout(nodes, edges, func(nd Node) int { return rank[nd.Community] })
	gn := make([]opts.GraphNode, len(nodes))
	for i, nd := range nodes {
		size := 10 + 32*math.Sqrt(float64(max(nd.Docs, 0))/float64(maxDocs))
		gn[i] = opts.GraphNode{Name: nd.Term, Value: float32(nd.Docs), Category: rank[nd.Community], SymbolSize: math.Round(size)}
	}
	gl := make([]opts.GraphLink, len(edges))
	for i, e := range edges {
		gl[i] = opts.GraphLink{Source: e.A, Target: e.B, Value: float32(round2(e.Jaccard)),
			LineStyle: &opts.LineStyle{Width: float32(round2(1 + 5*e.Jaccard))}}
	}
	g := charts.NewGraph()
	g.SetGlobalOptions(charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}))
	g.AddSeries("共起ネットワーク", gn, gl,
		charts.WithGraphChartOpts(opts.GraphChart{
			Layout:     "none",
			Roam:       opts.Bool(false),
			Categories: cats,
		}),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right", FontSize: 12, Color: "#222"}),
		charts.WithLineStyleOpts(opts.LineStyle{Color: "#9aa4b1", Opacity: opts.Float(0.7)}),
	)
	c, err := finish(g, id, "graph", "共起ネットワーク: "+q.Label, 440)
	if err != nil {
		return c, err
	}
	for _, s := range seriesList(c.Option) {
		// The layout's rectangle is stretched to this box; the margins hold
		// the largest node's radius (21 px) and, on the right, its label.
		// (charts.js turns it a quarter on a canvas higher than wide, with
		// narrower margins and smaller labels.)
		s["top"], s["bottom"], s["left"], s["right"] = 26, 26, 26, 96
		s["labelLayout"] = map[string]any{"hideOverlap": true}
		s["emphasis"] = map[string]any{"focus": "adjacency"}
		data, _ := s["data"].([]any)
		for i, d := range data {
			if m, ok := d.(map[string]any); ok && i < len(pos) {
				// Set here: go-echarts leaves out a coordinate of 0.
				m["x"], m["y"] = math.Round(pos[i][0]*1000), math.Round(pos[i][1]*1000)
			}
		}
	}
	return c, nil
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// codesChart draws the issue categories as horizontal bars of the number of
// answers coded with each.
func codesChart(id string, q Question, codes []Code, base int) (Chart, error) {
	cats := make([]string, len(codes))
	vals := make([]float64, len(codes))
	labels := make([]string, len(codes))
	for i, c := range codes {
		cats[i] = c.Code
		vals[i] = float64(c.Docs)
		labels[i] = fmt.Sprintf("%d件（%s）", c.Docs, formatPct(share(c.Docs, base)))
	}
	return newBarChart(id, "課題カテゴリ: "+q.Label, cats,
		[]barSpec{{name: "回答数", values: vals, labels: labels, color: palette[1]}},
		barLayout{horizontal: true, labelWidth: 160, height: barHeight(len(cats), 30)})
}
