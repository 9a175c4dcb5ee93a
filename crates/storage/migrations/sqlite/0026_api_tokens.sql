-- API tokens for machine clients (a 政务数据共享平台 pulling progress, a
-- DingTalk mini-app): per user, scoped (read / report / review), revocable,
-- only a SHA-256 of the token kept. Keep in step with ../postgres/0026_api_tokens.sql.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (tenant_id, user_id, id);
