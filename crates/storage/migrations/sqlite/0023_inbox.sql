-- 站内消息 (the in-app inbox): every notice that goes to robots and mail also
-- lands here for the people it concerns, once per person and event (the
-- unique key: enqueueing the same event again, after a restart too, adds
-- nothing). A channel that always works, where a 政务内网 reaches no robot.
-- Keep in step with the other engine's 0023_inbox.sql.
CREATE TABLE inbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    event_key TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT,
    created_at TEXT NOT NULL,
    read_at TEXT,
    UNIQUE (tenant_id, user_id, event_key)
);
CREATE INDEX inbox_user ON inbox (user_id, read_at, id);
