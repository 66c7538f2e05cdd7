package web

import (
	"context"
	"net/http"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/store"
)

// The dictionary page: the synonyms, stopwords, domain words and empty-answer
// phrases of the analysis, as `koe dictionary show | apply` and `koe
// reanalyze` handle them. Every staff member may read it; changing it is
// for admins (as the CLI is for whoever runs the server), since it changes
// the analysis of every survey and its preview quotes answers of any survey.

type dictionaryView struct {
	Version  string // of the dictionary in use
	Admin    bool
	Fields   []dictField
	YAML     string // the file the fields make (詳細)
	Problems []dictProblem
	Preview  *dictPreview
	Status   reanalysisStatus
	Saved    bool // the dictionary was just saved
	Same     bool // a save with nothing changed
	Busy     bool // a save refused while a reanalysis runs
}

type dictField struct {
	dictSection
	Text    string
	Rows    int
	Invalid bool
}

// dictionaryInUse returns the dictionary in use, as stored and split into
// the page's fields and the rest of its YAML; a 404 on a server that does
// not analyse free text.
func (srv *Server) dictionaryInUse(ctx context.Context) (analysis.Dictionary, dictForm, []*yaml.Node, error) {
	if srv.texts == nil {
		return analysis.Dictionary{}, nil, nil, Errorf(http.StatusNotFound, "このサーバーでは自由記述を分析していません。")
	}
	d, src, err := store.ActiveDictionary(ctx, srv.texts.DB())
	if err != nil {
		return analysis.Dictionary{}, nil, nil, err
	}
	form, rest, err := splitSource(src)
	return d, form, rest, err
}

func (srv *Server) showDictionary(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	_, form, rest, err := srv.dictionaryInUse(ctx)
	if err != nil {
		return err
	}
	v := srv.dictionaryViewOf(ctx, form, rest)
	q := r.URL.Query()
	v.Saved, v.Same = q.Get("saved") != "", q.Get("same") != ""
	return srv.renderDictionary(w, r, http.StatusOK, v)
}

// saveDictionary previews (op=preview, or no op) or saves (op=save) the
// dictionary the fields make. A dictionary that cannot be saved comes back
// with everything typed and the entries at fault named (422); a field the
// form does not send keeps what the dictionary in use has.
func (srv *Server) saveDictionary(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxDictionaryBytes)
	if err := r.ParseForm(); err != nil {
		return Errorf(http.StatusRequestEntityTooLarge, "送信内容を読み取れませんでした（大きすぎる可能性があります）。")
	}
	ctx := r.Context()
	prev, form, rest, err := srv.dictionaryInUse(ctx)
	if err != nil {
		return err
	}
	for _, sec := range dictSections {
		if vs, ok := r.PostForm[sec.Field]; ok && len(vs) > 0 {
			form[sec.Field] = strings.ReplaceAll(vs[0], "\r\n", "\n")
		}
	}
	next, lines, problems := writeSource(form, rest)
	var d analysis.Dictionary
	var a *analysis.Analyzer
	if len(problems) == 0 {
		d, a, problems = checkDictionary(next, lines)
	}
	v := srv.dictionaryViewOf(ctx, form, rest)
	v.YAML, v.Problems = string(next), problems
	for i := range v.Fields {
		for _, p := range problems {
			v.Fields[i].Invalid = v.Fields[i].Invalid || p.Section == v.Fields[i].Field
		}
	}
	if len(problems) > 0 {
		return srv.renderDictionary(w, r, http.StatusUnprocessableEntity, v)
	}
	if r.PostForm.Get("op") == "save" {
		if d.Version() == prev.Version() {
			http.Redirect(w, r, "/dictionary?same=1", http.StatusSeeOther)
			return nil
		}
		if !srv.reanalysis.claim() {
			v.Busy = true
			return srv.renderDictionary(w, r, http.StatusConflict, v)
		}
		if _, err := srv.texts.UseDictionary(ctx, next); err != nil {
			srv.reanalysis.release()
			return err
		}
		srv.log.InfoContext(ctx, "dictionary saved on its page", "id", RequestID(ctx), "version", d.Version(), "was", prev.Version(), "by", UserEmail(ctx))
		srv.reanalyzeInBackground(ctx, d.Version())
		http.Redirect(w, r, "/dictionary?saved=1", http.StatusSeeOther)
		return nil
	}
	prevA := srv.texts.Analyzer()
	if prevA.Version() != prev.Version() { // another process applied it and this one has not followed yet
		if prevA, err = analysis.New(prev); err != nil {
			return err
		}
	}
	if v.Preview, err = srv.previewDictionary(ctx, prev, d, prevA, a); err != nil {
		return err
	}
	return srv.renderDictionary(w, r, http.StatusOK, v)
}

// dictionaryViewOf shows the fields of form; the file they make is shown by
// the caller when it was written.
func (srv *Server) dictionaryViewOf(ctx context.Context, form dictForm, rest []*yaml.Node) *dictionaryView {
	v := &dictionaryView{Version: srv.texts.Version(), Admin: srv.isAdmin(ctx), Status: srv.reanalysis.status()}
	for _, sec := range dictSections {
		text := form[sec.Field]
		v.Fields = append(v.Fields, dictField{dictSection: sec, Text: text, Rows: min(max(strings.Count(text, "\n")+2, 4), 16)})
	}
	if src, _, _ := writeSource(form, rest); len(src) > 0 {
		v.YAML = string(src)
	}
	return v
}

func (srv *Server) renderDictionary(w http.ResponseWriter, r *http.Request, status int, v *dictionaryView) error {
	return srv.pages.Render(w, r, status, srv.dictionaryPage, "分析の辞書", v)
}
