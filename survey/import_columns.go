package survey

import (
	"fmt"
	"strings"
)

// column is a column of an imported file that holds answers.
type column struct {
	index  int
	header string    // as the file spells it, for messages
	q      *Question // the question it answers
	row    string    // the matrix row, for grid columns `Question [Row]`
}

// columnMap says where a file's answers and timestamps are.
type columnMap struct {
	stamp     int // the submission time column
	id        int // the response id column of koe's export, or -1
	columns   []column
	unlabeled []bool // columns without a header, which must stay empty
	report    []ImportColumn
	// restated are the notes that say what one column is read as, which
	// the report says too (see ImportResult.GeneralNotes).
	restated map[string]bool
}

// restate keeps a note that the column report says too.
func (cm columnMap) restate(note string) string {
	cm.restated[note] = true
	return note
}

// ImportColumn says what an import makes of one column of the file's header,
// so the preview can show, before anything is stored, which columns fill
// which question and which are left out. Exactly one of Question, Use and
// Ignored is set.
type ImportColumn struct {
	Letter   string // as a spreadsheet names the column: A, B, …, AA
	Header   string // as the file spells it
	Question string // the label of the question the column fills
	Row      string // the row of a matrix question the column fills
	Use      string // what else the column is read as, such as 回答日時
	Ignored  string // why the column is not read
}

// Reasons a column is not read, for ImportColumn.Ignored.
const (
	ignoredEmpty     = "見出しが空です（値が入っていれば問題として知らせます）"
	ignoredMeta      = "フォームが付け加える列です（回答ではありません）"
	ignoredNoEmail   = "対応するメールアドレスの設問がありません"
	ignoredDuplicate = "同じ見出しの列が前にあり、そちらを取り込みます"
	ignoredNoMatch   = "見出しが一致する設問がありません"
)

// metaColumns are the columns each tool adds around the answers. They are
// skipped unless a question carries the same label.
var metaColumns = map[string][]string{
	FormatGoogleForms: {"スコア", "Score"},
	FormatMSForms:     {"ID", "開始時刻", "Start time", "名前", "Name", "最終変更時刻", "Last modified time", "合計ポイント", "Total points", "クイズのフィードバック", "Quiz feedback"},
}

// emailColumns are the respondent e-mail columns the tools add themselves
// (Google when a form collects addresses, Microsoft for signed-in respondents).
var emailColumns = map[string][]string{
	FormatGoogleForms: {"メールアドレス", "Email Address", "Email address"},
	FormatMSForms:     {"メール", "Email"},
}

func oneOf(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// mapColumns matches the file's columns to the survey's questions by label.
// Every column must find a question and every question a column, so that a
// renamed question is caught before anything is stored rather than dropped
// silently; each miss names the closest label as a hint.
func mapColumns(d *Definition, t *table) (columnMap, []ImportProblem, []string) {
	cm := columnMap{stamp: 0, id: -1, unlabeled: make([]bool, len(t.header)), report: make([]ImportColumn, len(t.header)), restated: map[string]bool{}}
	for i, h := range t.header {
		cm.report[i] = ImportColumn{Letter: columnLetters(i), Header: h}
	}
	switch t.format {
	case FormatMSForms:
		cm.stamp = msCompletion(t.header)
	case FormatKoe:
		cm.id = 1 // detectFormat saw it there
	case FormatTable:
		cm.stamp = tableStamp(d, t.header)
	}
	var problems []ImportProblem
	var notes []string
	mapped := map[string]bool{} // question key, or key + "\x00" + row for matrices
	email := -1
	var unmapped []int
	if cm.stamp >= 0 && cm.stamp < len(t.header) {
		cm.report[cm.stamp].Use = "回答日時"
	}
	if cm.id >= 0 && cm.id < len(t.header) {
		cm.report[cm.id].Use = "回答ID（取り込み済みの回答を見分けます）"
	}
	for i, h := range t.header {
		if i == cm.stamp || i == cm.id {
			continue
		}
		label := normLabel(h)
		if t.format == FormatKoe {
			label = normLabel(undefuse(h))
		}
		if label == "" {
			cm.unlabeled[i] = true // an empty column some spreadsheets leave behind: its cells are checked row by row
			cm.report[i].Ignored = ignoredEmpty
			continue
		}
		q, row := findQuestion(d, label, mapped)
		switch {
		case q != nil:
			cm.columns = append(cm.columns, column{index: i, header: h, q: q, row: row})
			mapped[q.Key+"\x00"+row] = true
			mapped[q.Key] = true
			cm.report[i].Question, cm.report[i].Row = q.Label, row
		case email < 0 && oneOf(emailColumns[t.format], label):
			email = i
		case oneOf(metaColumns[t.format], label):
			cm.report[i].Ignored = ignoredMeta
		default:
			unmapped = append(unmapped, i)
		}
	}
	if email >= 0 {
		if q := missingEmailQuestion(d, mapped); q != nil {
			cm.columns = append(cm.columns, column{index: email, header: t.header[email], q: q})
			mapped[q.Key+"\x00"] = true
			mapped[q.Key] = true
			cm.report[email].Question = q.Label
			notes = append(notes, cm.restate(fmt.Sprintf("列「%s」を設問「%s」として取り込みます。", t.header[email], q.Label)))
		} else {
			cm.report[email].Ignored = ignoredNoEmail
			notes = append(notes, cm.restate(fmt.Sprintf("列「%s」に対応するメールアドレスの設問がないため、この列は取り込みません。", t.header[email])))
		}
	}
	var missing []string // labels of questions, and matrix rows, without a column
	for i := range d.Questions {
		q := &d.Questions[i]
		switch {
		case !q.Answerable():
		case q.Kind().Grid():
			for _, row := range q.Rows {
				if !mapped[q.Key+"\x00"+row] {
					missing = append(missing, q.Label+" ["+row+"]")
				}
			}
		case !mapped[q.Key]:
			missing = append(missing, q.Label)
		}
	}
	var unmappedHeaders []string
	for _, i := range unmapped {
		unmappedHeaders = append(unmappedHeaders, t.header[i])
	}
	reportUnmapped(d, t, cm.report, unmapped, missing, mapped)
	if t.format == FormatTable {
		return cm, tableProblems(cm, missing, unmappedHeaders), tableNotes(t, cm, notes, missing, unmappedHeaders, d)
	}
	// A question without a column comes first: there are few, and they say
	// what the file lacks. A hint costs an edit distance against every
	// candidate: only the problems that are listed get one (see problemList).
	hint := func(s string, candidates []string) string {
		if len(problems) >= maxListedProblems {
			return ""
		}
		return closest(s, candidates)
	}
	for _, label := range missing {
		msg := "この設問に対応する列がありません"
		if h := hint(label, unmappedHeaders); h != "" {
			msg = fmt.Sprintf("この設問に対応する列がありません。近い列:「%s」", h)
		}
		problems = append(problems, ImportProblem{Row: 1, Column: label, Message: msg})
	}
	for _, i := range unmapped {
		msg := "この列に対応する設問がありません（設問の見出しと列名を同じにしてください）"
		if h := hint(t.header[i], orAll(missing, d)); h != "" {
			msg = fmt.Sprintf("この列に対応する設問がありません。近い設問:「%s」", h)
		}
		problems = append(problems, ImportProblem{Row: 1, Column: t.header[i], Message: msg})
	}
	return cm, problems, notes
}

// reportUnmapped says why each column that matched no question is ignored:
// a second column of a label already read, or no question of that label,
// with the nearest label as a hint for the first few (a hint costs an edit
// distance against every label; see problemList).
func reportUnmapped(d *Definition, t *table, report []ImportColumn, unmapped []int, missing []string, mapped map[string]bool) {
	for n, i := range unmapped {
		label := normLabel(t.header[i])
		if q, _ := findQuestion(d, label, map[string]bool{}); q != nil && mapped[q.Key] {
			report[i].Ignored = ignoredDuplicate
			continue
		}
		report[i].Ignored = ignoredNoMatch
		if n >= maxListedProblems {
			continue
		}
		if h := closest(t.header[i], orAll(missing, d)); h != "" {
			report[i].Ignored = fmt.Sprintf("%s（近い設問:「%s」。取り込むには見出しを設問と同じにしてください）", ignoredNoMatch, h)
		}
	}
}

// findQuestion finds the not yet mapped question (and matrix row) a header
// names. A header that is a whole label wins over a grid reading of it, since
// a label may itself end in brackets.
func findQuestion(d *Definition, label string, mapped map[string]bool) (*Question, string) {
	for i := range d.Questions {
		q := &d.Questions[i]
		if q.Answerable() && !q.Kind().Grid() && !mapped[q.Key] && normLabel(q.Label) == label {
			return q, ""
		}
	}
	if !strings.HasSuffix(label, "]") {
		return nil, ""
	}
	open := strings.LastIndex(label, "[")
	if open < 0 {
		return nil, ""
	}
	base, row := normLabel(label[:open]), normLabel(label[open+1:len(label)-1])
	for i := range d.Questions {
		q := &d.Questions[i]
		if !q.Kind().Grid() || normLabel(q.Label) != base {
			continue
		}
		for _, r := range q.Rows {
			if normLabel(r) == row && !mapped[q.Key+"\x00"+r] {
				return q, r
			}
		}
	}
	return nil, ""
}

func missingEmailQuestion(d *Definition, mapped map[string]bool) *Question {
	for i := range d.Questions {
		if q := &d.Questions[i]; q.Type == Email && !mapped[q.Key] {
			return q
		}
	}
	return nil
}

// orAll offers every label as a hint when no question lacks a column (a
// header may be a misspelt duplicate of a label already matched).
func orAll(missing []string, d *Definition) []string {
	if len(missing) > 0 {
		return missing
	}
	var all []string
	for i := range d.Questions {
		if d.Questions[i].Answerable() {
			all = append(all, d.Questions[i].Label)
		}
	}
	return all
}

// closest returns the candidate nearest to s by edit distance over
// normalised characters, or "" when even the nearest differs in most of its
// characters (a hint that far off misleads more than it helps). A label
// inside a longer header, such as 満足度 in 満足度（5段階）, is always close.
func closest(s string, candidates []string) string {
	a := []rune(normLabel(s))
	best, bestDist := "", -1
	for _, c := range candidates {
		b := []rune(normLabel(c))
		dist := -1
		if len(a) >= 2 && len(b) >= 2 && (strings.Contains(string(a), string(b)) || strings.Contains(string(b), string(a))) {
			dist = abs(len(a)-len(b)) / 2 // rank a containing match ahead of a mere near one
		}
		// The distance is at least the difference in length: where that alone
		// is too far for a hint, or the strings are long enough to make the
		// quadratic distance slow (a hostile header), it is not worked out.
		if abs(len(a)-len(b))*2 <= max(len(a), len(b)) && max(len(a), len(b)) <= maxHintLen {
			if d := editDistance(a, b); dist < 0 || d < dist {
				dist = d
			}
		}
		if dist < 0 {
			continue
		}
		if bestDist < 0 || dist < bestDist {
			best, bestDist = c, dist
		}
	}
	if bestDist < 0 || bestDist*2 > max(len(a), len([]rune(normLabel(best)))) {
		return ""
	}
	return best
}

// maxHintLen bounds the strings closest compares by edit distance, in characters.
const maxHintLen = 200

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// editDistance is the Levenshtein distance between two rune slices.
func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// stampLabels are headers a table may give its date column.
var stampLabels = []string{"タイムスタンプ", "Timestamp", "回答日時", "回答日", "記入日", "日時", "日付", "Date"}

// tableStamp returns the column of a table's submission date, or -1: the
// first header that names a date and no question.
func tableStamp(d *Definition, header []string) int {
	for i, h := range header {
		label := normLabel(h)
		if !oneOf(stampLabels, label) {
			continue
		}
		if q, _ := findQuestion(d, label, map[string]bool{}); q == nil {
			return i
		}
	}
	return -1
}

// tableProblems: a table is refused only when none of its columns answers a
// question; what else is missing or extra is said in the notes.
func tableProblems(cm columnMap, missing, unmapped []string) []ImportProblem {
	if len(cm.columns) > 0 {
		return nil
	}
	msg := "どの列の見出しも設問の見出しと一致しません。列の見出しを設問の見出しと同じにしてください"
	if len(unmapped) > 0 && len(missing) > 0 {
		if h := closest(unmapped[0], missing); h != "" {
			msg += fmt.Sprintf("（例: 列「%s」→ 設問「%s」）", unmapped[0], h)
		}
	}
	return []ImportProblem{{Row: 1, Message: msg}}
}

// tableNotes says which columns of a table are read, and which are not.
func tableNotes(t *table, cm columnMap, notes, missing, unmapped []string, d *Definition) []string {
	var used []string
	for _, c := range cm.columns {
		used = append(used, "「"+c.header+"」")
	}
	notes = append(notes, cm.restate(fmt.Sprintf("取り込む列（%d列）: %s", len(used), strings.Join(used, "、"))))
	if cm.stamp >= 0 {
		notes = append(notes, cm.restate(fmt.Sprintf("列「%s」を回答日時として読みます。", t.header[cm.stamp])))
	} else {
		notes = append(notes, "回答日時の列がないため、回答日時は取り込んだ時刻になります。同じ内容の行をもう一度取り込んでも二重には保存されません。")
	}
	for _, h := range unmapped {
		note := fmt.Sprintf("列「%s」は設問に対応しないため取り込みません。", h)
		if c := closest(h, orAll(missing, d)); c != "" {
			note = fmt.Sprintf("列「%s」は設問に対応しないため取り込みません（近い設問:「%s」。取り込むには見出しを設問と同じにしてください）。", h, c)
		}
		notes = append(notes, cm.restate(note))
	}
	if len(missing) > 0 {
		notes = append(notes, fmt.Sprintf("列のない設問（%d）は未回答になります: %s", len(missing), strings.Join(missing, "、")))
	}
	return notes
}
