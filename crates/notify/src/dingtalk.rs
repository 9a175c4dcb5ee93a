//! 钉钉群机器人 (DingTalk custom group robot), with optional 加签 signing.

use crate::http::{post_robot, webhook_url};
use crate::{Delivery, Message, RobotFormat, SendError};
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A DingTalk robot: its webhook (`https://oapi.dingtalk.com/robot/send?access_token=…`)
/// and, when the robot's security setting is 加签, its `SEC…` secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DingTalkRobot {
    pub webhook: String,
    #[serde(default)]
    pub secret: Option<String>,
    #[serde(default)]
    pub format: RobotFormat,
}

/// DingTalk's signature for `timestamp_ms`: `base64(HmacSHA256(key = secret,
/// msg = timestamp + "\n" + secret))`. It goes into the URL as the `sign`
/// query parameter, URL-encoded (`+`, `/` and `=` escaped) by [`DingTalkRobot::url`].
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(format!("{timestamp_ms}\n{secret}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

impl DingTalkRobot {
    /// The URL to post to at `timestamp_ms`: the webhook, plus `timestamp`
    /// and `sign` when the robot has a secret.
    pub fn url(&self, timestamp_ms: i64) -> Result<reqwest::Url, SendError> {
        let mut url = webhook_url(&self.webhook)?;
        if let Some(secret) = self.secret.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            url.query_pairs_mut()
                .append_pair("timestamp", &timestamp_ms.to_string())
                .append_pair("sign", &dingtalk_sign(secret, timestamp_ms));
        }
        Ok(url)
    }

    /// The JSON body DingTalk documents for `message` in this robot's format.
    pub fn body(&self, message: &Message) -> Value {
        // A mention only lights up when the number also appears in the text.
        let mentions: String = message.mention_mobiles.iter().map(|m| format!(" @{m}")).collect();
        let at = json!({"atMobiles": message.mention_mobiles, "atUserIds": [], "isAtAll": false});
        match self.format {
            RobotFormat::Markdown => json!({
                "msgtype": "markdown",
                "markdown": {
                    "title": message.title,
                    "text": format!("#### {}\n\n{}{}", message.title, message.text, mentions),
                },
                "at": at,
            }),
            RobotFormat::Text => json!({
                "msgtype": "text",
                "text": {"content": format!("{}\n{}{}", message.title, message.text, mentions)},
                "at": at,
            }),
        }
    }

    pub async fn send(&self, message: &Message) -> Result<Delivery, SendError> {
        self.send_to(message, None).await
    }

    /// [`DingTalkRobot::send`], connecting to `pinned` when given.
    pub(crate) async fn send_to(
        &self,
        message: &Message,
        pinned: Option<std::net::SocketAddr>,
    ) -> Result<Delivery, SendError> {
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        post_robot(self.url(now_ms)?, &self.body(message), pinned).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values computed independently with Python's standard library:
    //   python3 -c "import hmac,hashlib,base64,urllib.parse
    //   s='SECd4b0f1'; t='1700000000123'
    //   b=base64.b64encode(hmac.new(s.encode(),(t+'\n'+s).encode(),hashlib.sha256).digest()).decode()
    //   print(b, urllib.parse.quote_plus(b))"
    const SECRET: &str = "SECd4b0f1";
    const TIMESTAMP: i64 = 1_700_000_000_123;
    const SIGN: &str = "HfOw3efBajV4NIc74hym3k/B+JhBCf1bZ5XEm/+Hf5U=";
    const SIGN_URLENCODED: &str = "HfOw3efBajV4NIc74hym3k%2FB%2BJhBCf1bZ5XEm%2F%2BHf5U%3D";

    #[test]
    fn signature_matches_an_independent_computation() {
        assert_eq!(dingtalk_sign(SECRET, TIMESTAMP), SIGN);
        // A second vector (python3, same recipe): secret "SECtest", timestamp 1577836800000.
        assert_eq!(dingtalk_sign("SECtest", 1_577_836_800_000), "drlICLmsjUfpSZSa7+mhIyTLZHQVqxb4vc20sB3aqQU=");
    }

    #[test]
    fn signed_url_escapes_plus_slash_and_equals() -> Result<(), SendError> {
        let robot = DingTalkRobot {
            webhook: "https://oapi.dingtalk.com/robot/send?access_token=abc".into(),
            secret: Some(SECRET.into()),
            format: RobotFormat::Markdown,
        };
        let url = robot.url(TIMESTAMP)?;
        assert_eq!(
            url.query(),
            Some(format!("access_token=abc&timestamp={TIMESTAMP}&sign={SIGN_URLENCODED}").as_str())
        );
        Ok(())
    }

    #[test]
    fn unsigned_url_is_the_webhook() -> Result<(), SendError> {
        let robot = DingTalkRobot {
            webhook: "https://example.org/robot/send?access_token=t".into(),
            secret: None,
            format: RobotFormat::Text,
        };
        assert_eq!(robot.url(TIMESTAMP)?.as_str(), "https://example.org/robot/send?access_token=t");
        let bad = DingTalkRobot { webhook: "ftp://x".into(), secret: None, format: RobotFormat::Text };
        assert!(matches!(bad.url(1), Err(SendError::Config(_))));
        Ok(())
    }

    #[test]
    fn bodies_follow_the_documented_shapes() {
        let message = Message::new("红灯提醒", "**任务** 已逾期").mentioning(["13800000000"]);
        let markdown =
            DingTalkRobot { webhook: String::new(), secret: None, format: RobotFormat::Markdown }.body(&message);
        assert_eq!(markdown["msgtype"], "markdown");
        assert_eq!(markdown["markdown"]["title"], "红灯提醒");
        assert_eq!(markdown["markdown"]["text"], "#### 红灯提醒\n\n**任务** 已逾期 @13800000000");
        assert_eq!(markdown["at"]["atMobiles"][0], "13800000000");
        assert_eq!(markdown["at"]["isAtAll"], false);
        let text = DingTalkRobot { webhook: String::new(), secret: None, format: RobotFormat::Text }.body(&message);
        assert_eq!(text["msgtype"], "text");
        assert_eq!(text["text"]["content"], "红灯提醒\n**任务** 已逾期 @13800000000");
    }
}
