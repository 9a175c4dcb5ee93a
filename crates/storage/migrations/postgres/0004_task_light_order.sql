-- A page of one light's tasks, or of one lead org's tasks, in tree order comes
-- straight off an index (no sort of every red task, no scan of the plan);
-- the first also serves the per-light counts.
CREATE INDEX tasks_plan_light_path ON tasks (tenant_id, plan_id, light, sort_path);
DROP INDEX tasks_plan_light;
CREATE INDEX tasks_plan_lead_org_path ON tasks (tenant_id, plan_id, lead_org_id, sort_path);
DROP INDEX tasks_lead_org;
