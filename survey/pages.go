package survey

import (
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/koe-project/koe/internal/web"
)

//go:embed templates
var templateFiles embed.FS

// Pages serves the respondent form, its JSON twin, and the staff's response pages.
type Pages struct {
	store *Store
	web   *web.Pages
	log   *slog.Logger
	now   func() time.Time

	form, thanks, unavailable, list, responses *template.Template
}

// NewPages parses the survey templates.
func NewPages(store *Store, wp *web.Pages, log *slog.Logger) *Pages {
	parse := func(name string) *template.Template { return wp.Parse(templateFiles, "templates/"+name) }
	return &Pages{
		store: store, web: wp, log: log, now: time.Now,
		form:        parse("form.html"),
		thanks:      parse("thanks.html"),
		unavailable: parse("unavailable.html"),
		list:        parse("list.html"),
		responses:   parse("responses.html"),
	}
}

// Register adds the public routes. staff wraps the routes that need a signed-in staff member.
func (p *Pages) Register(mux *http.ServeMux, staff func(http.Handler) http.Handler) {
	h := func(f web.HandlerFunc) http.Handler { return web.Handle(p.web, p.log, f) }
	mux.Handle("GET /s/{slug}", h(p.showForm))
	mux.Handle("POST /s/{slug}", h(p.submitForm))
	mux.Handle("GET /s/{slug}/thanks", h(p.showThanks))
	mux.Handle("POST /api/v1/surveys/{slug}/responses", http.HandlerFunc(p.apiSubmit))
	mux.Handle("GET /surveys", staff(h(p.showList)))
	mux.Handle("GET /surveys/{slug}/responses", staff(h(p.showResponses)))
	mux.Handle("GET /surveys/{slug}/responses.csv", staff(h(p.downloadCSV)))
	p.registerImport(mux, staff) // GET and POST /surveys/{slug}/import
}

// surveyFromPath loads the survey named by the {slug} of a staff or
// respondent route, or returns the 404 the person should see.
func surveyFromPath(st *Store, r *http.Request) (*Survey, error) {
	s, err := st.SurveyBySlug(r.Context(), r.PathValue("slug"))
	if errors.Is(err, ErrNotFound) {
		return nil, web.Errorf(http.StatusNotFound, "このアンケートは見つかりません。URLをご確認ください。")
	}
	return s, err
}
