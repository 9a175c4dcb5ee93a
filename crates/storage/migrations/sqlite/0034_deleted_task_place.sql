-- Where a deleted task stood among its siblings: its sort_path when it was
-- deleted, so that 恢复 puts it back on that place when it is still free.
-- NULL for tasks deleted before it was kept (they come back last).
-- Keep in step with ../postgres/0034_deleted_task_place.sql.
ALTER TABLE deleted_tasks ADD COLUMN sort_path TEXT;
