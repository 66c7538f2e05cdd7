package store

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/survey"
)

// The methods of this file summarise stored answers with GROUP BY queries in
// the database, so a survey with 100k responses summarises without loading
// its rows. Personal questions are never aggregated: they are skipped when
// the caller asks for every question, and refused when asked for by key.
//
// Answers are found through two partial indexes (migration 0007): values a
// definition bounds by (question_id, value) WHERE NOT free_text, free texts
// by question WHERE free_text. A query uses one only if its WHERE has the
// index's term (SQLite matches it literally), so every query below names
// free_text or NOT free_text, and one that needs both reads everyAnswer.

// everyAnswer selects columns of every answer to the questions ids: those
// in the index of values and the free texts, each through its index.
func everyAnswer(db bun.IDB, ids []int64, columns string) *bun.SelectQuery {
	part := func(cond string) *bun.SelectQuery {
		return db.NewSelect().Comment("store.everyAnswer").TableExpr("answers").ColumnExpr(columns).Where("question_id IN (?) AND "+cond, bun.List(ids))
	}
	return part("NOT free_text").UnionAll(part("free_text"))
}

func questionIDs(qs []*survey.QuestionModel) []int64 {
	ids := make([]int64, len(qs))
	for i, q := range qs {
		ids[i] = q.ID
	}
	return ids
}

func keyByID(qs []*survey.QuestionModel) map[int64]string {
	m := make(map[int64]string, len(qs))
	for _, q := range qs {
		m[q.ID] = q.Key
	}
	return m
}

// AnsweredCounts returns, per question key, how many responses answered it
// (every non-personal question when keys is empty).
func (st *Store) AnsweredCounts(ctx context.Context, s *survey.Survey, keys ...string) (_ map[string]int, err error) {
	defer wrapErr("store.AnsweredCounts", &err)
	qs, err := s.Aggregatable(keys)
	if err != nil || len(qs) == 0 {
		return map[string]int{}, err
	}
	// Only multi and matrix store several rows per response.
	var single, several []*survey.QuestionModel
	for _, q := range qs {
		if q.Kind().SeveralRows() {
			several = append(several, q)
		} else {
			single = append(single, q)
		}
	}
	out := make(map[string]int, len(qs))
	byID := keyByID(qs)
	type count struct {
		QuestionID int64
		N          int
	}
	// A question of one row per response counts its rows, in each part of
	// the table apart (free text or not), each from its partial index alone,
	// without visiting the table; the parts are summed here. Grouping their
	// union instead had both databases read the rows and sort them (SQLite
	// scanned the whole table: 0.8 s of a report of 64,000 responses).
	if len(single) > 0 {
		ids := bun.List(questionIDs(single))
		part := func(cond string) *bun.SelectQuery {
			return st.db.NewSelect().Comment("store.Store.AnsweredCounts").TableExpr("answers").
				ColumnExpr("question_id").ColumnExpr("count(*) AS n").Where("question_id IN (?) AND "+cond, ids).GroupExpr("question_id")
		}
		var rows []count
		if err := part("NOT free_text").UnionAll(part("free_text")).Scan(ctx, &rows); err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[byID[r.QuestionID]] += r.N
		}
	}
	// Several rows per response: a response counts once, whichever part
	// its rows are in.
	if len(several) > 0 {
		var rows []count
		err := st.db.NewSelect().Comment("store.Store.AnsweredCounts").TableExpr("(?) AS a", everyAnswer(st.db, questionIDs(several), "question_id, response_id")).
			ColumnExpr("question_id").ColumnExpr("count(DISTINCT response_id) AS n").
			GroupExpr("question_id").Scan(ctx, &rows)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[byID[r.QuestionID]] = r.N
		}
	}
	return out, nil
}

// ValueCounts returns, per question key, the count of every stored (item,
// value, other) of its answers, most frequent first. Use it for single,
// multi, scale, nps, matrix, consent and date questions; a free text
// question would list every distinct text.
func (st *Store) ValueCounts(ctx context.Context, s *survey.Survey, keys ...string) (_ map[string][]survey.ValueCount, err error) {
	defer wrapErr("store.ValueCounts", &err)
	qs, err := s.Aggregatable(keys)
	if err != nil || len(qs) == 0 {
		return map[string][]survey.ValueCount{}, err
	}
	// Only a matrix needs the item; every other question groups its choices
	// on the (question_id, value) index alone, without a sort, then its free
	// texts (その他) apart. その他 is told from the definition, as it was
	// when the answer was stored.
	var plain, matrix []*survey.QuestionModel
	for _, q := range qs {
		if q.Kind().Grid() {
			matrix = append(matrix, q)
		} else {
			plain = append(plain, q)
		}
	}
	byID := keyByID(qs)
	out := make(map[string][]survey.ValueCount, len(qs))
	type row struct {
		QuestionID int64
		Item       string
		Value      string
		N          int
	}
	var rows []row
	if len(plain) > 0 {
		for _, cond := range []string{"NOT free_text", "free_text"} {
			var part []row
			err = st.db.NewSelect().Comment("store.Store.ValueCounts").TableExpr("answers").
				ColumnExpr("question_id, value, count(*) AS n").
				Where("question_id IN (?) AND "+cond, bun.List(questionIDs(plain))).
				GroupExpr("question_id, value").
				Scan(ctx, &part)
			if err != nil {
				return nil, err
			}
			rows = append(rows, part...)
		}
	}
	if len(matrix) > 0 { // a matrix has no free text
		var cells []row
		err = st.db.NewSelect().Comment("store.Store.ValueCounts").TableExpr("answers").
			ColumnExpr("question_id, item, value, count(*) AS n").
			Where("question_id IN (?) AND NOT free_text", bun.List(questionIDs(matrix))).
			GroupExpr("question_id, item, value").
			Scan(ctx, &cells)
		if err != nil {
			return nil, err
		}
		rows = append(rows, cells...)
	}
	d := s.Definition()
	for _, r := range rows {
		k := byID[r.QuestionID]
		q := d.Question(k)
		other := q != nil && q.IsOtherText(r.Value)
		out[k] = append(out[k], survey.ValueCount{Item: r.Item, Value: r.Value, Other: other, Count: r.N})
	}
	for _, vs := range out {
		sort.SliceStable(vs, func(i, j int) bool {
			if vs[i].Count != vs[j].Count {
				return vs[i].Count > vs[j].Count
			}
			if vs[i].Item != vs[j].Item {
				return vs[i].Item < vs[j].Item
			}
			return vs[i].Value < vs[j].Value
		})
	}
	return out, nil
}

// NumberStats returns, per question key, the count, mean, median, minimum
// and maximum of the numbers answered (scale, nps and number questions).
func (st *Store) NumberStats(ctx context.Context, s *survey.Survey, keys ...string) (_ map[string]survey.NumberStats, err error) {
	defer wrapErr("store.NumberStats", &err)
	qs, err := s.Aggregatable(keys)
	if err != nil {
		return nil, err
	}
	var numeric []*survey.QuestionModel
	for _, q := range qs {
		if q.Kind().Numeric() {
			numeric = append(numeric, q)
		}
	}
	out := make(map[string]survey.NumberStats, len(numeric))
	if len(numeric) == 0 {
		return out, nil
	}
	var rows []struct {
		QuestionID int64
		N          int
		Mean       float64
		Lo, Hi     float64
	}
	err = st.db.NewSelect().Comment("store.Store.NumberStats").TableExpr("answers").
		ColumnExpr("question_id, count(*) AS n, avg(number) AS mean, min(number) AS lo, max(number) AS hi").
		Where("question_id IN (?) AND NOT free_text AND number IS NOT NULL", bun.List(questionIDs(numeric))).
		GroupExpr("question_id").Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	byID := keyByID(numeric)
	for _, r := range rows {
		med, err := st.median(ctx, r.QuestionID, r.N)
		if err != nil {
			return nil, err
		}
		out[byID[r.QuestionID]] = survey.NumberStats{N: r.N, Mean: r.Mean, Median: med, Min: r.Lo, Max: r.Hi}
	}
	return out, nil
}

// median reads the middle one or two of n numbers through the index order.
func (st *Store) median(ctx context.Context, questionID int64, n int) (float64, error) {
	if n == 0 {
		return 0, nil
	}
	var mid []float64
	err := st.db.NewSelect().Comment("store.Store.median").TableExpr("answers").Column("number").
		Where("question_id = ? AND NOT free_text AND number IS NOT NULL", questionID).
		OrderExpr("number").Limit(int64(2-n%2)).Offset(int64((n-1)/2)).Scan(ctx, &mid)
	if err != nil || len(mid) == 0 {
		return 0, err
	}
	if len(mid) == 2 {
		return (mid[0] + mid[1]) / 2, nil
	}
	return mid[0], nil
}

// Cross is the breakdown of answers by one attribute: Counts as
// CrossCounts returns them, Bases as CrossBases does.
type Cross struct {
	Counts map[string][]survey.CrossCount
	Bases  map[string]map[string]int
}

// crossTargets returns the questions broken down by the attribute attr:
// every non-personal single, multi and scale question other than the
// attribute when keys is empty, else the questions keys.
func crossTargets(s *survey.Survey, attr *survey.QuestionModel, keys []string) ([]*survey.QuestionModel, error) {
	qs, err := s.Aggregatable(keys)
	if err != nil {
		return nil, err
	}
	var targets []*survey.QuestionModel
	for _, q := range qs {
		if q.ID != attr.ID && (len(keys) > 0 || q.Kind().CrossTabbed()) {
			targets = append(targets, q)
		}
	}
	return targets, nil
}

// Crosses breaks the answers of questions down by each of the attribute
// questions attrKeys (see CrossCounts and CrossBases: an answer is counted
// in the group of each answer to the attribute in the same response, その他
// for a free その他 text on either side). It reads the attributes' and the
// questions' answers once and counts them in memory: a join of the answers
// with themselves per attribute took minutes at 64,000 responses on SQLite.
func (st *Store) Crosses(ctx context.Context, s *survey.Survey, attrKeys []string, keys ...string) (_ map[string]Cross, err error) {
	defer wrapErr("store.Crosses", &err)
	if len(attrKeys) == 0 {
		return map[string]Cross{}, nil
	}
	attrs, err := s.Aggregatable(attrKeys)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Cross, len(attrs))
	// per attribute: its groups' names, interned, and per question ID the
	// attributes that break it down
	type attrGroups struct {
		names []string
		ids   map[string]int32
	}
	groups := make([]attrGroups, len(attrs))
	byTarget := map[int64][]int{}
	keyOf := map[int64]string{}
	var attrIDs, targetIDs []int64
	for i, a := range attrs {
		out[a.Key] = Cross{Counts: map[string][]survey.CrossCount{}, Bases: map[string]map[string]int{}}
		groups[i].ids = map[string]int32{}
		targets, err := crossTargets(s, a, keys)
		if err != nil {
			return nil, err
		}
		for _, q := range targets {
			if byTarget[q.ID] == nil {
				targetIDs = append(targetIDs, q.ID)
			}
			byTarget[q.ID] = append(byTarget[q.ID], i)
			keyOf[q.ID] = q.Key
		}
		if len(targets) > 0 {
			attrIDs = append(attrIDs, a.ID)
		}
	}
	if len(targetIDs) == 0 {
		return out, nil
	}
	attrOf := make(map[int64]int, len(attrIDs)) // the attributes that break some question down
	for i, a := range attrs {
		if slices.Contains(attrIDs, a.ID) {
			attrOf[a.ID] = i
		}
	}
	// One read of the attributes' and the questions' answers together: on
	// a large survey, where they are most of the table, the planner then
	// scans it (reading the attributes apart went through the index, one
	// table lookup per row: 2.3 s against 0.12 s in sqlite3). A response's
	// groups are known only once all its rows are read, so the questions'
	// answers are kept meanwhile, as numbers: the response (dense), the
	// question and the value (interned).
	dense := map[string]int32{}
	member := make([][][]int32, len(attrs)) // [attribute][dense response] group ids
	label := func(value string, other bool) string {
		if other {
			return survey.OtherLabel
		}
		return value
	}
	type targetRow struct {
		resp, value int32
		q           int64
	}
	var rows []targetRow
	var values []string
	valueIDs := map[string]int32{}
	ids := slices.Concat(attrIDs, targetIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if err := scanAnswers(ctx, everyAnswer(st.db, ids, "response_id, question_id, value, other"), func(resp string, qid int64, value string, other bool) {
		r, ok := dense[resp]
		if !ok {
			r = int32(len(dense))
			dense[resp] = r
		}
		name := label(value, other)
		if i, ok := attrOf[qid]; ok {
			g := &groups[i]
			id, ok := g.ids[name]
			if !ok {
				id = int32(len(g.names))
				g.ids[name] = id
				g.names = append(g.names, name)
			}
			for int(r) >= len(member[i]) {
				member[i] = append(member[i], nil)
			}
			member[i][r] = append(member[i][r], id)
		}
		if byTarget[qid] != nil {
			v, ok := valueIDs[name]
			if !ok {
				v = int32(len(values))
				valueIDs[name] = v
				values = append(values, name)
			}
			rows = append(rows, targetRow{resp: r, value: v, q: qid})
		}
	}); err != nil {
		return nil, err
	}
	for i := range member {
		for len(member[i]) < len(dense) {
			member[i] = append(member[i], nil)
		}
	}
	type cell struct {
		q     int64
		g     int32
		value string
	}
	type base struct {
		q int64
		g int32
	}
	counts := make([]map[cell]int, len(attrs))
	bases := make([]map[base]int, len(attrs))
	for i := range attrs {
		counts[i], bases[i] = map[cell]int{}, map[base]int{}
	}
	answered := map[int64][]uint64{} // per question: the responses (dense) counted in its bases
	for _, row := range rows {
		r, qid, val := row.resp, row.q, values[row.value]
		seen := answered[qid]
		if seen == nil {
			seen = make([]uint64, (len(dense)+63)/64)
			answered[qid] = seen
		}
		first := seen[r/64]&(1<<(r%64)) == 0
		seen[r/64] |= 1 << (r % 64)
		for _, i := range byTarget[qid] {
			gs := member[i][r]
			for j, g := range gs {
				counts[i][cell{qid, g, val}]++
				if first && !slices.Contains(gs[:j], g) {
					bases[i][base{qid, g}]++
				}
			}
		}
	}
	for i, a := range attrs {
		c := out[a.Key]
		names := groups[i].names
		for k, n := range counts[i] {
			key := keyOf[k.q]
			c.Counts[key] = append(c.Counts[key], survey.CrossCount{Group: names[k.g], Value: k.value, Count: n})
		}
		for _, cs := range c.Counts {
			sort.Slice(cs, func(x, y int) bool {
				if cs[x].Group != cs[y].Group {
					return cs[x].Group < cs[y].Group
				}
				return cs[x].Value < cs[y].Value
			})
		}
		for k, n := range bases[i] {
			key := keyOf[k.q]
			if c.Bases[key] == nil {
				c.Bases[key] = map[string]int{}
			}
			c.Bases[key][names[k.g]] = n
		}
	}
	return out, nil
}

// scanAnswers calls fn with each row of q (response_id, question_id, value,
// other), without keeping them.
func scanAnswers(ctx context.Context, q *bun.SelectQuery, fn func(resp string, qid int64, value string, other bool)) error {
	rows, err := q.Rows(ctx)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		resp, value string
		qid         int64
		other       bool
	)
	for rows.Next() {
		if err := rows.Scan(&resp, &qid, &value, &other); err != nil {
			return err
		}
		fn(resp, qid, value, other)
	}
	return rows.Err()
}

// CrossCounts breaks the answers of questions down by the answer to the
// attribute question attrKey in the same response: per question key, the
// count of every (group, value), ordered by group and value. Every
// non-personal single, multi and scale question other than the attribute
// is broken down when keys is empty.
func (st *Store) CrossCounts(ctx context.Context, s *survey.Survey, attrKey string, keys ...string) (_ map[string][]survey.CrossCount, err error) {
	defer wrapErr("store.CrossCounts", &err)
	c, err := st.Crosses(ctx, s, []string{attrKey}, keys...)
	if err != nil {
		return nil, err
	}
	return c[attrKey].Counts, nil
}

// CrossBases counts, per question key and attribute group, the respondents
// who answered the question: the base of the group's percentages, since a
// respondent of a multiple-answer question ticks several values (4 people of
// 社協 making 7 ticks are 4, not 7). Same questions as CrossCounts.
func (st *Store) CrossBases(ctx context.Context, s *survey.Survey, attrKey string, keys ...string) (_ map[string]map[string]int, err error) {
	defer wrapErr("store.CrossBases", &err)
	c, err := st.Crosses(ctx, s, []string{attrKey}, keys...)
	if err != nil {
		return nil, err
	}
	return c[attrKey].Bases, nil
}

// AnswerTexts returns the first limit free texts of a question, oldest
// first (limit <= 0: all of them): the answers to a text, textarea or email
// question, the その他 texts of a choice.
func (st *Store) AnswerTexts(ctx context.Context, s *survey.Survey, key string, limit int) (_ []string, err error) {
	defer wrapErr("store.AnswerTexts", &err)
	qs, err := s.Aggregatable([]string{key})
	if err != nil {
		return nil, err
	}
	var out []string
	q := st.db.NewSelect().Comment("store.Store.AnswerTexts").TableExpr("answers").Column("value").
		Where("question_id = ? AND free_text", qs[0].ID).OrderExpr("id")
	if limit > 0 {
		q = q.Limit(int64(limit))
	}
	err = q.Scan(ctx, &out)
	return out, err
}

// ResponseStamp returns how many responses a survey has and when the latest
// came in: what a cache of its summaries must compare to stay current.
func (st *Store) ResponseStamp(ctx context.Context, s *survey.Survey) (count int, latest time.Time, err error) {
	defer wrapErr("store.ResponseStamp", &err)
	var row struct {
		N      int
		Latest bun.NullTime
	}
	err = st.db.NewSelect().Comment("store.Store.ResponseStamp").TableExpr("responses").
		ColumnExpr("count(*) AS n, max(submitted_at) AS latest").
		Where("survey_id = ?", s.ID).Scan(ctx, &row)
	return row.N, row.Latest.Time, err
}
