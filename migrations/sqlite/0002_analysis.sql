-- Stored analysis: the dictionary in use and the terms of every analysed answer.
-- Keep in step with ../postgres/0002_analysis.sql.
CREATE TABLE dictionaries (
    id         INTEGER PRIMARY KEY,
    version    TEXT NOT NULL,
    source     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

ALTER TABLE answers ADD COLUMN dict_version TEXT NOT NULL DEFAULT '';

CREATE TABLE answer_terms (
    answer_id   INTEGER NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL,
    term        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    count       INTEGER NOT NULL,
    PRIMARY KEY (answer_id, term)
);
CREATE INDEX answer_terms_question ON answer_terms (question_id, term);
