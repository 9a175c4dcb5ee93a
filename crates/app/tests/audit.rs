//! The audit trail (等保2.0 安全审计) and the 三员's duties, on SQLite and on
//! PostgreSQL: writers racing each other leave one unbroken chain; a row
//! edited, removed or unchained behind the app's back is named by the
//! verifier; PostgreSQL refuses UPDATE and DELETE on audit rows; an archive
//! joins the chain and younger rows are never archived; SM3 chains as well
//! as SHA-256; only the audit administrator reads and exports the trail,
//! and the export is itself recorded; the security administrator's policy
//! takes effect and locks lift on their word.

use anyhow::{Result, bail, ensure};
use qingdan_app::audit::AuditFilter;
use qingdan_app::{App, AppError, BulkTaskInput, Clock, OrgInput, PolicyInput, TaskInput};
use qingdan_domain::{HashAlg, Outcome, Role};
use qingdan_testkit::{Backend, PASSWORD, World, on_both_engines};

on_both_engines! {
    racing_writers_leave_one_unbroken_chain => race;
    an_edited_or_removed_row_is_named_by_the_verifier => tamper;
    an_archive_joins_the_chain_and_young_rows_stay => archive;
    sm3_chains_as_well_as_sha256 => sm3;
    only_the_audit_administrator_reads_and_exports_the_trail => auditor;
    the_security_administrators_policy_locks_and_unlocks => policy;
    sign_ins_at_once_keep_no_more_sessions_than_the_policy_allows => sessions_at_once;
}

fn org_input(name: &str) -> OrgInput {
    OrgInput { name: name.into(), kind: "department".into(), parent_id: None, sort_order: None }
}

/// Every seq from 1 to the head, each once, in the database.
async fn seqs(w: &World) -> Result<Vec<i64>> {
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let page = w.app.store().audit_chain_page(after, 1000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        all.extend(page.iter().map(|r| r.seq));
    }
    Ok(all)
}

async fn race(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let plan = w.plan().await?;
    let before = seqs(&w).await?.len();
    // Eight writers at once, each creating orgs (a change and its audit row
    // in one transaction) and failing sign-ins (an access row of its own).
    let mut writers = tokio::task::JoinSet::new();
    for writer in 0..8 {
        let app = w.app.clone();
        let admin = w.admin.clone();
        writers.spawn(async move {
            for i in 0..6 {
                app.create_org(&admin, &org_input(&format!("单位{writer}-{i}"))).await?;
                let _ = app.login_from("supervisor", "Cuowu#0000", None).await;
            }
            anyhow::Ok(())
        });
    }
    // And one writer whose transactions each record three events (a bulk creation).
    let (app, supervisor) = (w.app.clone(), w.supervisor.clone());
    writers.spawn(async move {
        for round in 0..6 {
            let items: Vec<BulkTaskInput> = (0..3)
                .map(|i| BulkTaskInput {
                    task: TaskInput {
                        title: format!("任务{round}-{i}"),
                        deadline: "2026-12-31".into(),
                        ..TaskInput::default()
                    },
                    parent_ref: None,
                })
                .collect();
            app.create_tasks(&supervisor, plan, &items).await?;
        }
        anyhow::Ok(())
    });
    while let Some(done) = writers.join_next().await {
        done??;
    }
    let seqs = seqs(&w).await?;
    // Recomputed independently of the verifier: 48 orgs, 18 tasks, and for
    // the 48 sign-ins a failure or (once locked) a refusal each, plus the locks.
    let orgs = w.app.orgs(&w.admin).await?.len();
    let sessions = w.app.store().audit_trail(w.tenant, "session", w.supervisor.id.0).await?;
    let attempts = sessions.iter().filter(|e| e.action != "locked").count();
    ensure!(orgs == 49 && attempts == 48, "{orgs} orgs, {attempts} attempts");
    ensure!(seqs.len() == before + 48 + 18 + sessions.len(), "{} rows after {before}", seqs.len());
    ensure!(seqs.iter().copied().eq(1..=seqs.len() as i64), "seqs run from 1 with no gap or repeat");
    let report = w.app.verify_audit(&w.auditor).await?;
    ensure!(report.is_intact() && report.rows == seqs.len() as u64, "{report:?}");
    let head = w.app.store().audit_chain_head().await?;
    ensure!(report.head.as_deref() == Some(head.hash.as_str()) && head.seq == seqs.len() as i64);
    Ok(())
}

async fn tamper(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    for i in 0..5 {
        w.app.create_org(&w.admin, &org_input(&format!("单位{i}"))).await?;
    }
    ensure!(w.app.verify_audit(&w.auditor).await?.is_intact());
    let target = w.app.store().audit_chain_page(3, 1).await?.remove(0);
    let edit = format!("UPDATE audit_events SET after_json = '{{\"name\":\"改过\"}}' WHERE seq = {}", target.seq);
    if backend == Backend::Postgres {
        // The application's role cannot change an audit row…
        let refused = w.db.execute_raw(&edit).await;
        ensure!(refused.is_err_and(|e| format!("{e:#}").contains("append-only")), "UPDATE is refused");
        let refused = w.db.execute_raw("DELETE FROM audit_events WHERE seq = 1").await;
        ensure!(refused.is_err(), "DELETE is refused");
        ensure!(w.app.verify_audit(&w.auditor).await?.is_intact(), "and nothing changed");
        // …and one who lifts the trigger as the tables' owner is still caught.
        let lifted = format!(
            "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change; {edit}; \
             ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change"
        );
        w.db.execute_raw(&lifted).await?;
    } else {
        ensure!(w.db.execute_raw(&edit).await? == 1);
    }
    let report = w.app.verify_audit(&w.auditor).await?;
    let broken = report.broken.clone().ok_or_else(|| anyhow::anyhow!("the edit went unseen"))?;
    ensure!(broken.seq == target.seq && broken.id == target.id, "{broken}");
    ensure!(broken.reason.contains("被修改") && report.rows == (target.seq - 1) as u64, "{broken} {report:?}");

    // A removed row is a gap at the row after it.
    let w = World::new(backend, "2026-07-01").await?;
    for i in 0..5 {
        w.app.create_org(&w.admin, &org_input(&format!("单位{i}"))).await?;
    }
    let unlock = if backend == Backend::Postgres {
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change; "
    } else {
        ""
    };
    w.db.execute_raw(&format!("{unlock}DELETE FROM audit_events WHERE seq = 2")).await?;
    let broken = w.app.verify_audit(&w.auditor).await?.broken.ok_or_else(|| anyhow::anyhow!("unseen"))?;
    ensure!(broken.seq == 3 && broken.reason.contains("缺少第2至2号"), "{broken}");
    // The last row removed: the head says it was there.
    let w = World::new(backend, "2026-07-01").await?;
    w.app.create_org(&w.admin, &org_input("单位")).await?;
    let last = w.app.store().audit_chain_head().await?.seq;
    w.db.execute_raw(&format!("{unlock}DELETE FROM audit_events WHERE seq = {last}")).await?;
    let broken = w.app.verify_audit(&w.auditor).await?.broken.ok_or_else(|| anyhow::anyhow!("unseen"))?;
    ensure!(broken.reason.contains("末尾记录被删除"), "{broken}");
    Ok(())
}

async fn archive(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-01-05").await?;
    for i in 0..4 {
        w.app.create_org(&w.admin, &org_input(&format!("单位{i}"))).await?;
    }
    let old = seqs(&w).await?.len();
    // Seven months on, one more change.
    let later = App::new(w.app.store().clone(), Clock::fixed_on("2026-08-10".parse()?));
    later.create_org(&w.admin, &org_input("新单位")).await?;
    let refused = later.audit_rows_to_archive("2026-03-01".parse()?, 180).await;
    ensure!(matches!(refused, Err(AppError::Invalid(_))), "rows younger than 180 days stay: {refused:?}");
    let refused = later.audit_rows_to_archive("2026-02-01".parse()?, 200).await;
    ensure!(matches!(refused, Err(AppError::Invalid(_))), "and younger than a longer configured retention");
    let rows = later.audit_rows_to_archive("2026-02-01".parse()?, 180).await?;
    ensure!(rows.len() == old && rows[0].seq == 1, "the January rows, from the first: {}", rows.len());
    let deleted = later.finish_audit_archive(&rows, "feedface").await?;
    ensure!(deleted == old as u64);
    ensure!(later.store().audit_chain_page(0, 1).await?[0].seq == old as i64 + 1, "they left the database");
    // With the archive the chain verifies from its first row; without, from the database's first.
    let whole = later.verify_audit_chain(rows.clone()).await?;
    ensure!(whole.is_intact() && whole.rows == old as u64 + 2, "{whole:?}");
    let rest = later.verify_audit(&w.auditor).await?;
    ensure!(rest.is_intact() && rest.rows == 2, "the new org and the archive's own record: {rest:?}");
    // An archive edited afterwards is caught.
    let mut forged = rows.clone();
    forged[1].event.action = "nothing".into();
    let broken = later.verify_audit_chain(forged).await?.broken.ok_or_else(|| anyhow::anyhow!("unseen"))?;
    ensure!(broken.seq == 2, "{broken}");
    let trail = later.store().audit_trail(w.tenant, "audit", rows[old - 1].seq).await?;
    ensure!(trail.iter().any(|e| e.action == "archive" && e.after.as_deref().is_some_and(|a| a.contains("feedface"))));
    Ok(())
}

async fn sm3(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    w.app.create_org(&w.admin, &org_input("甲")).await?;
    w.app.set_audit_hash(HashAlg::Sm3).await?;
    w.app.create_org(&w.admin, &org_input("乙")).await?;
    let rows = seqs(&w).await?;
    let last = w.app.store().audit_chain_page(rows.len() as i64 - 1, 1).await?.remove(0);
    ensure!(last.alg == HashAlg::Sm3, "{:?}", last.alg);
    ensure!(w.app.store().audit_chain_page(0, 1).await?[0].alg == HashAlg::Sha256);
    ensure!(w.app.verify_audit(&w.auditor).await?.is_intact(), "a chain that changes hash midway verifies");
    Ok(())
}

async fn auditor(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let source = Some("10.1.2.3".parse()?);
    let _ = w.app.login_from("supervisor", "Cuowu#0000", source).await;
    w.app.login_from("supervisor", PASSWORD, source).await?;
    for who in [&w.admin, &w.security, &w.supervisor] {
        let refused = w.app.audit_events(who, &AuditFilter::default()).await;
        ensure!(matches!(refused, Err(AppError::Forbidden)), "{}", who.username);
        ensure!(matches!(w.app.verify_audit(who).await, Err(AppError::Forbidden)));
        ensure!(matches!(w.app.export_audit(who, &AuditFilter::default(), None).await, Err(AppError::Forbidden)));
    }
    let filter = AuditFilter { action: "sign_in_failed".into(), ..Default::default() };
    let page = w.app.audit_events(&w.auditor, &filter).await?;
    ensure!(page.rows.len() == 1, "{:?}", page.rows);
    let failed = &page.rows[0].event;
    ensure!(failed.outcome == Outcome::Failed && failed.source.as_deref() == Some("10.1.2.3"), "{failed:?}");
    ensure!(failed.user_id == Some(w.supervisor.id));
    let by_source = AuditFilter { source: "10.1.".into(), outcome: "ok".into(), ..Default::default() };
    let rows = w.app.audit_events(&w.auditor, &by_source).await?.rows;
    ensure!(rows.len() == 1 && rows[0].event.action == "sign_in", "{rows:?}");
    let bad = AuditFilter { from: "昨天".into(), ..Default::default() };
    let refused = w.app.audit_events(&w.auditor, &bad).await;
    ensure!(matches!(&refused, Err(AppError::Invalid(e)) if e.errors[0].field == "from"), "{refused:?}");

    let bytes = w.app.export_audit(&w.auditor, &AuditFilter::default(), source).await?;
    let sheet = qingdan_office::read_xlsx_rows(&bytes)?;
    ensure!(sheet[1][0] == "序号" && sheet[1][6] == "操作", "{:?}", sheet[1]);
    ensure!(sheet.iter().any(|r| r[6] == "登录失败" && r[3] == "10.1.2.3" && r[7] == "失败"), "{sheet:?}");
    let exports = AuditFilter { action: "download".into(), ..Default::default() };
    let rows = w.app.audit_events(&w.auditor, &exports).await?.rows;
    ensure!(rows.len() == 1 && rows[0].event.user_id == Some(w.auditor.id), "the export is itself recorded");
    // The auditor reads nothing of the list.
    let plan = w.plan().await?;
    ensure!(matches!(w.app.plan(&w.auditor, plan).await, Err(AppError::Forbidden)));
    ensure!(matches!(w.app.plans(&w.admin).await, Err(AppError::Forbidden)));
    Ok(())
}

async fn policy(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let strict = PolicyInput {
        max_failures: "2".into(),
        lock_minutes: "30".into(),
        idle_minutes: "10".into(),
        max_sessions: "1".into(),
        password_max_days: "90".into(),
    };
    for who in [&w.admin, &w.auditor, &w.supervisor] {
        ensure!(matches!(w.app.set_sign_in_policy(who, &strict).await, Err(AppError::Forbidden)));
        ensure!(matches!(w.app.locks(who).await, Err(AppError::Forbidden)));
    }
    let bad = PolicyInput { max_failures: "0".into(), idle_minutes: "十".into(), ..strict.clone() };
    match w.app.set_sign_in_policy(&w.security, &bad).await {
        Err(AppError::Invalid(e)) => {
            let fields: Vec<&str> = e.errors.iter().map(|f| f.field.as_str()).collect();
            ensure!(fields == ["max_failures", "idle_minutes"], "{fields:?}");
        }
        other => bail!("{other:?}"),
    }
    let set = w.app.set_sign_in_policy(&w.security, &strict).await?;
    ensure!(set.max_failures == 2 && set.password_max_days == 90);
    ensure!(w.app.sign_in_policy().await? == set, "in force at once");
    // Another process reads it from the database.
    let other = App::new(w.app.store().clone(), Clock::fixed_on(w.today));
    ensure!(other.sign_in_policy().await? == set);
    let office = Some("10.9.9.9".parse()?);
    for _ in 0..2 {
        let _ = w.app.login_from("supervisor", "Cuowu#0000", office).await;
    }
    let locked = w.app.login_from("supervisor", PASSWORD, None).await;
    ensure!(matches!(locked, Err(AppError::Locked(_))), "two failures lock now: {locked:?}");
    // The account is locked, not its address (ten accounts' worth lock an address).
    let locks = w.app.locks(&w.security).await?;
    ensure!(locks.len() == 1 && locks[0].key == "user:supervisor" && locks[0].failures == 2, "{locks:?}");
    w.app.login_from("admin", PASSWORD, office).await?;
    w.app.unlock(&w.security, "user:supervisor").await?;
    ensure!(w.app.locks(&w.security).await?.is_empty());
    w.app.login_from("supervisor", PASSWORD, None).await?;
    let changes = w.app.store().audit_trail(w.tenant, "setting", 0).await?;
    ensure!(changes.len() == 1 && changes[0].after.as_deref().is_some_and(|a| a.contains("\"max_failures\":2")));
    ensure!(!w.app.store().audit_trail(w.tenant, "sign_in_lock", 0).await?.is_empty(), "the unlock is audited");
    let role = Role::from_code("audit_admin");
    ensure!(role.is_some_and(Role::is_administrator));
    Ok(())
}

/// With at most two sessions a user: six sessions of one user opened at the
/// same moment, three times over, leave exactly two; and with one, a second
/// sign-in ends the first at once, though the first was just used (cached).
async fn sessions_at_once(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let noon = Clock::fixed_on(w.today).now();
    let mut hashes = Vec::new();
    for round in 0..3 {
        let mut opening = tokio::task::JoinSet::new();
        for i in 0..6 {
            let (store, hash) = (w.app.store().clone(), format!("session-hash-{round}-{i}"));
            let at = noon + chrono::Duration::seconds(round * 10 + i);
            hashes.push(hash.clone());
            let (tenant, user) = (w.tenant, w.supervisor.id);
            opening.spawn(async move {
                store.open_session(&hash, tenant, user, at + chrono::Duration::hours(8), at, 2).await
            });
        }
        while let Some(done) = opening.join_next().await {
            done??;
        }
        let mut open = 0;
        for hash in &hashes {
            open +=
                usize::from(w.app.store().session_user(hash, noon, noon - chrono::Duration::hours(1)).await?.is_some());
        }
        ensure!(open == 2, "round {round}: {open} sessions open");
    }

    let one = PolicyInput {
        max_failures: "5".into(),
        lock_minutes: "15".into(),
        idle_minutes: "30".into(),
        max_sessions: "1".into(),
        password_max_days: "0".into(),
    };
    w.app.set_sign_in_policy(&w.security, &one).await?;
    let (_, first) = w.app.login("supervisor", PASSWORD).await?;
    ensure!(w.app.session_user(&first).await?.is_some(), "the first session opens pages");
    let (_, second) = w.app.login("supervisor", PASSWORD).await?;
    ensure!(w.app.session_user(&second).await?.is_some());
    ensure!(w.app.session_user(&first).await?.is_none(), "the first session ended with the second sign-in");
    Ok(())
}
