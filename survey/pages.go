package survey

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/koe-project/koe/internal/ratelimit"
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

	// SubmitLimit limits submissions per client address and survey (nil: none).
	SubmitLimit *ratelimit.Limiter

	form, thanks, unavailable, list, responses   *template.Template
	editor, editorNew, link, invitations, shares *template.Template

	// IsAdmin says whether a staff member (by e-mail) is an admin (nil: nobody is).
	IsAdmin func(ctx context.Context, email string) bool

	// BaseURL is the public address of the respondent pages ("https://koe.example.jp");
	// empty: derived from each request.
	BaseURL string
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
		editor:      parse("editor.html"),
		editorNew:   parse("editor_new.html"),
		link:        parse("link.html"),
		invitations: parse("invitations.html"),
		shares:      parse("shares.html"),
	}
}

// Register adds the public routes. staff wraps the routes that need a signed-in staff member.
func (p *Pages) Register(mux *http.ServeMux, staff func(http.Handler) http.Handler) {
	h := func(f web.HandlerFunc) http.Handler { return web.Handle(p.web, p.log, f) }
	mux.Handle("GET /s/{slug}", h(p.showForm))
	mux.Handle("POST /s/{slug}", p.limited(h(p.submitForm)))
	mux.Handle("GET /s/{slug}/thanks", h(p.showThanks))
	mux.Handle("POST /api/v1/surveys/{slug}/responses", p.limited(http.HandlerFunc(p.apiSubmit)))
	mux.Handle("GET /surveys", staff(h(p.showList)))
	mux.Handle("GET /surveys/{slug}/responses", staff(h(p.showResponses)))
	mux.Handle("GET /surveys/{slug}/responses.csv", staff(h(p.downloadCSV)))
	p.registerImport(mux, staff)         // GET and POST /surveys/{slug}/import
	p.registerDelete(mux, staff)         // GET and POST /surveys/{slug}/responses/{id}/delete
	p.registerEditor(mux, staff, h)      // /surveys/new, /surveys/{slug}/edit, …/preview, …/survey.yaml
	p.registerLink(mux, staff, h)        // /surveys/{slug}/link, …/qr.png, …/qr.svg
	p.registerInvitations(mux, staff, h) // /i/{code}, /surveys/{slug}/invitations…
	p.registerShares(mux, staff, h)      // /surveys/{slug}/shares
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
