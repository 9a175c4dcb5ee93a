//! A mend for lists written before 58ab8fd. A task added after a sibling had
//! been deleted took its place from the count of its siblings, which could be
//! the place of a sibling still there: two tasks (and then their subtrees)
//! shared a sort path, and an acceptance under one rolled up into the other's
//! figures as well. At start the server renumbers each such plan from the tree
//! its parent links make, in the order the places gave (ties by id), and
//! counts every figure of it again.

use super::editing::{Recount, recount_up};
use super::tasks::PATH_STEP;
use crate::audit::{event, record};
use crate::store::{in_tx, lock_plan, on_pool};
use crate::{Actor, Result, Store};
use chrono::NaiveDate;
use qingdan_domain::{PlanId, TenantId};
use serde_json::json;
use std::collections::HashMap;

/// A plan mended: its tenant, its id and how many tasks took a new place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MendedPlan {
    pub tenant: TenantId,
    pub plan: PlanId,
    pub moved: usize,
}

/// A task as the mend reads it: id, parent, sort path and depth.
type Place = (i64, Option<i64>, String, i64);

impl Store {
    /// Renumbers every plan in which two tasks share a sort path, and counts
    /// its figures again as of `today` (each plan in one transaction, under
    /// its lock; audited as `mend`). Returns the plans mended.
    pub async fn mend_shared_places(&self, actor: Actor, today: NaiveDate) -> Result<Vec<MendedPlan>> {
        let plans: Vec<(i64, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT DISTINCT tenant_id, plan_id FROM tasks GROUP BY tenant_id, plan_id, sort_path \
                 HAVING COUNT(*) > 1 ORDER BY tenant_id, plan_id",
            )
            .fetch_all(pool)
            .await?
        });
        let mut mended = Vec::with_capacity(plans.len());
        for (tenant, plan) in plans {
            let tenant = TenantId(tenant);
            let rules = self.status_rules(tenant).await?;
            let recount = Recount { rules: &rules, today };
            let moved = in_tx!(self, tx => {
                lock_plan!(tx, tenant, plan);
                let places: Vec<Place> =
                    sqlx::query_as("SELECT id, parent_id, sort_path, depth FROM tasks WHERE tenant_id = $1 AND plan_id = $2")
                        .bind(tenant.0)
                        .bind(plan)
                        .fetch_all(&mut *tx)
                        .await?;
                let moves = renumbered(&places);
                for (id, path, depth) in &moves {
                    sqlx::query("UPDATE tasks SET sort_path = $1, depth = $2 WHERE tenant_id = $3 AND id = $4")
                        .bind(path)
                        .bind(depth)
                        .bind(tenant.0)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                let parents: std::collections::HashSet<i64> = places.iter().filter_map(|p| p.1).collect();
                for (id, ..) in places.iter().filter(|p| !parents.contains(&p.0)) {
                    recount_up!(tx, tenant, *id, recount);
                }
                record!(tx, event(tenant, actor, "plan", plan, "mend", None, Some(json!({"moved": moves.len()}))));
                moves.len()
            });
            mended.push(MendedPlan { tenant, plan: PlanId(plan), moved });
        }
        Ok(mended)
    }
}

/// The new (id, sort path, depth) of each task of a plan whose place changes
/// when the tree its parent links make is numbered afresh: children in the
/// order of their old paths, then ids, from 1.
fn renumbered(places: &[Place]) -> Vec<(i64, String, i64)> {
    let mut children: HashMap<Option<i64>, Vec<&Place>> = HashMap::new();
    for place in places {
        children.entry(place.1).or_default().push(place);
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| (&a.2, a.0).cmp(&(&b.2, b.0)));
    }
    let mut moves = Vec::new();
    let mut stack: Vec<(Option<i64>, String, i64)> = vec![(None, String::new(), 0)];
    while let Some((parent, prefix, depth)) = stack.pop() {
        for (i, (id, _, old_path, old_depth)) in children.get(&parent).into_iter().flatten().copied().enumerate() {
            let path = format!("{prefix}{:0width$}", i + 1, width = PATH_STEP);
            if *old_path != path || *old_depth != depth {
                moves.push((*id, path.clone(), depth));
            }
            stack.push((Some(*id), format!("{path}."), depth + 1));
        }
    }
    moves
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(id: i64, parent: Option<i64>, path: &str) -> Place {
        (id, parent, path.to_owned(), path.matches('.').count() as i64)
    }

    #[test]
    fn two_sections_on_one_place_are_numbered_apart_with_their_subtrees() {
        let width = PATH_STEP;
        let p = |n: &[usize]| n.iter().map(|k| format!("{k:0width$}")).collect::<Vec<_>>().join(".");
        // 二、 (id 2) at place 2; 三、 (id 5) added after 一、 was deleted took place 2 too.
        let places = [
            place(2, None, &p(&[2])),
            place(3, Some(2), &p(&[2, 1])),
            place(5, None, &p(&[2])),
            place(6, Some(5), &p(&[2, 1])),
        ];
        let mut moves = renumbered(&places);
        moves.sort();
        // 二、 first (the lower id on a shared place) moves to 1 with its child;
        // 三、 keeps 2, and its child stays under it alone.
        assert_eq!(moves, [(2, p(&[1]), 0), (3, p(&[1, 1]), 1)]);
        assert!(renumbered(&[place(1, None, &p(&[1])), place(2, Some(1), &p(&[1, 1]))]).is_empty());
    }
}
