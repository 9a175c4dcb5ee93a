-- 消息通道 and the outbox (发送队列). Keep in step with ../sqlite/0007_notifications.sql:
-- same tables, same columns; only the types differ.

-- A tenant's channels: kind is dingtalk | wecom | smtp; config_json is the
-- channel's settings, secrets included (webhook token, 加签 secret, SMTP password).
CREATE TABLE notification_channels (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    config_json TEXT NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (tenant_id, name)
);

-- The outbox: one row per (event, channel). The UNIQUE key is what makes
-- enqueueing the same event again (after a restart, by a second sweep) a no-op.
-- status: queued -> sending -> sent | queued (retry later) | failed.
CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    event_key TEXT NOT NULL,
    channel_id BIGINT NOT NULL REFERENCES notification_channels(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    mentions TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    claimed_at TIMESTAMPTZ,
    sent_at TIMESTAMPTZ,
    UNIQUE (tenant_id, event_key, channel_id)
);
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications_tenant_recent ON notifications (tenant_id, id);
