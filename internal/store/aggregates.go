package store

import (
	"context"
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
	for _, part := range []struct {
		qs   []*survey.QuestionModel
		expr string
	}{{single, "count(*) AS n"}, {several, "count(DISTINCT response_id) AS n"}} {
		if len(part.qs) == 0 {
			continue
		}
		var rows []struct {
			QuestionID int64
			N          int
		}
		err := st.db.NewSelect().Comment("store.Store.AnsweredCounts").TableExpr("(?) AS a", everyAnswer(st.db, questionIDs(part.qs), "question_id, response_id")).
			ColumnExpr("question_id").ColumnExpr(part.expr).
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

// crossSelect selects the answers of the questions broken down by the
// attribute attrKey, each joined to the attribute's answer in the same
// response (a self-join on response_id) as group grp, with a.question_id; it
// returns nil when there is nothing to break down. Every non-personal
// single, multi and scale question other than the attribute is broken down
// when keys is empty. The answers come through their indexes; each finds its
// group through the index of its response.
func (st *Store) crossSelect(s *survey.Survey, attrKey string, keys []string) (*bun.SelectQuery, []*survey.QuestionModel, error) {
	attr, err := s.Aggregatable([]string{attrKey})
	if err != nil {
		return nil, nil, err
	}
	qs, err := s.Aggregatable(keys)
	if err != nil {
		return nil, nil, err
	}
	var targets []*survey.QuestionModel
	for _, q := range qs {
		if q.ID != attr[0].ID && (len(keys) > 0 || q.Kind().CrossTabbed()) {
			targets = append(targets, q)
		}
	}
	if len(targets) == 0 {
		return nil, nil, nil
	}
	q := st.db.NewSelect().Comment("store.Store.crossSelect").TableExpr("(?) AS a", everyAnswer(st.db, questionIDs(targets), "question_id, response_id, value, other")).
		Join("JOIN answers AS g ON g.response_id = a.response_id AND g.question_id = ?", attr[0].ID).
		ColumnExpr("a.question_id").
		ColumnExpr("CASE WHEN g.other THEN ? ELSE g.value END AS grp", survey.OtherLabel)
	return q, targets, nil
}

// CrossCounts breaks the answers of questions down by the answer to the
// attribute question attrKey in the same response: per question key, the
// count of every (group, value). See crossSelect for which questions.
func (st *Store) CrossCounts(ctx context.Context, s *survey.Survey, attrKey string, keys ...string) (_ map[string][]survey.CrossCount, err error) {
	defer wrapErr("store.CrossCounts", &err)
	q, targets, err := st.crossSelect(s, attrKey, keys)
	if err != nil {
		return nil, err
	}
	if q == nil {
		return map[string][]survey.CrossCount{}, nil
	}
	var rows []struct {
		QuestionID int64
		Grp        string
		Val        string
		N          int
	}
	err = q.ColumnExpr("CASE WHEN a.other THEN ? ELSE a.value END AS val", survey.OtherLabel).
		ColumnExpr("count(*) AS n").
		GroupExpr("a.question_id, grp, val").
		OrderExpr("a.question_id, grp, val").
		Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]survey.CrossCount, len(targets))
	byID := keyByID(targets)
	for _, r := range rows {
		k := byID[r.QuestionID]
		out[k] = append(out[k], survey.CrossCount{Group: r.Grp, Value: r.Val, Count: r.N})
	}
	return out, nil
}

// CrossBases counts, per question key and attribute group, the respondents
// who answered the question: the base of the group's percentages, since a
// respondent of a multiple-answer question ticks several values (4 people of
// 社協 making 7 ticks are 4, not 7). Same questions as CrossCounts.
func (st *Store) CrossBases(ctx context.Context, s *survey.Survey, attrKey string, keys ...string) (_ map[string]map[string]int, err error) {
	defer wrapErr("store.CrossBases", &err)
	q, targets, err := st.crossSelect(s, attrKey, keys)
	if err != nil {
		return nil, err
	}
	if q == nil {
		return map[string]map[string]int{}, nil
	}
	var rows []struct {
		QuestionID int64
		Grp        string
		N          int
	}
	err = q.ColumnExpr("count(DISTINCT a.response_id) AS n").
		GroupExpr("a.question_id, grp").
		Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[string]int, len(targets))
	byID := keyByID(targets)
	for _, r := range rows {
		k := byID[r.QuestionID]
		if out[k] == nil {
			out[k] = map[string]int{}
		}
		out[k][r.Grp] = r.N
	}
	return out, nil
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
