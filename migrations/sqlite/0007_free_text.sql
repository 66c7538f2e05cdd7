-- Free texts leave the index of answer values. A B-tree entry may not
-- exceed 2,704 bytes on PostgreSQL, and answers_question held every value,
-- so an answer of about 1,900 characters of ordinary Japanese was refused;
-- a textarea allows 10,000. SQLite has no such limit, but it keeps the
-- schemas alike, and its index no longer copies every long text. free_text
-- marks the answers whose value is whatever the respondent typed: every
-- answer to a text, textarea or email question, and an その他 text (other).
-- Only the other values, which a survey's definition bounds (options,
-- columns, numbers, dates), are indexed with the question, for counting
-- them; a question's free texts are found through a narrow index of their
-- own, in id order (the rowid ends every index key). SQLite uses a partial
-- index only for a query whose WHERE has the index's own term, so queries
-- name free_text or NOT free_text, exactly so.
-- Keep in step with ../postgres/0007_free_text.sql.
ALTER TABLE answers ADD COLUMN free_text BOOLEAN NOT NULL DEFAULT FALSE;
-- Dropped before the update, which then writes no entry into it.
DROP INDEX answers_question;
UPDATE answers SET free_text = TRUE
    WHERE other OR question_id IN (SELECT id FROM questions WHERE type IN ('text', 'textarea', 'email'));
CREATE INDEX answers_question_value ON answers (question_id, value) WHERE NOT free_text;
CREATE INDEX answers_question_free ON answers (question_id) WHERE free_text;
