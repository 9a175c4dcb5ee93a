-- When a session was last used, for the idle timeout (等保2.0: 30 minutes by
-- default). Sessions from before it have none and must sign in again. Keep in
-- step with ../postgres/0016_session_last_seen.sql.
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
CREATE INDEX sessions_user ON sessions (user_id, last_seen_at);
