-- Term counts per question, kept up to date in the transaction that stores
-- the terms, so frequency lists never group millions of term rows. Each total
-- is spread over 16 shards (answer id mod 16) summed on read: concurrent
-- submissions naming the same term then rarely wait on the same row.
-- Keep in step with ../postgres/0004_term_counts.sql.
CREATE TABLE term_counts (
    question_id INTEGER NOT NULL,
    term        TEXT NOT NULL,
    shard       INTEGER NOT NULL,
    count       INTEGER NOT NULL,
    docs        INTEGER NOT NULL,
    PRIMARY KEY (question_id, term, shard)
);
INSERT INTO term_counts (question_id, term, shard, count, docs)
    SELECT question_id, term, answer_id % 16, sum(count), count(*) FROM answer_terms GROUP BY question_id, term, answer_id % 16;
