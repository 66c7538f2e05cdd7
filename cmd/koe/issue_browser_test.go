package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/koe-project/koe/internal/browsertest"
	"github.com/koe-project/koe/internal/dbtest"
)

// In a real browser, on a dashboard of real imported answers: the issue
// cards come above the charts of the question, the answer map draws, and a
// click on a card's link opens the panel with exactly the card's answers; a
// click on a point of the map (the last of the largest group) opens its
// group's answers with its own first.
func TestIssueCardsInBrowser(t *testing.T) {
	runBeside(t)
	browsertest.Require(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ts, _, db := fukuiServer(t, kind)
			bctx := browsertest.New(t)
			console := watchConsole(bctx)
			signInBrowserAs(t, bctx, ts.URL, "admin@koe.test", editorPassword)
			type css = chromedp.CSS
			err := chromedp.Do(bctx,
				chromedp.Navigate(ts.URL+"/surveys/fukui-2"),
			)
			if err != nil {
				t.Fatal(err)
			}
			waitCharts(t, bctx)
			order := browsertest.Get(t, bctx, chromedp.Evaluate[[]float64](`(() => {
				const card = document.querySelector('.issue-card');
				const chart = [...document.querySelectorAll('.chart')].find(c => !c.closest('.issue-map'));
				const drawn = document.querySelectorAll('.issue-map .chart[data-drawn="true"] :is(svg, canvas)').length;
				return [card ? card.getBoundingClientRect().top : -1, chart ? chart.getBoundingClientRect().top : -1, drawn];
			})()`))
			if order[0] < 0 || order[1] < 0 || order[0] >= order[1] {
				t.Errorf("first issue card at %v, first chart of the question at %v: the cards must come first", order[0], order[1])
			}
			if order[2] == 0 {
				t.Errorf("the answer map did not draw")
			}
			size := browsertest.Get(t, bctx, chromedp.Evaluate[string](`document.querySelector('.issue-card .issue-size strong').textContent`))
			want, err := strconv.Atoi(strings.TrimSuffix(size, "件"))
			if err != nil {
				t.Fatalf("card size %q", size)
			}
			err = chromedp.Do(bctx,
				chromedp.Click(css(`.issue-card a.drill[data-issue]`)),
				chromedp.WaitVisible(css(`#drill-panel .drill-answers li`)),
			)
			if err != nil {
				t.Fatal(err)
			}
			got := browsertest.Get(t, bctx, chromedp.Evaluate[[]string](
				`[...document.querySelectorAll('#drill-panel .answer-text')].map(e => e.textContent)`))
			if len(got) != want || want == 0 {
				t.Errorf("the panel lists %d answers, the card says %d", len(got), want)
			}
			if path := browsertest.Get(t, bctx, chromedp.Evaluate[string](`location.pathname`)); path != "/surveys/fukui-2" {
				t.Errorf("the click left the dashboard for %s", path)
			}

			// A point of the answer map opens its group's answers, its own
			// answer first.
			point := browsertest.Get(t, bctx, chromedp.Evaluate[[]string](`(() => {
				const el = document.querySelector('.issue-map .chart');
				const s = echarts.getInstanceByDom(el).getOption().series[0];
				document.getElementById('drill-panel').hidden = true;
				document.getElementById('drill-panel').replaceChildren();
				const last = s.data[s.data.length - 1].name;
				echarts.getInstanceByDom(el).trigger('click', {name: last, seriesIndex: 0, dataType: 'node'});
				return [s.id, last];
			})()`))
			if err := chromedp.Do(bctx, chromedp.WaitVisible(css(`#drill-panel .drill-answers li`))); err != nil {
				t.Fatal(err)
			}
			size = browsertest.Get(t, bctx, chromedp.Evaluate[string](`document.getElementById('issue-`+point[0]+`').querySelector('.issue-size strong').textContent`))
			notes := browsertest.Get(t, bctx, chromedp.Evaluate[[]string](
				`[...document.querySelectorAll('#drill-panel .drill-answers li')].map(e => e.textContent)`))
			var text string
			if err := db.NewRaw("SELECT value FROM answers WHERE id = ?", point[1]).Scan(context.Background(), &text); err != nil {
				t.Fatal(err)
			}
			if want, _ := strconv.Atoi(strings.TrimSuffix(size, "件")); len(notes) != want || !strings.Contains(notes[0], "地図で選んだ回答") ||
				!strings.Contains(notes[0], strings.TrimSpace(text)) {
				t.Errorf("a point of group %s (%s) opens %d answers (want %d), the first %q, want answer %s: %q", point[0], size, len(notes), want, notes[0], point[1], text)
			}
			shot := browsertest.Get(t, bctx, chromedp.CaptureScreenshot())
			os.WriteFile(filepath.Join(browsertest.ArtifactDir(t), "issue-cards-"+string(kind)+".png"), shot, 0o644)
			if errs := console.errors(); len(errs) > 0 {
				t.Errorf("console: %v", errs)
			}
		})
	}
}
