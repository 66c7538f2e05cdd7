package reports

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// networkGroup is one group (community) of the network as the chart and its
// table show it: named by its most frequent words, coloured by its rank.
type networkGroup struct {
	Community int
	Name      string
	Color     string
	Words     []Node // most frequent first
}

// colorOtherGroup colours the groups after the tenth (as many as the palette
// has colours), the smallest.
const colorOtherGroup = "#b8bec6"

// maxGroupNameWords is how many words name a group.
const maxGroupNameWords = 3

// networkGroups groups the shown nodes by community, largest group (by the
// answers its words are in) first, each named by its most frequent words:
// 「地域・活動・交流」 says what グループ10 does not.
func networkGroups(nodes []Node) []networkGroup {
	idx := map[int]int{}
	var gs []networkGroup
	for _, nd := range nodes {
		i, ok := idx[nd.Community]
		if !ok {
			i = len(gs)
			idx[nd.Community] = i
			gs = append(gs, networkGroup{Community: nd.Community})
		}
		gs[i].Words = append(gs[i].Words, nd)
	}
	weight := func(g networkGroup) int {
		t := 0
		for _, w := range g.Words {
			t += w.Docs
		}
		return t
	}
	slices.SortStableFunc(gs, func(a, b networkGroup) int {
		if c := cmp.Compare(weight(b), weight(a)); c != 0 {
			return c
		}
		return cmp.Compare(a.Community, b.Community)
	})
	for i := range gs {
		slices.SortStableFunc(gs[i].Words, func(a, b Node) int { return cmp.Compare(b.Docs, a.Docs) })
		var names []string
		for _, w := range gs[i].Words[:min(len(gs[i].Words), maxGroupNameWords)] {
			names = append(names, w.Term)
		}
		gs[i].Name = strings.Join(names, "・")
		gs[i].Color = colorOtherGroup // a colour used twice would join two groups
		if i < len(palette) {
			gs[i].Color = palette[i]
		}
	}
	return gs
}

// Proportions of the network layout: the box it fills is about this much
// wider than high on a desktop and on paper (the chart stretches it to its
// canvas, so on a phone it is narrower, never outside).
const networkAspect = 1.4

// networkGravity is the pull towards the centre: strong enough that a
// few words linked to nothing else stay near the rest instead of in the
// corners, weak enough that 60 words still fill the rectangle.
const networkGravity = 3.0

// networkLayout places the nodes in the rectangle [0, networkAspect] ×
// [0, 1] with a force-directed layout (Fruchterman–Reingold with gravity):
// linked words attract, all words repel, larger words more, and every word
// is held inside the rectangle at every step. It is deterministic (the same
// network is drawn the same way on screen and on paper) and needs no
// browser: the chart only scales the rectangle to its canvas, so no node
// can leave it however large the canvas or the page.
//
// gonum's EadesR2 has no gravity and no bounds: words linked to nothing
// else drift far away and squeeze the rest into a corner once scaled.
func networkLayout(nodes []Node, edges []Edge, group func(Node) int) [][2]float64 {
	n := len(nodes)
	pos := make([][2]float64, n)
	if n == 0 {
		return pos
	}
	w, h := networkAspect, 1.0
	index := map[string]int{}
	maxDocs := 1
	for i, nd := range nodes {
		index[nd.Term] = i
		maxDocs = max(maxDocs, nd.Docs)
	}
	// Start: each group in its own sector of an ellipse, its most frequent
	// word nearest the centre; so groups begin together and apart.
	groups := 0
	for _, nd := range nodes {
		groups = max(groups, group(nd)+1)
	}
	seen := map[int]int{}
	for i, nd := range nodes {
		g := group(nd)
		k := seen[g]
		seen[g]++
		a := 2*math.Pi*float64(g)/float64(max(groups, 1)) + 0.7*float64(k)
		r := 0.15 + 0.3*math.Sqrt(float64(k+1)/8)
		if g == 0 && k == 0 {
			r = 0
		}
		pos[i] = [2]float64{w/2 + r*w/2*math.Cos(a), h/2 + r*h/2*math.Sin(a)}
	}
	size := make([]float64, n)
	for i, nd := range nodes {
		size[i] = 0.4 + 0.6*math.Sqrt(float64(max(nd.Docs, 0))/float64(maxDocs))
	}
	type link struct {
		a, b int
		w    float64
	}
	var links []link
	for _, e := range edges {
		a, okA := index[e.A]
		b, okB := index[e.B]
		if okA && okB && a != b {
			links = append(links, link{a, b, 0.5 + e.Jaccard})
		}
	}
	k := 0.85 * math.Sqrt(w*h/float64(n))
	const steps = 400
	disp := make([][2]float64, n)
	for step := range steps {
		temp := 0.08 * w * (1 - float64(step)/steps)
		for i := range disp {
			// Gravity towards the centre keeps unlinked words near the rest.
			disp[i] = [2]float64{-networkGravity * (pos[i][0] - w/2), -networkGravity * (pos[i][1] - h/2)}
		}
		for i := range n {
			for j := i + 1; j < n; j++ {
				dx, dy := pos[i][0]-pos[j][0], pos[i][1]-pos[j][1]
				d2 := dx*dx + dy*dy
				if d2 < 1e-9 { // same place: part them the same way every time
					dx, dy, d2 = 1e-3*float64(i-j), 1e-3, 1e-6*float64((i-j)*(i-j))+1e-6
				}
				f := k * k * (size[i] + size[j]) / d2
				disp[i][0] += dx * f
				disp[i][1] += dy * f
				disp[j][0] -= dx * f
				disp[j][1] -= dy * f
			}
		}
		for _, l := range links {
			dx, dy := pos[l.a][0]-pos[l.b][0], pos[l.a][1]-pos[l.b][1]
			d := math.Sqrt(dx*dx + dy*dy)
			f := d * l.w / k
			disp[l.a][0] -= dx * f
			disp[l.a][1] -= dy * f
			disp[l.b][0] += dx * f
			disp[l.b][1] += dy * f
		}
		for i := range pos {
			dx, dy := disp[i][0], disp[i][1]
			d := math.Sqrt(dx*dx + dy*dy)
			if d > temp {
				dx, dy = dx/d*temp, dy/d*temp
			}
			pos[i][0] = min(max(pos[i][0]+dx, 0), w)
			pos[i][1] = min(max(pos[i][1]+dy, 0), h)
		}
	}
	// ECharts stretches the words' bounding box to the chart's box, and
	// the circles with it: fill the whole rectangle, so that on a canvas of
	// its proportions the circles stay round.
	for axis, size := range [2]float64{w, h} {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, p := range pos {
			lo, hi = min(lo, p[axis]), max(hi, p[axis])
		}
		if hi-lo < 1e-9 {
			continue
		}
		for i := range pos {
			pos[i][axis] = (pos[i][axis] - lo) / (hi - lo) * size
		}
	}
	return pos
}
