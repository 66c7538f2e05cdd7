package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// StaticPrefix is where dashboards load this package's assets from.
const StaticPrefix = "/static/reports/"

// Static serves the assets of AssetsFS under names carrying a hash of their
// content (vendor/echarts.min.1a2b3c4d5e6f7a8b.js), so browsers cache them
// for a year and never run a stale copy after an upgrade. Reports inline the
// same files instead.
type Static struct {
	hashed map[string]string // vendor/echarts.min.js -> vendor/echarts.min.<hash>.js
	files  map[string][]byte // hashed name -> content
}

// NewStatic indexes the embedded assets.
func NewStatic() *Static {
	s := &Static{hashed: map[string]string{}, files: map[string][]byte{}}
	fsys := AssetsFS()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(p)
		h := strings.TrimSuffix(p, ext) + "." + hex.EncodeToString(sum[:8]) + ext
		s.hashed[p], s.files[h] = h, b
		return nil
	})
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return s
}

// URL returns the content-hashed URL of an asset, e.g. URL("charts.js").
func (s *Static) URL(name string) string { return StaticPrefix + s.hashed[name] }

// ServeHTTP serves StaticPrefix + a hashed name.
func (s *Static) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, ok := s.files[strings.TrimPrefix(r.URL.Path, StaticPrefix)]
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch path.Ext(r.URL.Path) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(b)
}

// assetURLs are the stylesheets and scripts (in order) of a dashboard page.
type assetURLs struct {
	CSS, Scripts []string
}

func (s *Static) urls() assetURLs {
	return assetURLs{
		CSS: []string{s.URL("report.css"), s.URL("dashboard.css")},
		Scripts: []string{
			s.URL("vendor/echarts.min.js"), s.URL("vendor/echarts-wordcloud.min.js"),
			s.URL("charts.js"), s.URL("dashboard.js"),
		},
	}
}
