-- 佐证材料 (supporting files) of progress reports: photos, scanned documents.
-- Keep in step with ../sqlite/0022_report_files.sql: same table, same columns; only the types differ
-- (BYTEA and TIMESTAMPTZ here). The same limits as 督办 附件 (assignment_files, 0009) are checked in the app.
CREATE TABLE report_files (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    report_id BIGINT NOT NULL REFERENCES progress_reports(id),
    -- The file name as uploaded, without any path.
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    content BYTEA NOT NULL,
    uploaded_by BIGINT REFERENCES users(id),
    uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX report_files_report ON report_files (tenant_id, report_id, id);
