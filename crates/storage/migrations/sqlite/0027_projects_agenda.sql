-- The 调度会 agenda and the red lists read lagging projects light by light,
-- the largest gap first: this index holds them in that order, so each light
-- is read only as far as the agenda needs (it sorted 14,000 rows before).
-- Keep in step with ../postgres/0027_projects_agenda.sql.
CREATE INDEX projects_lagging ON projects (tenant_id, light, gap DESC, id);
DROP INDEX projects_light;
