-- The API's task lists filter by owner (责任人) and sort by deadline, paged by
-- keyset: these indexes let a page seek to its place instead of reading the
-- plan up to it. Keep in step with ../postgres/0028_task_list_orders.sql.
CREATE INDEX tasks_plan_owner_path ON tasks (tenant_id, plan_id, owner_id, sort_path);
CREATE INDEX tasks_plan_deadline ON tasks (tenant_id, plan_id, deadline, id);
-- A task's children in the list's order (the API's parent= and a task's
-- family), without reading the plan in that order to find them.
CREATE INDEX tasks_parent_path ON tasks (tenant_id, parent_id, sort_path);
