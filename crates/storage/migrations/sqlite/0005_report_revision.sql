-- How many times a report was submitted: 1 for the first submission, +1 for
-- each resubmission. Lets one upsert tell a submission from a resubmission.
ALTER TABLE progress_reports ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
