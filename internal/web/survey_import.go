package web

import (
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/koe-project/koe/survey"
)

// maxImportBytes bounds an uploaded file: 10k rows of a long Google Form are
// a few MB; more is a mistake or an attack.
const maxImportBytes = 20 << 20

type importView struct {
	Survey    *survey.Survey
	Questions []*survey.Question
	Formats   []string
	Format    string
	TZ        string
	DryRun    bool
	FileName  string
	Data      string // the file, base64, so a previewed upload imports without choosing it again
	Error     string
	Result    *survey.ImportResult
	Previews  []importPreview
	Done      string // what the last import stored, after the redirect
	// UsedColumns and IgnoredColumns count the columns of Result.Columns
	// that are read (into a question, or as the date) and left out.
	UsedColumns, IgnoredColumns int
}

// setResult keeps what an import read, and counts its columns for the page.
func (v *importView) setResult(res *survey.ImportResult) {
	v.Result = res
	for _, c := range res.Columns {
		if c.Ignored != "" {
			v.IgnoredColumns++
		} else {
			v.UsedColumns++
		}
	}
}

type importPreview struct {
	survey.ImportedRow
	Cells []string
}

func (srv *Server) importViewOf(s *survey.Survey) importView {
	v := importView{Survey: s, Formats: survey.ImportFormats, Format: survey.FormatAuto, TZ: "Asia/Tokyo", DryRun: true}
	d := s.Definition()
	for i := range d.Questions {
		if d.Questions[i].Answerable() {
			v.Questions = append(v.Questions, &d.Questions[i])
		}
	}
	return v
}

// showImport is the upload form of answers collected elsewhere.
func (srv *Server) showImport(w http.ResponseWriter, r *http.Request) error {
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return err
	}
	v := srv.importViewOf(s)
	if q := r.URL.Query(); q.Has("stored") {
		v.Done = "取り込みました: " + q.Get("stored") + "件を保存しました（取り込み済みのため省いた行: " + q.Get("skipped") + "件）。"
	}
	return srv.pages.Render(w, r, http.StatusOK, srv.importPage, "回答の取り込み", v)
}

// submitImport checks (dry run) or imports an uploaded file.
func (srv *Server) submitImport(w http.ResponseWriter, r *http.Request) error {
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return err
	}
	// The file may come back base64 in a field after a preview, a third
	// larger. A form keeps its fields in memory up to maxMemory + 10 MB, so
	// maxMemory must leave room for that field.
	r.Body = http.MaxBytesReader(w, r.Body, maxImportBytes*3/2)
	if err := r.ParseMultipartForm(maxImportBytes); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return Errorf(http.StatusRequestEntityTooLarge, "ファイルが大きすぎます（20MBまで）。")
		}
		return Errorf(http.StatusBadRequest, "送信内容を読み取れませんでした。もう一度お試しください。")
	}
	defer r.MultipartForm.RemoveAll()

	v := srv.importViewOf(s)
	v.Format = r.PostFormValue("format")
	if !slices.Contains(survey.ImportFormats, v.Format) {
		v.Format = survey.FormatAuto
	}
	v.TZ = strings.TrimSpace(r.PostFormValue("tz"))
	v.DryRun = r.PostFormValue("dry_run") != ""
	name, data, err := uploaded(r)
	if err != nil {
		return err
	}
	v.FileName = name
	if data == nil {
		v.Error = "取り込むファイルを選んでください。"
		return srv.pages.Render(w, r, http.StatusUnprocessableEntity, srv.importPage, "回答の取り込み", v)
	}
	// The page carries the file back (base64, a third larger) for the next
	// post: the import after a preview, or a check with other settings.
	carry := func() { v.Data = base64.StdEncoding.EncodeToString(data) }
	loc, err := time.LoadLocation(v.TZ)
	if v.TZ == "" || err != nil {
		carry()
		v.Error = "タイムゾーン「" + v.TZ + "」が分かりません（例: Asia/Tokyo、UTC）。"
		return srv.pages.Render(w, r, http.StatusUnprocessableEntity, srv.importPage, "回答の取り込み", v)
	}
	res, err := srv.surveys.Import(r.Context(), s, name, data, survey.ImportOptions{Format: v.Format, Location: loc, DryRun: v.DryRun})
	var ie *survey.ImportError
	if errors.As(err, &ie) {
		if res == nil {
			res = &survey.ImportResult{Problems: ie.Problems, UnlistedProblems: ie.Unlisted}
		}
		v.setResult(res)
		if ie.Stopped { // the same file cannot do better: do not send it back and forth
			v.FileName = ""
		} else {
			carry()
		}
		v.Error = "ファイルに問題があるため、何も保存していません。下の一覧を直してから、もう一度お試しください。"
		return srv.pages.Render(w, r, http.StatusUnprocessableEntity, srv.importPage, "回答の取り込み", v)
	}
	if err != nil {
		return err
	}
	if !v.DryRun {
		if srv.refreshAfter > 0 && res.Stored >= warmFrom { // its dashboard is ready when first asked for
			if err := srv.warmDashboard(r.Context(), s); err != nil {
				return err
			}
		}
		// Post/Redirect/Get: reloading the result never posts the file again.
		q := url.Values{"stored": {strconv.Itoa(res.Stored)}, "skipped": {strconv.Itoa(res.Skipped)}}
		http.Redirect(w, r, "/surveys/"+url.PathEscape(s.Slug)+"/import?"+q.Encode(), http.StatusSeeOther)
		return nil
	}
	v.setResult(res)
	carry()
	for _, row := range res.Preview {
		pv := importPreview{ImportedRow: row}
		for _, q := range v.Questions {
			pv.Cells = append(pv.Cells, survey.CellText(q, row.Answers[q.Key]))
		}
		v.Previews = append(v.Previews, pv)
	}
	return srv.pages.Render(w, r, http.StatusOK, srv.importPage, "回答の取り込み", v)
}

// uploaded returns the chosen file, or the one a preview carried back.
// data is nil when neither came.
func uploaded(r *http.Request) (name string, data []byte, err error) {
	f, hdr, err := r.FormFile("file")
	if err == nil {
		defer f.Close()
		if hdr.Size > maxImportBytes {
			return "", nil, Errorf(http.StatusRequestEntityTooLarge, "ファイルが大きすぎます（20MBまで）。")
		}
		data := make([]byte, hdr.Size) // read in one: a growing buffer would copy it again and again
		if _, err := io.ReadFull(f, data); err != nil {
			return "", nil, err
		}
		if len(data) > 0 {
			return hdr.Filename, data, nil
		}
	}
	if kept := r.PostFormValue("data"); kept != "" {
		data, err := base64.StdEncoding.DecodeString(kept)
		if err != nil {
			return "", nil, Errorf(http.StatusBadRequest, "送信内容を読み取れませんでした。ファイルを選び直してください。")
		}
		return r.PostFormValue("filename"), data, nil
	}
	return "", nil, nil
}
