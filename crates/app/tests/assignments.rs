//! 督办: assigned matters followed through their stages on the 2026 calendar
//! (National Day 10-01..10-07 off, 09-20 and 10-10 make-up working days),
//! on SQLite and on PostgreSQL.

use anyhow::{Result, ensure};
use chrono::NaiveDate;
use qingdan_app::{App, AppError, CalendarDayInput, Clock, NewAssignmentInput, TimelineRuleInput, TransitionInput};
use qingdan_domain::assignment::{Action, AssignmentStatus, ExtensionStatus, Grade, Stage};
use qingdan_domain::{AssignmentId, Light, OrgId, Role, User};
use qingdan_testkit::{Backend, TestDb, World, on_both_engines};

on_both_engines! {
    a_matter_assigned_on_the_friday_before_national_day_is_followed_to_its_close => full_course;
    illegal_steps_are_refused_in_chinese_and_nothing_is_saved => illegal_steps;
    only_the_lead_orgs_reporters_act_and_only_the_office_decides => permissions;
    leaders_read_every_matter_and_change_none => leader_read_only;
    matters_never_cross_tenants => tenant_isolation;
    a_reassigned_matter_starts_again_at_signing_for => reassignment;
    a_refused_extension_keeps_the_due_date_and_a_reassignment_withdraws_a_pending_one => extension_refused;
    the_sweep_turns_lights_once_and_records_them_for_reminders => sweep;
    a_major_matter_gets_a_month_or_its_timetable_and_tenants_add_rules => major_and_rules;
    statistics_count_on_time_stages_days_to_close_and_overdue_matters => statistics;
    the_demo_city_has_matters_in_each_state => demo;
    deadlines_follow_the_tenants_own_calendar => own_calendar;
    attachment_files_round_trip_for_the_office_and_the_involved_orgs_only => files_round_trip;
    empty_too_large_or_badly_named_files_are_refused_in_chinese_and_nothing_is_saved => files_refused;
    attachment_files_never_cross_tenants => files_tenant_isolation;
    a_closed_matter_takes_files_from_the_office_only => files_after_close;
    the_sweeps_sql_lights_agree_with_the_domains_light_on => sweep_agrees_with_light_on;
    two_sweeps_at_once_turn_each_light_once => sweeps_at_once;
    a_calendar_change_and_the_offices_counts_reach_every_open_matter_beyond_a_page => beyond_a_page;
    a_matter_entered_after_its_first_due_date_is_told_red_at_once => born_red;
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap_or(NaiveDate::MIN)
}

/// The same database seen on another day.
fn on(w: &World, day: &str) -> App {
    App::new(w.app.store().clone(), Clock::fixed_on(d(day)))
}

fn step(action: &str, note: &str) -> TransitionInput {
    TransitionInput { action: action.into(), note: note.into(), ..TransitionInput::default() }
}

fn matter(title: &str, lead: OrgId, supporting: &[OrgId]) -> NewAssignmentInput {
    NewAssignmentInput {
        title: title.into(),
        source: "leader_instruction".into(),
        text: format!("请抓紧办理{title}，按13710要求反馈。"),
        attachments: vec!["批示件.pdf".into()],
        lead_org_id: Some(lead.0),
        supporting_org_ids: supporting.iter().map(|o| o.0).collect(),
        leader_name: "王副市长".into(),
        ..NewAssignmentInput::default()
    }
}

struct Fixture {
    w: World,
    housing: OrgId,
    finance: OrgId,
    culture: OrgId,
    /// Reporter of the lead org.
    lead: User,
    /// Reporter of the supporting org.
    helper: User,
    /// Reporter of an org with no part in the matter.
    outsider: User,
    mayor: User,
}

async fn fixture(backend: Backend, today: &str) -> Result<Fixture> {
    let w = World::new(backend, today).await?;
    let housing = w.org("市住建局").await?;
    let finance = w.org("市财政局").await?;
    let culture = w.org("市文旅局").await?;
    let lead = w.user("housing", Role::Reporter, housing).await?;
    let helper = w.user("finance", Role::Reporter, finance).await?;
    let outsider = w.user("culture", Role::Reporter, culture).await?;
    let mayor = w.user("mayor", Role::Leader, culture).await?;
    Ok(Fixture { w, housing, finance, culture, lead, helper, outsider, mayor })
}

async fn full_course(backend: Backend) -> Result<()> {
    // Friday 2026-09-25 is the Mid-Autumn holiday before National Day.
    let f = fixture(backend, "2026-09-25").await?;
    let (w, lead) = (&f.w, &f.lead);
    let id = w.app.create_assignment(&w.supervisor, &matter("老旧小区加装电梯", f.housing, &[f.finance])).await?;
    let a = w.app.assignment(&w.supervisor, id).await?;
    let s = a.schedule;
    // The assignment day does not count; the first working day is Monday 09-28.
    ensure!((s.sign_for, s.deploy, s.feedback) == (d("2026-09-28"), d("2026-09-28"), d("2026-09-30")), "{s:?}");
    // 7 working days: 09-28, 29, 30, 10-08, 09, 10 (Saturday, make-up), 12.
    ensure!(s.solve == d("2026-10-12") && s.is_confirmed, "{s:?}");
    ensure!(a.status == AssignmentStatus::Assigned && a.light == Light::Green);
    ensure!(a.leader_name == "王副市长" && a.attachments == ["批示件.pdf"] && a.supporting_org_ids == [f.finance]);

    // Monday: the sign-for stage is due today: yellow.
    let changes = w.app.sweep_assignments(w.tenant, d("2026-09-28")).await?;
    ensure!(changes.len() == 1 && changes[0].from == Light::Green && changes[0].to == Light::Yellow);
    ensure!(changes[0].stage == Stage::SignFor && changes[0].due == d("2026-09-28"));
    let monday = on(w, "2026-09-28");
    monday.transition_assignment(lead, id, &step("sign_for", "")).await?;
    let a = monday.transition_assignment(lead, id, &step("deploy", "已召开专题会部署，明确专人负责")).await?;
    ensure!(a.status == AssignmentStatus::Deployed && a.current_due == d("2026-09-30"), "{a:?}");
    ensure!(a.light == Light::Green, "feedback is due 09-30: {:?}", a.light);

    // No feedback by 09-30; after the holiday the matter is red.
    let changes = w.app.sweep_assignments(w.tenant, d("2026-10-08")).await?;
    ensure!(changes.len() == 1 && changes[0].to == Light::Red && changes[0].stage == Stage::Feedback);
    let a = on(w, "2026-10-08").transition_assignment(lead, id, &step("feedback", "已完成12部电梯的选址")).await?;
    ensure!(a.status == AssignmentStatus::FeedbackGiven && a.current_due == d("2026-10-12") && a.light == Light::Green);
    // 80% of the 7 working days is used on the 6th, Saturday 10-10 (a make-up working day).
    ensure!(a.yellow_from == d("2026-10-10"), "{}", a.yellow_from);
    ensure!(w.app.sweep_assignments(w.tenant, d("2026-10-09")).await?.is_empty());
    ensure!(w.app.sweep_assignments(w.tenant, d("2026-10-10")).await?.len() == 1);

    // Close asked on time, returned the next day: back in progress, now past due.
    on(w, "2026-10-12").transition_assignment(lead, id, &step("request_close", "电梯已全部开工")).await?;
    ensure!(w.app.sweep_assignments(w.tenant, d("2026-10-13")).await?.is_empty(), "a waiting close stops the clock");
    let day13 = on(w, "2026-10-13");
    let a = day13.transition_assignment(&w.supervisor, id, &step("return_close", "开工不等于办结，请完成验收")).await?;
    ensure!(a.status == AssignmentStatus::Returned && a.light == Light::Red, "{a:?}");

    // An extension to Tuesday 10-20, approved: the solve date moves and the light is green again.
    let ask = TransitionInput { due: "2026-10-20".into(), ..step("request_extension", "验收需协调质监站") };
    let a = day13.transition_assignment(lead, id, &ask).await?;
    ensure!(a.has_pending_extension && a.schedule.solve == d("2026-10-12"));
    let a = day13.transition_assignment(&w.supervisor, id, &step("approve_extension", "同意")).await?;
    ensure!(!a.has_pending_extension && a.schedule.solve == d("2026-10-20") && a.current_due == d("2026-10-20"));
    ensure!(a.light == Light::Green, "{:?}", a.light);
    let ext = w.app.assignment_detail(&w.supervisor, id).await?.extensions;
    ensure!(ext.len() == 1 && ext[0].status == ExtensionStatus::Approved && ext[0].old_due == d("2026-10-12"));

    on(w, "2026-10-14").transition_assignment(lead, id, &step("request_close", "已全部验收")).await?;
    let grade = TransitionInput { grade: "good".into(), ..step("accept_close", "办理及时") };
    let a = on(w, "2026-10-15").transition_assignment(&w.supervisor, id, &grade).await?;
    ensure!(a.status == AssignmentStatus::Closed && a.light == Light::Done && a.grade == Some(Grade::Good));
    ensure!(a.closed_on == Some(d("2026-10-15")));

    let detail = w.app.assignment_detail(&f.helper, id).await?;
    let done: Vec<(Stage, Option<NaiveDate>, Option<bool>)> =
        detail.stages.iter().map(|s| (s.stage, s.done_on, s.is_on_time)).collect();
    ensure!(
        done == [
            (Stage::SignFor, Some(d("2026-09-28")), Some(true)),
            (Stage::Deploy, Some(d("2026-09-28")), Some(true)),
            (Stage::Feedback, Some(d("2026-10-08")), Some(false)),
            (Stage::Solve, Some(d("2026-10-14")), Some(true)),
        ],
        "{done:?}"
    );
    ensure!(detail.allowed.is_empty(), "a supporting org only reads: {:?}", detail.allowed);
    let trail = w.app.store().audit_trail(w.tenant, "assignment", id.0).await?;
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    ensure!(
        actions
            == [
                "create",
                "sign_for",
                "deploy",
                "feedback",
                "request_close",
                "return_close",
                "request_extension",
                "approve_extension",
                "request_close",
                "accept_close"
            ],
        "{actions:?}"
    );
    ensure!(trail[5].user_id == Some(w.supervisor.id) && trail[1].user_id == Some(lead.id));
    let lights = detail.events.iter().filter(|e| e.action == "light").count();
    ensure!(lights == 3, "three lights turned by the sweep: {lights}");
    Ok(())
}

async fn illegal_steps(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-09-28").await?;
    let w = &f.w;
    let id = w.app.create_assignment(&w.supervisor, &matter("整治河道", f.housing, &[])).await?;
    let audits = w.app.store().audit_count(w.tenant).await?;
    let events = w.app.store().assignment_events(w.tenant, id).await?.len();
    let cases: Vec<(&User, TransitionInput, &str)> = vec![
        (&f.lead, step("feedback", "已反馈"), "该事项尚未签收，不能反馈"),
        (&f.lead, step("deploy", "已部署"), "该事项尚未签收，不能部署"),
        (&f.lead, step("request_close", "已办结"), "该事项尚未签收，不能申请办结"),
        (&w.supervisor, step("accept_close", ""), "该事项未申请办结，不能办结销号"),
        (&w.supervisor, step("return_close", "退回"), "该事项未申请办结，不能退回"),
        (&w.supervisor, step("approve_extension", ""), "该事项没有待审批的延期申请"),
    ];
    for (user, input, message) in cases {
        let err = w.app.transition_assignment(user, id, &input).await.err();
        ensure!(matches!(&err, Some(AppError::Conflict(m)) if m == message), "{}: {err:?}", input.action);
    }
    // Bad input names its field.
    w.app.transition_assignment(&f.lead, id, &step("sign_for", "")).await?;
    let audits = audits + 1;
    let events = events + 1;
    let err = w.app.transition_assignment(&f.lead, id, &step("deploy", "  ")).await.err();
    ensure!(
        matches!(&err, Some(AppError::Invalid(i)) if i.errors[0].field == "note" && i.errors[0].message == "部署情况不能为空"),
        "{err:?}"
    );
    let err = w.app.transition_assignment(&f.lead, id, &step("approve", "")).await.err();
    ensure!(matches!(&err, Some(AppError::Invalid(i)) if i.errors[0].field == "action"), "{err:?}");
    let ask = TransitionInput { due: "2026-09-30".into(), ..step("request_extension", "需要时间") };
    let err = w.app.transition_assignment(&f.lead, id, &ask).await.err();
    ensure!(
        matches!(&err, Some(AppError::Invalid(i)) if i.errors[0].field == "due"),
        "not after the solve date: {err:?}"
    );
    let ask = TransitionInput { due: "十月底".into(), ..step("request_extension", "需要时间") };
    ensure!(matches!(w.app.transition_assignment(&f.lead, id, &ask).await, Err(AppError::Invalid(_))));
    let err = w.app.create_assignment(&w.supervisor, &NewAssignmentInput::default()).await.err();
    let fields: Vec<String> = match err {
        Some(AppError::Invalid(i)) => i.errors.into_iter().map(|e| e.field).collect(),
        other => anyhow::bail!("{other:?}"),
    };
    ensure!(fields == ["title", "text", "source", "lead_org_id"], "{fields:?}");
    let major_only = NewAssignmentInput { timetable: "2026-12-31".into(), ..matter("修路", f.housing, &[]) };
    ensure!(matches!(w.app.create_assignment(&w.supervisor, &major_only).await, Err(AppError::Invalid(_))));
    let future = NewAssignmentInput { assigned_on: "2026-10-09".into(), ..matter("修路", f.housing, &[]) };
    ensure!(matches!(w.app.create_assignment(&w.supervisor, &future).await, Err(AppError::Invalid(_))));
    let itself = matter("修路", f.housing, &[f.housing]);
    ensure!(matches!(w.app.create_assignment(&w.supervisor, &itself).await, Err(AppError::Invalid(_))));

    ensure!(w.app.store().audit_count(w.tenant).await? == audits, "refusals audit nothing");
    ensure!(w.app.store().assignment_events(w.tenant, id).await?.len() == events);
    ensure!(w.app.assignment(&w.supervisor, id).await?.status == AssignmentStatus::SignedFor);
    Ok(())
}

async fn permissions(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-09-28").await?;
    let w = &f.w;
    let id = w.app.create_assignment(&w.supervisor, &matter("整治河道", f.housing, &[f.finance])).await?;
    let forbidden = |r: Result<qingdan_domain::assignment::Assignment, AppError>| matches!(r, Err(AppError::Forbidden));
    // Another org's reporter, even a supporting one, cannot act for the lead org.
    ensure!(forbidden(w.app.transition_assignment(&f.outsider, id, &step("sign_for", "")).await));
    ensure!(forbidden(w.app.transition_assignment(&f.helper, id, &step("sign_for", "")).await));
    // Nor can the office sign for it, nor a reporter decide.
    ensure!(forbidden(w.app.transition_assignment(&w.supervisor, id, &step("sign_for", "")).await));
    w.app.transition_assignment(&f.lead, id, &step("sign_for", "")).await?;
    ensure!(forbidden(w.app.transition_assignment(&f.lead, id, &step("reassign", "")).await));
    // Seeing: the supporting org yes, an uninvolved org no.
    ensure!(w.app.assignment_detail(&f.helper, id).await.is_ok());
    ensure!(matches!(w.app.assignment_detail(&f.outsider, id).await, Err(AppError::Forbidden)));
    ensure!(w.app.org_assignments(&f.helper).await?.supporting.len() == 1);
    ensure!(w.app.org_assignments(&f.outsider).await?.to_act.is_empty());
    let listed = w.app.assignment_list(&f.outsider, &Default::default()).await?;
    ensure!(listed.total == 0, "an uninvolved reporter lists nothing");
    ensure!(matches!(w.app.assignment_overview(&f.lead, &Default::default()).await, Err(AppError::Forbidden)));
    // Only the office creates.
    let err = w.app.create_assignment(&f.lead, &matter("修路", f.housing, &[])).await.err();
    ensure!(matches!(err, Some(AppError::Forbidden)), "{err:?}");
    // The lead org sees the actions it may take, the office its own.
    let lead_can = w.app.assignment_detail(&f.lead, id).await?.allowed;
    ensure!(lead_can == [Action::Deploy, Action::RequestExtension], "{lead_can:?}");
    let office_can = w.app.assignment_detail(&w.supervisor, id).await?.allowed;
    ensure!(office_can == [Action::Reassign], "{office_can:?}");
    ensure!(w.app.assignment_detail(&w.admin, id).await.is_err(), "三员: the system admin runs no 督办");
    Ok(())
}

async fn leader_read_only(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-09-28").await?;
    let w = &f.w;
    let id = w.app.create_assignment(&w.supervisor, &matter("整治河道", f.housing, &[])).await?;
    let overview = w.app.assignment_overview(&f.mayor, &Default::default()).await?;
    ensure!(overview.page.items.iter().any(|a| a.id == id));
    ensure!(w.app.assignment_detail(&f.mayor, id).await?.allowed.is_empty());
    ensure!(w.app.assignment_statistics(&f.mayor).await.is_ok());
    for action in ["sign_for", "reassign", "accept_close"] {
        let err = w.app.transition_assignment(&f.mayor, id, &step(action, "x")).await.err();
        ensure!(matches!(err, Some(AppError::Forbidden)), "{action}: {err:?}");
    }
    ensure!(matches!(
        w.app.create_assignment(&f.mayor, &matter("修路", f.housing, &[])).await,
        Err(AppError::Forbidden)
    ));
    let rule = TimelineRuleInput { name: "3510".into(), ..TimelineRuleInput::default() };
    ensure!(matches!(w.app.create_timeline_rule(&f.mayor, &rule).await, Err(AppError::Forbidden)));
    Ok(())
}

async fn tenant_isolation(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-09-28").await?;
    let w = &f.w;
    let id = w.app.create_assignment(&w.supervisor, &matter("整治河道", f.housing, &[])).await?;
    let stranger = w.stranger(Role::Supervisor).await?;
    ensure!(matches!(w.app.assignment_detail(&stranger, id).await, Err(AppError::NotFound(_))));
    let err = w.app.transition_assignment(&stranger, id, &step("reassign", "")).await.err();
    ensure!(matches!(err, Some(AppError::NotFound(_))), "{err:?}");
    ensure!(w.app.assignment_overview(&stranger, &Default::default()).await?.page.total == 0);
    // Nor may the stranger assign to our org.
    let err = w.app.create_assignment(&stranger, &matter("修路", f.housing, &[])).await.err();
    ensure!(matches!(&err, Some(AppError::Invalid(i)) if i.errors[0].field == "lead_org_id"), "{err:?}");
    // The sweep of one tenant leaves the other's lights alone.
    ensure!(w.app.sweep_assignments(stranger.tenant_id, d("2026-12-31")).await?.is_empty());
    ensure!(w.app.assignment(&w.supervisor, id).await?.light == Light::Green);
    ensure!(w.app.assignment_statistics(&stranger).await?.is_empty());
    Ok(())
}

async fn reassignment(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-09-25").await?;
    let w = &f.w;
    let id = w.app.create_assignment(&w.supervisor, &matter("整治河道", f.housing, &[f.culture])).await?;
    on(w, "2026-09-28").transition_assignment(&f.lead, id, &step("sign_for", "")).await?;
    // On Wednesday 09-30 the office moves it to the culture bureau: signing for starts again,
    // counted from 09-30 across National Day.
    let move_it = TransitionInput { org_id: Some(f.culture.0), ..step("reassign", "职责调整") };
    let a = on(w, "2026-09-30").transition_assignment(&w.supervisor, id, &move_it).await?;
    ensure!(a.lead_org_id == f.culture && a.status == AssignmentStatus::Assigned && a.assigned_on == d("2026-09-30"));
    ensure!(a.supporting_org_ids.is_empty(), "the new lead no longer supports itself");
    let s = a.schedule;
    ensure!((s.sign_for, s.feedback, s.solve) == (d("2026-10-08"), d("2026-10-10"), d("2026-10-15")), "{s:?}");
    let err = on(w, "2026-10-08").transition_assignment(&f.lead, id, &step("deploy", "已部署")).await.err();
    ensure!(matches!(err, Some(AppError::Forbidden)), "the old lead org has no more say: {err:?}");
    on(w, "2026-10-08").transition_assignment(&f.outsider, id, &step("sign_for", "")).await?;
    let detail = w.app.assignment_detail(&w.supervisor, id).await?;
    ensure!(detail.stages[0].done_on == Some(d("2026-10-08")) && detail.stages[1].done_on.is_none());
    let same = TransitionInput { org_id: Some(f.culture.0), ..step("reassign", "") };
    let err = w.app.transition_assignment(&w.supervisor, id, &same).await.err();
    ensure!(matches!(&err, Some(AppError::Invalid(i)) if i.errors[0].field == "org_id"), "{err:?}");
    Ok(())
}

async fn extension_refused(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-09-28").await?;
    let w = &f.w;
    let id = w.app.create_assignment(&w.supervisor, &matter("整治河道", f.housing, &[])).await?;
    w.app.transition_assignment(&f.lead, id, &step("sign_for", "")).await?;
    let ask = TransitionInput { due: "2026-11-30".into(), ..step("request_extension", "汛期影响施工") };
    w.app.transition_assignment(&f.lead, id, &ask).await?;
    let err = w.app.transition_assignment(&f.lead, id, &ask).await.err();
    ensure!(matches!(&err, Some(AppError::Conflict(m)) if m == "该事项已有待审批的延期申请"), "{err:?}");
    let a = w.app.transition_assignment(&w.supervisor, id, &step("refuse_extension", "时限不变")).await?;
    ensure!(!a.has_pending_extension && a.schedule.solve == d("2026-10-13"), "{a:?}");
    // Ask again, then the matter is reassigned: the request lapses.
    w.app.transition_assignment(&f.lead, id, &ask).await?;
    let move_it = TransitionInput { org_id: Some(f.finance.0), ..step("reassign", "") };
    let a = w.app.transition_assignment(&w.supervisor, id, &move_it).await?;
    ensure!(!a.has_pending_extension);
    let statuses: Vec<ExtensionStatus> =
        w.app.assignment_detail(&w.supervisor, id).await?.extensions.iter().map(|e| e.status).collect();
    ensure!(statuses == [ExtensionStatus::Refused, ExtensionStatus::Withdrawn], "{statuses:?}");
    Ok(())
}

/// Two servers sweep the same morning at the same moment: each matter's
/// light turns once, with one history entry (one reminder), not two.
async fn sweeps_at_once(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-09-18").await?;
    let w = &f.w;
    let mut matters = Vec::new();
    for (i, lead) in [f.housing, f.finance, f.culture].iter().cycle().take(6).enumerate() {
        matters.push(w.app.create_assignment(&w.supervisor, &matter(&format!("第{i}件"), *lead, &[])).await?);
    }
    for round in 0..3 {
        let day = ["2026-09-29", "2026-10-09", "2026-10-20"][round];
        let mut sweeping = tokio::task::JoinSet::new();
        for _ in 0..2 {
            let (app, tenant) = (on(w, day), w.tenant);
            sweeping.spawn(async move { app.sweep_assignments(tenant, d(day)).await });
        }
        let mut turned = Vec::new();
        while let Some(done) = sweeping.join_next().await {
            turned.extend(done??.into_iter().map(|c| c.assignment_id));
        }
        let mut once = turned.clone();
        once.sort_unstable();
        once.dedup();
        ensure!(once.len() == turned.len(), "{day}: turned twice: {turned:?}");
        let notices = w.app.light_changes_to_notify(w.tenant, 1000).await?;
        ensure!(notices.len() == turned.len(), "{day}: {} reminders for {} turns", notices.len(), turned.len());
        let ids: Vec<i64> = notices.iter().map(|n| n.change.event_id).collect();
        w.app.mark_light_changes_notified(w.tenant, &ids).await?;
    }
    ensure!(!matters.is_empty());
    Ok(())
}

async fn sweep(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-09-18").await?;
    let w = &f.w;
    // Friday 09-18: solve due Tuesday 09-29 (Sunday 09-20 is a make-up working day).
    let early = w.app.create_assignment(&w.supervisor, &matter("早的", f.housing, &[])).await?;
    let later = on(w, "2026-09-22").create_assignment(&w.supervisor, &matter("晚的", f.finance, &[])).await?;
    let waiting = w.app.create_assignment(&w.supervisor, &matter("等审核", f.culture, &[])).await?;
    let day = on(w, "2026-09-20");
    for (who, id) in [(&f.lead, early), (&f.outsider, waiting)] {
        day.transition_assignment(who, id, &step("sign_for", "")).await?;
        day.transition_assignment(who, id, &step("deploy", "部署")).await?;
        day.transition_assignment(who, id, &step("feedback", "反馈")).await?;
    }
    day.transition_assignment(&f.outsider, waiting, &step("request_close", "已办结")).await?;

    // 09-29: early is due today (yellow); later's sign-for was due 09-23 (red); waiting stands still.
    let changes = w.app.sweep_assignments(w.tenant, d("2026-09-29")).await?;
    let seen: Vec<(AssignmentId, Light, Light, Stage)> =
        changes.iter().map(|c| (c.assignment_id, c.from, c.to, c.stage)).collect();
    ensure!(
        seen == [(early, Light::Green, Light::Yellow, Stage::Solve), (later, Light::Green, Light::Red, Stage::SignFor)],
        "{seen:?}"
    );
    ensure!(changes[1].lead_org_id == f.finance && changes[1].due == d("2026-09-23"));
    ensure!(w.app.sweep_assignments(w.tenant, d("2026-09-29")).await?.is_empty(), "a second sweep changes nothing");
    let overview = w.app.assignment_overview(&w.supervisor, &Default::default()).await?;
    ensure!((overview.counts.green, overview.counts.yellow, overview.counts.red) == (1, 1, 1), "{:?}", overview.counts);
    let red = qingdan_app::AssignmentFilter { light: Some("red".into()), ..Default::default() };
    let reds = w.app.assignment_overview(&w.supervisor, &red).await?.page.items;
    ensure!(reds.len() == 1 && reds[0].id == later);

    // The reminders' hook: each change once, until marked.
    let notices = w.app.light_changes_to_notify(w.tenant, 100).await?;
    ensure!(notices.len() == 2 && notices[1].title == "晚的" && notices[1].lead_org_name == "市财政局");
    ensure!(notices[0].change == changes[0]);
    let notice = w.app.assignment_for_notice(w.tenant, later).await?;
    ensure!(
        notice.leader_name == "王副市长" && notice.lead_org_id == f.finance && notice.current_due == d("2026-09-23")
    );
    w.app.mark_light_changes_notified(w.tenant, &[notices[0].change.event_id]).await?;
    let left = w.app.light_changes_to_notify(w.tenant, 100).await?;
    ensure!(left.len() == 1 && left[0].change.assignment_id == later);
    let after_holiday = w.app.sweep_assignments(w.tenant, d("2026-10-08")).await?;
    ensure!(after_holiday.len() == 1 && after_holiday[0].assignment_id == early && after_holiday[0].to == Light::Red);
    ensure!(w.app.assignment(&w.supervisor, waiting).await?.light == Light::Green, "a waiting close keeps its light");
    let audit = w.app.store().audit_trail(w.tenant, "assignment_sweep", 0).await?;
    ensure!(audit.len() == 2, "one audit event per sweep that changed something: {}", audit.len());
    Ok(())
}

async fn major_and_rules(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-09-25").await?;
    let w = &f.w;
    let major = NewAssignmentInput { is_major: true, ..matter("重大项目", f.housing, &[]) };
    let a = w.app.assignment(&w.supervisor, w.app.create_assignment(&w.supervisor, &major).await?).await?;
    // One month from 09-25 is Sunday 10-25: Monday 10-26.
    ensure!(a.schedule.solve == d("2026-10-26"), "{:?}", a.schedule);
    let timetable = NewAssignmentInput { timetable: "2026-10-03".into(), ..major.clone() };
    let a = w.app.assignment(&w.supervisor, w.app.create_assignment(&w.supervisor, &timetable).await?).await?;
    ensure!(a.schedule.solve == d("2026-10-08"), "a timetable in the holiday moves to 10-08: {:?}", a.schedule);
    // Before the feedback due 09-30 it is refused, not quietly replaced.
    let early = NewAssignmentInput { timetable: "2026-09-29".into(), ..major.clone() };
    let err = w.app.create_assignment(&w.supervisor, &early).await.err();
    let said = |e: &AppError| matches!(e, AppError::Invalid(i) if i.errors[0].field == "timetable" && i.errors[0].message.contains("2026-09-30"));
    ensure!(err.as_ref().is_some_and(said), "{err:?}");

    let rules = w.app.timeline_rules(&w.supervisor).await?;
    ensure!(rules.len() == 1 && rules[0].name == "13710");
    let input = TimelineRuleInput {
        name: "3510".into(),
        counting: "calendar_days".into(),
        sign_for_days: "1".into(),
        deploy_days: "3".into(),
        feedback_days: "5".into(),
        solve_days: "10".into(),
        major_solve_days: "30".into(),
        ..TimelineRuleInput::default()
    };
    let rule = w.app.create_timeline_rule(&w.supervisor, &input).await?;
    let err = w.app.create_timeline_rule(&w.supervisor, &input).await.err();
    ensure!(matches!(&err, Some(AppError::Invalid(i)) if i.errors[0].field == "name"), "{err:?}");
    let bad = TimelineRuleInput { name: "乱".into(), solve_days: "2".into(), ..input.clone() };
    ensure!(matches!(w.app.create_timeline_rule(&w.supervisor, &bad).await, Err(AppError::Invalid(_))));
    let with_rule = NewAssignmentInput {
        rule_id: Some(rule.id.0),
        assigned_on: "2026-09-21".into(),
        ..matter("按3510", f.housing, &[])
    };
    let a = w.app.assignment(&w.supervisor, w.app.create_assignment(&w.supervisor, &with_rule).await?).await?;
    // Calendar days from Monday 09-21: 09-24; 09-26 (holiday) -> 09-28; 10-01 (National Day) -> 10-08.
    let s = a.schedule;
    ensure!((s.deploy, s.feedback, s.solve) == (d("2026-09-24"), d("2026-09-28"), d("2026-10-08")), "{s:?}");
    Ok(())
}

async fn statistics(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-09-21").await?;
    let w = &f.w;
    // Housing: one matter done on time, closed after 3 days; finance: one left to go red.
    let quick = w.app.create_assignment(&w.supervisor, &matter("快办", f.housing, &[])).await?;
    let slow = w.app.create_assignment(&w.supervisor, &matter("慢办", f.finance, &[])).await?;
    let day = on(w, "2026-09-22");
    day.transition_assignment(&f.lead, quick, &step("sign_for", "")).await?;
    day.transition_assignment(&f.lead, quick, &step("deploy", "部署")).await?;
    day.transition_assignment(&f.lead, quick, &step("feedback", "反馈")).await?;
    day.transition_assignment(&f.lead, quick, &step("request_close", "办结")).await?;
    let grade = TransitionInput { grade: "excellent".into(), ..step("accept_close", "") };
    on(w, "2026-09-24").transition_assignment(&w.supervisor, quick, &grade).await?;
    // Finance signs for two days late (due 09-22).
    on(w, "2026-09-24").transition_assignment(&f.helper, slow, &step("sign_for", "")).await?;
    w.app.sweep_assignments(w.tenant, d("2026-09-24")).await?;

    let stats = w.app.assignment_statistics(&w.supervisor).await?;
    let housing = stats.iter().find(|s| s.org_id == f.housing).ok_or_else(|| anyhow::anyhow!("no housing"))?;
    ensure!(housing.stages.iter().all(|s| s.done == 1 && s.on_time == 1), "{housing:?}");
    ensure!(housing.stages[3].percent() == Some(100));
    ensure!(housing.closed == 1 && housing.average_tenth_days_to_close == Some(30), "{housing:?}");
    ensure!(housing.overdue == 0);
    let finance = stats.iter().find(|s| s.org_id == f.finance).ok_or_else(|| anyhow::anyhow!("no finance"))?;
    ensure!(finance.stages[0].done == 1 && finance.stages[0].on_time == 0 && finance.stages[0].percent() == Some(0));
    ensure!(finance.stages[1].done == 0 && finance.stages[1].percent().is_none());
    // Deploy was due 09-22 too: red.
    ensure!(
        finance.overdue == 1 && finance.closed == 0 && finance.average_tenth_days_to_close.is_none(),
        "{finance:?}"
    );
    Ok(())
}

async fn demo(backend: Backend) -> Result<()> {
    let db = TestDb::new(backend).await?;
    let app = App::open(&db.url, Clock::fixed_on(d("2026-10-20"))).await?;
    let tenant = app.seed_demo().await?.tenant;
    let office = app.store().users(tenant).await?.into_iter().find(|u| u.username == "duchao");
    let office = office.ok_or_else(|| anyhow::anyhow!("no demo supervisor"))?;
    let all = qingdan_app::AssignmentFilter { closed: Some("1".into()), ..Default::default() };
    let matters = app.assignment_overview(&office, &all).await?;
    // The five matters of the demo's 督办, and those its two 调度会 raised.
    let (meetings, own): (Vec<_>, Vec<_>) = matters.page.items.iter().partition(|m| m.title.contains("次调度会议定"));
    ensure!(own.len() == 5 && !meetings.is_empty(), "{} own, {} from meetings", own.len(), meetings.len());
    ensure!(matters.page.total as usize == own.len() + meetings.len(), "{}", matters.page.total);
    let count = |light: Light| own.iter().filter(|m| m.light == light).count();
    // Assigned 10-10: sign-for was due 10-12; the closed one is done; the others run on time.
    let c = (count(Light::Red), count(Light::Done), count(Light::Green) + count(Light::Yellow));
    ensure!(c == (1, 1, 3), "{c:?}");
    Ok(())
}

async fn own_calendar(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-09-25").await?;
    let w = &f.w;
    // A local day off on Monday 09-28 (e.g. a regional holiday): the first working day becomes 09-29.
    let local = CalendarDayInput {
        date: "2026-09-28".into(),
        kind: "holiday".into(),
        name: "地方节日".into(),
        region: String::new(),
        source: String::new(),
    };
    w.app.add_calendar_day(&w.admin, &local).await?;
    let id = w.app.create_assignment(&w.supervisor, &matter("按本地日历", f.housing, &[])).await?;
    let s = w.app.assignment(&w.supervisor, id).await?.schedule;
    ensure!((s.deploy, s.feedback, s.solve) == (d("2026-09-29"), d("2026-10-08"), d("2026-10-13")), "{s:?}");
    // A year without data is counted Monday to Friday and flagged.
    let later = NewAssignmentInput { assigned_on: String::new(), ..matter("明年", f.housing, &[]) };
    let next_year = on(w, "2031-03-07").create_assignment(&w.supervisor, &later).await?;
    let a = w.app.assignment(&w.supervisor, next_year).await?;
    ensure!(!a.schedule.is_confirmed && a.schedule.deploy == d("2031-03-10"), "{:?}", a.schedule);
    // That year's calendar arrives (03-10 a day off): the flagged matter's
    // dates are worked out again; the confirmed one keeps its own.
    let day_off = CalendarDayInput { date: "2031-03-10".into(), name: "补充放假".into(), ..local };
    w.app.add_calendar_day(&w.admin, &day_off).await?;
    let a = w.app.assignment(&w.supervisor, next_year).await?;
    ensure!(a.schedule.is_confirmed && a.schedule.deploy == d("2031-03-11"), "{:?}", a.schedule);
    ensure!(a.current_due == a.schedule.sign_for, "the stage it is in: {a:?}");
    ensure!(w.app.assignment(&w.supervisor, id).await?.schedule == s, "a confirmed schedule stands");
    let query = qingdan_storage::AuditQuery { action: Some("reschedule".into()), limit: 10, ..Default::default() };
    let events = w.app.store().audit_search(w.tenant, &query).await?;
    ensure!(events.len() == 1 && events[0].event.entity_id == next_year.0, "{events:?}");
    Ok(())
}

/// A matter assigned 09-01 and entered on 09-18 (补录) is red from the
/// start: its lead org hears of it as of any light that turned, once.
async fn born_red(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-09-18").await?;
    let w = &f.w;
    let late = NewAssignmentInput { assigned_on: "2026-09-01".into(), ..matter("补录的事项", f.housing, &[]) };
    let id = w.app.create_assignment(&w.supervisor, &late).await?;
    ensure!(w.app.assignment(&w.supervisor, id).await?.light == Light::Red);
    let notices = w.app.light_changes_to_notify(w.tenant, 10).await?;
    let told: Vec<_> = notices.iter().map(|n| (n.change.assignment_id, n.change.to, n.change.stage)).collect();
    ensure!(told == [(id, Light::Red, Stage::SignFor)], "{told:?}");
    ensure!(w.app.sweep_assignments(w.tenant, d("2026-09-18")).await?.is_empty(), "the sweep turns it no more");
    Ok(())
}

/// More open matters than a list page holds (200).
const MANY: usize = 205;

async fn beyond_a_page(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2031-03-07").await?;
    let w = &f.w;
    // 2031 has no calendar: every schedule is counted Monday to Friday, flagged.
    let mut ids = Vec::new();
    for n in 0..MANY {
        ids.push(w.app.create_assignment(&w.supervisor, &matter(&format!("事项{n}"), f.housing, &[])).await?);
    }
    // The last three (past the first page) ask for more time.
    for &id in &ids[MANY - 3..] {
        w.app.transition_assignment(&f.lead, id, &step("sign_for", "")).await?;
        let ask = TransitionInput { due: "2031-04-30".into(), ..step("request_extension", "需协调") };
        w.app.transition_assignment(&f.lead, id, &ask).await?;
    }
    let day_off = CalendarDayInput {
        date: "2031-03-10".into(),
        kind: "holiday".into(),
        name: "补充放假".into(),
        region: String::new(),
        source: String::new(),
    };
    w.app.add_calendar_day(&w.admin, &day_off).await?;
    let mut unconfirmed = 0;
    for &id in &ids {
        unconfirmed += usize::from(!w.app.assignment(&w.supervisor, id).await?.schedule.is_confirmed);
    }
    ensure!(unconfirmed == 0, "{unconfirmed} matters kept the guessed schedule");

    // Two weeks on, the unsigned ones are overdue: the workbench counts them all.
    let later = on(w, "2031-03-21");
    later.sweep_assignments(w.tenant, d("2031-03-21")).await?;
    let piles = later.workbench(&w.supervisor).await?.piles;
    let count = |code: &str| piles.iter().find(|p| p.code == code).map(|p| (p.count, p.items.len()));
    let red = later.assignment_overview(&w.supervisor, &Default::default()).await?.counts.red;
    ensure!(red as usize > 200, "the fixture has more than a page overdue: {red}");
    ensure!(count("overdue") == Some((red as usize, 5)), "{:?} of {red}", count("overdue"));
    ensure!(count("extensions") == Some((3, 3)), "{:?}", count("extensions"));
    Ok(())
}

/// Bytes that are no text in any encoding: every byte value, twice.
fn binary_bytes() -> Vec<u8> {
    (0..=255u8).chain((0..=255u8).rev()).collect()
}

async fn files_round_trip(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-09-28").await?;
    let w = &f.w;
    let id = w.app.create_assignment(&w.supervisor, &matter("整治河道", f.housing, &[f.finance])).await?;
    let other = w.app.create_assignment(&w.supervisor, &matter("修缮古城墙", f.culture, &[])).await?;
    let bytes = binary_bytes();

    // The office uploads; the path the browser sent is dropped.
    let file =
        w.app.add_assignment_file(&w.supervisor, id, "C:\\fakepath\\市长批示件.pdf", "application/pdf", &bytes).await?;
    ensure!(file.name == "市长批示件.pdf" && file.content_type == "application/pdf", "{file:?}");
    ensure!(file.size == 512 && file.uploaded_by == Some(w.supervisor.id), "{file:?}");
    // The lead org's and the supporting org's reporters upload too.
    w.app.add_assignment_file(&f.lead, id, "部署方案.docx", "", b"lead's plan").await?;
    w.app.add_assignment_file(&f.helper, id, "配合意见.txt", "text/plain; charset=utf-8", "同意".as_bytes()).await?;

    // Everyone who sees the matter downloads the same bytes.
    for reader in [&w.supervisor, &f.lead, &f.helper, &f.mayor] {
        let got = w.app.assignment_file(reader, id, file.id).await?;
        ensure!(got.content == bytes, "{} got other bytes", reader.username);
        ensure!(got.file.name == "市长批示件.pdf");
    }
    let files = w.app.assignment_files(&f.mayor, id).await?;
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    ensure!(names == ["市长批示件.pdf", "部署方案.docx", "配合意见.txt"], "{names:?}");
    ensure!(
        files[1].content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "guessed from the extension: {}",
        files[1].content_type
    );
    ensure!(files[2].content_type == "text/plain" && files[2].uploaded_by_name == "finance");
    let detail = w.app.assignment_detail(&f.lead, id).await?;
    ensure!(detail.files.len() == 3 && detail.may_upload_files);
    ensure!(!w.app.assignment_detail(&f.mayor, id).await?.may_upload_files, "a leader only reads");

    // A reporter of an unrelated org may neither upload nor download; a leader may not upload.
    let err = w.app.add_assignment_file(&f.outsider, id, "x.pdf", "application/pdf", b"x").await.err();
    ensure!(matches!(err, Some(AppError::Forbidden)), "{err:?}");
    let err = w.app.assignment_file(&f.outsider, id, file.id).await.err();
    ensure!(matches!(err, Some(AppError::Forbidden)), "{err:?}");
    let err = w.app.assignment_files(&f.outsider, id).await.err();
    ensure!(matches!(err, Some(AppError::Forbidden)), "{err:?}");
    let err = w.app.add_assignment_file(&f.mayor, id, "x.pdf", "application/pdf", b"x").await.err();
    ensure!(matches!(err, Some(AppError::Forbidden)), "{err:?}");
    // A file is read only through its own matter, even by one who sees both.
    let err = w.app.assignment_file(&w.supervisor, other, file.id).await.err();
    ensure!(matches!(err, Some(AppError::NotFound(_))), "{err:?}");
    ensure!(w.app.assignment_files(&w.supervisor, id).await?.len() == 3, "the refused uploads saved nothing");

    let trail = w.app.store().audit_trail(w.tenant, "assignment_file", file.id.0).await?;
    ensure!(trail.len() == 1 && trail[0].action == "create" && trail[0].user_id == Some(w.supervisor.id));
    ensure!(trail[0].after.as_deref().is_some_and(|a| a.contains("市长批示件.pdf")), "{trail:?}");
    Ok(())
}

async fn files_refused(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-09-28").await?;
    let w = &f.w;
    let id = w.app.create_assignment(&w.supervisor, &matter("整治河道", f.housing, &[])).await?;
    let too_large = vec![7u8; qingdan_app::MAX_ATTACHMENT_BYTES + 1];
    let long_name = format!("{}.pdf", "长".repeat(200));
    let cases: [(&str, &[u8], &str, &str); 4] = [
        ("空白.pdf", b"", "empty", "空文件"),
        ("扫描件.pdf", &too_large, "too_large", "不能超过10MB"),
        (&long_name, b"x", "name_too_long", "不能超过200个字"),
        ("C:\\fakepath\\", b"x", "required", "请选择要上传的附件文件"),
    ];
    for (name, bytes, code, message) in cases {
        let err = w.app.add_assignment_file(&f.lead, id, name, "application/pdf", bytes).await.err();
        let Some(AppError::Invalid(invalid)) = &err else { anyhow::bail!("{name}: {err:?}") };
        let e = &invalid.errors[0];
        ensure!(e.field == "file" && e.code == code && e.message.contains(message), "{name}: {e:?}");
        ensure!(e.message.contains("附件"), "the message names the field: {}", e.message);
    }
    // Exactly the limit is allowed.
    let at_limit = vec![7u8; qingdan_app::MAX_ATTACHMENT_BYTES];
    ensure!(w.app.assignment_files(&f.lead, id).await?.is_empty(), "nothing saved");
    let file = w.app.add_assignment_file(&f.lead, id, "扫描件.pdf", "application/pdf", &at_limit).await?;
    ensure!(file.size == i64::try_from(at_limit.len())?);
    ensure!(w.app.assignment_files(&f.lead, id).await?.len() == 1);
    Ok(())
}

async fn files_tenant_isolation(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-09-28").await?;
    let w = &f.w;
    let id = w.app.create_assignment(&w.supervisor, &matter("整治河道", f.housing, &[])).await?;
    let file = w.app.add_assignment_file(&w.supervisor, id, "批示件.pdf", "application/pdf", b"%PDF-1.7").await?;
    let stranger = w.stranger(Role::Supervisor).await?;
    let err = w.app.assignment_file(&stranger, id, file.id).await.err();
    ensure!(matches!(err, Some(AppError::NotFound(_))), "{err:?}");
    let err = w.app.assignment_files(&stranger, id).await.err();
    ensure!(matches!(err, Some(AppError::NotFound(_))), "{err:?}");
    let err = w.app.add_assignment_file(&stranger, id, "x.pdf", "application/pdf", b"x").await.err();
    ensure!(matches!(err, Some(AppError::NotFound(_))), "{err:?}");
    ensure!(w.app.assignment_files(&w.supervisor, id).await?.len() == 1, "the stranger added nothing");
    Ok(())
}

async fn files_after_close(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-09-28").await?;
    let w = &f.w;
    let id = w.app.create_assignment(&w.supervisor, &matter("整治河道", f.housing, &[f.finance])).await?;
    for (action, note) in
        [("sign_for", ""), ("deploy", "已部署"), ("feedback", "已反馈"), ("request_close", "已完成整治")]
    {
        w.app.transition_assignment(&f.lead, id, &step(action, note)).await?;
    }
    let close = TransitionInput { grade: "good".into(), ..step("accept_close", "") };
    let closed = w.app.transition_assignment(&w.supervisor, id, &close).await?;
    ensure!(closed.status == AssignmentStatus::Closed);
    for reporter in [&f.lead, &f.helper] {
        let err = w.app.add_assignment_file(reporter, id, "补充.pdf", "application/pdf", b"x").await.err();
        ensure!(matches!(err, Some(AppError::Forbidden)), "{err:?}");
    }
    ensure!(!w.app.assignment_detail(&f.lead, id).await?.may_upload_files);
    w.app.add_assignment_file(&w.supervisor, id, "销号材料.pdf", "application/pdf", b"%PDF").await?;
    let got = w.app.assignment_files(&f.lead, id).await?;
    ensure!(got.len() == 1 && got[0].name == "销号材料.pdf", "the lead org still reads them");
    Ok(())
}

/// The sweep decides lights in SQL (for speed, over every open matter at
/// once); the domain decides them in `Assignment::light_on`. Over matters in
/// every state and days before, on and after their yellow and due days —
/// forward, then backward (the ways back a change of dates can cause) — the
/// light the sweep stores is the one `light_on` gives.
async fn sweep_agrees_with_light_on(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-09-25").await?;
    let w = &f.w;
    let mut ids = Vec::new();
    for (title, steps) in [
        ("待签收", &[][..]),
        ("已签收", &["sign_for"][..]),
        ("已部署", &["sign_for", "deploy"][..]),
        ("已反馈", &["sign_for", "deploy", "feedback"][..]),
        ("申请办结", &["sign_for", "deploy", "feedback", "request_close"][..]),
    ] {
        let id = w.app.create_assignment(&w.supervisor, &matter(title, f.housing, &[])).await?;
        for action in steps {
            w.app.transition_assignment(&f.lead, id, &step(action, "按要求办理")).await?;
        }
        ids.push(id);
    }
    let closed = ids[4];
    w.app
        .transition_assignment(
            &w.supervisor,
            closed,
            &TransitionInput { grade: "good".into(), ..step("accept_close", "") },
        )
        .await?;
    let major = NewAssignmentInput { is_major: true, ..matter("重大事项", f.housing, &[]) };
    ids.push(w.app.create_assignment(&w.supervisor, &major).await?);
    ids.push(w.app.create_assignment(&w.supervisor, &matter("申请办结未审", f.housing, &[])).await?);
    for action in ["sign_for", "deploy", "feedback", "request_close"] {
        w.app.transition_assignment(&f.lead, ids[6], &step(action, "按要求办理")).await?;
    }

    let first = d("2026-09-25");
    let days: Vec<NaiveDate> = (0..60).map(|n| first + chrono::Days::new(n)).collect();
    let mut checked = 0;
    for day in days.iter().chain(days.iter().rev().step_by(7)) {
        let mut expected = Vec::new();
        for id in &ids {
            expected.push(w.app.assignment(&w.supervisor, *id).await?.light_on(*day));
        }
        w.app.sweep_assignments(w.tenant, *day).await?;
        for (id, want) in ids.iter().zip(expected) {
            let got = w.app.assignment(&w.supervisor, *id).await?.light;
            ensure!(got == want, "matter {id} on {day}: the sweep stored {got:?}, light_on says {want:?}");
            checked += 1;
        }
    }
    ensure!(checked == ids.len() * (60 + 9), "{checked} cases");
    Ok(())
}
