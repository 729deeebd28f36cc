//! `Idempotency-Key` for the API's create requests (POST under `/api/v1`): a client that
//! sends the same key and the same request again, for instance after a lost response,
//! gets the first answer again (with `Idempotent-Replayed: true`) and nothing is
//! created twice. The same key with another request is refused (422), and a retry while
//! the first request is still being handled is answered 409. Keys are per user and kept
//! 24 hours (`eenplan_store::idempotency`). Answers of 5xx are not kept: the request
//! failed inside the server and may be tried again. iJw messages are left out: they
//! carry their own identification, which the standard makes unique (TR056).

use crate::AppState;
use crate::auth::AuthContext;
use crate::error::{AppError, Problem};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use eenplan_store::idempotency::{self, Answer, Claim};
use sha2::{Digest, Sha256};

pub const HEADER: &str = "idempotency-key";
/// Paths whose POSTs take no key.
const EXEMPT: &[&str] = &["/api/v1/ijw/messages"];
/// Answers larger than this are not kept (no create answer comes near it).
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// Whether a POST to `path` takes an `Idempotency-Key` (also used for the OpenAPI
/// document).
pub fn applies_to(path: &str) -> bool {
    path.starts_with("/api/v1/") && !EXEMPT.contains(&path)
}

fn invalid_key() -> AppError {
    AppError::invalid(Problem::new(
        "Idempotency-Key",
        "De Idempotency-Key moet 1 tot 255 zichtbare ASCII-tekens lang zijn.",
        "The Idempotency-Key must be 1 to 255 visible ASCII characters.",
    ))
}

pub async fn idempotent(State(app): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST || !applies_to(request.uri().path()) {
        return next.run(request).await;
    }
    let Some(key) = request.headers().get(HEADER).cloned() else {
        return next.run(request).await;
    };
    let Some(user_id) = request
        .extensions()
        .get::<AuthContext>()
        .map(|ctx| ctx.principal.user_id.clone())
    else {
        // Not logged in: the route guard answers.
        return next.run(request).await;
    };
    match handle(&app, &user_id, &key, request, next).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn handle(
    app: &AppState,
    user_id: &str,
    key: &HeaderValue,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let key = key
        .to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(invalid_key)?
        .to_owned();
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, crate::MAX_BODY_BYTES)
        .await
        .map_err(|_| AppError::TooLarge {
            limit: crate::MAX_BODY_BYTES,
        })?;
    let mut hash = Sha256::new();
    hash.update(parts.method.as_str());
    hash.update([0]);
    hash.update(parts.uri.to_string());
    hash.update([0]);
    hash.update(&bytes);
    let fingerprint = hex::encode(hash.finalize());
    match idempotency::claim(&app.store, user_id, &key, &fingerprint).await? {
        Claim::Replay(answer) => return Ok(replay(answer)),
        Claim::Mismatch => {
            return Err(AppError::invalid(Problem::new(
                "Idempotency-Key",
                "Deze Idempotency-Key is al gebruikt voor een ander verzoek; kies een nieuwe sleutel.",
                "This Idempotency-Key was used for a different request; use a new key.",
            )));
        }
        Claim::InProgress => return Err(AppError::Conflict),
        Claim::New => {}
    }
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let status = response.status();
    if status.is_server_error() {
        idempotency::release(&app.store, user_id, &key).await?;
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, MAX_ANSWER_BYTES)
        .await
        .map_err(AppError::internal)?;
    match std::str::from_utf8(&body) {
        Ok(text) => {
            let answer = Answer {
                status: status.as_u16(),
                content_type: parts
                    .headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned),
                body: text.to_owned(),
            };
            idempotency::complete(&app.store, user_id, &key, &answer).await?;
        }
        Err(_) => idempotency::release(&app.store, user_id, &key).await?,
    }
    Ok(Response::from_parts(parts, Body::from(body)))
}

fn replay(answer: Answer) -> Response {
    let status = axum::http::StatusCode::from_u16(answer.status)
        .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, answer.body).into_response();
    let headers = response.headers_mut();
    if let Some(v) = answer
        .content_type
        .and_then(|c| HeaderValue::from_str(&c).ok())
    {
        headers.insert(header::CONTENT_TYPE, v);
    }
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}
