package reports

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"sync"
)

var (
	loadOnce  sync.Once
	templates *template.Template
	assets    *inlined
	loadErr   error
)

func load() (*template.Template, *inlined, error) {
	loadOnce.Do(func() {
		assets, loadErr = loadInlined()
		if loadErr != nil {
			return
		}
		var files []string
		files, loadErr = reportTemplates()
		if loadErr != nil {
			return
		}
		templates, loadErr = template.New("reports").Funcs(template.FuncMap{
			"inc": func(i int) int { return i + 1 },
			"sub": func(a, b int) int { return a - b },
		}).ParseFS(templateFS, files...)
	})
	return templates, assets, loadErr
}

// reportTemplates lists the templates of reports and blocks; the
// dashboard pages (dashboard*.html) are parsed with the staff layout instead.
func reportTemplates() ([]string, error) {
	all, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range all {
		if !strings.HasPrefix(path.Base(f), "dashboard") {
			out = append(out, f)
		}
	}
	return out, nil
}

var langRE = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)

func page(lang, title string) (pageView, error) {
	_, in, err := load()
	if err != nil {
		return pageView{}, err
	}
	if !langRE.MatchString(lang) {
		lang = "ja"
	}
	return pageView{Lang: lang, PageTitle: title, CSP: in.csp, CSS: in.css, Scripts: in.scripts}, nil
}

// execute renders a block into a buffer first, so that a failure never
// leaves half a page in w.
func execute(w io.Writer, name string, data any) error {
	t, _, err := load()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// WriteReport writes r as one self-contained HTML file: the chart library,
// styles and data are inlined, nothing is fetched, and it prints on A4.
func WriteReport(w io.Writer, r Report) error {
	pv, err := page(r.Lang, pageTitle(r.Title, r.Event.Title, "アンケート結果"))
	if err != nil {
		return err
	}
	v := reportView{pageView: pv, Header: reportHeader{
		Title: r.Title, Description: r.Description,
		SeriesTitle: r.Event.SeriesTitle, EventTitle: r.Event.Title, Date: r.Event.Date,
		Responses: r.Responses, Rate: rateText(r.Responses, r.Event.Attendees),
		Generated: formatGenerated(r.GeneratedAt),
	}}
	v.Summary = buildSummary(r)
	for i, q := range r.Questions {
		qv, err := buildQuestion(i+1, q)
		if err != nil {
			return err
		}
		v.Questions = append(v.Questions, qv)
	}
	return execute(w, "report-page", v)
}

// WriteSeries writes the series report s as one self-contained HTML file.
func WriteSeries(w io.Writer, s Series) error {
	title := s.Title
	if title == "" {
		title = s.Key
	}
	pv, err := page(s.Lang, pageTitle(title, "シリーズ比較"))
	if err != nil {
		return err
	}
	v, err := buildSeries(s)
	if err != nil {
		return err
	}
	v.pageView = pv
	return execute(w, "series-page", v)
}

// WriteQuestion writes the block of one question (a <section> with its
// charts and tables) for pages that compose blocks, such as dashboards. num
// is the question's 1-based number on the page; it also makes the chart ids
// unique. The page must include the styles and scripts of AssetsFS.
func WriteQuestion(w io.Writer, q Question, num int) error {
	if _, _, err := load(); err != nil {
		return err
	}
	qv, err := buildQuestion(num, q)
	if err != nil {
		return err
	}
	return execute(w, "question", qv)
}
