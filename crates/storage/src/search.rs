//! 查找 (search): one box over task titles, targets' names (指标), org names
//! and people's names, ranked in the database so that only the first rows
//! travel.
//!
//! One SQL text for both engines: three branches joined by `UNION ALL`, each
//! giving a hit's kind, how well it matched (0 the whole name, 1 its start,
//! 2 anywhere) and what the page needs to show it. Who may see what is
//! decided by the caller (`qingdan-app`) and handed in as [`SearchQuery`]'s
//! `tasks_of` and `people_of`; this module only applies it.
//!
//! Matching ignores ASCII case on both engines (`LOWER` on both sides; the
//! caller lowercases the text). `LIKE '%…%'` uses no index: a search reads
//! the tenant's tasks once, which is fine for the tens of thousands a city
//! has; the count stops at `limit` rows.

use crate::Result;
use crate::store::{Store, on_pool};
use qingdan_domain::{OrgId, TenantId};

/// What a hit is. The order is the order of the results at equal rank:
/// tasks before orgs before people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchKind {
    Task,
    Org,
    Person,
}

/// How well a hit's name matched: the whole name, its start, or somewhere in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchRank {
    Exact,
    Prefix,
    Contains,
}

/// A search, as the app has decided the user may run it.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    pub tenant_id: TenantId,
    /// The text as typed, trimmed and lowercased; not empty.
    pub text: String,
    /// Only tasks this org leads or supports (a reporter); all the tenant's when `None`.
    pub tasks_of: Option<OrgId>,
    /// Only people of this org (a reporter finds colleagues); all when `None`.
    pub people_of: Option<OrgId>,
    /// At most this many hits, best first.
    pub limit: u32,
}

/// One thing found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub kind: SearchKind,
    /// The task's, org's or person's id.
    pub id: i64,
    /// The task's title, the org's name or the person's name.
    pub name: String,
    /// A task: its plan's title. A person: their org's name. An org: none.
    pub context: Option<String>,
    /// A task found by a target: that target's name (指标). A person: their role's code.
    pub matched: Option<String>,
    /// A task: its plan. An org: the newest plan with a task it leads.
    pub plan_id: Option<i64>,
    pub rank: MatchRank,
}

#[derive(sqlx::FromRow)]
struct HitRow {
    kind: i32,
    id: i64,
    name: String,
    context: Option<String>,
    matched: Option<String>,
    plan_id: Option<i64>,
    rank: i32,
}

impl From<HitRow> for SearchHit {
    fn from(row: HitRow) -> SearchHit {
        let kind = match row.kind {
            0 => SearchKind::Task,
            1 => SearchKind::Org,
            _ => SearchKind::Person,
        };
        let rank = match row.rank {
            0 => MatchRank::Exact,
            1 => MatchRank::Prefix,
            _ => MatchRank::Contains,
        };
        SearchHit {
            kind,
            id: row.id,
            name: row.name,
            context: row.context,
            matched: row.matched,
            plan_id: row.plan_id,
            rank,
        }
    }
}

/// `$1` tenant, `$2` the exact text, `$3` the prefix pattern, `$4` the
/// contains pattern, `$5` the org whose tasks (or NULL), `$6` the org whose
/// people (or NULL), `$7` the limit. Tasks in the 回收站 (a plan of status
/// `trash`), disabled orgs and people, and the three administrators'
/// accounts are never found.
const SEARCH: &str = r"
SELECT kind, id, name, context, matched, plan_id, rank FROM (
  SELECT 0 AS kind, t.id AS id, t.title AS name, p.title AS context,
    (SELECT MIN(g.metric) FROM targets g WHERE g.task_id = t.id AND LOWER(g.metric) LIKE $4 ESCAPE '\') AS matched,
    t.plan_id AS plan_id,
    CASE WHEN LOWER(t.title) = $2
           OR EXISTS (SELECT 1 FROM targets g WHERE g.task_id = t.id AND LOWER(g.metric) = $2) THEN 0
         WHEN LOWER(t.title) LIKE $3 ESCAPE '\'
           OR EXISTS (SELECT 1 FROM targets g WHERE g.task_id = t.id AND LOWER(g.metric) LIKE $3 ESCAPE '\') THEN 1
         ELSE 2 END AS rank
  FROM tasks t JOIN plans p ON p.id = t.plan_id AND p.tenant_id = t.tenant_id
  WHERE t.tenant_id = $1 AND p.status <> 'trash'
    AND (LOWER(t.title) LIKE $4 ESCAPE '\'
         OR EXISTS (SELECT 1 FROM targets g WHERE g.task_id = t.id AND LOWER(g.metric) LIKE $4 ESCAPE '\'))
    AND ($5 IS NULL OR t.lead_org_id = $5
         OR EXISTS (SELECT 1 FROM task_supporting_orgs s WHERE s.task_id = t.id AND s.org_id = $5))
  UNION ALL
  SELECT 1, o.id, o.name, CAST(NULL AS TEXT), CAST(NULL AS TEXT),
    (SELECT MAX(t.plan_id) FROM tasks t JOIN plans p ON p.id = t.plan_id
      WHERE t.tenant_id = $1 AND t.lead_org_id = o.id AND p.status <> 'trash'),
    CASE WHEN LOWER(o.name) = $2 THEN 0 WHEN LOWER(o.name) LIKE $3 ESCAPE '\' THEN 1 ELSE 2 END
  FROM orgs o
  WHERE o.tenant_id = $1 AND o.is_active = TRUE AND LOWER(o.name) LIKE $4 ESCAPE '\'
  UNION ALL
  SELECT 2, u.id, u.display_name, o.name, u.role, CAST(NULL AS BIGINT),
    CASE WHEN LOWER(u.display_name) = $2 THEN 0 WHEN LOWER(u.display_name) LIKE $3 ESCAPE '\' THEN 1 ELSE 2 END
  FROM users u JOIN orgs o ON o.id = u.org_id
  WHERE u.tenant_id = $1 AND u.is_active = TRUE AND u.role IN ('supervisor', 'reporter', 'leader')
    AND LOWER(u.display_name) LIKE $4 ESCAPE '\' AND ($6 IS NULL OR u.org_id = $6)
) AS hits
ORDER BY rank, kind, LENGTH(name), id
LIMIT $7";

/// `text` with the LIKE wildcards (`%`, `_`) and the escape character itself
/// escaped, so that what the user typed is matched as typed.
pub fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

impl Store {
    /// The best `query.limit` hits for `query.text`: by rank (exact, prefix,
    /// contains), then tasks, orgs, people, then the shorter name.
    pub async fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>> {
        let escaped = escape_like(&query.text);
        let rows: Vec<HitRow> = on_pool!(self, pool => {
            sqlx::query_as(SEARCH)
                .bind(query.tenant_id.0)
                .bind(&query.text)
                .bind(format!("{escaped}%"))
                .bind(format!("%{escaped}%"))
                .bind(query.tasks_of.map(|o| o.0))
                .bind(query.people_of.map(|o| o.0))
                .bind(i64::from(query.limit))
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(SearchHit::from).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like("100%"), "100\\%");
        assert_eq!(escape_like("a_b"), "a\\_b");
        assert_eq!(escape_like("c:\\d"), "c:\\\\d");
        assert_eq!(escape_like("老旧小区"), "老旧小区");
    }
}
