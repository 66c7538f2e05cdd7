package analysis

import (
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
)

// unitVectors prepares real answers and returns their passage vectors.
func unitVectors(docs []Doc) (*prepared, []sparseVec, []int32) {
	sorted := append([]Doc(nil), docs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	p := prepare(sorted, nil)
	vecs := make([]sparseVec, len(p.units))
	owner := make([]int32, len(p.units))
	for i, u := range p.units {
		vecs[i] = u.vec
		owner[i] = u.answer
	}
	return p, vecs, owner
}

// The inverted index with capped postings finds nearly the same neighbours
// as comparing every pair, on real answers where frequent terms (少ない,
// 駐車場 in hundreds of answers) exceed the cap, and on long paragraphs
// whose passages have more terms than a query reads.
func TestNearestNeighboursRecallOnRealAnswers(t *testing.T) {
	for _, c := range []struct {
		name string
		docs []Doc
	}{
		{"fukui", append(slices.Clone(fukuiDocs(t, "不便さの内容")), fukuiDocs(t, "福井県に求めるもの")...)},
		{"aozora", lineDocs(t, "aozora-paragraphs.txt", 0, 4000)},
	} {
		p, vecs, owner := unitVectors(c.docs)
		capped, long := 0, 0
		for _, df := range p.unitDF {
			if df > maxPosting {
				capped++
			}
		}
		for _, v := range vecs {
			if len(v.terms) > maxQueryTerms {
				long++
			}
		}
		got := nearestNeighbours(vecs, owner, len(p.vocab), issueNeighbours, minNeighbourSim)
		rng := rand.New(rand.NewPCG(1, 2))
		found, wanted := 0, 0
		for range 300 {
			q := rng.IntN(len(vecs))
			var exact []float32
			for u := range vecs {
				if owner[u] != owner[q] {
					if s := vecs[q].dot(vecs[u]); s >= minNeighbourSim {
						exact = append(exact, s)
					}
				}
			}
			sort.Slice(exact, func(i, j int) bool { return exact[i] > exact[j] })
			if len(exact) > issueNeighbours {
				exact = exact[:issueNeighbours]
			}
			if len(exact) == 0 {
				continue
			}
			kth := exact[len(exact)-1]
			wanted += len(exact)
			for _, nb := range got[q] {
				// A neighbour counts if it is as similar as the exact k-th (ties
				// at the k-th place are interchangeable).
				if nb.sim >= kth-1e-6 {
					found++
				}
			}
		}
		recall := float64(found) / float64(wanted)
		t.Logf("%s: %d passages, %d terms over the posting cap of %d, %d passages with more than %d terms: recall@%d %.3f",
			c.name, len(vecs), capped, maxPosting, long, maxQueryTerms, issueNeighbours, recall)
		if recall < 0.95 {
			t.Errorf("%s: recall@%d = %.3f, want at least 0.95", c.name, issueNeighbours, recall)
		}
	}
}

// louvain reaches the modularity of gonum's Modularize on the neighbour
// graph of real answers (it exists because gonum's is too slow at scale).
func TestLouvainModularityAgainstGonum(t *testing.T) {
	docs := fukuiDocs(t, "不便さの内容")[:2500]
	p, vecs, owner := unitVectors(docs)
	g := newSimGraph(nearestNeighbours(vecs, owner, len(p.vocab), issueNeighbours, minNeighbourSim))
	communities := func(member []int32) [][]graph.Node {
		by := map[int32][]graph.Node{}
		for i, c := range member {
			by[c] = append(by[c], g.Node(int64(i)))
		}
		var out [][]graph.Node
		for _, ns := range by {
			out = append(out, ns)
		}
		return out
	}
	for _, gamma := range []float64{1, fineResolution} {
		ours := community.Q(g, communities(louvain(g, gamma)), gamma)
		theirs := community.Q(g, community.Modularize(g, gamma, rand.NewPCG(1, 1)).Communities(), gamma)
		t.Logf("resolution %.0f: modularity %.4f here, %.4f gonum", gamma, ours, theirs)
		if ours < theirs-0.01 {
			t.Errorf("resolution %.0f: modularity %.4f, gonum reaches %.4f", gamma, ours, theirs)
		}
	}
	// Same graph, same partition: no randomness.
	a, b := louvain(g, fineResolution), louvain(g, fineResolution)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("louvain differs between runs at node %d", i)
		}
	}
}
