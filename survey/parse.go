package survey

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/koe-project/koe/analysis"
)

// DefinitionError is one problem in a survey definition, placed at its file and line.
type DefinitionError struct {
	File  string
	Line  int
	Field string // path such as questions[2].type
	Msg   string
}

func (e *DefinitionError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Field == "" {
		return fmt.Sprintf("%s: %s", loc, e.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", loc, e.Field, e.Msg)
}

// DefinitionErrors collects every problem found, so a user fixes them in one pass.
type DefinitionErrors []*DefinitionError

func (es DefinitionErrors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

var (
	slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,99}$`)
	keyPattern  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,63}$`)
	datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// ParseDefinition reads and validates a survey definition. file names the
// source in error messages. The returned error is a DefinitionErrors.
func ParseDefinition(file string, data []byte) (*Definition, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, DefinitionErrors{yamlError(file, err)}
	}
	if len(root.Content) == 0 {
		return nil, DefinitionErrors{{File: file, Msg: "empty definition (expected slug, title and questions)"}}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var d Definition
	if err := dec.Decode(&d); err != nil && !errors.Is(err, io.EOF) {
		return nil, DefinitionErrors{yamlError(file, err)}
	}
	v := &validator{file: file, root: root.Content[0]}
	v.checkText(v.root, "")
	v.check(&d)
	if len(v.errs) > 0 {
		return nil, v.errs
	}
	return &d, nil
}

// yamlError turns a yaml.v3 message ("yaml: line 5: …" or a TypeError list) into a placed error.
func yamlError(file string, err error) *DefinitionError {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	if n, _ := fmt.Sscanf(msg, "line %d:", &line); n == 1 {
		msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
	}
	msg = strings.Replace(msg, "not found in type survey.", "is not a known field of ", 1)
	return &DefinitionError{File: file, Line: line, Msg: msg}
}

type validator struct {
	file string
	root *yaml.Node
	errs DefinitionErrors
}

// node finds the YAML node at a path of mapping keys and sequence indexes.
func (v *validator) node(path ...any) *yaml.Node {
	n := v.root
	for _, p := range path {
		if n == nil {
			return nil
		}
		switch p := p.(type) {
		case string:
			var next *yaml.Node
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == p {
						next = n.Content[i+1]
					}
				}
			}
			if next == nil {
				return n // the closest existing parent still gives a useful line
			}
			n = next
		case int:
			if n.Kind != yaml.SequenceNode || p >= len(n.Content) {
				return n
			}
			n = n.Content[p]
		}
	}
	return n
}

func (v *validator) fail(field string, path []any, format string, args ...any) {
	line := 0
	if n := v.node(path...); n != nil {
		line = n.Line
	}
	v.errs = append(v.errs, &DefinitionError{File: v.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// checkText refuses text that neither database stores, wherever it is in
// the definition: a NUL character (which YAML writes as \0; PostgreSQL
// refuses it) or bytes that are not UTF-8 (which YAML carries as !!binary).
func (v *validator) checkText(n *yaml.Node, field string) {
	const msg = "contains a character that cannot be stored (NUL, written \\0 in YAML, or bytes that are not UTF-8); remove it"
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, name := n.Content[i], n.Content[i].Value
			if field != "" {
				name = field + "." + name
			}
			if !storableText(key.Value) || key.ShortTag() == "!!binary" {
				v.errs = append(v.errs, &DefinitionError{File: v.file, Line: key.Line, Field: field, Msg: "a key " + msg})
				continue
			}
			v.checkText(n.Content[i+1], name)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			v.checkText(c, fmt.Sprintf("%s[%d]", field, i))
		}
	case yaml.ScalarNode:
		if !storableText(n.Value) || n.ShortTag() == "!!binary" {
			v.errs = append(v.errs, &DefinitionError{File: v.file, Line: n.Line, Field: field, Msg: msg})
		}
	}
}

func (v *validator) check(d *Definition) {
	switch {
	case d.Slug == "":
		v.fail("slug", nil, "missing (a URL-safe name such as network-2020-3)")
	case !slugPattern.MatchString(d.Slug):
		v.fail("slug", []any{"slug"}, "%q is not URL-safe (use lower-case letters, digits, - and _, at most 100)", d.Slug)
	}
	if strings.TrimSpace(d.Title) == "" {
		v.fail("title", []any{"title"}, "missing (the questionnaire's title shown to respondents)")
	}
	if d.MaxResponses < 0 {
		v.fail("max_responses", []any{"max_responses"}, "must be 0 (no limit) or more")
	}
	if d.OpensAt != nil && d.ClosesAt != nil && !d.OpensAt.Before(*d.ClosesAt) {
		v.fail("closes_at", []any{"closes_at"}, "must be after opens_at (%s)", d.OpensAt.Format(time.RFC3339))
	}
	if e := d.Event; e != nil {
		if e.Date != "" {
			if _, err := time.Parse("2006-01-02", e.Date); err != nil || !datePattern.MatchString(e.Date) {
				v.fail("event.date", []any{"event", "date"}, "%q is not a date (use YYYY-MM-DD)", e.Date)
			}
		}
		if e.Series != "" && !slugPattern.MatchString(e.Series) {
			v.fail("event.series", []any{"event", "series"}, "%q is not URL-safe (use lower-case letters, digits, - and _)", e.Series)
		}
		if e.Attendees < 0 {
			v.fail("event.attendees", []any{"event", "attendees"}, "must be 0 or more")
		}
	}
	v.checkCodes(d)
	if len(d.Questions) == 0 {
		v.fail("questions", []any{"questions"}, "no questions (add at least one under questions:)")
	}
	seen := map[string]int{}
	sections := 0
	for i := range d.Questions {
		q := &d.Questions[i]
		if q.Type == Section && q.Key == "" {
			sections++
			q.Key = fmt.Sprintf("section_%d", sections)
		}
		v.checkQuestion(d, i, q, seen)
		seen[q.Key] = i
	}
}

// checkCodes checks the code books' names are given once each and the
// survey's own rules parse; whether a name is a known book is checked where
// the analyzer is at hand (analysis.Analyzer.SurveyCodeBook), when a survey
// is saved.
func (v *validator) checkCodes(d *Definition) {
	seen := map[string]bool{}
	for i, name := range d.CodeBooks {
		switch {
		case strings.TrimSpace(name) == "":
			v.fail(fmt.Sprintf("code_books[%d]", i), []any{"code_books", i}, "empty name (use general, community or a code book of the dictionary)")
		case seen[name]:
			v.fail(fmt.Sprintf("code_books[%d]", i), []any{"code_books", i}, "%q is listed twice", name)
		}
		seen[name] = true
	}
	if strings.TrimSpace(d.Codes) == "" {
		return
	}
	if utf8.RuneCountInString(d.Codes) > MaxOwnCodesText {
		v.fail("codes", []any{"codes"}, "too long (at most %d characters)", MaxOwnCodesText)
		return
	}
	book, err := analysis.ParseCodeBook(d.Codes)
	if err != nil {
		line := 0
		if n := v.node("codes"); n != nil {
			line = n.Line
			var ce *analysis.CodeBookError
			if errors.As(err, &ce) && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
				line += ce.Line // a block's first line follows its | or >
			}
		}
		v.errs = append(v.errs, &DefinitionError{File: v.file, Line: line, Field: "codes", Msg: err.Error()})
		return
	}
	if len(book.Codes) > MaxOwnCodes {
		v.fail("codes", []any{"codes"}, "%d codes (at most %d)", len(book.Codes), MaxOwnCodes)
	}
}

func (v *validator) checkQuestion(d *Definition, i int, q *Question, earlier map[string]int) {
	at := func(field string) (string, []any) {
		return fmt.Sprintf("questions[%d].%s", i, field), []any{"questions", i, field}
	}
	fail := func(field, format string, args ...any) {
		name, path := at(field)
		v.fail(name, path, format, args...)
	}
	switch {
	case q.Key == "":
		fail("key", "missing (a short name such as satisfaction, unique in the survey)")
	case !keyPattern.MatchString(q.Key):
		fail("key", "%q: use letters, digits and _, starting with a letter", q.Key)
	default:
		if j, dup := earlier[q.Key]; dup {
			fail("key", "%q is already used by questions[%d]", q.Key, j)
		}
	}
	if !validType(q.Type) {
		if q.Type == "" {
			fail("type", "missing (one of %s)", strings.Join(Types, ", "))
		} else {
			fail("type", "unknown type %q (valid: %s)", q.Type, strings.Join(Types, ", "))
		}
		return
	}
	if strings.TrimSpace(q.Label) == "" {
		fail("label", "missing (the question as respondents read it)")
	}
	kind := q.Kind()
	choice := kind.HasOptions()
	if choice {
		if len(q.Options) == 0 {
			fail("options", "a %s question needs options (a list of choices)", q.Type)
		}
		if dup := duplicate(q.Options); dup != "" {
			fail("options", "option %q is listed twice", dup)
		}
	} else {
		if len(q.Options) > 0 {
			fail("options", "only single and multi questions have options")
		}
		if q.Other {
			fail("other", "only single and multi questions can have その他")
		}
	}
	if q.Attribute && !choice {
		fail("attribute", "only single and multi questions can be attributes (used to compare groups)")
	}
	if q.Analyze && !kind.Analysable() {
		fail("analyze", "only text and textarea answers can be analysed")
	}
	if q.Analyze && q.Personal {
		fail("analyze", "a personal field is never analysed; remove analyze or personal")
	}
	if q.Personal && q.Attribute {
		fail("attribute", "a personal field is never charted; remove attribute or personal")
	}
	kind.check(q, fail)
	if !kind.Grid() && (len(q.Rows) > 0 || len(q.Columns) > 0) {
		fail("rows", "only matrix questions have rows and columns")
	}
	for _, field := range []struct {
		name    string
		choices []string
	}{{"options", q.Options}, {"columns", q.Columns}} {
		for _, c := range field.choices {
			if n := utf8.RuneCountInString(c); n > MaxChoiceLen {
				fail(field.name, "%q… has %d characters; a choice has at most %d (put explanations in help)", string([]rune(c)[:20]), n, MaxChoiceLen)
			}
		}
	}
	if s := q.ShowIf; s != nil {
		j, ok := earlier[s.Question]
		switch {
		case s.Question == "":
			fail("show_if", "needs question: the key of an earlier question")
		case !ok:
			fail("show_if", "question %q is not an earlier question of this survey", s.Question)
		case (s.Equals == nil) == (len(s.In) == 0):
			fail("show_if", "give exactly one of equals: VALUE or in: [VALUES]")
		default:
			target := &d.Questions[j]
			values := s.In
			if s.Equals != nil {
				values = []string{*s.Equals}
			}
			if target.Kind().HasOptions() {
				for _, val := range values {
					if !contains(target.Choices(), val) {
						fail("show_if", "%q is not an option of %s (options: %s)", val, target.Key, strings.Join(target.Choices(), ", "))
					}
				}
			}
		}
	}
}

func validType(t string) bool { _, ok := kindByName[t]; return ok }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func duplicate(list []string) string {
	seen := map[string]bool{}
	for _, s := range list {
		if seen[s] {
			return s
		}
		seen[s] = true
	}
	return ""
}
