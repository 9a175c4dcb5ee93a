//! Each channel against a local receiver on 127.0.0.1: an axum server that
//! answers like DingTalk and WeCom, and a small SMTP server that keeps the mail.

use anyhow::{Context, Result, ensure};
use axum::Router;
use axum::extract::{Json, RawQuery, State};
use axum::routing::post;
use base64::Engine;
use qingdan_notify::{
    Channel, DingTalkRobot, Message, RobotFormat, Security, SendError, Smtp, WeComRobot, dingtalk_sign,
};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// What the robot receiver saw: (path, raw query, JSON body).
type Seen = Arc<Mutex<Vec<(String, String, Value)>>>;

async fn robot_reply(path: &str, seen: &Seen, query: Option<String>, body: Value) -> Json<Value> {
    let query = query.unwrap_or_default();
    if let Ok(mut seen) = seen.lock() {
        seen.push((path.to_owned(), query.clone(), body));
    }
    // Answers as the real robots do: HTTP 200 either way, errcode says what happened.
    if query.contains("access_token=revoked") {
        Json(json!({"errcode": 310000, "errmsg": "sign not match"}))
    } else if query.contains("key=revoked") {
        Json(json!({"errcode": 93000, "errmsg": "invalid webhook url"}))
    } else {
        Json(json!({"errcode": 0, "errmsg": "ok"}))
    }
}

/// Starts the robot receiver; returns its base URL and what it has seen.
async fn robot_receiver() -> Result<(String, Seen)> {
    let seen: Seen = Arc::default();
    let router = Router::new()
        .route(
            "/robot/send",
            post(|State(seen): State<Seen>, RawQuery(q): RawQuery, Json(body): Json<Value>| async move {
                robot_reply("/robot/send", &seen, q, body).await
            }),
        )
        .route(
            "/cgi-bin/webhook/send",
            post(|State(seen): State<Seen>, RawQuery(q): RawQuery, Json(body): Json<Value>| async move {
                robot_reply("/cgi-bin/webhook/send", &seen, q, body).await
            }),
        )
        .with_state(seen.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok((format!("http://{addr}"), seen))
}

fn seen(seen: &Seen) -> Vec<(String, String, Value)> {
    seen.lock().map(|s| s.clone()).unwrap_or_default()
}

fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_owned))
}

#[tokio::test]
async fn dingtalk_signed_markdown_reaches_the_robot() -> Result<()> {
    let (base, log) = robot_receiver().await?;
    let secret = "SEC3f9a0c2b7e";
    let robot = DingTalkRobot {
        webhook: format!("{base}/robot/send?access_token=tok123"),
        secret: Some(secret.into()),
        format: RobotFormat::Markdown,
    };
    let message =
        Message::new("【红灯】新增钻井649口", "- 牵头单位：市能源局\n- 逾期 3 天").mentioning(["13800138000"]);
    let delivery = robot.send(&message).await?;
    ensure!(delivery.response == "errcode 0: ok", "{delivery:?}");

    let requests = seen(&log);
    ensure!(requests.len() == 1, "one request, got {}", requests.len());
    let (path, query, body) = &requests[0];
    ensure!(path == "/robot/send");
    ensure!(query_param(query, "access_token").as_deref() == Some("tok123"), "{query}");
    let timestamp: i64 = query_param(query, "timestamp").context("timestamp")?.parse()?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis() as i64;
    ensure!((now - timestamp).abs() < 3_600_000, "timestamp within the hour DingTalk accepts");
    // The sign as sent is the URL-encoded signature of that timestamp.
    let sign = query_param(query, "sign").context("sign")?;
    let expected: String = dingtalk_sign(secret, timestamp)
        .chars()
        .map(|c| match c {
            '+' => "%2B".to_owned(),
            '/' => "%2F".to_owned(),
            '=' => "%3D".to_owned(),
            c => c.to_string(),
        })
        .collect();
    ensure!(sign == expected, "sign {sign} != {expected}");
    ensure!(!sign.contains('+') && !sign.contains('/') && !sign.contains('='), "sign is URL-encoded: {sign}");

    ensure!(body["msgtype"] == "markdown", "{body}");
    ensure!(body["markdown"]["title"] == "【红灯】新增钻井649口");
    ensure!(body["markdown"]["text"] == "#### 【红灯】新增钻井649口\n\n- 牵头单位：市能源局\n- 逾期 3 天 @13800138000");
    ensure!(body["at"] == json!({"atMobiles": ["13800138000"], "atUserIds": [], "isAtAll": false}), "{body}");
    Ok(())
}

#[tokio::test]
async fn dingtalk_text_without_secret_and_an_error_reply() -> Result<()> {
    let (base, log) = robot_receiver().await?;
    let robot = DingTalkRobot {
        webhook: format!("{base}/robot/send?access_token=plain"),
        secret: None,
        format: RobotFormat::Text,
    };
    robot.send(&Message::new("报送提醒", "本月进展请于25日前报送")).await?;
    let requests = seen(&log);
    ensure!(requests[0].1 == "access_token=plain", "no signing parameters: {}", requests[0].1);
    ensure!(
        requests[0].2
            == json!({"msgtype": "text", "text": {"content": "报送提醒\n本月进展请于25日前报送"}, "at": {"atMobiles": [], "atUserIds": [], "isAtAll": false}})
    );

    let revoked = Channel::Dingtalk(DingTalkRobot {
        webhook: format!("{base}/robot/send?access_token=revoked"),
        secret: None,
        format: RobotFormat::Text,
    });
    match revoked.send(&Message::new("t", "x")).await {
        Err(err @ SendError::Rejected { errcode: 310000, .. }) => {
            ensure!(err.surely_not_delivered());
            ensure!(err.to_string().contains("sign not match"), "errmsg kept: {err}");
        }
        other => anyhow::bail!("expected a rejection, got {other:?}"),
    }
    Ok(())
}

#[tokio::test]
async fn wecom_markdown_and_text_bodies_and_an_error_reply() -> Result<()> {
    let (base, log) = robot_receiver().await?;
    let markdown = WeComRobot { webhook: format!("{base}/cgi-bin/webhook/send?key=k1"), format: RobotFormat::Markdown };
    markdown.send(&Message::new("周调度", "<font color=\"warning\">黄灯 3 项</font>")).await?;
    let text = WeComRobot { webhook: format!("{base}/cgi-bin/webhook/send?key=k1"), format: RobotFormat::Text };
    text.send(&Message::new("提醒", "请报送").mentioning(["13900000000"])).await?;
    let requests = seen(&log);
    ensure!(requests.len() == 2);
    ensure!(requests[0].1 == "key=k1");
    ensure!(
        requests[0].2
            == json!({"msgtype": "markdown", "markdown": {"content": "### 周调度\n<font color=\"warning\">黄灯 3 项</font>"}}),
        "{}",
        requests[0].2
    );
    ensure!(
        requests[1].2
            == json!({"msgtype": "text", "text": {"content": "提醒\n请报送", "mentioned_mobile_list": ["13900000000"]}}),
        "{}",
        requests[1].2
    );

    let long = markdown.send(&Message::new("长消息", "汇".repeat(3000))).await;
    ensure!(long.is_ok());
    let content = seen(&log)[2].2["markdown"]["content"].as_str().unwrap_or_default().to_owned();
    ensure!(content.len() <= 4096 && content.ends_with('…'), "cut to 4096 bytes: {}", content.len());

    let revoked = WeComRobot { webhook: format!("{base}/cgi-bin/webhook/send?key=revoked"), format: RobotFormat::Text };
    match revoked.send(&Message::new("t", "x")).await {
        Err(SendError::Rejected { errcode: 93000, errmsg }) => ensure!(errmsg == "invalid webhook url"),
        other => anyhow::bail!("expected a rejection, got {other:?}"),
    }
    Ok(())
}

#[tokio::test]
async fn a_closed_port_is_a_connect_error_that_sent_nothing() -> Result<()> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    drop(listener);
    let robot = WeComRobot { webhook: format!("http://{addr}/cgi-bin/webhook/send?key=k"), format: RobotFormat::Text };
    match robot.send(&Message::new("t", "x")).await {
        Err(err @ SendError::Connect(_)) => ensure!(err.surely_not_delivered()),
        other => anyhow::bail!("expected a connect error, got {other:?}"),
    }
    Ok(())
}

/// What the SMTP receiver captured from one session.
#[derive(Debug, Default, Clone)]
struct Mail {
    from: String,
    rcpt: Vec<String>,
    data: String,
}

/// A minimal SMTP server for one session: 220, EHLO, MAIL, RCPT, DATA, QUIT.
/// With `refuse_rcpt` it answers every RCPT with 550.
async fn smtp_receiver(refuse_rcpt: bool) -> Result<(u16, tokio::task::JoinHandle<Result<Mail>>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let handle = tokio::spawn(async move {
        let (stream, _) = listener.accept().await?;
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read).lines();
        let mut mail = Mail::default();
        write.write_all(b"220 localhost ESMTP test\r\n").await?;
        while let Some(line) = lines.next_line().await? {
            let upper = line.to_ascii_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                b"250-localhost\r\n250 8BITMIME\r\n"
            } else if upper.starts_with("MAIL FROM:") {
                mail.from = line[10..].trim().to_owned();
                b"250 OK\r\n"
            } else if upper.starts_with("RCPT TO:") {
                if refuse_rcpt {
                    b"550 5.1.1 no such user\r\n"
                } else {
                    mail.rcpt.push(line[8..].trim().to_owned());
                    b"250 OK\r\n"
                }
            } else if upper == "DATA" {
                write.write_all(b"354 go ahead\r\n").await?;
                while let Some(data) = lines.next_line().await? {
                    if data == "." {
                        break;
                    }
                    mail.data.push_str(&data);
                    mail.data.push('\n');
                }
                b"250 2.0.0 queued as 42\r\n"
            } else if upper == "QUIT" {
                write.write_all(b"221 bye\r\n").await?;
                break;
            } else if upper == "RSET" || upper == "NOOP" {
                b"250 OK\r\n"
            } else {
                b"502 not implemented\r\n"
            };
            write.write_all(reply).await?;
        }
        Ok(mail)
    });
    Ok((port, handle))
}

/// Decodes RFC 2047 `=?utf-8?b?…?=` words in an unfolded header value.
fn decode_header(value: &str) -> Result<String> {
    let mut out = String::new();
    for word in value.split_whitespace() {
        let lower = word.to_ascii_lowercase();
        if lower.starts_with("=?utf-8?b?") && word.ends_with("?=") {
            let bytes = base64::engine::general_purpose::STANDARD.decode(&word[10..word.len() - 2])?;
            out.push_str(&String::from_utf8(bytes)?);
        } else {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    Ok(out)
}

/// The headers (unfolded) and the body of a captured mail.
fn parse_mail(data: &str) -> (Vec<(String, String)>, String) {
    let (head, body) = data.split_once("\n\n").unwrap_or((data, ""));
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some(last) = headers.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.to_owned(), value.trim().to_owned()));
        }
    }
    (headers, body.to_owned())
}

fn smtp(port: u16) -> Smtp {
    Smtp {
        host: "127.0.0.1".into(),
        port,
        security: Security::None,
        username: String::new(),
        password: String::new(),
        from: "督查室 <duchashi@qinglan.gov.cn>".into(),
        to: vec!["fgw@qinglan.gov.cn".into(), "王主任 <wang@qinglan.gov.cn>".into()],
        root_ca_pem: None,
    }
}

#[tokio::test]
async fn smtp_delivers_a_chinese_subject_to_every_recipient() -> Result<()> {
    let (port, receiver) = smtp_receiver(false).await?;
    let message = Message::new("【督办提醒】关于报送2021年6月工作进展的通知", "各单位：\n请于6月25日前报送。");
    let delivery = Channel::Smtp(smtp(port)).send(&message).await?;
    ensure!(delivery.response.starts_with("250"), "{delivery:?}");

    let mail = receiver.await??;
    ensure!(mail.from == "<duchashi@qinglan.gov.cn>", "{}", mail.from);
    ensure!(mail.rcpt == ["<fgw@qinglan.gov.cn>", "<wang@qinglan.gov.cn>"], "{:?}", mail.rcpt);
    let (headers, body) = parse_mail(&mail.data);
    let header = |name: &str| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
    let subject = header("Subject").context("Subject")?;
    ensure!(subject.is_ascii(), "the subject is encoded on the wire: {subject}");
    ensure!(decode_header(&subject)? == "【督办提醒】关于报送2021年6月工作进展的通知", "{subject}");
    ensure!(decode_header(&header("From").context("From")?)?.contains("督查室"));
    ensure!(header("To").context("To")?.contains("wang@qinglan.gov.cn"));
    let text = base64::engine::general_purpose::STANDARD.decode(body.lines().collect::<String>())?;
    ensure!(String::from_utf8(text)?.replace("\r\n", "\n") == "各单位：\n请于6月25日前报送。");
    Ok(())
}

#[tokio::test]
async fn smtp_refusal_is_kept_and_sure_not_delivered() -> Result<()> {
    let (port, receiver) = smtp_receiver(true).await?;
    match smtp(port).send(&Message::new("测试", "x")).await {
        Err(err @ SendError::MailRefused(_)) => {
            ensure!(err.surely_not_delivered());
            ensure!(err.to_string().contains("no such user"), "{err}");
        }
        other => anyhow::bail!("expected a refusal, got {other:?}"),
    }
    let _ = receiver.await;
    Ok(())
}

#[tokio::test]
async fn bad_addresses_are_config_errors_naming_the_field() -> Result<()> {
    let mut bad = smtp(25);
    bad.to = vec!["不是地址".into()];
    match bad.send(&Message::new("t", "x")).await {
        Err(SendError::Config(why)) => ensure!(why.contains("收件人"), "{why}"),
        other => anyhow::bail!("expected a config error, got {other:?}"),
    }
    Ok(())
}

#[tokio::test]
async fn tls_to_a_plain_server_fails_cleanly_before_sending() -> Result<()> {
    // A server that answers in plain text where TLS is expected: the TLS
    // handshake fails, so nothing was sent and a retry cannot duplicate.
    for security in [Security::Tls, Security::StartTls] {
        let (port, receiver) = smtp_receiver(false).await?;
        let channel = Smtp { security, ..smtp(port) };
        match channel.send(&Message::new("测试", "x")).await {
            Err(err) => ensure!(err.surely_not_delivered(), "{security:?}: {err}"),
            Ok(d) => anyhow::bail!("{security:?}: sent over plain text? {d:?}"),
        }
        let mail = receiver.await;
        if let Ok(Ok(mail)) = mail {
            ensure!(mail.data.is_empty(), "{security:?}: no mail data went out");
        }
    }
    Ok(())
}

#[tokio::test]
async fn https_to_a_plain_server_fails_in_the_handshake_before_sending() -> Result<()> {
    // Proves the TLS stack (rustls on ring, OS roots) is set up, and that a
    // failed handshake counts as nothing sent.
    let (base, log) = robot_receiver().await?;
    let robot = WeComRobot {
        webhook: format!("{}/cgi-bin/webhook/send?key=k", base.replacen("http://", "https://", 1)),
        format: RobotFormat::Text,
    };
    match robot.send(&Message::new("t", "x")).await {
        Err(err @ SendError::Connect(_)) => ensure!(err.surely_not_delivered()),
        other => anyhow::bail!("expected a handshake failure, got {other:?}"),
    }
    ensure!(seen(&log).is_empty(), "the receiver saw no request");
    Ok(())
}
