package analysis

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestDefaultDictionary(t *testing.T) {
	d := DefaultDictionary()
	if len(d.Stopwords) < 100 || len(d.Synonyms) == 0 || len(d.Words) == 0 {
		t.Fatalf("default dictionary looks empty: %d stopwords, %d synonyms, %d words", len(d.Stopwords), len(d.Synonyms), len(d.Words))
	}
	for _, w := range []string{"本日", "今回", "思う", "する", "ある", "いる", "なる", "できる"} {
		found := false
		for _, s := range d.Stopwords {
			found = found || s == w
		}
		if !found {
			t.Errorf("stopword %s missing", w)
		}
	}
	for _, w := range []string{"重層的支援体制整備事業", "地域共生社会", "生活支援体制整備事業", "ヤングケアラー"} {
		found := false
		for _, s := range d.Words {
			found = found || s == w
		}
		if !found {
			t.Errorf("forced word %s missing", w)
		}
	}
	// The community-work code book became the community preset; general is
	// the one new surveys start with.
	for book, codes := range map[string][]string{
		"community": {"連携・協働", "担い手・人材", "異動・引継ぎ", "住民参加", "財源", "周知・広報", "つながり・関係づくり", "縦割り", "評価"},
		"general":   {"要望", "不満・困りごと", "評価・よかった点", "賛成", "反対"},
	} {
		cb, err := ParseCodeBook(d.CodeBooks[book])
		if err != nil {
			t.Fatal(book, err)
		}
		if names := cb.Names(); !reflect.DeepEqual(names, codes) {
			t.Errorf("code book %s: codes %v, want %v", book, names, codes)
		}
	}
	if d.Codes != "" {
		t.Errorf("the default dictionary has an unnamed code book: %q", d.Codes)
	}
	if !reflect.DeepEqual(DefaultCodeBooks, []string{"general"}) || LegacyCodeBook != "community" {
		t.Errorf("default code books %v, legacy %q", DefaultCodeBooks, LegacyCodeBook)
	}
	if v := d.Version(); len(v) != 12 || v != DefaultDictionary().Version() {
		t.Errorf("version %q not short and stable", v)
	}
}

func TestVersionTracksContent(t *testing.T) {
	a := Dictionary{Stopwords: []string{"x", "y"}, Synonyms: map[string][]string{"社会福祉協議会": {"社協"}}}
	b := Dictionary{Stopwords: []string{"y", "x"}, Synonyms: map[string][]string{"社会福祉協議会": {"社協"}}}
	if a.Version() != b.Version() {
		t.Error("list order changed the version")
	}
	c := b
	c.Synonyms = map[string][]string{"社会福祉協議会": {"社協", "市社協"}}
	if c.Version() == a.Version() {
		t.Error("a new variant did not change the version")
	}
	e := a
	e.Codes = "*x\ny"
	if e.Version() == a.Version() {
		t.Error("codes did not change the version")
	}
}

func TestParseDictionaryErrors(t *testing.T) {
	cases := []struct {
		src       string
		line      int
		fieldPart string
	}{
		{"stopwords: [a]\nstopword: [b]\n", 2, "stopword"},
		{"stopwords: abc\n", 1, "stopwords"},
		{"words:\n  - ok\n  - [nested]\n", 3, "words[1]"},
		{"synonyms:\n  社会福祉協議会: [社協]\n  社協議: [社協]\n", 3, "synonyms.社協議"},
		{"synonyms:\n  a: {x: y}\n", 2, "synonyms.a"},
		{"stopwords: [a]\ncodes: |\n  *連携\n  連携 | (協働\n", 4, "codes"},
		{"codes: |\n  # comment\n  連携\n", 3, "codes"},
	}
	for _, c := range cases {
		_, err := ParseDictionary([]byte(c.src))
		var de *DictionaryError
		if !errors.As(err, &de) {
			t.Errorf("%q: want DictionaryError, got %v", c.src, err)
			continue
		}
		if de.Line != c.line || !strings.Contains(de.Field, c.fieldPart) {
			t.Errorf("%q: got line %d field %q (%v), want line %d field %q", c.src, de.Line, de.Field, err, c.line, c.fieldPart)
		}
		if !strings.Contains(err.Error(), "line ") {
			t.Errorf("error without a line: %v", err)
		}
	}
	if _, err := ParseDictionary([]byte("stopwords: [\n")); err == nil || !strings.Contains(err.Error(), "line") {
		t.Errorf("YAML syntax error without line: %v", err)
	}
	d, err := ParseDictionary([]byte("synonyms:\n  ＮＰＯ法人: NPO\n"))
	if err != nil {
		t.Fatal(err)
	}
	if v := d.Synonyms["NPO法人"]; len(v) != 1 || v[0] != "NPO" {
		t.Errorf("scalar variant / NFKC canonical: %v", d.Synonyms)
	}
	if d, err := ParseDictionary(nil); err != nil || d.Version() == "" {
		t.Errorf("empty file: %v", err)
	}
}
