package analysis

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// IssueMap is a 2-D picture of the answers, coloured by group: each group a
// disc whose area is proportional to its passages, discs of similar groups
// near each other, and in each disc the passages nearest the group's centre
// in the middle. Coordinates are in [0, 1] (same scale on both axes).
type IssueMap struct {
	Points []IssueMapPoint `json:"points"`
	Labels []IssueMapLabel `json:"labels"`
}

// IssueMapPoint is one passage on the map. A long answer in several groups
// can have a point per group.
type IssueMapPoint struct {
	Answer int64 `json:"answer_id"`
	// Group is the index of the passage's group in Issues.Groups, -1 when
	// the passage is in no group (its answer may be, by another passage).
	Group int     `json:"group"`
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
}

// IssueMapLabel is where to draw a group's label (its disc's centre) and the
// disc's radius.
type IssueMapLabel struct {
	Group  int     `json:"group"`
	ID     string  `json:"id"`
	Label  string  `json:"label"`
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	Radius float64 `json:"radius"`
}

// answerMap draws a sample of at most limit passages.
//
// Where the discs go: principal coordinates (classical multidimensional
// scaling) of the groups' centroids, so that groups sharing words sit near
// each other, then overlapping discs are pushed apart. 未分類 is a grey
// disc of its own. A force layout over the passages' neighbour graph was
// tried first (gonum's graph/layout EadesR2): it starts from random points
// in the unit square, where two thousand points repel each other violently,
// and it stops at the first pair of neighbours that coincide (identical
// answers are common); the picture collapsed into a corner. A layout of all
// passages would also cost far more than the grouping itself.
//
// The sample is stratified: each group (and 未分類) contributes in
// proportion to its passages, at least three, and within it the passages
// with the smallest keys, so the sample is spread evenly and adding answers
// keeps most of its points.
func answerMap(p *prepared, cluster []int32, groups []IssueGroup, limit int) IssueMap {
	m := IssueMap{Points: []IssueMapPoint{}, Labels: []IssueMapLabel{}}
	if len(p.units) == 0 || limit <= 0 {
		return m
	}
	k := len(groups)
	strata := make([][]int32, k+1) // stratum k: 未分類
	byStratum := make([]int32, len(cluster))
	for u, c := range cluster {
		s := int32(k)
		if c >= 0 {
			s = c
		}
		byStratum[u] = s
		strata[s] = append(strata[s], int32(u))
	}
	keys := make([]uint64, len(p.units))
	for u := range keys {
		keys[u] = p.unitKey(u)
	}
	cents := centroids(p.units, byStratum, k+1, len(p.vocab))
	discs := make([]disc, 0, k+1)
	for s, us := range strata {
		if len(us) == 0 {
			continue
		}
		want := min(len(us), max(3, int(math.Round(float64(limit)*float64(len(us))/float64(len(p.units))))))
		sort.Slice(us, func(i, j int) bool {
			if keys[us[i]] != keys[us[j]] {
				return keys[us[i]] < keys[us[j]]
			}
			return us[i] < us[j]
		})
		sample := append([]int32(nil), us[:want]...)
		// Inside the disc: most central first, so it lands in the middle.
		sim := make(map[int32]float64, len(sample))
		for _, u := range sample {
			sim[u] = cents[s].cosUnit(p.units[u].vec)
		}
		sort.Slice(sample, func(i, j int) bool {
			if sim[sample[i]] != sim[sample[j]] {
				return sim[sample[i]] > sim[sample[j]]
			}
			return sample[i] < sample[j]
		})
		discs = append(discs, disc{stratum: int32(s), units: sample, r: math.Sqrt(float64(len(sample)))})
	}
	placeDiscs(discs, cents)

	// Scale to [0, 1] on both axes with one factor.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, d := range discs {
		lo = math.Min(lo, math.Min(d.x-d.r, d.y-d.r))
		hi = math.Max(hi, math.Max(d.x+d.r, d.y+d.r))
	}
	scale := 1 / math.Max(hi-lo, 1e-9)
	at := func(v float64) float64 { return (v - lo) * scale }
	for _, d := range discs {
		group := int(d.stratum)
		if group == k {
			group = -1
		}
		// Vogel's sunflower spiral: evenly filled disc, i-th point at radius
		// ∝ √i, so the first (most central) passages are in the middle.
		const golden = 2.399963229728653 // π(3 − √5)
		n := float64(len(d.units))
		for i, u := range d.units {
			rad := d.r * math.Sqrt((float64(i)+0.5)/n)
			x := d.x + rad*math.Cos(float64(i)*golden)
			y := d.y + rad*math.Sin(float64(i)*golden)
			m.Points = append(m.Points, IssueMapPoint{Answer: p.docs[p.units[u].answer].ID, Group: group, X: at(x), Y: at(y)})
		}
		if group >= 0 {
			m.Labels = append(m.Labels, IssueMapLabel{Group: group, ID: groups[group].ID, Label: groups[group].Label, X: at(d.x), Y: at(d.y), Radius: d.r * scale})
		}
	}
	sort.Slice(m.Labels, func(i, j int) bool { return m.Labels[i].Group < m.Labels[j].Group })
	return m
}

// disc is a group's (or 未分類's) place on the map.
type disc struct {
	stratum int32
	units   []int32
	x, y, r float64
}

// placeDiscs sets the discs' centres: classical MDS of the centroids'
// chord distances (|a−b|² = 2 − 2·cos for unit vectors) onto the two
// leading principal axes, scaled so that the discs would cover about half
// of the area they span, then overlaps removed by pushing pairs apart.
func placeDiscs(discs []disc, cents []centroid) {
	n := len(discs)
	if n == 1 {
		return
	}
	// Double-centred squared distances: B = −½ J D² J.
	d2 := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			c := cents[discs[i].stratum].cos(cents[discs[j].stratum])
			d2.SetSym(i, j, 2-2*c)
		}
	}
	rowMean := make([]float64, n)
	var all float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			rowMean[i] += d2.At(i, j) / float64(n)
		}
		all += rowMean[i] / float64(n)
	}
	b := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			b.SetSym(i, j, -0.5*(d2.At(i, j)-rowMean[i]-rowMean[j]+all))
		}
	}
	var eig mat.EigenSym
	coords := make([][2]float64, n)
	if eig.Factorize(b, true) {
		vals := eig.Values(nil) // ascending
		var vecs mat.Dense
		eig.VectorsTo(&vecs)
		for axis := 0; axis < 2 && axis < n; axis++ {
			col := n - 1 - axis
			l := math.Sqrt(math.Max(vals[col], 0))
			// An eigenvector's sign is arbitrary: fix it so that the first
			// disc (the largest group) is on the positive side.
			sign := 1.0
			if vecs.At(0, col) < 0 {
				sign = -1
			}
			for i := 0; i < n; i++ {
				coords[i][axis] = sign * vecs.At(i, col) * l
			}
		}
	}
	// Scale: the spread of the centres against the discs' total area.
	var area, spread float64
	var cx, cy float64
	for i, d := range discs {
		area += math.Pi * d.r * d.r
		cx += coords[i][0] / float64(n)
		cy += coords[i][1] / float64(n)
	}
	for i := range discs {
		spread += math.Hypot(coords[i][0]-cx, coords[i][1]-cy) / float64(n)
	}
	scale := math.Sqrt(2*area/math.Pi) / math.Max(spread, 1e-9) / 2
	for i := range discs {
		discs[i].x = (coords[i][0] - cx) * scale
		discs[i].y = (coords[i][1] - cy) * scale
	}
	// Push overlapping discs apart (each by its share of the overlap, the
	// larger disc moving less), in a fixed order, until none overlap.
	const gap = 1.0
	for iter := 0; iter < 200; iter++ {
		moved := false
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				a, c := &discs[i], &discs[j]
				dx, dy := c.x-a.x, c.y-a.y
				dist := math.Hypot(dx, dy)
				need := a.r + c.r + gap
				if dist >= need {
					continue
				}
				if dist < 1e-9 { // same place: separate along a fixed direction
					dx, dy, dist = math.Cos(float64(j)), math.Sin(float64(j)), 1
				}
				push := need - dist
				wa := c.r * c.r / (a.r*a.r + c.r*c.r)
				a.x -= dx / dist * push * wa
				a.y -= dy / dist * push * wa
				c.x += dx / dist * push * (1 - wa)
				c.y += dy / dist * push * (1 - wa)
				moved = true
			}
		}
		if !moved {
			break
		}
	}
}
