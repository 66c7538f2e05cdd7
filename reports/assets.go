package reports

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"regexp"
	"strings"
)

//go:embed assets/report.css assets/charts.js assets/dashboard.js assets/dashboard.css assets/vendor/echarts.min.js assets/vendor/echarts-wordcloud.min.js assets/vendor/*.txt assets/vendor/README.md
var assetFS embed.FS

//go:embed templates/*.html
var templateFS embed.FS

// AssetsFS returns the files a page built from this package's blocks needs:
// report.css, charts.js and vendor/echarts.min.js,
// vendor/echarts-wordcloud.min.js with their licences. Reports inline them;
// dashboards may serve them (with content hashes) instead.
func AssetsFS() fs.FS {
	sub, err := fs.Sub(assetFS, "assets")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return sub
}

// inlineScripts are the scripts every page inlines, in order.
var inlineScripts = []string{
	"assets/vendor/echarts.min.js",
	"assets/vendor/echarts-wordcloud.min.js",
	"assets/charts.js",
}

// scriptBreak matches what would end or confuse an inline <script>.
var scriptBreak = regexp.MustCompile(`(?i)</script|<!--|<script`)

// inlined holds the page assets, read and checked once.
type inlined struct {
	css     template.CSS
	scripts []template.JS
	csp     string
}

func loadInlined() (*inlined, error) {
	css, err := assetFS.ReadFile("assets/report.css")
	if err != nil {
		return nil, err
	}
	if strings.Contains(strings.ToLower(string(css)), "</style") {
		return nil, fmt.Errorf("reports: report.css contains </style")
	}
	in := &inlined{css: template.CSS(css)}
	var hashes []string
	for _, name := range inlineScripts {
		b, err := assetFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		if scriptBreak.Match(b) {
			return nil, fmt.Errorf("reports: %s cannot be inlined: it contains </script, <script or <!--", name)
		}
		// The content is our own vendored, checked file, not user data.
		in.scripts = append(in.scripts, template.JS(b))
		sum := sha256.Sum256(b)
		hashes = append(hashes, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	}
	// Only the inlined scripts may run (no other inline script, no event
	// handler attribute, no eval), and nothing may be fetched.
	in.csp = "default-src 'none'; script-src " + strings.Join(hashes, " ") +
		"; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
	return in, nil
}
