-- 挂图作战's trend: how many working tasks (the leaves of a plan's tree) showed
-- each light in a month. The current month is rewritten by every light
-- refresh; a past month is written once. Keep in step with
-- ../postgres/0012_light_snapshots.sql.
CREATE TABLE light_snapshots (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    plan_id INTEGER NOT NULL REFERENCES plans(id),
    month TEXT NOT NULL,
    light TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, plan_id, month, light)
);
