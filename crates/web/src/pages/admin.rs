//! Administration: organisations, teams and user accounts. The parsing of each record's
//! fields lives here once ([`parse_organisation`], [`parse_team`], [`parse_user`]) and
//! serves both the forms and the JSON API.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, Problem};
use crate::extract::CsrfForm;
use crate::extract::{Path, Query};
use crate::i18n::{Lang, Tr};
use crate::pages::{
    Chrome, has_error, invalid_form, page, parse_version, render, required_text, role_label,
};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use eenplan_domain::{
    AgbCode, MunicipalityCode, OrganisationType, Role, TeamType, credentials, password,
};
use eenplan_store::directory::{self, OrganisationInput, TeamInput};
use eenplan_store::users::{self, NewUser, UserUpdate};
use eenplan_store::{Store, codelists};
use serde::Deserialize;

fn choose(field: &str) -> Problem {
    Problem::new(
        field,
        "Maak een keuze uit de lijst.",
        "Choose an option from the list.",
    )
}

pub fn parse_organisation(
    name: &str,
    org_type: &str,
    agb_code: &str,
    municipality_code: &str,
) -> Result<OrganisationInput, Vec<Problem>> {
    let mut errors = Vec::new();
    let name = required_text(&mut errors, "name", name, 200);
    let org_type = OrganisationType::parse(org_type);
    if org_type.is_none() {
        errors.push(choose("org_type"));
    }
    let agb_code = match agb_code.trim() {
        "" => None,
        s => AgbCode::parse("agb_code", s)
            .map_err(|e| errors.push(e.into()))
            .ok(),
    };
    let municipality_code = match municipality_code.trim() {
        "" => None,
        s => MunicipalityCode::parse("municipality_code", s)
            .map_err(|e| errors.push(e.into()))
            .ok(),
    };
    if org_type == Some(OrganisationType::Provider)
        && agb_code.is_none()
        && !has_error(&errors, "agb_code")
    {
        errors.push(Problem::new(
            "agb_code",
            "Een zorgaanbieder heeft een AGB-code (8 cijfers).",
            "A care provider needs an AGB code (8 digits).",
        ));
    }
    if org_type == Some(OrganisationType::Municipality)
        && municipality_code.is_none()
        && !has_error(&errors, "municipality_code")
    {
        errors.push(Problem::new(
            "municipality_code",
            "Kies de gemeente.",
            "Choose the municipality.",
        ));
    }
    match org_type {
        Some(org_type) if errors.is_empty() => Ok(OrganisationInput {
            name,
            org_type,
            agb_code,
            municipality_code,
        }),
        _ => Err(errors),
    }
}

/// Maps store errors of an organisation write to field problems where they belong.
async fn org_write_problem(
    store: &Store,
    e: eenplan_store::Error,
    input: &OrganisationInput,
) -> AppError {
    match e {
        eenplan_store::Error::Duplicate => AppError::invalid(Problem::new(
            if input.agb_code.is_some()
                && directory::organisation_by_name(store, &input.name)
                    .await
                    .is_err()
            {
                "agb_code"
            } else {
                "name"
            },
            "Er bestaat al een organisatie met deze naam of AGB-code.",
            "An organisation with this name or AGB code already exists.",
        )),
        eenplan_store::Error::UnknownReference => AppError::invalid(Problem::new(
            "municipality_code",
            "Onbekende gemeente.",
            "Unknown municipality.",
        )),
        other => other.into(),
    }
}

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
    let input = match parse_organisation(&f.name, &f.org_type, &f.agb_code, &f.municipality_code) {
        Ok(i) => i,
        Err(errors) => {
            return Ok(invalid_form(render(
                &organisation_form(&app, &ctx, lang, None, f, errors).await?,
            )));
        }
    };
    let mut tx = app.store.begin().await?;
    let result = directory::create_organisation(&mut tx, &ctx.actor(), &input).await;
    match result {
        Ok(_) => tx.commit().await?,
        Err(e) => {
            drop(tx);
            return match org_write_problem(&app.store, e, &input).await {
                AppError::Invalid(errors) => Ok(invalid_form(render(
                    &organisation_form(&app, &ctx, lang, None, f, errors).await?,
                ))),
                other => Err(other),
            };
        }
    }
    Ok(Redirect::to("/organisaties?opgeslagen=1").into_response())
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
    directory::organisation(&app.store, &id).await?;
    let parsed = parse_organisation(&f.name, &f.org_type, &f.agb_code, &f.municipality_code)
        .and_then(|i| {
            parse_version("version", &f.version)
                .map(|v| (i, v))
                .map_err(|p| vec![p])
        });
    let (input, version) = match parsed {
        Ok(x) => x,
        Err(errors) => {
            return Ok(invalid_form(render(
                &organisation_form(&app, &ctx, lang, Some(&id), f, errors).await?,
            )));
        }
    };
    let mut tx = app.store.begin().await?;
    match directory::update_organisation(&mut tx, &ctx.actor(), &id, version, &input).await {
        Ok(()) => tx.commit().await?,
        Err(e) => {
            drop(tx);
            return match org_write_problem(&app.store, e, &input).await {
                AppError::Invalid(errors) => Ok(invalid_form(render(
                    &organisation_form(&app, &ctx, lang, Some(&id), f, errors).await?,
                ))),
                other => Err(other),
            };
        }
    }
    Ok(Redirect::to("/organisaties?opgeslagen=1").into_response())
}

// ---- Teams ----

pub fn parse_team(
    organisation_id: &str,
    name: &str,
    team_type: &str,
    municipalities: &[String],
) -> Result<TeamInput, Vec<Problem>> {
    let mut errors = Vec::new();
    let name = required_text(&mut errors, "name", name, 200);
    let team_type = TeamType::parse(team_type);
    if team_type.is_none() {
        errors.push(choose("team_type"));
    }
    if organisation_id.trim().is_empty() {
        errors.push(choose("organisation_id"));
    }
    let mut codes = Vec::new();
    for m in municipalities {
        match MunicipalityCode::parse("municipalities", m) {
            Ok(c) if !codes.contains(&c) => codes.push(c),
            Ok(_) => {}
            Err(e) => errors.push(e.into()),
        }
    }
    if team_type == Some(TeamType::LocalTeam)
        && codes.len() != 1
        && !has_error(&errors, "municipalities")
    {
        errors.push(Problem::new(
            "municipalities",
            "Een lokaal CJG-team bedient precies één gemeente.",
            "A local CJG team serves exactly one municipality.",
        ));
    }
    if team_type == Some(TeamType::TreatmentTeam) && codes.is_empty() {
        errors.push(Problem::new(
            "municipalities",
            "Een behandelteam bedient minstens één gemeente.",
            "A treatment team serves at least one municipality.",
        ));
    }
    match team_type {
        Some(team_type) if errors.is_empty() => Ok(TeamInput {
            organisation_id: organisation_id.trim().into(),
            name,
            team_type,
            municipalities: codes,
        }),
        _ => Err(errors),
    }
}

/// Team writes fail on a foreign key when the organisation or a municipality is unknown.
fn team_write_problem(e: eenplan_store::Error) -> AppError {
    match e {
        eenplan_store::Error::Duplicate => AppError::invalid(Problem::new(
            "name",
            "Deze organisatie heeft al een team met deze naam.",
            "This organisation already has a team with this name.",
        )),
        eenplan_store::Error::UnknownReference => AppError::invalid(Problem::new(
            "organisation_id",
            "Onbekende organisatie of gemeente.",
            "Unknown organisation or municipality.",
        )),
        other => other.into(),
    }
}

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
    let input = match parse_team(&f.organisation_id, &f.name, &f.team_type, &f.municipalities) {
        Ok(i) => i,
        Err(errors) => {
            return Ok(invalid_form(render(
                &team_form(&app, &ctx, lang, None, f, errors).await?,
            )));
        }
    };
    let mut tx = app.store.begin().await?;
    match directory::create_team(&mut tx, &ctx.actor(), &input).await {
        Ok(_) => tx.commit().await?,
        Err(e) => {
            drop(tx);
            return match team_write_problem(e) {
                AppError::Invalid(errors) => Ok(invalid_form(render(
                    &team_form(&app, &ctx, lang, None, f, errors).await?,
                ))),
                other => Err(other),
            };
        }
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
    directory::team(&app.store, &id).await?;
    let parsed =
        parse_team(&f.organisation_id, &f.name, &f.team_type, &f.municipalities).and_then(|i| {
            parse_version("version", &f.version)
                .map(|v| (i, v))
                .map_err(|p| vec![p])
        });
    let (input, version) = match parsed {
        Ok(x) => x,
        Err(errors) => {
            return Ok(invalid_form(render(
                &team_form(&app, &ctx, lang, Some(&id), f, errors).await?,
            )));
        }
    };
    let mut tx = app.store.begin().await?;
    match directory::update_team(&mut tx, &ctx.actor(), &id, version, &input).await {
        Ok(()) => tx.commit().await?,
        Err(e) => {
            drop(tx);
            return match team_write_problem(e) {
                AppError::Invalid(errors) => Ok(invalid_form(render(
                    &team_form(&app, &ctx, lang, Some(&id), f, errors).await?,
                ))),
                other => Err(other),
            };
        }
    }
    Ok(Redirect::to("/organisaties?opgeslagen=1").into_response())
}

// ---- Users ----

pub fn parse_username(field: &'static str, s: &str) -> Result<String, Problem> {
    let u = s.trim().to_lowercase();
    let ok = (3..=64).contains(&u.len())
        && u.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(u)
    } else {
        Err(Problem::new(
            field,
            "Gebruik 3 tot 64 kleine letters, cijfers, punten, streepjes of liggende streepjes.",
            "Use 3 to 64 lower-case letters, digits, dots, hyphens or underscores.",
        ))
    }
}

pub struct UserInput {
    pub display_name: String,
    pub role: Role,
    pub organisation_id: String,
    pub team_ids: Vec<String>,
}

pub fn parse_user(
    display_name: &str,
    role: &str,
    organisation_id: &str,
    team_ids: &[String],
) -> Result<UserInput, Vec<Problem>> {
    let mut errors = Vec::new();
    let display_name = required_text(&mut errors, "display_name", display_name, 200);
    let role = Role::parse(role);
    if role.is_none() {
        errors.push(choose("role"));
    }
    if organisation_id.trim().is_empty() {
        errors.push(choose("organisation_id"));
    }
    let mut teams: Vec<String> = Vec::new();
    for t in team_ids {
        if !teams.contains(t) {
            teams.push(t.clone());
        }
    }
    match role {
        Some(role) if errors.is_empty() => Ok(UserInput {
            display_name,
            role,
            organisation_id: organisation_id.trim().into(),
            team_ids: teams,
        }),
        _ => Err(errors),
    }
}

/// Checks a new password against the policy, with the username and name as words a
/// guesser would try first. On a blocking thread: the guessability estimate takes up to
/// half a second for some long passwords, which must not stall other requests.
pub async fn check_password(
    field: &'static str,
    pw: &str,
    username: &str,
    display_name: &str,
) -> Result<(), Problem> {
    let (pw, username, display_name) =
        (pw.to_owned(), username.to_owned(), display_name.to_owned());
    tokio::task::spawn_blocking(move || {
        password::check(field, &pw, &[&username, &display_name]).map_err(Problem::from)
    })
    .await
    .unwrap_or_else(|e| {
        // Logged with an error id; the user may simply try again.
        let _ = AppError::internal(e);
        Err(Problem::new(
            field,
            "Het wachtwoord kon niet worden gecontroleerd; probeer het opnieuw.",
            "The password could not be checked; try again.",
        ))
    })
}

/// The fields of a new account, parsed and checked, with its password hashed and a
/// fresh, unconfirmed second factor: the user enrols at first login.
pub async fn parse_new_user(
    username: &str,
    display_name: &str,
    role: &str,
    organisation_id: &str,
    team_ids: &[String],
    password: &str,
) -> Result<NewUser, AppError> {
    let mut problems = Vec::new();
    let parsed_username = parse_username("username", username)
        .map_err(|p| problems.push(p))
        .ok();
    let input = parse_user(display_name, role, organisation_id, team_ids)
        .map_err(|e| problems.extend(e))
        .ok();
    if let Err(p) = check_password("password", password, username, display_name).await {
        problems.push(p);
    }
    let (Some(username), Some(input), true) = (parsed_username, input, problems.is_empty()) else {
        return Err(AppError::Invalid(problems));
    };
    let pw = password.to_owned();
    let password_hash = tokio::task::spawn_blocking(move || credentials::hash_password(&pw))
        .await
        .map_err(AppError::internal)?;
    Ok(NewUser {
        username,
        display_name: input.display_name,
        role: input.role,
        organisation_id: input.organisation_id,
        password_hash,
        totp_secret: credentials::new_totp_secret(),
        totp_confirmed: false,
        team_ids: input.team_ids,
    })
}

fn user_write_problem(e: eenplan_store::Error) -> AppError {
    match e {
        eenplan_store::Error::Duplicate => AppError::invalid(Problem::new(
            "username",
            "Deze gebruikersnaam bestaat al.",
            "This username already exists.",
        )),
        eenplan_store::Error::UnknownReference => AppError::invalid(Problem::new(
            "organisation_id",
            "Onbekende organisatie of team.",
            "Unknown organisation or team.",
        )),
        other => other.into(),
    }
}

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
        notice: q.opgeslagen.map(|_| "form.saved"),
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
    let new = match parse_new_user(
        &f.username,
        &f.display_name,
        &f.role,
        &f.organisation_id,
        &f.team_ids,
        &f.password,
    )
    .await
    {
        Ok(new) => new,
        Err(AppError::Invalid(errors)) => {
            return Ok(invalid_form(render(
                &user_form(&app, &ctx, lang, None, f, errors, None).await?,
            )));
        }
        Err(other) => return Err(other),
    };
    let mut tx = app.store.begin().await?;
    match users::create_user(&mut tx, &ctx.actor(), &new).await {
        Ok(_) => tx.commit().await?,
        Err(e) => {
            drop(tx);
            return match user_write_problem(e) {
                AppError::Invalid(errors) => Ok(invalid_form(render(
                    &user_form(&app, &ctx, lang, None, f, errors, None).await?,
                ))),
                other => Err(other),
            };
        }
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
    };
    let notice = q
        .mfa_reset
        .map(|_| "users.reset_mfa_done")
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
    let parsed =
        parse_user(&f.display_name, &f.role, &f.organisation_id, &f.team_ids).and_then(|i| {
            parse_version("version", &f.version)
                .map(|v| (i, v))
                .map_err(|p| vec![p])
        });
    let (input, version) = match parsed {
        Ok(x) => x,
        Err(errors) => {
            return Ok(invalid_form(render(
                &user_form(&app, &ctx, lang, Some(&id), f, errors, None).await?,
            )));
        }
    };
    let update = UserUpdate {
        display_name: input.display_name,
        role: input.role,
        organisation_id: input.organisation_id,
        active: f.active == "1",
        team_ids: input.team_ids,
    };
    let mut tx = app.store.begin().await?;
    match users::update_user(&mut tx, &ctx.actor(), &id, version, &update).await {
        Ok(()) => tx.commit().await?,
        Err(e) => {
            drop(tx);
            return match user_write_problem(e) {
                AppError::Invalid(errors) => Ok(invalid_form(render(
                    &user_form(&app, &ctx, lang, Some(&id), f, errors, None).await?,
                ))),
                other => Err(other),
            };
        }
    }
    Ok(Redirect::to(&format!("/beheer/gebruikers/{id}?opgeslagen=1")).into_response())
}

pub async fn reset_mfa(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<crate::pages::login::Empty>,
) -> Result<Response, AppError> {
    let mut tx = app.store.begin().await?;
    users::reset_mfa(&mut tx, &ctx.actor(), &id, &credentials::new_totp_secret()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/beheer/gebruikers/{id}?mfa_reset=1")).into_response())
}
