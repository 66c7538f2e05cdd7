package reports

import "github.com/koe-project/koe/internal/web"

// StaticPrefix is where dashboards load this package's assets from.
const StaticPrefix = "/static/reports/"

// NewStatic serves the assets of AssetsFS to dashboards under StaticPrefix
// with content-hashed names; reports inline the same files instead.
func NewStatic() *web.Static { return web.NewStaticFS(AssetsFS(), StaticPrefix) }

// assetURLs are the stylesheets and scripts (in order) of a dashboard page.
type assetURLs struct {
	CSS, Scripts []string
}

func dashboardAssets(s *web.Static) assetURLs {
	return assetURLs{
		CSS: []string{s.URL("report.css"), s.URL("dashboard.css")},
		Scripts: []string{
			s.URL("vendor/echarts.min.js"), s.URL("vendor/echarts-wordcloud.min.js"),
			s.URL("charts.js"), s.URL("dashboard.js"),
		},
	}
}
