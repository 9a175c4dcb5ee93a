-- How many times a project report was submitted: 1 for the first submission,
-- +1 for each resubmission. A review names the revision the office read, so
-- a report resubmitted meanwhile is not accepted unread.
ALTER TABLE project_reports ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
