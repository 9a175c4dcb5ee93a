-- The 回收站: a deleted task (with its sub-tasks, targets and reports) moves
-- to the tenant's plan of status 'trash'; this row remembers where it stood,
-- so that an admin can put it back. Keep in step with ../postgres/0018_deleted_tasks.sql.
CREATE TABLE deleted_tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    plan_id INTEGER NOT NULL REFERENCES plans(id),
    parent_id INTEGER REFERENCES tasks(id),
    deleted_by INTEGER REFERENCES users(id),
    deleted_at TEXT NOT NULL,
    UNIQUE (task_id)
);
CREATE INDEX deleted_tasks_tenant ON deleted_tasks (tenant_id, deleted_at);
