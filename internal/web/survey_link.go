package web

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net"
	"net/http"
	"net/url"
	"strings"

	"rsc.io/qr"

	"github.com/koe-project/koe/survey"
)

// The link page: the short public URL of a survey and its QR code, to print or
// put on the last slide of a meeting.

// publicURL is the address respondents open for a survey: the configured base
// URL, or the scheme and host the request came in on.
func (srv *Server) publicURL(r *http.Request, slug string) string {
	base := strings.TrimRight(srv.baseURL, "/")
	if base == "" {
		scheme := "http"
		if IsHTTPS(r) {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return base + "/s/" + url.PathEscape(slug)
}

type linkView struct {
	Survey *survey.Survey
	URL    string
	SVG    string
	// Loopback: the URL names this computer itself (localhost, 127.0.0.1),
	// which no respondent's phone can open.
	Loopback bool
}

// isLoopback reports whether a public URL's host is this computer itself.
func isLoopback(publicURL string) bool {
	u, err := url.Parse(publicURL)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (srv *Server) showLink(w http.ResponseWriter, r *http.Request) error {
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return err
	}
	return srv.pages.Render(w, r, http.StatusOK, srv.link, "回答用 URL と QR コード: "+s.Title, linkView{Survey: s, URL: srv.publicURL(r, s.Slug), Loopback: isLoopback(srv.publicURL(r, s.Slug))})
}

// qrQuiet is the white margin around a QR code, in modules (the standard asks for 4).
const qrQuiet = 4

func (srv *Server) qrCode(r *http.Request) (*survey.Survey, *qr.Code, error) {
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return nil, nil, err
	}
	c, err := qr.Encode(srv.publicURL(r, s.Slug), qr.M)
	return s, c, err
}

// QRPNG draws a QR code as a PNG with scale pixels per module.
func QRPNG(c *qr.Code, scale int) ([]byte, error) {
	side := (c.Size + 2*qrQuiet) * scale
	img := image.NewGray(image.Rect(0, 0, side, side))
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			v := uint8(0xff)
			if c.Black(x/scale-qrQuiet, y/scale-qrQuiet) {
				v = 0
			}
			img.SetGray(x, y, color.Gray{v})
		}
	}
	var buf bytes.Buffer
	err := png.Encode(&buf, img)
	return buf.Bytes(), err
}

// QRSVG draws a QR code as SVG, one path, scalable for print.
func QRSVG(c *qr.Code) string {
	side := c.Size + 2*qrQuiet
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" shape-rendering="crispEdges">`, side, side, side*8, side*8)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, side, side)
	for y := 0; y < c.Size; y++ {
		for x := 0; x < c.Size; x++ {
			if c.Black(x, y) {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x+qrQuiet, y+qrQuiet)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String()
}

func (srv *Server) qrPNG(w http.ResponseWriter, r *http.Request) error {
	s, c, err := srv.qrCode(r)
	if err != nil {
		return err
	}
	b, err := QRPNG(c, 10)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	if r.URL.Query().Get("download") != "" {
		w.Header().Set("Content-Disposition", `attachment; filename="`+s.Slug+`-qr.png"`)
	}
	_, err = w.Write(b)
	return err
}

func (srv *Server) qrSVG(w http.ResponseWriter, r *http.Request) error {
	s, c, err := srv.qrCode(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	if r.URL.Query().Get("download") != "" {
		w.Header().Set("Content-Disposition", `attachment; filename="`+s.Slug+`-qr.svg"`)
	}
	_, err = w.Write([]byte(QRSVG(c)))
	return err
}
