-- 原定解决时限: the deadline agreed when a 堵点 was raised. The escalation
-- sweep moves `deadline` on when it raises the level; the agreed date stays
-- here, set by the first escalation. NULL: never moved (`deadline` is the
-- agreed one), and for issues escalated before it was kept.
ALTER TABLE factor_issues ADD COLUMN agreed_deadline TEXT;
