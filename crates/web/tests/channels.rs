//! 消息通道 pages on both engines: only an admin opens them; a channel is
//! added, edited, switched off and tested; secrets never come back in a page.

use anyhow::{Result, ensure};
use axum::Router;
use axum::http::StatusCode;
use qingdan_domain::Role;
use qingdan_testkit::{Backend, World, on_both_engines};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

mod common;
use common::*;

on_both_engines! {
    only_an_admin_opens_or_changes_the_channel_pages => admin_only;
    a_channel_is_added_edited_switched_off_and_tested_without_showing_its_secrets => lifecycle;
    a_bad_channel_form_is_shown_again_with_the_field_error => bad_form;
}

/// `application/x-www-form-urlencoded` for each (name, value).
fn form(pairs: &[(&str, &str)]) -> String {
    let encode = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
}

/// A WeCom-like robot on 127.0.0.1 that counts the posts it gets.
async fn robot() -> Result<(String, Arc<AtomicUsize>)> {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let router = Router::new().route(
        "/cgi-bin/webhook/send",
        axum::routing::post(move || {
            let seen = seen.clone();
            async move {
                seen.fetch_add(1, Ordering::SeqCst);
                axum::Json(serde_json::json!({"errcode": 0, "errmsg": "ok"}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok((format!("http://{addr}/cgi-bin/webhook/send?key=topsecretwebhookkey"), count))
}

async fn world(backend: Backend) -> Result<(World, Router)> {
    let w = World::new(backend, "2021-07-01").await?;
    let org = w.org("市能源局").await?;
    w.user("energy", Role::Reporter, org).await?;
    w.user("mayor", Role::Leader, org).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    Ok((w, router))
}

async fn admin_only(backend: Backend) -> Result<()> {
    let (w, router) = world(backend).await?;
    let (webhook, _) = robot().await?;
    let body = form(&[("kind", "wecom"), ("name", "督查群"), ("webhook", &webhook), ("enabled", "1")]);
    for who in ["supervisor", "energy", "mayor"] {
        let cookie = sign_in_as(&router, who).await?;
        let page = send(&router, get("/admin/channels", &cookie)?).await?;
        ensure!(page.status == StatusCode::FORBIDDEN, "{who}: {}", page.status);
        let post = send(&router, post_form("/admin/channels", &cookie, &body)?).await?;
        ensure!(post.status == StatusCode::FORBIDDEN, "{who} posts: {}", post.status);
        let nav = send(&router, get("/plans", &cookie)?).await?;
        ensure!(!nav.body.contains("/admin/channels"), "{who} has no 消息通道 link");
    }
    ensure!(w.app.notification_channels(&w.admin).await?.is_empty(), "nothing was created");
    let cookie = sign_in_as(&router, "admin").await?;
    let page = send(&router, get("/admin/channels", &cookie)?).await?;
    ensure!(page.status == StatusCode::OK && page.select("h1") == ["消息通道"], "{}", page.status);
    ensure!(page.select("nav a.active") == ["消息通道"], "{:?}", page.select("nav a.active"));
    Ok(())
}

async fn lifecycle(backend: Backend) -> Result<()> {
    let (w, router) = world(backend).await?;
    let (webhook, posts) = robot().await?;
    let cookie = sign_in_as(&router, "admin").await?;
    let body =
        form(&[("kind", "wecom"), ("name", "督查群"), ("format", "text"), ("webhook", &webhook), ("enabled", "1")]);
    let created = send(&router, post_form("/admin/channels", &cookie, &body)?).await?;
    ensure!(created.status == StatusCode::SEE_OTHER && created.location() == "/admin/channels");
    let id = w.app.notification_channels(&w.admin).await?[0].id.0;

    let list = send(&router, get("/admin/channels", &cookie)?).await?;
    ensure!(list.select("#channels td").iter().any(|t| t == "督查群"), "{:?}", list.select("#channels td"));
    ensure!(!list.body.contains("topsecretwebhookkey"), "the key is not on the list page");
    ensure!(list.body.contains("key=tops…"), "masked key shown");
    let edit = send(&router, get(&format!("/admin/channels/{id}"), &cookie)?).await?;
    ensure!(edit.status == StatusCode::OK && !edit.body.contains("topsecretwebhookkey"));

    // Renamed with the webhook left empty: the webhook is kept.
    let rename =
        form(&[("kind", "wecom"), ("name", "市督查群"), ("format", "text"), ("webhook", ""), ("enabled", "1")]);
    let saved = send(&router, post_form(&format!("/admin/channels/{id}"), &cookie, &rename)?).await?;
    ensure!(saved.status == StatusCode::SEE_OTHER, "{}: {}", saved.status, saved.body);
    let tested = send(&router, post_form(&format!("/admin/channels/{id}/test"), &cookie, "")?).await?;
    ensure!(tested.status == StatusCode::OK);
    let notice = tested.select("#notice").join("");
    ensure!(notice.contains("已向“市督查群”发送测试消息"), "{notice}");
    ensure!(posts.load(Ordering::SeqCst) == 1, "the robot got the test message");

    let off = send(&router, post_form(&format!("/admin/channels/{id}/enabled"), &cookie, "enabled=0")?).await?;
    ensure!(off.status == StatusCode::SEE_OTHER);
    ensure!(!w.app.notification_channels(&w.admin).await?[0].enabled);
    let missing = send(&router, get("/admin/channels/999999", &cookie)?).await?;
    ensure!(missing.status == StatusCode::NOT_FOUND, "{}", missing.status);
    Ok(())
}

async fn bad_form(backend: Backend) -> Result<()> {
    let (w, router) = world(backend).await?;
    let cookie = sign_in_as(&router, "admin").await?;
    let body = form(&[
        ("kind", "smtp"),
        ("name", "督查室邮箱"),
        ("from", "不是地址"),
        ("to", ""),
        ("password", "pw-secret-9"),
    ]);
    let reply = send(&router, post_form("/admin/channels", &cookie, &body)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    let errors = reply.select("#error li");
    for want in ["邮件服务器不能为空", "发件人“不是地址”不是有效的邮件地址", "收件人不能为空"]
    {
        ensure!(errors.iter().any(|e| e == want), "{want}: {errors:?}");
    }
    ensure!(reply.attrs("#c-name", "value") == ["督查室邮箱"], "typed values kept");
    ensure!(!reply.body.contains("pw-secret-9"), "the password is not echoed");
    ensure!(w.app.notification_channels(&w.admin).await?.is_empty());
    Ok(())
}
