-- Accounts (等保2.0 身份鉴别): a password an admin set must be changed at the
-- next sign-in; the hashes of a user's last passwords are kept so that a new
-- one does not repeat them; an org can be disabled and keep its history.
-- Keep in step with ../postgres/0017_accounts.sql.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orgs ADD COLUMN is_active INTEGER NOT NULL DEFAULT 1;
CREATE TABLE password_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id),
    password_hash TEXT NOT NULL,
    set_at TEXT NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, id);
