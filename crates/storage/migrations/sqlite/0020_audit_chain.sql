-- The audit trail an auditor can rely on (等保2.0 安全审计): every row gets the
-- client's address, the outcome, and its place in a hash chain (seq from 1,
-- the previous row's hash, its own). Rows written before this migration keep
-- no seq and stand before the chain. audit_chain holds the chain's head; a
-- transaction that records events reserves their seqs there as it commits.
-- Keep in step with ../postgres/0020_audit_chain.sql.
ALTER TABLE audit_events ADD COLUMN source TEXT;
ALTER TABLE audit_events ADD COLUMN outcome TEXT NOT NULL DEFAULT 'ok';
ALTER TABLE audit_events ADD COLUMN seq INTEGER;
ALTER TABLE audit_events ADD COLUMN hash_alg TEXT;
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_events_seq ON audit_events (seq);
CREATE INDEX audit_events_at ON audit_events (tenant_id, at);

CREATE TABLE audit_chain (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    alg TEXT NOT NULL
);
INSERT INTO audit_chain (id, seq, hash, alg)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 'sha256');
