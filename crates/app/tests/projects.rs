//! 重点项目, on both engines: the register and who sees what; half-monthly
//! reports accepted by racing reviewers add up to exactly the sum of their
//! amounts; a project's light follows its investment, dates and 前期手续; an
//! overdue node, a 堵点 and a meeting's decision each become one 督办 matter;
//! a 堵点 rises when overdue and closes only with its owner; the next
//! meeting's agenda opens with the last one's decisions.

use anyhow::{Context, Result, ensure};
use qingdan_app::projects::{DecisionInput, FactorInput, MeetingInput, PreworkInput, ProjectInput, ProjectReportInput};
use qingdan_app::{App, AppError, Clock, OrgInput, TransitionInput};
use qingdan_domain::project::{Coordination, DecisionState, FactorStatus, Stage};
use qingdan_domain::{Decimal, Light, OrgId, ProjectId, Role, User};
use qingdan_testkit::{Backend, World, on_both_engines};
use std::str::FromStr;

on_both_engines! {
    the_register_checks_each_field_and_each_reader_sees_only_their_projects => register;
    racing_acceptances_add_up_to_the_sum_of_the_accepted_amounts => race;
    a_review_is_of_the_revision_read_and_a_resubmission_racing_it_is_never_accepted_unread => revision;
    the_light_follows_investment_dates_and_procedures => lights;
    a_blocker_rises_when_overdue_and_closes_only_with_its_owner => blockers;
    photos_join_a_waiting_report_and_are_read_by_the_projects_readers_only => photos;
    a_hand_made_ledger_imports_exports_back_and_a_bad_row_stores_nothing => ledgers;
    the_meeting_turns_decisions_into_matters_and_the_next_agenda_opens_with_them => meetings;
    owners_are_reminded_of_each_half_months_report_once_and_not_after_reporting => reminders;
    the_light_sweep_racing_reports_and_procedures_leaves_each_light_as_recomputed => sweep_race;
    the_bulletin_names_every_red_project_not_the_maps_first_few => bulletin_reds;
    an_owners_home_lists_the_half_months_owed_and_returned => owner_home;
    only_real_images_are_taken_as_photos_and_served_as_images => photo_kinds;
    an_older_period_accepted_late_leaves_the_newest_progress_text => older_period;
    a_milestone_reached_in_the_current_half_month_is_dated_the_review_day => milestone_today;
    meetings_follow_one_another_by_date_and_no_open_decision_drops_off_the_agenda => meeting_order;
    an_escalated_blocker_keeps_its_agreed_deadline_on_working_days_and_a_solved_one_waits => escalation;
}

struct City {
    w: World,
    east: OrgId,
    steel: OrgId,
    land: OrgId,
    /// The owner's reporter.
    owner: User,
    /// A reporter of the east district.
    district: User,
    /// A reporter of an org with nothing to do with the project.
    outsider: User,
    /// The land bureau's reporter (solves 用地 blockers).
    lander: User,
}

async fn city(backend: Backend, today: &str) -> Result<City> {
    let w = World::new(backend, today).await?;
    let east = w
        .app
        .create_org(
            &w.admin,
            &OrgInput { name: "东城区".into(), kind: "district".into(), parent_id: None, sort_order: None },
        )
        .await?
        .id;
    let steel = w.org("东城特钢有限公司").await?;
    let land = w.org("市自然资源局").await?;
    let other = w.org("市文旅局").await?;
    Ok(City {
        owner: w.user("tg.li", Role::Reporter, steel).await?,
        district: w.user("dc.wang", Role::Reporter, east).await?,
        outsider: w.user("wl.zhao", Role::Reporter, other).await?,
        lander: w.user("zr.sun", Role::Reporter, land).await?,
        w,
        east,
        steel,
        land,
    })
}

fn project_input(c: &City, name: &str) -> ProjectInput {
    ProjectInput {
        name: name.into(),
        code: "2026-330100-31-03-000001".into(),
        nature: "新建".into(),
        category: "产业".into(),
        industry: "高端装备".into(),
        county_org_id: c.east.0.to_string(),
        owner_org_id: c.steel.0.to_string(),
        total_investment: "120000".into(),
        year: "2026".into(),
        year_plan: "40000".into(),
        base_total: "10000".into(),
        base_year: "2000".into(),
        planned_start: "2026-02-01".into(),
        actual_start: "2026-02-20".into(),
        planned_completion: "2027-12-31".into(),
        stage: "在建".into(),
        level: "市重点".into(),
        progress_text: "主厂房基础施工".into(),
        ..ProjectInput::default()
    }
}

fn invalid_fields(e: &AppError) -> Vec<String> {
    match e {
        AppError::Invalid(invalid) => invalid.errors.iter().map(|e| e.field.clone()).collect(),
        _ => Vec::new(),
    }
}

async fn register(backend: Backend) -> Result<()> {
    let c = city(backend, "2026-07-01").await?;
    let app = &c.w.app;
    let office = &c.w.supervisor;
    let bad = ProjectInput {
        total_investment: "十二亿".into(),
        stage: "施工中".into(),
        county_org_id: c.steel.0.to_string(),
        planned_completion: "2025-01-01".into(),
        ..project_input(&c, "")
    };
    let e = app.create_project(office, &bad).await.err().ok_or_else(|| anyhow::anyhow!("bad input accepted"))?;
    let fields = invalid_fields(&e);
    for field in ["name", "total_investment", "stage", "county_org_id", "planned_completion"] {
        ensure!(fields.iter().any(|f| f == field), "{field} not named in {fields:?}");
    }
    ensure!(matches!(app.create_project(&c.owner, &project_input(&c, "特钢技改")).await, Err(AppError::Forbidden)));
    let id = app.create_project(office, &project_input(&c, "特钢技改")).await?;
    let again = app.create_project(office, &project_input(&c, "特钢技改")).await;
    ensure!(again.as_ref().err().map(invalid_fields) == Some(vec!["name".to_owned()]), "{again:?}");
    for reader in [office, &c.owner, &c.district] {
        let p = app.project(reader, id).await?;
        ensure!(p.done_total == Decimal::from(10_000) && p.done_year == Decimal::from(2_000), "{p:?}");
        let list = app.project_list(reader, &Default::default()).await?;
        ensure!(list.total == 1 && list.projects[0].id == id, "{} sees {}", reader.username, list.total);
    }
    ensure!(matches!(app.project(&c.outsider, id).await, Err(AppError::Forbidden)));
    ensure!(app.project_list(&c.outsider, &Default::default()).await?.total == 0);
    for admin in [&c.w.admin, &c.w.security, &c.w.auditor] {
        ensure!(matches!(app.project(admin, id).await, Err(AppError::Forbidden)), "{}", admin.username);
    }
    let stranger = c.w.stranger(Role::Supervisor).await?;
    ensure!(matches!(app.project(&stranger, id).await, Err(AppError::NotFound(_))));
    ensure!(app.project_list(&stranger, &Default::default()).await?.total == 0);
    let edit = ProjectInput { year_plan: "50000".into(), ..project_input(&c, "特钢技改（一期）") };
    ensure!(matches!(app.update_project(&c.owner, id, &edit).await, Err(AppError::Forbidden)));
    app.update_project(office, id, &edit).await?;
    let p = app.project(office, id).await?;
    ensure!(p.fields.name == "特钢技改（一期）" && p.fields.year_plan == Decimal::from(50_000));
    Ok(())
}

fn report(period: &str, amount: &str) -> ProjectReportInput {
    ProjectReportInput {
        period: period.into(),
        amount: amount.into(),
        progress_text: "钢结构吊装".into(),
        workforce: "120".into(),
        ..ProjectReportInput::default()
    }
}

async fn race(backend: Backend) -> Result<()> {
    let c = city(backend, "2026-12-20").await?;
    let app = &c.w.app;
    let office = &c.w.supervisor;
    let id = app.create_project(office, &project_input(&c, "特钢技改")).await?;
    ensure!(matches!(
        app.submit_project_report(&c.district, id, &report("2026-01-05", "1")).await,
        Err(AppError::Forbidden)
    ));
    let bad = app.submit_project_report(&c.owner, id, &report("2027-01-05", "-5")).await;
    let fields = bad.as_ref().err().map(invalid_fields).unwrap_or_default();
    ensure!(fields.contains(&"period".to_owned()) && fields.contains(&"amount".to_owned()), "{bad:?}");
    // A half-month of 2025 is not the 2026 project's: its registered 累计 holds it.
    let last_year = app.submit_project_report(&c.owner, id, &report("2025-12-20", "500")).await;
    let fields = last_year.as_ref().err().map(invalid_fields).unwrap_or_default();
    ensure!(fields == ["period"], "{last_year:?}");
    // 24 half-months of 2026 (1,000.25 each).
    let mut reports = Vec::new();
    for month in 1..=12 {
        for day in [3, 18] {
            let period = format!("2026-{month:02}-{day:02}");
            reports.push(app.submit_project_report(&c.owner, id, &report(&period, "1000.25")).await?);
        }
    }
    let second = c.w.user("office2", Role::Supervisor, office.org_id).await?;
    let mut racers = Vec::new();
    for (i, report) in reports.iter().copied().enumerate() {
        let app = app.clone();
        let reviewer = if i % 2 == 0 { office.clone() } else { second.clone() };
        racers.push(tokio::spawn(async move { app.review_project_report(&reviewer, report, None, true, "").await }));
    }
    for racer in racers {
        racer.await??;
    }
    let p = app.project(office, id).await?;
    // Recomputed from the stored reports, independently of the project's figures.
    let stored = app.store().project_reports(c.w.tenant, id).await?;
    ensure!(stored.len() == 24 && stored.iter().all(|r| r.status.code() == "accepted"));
    let sum: Decimal = stored.iter().map(|r| r.amount).sum();
    ensure!(sum == Decimal::from_str("24006")?, "{sum}");
    ensure!(p.done_total == Decimal::from(10_000) + sum, "累计 {} ≠ {}", p.done_total, Decimal::from(10_000) + sum);
    ensure!(p.done_year == Decimal::from(2_000) + Decimal::from_str("24006")?, "本年 {}", p.done_year);
    let again = app.submit_project_report(&c.owner, id, &report("2026-03-03", "9")).await;
    ensure!(matches!(again, Err(AppError::Conflict(_))), "an accepted period is closed: {again:?}");
    ensure!(matches!(
        app.review_project_report(office, reports[0], None, false, "重复").await,
        Err(AppError::Conflict(_))
    ));
    Ok(())
}

async fn revision(backend: Backend) -> Result<()> {
    let c = city(backend, "2026-12-20").await?;
    let app = &c.w.app;
    let office = &c.w.supervisor;
    let id = app.create_project(office, &project_input(&c, "特钢技改")).await?;
    let stored = |r| async move { app.store().project_report(c.w.tenant, r).await?.context("stored") };
    let r = app.submit_project_report(&c.owner, id, &report("2026-06-16", "100")).await?;
    let read = stored(r).await?;
    ensure!(read.revision == 1, "{read:?}");
    ensure!(app.submit_project_report(&c.owner, id, &report("2026-06-16", "300")).await? == r);
    let refused = app.review_project_report(office, r, Some(read.revision), true, "").await;
    ensure!(matches!(&refused, Err(AppError::Conflict(m)) if m.contains("重新报送")), "{refused:?}");
    let waiting = stored(r).await?;
    ensure!(waiting.status.code() == "submitted" && waiting.revision == 2 && waiting.amount == Decimal::from(300));
    ensure!(app.project(office, id).await?.done_total == Decimal::from(10_000), "nothing added by the refusal");
    // Returned with a note, then sent again: the waiting report carries no
    // note of a review it has not had; the trail keeps the return's.
    app.review_project_report(office, r, Some(2), false, "金额与台账不符").await?;
    ensure!(stored(r).await?.review_note == "金额与台账不符");
    ensure!(app.submit_project_report(&c.owner, id, &report("2026-06-16", "300")).await? == r);
    let again = stored(r).await?;
    ensure!(again.status.code() == "submitted" && again.review_note.is_empty(), "{again:?}");
    let trail = app.store().audit_trail(c.w.tenant, "project_report", r.0).await?;
    ensure!(trail.iter().any(|e| e.after.as_deref().is_some_and(|a| a.contains("金额与台账不符"))), "{trail:?}");
    app.review_project_report(office, r, Some(3), true, "").await?;
    ensure!(app.project(office, id).await?.done_total == Decimal::from(10_300));
    // Reviews racing resubmissions: whatever wins, an accepted report is the
    // revision the office read, and the project adds exactly what was accepted.
    let mut raced = Vec::new();
    for month in 1..=10 {
        let period = format!("2026-{month:02}-03");
        let r = app.submit_project_report(&c.owner, id, &report(&period, "10")).await?;
        let (app1, app2, owner, office) = (app.clone(), app.clone(), c.owner.clone(), office.clone());
        let resubmit =
            tokio::spawn(async move { app1.submit_project_report(&owner, id, &report(&period, "20")).await });
        let review = tokio::spawn(async move { app2.review_project_report(&office, r, Some(1), true, "").await });
        let (resubmitted, reviewed) = (resubmit.await?, review.await?);
        let now = stored(r).await?;
        match (&resubmitted, &reviewed) {
            (Err(AppError::Conflict(_)), Ok(_)) => {
                ensure!(now.status.code() == "accepted" && now.revision == 1 && now.amount == Decimal::from(10))
            }
            (Ok(_), Err(AppError::Conflict(_))) => {
                ensure!(now.status.code() == "submitted" && now.revision == 2 && now.amount == Decimal::from(20))
            }
            other => anyhow::bail!("month {month}: {other:?}"),
        }
        raced.push(r);
    }
    let accepted: Decimal = app
        .store()
        .project_reports(c.w.tenant, id)
        .await?
        .iter()
        .filter(|r| r.status.code() == "accepted")
        .map(|r| r.amount)
        .sum();
    ensure!(app.project(office, id).await?.done_total == Decimal::from(10_000) + accepted, "{accepted}");
    Ok(())
}

async fn lights(backend: Backend) -> Result<()> {
    let c = city(backend, "2026-07-01").await?;
    let app = &c.w.app;
    let office = &c.w.supervisor;
    // 2,000 of 40,000 planned on 07-01 (time 49): 5%, 44 points behind → red.
    let id = app.create_project(office, &project_input(&c, "特钢技改")).await?;
    let p = app.project(office, id).await?;
    ensure!(p.light == Light::Red && p.rate == 5 && p.gap == 44, "{p:?}");
    let r = app.submit_project_report(&c.owner, id, &report("2026-06-16", "18000")).await?;
    app.review_project_report(office, r, None, true, "").await?;
    let p = app.project(office, id).await?;
    ensure!(p.light == Light::Green && p.rate == 50 && p.reasons.is_empty(), "{p:?}");
    let node = PreworkInput { name: "环评".into(), org_id: c.land.0.to_string(), deadline: "2026-06-30".into() };
    ensure!(matches!(app.project(&c.lander, id).await, Err(AppError::Forbidden)), "not yet the land bureau's");
    let node = app.add_prework(office, id, &node).await?;
    ensure!(app.project(&c.lander, id).await.is_ok(), "the org handling a 前期手续 reads its project");
    ensure!(app.project_list(&c.lander, &Default::default()).await?.total == 1);
    let p = app.project(office, id).await?;
    ensure!(p.light == Light::Red && p.reasons == "前期手续逾期1项", "{p:?}");
    // The project's 包联领导 is the matter's 责任领导.
    let leader = c.w.user("fushizhang.li", Role::Leader, c.w.supervisor.org_id).await?;
    let fields = app.project(office, id).await?.fields;
    let with_leader = ProjectInput { liaison_leader_id: leader.id.0.to_string(), ..ProjectInput::from_fields(&fields) };
    app.update_project(office, id, &with_leader).await?;
    let matter = app.assign_prework(office, node).await?;
    let detail = app.assignment_detail(office, matter).await?;
    ensure!(detail.assignment.lead_org_id == c.land && detail.assignment.title.contains("环评逾期"));
    ensure!(detail.assignment.leader_id == Some(leader.id), "{:?}", detail.assignment.leader_id);
    ensure!(matches!(app.assign_prework(office, node).await, Err(AppError::Conflict(_))), "one matter per node");
    // A node not yet due is pressed on without being called overdue.
    let early = PreworkInput { name: "能评".into(), org_id: c.land.0.to_string(), deadline: "2026-09-30".into() };
    let early = app.add_prework(office, id, &early).await?;
    let pressed = app.assignment_detail(office, app.assign_prework(office, early).await?).await?.assignment;
    ensure!(!pressed.title.contains("逾期") && !pressed.text.contains("逾期"), "{} / {}", pressed.title, pressed.text);
    app.set_prework_done(&c.lander, early, true).await?;
    ensure!(matches!(app.set_prework_done(&c.outsider, node, true).await, Err(AppError::Forbidden)));
    app.set_prework_done(&c.lander, node, true).await?;
    ensure!(app.project(office, id).await?.light == Light::Green);
    // The daily refresh: on 2026-12-01 the same figures are far behind.
    let later = App::open(&c.w.db.url, Clock::fixed_on("2026-12-01".parse()?)).await?;
    ensure!(later.refresh_project_lights().await? == 1);
    let p = later.project(office, id).await?;
    ensure!(p.light == Light::Red && p.gap == 91 - 50, "{p:?}");
    Ok(())
}

/// Two months on, the hourly light sweep runs twice while each of four red
/// projects has a large report accepted and its overdue 前期手续 marked done.
/// Afterwards a quiet recomputation of every light changes nothing: no light
/// was stored from figures read before another write committed.
async fn sweep_race(backend: Backend) -> Result<()> {
    let c = city(backend, "2026-07-01").await?;
    let office = &c.w.supervisor;
    let mut work = Vec::new();
    for name in ["特钢技改", "港区物流园", "城东污水厂", "数据中心"] {
        let id = c.w.app.create_project(office, &project_input(&c, name)).await?;
        let node = PreworkInput { name: "环评".into(), org_id: c.land.0.to_string(), deadline: "2026-06-30".into() };
        work.push((id, c.w.app.add_prework(office, id, &node).await?));
    }
    let later = App::open(&c.w.db.url, Clock::fixed_on("2026-09-01".parse()?)).await?;
    let mut racing = tokio::task::JoinSet::new();
    for (id, node) in work {
        let report = later.submit_project_report(&c.owner, id, &report("2026-08-03", "18000")).await?;
        let (app, office) = (later.clone(), office.clone());
        racing.spawn(async move { app.review_project_report(&office, report, None, true, "").await.map(|_| ()) });
        let (app, lander) = (later.clone(), c.lander.clone());
        racing.spawn(async move { app.set_prework_done(&lander, node, true).await.map(|_| ()) });
    }
    for _ in 0..2 {
        let app = later.clone();
        racing.spawn(async move { app.refresh_project_lights().await.map(|_| ()) });
    }
    while let Some(done) = racing.join_next().await {
        done??;
    }
    ensure!(later.refresh_project_lights().await? == 0, "a light stored from stale figures");
    Ok(())
}

async fn blockers(backend: Backend) -> Result<()> {
    let c = city(backend, "2026-07-01").await?;
    let app = &c.w.app;
    let office = &c.w.supervisor;
    let id = app.create_project(office, &project_input(&c, "特钢技改")).await?;
    let input = FactorInput {
        kind: "用地".into(),
        description: "二期用地指标未落实".into(),
        org_id: c.land.0.to_string(),
        deadline: "2026-07-10".into(),
        level: String::new(),
    };
    ensure!(matches!(app.raise_factor_issue(&c.outsider, id, &input).await, Err(AppError::Forbidden)));
    let issue = app.raise_factor_issue(&c.owner, id, &input).await?;
    let inbox = app.inbox(&c.lander, false).await?;
    ensure!(inbox.iter().any(|m| m.title.contains("特钢技改")), "the solving org is told: {inbox:?}");
    ensure!(matches!(app.step_factor_issue(&c.owner, issue, "solve", "已解决").await, Err(AppError::Forbidden)));
    ensure!(matches!(app.step_factor_issue(&c.owner, issue, "confirm", "").await, Err(AppError::Conflict(_))));
    let later = App::open(&c.w.db.url, Clock::fixed_on("2026-07-15".parse()?)).await?;
    ensure!(later.escalate_factor_issues().await? == 1);
    ensure!(later.escalate_factor_issues().await? == 0, "once per deadline passed");
    let f = later.store().factor_issue(c.w.tenant, issue).await?.ok_or_else(|| anyhow::anyhow!("gone"))?;
    // Wednesday 07-15 and ten working days.
    ensure!(f.level == Coordination::CityLeader && f.deadline == "2026-07-29".parse()?, "{f:?}");
    ensure!(f.agreed_deadline == Some("2026-07-10".parse()?), "{f:?}");
    later.step_factor_issue(&c.lander, issue, "solve", "已调剂用地指标120亩").await?;
    ensure!(matches!(later.step_factor_issue(&c.lander, issue, "confirm", "").await, Err(AppError::Forbidden)));
    later.step_factor_issue(&c.owner, issue, "confirm", "指标已到位").await?;
    let f = later.store().factor_issue(c.w.tenant, issue).await?.ok_or_else(|| anyhow::anyhow!("gone"))?;
    ensure!(f.status == FactorStatus::Closed && f.solved_note.contains("120亩"), "{f:?}");
    Ok(())
}

async fn meetings(backend: Backend) -> Result<()> {
    let c = city(backend, "2026-07-01").await?;
    let app = &c.w.app;
    let office = &c.w.supervisor;
    let behind = app.create_project(office, &project_input(&c, "特钢技改")).await?;
    let late = ProjectInput {
        stage: "签约".into(),
        actual_start: String::new(),
        planned_start: "2026-05-01".into(),
        year_plan: "1000".into(),
        base_year: "600".into(),
        base_total: "600".into(),
        ..project_input(&c, "东城物流园")
    };
    let late = app.create_project(office, &late).await?;
    let agenda = app.dispatch_agenda(office).await?;
    ensure!(agenda.previous_number.is_none() && agenda.previous.is_empty());
    ensure!(agenda.lagging.iter().map(|i| i.project_id).collect::<Vec<_>>() == [behind.0], "{:?}", agenda.lagging);
    ensure!(agenda.stalled.iter().map(|i| i.project_id).collect::<Vec<_>>() == [late.0], "{:?}", agenda.stalled);
    ensure!(matches!(app.dispatch_agenda(&c.owner).await, Err(AppError::Forbidden)));
    let input = MeetingInput {
        title: "全市重点项目第一次调度会".into(),
        held_on: "2026-07-01".into(),
        ..MeetingInput::default()
    };
    let first = app.create_meeting(office, &input).await?;
    let decide = |project: ProjectId, content: &str, deadline: &str| DecisionInput {
        project_id: project.0.to_string(),
        content: content.into(),
        lead_org_id: c.land.0.to_string(),
        deadline: deadline.into(),
    };
    let missing = DecisionInput { lead_org_id: String::new(), ..decide(late, "", "明天") };
    let fields = app.add_decision(office, first, &missing).await.err().map(|e| invalid_fields(&e)).unwrap_or_default();
    ensure!(fields == ["content", "lead_org_id", "deadline"], "{fields:?}");
    // Agreed on 07-01, it cannot have been due before.
    let before = app.add_decision(office, first, &decide(late, "完成物流园用地报批", "2026-06-30")).await;
    let Err(AppError::Invalid(invalid)) = before else { anyhow::bail!("a deadline before the meeting: {before:?}") };
    ensure!(invalid.errors.iter().any(|e| e.message == "完成时限2026-06-30早于会议日期2026-07-01"), "{invalid:?}");
    app.add_decision(office, first, &decide(late, "7月15日前完成物流园用地报批", "2026-07-15")).await?;
    app.add_decision(office, first, &decide(behind, "协调特钢技改电力增容", "2026-07-20")).await?;
    ensure!(app.assign_all_decisions(office, first).await? == 2);
    ensure!(app.assign_all_decisions(office, first).await? == 0, "each decision becomes one matter");
    let detail = app.meeting_detail(office, first).await?;
    ensure!(detail.meeting.number == 1 && detail.decisions.iter().all(|d| d.assignment_id.is_some()));
    ensure!(detail.agenda.lagging.len() == 1, "the agenda is kept with the meeting");
    let minutes = app.meeting_minutes(office, first).await?;
    let text = qingdan_office::docx_text(&minutes.bytes)?;
    ensure!(
        text.contains("协调特钢技改电力增容") && text.contains("市自然资源局") && text.contains("2026年7月20日"),
        "{text}"
    );
    ensure!(matches!(app.meeting_minutes(&c.owner, first).await, Err(AppError::Forbidden)));
    // The next meeting's agenda opens with these two decisions and their state.
    let later = App::open(&c.w.db.url, Clock::fixed_on("2026-07-16".parse()?)).await?;
    let next = later.dispatch_agenda(office).await?;
    ensure!(next.previous_number == Some(1));
    let states: Vec<(&str, DecisionState)> = next.previous.iter().map(|d| (d.content.as_str(), d.state)).collect();
    ensure!(
        states
            == [
                ("7月15日前完成物流园用地报批", DecisionState::Overdue),
                ("协调特钢技改电力增容", DecisionState::InProgress)
            ],
        "{states:?}"
    );
    let second = later.create_meeting(office, &MeetingInput { title: "第二次调度会".into(), ..input }).await?;
    ensure!(later.meeting_detail(office, second).await?.meeting.number == 2);
    ensure!(matches!(later.meetings(&c.owner).await, Err(AppError::Forbidden)));
    Ok(())
}

/// Runs a matter made from a decision or a 堵点 to 办结 (the lead org's
/// reporter through 13710, the office accepting).
async fn close_matter(app: &App, lead: &User, office: &User, id: qingdan_domain::AssignmentId) -> Result<()> {
    let step = |action: &str, note: &str| TransitionInput {
        action: action.into(),
        note: note.into(),
        ..TransitionInput::default()
    };
    for (action, note) in [("sign_for", ""), ("deploy", "已部署"), ("feedback", "已落实"), ("request_close", "已办结")]
    {
        app.transition_assignment(lead, id, &step(action, note)).await?;
    }
    let accept = TransitionInput { grade: "good".into(), ..step("accept_close", "办理及时") };
    app.transition_assignment(office, id, &accept).await?;
    Ok(())
}

/// Meetings are numbered and follow one another in the order held: one dated
/// before the latest is refused, one held before today is recorded as 补录
/// without an agenda made of today's figures, and the agenda of the next
/// meeting lists the latest meeting's decisions and every earlier decision not
/// yet done — none drops off because another meeting was recorded.
async fn meeting_order(backend: Backend) -> Result<()> {
    let c = city(backend, "2026-07-01").await?;
    let office = &c.w.supervisor;
    let project = c.w.app.create_project(office, &project_input(&c, "特钢技改")).await?;
    let decide = |content: &str, deadline: &str| DecisionInput {
        project_id: project.0.to_string(),
        content: content.into(),
        lead_org_id: c.land.0.to_string(),
        deadline: deadline.into(),
    };
    let meeting = |title: &str, held_on: &str| MeetingInput {
        title: title.into(),
        held_on: held_on.into(),
        ..MeetingInput::default()
    };
    let app = &c.w.app;
    let first = app.create_meeting(office, &meeting("第一次调度会", "2026-07-01")).await?;
    let done = app.add_decision(office, first, &decide("完成用地报批", "2026-07-10")).await?;
    app.add_decision(office, first, &decide("协调电力增容", "2026-07-31")).await?;
    let matter = app.assign_decision(office, done).await?;
    close_matter(app, &c.lander, office, matter).await?;

    let july16 = App::open(&c.w.db.url, Clock::fixed_on("2026-07-16".parse()?)).await?;
    let second = july16.create_meeting(office, &meeting("第二次调度会", "2026-07-16")).await?;
    july16.add_decision(office, second, &decide("落实配套道路资金", "2026-07-25")).await?;

    // 07-20: a meeting dated before the latest (07-16) is refused, by its field.
    let july20 = App::open(&c.w.db.url, Clock::fixed_on("2026-07-20".parse()?)).await?;
    let early = july20.create_meeting(office, &meeting("漏登的调度会", "2026-07-10")).await;
    ensure!(matches!(&early, Err(e) if invalid_fields(e) == ["held_on"]), "{early:?}");
    let Err(AppError::Invalid(invalid)) = early else { anyhow::bail!("not refused") };
    let message = invalid.errors.first().map(|e| e.message.clone()).unwrap_or_default();
    ensure!(message.contains("早于已登记的第2次调度会（2026-07-16）"), "{message}");
    ensure!(july20.meetings(office).await?.len() == 2, "nothing was recorded");
    // Nor one dated ahead: it would take a number before the meetings held until then.
    let ahead = july20.create_meeting(office, &meeting("下周的调度会", "2026-07-27")).await;
    let Err(AppError::Invalid(invalid)) = ahead else { anyhow::bail!("a meeting ahead was recorded: {ahead:?}") };
    ensure!(invalid.errors.iter().any(|e| e.field == "held_on" && e.message.contains("晚于今天")), "{invalid:?}");
    ensure!(july20.meetings(office).await?.len() == 2, "nothing was recorded");

    // One held on 07-18, recorded on 07-20: 补录, no agenda.
    let late = july20.create_meeting(office, &meeting("第三次调度会", "2026-07-18")).await?;
    let detail = july20.meeting_detail(office, late).await?;
    ensure!(detail.meeting.number == 3 && detail.agenda.backfilled, "{:?}", detail.agenda);
    ensure!(
        detail.agenda.generated_on.is_none() && detail.agenda.previous.is_empty() && detail.agenda.lagging.is_empty()
    );
    let minutes = qingdan_office::docx_text(&july20.meeting_minutes(office, late).await?.bytes)?;
    ensure!(!minutes.contains("上次会议议定事项"), "{minutes}");
    let order: Vec<i64> = july20.meetings(office).await?.iter().map(|m| m.number).collect();
    ensure!(order == [3, 2, 1], "{order:?}");

    // The next agenda follows the 补录 meeting and still carries the open
    // decisions of meetings 2 and 1; meeting 1's closed one is gone.
    let agenda = july20.dispatch_agenda(office).await?;
    ensure!(agenda.previous_number == Some(3) && agenda.has_carried());
    let lines: Vec<(&str, Option<i64>, DecisionState)> =
        agenda.previous.iter().map(|d| (d.content.as_str(), d.carried_from, d.state)).collect();
    ensure!(
        lines
            == [
                ("协调电力增容", Some(1), DecisionState::Unassigned),
                ("落实配套道路资金", Some(2), DecisionState::Unassigned),
            ],
        "{lines:?}"
    );
    // Called on 07-20 after it, meeting 4 keeps that agenda; its 纪要 says so.
    let fourth = july20.create_meeting(office, &meeting("第四次调度会", "2026-07-20")).await?;
    let minutes = qingdan_office::docx_text(&july20.meeting_minutes(office, fourth).await?.bytes)?;
    ensure!(
        minutes.contains(
            "上次会议议定事项0项、此前会议议定尚未办结事项2项，共2项，已办结0项、办理中0项、已逾期0项、未转督办2项，具体如下："
        ),
        "{minutes}"
    );
    ensure!(minutes.contains("（第2次会议）落实配套道路资金"), "{minutes}");
    Ok(())
}

/// The daily sweep raises an open overdue 堵点 one level with a deadline ten
/// working days on, on the tenant's calendar (the National Day holiday not
/// counted), keeps the agreed deadline as 原定解决时限 through a second rise,
/// and leaves a solved one (waiting for its owner's 销号) alone.
async fn escalation(backend: Backend) -> Result<()> {
    let c = city(backend, "2026-09-01").await?;
    let app = &c.w.app;
    let office = &c.w.supervisor;
    let id = app.create_project(office, &project_input(&c, "特钢技改")).await?;
    let raise = |description: &str| FactorInput {
        kind: "用地".into(),
        description: description.into(),
        org_id: c.land.0.to_string(),
        deadline: "2026-09-24".into(),
        level: String::new(),
    };
    let open = app.raise_factor_issue(&c.owner, id, &raise("二期用地指标未落实")).await?;
    let solved = app.raise_factor_issue(&c.owner, id, &raise("临时用地审批")).await?;
    app.step_factor_issue(&c.lander, solved, "solve", "临时用地已批复").await?;

    // Tuesday 09-29: ten working days skip 10-01..10-07 and count Saturday 10-10.
    let sept29 = App::open(&c.w.db.url, Clock::fixed_on("2026-09-29".parse()?)).await?;
    ensure!(sept29.escalate_factor_issues().await? == 1);
    let tenant = c.w.tenant;
    let issue = |app: App, id| async move {
        app.store().factor_issue(tenant, id).await?.ok_or_else(|| anyhow::anyhow!("gone"))
    };
    let f = issue(sept29.clone(), open).await?;
    ensure!(f.level == Coordination::CityLeader && f.deadline == "2026-10-19".parse()?, "{f:?}");
    ensure!(f.agreed_deadline == Some("2026-09-24".parse()?), "{f:?}");
    let s = issue(sept29.clone(), solved).await?;
    ensure!(s.level == Coordination::County && s.deadline == "2026-09-24".parse()?, "a solved blocker waits: {s:?}");
    ensure!(s.agreed_deadline.is_none() && s.status == FactorStatus::Solved, "{s:?}");

    // Tuesday 10-20: it rises again; the agreed deadline stays the first one.
    let oct20 = App::open(&c.w.db.url, Clock::fixed_on("2026-10-20".parse()?)).await?;
    ensure!(oct20.escalate_factor_issues().await? == 1);
    let f = issue(oct20.clone(), open).await?;
    ensure!(f.level == Coordination::Meeting && f.deadline == "2026-11-03".parse()?, "{f:?}");
    ensure!(f.agreed_deadline == Some("2026-09-24".parse()?), "{f:?}");
    let agenda = oct20.dispatch_agenda(office).await?;
    let said: Vec<&str> = agenda.blockers.iter().map(|b| b.what.as_str()).collect();
    ensure!(
        said.iter().any(|w| w.contains("二期用地指标未落实") && w.contains("原定解决时限2026-09-24，提级协调后时限2026-11-03")),
        "{said:?}"
    );
    let matter = oct20.assign_factor_issue(office, open).await?;
    let text = oct20.assignment(office, matter).await?.text;
    ensure!(text.contains("原定解决时限2026-09-24，提级协调后时限2026-11-03"), "{text}");
    Ok(())
}

async fn photos(backend: Backend) -> Result<()> {
    let c = city(backend, "2026-07-01").await?;
    let app = &c.w.app;
    let office = &c.w.supervisor;
    let id = app.create_project(office, &project_input(&c, "特钢技改")).await?;
    let report = app.submit_project_report(&c.owner, id, &report("2026-06-16", "100")).await?;
    let photo = qingdan_app::Upload {
        name: "C:\\现场\\主厂房.jpg".into(),
        content_type: "image/jpeg".into(),
        content: vec![0xFF, 0xD8, 0xFF, 1, 2, 3],
    };
    ensure!(matches!(
        app.add_project_photos(&c.district, report, std::slice::from_ref(&photo)).await,
        Err(AppError::Forbidden)
    ));
    let empty = qingdan_app::Upload { name: "空.jpg".into(), content_type: "image/jpeg".into(), content: Vec::new() };
    ensure!(
        app.add_project_photos(&c.owner, report, &[empty]).await.err().map(|e| invalid_fields(&e))
            == Some(vec!["file".to_owned()])
    );
    app.add_project_photos(&c.owner, report, std::slice::from_ref(&photo)).await?;
    let photos = app.project_photos(&c.district, id).await?;
    ensure!(photos.len() == 1 && photos[0].name == "主厂房.jpg" && photos[0].size == 6, "{photos:?}");
    let (_, bytes) = app.project_photo(office, report, photos[0].id).await?;
    ensure!(bytes == photo.content);
    ensure!(matches!(app.project_photo(&c.outsider, report, photos[0].id).await, Err(AppError::Forbidden)));
    app.review_project_report(office, report, None, true, "").await?;
    let late = app.add_project_photos(&c.owner, report, std::slice::from_ref(&photo)).await;
    ensure!(matches!(late, Err(AppError::Conflict(_))), "an accepted report takes no more photos: {late:?}");
    Ok(())
}

/// A photo is judged by its bytes: a text file named .png and an HTML page
/// are refused by name and nothing is stored; a PNG sent as text/html is
/// kept and served as image/png.
async fn photo_kinds(backend: Backend) -> Result<()> {
    let c = city(backend, "2026-07-01").await?;
    let app = &c.w.app;
    let office = &c.w.supervisor;
    let id = app.create_project(office, &project_input(&c, "特钢技改")).await?;
    let report = app.submit_project_report(&c.owner, id, &report("2026-06-16", "100")).await?;
    let upload = |name: &str, content_type: &str, content: &[u8]| qingdan_app::Upload {
        name: name.into(),
        content_type: content_type.into(),
        content: content.to_vec(),
    };
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let fake = upload("fake.png", "image/png", b"just some text");
    let page = upload("现场.html", "text/html", b"<html><script>alert(1)</script></html>");
    for bad in [fake, page] {
        let refused =
            app.add_project_photos(&c.owner, report, &[upload("好.png", "image/png", png), bad.clone()]).await;
        let Err(AppError::Invalid(invalid)) = &refused else { anyhow::bail!("{} accepted: {refused:?}", bad.name) };
        let message = &invalid.errors[0].message;
        ensure!(message.contains(&format!("“{}”不是图片文件", bad.name)), "{message}");
    }
    ensure!(app.project_photos(office, id).await?.is_empty(), "nothing of a refused upload is kept");
    app.add_project_photos(&c.owner, report, &[upload("夜景.png", "text/html", png)]).await?;
    let webp = b"RIFF\x10\0\0\0WEBPVP8 ";
    app.add_project_photos(&c.owner, report, &[upload("航拍", "", webp)]).await?;
    let photos = app.project_photos(office, id).await?;
    ensure!(photos.len() == 2, "{photos:?}");
    let (png_photo, _) = app.project_photo(office, report, photos[0].id).await?;
    ensure!(png_photo.content_type == "image/png", "{png_photo:?}");
    let (webp_photo, _) = app.project_photo(office, report, photos[1].id).await?;
    ensure!(webp_photo.content_type == "image/webp", "{webp_photo:?}");
    Ok(())
}

/// The June 1st half-month accepted after the June 16th one adds its amount
/// to 累计 but leaves the newer 形象进度 as the project's.
async fn older_period(backend: Backend) -> Result<()> {
    let c = city(backend, "2026-07-01").await?;
    let app = &c.w.app;
    let office = &c.w.supervisor;
    let id = app.create_project(office, &project_input(&c, "特钢技改")).await?;
    let newer = ProjectReportInput { progress_text: "主体封顶".into(), ..report("2026-06-16", "300") };
    let newer = app.submit_project_report(&c.owner, id, &newer).await?;
    let older = ProjectReportInput { progress_text: "基础施工".into(), ..report("2026-06-01", "200") };
    let older = app.submit_project_report(&c.owner, id, &older).await?;
    app.review_project_report(office, newer, None, true, "").await?;
    app.review_project_report(office, older, None, true, "").await?;
    let p = app.project(office, id).await?;
    ensure!(p.fields.progress_text == "主体封顶", "形象进度 {}", p.fields.progress_text);
    ensure!(p.done_total == Decimal::from(10_500), "累计 {}", p.done_total);
    Ok(())
}

/// 竣工投产 reported for the half-month still running (December 1st–15th,
/// reviewed on the 6th) dates 实际竣工 the review day, not the 15th.
async fn milestone_today(backend: Backend) -> Result<()> {
    let c = city(backend, "2026-12-06").await?;
    let app = &c.w.app;
    let office = &c.w.supervisor;
    let id = app.create_project(office, &project_input(&c, "特钢技改")).await?;
    let done = ProjectReportInput { milestone: "竣工投产".into(), ..report("2026-12-01", "500") };
    let r = app.submit_project_report(&c.owner, id, &done).await?;
    app.review_project_report(office, r, None, true, "").await?;
    let p = app.project(office, id).await?;
    ensure!(p.fields.stage == Stage::Completed, "{:?}", p.fields.stage);
    let on = chrono::NaiveDate::from_ymd_opt(2026, 12, 6);
    ensure!(p.fields.actual_completion == on, "实际竣工 {:?}", p.fields.actual_completion);
    Ok(())
}

/// A ledger made by hand in LibreOffice (tests/fixtures/README.md).
const HAND_MADE: &[u8] = include_bytes!("fixtures/libreoffice-projects.xlsx");

async fn ledgers(backend: Backend) -> Result<()> {
    let c = city(backend, "2026-07-01").await?;
    let app = &c.w.app;
    let office = &c.w.supervisor;
    ensure!(matches!(app.import_project_ledger(&c.owner, "台账.xlsx", HAND_MADE).await, Err(AppError::Forbidden)));
    let imported = app.import_project_ledger(office, "东城区重点项目台账.xlsx", HAND_MADE).await?;
    ensure!((imported.created, imported.updated) == (3, 0), "{imported:?}");
    let all = app.project_list(office, &Default::default()).await?.projects;
    let named = |name: &str| all.iter().find(|p| p.fields.name == name).cloned();
    let park = named("东城特钢配套物流园").ok_or_else(|| anyhow::anyhow!("物流园 not imported"))?;
    ensure!(park.fields.total_investment == Decimal::from(36_500) && park.fields.stage == Stage::Signed);
    ensure!(park.fields.planned_start == Some("2026-09-01".parse()?) && park.fields.owner_org_id == c.steel);
    let steel = named("东城特钢技改一期").ok_or_else(|| anyhow::anyhow!("技改 not imported"))?;
    ensure!(
        steel.fields.actual_start == Some("2026-02-20".parse()?),
        "a date in words: {:?}",
        steel.fields.actual_start
    );
    ensure!(
        steel.fields.planned_completion == Some("2027-12-31".parse()?) && steel.done_total == Decimal::from(10_000)
    );
    let homes = named("东城区老旧小区改造").ok_or_else(|| anyhow::anyhow!("小区 not imported"))?;
    ensure!(homes.fields.year_plan == Decimal::from_str("8600.5")? && homes.fields.county_org_id == Some(c.east));

    // Exported and read back: every project with its figures; imported again, each is updated.
    let report = app.submit_project_report(&c.owner, steel.id, &report("2026-06-16", "500")).await?;
    app.review_project_report(office, report, None, true, "").await?;
    let ledger = app.project_ledger(office, &Default::default()).await?;
    let table = qingdan_office::read_ledger_table(&ledger.bytes, &qingdan_office::PROJECT_COLUMNS)?;
    ensure!(table.lines.len() == 3);
    let line = table.lines.iter().find(|l| l.get(qingdan_office::project_column::NAME) == "东城特钢技改一期");
    let line = line.ok_or_else(|| anyhow::anyhow!("not exported"))?;
    ensure!(line.get(qingdan_office::project_column::DONE_TOTAL) == "10500", "{:?}", line);
    ensure!(line.get(qingdan_office::project_column::OWNER_ORG) == "东城特钢有限公司");
    let signed = ProjectInput { signed_on: "2026-05-10".into(), ..ProjectInput::from_fields(&park.fields) };
    app.update_project(office, park.id, &signed).await?;
    let again = app.import_project_ledger(office, "导出的台账.xlsx", &ledger.bytes).await?;
    ensure!((again.created, again.updated) == (0, 3), "{again:?}");
    let steel = app.project(office, steel.id).await?;
    ensure!(steel.done_total == Decimal::from(10_500), "a re-import keeps the reports: {}", steel.done_total);
    // What the ledger does not carry (签约时间), and the columns a file leaves
    // out, stay as they were.
    let kept = app.project(office, park.id).await?;
    ensure!(kept.fields.signed_on == Some("2026-05-10".parse()?), "{:?}", kept.fields.signed_on);
    // 计划年度 goes out and comes back: next year's project stays next year's.
    let next = ProjectInput { year: "2027".into(), ..ProjectInput::from_fields(&kept.fields) };
    app.update_project(office, park.id, &next).await?;
    let ledger = app.project_ledger(office, &Default::default()).await?;
    let table = qingdan_office::read_ledger_table(&ledger.bytes, &qingdan_office::PROJECT_COLUMNS)?;
    let years: Vec<&str> = table.lines.iter().map(|l| l.get(qingdan_office::project_column::YEAR)).collect();
    ensure!(years.contains(&"2027") && years.contains(&"2026"), "{years:?}");
    app.import_project_ledger(office, "含明年项目的台账.xlsx", &ledger.bytes).await?;
    ensure!(app.project(office, park.id).await?.fields.year == 2027, "a re-import keeps the project's year");
    app.update_project(office, park.id, &ProjectInput::from_fields(&kept.fields)).await?;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, text) in ["项目名称", "业主单位", "总投资（万元）"].iter().enumerate() {
        sheet.write_string(0, col as u16, *text)?;
    }
    for (col, text) in ["东城特钢技改一期", "东城特钢有限公司", "130000"].iter().enumerate() {
        sheet.write_string(1, col as u16, *text)?;
    }
    let narrow = app.import_project_ledger(office, "只改总投资.xlsx", &book.save_to_buffer()?).await?;
    ensure!((narrow.created, narrow.updated) == (0, 1), "{narrow:?}");
    let after = app.project(office, steel.id).await?;
    ensure!(after.fields.total_investment == Decimal::from(130_000), "the column given is changed");
    ensure!(
        after.fields.actual_start == steel.fields.actual_start
            && after.fields.stage == steel.fields.stage
            && after.fields.progress_text == steel.fields.progress_text
            && after.fields.county_org_id == steel.fields.county_org_id,
        "the columns left out are kept: {:?}",
        after.fields
    );
    ensure!(
        app.project_ledger(&c.outsider, &Default::default()).await.is_ok_and(|d| {
            qingdan_office::read_ledger_table(&d.bytes, &qingdan_office::PROJECT_COLUMNS)
                .is_ok_and(|t| t.lines.is_empty())
        }),
        "an outsider's ledger has none of these projects"
    );

    // A ledger with one good and one bad row stores nothing and names each bad cell.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows: [[&str; 6]; 3] = [
        ["项目名称", "业主单位", "总投资（万元）", "项目阶段", "计划开工时间", "项目级别"],
        ["东城新能源电站", "东城特钢有限公司", "5000", "在建", "2026-03-01", "市重点"],
        ["东城冷链中心", "不存在的公司", "五千", "施工中", "下月底", "市重点"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (col, text) in row.iter().enumerate() {
            sheet.write_string(r as u32, col as u16, *text)?;
        }
    }
    let bad = book.save_to_buffer()?;
    let e = app.import_project_ledger(office, "有错的台账.xlsx", &bad).await.err();
    let messages: Vec<String> = match &e {
        Some(AppError::Invalid(invalid)) => invalid.errors.iter().map(|e| e.message.clone()).collect(),
        other => anyhow::bail!("a bad row was not refused: {other:?}"),
    };
    for expected in ["第 3 行 B 列", "第 3 行 C 列", "第 3 行 D 列", "第 3 行 E 列"] {
        ensure!(messages.iter().any(|m| m.starts_with(expected)), "{expected} not named in {messages:?}");
    }
    ensure!(!messages.iter().any(|m| m.starts_with("第 2 行")), "{messages:?}");
    ensure!(app.project_list(office, &Default::default()).await?.total == 3, "nothing of the bad file was stored");

    // The 调度通报 lists the county's figures and the red projects.
    let bulletin = app.dispatch_bulletin(office, None).await?;
    let text = qingdan_office::docx_text(&bulletin.bytes)?;
    ensure!(text.contains("东城区") && text.contains("东城特钢配套物流园"), "{text}");
    ensure!(matches!(app.dispatch_bulletin(&c.owner, None).await, Err(AppError::Forbidden)));
    Ok(())
}

/// The owner's reporter sees on their home what they owe for the half-month
/// and what was sent back, and neither once done.
async fn owner_home(backend: Backend) -> Result<()> {
    let c = city(backend, "2026-07-03").await?;
    let (app, office) = (&c.w.app, &c.w.supervisor);
    let id = app.create_project(office, &project_input(&c, "特钢技改")).await?;
    let items = |code| pile_items(app, &c.owner, code);
    ensure!(items("project_due").await? == ["特钢技改（2026年7月上半月）"], "{:?}", items("project_due").await?);
    let sent = app.submit_project_report(&c.owner, id, &report("2026-07-01", "500")).await?;
    ensure!(items("project_due").await?.is_empty(), "reported, owed no more");
    app.review_project_report(office, sent, None, false, "金额有误，请核实").await?;
    ensure!(
        items("project_returned").await? == ["特钢技改（2026年7月上半月）"],
        "{:?}",
        items("project_returned").await?
    );
    ensure!(
        app.workbench(&c.outsider).await?.piles.iter().all(|p| !p.code.starts_with("project")),
        "not another org's"
    );
    Ok(())
}

/// The items of `user`'s workbench pile `code`, by their text.
async fn pile_items(app: &App, user: &User, code: &str) -> Result<Vec<String>> {
    let pile = app.workbench(user).await?.piles.into_iter().find(|p| p.code == code);
    Ok(pile.map(|p| p.items.into_iter().map(|i| i.0).collect()).unwrap_or_default())
}

/// More red projects than the map lists: the 调度通报 counts and names them
/// all, and its count is the sum of its county table.
async fn bulletin_reds(backend: Backend) -> Result<()> {
    let c = city(backend, "2026-07-01").await?;
    let (app, office) = (&c.w.app, &c.w.supervisor);
    let many = qingdan_app::projects::RED_LIST + 3;
    for i in 0..many {
        // 5% of the year's plan done by July: red.
        app.create_project(office, &project_input(&c, &format!("东城滞后项目{i:02}"))).await?;
    }
    let map = app.project_map(office, None).await?;
    ensure!(
        map.all.red == many && map.red.len() == qingdan_app::projects::RED_LIST,
        "{} / {}",
        map.all.red,
        map.red.len()
    );
    // An edit shows on the map at once, not at the next report or hour.
    let plan_before = map.all.year_plan;
    let listed = app.project_list(office, &Default::default()).await?.projects;
    let first = listed.iter().find(|p| p.fields.name == "东城滞后项目00").map(|p| p.id).context("项目00")?;
    let raised = ProjectInput { year_plan: "999999".into(), ..project_input(&c, "东城滞后项目00") };
    app.update_project(office, first, &raised).await?;
    let after = app.project_map(office, None).await?.all.year_plan;
    ensure!(after == plan_before + Decimal::from(999_999 - 40_000), "{plan_before} then {after}");
    app.update_project(office, first, &project_input(&c, "东城滞后项目00")).await?;
    let text = qingdan_office::docx_text(&app.dispatch_bulletin(office, None).await?.bytes)?;
    ensure!(text.contains(&format!("本期红灯项目{many}个")), "{text}");
    for i in 0..many {
        ensure!(text.contains(&format!("东城滞后项目{i:02}")), "project {i} is missing from the bulletin");
    }
    Ok(())
}

async fn reminders(backend: Backend) -> Result<()> {
    let c = city(backend, "2026-07-01").await?;
    let office = &c.w.supervisor;
    let built = c.w.app.create_project(office, &project_input(&c, "特钢技改")).await?;
    let mut planned =
        ProjectInput { stage: "谋划".into(), actual_start: String::new(), ..project_input(&c, "特钢三期") };
    planned.code = "2026-330100-31-03-000002".into();
    c.w.app.create_project(office, &planned).await?;
    let on = |day: &str| {
        let url = c.w.db.url.clone();
        let day = day.to_owned();
        async move { anyhow::Ok(App::open(&url, Clock::fixed_on(day.parse()?)).await?) }
    };
    let reminders = |inbox: Vec<qingdan_app::InboxMessage>| -> Vec<String> {
        inbox.into_iter().filter(|m| m.title.contains("重点项目")).map(|m| m.body).collect()
    };

    // Before the reminder window (due the 15th, reminded from the 12th): nothing.
    let early = on("2026-07-11").await?;
    early.remind_reporting_for(c.w.tenant).await?;
    ensure!(reminders(early.inbox(&c.owner, false).await?).is_empty(), "not yet");

    // In the window: the owner is told once, of its one project under construction.
    let day = on("2026-07-13").await?;
    let pass = day.remind_reporting_for(c.w.tenant).await?;
    ensure!(pass.due >= 1, "{pass:?}");
    day.remind_reporting_for(c.w.tenant).await?;
    let told = reminders(day.inbox(&c.owner, false).await?);
    ensure!(told.len() == 1, "once per half-month: {told:?}");
    ensure!(told[0].contains("2026年07月15日") && told[0].contains("1个在建项目"), "{told:?}");
    ensure!(reminders(day.inbox(&c.outsider, false).await?).is_empty(), "only the owner is told");

    // Reported for the half-month: after the due date, no 逾期未报.
    day.submit_project_report(&c.owner, built, &report("2026-07-10", "500")).await?;
    let late = on("2026-07-17").await?;
    late.remind_reporting_for(c.w.tenant).await?;
    let told = reminders(late.inbox(&c.owner, false).await?);
    ensure!(told.len() == 1, "a reported half-month is not chased: {told:?}");

    // The second half unreported past the 31st: 逾期未报.
    let after = on("2026-08-02").await?;
    let pass = after.remind_reporting_for(c.w.tenant).await?;
    ensure!(pass.overdue >= 1, "{pass:?}");
    let told = reminders(after.inbox(&c.owner, false).await?);
    ensure!(told.iter().any(|b| b.contains("下半月") && b.contains("请立即补报")), "{told:?}");
    Ok(())
}
