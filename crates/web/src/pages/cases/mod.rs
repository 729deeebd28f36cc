//! The case page, and (in the modules below) registration, the family around it, the
//! work lists and supervision. The use cases and their parsing are `eenplan_app`'s
//! (`registration`, `cases`); who may open a case is asked of `eenplan_app::case_access`,
//! which answers the grant every read takes.

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
use eenplan_app::registration::{
    self as app_registration, Outcome, PARENT_ROWS, RegistrationFields, YOUTH_ROWS,
};
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

mod family;
mod registration;
mod supervision;
mod work_lists;
pub use family::*;
pub use registration::*;
pub use supervision::*;
pub use work_lists::*;

// ------------------------------------------------------------------ parsing

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
    pub access_requests: Vec<AccessRequestLine>,
    pub decisions: Vec<DecisionLine>,
    /// The consultation requests to the treatment team; what the team did is shared
    /// with the case's team.
    pub consultations: Vec<ConsultationLine>,
}

/// An access request of the case, as the case page lists it.
pub struct AccessRequestLine {
    pub id: String,
    pub youth: String,
    pub product: String,
    pub status: &'static str,
}

/// A decision of the case, as the case page lists it.
pub struct DecisionLine {
    pub id: String,
    pub number: String,
    pub youth: String,
    pub product: String,
    pub period: String,
}

/// A consultation request of the case and what the treatment team did.
pub struct ConsultationLine {
    pub number: String,
    pub status: &'static str,
    pub outcome: &'static str,
    pub work: Vec<ConsultationWork>,
}

pub struct ConsultationWork {
    pub kind: &'static str,
    pub on: String,
    pub notes: String,
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
        .map(|r| AccessRequestLine {
            status: lang.pick(r.status.label_nl(), r.status.label_en()),
            product: format!("{} {}", r.product_code, r.product_name),
            id: r.id,
            youth: r.youth_name,
        })
        .collect(),
        decisions: if eenplan_app::access::sees_access_object(&ctx.caller(), grant) {
            eenplan_store::access::decisions_of_case(store, grant).await?
        } else {
            Vec::new()
        }
        .into_iter()
        .map(|d| DecisionLine {
            period: format!(
                "{} – {}",
                d.start_on.format("%d-%m-%Y"),
                d.last_day().format("%d-%m-%Y")
            ),
            product: format!("{} {}", d.product_code, d.product_name),
            id: d.id,
            number: d.number,
            youth: d.youth_name,
        })
        .collect(),
        consultations: {
            let mut out = Vec::new();
            for c in eenplan_app::treatment_team::case_consultations(store, grant).await? {
                let work = c
                    .activities
                    .into_iter()
                    .map(|a| ConsultationWork {
                        kind: lang.pick(a.kind.label_nl(), a.kind.label_en()),
                        on: a.on_date.format("%d-%m-%Y").to_string(),
                        notes: a.notes,
                    })
                    .collect();
                out.push(ConsultationLine {
                    status: lang.pick(c.status.label_nl(), c.status.label_en()),
                    outcome: c
                        .outcome
                        .map_or("", |o| lang.pick(o.label_nl(), o.label_en())),
                    number: c.number,
                    work,
                });
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
        // The case page holds more than one form: this one's inputs carry a prefix.
        .map_err(|e| e.form_names(|n| Some(format!("involvement_{}", n.trim_end_matches("_id")))));
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
