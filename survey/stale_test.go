package survey_test

import (
	"strings"
	"testing"

	"github.com/koe-project/koe/survey"
	"github.com/koe-project/koe/survey/examples"
)

// A copy of the third meeting's questionnaire for the fourth still says 第3回
// in its title and description, and the third meeting's date where it gave
// one; once reworded, nothing is stale.
func TestStaleTextsOfACopiedMeeting(t *testing.T) {
	prev, err := survey.ParseDefinition("m.yaml", examples.File("meeting-feedback.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	next := *prev
	e := *prev.Event
	e.Title, e.Date = "第4回「担い手をどう育てるか」", "2021-02-18"
	next.Event = &e
	next.Questions = append([]survey.Question(nil), prev.Questions...)
	next.Questions[1].Help = "11月19日の会議についてお答えください"
	found := map[string]string{}
	for _, s := range survey.StaleTexts(prev, &next) {
		found[s.Where] = s.Found
	}
	if found["タイトル"] != "第3回" || found["説明"] != "第3回" || found["設問2の補足説明"] != "11月19日" {
		t.Errorf("stale texts %v", found)
	}
	next.Title = strings.ReplaceAll(next.Title, "第3回", "第4回")
	next.Description = strings.ReplaceAll(next.Description, "第3回", "第4回")
	next.Questions[1].Help = ""
	if got := survey.StaleTexts(prev, &next); len(got) != 0 {
		t.Errorf("reworded, still stale: %+v", got)
	}
}
