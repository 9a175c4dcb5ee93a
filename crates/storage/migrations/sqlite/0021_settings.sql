-- Settings an administrator changes at run time, over the configuration's
-- defaults: one JSON value per key (the sign-in and session policy that the
-- 安全管理员 sets). Keep in step with the other engine's 0021_settings.sql.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
