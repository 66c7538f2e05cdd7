package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/koe-project/koe/reports"
	"github.com/koe-project/koe/survey"
)

// The live dashboard of one survey.

type dashboardView struct {
	Assets                 assetURLs
	Slug, Title            string
	SeriesKey, SeriesTitle string
	EventTitle, Date, Rate string
	Responses              int
	Capacity               *capacity // a registration form's 定員 (max_responses); nil: none
	Latest, Generated      string
	Blocks                 template.HTML
	Drillable              bool
	// Behind is set while the blocks shown are older than the survey's
	// responses or settings (a large survey's new blocks being built
	// meanwhile), with how many responses they count.
	Behind          bool
	BehindResponses int
	// Building is set while there are no blocks to show yet: they are
	// being built in the background, and the page reloads itself.
	Building bool
}

// previousEvent is the event before s in its series among those the
// signed-in member may view (nil: none), for the summary's change since.
func (srv *Server) previousEvent(ctx context.Context, s *survey.Survey) (*survey.Survey, error) {
	if s.Series == nil {
		return nil, nil
	}
	v, err := srv.surveys.SeriesViewFor(ctx, s.Series.Key, srv.staff(ctx), survey.View)
	if err != nil {
		return nil, err
	}
	return reports.PreviousEvent(v.Surveys, s), nil
}

// capacity is how a registration form's 定員 fills.
type capacity struct{ Limit, Taken, Left int }

// cachedBlocks are a survey's rendered question blocks (or a series' body),
// valid while nothing they depend on has changed. The issue groups they show
// are kept beside them (question key -> groups) for the drill-down by issue:
// grouping costs about a CPU-second per 10,000 answers, so it is done once
// per change of the answers, when a dashboard is first asked for, never when
// an answer is submitted.
type cachedBlocks struct {
	stamp     string
	answers   string // the stamp of the answers the issues were grouped from (stamp is it with what else the blocks show)
	variant   string // what else than the answers the blocks depend on: raw counts, the earlier event compared
	responses int    // how many responses the blocks count
	blocks    template.HTML
	drillable bool
	built     time.Time
	fresh     time.Time     // when they were last known current (built, or read back from the database): blocksTTL runs from it
	took      time.Duration // how long building them took
	behind    bool          // not cached: set on blocks shown while newer ones are built
	building  bool          // not cached: none to show yet, being built
	issues    map[string]reports.IssueSet
	series    reports.Series           // a series dashboard's model
	links     []reports.IssueLink      // a series dashboard's recurring words
	crossTabs map[string]template.HTML // a large dashboard's cross-tabs, by chart id, sent when opened
	report    *reports.Report          // the model the blocks were rendered from, for the report's download; nil for a series or the raw counts
}

// blocksTTL bounds how long rendered blocks are reused even when the
// responses did not change (a dictionary applied by another process).
const blocksTTL = 5 * time.Minute

func (srv *Server) showDashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s, err := srv.reportSurvey(r)
	if err != nil {
		return err
	}
	n, latest, err := srv.surveys.ResponseStamp(ctx, s)
	if err != nil {
		return err
	}
	v := dashboardView{
		Assets: dashboardAssets(srv.reportAssets), Slug: s.Slug, Title: s.Title, EventTitle: s.EventTitle, Date: reports.FormatDate(s.EventDate),
		Responses: n, Rate: reports.RateText(n, s.Attendees),
	}
	if s.Series != nil {
		v.SeriesKey, v.SeriesTitle = s.Series.Key, s.Series.Title
	}
	if n > 0 {
		v.Latest = reports.FormatGenerated(latest)
	}
	if s.MaxResponses > 0 {
		v.Capacity = &capacity{Limit: s.MaxResponses, Taken: n, Left: max(s.MaxResponses-n, 0)}
	}
	c, err := srv.surveyBlocks(ctx, s, n, latest, r.URL.Query().Get("copies") == "all")
	if err != nil {
		return err
	}
	v.Blocks, v.Drillable, v.Generated = c.blocks, c.drillable, reports.FormatGenerated(c.built)
	v.Behind, v.BehindResponses, v.Building = c.behind, c.responses, c.building
	if c.building {
		v.Generated = "集計中"
	}
	return srv.renderDashboard(w, r, srv.dashboardPage, s.Title, v)
}

// surveyBlocks returns the question blocks of a survey's dashboard for the
// signed-in member, from the cache while their stamp holds; n and latest
// are its response stamp; allCopies (?copies=all) counts every copy of an
// answer (the raw counts). The cross-tabs of a large dashboard are cut out
// of its blocks and kept beside them (deferCrossTabs).
func (srv *Server) surveyBlocks(ctx context.Context, s *survey.Survey, n int, latest time.Time, allCopies bool) (cachedBlocks, error) {
	before, err := srv.previousEvent(ctx, s)
	if err != nil {
		return cachedBlocks{}, err
	}
	answers, stamp, variant := srv.blockStamps(s, n, latest, allCopies, before)
	if c, ok := srv.cachedBlocks(s.Slug, stamp); ok {
		return c, nil
	}
	// A large survey's blocks, slow to build, are shown as they were while
	// new ones are built in the background (refreshBlocks).
	prev := srv.lastBlocks(s.Slug)
	if prev.blocks == "" && srv.buildsAside(n) { // a restart: the blocks kept in the database
		c, current, ok := srv.restoreSnapshot(ctx, s, stamp, variant)
		if current {
			return c, nil
		}
		if ok {
			prev = c
		}
	}
	if srv.refreshAfter > 0 && prev.blocks != "" && prev.variant == variant && prev.took >= srv.refreshAfter {
		srv.refreshBlocks(s, n, latest, allCopies, before)
		prev.behind = prev.stamp != stamp // past its time to live only: the same answers
		return prev, nil
	}
	// None to show: a large survey's are built in the background too, the
	// reader waiting a while for them and then told to come back, rather
	// than holding a request for minutes (a million responses).
	aside := srv.buildsAside(n)
	if aside {
		srv.refreshBlocks(s, n, latest, allCopies, before)
	}
	if srv.waitForBuild(ctx, s.Slug, srv.buildAside.wait) { // being built in the background: not twice
		if c, ok := srv.cachedBlocks(s.Slug, stamp); ok {
			return c, nil
		}
		if aside {
			return cachedBlocks{building: true, responses: n}, nil
		}
		prev = srv.lastBlocks(s.Slug)
	}
	if c, ok := srv.cachedBlocks(s.Slug, stamp); ok { // built in the background since the first look
		return c, nil
	}
	return srv.buildBlocks(ctx, s, n, latest, allCopies, before, prev.issuesFor(answers))
}

// buildAside says from how many responses a survey's dashboard is built in
// the background when none is cached, and how long its reader waits for it
// before being shown a page that reloads itself.
type buildAside struct {
	from int
	wait time.Duration
}

// buildsAside says whether the dashboard of a survey of n responses is
// built in the background when none is cached (by a server that builds
// them so: RefreshAfter); those are also kept in the database
// (dashboard_snapshot.go).
func (srv *Server) buildsAside(n int) bool {
	return srv.refreshAfter > 0 && n >= srv.buildAside.from
}

// At 5,000 responses a dashboard takes about a second to build on two
// cores; a reader waits at most 20 seconds, far within the server's write
// timeout (two minutes), which a million responses' build exceeds.
const (
	buildAsideFrom = 5000
	buildAsideWait = 20 * time.Second
)

// blockStamps names what a survey's dashboard blocks show: answers (its
// responses, definition and dictionary; counted once or every copy), the
// full stamp (answers and the earlier event compared), and variant (the
// full stamp without the answers).
func (srv *Server) blockStamps(s *survey.Survey, n int, latest time.Time, allCopies bool, before *survey.Survey) (answers, stamp, variant string) {
	copies, after := "", ""
	if allCopies { // the raw counts' blocks and groups are cached apart from those counted once
		copies = "|copies=all"
	}
	if before != nil { // readers who may see different earlier events get their own blocks
		after = "|after:" + before.Slug
	}
	answers = srv.surveyStamp(s, n, latest) + copies
	return answers, answers + after, copies + after
}

// issuesFor returns the cached issue groups when they were grouped from
// the answers named answers: past their time to live with the same stamp,
// blocks are rendered again but the answers are not grouped again.
func (c cachedBlocks) issuesFor(answers string) map[string]reports.IssueSet {
	if c.answers != answers {
		return nil
	}
	return c.issues
}

// buildBlocks builds and caches the question blocks of a survey's
// dashboard (see surveyBlocks), taking the issue groups of a question from
// known when it has them.
func (srv *Server) buildBlocks(ctx context.Context, s *survey.Survey, n int, latest time.Time, allCopies bool, before *survey.Survey, known map[string]reports.IssueSet) (cachedBlocks, error) {
	start := time.Now()
	answers, stamp, variant := srv.blockStamps(s, n, latest, allCopies, before)
	rep, err := reports.BuildReportCounting(ctx, srv.surveys, srv.texts, s, known, allCopies)
	if err != nil {
		return cachedBlocks{}, err
	}
	if before != nil {
		if err := reports.AddPrevious(ctx, srv.surveys, &rep, s, before); err != nil {
			return cachedBlocks{}, err
		}
	}
	issues := issuesOf(rep)
	report := rep // the report's model, as downloaded (surveyReport): without the staff's forms
	report.Questions = slices.Clone(rep.Questions)
	for i, q := range rep.Questions { // the staff's forms on each issue card
		if q.Text != nil && q.Text.Issues != nil {
			rep.Questions[i].IssueEdit = "/surveys/" + url.PathEscape(s.Slug) + "/issues/"
		}
	}
	drill := func(q reports.Question) string {
		if qm := questionModel(s, q.Key); q.Text != nil && qm != nil && qm.Analyze && srv.texts != nil {
			link := "/surveys/" + url.PathEscape(s.Slug) + "/answers?question=" + url.QueryEscape(q.Key)
			if allCopies {
				link += "&copies=all" // the answers behind a raw count include the copies
			}
			return link
		}
		return ""
	}
	c := cachedBlocks{stamp: stamp, answers: answers, variant: variant, responses: n, built: time.Now(), issues: issues}
	if !allCopies { // a report counts each copy once
		c.report = &report
	}
	if c.blocks, c.drillable, err = reports.SurveyBlocks(rep, drill); err != nil {
		return cachedBlocks{}, err
	}
	query := ""
	if allCopies {
		query = "?copies=all" // the parts of the raw counts' page are the raw counts'
	}
	c.blocks, c.crossTabs = deferCrossTabs(c.blocks, "/surveys/"+url.PathEscape(s.Slug)+"/crosstabs/", query)
	c.took = time.Since(start)
	srv.keepBlocks(s.Slug, c)
	srv.log.Info("dashboard built", "survey", s.Slug, "responses", n, "took", c.took.Round(time.Millisecond))
	return c, nil
}

// surveyStamp names the state of a survey that its dashboard depends on: its
// responses (count, latest), its definition and the dictionary in use.
func (srv *Server) surveyStamp(s *survey.Survey, responses int, latest time.Time) string {
	version := ""
	if srv.texts != nil {
		version = srv.texts.Version()
	}
	return fmt.Sprintf("%d|%d|%s|%s|%s", s.ID, responses, latest.UTC().Format(time.RFC3339Nano), s.UpdatedAt.UTC().Format(time.RFC3339Nano), version)
}

// issuesOf collects the issue groups of a report's questions by key.
func issuesOf(rep reports.Report) map[string]reports.IssueSet {
	out := map[string]reports.IssueSet{}
	for _, q := range rep.Questions {
		if t := q.Text; t != nil && t.Issues != nil {
			out[q.Key] = reports.IssueSet{Issues: t.Issues, Grouped: t.IssuesGrouped, Hidden: t.HiddenIssues, Merged: t.MergedIssues, Empty: t.Empty, Duplicates: t.Duplicates}
		}
	}
	return out
}

// expireBlocks makes the blocks cached under key render again at the next
// request, for a change the stamp does not name (a staff name, a hidden
// group); their grouping is reused, with the stored names applied again.
// They are never shown as they were (refreshBlocks): the staff member who
// made the change waits for them (for a survey of buildAsideFrom responses
// or more, up to buildAsideWait, then sees the page that reloads itself).
func (srv *Server) expireBlocks(key string) {
	srv.staleBuild(key)
	srv.blocksMu.Lock()
	defer srv.blocksMu.Unlock()
	if c, ok := srv.blocks[key]; ok {
		c.fresh, c.took = time.Time{}, 0
		srv.blocks[key] = c
	}
}

// lastBlocks returns what is cached under key, however old.
func (srv *Server) lastBlocks(key string) cachedBlocks {
	srv.blocksMu.Lock()
	defer srv.blocksMu.Unlock()
	return srv.blocks[key]
}

func (srv *Server) cachedBlocks(slug, stamp string) (cachedBlocks, bool) {
	srv.blocksMu.Lock()
	defer srv.blocksMu.Unlock()
	c, ok := srv.blocks[slug]
	return c, ok && c.stamp == stamp && time.Since(c.fresh) < blocksTTL
}

func (srv *Server) keepBlocks(slug string, c cachedBlocks) {
	c.fresh = time.Now()
	srv.blocksMu.Lock()
	defer srv.blocksMu.Unlock()
	if len(srv.blocks) > 200 { // bounded: drop everything rather than grow
		clear(srv.blocks)
	}
	srv.blocks[slug] = c
}

func questionModel(s *survey.Survey, key string) *survey.QuestionModel {
	for _, qm := range s.Questions {
		if qm.Key == key {
			return qm
		}
	}
	return nil
}
