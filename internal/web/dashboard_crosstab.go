package web

import (
	"html/template"
	"net/http"
	"strings"
)

// The cross-tabs of a large dashboard, its words by attribute group and its
// long lists of answers are sent when opened: on the Fukui questionnaire (7 analysed questions by
// 13 attributes) they are most of a 13 MB page, and at 300 responses 3.1 of
// its 3.7 MB. Each is sent closed (<details data-src>); dashboard.js fetches
// its charts and tables from showCrossTab when it is opened.

// lazyCrossTabsOver is the size of a dashboard's cross-tabs and group words
// (rendered HTML) above which they are sent on demand; a meeting's few
// cross-tabs stay in the page.
const lazyCrossTabsOver = 256 << 10

// The blocks cut out are found by the shape reports' templates give them;
// answers in the blocks are escaped, so none can contain these tags.
const (
	// crosstab.html: <div class="crosstab" id="ID-block"><h3>…</h3>\n<figure>…</figure></div>
	crossTabStart = `<div class="crosstab" id="`
	crossTabEnd   = "</figure></div>"
	// group_words.html: its heading, then <div class="groups"> of tables (no
	// line starts with </div> inside), then \n</div>.
	groupWordsStart = "<h3>属性グループごとの特徴的な言葉</h3>\n"
	groupWordsEnd   = "\n</div>"
	// answers.html: a long list of answers comes closed (a short one open).
	answersStart = `<details class="answers-all">` + "\n"
	answersEnd   = "</details>"
	sectionID    = `<section class="question`
)

// deferredBlock is one block cut out of a dashboard: s[start:end] is
// replaced by a closed <details> with heading h3; body is sent when opened.
type deferredBlock struct {
	start, end int
	id, h3     string
	body       string
}

// deferCrossTabs returns blocks with each cross-tab's figure, each
// question's words by group and each closed list of answers replaced by a closed <details> that fetches
// them from base + their id + query, and the cut parts by id; blocks whose
// cross-tabs are small come back as they are, with none.
func deferCrossTabs(blocks template.HTML, base, query string) (template.HTML, map[string]template.HTML) {
	s := string(blocks)
	cuts, ok := crossTabBlocks(s)
	if !ok {
		return blocks, nil // not the templates' shape: leave the page whole
	}
	size := 0
	for _, c := range cuts {
		size += c.end - c.start
	}
	if size <= lazyCrossTabsOver {
		return blocks, nil
	}
	var b strings.Builder
	parts := make(map[string]template.HTML, len(cuts))
	last := 0
	for _, c := range cuts {
		b.WriteString(s[last:c.start])
		id := template.HTMLEscapeString(c.id)
		b.WriteString(`<details class="crosstab" id="` + id + `-block" data-src="` + template.HTMLEscapeString(base) + id + template.HTMLEscapeString(query) + `">` +
			"<summary>" + c.h3 + "</summary>\n" +
			`<div class="crosstab-body"><p class="note">開くと読み込みます（ダウンロードするレポートにはすべて載っています）。</p></div></details>`)
		parts[c.id] = template.HTML(c.body) // cut from html/template output
		last = c.end
	}
	b.WriteString(s[last:])
	return template.HTML(b.String()), parts
}

// crossTabBlocks finds the cross-tabs and group words of s, in order; ok is
// false when one does not have the shape expected.
func crossTabBlocks(s string) (cuts []deferredBlock, ok bool) {
	for i := 0; ; {
		x, g, a := strings.Index(s[i:], crossTabStart), strings.Index(s[i:], groupWordsStart), strings.Index(s[i:], answersStart)
		first := -1
		for _, at := range []int{x, g, a} {
			if at >= 0 && (first < 0 || at < first) {
				first = at
			}
		}
		switch {
		case first < 0:
			return cuts, true
		case first == a: // a long list of answers, already closed
			c := deferredBlock{start: i + a}
			rest := s[c.start+len(answersStart):]
			h3End, end := strings.Index(rest, "</h3></summary>\n"), strings.Index(rest, answersEnd)
			id, ok := sectionOf(s, c.start)
			if !ok || h3End < 0 || end < h3End || !strings.HasPrefix(rest, "<summary><h3>") {
				return nil, false
			}
			c.id = id + "-answers"
			c.h3 = rest[len("<summary>") : h3End+len("</h3>")]
			c.body = rest[h3End+len("</h3></summary>\n") : end]
			c.end = c.start + len(answersStart) + end + len(answersEnd)
			cuts = append(cuts, c)
			i = c.end
		case first == x: // a cross-tab
			c := deferredBlock{start: i + x}
			rest := s[c.start+len(crossTabStart):]
			q, h3End, end := strings.Index(rest, `">`), strings.Index(rest, "</h3>"), strings.Index(rest, crossTabEnd)
			if q < 0 || h3End < q || end < h3End || !strings.HasSuffix(rest[:q], "-block") || !strings.HasPrefix(rest[q+2:], "<h3>") {
				return nil, false
			}
			c.id = strings.TrimSuffix(rest[:q], "-block")
			c.h3 = rest[q+2 : h3End+len("</h3>")]
			c.body = rest[h3End+len("</h3>") : end+len("</figure>")]
			c.end = c.start + len(crossTabStart) + end + len(crossTabEnd)
			cuts = append(cuts, c)
			i = c.end
		default: // a question's words by group, named after its section
			c := deferredBlock{start: i + g}
			rest := s[c.start+len(groupWordsStart):]
			end := strings.Index(rest, groupWordsEnd)
			id, ok := sectionOf(s, c.start)
			if !ok || end < 0 || !strings.HasPrefix(rest, `<div class="groups">`) {
				return nil, false
			}
			c.id = id + "-groups"
			c.h3 = strings.TrimSuffix(groupWordsStart, "\n")
			c.body = rest[:end+len(groupWordsEnd)]
			c.end = c.start + len(groupWordsStart) + end + len(groupWordsEnd)
			cuts = append(cuts, c)
			i = c.end
		}
	}
}

// sectionOf returns the id of the question section s[at] is in (q9).
func sectionOf(s string, at int) (string, bool) {
	sec := strings.LastIndex(s[:at], sectionID)
	if sec < 0 {
		return "", false
	}
	idAt := strings.Index(s[sec:at], ` id="`)
	if idAt < 0 {
		return "", false
	}
	id := s[sec+idAt+len(` id="`) : at]
	q := strings.IndexByte(id, '"')
	if q <= 0 {
		return "", false
	}
	return id[:q], true
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
	c, err := srv.surveyBlocks(ctx, s, n, latest, r.URL.Query().Get("copies") == "all")
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
