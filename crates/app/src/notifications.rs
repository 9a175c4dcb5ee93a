//! 消息通道与发送队列 (notification channels and the outbox).
//!
//! A reminder or an alert is sent by calling [`App::notify`] with an event
//! key that names the event once and for all (`report-due:plan7:2021-06:org12`,
//! `assignment-red:42:feedback`). The message is queued once per enabled
//! channel of the tenant; the same key queued again adds nothing, so a
//! scheduler may re-run its sweep, or run again after a restart, without
//! sending anything twice. [`App::deliver_notifications`] (every 30 s under
//! `qingdan serve`) claims due rows, sends them and records the outcome.
//!
//! Crash semantics: **at most once**. A row is marked `sending` before the
//! send and `sent` after it. When the receiver surely did not take the
//! message (no connection, an HTTP error, `errcode != 0`, a 4xx/5xx mail
//! reply) the row is queued again with a back-off ([`RETRY_DELAYS`]) until
//! [`MAX_ATTEMPTS`]. When the outcome is unknown (a timeout or a broken
//! connection after the request left) the row is marked `failed` and not
//! retried. A row still `sending` [`SENDING_LEASE`] after its claim — the
//! process died mid-send — is marked `failed` ("结果未知") by the next pass and
//! never resent automatically; the admin sees it on 消息通道.

use crate::guards::require_admin;
use crate::{App, AppError, Result};
use chrono::{DateTime, Duration, Utc};
use qingdan_domain::ChannelId;
use qingdan_domain::{Invalid, TenantId, User};
pub use qingdan_notify::{Channel, DingTalkRobot, Message, RobotFormat, Security, SendError, Smtp, WeComRobot};
pub use qingdan_storage::Audience;
use qingdan_storage::{InboxNotice, NewChannel, NewNotification, NotificationChannel, OutboxItem};

/// A notice: its event key (the dedupe), the message, where its matter is,
/// and whose inboxes it goes to.
#[derive(Debug, Clone)]
pub struct Notice {
    pub key: String,
    pub message: Message,
    pub link: Option<String>,
    pub to: Vec<Audience>,
}

impl Notice {
    fn for_inbox(&self) -> InboxNotice<'_> {
        InboxNotice {
            event_key: self.key.trim(),
            title: &self.message.title,
            body: &self.message.text,
            link: self.link.as_deref(),
            to: &self.to,
        }
    }
}
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// Sends after which a row is given up.
pub const MAX_ATTEMPTS: i64 = 5;
/// Wait before the 2nd, 3rd, 4th and 5th attempt.
pub const RETRY_DELAYS: [Duration; 4] =
    [Duration::minutes(1), Duration::minutes(5), Duration::minutes(15), Duration::minutes(60)];
/// How long a claimed row may stay `sending`. Far above a batch's worst case
/// ([`CLAIM_BATCH`] sends of at most [`qingdan_notify::SEND_TIMEOUT`] each).
pub const SENDING_LEASE: Duration = Duration::minutes(10);
/// Rows claimed at once by a delivery pass.
pub const CLAIM_BATCH: i64 = 10;
/// Batches in one pass, so a pass ends even when many rows are due.
const MAX_BATCHES: usize = 20;

const UNKNOWN_AFTER_CRASH: &str = "发送中断（进程重启或崩溃），结果未知；为避免重复，不自动重发";

/// A channel as typed into the admin form. On edit, an empty webhook,
/// secret or password keeps the stored one (they are never shown back).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ChannelInput {
    /// `dingtalk`, `wecom` or `smtp`.
    pub kind: String,
    pub name: String,
    /// Robots: `markdown` (default) or `text`.
    #[serde(default)]
    pub format: String,
    #[serde(default)]
    pub webhook: String,
    /// DingTalk 加签 secret (`SEC…`).
    #[serde(default)]
    pub secret: String,
    #[serde(default)]
    pub host: String,
    #[serde(default)]
    pub port: String,
    /// `tls` (465), `starttls` (587) or `none`.
    #[serde(default)]
    pub security: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub from: String,
    /// Recipients, separated by commas, semicolons or new lines.
    #[serde(default)]
    pub to: String,
    /// PEM of an internal CA for the mail server, if any.
    #[serde(default)]
    pub root_ca_pem: String,
    #[serde(default)]
    pub enabled: bool,
}

/// A channel as an admin sees it: secrets masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelView {
    pub id: ChannelId,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub name: String,
    pub enabled: bool,
    /// `markdown` or `text` (robots).
    pub format: &'static str,
    /// The webhook with its token cut to a few characters.
    pub webhook_masked: String,
    /// The DingTalk secret's first characters, or empty when none.
    pub secret_masked: String,
    pub host: String,
    pub port: u16,
    pub security: &'static str,
    pub username: String,
    pub has_password: bool,
    pub from: String,
    pub to: String,
    pub has_root_ca: bool,
}

impl ChannelView {
    /// Where messages go, for the list: the masked webhook or `host:port → to`.
    pub fn target(&self) -> String {
        if self.kind == "smtp" {
            format!("{}:{} → {}", self.host, self.port, self.to)
        } else {
            self.webhook_masked.clone()
        }
    }
}

/// What a delivery pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryPass {
    pub sent: usize,
    /// Failed but queued again for later.
    pub retrying: usize,
    /// Given up (out of attempts, outcome unknown, channel gone or off).
    pub failed: usize,
    /// `sending` rows of a dead worker, marked failed.
    pub expired: usize,
}

/// The result of 发送测试消息.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestSend {
    pub ok: bool,
    /// The receiver's answer, or why it failed (Chinese).
    pub detail: String,
}

pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "dingtalk" => "钉钉群机器人",
        "wecom" => "企业微信群机器人",
        "smtp" => "邮件（SMTP）",
        _ => "未知",
    }
}

/// The kinds an admin can choose, with their labels.
pub const CHANNEL_KINDS: [(&str, &str); 3] =
    [("dingtalk", "钉钉群机器人"), ("wecom", "企业微信群机器人"), ("smtp", "邮件（SMTP）")];

/// The first `keep` chars of `secret` and an ellipsis.
fn mask(secret: &str, keep: usize) -> String {
    if secret.is_empty() {
        return String::new();
    }
    let head: String = secret.chars().take(keep).collect();
    format!("{head}…")
}

/// The webhook with each query value (the token) cut to 4 chars.
fn mask_webhook(webhook: &str) -> String {
    match webhook.split_once('?') {
        None => webhook.to_owned(),
        Some((base, query)) => {
            let masked: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((k, v)) => format!("{k}={}", mask(v, 4)),
                    None => pair.to_owned(),
                })
                .collect();
            format!("{base}?{}", masked.join("&"))
        }
    }
}

fn format_code(format: RobotFormat) -> &'static str {
    match format {
        RobotFormat::Markdown => "markdown",
        RobotFormat::Text => "text",
    }
}

fn security_code(security: Security) -> &'static str {
    match security {
        Security::Tls => "tls",
        Security::StartTls => "starttls",
        Security::None => "none",
    }
}

fn parse_channel(stored: &NotificationChannel) -> Result<Channel> {
    serde_json::from_str(&stored.config_json)
        .map_err(|e| AppError::Internal(format!("notification channel {}: bad config: {e}", stored.id.0)))
}

fn view(stored: &NotificationChannel) -> Result<ChannelView> {
    let channel = parse_channel(stored)?;
    let mut v = ChannelView {
        id: stored.id,
        kind: channel.kind(),
        kind_label: kind_label(channel.kind()),
        name: stored.name.clone(),
        enabled: stored.enabled,
        format: "markdown",
        webhook_masked: String::new(),
        secret_masked: String::new(),
        host: String::new(),
        port: 0,
        security: "tls",
        username: String::new(),
        has_password: false,
        from: String::new(),
        to: String::new(),
        has_root_ca: false,
    };
    match &channel {
        Channel::Dingtalk(robot) => {
            v.format = format_code(robot.format);
            v.webhook_masked = mask_webhook(&robot.webhook);
            v.secret_masked = mask(robot.secret.as_deref().unwrap_or_default(), 4);
        }
        Channel::Wecom(robot) => {
            v.format = format_code(robot.format);
            v.webhook_masked = mask_webhook(&robot.webhook);
        }
        Channel::Smtp(smtp) => {
            v.host = smtp.host.clone();
            v.port = smtp.port;
            v.security = security_code(smtp.security);
            v.username = smtp.username.clone();
            v.has_password = !smtp.password.is_empty();
            v.from = smtp.from.clone();
            v.to = smtp.to.join(", ");
            v.has_root_ca = smtp.root_ca_pem.as_deref().is_some_and(|p| !p.trim().is_empty());
        }
    }
    Ok(v)
}

/// Checks `input` into a channel; `old` supplies the secrets left empty on edit.
fn check_channel(input: &ChannelInput, old: Option<&Channel>) -> Result<(String, Channel)> {
    let mut invalid = Invalid::new();
    let name = invalid.text("name", "通道名称", &input.name, 40);
    let format = match input.format.trim() {
        "" | "markdown" => RobotFormat::Markdown,
        "text" => RobotFormat::Text,
        _ => {
            invalid.add("format", "unknown", "消息格式无效，应为 markdown 或 text");
            RobotFormat::Markdown
        }
    };
    let webhook = |invalid: &mut Invalid, prefix: &str| -> String {
        let typed = input.webhook.trim();
        let kept = match old {
            Some(Channel::Dingtalk(r)) if prefix == "dingtalk" => Some(r.webhook.clone()),
            Some(Channel::Wecom(r)) if prefix == "wecom" => Some(r.webhook.clone()),
            _ => None,
        };
        if typed.is_empty() {
            return kept.unwrap_or_else(|| {
                invalid.add("webhook", "required", "Webhook 地址不能为空");
                String::new()
            });
        }
        if !(typed.starts_with("https://") || typed.starts_with("http://")) || typed.contains(char::is_whitespace) {
            invalid.add("webhook", "bad_url", "Webhook 地址无效，应以 https:// 开头");
        } else if typed.chars().count() > 500 {
            invalid.add("webhook", "too_long", "Webhook 地址不能超过500个字符");
        }
        typed.to_owned()
    };
    let channel = match input.kind.trim() {
        "dingtalk" => {
            let webhook = webhook(&mut invalid, "dingtalk");
            let typed = input.secret.trim();
            let secret = if typed.is_empty() {
                match old {
                    Some(Channel::Dingtalk(r)) => r.secret.clone(),
                    _ => None,
                }
            } else {
                if !typed.starts_with("SEC") || typed.len() > 200 || !typed.chars().all(|c| c.is_ascii_alphanumeric()) {
                    invalid.add("secret", "bad_secret", "加签密钥无效，应为钉钉给出的以 SEC 开头的字符串");
                }
                Some(typed.to_owned())
            };
            Channel::Dingtalk(DingTalkRobot { webhook, secret, format })
        }
        "wecom" => Channel::Wecom(WeComRobot { webhook: webhook(&mut invalid, "wecom"), format }),
        "smtp" => {
            let old = match old {
                Some(Channel::Smtp(s)) => Some(s),
                _ => None,
            };
            let host = invalid.text("host", "邮件服务器", &input.host, 200);
            let security = match input.security.trim() {
                "" | "tls" => Security::Tls,
                "starttls" => Security::StartTls,
                "none" => Security::None,
                _ => {
                    invalid.add("security", "unknown", "加密方式无效，应为 tls、starttls 或 none");
                    Security::Tls
                }
            };
            let port = match input.port.trim() {
                "" => match security {
                    Security::Tls => 465,
                    Security::StartTls => 587,
                    Security::None => 25,
                },
                text => text.parse::<u16>().ok().filter(|p| *p > 0).unwrap_or_else(|| {
                    invalid.add("port", "bad_port", "端口应为 1 到 65535 之间的整数");
                    0
                }),
            };
            let from = invalid.text("from", "发件人", &input.from, 200);
            if !from.is_empty() && !qingdan_notify::is_mail_address(&from) {
                invalid.add("from", "bad_address", format!("发件人“{from}”不是有效的邮件地址"));
            }
            let to: Vec<String> = input
                .to
                .split([',', ';', '，', '；', '\n'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect();
            if to.is_empty() {
                invalid.add("to", "required", "收件人不能为空");
            }
            for bad in to.iter().filter(|t| !qingdan_notify::is_mail_address(t)) {
                invalid.add("to", "bad_address", format!("收件人“{bad}”不是有效的邮件地址"));
            }
            if to.len() > 100 {
                invalid.add("to", "too_many", "收件人不能超过100个");
            }
            let username = invalid.optional_text("username", "用户名", &input.username, 200);
            let password = if input.password.is_empty() {
                old.map(|o| o.password.clone()).unwrap_or_default()
            } else {
                input.password.clone()
            };
            let root_ca_pem = match input.root_ca_pem.trim() {
                "" => old.and_then(|o| o.root_ca_pem.clone()),
                pem if !pem.starts_with("-----BEGIN CERTIFICATE-----") => {
                    invalid.add("root_ca_pem", "bad_pem", "根证书应为 PEM 格式（以 -----BEGIN CERTIFICATE----- 开头）");
                    None
                }
                pem => Some(pem.to_owned()),
            };
            Channel::Smtp(Smtp { host, port, security, username, password, from, to, root_ca_pem })
        }
        _ => {
            invalid.add("kind", "unknown", "通道类型无效，应为 dingtalk、wecom 或 smtp");
            Channel::Wecom(WeComRobot { webhook: String::new(), format })
        }
    };
    invalid.into_result()?;
    Ok((name, channel))
}

fn new_channel(name: String, channel: &Channel, enabled: bool) -> Result<NewChannel> {
    let config_json = serde_json::to_string(channel).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(NewChannel { kind: channel.kind().to_owned(), name, config_json, enabled, address: address_of(channel) })
}

/// `host:port` of where a channel sends, without the webhook's key or path.
fn address_of(channel: &Channel) -> String {
    channel.address().map(|(host, port)| format!("{host}:{port}")).unwrap_or_default()
}

/// Whole seconds: timestamps stored as text on SQLite compare as text, so
/// keep one shape.
fn whole_seconds(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at)
}

impl App {
    /// The tenant's channels, secrets masked. Admins only.
    pub async fn notification_channels(&self, user: &User) -> Result<Vec<ChannelView>> {
        require_admin(user)?;
        self.store.channels(user.tenant_id).await?.iter().map(view).collect()
    }

    /// One channel, secrets masked. Admins only.
    pub async fn notification_channel(&self, user: &User, id: ChannelId) -> Result<ChannelView> {
        require_admin(user)?;
        let stored = self.store.channel(user.tenant_id, id).await?.ok_or(AppError::NotFound("消息通道"))?;
        view(&stored)
    }

    pub async fn create_notification_channel(&self, user: &User, input: &ChannelInput) -> Result<ChannelId> {
        require_admin(user)?;
        let (name, channel) = check_channel(input, None)?;
        self.check_reachable(&channel)?;
        let new = new_channel(name, &channel, input.enabled)?;
        Ok(self.store.create_channel(user.tenant_id, &new, self.actor(user)).await?)
    }

    /// Changes a channel; empty secret fields keep the stored secrets.
    pub async fn update_notification_channel(&self, user: &User, id: ChannelId, input: &ChannelInput) -> Result<()> {
        require_admin(user)?;
        let stored = self.store.channel(user.tenant_id, id).await?.ok_or(AppError::NotFound("消息通道"))?;
        let old = parse_channel(&stored)?;
        let (name, channel) = check_channel(input, Some(&old))?;
        self.check_reachable(&channel)?;
        let new = new_channel(name, &channel, input.enabled)?;
        Ok(self.store.update_channel(user.tenant_id, id, &new, &address_of(&old), self.actor(user)).await?)
    }

    pub async fn set_notification_channel_enabled(&self, user: &User, id: ChannelId, enabled: bool) -> Result<()> {
        require_admin(user)?;
        Ok(self.store.set_channel_enabled(user.tenant_id, id, enabled, self.actor(user)).await?)
    }

    /// Refuses an address written as this machine or a metadata address
    /// (`localhost`, `127.0.0.1`, `169.254.169.254`…) unless the configuration
    /// allows its network. Names are checked again, resolved, at every send.
    fn check_reachable(&self, channel: &Channel) -> Result<()> {
        let Ok((host, _)) = channel.address() else { return Ok(()) };
        let ip = if host.eq_ignore_ascii_case("localhost") {
            Some(std::net::IpAddr::from([127, 0, 0, 1]))
        } else {
            host.parse().ok()
        };
        match ip {
            Some(ip) if !self.network_policy.allows(ip) => {
                let field = if channel.kind() == "smtp" { "host" } else { "webhook" };
                Err(AppError::field(
                    field,
                    "forbidden_network",
                    format!(
                        "地址 {host} 指向本机、链路本地或云平台元数据地址，不允许使用；如确需使用，请在配置的 allowed_networks 中放行该网段"
                    ),
                ))
            }
            _ => Ok(()),
        }
    }

    /// 发送测试消息: sends one message now, outside the outbox, and says how it went.
    pub async fn send_test_notification(&self, user: &User, id: ChannelId) -> Result<TestSend> {
        require_admin(user)?;
        let stored = self.store.channel(user.tenant_id, id).await?.ok_or(AppError::NotFound("消息通道"))?;
        let channel = parse_channel(&stored)?;
        let at = self.clock.now().with_timezone(&crate::beijing()).format("%Y-%m-%d %H:%M");
        let message = Message::new(
            "一张清单测试消息",
            format!("这是“{}”通道的测试消息，由{}于{at}发送。收到即说明配置正确。", stored.name, user.display_name),
        );
        // Only what went wrong is shown, never what the other side wrote back:
        // a test send must not read an inner service for whoever set the address.
        Ok(match channel.send_within(&message, &self.network_policy).await {
            Ok(_) => TestSend { ok: true, detail: "接收方已接收".to_owned() },
            Err(err) => {
                tracing::info!(channel = stored.name, "test send failed: {err}");
                TestSend { ok: false, detail: err.summary() }
            }
        })
    }

    /// The tenant's latest outbox rows, newest first. Admins only.
    pub async fn notification_outbox(&self, user: &User, limit: i64) -> Result<Vec<OutboxItem>> {
        require_admin(user)?;
        Ok(self.store.notifications(user.tenant_id, limit.clamp(1, 500)).await?)
    }

    /// Queues `message` for every enabled channel of `tenant`, once per
    /// `event_key`: calling again with the same key (after a restart too)
    /// queues nothing more. Returns how many rows were added. The caller
    /// picks a key that names the event, not the moment, e.g.
    /// `report-due:{plan}:{period}:{org}` or `assignment-red:{id}:{stage}`.
    pub async fn notify(&self, tenant: TenantId, event_key: &str, message: &Message) -> Result<u64> {
        self.notify_many(tenant, &[(event_key.to_owned(), message.clone())]).await
    }

    /// Notices for the tenant's channels and, each, for the inboxes of its
    /// audience (站内消息) — the channel that always works. Once per event on
    /// each channel and once per person and event in the inbox, after a
    /// restart too. Returns how many channel messages were queued.
    pub async fn notify_all(&self, tenant: TenantId, notices: &[Notice]) -> Result<u64> {
        let events: Vec<(String, Message)> = notices.iter().map(|n| (n.key.clone(), n.message.clone())).collect();
        let queued = self.notify_many(tenant, &events).await?;
        self.deliver_to_inbox(tenant, notices).await?;
        Ok(queued)
    }

    /// Puts notices in the inboxes of their audiences only (no channel).
    pub(crate) async fn deliver_to_inbox(&self, tenant: TenantId, notices: &[Notice]) -> Result<u64> {
        let inbox: Vec<InboxNotice<'_>> = notices.iter().map(Notice::for_inbox).collect();
        Ok(self.store.deliver_to_inbox(tenant, &inbox, whole_seconds(self.clock.now())).await?)
    }

    /// [`App::notify`] for many events at once, in one transaction per thousand.
    pub async fn notify_many(&self, tenant: TenantId, events: &[(String, Message)]) -> Result<u64> {
        let mut mentions = Vec::with_capacity(events.len());
        for (key, message) in events {
            let key = key.trim();
            if key.is_empty() || key.len() > 200 {
                return Err(AppError::field("event_key", "bad_key", "事件标识不能为空，且不能超过200个字节"));
            }
            mentions.push(message.mention_mobiles.join(","));
        }
        let items: Vec<NewNotification<'_>> = events
            .iter()
            .zip(&mentions)
            .map(|((key, m), mentions)| NewNotification {
                event_key: key.trim(),
                title: &m.title,
                body: &m.text,
                mentions,
            })
            .collect();
        let now = whole_seconds(self.clock.now());
        Ok(self.store.enqueue_notifications(tenant, &items, now).await?)
    }

    /// One delivery pass over every tenant: expires the rows of a dead
    /// worker, then claims due rows, sends each and records the outcome.
    pub async fn deliver_notifications(&self) -> Result<DeliveryPass> {
        let now = whole_seconds(self.clock.now());
        let mut pass = DeliveryPass {
            expired: usize::try_from(
                self.store.expire_stale_notifications(now - SENDING_LEASE, UNKNOWN_AFTER_CRASH).await?,
            )
            .unwrap_or(usize::MAX),
            ..DeliveryPass::default()
        };
        let mut channels: HashMap<(TenantId, ChannelId), Option<NotificationChannel>> = HashMap::new();
        for _ in 0..MAX_BATCHES {
            let batch = self.store.claim_due_notifications(now, CLAIM_BATCH).await?;
            if batch.is_empty() {
                break;
            }
            for item in batch {
                let key = (item.tenant_id, item.channel_id);
                if let Entry::Vacant(slot) = channels.entry(key) {
                    slot.insert(self.store.channel(item.tenant_id, item.channel_id).await?);
                }
                let stored = channels.get(&key).cloned().flatten();
                self.deliver_one(&item, stored.as_ref(), &mut pass).await?;
            }
        }
        if pass != DeliveryPass::default() {
            tracing::info!(?pass, "notifications delivered");
        }
        Ok(pass)
    }

    async fn deliver_one(
        &self,
        item: &OutboxItem,
        stored: Option<&NotificationChannel>,
        pass: &mut DeliveryPass,
    ) -> Result<()> {
        let Some(stored) = stored.filter(|s| s.enabled) else {
            self.store.mark_notification_failed(item.tenant_id, item.id, "通道已停用或已删除，未发送", None).await?;
            pass.failed += 1;
            return Ok(());
        };
        let channel = match parse_channel(stored) {
            Ok(channel) => channel,
            Err(err) => {
                tracing::error!("{err}");
                self.store.mark_notification_failed(item.tenant_id, item.id, "通道配置无法读取，未发送", None).await?;
                pass.failed += 1;
                return Ok(());
            }
        };
        let message = Message {
            title: item.title.clone(),
            text: item.body.clone(),
            mention_mobiles: item.mentions.split(',').filter(|m| !m.is_empty()).map(str::to_owned).collect(),
        };
        match channel.send_within(&message, &self.network_policy).await {
            Ok(_) => {
                self.store.mark_notification_sent(item.tenant_id, item.id, self.clock.now()).await?;
                pass.sent += 1;
            }
            Err(err) if err.surely_not_delivered() && item.attempts < MAX_ATTEMPTS => {
                let index = usize::try_from(item.attempts - 1).unwrap_or(0).min(RETRY_DELAYS.len() - 1);
                let retry_at = whole_seconds(self.clock.now() + RETRY_DELAYS[index]);
                tracing::warn!(channel = stored.name, event = item.event_key, "notification failed, will retry: {err}");
                self.store.mark_notification_failed(item.tenant_id, item.id, &err.to_string(), Some(retry_at)).await?;
                pass.retrying += 1;
            }
            Err(err) => {
                let why = if err.surely_not_delivered() {
                    format!("已尝试{}次，放弃：{err}", item.attempts)
                } else {
                    format!("{err}；为避免重复，不自动重发")
                };
                tracing::warn!(channel = stored.name, event = item.event_key, "notification failed for good: {why}");
                self.store.mark_notification_failed(item.tenant_id, item.id, &why, None).await?;
                pass.failed += 1;
            }
        }
        Ok(())
    }
}
