-- The terms of an analysed answer as one row (a compact list, see
-- analysis/termlist.go; empty when the answer has no term) instead of one row
-- per term: an import of 30,000 answers wrote 600,000 term rows, and
-- inserting them was most of its time. With the response beside it, a
-- summary reads this table alone, a row per answer instead of twenty. Keyed
-- by question then answer: new rows land at the end of the index, and a
-- question's lists are one range.
-- Keep in step with ../sqlite/0006_term_lists.sql.
CREATE TABLE answer_term_lists (
    question_id BIGINT NOT NULL,
    answer_id   BIGINT NOT NULL,
    response_id TEXT NOT NULL,
    terms       TEXT NOT NULL,
    PRIMARY KEY (question_id, answer_id)
);
INSERT INTO answer_term_lists (question_id, answer_id, response_id, terms)
    SELECT a.question_id, a.id, a.response_id, coalesce(t.terms, '')
    FROM answers AS a
    LEFT JOIN (SELECT answer_id, string_agg(count || ' ' || left(kind, 1) || ' ' || term, E'\n') AS terms
               FROM answer_terms GROUP BY answer_id) AS t ON t.answer_id = a.id
    WHERE a.dict_version <> '';
DROP TABLE answer_terms;
