package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/reports"
	"github.com/koe-project/koe/survey"
)

// codeExamples is how many answers the code-book page shows per code,
// maxShownRuleTerms how many of a rule's terms it names.
const (
	codeExamples      = 3
	maxShownRuleTerms = 12
)

// bookTitles name the shipped code books for staff.
var bookTitles = map[string]string{
	"general":   "一般（要望・不満・困りごと・よかった点・賛成・反対）",
	"community": "地域福祉・まちづくり（連携・担い手・異動・住民参加・財源・周知・縦割りなど）",
}

type codesView struct {
	Survey    *survey.Survey
	Books     []bookChoice
	Own       string
	Questions []codeQuestion // analysed questions, the previewed one Chosen
	Question  string         // its label
	Analysed  int            // answers of the previewed question
	// NotHere names the codes left out for the previewed question: praise
	// codes on a question asking what people want (CodeBook.ForQuestion).
	NotHere  []string
	Previews []codePreviewRow
	Problem  string // why the choice cannot be saved
	Unsaved  bool   // the preview shows a choice not yet saved
	Saved    bool
	Added    string // a code just made from an issue group
}

type bookChoice struct {
	Name, Title string
	Codes       []string
	Chosen      bool
}

type codeQuestion struct {
	Key, Label string
	Chosen     bool
}

type codePreviewRow struct {
	Code, Terms, Pct string
	Answers          int
	Drill            string // its answers on the drill-down (saved books only)
	Examples         [][]reports.QuotePart
}

// checkCodeBooks refuses code books the analyzer does not know, and own
// rules that clash with them, as a placed definition error.
func (srv *Server) checkCodeBooks(file string, d *survey.Definition) error {
	if srv.texts == nil {
		return nil
	}
	if _, err := srv.texts.Analyzer().SurveyCodeBook(d.CodeBooks, d.Codes); err != nil {
		return survey.DefinitionErrors{{File: file, Field: "code_books", Msg: err.Error()}}
	}
	return nil
}

func (srv *Server) showCodes(w http.ResponseWriter, r *http.Request) error {
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return err
	}
	if srv.texts == nil {
		return Errorf(http.StatusNotFound, "このサーバーでは自由記述を分析していません。")
	}
	d := s.Definition()
	v, err := srv.codesViewOf(r.Context(), s, d.CodeBooks, d.Codes, r.URL.Query().Get("question"))
	if err != nil {
		return err
	}
	v.Saved, v.Added = r.URL.Query().Get("saved") != "", r.URL.Query().Get("added")
	return srv.pages.Render(w, r, http.StatusOK, srv.codesPage, "コードブック: "+s.Title, v)
}

// saveCodes previews (op=preview) or saves (op=save) the code books chosen
// and the survey's own rules. A choice that cannot be saved comes back with
// everything typed and what is wrong.
func (srv *Server) saveCodes(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, survey.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		return Errorf(http.StatusRequestEntityTooLarge, "送信内容を読み取れませんでした（大きすぎる可能性があります）。")
	}
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return err
	}
	if srv.texts == nil {
		return Errorf(http.StatusNotFound, "このサーバーでは自由記述を分析していません。")
	}
	var names []string
	for _, n := range r.PostForm["book"] {
		if !slices.Contains(names, n) && len(names) < 50 {
			names = append(names, n)
		}
	}
	own := strings.ReplaceAll(r.PostForm.Get("codes"), "\r\n", "\n")
	d := *s.Definition()
	d.CodeBooks, d.Codes = names, own
	problem := srv.codesProblem(&d)
	if r.PostForm.Get("op") == "save" && problem == "" {
		if err := srv.applyDefinition(r.Context(), &d); err != nil {
			return err
		}
		srv.expireBlocks(s.Slug)
		http.Redirect(w, r, codesURL(s.Slug, r.PostForm.Get("question"))+"&saved=1", http.StatusSeeOther)
		return nil
	}
	v, err := srv.codesViewOf(r.Context(), s, names, own, r.PostForm.Get("question"))
	if err != nil {
		return err
	}
	v.Problem, v.Unsaved = problem, true
	status := http.StatusOK
	if problem != "" {
		status = http.StatusUnprocessableEntity
	}
	return srv.pages.Render(w, r, status, srv.codesPage, "コードブック: "+s.Title, v)
}

// codesProblem says why a definition's code books cannot be saved, or "".
func (srv *Server) codesProblem(d *survey.Definition) string {
	parsed, _, err := survey.Reparse(d)
	if err == nil {
		err = srv.checkCodeBooks("", parsed)
	}
	var des survey.DefinitionErrors
	if errors.As(err, &des) {
		msgs := make([]string, len(des))
		for i, e := range des {
			msgs[i] = e.Msg
			if e.Line > 0 && e.Field == "codes" {
				msgs[i] = "この調査のコード: " + e.Msg
			}
		}
		return strings.Join(msgs, "。")
	}
	if err != nil {
		return "保存できない内容です。"
	}
	return ""
}

func codesURL(slug, question string) string {
	return "/surveys/" + url.PathEscape(slug) + "/codes?question=" + url.QueryEscape(question)
}

// codesViewOf shows the code books names and own would apply, counted over
// the answers of one analysed question (key, or the first).
func (srv *Server) codesViewOf(ctx context.Context, s *survey.Survey, names []string, own, key string) (*codesView, error) {
	a := srv.texts.Analyzer()
	v := &codesView{Survey: s, Own: own}
	for _, n := range a.CodeBookNames() {
		b, _ := a.CodeBooks(n)
		title := bookTitles[n]
		if title == "" {
			title = n
		}
		v.Books = append(v.Books, bookChoice{Name: n, Title: title, Codes: b.Names(), Chosen: slices.Contains(names, n)})
	}
	var qm *survey.QuestionModel
	for _, q := range s.Questions {
		if !q.Analyze || q.Personal {
			continue
		}
		if qm == nil || q.Key == key {
			qm = q
		}
	}
	if qm == nil {
		return v, nil
	}
	for _, q := range s.Questions {
		if q.Analyze && !q.Personal {
			v.Questions = append(v.Questions, codeQuestion{Key: q.Key, Label: q.Label, Chosen: q == qm})
		}
	}
	v.Question = qm.Label
	cb, _ := a.SurveyCodeBook(names, own) // problems are shown apart; the codes that could be read are previewed
	sc := store.Scope{Questions: []store.ScopeQuestion{{ID: qm.ID}}, Label: qm.Label}
	found, err := srv.texts.CodePreview(ctx, sc, cb, codeExamples)
	if err != nil {
		return nil, err
	}
	saved := s.Definition()
	same := slices.Equal(saved.CodeBooks, names) && saved.Codes == own
	v.Analysed = found.Answers
	applied := cb.ForQuestion(qm.Label).Names() // what the preview counted (store.CodePreview)
	for _, name := range cb.Names() {
		if !slices.Contains(applied, name) {
			v.NotHere = append(v.NotHere, name)
		}
	}
	for _, p := range found.Codes {
		terms := p.Terms
		if len(terms) > maxShownRuleTerms {
			terms = append(terms[:maxShownRuleTerms:maxShownRuleTerms], fmt.Sprintf("ほか%d語", len(p.Terms)-maxShownRuleTerms))
		}
		row := codePreviewRow{Code: p.Code, Terms: strings.Join(terms, "・"), Answers: p.Answers}
		if v.Analysed > 0 {
			row.Pct = fmt.Sprintf("%.1f%%", 100*float64(p.Answers)/float64(v.Analysed))
		}
		if same && p.Answers > 0 {
			row.Drill = "/surveys/" + url.PathEscape(s.Slug) + "/answers?question=" + url.QueryEscape(qm.Key) + "&code=" + url.QueryEscape(p.Code)
		}
		for _, ex := range found.Examples[p.Code] {
			row.Examples = append(row.Examples, reports.MarkedSentence(ex.Text, ex.Marks))
		}
		v.Previews = append(v.Previews, row)
	}
	return v, nil
}

// addIssueCode turns issue group id of the scope sc (its groups stored
// under kept) into a rule of the own code book of target, the survey whose
// codes count the group's question from then on (analysis.IssueCodeRule),
// named after the group (its staff name when it has one), and shows it on
// target's code-book page.
func (srv *Server) addIssueCode(w http.ResponseWriter, r *http.Request, target *survey.Survey, question string, sc store.Scope, kept, id string) error {
	ctx := r.Context()
	set, err := reports.ComputeIssues(ctx, srv.texts, sc, 0)
	if err == nil { // the stored IDs (the card's link) and staff names
		set, err = reports.KeepIssues(ctx, srv.texts, kept, set, true)
	}
	if err != nil {
		return err
	}
	code, ok, err := reports.IssueCode(ctx, srv.texts, sc, set, id)
	if err != nil {
		return err
	}
	if !ok {
		return Errorf(http.StatusNotFound, "この論点は見つかりません。回答が増えて論点がまとめ直された可能性があります。ダッシュボードを開き直してください。")
	}
	d := *target.Definition()
	existing, _ := analysis.ParseCodeBook(d.Codes)
	cb, _ := srv.texts.Analyzer().SurveyCodeBook(d.CodeBooks, "")
	taken := append(existing.Names(), cb.Names()...)
	name := code.Name
	for i := 2; slices.Contains(taken, name); i++ {
		name = fmt.Sprintf("%s（%d）", code.Name, i)
	}
	code.Name = name
	if strings.TrimSpace(d.Codes) != "" && !strings.HasSuffix(d.Codes, "\n") {
		d.Codes += "\n"
	}
	d.Codes += code.Source()
	if problem := srv.codesProblem(&d); problem != "" {
		return Errorf(http.StatusUnprocessableEntity, "論点からコードを作れませんでした: "+problem)
	}
	if err := srv.applyDefinition(ctx, &d); err != nil {
		return err
	}
	srv.expireBlocks(target.Slug)
	srv.log.InfoContext(ctx, "issue group made a code", "id", RequestID(ctx), "survey", target.Slug, "scope", kept, "issue", id, "code", name, "by", UserEmail(ctx))
	http.Redirect(w, r, codesURL(target.Slug, question)+"&added="+url.QueryEscape(name)+"#own", http.StatusSeeOther)
	return nil
}
