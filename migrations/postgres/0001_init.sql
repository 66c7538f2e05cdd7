-- koe schema, PostgreSQL. Keep in step with ../sqlite/0001_init.sql.
CREATE TABLE series (
    id    BIGSERIAL PRIMARY KEY,
    key   TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT ''
);

CREATE TABLE surveys (
    id            BIGSERIAL PRIMARY KEY,
    slug          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    anonymous     BOOLEAN NOT NULL DEFAULT FALSE,
    series_id     BIGINT REFERENCES series (id),
    event_title   TEXT NOT NULL DEFAULT '',
    event_date    TEXT NOT NULL DEFAULT '',
    attendees     INTEGER NOT NULL DEFAULT 0,
    opens_at      TIMESTAMPTZ,
    closes_at     TIMESTAMPTZ,
    max_responses INTEGER NOT NULL DEFAULT 0,
    source        TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX surveys_series ON surveys (series_id);

CREATE TABLE questions (
    id        BIGSERIAL PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    key       TEXT NOT NULL,
    position  INTEGER NOT NULL,
    type      TEXT NOT NULL,
    label     TEXT NOT NULL DEFAULT '',
    required  BOOLEAN NOT NULL DEFAULT FALSE,
    attribute BOOLEAN NOT NULL DEFAULT FALSE,
    personal  BOOLEAN NOT NULL DEFAULT FALSE,
    analyze_text BOOLEAN NOT NULL DEFAULT FALSE,
    spec      TEXT NOT NULL DEFAULT '{}',
    UNIQUE (survey_id, key)
);

CREATE TABLE responses (
    id             TEXT PRIMARY KEY,
    survey_id      BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    submitted_at   TIMESTAMPTZ NOT NULL,
    submission_key TEXT,
    source         TEXT NOT NULL DEFAULT 'web',
    UNIQUE (survey_id, submission_key)
);
CREATE INDEX responses_survey ON responses (survey_id, submitted_at);

CREATE TABLE answers (
    id          BIGSERIAL PRIMARY KEY,
    response_id TEXT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question_id BIGINT NOT NULL REFERENCES questions (id),
    item        TEXT NOT NULL DEFAULT '',
    value       TEXT NOT NULL DEFAULT '',
    number      DOUBLE PRECISION,
    other       BOOLEAN NOT NULL DEFAULT FALSE,
    position    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX answers_response ON answers (response_id);
CREATE INDEX answers_question ON answers (question_id, value);

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL DEFAULT 'staff',
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
