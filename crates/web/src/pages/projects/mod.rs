//! 重点项目 pages (issue 15): the register (list, register and edit form, the
//! 前期手续 kinds), a project's page with its half-monthly reports, 前期手续
//! and 堵点, the office's review queue, the projects map, and the
//! half-monthly 调度会 with its agenda and 议定事项.
//!
//! Every right is the app's; a page only hides the buttons the app would
//! refuse, with the same rules (`may_*` of `ProjectDetail`, the office by
//! `can_supervise`).

pub mod detail;
pub mod dispatch;
pub mod files;
pub mod map;
pub mod register;

use qingdan_domain::project::KeyProject;
use qingdan_domain::{Decimal, Org, OrgId, OrgKind, User, UserId};
use std::collections::HashMap;

use crate::view::light_class;

/// A sum of money in 万元 as offices write it: no trailing zeros.
pub fn money(amount: Decimal) -> String {
    amount.normalize().to_string()
}

/// The names of the tenant's orgs and leaders, read once per page.
pub struct Names {
    orgs: HashMap<OrgId, String>,
    leaders: HashMap<UserId, String>,
}

impl Names {
    pub fn new(orgs: &[Org], leaders: &[(UserId, String)]) -> Names {
        Names {
            orgs: orgs.iter().map(|o| (o.id, o.name.clone())).collect(),
            leaders: leaders.iter().cloned().collect(),
        }
    }

    pub fn org(&self, id: Option<OrgId>) -> String {
        id.and_then(|id| self.orgs.get(&id)).cloned().unwrap_or_default()
    }

    pub fn leader(&self, id: Option<UserId>) -> String {
        id.and_then(|id| self.leaders.get(&id)).cloned().unwrap_or_default()
    }
}

/// Active orgs of `kinds` (all when empty) as (id, name), for a select.
pub fn org_choices(orgs: &[Org], kinds: &[OrgKind]) -> Vec<(i64, String)> {
    orgs.iter()
        .filter(|o| o.is_active && (kinds.is_empty() || kinds.contains(&o.kind)))
        .map(|o| (o.id.0, o.name.clone()))
        .collect()
}

/// The counties and districts a project may sit in.
pub const COUNTY_KINDS: [OrgKind; 2] = [OrgKind::County, OrgKind::District];

/// One project as a row of the list and of the map's red list.
pub struct ProjectLine {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub county: String,
    pub zone: String,
    pub owner: String,
    pub stage: &'static str,
    pub batch: &'static str,
    pub level: &'static str,
    pub total_investment: String,
    pub year_plan: String,
    pub done_year: String,
    pub done_total: String,
    /// 投资完成率 and 序时进度, percent.
    pub rate: i64,
    pub time: i64,
    pub light_class: &'static str,
    pub light_label: &'static str,
    pub light_code: &'static str,
    pub reasons: String,
}

impl ProjectLine {
    pub fn new(p: &KeyProject, names: &Names) -> ProjectLine {
        let f = &p.fields;
        ProjectLine {
            id: p.id.0,
            name: f.name.clone(),
            code: f.code.clone(),
            county: names.org(f.county_org_id),
            zone: names.org(f.zone_org_id),
            owner: names.org(Some(f.owner_org_id)),
            stage: f.stage.label(),
            batch: f.batch.map_or("", |b| b.label()),
            level: f.level.label(),
            total_investment: money(f.total_investment),
            year_plan: money(f.year_plan),
            done_year: money(p.done_year),
            done_total: money(p.done_total),
            rate: p.rate,
            time: p.rate + p.gap,
            light_class: light_class(p.light),
            light_label: p.light.label(),
            light_code: p.light.code(),
            reasons: p.reasons.clone(),
        }
    }
}

/// Whether the user is the project office (registers, reviews, holds 调度会):
/// the rule the app uses.
pub fn is_office(user: &User) -> bool {
    user.role.can_supervise()
}
