//! SMTP mail through lettre: implicit TLS (port 465), STARTTLS (587/25) or,
//! inside a closed network only, plain text.

use crate::{Delivery, Message, SEND_TIMEOUT, SendError};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The longest the connect or one SMTP command may take.
const SMTP_COMMAND_TIMEOUT: Duration = Duration::from_secs(10);

/// How the connection to the mail server is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte (SMTPS, usually port 465).
    #[default]
    Tls,
    /// Plain connection upgraded with STARTTLS, which the server must offer.
    StartTls,
    /// No encryption: only for a relay inside the same closed network.
    None,
}

/// A mail server and the message envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    #[serde(default)]
    pub security: Security,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    /// The sender, `督查室 <duchashi@example.gov.cn>` or a bare address.
    pub from: String,
    pub to: Vec<String>,
    /// An extra root certificate (PEM) for a server signed by an internal CA.
    #[serde(default)]
    pub root_ca_pem: Option<String>,
}

/// Whether `text` is a mail address lettre accepts: `a@b.cn` or `名字 <a@b.cn>`.
pub fn is_mail_address(text: &str) -> bool {
    text.trim().parse::<Mailbox>().is_ok()
}

/// Parses `from` or a recipient, naming which one was bad.
fn mailbox(what: &str, text: &str) -> Result<Mailbox, SendError> {
    text.trim().parse::<Mailbox>().map_err(|e| SendError::Config(format!("{what}“{text}”无效：{e}")))
}

impl Smtp {
    /// The mail for `message`: a Chinese subject (RFC 2047-encoded by lettre)
    /// and a UTF-8 plain-text body in base64.
    pub fn email(&self, message: &Message) -> Result<lettre::Message, SendError> {
        let mut builder = lettre::Message::builder().from(mailbox("发件人", &self.from)?).subject(&message.title);
        if self.to.is_empty() {
            return Err(SendError::Config("没有收件人".into()));
        }
        for to in &self.to {
            builder = builder.to(mailbox("收件人", to)?);
        }
        let body = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .header(ContentTransferEncoding::Base64)
            .body(message.text.clone());
        builder.singlepart(body).map_err(|e| SendError::Config(e.to_string()))
    }

    /// The transport to the mail server; to `pinned` (its checked address)
    /// when given, TLS still verifying the certificate against `host`.
    fn transport(&self, pinned: Option<std::net::SocketAddr>) -> Result<AsyncSmtpTransport<Tokio1Executor>, SendError> {
        let host = self.host.trim();
        if host.is_empty() {
            return Err(SendError::Config("没有填写邮件服务器".into()));
        }
        let tls = || -> Result<TlsParameters, SendError> {
            let mut params = TlsParameters::builder(host.to_owned());
            if let Some(pem) = self.root_ca_pem.as_deref().filter(|p| !p.trim().is_empty()) {
                let cert =
                    Certificate::from_pem(pem.as_bytes()).map_err(|e| SendError::Config(format!("根证书无效：{e}")))?;
                params = params.add_root_certificate(cert);
            }
            params.build().map_err(|e| SendError::Config(format!("TLS 设置无效：{e}")))
        };
        let tls = match self.security {
            Security::Tls => Tls::Wrapper(tls()?),
            Security::StartTls => Tls::Required(tls()?),
            Security::None => Tls::None,
        };
        // lettre's timeout bounds the connect and each command; `send` bounds the whole.
        let server = pinned.map_or_else(|| host.to_owned(), |addr| addr.ip().to_string());
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(server)
            .port(self.port)
            .tls(tls)
            .timeout(Some(SMTP_COMMAND_TIMEOUT));
        if !self.username.is_empty() {
            builder = builder.credentials(Credentials::new(self.username.clone(), self.password.clone()));
        }
        Ok(builder.build())
    }

    pub async fn send(&self, message: &Message) -> Result<Delivery, SendError> {
        self.send_to(message, None).await
    }

    /// [`Smtp::send`], connecting to `pinned` when given.
    pub(crate) async fn send_to(
        &self,
        message: &Message,
        pinned: Option<std::net::SocketAddr>,
    ) -> Result<Delivery, SendError> {
        let email = self.email(message)?;
        let transport = self.transport(pinned)?;
        let sent = tokio::time::timeout(SEND_TIMEOUT, transport.send(email))
            .await
            .map_err(|_| SendError::Unknown(format!("{} 秒内没有完成", SEND_TIMEOUT.as_secs())))?;
        match sent {
            Ok(response) => {
                let words: Vec<&str> = response.message().collect();
                Ok(Delivery { response: format!("{} {}", response.code(), words.join(" ")) })
            }
            // The server answered 4xx/5xx: it did not take the mail.
            Err(err) if err.is_transient() || err.is_permanent() => Err(SendError::MailRefused(err.to_string())),
            // TLS is negotiated before the envelope: nothing was sent.
            Err(err) if err.is_tls() => Err(SendError::Connect(err.to_string())),
            // lettre's own refusals (no STARTTLS offered, no usable login
            // mechanism) come before the envelope: nothing was sent.
            Err(err) if err.is_client() => Err(SendError::Config(err.to_string())),
            Err(err) if is_connect_error(&err) => Err(SendError::Connect(err.to_string())),
            Err(err) => Err(SendError::Unknown(err.to_string())),
        }
    }
}

/// lettre reports a failed connect as its `Connection` kind, which has no
/// `is_…` method; its Display starts with "Connection error".
fn is_connect_error(err: &lettre::transport::smtp::Error) -> bool {
    err.to_string().starts_with("Connection error")
}
