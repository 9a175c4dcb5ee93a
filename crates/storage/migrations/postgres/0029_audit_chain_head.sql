-- The chain's head follows its newest link inside the database: the event
-- whose seq is the head's own (the last one a transaction reserved) sets the
-- head's hash as it is inserted, so sealing a transaction's events is two
-- statements (reserve the seqs, insert the events) instead of three.
-- Keep in step with ../sqlite/0029_audit_chain_head.sql.
CREATE FUNCTION audit_chain_follow_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE audit_chain SET hash = NEW.hash WHERE id = 1 AND seq = NEW.seq;
    RETURN NULL;
END
$$;
CREATE TRIGGER audit_chain_follows_head AFTER INSERT ON audit_events
    FOR EACH ROW WHEN (NEW.seq IS NOT NULL) EXECUTE FUNCTION audit_chain_follow_head();
