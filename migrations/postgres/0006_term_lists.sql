-- The terms of an answer as one row (a compact list, see analysis/termlist.go)
-- instead of one row per term: an import of 30,000 answers wrote 600,000 term
-- rows, and inserting them was most of its time; summaries read a row per
-- answer instead of twenty. Keyed by question then answer: new rows land at
-- the end of the index, and a question's lists are one range.
-- Keep in step with ../sqlite/0006_term_lists.sql.
CREATE TABLE answer_term_lists (
    question_id BIGINT NOT NULL,
    answer_id   BIGINT NOT NULL,
    terms       TEXT NOT NULL,
    PRIMARY KEY (question_id, answer_id)
);
INSERT INTO answer_term_lists (question_id, answer_id, terms)
    SELECT question_id, answer_id, string_agg(count || ' ' || left(kind, 1) || ' ' || term, E'\n')
    FROM answer_terms GROUP BY question_id, answer_id;
DROP TABLE answer_terms;
