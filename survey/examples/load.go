package examples

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
)

// StaffEmail is the demo staff account.
const StaffEmail = "demo@koe.example"

// earlier meetings of the demo series, made from the meeting questionnaire.
var earlierMeetings = []struct{ n, date, theme, attendees string }{
	{"1", "2020-07-16", "地域共生社会と自治体の役割", "44"},
	{"2", "2020-09-17", "担い手をどう育てるか", "48"},
}

// Accounts adds the demo staff account (internal/auth's Store does): the
// examples are domain data and know nothing of how passwords are kept.
type Accounts interface {
	AddUser(ctx context.Context, email, password, role string) (created bool, err error)
}

// Load applies the demo surveys, adds their sample answers (once: reloading
// adds nothing), and gives the demo staff account a fresh random password,
// which it returns.
func Load(ctx context.Context, st *store.Store, users Accounts) (password string, err error) {
	sources := map[string][]byte{}
	for _, name := range Definitions {
		sources[name] = File(name)
	}
	meeting := string(File("meeting-feedback.yaml"))
	for _, m := range earlierMeetings {
		src := strings.NewReplacer(
			"slug: network-2020-3", "slug: network-2020-"+m.n,
			"第3回", "第"+m.n+"回",
			"地域と行政の協働をどう進めるか", m.theme,
			"date: 2020-11-19", "date: "+m.date,
			"attendees: 51", "attendees: "+m.attendees,
		).Replace(meeting)
		sources["meeting-"+m.n+".yaml"] = []byte(src)
	}
	var answers map[string][]map[string]any
	if err := yaml.Unmarshal(File("answers.yaml"), &answers); err != nil {
		return "", fmt.Errorf("demo answers: %w", err)
	}
	for name, src := range sources {
		d, err := survey.ParseDefinition(name, src)
		if err != nil {
			return "", err
		}
		if _, err := st.Apply(ctx, d, string(src)); err != nil {
			return "", err
		}
		s, err := st.SurveyBySlug(ctx, d.Slug)
		if err != nil {
			return "", err
		}
		start, err := time.ParseInLocation("2006-01-02 15:04", "2020-11-19 16:30", time.FixedZone("JST", 9*3600))
		if d.Event != nil && d.Event.Date != "" {
			start, err = time.ParseInLocation("2006-01-02 15:04", d.Event.Date+" 16:30", time.FixedZone("JST", 9*3600))
		}
		if err != nil {
			return "", err
		}
		for i, raw := range answers[d.Slug] {
			a, errs := survey.Validate(d, raw)
			if errs != nil {
				return "", fmt.Errorf("demo answer %d of %s: %v", i+1, d.Slug, errs)
			}
			sub := survey.Submission{Key: fmt.Sprintf("demo:%d", i), Source: "demo", At: start.Add(time.Duration(i*4) * time.Minute)}
			if _, _, err := st.Submit(ctx, s, a, sub); err != nil {
				return "", err
			}
		}
	}
	b := make([]byte, 12)
	rand.Read(b)
	password = base64.RawURLEncoding.EncodeToString(b)
	if _, err := users.AddUser(ctx, StaffEmail, password, "admin"); err != nil {
		return "", err
	}
	return password, nil
}
