-- 考核排名 (assessment): schemes as data (a JSON document the app checks),
-- values the office enters per org and month, and published results, each
-- publication a new version (the old kept). Keep in step with
-- ../postgres/0025_assessment.sql.
CREATE TABLE assessment_schemes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    year INTEGER NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (tenant_id, name)
);

-- month is 'YYYY-MM'; indicator is the key of an indicator of the scheme.
CREATE TABLE assessment_values (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    scheme_id INTEGER NOT NULL REFERENCES assessment_schemes(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    month TEXT NOT NULL,
    indicator TEXT NOT NULL,
    value TEXT,
    target TEXT,
    updated_by INTEGER REFERENCES users(id),
    updated_at TEXT NOT NULL,
    UNIQUE (scheme_id, month, org_id, indicator)
);

CREATE TABLE assessment_results (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    scheme_id INTEGER NOT NULL REFERENCES assessment_schemes(id),
    month TEXT NOT NULL,
    version INTEGER NOT NULL,
    body TEXT NOT NULL,
    note TEXT NOT NULL,
    published_by INTEGER REFERENCES users(id),
    published_at TEXT NOT NULL,
    UNIQUE (scheme_id, month, version)
);
