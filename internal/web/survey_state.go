package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/koe-project/koe/survey"
)

// Publishing, closing and reopening a survey.

// applyDefinition saves a definition built in code the way the CLI would:
// through its YAML and survey.ParseDefinition, as the signed-in staff member.
func (srv *Server) applyDefinition(ctx context.Context, d *survey.Definition) error {
	parsed, src, err := survey.Reparse(d)
	if err != nil {
		return err
	}
	_, err = srv.surveys.ApplyBy(ctx, parsed, src, srv.staff(ctx))
	return err
}

// changeState publishes, closes or reopens a survey by setting opens_at and closes_at.
func (srv *Server) changeState(w http.ResponseWriter, r *http.Request) error {
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return err
	}
	d := *s.Definition()
	now := srv.now().UTC().Truncate(time.Second)
	switch r.PostFormValue("op") {
	case "publish":
		if d.OpensAt == nil || d.OpensAt.After(now) {
			d.OpensAt = &now
		}
		d.ClosesAt = nil
	case "close":
		if d.OpensAt != nil && !d.OpensAt.Before(now) {
			d.OpensAt = nil
		}
		d.ClosesAt = &now
	case "reopen":
		d.ClosesAt = nil
	default:
		return Errorf(http.StatusBadRequest, "操作が分かりません。")
	}
	if err := srv.applyDefinition(r.Context(), &d); err != nil {
		var refused *survey.SeriesError
		if errors.As(err, &refused) {
			return Errorf(http.StatusForbidden, refused.Error())
		}
		return err
	}
	http.Redirect(w, r, "/surveys/"+url.PathEscape(s.Slug)+"/edit?saved=1", http.StatusSeeOther)
	return nil
}
