//! What every page shares: the navigation bar, the error page, and small
//! display helpers that turn domain values into text and CSS classes.

use askama::Template;
use askama_web::WebTemplate;
use chrono::{DateTime, Utc};
use qingdan_domain::{Light, Role, User};

/// The top bar: who is signed in and the links their role may use.
#[derive(Clone)]
pub struct Nav {
    pub user_name: String,
    pub role_label: &'static str,
    pub links: Vec<(&'static str, &'static str)>,
    /// Settings folded under 设置, so that the menu stays one row.
    pub more: Vec<(&'static str, &'static str)>,
    pub current: &'static str,
    /// Whether the menu asks for its counts (`/nav/badges`): those who work the list.
    pub has_badges: bool,
}

impl Nav {
    pub fn new(user: &User, current: &'static str) -> Nav {
        let mut links = Vec::new();
        let mut more = Vec::new();
        if !user.role.is_administrator() {
            links.push(("/home", "首页"));
            links.push(("/plans", "计划清单"));
        }
        if user.role.reads_whole_tenant() {
            links.push(("/map", "挂图作战"));
        }
        if !user.role.is_administrator() {
            links.push(("/projects", "重点项目"));
        }
        if user.role.reads_whole_tenant() {
            links.push(("/dispatch", "调度会"));
        }
        if !user.role.is_administrator() {
            links.push(("/assessment", "考核排名"));
        }
        match user.role {
            Role::Reporter => {
                links.push(("/my", "我的填报"));
                links.push(("/my-assignments", "待办事项"));
            }
            Role::Supervisor => {
                links.push(("/assignments", "督办事项"));
                links.push(("/reviews", "审核"));
                links.push(("/imports", "导入报告"));
                links.push(("/ledgers", "Excel台账"));
                more.push(("/admin/status-rules", "亮灯规则"));
                more.push(("/admin/timeline-rules", "时限规则"));
                more.push(("/admin/trash", "回收站"));
            }
            Role::Admin => {
                links.push(("/admin/orgs", "单位管理"));
                links.push(("/admin/users", "人员管理"));
                links.push(("/ledgers", "Excel台账"));
                links.push(("/admin/calendar", "工作日历"));
                links.push(("/admin/status-rules", "亮灯规则"));
                links.push(("/admin/channels", "消息通道"));
            }
            Role::SecurityAdmin => {
                links.push(("/security", "安全策略"));
                links.push(("/security/users", "账号与角色"));
            }
            Role::AuditAdmin => links.push(("/audit", "审计记录")),
            Role::Leader => links.push(("/assignments", "督办事项")),
        }
        if !user.role.is_administrator() {
            links.push(("/inbox", "消息"));
        }
        let has_badges = !user.role.is_administrator();
        Nav { user_name: user.display_name.clone(), role_label: user.role.label(), links, more, current, has_badges }
    }

    /// Whether the current page is one of the settings under 设置.
    pub fn in_more(&self) -> bool {
        self.more.iter().any(|(href, _)| *href == self.current)
    }

    /// The id of a link's count badge (filled by `/nav/badges`), empty when it has none.
    pub fn badge(&self, href: &str) -> &'static str {
        if !self.has_badges {
            return "";
        }
        match href {
            "/my" => "badge-my",
            "/my-assignments" => "badge-matters",
            "/reviews" => "badge-reviews",
            "/assignments" => "badge-assignments",
            "/inbox" => "badge-inbox",
            _ => "",
        }
    }
}

#[derive(Template, WebTemplate, Clone)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub title: &'static str,
    pub message: String,
    pub fields: Vec<String>,
    /// The menu of the signed-in user: added by `watch` on the way out, as the
    /// handler that failed may not know who asked.
    pub nav: Option<Nav>,
}

impl ErrorPage {
    pub fn new(title: &'static str, message: String, fields: Vec<String>) -> ErrorPage {
        ErrorPage { title, message, fields, nav: None }
    }

    /// The page with `status`, remembered in the response so that `watch`
    /// can render it again with the user's menu.
    pub fn with_status(self, status: axum::http::StatusCode) -> axum::response::Response {
        use axum::response::IntoResponse;
        let mut response = (status, self.clone()).into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// The Bootstrap colour class of a light (`overdue` is ours, in app.css).
pub fn light_class(light: Light) -> &'static str {
    match light {
        Light::Green => "success",
        Light::Yellow => "warning",
        Light::Red => "danger",
        Light::Overdue => "overdue",
        Light::Done => "primary",
    }
}

/// A generated file as a download: its type, and its (Chinese) `name` per
/// RFC 5987 with `ascii_name` for clients that read only `filename`.
pub fn download(ascii_name: &str, name: &str, content_type: &str, bytes: Vec<u8>) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let disposition = format!("attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{}", rfc5987(name));
    ([(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response()
}

/// RFC 5987 encoding of a file name for `filename*`: unreserved ASCII kept,
/// every other byte `%XX`.
pub fn rfc5987(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The media type of a `.xlsx`.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The media type of a `.docx`.
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A timestamp as Beijing time, `2021-03-05 14:30`.
pub fn beijing_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&qingdan_app::beijing()).format("%Y-%m-%d %H:%M").to_string()
}

/// A refused form's faults as (field, message), for the page shown again.
pub fn field_errors<C: FromIterator<(String, String)>>(invalid: qingdan_domain::Invalid) -> C {
    invalid.errors.into_iter().map(|e| (e.field, e.message)).collect()
}

/// The answer to a form that changes something: done, a redirect to `to`
/// (which says what was done); refused input, the form's page again — built
/// by `page` from the faults by field — with a 422; anything else, the
/// error page.
pub async fn answer_form<P, Page>(
    result: Result<(), qingdan_app::AppError>,
    to: &str,
    page: impl FnOnce(std::collections::HashMap<String, String>) -> Page,
) -> Result<axum::response::Response, crate::error::PageError>
where
    P: axum::response::IntoResponse,
    Page: std::future::Future<Output = Result<P, crate::error::PageError>>,
{
    use axum::response::IntoResponse;
    match result {
        Ok(()) => Ok(axum::response::Redirect::to(to).into_response()),
        Err(qingdan_app::AppError::Invalid(invalid)) => {
            let page = page(field_errors(invalid)).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// Where a user lands after signing in: the list for those who work it, an
/// administrator's own page otherwise.
pub fn home_of(role: Role) -> &'static str {
    match role {
        Role::Admin => "/admin/users",
        Role::SecurityAdmin => "/security",
        Role::AuditAdmin => "/audit",
        _ => "/home",
    }
}

/// The cookie that carries a one-time message to the next page (see [`said`]).
pub const FLASH_COOKIE: &str = "qingdan_flash";

/// Redirects to `to`, saying `message` once on the page it lands on (已提交,
/// 已通过…): the message rides in a short-lived cookie that `watch` turns
/// into a notice at the top of the next page and clears.
pub fn said(to: &str, message: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    let cookie = format!("{FLASH_COOKIE}={}; Path=/; Max-Age=60; SameSite=Lax; HttpOnly", rfc5987(message));
    ([(axum::http::header::SET_COOKIE, cookie)], axum::response::Redirect::to(to)).into_response()
}
