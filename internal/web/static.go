package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFiles embed.FS

// Static serves embedded assets under names that carry a hash of their content
// (koe.3f2a9c1b.css), so browsers may cache them for a year and still never
// run a stale copy after an upgrade.
type Static struct {
	hashed map[string]string // koe.css -> koe.3f2a9c1b.css
	files  map[string][]byte // koe.3f2a9c1b.css -> content
}

// NewStatic indexes the embedded static files.
func NewStatic() *Static {
	s := &Static{hashed: map[string]string{}, files: map[string][]byte{}}
	fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := staticFiles.ReadFile(p)
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		h := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		s.hashed[name], s.files[h] = h, b
		return nil
	})
	return s
}

// URL returns the content-hashed URL of a static file.
func (s *Static) URL(name string) string { return "/static/" + s.hashed[name] }

// ServeHTTP serves /static/{hashed name}.
func (s *Static) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, ok := s.files[strings.TrimPrefix(r.URL.Path, "/static/")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch path.Ext(r.URL.Path) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
}
