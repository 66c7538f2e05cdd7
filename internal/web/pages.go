package web

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"
)

//go:embed templates
var baseFiles embed.FS

// Pages renders html/template pages inside koe's base layout.
type Pages struct {
	static *Static
	log    *slog.Logger
	errors *template.Template
}

// NewPages returns a renderer using the given static assets.
func NewPages(static *Static, log *slog.Logger) *Pages {
	p := &Pages{static: static, log: log}
	// error.html is this package's own, embedded: a test parses it.
	p.errors = template.Must(p.Parse(baseFiles, "templates/error.html"))
	return p
}

// Static returns the static assets, for handlers that register them.
func (p *Pages) Static() *Static { return p.static }

// Funcs are available in every page template.
func (p *Pages) funcs() template.FuncMap {
	return template.FuncMap{
		"static": p.static.URL,
		"datetime": func(t time.Time) string {
			return t.In(tokyo).Format("2006/01/02 15:04")
		},
		"add": func(a, b int) int { return a + b },
	}
}

var tokyo = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		return time.FixedZone("JST", 9*3600)
	}
	return loc
}()

// Parse builds a page: the base layout plus the named files of fsys, which
// define the blocks "title" and "content".
func (p *Pages) Parse(fsys fs.FS, files ...string) (*template.Template, error) {
	t, err := template.New("layout.html").Funcs(p.funcs()).ParseFS(baseFiles, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web.Pages.Parse: layout: %w", err)
	}
	if t, err = t.ParseFS(fsys, files...); err != nil {
		return nil, fmt.Errorf("web.Pages.Parse: %v: %w", files, err)
	}
	return t, nil
}

// Page is what the layout sees; Data is the page's own.
type Page struct {
	Title string
	User  string // e-mail of the signed-in staff member, or ""
	Data  any
}

// Render writes a page with a status. It renders into a buffer first so a
// template failure becomes a clean 500 rather than half a page.
func (p *Pages) Render(w http.ResponseWriter, r *http.Request, status int, t *template.Template, title string, data any) error {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", Page{Title: title, User: UserEmail(r.Context()), Data: data}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// RenderError writes koe's error page.
func (p *Pages) RenderError(w http.ResponseWriter, r *http.Request, status int, message string) {
	if err := p.Render(w, r, status, p.errors, http.StatusText(status), message); err != nil {
		p.log.Error("rendering error page", "err", err)
		http.Error(w, message, status)
	}
}

type userKey struct{}

// WithUser records the signed-in staff member's e-mail in a request context.
func WithUser(ctx context.Context, email string) context.Context {
	return context.WithValue(ctx, userKey{}, email)
}

// UserEmail returns the signed-in staff member's e-mail, or "".
func UserEmail(ctx context.Context) string {
	s, _ := ctx.Value(userKey{}).(string)
	return s
}
