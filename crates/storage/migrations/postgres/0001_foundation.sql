-- Foundation schema (PostgreSQL). Keep in step with ../sqlite/0001_foundation.sql:
-- same tables, same columns; only the types differ (decimals stay TEXT on both,
-- parsed by rust_decimal in storage, so that 5.10 and 5.1 read back as written).
CREATE TABLE tenants (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE orgs (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    parent_id BIGINT REFERENCES orgs(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    sort_order BIGINT NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, name)
);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_active BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX users_tenant_org ON users (tenant_id, org_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    expires_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE plans (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    year BIGINT NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL
);

CREATE TABLE tasks (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    parent_id BIGINT REFERENCES tasks(id),
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    weight TEXT NOT NULL,
    depth BIGINT NOT NULL,
    sort_path TEXT NOT NULL,
    start_date DATE NOT NULL,
    deadline DATE NOT NULL,
    lead_leader_id BIGINT REFERENCES users(id),
    lead_org_id BIGINT REFERENCES orgs(id),
    owner_id BIGINT REFERENCES users(id),
    percent_done BIGINT NOT NULL DEFAULT 0,
    light TEXT NOT NULL
);
CREATE INDEX tasks_plan_path ON tasks (tenant_id, plan_id, sort_path);
CREATE INDEX tasks_plan_light ON tasks (tenant_id, plan_id, light);
CREATE INDEX tasks_lead_org ON tasks (tenant_id, lead_org_id, sort_path);
CREATE INDEX tasks_parent ON tasks (parent_id);

CREATE TABLE task_supporting_orgs (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (task_id, org_id)
);
CREATE INDEX task_supporting_orgs_org ON task_supporting_orgs (org_id, task_id);

CREATE TABLE targets (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    metric TEXT NOT NULL,
    value TEXT NOT NULL,
    unit TEXT NOT NULL,
    comparator TEXT NOT NULL,
    baseline TEXT,
    deadline DATE,
    actual TEXT
);
CREATE INDEX targets_task ON targets (task_id);

CREATE TABLE progress_reports (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    period TEXT NOT NULL,
    percent_done BIGINT NOT NULL,
    narrative TEXT NOT NULL,
    problems TEXT NOT NULL,
    next_steps TEXT NOT NULL,
    status TEXT NOT NULL,
    review_comment TEXT NOT NULL,
    submitted_by BIGINT NOT NULL REFERENCES users(id),
    submitted_at TIMESTAMPTZ NOT NULL,
    reviewed_by BIGINT REFERENCES users(id),
    reviewed_at TIMESTAMPTZ,
    UNIQUE (task_id, org_id, period)
);
CREATE INDEX progress_reports_status ON progress_reports (tenant_id, status, submitted_at);
CREATE INDEX progress_reports_org ON progress_reports (tenant_id, org_id, submitted_at);

CREATE TABLE report_actuals (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    report_id BIGINT NOT NULL REFERENCES progress_reports(id),
    target_id BIGINT NOT NULL REFERENCES targets(id),
    actual TEXT NOT NULL,
    PRIMARY KEY (report_id, target_id)
);

CREATE TABLE audit_events (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    user_id BIGINT REFERENCES users(id),
    at TIMESTAMPTZ NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_events_entity ON audit_events (tenant_id, entity, entity_id);
