//! Login with password and second factor (TOTP), enrolment at first login, logout, and
//! the language switch.

use crate::auth::{self, AuthContext, PendingMfa, SessionExpired, cookie};
use crate::error::AppError;
use crate::extract::CsrfForm;
use crate::extract::{Path, Query};
use crate::i18n::{LANG_COOKIE, Lang, Tr};
use crate::pages::{Chrome, render, role_label};
use crate::{AppState, auth::AccessPoint};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use eenplan_domain::credentials;
use eenplan_store::audit::{self, Action, Actor, Event, Outcome};
use eenplan_store::sessions::{self, Stage};
use eenplan_store::{demo, users};
use serde::Deserialize;

pub struct DemoRow {
    pub username: String,
    pub display_name: String,
    pub role_label: &'static str,
    pub code: String,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub csrf: String,
    pub username: String,
    pub error: Option<&'static str>,
    pub notice: Option<&'static str>,
    pub demo_accounts: Vec<DemoRow>,
    pub demo_password: &'static str,
}

#[derive(Template)]
#[template(path = "mfa.html")]
pub struct MfaPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub csrf: String,
    pub enrol: bool,
    pub failed: bool,
    pub qr_svg: String,
    pub secret: String,
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The login form's CSRF token: reuses the cookie's token, or makes a new one.
fn login_csrf(app: &AppState, jar: CookieJar) -> (CookieJar, String) {
    let name = auth::login_csrf_cookie(app.config.secure_cookies);
    match jar.get(name).map(|c| c.value().to_owned()) {
        Some(token) if token.len() == 64 => (jar, token),
        _ => {
            let token = sessions::new_secret();
            (
                jar.add(cookie(name, token.clone(), app.config.secure_cookies)),
                token,
            )
        }
    }
}

async fn login_page(
    app: &AppState,
    lang: Lang,
    csrf: String,
    username: String,
    error: Option<&'static str>,
    notice: Option<&'static str>,
) -> Result<LoginPage, AppError> {
    // Only in demo mode does the login page list the demo accounts with live codes.
    let demo_accounts = if app.config.demo_mode {
        demo::accounts(&app.store, unix_now())
            .await?
            .into_iter()
            .map(|a| DemoRow {
                role_label: role_label(a.role, lang),
                username: a.username,
                display_name: a.display_name,
                code: a.totp_code,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(LoginPage {
        t: Tr(lang),
        chrome: Chrome::anonymous(app.config.demo_mode, "/login"),
        csrf,
        username,
        error,
        notice,
        demo_accounts,
        demo_password: if app.config.demo_mode {
            demo::DEMO_PASSWORD
        } else {
            ""
        },
    })
}

#[derive(Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    uitgelogd: Option<String>,
    #[serde(default)]
    wachtwoord: Option<String>,
}

pub async fn show_login(
    State(app): State<AppState>,
    lang: Lang,
    jar: CookieJar,
    Query(q): Query<LoginQuery>,
    auth: Option<Extension<AuthContext>>,
    expired: Option<Extension<SessionExpired>>,
) -> Result<Response, AppError> {
    if auth.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let notice = if q.wachtwoord.is_some() {
        Some("account.password_changed")
    } else if q.uitgelogd.is_some() {
        Some("login.logged_out")
    } else if expired.is_some() {
        Some("login.expired")
    } else {
        None
    };
    let (jar, csrf) = login_csrf(&app, jar);
    let page = login_page(&app, lang, csrf, String::new(), None, notice).await?;
    Ok((jar, render(&page)).into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

fn anonymous_actor(access: &AccessPoint, username: &str) -> Actor {
    Actor {
        username: Some(username.chars().take(64).collect()),
        address: access.address.clone(),
        user_agent: access.user_agent.clone(),
        ..Actor::default()
    }
}

/// Login attempts for one account run one at a time (check, verify, record), so parallel
/// guesses cannot all slip under the throttle. Striped by username: fixed memory.
static LOGIN_STRIPES: [tokio::sync::Mutex<()>; 64] =
    [const { tokio::sync::Mutex::const_new(()) }; 64];

fn login_stripe(username: &str) -> &'static tokio::sync::Mutex<()> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    username.hash(&mut h);
    &LOGIN_STRIPES[(h.finish() % 64) as usize]
}

/// Refuses when the account or the address had too many failures in the window.
async fn throttled(app: &AppState, username: &str, access: &AccessPoint) -> Result<bool, AppError> {
    let since = eenplan_store::format_time(chrono::Utc::now() - app.config.throttle_window);
    let by_account = audit::count_failed_logins(&app.store, Some(username), None, &since).await?;
    let by_address = match &access.address {
        Some(a) => audit::count_failed_logins(&app.store, None, Some(a), &since).await?,
        None => 0,
    };
    Ok(by_account >= app.config.max_failures_per_account
        || by_address >= app.config.max_failures_per_address)
}

pub async fn submit_login(
    State(app): State<AppState>,
    lang: Lang,
    jar: CookieJar,
    Extension(access): Extension<AccessPoint>,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, AppError> {
    let username = form.username.trim().to_lowercase();
    let (jar, csrf) = login_csrf(&app, jar);
    let actor = anonymous_actor(&access, &username);
    let _attempt = login_stripe(&username).lock().await;
    if throttled(&app, &username, &access).await? {
        audit::record(
            &app.store,
            &actor,
            &Event::new("login.throttled", Action::Login).outcome(Outcome::Refused),
        )
        .await?;
        let page = login_page(&app, lang, csrf, username, Some("login.throttled"), None).await?;
        return Ok((StatusCode::TOO_MANY_REQUESTS, jar, render(&page)).into_response());
    }
    let creds =
        if username.is_empty() || username.len() > 64 || username.chars().any(char::is_control) {
            None
        } else {
            users::credentials(&app.store, &username).await?
        };
    // Verify against a dummy hash when the account is unknown: same time, same answer.
    let hash = creds
        .as_ref()
        .map_or(credentials::dummy_hash(), |c| c.password_hash.as_str());
    let password = form.password.clone();
    let hash_owned = hash.to_owned();
    let password_ok =
        tokio::task::spawn_blocking(move || credentials::verify_password(&password, &hash_owned))
            .await
            .map_err(AppError::internal)?;
    let creds = match creds {
        Some(c) if password_ok && c.active => c,
        _ => {
            audit::record(
                &app.store,
                &actor,
                &Event::new("login.failed", Action::Login).outcome(Outcome::Failure),
            )
            .await?;
            let page = login_page(&app, lang, csrf, username, Some("login.failed"), None).await?;
            return Ok((StatusCode::UNAUTHORIZED, jar, render(&page)).into_response());
        }
    };
    let mut tx = app.store.begin().await?;
    let token = sessions::create(&mut tx, &creds.user_id, Stage::Mfa).await?;
    let mut actor = actor;
    actor.user_id = Some(creds.user_id.clone());
    audit::append(
        &mut tx,
        &actor,
        &Event::new("login.password_ok", Action::Login),
    )
    .await?;
    tx.commit().await?;
    let jar = jar.add(cookie(
        auth::session_cookie(app.config.secure_cookies),
        token,
        app.config.secure_cookies,
    ));
    Ok((jar, Redirect::to("/login/mfa")).into_response())
}

async fn mfa_page(
    app: &AppState,
    lang: Lang,
    csrf: String,
    pending: &PendingMfa,
    failed: bool,
) -> Result<MfaPage, AppError> {
    let creds = users::credentials_by_id(&app.store, &pending.principal.user_id).await?;
    let (qr_svg, secret) = if creds.totp_confirmed {
        (String::new(), String::new())
    } else {
        let uri = credentials::totp_uri(&creds.totp_secret, &pending.principal.username)
            .ok_or_else(|| AppError::internal("stored TOTP secret is invalid"))?;
        let svg = qrcode::QrCode::new(uri.as_bytes())
            .map_err(AppError::internal)?
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .build();
        // Drop the XML declaration: the SVG is inlined into the page.
        let svg = svg.find("<svg").map(|i| svg[i..].to_owned()).unwrap_or(svg);
        (svg, creds.totp_secret)
    };
    Ok(MfaPage {
        t: Tr(lang),
        chrome: Chrome::anonymous(app.config.demo_mode, "/login/mfa"),
        csrf,
        enrol: !creds.totp_confirmed,
        failed,
        qr_svg,
        secret,
    })
}

pub async fn show_mfa(
    State(app): State<AppState>,
    lang: Lang,
    jar: CookieJar,
    pending: Option<Extension<PendingMfa>>,
) -> Result<Response, AppError> {
    let Some(Extension(pending)) = pending else {
        return Ok(Redirect::to("/login").into_response());
    };
    let (jar, csrf) = login_csrf(&app, jar);
    let page = mfa_page(&app, lang, csrf, &pending, false).await?;
    Ok((jar, render(&page)).into_response())
}

#[derive(Deserialize)]
pub struct MfaForm {
    #[serde(default)]
    code: String,
}

pub async fn submit_mfa(
    State(app): State<AppState>,
    lang: Lang,
    jar: CookieJar,
    Extension(access): Extension<AccessPoint>,
    pending: Option<Extension<PendingMfa>>,
    CsrfForm(form): CsrfForm<MfaForm>,
) -> Result<Response, AppError> {
    let Some(Extension(pending)) = pending else {
        return Ok(Redirect::to("/login").into_response());
    };
    let p = &pending.principal;
    let actor = Actor {
        user_id: Some(p.user_id.clone()),
        username: Some(p.username.clone()),
        role: Some(p.role.as_str().into()),
        organisation_id: Some(p.organisation_id.clone()),
        on_behalf_of: None,
        address: access.address.clone(),
        user_agent: access.user_agent.clone(),
    };
    let (jar, csrf) = login_csrf(&app, jar);
    let _attempt = login_stripe(&p.username).lock().await;
    if throttled(&app, &p.username, &access).await? {
        let mut tx = app.store.begin().await?;
        sessions::end(&mut tx, &pending.token_hash).await?;
        audit::append(
            &mut tx,
            &actor,
            &Event::new("login.throttled", Action::Mfa).outcome(Outcome::Refused),
        )
        .await?;
        tx.commit().await?;
        let page = login_page(
            &app,
            lang,
            csrf,
            p.username.clone(),
            Some("login.throttled"),
            None,
        )
        .await?;
        return Ok((StatusCode::TOO_MANY_REQUESTS, jar, render(&page)).into_response());
    }
    let creds = users::credentials_by_id(&app.store, &p.user_id).await?;
    let step = credentials::check_totp(&creds.totp_secret, &form.code, unix_now());
    let mut tx = app.store.begin().await?;
    let accepted = match step {
        Some(step) => users::use_totp_step(&mut tx, &p.user_id, step as i64).await?,
        None => false,
    };
    if !accepted {
        audit::append(
            &mut tx,
            &actor,
            &Event::new("mfa.failed", Action::Mfa).outcome(Outcome::Failure),
        )
        .await?;
        tx.commit().await?;
        let page = mfa_page(&app, lang, csrf, &pending, true).await?;
        return Ok((StatusCode::UNAUTHORIZED, jar, render(&page)).into_response());
    }
    if !creds.totp_confirmed {
        audit::append(
            &mut tx,
            &actor,
            &Event::new("mfa.enrolled", Action::Mfa).object("user", &p.user_id),
        )
        .await?;
    }
    // A new session id at login: the pre-MFA session ends, a fresh one starts.
    sessions::end(&mut tx, &pending.token_hash).await?;
    let token = sessions::create(&mut tx, &p.user_id, Stage::Active).await?;
    audit::append(&mut tx, &actor, &Event::new("login", Action::Login)).await?;
    tx.commit().await?;
    let secure = app.config.secure_cookies;
    let jar = jar
        .add(cookie(auth::session_cookie(secure), token, secure))
        .remove(Cookie::build(auth::login_csrf_cookie(secure)).path("/"));
    Ok((jar, Redirect::to("/")).into_response())
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn logout(
    State(app): State<AppState>,
    jar: CookieJar,
    auth::Auth(ctx): auth::Auth,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let mut tx = app.store.begin().await?;
    if let Some(hash) = &ctx.session_token_hash {
        sessions::end(&mut tx, hash).await?;
    }
    audit::append(&mut tx, &ctx.actor(), &Event::new("logout", Action::Logout)).await?;
    tx.commit().await?;
    let jar = jar.remove(Cookie::build(auth::session_cookie(app.config.secure_cookies)).path("/"));
    Ok((jar, Redirect::to("/login?uitgelogd=1")).into_response())
}

#[derive(Deserialize)]
pub struct LangQuery {
    #[serde(default)]
    next: String,
}

/// Switches the interface language and returns to the page the user was on.
pub async fn switch_language(
    State(app): State<AppState>,
    jar: CookieJar,
    Path(code): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    // Only local paths: never an open redirect.
    let next = if q.next.starts_with('/')
        && !q.next.starts_with("//")
        && q.next.chars().all(|c| c.is_ascii_graphic() && c != '\\')
    {
        q.next
    } else {
        "/".into()
    };
    let mut c = cookie(LANG_COOKIE, lang.code().into(), app.config.secure_cookies);
    c.make_permanent();
    (jar.add(c), Redirect::to(&next)).into_response()
}
