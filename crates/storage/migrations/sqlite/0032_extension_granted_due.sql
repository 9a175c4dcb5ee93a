-- The solve date an approved extension granted: the office may grant another
-- date than the one asked for. NULL while pending, when refused or withdrawn,
-- and for requests approved before it was kept.
ALTER TABLE extension_requests ADD COLUMN granted_due TEXT;
