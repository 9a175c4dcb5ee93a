//! 沿用清单 (copying a plan's list into a new plan): the rules by which a new plan takes the
//! task tree and the 责任分工 of an existing plan of its tenant — the dates
//! moved to the new year, and only the orgs and people still in service kept.
//! Storage copies the rows with these rules; nothing here reads a database.

use crate::{OrgId, Responsibility, UserId};
use chrono::{Datelike, NaiveDate};
use std::collections::{HashMap, HashSet};

/// `date` moved by `years` whole years: 2026-12-31 → 2027-12-31. A 29
/// February lands on 28 February in a year without one.
pub fn shift_years(date: NaiveDate, years: i32) -> NaiveDate {
    let year = date.year() + years;
    date.with_year(year).or_else(|| NaiveDate::from_ymd_opt(year, date.month(), 28)).unwrap_or(date)
}

/// The first day of `year`: no date of a plan's task lies before it.
fn first_day(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// A task's start and deadline copied into a plan of `plan_year`, from a
/// plan `years` earlier: each moved by `years`, then kept to the rules a
/// task typed into that plan obeys — the start no earlier than 1 January
/// of `plan_year`, the deadline no earlier than the start.
pub fn copied_dates(start: NaiveDate, deadline: NaiveDate, years: i32, plan_year: i32) -> (NaiveDate, NaiveDate) {
    let start = shift_years(start, years).max(first_day(plan_year));
    let deadline = shift_years(deadline, years).max(start);
    (start, deadline)
}

/// A target's own deadline copied likewise: moved by `years`, no earlier
/// than 1 January of `plan_year`.
pub fn copied_target_deadline(deadline: NaiveDate, years: i32, plan_year: i32) -> NaiveDate {
    shift_years(deadline, years).max(first_day(plan_year))
}

/// Who may still answer for a task when a list is copied: the active
/// orgs, the active users of the leader role, and every active user's org.
#[derive(Debug, Clone, Default)]
pub struct InService {
    pub orgs: HashSet<OrgId>,
    pub leaders: HashSet<UserId>,
    /// Each active user's org.
    pub people: HashMap<UserId, OrgId>,
}

impl InService {
    /// What of `old` may stand in the new plan, by the rules a
    /// responsibility typed anew obeys: the lead org and each supporting org
    /// if still active (a supporting org never the lead), the lead leader if
    /// still an active leader, the owner if still active and in the lead org.
    pub fn keep(&self, old: &Responsibility) -> Responsibility {
        let lead_org_id = old.lead_org_id.filter(|o| self.orgs.contains(o));
        let mut supporting_org_ids: Vec<OrgId> = old
            .supporting_org_ids
            .iter()
            .copied()
            .filter(|o| self.orgs.contains(o) && Some(*o) != lead_org_id)
            .collect();
        supporting_org_ids.sort();
        supporting_org_ids.dedup();
        let owner_id = old.owner_id.filter(|u| lead_org_id.is_some() && self.people.get(u) == lead_org_id.as_ref());
        Responsibility {
            lead_leader_id: old.lead_leader_id.filter(|u| self.leaders.contains(u)),
            lead_org_id,
            supporting_org_ids,
            owner_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn dates_move_by_whole_years_and_february_29_lands_on_the_28th() {
        let cases = [
            ("2026-12-31", 1, "2027-12-31"),
            ("2026-06-30", 1, "2027-06-30"),
            ("2028-02-29", 1, "2029-02-28"),
            ("2028-02-29", 4, "2032-02-29"),
            ("2027-02-28", 1, "2028-02-28"),
            ("2026-03-01", 0, "2026-03-01"),
            ("2027-05-01", -1, "2026-05-01"),
        ];
        for (from, years, to) in cases {
            assert_eq!(shift_years(day(from), years), day(to), "{from} + {years}");
        }
    }

    #[test]
    fn a_start_before_the_new_year_is_its_first_day_and_a_deadline_never_precedes_the_start() {
        let cases = [
            // (start, deadline, years, plan year) → (start, deadline)
            ("2026-01-01", "2026-12-31", 1, 2027, "2027-01-01", "2027-12-31"),
            ("2026-03-15", "2026-09-30", 1, 2027, "2027-03-15", "2027-09-30"),
            // A start written before its own plan's year is held to the new year.
            ("2025-11-01", "2026-06-30", 1, 2027, "2027-01-01", "2027-06-30"),
            ("2025-11-01", "2025-12-31", 1, 2027, "2027-01-01", "2027-01-01"),
            // Two years on, and a five-year task keeps its span.
            ("2026-01-01", "2030-12-31", 2, 2028, "2028-01-01", "2032-12-31"),
        ];
        for (start, deadline, years, plan_year, new_start, new_deadline) in cases {
            assert_eq!(
                copied_dates(day(start), day(deadline), years, plan_year),
                (day(new_start), day(new_deadline)),
                "{start}..{deadline} + {years}"
            );
        }
        assert_eq!(copied_target_deadline(day("2025-12-31"), 1, 2027), day("2027-01-01"));
        assert_eq!(copied_target_deadline(day("2028-02-29"), 1, 2029), day("2029-02-28"));
    }

    #[test]
    fn only_orgs_and_people_still_in_service_are_kept() {
        let (active, gone, other) = (OrgId(1), OrgId(2), OrgId(3));
        let in_service = InService {
            orgs: [active, other].into(),
            leaders: [UserId(10)].into(),
            people: [(UserId(10), other), (UserId(20), active), (UserId(21), other)].into(),
        };
        let old = Responsibility {
            lead_leader_id: Some(UserId(10)),
            lead_org_id: Some(active),
            supporting_org_ids: vec![gone, other],
            owner_id: Some(UserId(20)),
        };
        assert_eq!(in_service.keep(&old), Responsibility { supporting_org_ids: vec![other], ..old.clone() });

        let moved_owner = Responsibility { owner_id: Some(UserId(21)), ..old.clone() };
        assert_eq!(in_service.keep(&moved_owner).owner_id, None, "an owner who left the lead org");
        let gone_lead = Responsibility { lead_org_id: Some(gone), ..old.clone() };
        let kept = in_service.keep(&gone_lead);
        assert_eq!((kept.lead_org_id, kept.owner_id), (None, None), "no lead org, so no owner in it");
        let no_longer_leader = Responsibility { lead_leader_id: Some(UserId(20)), ..old };
        assert_eq!(in_service.keep(&no_longer_leader).lead_leader_id, None);
    }
}
