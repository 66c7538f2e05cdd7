package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/survey"
)

// Copying a survey: the next meeting of a series starts as a copy of the last.

// duplicate copies a survey to a new slug as a draft: the next meeting of a
// series starts as a copy of the last one (same series and questions, no date).
func (srv *Server) duplicate(w http.ResponseWriter, r *http.Request) error {
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return err
	}
	slug := strings.TrimSpace(r.PostFormValue("new_slug"))
	eventTitle, eventDate := strings.TrimSpace(r.PostFormValue("new_event_title")), strings.TrimSpace(r.PostFormValue("new_event_date"))
	if slug == "" { // made from the day and a number, as 新しく作る does
		now := srv.now()
		for n := 1; n <= maxGeneratedSlugs; n++ {
			if slug = generatedSlug(now, n); !srv.slugTaken(r.Context(), slug) {
				break
			}
		}
	}
	msg := ""
	switch {
	case eventDate != "" && !validDate(eventDate):
		msg = "開催日を YYYY-MM-DD の形で入力してください"
	case !database.StorableText(eventTitle):
		msg = "回の名前に" + survey.UnstorableText
	case !survey.ValidSlug(slug):
		msg = "新しい URL 名を半角の小文字・数字・-・_ で入力してください"
	case srv.slugTaken(r.Context(), slug):
		msg = "この URL 名は既に使われています。別の名前にしてください"
	case !database.StorableText(r.PostFormValue("new_title")):
		msg = "新しいタイトルに" + survey.UnstorableText
	}
	if msg != "" {
		v := srv.editorViewOf(r, s, survey.EditorFormOf(s.Definition()))
		v.NewSlug, v.DupError = slug, msg
		return srv.pages.Render(w, r, http.StatusUnprocessableEntity, srv.editor, "編集: "+s.Title, v)
	}
	d := *s.Definition()
	d.Slug = slug
	if t := strings.TrimSpace(r.PostFormValue("new_title")); t != "" {
		d.Title = t
	}
	now := srv.now().UTC().Truncate(time.Second)
	d.OpensAt, d.ClosesAt = nil, &now
	if d.Event != nil || eventTitle != "" || eventDate != "" {
		var e survey.Event
		if d.Event != nil {
			e = *d.Event
		}
		e.Title, e.Date, e.Attendees = eventTitle, eventDate, 0
		d.Event = &e
	}
	if err := srv.createDefinition(r.Context(), &d); errors.Is(err, survey.ErrSlugTaken) { // made by someone else meanwhile
		v := srv.editorViewOf(r, s, survey.EditorFormOf(s.Definition()))
		v.NewSlug, v.DupError = slug, "この URL 名は既に使われています。別の名前にしてください"
		return srv.pages.Render(w, r, http.StatusUnprocessableEntity, srv.editor, "編集: "+s.Title, v)
	} else if refused := (*survey.SeriesError)(nil); errors.As(err, &refused) {
		v := srv.editorViewOf(r, s, survey.EditorFormOf(s.Definition()))
		v.NewSlug, v.DupError = slug, "複製できませんでした。"+refused.Error()
		return srv.pages.Render(w, r, http.StatusForbidden, srv.editor, "編集: "+s.Title, v)
	} else if err != nil {
		return err
	}
	// The editor of the copy points at what still names last time's meeting.
	http.Redirect(w, r, "/surveys/"+url.PathEscape(slug)+"/edit?from="+url.QueryEscape(s.Slug), http.StatusSeeOther)
	return nil
}

func validDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}
