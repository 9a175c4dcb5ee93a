-- How many times an import's drafts were changed. Every draft edit adds one;
-- publishing names the count it read the drafts at, so a plan is never built
-- from drafts an edit changed meanwhile.
ALTER TABLE report_imports ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
