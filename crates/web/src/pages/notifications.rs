//! 消息通道: the admin's page of the tenant's DingTalk and WeCom robots and
//! mail servers — list, add, edit, enable/disable, 发送测试消息 — and the
//! latest rows of the outbox. Secrets are never shown back: the app masks them,
//! and a secret field left empty on edit keeps the stored one.
//! The app refuses everyone but an admin.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::{FormPairs, Id};
use crate::view::{Nav, beijing_time};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use qingdan_app::notifications::CHANNEL_KINDS;
use qingdan_app::{AppError, ChannelId, ChannelInput, ChannelView, OutboxItem};
use qingdan_domain::User;

/// The add/edit form's values. Secret fields are always empty; their hints
/// say whether one is stored.
pub struct ChannelForm {
    action: String,
    submit: &'static str,
    kind: String,
    name: String,
    format: String,
    webhook_hint: String,
    secret_hint: String,
    host: String,
    port: String,
    security: String,
    username: String,
    password_hint: String,
    from: String,
    to: String,
    root_ca_hint: String,
    enabled: bool,
}

impl ChannelForm {
    fn blank() -> ChannelForm {
        ChannelForm {
            action: "/admin/channels".into(),
            submit: "新增通道",
            kind: "dingtalk".into(),
            name: String::new(),
            format: "markdown".into(),
            webhook_hint: "https://oapi.dingtalk.com/robot/send?access_token=…".into(),
            secret_hint: "SEC…（钉钉“加签”时填写）".into(),
            host: String::new(),
            port: String::new(),
            security: "tls".into(),
            username: String::new(),
            password_hint: "密码或授权码".into(),
            from: String::new(),
            to: String::new(),
            root_ca_hint: "内部 CA 根证书（PEM，可不填）".into(),
            enabled: true,
        }
    }

    /// The typed values again after an error, secrets left out.
    fn retyped(input: &ChannelInput) -> ChannelForm {
        ChannelForm {
            kind: input.kind.clone(),
            name: input.name.clone(),
            format: input.format.clone(),
            host: input.host.clone(),
            port: input.port.clone(),
            security: input.security.clone(),
            username: input.username.clone(),
            from: input.from.clone(),
            to: input.to.clone(),
            enabled: input.enabled,
            ..ChannelForm::blank()
        }
    }

    fn of(channel: &ChannelView) -> ChannelForm {
        let kept = "（留空则保持不变）";
        ChannelForm {
            action: format!("/admin/channels/{}", channel.id.0),
            submit: "保存",
            kind: channel.kind.into(),
            name: channel.name.clone(),
            format: channel.format.into(),
            webhook_hint: if channel.webhook_masked.is_empty() {
                "https://…".into()
            } else {
                format!("{}{kept}", channel.webhook_masked)
            },
            secret_hint: if channel.secret_masked.is_empty() {
                "未设置加签密钥".into()
            } else {
                format!("已设置 {}{kept}", channel.secret_masked)
            },
            host: channel.host.clone(),
            port: if channel.port == 0 { String::new() } else { channel.port.to_string() },
            security: channel.security.into(),
            username: channel.username.clone(),
            password_hint: if channel.has_password { format!("已设置{kept}") } else { "未设置".into() },
            from: channel.from.clone(),
            to: channel.to.clone(),
            root_ca_hint: if channel.has_root_ca {
                format!("已设置根证书{kept}")
            } else {
                "内部 CA 根证书（PEM，可不填）".into()
            },
            enabled: channel.enabled,
        }
    }
}

/// One outbox row as listed.
pub struct OutboxLine {
    at: String,
    channel: String,
    title: String,
    status: &'static str,
    attempts: i64,
    detail: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications/channels.html")]
pub struct ChannelsPage {
    nav: Nav,
    channels: Vec<ChannelView>,
    outbox: Vec<OutboxLine>,
    kinds: Vec<(&'static str, &'static str)>,
    form: ChannelForm,
    errors: Vec<String>,
    /// The result of 发送测试消息: (ok, what happened).
    notice: Option<(bool, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications/channel.html")]
pub struct ChannelPage {
    nav: Nav,
    channel: ChannelView,
    kinds: Vec<(&'static str, &'static str)>,
    form: ChannelForm,
    errors: Vec<String>,
}

fn outbox_line(item: OutboxItem, channels: &[ChannelView]) -> OutboxLine {
    let channel = channels.iter().find(|c| c.id == item.channel_id).map_or_else(String::new, |c| c.name.clone());
    OutboxLine {
        at: beijing_time(item.sent_at.unwrap_or(item.created_at)),
        channel,
        title: item.title,
        status: item.status.label(),
        attempts: item.attempts,
        detail: item.last_error.unwrap_or_default(),
    }
}

async fn channels_page(
    state: &AppState,
    user: &User,
    form: ChannelForm,
    errors: Vec<String>,
    notice: Option<(bool, String)>,
) -> Result<ChannelsPage, PageError> {
    let channels = state.app.notification_channels(user).await?;
    let outbox =
        state.app.notification_outbox(user, 20).await?.into_iter().map(|i| outbox_line(i, &channels)).collect();
    Ok(ChannelsPage {
        nav: Nav::new(user, "/admin/channels"),
        channels,
        outbox,
        kinds: CHANNEL_KINDS.to_vec(),
        form,
        errors,
        notice,
    })
}

fn input(form: &FormPairs) -> ChannelInput {
    ChannelInput {
        kind: form.get("kind"),
        name: form.get("name"),
        format: form.get("format"),
        webhook: form.get("webhook"),
        secret: form.get("secret"),
        host: form.get("host"),
        port: form.get("port"),
        security: form.get("security"),
        username: form.get("username"),
        password: form.get("password"),
        from: form.get("from"),
        to: form.get("to"),
        root_ca_pem: form.get("root_ca_pem"),
        enabled: !form.get("enabled").is_empty(),
    }
}

fn messages(invalid: qingdan_domain::Invalid) -> Vec<String> {
    invalid.errors.into_iter().map(|e| e.message).collect()
}

pub async fn list(State(state): State<AppState>, PageUser(user): PageUser) -> Result<ChannelsPage, PageError> {
    channels_page(&state, &user, ChannelForm::blank(), Vec::new(), None).await
}

pub async fn create(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: FormPairs,
) -> Result<Response, PageError> {
    let input = input(&form);
    match state.app.create_notification_channel(&user, &input).await {
        Ok(_) => Ok(Redirect::to("/admin/channels").into_response()),
        Err(AppError::Invalid(invalid)) => {
            let page = channels_page(&state, &user, ChannelForm::retyped(&input), messages(invalid), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

async fn channel_page(
    state: &AppState,
    user: &User,
    id: ChannelId,
    errors: Vec<String>,
) -> Result<ChannelPage, PageError> {
    let channel = state.app.notification_channel(user, id).await?;
    let form = ChannelForm::of(&channel);
    Ok(ChannelPage { nav: Nav::new(user, "/admin/channels"), channel, kinds: CHANNEL_KINDS.to_vec(), form, errors })
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
) -> Result<ChannelPage, PageError> {
    channel_page(&state, &user, ChannelId(id), Vec::new()).await
}

pub async fn update(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    let input = input(&form);
    match state.app.update_notification_channel(&user, ChannelId(id), &input).await {
        Ok(()) => Ok(Redirect::to("/admin/channels").into_response()),
        Err(AppError::Invalid(invalid)) => {
            let mut page = channel_page(&state, &user, ChannelId(id), messages(invalid)).await?;
            // Keep what was typed (secrets aside) so the admin can correct it.
            let hints = ChannelForm::of(&page.channel);
            page.form = ChannelForm {
                action: hints.action,
                submit: hints.submit,
                webhook_hint: hints.webhook_hint,
                secret_hint: hints.secret_hint,
                password_hint: hints.password_hint,
                root_ca_hint: hints.root_ca_hint,
                ..ChannelForm::retyped(&input)
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn set_enabled(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    let enabled = form.get("enabled") == "1";
    state.app.set_notification_channel_enabled(&user, ChannelId(id), enabled).await?;
    Ok(Redirect::to("/admin/channels").into_response())
}

pub async fn test(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
) -> Result<ChannelsPage, PageError> {
    let sent = state.app.send_test_notification(&user, ChannelId(id)).await?;
    let name = state.app.notification_channel(&user, ChannelId(id)).await?.name;
    let notice = if sent.ok {
        (true, format!("已向“{name}”发送测试消息（{}）", sent.detail))
    } else {
        (false, format!("向“{name}”发送测试消息失败：{}", sent.detail))
    };
    channels_page(&state, &user, ChannelForm::blank(), Vec::new(), Some(notice)).await
}
