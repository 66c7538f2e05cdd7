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
// A series route gets the part of the series the member may see
// (SeriesViewOf), which its handler shows and nothing more.
func (p *Pages) Access(next http.Handler) http.Handler {
	return web.Handle(p.web, p.log, func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		by := Staff{Email: web.UserEmail(ctx), Admin: p.isAdmin(ctx)}
		need := routeLevel(r)
		if slug := r.PathValue("slug"); slug != "" {
			s, err := surveyFromPath(p.store, r)
			if err != nil {
				return err
			}
			level, err := p.store.LevelOf(ctx, s, by.Email, by.Admin)
			if err != nil {
				return err
			}
			if level < need {
				if level == NoAccess {
					return web.Errorf(http.StatusForbidden, "このアンケートを見る権限がありません。作成者に共有を依頼してください。")
				}
				return web.Errorf(http.StatusForbidden, "このアンケートは閲覧のみ共有されています。編集するには作成者に編集の共有を依頼してください。")
			}
		} else if key := r.PathValue("key"); key != "" && strings.HasPrefix(r.URL.Path, "/series/") {
			v, err := p.store.seriesViewFor(ctx, key, by, need)
			if errors.Is(err, ErrNotFound) {
				return web.Errorf(http.StatusNotFound, "このシリーズは見つかりません。")
			}
			if err != nil {
				return err
			}
			owner := by.Admin || v.Series.Owner != "" && strings.EqualFold(v.Series.Owner, by.Email)
			if len(v.Surveys) == 0 && !owner {
				return web.Errorf(http.StatusForbidden, "このシリーズを見る権限がありません。シリーズのアンケートの作成者に共有を依頼してください。")
			}
			r = r.WithContext(context.WithValue(ctx, seriesViewKey{}, v))
		}
		next.ServeHTTP(w, r)
		return nil
	})
}

// SeriesView is the part of a series a staff member may see.
//
// A series page compares events, each a survey with its own owner and shares.
// It shows a member the surveys they may view and leaves out the others,
// saying how many, so it never shows more than the member could read survey
// by survey: someone who may view every survey of a series sees all of it
// without owning the series, and someone who may view some sees those. The
// series' owner may open it even when it holds no survey they may view (its
// surveys all moved away or are others', put in by an admin); anyone else who
// may view none of its surveys is refused. Admins see every survey. Who may
// add surveys to a series or rename it is another matter (Series.EditableBy,
// checked by ApplyBy): viewing surveys of a series does not give it.
type SeriesView struct {
	Series  *Series
	Surveys []*Survey // in event order
	Hidden  int       // surveys of the series left out
}

type seriesViewKey struct{}

// SeriesViewOf returns what Access let the signed-in member see of the
// series of the route; ok is false outside a series route wrapped by Access.
func SeriesViewOf(ctx context.Context) (v SeriesView, ok bool) {
	v, ok = ctx.Value(seriesViewKey{}).(SeriesView)
	return v, ok
}

// seriesViewFor keeps the surveys of a series the member has the level need on.
func (st *Store) seriesViewFor(ctx context.Context, key string, by Staff, need Level) (SeriesView, error) {
	se, list, err := st.SurveysInSeries(ctx, key)
	if err != nil {
		return SeriesView{}, err
	}
	v := SeriesView{Series: se}
	for _, s := range list {
		level, err := st.LevelOf(ctx, s, by.Email, by.Admin)
		if err != nil {
			return SeriesView{}, err
		}
		if level >= need {
			v.Surveys = append(v.Surveys, s)
		} else {
			v.Hidden++
		}
	}
	return v, nil
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
