package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/survey"
)

// The new-survey page: a draft from a slug and a title, or from an uploaded YAML.

// starterQuestion is the one question a new survey starts with (a survey needs one).
var starterQuestion = survey.Question{Key: "comments", Type: survey.Textarea, Label: "ご感想・ご意見（自由記述）", Analyze: true}

type newView struct {
	Slug, Title string
	Errors      map[string]string
	YAML        string
	YAMLErr     string
}

func (srv *Server) showNew(w http.ResponseWriter, r *http.Request) error {
	return srv.pages.Render(w, r, http.StatusOK, srv.editorNew, "アンケートを作る", newView{})
}

// createSurvey makes a draft survey from a slug and title, or from an uploaded YAML.
func (srv *Server) createSurvey(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, survey.MaxBodyBytes)
	if err := r.ParseMultipartForm(survey.MaxBodyBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return Errorf(http.StatusBadRequest, "送信内容を読み取れませんでした。")
	}
	ctx := r.Context()
	if src, name, ok := uploadedYAML(r); ok {
		v := newView{YAML: string(src)}
		d, err := survey.ParseDefinition(name, src) // a DefinitionErrors, placed for the author
		if err == nil {
			err = srv.checkCodeBooks(name, d)
		}
		if err == nil && d.OpensAt == nil && d.ClosesAt == nil {
			// Like a survey made with 新しく作る, it starts as a draft (準備中)
			// until 公開する: a link shared early must not take answers yet.
			now := srv.now().UTC().Truncate(time.Second)
			d.ClosesAt = &now
		}
		if err == nil {
			if err = srv.surveys.Create(ctx, d, string(src), srv.staff(ctx)); errors.Is(err, survey.ErrSlugTaken) {
				err = fmt.Errorf("slug %q は既に使われています。既存のアンケートの編集画面からアップロードするか、別の slug にしてください", d.Slug)
			} else if err != nil && !errors.As(err, new(*survey.SeriesError)) {
				return err
			}
		}
		if err != nil {
			v.YAMLErr = err.Error()
			status := http.StatusUnprocessableEntity
			var refused *survey.SeriesError
			if errors.As(err, &refused) {
				status = http.StatusForbidden
			}
			return srv.pages.Render(w, r, status, srv.editorNew, "アンケートを作る", v)
		}
		http.Redirect(w, r, "/surveys/"+url.PathEscape(d.Slug)+"/edit?saved=1", http.StatusSeeOther)
		return nil
	}
	v := newView{Slug: strings.TrimSpace(r.PostFormValue("slug")), Title: strings.TrimSpace(r.PostFormValue("title")), Errors: map[string]string{}}
	generated := v.Slug == ""
	switch {
	case generated: // made up below, once the title is known to be good
	case !survey.ValidSlug(v.Slug):
		v.Errors["slug"] = "半角の小文字・数字・-・_ で入力してください（100文字まで）"
	case srv.slugTaken(ctx, v.Slug):
		v.Errors["slug"] = "この名前は既に使われています。別の名前にしてください"
	}
	if v.Title == "" {
		v.Errors["title"] = "タイトルを入力してください"
	} else if !database.StorableText(v.Title) {
		v.Errors["title"] = survey.UnstorableText
	}
	if len(v.Errors) > 0 {
		return srv.pages.Render(w, r, http.StatusUnprocessableEntity, srv.editorNew, "アンケートを作る", v)
	}
	now := srv.now().UTC().Truncate(time.Second)
	d := &survey.Definition{Slug: v.Slug, Title: v.Title, ClosesAt: &now, Questions: []survey.Question{starterQuestion}}
	for n := 1; ; n++ {
		if generated {
			d.Slug = generatedSlug(now, n)
			if srv.slugTaken(ctx, d.Slug) && n < maxGeneratedSlugs {
				continue
			}
		}
		err := srv.createDefinition(ctx, d)
		if errors.Is(err, survey.ErrSlugTaken) && generated && n < maxGeneratedSlugs {
			continue // taken meanwhile: the next number
		}
		if errors.Is(err, survey.ErrSlugTaken) { // made by someone else meanwhile
			v.Errors["slug"] = "この名前は既に使われています。別の名前にしてください"
			return srv.pages.Render(w, r, http.StatusUnprocessableEntity, srv.editorNew, "アンケートを作る", v)
		}
		if err != nil {
			return err
		}
		break
	}
	http.Redirect(w, r, "/surveys/"+url.PathEscape(d.Slug)+"/edit", http.StatusSeeOther)
	return nil
}

// maxGeneratedSlugs bounds the numbers tried for a generated URL name.
const maxGeneratedSlugs = 1000

// generatedSlug is the nth URL name of a survey made on the day of t when
// staff give none: a name nobody has to think of (s-20261201-1).
func generatedSlug(t time.Time, n int) string {
	return fmt.Sprintf("s-%s-%d", t.In(tokyo).Format("20060102"), n)
}

// slugTaken tells early that a slug is in use; Create still refuses one
// taken between this check and the creation.
func (srv *Server) slugTaken(ctx context.Context, slug string) bool {
	_, err := srv.surveys.SurveyBySlug(ctx, slug)
	return !errors.Is(err, survey.ErrNotFound)
}

// createDefinition stores a definition built in code as a new survey of the
// signed-in staff member, or returns survey.ErrSlugTaken.
func (srv *Server) createDefinition(ctx context.Context, d *survey.Definition) error {
	parsed, src, err := survey.Reparse(d)
	if err != nil {
		return err
	}
	return srv.surveys.Create(ctx, parsed, src, srv.staff(ctx))
}
