//! The 督办 scheduler on both engines, with a clock the test sets and process
//! restarts (a new `App` over the same database): each light change is
//! reminded once through the outbox — not missed when a pass dies after its
//! sweep, not repeated when passes run again.

use anyhow::{Result, ensure};
use axum::Router;
use axum::extract::{Json, State};
use axum::routing::post;
use chrono::NaiveDate;
use qingdan_app::supervision::SupervisionPass;
use qingdan_app::{App, ChannelInput, Clock, Message, NewAssignmentInput};
use qingdan_domain::{OrgId, Role};
use qingdan_testkit::{Backend, World, on_both_engines};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

on_both_engines! {
    each_light_change_is_reminded_once_across_crashes_and_restarts => reminded_once;
    a_tenant_without_channels_still_marks_its_changes => no_channels;
    many_reminders_are_queued_in_batches_once_per_event_and_channel => many;
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap_or(NaiveDate::MIN)
}

/// A WeCom robot on 127.0.0.1 that keeps the bodies it receives.
async fn robot() -> Result<(String, Arc<Mutex<Vec<Value>>>)> {
    let seen: Arc<Mutex<Vec<Value>>> = Arc::default();
    async fn take(State(seen): State<Arc<Mutex<Vec<Value>>>>, Json(body): Json<Value>) -> Json<Value> {
        if let Ok(mut s) = seen.lock() {
            s.push(body);
        }
        Json(json!({"errcode": 0, "errmsg": "ok"}))
    }
    let router = Router::new().route("/cgi-bin/webhook/send", post(take)).with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/cgi-bin/webhook/send?key=k1", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok((url, seen))
}

fn texts(seen: &Arc<Mutex<Vec<Value>>>) -> Vec<String> {
    let bodies = seen.lock().map(|s| s.clone()).unwrap_or_default();
    bodies
        .iter()
        .map(|b| b["markdown"]["content"].as_str().or(b["text"]["content"].as_str()).unwrap_or("").to_owned())
        .collect()
}

fn matter(lead: OrgId) -> NewAssignmentInput {
    NewAssignmentInput {
        title: "城区积水点整治".into(),
        source: "leader_instruction".into(),
        text: "请抓紧整治城区积水点，按13710要求反馈。".into(),
        lead_org_id: Some(lead.0),
        leader_name: "王副市长".into(),
        ..NewAssignmentInput::default()
    }
}

async fn reminded_once(backend: Backend) -> Result<()> {
    // Friday 2026-09-25 (Mid-Autumn holiday): signing for is due Monday 09-28.
    let w = World::new(backend, "2026-09-25").await?;
    let water = w.org("市水务局").await?;
    w.user("water", Role::Reporter, water).await?;
    let (url, seen) = robot().await?;
    let channel = ChannelInput {
        kind: "wecom".into(),
        name: "督查群".into(),
        webhook: url,
        enabled: true,
        ..ChannelInput::default()
    };
    w.app.create_notification_channel(&w.admin, &channel).await?;
    w.app.create_assignment(&w.supervisor, &matter(water)).await?;
    // The new matter is told at once (交办, to sign for).
    ensure!(w.app.deliver_notifications().await?.sent == 1);
    ensure!(texts(&seen).first().is_some_and(|t| t.contains("督办交办")), "{:?}", texts(&seen));
    // Each day a new process, which may reach the test's receiver on loopback.
    let on = |day: &str| {
        let (url, day) = (w.db.url.clone(), d(day));
        async move {
            App::open(&url, Clock::fixed_on(day)).await.map(|a| a.with_network_policy(qingdan_testkit::loopback()))
        }
    };

    let friday = w.app.supervise(w.tenant).await?;
    ensure!(friday == SupervisionPass::default(), "nothing due yet: {friday:?}");

    // Monday: due today, yellow; one reminder queued and sent.
    let monday = on("2026-09-28").await?;
    let pass = monday.supervise(w.tenant).await?;
    ensure!(pass == SupervisionPass { changed: 1, reminded: 1, queued: 1 }, "{pass:?}");
    ensure!(monday.deliver_notifications().await?.sent == 1);
    let sent = texts(&seen);
    ensure!(sent.len() == 2 && sent[1].contains("督办提醒") && sent[1].contains("签收"), "{sent:?}");

    // Tuesday: a pass sweeps (red) and the process dies before it reminds.
    let tuesday = on("2026-09-29").await?;
    ensure!(tuesday.sweep_assignments(w.tenant, d("2026-09-29")).await?.len() == 1);
    drop(tuesday);
    // Restarted: the change is found and reminded, not missed.
    let restarted = on("2026-09-29").await?;
    let pass = restarted.supervise(w.tenant).await?;
    ensure!(pass == SupervisionPass { changed: 0, reminded: 1, queued: 1 }, "{pass:?}");
    ensure!(restarted.deliver_notifications().await?.sent == 1);
    let sent = texts(&seen);
    ensure!(sent.len() == 3 && sent[2].contains("红灯") && sent[2].contains("市水务局"), "{sent:?}");

    // Restarted again the same day, and a day later: nothing is sent twice.
    for day in ["2026-09-29", "2026-09-30"] {
        let again = on(day).await?;
        ensure!(again.supervise(w.tenant).await? == SupervisionPass::default(), "{day}");
        ensure!(again.deliver_notifications().await?.sent == 0, "{day}");
    }
    ensure!(texts(&seen).len() == 3);
    Ok(())
}

async fn no_channels(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-09-25").await?;
    let water = w.org("市水务局").await?;
    w.app.create_assignment(&w.supervisor, &matter(water)).await?;
    let monday = App::open(&w.db.url, Clock::fixed_on(d("2026-09-28"))).await?;
    let pass = monday.supervise_all().await?;
    ensure!(pass == SupervisionPass { changed: 1, reminded: 1, queued: 0 }, "{pass:?}");
    ensure!(monday.light_changes_to_notify(w.tenant, 10).await?.is_empty(), "marked even with nowhere to send");
    Ok(())
}

async fn many(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-09-25").await?;
    for name in ["督查群", "领导群"] {
        let webhook = "http://127.0.0.1:9/cgi-bin/webhook/send?key=k".to_owned();
        let channel =
            ChannelInput { kind: "wecom".into(), name: name.into(), webhook, enabled: true, ..ChannelInput::default() };
        w.app.create_notification_channel(&w.admin, &channel).await?;
    }
    let events: Vec<(String, Message)> =
        (0..1203).map(|i| (format!("assignment-light:{i}"), Message::new(format!("提醒{i}"), "请办理"))).collect();
    ensure!(w.app.notify_many(w.tenant, &events).await? == 2406, "every event on both channels");
    ensure!(w.app.notify_many(w.tenant, &events[1000..]).await? == 0, "queued once");
    let rows = w.app.notification_outbox(&w.admin, 500).await?;
    ensure!(rows.iter().any(|r| r.title == "提醒1202"), "the last batch's rows carry their own text");
    Ok(())
}
