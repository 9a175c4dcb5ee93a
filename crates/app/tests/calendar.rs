//! 工作日历 use cases on both engines: seeding from the shipped file, admin-only edits, all-or-nothing
//! imports, the audit trail, the cache, and tenants kept apart.
#![allow(clippy::unwrap_used)] // tests: a bad fixture should fail loudly

use anyhow::{Result, ensure};
use chrono::NaiveDate;
use qingdan_app::{AppError, CalendarDayInput};
use qingdan_domain::{DayKind, Role, WorkCalendar};
use qingdan_testkit::{Backend, World, on_both_engines};

on_both_engines! {
    a_new_tenant_gets_the_national_calendar_on_first_read => seeded;
    only_an_admin_reads_or_edits_the_calendar => admin_only;
    an_admin_adds_and_deletes_days_and_deadlines_follow => edits;
    an_import_is_all_or_nothing_and_names_the_bad_line => import_errors;
    an_import_replaces_its_span_and_is_audited => import_replaces;
    calendars_do_not_cross_tenants => tenant_isolation;
    the_warning_names_the_years_without_data => missing_years;
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn day(date: &str, kind: &str, name: &str, region: &str) -> CalendarDayInput {
    CalendarDayInput {
        date: date.into(),
        kind: kind.into(),
        name: name.into(),
        region: region.into(),
        source: String::new(),
    }
}

const HEADER: &str = "start,end,kind,name,region,source\n";

async fn seeded(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-09-30").await?;
    ensure!(w.app.store().calendar_day_count(w.tenant).await? == 0, "nothing before the first read");
    let cal = w.app.calendar(w.tenant).await?;
    let shipped = WorkCalendar::shipped_days();
    ensure!(w.app.store().calendar_day_count(w.tenant).await? == shipped.len() as i64);
    ensure!((2020..=2026).all(|y| cal.has_year(y)));
    let due = cal.add_working_days(d("2026-09-30"), 3);
    ensure!(due.date == d("2026-10-10") && due.confirmed, "{due:?}");
    // The days read back equal the shipped ones (dates, kinds, names and sources survive the engine).
    let mut stored = w.app.store().calendar_days(w.tenant).await?;
    let mut expected = shipped.clone();
    stored.sort_by_key(|x| x.date);
    expected.sort_by_key(|x| x.date);
    ensure!(stored == expected, "stored days differ from the shipped file");
    // Reading again seeds nothing more; one audit event for the seed.
    ensure!(!w.app.ensure_calendar(w.tenant).await?);
    let trail = w.app.store().audit_trail(w.tenant, "calendar", w.tenant.0).await?;
    ensure!(trail.len() == 1 && trail[0].action == "seed" && trail[0].user_id.is_none(), "{trail:?}");
    Ok(())
}

async fn admin_only(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-09-30").await?;
    let org = w.org("市能源局").await?;
    let reporter = w.user("energy", Role::Reporter, org).await?;
    let leader = w.user("leader", Role::Leader, org).await?;
    let file = format!("{HEADER}2027-01-01,,holiday,元旦,,测试\n");
    for user in [&w.supervisor, &reporter, &leader] {
        ensure!(matches!(w.app.calendar_days(user, 2026).await, Err(AppError::Forbidden)), "{:?}", user.role);
        let add = w.app.add_calendar_day(user, &day("2026-10-12", "holiday", "临时", "")).await;
        ensure!(matches!(add, Err(AppError::Forbidden)), "{:?} adds", user.role);
        let delete = w.app.delete_calendar_day(user, "", "2026-10-01").await;
        ensure!(matches!(delete, Err(AppError::Forbidden)), "{:?} deletes", user.role);
        ensure!(matches!(w.app.import_calendar(user, &file).await, Err(AppError::Forbidden)), "{:?}", user.role);
        ensure!(matches!(w.app.calendar_file(user).await, Err(AppError::Forbidden)), "{:?}", user.role);
    }
    // Nothing changed: 2026-10-12 is a plain Monday, 10-01 still a holiday, 2027 still unknown.
    let cal = w.app.calendar(w.tenant).await?;
    ensure!(cal.is_working_day(d("2026-10-12")) && !cal.is_working_day(d("2026-10-01")) && !cal.has_year(2027));
    // The admin may.
    let year = w.app.calendar_days(&w.admin, 2026).await?;
    ensure!(year.days.iter().any(|x| x.date == d("2026-10-10") && x.kind == DayKind::Workday));
    ensure!(year.days.iter().all(|x| x.date.format("%Y").to_string() == "2026"));
    ensure!(matches!(w.app.calendar_days(&w.admin, 1999).await, Err(AppError::Invalid(_))));
    Ok(())
}

async fn edits(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-09-30").await?;
    // Warm the cache, then edit: the edit is seen at once.
    ensure!(w.app.calendar(w.tenant).await?.add_working_days(d("2026-09-30"), 1).date == d("2026-10-08"));
    // A local region works on the national 10-07.
    let added = w.app.add_calendar_day(&w.admin, &day("2026-10-07", "workday", "地方调休", "青岚")).await?;
    ensure!(added.source.contains("admin"), "default source names the admin: {}", added.source);
    let cal = w.app.calendar(w.tenant).await?;
    ensure!(cal.add_working_days(d("2026-09-30"), 1).date == d("2026-10-07"), "local day overrides");
    // Changing the same day again is an update, not a second row.
    w.app.add_calendar_day(&w.admin, &day("2026-10-07", "holiday", "地方调休", "青岚")).await?;
    ensure!(w.app.calendar(w.tenant).await?.add_working_days(d("2026-09-30"), 1).date == d("2026-10-08"));
    // Deleting the national 10-08? No: delete the local day, then a national one.
    let gone = w.app.delete_calendar_day(&w.admin, "青岚", "2026-10-07").await?;
    ensure!(gone.kind == DayKind::Holiday);
    w.app.delete_calendar_day(&w.admin, "", "2026-10-10").await?;
    let cal = w.app.calendar(w.tenant).await?;
    ensure!(!cal.is_working_day(d("2026-10-10")), "10-10 is a plain Saturday again");
    let missing = w.app.delete_calendar_day(&w.admin, "", "2026-10-10").await;
    ensure!(matches!(missing, Err(AppError::NotFound(_))), "{missing:?}");
    // Audit: create, update, delete on the local day; delete on the national one.
    let trail = w.app.store().audit_trail(w.tenant, "calendar_day", 20261007).await?;
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    ensure!(actions == ["create", "update", "delete"], "{actions:?}");
    ensure!(trail.iter().all(|e| e.user_id == Some(w.admin.id)));
    let trail = w.app.store().audit_trail(w.tenant, "calendar_day", 20261010).await?;
    ensure!(trail.len() == 1 && trail[0].before.as_deref().is_some_and(|b| b.contains("workday")));
    // Bad input names the field.
    let bad = w.app.add_calendar_day(&w.admin, &day("2026-02-30", "rest", "", "")).await.err();
    let Some(AppError::Invalid(invalid)) = bad else { anyhow::bail!("expected Invalid, got {bad:?}") };
    let fields: Vec<&str> = invalid.errors.iter().map(|e| e.field.as_str()).collect();
    ensure!(fields == ["date", "kind", "name"], "{fields:?}");
    ensure!(invalid.errors[0].message.contains("2026-02-30"));
    let comma = w.app.add_calendar_day(&w.admin, &day("2026-03-02", "holiday", "a,b", "")).await.err();
    ensure!(matches!(&comma, Some(AppError::Invalid(i)) if i.errors[0].field == "name"), "{comma:?}");
    Ok(())
}

async fn import_errors(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-09-30").await?;
    w.app.calendar(w.tenant).await?;
    let before = w.app.store().calendar_days(w.tenant).await?.len();
    ensure!(before > 200);
    let text =
        format!("{HEADER}2027-01-01,,holiday,元旦,,通知\n2027-02-30,,holiday,春节,,通知\n2027-03-01,,rest,x,,通知\n");
    let err = w.app.import_calendar(&w.admin, &text).await.err();
    let Some(AppError::Invalid(invalid)) = err else { anyhow::bail!("expected Invalid, got {err:?}") };
    ensure!(invalid.errors.len() == 2, "{invalid:?}");
    ensure!(invalid.errors.iter().all(|e| e.field == "text"));
    ensure!(invalid.errors[0].message.starts_with("第3行："), "{}", invalid.errors[0].message);
    ensure!(invalid.errors[1].message.starts_with("第4行："), "{}", invalid.errors[1].message);
    // Nothing of the good line was saved.
    let cal = w.app.calendar(w.tenant).await?;
    ensure!(!cal.has_year(2027) && cal.is_working_day(d("2027-01-01")));
    ensure!(w.app.store().calendar_days(w.tenant).await?.len() == before);
    let empty = w.app.import_calendar(&w.admin, HEADER).await.err();
    ensure!(matches!(&empty, Some(AppError::Invalid(i)) if i.errors[0].field == "text"), "{empty:?}");
    let huge = "#".repeat(qingdan_app::MAX_CALENDAR_BYTES + 1);
    ensure!(matches!(w.app.import_calendar(&w.admin, &huge).await, Err(AppError::Invalid(_))));
    Ok(())
}

async fn import_replaces(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-11-20").await?;
    // A 2027 arrangement (made up for the test): 元旦 Jan 1–3, a make-up Sunday, 春节.
    let first = format!(
        "{HEADER}# 2027\n2027-01-01,2027-01-03,holiday,元旦,,通知甲\n2027-01-10,,workday,春节,,通知甲\n\
         2027-02-05,2027-02-12,放假,春节,,通知甲\n"
    );
    let change = w.app.import_calendar(&w.admin, &first).await?;
    ensure!(change.inserted == 12 && change.updated == 0 && change.removed == 0, "{change:?}");
    let cal = w.app.calendar(w.tenant).await?;
    ensure!(cal.has_year(2027));
    let due = cal.add_working_days(d("2026-12-31"), 1);
    ensure!(due.date == d("2027-01-04") && due.confirmed, "{due:?}");
    ensure!(cal.is_working_day(d("2027-01-10")));
    // A corrected file: the make-up Sunday moved from 01-10 to 02-20, 春节 is one day shorter, a source
    // changed. The file spans 01-01..02-20, so within it what the file does not list goes.
    let second = format!(
        "{HEADER}2027-01-01,2027-01-03,holiday,元旦,,通知乙\n2027-02-05,2027-02-11,holiday,春节,,通知甲\n\
         2027-02-20,,workday,春节,,通知乙\n"
    );
    let change = w.app.import_calendar(&w.admin, &second).await?;
    ensure!(change.removed == 2 && change.updated == 3 && change.unchanged == 7 && change.inserted == 1, "{change:?}");
    let cal = w.app.calendar(w.tenant).await?;
    ensure!(!cal.is_working_day(d("2027-01-10")) && cal.is_working_day(d("2027-02-12")));
    ensure!(cal.is_working_day(d("2027-02-20")));
    // National 2026 days outside the span are untouched.
    ensure!(cal.is_working_day(d("2026-10-10")) && !cal.is_working_day(d("2026-10-01")));
    // Audited per day, by the admin.
    let trail = w.app.store().audit_trail(w.tenant, "calendar_day", 20270110).await?;
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    ensure!(actions == ["create", "delete"], "{actions:?}");
    ensure!(trail.iter().all(|e| e.user_id == Some(w.admin.id)));
    // The export reads back as the same calendar.
    let exported = w.app.calendar_file(&w.admin).await?;
    let again = WorkCalendar::new(WorkCalendar::parse_file(&exported).map_err(|e| anyhow::anyhow!("{e:?}"))?);
    ensure!(again.is_working_day(d("2027-02-12")) && !again.is_working_day(d("2027-02-11")));
    // The CLI's import (no signed-in admin) is audited without a user.
    let third = format!("{HEADER}2027-04-05,,holiday,清明节,,通知丙\n");
    ensure!(w.app.import_calendar_unchecked(w.tenant, &third).await?.inserted == 1);
    let trail = w.app.store().audit_trail(w.tenant, "calendar_day", 20270405).await?;
    ensure!(trail.len() == 1 && trail[0].user_id.is_none());
    Ok(())
}

async fn tenant_isolation(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-09-30").await?;
    let other_admin = w.stranger(Role::Admin).await?;
    let other = other_admin.tenant_id;
    // Both tenants start from the national file.
    ensure!(!w.app.calendar(other).await?.is_working_day(d("2026-10-01")));
    // One tenant's edits and imports stay in it.
    w.app.add_calendar_day(&other_admin, &day("2026-10-12", "holiday", "县庆", "邻县")).await?;
    w.app.import_calendar(&other_admin, &format!("{HEADER}2027-01-01,,holiday,元旦,,通知\n")).await?;
    w.app.delete_calendar_day(&other_admin, "", "2026-10-10").await?;
    let mine = w.app.calendar(w.tenant).await?;
    ensure!(mine.is_working_day(d("2026-10-12")) && mine.is_working_day(d("2026-10-10")) && !mine.has_year(2027));
    let theirs = w.app.calendar(other).await?;
    ensure!(
        !theirs.is_working_day(d("2026-10-12")) && !theirs.is_working_day(d("2026-10-10")) && theirs.has_year(2027)
    );
    // Our admin cannot reach their local day: deleting it here finds nothing.
    let reach = w.app.delete_calendar_day(&w.admin, "邻县", "2026-10-12").await;
    ensure!(matches!(reach, Err(AppError::NotFound(_))), "{reach:?}");
    ensure!(!w.app.calendar(other).await?.is_working_day(d("2026-10-12")));
    let year = w.app.calendar_days(&w.admin, 2026).await?;
    ensure!(year.days.iter().all(|x| x.region != "邻县"));
    Ok(())
}

async fn missing_years(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-09-30").await?;
    ensure!(w.app.calendar_missing_years(w.tenant).await? == [2027]);
    let year = w.app.calendar_days(&w.admin, 2026).await?;
    ensure!(year.missing_years == [2027] && year.known_years == (2020..=2026).collect::<Vec<_>>());
    w.app.import_calendar(&w.admin, &format!("{HEADER}2027-01-01,,holiday,元旦,,通知\n")).await?;
    ensure!(w.app.calendar_missing_years(w.tenant).await?.is_empty());
    let late = World::new(backend, "2031-03-01").await?;
    ensure!(late.app.calendar_missing_years(late.tenant).await? == [2031, 2032]);
    Ok(())
}
