package survey

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/web"
)

// The editor: staff build and change surveys in the browser. Every save goes
// through ParseDefinition and Store.Apply, exactly as `koe survey apply`, so
// the editor and the CLI never disagree, and a change that would orphan stored
// answers is refused with its reason.

type editorView struct {
	Survey   *Survey // nil on the new-survey page
	Form     *editForm
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

func (p *Pages) registerEditor(mux *http.ServeMux, staff func(http.Handler) http.Handler, h func(web.HandlerFunc) http.Handler) {
	mux.Handle("GET /surveys/new", staff(h(p.showNew)))
	mux.Handle("POST /surveys/new", staff(h(p.createSurvey)))
	mux.Handle("GET /surveys/{slug}/edit", staff(h(p.showEditor)))
	mux.Handle("POST /surveys/{slug}/edit", staff(h(p.saveEditor)))
	mux.Handle("POST /surveys/{slug}/edit/yaml", staff(h(p.uploadYAML)))
	mux.Handle("POST /surveys/{slug}/state", staff(h(p.changeState)))
	mux.Handle("POST /surveys/{slug}/duplicate", staff(h(p.duplicate)))
	mux.Handle("GET /surveys/{slug}/survey.yaml", staff(h(p.downloadYAML)))
	mux.Handle("GET /surveys/{slug}/preview", staff(h(p.showPreview)))
	mux.Handle("POST /surveys/{slug}/preview", staff(h(p.checkPreview)))
}

// starterQuestion is the one question a new survey starts with (a survey needs one).
var starterQuestion = Question{Key: "comments", Type: Textarea, Label: "ご感想・ご意見（自由記述）", Analyze: true}

type newView struct {
	Slug, Title string
	Errors      map[string]string
	YAML        string
	YAMLErr     string
}

func (p *Pages) showNew(w http.ResponseWriter, r *http.Request) error {
	return p.web.Render(w, r, http.StatusOK, p.editorNew, "アンケートを作る", newView{})
}

// createSurvey makes a draft survey from a slug and title, or from an uploaded YAML.
func (p *Pages) createSurvey(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	if err := r.ParseMultipartForm(MaxBodyBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return web.Errorf(http.StatusBadRequest, "送信内容を読み取れませんでした。")
	}
	ctx := r.Context()
	if src, name, ok := uploadedYAML(r); ok {
		v := newView{YAML: string(src)}
		d, err := ParseDefinition(name, src) // a DefinitionErrors, placed for the author
		if err == nil {
			if err = p.store.Create(ctx, d, string(src), p.staff(ctx)); errors.Is(err, ErrSlugTaken) {
				err = fmt.Errorf("slug %q は既に使われています。既存のアンケートの編集画面からアップロードするか、別の slug にしてください", d.Slug)
			} else if err != nil && !errors.As(err, new(*SeriesError)) {
				return err
			}
		}
		if err != nil {
			v.YAMLErr = err.Error()
			status := http.StatusUnprocessableEntity
			var refused *SeriesError
			if errors.As(err, &refused) {
				status = http.StatusForbidden
			}
			return p.web.Render(w, r, status, p.editorNew, "アンケートを作る", v)
		}
		http.Redirect(w, r, "/surveys/"+url.PathEscape(d.Slug)+"/edit?saved=1", http.StatusSeeOther)
		return nil
	}
	v := newView{Slug: strings.TrimSpace(r.PostFormValue("slug")), Title: strings.TrimSpace(r.PostFormValue("title")), Errors: map[string]string{}}
	switch {
	case v.Slug == "":
		v.Errors["slug"] = "URL に使う名前を入力してください（例: network-2024-1）"
	case !slugPattern.MatchString(v.Slug):
		v.Errors["slug"] = "半角の小文字・数字・-・_ で入力してください（100文字まで）"
	case p.slugTaken(ctx, v.Slug):
		v.Errors["slug"] = "この名前は既に使われています。別の名前にしてください"
	}
	if v.Title == "" {
		v.Errors["title"] = "タイトルを入力してください"
	} else if !database.StorableText(v.Title) {
		v.Errors["title"] = unstorableText
	}
	if len(v.Errors) > 0 {
		return p.web.Render(w, r, http.StatusUnprocessableEntity, p.editorNew, "アンケートを作る", v)
	}
	now := p.now().UTC().Truncate(time.Second)
	d := &Definition{Slug: v.Slug, Title: v.Title, ClosesAt: &now, Questions: []Question{starterQuestion}}
	if err := p.createDefinition(ctx, d); errors.Is(err, ErrSlugTaken) { // made by someone else meanwhile
		v.Errors["slug"] = "この名前は既に使われています。別の名前にしてください"
		return p.web.Render(w, r, http.StatusUnprocessableEntity, p.editorNew, "アンケートを作る", v)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/surveys/"+url.PathEscape(d.Slug)+"/edit", http.StatusSeeOther)
	return nil
}

// staff is the signed-in staff member, for ApplyBy and Create.
func (p *Pages) staff(ctx context.Context) Staff {
	return Staff{Email: web.UserEmail(ctx), Admin: p.isAdmin(ctx)}
}

// slugTaken tells early that a slug is in use; Create still refuses one
// taken between this check and the creation.
func (p *Pages) slugTaken(ctx context.Context, slug string) bool {
	_, err := p.store.SurveyBySlug(ctx, slug)
	return !errors.Is(err, ErrNotFound)
}

// applyDefinition saves a definition built in code the way the CLI would:
// through its YAML and ParseDefinition, as the signed-in staff member.
func (p *Pages) applyDefinition(ctx context.Context, d *Definition) error {
	parsed, src, err := reparse(d)
	if err != nil {
		return err
	}
	_, err = p.store.ApplyBy(ctx, parsed, src, p.staff(ctx))
	return err
}

// createDefinition stores a definition built in code as a new survey of the
// signed-in staff member, or returns ErrSlugTaken.
func (p *Pages) createDefinition(ctx context.Context, d *Definition) error {
	parsed, src, err := reparse(d)
	if err != nil {
		return err
	}
	return p.store.Create(ctx, parsed, src, p.staff(ctx))
}

// reparse returns a definition built in code as the CLI would read it, with
// its YAML.
func reparse(d *Definition) (*Definition, string, error) {
	src, err := yaml.Marshal(d)
	if err != nil {
		return nil, "", err
	}
	parsed, err := ParseDefinition("editor", src)
	return parsed, string(src), err
}

func (p *Pages) showEditor(w http.ResponseWriter, r *http.Request) error {
	s, err := surveyFromPath(p.store, r)
	if err != nil {
		return err
	}
	v := p.editorViewOf(r, s, formFromDefinition(s.Definition()))
	if r.URL.Query().Get("saved") != "" {
		v.Saved = "保存しました。"
	}
	return p.web.Render(w, r, http.StatusOK, p.editor, "編集: "+s.Title, v)
}

func (p *Pages) editorViewOf(r *http.Request, s *Survey, f *editForm) *editorView {
	v := &editorView{Survey: s, Form: f, Types: Types}
	n, _ := p.store.ResponseCount(r.Context(), s)
	switch s.StateAt(p.now(), n) {
	case Open:
		v.State, v.Open = "公開中（回答を受け付けています）", true
	case NotYetOpen:
		v.State = "公開前（" + s.OpensAt.In(jst).Format("2006/01/02 15:04") + " から受付）"
	case Closed:
		v.State = "受付停止中"
	case Full:
		v.State = "定員に達したため受付終了"
	}
	return v
}

// saveEditor handles every button of the editor form: save, add, move, remove.
func (p *Pages) saveEditor(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		return web.Errorf(http.StatusRequestEntityTooLarge, "送信内容を読み取れませんでした（大きすぎる可能性があります）。")
	}
	s, err := surveyFromPath(p.store, r)
	if err != nil {
		return err
	}
	f := formFromPost(s.Slug, r.PostForm)
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
		return p.web.Render(w, r, http.StatusOK, p.editor, "編集: "+s.Title, v)
	}
	if op == "add" {
		t := r.PostForm.Get("new_type")
		if !validType(t) {
			t = Single
		}
		f.Questions = append(f.Questions, editQuestion{Type: t, Key: fmt.Sprintf("q%d", len(f.Questions)+1)})
		v := p.editorViewOf(r, s, f)
		v.Saved = "設問を追加しました（まだ保存していません）。"
		return p.web.Render(w, r, http.StatusOK, p.editor, "編集: "+s.Title, v)
	}
	d, src := f.definition()
	if d != nil {
		var parsed *Definition
		if parsed, err = ParseDefinition("editor", src); err != nil {
			f.placeErrors(err)
		} else if _, err = p.store.ApplyBy(r.Context(), parsed, string(src), p.staff(r.Context())); err != nil {
			var orphan *OrphanError
			var refused *SeriesError
			switch {
			case errors.As(err, &refused):
				f.fail(refused.Field, refused.Msg)
				return p.web.Render(w, r, http.StatusForbidden, p.editor, "編集: "+s.Title, p.editorViewOf(r, s, f))
			case !errors.As(err, &orphan):
				return err
			}
			v := p.editorViewOf(r, s, f)
			v.Summary = append(v.Summary, "保存できませんでした。回答済みの設問を変えると回答が宙に浮くためです: "+orphan.Error())
			return p.web.Render(w, r, http.StatusConflict, p.editor, "編集: "+s.Title, v)
		}
	}
	if f.HasErrors() {
		v := p.editorViewOf(r, s, f)
		return p.web.Render(w, r, http.StatusUnprocessableEntity, p.editor, "編集: "+s.Title, v)
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

func (p *Pages) uploadYAML(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	if err := r.ParseMultipartForm(MaxBodyBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return web.Errorf(http.StatusBadRequest, "送信内容を読み取れませんでした。")
	}
	s, err := surveyFromPath(p.store, r)
	if err != nil {
		return err
	}
	src, name, ok := uploadedYAML(r)
	if !ok {
		v := p.editorViewOf(r, s, formFromDefinition(s.Definition()))
		v.YAMLErr = "YAML ファイルを選ぶか、YAML を貼り付けてください。"
		return p.web.Render(w, r, http.StatusUnprocessableEntity, p.editor, "編集: "+s.Title, v)
	}
	d, err := ParseDefinition(name, src)
	if err == nil && d.Slug != s.Slug {
		err = fmt.Errorf("%s: slug: %q はこのアンケート（%s）と違います。別のアンケートは「アンケートを作る」からアップロードしてください", name, d.Slug, s.Slug)
	}
	if err == nil {
		_, err = p.store.ApplyBy(r.Context(), d, string(src), p.staff(r.Context()))
	}
	if err != nil {
		var orphan *OrphanError
		var des DefinitionErrors
		var refused *SeriesError
		if !errors.As(err, &orphan) && !errors.As(err, &des) && !errors.As(err, &refused) && !strings.Contains(err.Error(), "slug:") {
			return err
		}
		v := p.editorViewOf(r, s, formFromDefinition(s.Definition()))
		v.YAML, v.YAMLErr = string(src), err.Error()
		status := http.StatusUnprocessableEntity
		switch {
		case orphan != nil:
			status = http.StatusConflict
		case refused != nil:
			status = http.StatusForbidden
		}
		return p.web.Render(w, r, status, p.editor, "編集: "+s.Title, v)
	}
	http.Redirect(w, r, "/surveys/"+url.PathEscape(s.Slug)+"/edit?saved=1", http.StatusSeeOther)
	return nil
}

func (p *Pages) downloadYAML(w http.ResponseWriter, r *http.Request) error {
	s, err := surveyFromPath(p.store, r)
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
func (p *Pages) changeState(w http.ResponseWriter, r *http.Request) error {
	s, err := surveyFromPath(p.store, r)
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
		return web.Errorf(http.StatusBadRequest, "操作が分かりません。")
	}
	if err := p.applyDefinition(r.Context(), &d); err != nil {
		var refused *SeriesError
		if errors.As(err, &refused) {
			return web.Errorf(http.StatusForbidden, refused.Error())
		}
		return err
	}
	http.Redirect(w, r, "/surveys/"+url.PathEscape(s.Slug)+"/edit?saved=1", http.StatusSeeOther)
	return nil
}

// duplicate copies a survey to a new slug as a draft: the next meeting of a
// series starts as a copy of the last one (same series and questions, no date).
func (p *Pages) duplicate(w http.ResponseWriter, r *http.Request) error {
	s, err := surveyFromPath(p.store, r)
	if err != nil {
		return err
	}
	slug := strings.TrimSpace(r.PostFormValue("new_slug"))
	msg := ""
	switch {
	case !slugPattern.MatchString(slug):
		msg = "新しい URL 名を半角の小文字・数字・-・_ で入力してください"
	case p.slugTaken(r.Context(), slug):
		msg = "この URL 名は既に使われています。別の名前にしてください"
	case !database.StorableText(r.PostFormValue("new_title")):
		msg = "新しいタイトルに" + unstorableText
	}
	if msg != "" {
		v := p.editorViewOf(r, s, formFromDefinition(s.Definition()))
		v.NewSlug, v.DupError = slug, msg
		return p.web.Render(w, r, http.StatusUnprocessableEntity, p.editor, "編集: "+s.Title, v)
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
	if err := p.createDefinition(r.Context(), &d); errors.Is(err, ErrSlugTaken) { // made by someone else meanwhile
		v := p.editorViewOf(r, s, formFromDefinition(s.Definition()))
		v.NewSlug, v.DupError = slug, "この URL 名は既に使われています。別の名前にしてください"
		return p.web.Render(w, r, http.StatusUnprocessableEntity, p.editor, "編集: "+s.Title, v)
	} else if refused := (*SeriesError)(nil); errors.As(err, &refused) {
		v := p.editorViewOf(r, s, formFromDefinition(s.Definition()))
		v.NewSlug, v.DupError = slug, "複製できませんでした。"+refused.Error()
		return p.web.Render(w, r, http.StatusForbidden, p.editor, "編集: "+s.Title, v)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/surveys/"+url.PathEscape(slug)+"/edit", http.StatusSeeOther)
	return nil
}

// showPreview renders the respondent form exactly as respondents see it, with
// a banner, posting back to the preview so nothing is stored.
func (p *Pages) showPreview(w http.ResponseWriter, r *http.Request) error {
	s, err := surveyFromPath(p.store, r)
	if err != nil {
		return err
	}
	return p.renderPreview(w, r, s, http.StatusOK, url.Values{}, nil, "")
}

func (p *Pages) checkPreview(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		return web.Errorf(http.StatusBadRequest, "送信内容を読み取れませんでした。")
	}
	s, err := surveyFromPath(p.store, r)
	if err != nil {
		return err
	}
	_, errs := Validate(s.Definition(), DecodeForm(s.Definition(), r.PostForm))
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

func (p *Pages) renderPreview(w http.ResponseWriter, r *http.Request, s *Survey, status int, posted url.Values, errs FieldErrors, note string) error {
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
	Single: "単一選択", Multi: "複数選択", Scale: "尺度（1〜5など）", NPS: "推奨度（0〜10）", Matrix: "マトリクス",
	Text: "短い文章", Textarea: "長い文章", Number: "数値", Date: "日付", Email: "メールアドレス", Consent: "同意", Section: "見出し（回答なし）",
}

// TypeLabel names a question type in Japanese, with its YAML name.
func (v *editorView) TypeLabel(t string) string { return typeLabels[t] + " (" + t + ")" }
