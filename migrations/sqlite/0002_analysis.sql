-- Stored analysis: the dictionary in use and the terms of every analysed answer.
-- Keep in step with ../postgres/0002_analysis.sql.
CREATE TABLE dictionaries (
    id         INTEGER PRIMARY KEY,
    version    TEXT NOT NULL,
    source     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

ALTER TABLE answers ADD COLUMN dict_version TEXT NOT NULL DEFAULT '';

-- Written in bulk, read by question: one index only, and no foreign key (its
-- check and index would double the cost of every write). Code that deletes
-- answers deletes their terms first (by question_id and answer_id).
CREATE TABLE answer_terms (
    answer_id   INTEGER NOT NULL,
    question_id INTEGER NOT NULL,
    term        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    count       INTEGER NOT NULL
);
-- By question then answer: new rows land at the end of the index (answer ids
-- grow), which keeps writes cheap; GROUP BY term over one question's rows
-- sorts in memory.
CREATE INDEX answer_terms_question ON answer_terms (question_id, answer_id);
