package reports

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
	"github.com/koe-project/koe/survey/examples"
)

// benchSentences make up the free text answers of the benchmark.
var benchSentences = []string{
	"他市の事例を聞けて参考になりました。", "庁内の縦割りをどう越えるかが課題です。", "社協と行政の役割分担について具体的な話が聞けてよかったです。",
	"質疑の時間がもう少し欲しかったです。", "行政の担当者が異動すると関係が途切れてしまう。", "財源の確保について他の自治体の工夫を知りたいです。",
	"オンラインの音声が聞き取りにくい場面がありました。", "人事異動で担当が変わっても連携が続く仕組みが大事だと感じました。",
	"担い手不足はどの地域でも共通の課題です。", "住民の巻き込み方のヒントをもらいました。", "県として市町村をどう支援できるか考えるきっかけになりました。",
	"地域づくりコーディネーターの配置が効果的でした。", "分野を越えた連携会議が形骸化しつつある。", "子ども食堂の運営に地域の方が協力してくれている。",
	"成果をどう評価すればよいか指標が定まらない。", "ワークショップの進め方を次回も学びたいです。", "NPOとの協働の事例をもっと知りたいです。",
	"連絡は info@example.jp までお願いします。", "引継ぎの工夫について話し合いたい。", "小規模な町では職員が少なく、人手が足りない。",
}

var benchRoles = []string{"県", "市町村", "社会福祉協議会", "NPO・市民活動団体"}

// seedResponses stores n responses to the meeting questionnaire (with
// analysed comments) through SubmitAll, in batches.
func seedResponses(b *testing.B, st *store.Store, s *survey.Survey, n int) {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	d := s.Definition()
	const batch = 2000
	for done := 0; done < n; done += batch {
		var pend []survey.Pending
		for i := done; i < min(done+batch, n); i++ {
			raw := map[string]any{
				"role":         benchRoles[rng.IntN(len(benchRoles))],
				"satisfaction": float64(1 + rng.IntN(5)),
				"recommend":    float64(rng.IntN(11)),
				"useful":       []string{"協働の考え方", "財源の確保"}[:1+rng.IntN(2)],
				"program":      map[string]string{"事例紹介": "参考になった", "質疑応答": "とても参考になった"},
				"next_time":    "ぜひ参加したい",
			}
			if rng.IntN(10) == 0 {
				raw["role"] = fmt.Sprintf("大学%d", rng.IntN(50))
			}
			if rng.IntN(3) > 0 {
				raw["comments"] = benchSentences[rng.IntN(len(benchSentences))] + benchSentences[rng.IntN(len(benchSentences))]
			}
			a, errs := survey.Validate(d, raw)
			if errs != nil {
				b.Fatal(errs)
			}
			pend = append(pend, survey.Pending{Answers: a, Sub: survey.Submission{Source: "bench", At: time.Unix(1700000000+int64(i), 0)}})
		}
		if _, _, err := st.SubmitAll(context.Background(), s, pend); err != nil {
			b.Fatal(err)
		}
	}
}

// peakHeap samples the heap while a benchmark runs.
type peakHeap struct {
	stop chan struct{}
	done sync.WaitGroup
	peak atomic.Uint64
}

func watchHeap() *peakHeap {
	p := &peakHeap{stop: make(chan struct{})}
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		var ms runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > p.peak.Load() {
				p.peak.Store(ms.HeapInuse)
			}
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *peakHeap) end() uint64 {
	close(p.stop)
	p.done.Wait()
	return p.peak.Load()
}

// BenchmarkBuildReport builds and writes the report of a survey with 1k,
// 10k and 100k responses on SQLite (100k is skipped under -short). It
// reports the file size and the peak heap in use (which includes the
// analyzer's dictionary, about 140 MB, loaded once).
//
//	go test -run '^$' -bench BuildReport -benchtime 3x ./reports/
func BenchmarkBuildReport(b *testing.B) {
	a, err := analysis.New(analysis.DefaultDictionary())
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			if n > 10_000 && testing.Short() {
				b.Skip("100k responses: not under -short")
			}
			ctx := context.Background()
			db := dbtest.Open(b, database.SQLite)
			texts := store.New(db, analysis.NewTokenizer(a))
			st := store.New(db, texts.Tokenizer())
			src := examples.File("meeting-feedback.yaml")
			d, err := survey.ParseDefinition("meeting-feedback.yaml", src)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := st.Apply(ctx, d, string(src)); err != nil {
				b.Fatal(err)
			}
			s, err := st.SurveyBySlug(ctx, d.Slug)
			if err != nil {
				b.Fatal(err)
			}
			seedResponses(b, st, s, n)
			runtime.GC()
			heap := watchHeap()
			var size int64
			b.ResetTimer()
			for b.Loop() {
				r, err := BuildReport(ctx, st, texts, s)
				if err != nil {
					b.Fatal(err)
				}
				if r.Responses != n {
					b.Fatalf("%d responses, want %d", r.Responses, n)
				}
				var w countingWriter
				if err := WriteReport(&w, r); err != nil {
					b.Fatal(err)
				}
				size = w.n
			}
			b.StopTimer()
			b.ReportMetric(float64(size), "report-bytes")
			b.ReportMetric(float64(heap.end())/(1<<20), "peak-heap-MB")
		})
	}
}
