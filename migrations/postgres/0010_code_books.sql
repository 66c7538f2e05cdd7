-- The code books a survey applies to its free text: code_books names the
-- shipped or dictionary books (a JSON array of names), codes holds the
-- survey's own rules in the code-book syntax ('' for none). Surveys stored
-- before this migration were coded with the community book, so they keep
-- it, unless a dictionary applied here had its own top-level codes: those
-- stay the codes of surveys that name no book (before the general preset).
-- Keep in step with ../sqlite/0010_code_books.sql.
ALTER TABLE surveys ADD COLUMN code_books TEXT NOT NULL DEFAULT '';
ALTER TABLE surveys ADD COLUMN codes TEXT NOT NULL DEFAULT '';
UPDATE surveys SET code_books = '["community"]'
WHERE NOT EXISTS (SELECT 1 FROM dictionaries WHERE source LIKE 'codes:%' OR source LIKE '%' || chr(10) || 'codes:%');
