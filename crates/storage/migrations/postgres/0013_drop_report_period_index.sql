-- 0011's progress_reports_period (tenant_id, period, task_id) serves no query:
-- reports for a period are found by (task_id, org_id, period), the UNIQUE
-- index. Without statistics SQLite even chose it to look a task's reports up,
-- scanning the tenant's reports. Every report written paid for it.
DROP INDEX progress_reports_period;
