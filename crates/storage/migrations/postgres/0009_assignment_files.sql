-- 附件 (attachment files) of assigned matters (交办事项): the stored files themselves.
-- Keep in step with ../sqlite/0009_assignment_files.sql: same table, same columns; only the types differ
-- (BYTEA and TIMESTAMPTZ here).
--
-- assignment_attachments (0008) keeps the names typed into the create form of
-- documents sent by other means (附件名称，文件另行报送); those have no content
-- to move here, so they stay as they are and the matter's page shows both.
CREATE TABLE assignment_files (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    assignment_id BIGINT NOT NULL REFERENCES assignments(id),
    -- The file name as uploaded, without any path.
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    content BYTEA NOT NULL,
    uploaded_by BIGINT REFERENCES users(id),
    uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX assignment_files_assignment ON assignment_files (tenant_id, assignment_id, id);
