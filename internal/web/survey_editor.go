package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/koe-project/koe/survey"
)

// The editor: staff build and change surveys in the browser. Every save goes
// through survey.DefinitionFromEditor (ParseDefinition) and Store.ApplyBy,
// exactly as `koe survey apply`, so the editor and the CLI never disagree,
// and a change that would orphan stored answers is refused with its reason.

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
	// A copy for the next meeting: the texts that still name the one it
	// was copied from (CopiedFrom).
	Stale      []survey.StaleText
	CopiedFrom string
}

func (srv *Server) showEditor(w http.ResponseWriter, r *http.Request) error {
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return err
	}
	v := srv.editorViewOf(r, s, survey.EditorFormOf(s.Definition()))
	if r.URL.Query().Get("saved") != "" {
		v.Saved = "保存しました。"
	}
	if from := r.URL.Query().Get("from"); from != "" && from != s.Slug {
		// A copy for the next meeting: what still names the last one. Only
		// the copy's own texts are shown, so no access to from is needed.
		if prev, err := srv.surveys.SurveyBySlug(r.Context(), from); err == nil {
			v.Stale = survey.StaleTexts(prev.Definition(), s.Definition())
			v.CopiedFrom = prev.Title
		}
	}
	return srv.pages.Render(w, r, http.StatusOK, srv.editor, "編集: "+s.Title, v)
}

func (srv *Server) editorViewOf(r *http.Request, s *survey.Survey, f *survey.EditorForm) *editorView {
	v := &editorView{Survey: s, Form: f, Types: survey.Types}
	n, _ := srv.surveys.ResponseCount(r.Context(), s)
	switch s.StateAt(srv.now(), n) {
	case survey.Open:
		v.State, v.Open = "公開中（回答を受け付けています）", true
	case survey.NotYetOpen:
		v.State = "公開前（" + s.OpensAt.In(tokyo).Format("2006/01/02 15:04") + " から受付）"
	case survey.Closed:
		v.State = "受付停止中"
	case survey.Preparing:
		v.State = "下書き（公開前。回答用リンクを開いた人には「準備中」と表示されます）"
	case survey.Full:
		v.State = "定員に達したため受付終了"
	}
	return v
}

// saveEditor handles every button of the editor form: save, add, move, remove.
func (srv *Server) saveEditor(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, survey.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		return Errorf(http.StatusRequestEntityTooLarge, "送信内容を読み取れませんでした（大きすぎる可能性があります）。")
	}
	s, err := srv.surveyFromPath(r)
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
		v := srv.editorViewOf(r, s, f)
		v.Saved = "まだ保存していません。「保存」を押すと反映されます。"
		return srv.pages.Render(w, r, http.StatusOK, srv.editor, "編集: "+s.Title, v)
	}
	if op == "add" {
		t := r.PostForm.Get("new_type")
		if !survey.ValidType(t) {
			t = survey.Single
		}
		f.Questions = append(f.Questions, survey.EditorQuestion{Type: t, Key: fmt.Sprintf("q%d", len(f.Questions)+1)})
		v := srv.editorViewOf(r, s, f)
		v.Saved = "設問を追加しました（まだ保存していません）。"
		return srv.pages.Render(w, r, http.StatusOK, srv.editor, "編集: "+s.Title, v)
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
		// The code books are edited on their own page (survey_codes.go).
		stored := s.Definition()
		d.CodeBooks, d.Codes = stored.CodeBooks, stored.Codes
		src, err := d.YAML()
		if err != nil {
			return err
		}
		if _, err = srv.surveys.ApplyBy(r.Context(), d, src, srv.staff(r.Context())); err != nil {
			var orphan *survey.OrphanError
			var refused *survey.SeriesError
			switch {
			case errors.As(err, &refused):
				f.Fail(refused.Field, refused.Msg)
				return srv.pages.Render(w, r, http.StatusForbidden, srv.editor, "編集: "+s.Title, srv.editorViewOf(r, s, f))
			case !errors.As(err, &orphan):
				return err
			}
			v := srv.editorViewOf(r, s, f)
			v.Summary = append(v.Summary, "保存できませんでした。回答済みの設問を変えると回答が宙に浮くためです: "+orphan.Error())
			return srv.pages.Render(w, r, http.StatusConflict, srv.editor, "編集: "+s.Title, v)
		}
	}
	if f.HasErrors() {
		v := srv.editorViewOf(r, s, f)
		return srv.pages.Render(w, r, http.StatusUnprocessableEntity, srv.editor, "編集: "+s.Title, v)
	}
	next := "/surveys/" + url.PathEscape(s.Slug) + "/edit?saved=1"
	if op == "preview" {
		next = "/surveys/" + url.PathEscape(s.Slug) + "/preview"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

type editField struct{ ID, Name, Label, Value, Error, Type string }

// fieldTypes are the input types of the survey-level fields that are not
// plain text: a browser offers a calendar or a number pad for them.
var fieldTypes = map[string]string{
	"event.date": "date", "opens_at": "datetime-local", "closes_at": "datetime-local",
	"event.attendees": "number", "max_responses": "number",
}

// Field is a survey-level field of the editor.
func (v *editorView) Field(name, label, value string) editField {
	t := fieldTypes[name]
	if t == "" {
		t = "text"
	}
	return editField{ID: "f-" + name, Name: name, Label: label, Value: value, Error: v.Form.Errors[name], Type: t}
}

// QField is a text field of question i.
func (v *editorView) QField(i int, name, label, value string) editField {
	var msg string
	if i < len(v.Form.Questions) {
		msg = v.Form.Questions[i].Errors[name]
	}
	return editField{ID: fmt.Sprintf("q%d-%s", i, name), Name: fmt.Sprintf("q%d.%s", i, name), Label: label, Value: value, Error: msg, Type: "text"}
}

// TypeLabel names a question type in Japanese, with its YAML name.
func (v *editorView) TypeLabel(t string) string {
	return survey.KindOf(t).EditorLabel() + " (" + t + ")"
}

// kindFields lists what the editor shows for a question of type t: the
// kind's typed fields and the flags that apply to it.
func kindFields(t string) []string {
	k := survey.KindOf(t)
	fields := slices.Clone(k.EditorFields())
	if k.Answerable() {
		fields = append(fields, "required", "personal")
	}
	if k.HasOptions() {
		fields = append(fields, "attribute")
	}
	if k.Analysable() {
		fields = append(fields, "analyze")
	}
	return fields
}

// Shows reports whether question i's editor shows field: the fields its
// type uses, and any other that holds a value or an error, so nothing
// typed is hidden.
func (v *editorView) Shows(i int, field string) bool {
	if i >= len(v.Form.Questions) {
		return true
	}
	q := v.Form.Questions[i]
	if slices.Contains(kindFields(q.Type), field) || q.Errors[field] != "" {
		return true
	}
	switch field {
	case "options":
		return q.Options != ""
	case "other":
		return q.Other
	case "rows":
		return q.Rows != ""
	case "columns":
		return q.Columns != ""
	case "min":
		return q.Min != ""
	case "max":
		return q.Max != ""
	case "min_label":
		return q.MinLabel != ""
	case "max_label":
		return q.MaxLabel != ""
	case "required":
		return q.Required
	case "personal":
		return q.Personal
	case "attribute":
		return q.Attribute
	case "analyze":
		return q.Analyze
	}
	return true
}

// KindFields is kindFields of every type as JSON, for the editor's script
// to show a question's fields when its type changes.
func (v *editorView) KindFields() string {
	all := map[string][]string{}
	for _, t := range v.Types {
		all[t] = kindFields(t)
	}
	b, _ := json.Marshal(all)
	return string(b)
}
