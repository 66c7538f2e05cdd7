package analysis

import (
	"container/heap"
	"math"
	"sort"
)

// centroid is the sum of the vectors of a cluster's passages: term ids
// ascending, with its L2 norm. Its cosine with a passage is the passage's
// similarity to the cluster's centre; the cosine of two centroids is the
// average-linkage similarity of the two clusters (up to their spread).
type centroid struct {
	terms   []int32
	weights []float64
	norm    float64
}

func (c *centroid) setNorm() {
	var s float64
	for _, w := range c.weights {
		s += w * w
	}
	c.norm = math.Sqrt(s)
}

// cos of two centroids.
func (c centroid) cos(d centroid) float64 {
	if c.norm == 0 || d.norm == 0 {
		return 0
	}
	var s float64
	i, j := 0, 0
	for i < len(c.terms) && j < len(d.terms) {
		switch {
		case c.terms[i] < d.terms[j]:
			i++
		case c.terms[i] > d.terms[j]:
			j++
		default:
			s += c.weights[i] * d.weights[j]
			i++
			j++
		}
	}
	return s / (c.norm * d.norm)
}

// cosUnit is the cosine of a passage vector with the centroid.
func (c centroid) cosUnit(v sparseVec) float64 {
	if c.norm == 0 {
		return 0
	}
	var s float64
	j := 0
	for i, t := range v.terms {
		j += sort.Search(len(c.terms)-j, func(k int) bool { return c.terms[j+k] >= t })
		if j == len(c.terms) {
			break
		}
		if c.terms[j] == t {
			s += float64(v.weights[i]) * c.weights[j]
		}
	}
	return s / c.norm
}

// plus returns the centroid of the union of two clusters.
func (c centroid) plus(d centroid) centroid {
	out := centroid{terms: make([]int32, 0, len(c.terms)+len(d.terms)), weights: make([]float64, 0, len(c.terms)+len(d.terms))}
	i, j := 0, 0
	for i < len(c.terms) || j < len(d.terms) {
		switch {
		case j == len(d.terms) || (i < len(c.terms) && c.terms[i] < d.terms[j]):
			out.terms = append(out.terms, c.terms[i])
			out.weights = append(out.weights, c.weights[i])
			i++
		case i == len(c.terms) || d.terms[j] < c.terms[i]:
			out.terms = append(out.terms, d.terms[j])
			out.weights = append(out.weights, d.weights[j])
			j++
		default:
			out.terms = append(out.terms, c.terms[i])
			out.weights = append(out.weights, c.weights[i]+d.weights[j])
			i++
			j++
		}
	}
	out.setNorm()
	return out
}

// centroids computes the centroid of every cluster 0..k-1 (cluster -1 is
// left out).
func centroids(units []unit, cluster []int32, k, nterms int) []centroid {
	members := make([][]int32, k)
	for u, c := range cluster {
		if c >= 0 {
			members[c] = append(members[c], int32(u))
		}
	}
	out := make([]centroid, k)
	acc := make([]float64, nterms)
	var touched []int32
	for c, ms := range members {
		touched = touched[:0]
		for _, u := range ms {
			v := units[u].vec
			for i, t := range v.terms {
				if acc[t] == 0 {
					touched = append(touched, t)
				}
				acc[t] += float64(v.weights[i])
			}
		}
		sortInt32s(touched)
		cen := centroid{terms: append([]int32(nil), touched...), weights: make([]float64, len(touched))}
		for i, t := range touched {
			cen.weights[i] = acc[t]
			acc[t] = 0
		}
		cen.setNorm()
		out[c] = cen
	}
	return out
}

func sortInt32s(s []int32) { sort.Slice(s, func(i, j int) bool { return s[i] < s[j] }) }

// Clustering parameters, tuned on the Fukui questionnaire (ISSUES.md).
const (
	// fineResolution is the Louvain resolution of the first, fine partition.
	// At resolution 1 a kNN graph of short answers gives communities that
	// join unrelated topics through chance links (ゴミ箱 with 土産); at 3
	// the communities are small and pure, and the merge step below joins
	// those that talk about the same thing.
	fineResolution = 3.0
	// mergeSimilarity is the centroid cosine above which two neighbouring
	// clusters are merged (average linkage).
	mergeSimilarity = 0.3
	// memberSimilarity is the least cosine between a passage and its
	// group's centre: a passage below it was pulled in by one shared word
	// (ブレーカーが落ちた into a group about コンビニ) and goes to 未分類,
	// unless it is that close to another group's centre.
	memberSimilarity = 0.15
)

// minGroupAnswers is the size under which a cluster is not shown as a
// group: 0.5 % of the answers, at least 3 and at most 50 (at 100,000
// answers an issue raised by 200 people is still an issue; a bound of 0.5 %
// left 57 % of them in 未分類).
func minGroupAnswers(answers int) int {
	return min(max(3, int(math.Ceil(0.005*float64(answers)))), 50)
}

// clusterUnits assigns every passage to a cluster 0..k-1 or to -1 (未分類):
//
//  1. Louvain at fineResolution over the kNN graph: small, pure clusters;
//  2. average-linkage merging: two clusters joined by a kNN edge merge,
//     most similar first, while their centroids' cosine is at least
//     mergeSimilarity (bus-frequency and bus-route clusters become one);
//  3. passages less similar than memberSimilarity to their cluster's
//     centre leave it;
//  4. clusters with fewer than minGroupAnswers answers are dissolved;
//  5. every passage left out joins the cluster whose centre it is most
//     similar to, if that similarity is at least memberSimilarity.
//
// Every step is deterministic: ties go to the lower index.
func clusterUnits(p *prepared, g *simGraph) ([]int32, int) {
	fine := louvain(g, fineResolution)
	k := 0
	for _, c := range fine {
		k = max(k, int(c)+1)
	}
	cluster := mergeClusters(p.units, g, fine, k, len(p.vocab))
	cluster, k = compact(cluster)

	cents := centroids(p.units, cluster, k, len(p.vocab))
	for u, c := range cluster {
		if c >= 0 && cents[c].cosUnit(p.units[u].vec) < memberSimilarity {
			cluster[u] = -1
		}
	}
	// Dissolve clusters with too few answers (a passage per answer counts once).
	answers := make([]map[int32]bool, k)
	for u, c := range cluster {
		if c >= 0 {
			if answers[c] == nil {
				answers[c] = map[int32]bool{}
			}
			answers[c][p.units[u].answer] = true
		}
	}
	least := minGroupAnswers(len(p.docs))
	for u, c := range cluster {
		if c >= 0 && len(answers[c]) < least {
			cluster[u] = -1
		}
	}
	cluster, k = compact(cluster)
	if k == 0 {
		return cluster, 0
	}
	cents = centroids(p.units, cluster, k, len(p.vocab))
	rescue(p.units, cluster, cents, len(p.vocab))
	return cluster, k
}

// rescue gives each passage in no cluster the cluster whose centroid it is
// most similar to, when that is at least memberSimilarity. Centroids are
// those before any rescue, so the order of passages does not matter. An
// inverted index over the centroids' terms keeps this O(passages · terms ·
// clusters holding the term).
func rescue(units []unit, cluster []int32, cents []centroid, nterms int) {
	type entry struct {
		cluster int32
		w       float64
	}
	index := make([][]entry, nterms)
	for c, cen := range cents {
		for i, t := range cen.terms {
			index[t] = append(index[t], entry{int32(c), cen.weights[i] / cen.norm})
		}
	}
	score := make([]float64, len(cents))
	var touched []int32
	for u, c := range cluster {
		if c >= 0 {
			continue
		}
		touched = touched[:0]
		v := units[u].vec
		for i, t := range v.terms {
			for _, e := range index[t] {
				if score[e.cluster] == 0 {
					touched = append(touched, e.cluster)
				}
				score[e.cluster] += float64(v.weights[i]) * e.w
			}
		}
		sortInt32s(touched)
		best, bestScore := int32(-1), 0.0
		for _, c := range touched {
			if s := score[c]; s >= memberSimilarity && (best < 0 || s > bestScore) {
				best, bestScore = c, s
			}
			score[c] = 0
		}
		cluster[u] = best
	}
}

// compact renumbers clusters 0..k-1 in order of their first passage.
func compact(cluster []int32) ([]int32, int) {
	renum := map[int32]int32{}
	for i, c := range cluster {
		if c < 0 {
			continue
		}
		r, ok := renum[c]
		if !ok {
			r = int32(len(renum))
			renum[c] = r
		}
		cluster[i] = r
	}
	return cluster, len(renum)
}

// mergeClusters joins clusters by average linkage over the cluster graph
// (clusters linked by at least one kNN edge): repeatedly the most similar
// linked pair (centroid cosine, ties by lower ids) merges, until no linked
// pair reaches mergeSimilarity. A heap with lazy invalidation keeps it
// O(pairs · log pairs) plus the centroid sums.
func mergeClusters(units []unit, g *simGraph, cluster []int32, k, nterms int) []int32 {
	cents := centroids(units, cluster, k, nterms)
	linked := make([]map[int32]bool, k)
	for i := range linked {
		linked[i] = map[int32]bool{}
	}
	for u := 0; u < g.len(); u++ {
		a := cluster[u]
		for e := g.off[u]; e < g.off[u+1]; e++ {
			if b := cluster[g.adj[e]]; b != a {
				linked[a][b] = true
			}
		}
	}
	parent := make([]int32, k)
	version := make([]int32, k)
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(c int32) int32 {
		for parent[c] != c {
			parent[c] = parent[parent[c]]
			c = parent[c]
		}
		return c
	}
	h := &pairHeap{}
	for a := range linked {
		for _, b := range sortedKeys(linked[a]) {
			if int32(a) < b {
				if s := cents[a].cos(cents[b]); s >= mergeSimilarity {
					heap.Push(h, clusterPair{s, int32(a), b, 0, 0})
				}
			}
		}
	}
	for h.Len() > 0 {
		top := heap.Pop(h).(clusterPair)
		a, b := top.a, top.b
		if parent[a] != a || parent[b] != b || version[a] != top.va || version[b] != top.vb {
			continue // one of them has merged since
		}
		// b joins a (a is the lower id: it names the merged cluster).
		parent[b] = a
		version[a]++
		cents[a] = cents[a].plus(cents[b])
		cents[b] = centroid{}
		next := map[int32]bool{}
		for _, m := range []map[int32]bool{linked[a], linked[b]} {
			for c := range m {
				if r := find(c); r != a {
					next[r] = true
				}
			}
		}
		linked[a], linked[b] = next, nil
		for _, c := range sortedKeys(next) {
			linked[c][a] = true
			if s := cents[a].cos(cents[c]); s >= mergeSimilarity {
				x, y := a, c
				if y < x {
					x, y = y, x
				}
				heap.Push(h, clusterPair{s, x, y, version[x], version[y]})
			}
		}
	}
	out := make([]int32, len(cluster))
	for i, c := range cluster {
		out[i] = find(c)
	}
	return out
}

func sortedKeys(m map[int32]bool) []int32 {
	out := make([]int32, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sortInt32s(out)
	return out
}

// clusterPair is a candidate merge: similarity, clusters a < b, and their
// versions when the pair was scored.
type clusterPair struct {
	sim    float64
	a, b   int32
	va, vb int32
}

type pairHeap []clusterPair

func (h pairHeap) Len() int { return len(h) }
func (h pairHeap) Less(i, j int) bool {
	if h[i].sim != h[j].sim {
		return h[i].sim > h[j].sim
	}
	if h[i].a != h[j].a {
		return h[i].a < h[j].a
	}
	return h[i].b < h[j].b
}
func (h pairHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *pairHeap) Push(x any)   { *h = append(*h, x.(clusterPair)) }
func (h *pairHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
