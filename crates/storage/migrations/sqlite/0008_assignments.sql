-- 督办 (supervision): assigned matters (交办事项) on a timeline rule (时限规则).
-- Keep in step with ../postgres/0008_assignments.sql: same tables, same columns; only the types differ (TEXT dates here).

-- 时限规则: each tenant gets the 13710 rule on first use; admins add others (3/5/10 …).
CREATE TABLE timeline_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    counting TEXT NOT NULL,
    sign_for_days INTEGER NOT NULL,
    deploy_days INTEGER NOT NULL,
    feedback_days INTEGER NOT NULL,
    solve_days INTEGER NOT NULL,
    -- Exactly one of the two is set: a major matter's limit in days or in months.
    major_solve_days INTEGER,
    major_solve_months INTEGER,
    yellow_percent INTEGER NOT NULL,
    UNIQUE (tenant_id, name)
);

-- 交办事项. The stage due dates are computed once on the calendar when the
-- matter is assigned (or reassigned, or an extension is approved) and stored,
-- so the daily sweep compares dates and never recomputes the calendar:
-- current_due is the due date of the stage the lead org is in, yellow_from the
-- day its light turns yellow.
CREATE TABLE assignments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    source_task_id INTEGER REFERENCES tasks(id),
    body TEXT NOT NULL,
    lead_org_id INTEGER NOT NULL REFERENCES orgs(id),
    leader_id INTEGER REFERENCES users(id),
    leader_name TEXT NOT NULL,
    rule_id INTEGER NOT NULL REFERENCES timeline_rules(id),
    assigning_org_id INTEGER NOT NULL REFERENCES orgs(id),
    is_major INTEGER NOT NULL,
    timetable TEXT,
    assigned_on TEXT NOT NULL,
    sign_for_due TEXT NOT NULL,
    deploy_due TEXT NOT NULL,
    feedback_due TEXT NOT NULL,
    solve_due TEXT NOT NULL,
    is_schedule_confirmed INTEGER NOT NULL,
    status TEXT NOT NULL,
    light TEXT NOT NULL,
    is_open INTEGER NOT NULL,
    current_due TEXT NOT NULL,
    yellow_from TEXT NOT NULL,
    has_pending_extension INTEGER NOT NULL,
    grade TEXT,
    close_requested_on TEXT,
    closed_on TEXT,
    days_to_close INTEGER,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
-- The office's page of everything open, most urgent first, and the sweep.
CREATE INDEX assignments_open ON assignments (tenant_id, is_open, current_due, id);
-- One light's matters, most urgent first, and the light counts; with the next
-- index, the sweep finds the few matters whose light changes today by ranges
-- (green past yellow_from, green or yellow past current_due) instead of a scan.
CREATE INDEX assignments_light ON assignments (tenant_id, light, current_due, id);
CREATE INDEX assignments_light_yellow ON assignments (tenant_id, light, yellow_from);
-- An org's page of what it must act on.
CREATE INDEX assignments_lead_org ON assignments (tenant_id, lead_org_id, is_open, current_due);

CREATE TABLE assignment_supporting_orgs (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    assignment_id INTEGER NOT NULL REFERENCES assignments(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (assignment_id, org_id)
);
CREATE INDEX assignment_supporting_orgs_org ON assignment_supporting_orgs (tenant_id, org_id, assignment_id);

-- 附件: the names of the attached files (the files themselves are a later step).
CREATE TABLE assignment_attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    assignment_id INTEGER NOT NULL REFERENCES assignments(id),
    name TEXT NOT NULL
);
CREATE INDEX assignment_attachments_assignment ON assignment_attachments (assignment_id);

-- The history of a matter: every transition (who, when, note) and every light
-- the sweep turned. A row that completes a stage carries the stage, its due
-- date and the day it was done: the per-org on-time statistics read these.
-- notified_at marks light changes already turned into reminders.
CREATE TABLE assignment_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    assignment_id INTEGER NOT NULL REFERENCES assignments(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    user_id INTEGER REFERENCES users(id),
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    note TEXT NOT NULL,
    completed_stage TEXT,
    due_on TEXT,
    done_on TEXT,
    from_light TEXT,
    to_light TEXT,
    notified_at TEXT
);
CREATE INDEX assignment_events_assignment ON assignment_events (tenant_id, assignment_id, id);
-- Partial indexes: the many light entries the sweep writes cost no upkeep here.
CREATE INDEX assignment_events_stage ON assignment_events (tenant_id, org_id, completed_stage)
    WHERE completed_stage IS NOT NULL;
CREATE INDEX assignment_events_to_notify ON assignment_events (tenant_id, id)
    WHERE action = 'light' AND notified_at IS NULL;

-- 延期申请: asked by the lead org, approved (with the new solve date) or refused by the office.
CREATE TABLE extension_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    assignment_id INTEGER NOT NULL REFERENCES assignments(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    reason TEXT NOT NULL,
    old_due TEXT NOT NULL,
    requested_due TEXT NOT NULL,
    status TEXT NOT NULL,
    requested_by INTEGER NOT NULL REFERENCES users(id),
    requested_at TEXT NOT NULL,
    decided_by INTEGER REFERENCES users(id),
    decided_at TEXT,
    decision_note TEXT NOT NULL
);
CREATE INDEX extension_requests_assignment ON extension_requests (tenant_id, assignment_id, id);
