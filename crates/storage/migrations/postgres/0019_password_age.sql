-- When a user's password was last set, for the optional expiry (等保2.0:
-- password_max_days in the configuration). Empty until the first sign-in or
-- change after this migration. Keep in step with ../sqlite/0019_password_age.sql.
ALTER TABLE users ADD COLUMN password_changed_at TIMESTAMPTZ;
