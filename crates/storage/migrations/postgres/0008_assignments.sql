-- 督办 (supervision): assigned matters (交办事项) on a timeline rule (时限规则).
-- Keep in step with ../sqlite/0008_assignments.sql: same tables, same columns; only the types differ (DATE and TIMESTAMPTZ here).

-- 时限规则: each tenant gets the 13710 rule on first use; admins add others (3/5/10 …).
CREATE TABLE timeline_rules (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    counting TEXT NOT NULL,
    sign_for_days BIGINT NOT NULL,
    deploy_days BIGINT NOT NULL,
    feedback_days BIGINT NOT NULL,
    solve_days BIGINT NOT NULL,
    -- Exactly one of the two is set: a major matter's limit in days or in months.
    major_solve_days BIGINT,
    major_solve_months BIGINT,
    yellow_percent BIGINT NOT NULL,
    UNIQUE (tenant_id, name)
);

-- 交办事项. The stage due dates are computed once on the calendar when the
-- matter is assigned (or reassigned, or an extension is approved) and stored,
-- so the daily sweep compares dates and never recomputes the calendar:
-- current_due is the due date of the stage the lead org is in, yellow_from the
-- day its light turns yellow.
CREATE TABLE assignments (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    source_task_id BIGINT REFERENCES tasks(id),
    body TEXT NOT NULL,
    lead_org_id BIGINT NOT NULL REFERENCES orgs(id),
    leader_id BIGINT REFERENCES users(id),
    leader_name TEXT NOT NULL,
    rule_id BIGINT NOT NULL REFERENCES timeline_rules(id),
    assigning_org_id BIGINT NOT NULL REFERENCES orgs(id),
    is_major BOOLEAN NOT NULL,
    timetable DATE,
    assigned_on DATE NOT NULL,
    sign_for_due DATE NOT NULL,
    deploy_due DATE NOT NULL,
    feedback_due DATE NOT NULL,
    solve_due DATE NOT NULL,
    is_schedule_confirmed BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    light TEXT NOT NULL,
    is_open BOOLEAN NOT NULL,
    current_due DATE NOT NULL,
    yellow_from DATE NOT NULL,
    has_pending_extension BOOLEAN NOT NULL,
    grade TEXT,
    close_requested_on DATE,
    closed_on DATE,
    days_to_close BIGINT,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL
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
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    assignment_id BIGINT NOT NULL REFERENCES assignments(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (assignment_id, org_id)
);
CREATE INDEX assignment_supporting_orgs_org ON assignment_supporting_orgs (tenant_id, org_id, assignment_id);

-- 附件: the names of the attached files (the files themselves are a later step).
CREATE TABLE assignment_attachments (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    assignment_id BIGINT NOT NULL REFERENCES assignments(id),
    name TEXT NOT NULL
);
CREATE INDEX assignment_attachments_assignment ON assignment_attachments (assignment_id);

-- The history of a matter: every transition (who, when, note) and every light
-- the sweep turned. A row that completes a stage carries the stage, its due
-- date and the day it was done: the per-org on-time statistics read these.
-- notified_at marks light changes already turned into reminders.
CREATE TABLE assignment_events (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    assignment_id BIGINT NOT NULL REFERENCES assignments(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    user_id BIGINT REFERENCES users(id),
    at TIMESTAMPTZ NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    note TEXT NOT NULL,
    completed_stage TEXT,
    due_on DATE,
    done_on DATE,
    from_light TEXT,
    to_light TEXT,
    notified_at TIMESTAMPTZ
);
CREATE INDEX assignment_events_assignment ON assignment_events (tenant_id, assignment_id, id);
-- Partial indexes: the many light entries the sweep writes cost no upkeep here.
CREATE INDEX assignment_events_stage ON assignment_events (tenant_id, org_id, completed_stage)
    WHERE completed_stage IS NOT NULL;
CREATE INDEX assignment_events_to_notify ON assignment_events (tenant_id, id)
    WHERE action = 'light' AND notified_at IS NULL;

-- 延期申请: asked by the lead org, approved (with the new solve date) or refused by the office.
CREATE TABLE extension_requests (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    assignment_id BIGINT NOT NULL REFERENCES assignments(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    reason TEXT NOT NULL,
    old_due DATE NOT NULL,
    requested_due DATE NOT NULL,
    status TEXT NOT NULL,
    requested_by BIGINT NOT NULL REFERENCES users(id),
    requested_at TIMESTAMPTZ NOT NULL,
    decided_by BIGINT REFERENCES users(id),
    decided_at TIMESTAMPTZ,
    decision_note TEXT NOT NULL
);
CREATE INDEX extension_requests_assignment ON extension_requests (tenant_id, assignment_id, id);
