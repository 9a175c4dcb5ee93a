-- Whether a report was sent by its task's lead org (牵头单位), or to a task
-- without one, when submitted: only such reports move the task's figures.
-- A supporting org's (配合单位) report is a record of its part, reviewed like
-- any other. Reports already sent by an org that supports the task and does
-- not lead it are marked as such.
-- Keep in step with ../postgres/0035_report_from_lead.sql.
ALTER TABLE progress_reports ADD COLUMN is_lead INTEGER NOT NULL DEFAULT 1;
UPDATE progress_reports SET is_lead = 0
WHERE EXISTS (SELECT 1 FROM task_supporting_orgs s WHERE s.task_id = progress_reports.task_id
              AND s.org_id = progress_reports.org_id)
  AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = progress_reports.task_id
                  AND t.lead_org_id = progress_reports.org_id);
