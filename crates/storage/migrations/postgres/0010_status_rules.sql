-- 亮灯规则: a tenant's light thresholds, in points that work progress is behind time progress.
-- Keep in step with ../sqlite/0010_status_rules.sql: same table, same columns.
-- No row: the defaults (yellow when behind at all, red when more than 20 behind; qingdan-domain StatusRules).
CREATE TABLE status_rules (
    tenant_id BIGINT PRIMARY KEY REFERENCES tenants(id),
    yellow_gap BIGINT NOT NULL CHECK (yellow_gap BETWEEN 0 AND 100),
    red_gap BIGINT NOT NULL CHECK (red_gap BETWEEN 0 AND 100),
    CHECK (yellow_gap <= red_gap)
);
