-- Foundation schema (SQLite). Keep in step with ../postgres/0001_foundation.sql:
-- same tables, same columns; only the types differ (TEXT dates and decimals here).
CREATE TABLE tenants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL
);

CREATE TABLE orgs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    parent_id INTEGER REFERENCES orgs(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, name)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX users_tenant_org ON users (tenant_id, org_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    expires_at TEXT NOT NULL
);

CREATE TABLE plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL
);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    plan_id INTEGER NOT NULL REFERENCES plans(id),
    parent_id INTEGER REFERENCES tasks(id),
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    weight TEXT NOT NULL,
    depth INTEGER NOT NULL,
    sort_path TEXT NOT NULL,
    start_date TEXT NOT NULL,
    deadline TEXT NOT NULL,
    lead_leader_id INTEGER REFERENCES users(id),
    lead_org_id INTEGER REFERENCES orgs(id),
    owner_id INTEGER REFERENCES users(id),
    percent_done INTEGER NOT NULL DEFAULT 0,
    light TEXT NOT NULL
);
CREATE INDEX tasks_plan_path ON tasks (tenant_id, plan_id, sort_path);
CREATE INDEX tasks_plan_light ON tasks (tenant_id, plan_id, light);
CREATE INDEX tasks_lead_org ON tasks (tenant_id, lead_org_id, sort_path);
CREATE INDEX tasks_parent ON tasks (parent_id);

CREATE TABLE task_supporting_orgs (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (task_id, org_id)
);
CREATE INDEX task_supporting_orgs_org ON task_supporting_orgs (org_id, task_id);

CREATE TABLE targets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    metric TEXT NOT NULL,
    value TEXT NOT NULL,
    unit TEXT NOT NULL,
    comparator TEXT NOT NULL,
    baseline TEXT,
    deadline TEXT,
    actual TEXT
);
CREATE INDEX targets_task ON targets (task_id);

CREATE TABLE progress_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    period TEXT NOT NULL,
    percent_done INTEGER NOT NULL,
    narrative TEXT NOT NULL,
    problems TEXT NOT NULL,
    next_steps TEXT NOT NULL,
    status TEXT NOT NULL,
    review_comment TEXT NOT NULL,
    submitted_by INTEGER NOT NULL REFERENCES users(id),
    submitted_at TEXT NOT NULL,
    reviewed_by INTEGER REFERENCES users(id),
    reviewed_at TEXT,
    UNIQUE (task_id, org_id, period)
);
CREATE INDEX progress_reports_status ON progress_reports (tenant_id, status, submitted_at);
CREATE INDEX progress_reports_org ON progress_reports (tenant_id, org_id, submitted_at);

CREATE TABLE report_actuals (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    report_id INTEGER NOT NULL REFERENCES progress_reports(id),
    target_id INTEGER NOT NULL REFERENCES targets(id),
    actual TEXT NOT NULL,
    PRIMARY KEY (report_id, target_id)
);

CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    user_id INTEGER REFERENCES users(id),
    at TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_events_entity ON audit_events (tenant_id, entity, entity_id);
