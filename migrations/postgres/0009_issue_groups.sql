-- The issue groups of an analysed question as last computed, so that a
-- group keeps its ID across restarts and staff can name or hide it. scope
-- names what was grouped: 'survey:<survey id>:<question key>' or
-- 'series:<series key>:<question key>'. answer_ids are the group's answers
-- (a JSON array), matched against the next grouping's by their majority.
-- merged_into names the group of the same scope staff merged this one into
-- ('' for none): the two are shown as one while both continue.
-- Keep in step with ../sqlite/0009_issue_groups.sql.
CREATE TABLE issue_groups (
    scope       TEXT NOT NULL,
    id          TEXT NOT NULL,
    answer_ids  TEXT NOT NULL,
    staff_label TEXT NOT NULL DEFAULT '',
    hidden      BOOLEAN NOT NULL DEFAULT FALSE,
    merged_into TEXT NOT NULL DEFAULT '',
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, id)
);
