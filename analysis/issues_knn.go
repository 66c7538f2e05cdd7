package analysis

import (
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
)

// sparseVec is a passage's TF-IDF vector: term ids ascending, weights with
// unit L2 norm.
type sparseVec struct {
	terms   []int32
	weights []float32
}

// dot is the cosine of two unit vectors.
func (a sparseVec) dot(b sparseVec) float32 {
	var s float32
	i, j := 0, 0
	for i < len(a.terms) && j < len(b.terms) {
		switch {
		case a.terms[i] < b.terms[j]:
			i++
		case a.terms[i] > b.terms[j]:
			j++
		default:
			s += a.weights[i] * b.weights[j]
			i++
			j++
		}
	}
	return s
}

// neighbour is a passage similar to another one.
type neighbour struct {
	unit int32
	sim  float32
}

// kNN parameters.
//
// maxPosting caps how much of a term's posting list a query reads: the
// passages where the term weighs most (short answers about little else).
// A term in 30,000 answers (少ない, 福井) is read 400 entries deep, which is
// what keeps the cost linear; such terms have a low IDF and decide little
// of a cosine anyway. maxQueryTerms is how many of a passage's terms (the
// heaviest) look for candidates: a paragraph of 60 terms would otherwise
// read 60 posting lists, mostly of words that weigh nothing in it.
// rescoreCandidates is how many of the best partial scores are recomputed
// exactly, over all terms, before the k best are kept.
const (
	maxPosting        = 400
	maxQueryTerms     = 16
	rescoreCandidates = 64
)

// nearestNeighbours returns, for every vector, its k most similar vectors
// (cosine at least minSim, most similar first, ties by index), leaving out
// vectors of the same owner (passages of one answer).
//
// It does not compare every pair. Vectors are put in an inverted index
// (term -> vectors holding it, heaviest weight first, cut at maxPosting);
// a query accumulates partial dot products over the postings of its
// maxQueryTerms heaviest terms, keeps the rescoreCandidates best, and
// recomputes those exactly. The cost is O(n · maxQueryTerms · maxPosting)
// time and O(non-zeros) memory, so it grows linearly with the number of
// answers, where all pairs would be O(n²) (5·10⁹ cosines at 100,000
// answers). On real answers it finds 99 % of the exact neighbours (see
// TestNearestNeighboursRecallOnRealAnswers). Queries run on GOMAXPROCS
// goroutines, each with its own dense score array; the result does not
// depend on the number of goroutines.
//
// An approximate-neighbour library would do the same job, but the Go
// modules for sparse cosine kNN are unmaintained or need cgo, and this is
// a hundred lines over data we already hold.
func nearestNeighbours(vecs []sparseVec, owner []int32, nterms, k int, minSim float32) [][]neighbour {
	n := len(vecs)
	// Inverted index in CSR form.
	counts := make([]int32, nterms+1)
	for _, v := range vecs {
		for _, t := range v.terms {
			counts[t+1]++
		}
	}
	for t := 1; t <= nterms; t++ {
		counts[t] += counts[t-1]
	}
	postUnit := make([]int32, counts[nterms])
	postW := make([]float32, counts[nterms])
	fill := append([]int32(nil), counts[:nterms]...)
	for u, v := range vecs {
		for i, t := range v.terms {
			postUnit[fill[t]] = int32(u)
			postW[fill[t]] = v.weights[i]
			fill[t]++
		}
	}
	for t := 0; t < nterms; t++ {
		lo, hi := counts[t], counts[t+1]
		if hi-lo <= maxPosting {
			continue
		}
		sort.Sort(postingOrder{units: postUnit[lo:hi], weights: postW[lo:hi]})
	}

	out := make([][]neighbour, n)
	flat := make([]neighbour, n*k)
	workers := min(runtime.GOMAXPROCS(0), max(n, 1))
	var wg sync.WaitGroup
	var next atomic.Int64
	const chunk = 256
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			acc := make([]float32, n)
			var touched []int32
			var cand []neighbour
			var heavy []int // indices of a query's heaviest terms
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= n {
					return
				}
				for q := lo; q < min(lo+chunk, n); q++ {
					v := vecs[q]
					heavy = heaviest(v.weights, maxQueryTerms, heavy[:0])
					touched = touched[:0]
					for _, i := range heavy {
						t, w := v.terms[i], v.weights[i]
						plo, phi := counts[t], counts[t+1]
						if phi-plo > maxPosting {
							phi = plo + maxPosting
						}
						for p := plo; p < phi; p++ {
							u := postUnit[p]
							if owner[u] == owner[q] {
								continue
							}
							if acc[u] == 0 {
								touched = append(touched, u)
							}
							acc[u] += w * postW[p]
						}
					}
					cand = cand[:0]
					for _, u := range touched {
						cand = append(cand, neighbour{u, acc[u]})
						acc[u] = 0
					}
					if len(cand) > rescoreCandidates {
						selectBest(cand, rescoreCandidates)
						cand = cand[:rescoreCandidates]
					}
					best := cand[:0]
					for _, c := range cand {
						if s := v.dot(vecs[c.unit]); s >= minSim {
							best = append(best, neighbour{c.unit, s})
						}
					}
					sort.Slice(best, func(i, j int) bool { return better(best[i], best[j]) })
					out[q] = append(flat[q*k:q*k:q*k+k], best[:min(k, len(best))]...)
				}
			}
		}()
	}
	wg.Wait()
	return out
}

// heaviest returns the indices of the (at most) m largest weights, ties by
// index, in index order.
func heaviest(w []float32, m int, buf []int) []int {
	for i := range w {
		buf = append(buf, i)
	}
	if len(buf) <= m {
		return buf
	}
	sort.Slice(buf, func(a, b int) bool {
		if w[buf[a]] != w[buf[b]] {
			return w[buf[a]] > w[buf[b]]
		}
		return buf[a] < buf[b]
	})
	buf = buf[:m]
	sort.Ints(buf)
	return buf
}

// selectBest reorders c so that its first m elements are the m best (by
// better), in no particular order: quickselect, O(len(c)) on average.
func selectBest(c []neighbour, m int) {
	lo, hi := 0, len(c)-1
	for lo < hi {
		pivot := c[lo+(hi-lo)/2]
		i, j := lo, hi
		for i <= j {
			for better(c[i], pivot) {
				i++
			}
			for better(pivot, c[j]) {
				j--
			}
			if i <= j {
				c[i], c[j] = c[j], c[i]
				i++
				j--
			}
		}
		switch {
		case m-1 <= j:
			hi = j
		case m-1 >= i:
			lo = i
		default:
			return
		}
	}
}

// better orders neighbours: higher similarity, then lower index.
func better(a, b neighbour) bool {
	if a.sim != b.sim {
		return a.sim > b.sim
	}
	return a.unit < b.unit
}

// postingOrder sorts a posting list by weight descending, then index.
type postingOrder struct {
	units   []int32
	weights []float32
}

func (p postingOrder) Len() int { return len(p.units) }
func (p postingOrder) Less(i, j int) bool {
	if p.weights[i] != p.weights[j] {
		return p.weights[i] > p.weights[j]
	}
	return p.units[i] < p.units[j]
}
func (p postingOrder) Swap(i, j int) {
	p.units[i], p.units[j] = p.units[j], p.units[i]
	p.weights[i], p.weights[j] = p.weights[j], p.weights[i]
}

// normalize scales weights to unit L2 norm.
func normalize(w []float32) {
	var s float64
	for _, x := range w {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(s))
	for i := range w {
		w[i] *= inv
	}
}
