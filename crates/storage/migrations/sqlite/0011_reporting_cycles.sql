-- 报送安排: a plan's reporting cycle (每周/每半月/每月/每季度), the due day and the reminder lead.
-- Keep in step with ../postgres/0011_reporting_cycles.sql: same tables, same columns.
-- No row: the default (monthly, due on the 25th, reminded 3 days before; qingdan-domain ReportingSchedule).
-- due_day: a weekday 1-7 (weekly), a day of each half 1-15 (half-monthly), a day of the month (monthly)
-- or of the quarter's last month (quarterly), 1-31; see qingdan-domain reporting.rs.
CREATE TABLE reporting_cycles (
    plan_id INTEGER PRIMARY KEY REFERENCES plans(id),
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    cycle TEXT NOT NULL CHECK (cycle IN ('weekly', 'half_monthly', 'monthly', 'quarterly')),
    due_day INTEGER NOT NULL CHECK (due_day BETWEEN 1 AND 31),
    remind_days_before INTEGER NOT NULL CHECK (remind_days_before BETWEEN 0 AND 89)
);
CREATE INDEX reporting_cycles_tenant ON reporting_cycles (tenant_id);

-- 迟报 is judged by the first submission: a report returned and resubmitted after
-- the due date was still on time if it first came in by then. Older rows: their last submission.
ALTER TABLE progress_reports ADD COLUMN first_submitted_at TEXT;
UPDATE progress_reports SET first_submitted_at = submitted_at;
-- Which reports exist for a period: the status pages look them up by (task, period) through the
-- UNIQUE (task_id, org_id, period) index; this one serves the per-plan period scan.
CREATE INDEX progress_reports_period ON progress_reports (tenant_id, period, task_id);
