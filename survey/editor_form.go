package survey

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// The editor's form carries a whole definition as flat fields, so it works
// without JavaScript and a re-rendered page keeps everything typed:
//
//	title, description, anonymous, event.series, event.series_title, event.title,
//	event.date, event.attendees, opens_at, closes_at (JST, YYYY-MM-DDTHH:MM),
//	max_responses, n (number of questions), and per question i: qI.key, qI.type,
//	qI.label, qI.help, qI.required, qI.other, qI.attribute, qI.personal,
//	qI.analyze, qI.options, qI.rows, qI.columns (one per line), qI.min, qI.max,
//	qI.min_label, qI.max_label, qI.show_if.question, qI.show_if.values (one per line).

// EditorQuestion is one question as typed into the editor.
type EditorQuestion struct {
	Key, Type, Label, Help                        string
	Required, Other, Attribute, Personal, Analyze bool
	Options, Rows, Columns                        string
	Min, Max, MinLabel, MaxLabel                  string
	ShowIfQuestion, ShowIfValues                  string
	Errors                                        map[string]string // by field: key, type, label, options, …
}

// EditorForm is the whole definition as typed into the editor.
type EditorForm struct {
	Slug, Title, Description                   string
	Anonymous                                  bool
	Series, SeriesTitle, EventTitle, EventDate string
	Attendees, OpensAt, ClosesAt, MaxResponses string
	Questions                                  []EditorQuestion
	Errors                                     map[string]string // survey-level fields
}

const editTimeLayout = "2006-01-02T15:04"

func lines(list []string) string { return strings.Join(list, "\n") }

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func numText(f *float64) string {
	if f == nil {
		return ""
	}
	return formatNumber(*f)
}

func timeText(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(jst).Format(editTimeLayout)
}

// EditorFormOf fills the editor with a stored definition.
func EditorFormOf(d *Definition) *EditorForm {
	f := &EditorForm{Slug: d.Slug, Title: d.Title, Description: d.Description, Anonymous: d.Anonymous,
		OpensAt: timeText(d.OpensAt), ClosesAt: timeText(d.ClosesAt)}
	if d.MaxResponses > 0 {
		f.MaxResponses = strconv.Itoa(d.MaxResponses)
	}
	if e := d.Event; e != nil {
		f.Series, f.SeriesTitle, f.EventTitle, f.EventDate = e.Series, e.SeriesTitle, e.Title, e.Date
		if e.Attendees > 0 {
			f.Attendees = strconv.Itoa(e.Attendees)
		}
	}
	for _, q := range d.Questions {
		eq := EditorQuestion{Key: q.Key, Type: q.Type, Label: q.Label, Help: q.Help, Required: q.Required, Other: q.Other,
			Attribute: q.Attribute, Personal: q.Personal, Analyze: q.Analyze,
			Options: lines(q.Options), Rows: lines(q.Rows), Columns: lines(q.Columns),
			Min: numText(q.Min), Max: numText(q.Max), MinLabel: q.MinLabel, MaxLabel: q.MaxLabel}
		if c := q.ShowIf; c != nil {
			eq.ShowIfQuestion = c.Question
			if c.Equals != nil {
				eq.ShowIfValues = *c.Equals
			} else {
				eq.ShowIfValues = lines(c.In)
			}
		}
		f.Questions = append(f.Questions, eq)
	}
	return f
}

// EditorValues writes a definition as the editor's form fields (what a browser
// would post); tests and scripts use it to drive the editor.
func EditorValues(d *Definition) url.Values {
	f := EditorFormOf(d)
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	flag := func(k string, b bool) {
		if b {
			v.Set(k, "1")
		}
	}
	set("title", f.Title)
	set("description", f.Description)
	flag("anonymous", f.Anonymous)
	set("event.series", f.Series)
	set("event.series_title", f.SeriesTitle)
	set("event.title", f.EventTitle)
	set("event.date", f.EventDate)
	set("event.attendees", f.Attendees)
	set("opens_at", f.OpensAt)
	set("closes_at", f.ClosesAt)
	set("max_responses", f.MaxResponses)
	v.Set("n", strconv.Itoa(len(f.Questions)))
	for i, q := range f.Questions {
		p := fmt.Sprintf("q%d.", i)
		set(p+"key", q.Key)
		set(p+"type", q.Type)
		set(p+"label", q.Label)
		set(p+"help", q.Help)
		flag(p+"required", q.Required)
		flag(p+"other", q.Other)
		flag(p+"attribute", q.Attribute)
		flag(p+"personal", q.Personal)
		flag(p+"analyze", q.Analyze)
		set(p+"options", q.Options)
		set(p+"rows", q.Rows)
		set(p+"columns", q.Columns)
		set(p+"min", q.Min)
		set(p+"max", q.Max)
		set(p+"min_label", q.MinLabel)
		set(p+"max_label", q.MaxLabel)
		set(p+"show_if.question", q.ShowIfQuestion)
		set(p+"show_if.values", q.ShowIfValues)
	}
	return v
}

// maxEditorQuestions bounds the number of questions one post may carry.
const maxEditorQuestions = 500

// ReadEditorForm reads the editor's posted fields.
func ReadEditorForm(slug string, v url.Values) *EditorForm {
	on := func(k string) bool { return v.Get(k) != "" }
	f := &EditorForm{Slug: slug, Title: v.Get("title"), Description: strings.ReplaceAll(v.Get("description"), "\r\n", "\n"), Anonymous: on("anonymous"),
		Series: strings.TrimSpace(v.Get("event.series")), SeriesTitle: v.Get("event.series_title"),
		EventTitle: v.Get("event.title"), EventDate: strings.TrimSpace(v.Get("event.date")),
		Attendees: strings.TrimSpace(v.Get("event.attendees")), OpensAt: v.Get("opens_at"), ClosesAt: v.Get("closes_at"),
		MaxResponses: strings.TrimSpace(v.Get("max_responses"))}
	n, _ := strconv.Atoi(v.Get("n"))
	n = min(max(n, 0), maxEditorQuestions)
	for i := 0; i < n; i++ {
		p := fmt.Sprintf("q%d.", i)
		f.Questions = append(f.Questions, EditorQuestion{
			Key: strings.TrimSpace(v.Get(p + "key")), Type: v.Get(p + "type"), Label: v.Get(p + "label"), Help: v.Get(p + "help"),
			Required: on(p + "required"), Other: on(p + "other"), Attribute: on(p + "attribute"),
			Personal: on(p + "personal"), Analyze: on(p + "analyze"),
			Options: v.Get(p + "options"), Rows: v.Get(p + "rows"), Columns: v.Get(p + "columns"),
			Min: strings.TrimSpace(v.Get(p + "min")), Max: strings.TrimSpace(v.Get(p + "max")),
			MinLabel: v.Get(p + "min_label"), MaxLabel: v.Get(p + "max_label"),
			ShowIfQuestion: strings.TrimSpace(v.Get(p + "show_if.question")), ShowIfValues: v.Get(p + "show_if.values"),
		})
	}
	return f
}

func (f *EditorForm) Fail(field, msg string) {
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	if _, ok := f.Errors[field]; !ok {
		f.Errors[field] = msg
	}
}

func (q *EditorQuestion) Fail(field, msg string) {
	if q.Errors == nil {
		q.Errors = map[string]string{}
	}
	if _, ok := q.Errors[field]; !ok {
		q.Errors[field] = msg
	}
}

// HasErrors reports whether any field of the form has an error.
func (f *EditorForm) HasErrors() bool {
	if len(f.Errors) > 0 {
		return true
	}
	for _, q := range f.Questions {
		if len(q.Errors) > 0 {
			return true
		}
	}
	return false
}

// definition turns the typed form into YAML, the one format the CLI and the
// editor share. Fields that are not even of the right kind (a number that is
// not a number) are marked on the form and the result is nil.
func (f *EditorForm) definition() (*Definition, []byte) {
	d := &Definition{Slug: f.Slug, Title: f.Title, Description: f.Description, Anonymous: f.Anonymous}
	num := func(s string, set func(int), field string, fail func(string, string)) {
		if s == "" {
			return
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			fail(field, "整数で入力してください")
			return
		}
		set(n)
	}
	when := func(s, field string) *time.Time {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		t, err := time.ParseInLocation(editTimeLayout, strings.TrimSpace(s), jst)
		if err != nil {
			f.Fail(field, "日時を YYYY-MM-DDTHH:MM で入力してください")
			return nil
		}
		return &t
	}
	num(f.MaxResponses, func(n int) { d.MaxResponses = n }, "max_responses", f.Fail)
	d.OpensAt, d.ClosesAt = when(f.OpensAt, "opens_at"), when(f.ClosesAt, "closes_at")
	if f.Series != "" || f.SeriesTitle != "" || f.EventTitle != "" || f.EventDate != "" || f.Attendees != "" {
		d.Event = &Event{Series: f.Series, SeriesTitle: f.SeriesTitle, Title: f.EventTitle, Date: f.EventDate}
		num(f.Attendees, func(n int) { d.Event.Attendees = n }, "event.attendees", f.Fail)
	}
	for i := range f.Questions {
		eq := &f.Questions[i]
		q := Question{Key: eq.Key, Type: eq.Type, Label: eq.Label, Help: eq.Help, Required: eq.Required,
			Attribute: eq.Attribute, Personal: eq.Personal, Analyze: eq.Analyze, MinLabel: eq.MinLabel, MaxLabel: eq.MaxLabel}
		KindOf(eq.Type).fromEditor(&q, eq)
		if eq.ShowIfQuestion != "" {
			vals := splitLines(eq.ShowIfValues)
			q.ShowIf = &ShowIf{Question: eq.ShowIfQuestion}
			if len(vals) == 1 {
				q.ShowIf.Equals = &vals[0]
			} else {
				q.ShowIf.In = vals
			}
		}
		d.Questions = append(d.Questions, q)
	}
	if f.HasErrors() {
		return nil, nil
	}
	src, err := yaml.Marshal(d)
	if err != nil {
		f.Fail("", err.Error())
		return nil, nil
	}
	return d, src
}

var questionField = regexp.MustCompile(`^questions\[(\d+)\]\.?([a-z_]*)`)

// placeErrors puts each definition error next to the field it is about.
func (f *EditorForm) placeErrors(err error) {
	var des DefinitionErrors
	if !errors.As(err, &des) {
		f.Fail("", err.Error())
		return
	}
	for _, e := range des {
		if m := questionField.FindStringSubmatch(e.Field); m != nil {
			i, _ := strconv.Atoi(m[1])
			if i < len(f.Questions) {
				field := m[2]
				switch field {
				case "", "key", "type", "label", "help", "options", "rows", "columns", "min", "max", "show_if", "other":
				case "equals", "in":
					field = "show_if"
				default:
					field = ""
				}
				if field == "" {
					field = "label"
				}
				f.Questions[i].Fail(field, e.Msg)
				continue
			}
		}
		field := e.Field
		switch {
		case strings.HasPrefix(field, "event."):
		case field == "title", field == "description", field == "opens_at", field == "closes_at", field == "max_responses":
		default:
			field = ""
		}
		if field == "" {
			f.Fail("", e.Field+": "+e.Msg)
		} else {
			f.Fail(field, e.Msg)
		}
	}
}

// EditorErrors are the problems of an editor form by field: "title",
// "event.date", "questions[2].options", or "" for the form as a whole.
type EditorErrors map[string]string

func (e EditorErrors) Error() string {
	var b strings.Builder
	for k, v := range e {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(k + ": " + v)
	}
	return b.String()
}

// DefinitionFromEditor reads the editor's posted fields into a definition,
// validated exactly as `koe survey apply` validates a file.
func DefinitionFromEditor(slug string, v url.Values) (*Definition, error) {
	f := ReadEditorForm(slug, v)
	d, src := f.definition()
	if d != nil {
		parsed, err := ParseDefinition("editor", src)
		if err == nil {
			return parsed, nil
		}
		f.placeErrors(err)
	}
	errs := EditorErrors{}
	for k, m := range f.Errors {
		errs[k] = m
	}
	for i, q := range f.Questions {
		for k, m := range q.Errors {
			errs[fmt.Sprintf("questions[%d].%s", i, k)] = m
		}
	}
	return nil, errs
}

// SetErrors puts the problems DefinitionFromEditor found back on the form
// they came from, next to their fields, for the editor to show again.
func (f *EditorForm) SetErrors(errs EditorErrors) {
	for field, msg := range errs {
		if m := editorQuestionField.FindStringSubmatch(field); m != nil {
			if i, _ := strconv.Atoi(m[1]); i < len(f.Questions) {
				f.Questions[i].Fail(m[2], msg)
				continue
			}
		}
		f.Fail(field, msg)
	}
}

var editorQuestionField = regexp.MustCompile(`^questions\[(\d+)\]\.(.*)$`)

// Reparse returns a definition built in code as `koe survey apply` would
// read it, with its YAML: a change made by a button (publish, close, copy)
// is validated as a file is.
func Reparse(d *Definition) (*Definition, string, error) {
	src, err := yaml.Marshal(d)
	if err != nil {
		return nil, "", fmt.Errorf("survey.Reparse: %w", err)
	}
	parsed, err := ParseDefinition("editor", src)
	return parsed, string(src), err
}

// YAML is the definition as `koe survey apply` reads it.
func (d *Definition) YAML() (string, error) {
	src, err := yaml.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("survey.Definition.YAML: %w", err)
	}
	return string(src), nil
}
