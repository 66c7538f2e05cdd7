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
// (koe.3f2a9c1b5d6e7f80.css), so browsers may cache them for a year and still
// never run a stale copy after an upgrade.
type Static struct {
	prefix string            // URL path the names are served under, e.g. /static/
	hashed map[string]string // koe.css -> koe.<hash>.css
	files  map[string][]byte // hashed name -> content
}

// NewStatic serves koe's own page assets (internal/web/static) under /static/.
func NewStatic() *Static {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return NewStaticFS(sub, "/static/")
}

// NewStaticFS serves every file of fsys under prefix with content-hashed names.
func NewStaticFS(fsys fs.FS, prefix string) *Static {
	s := &Static{prefix: prefix, hashed: map[string]string{}, files: map[string][]byte{}}
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
		panic(err) // embedded trees are fixed at build time
	}
	return s
}

// Prefix is the URL path the assets are served under (for mux registration).
func (s *Static) Prefix() string { return s.prefix }

// URL returns the content-hashed URL of a file, e.g. URL("koe.css").
func (s *Static) URL(name string) string { return s.prefix + s.hashed[name] }

// ServeHTTP serves prefix + a hashed name.
func (s *Static) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, ok := s.files[strings.TrimPrefix(r.URL.Path, s.prefix)]
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch path.Ext(r.URL.Path) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case ".svg":
		w.Header().Set("Content-Type", "image/svg+xml")
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
}
