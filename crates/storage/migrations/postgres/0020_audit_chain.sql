-- The audit trail an auditor can rely on (等保2.0 安全审计): every row gets the
-- client's address, the outcome, and its place in a hash chain (seq from 1,
-- the previous row's hash, its own). Rows written before this migration keep
-- no seq and stand before the chain. audit_chain holds the chain's head; a
-- transaction that records events reserves their seqs there as it commits.
-- Rows are append-only for every role: UPDATE, DELETE and TRUNCATE raise.
-- Only `qingdan audit archive`, run as the tables' owner, lifts that inside
-- its own transaction. Keep in step with ../sqlite/0020_audit_chain.sql.
ALTER TABLE audit_events ADD COLUMN source TEXT;
ALTER TABLE audit_events ADD COLUMN outcome TEXT NOT NULL DEFAULT 'ok';
ALTER TABLE audit_events ADD COLUMN seq BIGINT;
ALTER TABLE audit_events ADD COLUMN hash_alg TEXT;
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_events_seq ON audit_events (seq);
CREATE INDEX audit_events_at ON audit_events (tenant_id, at);

CREATE TABLE audit_chain (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    alg TEXT NOT NULL
);
INSERT INTO audit_chain (id, seq, hash, alg)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 'sha256');

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only (审计记录不可修改或删除)';
END
$$;
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
