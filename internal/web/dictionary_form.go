package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/koe-project/koe/analysis"
)

// The dictionary page edits the lists of the dictionary file (YAML, as
// `koe dictionary apply` takes it) as plain text, one entry a line, and
// writes the file back from them: the lists first, each entry on a line of
// its own so that an error of analysis.ParseDictionary, which names a line of
// the file, names the line staff typed; the other fields (code books) are
// kept as they were.

// dictSection is a list of the dictionary the page edits.
type dictSection struct {
	Field string // its field in the YAML file
	Name  string // its name for staff
	Help  string
}

var dictSections = []dictSection{
	{"synonyms", "同義語", "1行に1組。「表示する語 = 言い換え、言い換え」と書くと、言い換えも表示する語として数えます（例: 社会福祉協議会 = 社協、市社協）。語だけの行は表記をそろえます（YouTube）。"},
	{"stopwords", "数えない語", "1行に1語。語の一覧・ネットワーク・論点に出さない語です。"},
	{"words", "ひとまとまりの語", "1行に1語。分けずに一つの語として数える専門用語・固有名詞です（例: 子ども食堂）。"},
	{"empty", "記入なしとみなす回答", "1行に1つ。この言葉だけの回答は「記入なし」として数え、分析から外します。koe に最初から入っている一覧（特になし・なし など）に加わります。"},
}

// maxDictionaryBytes bounds the page's form: the shipped dictionary is about
// 10 KB.
const maxDictionaryBytes = 1 << 20

// dictForm is what the page's fields hold, by section field.
type dictForm map[string]string

// formLine is where a line of the written file came from.
type formLine struct {
	Section string // dictSection.Field
	Line    int    // 1-based line of the section's field
	Text    string
}

// dictProblem is an entry the dictionary cannot take, placed for staff.
type dictProblem struct {
	Section string // "" when no one field is at fault
	Msg     string
}

func sectionName(field string) string {
	for _, s := range dictSections {
		if s.Field == field {
			return s.Name
		}
	}
	return field
}

// splitSource reads a dictionary file into the page's fields and the other
// top-level fields (key and value nodes, in order).
func splitSource(src []byte) (dictForm, []*yaml.Node, error) {
	form := dictForm{}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, nil, err
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return form, nil, nil // an empty dictionary
	}
	root := doc.Content[0]
	var rest []*yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "synonyms":
			var lines []string
			for j := 0; j+1 < len(v.Content); j += 2 {
				line := v.Content[j].Value
				var variants []string
				switch w := v.Content[j+1]; w.Kind {
				case yaml.ScalarNode:
					if w.Tag != "!!null" {
						variants = []string{w.Value}
					}
				case yaml.SequenceNode:
					for _, c := range w.Content {
						variants = append(variants, c.Value)
					}
				}
				if len(variants) > 0 {
					line += " = " + strings.Join(variants, "、")
				}
				lines = append(lines, line)
			}
			form[k.Value] = strings.Join(lines, "\n")
		case "stopwords", "words", "empty":
			lines := make([]string, 0, len(v.Content))
			for _, c := range v.Content {
				lines = append(lines, c.Value)
			}
			form[k.Value] = strings.Join(lines, "\n")
		default:
			rest = append(rest, k, v)
		}
	}
	return form, rest, nil
}

// variantSeparators split the spellings of a synonym line.
var variantSeparators = regexp.MustCompile(`[、,，]`)

// writeSource writes the dictionary file of the page's fields and the other
// fields rest, and where each line of an entry came from. Lines that do not
// have the shape of an entry are problems, and are left out of the file.
func writeSource(form dictForm, rest []*yaml.Node) ([]byte, map[int]formLine, []dictProblem) {
	var b bytes.Buffer
	lines := map[int]formLine{}
	var problems []dictProblem
	line := 0
	put := func(s string, from *formLine) {
		line++
		b.WriteString(s)
		b.WriteByte('\n')
		if from != nil {
			lines[line] = *from
		}
	}
	put("# koe dictionary, saved on the dictionary page (koe dictionary show prints it).", nil)
	for _, sec := range dictSections {
		put(sec.Field+":", nil)
		n := 0
		for i, text := range strings.Split(form[sec.Field], "\n") {
			text = strings.TrimSpace(text)
			if text == "" {
				continue
			}
			from := &formLine{Section: sec.Field, Line: i + 1, Text: text}
			if sec.Field != "synonyms" {
				put("  - "+quoteYAML(text), from)
				n++
				continue
			}
			canon, variants, msg := synonymLine(text)
			if msg != "" {
				problems = append(problems, dictProblem{Section: sec.Field, Msg: fmt.Sprintf("%s %d行目「%s」: %s", sec.Name, i+1, text, msg)})
				continue
			}
			quoted := make([]string, len(variants))
			for j, v := range variants {
				quoted[j] = quoteYAML(v)
			}
			put("  "+quoteYAML(canon)+": ["+strings.Join(quoted, ", ")+"]", from)
			n++
		}
		if n == 0 { // an empty list, not null: the field is there, with nothing in it
			b.Truncate(b.Len() - 1)
			if sec.Field == "synonyms" {
				b.WriteString(" {}\n")
			} else {
				b.WriteString(" []\n")
			}
		}
	}
	if len(rest) > 0 {
		out, err := yaml.Marshal(&yaml.Node{Kind: yaml.MappingNode, Content: rest})
		if err != nil { // nodes yaml.v3 read itself: not expected
			problems = append(problems, dictProblem{Msg: "コードブックなど、ほかの設定を書き出せませんでした。"})
		}
		b.Write(out)
	}
	return b.Bytes(), lines, problems
}

// synonymLine reads "表示する語 = 言い換え、言い換え" (or a word alone),
// or says what is wrong with the line.
func synonymLine(text string) (canon string, variants []string, msg string) {
	text = strings.ReplaceAll(text, "＝", "=")
	parts := strings.Split(text, "=")
	if len(parts) > 2 {
		return "", nil, "「=」は1行に1つです。1行に1組を「表示する語 = 言い換え、言い換え」の形で書いてください"
	}
	canon = strings.TrimSpace(parts[0])
	if canon == "" {
		return "", nil, "「=」の左に表示する語がありません（例: 社会福祉協議会 = 社協）"
	}
	if len(parts) == 2 {
		for _, v := range variantSeparators.Split(parts[1], -1) {
			if v = strings.TrimSpace(v); v != "" {
				variants = append(variants, v)
			}
		}
		if len(variants) == 0 {
			return "", nil, "「=」の右に言い換えがありません（表記をそろえるだけなら「=」を書かずに語だけにしてください）"
		}
	}
	return canon, variants, ""
}

// quoteYAML writes s as a double-quoted YAML scalar (JSON's quoting is
// YAML's), so that no entry can change the file's structure.
func quoteYAML(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// lineRef matches the "(line N)" by which analysis refers to another line.
var lineRef = regexp.MustCompile(`\(line (\d+)\)`)

// checkDictionary validates the file as `koe dictionary apply` does
// (analysis.ParseDictionary, then analysis.New): it returns the dictionary
// and its analyzer, or the problems, placed on the lines staff typed.
func checkDictionary(src []byte, lines map[int]formLine) (analysis.Dictionary, *analysis.Analyzer, []dictProblem) {
	d, err := analysis.ParseDictionary(src)
	if err == nil {
		var a *analysis.Analyzer
		if a, err = analysis.New(d); err == nil {
			return d, a, nil
		}
	}
	var de *analysis.DictionaryError
	if !errors.As(err, &de) {
		return d, nil, []dictProblem{{Msg: "この辞書は使えません: " + err.Error()}}
	}
	msg := lineRef.ReplaceAllStringFunc(de.Msg, func(m string) string {
		n, _ := strconv.Atoi(lineRef.FindStringSubmatch(m)[1])
		if from, ok := lines[n]; ok {
			return fmt.Sprintf("（%s %d行目）", sectionName(from.Section), from.Line)
		}
		return m
	})
	if from, ok := lines[de.Line]; ok {
		return d, nil, []dictProblem{{Section: from.Section, Msg: fmt.Sprintf("%s %d行目「%s」: %s", sectionName(from.Section), from.Line, from.Text, msg)}}
	}
	return d, nil, []dictProblem{{Msg: "辞書の" + de.Error()}}
}
