//! 消息通道 (notification channels): a DingTalk group robot, a WeCom group
//! robot and SMTP mail, each with one `send(&Message)`.
//!
//! This crate only speaks the wire formats (STACK.md §8). It keeps no state
//! and knows no database: which message goes where, once, is the outbox's job
//! in `qingdan-app` and `qingdan-storage`. A send either returns a
//! [`Delivery`] (the receiver took the message) or a [`SendError`] that says
//! whether the receiver surely did not take it ([`SendError::surely_not_delivered`]),
//! which is what lets the outbox retry without ever sending a message twice.
//!
//! Every send is bounded in time ([`SEND_TIMEOUT`]). HTTP goes through reqwest
//! with rustls on the ring provider and the operating system's roots (so an
//! internal CA added to the OS store works); mail through lettre.

mod dingtalk;
mod http;
pub mod network;
mod smtp;
mod text;
mod wecom;

pub use dingtalk::{DingTalkRobot, dingtalk_sign};
pub use network::NetworkPolicy;
pub use smtp::{Security, Smtp, is_mail_address};
pub use text::truncate_utf8;
pub use wecom::WeComRobot;

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The longest a single send may take, connection included.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(20);
/// The longest a connection may take to open.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// One message, whatever the channel: a title, a body in light Markdown
/// (headings, bold, lists, links: what both robots render), and the mobile
/// numbers to @-mention in a group (ignored by mail).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub title: String,
    pub text: String,
    #[serde(default)]
    pub mention_mobiles: Vec<String>,
}

impl Message {
    pub fn new(title: impl Into<String>, text: impl Into<String>) -> Message {
        Message { title: title.into(), text: text.into(), mention_mobiles: Vec::new() }
    }

    /// The same message, @-mentioning these mobile numbers in robot groups.
    pub fn mentioning(mut self, mobiles: impl IntoIterator<Item = impl Into<String>>) -> Message {
        self.mention_mobiles = mobiles.into_iter().map(Into::into).collect();
        self
    }
}

/// Whether a robot posts Markdown (the default) or plain text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RobotFormat {
    #[default]
    Markdown,
    Text,
}

/// A configured channel of any kind: what the outbox stores as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Channel {
    Dingtalk(DingTalkRobot),
    Wecom(WeComRobot),
    Smtp(Smtp),
}

impl Channel {
    /// Sends `message` if every address the channel's host resolves to is one
    /// `policy` allows (see [`network`]), connecting to the address checked;
    /// else refuses, sending nothing.
    pub async fn send_within(&self, message: &Message, policy: &NetworkPolicy) -> Result<Delivery, SendError> {
        let (host, port) = self.address()?;
        let pinned = policy.check_host(&host, port).await?;
        self.send_to(message, Some(pinned)).await
    }

    /// Where the channel connects: the webhook's host and port, or the mail server's.
    pub fn address(&self) -> Result<(String, u16), SendError> {
        match self {
            Channel::Dingtalk(DingTalkRobot { webhook, .. }) | Channel::Wecom(WeComRobot { webhook, .. }) => {
                let url = http::webhook_url(webhook)?;
                let host = url.host_str().unwrap_or_default().trim_matches(['[', ']']).to_owned();
                Ok((host, url.port_or_known_default().unwrap_or(443)))
            }
            Channel::Smtp(smtp) => Ok((smtp.host.clone(), smtp.port)),
        }
    }

    /// Sends `message` without checking the network: see [`Channel::send_within`].
    pub async fn send(&self, message: &Message) -> Result<Delivery, SendError> {
        self.send_to(message, None).await
    }

    /// Sends `message`, connecting to `pinned` instead of resolving the host again.
    async fn send_to(&self, message: &Message, pinned: Option<std::net::SocketAddr>) -> Result<Delivery, SendError> {
        match self {
            Channel::Dingtalk(robot) => robot.send_to(message, pinned).await,
            Channel::Wecom(robot) => robot.send_to(message, pinned).await,
            Channel::Smtp(smtp) => smtp.send_to(message, pinned).await,
        }
    }

    /// The kind's code as stored: `dingtalk`, `wecom` or `smtp`.
    pub fn kind(&self) -> &'static str {
        match self {
            Channel::Dingtalk(_) => "dingtalk",
            Channel::Wecom(_) => "wecom",
            Channel::Smtp(_) => "smtp",
        }
    }
}

/// What the receiver answered when it took the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The receiver's own words: `errcode 0: ok`, or the SMTP reply.
    pub response: String,
}

/// Why a send failed.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The channel's settings cannot work (a malformed URL or address).
    #[error("配置有误：{0}")]
    Config(String),
    /// No connection could be made: nothing was sent.
    #[error("无法连接：{0}")]
    Connect(String),
    /// The robot answered with an HTTP error status.
    #[error("HTTP {status}：{body}")]
    Status { status: u16, body: String },
    /// The robot answered `errcode != 0`: it did not post the message.
    #[error("接收方拒绝（errcode {errcode}）：{errmsg}")]
    Rejected { errcode: i64, errmsg: String },
    /// The mail server refused (a 4xx or 5xx reply).
    #[error("邮件服务器拒绝：{0}")]
    MailRefused(String),
    /// The connection broke or timed out after the message may have left:
    /// the receiver may or may not have it.
    #[error("结果未知：{0}")]
    Unknown(String),
}

impl SendError {
    /// True when the receiver certainly does not have the message, so sending
    /// it again cannot make a duplicate. False for [`SendError::Unknown`].
    pub fn surely_not_delivered(&self) -> bool {
        !matches!(self, SendError::Unknown(_))
    }

    /// What went wrong without a word the remote side wrote: what a person is
    /// shown after a test send, so a channel pointed at an inner service
    /// cannot be used to read it.
    pub fn summary(&self) -> String {
        match self {
            SendError::Config(why) => format!("配置有误：{why}"),
            SendError::Connect(_) => "无法连接接收方".to_owned(),
            SendError::Status { status, .. } => format!("接收方答复 HTTP {status}"),
            SendError::Rejected { errcode, .. } => format!("接收方拒绝（errcode {errcode}）"),
            SendError::MailRefused(_) => "邮件服务器拒绝".to_owned(),
            SendError::Unknown(_) => "结果未知：连接中断或答复无法识别".to_owned(),
        }
    }
}
