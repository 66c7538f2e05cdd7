package survey

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// StaleText is a text of a copied survey that still names the event it was
// copied from: where it is (in Japanese, for staff) and the words found.
type StaleText struct {
	Where, Text, Found string
}

// ordinal finds 第3回 (or 第３回) in an event's title.
var ordinal = regexp.MustCompile(`第[0-9０-９一二三四五六七八九十]+回`)

// StaleTexts lists the texts of next, a survey copied from prev for the
// next meeting, that still name prev's event: its title or ordinal (第3回)
// or its date in the usual spellings, where next's event differs. A
// duplicate for the next meeting keeps last time's wording unnoticed
// otherwise (「第3回会議にご参加いただき…」).
func StaleTexts(prev, next *Definition) []StaleText {
	var old []string
	var pe, ne Event
	if prev.Event != nil {
		pe = *prev.Event
	}
	if next.Event != nil {
		ne = *next.Event
	}
	// The new event's title says which meeting it is: an ordinal of the
	// old one that it does not repeat is last time's.
	for _, title := range []string{pe.Title, prev.Title} {
		for _, o := range ordinal.FindAllString(title, -1) {
			if !strings.Contains(ne.Title, o) {
				old = append(old, o)
			}
		}
	}
	if pe.Title != "" && pe.Title != ne.Title {
		old = append(old, pe.Title)
	}
	if d, err := time.Parse("2006-01-02", pe.Date); err == nil && pe.Date != ne.Date {
		old = append(old, pe.Date, d.Format("2006年1月2日"), d.Format("1月2日"), d.Format("1/2"), d.Format("2006/01/02"))
	}
	if len(old) == 0 {
		return nil
	}
	var out []StaleText
	check := func(where, text string) {
		for _, o := range old {
			if o != "" && strings.Contains(text, o) {
				out = append(out, StaleText{Where: where, Text: text, Found: o})
				return
			}
		}
	}
	check("タイトル", next.Title)
	check("説明", next.Description)
	for i, q := range next.Questions {
		n := "設問" + strconv.Itoa(i+1)
		check(n+"の設問文", q.Label)
		check(n+"の補足説明", q.Help)
		for _, o := range q.Options {
			check(n+"の選択肢", o)
		}
	}
	return out
}
