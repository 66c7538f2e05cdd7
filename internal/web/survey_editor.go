package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/koe-project/koe/survey"
	"html"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/koe-project/koe/internal/database"
)

// The editor: staff build and change surveys in the browser. Every save goes
// through survey.ParseDefinition and survey.Store.Apply, exactly as `koe survey apply`, so
// the editor and the CLI never disagree, and a change that would orphan stored
// answers is refused with its reason.

type editorView struct {
	Survey   *survey.Survey // nil on the new-survey page
	Form     *survey.EditorForm
	Types    []string
	Summary  []string // problems not tied to one field (an orphan refusal, …)
	Saved    string
	State    string
	Open     bool
	YAML     string // an uploaded YAML that was refused, kept for correction
	YAMLErr  string
	NewSlug  string
	DupError string
}

// starterQuestion is the one question a new survey starts with (a survey needs one).
var starterQuestion = survey.Question{Key: "comments", Type: survey.Textarea, Label: "ご感想・ご意見（自由記述）", Analyze: true}

type newView struct {
	Slug, Title string
	Errors      map[string]string
	YAML        string
	YAMLErr     string
}

func (p *Server) showNew(w http.ResponseWriter, r *http.Request) error {
	return p.pages.Render(w, r, http.StatusOK, p.editorNew, "アンケートを作る", newView{})
}

// createSurvey makes a draft survey from a slug and title, or from an uploaded YAML.
func (p *Server) createSurvey(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, survey.MaxBodyBytes)
	if err := r.ParseMultipartForm(survey.MaxBodyBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return Errorf(http.StatusBadRequest, "送信内容を読み取れませんでした。")
	}
	ctx := r.Context()
	if src, name, ok := uploadedYAML(r); ok {
		v := newView{YAML: string(src)}
		d, err := survey.ParseDefinition(name, src) // a survey.DefinitionErrors, placed for the author
		if err == nil {
			if err = p.surveys.Create(ctx, d, string(src), p.staff(ctx)); errors.Is(err, survey.ErrSlugTaken) {
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
			return p.pages.Render(w, r, status, p.editorNew, "アンケートを作る", v)
		}
		http.Redirect(w, r, "/surveys/"+url.PathEscape(d.Slug)+"/edit?saved=1", http.StatusSeeOther)
		return nil
	}
	v := newView{Slug: strings.TrimSpace(r.PostFormValue("slug")), Title: strings.TrimSpace(r.PostFormValue("title")), Errors: map[string]string{}}
	switch {
	case v.Slug == "":
		v.Errors["slug"] = "URL に使う名前を入力してください（例: network-2024-1）"
	case !survey.ValidSlug(v.Slug):
		v.Errors["slug"] = "半角の小文字・数字・-・_ で入力してください（100文字まで）"
	case p.slugTaken(ctx, v.Slug):
		v.Errors["slug"] = "この名前は既に使われています。別の名前にしてください"
	}
	if v.Title == "" {
		v.Errors["title"] = "タイトルを入力してください"
	} else if !database.StorableText(v.Title) {
		v.Errors["title"] = survey.UnstorableText
	}
	if len(v.Errors) > 0 {
		return p.pages.Render(w, r, http.StatusUnprocessableEntity, p.editorNew, "アンケートを作る", v)
	}
	now := p.now().UTC().Truncate(time.Second)
	d := &survey.Definition{Slug: v.Slug, Title: v.Title, ClosesAt: &now, Questions: []survey.Question{starterQuestion}}
	if err := p.createDefinition(ctx, d); errors.Is(err, survey.ErrSlugTaken) { // made by someone else meanwhile
		v.Errors["slug"] = "この名前は既に使われています。別の名前にしてください"
		return p.pages.Render(w, r, http.StatusUnprocessableEntity, p.editorNew, "アンケートを作る", v)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/surveys/"+url.PathEscape(d.Slug)+"/edit", http.StatusSeeOther)
	return nil
}

// slugTaken tells early that a slug is in use; Create still refuses one
// taken between this check and the creation.
func (p *Server) slugTaken(ctx context.Context, slug string) bool {
	_, err := p.surveys.SurveyBySlug(ctx, slug)
	return !errors.Is(err, survey.ErrNotFound)
}

// applyDefinition saves a definition built in code the way the CLI would:
// through its YAML and survey.ParseDefinition, as the signed-in staff member.
func (p *Server) applyDefinition(ctx context.Context, d *survey.Definition) error {
	parsed, src, err := reparse(d)
	if err != nil {
		return err
	}
	_, err = p.surveys.ApplyBy(ctx, parsed, src, p.staff(ctx))
	return err
}

// createDefinition stores a definition built in code as a new survey of the
// signed-in staff member, or returns survey.ErrSlugTaken.
func (p *Server) createDefinition(ctx context.Context, d *survey.Definition) error {
	parsed, src, err := reparse(d)
	if err != nil {
		return err
	}
	return p.surveys.Create(ctx, parsed, src, p.staff(ctx))
}

// reparse returns a definition built in code as the CLI would read it, with
// its YAML.
func reparse(d *survey.Definition) (*survey.Definition, string, error) {
	src, err := yaml.Marshal(d)
	if err != nil {
		return nil, "", err
	}
	parsed, err := survey.ParseDefinition("editor", src)
	return parsed, string(src), err
}

func (p *Server) showEditor(w http.ResponseWriter, r *http.Request) error {
	s, err := p.surveyFromPath(r)
	if err != nil {
		return err
	}
	v := p.editorViewOf(r, s, survey.EditorFormOf(s.Definition()))
	if r.URL.Query().Get("saved") != "" {
		v.Saved = "保存しました。"
	}
	return p.pages.Render(w, r, http.StatusOK, p.editor, "編集: "+s.Title, v)
}

func (p *Server) editorViewOf(r *http.Request, s *survey.Survey, f *survey.EditorForm) *editorView {
	v := &editorView{Survey: s, Form: f, Types: survey.Types}
	n, _ := p.surveys.ResponseCount(r.Context(), s)
	switch s.StateAt(p.now(), n) {
	case survey.Open:
		v.State, v.Open = "公開中（回答を受け付けています）", true
	case survey.NotYetOpen:
		v.State = "公開前（" + s.OpensAt.In(tokyo).Format("2006/01/02 15:04") + " から受付）"
	case survey.Closed:
		v.State = "受付停止中"
	case survey.Full:
		v.State = "定員に達したため受付終了"
	}
	return v
}

// saveEditor handles every button of the editor form: save, add, move, remove.
func (p *Server) saveEditor(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, survey.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		return Errorf(http.StatusRequestEntityTooLarge, "送信内容を読み取れませんでした（大きすぎる可能性があります）。")
	}
	s, err := p.surveyFromPath(r)
	if err != nil {
		return err
	}
	f := survey.ReadEditorForm(s.Slug, r.PostForm)
	op := r.PostForm.Get("op")
	if verb, arg, ok := strings.Cut(op, ":"); ok {
		i, _ := strconv.Atoi(arg)
		if i >= 0 && i < len(f.Questions) {
			switch verb {
			case "up":
				if i > 0 {
					f.Questions[i-1], f.Questions[i] = f.Questions[i], f.Questions[i-1]
				}
			case "down":
				if i+1 < len(f.Questions) {
					f.Questions[i+1], f.Questions[i] = f.Questions[i], f.Questions[i+1]
				}
			case "remove":
				f.Questions = append(f.Questions[:i], f.Questions[i+1:]...)
			}
		}
		v := p.editorViewOf(r, s, f)
		v.Saved = "まだ保存していません。「保存」を押すと反映されます。"
		return p.pages.Render(w, r, http.StatusOK, p.editor, "編集: "+s.Title, v)
	}
	if op == "add" {
		t := r.PostForm.Get("new_type")
		if !survey.ValidType(t) {
			t = survey.Single
		}
		f.Questions = append(f.Questions, survey.EditorQuestion{Type: t, Key: fmt.Sprintf("q%d", len(f.Questions)+1)})
		v := p.editorViewOf(r, s, f)
		v.Saved = "設問を追加しました（まだ保存していません）。"
		return p.pages.Render(w, r, http.StatusOK, p.editor, "編集: "+s.Title, v)
	}
	// The editor's fields become a definition exactly as `koe survey apply`
	// reads a file; a problem goes back next to its field.
	d, err := survey.DefinitionFromEditor(s.Slug, r.PostForm)
	var invalid survey.EditorErrors
	switch {
	case errors.As(err, &invalid):
		f.SetErrors(invalid)
	case err != nil:
		return err
	}
	if d != nil {
		src, err := d.YAML()
		if err != nil {
			return err
		}
		if _, err = p.surveys.ApplyBy(r.Context(), d, src, p.staff(r.Context())); err != nil {
			var orphan *survey.OrphanError
			var refused *survey.SeriesError
			switch {
			case errors.As(err, &refused):
				f.Fail(refused.Field, refused.Msg)
				return p.pages.Render(w, r, http.StatusForbidden, p.editor, "編集: "+s.Title, p.editorViewOf(r, s, f))
			case !errors.As(err, &orphan):
				return err
			}
			v := p.editorViewOf(r, s, f)
			v.Summary = append(v.Summary, "保存できませんでした。回答済みの設問を変えると回答が宙に浮くためです: "+orphan.Error())
			return p.pages.Render(w, r, http.StatusConflict, p.editor, "編集: "+s.Title, v)
		}
	}
	if f.HasErrors() {
		v := p.editorViewOf(r, s, f)
		return p.pages.Render(w, r, http.StatusUnprocessableEntity, p.editor, "編集: "+s.Title, v)
	}
	next := "/surveys/" + url.PathEscape(s.Slug) + "/edit?saved=1"
	if op == "preview" {
		next = "/surveys/" + url.PathEscape(s.Slug) + "/preview"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// uploadedYAML returns a YAML definition posted as a file ("file") or text ("yaml").
func uploadedYAML(r *http.Request) ([]byte, string, bool) {
	if file, hdr, err := r.FormFile("file"); err == nil {
		defer file.Close()
		b, err := io.ReadAll(file)
		if err == nil && len(bytes.TrimSpace(b)) > 0 {
			return b, hdr.Filename, true
		}
	}
	if s := r.FormValue("yaml"); strings.TrimSpace(s) != "" {
		return []byte(s), "upload.yaml", true
	}
	return nil, "", false
}

func (p *Server) uploadYAML(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, survey.MaxBodyBytes)
	if err := r.ParseMultipartForm(survey.MaxBodyBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return Errorf(http.StatusBadRequest, "送信内容を読み取れませんでした。")
	}
	s, err := p.surveyFromPath(r)
	if err != nil {
		return err
	}
	src, name, ok := uploadedYAML(r)
	if !ok {
		v := p.editorViewOf(r, s, survey.EditorFormOf(s.Definition()))
		v.YAMLErr = "YAML ファイルを選ぶか、YAML を貼り付けてください。"
		return p.pages.Render(w, r, http.StatusUnprocessableEntity, p.editor, "編集: "+s.Title, v)
	}
	d, err := survey.ParseDefinition(name, src)
	if err == nil && d.Slug != s.Slug {
		err = fmt.Errorf("%s: slug: %q はこのアンケート（%s）と違います。別のアンケートは「アンケートを作る」からアップロードしてください", name, d.Slug, s.Slug)
	}
	if err == nil {
		_, err = p.surveys.ApplyBy(r.Context(), d, string(src), p.staff(r.Context()))
	}
	if err != nil {
		var orphan *survey.OrphanError
		var des survey.DefinitionErrors
		var refused *survey.SeriesError
		if !errors.As(err, &orphan) && !errors.As(err, &des) && !errors.As(err, &refused) && !strings.Contains(err.Error(), "slug:") {
			return err
		}
		v := p.editorViewOf(r, s, survey.EditorFormOf(s.Definition()))
		v.YAML, v.YAMLErr = string(src), err.Error()
		status := http.StatusUnprocessableEntity
		switch {
		case orphan != nil:
			status = http.StatusConflict
		case refused != nil:
			status = http.StatusForbidden
		}
		return p.pages.Render(w, r, status, p.editor, "編集: "+s.Title, v)
	}
	http.Redirect(w, r, "/surveys/"+url.PathEscape(s.Slug)+"/edit?saved=1", http.StatusSeeOther)
	return nil
}

func (p *Server) downloadYAML(w http.ResponseWriter, r *http.Request) error {
	s, err := p.surveyFromPath(r)
	if err != nil {
		return err
	}
	src, err := yaml.Marshal(s.Definition())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+s.Slug+`.yaml"`)
	_, err = w.Write(src)
	return err
}

// changeState publishes, closes or reopens a survey by setting opens_at and closes_at.
func (p *Server) changeState(w http.ResponseWriter, r *http.Request) error {
	s, err := p.surveyFromPath(r)
	if err != nil {
		return err
	}
	d := *s.Definition()
	now := p.now().UTC().Truncate(time.Second)
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
	if err := p.applyDefinition(r.Context(), &d); err != nil {
		var refused *survey.SeriesError
		if errors.As(err, &refused) {
			return Errorf(http.StatusForbidden, refused.Error())
		}
		return err
	}
	http.Redirect(w, r, "/surveys/"+url.PathEscape(s.Slug)+"/edit?saved=1", http.StatusSeeOther)
	return nil
}

// duplicate copies a survey to a new slug as a draft: the next meeting of a
// series starts as a copy of the last one (same series and questions, no date).
func (p *Server) duplicate(w http.ResponseWriter, r *http.Request) error {
	s, err := p.surveyFromPath(r)
	if err != nil {
		return err
	}
	slug := strings.TrimSpace(r.PostFormValue("new_slug"))
	msg := ""
	switch {
	case !survey.ValidSlug(slug):
		msg = "新しい URL 名を半角の小文字・数字・-・_ で入力してください"
	case p.slugTaken(r.Context(), slug):
		msg = "この URL 名は既に使われています。別の名前にしてください"
	case !database.StorableText(r.PostFormValue("new_title")):
		msg = "新しいタイトルに" + survey.UnstorableText
	}
	if msg != "" {
		v := p.editorViewOf(r, s, survey.EditorFormOf(s.Definition()))
		v.NewSlug, v.DupError = slug, msg
		return p.pages.Render(w, r, http.StatusUnprocessableEntity, p.editor, "編集: "+s.Title, v)
	}
	d := *s.Definition()
	d.Slug = slug
	if t := strings.TrimSpace(r.PostFormValue("new_title")); t != "" {
		d.Title = t
	}
	now := p.now().UTC().Truncate(time.Second)
	d.OpensAt, d.ClosesAt = nil, &now
	if d.Event != nil {
		e := *d.Event
		e.Title, e.Date, e.Attendees = "", "", 0
		d.Event = &e
	}
	if err := p.createDefinition(r.Context(), &d); errors.Is(err, survey.ErrSlugTaken) { // made by someone else meanwhile
		v := p.editorViewOf(r, s, survey.EditorFormOf(s.Definition()))
		v.NewSlug, v.DupError = slug, "この URL 名は既に使われています。別の名前にしてください"
		return p.pages.Render(w, r, http.StatusUnprocessableEntity, p.editor, "編集: "+s.Title, v)
	} else if refused := (*survey.SeriesError)(nil); errors.As(err, &refused) {
		v := p.editorViewOf(r, s, survey.EditorFormOf(s.Definition()))
		v.NewSlug, v.DupError = slug, "複製できませんでした。"+refused.Error()
		return p.pages.Render(w, r, http.StatusForbidden, p.editor, "編集: "+s.Title, v)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/surveys/"+url.PathEscape(slug)+"/edit", http.StatusSeeOther)
	return nil
}

// showPreview renders the respondent form exactly as respondents see it, with
// a banner, posting back to the preview so nothing is stored.
func (p *Server) showPreview(w http.ResponseWriter, r *http.Request) error {
	s, err := p.surveyFromPath(r)
	if err != nil {
		return err
	}
	return p.renderPreview(w, r, s, http.StatusOK, url.Values{}, nil, "")
}

func (p *Server) checkPreview(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, survey.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		return Errorf(http.StatusBadRequest, "送信内容を読み取れませんでした。")
	}
	s, err := p.surveyFromPath(r)
	if err != nil {
		return err
	}
	_, errs := survey.Validate(s.Definition(), survey.DecodeForm(s.Definition(), r.PostForm))
	if errs != nil {
		return p.renderPreview(w, r, s, http.StatusUnprocessableEntity, r.PostForm, errs, "")
	}
	return p.renderPreview(w, r, s, http.StatusOK, r.PostForm, nil, "入力内容に問題はありません（プレビューのため保存していません）。")
}

type bufferWriter struct {
	header http.Header
	status int
	bytes.Buffer
}

func (b *bufferWriter) Header() http.Header    { return b.header }
func (b *bufferWriter) WriteHeader(status int) { b.status = status }

func (p *Server) renderPreview(w http.ResponseWriter, r *http.Request, s *survey.Survey, status int, posted url.Values, errs survey.FieldErrors, note string) error {
	buf := &bufferWriter{header: http.Header{}}
	if err := p.renderForm(buf, r, s, status, posted, errs, "preview"); err != nil {
		return err
	}
	slug := html.EscapeString(s.Slug)
	banner := `<main><div class="preview-banner card" role="status"><strong>プレビュー</strong>：回答者に表示される画面です。送信しても保存されません。` +
		` <a href="/surveys/` + slug + `/edit">編集に戻る</a></div>`
	if note != "" {
		banner += `<p class="card" role="status">` + html.EscapeString(note) + `</p>`
	}
	page := strings.Replace(buf.String(), "<main>", banner, 1)
	page = strings.Replace(page, `action="/s/`+slug+`"`, `action="/surveys/`+slug+`/preview"`, 1)
	for k, vs := range buf.header {
		w.Header()[k] = vs
	}
	w.WriteHeader(buf.status)
	_, err := io.WriteString(w, page)
	return err
}

type editField struct{ ID, Name, Label, Value, Error string }

// Field is a survey-level text field of the editor.
func (v *editorView) Field(name, label, value string) editField {
	return editField{ID: "f-" + name, Name: name, Label: label, Value: value, Error: v.Form.Errors[name]}
}

// QField is a text field of question i.
func (v *editorView) QField(i int, name, label, value string) editField {
	var msg string
	if i < len(v.Form.Questions) {
		msg = v.Form.Questions[i].Errors[name]
	}
	return editField{ID: fmt.Sprintf("q%d-%s", i, name), Name: fmt.Sprintf("q%d.%s", i, name), Label: label, Value: value, Error: msg}
}

var typeLabels = map[string]string{
	survey.Single: "単一選択", survey.Multi: "複数選択", survey.Scale: "尺度（1〜5など）", survey.NPS: "推奨度（0〜10）", survey.Matrix: "マトリクス",
	survey.Text: "短い文章", survey.Textarea: "長い文章", survey.Number: "数値", survey.Date: "日付", survey.Email: "メールアドレス", survey.Consent: "同意", survey.Section: "見出し（回答なし）",
}

// TypeLabel names a question type in Japanese, with its YAML name.
func (v *editorView) TypeLabel(t string) string { return typeLabels[t] + " (" + t + ")" }
