package survey

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/web"
)

// Access levels of a staff member to one survey.
type Level int

const (
	NoAccess Level = iota
	View           // dashboards, reports, answers and downloads
	Edit           // also the editor, invitations, import, deleting answers, sharing
)

// Share gives one staff member access to a survey.
type Share struct {
	bun.BaseModel `bun:"table:survey_shares"`

	SurveyID int64  `bun:"survey_id,pk"`
	Email    string `bun:"email,pk"`
	Level    string `bun:"level"` // view or edit
}

// LevelOf says what a staff member may do with a survey. Admins and the owner
// may do everything; a survey without an owner (applied from the command line)
// is every staff member's; others need a share.
func (st *Store) LevelOf(ctx context.Context, s *Survey, email string, admin bool) (Level, error) {
	if admin || s.Owner == "" || strings.EqualFold(s.Owner, email) {
		return Edit, nil
	}
	var level string
	err := st.db.NewSelect().Table("survey_shares").Column("level").
		Where("survey_id = ? AND email = ?", s.ID, strings.ToLower(email)).Scan(ctx, &level)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return NoAccess, nil
	case err != nil:
		return NoAccess, err
	case level == "edit":
		return Edit, nil
	}
	return View, nil
}

// SetOwner records the staff member who made a survey.
func (st *Store) SetOwner(ctx context.Context, slug, email string) error {
	_, err := st.db.NewUpdate().Table("surveys").Set("owner = ?", strings.ToLower(email)).Where("slug = ?", slug).Exec(ctx)
	return err
}

// SetShare shares a survey with a staff member ("view" or "edit"), or ends the share (level "").
func (st *Store) SetShare(ctx context.Context, s *Survey, email, level string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	if _, err := st.db.NewDelete().Table("survey_shares").Where("survey_id = ? AND email = ?", s.ID, email).Exec(ctx); err != nil {
		return err
	}
	if level == "" {
		return nil
	}
	_, err := st.db.NewInsert().Model(&Share{SurveyID: s.ID, Email: email, Level: level}).Exec(ctx)
	return err
}

// Shares lists who a survey is shared with.
func (st *Store) Shares(ctx context.Context, s *Survey) ([]Share, error) {
	var list []Share
	err := st.db.NewSelect().Model(&list).Where("survey_id = ?", s.ID).Order("email").Scan(ctx)
	return list, err
}

// visibleSlugs lists the surveys a staff member may at least view (all: nil map).
func (st *Store) visibleSlugs(ctx context.Context, email string, admin bool) (map[string]bool, error) {
	if admin {
		return nil, nil
	}
	var slugs []string
	err := st.db.NewSelect().Table("surveys").Column("slug").
		Where("owner = '' OR owner = ? OR id IN (SELECT survey_id FROM survey_shares WHERE email = ?)", strings.ToLower(email), strings.ToLower(email)).
		Scan(ctx, &slugs)
	out := map[string]bool{}
	for _, s := range slugs {
		out[s] = true
	}
	return out, err
}

// isAdmin says whether the signed-in staff member is an admin.
func (p *Pages) isAdmin(ctx context.Context) bool {
	return p.IsAdmin != nil && p.IsAdmin(ctx, web.UserEmail(ctx))
}

// editRoutes end the paths whose GET shows a page that changes the survey.
var editRoutes = []string{"/edit", "/import", "/invitations", "/invitations.csv", "/shares", "/delete"}

// routeLevel is the access a staff route needs: changes (any method but GET)
// and the pages that make them need Edit; reading and downloading need View.
func routeLevel(r *http.Request) Level {
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !strings.HasSuffix(r.URL.Path, "/preview") {
		return Edit
	}
	for _, suffix := range editRoutes {
		if strings.HasSuffix(r.URL.Path, suffix) {
			return Edit
		}
	}
	return View
}

// Access checks, for every staff route, the signed-in member's access to the
// survey ({slug}) or series ({key}) the route touches. It wraps every staff
// handler at registration (inside the sign-in check), so no handler checks on
// its own; a route without {slug} or {key} (the list, a new survey) passes.
func (p *Pages) Access(next http.Handler) http.Handler {
	return web.Handle(p.web, p.log, func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		email, admin := web.UserEmail(ctx), p.isAdmin(ctx)
		need := routeLevel(r)
		var surveys []*Survey
		if slug := r.PathValue("slug"); slug != "" {
			s, err := surveyFromPath(p.store, r)
			if err != nil {
				return err
			}
			surveys = append(surveys, s)
		} else if key := r.PathValue("key"); key != "" && strings.HasPrefix(r.URL.Path, "/series/") {
			_, list, err := p.store.SurveysInSeries(ctx, key)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			surveys = list
		}
		for _, s := range surveys {
			level, err := p.store.LevelOf(ctx, s, email, admin)
			if err != nil {
				return err
			}
			if level < need {
				if level == NoAccess {
					return web.Errorf(http.StatusForbidden, "このアンケートを見る権限がありません。作成者に共有を依頼してください。")
				}
				return web.Errorf(http.StatusForbidden, "このアンケートは閲覧のみ共有されています。編集するには作成者に編集の共有を依頼してください。")
			}
		}
		next.ServeHTTP(w, r)
		return nil
	})
}

type sharesView struct {
	Survey *Survey
	Shares []Share
	Error  string
	Email  string
}

func (p *Pages) registerShares(mux *http.ServeMux, staff func(http.Handler) http.Handler, h func(web.HandlerFunc) http.Handler) {
	mux.Handle("GET /surveys/{slug}/shares", staff(h(p.showShares)))
	mux.Handle("POST /surveys/{slug}/shares", staff(h(p.changeShare)))
}

func (p *Pages) showShares(w http.ResponseWriter, r *http.Request) error {
	s, err := surveyFromPath(p.store, r)
	if err != nil {
		return err
	}
	list, err := p.store.Shares(r.Context(), s)
	if err != nil {
		return err
	}
	return p.web.Render(w, r, http.StatusOK, p.shares, "共有: "+s.Title, sharesView{Survey: s, Shares: list})
}

func (p *Pages) changeShare(w http.ResponseWriter, r *http.Request) error {
	s, err := surveyFromPath(p.store, r)
	if err != nil {
		return err
	}
	email, level := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("level")
	if level != "" && level != "view" && level != "edit" {
		level = "view"
	}
	problem := ""
	switch {
	case !database.StorableText(email):
		problem = "メールアドレスに" + unstorableText + "。"
	case utf8.RuneCountInString(email) > maxEmailLen:
		problem = fmt.Sprintf("メールアドレスが長すぎます（%d文字まで）。", maxEmailLen)
	case !strings.Contains(email, "@"):
		problem = "共有する相手のメールアドレス（koe のログインに使うもの）を入力してください。"
	}
	if problem != "" {
		list, _ := p.store.Shares(r.Context(), s)
		return p.web.Render(w, r, http.StatusUnprocessableEntity, p.shares, "共有: "+s.Title,
			sharesView{Survey: s, Shares: list, Email: email, Error: problem})
	}
	if err := p.store.SetShare(r.Context(), s, email, level); err != nil {
		return err
	}
	http.Redirect(w, r, "/surveys/"+url.PathEscape(s.Slug)+"/shares", http.StatusSeeOther)
	return nil
}
