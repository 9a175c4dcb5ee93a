//! What the router tests share: sending a request without a socket and
//! reading the reply as text, HTML or JSON.
// Each test binary uses a part of this module.
#![allow(dead_code)]

use anyhow::{Context, Result, ensure};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use qingdan_testkit::PASSWORD;
use scraper::{Html, Selector};
use tower::ServiceExt;

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as sent, for files.
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    pub fn json(&self) -> Result<serde_json::Value> {
        serde_json::from_str(&self.body).with_context(|| format!("not JSON: {}", self.body))
    }

    /// The text of each element matching `css` (none for a bad selector).
    pub fn select(&self, css: &str) -> Vec<String> {
        let Ok(selector) = Selector::parse(css) else { return Vec::new() };
        self.html().select(&selector).map(|e| e.text().collect::<String>()).collect()
    }

    /// The value of `attr` on each element matching `css`.
    pub fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        let Ok(selector) = Selector::parse(css) else { return Vec::new() };
        self.html().select(&selector).filter_map(|e| e.value().attr(attr).map(str::to_owned)).collect()
    }

    pub fn location(&self) -> String {
        self.headers.get(header::LOCATION).and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned()
    }
}

pub async fn send(router: &Router, request: Request<Body>) -> Result<Reply> {
    let response = router.clone().oneshot(request).await?;
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await?.to_bytes();
    Ok(Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned(), bytes: bytes.to_vec() })
}

pub fn get(path: &str, cookie: &str) -> Result<Request<Body>> {
    Ok(Request::get(path).header(header::COOKIE, cookie).body(Body::empty())?)
}

pub fn post_form(path: &str, cookie: &str, form: &str) -> Result<Request<Body>> {
    Ok(Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))?)
}

pub fn post_json(path: &str, cookie: &str, json: &str) -> Result<Request<Body>> {
    Ok(Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json.to_owned()))?)
}

/// A multipart/form-data POST of one file in the field `file`, as a browser sends it.
pub fn post_file(path: &str, cookie: &str, file_name: &str, content_type: &str, bytes: &[u8]) -> Result<Request<Body>> {
    const BOUNDARY: &str = "qingdan-test-boundary-Zk3q9XnV2c";
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    Ok(Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(Body::from(body))?)
}

/// Signs in through the form and returns the `Cookie` header to send.
pub async fn sign_in_as(router: &Router, username: &str) -> Result<String> {
    let reply = send(router, post_form("/login", "", &format!("username={username}&password={PASSWORD}"))?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "login {username}: {}", reply.status);
    let set = reply.headers.get(header::SET_COOKIE).context("no cookie")?.to_str()?;
    Ok(set.split(';').next().unwrap_or_default().to_owned())
}

/// The flash message a redirect carries, decoded.
pub fn flash(reply: &Reply) -> String {
    let cookie = reply.headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|v| {
        v.strip_prefix("qingdan_flash=").map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
    });
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(&format!("m={}", cookie.unwrap_or_default())).unwrap_or_default();
    pairs.into_iter().next().map(|(_, m)| m).unwrap_or_default()
}

/// `docProps/core.xml` of a `.docx`: its author and its dates.
pub fn docx_core(docx: &[u8]) -> Result<String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx))?;
    let mut core = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("docProps/core.xml")?, &mut core)?;
    Ok(core)
}
