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
use eenplan_app::login;
use eenplan_store::audit::Actor;
use eenplan_store::{demo, sessions};
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
    let token = match login::password(
        &app.store,
        app.config.throttle(),
        &actor,
        &username,
        &form.password,
    )
    .await?
    {
        login::PasswordStep::SecondFactor { token } => token,
        login::PasswordStep::Throttled => {
            let page =
                login_page(&app, lang, csrf, username, Some("login.throttled"), None).await?;
            return Ok((StatusCode::TOO_MANY_REQUESTS, jar, render(&page)).into_response());
        }
        login::PasswordStep::Failed => {
            let page = login_page(&app, lang, csrf, username, Some("login.failed"), None).await?;
            return Ok((StatusCode::UNAUTHORIZED, jar, render(&page)).into_response());
        }
    };
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
    let p = &pending.principal;
    let (qr_svg, secret) = match login::enrolment(&app.store, &p.user_id, &p.username).await? {
        None => (String::new(), String::new()),
        Some((uri, secret)) => {
            let svg = qrcode::QrCode::new(uri.as_bytes())
                .map_err(AppError::internal)?
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .build();
            // Drop the XML declaration: the SVG is inlined into the page.
            let svg = svg.find("<svg").map(|i| svg[i..].to_owned()).unwrap_or(svg);
            (svg, secret)
        }
    };
    Ok(MfaPage {
        t: Tr(lang),
        chrome: Chrome::anonymous(app.config.demo_mode, "/login/mfa"),
        csrf,
        enrol: !secret.is_empty(),
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
    let step = login::second_factor(
        &app.store,
        app.config.throttle(),
        &actor,
        &pending.token_hash,
        &form.code,
    )
    .await?;
    let token = match step {
        login::SecondFactorStep::LoggedIn { token } => token,
        login::SecondFactorStep::Throttled => {
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
        login::SecondFactorStep::Failed => {
            let page = mfa_page(&app, lang, csrf, &pending, true).await?;
            return Ok((StatusCode::UNAUTHORIZED, jar, render(&page)).into_response());
        }
    };
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
    login::logout(&app.store, &ctx.actor(), ctx.session_token_hash.as_deref()).await?;
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
