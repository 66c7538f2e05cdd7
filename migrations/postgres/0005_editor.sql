-- Invitation codes: one unguessable link per invitee, each answering once.
-- response_id links an invitee to their answers only for a survey that is not
-- anonymous; for an anonymous survey only "answered" is kept, with no time.
-- Keep in step with ../sqlite/0005_editor.sql.
CREATE TABLE invitations (
    id          BIGSERIAL PRIMARY KEY,
    survey_id   BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    answered    BOOLEAN NOT NULL DEFAULT FALSE,
    response_id TEXT REFERENCES responses (id) ON DELETE SET NULL,
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX invitations_survey ON invitations (survey_id, id);

-- Roles: the staff member who made a survey in the editor owns it ('' for a
-- survey applied from the command line: every staff member may use it), and
-- may share it with others to view (dashboards, reports, downloads) or edit.
ALTER TABLE surveys ADD COLUMN owner TEXT NOT NULL DEFAULT '';
CREATE TABLE survey_shares (
    survey_id BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    email     TEXT NOT NULL,
    level     TEXT NOT NULL CHECK (level IN ('view', 'edit')),
    PRIMARY KEY (survey_id, email)
);
