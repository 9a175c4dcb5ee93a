-- 工作日历: a tenant's statutory holidays (放假) and make-up working days (调休上班).
-- Keep in step with ../sqlite/0006_calendar.sql: same table, same columns.
-- region '' is national; a local region's day overrides the national one on the same date.
-- Loaded from the shipped national file the first time a tenant's calendar is read (qingdan-app).
CREATE TABLE calendar_days (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    region TEXT NOT NULL DEFAULT '',
    day DATE NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, region, day)
);
