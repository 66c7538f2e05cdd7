package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/koe-project/koe/survey"
)

// A survey definition as YAML: uploaded into the editor, or downloaded.

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

func (srv *Server) uploadYAML(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, survey.MaxBodyBytes)
	if err := r.ParseMultipartForm(survey.MaxBodyBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return Errorf(http.StatusBadRequest, "送信内容を読み取れませんでした。")
	}
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return err
	}
	src, name, ok := uploadedYAML(r)
	if !ok {
		v := srv.editorViewOf(r, s, survey.EditorFormOf(s.Definition()))
		v.YAMLErr = "YAML ファイルを選ぶか、YAML を貼り付けてください。"
		return srv.pages.Render(w, r, http.StatusUnprocessableEntity, srv.editor, "編集: "+s.Title, v)
	}
	d, err := survey.ParseDefinition(name, src)
	if err == nil && d.Slug != s.Slug {
		err = fmt.Errorf("%s: slug: %q はこのアンケート（%s）と違います。別のアンケートは「アンケートを作る」からアップロードしてください", name, d.Slug, s.Slug)
	}
	if err == nil {
		err = srv.checkCodeBooks(name, d)
	}
	if err == nil {
		_, err = srv.surveys.ApplyBy(r.Context(), d, string(src), srv.staff(r.Context()))
	}
	if err != nil {
		var orphan *survey.OrphanError
		var des survey.DefinitionErrors
		var refused *survey.SeriesError
		if !errors.As(err, &orphan) && !errors.As(err, &des) && !errors.As(err, &refused) && !strings.Contains(err.Error(), "slug:") {
			return err
		}
		v := srv.editorViewOf(r, s, survey.EditorFormOf(s.Definition()))
		v.YAML, v.YAMLErr = string(src), err.Error()
		status := http.StatusUnprocessableEntity
		switch {
		case orphan != nil:
			status = http.StatusConflict
		case refused != nil:
			status = http.StatusForbidden
		}
		return srv.pages.Render(w, r, status, srv.editor, "編集: "+s.Title, v)
	}
	http.Redirect(w, r, "/surveys/"+url.PathEscape(s.Slug)+"/edit?saved=1", http.StatusSeeOther)
	return nil
}

func (srv *Server) downloadYAML(w http.ResponseWriter, r *http.Request) error {
	s, err := srv.surveyFromPath(r)
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
