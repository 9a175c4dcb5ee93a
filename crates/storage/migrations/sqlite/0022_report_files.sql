-- 佐证材料 (supporting files) of progress reports: photos, scanned documents.
-- Keep in step with ../postgres/0022_report_files.sql: same table, same columns; only the types differ
-- (BLOB and ISO text here). The same limits as 督办 附件 (assignment_files, 0009) are checked in the app.
CREATE TABLE report_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    report_id INTEGER NOT NULL REFERENCES progress_reports(id),
    -- The file name as uploaded, without any path.
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    content BLOB NOT NULL,
    uploaded_by INTEGER REFERENCES users(id),
    uploaded_at TEXT NOT NULL
);
CREATE INDEX report_files_report ON report_files (tenant_id, report_id, id);
