-- API tokens for machine clients (a 政务数据共享平台 pulling progress, a
-- DingTalk mini-app): per user, scoped (read / report / review), revocable,
-- only a SHA-256 of the token kept. Keep in step with ../sqlite/0026_api_tokens.sql.
CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (tenant_id, user_id, id);
