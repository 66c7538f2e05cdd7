-- A series belongs to the staff member who made it in the editor, like a
-- survey ('' for one made from the command line: every staff member may add
-- surveys to it and retitle it). Only its owner and admins may add surveys to
-- an owned series or change its title.
-- Keep in step with ../sqlite/0008_series_owner.sql.
ALTER TABLE series ADD COLUMN owner TEXT NOT NULL DEFAULT '';

-- A series in use whose surveys all belong to one staff member becomes
-- theirs. One holding surveys of several owners stays open, as it was: which
-- of them made it is not recorded, and the wrong guess would lock its maker out.
UPDATE series SET owner = (SELECT min(s.owner) FROM surveys AS s WHERE s.series_id = series.id)
WHERE (SELECT count(DISTINCT s.owner) FROM surveys AS s WHERE s.series_id = series.id) = 1;
