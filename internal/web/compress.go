package web

import (
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzhttp"
)

// Compress compresses responses that are worth it (gzip, or zstd for
// clients that prefer it): text (pages, CSS, JavaScript, JSON, CSV, SVG)
// over 1 KB; never what is already compressed (images, xlsx, zip). It sets
// Vary: Accept-Encoding. The ECharts bundle alone goes from about 1 MB to a
// third of that, which is what a dashboard on a phone waits for.
//
// gzhttp (klauspost/compress) is used rather than a hand-written wrapper:
// it handles Flush, ranges, ETags and content sniffing correctly. Pages are
// compressed with random jitter in their length, so a secret on a page
// cannot be guessed from sizes (BREACH); koe's pages hold no CSRF token, but
// they do show answers next to what a visitor can put in a URL.
func Compress(next http.Handler) (http.Handler, error) {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.RandomJitter(32, 0, false), gzhttp.ContentTypeFilter(compressible))
	if err != nil {
		return nil, fmt.Errorf("web.Compress: %w", err)
	}
	return wrap(next), nil
}

// compressible says which content types are worth compressing: text.
func compressible(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch mt {
	case "application/json", "application/javascript", "image/svg+xml", "application/xml":
		return true
	}
	return strings.HasPrefix(mt, "text/")
}
