package analysis

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
)

// BenchmarkGroupIssues groups real answers: the first 1,000 and 10,000
// answers to 福井県に求めるもの; 100,000 answers made of every free-text
// answer of the Fukui questionnaire (81,094, seven questions), the chABSA
// sentences and aozora paragraphs; and the 25,399 aozora paragraphs alone
// (long answers, cut into passages). Terms are computed once in the setup
// (tokenizing is not part of grouping). peak-heap-MB is the largest live
// heap seen while grouping (sampled every 5 ms), grouping-heap-MB the part
// of it above the heap before grouping (the answers and their terms);
// cpu-s/op is the CPU time of a grouping on all cores together:
//
//	go test -run '^$' -bench GroupIssues -benchtime 1x -count 3 ./analysis/
func BenchmarkGroupIssues(b *testing.B) {
	cases := []struct {
		name string
		docs func(testing.TB) []Doc
	}{
		{"fukui-1000", func(tb testing.TB) []Doc { return fukuiDocs(tb, "福井県に求めるもの")[:1000] }},
		{"fukui-10000", func(tb testing.TB) []Doc { return fukuiDocs(tb, "福井県に求めるもの")[:10000] }},
		{"mixed-100000", mixed100k},
		{"aozora-25399", func(tb testing.TB) []Doc { return lineDocs(tb, "aozora-paragraphs.txt", 0, 0) }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			docs := c.docs(b)
			runtime.GC()
			before := heapLive()
			peak := sampleHeap()
			cpu0, _ := processCPU()
			b.ResetTimer()
			var res *Issues
			for b.Loop() {
				var err error
				if res, err = GroupIssues(docs, IssueOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			cpu1, cpuOK := processCPU()
			top := peak()
			if cpuOK {
				// CPU seconds per grouping: what the wall time would be on one
				// idle core; the machine is shared, so wall time varies.
				b.ReportMetric((cpu1-cpu0).Seconds()/float64(b.N), "cpu-s/op")
			}
			b.ReportMetric(float64(len(docs)), "answers")
			b.ReportMetric(float64(len(res.Groups)), "groups")
			b.ReportMetric(100*float64(len(res.Unassigned))/float64(res.Analysed), "%unassigned")
			b.ReportMetric(float64(top)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(top-min(top, before))/(1<<20), "grouping-heap-MB")
		})
	}
}

// mixed100k is 100,000 real answers: all Fukui free-text answers, the
// chABSA sentences, and aozora paragraphs to make up the number.
func mixed100k(tb testing.TB) []Doc {
	docs := append([]Doc(nil), fukuiDocs(tb, fukuiFreeText...)...)
	docs = append(docs, lineDocs(tb, "chabsa-sentences.txt", 1<<40, 0)...)
	return append(docs, lineDocs(tb, "aozora-paragraphs.txt", 2<<40, 100000-len(docs))...)
}

func heapLive() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// sampleHeap samples the live heap every 5 ms until the returned function
// is called, which returns the largest sample.
func sampleHeap() func() uint64 {
	var mu sync.Mutex
	top := heapLive()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				h := heapLive()
				mu.Lock()
				top = max(top, h)
				mu.Unlock()
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return max(top, heapLive())
	}
}
