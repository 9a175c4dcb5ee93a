-- 考核排名 (assessment): schemes as data (a JSON document the app checks),
-- values the office enters per org and month, and published results, each
-- publication a new version (the old kept). Keep in step with
-- ../sqlite/0025_assessment.sql.
CREATE TABLE assessment_schemes (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    year BIGINT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, name)
);

-- month is 'YYYY-MM'; indicator is the key of an indicator of the scheme.
CREATE TABLE assessment_values (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    scheme_id BIGINT NOT NULL REFERENCES assessment_schemes(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    month TEXT NOT NULL,
    indicator TEXT NOT NULL,
    value TEXT,
    target TEXT,
    updated_by BIGINT REFERENCES users(id),
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (scheme_id, month, org_id, indicator)
);

CREATE TABLE assessment_results (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    scheme_id BIGINT NOT NULL REFERENCES assessment_schemes(id),
    month TEXT NOT NULL,
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    note TEXT NOT NULL,
    published_by BIGINT REFERENCES users(id),
    published_at TIMESTAMPTZ NOT NULL,
    UNIQUE (scheme_id, month, version)
);
