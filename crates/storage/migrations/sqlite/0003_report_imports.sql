-- Report imports (SQLite). Keep in step with ../postgres/0003_report_imports.sql:
-- same tables, same columns; only the types differ (TEXT dates here).
-- A draft import holds the extracted tasks and targets while a supervisor
-- reviews them; nothing reaches `tasks`/`targets` until it is published.
CREATE TABLE report_imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    plan_id INTEGER REFERENCES plans(id),
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    file_name TEXT NOT NULL,
    source_text TEXT NOT NULL,
    status TEXT NOT NULL,
    plan_year INTEGER
);
CREATE INDEX report_imports_tenant ON report_imports (tenant_id, id);

CREATE TABLE import_tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    import_id INTEGER NOT NULL REFERENCES report_imports(id),
    seq INTEGER NOT NULL,
    section TEXT NOT NULL,
    text TEXT NOT NULL,
    deadline TEXT,
    lead_org_name TEXT,
    lead_org_id INTEGER REFERENCES orgs(id),
    source_start INTEGER NOT NULL,
    source_end INTEGER NOT NULL
);
CREATE INDEX import_tasks_import ON import_tasks (tenant_id, import_id, seq);

CREATE TABLE import_targets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    import_task_id INTEGER NOT NULL REFERENCES import_tasks(id),
    metric TEXT NOT NULL,
    value TEXT NOT NULL,
    unit TEXT NOT NULL,
    comparator TEXT NOT NULL,
    baseline TEXT,
    deadline TEXT,
    source_offset INTEGER,
    source_len INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX import_targets_task ON import_targets (import_task_id);
