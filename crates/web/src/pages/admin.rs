//! Administration pages: organisations, teams and user accounts. Their use cases and
//! parsers live in `eenplan_app::directory` and `eenplan_app::users`.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, Problem};
use crate::extract::CsrfForm;
use crate::extract::{Path, Query};
use crate::i18n::{Lang, Tr};
use crate::pages::{Chrome, has_error, invalid_form, page, render, role_label};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use eenplan_app::directory::{self as directory_cases, TeamDetails};
use eenplan_app::users as app_users;
use eenplan_domain::{OrganisationType, Role, TeamType};
use eenplan_store::codelists;
use eenplan_store::directory::{self};
use eenplan_store::users;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "organisation_form.html")]
pub struct OrganisationForm {
    pub t: Tr,
    pub chrome: Chrome,
    pub title: &'static str,
    pub action: String,
    pub errors: Vec<Problem>,
    pub version: i64,
    pub name: String,
    pub org_type: String,
    pub agb_code: String,
    pub municipality_code: String,
    pub type_options: Vec<(&'static str, &'static str)>,
    pub municipality_options: Vec<(String, String)>,
}

impl OrganisationForm {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

#[derive(Deserialize, Default)]
pub struct OrganisationFields {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub org_type: String,
    #[serde(default)]
    pub agb_code: String,
    #[serde(default)]
    pub municipality_code: String,
    #[serde(default)]
    pub version: String,
}

impl OrganisationFields {
    /// The form as the use case's command (the form posts empty strings for "none").
    fn details(&self) -> directory_cases::OrganisationDetails {
        let some = |v: &str| (!v.trim().is_empty()).then(|| v.to_owned());
        directory_cases::OrganisationDetails {
            name: self.name.clone(),
            org_type: self.org_type.clone(),
            agb_code: some(&self.agb_code),
            municipality_code: some(&self.municipality_code),
            version: self.version.trim().parse().ok(),
        }
    }
}

async fn organisation_form(
    app: &AppState,
    ctx: &crate::auth::AuthContext,
    lang: Lang,
    id: Option<&str>,
    fields: OrganisationFields,
    errors: Vec<Problem>,
) -> Result<OrganisationForm, AppError> {
    let municipality_options = codelists::municipalities(&app.store)
        .await?
        .into_iter()
        .map(|m| (m.code, m.name))
        .collect();
    let action = id.map_or("/beheer/organisaties/nieuw".into(), |id| {
        format!("/beheer/organisaties/{id}")
    });
    Ok(OrganisationForm {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, &action),
        title: if id.is_some() {
            "org.title_edit"
        } else {
            "org.title_new"
        },
        action,
        errors,
        version: fields.version.parse().unwrap_or(0),
        name: fields.name,
        org_type: fields.org_type,
        agb_code: fields.agb_code,
        municipality_code: fields.municipality_code,
        type_options: OrganisationType::ALL
            .iter()
            .map(|t| (t.as_str(), lang.pick(t.label_nl(), t.label_en())))
            .collect(),
        municipality_options,
    })
}

pub async fn new_organisation(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    page(
        &organisation_form(
            &app,
            &ctx,
            lang,
            None,
            OrganisationFields::default(),
            Vec::new(),
        )
        .await?,
    )
}

pub async fn create_organisation(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(f): CsrfForm<OrganisationFields>,
) -> Result<Response, AppError> {
    match directory_cases::create_organisation(&app.store, &ctx.actor(), &f.details()).await {
        Ok(_) => Ok(Redirect::to("/organisaties?opgeslagen=1").into_response()),
        Err(eenplan_app::Error::Invalid(errors)) => Ok(invalid_form(render(
            &organisation_form(&app, &ctx, lang, None, f, errors).await?,
        ))),
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_organisation(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let o = directory::organisation(&app.store, &id).await?;
    let fields = OrganisationFields {
        name: o.name,
        org_type: o.org_type.as_str().into(),
        agb_code: o.agb_code.unwrap_or_default(),
        municipality_code: o.municipality_code.unwrap_or_default(),
        version: o.version.to_string(),
    };
    page(&organisation_form(&app, &ctx, lang, Some(&o.id), fields, Vec::new()).await?)
}

pub async fn update_organisation(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<OrganisationFields>,
) -> Result<Response, AppError> {
    match directory_cases::update_organisation(&app.store, &ctx.actor(), &id, &f.details()).await {
        Ok(()) => Ok(Redirect::to("/organisaties?opgeslagen=1").into_response()),
        Err(eenplan_app::Error::Invalid(errors)) => Ok(invalid_form(render(
            &organisation_form(&app, &ctx, lang, Some(&id), f, errors).await?,
        ))),
        Err(e) => Err(e.into()),
    }
}

// ---- Teams ----

#[derive(Deserialize, Default)]
pub struct TeamFields {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub team_type: String,
    #[serde(default)]
    pub organisation_id: String,
    #[serde(default)]
    pub municipalities: Vec<String>,
    #[serde(default)]
    pub version: String,
}

impl TeamFields {
    fn details(&self) -> TeamDetails {
        TeamDetails {
            organisation_id: self.organisation_id.clone(),
            name: self.name.clone(),
            team_type: self.team_type.clone(),
            municipalities: self.municipalities.clone(),
            version: self.version.trim().parse().ok(),
        }
    }
}

#[derive(Template)]
#[template(path = "team_form.html")]
pub struct TeamForm {
    pub t: Tr,
    pub chrome: Chrome,
    pub title: &'static str,
    pub action: String,
    pub errors: Vec<Problem>,
    pub version: i64,
    pub name: String,
    pub team_type: String,
    pub organisation_id: String,
    pub type_options: Vec<(&'static str, &'static str)>,
    pub organisation_options: Vec<(String, String)>,
    pub municipality_options: Vec<(String, String, bool)>,
}

impl TeamForm {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

async fn team_form(
    app: &AppState,
    ctx: &crate::auth::AuthContext,
    lang: Lang,
    id: Option<&str>,
    f: TeamFields,
    errors: Vec<Problem>,
) -> Result<TeamForm, AppError> {
    let action = id.map_or("/beheer/teams/nieuw".into(), |id| {
        format!("/beheer/teams/{id}")
    });
    Ok(TeamForm {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, &action),
        title: if id.is_some() {
            "team.title_edit"
        } else {
            "team.title_new"
        },
        action,
        errors,
        version: f.version.parse().unwrap_or(0),
        type_options: TeamType::ALL
            .iter()
            .map(|t| (t.as_str(), lang.pick(t.label_nl(), t.label_en())))
            .collect(),
        organisation_options: directory::organisations(&app.store)
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect(),
        municipality_options: codelists::municipalities(&app.store)
            .await?
            .into_iter()
            .map(|m| {
                let checked = f.municipalities.contains(&m.code);
                (m.code, m.name, checked)
            })
            .collect(),
        name: f.name,
        team_type: f.team_type,
        organisation_id: f.organisation_id,
    })
}

pub async fn new_team(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    page(&team_form(&app, &ctx, lang, None, TeamFields::default(), Vec::new()).await?)
}

pub async fn create_team(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(f): CsrfForm<TeamFields>,
) -> Result<Response, AppError> {
    match directory_cases::create_team(&app.store, &ctx.actor(), &f.details()).await {
        Ok(_) => {}
        Err(eenplan_app::Error::Invalid(errors)) => {
            return Ok(invalid_form(render(
                &team_form(&app, &ctx, lang, None, f, errors).await?,
            )));
        }
        Err(other) => return Err(other.into()),
    }
    Ok(Redirect::to("/organisaties?opgeslagen=1").into_response())
}

pub async fn edit_team(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let t = directory::team(&app.store, &id).await?;
    let f = TeamFields {
        name: t.name,
        team_type: t.team_type.as_str().into(),
        organisation_id: t.organisation_id,
        municipalities: t.municipalities,
        version: t.version.to_string(),
    };
    page(&team_form(&app, &ctx, lang, Some(&t.id), f, Vec::new()).await?)
}

pub async fn update_team(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<TeamFields>,
) -> Result<Response, AppError> {
    match directory_cases::update_team(&app.store, &ctx.actor(), &id, &f.details()).await {
        Ok(()) => {}
        Err(eenplan_app::Error::Invalid(errors)) => {
            return Ok(invalid_form(render(
                &team_form(&app, &ctx, lang, Some(&id), f, errors).await?,
            )));
        }
        Err(other) => return Err(other.into()),
    }
    Ok(Redirect::to("/organisaties?opgeslagen=1").into_response())
}

// ---- Users ----

pub struct UserRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role_label: &'static str,
    pub organisation: String,
    pub active: bool,
    pub mfa: bool,
    pub last_login: String,
}

#[derive(Template)]
#[template(path = "users.html")]
pub struct UsersPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub notice: Option<&'static str>,
    pub users: Vec<UserRow>,
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    #[serde(default)]
    opgeslagen: Option<String>,
    #[serde(default)]
    mfa_reset: Option<String>,
    #[serde(default)]
    wacht: Option<String>,
}

pub async fn list_users(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Query(q): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    let users = users::users(&app.store)
        .await?
        .into_iter()
        .map(|u| UserRow {
            role_label: role_label(u.role, lang),
            last_login: u
                .last_login_at
                .map(|t| t.chars().take(16).collect::<String>().replace('T', " "))
                .unwrap_or_default(),
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            organisation: u.organisation_name,
            active: u.active,
            mfa: u.mfa_enrolled,
        })
        .collect();
    page(&UsersPage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/beheer/gebruikers"),
        notice: q
            .wacht
            .map(|_| "users.awaiting_approval")
            .or(q.opgeslagen.map(|_| "form.saved")),
        users,
    })
}

#[derive(Deserialize, Default)]
pub struct UserFields {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub organisation_id: String,
    #[serde(default)]
    pub team_ids: Vec<String>,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub active: String,
    #[serde(default)]
    pub version: String,
    /// Why: required for a role that reads client data.
    #[serde(default)]
    pub reason: String,
}

#[derive(Template)]
#[template(path = "user_form.html")]
pub struct UserForm {
    pub t: Tr,
    pub chrome: Chrome,
    pub title: &'static str,
    pub action: String,
    pub notice: Option<&'static str>,
    pub errors: Vec<Problem>,
    pub is_new: bool,
    pub version: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub organisation_id: String,
    pub active: bool,
    pub reason: String,
    pub role_options: Vec<(&'static str, &'static str)>,
    pub organisation_options: Vec<(String, String)>,
    pub team_options: Vec<(String, String, bool)>,
}

impl UserForm {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

async fn user_form(
    app: &AppState,
    ctx: &crate::auth::AuthContext,
    lang: Lang,
    id: Option<&str>,
    f: UserFields,
    errors: Vec<Problem>,
    notice: Option<&'static str>,
) -> Result<UserForm, AppError> {
    let action = id.map_or("/beheer/gebruikers/nieuw".into(), |id| {
        format!("/beheer/gebruikers/{id}")
    });
    Ok(UserForm {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, &action),
        title: if id.is_some() {
            "users.title_edit"
        } else {
            "users.new"
        },
        action,
        notice,
        errors,
        is_new: id.is_none(),
        version: f.version.parse().unwrap_or(0),
        reason: f.reason.clone(),
        role_options: Role::ALL
            .iter()
            .map(|r| (r.as_str(), role_label(*r, lang)))
            .collect(),
        organisation_options: directory::organisations(&app.store)
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect(),
        team_options: directory::teams(&app.store)
            .await?
            .into_iter()
            .map(|t| {
                let checked = f.team_ids.contains(&t.id);
                (
                    t.id,
                    format!("{} ({})", t.name, t.organisation_name),
                    checked,
                )
            })
            .collect(),
        username: f.username,
        display_name: f.display_name,
        role: f.role,
        organisation_id: f.organisation_id,
        active: f.active == "1",
    })
}

pub async fn new_user(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    page(
        &user_form(
            &app,
            &ctx,
            lang,
            None,
            UserFields::default(),
            Vec::new(),
            None,
        )
        .await?,
    )
}

pub async fn create_user(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(f): CsrfForm<UserFields>,
) -> Result<Response, AppError> {
    let new = app_users::NewAccount {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        role: f.role.clone(),
        organisation_id: f.organisation_id.clone(),
        team_ids: f.team_ids.clone(),
        password: f.password.clone(),
        reason: Some(f.reason.clone()),
    };
    match app_users::create_user(&app.store, &ctx.actor(), &new).await {
        Ok((_, app_users::Applied::AwaitingApproval(_))) => {
            return Ok(Redirect::to("/beheer/gebruikers?wacht=1").into_response());
        }
        Ok(_) => {}
        Err(eenplan_app::Error::Invalid(errors)) => {
            return Ok(invalid_form(render(
                &user_form(&app, &ctx, lang, None, f, errors, None).await?,
            )));
        }
        Err(other) => return Err(other.into()),
    }
    Ok(Redirect::to("/beheer/gebruikers?opgeslagen=1").into_response())
}

pub async fn edit_user(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    let u = users::user(&app.store, &id).await?;
    let f = UserFields {
        username: u.username,
        display_name: u.display_name,
        role: u.role.as_str().into(),
        organisation_id: u.organisation_id,
        team_ids: u.team_ids,
        password: String::new(),
        active: if u.active { "1".into() } else { String::new() },
        version: u.version.to_string(),
        reason: String::new(),
    };
    let notice = q
        .mfa_reset
        .map(|_| "users.reset_mfa_done")
        .or(q.wacht.map(|_| "users.awaiting_approval"))
        .or(q.opgeslagen.map(|_| "form.saved"));
    page(&user_form(&app, &ctx, lang, Some(&u.id), f, Vec::new(), notice).await?)
}

pub async fn update_user(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(mut f): CsrfForm<UserFields>,
) -> Result<Response, AppError> {
    let current = users::user(&app.store, &id).await?;
    f.username = current.username;
    let change = app_users::ChangeAccount {
        display_name: f.display_name.clone(),
        role: f.role.clone(),
        organisation_id: f.organisation_id.clone(),
        team_ids: f.team_ids.clone(),
        active: f.active == "1",
        version: f.version.trim().parse().ok(),
        reason: Some(f.reason.clone()),
    };
    match app_users::update_user(&app.store, &ctx.actor(), &id, &change).await {
        Ok(app_users::Applied::AwaitingApproval(_)) => {
            return Ok(Redirect::to(&format!("/beheer/gebruikers/{id}?wacht=1")).into_response());
        }
        Ok(app_users::Applied::Done) => {}
        Err(eenplan_app::Error::Invalid(errors)) => {
            return Ok(invalid_form(render(
                &user_form(&app, &ctx, lang, Some(&id), f, errors, None).await?,
            )));
        }
        Err(other) => return Err(other.into()),
    }
    Ok(Redirect::to(&format!("/beheer/gebruikers/{id}?opgeslagen=1")).into_response())
}

pub async fn reset_mfa(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<ReasonForm>,
) -> Result<Response, AppError> {
    let next = match app_users::reset_mfa(&app.store, &ctx.actor(), &id, Some(f.reason)).await? {
        app_users::Applied::Done => "mfa_reset",
        app_users::Applied::AwaitingApproval(_) => "wacht",
    };
    Ok(Redirect::to(&format!("/beheer/gebruikers/{id}?{next}=1")).into_response())
}

#[derive(Deserialize, Default)]
pub struct ReasonForm {
    #[serde(default)]
    pub reason: String,
}

#[derive(Deserialize, Default)]
pub struct Decision {
    #[serde(default)]
    pub approve: String,
}

#[derive(Template)]
#[template(path = "approvals.html")]
pub struct ApprovalsPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub approvals: Vec<(eenplan_store::approvals::Approval, &'static str)>,
}

/// The changes waiting for a second administrator.
pub async fn approvals(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    let approvals = app_users::pending_approvals(&app.store)
        .await?
        .into_iter()
        .map(|a| {
            let role = a
                .role
                .as_deref()
                .and_then(Role::parse)
                .map_or("", |r| role_label(r, lang));
            (a, role)
        })
        .collect();
    page(&ApprovalsPage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/beheer/goedkeuringen"),
        approvals,
    })
}

/// Approves or refuses a waiting change (never one's own: 404).
pub async fn decide(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Decision>,
) -> Result<Response, AppError> {
    app_users::decide(&app.store, &ctx.actor(), &id, f.approve == "1").await?;
    Ok(Redirect::to("/beheer/goedkeuringen").into_response())
}
