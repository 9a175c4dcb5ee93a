//! The edge: what no handler may see. A query string, form or JSON body
//! carrying U+0000 or another invisible control character
//! (`qingdan_domain::forbidden_char`) is refused here with a 400 naming the
//! field and the character, the same on both engines — PostgreSQL cannot store
//! U+0000 and SQLite would. Multipart uploads are left to the use cases, which
//! check file names and text fields with the same rule.

use crate::MAX_BODY_BYTES;
use crate::error::bad_request;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use qingdan_domain::{forbidden_char, invisible_message};

/// Refuses a request whose query, form or JSON text holds a forbidden character.
pub async fn refuse_invisible(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    if let Some(found) = req.uri().query().and_then(|q| in_pairs(q.as_bytes())) {
        return refusal(api, &found);
    }
    let kind = content_kind(&req);
    if kind == Kind::Other {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES).await else {
        return too_large(parts.uri.path());
    };
    let found = match kind {
        Kind::Form => in_pairs(&bytes),
        Kind::Json => in_json(&bytes),
        Kind::Other => None,
    };
    match found {
        Some(found) => refusal(api, &found),
        None => next.run(Request::from_parts(parts, Body::from(bytes))).await,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Form,
    Json,
    Other,
}

fn content_kind(req: &Request) -> Kind {
    let ty = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if ty.starts_with("application/x-www-form-urlencoded") {
        Kind::Form
    } else if ty.starts_with("application/json") {
        Kind::Json
    } else {
        Kind::Other
    }
}

/// A form or JSON body over [`MAX_BODY_BYTES`]: JSON under `/api/`, else
/// the error page with the menu, saying what to do (nothing was saved).
pub fn too_large(path: &str) -> Response {
    let message = if path.starts_with("/api/") {
        "请求体过大或无法读取（上限1MB）".to_owned()
    } else {
        "提交的内容超过1MB，未保存。请返回上一页，缩短文字后再提交；文件请用页面上的上传按钮。".to_owned()
    };
    crate::error::refused(path, StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
}

/// A forbidden character found: the field it is in and the character.
struct Found {
    field: String,
    c: char,
}

fn in_pairs(bytes: &[u8]) -> Option<Found> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(bytes).ok()?;
    pairs.into_iter().find_map(|(k, v)| {
        let c = forbidden_char(&k).or_else(|| forbidden_char(&v))?;
        Some(Found { field: k, c })
    })
}

fn in_json(bytes: &[u8]) -> Option<Found> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    in_value("", &value)
}

fn in_value(field: &str, value: &serde_json::Value) -> Option<Found> {
    use serde_json::Value;
    match value {
        Value::String(s) => forbidden_char(s).map(|c| Found { field: field.to_owned(), c }),
        Value::Array(items) => items.iter().find_map(|v| in_value(field, v)),
        Value::Object(map) => map.iter().find_map(|(k, v)| match forbidden_char(k) {
            Some(c) => Some(Found { field: k.clone(), c }),
            None => in_value(k, v),
        }),
        _ => None,
    }
}

fn refusal(api: bool, found: &Found) -> Response {
    let label = if found.field.is_empty() { "输入".to_owned() } else { format!("字段“{}”", found.field) };
    let message = invisible_message(&label, found.c);
    if api {
        bad_request(StatusCode::BAD_REQUEST, "invisible_char", message)
    } else {
        crate::view::ErrorPage::new("请求有误", message, Vec::new()).with_status(StatusCode::BAD_REQUEST)
    }
}
