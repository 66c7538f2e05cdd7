-- The built dashboard of a large survey, kept so that a restarted koe shows
-- it at once instead of building it again (seconds at tens of thousands of
-- responses). variant names what else than the answers the blocks show (the
-- raw counts, the earlier event compared); stamp names the answers, the
-- definition, the dictionary and the koe binary they were built from: the
-- blocks are shown as current only while it still holds. body is the web
-- package's encoding of the blocks (gzip), opaque to the database, and
-- stored as it is (STORAGE EXTERNAL: compressing it again gains nothing).
-- Keep in step with ../sqlite/0011_dashboard_snapshots.sql.
CREATE TABLE dashboard_snapshots (
    survey_id  BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    variant    TEXT NOT NULL,
    stamp      TEXT NOT NULL,
    body       BYTEA NOT NULL,
    built_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (survey_id, variant)
);
ALTER TABLE dashboard_snapshots ALTER COLUMN body SET STORAGE EXTERNAL;
