package reports

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"unicode"
)

// Chart is one chart ready to be drawn by the embedded assets/charts.js: a
// container id, its kind, an accessible name, its height and its ECharts
// option as plain JSON data (maps, slices, strings, numbers, bools and nil;
// never a JavaScript function).
type Chart struct {
	ID     string
	Kind   string // bar, line, wordcloud, graph
	Label  string // accessible name of the chart (aria-label)
	Height int    // CSS pixels
	Option map[string]any
}

// OptionJSON returns the chart option as JSON with <, > and & escaped as
// \u003c, \u003e and \u0026, so it cannot end an enclosing <script> or
// start markup wherever it is embedded.
func (c Chart) OptionJSON() (string, error) {
	b, err := json.Marshal(c.Option) // HTML-escapes by default
	if err != nil {
		return "", fmt.Errorf("reports: chart %s: %w", c.ID, err)
	}
	return string(b), nil
}

// fontFamily is the system Japanese font stack used by the page and the
// charts; no web font is loaded.
const fontFamily = `"Hiragino Kaku Gothic ProN", "Hiragino Sans", "Yu Gothic", YuGothic, "Noto Sans CJK JP", "Noto Sans JP", Meiryo, sans-serif`

// palette is the colour cycle of series and word cloud words.
var palette = []string{
	"#3b6fb6", "#e08a2c", "#4f9d69", "#c9514a", "#8a6bb8",
	"#3a9fb0", "#b5893a", "#d46fa3", "#6b7b8c", "#95a83d",
}

// Colours with a meaning.
const (
	colorMain      = "#3b6fb6"
	colorHighlight = "#1f4e8c"
	colorPromoter  = "#4f9d69"
	colorPassive   = "#b8bec6"
	colorDetractor = "#c9514a"
)

// Ends of the ordered ramp: the low end of a scale red, the middle grey,
// the high end blue (the darkest: the top-2-box stands out).
var (
	rampLow  = [3]float64{0xc9, 0x51, 0x4a}
	rampMid  = [3]float64{0xd5, 0xd9, 0xdf}
	rampHigh = [3]float64{0x1f, 0x4e, 0x8c}
)

// orderedRamp returns n colours from the low end of a scale to its high
// end, for values that have an order (a scale, a matrix's columns): a
// reader sees at once which way the answers lean, which categorical
// colours do not say.
func orderedRamp(n int) []string {
	out := make([]string, n)
	for i := range out {
		t := 1.0
		if n > 1 {
			t = float64(i) / float64(n-1)
		}
		a, b, f := rampLow, rampMid, t*2
		if t > 0.5 {
			a, b, f = rampMid, rampHigh, (t-0.5)*2
		}
		var c [3]int
		for k := range c {
			c[k] = int(math.Round(a[k] + (b[k]-a[k])*f))
		}
		out[i] = fmt.Sprintf("#%02x%02x%02x", c[0], c[1], c[2])
	}
	return out
}

// jsonChart is what go-echarts charts offer once built.
type jsonChart interface {
	Validate()
	JSON() map[string]any
}

// finish turns a go-echarts chart into a plain option: it validates the
// chart, takes its option map, round-trips it through encoding/json (so the
// result is plain data that tests can inspect and nothing but JSON can reach
// the page) and applies the settings every report chart shares.
func finish(c jsonChart, id, kind, label string, height int) (Chart, error) {
	c.Validate()
	raw, err := json.Marshal(c.JSON())
	if err != nil {
		return Chart{}, fmt.Errorf("reports: chart %s: %w", id, err)
	}
	var opt map[string]any
	if err := json.Unmarshal(raw, &opt); err != nil {
		return Chart{}, fmt.Errorf("reports: chart %s: %w", id, err)
	}
	delete(opt, "toolbox")
	opt["animation"] = false // printing must not catch a chart mid-animation
	opt["textStyle"] = map[string]any{"fontFamily": fontFamily, "fontSize": 12}
	// Tooltips are drawn by ECharts itself as rich text, never as HTML, so
	// labels in them cannot become markup.
	opt["tooltip"] = mergeMap(opt["tooltip"], map[string]any{
		"renderMode": "richText",
		"confine":    true,
	})
	return Chart{ID: id, Kind: kind, Label: label, Height: height, Option: opt}, nil
}

func mergeMap(base any, add map[string]any) map[string]any {
	m, _ := base.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	for k, v := range add {
		m[k] = v
	}
	return m
}

// seriesList returns the option's series as maps, for settings go-echarts
// has no field for.
func seriesList(opt map[string]any) []map[string]any {
	list, _ := opt["series"].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, s := range list {
		if m, ok := s.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// num returns v, or nil (a gap for ECharts) when v is not a finite number;
// encoding/json cannot write NaN or infinities.
func num(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

// round1 rounds to one decimal.
func round1(v float64) float64 { return math.Round(v*10) / 10 }

// share returns n/base as a percentage rounded to one decimal, or NaN.
func share(n, base int) float64 {
	if base <= 0 {
		return math.NaN()
	}
	return round1(float64(n) * 100 / float64(base))
}

// formatPct formats a percentage from share.
func formatPct(p float64) string {
	if math.IsNaN(p) {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", p)
}

// formatNum formats a mean, a score or a summary value with one decimal.
func formatNum(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func sum(xs []int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}

// barHeight is the height of a horizontal bar chart with n categories.
func barHeight(n, perBar int) int {
	return max(140, 50+n*perBar)
}

// Polite endings of a question that a heading does without:
// 「ご所属を教えてください」 is headed 「所属別」.
var questionEndings = []string{
	"を教えてください", "をお教えください", "をお聞かせください", "をお選びください", "を選んでください",
	"をお書きください", "を書いてください", "をお答えください", "はいかがでしたか", "はどうでしたか",
	"について", "ですか", "ください", "は",
}

// maxShortLabel is the length, in characters, of a short question label.
const maxShortLabel = 16

// shortLabel is the short form of a question's label for headings such as
// 「…別」: without bracketed notes （いくつでも）, the closing punctuation,
// a polite ending or an honorific ご/お before a kanji, cut to
// maxShortLabel characters.
func shortLabel(label string) string {
	s := strings.TrimSpace(label)
	for _, br := range [][2]string{{"（", "）"}, {"(", ")"}, {"【", "】"}} {
		for {
			i := strings.Index(s, br[0])
			if i < 0 {
				break
			}
			j := strings.Index(s[i:], br[1])
			if j < 0 {
				break
			}
			s = s[:i] + s[i+j+len(br[1]):]
		}
	}
	s = strings.TrimRight(strings.TrimSpace(s), "。？?！!　 ")
	for _, e := range questionEndings {
		if t := strings.TrimSuffix(s, e); t != s && t != "" {
			s = t
			break
		}
	}
	if r := []rune(s); len(r) > 1 && (r[0] == 'ご' || r[0] == 'お') && unicode.Is(unicode.Han, r[1]) {
		s = string(r[1:])
	}
	if r := []rune(s); len(r) > maxShortLabel {
		s = string(r[:maxShortLabel-1]) + "…"
	}
	if s == "" {
		return strings.TrimSpace(label)
	}
	return s
}

// legendWidth is the narrowest chart a legend is laid out for (a phone).
const legendWidth = 330

// legendTop returns how far below the top a chart's grid starts so that a
// legend of these names, wrapped onto as many rows as a phone needs, never
// covers the plot: a legend is drawn whole (never paged: paper shows one
// page of a paged legend), above the plot.
func legendTop(names []string) int {
	rows, x := 1, 0
	for _, n := range names {
		w := 35 // symbol and gap
		for _, r := range n {
			if r < 0x80 {
				w += 7
			} else {
				w += 12
			}
		}
		if x > 0 && x+w > legendWidth {
			rows, x = rows+1, 0
		}
		x += w
	}
	return 12 + 22*rows
}
