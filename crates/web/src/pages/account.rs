//! The user's own account: details and personal API tokens.

use crate::AppState;
use crate::auth::{Auth, AuthContext};
use crate::error::{AppError, Problem};
use crate::extract::CsrfForm;
use crate::extract::Path;
use crate::i18n::{Lang, Tr};
use crate::pages::{Chrome, has_error, page, render, role_label};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use eenplan_app::account;
use eenplan_store::sessions::{self, ApiToken, TokenScope};

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub notice: Option<&'static str>,
    pub new_token: Option<String>,
    pub errors: Vec<Problem>,
    pub username: String,
    pub role_label: &'static str,
    pub organisation: String,
    pub tokens: Vec<ApiToken>,
    pub sessions: Vec<eenplan_store::sessions::SessionInfo>,
}

impl AccountPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }

    pub fn scope_key(&self, scope: &TokenScope) -> &'static str {
        match scope {
            TokenScope::Read => "account.scope_read",
            TokenScope::Role => "account.scope_role",
            TokenScope::Ijw => "account.scope_ijw",
        }
    }
}

async fn account_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    notice: Option<&'static str>,
    new_token: Option<String>,
    errors: Vec<Problem>,
) -> Result<AccountPage, AppError> {
    let p = &ctx.principal;
    Ok(AccountPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, "/account"),
        notice,
        new_token,
        errors,
        username: p.username.clone(),
        role_label: role_label(p.role, lang),
        organisation: p.organisation_name.clone(),
        tokens: sessions::api_tokens(&app.store, &p.user_id).await?,
        sessions: account::sessions(&app.store, &ctx.caller(), ctx.session_token_hash.as_deref())
            .await?
            .into_iter()
            .map(|mut s| {
                s.created_at = crate::pages::local_time(&s.created_at);
                s.last_seen_at = crate::pages::local_time(&s.last_seen_at);
                s
            })
            .collect(),
    })
}

pub async fn show(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    page(&account_page(&app, &ctx, lang, None, None, Vec::new()).await?)
}

pub async fn create_token(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(f): CsrfForm<account::NewToken>,
) -> Result<Response, AppError> {
    let secret =
        match account::create_token(&app.store, &ctx.caller(), app.config.throttle(), &f).await {
            Ok(secret) => secret,
            Err(eenplan_app::Error::Invalid(errors)) => {
                let html = render(&account_page(&app, &ctx, lang, None, None, errors).await?);
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
            }
            Err(other) => return Err(other.into()),
        };
    // Shown once, on this response only; never stored in plain text.
    Ok(
        render(&account_page(&app, &ctx, lang, None, Some(secret), Vec::new()).await?)
            .into_response(),
    )
}

/// Ends one of the user's other sessions (a forgotten one on another computer).
pub async fn end_session(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<crate::pages::login::Empty>,
) -> Result<Response, AppError> {
    account::end_session(&app.store, &ctx.caller(), &id).await?;
    Ok(Redirect::to("/account#sessies").into_response())
}

pub async fn revoke_token(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<crate::pages::login::Empty>,
) -> Result<Response, AppError> {
    account::revoke_token(&app.store, &ctx.caller(), &id).await?;
    Ok(Redirect::to("/account").into_response())
}

/// Changes the own password. All sessions of the user end, this one included: the user
/// logs in again with the new password.
pub async fn change_password(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(c): CsrfForm<account::ChangePassword>,
) -> Result<Response, AppError> {
    match account::change_password(&app.store, &ctx.caller(), app.config.throttle(), &c).await {
        Ok(()) => Ok(Redirect::to("/login?wachtwoord=1").into_response()),
        Err(eenplan_app::Error::Invalid(errors)) => {
            let html = render(&account_page(&app, &ctx, lang, None, None, errors).await?);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
