//! Errors of the web layer and their one mapping to HTTP.
//!
//! Use cases answer [`eenplan_app::Error`] (which also maps the store's errors); the web
//! adds its own (authentication, CSRF, sizes) in [`AppError`]. Its response carries a
//! JSON body (the API's answer) and the error itself as a response extension, which
//! [`render_errors`] turns into a translated HTML page for browser routes. Internal
//! failures are logged with an error id the user sees; their cause never leaves the server.

use crate::auth::AuthContext;
use crate::i18n::{self, Tr};
use crate::pages::{Chrome, ErrorPage};
use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;

pub use eenplan_app::Problem;

#[derive(Debug, Clone)]
pub enum AppError {
    /// Not logged in (pages redirect to the login page, the API answers 401).
    Unauthenticated,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    /// Stale version: someone else changed the record.
    Conflict,
    /// Missing or wrong CSRF token.
    Csrf,
    Invalid(Vec<Problem>),
    /// A body over `limit` bytes (the limit is named in the answer).
    TooLarge {
        limit: usize,
    },
    Throttled,
    /// The database is busy for longer than a request waits: 503 with Retry-After.
    Unavailable,
    /// An internal failure, logged under `error_id`.
    Internal {
        error_id: String,
    },
}

impl AppError {
    pub fn internal(cause: impl std::fmt::Display) -> AppError {
        let error_id = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
        tracing::error!(error_id, "internal error: {cause}");
        AppError::Internal { error_id }
    }

    pub fn invalid(problem: impl Into<Problem>) -> AppError {
        AppError::Invalid(vec![problem.into()])
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Conflict => StatusCode::CONFLICT,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Throttled => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message key of the error page.
    fn message_key(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "login.expired",
            AppError::Forbidden => "error.forbidden",
            AppError::NotFound => "error.not_found",
            AppError::MethodNotAllowed => "error.method",
            AppError::Conflict => "error.conflict",
            AppError::Csrf => "error.csrf",
            AppError::Invalid(_) => "error.invalid",
            AppError::TooLarge { .. } => "error.too_large",
            AppError::Throttled => "error.throttled",
            AppError::Unavailable => "error.unavailable",
            AppError::Internal { .. } => "error.internal",
        }
    }

    fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::Conflict => "conflict",
            AppError::Csrf => "csrf",
            AppError::Invalid(_) => "invalid",
            AppError::TooLarge { .. } => "too_large",
            AppError::Throttled => "throttled",
            AppError::Unavailable => "unavailable",
            AppError::Internal { .. } => "internal",
        }
    }
}

impl From<eenplan_app::Error> for AppError {
    fn from(e: eenplan_app::Error) -> Self {
        use eenplan_app::Error as E;
        match e {
            E::Forbidden => AppError::Forbidden,
            E::NotFound => AppError::NotFound,
            E::Conflict => AppError::Conflict,
            E::Invalid(problems) => AppError::Invalid(problems),
            E::Unavailable => AppError::Unavailable,
            E::Internal(cause) => AppError::internal(cause),
        }
    }
}

impl From<eenplan_store::Error> for AppError {
    fn from(e: eenplan_store::Error) -> Self {
        eenplan_app::Error::from(e).into()
    }
}

impl From<eenplan_domain::FieldError> for AppError {
    fn from(e: eenplan_domain::FieldError) -> Self {
        AppError::invalid(e)
    }
}

/// The JSON body of every API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Machine-readable code: not_found, forbidden, conflict, invalid, ...
    pub error: String,
    pub message: String,
    pub message_nl: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_id: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let key = self.message_key();
        let (message, message_nl) = match &self {
            AppError::TooLarge { limit } => too_large_messages(*limit),
            _ => (
                Tr(i18n::Lang::En).get(key).into(),
                Tr(i18n::Lang::Nl).get(key).into(),
            ),
        };
        let body = ErrorBody {
            error: self.code().into(),
            message,
            message_nl,
            problems: match &self {
                AppError::Invalid(p) => p.clone(),
                _ => Vec::new(),
            },
            error_id: match &self {
                AppError::Internal { error_id } => Some(error_id.clone()),
                _ => None,
            },
        };
        let mut response = (self.status(), Json(body)).into_response();
        if matches!(self, AppError::Unavailable) {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("2"),
            );
        }
        response.extensions_mut().insert(self);
        response
    }
}

/// "What you sent is too large (at most 25 MiB)" in English and Dutch.
fn too_large_messages(limit: usize) -> (String, String) {
    let size = if limit.is_multiple_of(1024 * 1024) {
        format!("{} MiB", limit / (1024 * 1024))
    } else {
        format!("{limit} bytes")
    };
    (
        format!("What you sent is too large: at most {size} ({limit} bytes) is accepted."),
        format!("Wat u verstuurde is te groot: hoogstens {size} ({limit} bytes) wordt aangenomen."),
    )
}

/// A panic in a handler becomes a 500 with an error id (logged with the panic's message);
/// the server goes on serving. Used by the router's `CatchPanicLayer`.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    AppError::internal(format!("panic in a handler: {what}")).into_response()
}

/// Turns API-style error responses into pages for browser routes (everything outside
/// `/api`), in the user's language.
pub async fn render_errors(
    State(app): State<crate::AppState>,
    request: Request,
    next: Next,
) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let lang = i18n::from_headers(request.headers());
    let path = request.uri().path().to_owned();
    let user = request.extensions().get::<AuthContext>().cloned();
    let response = next.run(request).await;
    if is_api {
        return response;
    }
    let Some(error) = response.extensions().get::<AppError>().cloned() else {
        return response;
    };
    if matches!(error, AppError::Unauthenticated) {
        return Redirect::to("/login").into_response();
    }
    let t = Tr(lang);
    let page = ErrorPage {
        t,
        chrome: match &user {
            Some(ctx) => Chrome::for_user(ctx, lang, app.config.demo_mode, &path),
            None => Chrome::anonymous(app.config.demo_mode, &path),
        },
        status: error.status().as_u16(),
        message: t.get(error.message_key()),
        problems: match &error {
            AppError::Invalid(p) => p
                .iter()
                .map(|p| {
                    let text = if lang == i18n::Lang::En {
                        &p.message
                    } else {
                        &p.message_nl
                    };
                    if p.field.is_empty() {
                        text.clone()
                    } else {
                        format!("{}: {}", p.field, text)
                    }
                })
                .collect(),
            _ => Vec::new(),
        },
        error_id: match &error {
            AppError::Internal { error_id } => Some(error_id.clone()),
            _ => None,
        },
    };
    let route = response
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .cloned();
    let mut page = (error.status(), crate::pages::render(&page)).into_response();
    if let Some(route) = route {
        page.extensions_mut().insert(route);
    }
    page
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::Request;
    use axum::routing::get;
    use tower::ServiceExt;

    #[tokio::test]
    async fn a_panic_in_a_handler_is_a_500_with_an_error_id_and_the_router_serves_on() {
        async fn boom() -> &'static str {
            panic!("a bug")
        }
        let router = Router::new()
            .route("/boom", get(boom))
            .route("/fine", get(|| async { "fine" }))
            .layer(tower_http::catch_panic::CatchPanicLayer::custom(
                super::panic_response,
            ));
        let r = router
            .clone()
            .oneshot(Request::get("/boom").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(r.status(), 500);
        let body = axum::body::to_bytes(r.into_body(), 4096).await.unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["error"], "internal");
        assert_eq!(json["error_id"].as_str().unwrap().len(), 12);
        assert!(
            !body.windows(5).any(|w| w == b"a bug"),
            "the cause stays inside"
        );
        let r = router
            .oneshot(Request::get("/fine").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
}
