//! The one HTTP client the robots share: rustls on the ring provider, the
//! operating system's roots, bounded timeouts, no redirects.

use crate::{CONNECT_TIMEOUT, SEND_TIMEOUT, SendError};
use std::sync::OnceLock;

static CLIENT: OnceLock<Result<reqwest::Client, String>> = OnceLock::new();

pub(crate) fn client() -> Result<&'static reqwest::Client, SendError> {
    CLIENT
        .get_or_init(|| builder().build().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| SendError::Config(format!("HTTP 客户端无法创建：{e}")))
}

fn builder() -> reqwest::ClientBuilder {
    // reqwest is built without a crypto provider (its default, aws-lc, is
    // hard to cross-build): install ring once for the process. An error
    // means one is installed already, which is as good.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(SEND_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("qingdan/", env!("CARGO_PKG_VERSION")))
}

/// Posts `body` as JSON to `url` and reads the robots' `{errcode, errmsg}`
/// reply; connects to `pinned` (the address the network policy checked)
/// rather than resolving the URL's host again, when given.
pub(crate) async fn post_robot(
    url: reqwest::Url,
    body: &serde_json::Value,
    pinned: Option<std::net::SocketAddr>,
) -> Result<crate::Delivery, SendError> {
    let pinned_client;
    let client = match (pinned, url.host_str()) {
        (Some(addr), Some(host)) => {
            let host = host.trim_matches(['[', ']']).to_owned();
            pinned_client = builder()
                .resolve(&host, addr)
                .build()
                .map_err(|e| SendError::Config(format!("HTTP 客户端无法创建：{e}")))?;
            &pinned_client
        }
        _ => client()?,
    };
    let response = client.post(url).json(body).send().await.map_err(request_error)?;
    let status = response.status();
    let text = response.text().await.map_err(|e| SendError::Unknown(e.to_string()))?;
    if !status.is_success() {
        return Err(SendError::Status { status: status.as_u16(), body: crate::truncate_utf8(&text, 300) });
    }
    #[derive(serde::Deserialize)]
    struct Reply {
        errcode: Option<i64>,
        #[serde(default)]
        errmsg: String,
    }
    // A 2xx whose body is not the robots' reply: something in between (a
    // proxy's page) answered. The message may or may not have gone on.
    let reply: Reply = serde_json::from_str(&text)
        .map_err(|_| SendError::Unknown(format!("无法识别的回复：{}", crate::truncate_utf8(&text, 300))))?;
    match reply.errcode {
        Some(0) => Ok(crate::Delivery { response: format!("errcode 0: {}", reply.errmsg) }),
        Some(errcode) => Err(SendError::Rejected { errcode, errmsg: reply.errmsg }),
        None => Err(SendError::Unknown(format!("回复中没有 errcode：{}", crate::truncate_utf8(&text, 300)))),
    }
}

/// A request that failed before an answer: only a failed connect is sure to
/// have sent nothing.
fn request_error(err: reqwest::Error) -> SendError {
    if err.is_builder() {
        SendError::Config(err.to_string())
    } else if err.is_connect() {
        SendError::Connect(error_chain(&err))
    } else {
        SendError::Unknown(error_chain(&err))
    }
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Parses a webhook URL, allowing only http and https.
pub(crate) fn webhook_url(webhook: &str) -> Result<reqwest::Url, SendError> {
    let url = reqwest::Url::parse(webhook.trim()).map_err(|e| SendError::Config(format!("Webhook 地址无效：{e}")))?;
    if url.scheme() != "https" && url.scheme() != "http" {
        return Err(SendError::Config("Webhook 地址应以 https:// 开头".into()));
    }
    Ok(url)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test that cannot build its input should fail loudly
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A robot that answers one request with errcode 0.
    async fn robot() -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buf = vec![0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let body = r#"{"errcode":0,"errmsg":"ok"}"#;
            let reply = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}", body.len());
            let _ = socket.write_all(reply.as_bytes()).await;
        });
        addr
    }

    #[tokio::test]
    async fn a_pinned_send_connects_to_the_checked_address_not_a_new_answer() {
        let addr = robot().await;
        // A name no resolver answers: only the pinned address can be reached.
        let url = reqwest::Url::parse(&format!("http://robot.qingdan-pin.invalid:{}/send", addr.port())).unwrap();
        let body = serde_json::json!({"msgtype": "text"});
        let sent = post_robot(url.clone(), &body, Some(addr)).await.unwrap();
        assert_eq!(sent.response, "errcode 0: ok");
        let unpinned = post_robot(url, &body, None).await;
        assert!(matches!(unpinned, Err(SendError::Connect(_))), "{unpinned:?}");
    }
}
