-- The chain's head follows its newest link inside the database: an event
-- inserted past the head moves the head (seq and hash) to itself, so sealing
-- a transaction's events is two statements (read the head under its lock,
-- insert the events) and the head's row changes once per event.
-- Keep in step with ../postgres/0029_audit_chain_head.sql.
CREATE TRIGGER audit_chain_follows_head AFTER INSERT ON audit_events
FOR EACH ROW WHEN NEW.seq IS NOT NULL
BEGIN
    UPDATE audit_chain SET seq = NEW.seq, hash = NEW.hash WHERE id = 1 AND seq < NEW.seq;
END;
