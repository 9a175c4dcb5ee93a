-- 附件 (attachment files) of assigned matters (交办事项): the stored files themselves.
-- Keep in step with ../postgres/0009_assignment_files.sql: same table, same columns; only the types differ
-- (BLOB and ISO text here).
--
-- assignment_attachments (0008) keeps the names typed into the create form of
-- documents sent by other means (附件名称，文件另行报送); those have no content
-- to move here, so they stay as they are and the matter's page shows both.
CREATE TABLE assignment_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    assignment_id INTEGER NOT NULL REFERENCES assignments(id),
    -- The file name as uploaded, without any path.
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    content BLOB NOT NULL,
    uploaded_by INTEGER REFERENCES users(id),
    uploaded_at TEXT NOT NULL
);
CREATE INDEX assignment_files_assignment ON assignment_files (tenant_id, assignment_id, id);
