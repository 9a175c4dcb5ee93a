-- A reader's corrections of how a draft import's parts were judged (工作回顾,
-- 年度安排, 五年目标…): the part whose heading starts at char offset `part_at` of
-- the import's source text is of `kind`. The draft is re-read with them, so a
-- restart keeps them. Keep in step with ../postgres/0014_import_part_overrides.sql.
CREATE TABLE import_part_overrides (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    import_id INTEGER NOT NULL REFERENCES report_imports(id),
    part_at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (import_id, part_at)
);
