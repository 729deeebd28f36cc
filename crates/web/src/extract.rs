//! Request extractors that validate at the edge: form bodies (with their CSRF token) and
//! JSON bodies. A malformed body is a 422 naming the field, never a 500 or a panic.

use crate::auth::{AuthContext, login_csrf_cookie};
use crate::error::{AppError, Problem};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use axum_extra::extract::CookieJar;
use serde::de::DeserializeOwned;

fn body_error(e: axum::extract::rejection::BytesRejection) -> AppError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge {
            limit: crate::MAX_BODY_BYTES,
        }
    } else {
        AppError::invalid(Problem::new(
            "",
            "De inhoud kon niet worden gelezen.",
            "The body could not be read.",
        ))
    }
}

/// A form posted from one of our pages. The `csrf` field must equal the session's token
/// (or, before login, the login cookie's token); otherwise the request is refused.
pub struct CsrfForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let expected = match req.extensions().get::<AuthContext>() {
            Some(ctx) => ctx.csrf.clone(),
            None => CookieJar::from_headers(req.headers())
                .iter()
                .find(|c| {
                    c.name() == login_csrf_cookie(true) || c.name() == login_csrf_cookie(false)
                })
                .map(|c| c.value().to_owned()),
        };
        let bytes = Bytes::from_request(req, state).await.map_err(body_error)?;
        let fields: Vec<(String, String)> = serde_html_form::from_bytes(&bytes).map_err(|_| {
            AppError::invalid(Problem::new(
                "",
                "Het formulier is onleesbaar.",
                "The form is malformed.",
            ))
        })?;
        let sent = fields
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str());
        match (expected.as_deref(), sent) {
            (Some(e), Some(s)) if !e.is_empty() && constant_time_eq(e, s) => {}
            _ => return Err(AppError::Csrf),
        }
        if !is_utf8_urlencoded(&bytes) {
            return Err(not_utf8("form"));
        }
        for (name, value) in &fields {
            refuse_control_characters(name, value)?;
        }
        let value = serde_html_form::from_bytes(&bytes).map_err(|e| {
            AppError::invalid(Problem::new(
                "",
                &format!("Ongeldig formulier: {e}"),
                &format!("Invalid form: {e}"),
            ))
        })?;
        Ok(CsrfForm(value))
    }
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A JSON body. Errors name the path of the offending field.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(AppError::invalid(Problem::new(
                "Content-Type",
                "Verwacht application/json.",
                "Expected application/json.",
            )));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(body_error)?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        // One JSON value and nothing after it (`end`), as axum's own `Json` demands.
        let value: serde_json::Value = serde_path_to_error::deserialize(&mut *de)
            .map_err(|e| e.into_inner())
            .and_then(|v| de.end().map(|()| v))
            .map_err(|inner| {
                AppError::Invalid(vec![Problem {
                    field: String::new(),
                    message: inner.to_string(),
                    message_nl: format!("Ongeldige JSON: {inner}"),
                }])
            })?;
        check_json_text(&value, &mut String::new())?;
        serde_path_to_error::deserialize(value)
            .map(ApiJson)
            .map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner();
                let field = if path == "." { String::new() } else { path };
                AppError::Invalid(vec![Problem {
                    field,
                    message: inner.to_string(),
                    message_nl: format!("Ongeldige JSON: {inner}"),
                }])
            })
    }
}

/// Query parameters. A malformed query is a 422 naming the problem, not axum's plain 400.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> axum::extract::FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or("");
        if !is_utf8_urlencoded(query.as_bytes()) {
            return Err(not_utf8("query"));
        }
        let fields: Vec<(String, String)> = serde_html_form::from_str(query).unwrap_or_default();
        for (name, value) in &fields {
            refuse_control_characters(name, value)?;
        }
        serde_html_form::from_str(query).map(Query).map_err(|e| {
            AppError::invalid(Problem::new(
                "",
                &format!("Ongeldige zoekparameters: {e}"),
                &format!("Invalid query parameters: {e}"),
            ))
        })
    }
}

/// Path parameters. A path that cannot be decoded names no record: 404.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> axum::extract::FromRequestParts<S> for Path<T> {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, AppError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| Path(v))
            .map_err(|_| AppError::NotFound)
    }
}

/// Whether urlencoded bytes decode to UTF-8; checked before the lossy form decoder turns
/// invalid bytes into U+FFFD. (`+` is ASCII, so it needs no decoding for this.)
fn is_utf8_urlencoded(raw: &[u8]) -> bool {
    percent_encoding::percent_decode(raw).decode_utf8().is_ok()
}

fn not_utf8(what: &str) -> AppError {
    AppError::invalid(Problem::new(
        what,
        "De invoer bevat tekens die geen geldige UTF-8 zijn.",
        "The input contains bytes that are not valid UTF-8.",
    ))
}

/// The one text rule (`eenplan_domain::text`) for every field a form or query carries.
fn refuse_control_characters(field: &str, value: &str) -> Result<(), AppError> {
    eenplan_domain::text::check("", value).map_err(|e| {
        AppError::Invalid(vec![Problem {
            field: field.to_owned(),
            message: e.message_en,
            message_nl: e.message_nl,
        }])
    })
}

/// The text rule for every string (and key) of a JSON body, naming the field as the
/// forms do (`youths.0.name`).
fn check_json_text(value: &serde_json::Value, path: &mut String) -> Result<(), AppError> {
    use serde_json::Value;
    match value {
        Value::String(s) => refuse_control_characters(path, s),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&i.to_string());
                check_json_text(item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        Value::Object(map) => {
            for (key, item) in map {
                refuse_control_characters(path, key)?;
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                check_json_text(item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Memory for messages read beyond the usual 1 MiB body (iJw messages, up to 25 MiB
/// each), in KiB: what all of them together may take at once, from the first byte read
/// until the answer. Reading and receiving a message takes up to about [`EXPANSION`]
/// times its size at its peak (the body, the parsed tree, the typed message, the text
/// kept), so a message takes that share. A request with a Content-Length takes its share
/// before reading, so requests never hold part of the budget while waiting for the rest;
/// one without takes it as the bytes arrive.
const BUDGET_KIB: usize = 256 * 1024;
/// Peak memory of receiving a message over its size (measured with bench/hostile.sh).
const EXPANSION: usize = 10;
static BUDGET: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(BUDGET_KIB);
/// How long a request waits for its share of the budget before it is answered 503.
const BUDGET_WAIT: std::time::Duration = std::time::Duration::from_secs(30);
/// A body over its limit is still read (and dropped) up to this size, so the client hears
/// the 413 instead of a reset connection; beyond it the connection is closed.
const DRAIN_LIMIT: u64 = 128 * 1024 * 1024;

/// A body read whole, and its share of the memory budget: keep the share until the
/// message has been handled.
pub struct BudgetedBody {
    pub bytes: Vec<u8>,
    pub share: Share,
}

/// A share of the memory budget, given back when dropped.
pub struct Share(Option<tokio::sync::SemaphorePermit<'static>>);

/// Why a body was not read.
pub enum BodyError {
    /// Over the limit: the size read (at least the limit plus one).
    TooLarge(u64),
    /// The budget stayed taken by other requests for [`BUDGET_WAIT`].
    Busy,
    /// The connection failed while the body was being sent.
    Unreadable,
}

impl From<BodyError> for AppError {
    fn from(e: BodyError) -> AppError {
        match e {
            BodyError::TooLarge(_) => AppError::TooLarge {
                limit: eenplan_ijw::MAX_MESSAGE_BYTES,
            },
            BodyError::Busy => AppError::Unavailable,
            BodyError::Unreadable => AppError::invalid(Problem::new(
                "",
                "De inhoud kon niet worden gelezen.",
                "The body could not be read.",
            )),
        }
    }
}

/// Takes the share of `bytes` bytes of body.
async fn take_budget(bytes: usize) -> Result<Share, BodyError> {
    let kib = (bytes.div_ceil(1024) * EXPANSION).min(BUDGET_KIB);
    if kib == 0 {
        return Ok(Share(None));
    }
    let wanted = u32::try_from(kib).map_err(|_| BodyError::Busy)?;
    match tokio::time::timeout(BUDGET_WAIT, BUDGET.acquire_many(wanted)).await {
        Ok(Ok(permit)) => Ok(Share(Some(permit))),
        _ => Err(BodyError::Busy),
    }
}

/// Reads a body of at most `limit` bytes within the memory budget.
pub async fn read_body(
    mut body: axum::body::Body,
    declared: Option<u64>,
    limit: usize,
) -> Result<BudgetedBody, BodyError> {
    use http_body_util::BodyExt;
    let mut share = Share(None);
    let mut bytes = Vec::new();
    let mut refused = declared.is_some_and(|d| d > limit as u64);
    if let Some(d) = declared.filter(|_| !refused) {
        share = take_budget(d as usize).await?;
        bytes.reserve_exact(d as usize);
    }
    let mut total: u64 = 0;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.map_err(|_| BodyError::Unreadable)?.into_data() else {
            continue; // trailers
        };
        total += data.len() as u64;
        if refused || total > limit as u64 {
            // Over the limit: drop what was read and count the rest as it passes.
            refused = true;
            bytes = Vec::new();
            share = Share(None);
            if total > DRAIN_LIMIT {
                break;
            }
            continue;
        }
        if declared.is_none() {
            // The share of the whole KiB this chunk completes.
            let more = (bytes.len() + data.len()).div_ceil(1024) - bytes.len().div_ceil(1024);
            if let Share(Some(p)) = take_budget(more * 1024).await? {
                match &mut share.0 {
                    Some(s) => s.merge(p),
                    None => share = Share(Some(p)),
                }
            }
        }
        bytes.extend_from_slice(&data);
    }
    if refused {
        return Err(BodyError::TooLarge(total.max(declared.unwrap_or(0))));
    }
    Ok(BudgetedBody { bytes, share })
}
