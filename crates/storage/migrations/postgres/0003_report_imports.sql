-- Report imports (PostgreSQL). Keep in step with ../sqlite/0003_report_imports.sql:
-- same tables, same columns; only the types differ (DATE and TIMESTAMPTZ here).
-- A draft import holds the extracted tasks and targets while a supervisor
-- reviews them; nothing reaches `tasks`/`targets` until it is published.
CREATE TABLE report_imports (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    plan_id BIGINT REFERENCES plans(id),
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    file_name TEXT NOT NULL,
    source_text TEXT NOT NULL,
    status TEXT NOT NULL,
    plan_year BIGINT
);
CREATE INDEX report_imports_tenant ON report_imports (tenant_id, id);

CREATE TABLE import_tasks (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    import_id BIGINT NOT NULL REFERENCES report_imports(id),
    seq BIGINT NOT NULL,
    section TEXT NOT NULL,
    text TEXT NOT NULL,
    deadline DATE,
    lead_org_name TEXT,
    lead_org_id BIGINT REFERENCES orgs(id),
    source_start BIGINT NOT NULL,
    source_end BIGINT NOT NULL
);
CREATE INDEX import_tasks_import ON import_tasks (tenant_id, import_id, seq);

CREATE TABLE import_targets (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    import_task_id BIGINT NOT NULL REFERENCES import_tasks(id),
    metric TEXT NOT NULL,
    value TEXT NOT NULL,
    unit TEXT NOT NULL,
    comparator TEXT NOT NULL,
    baseline TEXT,
    deadline DATE,
    source_offset BIGINT,
    source_len BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX import_targets_task ON import_targets (import_task_id);
