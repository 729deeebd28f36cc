//! Authentication: sessions (cookie) and personal API tokens (bearer), the login with
//! password and TOTP, logout, and the per-route permission guard.
//!
//! A session goes through two stages: after the password it may only reach the second
//! factor; after the second factor a new session id is issued (no fixation). Sessions end
//! after the idle timeout, after the absolute timeout, and at logout (on the server).

use crate::AppState;
use crate::error::AppError;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use eenplan_domain::{Permission, policy};
use eenplan_store::audit::{self, Action, Actor, Event, Outcome};
use eenplan_store::sessions::{self, Principal, Stage, TokenScope};
use std::net::SocketAddr;
use std::sync::Arc;

pub fn session_cookie(secure: bool) -> &'static str {
    if secure {
        "__Host-eenplan_session"
    } else {
        "eenplan_session"
    }
}

pub fn login_csrf_cookie(secure: bool) -> &'static str {
    if secure {
        "__Host-eenplan_login"
    } else {
        "eenplan_login"
    }
}

/// A cookie with the flags every eenplan cookie carries.
pub fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .build()
}

/// Where a request comes from: recorded in every audit record.
#[derive(Debug, Clone, Default)]
pub struct AccessPoint {
    pub address: Option<String>,
    pub user_agent: Option<String>,
}

/// An authenticated principal: an active session or a valid API token.
#[derive(Debug, Clone)]
pub struct AuthContext {
    pub principal: Principal,
    /// The session's CSRF token; `None` for API tokens, which are not sent by browsers.
    pub csrf: Option<String>,
    pub session_token_hash: Option<String>,
    pub access: AccessPoint,
    /// For an API token: what it may do (a session may do what its role may).
    pub token_scope: Option<TokenScope>,
}

impl AuthContext {
    /// The caller of a use case.
    pub fn caller(&self) -> eenplan_app::Caller {
        eenplan_app::Caller {
            principal: self.principal.clone(),
            address: self.access.address.clone(),
            user_agent: self.access.user_agent.clone(),
        }
    }

    pub fn actor(&self) -> Actor {
        self.caller().actor()
    }
}

/// A session that passed the password and waits for its second factor.
#[derive(Debug, Clone)]
pub struct PendingMfa {
    pub token_hash: String,
    pub principal: Principal,
}

/// Set when the request carried a session cookie that had expired.
#[derive(Debug, Clone, Copy)]
pub struct SessionExpired;

fn access_point(req: &Request, trusted: &[std::net::IpAddr]) -> AccessPoint {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip());
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    AccessPoint {
        address: peer.map(|p| client_address(p, &forwarded, trusted).to_string()),
        user_agent: req
            .headers()
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}

/// The client's address: the peer's, unless the peer is a trusted proxy; then the
/// right-most address in `X-Forwarded-For` that is not a trusted proxy itself (what is
/// left of it anyone could have written). Never a forwarded address otherwise.
pub fn client_address(
    peer: std::net::IpAddr,
    forwarded: &str,
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let mut client = peer;
    for part in forwarded.rsplit(',') {
        match part.trim().parse::<std::net::IpAddr>() {
            Ok(a) => {
                client = a;
                if !trusted.contains(&a) {
                    break;
                }
            }
            // Garbage in the header: stop at the last address we could trust.
            Err(_) => break,
        }
    }
    client
}

/// Searches are posted (no personal data in URLs) but only read.
const POSTED_READS: &[&str] = &[
    "/api/v1/search",
    "/api/v1/youths/matches",
    "/api/v1/ijw/messages/search",
];

/// Whether an API token's scope covers the request: `read` reads only, `ijw` the iJw
/// message exchange only.
fn within_scope(scope: Option<TokenScope>, method: &Method, path: &str) -> bool {
    match scope {
        None | Some(TokenScope::Role) => true,
        Some(TokenScope::Read) => {
            matches!(*method, Method::GET | Method::HEAD) || POSTED_READS.contains(&path)
        }
        Some(TokenScope::Ijw) => path.starts_with("/api/v1/ijw/") || path == "/api/v1/ijw",
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Loads the session or API token of every request into the request's extensions.
pub async fn load_session(State(app): State<AppState>, mut req: Request, next: Next) -> Response {
    let access = access_point(&req, &app.config.trusted_proxies);
    req.extensions_mut().insert(access.clone());
    // The scraper's token of `/metrics` is no user's: that route checks it itself.
    if req.uri().path() == "/metrics" {
        return next.run(req).await;
    }
    if let Some(token) = bearer(req.headers()) {
        match sessions::find_api_token(&app.store, token).await {
            Ok(Some((principal, scope))) => {
                req.extensions_mut().insert(AuthContext {
                    principal,
                    csrf: None,
                    session_token_hash: None,
                    access,
                    token_scope: Some(scope),
                });
            }
            Ok(None) => {
                return axum::response::IntoResponse::into_response(AppError::Unauthenticated);
            }
            Err(e) => return axum::response::IntoResponse::into_response(AppError::from(e)),
        }
        return next.run(req).await;
    }
    let jar = CookieJar::from_headers(req.headers());
    let Some(token) = jar
        .get(session_cookie(app.config.secure_cookies))
        .map(|c| c.value().to_owned())
    else {
        return next.run(req).await;
    };
    let session = match sessions::find(&app.store, &token).await {
        Ok(s) => s,
        Err(e) => return axum::response::IntoResponse::into_response(AppError::from(e)),
    };
    let Some(session) = session else {
        req.extensions_mut().insert(SessionExpired);
        return next.run(req).await;
    };
    let now = chrono::Utc::now();
    let seen = eenplan_store::parse_time(&session.last_seen_at).unwrap_or(now);
    let created = eenplan_store::parse_time(&session.created_at).unwrap_or(now);
    if now - seen > app.config.idle_timeout || now - created > app.config.absolute_timeout {
        // The request goes on as anonymous whether or not the row could be removed.
        let _ = sessions::expire(&app.store, &session.token_hash).await;
        req.extensions_mut().insert(SessionExpired);
        return next.run(req).await;
    }
    // Write the last-seen time at most every 30 seconds: the idle timeout does not
    // need more precision, and reads stay free of writes.
    if now - seen > chrono::Duration::seconds(30)
        && let Err(e) = sessions::touch(&app.store, &session.token_hash).await
    {
        return axum::response::IntoResponse::into_response(AppError::from(e));
    }
    match session.stage {
        Stage::Active => {
            req.extensions_mut().insert(AuthContext {
                principal: session.principal,
                csrf: Some(session.csrf_token),
                session_token_hash: Some(session.token_hash),
                access,
                token_scope: None,
            });
        }
        Stage::Mfa => {
            req.extensions_mut().insert(PendingMfa {
                token_hash: session.token_hash,
                principal: session.principal,
            });
        }
    }
    next.run(req).await
}

/// The authenticated principal of a request; without one the request gets 401 (API) or a
/// redirect to the login page.
pub struct Auth(pub AuthContext);

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<AuthContext>()
            .cloned()
            .map(Auth)
            .ok_or(AppError::Unauthenticated)
    }
}

/// What a group of routes requires.
#[derive(Clone)]
pub struct Guard {
    pub app: AppState,
    pub permission: Permission,
}

/// Route guard: the one place where a route's permission is checked. Refusals are
/// audited. Cookie-authenticated API writes must also carry the `X-CSRF-Token` header.
pub async fn require(State(guard): State<Arc<Guard>>, req: Request, next: Next) -> Response {
    use axum::response::IntoResponse;
    let Some(ctx) = req.extensions().get::<AuthContext>().cloned() else {
        return AppError::Unauthenticated.into_response();
    };
    if !policy::allows(ctx.principal.role, guard.permission)
        || !within_scope(ctx.token_scope, req.method(), req.uri().path())
    {
        let event = Event::new("access.refused", Action::Refuse)
            .outcome(Outcome::Refused)
            .object("route", format!("{} {}", req.method(), req.uri().path()));
        if let Err(e) = audit::record(&guard.app.store, &ctx.actor(), &event).await {
            return AppError::from(e).into_response();
        }
        return AppError::Forbidden.into_response();
    }
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe
        && req.uri().path().starts_with("/api/")
        && let Some(expected) = &ctx.csrf
    {
        let sent = req
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok());
        if sent != Some(expected.as_str()) {
            return AppError::Csrf.into_response();
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::client_address;

    #[test]
    fn the_forwarded_client_is_taken_from_trusted_proxies_only() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let proxies = [ip("10.0.0.1"), ip("10.0.0.2")];
        // An untrusted peer: its own address.
        assert_eq!(
            client_address(ip("203.0.113.5"), "1.2.3.4", &proxies),
            ip("203.0.113.5")
        );
        // Through two trusted proxies: the first address that is none of them.
        assert_eq!(
            client_address(ip("10.0.0.1"), "6.6.6.6, 198.51.100.7, 10.0.0.2", &proxies),
            ip("198.51.100.7")
        );
        // No or unreadable header: the proxy itself.
        assert_eq!(client_address(ip("10.0.0.1"), "", &proxies), ip("10.0.0.1"));
        assert_eq!(
            client_address(ip("10.0.0.1"), "nonsense", &proxies),
            ip("10.0.0.1")
        );
    }
}
