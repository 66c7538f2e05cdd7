package analysis

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
)

func passageTexts(raw string) []string {
	norm, spans := splitPassages(raw)
	var out []string
	for _, sp := range spans {
		out = append(out, norm[sp.start:sp.end])
	}
	return out
}

func TestSplitPassages(t *testing.T) {
	for _, c := range []struct {
		name string
		raw  string
		want []string
	}{
		{"short answer", "バスの本数が少ない。駐車場も狭い。", []string{"バスの本数が少ない。駐車場も狭い。"}},
		{"bullets, each an issue",
			"・バスの本数が少ない\n・駐車場\n・トイレが和式ばかりで困りました",
			[]string{"・バスの本数が少ない", "・駐車場", "・トイレが和式ばかりで困りました"}},
		{"circled numbers inside a line (NFKC makes them digits)",
			"①蕎麦がおいしい店を教えてほしいです②双龍ヶ滝への道がわかりにくかったです",
			[]string{"1蕎麦がおいしい店を教えてほしいです", "2双龍ヶ滝への道がわかりにくかったです"}},
		{"numbered lines", "1. 駐車場が少ないので増やしてほしい\n2) 案内看板がわかりにくかった",
			[]string{"1. 駐車場が少ないので増やしてほしい", "2) 案内看板がわかりにくかった"}},
		{"a short line joins the next",
			"お魚美味しい！\n簡単、気軽に新鮮な魚を定期に購入できるルートあればいいな～",
			[]string{"お魚美味しい!\n簡単、気軽に新鮮な魚を定期に購入できるルートあればいいな~"}},
		{"a short last line joins the one before",
			"交通の便が悪く、駅から観光地までの移動がとても大変でした。\n以上です",
			[]string{"交通の便が悪く、駅から観光地までの移動がとても大変でした。\n以上です"}},
		{"blank lines and full-width spaces", "\n\n　駐車場がとても狭くて停めにくかったです。　\n\n", []string{"駐車場がとても狭くて停めにくかったです。"}},
		{"empty", " \n ", nil},
	} {
		if got := passageTexts(c.raw); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	// A long line becomes runs of whole sentences of about passageRunes.
	long := strings.Repeat("駐車場が狭くて停めるのに苦労しましたので広くしてほしいです。", 12)
	runs := passageTexts(long)
	if len(runs) < 2 {
		t.Fatalf("a %d-rune line is one passage", len([]rune(long)))
	}
	for _, r := range runs {
		if n := len([]rune(r)); n > passageRunes || !strings.HasSuffix(r, "。") {
			t.Errorf("run of %d runes: %q", n, r)
		}
	}
}

// On real text: the normalised text is Normalize's, and the passages are in
// order, apart, and together hold every character but white space.
func TestSplitPassagesRealText(t *testing.T) {
	var texts []string
	for _, r := range fukuiRows(t, fukuiFreeText...) {
		texts = append(texts, r.text)
	}
	texts = append(texts, corpusText(t, "aozora-paragraphs.txt")...)
	texts = append(texts, corpusText(t, "chabsa-sentences.txt")...)
	split := 0
	for i, text := range texts {
		norm, spans := splitPassages(text)
		if norm != Normalize(text) {
			t.Fatalf("text %d: normalised text differs from Normalize: %q", i, text)
		}
		var kept strings.Builder
		end := 0
		for _, sp := range spans {
			if sp.start < end || sp.end <= sp.start || sp.end > len(norm) {
				t.Fatalf("text %d: passages %v", i, spans)
			}
			end = sp.end
			kept.WriteString(norm[sp.start:sp.end])
		}
		if strip(kept.String()) != strip(norm) {
			t.Fatalf("text %d: passages lose text: %q", i, text)
		}
		if len(spans) > 1 {
			split++
		}
	}
	t.Logf("%d of %d answers cut into several passages", split, len(texts))
}

func strip(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func TestLocateTerms(t *testing.T) {
	low := lowerASCII(Normalize("駐車場料金が高く、Wi-Fiも少なかった。社協に行った。"))
	terms := []Term{{Text: "駐車場料金"}, {Text: "駐車場"}, {Text: "少ない"}, {Text: "Wi-Fi"}, {Text: "社会福祉協議会"}, {Text: "行く"}, {Text: "存在しない"}}
	variants := func(t string) []string {
		if t == "社会福祉協議会" {
			return []string{"社会福祉協議会", "社協"}
		}
		return nil
	}
	var got []string
	for _, h := range locateTerms(low, terms, variants) {
		got = append(got, terms[h.term].Text+"="+low[h.start:h.end])
	}
	want := []string{"駐車場料金=駐車場料金", "駐車場=駐車場", "Wi-Fi=wi-fi", "少ない=少な", "社会福祉協議会=社協", "行く=行"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("hits %q, want %q", got, want)
	}
}
