-- The terms of an analysed answer as one row (a compact list, see
-- analysis/termlist.go; empty when the answer has no term) instead of one row
-- per term: an import of 30,000 answers wrote 600,000 term rows, and
-- inserting them was most of its time. With the response beside it, a
-- summary reads this table alone, a row per answer instead of twenty.
-- Clustered by question then answer: new rows land at the end, and a
-- question's lists are one range.
-- Keep in step with ../postgres/0006_term_lists.sql.
CREATE TABLE answer_term_lists (
    question_id INTEGER NOT NULL,
    answer_id   INTEGER NOT NULL,
    response_id TEXT NOT NULL,
    terms       TEXT NOT NULL,
    PRIMARY KEY (question_id, answer_id)
) WITHOUT ROWID;
INSERT INTO answer_term_lists (question_id, answer_id, response_id, terms)
    SELECT a.question_id, a.id, a.response_id, coalesce(t.terms, '')
    FROM answers AS a
    LEFT JOIN (SELECT answer_id, group_concat(count || ' ' || substr(kind, 1, 1) || ' ' || term, char(10)) AS terms
               FROM answer_terms GROUP BY answer_id) AS t ON t.answer_id = a.id
    WHERE a.dict_version <> '';
DROP TABLE answer_terms;

-- Term totals clustered by their key: one B-tree to write instead of a table
-- and its primary-key index.
CREATE TABLE term_counts_by_key (
    question_id INTEGER NOT NULL,
    term        TEXT NOT NULL,
    shard       INTEGER NOT NULL,
    count       INTEGER NOT NULL,
    docs        INTEGER NOT NULL,
    PRIMARY KEY (question_id, term, shard)
) WITHOUT ROWID;
INSERT INTO term_counts_by_key SELECT question_id, term, shard, count, docs FROM term_counts;
DROP TABLE term_counts;
ALTER TABLE term_counts_by_key RENAME TO term_counts;
