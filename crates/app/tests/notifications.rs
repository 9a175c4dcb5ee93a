//! 消息通道 and the outbox on both engines, against a robot receiver on
//! 127.0.0.1: each event is sent once, across a restart too; a refused send is
//! retried later; a send cut off mid-way is never repeated; only admins see
//! or change channels; nothing crosses tenants.

use anyhow::{Context, Result, bail, ensure};
use axum::Router;
use axum::extract::{Json, RawQuery, State};
use axum::routing::post;
use chrono::Duration;
use qingdan_app::{App, AppError, ChannelId, ChannelInput, Clock, Message, OutboxStatus};
use qingdan_domain::{Role, TenantId, User};
use qingdan_testkit::{Backend, World, on_both_engines};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

on_both_engines! {
    the_same_event_enqueued_twice_is_one_row_and_is_sent_once => sent_once;
    after_a_restart_the_same_event_sends_nothing_more => restart;
    a_send_cut_off_by_a_crash_is_marked_unknown_and_never_repeated => crash_mid_send;
    a_refused_send_is_retried_later_and_then_succeeds => retry_then_success;
    an_unrecognised_answer_is_not_retried => unknown_outcome;
    disabled_channels_get_nothing => disabled_channel;
    only_an_admin_sees_or_changes_channels => admin_only;
    channels_and_messages_stay_in_their_tenant => tenant_isolation;
    secrets_are_masked_and_kept_when_left_empty => secrets;
    bad_channel_input_names_each_field => bad_input;
    loopback_and_metadata_addresses_are_refused_unless_allowed_and_a_test_send_shows_no_remote_body => ssrf;
}

/// How the receiver answers: 0 = ok, 1 = errcode 130101 (too fast), 2 = a non-JSON page.
#[derive(Clone, Default)]
struct Receiver {
    mode: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<(String, Value)>>>,
}

impl Receiver {
    fn requests(&self) -> Vec<(String, Value)> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn set_mode(&self, mode: usize) {
        self.mode.store(mode, Ordering::SeqCst);
    }
}

async fn answer(State(r): State<Receiver>, RawQuery(q): RawQuery, Json(body): Json<Value>) -> axum::response::Response {
    use axum::response::IntoResponse;
    if let Ok(mut seen) = r.seen.lock() {
        seen.push((q.unwrap_or_default(), body));
    }
    match r.mode.load(Ordering::SeqCst) {
        0 => Json(json!({"errcode": 0, "errmsg": "ok"})).into_response(),
        1 => Json(json!({"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"})).into_response(),
        _ => "<html>gateway</html>".into_response(),
    }
}

/// A robot receiver on 127.0.0.1; returns its base URL.
async fn receiver() -> Result<(String, Receiver)> {
    let r = Receiver::default();
    let router = Router::new()
        .route("/robot/send", post(answer))
        .route("/cgi-bin/webhook/send", post(answer))
        .with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok((format!("http://{addr}"), r))
}

fn wecom(name: &str, base: &str) -> ChannelInput {
    ChannelInput {
        kind: "wecom".into(),
        name: name.into(),
        webhook: format!("{base}/cgi-bin/webhook/send?key=wecomkey123456"),
        enabled: true,
        ..ChannelInput::default()
    }
}

fn dingtalk(name: &str, base: &str) -> ChannelInput {
    ChannelInput {
        kind: "dingtalk".into(),
        name: name.into(),
        webhook: format!("{base}/robot/send?access_token=dingtoken987654"),
        secret: "SECabcdef0123456789".into(),
        enabled: true,
        ..ChannelInput::default()
    }
}

fn reminder() -> Message {
    Message::new("【报送提醒】6月进展", "请于6月25日前报送本月进展。").mentioning(["13800138000"])
}

/// The app over the same database with the clock `minutes` after the world's.
fn later(w: &World, minutes: i64) -> App {
    App::new(w.app.store().clone(), Clock::Fixed(w.app.clock().now() + Duration::minutes(minutes)))
        .with_network_policy(qingdan_testkit::loopback())
}

async fn sent_once(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-06-20").await?;
    let (base, r) = receiver().await?;
    w.app.create_notification_channel(&w.admin, &wecom("督查群", &base)).await?;
    w.app.create_notification_channel(&w.admin, &dingtalk("领导群", &base)).await?;

    ensure!(w.app.notify(w.tenant, "report-due:1:2021-06", &reminder()).await? == 2, "one row per channel");
    ensure!(
        w.app.notify(w.tenant, "report-due:1:2021-06", &reminder()).await? == 0,
        "the same event again adds nothing"
    );
    let rows = w.app.notification_outbox(&w.admin, 50).await?;
    ensure!(rows.len() == 2, "{} rows", rows.len());

    let pass = w.app.deliver_notifications().await?;
    ensure!(pass.sent == 2 && pass.retrying == 0 && pass.failed == 0, "{pass:?}");
    ensure!(w.app.deliver_notifications().await?.sent == 0, "a second pass sends nothing");
    let requests = r.requests();
    ensure!(requests.len() == 2, "{requests:?}");
    let wecom_body = requests.iter().find(|(q, _)| q.starts_with("key=")).map(|(_, b)| b.clone()).context("wecom")?;
    ensure!(wecom_body["msgtype"] == "markdown");
    ensure!(wecom_body["markdown"]["content"] == "### 【报送提醒】6月进展\n请于6月25日前报送本月进展。 @13800138000");
    let (ding_query, ding_body) = requests.iter().find(|(q, _)| q.starts_with("access_token=")).context("dingtalk")?;
    ensure!(ding_query.contains("&timestamp=") && ding_query.contains("&sign="), "signed: {ding_query}");
    ensure!(ding_body["at"]["atMobiles"] == json!(["13800138000"]));

    let rows = w.app.notification_outbox(&w.admin, 50).await?;
    ensure!(rows.iter().all(|r| r.status == OutboxStatus::Sent && r.attempts == 1 && r.sent_at.is_some()), "{rows:?}");
    Ok(())
}

async fn restart(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-06-20").await?;
    let (base, r) = receiver().await?;
    w.app.create_notification_channel(&w.admin, &wecom("督查群", &base)).await?;
    w.app.notify(w.tenant, "assignment-red:7:feedback", &reminder()).await?;
    ensure!(w.app.deliver_notifications().await?.sent == 1);

    // A new process over the same database, a day later: the scheduler sweeps
    // again and enqueues the same event.
    let reopened = App::open(&w.db.url, Clock::Fixed(w.app.clock().now() + Duration::days(1)))
        .await?
        .with_network_policy(qingdan_testkit::loopback());
    ensure!(reopened.notify(w.tenant, "assignment-red:7:feedback", &reminder()).await? == 0);
    let pass = reopened.deliver_notifications().await?;
    ensure!(pass == qingdan_app::DeliveryPass::default(), "{pass:?}");
    ensure!(r.requests().len() == 1, "sent once in all: {}", r.requests().len());
    // A new event still goes out.
    ensure!(reopened.notify(w.tenant, "assignment-red:8:feedback", &reminder()).await? == 1);
    ensure!(reopened.deliver_notifications().await?.sent == 1);
    ensure!(r.requests().len() == 2);
    Ok(())
}

async fn crash_mid_send(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-06-20").await?;
    let (base, r) = receiver().await?;
    w.app.create_notification_channel(&w.admin, &wecom("督查群", &base)).await?;
    w.app.notify(w.tenant, "report-late:3:2021-05", &reminder()).await?;
    // A worker claims the row and dies before it can record the outcome.
    let claimed = w.app.store().claim_due_notifications(w.app.clock().now(), 10).await?;
    ensure!(claimed.len() == 1 && claimed[0].status == OutboxStatus::Sending);

    // Restarted at once: the row is within its lease; nothing is sent.
    let restarted = App::open(&w.db.url, w.app.clock().clone()).await?.with_network_policy(qingdan_testkit::loopback());
    ensure!(restarted.deliver_notifications().await? == qingdan_app::DeliveryPass::default());
    // After the lease: marked failed (outcome unknown), still not sent.
    let pass = later(&w, 11).deliver_notifications().await?;
    ensure!(pass.expired == 1 && pass.sent == 0, "{pass:?}");
    ensure!(later(&w, 120).deliver_notifications().await?.sent == 0);
    ensure!(r.requests().is_empty(), "never sent: {:?}", r.requests());
    let rows = w.app.notification_outbox(&w.admin, 10).await?;
    ensure!(rows[0].status == OutboxStatus::Failed, "{rows:?}");
    ensure!(rows[0].last_error.as_deref().unwrap_or_default().contains("结果未知"), "{rows:?}");
    // Enqueueing the event again does not bring it back.
    ensure!(later(&w, 121).notify(w.tenant, "report-late:3:2021-05", &reminder()).await? == 0);
    Ok(())
}

async fn retry_then_success(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-06-20").await?;
    let (base, r) = receiver().await?;
    w.app.create_notification_channel(&w.admin, &dingtalk("领导群", &base)).await?;
    w.app.notify(w.tenant, "light-red:42", &reminder()).await?;

    r.set_mode(1);
    let pass = w.app.deliver_notifications().await?;
    ensure!(pass.retrying == 1 && pass.sent == 0, "{pass:?}");
    let row = &w.app.notification_outbox(&w.admin, 1).await?[0];
    ensure!(row.status == OutboxStatus::Queued && row.attempts == 1, "{row:?}");
    ensure!(row.last_error.as_deref().unwrap_or_default().contains("send too fast"), "errmsg kept: {row:?}");
    ensure!(row.next_attempt_at == w.app.clock().now() + Duration::minutes(1), "{row:?}");

    // Not yet due: nothing happens at the same moment.
    r.set_mode(0);
    ensure!(w.app.deliver_notifications().await? == qingdan_app::DeliveryPass::default());
    ensure!(r.requests().len() == 1);
    // Two minutes later the receiver answers ok.
    let pass = later(&w, 2).deliver_notifications().await?;
    ensure!(pass.sent == 1, "{pass:?}");
    ensure!(r.requests().len() == 2);
    let row = &w.app.notification_outbox(&w.admin, 1).await?[0];
    ensure!(row.status == OutboxStatus::Sent && row.attempts == 2 && row.last_error.is_none(), "{row:?}");

    // A receiver that keeps refusing is given up after five attempts.
    w.app.notify(w.tenant, "light-red:43", &reminder()).await?;
    r.set_mode(1);
    let mut minutes = 0;
    for _ in 0..5 {
        later(&w, minutes).deliver_notifications().await?;
        minutes += 61;
    }
    let row = &w.app.notification_outbox(&w.admin, 1).await?[0];
    ensure!(row.event_key == "light-red:43" && row.status == OutboxStatus::Failed && row.attempts == 5, "{row:?}");
    ensure!(later(&w, minutes + 600).deliver_notifications().await?.sent == 0);
    ensure!(r.requests().len() == 2 + 5);
    Ok(())
}

async fn unknown_outcome(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-06-20").await?;
    let (base, r) = receiver().await?;
    w.app.create_notification_channel(&w.admin, &wecom("督查群", &base)).await?;
    w.app.notify(w.tenant, "e1", &reminder()).await?;
    // Something in between answered 200 with a page: the message may have gone on.
    r.set_mode(2);
    let pass = w.app.deliver_notifications().await?;
    ensure!(pass.failed == 1 && pass.retrying == 0, "{pass:?}");
    r.set_mode(0);
    ensure!(later(&w, 600).deliver_notifications().await?.sent == 0, "not retried");
    ensure!(r.requests().len() == 1);
    let row = &w.app.notification_outbox(&w.admin, 1).await?[0];
    ensure!(row.status == OutboxStatus::Failed && row.last_error.as_deref().unwrap_or_default().contains("结果未知"));
    Ok(())
}

async fn disabled_channel(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-06-20").await?;
    let (base, r) = receiver().await?;
    let on = w.app.create_notification_channel(&w.admin, &wecom("开着的", &base)).await?;
    let off = w.app.create_notification_channel(&w.admin, &dingtalk("关着的", &base)).await?;
    w.app.set_notification_channel_enabled(&w.admin, off, false).await?;
    ensure!(w.app.notify(w.tenant, "e1", &reminder()).await? == 1, "only the enabled channel");
    // Switched off between enqueue and delivery: not sent.
    w.app.set_notification_channel_enabled(&w.admin, on, false).await?;
    let pass = w.app.deliver_notifications().await?;
    ensure!(pass.failed == 1 && pass.sent == 0, "{pass:?}");
    ensure!(r.requests().is_empty());
    let views = w.app.notification_channels(&w.admin).await?;
    ensure!(views.iter().all(|v| !v.enabled));
    let trail = w.app.store().audit_trail(w.tenant, "notification_channel", off.0).await?;
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    ensure!(actions == ["create", "disable"], "{actions:?}");
    ensure!(trail.iter().all(|e| !e.after.as_deref().unwrap_or_default().contains("SEC")), "no secret in the audit");
    Ok(())
}

async fn admin_only(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-06-20").await?;
    let (base, _r) = receiver().await?;
    let org = w.org("市发改委").await?;
    let reporter = w.user("fgw", Role::Reporter, org).await?;
    let leader = w.user("shizhang", Role::Leader, org).await?;
    let id = w.app.create_notification_channel(&w.admin, &wecom("督查群", &base)).await?;
    for user in [&w.supervisor, &reporter, &leader] {
        let forbidden = |r: Result<(), AppError>| matches!(r, Err(AppError::Forbidden));
        ensure!(forbidden(w.app.notification_channels(user).await.map(|_| ())), "{} lists", user.username);
        ensure!(forbidden(w.app.notification_channel(user, id).await.map(|_| ())));
        ensure!(forbidden(w.app.create_notification_channel(user, &wecom("x", &base)).await.map(|_| ())));
        ensure!(forbidden(w.app.update_notification_channel(user, id, &wecom("y", &base)).await));
        ensure!(forbidden(w.app.set_notification_channel_enabled(user, id, false).await));
        ensure!(forbidden(w.app.send_test_notification(user, id).await.map(|_| ())));
        ensure!(forbidden(w.app.notification_outbox(user, 10).await.map(|_| ())));
    }
    let views = w.app.notification_channels(&w.admin).await?;
    ensure!(views.len() == 1 && views[0].name == "督查群" && views[0].enabled, "nothing changed: {views:?}");
    Ok(())
}

async fn second_tenant(w: &World) -> Result<(TenantId, User)> {
    let admin = w.stranger(Role::Admin).await?;
    Ok((admin.tenant_id, admin))
}

async fn tenant_isolation(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-06-20").await?;
    let (base, r) = receiver().await?;
    let (other, admin2) = second_tenant(&w).await?;
    let ours = w.app.create_notification_channel(&w.admin, &wecom("督查群", &base)).await?;
    let theirs = w.app.create_notification_channel(&admin2, &dingtalk("邻县群", &base)).await?;

    let names: Vec<String> = w.app.notification_channels(&admin2).await?.into_iter().map(|c| c.name).collect();
    ensure!(names == ["邻县群"], "{names:?}");
    ensure!(matches!(w.app.notification_channel(&admin2, ours).await, Err(AppError::NotFound(_))));
    ensure!(matches!(
        w.app.update_notification_channel(&admin2, ours, &wecom("改", &base)).await,
        Err(AppError::NotFound(_))
    ));
    ensure!(matches!(w.app.set_notification_channel_enabled(&admin2, ours, false).await, Err(AppError::NotFound(_))));
    ensure!(matches!(w.app.send_test_notification(&admin2, ours).await, Err(AppError::NotFound(_))));
    // The same name in another tenant is fine.
    w.app.create_notification_channel(&admin2, &wecom("督查群", &base)).await?;

    // An event of our tenant goes to our channel only, with the same key in both tenants kept apart.
    ensure!(w.app.notify(w.tenant, "shared-key", &reminder()).await? == 1);
    ensure!(w.app.notify(other, "shared-key", &Message::new("邻县", "x")).await? == 2);
    w.app.deliver_notifications().await?;
    let ours_rows = w.app.notification_outbox(&w.admin, 50).await?;
    ensure!(ours_rows.len() == 1 && ours_rows[0].channel_id == ours, "{ours_rows:?}");
    let theirs_rows = w.app.notification_outbox(&admin2, 50).await?;
    ensure!(theirs_rows.len() == 2 && theirs_rows.iter().any(|r| r.channel_id == theirs));
    ensure!(theirs_rows.iter().all(|r| r.title == "邻县"));
    ensure!(r.requests().len() == 3);
    ensure!(w.app.notification_channel(&w.admin, ours).await?.name == "督查群");
    Ok(())
}

async fn secrets(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-06-20").await?;
    let (base, r) = receiver().await?;
    let id = w.app.create_notification_channel(&w.admin, &dingtalk("领导群", &base)).await?;
    let view = w.app.notification_channel(&w.admin, id).await?;
    ensure!(!view.webhook_masked.contains("dingtoken987654"), "{}", view.webhook_masked);
    ensure!(view.webhook_masked.contains("access_token=ding…"), "{}", view.webhook_masked);
    ensure!(view.secret_masked == "SECa…", "{}", view.secret_masked);

    // Renamed with the webhook and secret fields left empty: both kept.
    let edit =
        ChannelInput {
            webhook: String::new(), secret: String::new(), name: "市领导群".into(), ..dingtalk("", &base)
        };
    w.app.update_notification_channel(&w.admin, id, &edit).await?;
    let view = w.app.notification_channel(&w.admin, id).await?;
    ensure!(view.name == "市领导群" && view.secret_masked == "SECa…");
    let test = w.app.send_test_notification(&w.admin, id).await?;
    ensure!(test.ok, "{test:?}");
    let requests = r.requests();
    ensure!(requests[0].0.starts_with("access_token=dingtoken987654&timestamp="), "{requests:?}");
    ensure!(requests[0].1["markdown"]["text"].as_str().unwrap_or_default().contains("市领导群"));

    // SMTP: the password is kept when left empty, never shown.
    let smtp = ChannelInput {
        kind: "smtp".into(),
        name: "督查室邮箱".into(),
        host: "127.0.0.1".into(),
        port: "2525".into(),
        security: "none".into(),
        username: "duchashi".into(),
        password: "mail-secret-1".into(),
        from: "督查室 <duchashi@qinglan.gov.cn>".into(),
        to: "a@qinglan.gov.cn；b@qinglan.gov.cn".into(),
        enabled: true,
        ..ChannelInput::default()
    };
    let mail = w.app.create_notification_channel(&w.admin, &smtp).await?;
    w.app
        .update_notification_channel(&w.admin, mail, &ChannelInput { password: String::new(), ..smtp.clone() })
        .await?;
    let view = w.app.notification_channel(&w.admin, mail).await?;
    ensure!(view.has_password && view.port == 2525 && view.to == "a@qinglan.gov.cn, b@qinglan.gov.cn", "{view:?}");
    let stored = w.app.store().channel(w.tenant, mail).await?.context("stored")?;
    ensure!(stored.config_json.contains("mail-secret-1"), "the password is kept");
    ensure!(!format!("{view:?}").contains("mail-secret-1"));

    // The mail server moved: the audit trail shows from where to where, no secret.
    let moved = ChannelInput { host: "127.0.0.2".into(), port: "2526".into(), password: String::new(), ..smtp.clone() };
    w.app.update_notification_channel(&w.admin, mail, &moved).await?;
    let trail = w.app.store().audit_trail(w.tenant, "notification_channel", mail.0).await?;
    let last = trail.last().context("audited")?;
    let (before, after) = (last.before.clone().unwrap_or_default(), last.after.clone().unwrap_or_default());
    ensure!(before.contains("127.0.0.1:2525") && after.contains("127.0.0.2:2526"), "{before} → {after}");
    let ding = w.app.store().audit_trail(w.tenant, "notification_channel", id.0).await?;
    ensure!(ding.iter().all(|e| !format!("{e:?}").contains("dingtoken987654")), "the robot's key is not in the audit");
    ensure!(ding.first().and_then(|e| e.after.clone()).is_some_and(|a| a.contains("\"address\"")), "{ding:?}");
    Ok(())
}

async fn bad_input(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-06-20").await?;
    let fields = |r: Result<ChannelId, AppError>| -> Result<Vec<(String, String)>> {
        match r {
            Err(AppError::Invalid(invalid)) => Ok(invalid.errors.into_iter().map(|e| (e.field, e.message)).collect()),
            other => bail!("expected a validation error, got {other:?}"),
        }
    };
    let unknown = ChannelInput { kind: "sms".into(), name: String::new(), ..ChannelInput::default() };
    let errors = fields(w.app.create_notification_channel(&w.admin, &unknown).await)?;
    ensure!(errors.iter().any(|(f, m)| f == "kind" && m.contains("通道类型")), "{errors:?}");
    ensure!(errors.iter().any(|(f, m)| f == "name" && m.contains("通道名称")), "{errors:?}");

    let robot = ChannelInput { webhook: "oapi.dingtalk.com/robot".into(), secret: "abc".into(), ..dingtalk("群", "") };
    let errors = fields(w.app.create_notification_channel(&w.admin, &robot).await)?;
    ensure!(errors.iter().any(|(f, m)| f == "webhook" && m.contains("Webhook")), "{errors:?}");
    ensure!(errors.iter().any(|(f, m)| f == "secret" && m.contains("SEC")), "{errors:?}");

    let smtp = ChannelInput {
        kind: "smtp".into(),
        name: "邮箱".into(),
        port: "70000".into(),
        from: "督查室".into(),
        to: "ok@qinglan.gov.cn, 不是地址".into(),
        ..ChannelInput::default()
    };
    let errors = fields(w.app.create_notification_channel(&w.admin, &smtp).await)?;
    for field in ["host", "port", "from", "to"] {
        ensure!(errors.iter().any(|(f, _)| f == field), "{field} named: {errors:?}");
    }
    ensure!(errors.iter().any(|(_, m)| m.contains("不是地址")), "{errors:?}");
    ensure!(w.app.notification_channels(&w.admin).await?.is_empty(), "nothing saved");

    let (base, _r) = receiver().await?;
    w.app.create_notification_channel(&w.admin, &wecom("督查群", &base)).await?;
    let errors = fields(w.app.create_notification_channel(&w.admin, &wecom("督查群", &base)).await)?;
    ensure!(errors.iter().any(|(f, m)| f == "name" && m.contains("同名")), "{errors:?}");
    ensure!(matches!(w.app.notify(w.tenant, "  ", &reminder()).await, Err(AppError::Invalid(_))));
    Ok(())
}

async fn ssrf(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-06-20").await?;
    let (base, r) = receiver().await?;
    // A server as configured by default: loopback, link-local and metadata addresses are refused on save.
    let strict = App::new(w.app.store().clone(), w.app.clock().clone());
    for address in [base.clone(), "http://169.254.169.254".to_owned(), "http://localhost:8080".to_owned()] {
        let err = strict.create_notification_channel(&w.admin, &wecom("内部", &address)).await.err();
        ensure!(
            matches!(&err, Some(AppError::Invalid(i)) if i.errors[0].field == "webhook" && i.errors[0].message.contains("allowed_networks")),
            "{address}: {err:?}"
        );
    }
    let smtp = ChannelInput {
        kind: "smtp".into(),
        name: "邮箱".into(),
        host: "100.100.100.200".into(),
        port: "25".into(),
        security: "none".into(),
        from: "a@example.gov.cn".into(),
        to: "b@example.gov.cn".into(),
        enabled: true,
        ..ChannelInput::default()
    };
    let err = strict.create_notification_channel(&w.admin, &smtp).await.err();
    ensure!(matches!(&err, Some(AppError::Invalid(i)) if i.errors.iter().any(|e| e.field == "host")), "{err:?}");

    // A channel saved where loopback is allowed is still refused at send time by the strict server: nothing reaches it.
    let id = w.app.create_notification_channel(&w.admin, &wecom("督查群", &base)).await?;
    let test = strict.send_test_notification(&w.admin, id).await?;
    ensure!(!test.ok && test.detail.contains("不允许"), "{test:?}");
    w.app.notify(w.tenant, "ssrf-check", &reminder()).await?;
    let pass = strict.deliver_notifications().await?;
    ensure!(pass.sent == 0 && r.requests().is_empty(), "{pass:?}: the receiver got nothing");

    // Where it is allowed, a test send says it arrived, and an error page's body is never shown.
    r.mode.store(2, std::sync::atomic::Ordering::SeqCst);
    let test = w.app.send_test_notification(&w.admin, id).await?;
    ensure!(!test.ok && !test.detail.contains('<') && !test.detail.contains("html"), "no remote body: {test:?}");
    Ok(())
}
