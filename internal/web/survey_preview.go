package web

import (
	"bytes"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/koe-project/koe/survey"
)

// The preview: the respondent form as respondents see it, storing nothing.

// showPreview renders the respondent form exactly as respondents see it, with
// a banner, posting back to the preview so nothing is stored.
func (srv *Server) showPreview(w http.ResponseWriter, r *http.Request) error {
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return err
	}
	return srv.renderPreview(w, r, s, http.StatusOK, url.Values{}, nil, "")
}

func (srv *Server) checkPreview(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, survey.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		return Errorf(http.StatusBadRequest, "送信内容を読み取れませんでした。")
	}
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return err
	}
	_, errs := survey.Validate(s.Definition(), survey.DecodeForm(s.Definition(), r.PostForm))
	if errs != nil {
		return srv.renderPreview(w, r, s, http.StatusUnprocessableEntity, r.PostForm, errs, "")
	}
	return srv.renderPreview(w, r, s, http.StatusOK, r.PostForm, nil, "入力内容に問題はありません（プレビューのため保存していません）。")
}

type bufferWriter struct {
	header http.Header
	status int
	bytes.Buffer
}

func (b *bufferWriter) Header() http.Header { return b.header }

func (b *bufferWriter) WriteHeader(status int) { b.status = status }

func (srv *Server) renderPreview(w http.ResponseWriter, r *http.Request, s *survey.Survey, status int, posted url.Values, errs survey.FieldErrors, note string) error {
	buf := &bufferWriter{header: http.Header{}}
	if err := srv.renderForm(buf, r, s, status, posted, errs, "preview"); err != nil {
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
