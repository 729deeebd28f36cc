//! Registration, the case page, the family around it, and the work lists. The parsing
//! of each input lives here once and serves both the pages and the JSON API; who may open
//! a case is asked of `eenplan_app::case_access`, which answers the grant every read takes.

use crate::AppState;
use crate::auth::{Auth, AuthContext};
use crate::error::{AppError, Problem};
use crate::extract::{CsrfForm, Path, Query};
use crate::i18n::{Lang, Tr};
use crate::pages::{Chrome, Fields, has_error, invalid_form, page, render, role_label};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use eenplan_app::case_access;
use eenplan_app::cases as app_cases;
use eenplan_app::registration::{self, Outcome, PARENT_ROWS, RegistrationFields, YOUTH_ROWS};
use eenplan_domain::case::{CloseReason, HelpKind};
use eenplan_domain::codes::CodeList;
use eenplan_domain::family::PersonKind;
use eenplan_domain::{Permission, Role, policy};
use eenplan_store::cases::{self, CaseSummary, Match};
use eenplan_store::grant::{Basis, CaseGrant};
use eenplan_store::{Store, codelists, plans};
use serde::Deserialize;

pub use eenplan_app::input::{
    choose, not_in_future, optional_bsn, optional_date, parse_reason, required_date, today,
};

// ------------------------------------------------------------------ parsing

// ------------------------------------------------------------------ registration page

#[derive(Template)]
#[template(path = "registration.html")]
pub struct RegistrationPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub f: Fields,
    pub municipalities: Vec<(String, String)>,
    pub channels: Vec<(String, String)>,
    pub problem_areas: Vec<(String, String)>,
    /// Likely duplicates per youth row.
    pub duplicates: Vec<(usize, Vec<Match>)>,
    pub youth_rows: Vec<usize>,
    pub parent_rows: Vec<usize>,
}

impl RegistrationPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
    pub fn field(&self, i: &usize, name: &str) -> String {
        format!("youths.{i}.{name}")
    }
    pub fn pfield(&self, i: &usize, name: &str) -> String {
        format!("parents.{i}.{name}")
    }
    pub fn yv(&self, i: &usize, name: &str) -> &str {
        self.f.get(&format!("youths.{i}.{name}"))
    }
    pub fn ye(&self, i: &usize, name: &str) -> bool {
        self.has_error(&format!("youths.{i}.{name}"))
    }
    pub fn pv(&self, i: &usize, name: &str) -> &str {
        self.f.get(&format!("parents.{i}.{name}"))
    }
    pub fn pe(&self, i: &usize, name: &str) -> bool {
        self.has_error(&format!("parents.{i}.{name}"))
    }
    /// A BSN match: can only be linked, not confirmed as a different child.
    pub fn certain(&self, i: &usize) -> bool {
        self.matches_for(i)
            .is_some_and(|m| m.iter().any(|m| m.same_bsn))
    }
    pub fn matches_for(&self, i: &usize) -> Option<&Vec<Match>> {
        self.duplicates.iter().find(|(r, _)| r == i).map(|(_, m)| m)
    }
}

async fn code_options(
    store: &Store,
    list: CodeList,
    lang: Lang,
) -> Result<Vec<(String, String)>, AppError> {
    Ok(codelists::items(store, list)
        .await?
        .into_iter()
        .map(|i| {
            let label = if lang == Lang::En {
                i.label_en
            } else {
                i.label_nl
            };
            (i.code, label)
        })
        .collect())
}

async fn registration_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    f: Fields,
    errors: Vec<Problem>,
    duplicates: Vec<(usize, Vec<Match>)>,
) -> Result<RegistrationPage, AppError> {
    Ok(RegistrationPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, "/aanmelden"),
        errors,
        f,
        municipalities: codelists::municipalities(&app.store)
            .await?
            .into_iter()
            .map(|m| (m.code, m.name))
            .collect(),
        channels: code_options(&app.store, CodeList::ReferralChannel, lang).await?,
        problem_areas: code_options(&app.store, CodeList::ProblemArea, lang).await?,
        duplicates,
        youth_rows: (0..YOUTH_ROWS).collect(),
        parent_rows: (0..PARENT_ROWS).collect(),
    })
}

pub async fn new_registration(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    let mut f = Fields::default();
    f.set("registered_on", today().to_string());
    // The municipality of the worker's (first) local team as the default.
    let code = cases::home_municipality(&app.store, &ctx.principal.user_id).await?;
    f.set("municipality_code", code.unwrap_or_default());
    page(&registration_page(&app, &ctx, lang, f, Vec::new(), Vec::new()).await?)
}

pub async fn create_registration(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let fields = RegistrationFields::from_form(&f);
    match registration::register(&app.store, &ctx.caller(), &fields).await {
        Ok(Outcome::Registered(done)) => Ok(Redirect::to(&format!(
            "/casussen/{}?aangemeld={}",
            done.case_id, done.outcome
        ))
        .into_response()),
        Ok(Outcome::Duplicates { problems, matches }) => Ok(invalid_form(render(
            &registration_page(&app, &ctx, lang, f, problems, matches).await?,
        ))),
        Err(eenplan_app::Error::Invalid(errors)) => Ok(invalid_form(render(
            &registration_page(&app, &ctx, lang, f, errors, Vec::new()).await?,
        ))),
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ the case page

pub struct Labelled {
    pub code: &'static str,
    pub label: &'static str,
}

/// The header shown on every page of a case: number, status, family, worker, team and
/// who holds regie.
pub struct CaseHeader {
    pub case: CaseSummary,
    pub status_label: &'static str,
    pub coordinator: String,
    /// Why the user sees the case (the page says so when it is not the team's own).
    pub basis: Basis,
    /// Whether the page offers changes to the family, its network and its plan.
    pub may_write: bool,
}

impl CaseHeader {
    pub fn new(grant: &CaseGrant, lang: Lang) -> CaseHeader {
        let case = grant.case().clone();
        let coordinator = match &case.coordinator_name {
            Some(n) => n.clone(),
            None => lang.pick("Het gezin zelf", "The family itself").to_owned(),
        };
        CaseHeader {
            status_label: lang.pick(case.status.label_nl(), case.status.label_en()),
            coordinator,
            basis: grant.basis(),
            may_write: grant.may_write(),
            case,
        }
    }
}

#[derive(Template)]
#[template(path = "case.html")]
pub struct CasePage {
    pub t: Tr,
    pub chrome: Chrome,
    pub h: CaseHeader,
    pub notice: Option<&'static str>,
    pub errors: Vec<Problem>,
    pub persons: Vec<PersonRow>,
    pub network: Vec<cases::NetworkMember>,
    pub registrations: Vec<RegistrationRow>,
    pub involvements: Vec<cases::Involvement>,
    pub timeline: Vec<TimelineRow>,
    pub plan: Option<plans::PlanVersion>,
    pub plan_state: plans::PlanState,
    pub close_reasons: Vec<Labelled>,
    pub help_kinds: Vec<Labelled>,
    pub help_kind: &'static str,
    pub help_label: &'static str,
    pub close_label: &'static str,
    pub candidates: Vec<(String, String)>,
    pub may_run: bool,
    pub may_coordinate: bool,
    pub today: String,
    /// (request id, youth, product, status) of the access requests.
    pub access_requests: Vec<(String, String, String, &'static str)>,
    /// (decision id, number, youth, product, period) of the decisions.
    pub decisions: Vec<(String, String, String, String, String)>,
    /// The consultation requests to the treatment team: (number, status, outcome, what
    /// the team did: kind, date, notes); the notes are shared with the case's team.
    #[allow(clippy::type_complexity)]
    pub consultations: Vec<(
        String,
        &'static str,
        &'static str,
        Vec<(&'static str, String, String)>,
    )>,
}

pub struct PersonRow {
    pub p: cases::Person,
    pub kind_label: &'static str,
    pub authority: &'static str,
}

pub struct RegistrationRow {
    pub r: cases::RegistrationRecord,
    pub channel: String,
    pub areas: String,
}

pub struct TimelineRow {
    pub on: String,
    pub what: &'static str,
    pub detail: String,
    pub by: String,
}

impl CasePage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

fn event_key(kind: &str) -> &'static str {
    match kind {
        "registered" => "case.ev.registered",
        "picked_up" => "case.ev.picked_up",
        "closed" => "case.ev.closed",
        "reopened" => "case.ev.reopened",
        "updated" => "case.ev.updated",
        "involvement_added" => "case.ev.involvement_added",
        "involvement_ended" => "case.ev.involvement_ended",
        "coordinator_changed" => "case.ev.coordinator_changed",
        "break_glass" => "case.ev.break_glass",
        "plan_saved" => "case.ev.plan_saved",
        "plan_agreed" => "case.ev.plan_agreed",
        "transferred" => "case.ev.transferred",
        "access_requested" => "case.ev.access_requested",
        "decision" => "case.ev.decision",
        "decision_changed" => "case.ev.decision_changed",
        "decision_ended" => "case.ev.decision_ended",
        "consultation_requested" => "case.ev.consultation_requested",
        _ => "case.ev.other",
    }
}

pub(crate) fn labels<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    nl: fn(T) -> &'static str,
    en: fn(T) -> &'static str,
    lang: Lang,
) -> Vec<Labelled> {
    all.iter()
        .map(|v| Labelled {
            code: code(*v),
            label: lang.pick(nl(*v), en(*v)),
        })
        .collect()
}

/// Users who may be involved in a case or coordinate it: active professionals of the
/// roles that work on cases.
pub async fn professionals(store: &Store, lang: Lang) -> Result<Vec<(String, String)>, AppError> {
    Ok(cases::active_users(store)
        .await?
        .into_iter()
        .filter_map(|(id, name, role, org)| {
            let role = Role::parse(&role).filter(|r| policy::allows(*r, Permission::ViewCases))?;
            Some((id, format!("{name} ({}, {org})", role_label(role, lang))))
        })
        .collect())
}

async fn case_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    grant: &CaseGrant,
    notice: Option<&'static str>,
    errors: Vec<Problem>,
) -> Result<CasePage, AppError> {
    let store = &app.store;
    let case = grant.case();
    let t = Tr(lang);
    let channels = codelists::items(store, CodeList::ReferralChannel).await?;
    let areas = codelists::items(store, CodeList::ProblemArea).await?;
    let label_of = |items: &[codelists::CodeItem], code: &str| {
        items
            .iter()
            .find(|i| i.code == code)
            .map(|i| {
                if lang == Lang::En {
                    i.label_en.clone()
                } else {
                    i.label_nl.clone()
                }
            })
            .unwrap_or_else(|| code.to_owned())
    };
    let persons = cases::persons(store, grant)
        .await?
        .into_iter()
        .map(|p| PersonRow {
            kind_label: lang.pick(p.kind.label_nl(), p.kind.label_en()),
            authority: match p.has_authority {
                Some(true) => t.get("person.authority_yes"),
                Some(false) => t.get("person.authority_no"),
                None => "",
            },
            p,
        })
        .collect();
    let registrations = cases::registrations(store, grant)
        .await?
        .into_iter()
        .map(|r| RegistrationRow {
            channel: r
                .referral_channel
                .as_deref()
                .map(|c| label_of(&channels, c))
                .unwrap_or_else(|| t.get("case.unknown").into()),
            areas: r
                .problem_areas
                .iter()
                .map(|a| label_of(&areas, a))
                .collect::<Vec<_>>()
                .join("; "),
            r,
        })
        .collect();
    let timeline = cases::timeline(store, grant)
        .await?
        .into_iter()
        .map(|e| TimelineRow {
            on: e.on_date.format("%d-%m-%Y").to_string(),
            what: t.get(event_key(&e.kind)),
            detail: match e.kind.as_str() {
                "closed" => CloseReason::parse(&e.detail)
                    .map(|r| lang.pick(r.label_nl(), r.label_en()).to_owned())
                    .unwrap_or(e.detail),
                _ => e.detail,
            },
            by: e.user_name.unwrap_or_default(),
        })
        .collect();
    let plan_state = plans::state(store, grant).await?;
    let plan = if plan_state.current_version > 0 {
        Some(plans::version(store, grant, plan_state.current_version).await?)
    } else {
        None
    };
    let may_coordinate = grant.may_coordinate();
    let candidates = if may_coordinate {
        professionals(store, lang).await?
    } else {
        Vec::new()
    };
    Ok(CasePage {
        t,
        chrome: Chrome::for_user(
            ctx,
            lang,
            app.config.demo_mode,
            &format!("/casussen/{}", case.id),
        ),
        notice,
        errors,
        persons,
        network: cases::network(store, grant).await?,
        registrations,
        involvements: cases::involvements(store, grant).await?,
        timeline,
        plan,
        plan_state,
        close_reasons: labels(
            CloseReason::ALL,
            CloseReason::as_str,
            CloseReason::label_nl,
            CloseReason::label_en,
            lang,
        ),
        help_kinds: labels(
            HelpKind::ALL,
            HelpKind::as_str,
            HelpKind::label_nl,
            HelpKind::label_en,
            lang,
        ),
        help_kind: case.help_kind.map_or("", HelpKind::as_str),
        help_label: case
            .help_kind
            .map_or("", |h| lang.pick(h.label_nl(), h.label_en())),
        close_label: case
            .close_reason
            .map_or("", |r| lang.pick(r.label_nl(), r.label_en())),
        candidates,
        may_run: grant.may_run(),
        may_coordinate,
        today: today().to_string(),
        // The case page lists requests and decisions only for those who see them in full.
        access_requests: if eenplan_app::access::sees_access_object(&ctx.caller(), grant) {
            eenplan_store::access::requests_of_case(store, grant).await?
        } else {
            Vec::new()
        }
        .into_iter()
        .map(|r| {
            let status = lang.pick(r.status.label_nl(), r.status.label_en());
            (
                r.id,
                r.youth_name,
                format!("{} {}", r.product_code, r.product_name),
                status,
            )
        })
        .collect(),
        decisions: if eenplan_app::access::sees_access_object(&ctx.caller(), grant) {
            eenplan_store::access::decisions_of_case(store, grant).await?
        } else {
            Vec::new()
        }
        .into_iter()
        .map(|d| {
            let period = format!(
                "{} – {}",
                d.start_on.format("%d-%m-%Y"),
                d.last_day().format("%d-%m-%Y")
            );
            (
                d.id,
                d.number,
                d.youth_name,
                format!("{} {}", d.product_code, d.product_name),
                period,
            )
        })
        .collect(),
        consultations: {
            let mut out = Vec::new();
            for c in eenplan_app::treatment_team::case_consultations(store, grant).await? {
                let work = c
                    .activities
                    .into_iter()
                    .map(|a| {
                        (
                            lang.pick(a.kind.label_nl(), a.kind.label_en()),
                            a.on_date.format("%d-%m-%Y").to_string(),
                            a.notes,
                        )
                    })
                    .collect();
                out.push((
                    c.number,
                    lang.pick(c.status.label_nl(), c.status.label_en()),
                    c.outcome
                        .map_or("", |o| lang.pick(o.label_nl(), o.label_en())),
                    work,
                ));
            }
            out
        },
        h: CaseHeader::new(grant, lang),
    })
}

#[derive(Template)]
#[template(path = "case_locked.html")]
pub struct CaseLockedPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub case_id: String,
    pub may_break_glass: bool,
    pub errors: Vec<Problem>,
}

impl CaseLockedPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

#[derive(Deserialize, Default)]
pub struct CaseQuery {
    #[serde(default)]
    pub aangemeld: String,
}

pub async fn show_case(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    Query(q): Query<CaseQuery>,
) -> Result<Response, AppError> {
    match case_access::open_or_locked(&app.store, &ctx.caller(), &id).await? {
        Ok(grant) => {
            case_access::record_read(&app.store, &ctx.caller(), &grant, "read").await?;
            let notice = match q.aangemeld.as_str() {
                "new" => Some("case.notice_new"),
                "reopened" => Some("case.notice_reopened"),
                "added" => Some("case.notice_added"),
                _ => None,
            };
            Ok(
                render(&case_page(&app, &ctx, lang, &grant, notice, Vec::new()).await?)
                    .into_response(),
            )
        }
        Err(_) => Ok(locked(&app, &ctx, lang, &id, Vec::new())),
    }
}

/// The 403 page of a case, offering to break the glass to roles that may.
fn locked(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    id: &str,
    errors: Vec<Problem>,
) -> Response {
    let page = CaseLockedPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, &format!("/casussen/{id}")),
        case_id: id.to_owned(),
        may_break_glass: policy::allows(ctx.principal.role, Permission::BreakGlass),
        errors,
    };
    (axum::http::StatusCode::FORBIDDEN, render(&page)).into_response()
}

pub async fn break_glass(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let b = app_cases::BreakGlass {
        reason: f.get("reason").into(),
    };
    match app_cases::break_glass(&app.store, &ctx.caller(), &id, &b).await {
        Ok(()) => Ok(Redirect::to(&format!("/casussen/{id}")).into_response()),
        Err(eenplan_app::Error::Invalid(errors)) => {
            // The case must exist; the refusal page is shown again with the problem.
            let _refused = case_access::open_or_locked(&app.store, &ctx.caller(), &id).await?;
            let mut page = locked(&app, &ctx, lang, &id, errors);
            *page.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(page)
        }
        Err(e) => Err(e.into()),
    }
}

/// Re-renders the case page with problems (422), or redirects back to it.
async fn back_to_case(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    id: &str,
    result: eenplan_app::Result<()>,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/casussen/{id}")).into_response()),
        Err(eenplan_app::Error::Invalid(errors)) => {
            let grant = case_access::open(&app.store, &ctx.caller(), id).await?;
            case_access::record_read(&app.store, &ctx.caller(), &grant, "read").await?;
            Ok(invalid_form(render(
                &case_page(app, ctx, lang, &grant, None, errors).await?,
            )))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn transition(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path((id, step)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let step = match step.as_str() {
        "oppakken" => "pick_up",
        "afsluiten" => "close",
        "heropenen" => "reopen",
        _ => return Err(AppError::NotFound),
    };
    let t = app_cases::Transition::from_form(step, &f);
    let result = app_cases::transition(&app.store, &ctx.caller(), &id, &t)
        .await
        .map(drop);
    back_to_case(&app, &ctx, lang, &id, result).await
}

pub async fn update_help(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let c = app_cases::UpdateCase::from_form(&f);
    let result = app_cases::update_case(&app.store, &ctx.caller(), &id, &c)
        .await
        .map(drop);
    back_to_case(&app, &ctx, lang, &id, result).await
}

pub async fn add_involvement(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let i = app_cases::Involve::from_form(&f);
    let result = app_cases::add_involvement(&app.store, &ctx.caller(), &id, &i)
        .await
        .map_err(|e| match e {
            // The case page holds more than one form: this one's inputs carry a prefix.
            eenplan_app::Error::Invalid(problems) => eenplan_app::Error::Invalid(
                problems
                    .into_iter()
                    .map(|mut p| {
                        p.field = format!("involvement_{}", p.field.trim_end_matches("_id"));
                        p
                    })
                    .collect(),
            ),
            other => other,
        });
    back_to_case(&app, &ctx, lang, &id, result).await
}

pub async fn end_involvement(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path((id, user_id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    app_cases::end_involvement(&app.store, &ctx.caller(), &id, &user_id).await?;
    Ok(Redirect::to(&format!("/casussen/{id}")).into_response())
}

// ------------------------------------------------------------------ people and network

#[derive(Template)]
#[template(path = "person_form.html")]
pub struct PersonForm {
    pub t: Tr,
    pub chrome: Chrome,
    pub h: CaseHeader,
    pub action: String,
    pub title: &'static str,
    pub youth: bool,
    pub errors: Vec<Problem>,
    pub f: Fields,
    pub municipalities: Vec<(String, String)>,
}

impl PersonForm {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

#[derive(Deserialize, Default)]
pub struct KindQuery {
    #[serde(default)]
    pub soort: String,
}

#[allow(clippy::too_many_arguments)]
async fn person_form(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    grant: &CaseGrant,
    person_id: Option<&str>,
    youth: bool,
    f: Fields,
    errors: Vec<Problem>,
) -> Result<PersonForm, AppError> {
    let case = grant.case();
    let action = match person_id {
        Some(p) => format!("/casussen/{}/personen/{p}", case.id),
        None => format!(
            "/casussen/{}/personen/nieuw?soort={}",
            case.id,
            if youth { "jeugdige" } else { "ouder" }
        ),
    };
    Ok(PersonForm {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, &action),
        action,
        title: match (person_id.is_some(), youth) {
            (false, true) => "person.title_new_youth",
            (false, false) => "person.title_new_parent",
            (true, _) => "person.title_edit",
        },
        youth,
        errors,
        f,
        municipalities: codelists::municipalities(&app.store)
            .await?
            .into_iter()
            .map(|m| (m.code, m.name))
            .collect(),
        h: CaseHeader::new(grant, lang),
    })
}

fn person_fields(p: &cases::Person) -> Fields {
    let mut f = Fields::default();
    f.set("name", p.name.clone());
    f.set(
        "birth_date",
        p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
    );
    f.set("bsn", p.bsn.clone().unwrap_or_default());
    f.set(
        "municipality_code",
        p.municipality_code.clone().unwrap_or_default(),
    );
    if p.has_authority == Some(true) {
        f.set("has_authority", "1");
    }
    f.set("phone", p.phone.clone().unwrap_or_default());
    f.set("version", p.version.to_string());
    f
}

pub async fn new_person(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    Query(q): Query<KindQuery>,
) -> Result<Html<String>, AppError> {
    let grant = case_access::write(&app.store, &ctx.caller(), &id).await?;
    let case = grant.case().clone();
    case_access::record_read(&app.store, &ctx.caller(), &grant, "person_form").await?;
    let youth = q.soort == "jeugdige";
    let mut f = Fields::default();
    f.set("municipality_code", case.municipality_code.clone());
    page(&person_form(&app, &ctx, lang, &grant, None, youth, f, Vec::new()).await?)
}

pub async fn create_person(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    Query(q): Query<KindQuery>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let youth = q.soort == "jeugdige";
    let kind = if youth {
        PersonKind::Youth
    } else {
        PersonKind::Parent
    };
    let details = app_cases::PersonDetails::from_form(kind, &f);
    match app_cases::add_person(&app.store, &ctx.caller(), &id, &details).await {
        Ok(_) => Ok(Redirect::to(&format!("/casussen/{id}#gezin")).into_response()),
        Err(eenplan_app::Error::Invalid(errors)) => {
            let grant = case_access::write(&app.store, &ctx.caller(), &id).await?;
            Ok(invalid_form(render(
                &person_form(&app, &ctx, lang, &grant, None, youth, f, errors).await?,
            )))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_person(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path((id, person_id)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let grant = case_access::write(&app.store, &ctx.caller(), &id).await?;
    let p = app_cases::family_person(&app.store, &grant, &person_id).await?;
    case_access::record_read(&app.store, &ctx.caller(), &grant, "person_read").await?;
    let youth = p.kind == PersonKind::Youth;
    page(
        &person_form(
            &app,
            &ctx,
            lang,
            &grant,
            Some(&person_id),
            youth,
            person_fields(&p),
            Vec::new(),
        )
        .await?,
    )
}

pub async fn update_person(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path((id, person_id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let grant = case_access::write(&app.store, &ctx.caller(), &id).await?;
    let p = app_cases::family_person(&app.store, &grant, &person_id).await?;
    let details = app_cases::PersonDetails::from_form(p.kind, &f);
    match app_cases::update_person(&app.store, &ctx.caller(), &id, &person_id, &details).await {
        Ok(()) => Ok(Redirect::to(&format!("/casussen/{id}#gezin")).into_response()),
        Err(eenplan_app::Error::Invalid(errors)) => {
            let youth = p.kind == PersonKind::Youth;
            Ok(invalid_form(render(
                &person_form(&app, &ctx, lang, &grant, Some(&person_id), youth, f, errors).await?,
            )))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "network_form.html")]
pub struct NetworkForm {
    pub t: Tr,
    pub chrome: Chrome,
    pub h: CaseHeader,
    pub action: String,
    pub errors: Vec<Problem>,
    pub f: Fields,
}

impl NetworkForm {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

#[allow(clippy::too_many_arguments)]
fn network_form(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    grant: &CaseGrant,
    member_id: Option<&str>,
    f: Fields,
    errors: Vec<Problem>,
) -> NetworkForm {
    let case = grant.case();
    let action = match member_id {
        Some(m) => format!("/casussen/{}/netwerk/{m}", case.id),
        None => format!("/casussen/{}/netwerk/nieuw", case.id),
    };
    NetworkForm {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, &action),
        action,
        errors,
        f,
        h: CaseHeader::new(grant, lang),
    }
}

pub async fn new_network_member(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let grant = case_access::write(&app.store, &ctx.caller(), &id).await?;
    case_access::record_read(&app.store, &ctx.caller(), &grant, "network_form").await?;
    page(&network_form(
        &app,
        &ctx,
        lang,
        &grant,
        None,
        Fields::default(),
        Vec::new(),
    ))
}

pub async fn create_network_member(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let details = app_cases::NetworkDetails::from_form(&f);
    match app_cases::add_network_member(&app.store, &ctx.caller(), &id, &details).await {
        Ok(_) => Ok(Redirect::to(&format!("/casussen/{id}#netwerk")).into_response()),
        Err(eenplan_app::Error::Invalid(errors)) => {
            let grant = case_access::write(&app.store, &ctx.caller(), &id).await?;
            Ok(invalid_form(render(&network_form(
                &app, &ctx, lang, &grant, None, f, errors,
            ))))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_network_member(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path((id, member_id)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let grant = case_access::write(&app.store, &ctx.caller(), &id).await?;
    let m = app_cases::family_member(&app.store, &grant, &member_id).await?;
    case_access::record_read(&app.store, &ctx.caller(), &grant, "network_read").await?;
    let mut f = Fields::default();
    f.set("name", m.name);
    f.set("relation", m.relation);
    f.set("contact", m.contact);
    f.set("contribution", m.contribution);
    f.set("version", m.version.to_string());
    page(&network_form(
        &app,
        &ctx,
        lang,
        &grant,
        Some(&member_id),
        f,
        Vec::new(),
    ))
}

pub async fn update_network_member(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path((id, member_id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let details = app_cases::NetworkDetails::from_form(&f);
    match app_cases::update_network_member(&app.store, &ctx.caller(), &id, &member_id, &details)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/casussen/{id}#netwerk")).into_response()),
        Err(eenplan_app::Error::Invalid(errors)) => {
            let grant = case_access::write(&app.store, &ctx.caller(), &id).await?;
            Ok(invalid_form(render(&network_form(
                &app,
                &ctx,
                lang,
                &grant,
                Some(&member_id),
                f,
                errors,
            ))))
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ work lists

#[derive(Template)]
#[template(path = "caseload.html")]
pub struct CaseloadPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub rows: Vec<CaseloadView>,
    pub overdue: usize,
    pub not_agreed: usize,
}

pub struct CaseloadView {
    pub r: cases::CaseloadRow,
    pub status: &'static str,
    pub due: String,
    pub overdue: bool,
}

pub async fn caseload(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    let today = today();
    let rows: Vec<CaseloadView> = cases::caseload(&app.store, &ctx.principal.user_id)
        .await?
        .into_iter()
        .map(|r| CaseloadView {
            status: lang.pick(r.status.label_nl(), r.status.label_en()),
            due: r
                .next_action_due
                .map(|d| d.format("%d-%m-%Y").to_string())
                .unwrap_or_default(),
            overdue: r.next_action_due.is_some_and(|d| d < today),
            r,
        })
        .collect();
    case_access::record_list(
        &app.store,
        &ctx.caller(),
        "caseload.read",
        rows.iter().map(|r| r.r.id.clone()),
    )
    .await?;
    page(&CaseloadPage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/casussen"),
        overdue: rows.iter().filter(|r| r.overdue).count(),
        not_agreed: rows.iter().filter(|r| !r.r.plan_agreed).count(),
        rows,
    })
}

/// A list of cases names families: audited as a read of the listed cases.
#[derive(Template)]
#[template(path = "waiting.html")]
pub struct WaitingPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub rows: Vec<(cases::WaitingRow, i64)>,
}

pub async fn waiting(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    let today = today();
    let rows: Vec<_> = cases::waiting(&app.store, &ctx.principal.user_id)
        .await?
        .into_iter()
        .map(|r| {
            let days = (today - r.registered_on).num_days();
            (r, days)
        })
        .collect();
    case_access::record_list(
        &app.store,
        &ctx.caller(),
        "waiting.read",
        rows.iter().map(|(r, _)| r.id.clone()),
    )
    .await?;
    page(&WaitingPage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/team/aanmeldingen"),
        rows,
    })
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub q: app_cases::SearchParams,
    pub errors: Vec<Problem>,
    pub searched: bool,
    pub hits: Vec<(cases::SearchHit, &'static str, String)>,
    pub limit: i64,
}

impl SearchPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

pub async fn search(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Query(q): Query<app_cases::SearchParams>,
) -> Result<Response, AppError> {
    let mut errors = Vec::new();
    let mut hits = Vec::new();
    let searched =
        !(q.naam.trim().is_empty() && q.bsn.trim().is_empty() && q.geboortedatum.trim().is_empty());
    if searched {
        match app_cases::parse_search(&q.naam, &q.bsn, &q.geboortedatum) {
            Ok(query) => {
                hits = cases::search(&app.store, &ctx.actor(), &ctx.principal.user_id, &query)
                    .await?
                    .into_iter()
                    .map(|h| {
                        let s = lang.pick(h.status.label_nl(), h.status.label_en());
                        let born = h
                            .birth_date
                            .map(|d| d.format("%d-%m-%Y").to_string())
                            .unwrap_or_default();
                        (h, s, born)
                    })
                    .collect();
            }
            Err(e) => errors = e,
        }
    }
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = SearchPage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/zoeken"),
        q,
        errors,
        searched,
        hits,
        limit: cases::SEARCH_LIMIT,
    };
    Ok((status, render(&page)).into_response())
}

// ------------------------------------------------------------------ supervision

#[derive(Template)]
#[template(path = "break_glass_review.html")]
pub struct BreakGlassPage {
    pub t: Tr,
    pub chrome: Chrome,
    /// Each access with its local time.
    pub rows: Vec<(cases::BreakGlassAccess, String)>,
}

pub async fn break_glass_review(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    let rows = case_access::break_glass_accesses(&app.store, &ctx.caller())
        .await?
        .into_iter()
        .map(|r| {
            let at = crate::pages::local_time(&r.at);
            (r, at)
        })
        .collect();
    page(&BreakGlassPage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/team/doorbraken"),
        rows,
    })
}

pub async fn mark_reviewed(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let mut tx = app.store.begin().await?;
    cases::review_break_glass(&mut tx, &ctx.actor(), &ctx.principal.user_id, &id).await?;
    tx.commit().await?;
    Ok(Redirect::to("/team/doorbraken").into_response())
}

#[derive(Template)]
#[template(path = "transfer.html")]
pub struct TransferPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub f: Fields,
    pub teams: Vec<TeamOption>,
    pub moved: Option<u64>,
}

/// A team and its workers, for the transfer form.
pub struct TeamOption {
    pub id: String,
    pub name: String,
    pub members: Vec<(String, String)>,
}

impl TransferPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

async fn transfer_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    f: Fields,
    errors: Vec<Problem>,
    moved: Option<u64>,
) -> Result<TransferPage, AppError> {
    let mut teams = Vec::new();
    for (id, name) in cases::teams_of(&app.store, &ctx.principal.user_id).await? {
        let members = cases::team_members(&app.store, &id)
            .await?
            .into_iter()
            .filter(|(_, _, role)| {
                Role::parse(role).is_some_and(|r| policy::allows(r, Permission::RegisterCases))
            })
            .map(|(id, name, _)| (id, name))
            .collect();
        teams.push(TeamOption { id, name, members });
    }
    Ok(TransferPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, "/team/overdragen"),
        errors,
        f,
        teams,
        moved,
    })
}

#[derive(Deserialize, Default)]
pub struct TransferQuery {
    #[serde(default)]
    pub verplaatst: Option<u64>,
}

pub async fn show_transfer(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Query(q): Query<TransferQuery>,
) -> Result<Html<String>, AppError> {
    page(
        &transfer_page(
            &app,
            &ctx,
            lang,
            Fields::default(),
            Vec::new(),
            q.verplaatst,
        )
        .await?,
    )
}

pub async fn transfer(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let t = app_cases::TransferCaseload::from_form(&f);
    match app_cases::transfer_caseload(&app.store, &ctx.caller(), &t).await {
        Ok(n) => Ok(Redirect::to(&format!("/team/overdragen?verplaatst={n}")).into_response()),
        Err(eenplan_app::Error::Invalid(errors)) => Ok(invalid_form(render(
            &transfer_page(&app, &ctx, lang, f, errors, None).await?,
        ))),
        Err(e) => Err(e.into()),
    }
}
