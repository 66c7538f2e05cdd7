package reports

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/koe-project/koe/internal/browsertest"
)

// bigNetwork is a co-occurrence network of the size the chart is made for:
// 60 words in 12 groups, one word in most answers linked to nearly every
// group, and a few pairs linked to nothing else (which a free force layout
// pushes away from the rest).
func bigNetwork() Network {
	words := []string{
		"地域", "活動", "交流", "参加", "子ども", "高齢者", "防災", "情報", "支援", "協力",
		"行政", "社協", "ボランティア", "居場所", "見守り", "担い手", "若者", "町内会", "連携", "課題",
		"相談", "福祉", "学校", "家族", "孤立", "移動", "買い物", "健康", "食事", "サロン",
		"イベント", "広報", "回覧板", "SNS", "研修", "講座", "会議", "話し合い", "資金", "助成金",
		"場所", "公民館", "時間", "平日", "休日", "仕事", "負担", "継続", "後継者", "世代",
		"つながり", "関係", "安心", "安全", "避難", "訓練", "災害", "備蓄", "要配慮者", "名簿",
	}
	var n Network
	for i, w := range words {
		docs := max(2, 40-i)
		if i == 0 {
			docs = 60
		}
		n.Nodes = append(n.Nodes, Node{Term: w, Docs: docs, Community: 1 + i%12})
	}
	for i := 1; i < len(words); i++ {
		if i < 54 {
			n.Edges = append(n.Edges, Edge{A: words[0], B: words[i], Jaccard: 0.1 + float64(i%5)/20})
		}
		if j := i + 12; j < len(words) {
			n.Edges = append(n.Edges, Edge{A: words[i], B: words[j], Jaccard: 0.3 + float64(i%4)/10})
		}
	}
	return n
}

func networkReport() Report {
	r := sampleReport()
	r.Questions = []Question{{Key: "comment", Label: "地域活動についてのご意見", Type: "textarea", Answered: 120, Text: &Text{
		Terms:   []TermCount{{"地域", 80, 60}, {"活動", 50, 39}},
		Network: bigNetwork(),
	}}}
	return r
}

// nodesOutsideJS lists, for every graph chart, the nodes whose circle is not
// wholly inside the chart's canvas, from the positions ECharts drew them at.
const nodesOutsideJS = `(() => {
  const out = [];
  let nodes = 0;
  for (const el of document.querySelectorAll('.chart-graph')) {
    const c = echarts.getInstanceByDom(el);
    const w = c.getWidth(), h = c.getHeight();
    const s = c.getModel().getSeriesByType('graph')[0];
    const data = s.getData();
    for (let i = 0; i < data.count(); i++) {
      nodes++;
      const p = c.convertToPixel({seriesIndex: s.seriesIndex}, data.getItemLayout(i));
      let size = data.getItemVisual(i, 'symbolSize');
      if (Array.isArray(size)) size = Math.max(size[0], size[1]);
      const r = size / 2;
      if (!(p[0] - r >= 0 && p[1] - r >= 0 && p[0] + r <= w && p[1] + r <= h)) {
        out.push(el.id + ' ' + data.getName(i) + ' at ' + Math.round(p[0]) + ',' + Math.round(p[1]) + ' r ' + r + ' in ' + w + 'x' + h);
      }
    }
  }
  return {nodes: nodes, outside: out};
})()`

type nodesOutside struct {
	Nodes   int      `json:"nodes"`
	Outside []string `json:"outside"`
}

// Every node of the co-occurrence network lies inside its canvas on a
// desktop, a tablet, a phone and in the print layout.
func TestBrowserNetworkInsideCanvas(t *testing.T) {
	ctx := browsertest.New(t)
	for name, r := range map[string]Report{"sample": sampleReport(), "big": networkReport()} {
		p := writeTemp(t, "network-"+name+".html", func(b *bytes.Buffer) error { return WriteReport(b, r) })
		for _, size := range []struct {
			name          string
			width, height int64
			print         bool
		}{
			{"desktop", 1366, 900, false},
			{"tablet", 768, 1024, false},
			{"phone", 390, 844, false},
			{"print", 688, 1000, true},
		} {
			t.Run(fmt.Sprintf("%s-%s", name, size.name), func(t *testing.T) {
				tab, cancel := chromedp.NewContext(ctx)
				defer cancel()
				media := ""
				if size.print {
					media = "print"
				}
				if err := chromedp.Do(tab,
					chromedp.EmulateViewport(size.width, size.height),
					chromedp.Navigate("file://"+p),
					chromedp.WaitReady("body"),
				); err != nil {
					t.Fatal(err)
				}
				chartsFittedTo(t, tab, media, 500*time.Millisecond)
				got := browsertest.Get(t, tab, chromedp.Evaluate[nodesOutside](nodesOutsideJS))
				if got.Nodes == 0 {
					t.Fatal("no network nodes drawn")
				}
				if len(got.Outside) > 0 {
					t.Errorf("%d of %d nodes not inside the canvas: %v", len(got.Outside), got.Nodes, got.Outside)
				}
				if d := shotsDirEnv(); d != "" {
					png := browsertest.Get(t, tab, chromedp.Screenshot(chromedp.CSS(`.chart-graph`)))
					writeShot(t, d, fmt.Sprintf("network-%s-%s.png", name, size.name), png)
				}
			})
		}
	}
}

// shotsDirEnv is where browser tests save screenshots for people to look
// at ($KOE_REPORT_SCREENSHOTS), or "" for none.
func shotsDirEnv() string { return os.Getenv("KOE_REPORT_SCREENSHOTS") }

func writeShot(t *testing.T, dir, name string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("saved %s", p)
}
