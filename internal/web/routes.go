package web

import (
	"fmt"
	"net/http"
	"strings"
)

// Level is the access a route needs. Its zero value is no level at all: a
// route declared without one is refused when the mux is built, so a page
// cannot be served unguarded by omission.
type Level int

const (
	levelMissing Level = iota
	Public             // anyone, signed in or not: respondents, sign-in, health, assets
	Staff              // a signed-in staff member; the route touches no one survey or series
	View               // staff who may view the survey {slug}, or the part of the series {key} they may view
	Edit               // staff who may edit the survey {slug}
	Admin              // a signed-in admin
)

func (l Level) String() string {
	switch l {
	case Public:
		return "public"
	case Staff:
		return "staff"
	case View:
		return "view"
	case Edit:
		return "edit"
	case Admin:
		return "admin"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// Route is one entry of the route table.
type Route struct {
	Method  string // GET (which also answers HEAD) or POST
	Pattern string // a ServeMux path pattern, such as /surveys/{slug}/edit
	Level   Level
	Handler http.Handler
	// Limited routes take submissions: each client address gets a number of
	// them per survey and minute (Config.SubmitLimit).
	Limited bool
}

// routes is every route of the web app, with the access each needs. A new
// page is added here and nowhere else; the role test walks this table.
func (srv *Server) routes() []Route {
	h := srv.handle
	return []Route{
		// Plumbing.
		{Method: "GET", Pattern: "/static/", Level: Public, Handler: srv.pages.Static()},
		{Method: "GET", Pattern: reportAssetsPrefix, Level: Public, Handler: srv.reportAssets},
		{Method: "GET", Pattern: "/healthz", Level: Public, Handler: http.HandlerFunc(srv.healthz)},
		{Method: "GET", Pattern: "/favicon.ico", Level: Public, Handler: http.HandlerFunc(srv.favicon)},
		{Method: "GET", Pattern: "/{$}", Level: Public, Handler: http.HandlerFunc(home)},

		// Respondents.
		{Method: "GET", Pattern: "/s/{slug}", Level: Public, Handler: h(srv.showForm)},
		{Method: "POST", Pattern: "/s/{slug}", Level: Public, Handler: h(srv.submitForm), Limited: true},
		{Method: "GET", Pattern: "/s/{slug}/thanks", Level: Public, Handler: h(srv.showThanks)},
		{Method: "POST", Pattern: "/api/v1/surveys/{slug}/responses", Level: Public, Handler: http.HandlerFunc(srv.apiSubmit), Limited: true},
		{Method: "GET", Pattern: "/i/{code}", Level: Public, Handler: h(srv.followInvitation)},

		// Signing in.
		{Method: "GET", Pattern: "/login", Level: Public, Handler: h(srv.showLogin)},
		{Method: "POST", Pattern: "/login", Level: Public, Handler: h(srv.submitLogin)},
		{Method: "POST", Pattern: "/logout", Level: Public, Handler: h(srv.logout)},

		// Staff pages that touch no one survey.
		{Method: "GET", Pattern: "/surveys", Level: Staff, Handler: h(srv.showList)},
		{Method: "GET", Pattern: "/surveys/new", Level: Staff, Handler: h(srv.showNew)},
		{Method: "POST", Pattern: "/surveys/new", Level: Staff, Handler: h(srv.createSurvey)},
		{Method: "GET", Pattern: "/dictionary", Level: Staff, Handler: h(srv.showDictionary)},
		{Method: "POST", Pattern: "/dictionary", Level: Admin, Handler: h(srv.saveDictionary)}, // op=preview stores nothing

		// Reading a survey: dashboard, answers, downloads, link, preview.
		{Method: "GET", Pattern: "/surveys/{slug}", Level: View, Handler: h(srv.showDashboard)},
		{Method: "GET", Pattern: "/surveys/{slug}/report.html", Level: View, Handler: h(srv.downloadSurveyReport)},
		{Method: "GET", Pattern: "/surveys/{slug}/answers", Level: View, Handler: h(srv.showSurveyAnswers)},
		{Method: "GET", Pattern: "/surveys/{slug}/crosstabs/{id}", Level: View, Handler: h(srv.showCrossTab)},
		{Method: "GET", Pattern: "/surveys/{slug}/responses", Level: View, Handler: h(srv.showResponses)},
		{Method: "GET", Pattern: "/surveys/{slug}/responses.csv", Level: View, Handler: h(srv.downloadCSV)},
		{Method: "GET", Pattern: "/surveys/{slug}/survey.yaml", Level: View, Handler: h(srv.downloadYAML)},
		{Method: "GET", Pattern: "/surveys/{slug}/preview", Level: View, Handler: h(srv.showPreview)},
		{Method: "POST", Pattern: "/surveys/{slug}/preview", Level: View, Handler: h(srv.checkPreview)}, // stores nothing
		{Method: "GET", Pattern: "/surveys/{slug}/link", Level: View, Handler: h(srv.showLink)},
		{Method: "GET", Pattern: "/surveys/{slug}/qr.png", Level: View, Handler: h(srv.qrPNG)},
		{Method: "GET", Pattern: "/surveys/{slug}/qr.svg", Level: View, Handler: h(srv.qrSVG)},

		// Changing a survey, and the pages that do it.
		{Method: "GET", Pattern: "/surveys/{slug}/edit", Level: Edit, Handler: h(srv.showEditor)},
		{Method: "POST", Pattern: "/surveys/{slug}/edit", Level: Edit, Handler: h(srv.saveEditor)},
		{Method: "POST", Pattern: "/surveys/{slug}/edit/yaml", Level: Edit, Handler: h(srv.uploadYAML)},
		{Method: "POST", Pattern: "/surveys/{slug}/state", Level: Edit, Handler: h(srv.changeState)},
		{Method: "POST", Pattern: "/surveys/{slug}/duplicate", Level: Edit, Handler: h(srv.duplicate)},
		{Method: "GET", Pattern: "/surveys/{slug}/import", Level: Edit, Handler: h(srv.showImport)},
		{Method: "POST", Pattern: "/surveys/{slug}/import", Level: Edit, Handler: h(srv.submitImport)},
		{Method: "GET", Pattern: "/surveys/{slug}/responses/{id}/delete", Level: Edit, Handler: h(srv.showDeleteResponse)},
		{Method: "POST", Pattern: "/surveys/{slug}/responses/{id}/delete", Level: Edit, Handler: h(srv.deleteResponse)},
		{Method: "GET", Pattern: "/surveys/{slug}/invitations", Level: Edit, Handler: h(srv.showInvitations)},
		{Method: "POST", Pattern: "/surveys/{slug}/invitations", Level: Edit, Handler: h(srv.uploadInvitations)},
		{Method: "GET", Pattern: "/surveys/{slug}/invitations.csv", Level: Edit, Handler: h(srv.downloadInvitations)},
		{Method: "POST", Pattern: "/surveys/{slug}/invitations/{id}/revoke", Level: Edit, Handler: h(srv.revokeInvitation)},
		{Method: "POST", Pattern: "/surveys/{slug}/invitations/{id}/reissue", Level: Edit, Handler: h(srv.reissueInvitation)},
		{Method: "GET", Pattern: "/surveys/{slug}/shares", Level: Edit, Handler: h(srv.showShares)},
		{Method: "POST", Pattern: "/surveys/{slug}/shares", Level: Edit, Handler: h(srv.changeShare)},
		{Method: "POST", Pattern: "/surveys/{slug}/issues/{id}", Level: Edit, Handler: h(srv.changeIssue)},
		{Method: "GET", Pattern: "/surveys/{slug}/codes", Level: Edit, Handler: h(srv.showCodes)},
		{Method: "POST", Pattern: "/surveys/{slug}/codes", Level: Edit, Handler: h(srv.saveCodes)},

		// Series: each member sees the surveys of the series they may view.
		{Method: "GET", Pattern: "/series/{key}", Level: View, Handler: h(srv.showSeries)},
		{Method: "GET", Pattern: "/series/{key}/report.html", Level: View, Handler: h(srv.downloadSeriesReport)},
		{Method: "GET", Pattern: "/series/{key}/answers", Level: View, Handler: h(srv.showSeriesAnswers)},
		{Method: "POST", Pattern: "/series/{key}/issues/{id}", Level: Edit, Handler: h(srv.changeSeriesIssue)},

		// Staff accounts.
		{Method: "GET", Pattern: "/admin/users", Level: Admin, Handler: h(srv.showUsers)},
		{Method: "POST", Pattern: "/admin/users", Level: Admin, Handler: h(srv.addUser)},
		{Method: "POST", Pattern: "/admin/users/{id}/delete", Level: Admin, Handler: h(srv.removeUser)},
	}
}

// Routes is the route table, for tests that walk it.
func (srv *Server) Routes() []Route { return srv.routes() }

// mux builds the ServeMux of a route table, each handler wrapped by the
// checks of its level. It refuses a route without a valid level, a survey or
// series level on a route that names neither, and a pattern used twice.
func (srv *Server) mux(table []Route) (mux *http.ServeMux, err error) {
	mux = http.NewServeMux()
	for _, rt := range table {
		guarded, err := srv.guard(rt)
		if err != nil {
			return nil, err
		}
		if err := register(mux, rt.Method+" "+rt.Pattern, guarded); err != nil {
			return nil, err
		}
	}
	return mux, nil
}

// register is mux.Handle, with a conflict returned rather than panicked.
func register(mux *http.ServeMux, pattern string, h http.Handler) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("web: route %s: %v", pattern, r)
		}
	}()
	mux.Handle(pattern, h)
	return nil
}

// guard wraps a route's handler in the checks its level asks for.
func (srv *Server) guard(rt Route) (http.Handler, error) {
	name := rt.Method + " " + rt.Pattern
	if rt.Handler == nil {
		return nil, fmt.Errorf("web: route %s has no handler", name)
	}
	h := rt.Handler
	if rt.Limited {
		h = srv.limited(h)
	}
	names := strings.Contains(rt.Pattern, "{slug}") || strings.Contains(rt.Pattern, "{key}")
	switch rt.Level {
	case Public:
		return h, nil
	case Staff:
		return srv.requireStaff(h), nil
	case View, Edit:
		if !names {
			return nil, fmt.Errorf("web: route %s has level %s but names no survey {slug} or series {key} to check it on", name, rt.Level)
		}
		return srv.requireStaff(srv.requireAccess(rt.Level, h)), nil
	case Admin:
		return srv.requireStaff(srv.requireAdmin(h)), nil
	}
	return nil, fmt.Errorf("web: route %s has no access level (%s); give it Public, Staff, View, Edit or Admin", name, rt.Level)
}

func home(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/surveys", http.StatusSeeOther)
}
