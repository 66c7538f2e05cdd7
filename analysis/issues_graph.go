package analysis

import (
	"sort"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/simple"
)

// simGraph is the similarity graph of the passages: an undirected edge
// between two passages when one is among the other's nearest neighbours,
// weighted by their cosine. Adjacency is in CSR form (neighbours of node i
// are adj[off[i]:off[i+1]], ascending), which holds 100,000 passages with
// ten neighbours each in about 20 MB, where a map per edge would need ten
// times that. It implements gonum's graph.WeightedUndirected (node IDs
// 0..n-1, iterated in ID order) so that gonum's community.Q and Modularize
// can check louvain's partitions.
type simGraph struct {
	off []int32
	adj []int32
	w   []float32
}

// newSimGraph symmetrises the neighbour lists (weight: the larger of the
// two cosines, which are equal unless a posting cut hid a term).
func newSimGraph(nbrs [][]neighbour) *simGraph {
	n := len(nbrs)
	type edge struct {
		a, b int32
		w    float32
	}
	var edges []edge
	for q, list := range nbrs {
		for _, nb := range list {
			a, b := int32(q), nb.unit
			if a > b {
				a, b = b, a
			}
			edges = append(edges, edge{a, b, nb.sim})
		}
	}
	sort.Slice(edges, func(i, j int) bool {
		if edges[i].a != edges[j].a {
			return edges[i].a < edges[j].a
		}
		if edges[i].b != edges[j].b {
			return edges[i].b < edges[j].b
		}
		return edges[i].w > edges[j].w
	})
	uniq := edges[:0]
	for i, e := range edges {
		if i > 0 && e.a == edges[i-1].a && e.b == edges[i-1].b {
			continue // the first of equal pairs has the larger weight
		}
		uniq = append(uniq, e)
	}
	g := &simGraph{off: make([]int32, n+1)}
	for _, e := range uniq {
		g.off[e.a+1]++
		g.off[e.b+1]++
	}
	for i := 1; i <= n; i++ {
		g.off[i] += g.off[i-1]
	}
	g.adj = make([]int32, g.off[n])
	g.w = make([]float32, g.off[n])
	fill := append([]int32(nil), g.off[:n]...)
	put := func(from, to int32, w float32) {
		g.adj[fill[from]] = to
		g.w[fill[from]] = w
		fill[from]++
	}
	for _, e := range uniq { // sorted by (a, b): each node's list comes out ascending
		put(e.a, e.b, e.w)
	}
	for _, e := range uniq {
		put(e.b, e.a, e.w)
	}
	for i := 0; i < n; i++ {
		lo, hi := g.off[i], g.off[i+1]
		sort.Sort(adjOrder{g.adj[lo:hi], g.w[lo:hi]})
	}
	return g
}

type adjOrder struct {
	to []int32
	w  []float32
}

func (a adjOrder) Len() int           { return len(a.to) }
func (a adjOrder) Less(i, j int) bool { return a.to[i] < a.to[j] }
func (a adjOrder) Swap(i, j int) {
	a.to[i], a.to[j] = a.to[j], a.to[i]
	a.w[i], a.w[j] = a.w[j], a.w[i]
}

func (g *simGraph) len() int { return len(g.off) - 1 }

// weight of the edge between x and y (0 when there is none).
func (g *simGraph) weight(x, y int32) (float32, bool) {
	lo, hi := g.off[x], g.off[x+1]
	nb := g.adj[lo:hi]
	i := sort.Search(len(nb), func(i int) bool { return nb[i] >= y })
	if i < len(nb) && nb[i] == y {
		return g.w[int(lo)+i], true
	}
	return 0, false
}

// gonum's graph.WeightedUndirected.

func (g *simGraph) Node(id int64) graph.Node {
	if id < 0 || id >= int64(g.len()) {
		return nil
	}
	return simple.Node(id)
}

func (g *simGraph) Nodes() graph.Nodes {
	nodes := make([]graph.Node, g.len())
	for i := range nodes {
		nodes[i] = simple.Node(i)
	}
	return iterator.NewOrderedNodes(nodes)
}

func (g *simGraph) From(id int64) graph.Nodes {
	lo, hi := g.off[id], g.off[id+1]
	if lo == hi {
		return graph.Empty
	}
	nodes := make([]graph.Node, hi-lo)
	for i, v := range g.adj[lo:hi] {
		nodes[i] = simple.Node(v)
	}
	return iterator.NewOrderedNodes(nodes)
}

func (g *simGraph) HasEdgeBetween(x, y int64) bool {
	_, ok := g.weight(int32(x), int32(y))
	return ok
}

func (g *simGraph) Edge(u, v int64) graph.Edge { return g.WeightedEdge(u, v) }

func (g *simGraph) EdgeBetween(x, y int64) graph.Edge { return g.WeightedEdge(x, y) }

func (g *simGraph) WeightedEdgeBetween(x, y int64) graph.WeightedEdge { return g.WeightedEdge(x, y) }

func (g *simGraph) WeightedEdge(u, v int64) graph.WeightedEdge {
	w, ok := g.weight(int32(u), int32(v))
	if !ok {
		return nil
	}
	return simple.WeightedEdge{F: simple.Node(u), T: simple.Node(v), W: float64(w)}
}

func (g *simGraph) Weight(x, y int64) (float64, bool) {
	if x == y {
		return 0, true
	}
	w, ok := g.weight(int32(x), int32(y))
	return float64(w), ok
}
