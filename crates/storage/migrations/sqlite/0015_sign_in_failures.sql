-- Failed sign-ins, by account (`user:NAME`) and by source address (`ip:ADDR`):
-- N within M minutes lock the key for M minutes (等保2.0 身份鉴别). A
-- successful sign-in clears its account's rows. Keep in step with
-- ../postgres/0015_sign_in_failures.sql.
CREATE TABLE sign_in_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE INDEX sign_in_failures_key ON sign_in_failures (key, failed_at);
