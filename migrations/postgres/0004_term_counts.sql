-- Term counts per question, kept up to date in the transaction that stores
-- the terms, so frequency lists never group millions of term rows.
-- Keep in step with ../sqlite/0004_term_counts.sql.
CREATE TABLE term_counts (
    question_id BIGINT NOT NULL,
    term        TEXT NOT NULL,
    count       INTEGER NOT NULL,
    docs        INTEGER NOT NULL,
    PRIMARY KEY (question_id, term)
);
INSERT INTO term_counts (question_id, term, count, docs)
    SELECT question_id, term, sum(count), count(*) FROM answer_terms GROUP BY question_id, term;
