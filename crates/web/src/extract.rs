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
        AppError::TooLarge
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
        serde_path_to_error::deserialize(de)
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
