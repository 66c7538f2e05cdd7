package web

import (
	"html/template"
	"net/http"
)

// reportAssetsPrefix is where dashboards load the chart scripts and styles
// of reports from; downloaded reports inline the same files instead.
const reportAssetsPrefix = "/static/reports/"

// assetURLs are the stylesheets and scripts (in order) of a dashboard page.
type assetURLs struct {
	CSS, Scripts []string
}

// dashboardAssets lists charts.js with the chart libraries named in its
// URL's fragment (#libs=…, never sent to the server): charts.js loads them
// only when the first chart nears the viewport, so the page is shown and
// usable before 600 KB of script is parsed.
func dashboardAssets(s *Static) assetURLs {
	libs := s.URL("vendor/echarts.min.js") + "," + s.URL("vendor/echarts-wordcloud.min.js")
	return assetURLs{
		CSS:     []string{s.URL("report.css"), s.URL("dashboard.css")},
		Scripts: []string{s.URL("charts.js") + "#libs=" + libs, s.URL("dashboard.js")},
	}
}

// dashboardCSP lets a dashboard run only koe's own script files: no inline
// script, no event handler attribute, nothing from elsewhere.
const dashboardCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// renderDashboard writes a dashboard page: koe's layout with the stricter
// policy dashboards run under, never cached without asking.
func (srv *Server) renderDashboard(w http.ResponseWriter, r *http.Request, t *template.Template, title string, data any) error {
	w.Header().Set("Content-Security-Policy", dashboardCSP)
	w.Header().Set("Cache-Control", "private, no-cache")
	return srv.pages.Render(w, r, http.StatusOK, t, title, data)
}
