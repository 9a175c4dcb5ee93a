//! 企业微信群机器人 (WeCom group robot). No signing: the `key` in the webhook is the secret.

use crate::http::{post_robot, webhook_url};
use crate::text::truncate_utf8;
use crate::{Delivery, Message, RobotFormat, SendError};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// WeCom's limit on a markdown message's content, in bytes of UTF-8.
pub const WECOM_MARKDOWN_MAX_BYTES: usize = 4096;
/// WeCom's limit on a text message's content, in bytes of UTF-8.
pub const WECOM_TEXT_MAX_BYTES: usize = 2048;

/// A WeCom robot: its webhook (`https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeComRobot {
    pub webhook: String,
    #[serde(default)]
    pub format: RobotFormat,
}

impl WeComRobot {
    /// The JSON body WeCom documents for `message`, cut to WeCom's byte limits.
    pub fn body(&self, message: &Message) -> Value {
        match self.format {
            RobotFormat::Markdown => {
                // Markdown messages cannot @ by mobile; the mobiles go in as text.
                let mentions: String = message.mention_mobiles.iter().map(|m| format!(" @{m}")).collect();
                let content = format!("### {}\n{}{}", message.title, message.text, mentions);
                json!({
                    "msgtype": "markdown",
                    "markdown": {"content": truncate_utf8(&content, WECOM_MARKDOWN_MAX_BYTES)},
                })
            }
            RobotFormat::Text => {
                let content = format!("{}\n{}", message.title, message.text);
                json!({
                    "msgtype": "text",
                    "text": {
                        "content": truncate_utf8(&content, WECOM_TEXT_MAX_BYTES),
                        "mentioned_mobile_list": message.mention_mobiles,
                    },
                })
            }
        }
    }

    pub async fn send(&self, message: &Message) -> Result<Delivery, SendError> {
        self.send_to(message, None).await
    }

    /// [`WeComRobot::send`], connecting to `pinned` when given.
    pub(crate) async fn send_to(
        &self,
        message: &Message,
        pinned: Option<std::net::SocketAddr>,
    ) -> Result<Delivery, SendError> {
        post_robot(webhook_url(&self.webhook)?, &self.body(message), pinned).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_cut_to_4096_bytes_on_a_char_boundary() {
        let robot = WeComRobot { webhook: String::new(), format: RobotFormat::Markdown };
        let body = robot.body(&Message::new("周报", "进展".repeat(2000)));
        let content = body["markdown"]["content"].as_str().unwrap_or_default();
        assert_eq!(body["msgtype"], "markdown");
        assert!(content.starts_with("### 周报\n进展"));
        assert!(content.len() <= WECOM_MARKDOWN_MAX_BYTES && content.len() > WECOM_MARKDOWN_MAX_BYTES - 6);
        assert!(content.ends_with('…'));
    }

    #[test]
    fn text_is_cut_to_2048_bytes_and_mentions_by_mobile() {
        let robot = WeComRobot { webhook: String::new(), format: RobotFormat::Text };
        let body = robot.body(&Message::new("提醒", "报".repeat(1000)).mentioning(["13900000000"]));
        let content = body["text"]["content"].as_str().unwrap_or_default();
        assert!(content.len() <= WECOM_TEXT_MAX_BYTES && content.starts_with("提醒\n报"));
        assert_eq!(body["text"]["mentioned_mobile_list"][0], "13900000000");
    }
}
