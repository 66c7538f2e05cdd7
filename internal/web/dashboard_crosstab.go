package web

import (
	"html/template"
	"net/http"
	"strings"
)

// The cross-tabs of a large dashboard are sent when opened: on the Fukui
// questionnaire (7 analysed questions by 13 attributes) they are most of a
// 13 MB page, and at 300 responses 2.7 of its 3.7 MB. Each is sent closed
// (<details data-src>); dashboard.js fetches its charts and tables from
// showCrossTab when it is opened.

// lazyCrossTabsOver is the size of a dashboard's cross-tabs (rendered HTML)
// above which they are sent on demand; a meeting's few cross-tabs stay in
// the page.
const lazyCrossTabsOver = 256 << 10

// crossTabStart begins every cross-tab block (reports/templates/crosstab.html):
// <div class="crosstab" id="ID-block"><h3>…</h3> <figure>…</figure></div>.
// Answers in the blocks are escaped, so none can contain these tags.
const crossTabStart = `<div class="crosstab" id="`

// deferCrossTabs returns blocks with each cross-tab's figure replaced by a
// closed <details> that fetches it from base + its chart id, and the cut
// figures by chart id; blocks whose cross-tabs are small come back as they
// are, with no figures.
func deferCrossTabs(blocks template.HTML, base string) (template.HTML, map[string]template.HTML) {
	s := string(blocks)
	type cut struct {
		start, end int // the whole block
		id, h3     string
		body       string
	}
	var cuts []cut
	size := 0
	for i := 0; ; {
		j := strings.Index(s[i:], crossTabStart)
		if j < 0 {
			break
		}
		c := cut{start: i + j}
		rest := s[c.start+len(crossTabStart):]
		q := strings.Index(rest, `">`)
		h3End := strings.Index(rest, "</h3>")
		figEnd := strings.Index(rest, "</figure></div>")
		if q < 0 || h3End < q || figEnd < h3End || !strings.HasSuffix(rest[:q], "-block") || !strings.HasPrefix(rest[q+2:], "<h3>") {
			return blocks, nil // not the template's shape: leave the page whole
		}
		c.id = strings.TrimSuffix(rest[:q], "-block")
		c.h3 = rest[q+2 : h3End+len("</h3>")]
		c.body = rest[h3End+len("</h3>") : figEnd+len("</figure>")]
		c.end = c.start + len(crossTabStart) + figEnd + len("</figure></div>")
		size += c.end - c.start
		cuts = append(cuts, c)
		i = c.end
	}
	if size <= lazyCrossTabsOver {
		return blocks, nil
	}
	var b strings.Builder
	figures := make(map[string]template.HTML, len(cuts))
	last := 0
	for _, c := range cuts {
		b.WriteString(s[last:c.start])
		id := template.HTMLEscapeString(c.id)
		b.WriteString(`<details class="crosstab" id="` + id + `-block" data-src="` + template.HTMLEscapeString(base) + id + `">` +
			"<summary>" + c.h3 + "</summary>\n" +
			`<div class="crosstab-body"><p class="note">開くと集計表とグラフを読み込みます（ダウンロードするレポートにはすべて載っています）。</p></div></details>`)
		figures[c.id] = template.HTML(c.body) // cut from html/template output
		last = c.end
	}
	b.WriteString(s[last:])
	return template.HTML(b.String()), figures
}

// showCrossTab writes one cross-tab of a survey's dashboard (its chart and
// table) for dashboard.js to place: the same blocks, with the same access
// checks and cache, as the dashboard itself.
func (srv *Server) showCrossTab(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s, err := srv.reportSurvey(r)
	if err != nil {
		return err
	}
	n, latest, err := srv.surveys.ResponseStamp(ctx, s)
	if err != nil {
		return err
	}
	c, err := srv.surveyBlocks(ctx, s, n, latest)
	if err != nil {
		return err
	}
	fig, ok := c.crossTabs[r.PathValue("id")]
	if !ok { // the page was loaded before the survey changed: said where it opened
		fig = `<p class="note">この集計表は変わりました。ダッシュボードを読み込み直してください。</p>`
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", dashboardCSP)
	w.Header().Set("Cache-Control", "private, no-cache")
	_, err = w.Write([]byte(fig))
	return err
}
