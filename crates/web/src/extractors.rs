//! Extractors whose rejections speak Chinese and stay 4xx.

use crate::error::{ErrorBody, FieldErrorBody, bad_request, refused};
use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::IntoResponse;
use axum::response::Response;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The single numeric id in a route like `/tasks/{id}`. Anything else (not
/// a number, too large) is a 404: the error page, or JSON under `/api/`.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Id, Response> {
        let raw = Path::<String>::from_request_parts(parts, state).await.ok();
        raw.and_then(|Path(raw)| raw.parse::<i64>().ok()).map(Id).ok_or_else(|| bad_id(parts))
    }
}

/// The two numeric ids in a route like `/tasks/{id}/targets/{target}`,
/// refused as [`Id`] refuses one.
pub struct Ids(pub i64, pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Ids {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Ids, Response> {
        let raw = Path::<(String, String)>::from_request_parts(parts, state).await.ok();
        let ids = raw.and_then(|Path((a, b))| Some(Ids(a.parse().ok()?, b.parse().ok()?)));
        ids.ok_or_else(|| bad_id(parts))
    }
}

fn bad_id(parts: &Parts) -> Response {
    refused(parts.uri.path(), StatusCode::NOT_FOUND, "not_found", "地址中的编号无效".to_owned())
}

/// A JSON body; malformed JSON, a wrong type, a field the body type does not
/// have (a misspelt `parnet_id` would otherwise be dropped in silence) or a
/// wrong content type is a 4xx whose message says what and where.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + Serialize, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<ApiJson<T>, Response> {
        let axum::Json(sent) = axum::Json::<Value>::from_request(req, state).await.map_err(json_rejection)?;
        let body: T = serde_path_to_error::deserialize(&sent).map_err(data_error)?;
        // What the type reads, written back, names every field it has (a
        // flattened part's too): a key sent beyond those was not read.
        let read = serde_json::to_value(&body).unwrap_or(Value::Null);
        match unknown_field(&sent, &read, "") {
            Some(at) => {
                let message = format!("请求体含未知字段：{at}（请对照接口文档检查字段名）");
                Err(field_refusal("unknown_field", &at, message))
            }
            None => Ok(ApiJson(body)),
        }
    }
}

/// A 422 naming one field of the body, in `errors` as the use cases' refusals do.
fn field_refusal(code: &str, field: &str, message: String) -> Response {
    let error = FieldErrorBody { field: field.to_owned(), code: code.to_owned(), message: message.clone() };
    let body = ErrorBody { code: code.to_owned(), message, errors: vec![error] };
    (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response()
}

/// A body that is JSON but not of the body type: what is wrong, and where.
fn data_error(e: serde_path_to_error::Error<serde_json::Error>) -> Response {
    let path = e.path().to_string();
    let said = e.inner().to_string();
    let (field, message) = match said.strip_prefix("missing field `").and_then(|f| f.split('`').next()) {
        Some(missing) => {
            let field = if path == "." { missing.to_owned() } else { format!("{path}.{missing}") };
            let message = format!("请求体缺少必填字段：{field}");
            (field, message)
        }
        None if path == "." => (String::new(), format!("请求体类型不正确：{}", in_chinese(&said))),
        None => (path.clone(), format!("请求体字段 {path} 不正确：{}", in_chinese(&said))),
    };
    field_refusal("invalid_field", &field, message)
}

/// serde_json's account of a value of the wrong type, in words an
/// integrator reads (`invalid type: string "1", expected i64` → 应为整数，
/// 收到文本“1”); anything else as it was said.
fn in_chinese(said: &str) -> String {
    let kind = |what: &str| -> String {
        let what = what.trim();
        match what {
            "i64" | "i32" | "u32" | "u64" | "usize" | "u8" | "u16" | "i16" => "整数".to_owned(),
            "f64" | "f32" => "数字".to_owned(),
            "a string" => "文本".to_owned(),
            "a sequence" | "sequence" => "列表（数组）".to_owned(),
            "a boolean" => "true 或 false".to_owned(),
            "map" | "a map" => "对象".to_owned(),
            "null" | "unit value" => "null".to_owned(),
            w if w.starts_with("struct ") => "对象".to_owned(),
            w if w.starts_with("string \"") => {
                format!("文本“{}”", w.trim_start_matches("string \"").trim_end_matches('"'))
            }
            w if w.starts_with("integer `") || w.starts_with("floating point `") => {
                format!("数字{}", w.split('`').nth(1).unwrap_or_default())
            }
            w if w.starts_with("boolean `") => w.split('`').nth(1).unwrap_or_default().to_owned(),
            w => w.to_owned(),
        }
    };
    let said = said.split(" at line ").next().unwrap_or(said);
    match said.strip_prefix("invalid type: ").and_then(|rest| rest.rsplit_once(", expected ")) {
        Some((got, wanted)) => format!("应为{}，收到{}", kind(wanted), kind(got)),
        None => said.to_owned(),
    }
}

/// The path of the first key of `sent` that `read` lacks, if any.
fn unknown_field(sent: &Value, read: &Value, path: &str) -> Option<String> {
    match (sent, read) {
        (Value::Object(sent), Value::Object(read)) => sent.iter().find_map(|(key, value)| {
            let at = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            match read.get(key) {
                Some(read) => unknown_field(value, read, &at),
                None => Some(at),
            }
        }),
        (Value::Array(sent), Value::Array(read)) => sent
            .iter()
            .zip(read)
            .enumerate()
            .find_map(|(i, (sent, read))| unknown_field(sent, read, &format!("{path}[{i}]"))),
        _ => None,
    }
}

fn json_rejection(rejection: JsonRejection) -> Response {
    match rejection {
        JsonRejection::JsonDataError(e) => bad_request(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            format!(
                "请求体字段类型不正确：{}",
                e.body_text().trim_start_matches("Failed to deserialize the JSON body into the target type: ")
            ),
        ),
        JsonRejection::JsonSyntaxError(e) => {
            bad_request(StatusCode::BAD_REQUEST, "invalid_json", format!("请求体不是有效的 JSON：{}", e.body_text()))
        }
        JsonRejection::MissingJsonContentType(_) => bad_request(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "content_type",
            "请求头 Content-Type 应为 application/json".to_owned(),
        ),
        JsonRejection::BytesRejection(_) => {
            bad_request(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "请求体过大或无法读取".to_owned())
        }
        other => bad_request(other.status(), "bad_request", "请求无法解析".to_owned()),
    }
}

/// A urlencoded form as ordered (name, value) pairs, so repeated names and
/// names built from ids (`actual_12`) come through as typed.
pub struct FormPairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequest<S> for FormPairs {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<FormPairs, Response> {
        let path = req.uri().path().to_owned();
        match axum::Form::<Vec<(String, String)>>::from_request(req, state).await {
            Ok(axum::Form(pairs)) => Ok(FormPairs(pairs)),
            Err(rejection) => Err(form_rejection(&path, &rejection)),
        }
    }
}

/// A urlencoded form read into `T` by field name, as a page's form sends it;
/// one that cannot be read is a 400, as with [`FormPairs`].
pub struct FormInput<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for FormInput<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<FormInput<T>, Response> {
        let path = req.uri().path().to_owned();
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(input)) => Ok(FormInput(input)),
            Err(rejection) => Err(form_rejection(&path, &rejection)),
        }
    }
}

/// A form that cannot be read: the error page (JSON under `/api/`).
fn form_rejection(path: &str, rejection: &FormRejection) -> Response {
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => crate::edge::too_large(path),
        _ => refused(path, StatusCode::BAD_REQUEST, "bad_form", "表单无法解析，请从页面上重新提交。".to_owned()),
    }
}

impl FormPairs {
    /// The first value of `name`, or "".
    pub fn get(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }
}

/// A query string; one that cannot be read (e.g. a repeated parameter) is a
/// 400 whose message says so, as a page or as JSON by the path.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<QueryParams<T>, Response> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(QueryParams(value)),
            Err(rejection) => {
                let message = format!(
                    "查询参数无法解析：{}",
                    rejection.body_text().trim_start_matches("Failed to deserialize query string: ")
                );
                Err(refused(parts.uri.path(), StatusCode::BAD_REQUEST, "bad_query", message))
            }
        }
    }
}

/// The client's address, when the server was started with it (`qingdan
/// serve` is); `None` in tests without a socket. Behind a reverse proxy it is
/// the proxy's.
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<ClientAddr, Self::Rejection> {
        let info = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
        Ok(ClientAddr(info.map(|c| c.0.ip())))
    }
}

/// Reads a multipart form: its one file (field `file`) and its text fields
/// by name, or says the upload could not be read (a field error on `file`).
pub async fn file_and_fields(
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(qingdan_app::Upload, std::collections::HashMap<String, String>), qingdan_app::AppError> {
    let unreadable = || qingdan_app::AppError::field("file", "unreadable", "上传的文件无法读取，请重新选择文件上传");
    let mut multipart = multipart.map_err(|_| unreadable())?;
    let mut upload = qingdan_app::Upload::default();
    let mut fields = std::collections::HashMap::new();
    while let Some(field) = multipart.next_field().await.map_err(|_| unreadable())? {
        match field.name().map(str::to_owned) {
            Some(name) if name == "file" => {
                upload.name = field.file_name().unwrap_or_default().to_owned();
                upload.content_type = field.content_type().unwrap_or_default().to_owned();
                upload.content = field.bytes().await.map_err(|_| unreadable())?.to_vec();
            }
            Some(name) => {
                let text = field.text().await.map_err(|_| unreadable())?;
                fields.insert(name, text);
            }
            None => {}
        }
    }
    Ok((upload, fields))
}
