-- A page of one light's tasks in tree order comes straight off this index
-- (no sort of every red task), and it still serves the per-light counts.
CREATE INDEX tasks_plan_light_path ON tasks (tenant_id, plan_id, light, sort_path);
DROP INDEX tasks_plan_light;
