//! Accounts, on SQLite and on PostgreSQL: a user changes their own password
//! under the level-3 rules and not to a recent one; an admin resets one (the
//! user must change it first), edits, moves, disables and re-enables users;
//! orgs are renamed, disabled and merged and keep their history; nobody but
//! the tenant's admin may do any of it.

use anyhow::{Result, bail, ensure};
use qingdan_app::{App, AppError, Clock, OrgInput, SessionToken, SignInPolicy, UserEdit};
use qingdan_domain::{OrgId, Role, User};
use qingdan_testkit::{Backend, PASSWORD, World, on_both_engines};

on_both_engines! {
    a_user_changes_their_own_password_under_the_rules => own_password;
    a_reset_password_must_be_changed_before_anything_else => reset;
    an_admin_edits_moves_disables_and_enables_users => users;
    orgs_are_renamed_disabled_and_merged_keeping_their_history => orgs;
    only_the_tenants_admin_manages_accounts => permissions;
    a_password_older_than_the_policy_allows_must_be_changed => expiry;
    racing_edits_of_a_user_leave_a_true_trail => racing_user_edits;
}

fn code(r: Result<(), AppError>) -> String {
    match r {
        Ok(()) => "ok".into(),
        Err(AppError::Invalid(e)) => e.errors.iter().map(|f| f.code).collect::<Vec<_>>().join(","),
        Err(other) => format!("{other:?}"),
    }
}

async fn signed_in(w: &World, username: &str, password: &str) -> Result<(User, SessionToken)> {
    Ok(w.app.login(username, password).await?)
}

async fn own_password(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let org = w.org("市发改委").await?;
    w.user("fgw.wu", Role::Reporter, org).await?;
    let (wu, session) = signed_in(&w, "fgw.wu", PASSWORD).await?;
    let (_, elsewhere) = signed_in(&w, "fgw.wu", PASSWORD).await?;
    let change = |current: &'static str, new: &'static str| {
        let (app, wu, session) = (w.app.clone(), wu.clone(), session.clone());
        async move { code(app.change_own_password(&wu, &session, current, new).await) }
    };
    ensure!(change("Wrong#2026", "Xinmima#2026").await == "wrong", "the current password is asked for");
    ensure!(change(PASSWORD, "xinmima2026").await == "too_weak");
    ensure!(change(PASSWORD, "Fgw.wu#2026").await == "has_username");
    ensure!(change(PASSWORD, PASSWORD).await == "reused", "not the current one");
    ensure!(change(PASSWORD, "Xinmima#2026").await == "ok");
    ensure!(w.app.session_user(&session).await?.is_some(), "the session that changed it stays");
    ensure!(w.app.session_user(&elsewhere).await?.is_none(), "every other session ends");
    ensure!(w.app.login("fgw.wu", PASSWORD).await.is_err(), "the old password no longer opens");
    // The last five passwords may not come back; the sixth may.
    let mut current = "Xinmima#2026";
    for next in ["Second#2026", "Third#2026", "Fourth#2026", "Fifth#2026"] {
        ensure!(change_to(&w, &wu, &session, current, next).await? == "ok", "{current} → {next}");
        current = next;
    }
    ensure!(change_to(&w, &wu, &session, current, "Xinmima#2026").await? == "reused", "fifth back is recent");
    ensure!(change_to(&w, &wu, &session, current, PASSWORD).await? == "ok", "sixth back is not");
    Ok(())
}

async fn change_to(w: &World, user: &User, session: &SessionToken, from: &str, to: &str) -> Result<String> {
    Ok(code(w.app.change_own_password(user, session, from, to).await))
}

async fn reset(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let org = w.org("市发改委").await?;
    let wu = w.user("fgw.wu", Role::Reporter, org).await?;
    let (_, before) = signed_in(&w, "fgw.wu", PASSWORD).await?;
    ensure!(
        matches!(w.app.reset_password(&w.admin, wu.id, "Linshi#2026").await, Err(AppError::Forbidden)),
        "三员: not the system admin's"
    );
    ensure!(code(w.app.reset_password(&w.security, wu.id, "short").await) == "bad_length");
    w.app.reset_password(&w.security, wu.id, "Linshi#2026").await?;
    ensure!(w.app.session_user(&before).await?.is_none(), "a reset ends the user's sessions");
    let (signed, session) = signed_in(&w, "fgw.wu", "Linshi#2026").await?;
    ensure!(signed.must_change_password, "the user must change it");
    ensure!(w.app.user(&w.security, wu.id).await?.must_change_password);
    w.app.change_own_password(&signed, &session, "Linshi#2026", "Xinmima#2026").await?;
    let now = w.app.session_user(&session).await?;
    ensure!(now.is_some_and(|u| !u.must_change_password), "changed, the user may work");
    let actions = audit_actions(&w, "user", wu.id.0).await?;
    ensure!(
        actions.contains(&"reset_password".to_owned()) && actions.contains(&"set_password".to_owned()),
        "{actions:?}"
    );
    Ok(())
}

async fn audit_actions(w: &World, entity: &str, id: i64) -> Result<Vec<String>> {
    Ok(w.app.store().audit_trail(w.tenant, entity, id).await?.into_iter().map(|e| e.action).collect())
}

/// Six edits of one user at once (name and org): each is saved, and the
/// trail records each against what the one before it left: every event's
/// `before` is the `after` of the event before it, the last one what the
/// user now is.
async fn racing_user_edits(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let orgs = [w.org("市发改委").await?, w.org("市住建局").await?, w.org("市教育局").await?];
    let wu = w.user("fgw.wu", Role::Reporter, orgs[0]).await?;
    let mut editing = tokio::task::JoinSet::new();
    for i in 0..6 {
        let edit = UserEdit { display_name: format!("吴{i}"), role: "reporter".into(), org_id: orgs[i % 3].0 };
        let (app, admin) = (w.app.clone(), w.admin.clone());
        editing.spawn(async move { app.update_user(&admin, wu.id, &edit).await });
    }
    while let Some(done) = editing.join_next().await {
        done??;
    }
    let trail = w.app.store().audit_trail(w.tenant, "user", wu.id.0).await?;
    let updates: Vec<_> = trail.iter().filter(|e| e.action == "update").collect();
    ensure!(updates.len() == 6, "{} updates", updates.len());
    let json = |text: &Option<String>| -> Result<serde_json::Value> {
        Ok(serde_json::from_str(text.as_deref().unwrap_or("null"))?)
    };
    for pair in updates.windows(2) {
        ensure!(json(&pair[1].before)? == json(&pair[0].after)?, "{:?} follows {:?}", pair[1].before, pair[0].after);
    }
    let now = w.app.user(&w.admin, wu.id).await?;
    let last = json(&updates[5].after)?;
    ensure!(last["display_name"] == now.display_name.as_str() && last["org_id"] == now.org_id.0, "{last} is {now:?}");
    Ok(())
}

async fn users(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let (reform, housing) = (w.org("市发改委").await?, w.org("市住建局").await?);
    let wu = w.user("fgw.wu", Role::Reporter, reform).await?;
    let plan = w.plan().await?;
    let task = w.task(plan, "新建保障性住房800套", housing, &[], None).await?;
    ensure!(!matches!(w.app.task_detail(&wu, task).await, Ok(d) if d.can_report), "not yet his to report");

    let moved = UserEdit { display_name: "吴住建".into(), role: "reporter".into(), org_id: housing.0 };
    let edited = w.app.update_user(&w.admin, wu.id, &moved).await?.user;
    ensure!(edited.org_id == housing && edited.display_name == "吴住建");
    let (wu, session) = signed_in(&w, "fgw.wu", PASSWORD).await?;
    ensure!(w.app.task_detail(&wu, task).await?.can_report, "moved to 住建局, he reports its task");
    let blank = UserEdit { display_name: " ".into(), role: "boss".into(), org_id: 999_999 };
    let refused = code(w.app.update_user(&w.admin, wu.id, &blank).await.map(|_| ()));
    ensure!(refused == "required,unknown,not_found", "{refused}");
    let promote = UserEdit { display_name: "吴住建".into(), role: "leader".into(), org_id: housing.0 };
    ensure!(
        code(w.app.update_user(&w.admin, wu.id, &promote).await.map(|_| ())) == "security_admin",
        "三员: roles are the security admin's"
    );
    let new_admin = qingdan_app::UserInput {
        username: "second.admin".into(),
        display_name: "二号管理员".into(),
        role: "audit_admin".into(),
        org_id: housing.0,
        password: PASSWORD.into(),
    };
    ensure!(code(w.app.create_user(&w.admin, &new_admin).await.map(|_| ())) == "security_admin", "nor grants one");
    ensure!(w.app.set_user_role(&w.security, wu.id, Role::Leader).await?.role == Role::Leader);
    ensure!(w.app.session_user(&session).await?.is_some_and(|u| u.role == Role::Leader), "the new role holds at once");
    w.app.set_user_role(&w.security, wu.id, Role::Reporter).await?;
    ensure!(
        code(w.app.set_user_role(&w.security, w.security.id, Role::Admin).await.map(|_| ())) == "own",
        "not one's own"
    );
    ensure!(matches!(w.app.set_user_role(&w.admin, wu.id, Role::Leader).await, Err(AppError::Forbidden)));

    w.app.set_user_active(&w.admin, wu.id, false).await?;
    ensure!(w.app.session_user(&session).await?.is_none(), "disabling ends the sessions");
    ensure!(matches!(w.app.login("fgw.wu", PASSWORD).await, Err(AppError::LoginFailed)), "and sign-in");
    ensure!(matches!(w.app.set_user_active(&w.admin, w.admin.id, false).await, Err(AppError::Conflict(_))));
    w.app.set_user_active(&w.admin, wu.id, true).await?;
    ensure!(w.app.login("fgw.wu", PASSWORD).await.is_ok(), "enabled again, he signs in");
    // 三员分立: the administrators' own accounts are the security administrator's to disable.
    for admin in [&w.auditor, &w.security] {
        ensure!(
            matches!(w.app.set_user_active(&w.admin, admin.id, false).await, Err(AppError::Conflict(_))),
            "the system administrator may not disable {}",
            admin.username
        );
        ensure!(w.app.user(&w.security, admin.id).await?.is_active, "{} stays active", admin.username);
    }
    w.app.set_user_active(&w.security, w.auditor.id, false).await?;
    ensure!(!w.app.user(&w.security, w.auditor.id).await?.is_active, "the security administrator disables the auditor");
    w.app.set_user_active(&w.security, w.auditor.id, true).await?;
    ensure!(matches!(w.app.set_user_active(&w.security, w.security.id, false).await, Err(AppError::Conflict(_))));
    let actions = audit_actions(&w, "user", wu.id.0).await?;
    ensure!(["update", "disable", "enable"].iter().all(|a| actions.iter().any(|x| x == a)), "{actions:?}");
    Ok(())
}

async fn orgs(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let (old, new, third) = (w.org("市商务局").await?, w.org("市商务和投资促进局").await?, w.org("市财政局").await?);
    let clerk = w.user("swj.cao", Role::Reporter, old).await?;
    let plan = w.plan().await?;
    let led = w.task(plan, "新增外资企业20家", old, &[third], None).await?;
    let shared = w.task(plan, "社会消费品零售总额增长6%", third, &[old, new], None).await?;

    let rename =
        OrgInput {
            name: "市商务局（口岸办）".into(), kind: "department".into(), parent_id: None, sort_order: Some(3)
        };
    ensure!(w.app.update_org(&w.admin, old, &rename).await?.name == "市商务局（口岸办）");
    let taken = OrgInput { name: "市财政局".into(), ..rename.clone() };
    ensure!(w.app.update_org(&w.admin, old, &taken).await.is_err(), "a name taken by another org is refused");
    let own_parent = OrgInput { parent_id: Some(old.0), ..rename.clone() };
    ensure!(code(w.app.update_org(&w.admin, old, &own_parent).await.map(|_| ())) == "self");

    let (users, tasks) = w.app.merge_org(&w.admin, old, new).await?;
    ensure!((users, tasks) == (1, 1), "one user and one led task moved: {users} {tasks}");
    ensure!(w.app.user(&w.admin, clerk.id).await?.org_id == new);
    ensure!(w.app.task(&w.supervisor, led).await?.task.responsibility.lead_org_id == Some(new));
    let supporting = w.app.task(&w.supervisor, shared).await?.task.responsibility.supporting_org_ids;
    ensure!(supporting == [new], "both supported: one row stays: {supporting:?}");
    let merged = w.app.org(&w.admin, old).await?;
    ensure!(!merged.is_active && merged.name == "市商务局（口岸办）", "the old org stays, disabled: {merged:?}");
    let input = |org: OrgId| qingdan_app::UserInput {
        username: "swj.new".into(),
        display_name: "新人".into(),
        role: "reporter".into(),
        org_id: org.0,
        password: PASSWORD.into(),
    };
    ensure!(code(w.app.create_user(&w.admin, &input(old)).await.map(|_| ())) == "disabled", "no one joins it");
    ensure!(code(w.app.merge_org(&w.admin, third, old).await.map(|_| ())) == "disabled", "nor merges into it");
    w.app.set_org_active(&w.admin, third, false).await?;
    ensure!(!w.app.org(&w.admin, third).await?.is_active);
    w.app.set_org_active(&w.admin, third, true).await?;
    ensure!(w.app.create_user(&w.admin, &input(third)).await.is_ok(), "enabled again, it takes people");
    ensure!(audit_actions(&w, "org", old.0).await?.iter().any(|a| a == "merge"), "the merge is audited");
    Ok(())
}

async fn permissions(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let org = w.org("市发改委").await?;
    let wu = w.user("fgw.wu", Role::Reporter, org).await?;
    let other = w.stranger(Role::Admin).await?;
    let other_security = w.stranger(Role::SecurityAdmin).await?;
    for who in [&wu, &w.supervisor, &w.admin, &w.auditor] {
        ensure!(
            matches!(w.app.reset_password(who, wu.id, "Linshi#2026").await, Err(AppError::Forbidden)),
            "{}",
            who.username
        );
        ensure!(matches!(w.app.unlock(who, "user:fgw.wu").await, Err(AppError::Forbidden)), "{}", who.username);
    }
    ensure!(matches!(w.app.reset_password(&other_security, wu.id, "Linshi#2026").await, Err(AppError::NotFound(_))));
    let edit = UserEdit { display_name: "改名".into(), role: "reporter".into(), org_id: org.0 };
    for (who, expect) in [
        (&wu, "forbidden"),
        (&w.supervisor, "forbidden"),
        (&w.security, "forbidden"),
        (&w.auditor, "forbidden"),
        (&other, "not_found"),
    ] {
        let outcomes = [
            w.app.update_user(who, wu.id, &edit).await.map(|_| ()),
            w.app.set_user_active(who, wu.id, false).await,
            w.app.set_org_active(who, org, false).await,
            w.app.merge_org(who, org, w.admin.org_id).await.map(|_| ()),
        ];
        for outcome in outcomes {
            match (outcome, expect) {
                (Err(AppError::Forbidden), "forbidden") | (Err(AppError::NotFound(_)), "not_found") => {}
                (other, _) => bail!("{}: {other:?}", who.username),
            }
        }
    }
    let still = w.app.user(&w.admin, wu.id).await?;
    ensure!(still.is_active && still.display_name == "fgw.wu" && still.role == Role::Reporter, "{still:?}");
    ensure!(w.app.login("fgw.wu", PASSWORD).await.is_ok(), "the password is unchanged");
    Ok(())
}

async fn expiry(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-01-10").await?;
    let org = w.org("市发改委").await?;
    w.user("fgw.wu", Role::Reporter, org).await?;
    let policy = SignInPolicy { password_max_days: 90, ..SignInPolicy::default() };
    let on = |day: &'static str| {
        let url = w.db.url.clone();
        async move { anyhow::Ok(App::open(&url, Clock::fixed_on(day.parse()?)).await?.with_sign_in_policy(policy)) }
    };
    let (first, _) = on("2026-01-10").await?.login("fgw.wu", PASSWORD).await?;
    ensure!(!first.must_change_password, "the first sign-in starts the password's clock");
    let (day89, _) = on("2026-04-09").await?.login("fgw.wu", PASSWORD).await?;
    ensure!(!day89.must_change_password, "89 days old: still good");
    let app = on("2026-04-11").await?;
    let (day91, session) = app.login("fgw.wu", PASSWORD).await?;
    ensure!(day91.must_change_password, "91 days old: must be changed");
    ensure!(app.session_user(&session).await?.is_some_and(|u| u.must_change_password), "held on 修改密码");
    app.change_own_password(&day91, &session, PASSWORD, "Xinmima#2026").await?;
    let (next, _) = on("2026-04-12").await?.login("fgw.wu", "Xinmima#2026").await?;
    ensure!(!next.must_change_password, "a new password starts a new clock");
    let (never, _) = w.app.login("fgw.wu", "Xinmima#2026").await?;
    ensure!(!never.must_change_password, "without the policy nothing expires");
    Ok(())
}
