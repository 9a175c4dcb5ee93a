-- 重点项目 (key projects): the project database (项目数据库), its
-- half-monthly reports, 前期手续 nodes, 堵点 (要素保障) and 调度会.
-- Keep in step with ../sqlite/0024_projects.sql: same tables, same columns;
-- only the types differ (DATE, TIMESTAMPTZ and BIGINT ids here).
-- Money is 万元, stored as decimal text like every figure.

CREATE TABLE projects (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    nature TEXT NOT NULL,
    category TEXT NOT NULL,
    industry TEXT NOT NULL,
    county_org_id BIGINT REFERENCES orgs(id),
    zone_org_id BIGINT REFERENCES orgs(id),
    location TEXT NOT NULL,
    owner_org_id BIGINT NOT NULL REFERENCES orgs(id),
    scale TEXT NOT NULL,
    total_investment TEXT NOT NULL,
    funding TEXT NOT NULL,
    -- The year 年度计划投资 and 本年完成 are for.
    year BIGINT NOT NULL,
    year_plan TEXT NOT NULL,
    -- 累计 and 本年 completed before the first report in Qingdan (as registered).
    base_total TEXT NOT NULL,
    base_year TEXT NOT NULL,
    -- base + the accepted reports: recomputed under the project's row lock at each acceptance.
    done_total TEXT NOT NULL,
    done_year TEXT NOT NULL,
    planned_start DATE,
    actual_start DATE,
    planned_completion DATE,
    actual_completion DATE,
    signed_on DATE,
    producing_on DATE,
    stage TEXT NOT NULL,
    batch TEXT,
    level TEXT NOT NULL,
    progress_text TEXT NOT NULL,
    liaison_leader_id BIGINT REFERENCES users(id),
    lead_org_id BIGINT REFERENCES orgs(id),
    responsible TEXT NOT NULL,
    task_id BIGINT REFERENCES tasks(id),
    -- The light and what it stands on (domain::project::project_light), set at
    -- every change and by the daily refresh: lists and the agenda read them.
    light TEXT NOT NULL,
    rate BIGINT NOT NULL,
    gap BIGINT NOT NULL,
    reasons TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, name)
);
CREATE INDEX projects_light ON projects (tenant_id, light, gap);
CREATE INDEX projects_county ON projects (tenant_id, county_org_id, id);
CREATE INDEX projects_owner ON projects (tenant_id, owner_org_id, id);
CREATE INDEX projects_liaison ON projects (tenant_id, liaison_leader_id, id);
CREATE INDEX projects_code ON projects (tenant_id, code);

-- Half-monthly reports (period_start is the 1st or the 16th), reviewed by the office.
CREATE TABLE project_reports (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    project_id BIGINT NOT NULL REFERENCES projects(id),
    period_start DATE NOT NULL,
    amount TEXT NOT NULL,
    progress_text TEXT NOT NULL,
    milestone TEXT,
    workforce BIGINT NOT NULL,
    problems TEXT NOT NULL,
    status TEXT NOT NULL,
    submitted_by BIGINT REFERENCES users(id),
    submitted_at TIMESTAMPTZ NOT NULL,
    reviewed_by BIGINT REFERENCES users(id),
    reviewed_at TIMESTAMPTZ,
    review_note TEXT NOT NULL,
    UNIQUE (project_id, period_start)
);
CREATE INDEX project_reports_queue ON project_reports (tenant_id, status, id);

-- Photos of a project report (same limits as 佐证材料).
CREATE TABLE project_report_files (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    report_id BIGINT NOT NULL REFERENCES project_reports(id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    content BYTEA NOT NULL,
    uploaded_by BIGINT REFERENCES users(id),
    uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX project_report_files_report ON project_report_files (tenant_id, report_id, id);

-- 前期手续: one node per procedure of a project.
CREATE TABLE prework_nodes (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    project_id BIGINT NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    deadline DATE NOT NULL,
    done_on DATE,
    assignment_id BIGINT REFERENCES assignments(id),
    UNIQUE (project_id, name)
);
CREATE INDEX prework_open ON prework_nodes (tenant_id, done_on, deadline);

-- 堵点 (要素保障问题) raised on a project.
CREATE TABLE factor_issues (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    project_id BIGINT NOT NULL REFERENCES projects(id),
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    deadline DATE NOT NULL,
    level TEXT NOT NULL,
    status TEXT NOT NULL,
    raised_by BIGINT REFERENCES users(id),
    raised_at TIMESTAMPTZ NOT NULL,
    escalated_on DATE,
    solved_note TEXT NOT NULL,
    solved_at TIMESTAMPTZ,
    closed_by BIGINT REFERENCES users(id),
    closed_at TIMESTAMPTZ,
    assignment_id BIGINT REFERENCES assignments(id)
);
CREATE INDEX factor_issues_open ON factor_issues (tenant_id, status, deadline);
CREATE INDEX factor_issues_project ON factor_issues (project_id, id);

-- 调度会: the agenda is kept as generated when the meeting was called (JSON).
CREATE TABLE dispatch_meetings (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    held_on DATE NOT NULL,
    place TEXT NOT NULL,
    chair TEXT NOT NULL,
    attendees TEXT NOT NULL,
    summary TEXT NOT NULL,
    agenda TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, number)
);

-- 议定事项 of a meeting; assignment_id once it is a 督办 matter.
CREATE TABLE dispatch_decisions (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    meeting_id BIGINT NOT NULL REFERENCES dispatch_meetings(id),
    project_id BIGINT REFERENCES projects(id),
    content TEXT NOT NULL,
    lead_org_id BIGINT NOT NULL REFERENCES orgs(id),
    deadline DATE NOT NULL,
    assignment_id BIGINT REFERENCES assignments(id)
);
CREATE INDEX dispatch_decisions_meeting ON dispatch_decisions (meeting_id, id);
