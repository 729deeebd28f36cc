//! Pages of result-oriented access (domain brief, sections 3.2 and 3.3): the access
//! request with support plan parts 1 and 2, the four-eyes review, the decision and its
//! letter, evaluations and the work lists of due evaluations, and the provider's view.
//!
//! Access: a request, decision or evaluation is opened through its case
//! (`case_access::open` to read, `case_access::run` to write: the holding team), except in the provider's
//! view, which shows only what is addressed to the user's own organisation.

use super::cases::{Labelled, choose, labels, not_in_future, optional_date, required_date, today};
use super::{
    Chrome, Fields, answer_form, form_page, has_error, invalid_form, optional_text, page,
    parse_version, render,
};
use crate::AppState;
use crate::auth::{Auth, AuthContext};
use crate::error::{AppError, Problem};
use crate::extract::{CsrfForm, Path, Query};
use crate::i18n::{Lang, Tr};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use eenplan_app::case_access;
use eenplan_domain::Role;
use eenplan_domain::access::{
    EndReason, EvaluationOutcome, Frequency, Funding, ReferrerType, RequestStatus, RequestStep,
    ResultScore, Unit, format_euros_nl, parse_euros,
};
use eenplan_domain::{AgbCode, Permission, policy};
use eenplan_store::access::{
    self as store_access, AccessRequest, Decision, DecisionChange, EffortInput, RequestInput,
    ResultInput,
};
use eenplan_store::audit::{self, Action, Event};
use eenplan_store::grant::{Basis, CaseGrant};
use eenplan_store::monitoring::{self, EvaluationInput, Scope};
use eenplan_store::{catalogue, plans};

fn conn_err(e: sqlx::Error) -> AppError {
    eenplan_store::Error::from(e).into()
}

async fn load_request(app: &AppState, id: &str) -> Result<AccessRequest, AppError> {
    let mut conn = app.store.pool().acquire().await.map_err(conn_err)?;
    Ok(store_access::request(&mut conn, id).await?)
}

async fn load_decision(app: &AppState, id: &str) -> Result<Decision, AppError> {
    let mut conn = app.store.pool().acquire().await.map_err(conn_err)?;
    Ok(store_access::decision(&mut conn, id).await?)
}

/// Whether a user who may open the case sees its requests and decisions: the holding team
/// and the CJG's professionals do; a provider's staff only what is addressed to their own
/// organisation; anyone else involved in the case (a treatment-team member, a chain
/// partner) does not.
pub fn sees_access_object(ctx: &AuthContext, grant: &CaseGrant, provider_id: Option<&str>) -> bool {
    grant.may_run()
        || match ctx.principal.role {
            Role::FamilyWorker | Role::Reviewer => true,
            Role::ProviderStaff => provider_id == Some(ctx.principal.organisation_id.as_str()),
            _ => false,
        }
}

/// Opens a request, decision, letter or evaluation through its case: 403 (audited) for
/// whoever may not see it (see [`sees_access_object`]); the read is audited with the
/// family's clients, flagged when the glass was broken.
async fn open_access_object(
    app: &AppState,
    ctx: &AuthContext,
    case_id: &str,
    provider_id: Option<&str>,
    family_id: &str,
    what: &str,
    object: (&str, &str),
) -> Result<CaseGrant, AppError> {
    let grant = case_access::open(&app.store, &ctx.caller(), case_id).await?;
    if !sees_access_object(ctx, &grant, provider_id) {
        eenplan_store::cases::record_refusal(&app.store, &ctx.actor(), case_id).await?;
        return Err(AppError::Forbidden);
    }
    store_access::record_read(
        &app.store,
        &ctx.actor(),
        family_id,
        what,
        object,
        grant.basis() == Basis::BreakGlass,
    )
    .await?;
    Ok(grant)
}

/// A request opened through its case (see [`open_access_object`]).
pub async fn open_request(
    app: &AppState,
    ctx: &AuthContext,
    id: &str,
) -> Result<AccessRequest, AppError> {
    let r = load_request(app, id).await?;
    open_access_object(
        app,
        ctx,
        &r.case_id,
        r.provider_id.as_deref(),
        &r.family_id,
        "access.request.read",
        ("access_request", id),
    )
    .await?;
    Ok(r)
}

/// A decision opened through its case (see [`open_access_object`]).
pub async fn open_decision(
    app: &AppState,
    ctx: &AuthContext,
    id: &str,
) -> Result<Decision, AppError> {
    let d = load_decision(app, id).await?;
    open_access_object(
        app,
        ctx,
        &d.case_id,
        d.provider_id.as_deref(),
        &d.family_id,
        "decision.read",
        ("decision", id),
    )
    .await?;
    Ok(d)
}

/// Whether a request has been sent on to its provider (a draft or a request withdrawn
/// before that is the CJG's alone).
fn reached_provider(status: RequestStatus) -> bool {
    !matches!(status, RequestStatus::Draft | RequestStatus::Withdrawn)
}

/// Refuses (403, audited) what is not addressed to the provider user's organisation.
pub async fn own_provider(
    app: &AppState,
    ctx: &AuthContext,
    provider_id: Option<&str>,
    object: (&str, &str),
) -> Result<(), AppError> {
    if provider_id == Some(ctx.principal.organisation_id.as_str()) {
        return Ok(());
    }
    Err(super::refuse(app, ctx, "provider.refused", object).await)
}

pub fn euros(cents: i64) -> String {
    format_euros_nl(cents)
}

/// A unit after a count, as people say it: "2 uur", "30 minuten", "1 etmaal".
fn unit_count(unit: Unit, n: i64, lang: Lang) -> &'static str {
    let one = n == 1;
    match (unit, lang) {
        (Unit::Minute, Lang::Nl) => {
            if one {
                "minuut"
            } else {
                "minuten"
            }
        }
        (Unit::Hour, Lang::Nl) => "uur",
        (Unit::Etmaal, Lang::Nl) => {
            if one {
                "etmaal"
            } else {
                "etmalen"
            }
        }
        (Unit::Dagdeel, Lang::Nl) => {
            if one {
                "dagdeel"
            } else {
                "dagdelen"
            }
        }
        (Unit::PiecesOutput | Unit::PiecesEffort, Lang::Nl) => "stuks",
        (Unit::Euros, Lang::Nl) => "euro",
        (Unit::Minute, Lang::En) => {
            if one {
                "minute"
            } else {
                "minutes"
            }
        }
        (Unit::Hour, Lang::En) => {
            if one {
                "hour"
            } else {
                "hours"
            }
        }
        (Unit::Etmaal, Lang::En) => {
            if one {
                "day and night"
            } else {
                "days and nights"
            }
        }
        (Unit::Dagdeel, Lang::En) => {
            if one {
                "day part"
            } else {
                "day parts"
            }
        }
        (Unit::PiecesOutput | Unit::PiecesEffort, Lang::En) => {
            if one {
                "piece"
            } else {
                "pieces"
            }
        }
        (Unit::Euros, Lang::En) => "euros",
    }
}

pub fn units_text(x100: i64) -> String {
    if x100 % 100 == 0 {
        (x100 / 100).to_string()
    } else {
        format!("{},{:02}", x100 / 100, x100 % 100)
    }
}

fn d(date: NaiveDate) -> String {
    date.format("%d-%m-%Y").to_string()
}

fn od(date: Option<NaiveDate>) -> String {
    date.map(d).unwrap_or_default()
}

// ------------------------------------------------------------------ parsing

/// At most this many results per request (a request is about one youth's care).
pub const MAX_RESULTS: usize = 5;

fn parse_int(errors: &mut Vec<Problem>, field: &str, s: &str, max: i64) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match s.parse::<i64>() {
        Ok(v) if (1..=max).contains(&v) => Some(v),
        _ => {
            errors.push(Problem::new(
                field,
                &format!("Vul een heel getal van 1 tot {max} in."),
                &format!("Enter a whole number from 1 to {max}."),
            ));
            None
        }
    }
}

fn parse_code<T>(
    errors: &mut Vec<Problem>,
    field: &str,
    s: &str,
    p: fn(&str) -> Option<T>,
) -> Option<T> {
    if s.trim().is_empty() {
        return None;
    }
    let v = p(s.trim());
    if v.is_none() {
        errors.push(choose(field));
    }
    v
}

/// Part 2 as typed: every field optional, each checked on its own; the completeness
/// rules are the store's (a draft may be incomplete).
pub fn parse_effort(f: &Fields, errors: &mut Vec<Problem>) -> EffortInput {
    let volume = parse_int(
        errors,
        "volume",
        f.get("volume"),
        eenplan_domain::access::MAX_VOLUME,
    );
    let unit = parse_code(errors, "unit", f.get("unit"), Unit::parse);
    if volume.is_some() && unit.is_none() && !has_error(errors, "unit") {
        errors.push(Problem::new(
            "unit",
            "Een volume heeft een eenheid; kies de eenheid.",
            "A volume needs a unit; choose the unit.",
        ));
    }
    let frequency = parse_code(errors, "frequency", f.get("frequency"), Frequency::parse);
    let start_on = optional_date(errors, "start_on", f.get("start_on"));
    let end_on = optional_date(errors, "end_on", f.get("end_on"));
    if let (Some(s), Some(e)) = (start_on, end_on)
        && e < s
    {
        errors.push(Problem::new(
            "end_on",
            "De einddatum ligt vóór de begindatum.",
            "The end date lies before the start date.",
        ));
    }
    let pgb_cents = match f.get("pgb_amount").trim() {
        "" => None,
        s => match parse_euros("pgb_amount", s) {
            Ok(0) => {
                errors.push(Problem::new(
                    "pgb_amount",
                    "Het bedrag is groter dan nul.",
                    "The amount is more than zero.",
                ));
                None
            }
            Ok(c) => Some(c),
            Err(e) => {
                errors.push(e.into());
                None
            }
        },
    };
    EffortInput {
        volume,
        unit,
        frequency,
        start_on,
        end_on,
        pgb_cents,
    }
}

pub fn parse_request(f: &Fields) -> Result<RequestInput, Vec<Problem>> {
    let mut errors = Vec::new();
    let youth_id = f.get("youth_id").trim().to_owned();
    if youth_id.is_empty() {
        errors.push(choose("youth_id"));
    }
    let referrer_type = match f.get("referrer_type").trim() {
        "" => ReferrerType::Cjg,
        s => ReferrerType::parse(s).unwrap_or_else(|| {
            errors.push(choose("referrer_type"));
            ReferrerType::Cjg
        }),
    };
    let referrer_code = if referrer_type == ReferrerType::Cjg {
        None
    } else {
        match AgbCode::parse("referrer_code", f.get("referrer_code")) {
            Ok(c) => Some(c.as_str().to_owned()),
            Err(e) => {
                errors.push(e.into());
                None
            }
        }
    };
    let reason = super::required_text(&mut errors, "reason", f.get("reason"), 4000);
    let product_id = f.get("product_id").trim().to_owned();
    if product_id.is_empty() {
        errors.push(choose("product_id"));
    }
    let funding = Funding::parse(f.get("funding"));
    if funding.is_none() {
        errors.push(choose("funding"));
    }
    let provider = f.get("provider_id").trim();
    let provider_id = match (funding, provider.is_empty()) {
        (Some(Funding::InKind), true) => {
            errors.push(Problem::new(
                "provider_id",
                "Zorg in natura heeft een gecontracteerde aanbieder; kies de aanbieder.",
                "In-kind care needs a contracted provider; choose the provider.",
            ));
            None
        }
        (Some(Funding::Pgb), false) => {
            errors.push(Problem::new(
                "provider_id",
                "Bij een PGB kiest het gezin zelf de zorg; laat de aanbieder leeg.",
                "With a personal budget the family chooses the care itself; leave the provider empty.",
            ));
            None
        }
        (_, false) => Some(provider.to_owned()),
        _ => None,
    };
    let mut results = Vec::new();
    for i in 0..MAX_RESULTS {
        let field = format!("result.{i}");
        if let Some(text) = optional_text(&mut errors, &field, f.get(&field), 1000) {
            let goal = f.get(&format!("result.{i}.goal")).trim();
            results.push(ResultInput {
                text,
                goal_id: (!goal.is_empty()).then(|| goal.to_owned()),
            });
        }
    }
    if results.is_empty() {
        errors.push(Problem::new(
            "result.0",
            "Beschrijf ten minste één resultaat dat met de zorg bereikt moet worden.",
            "Describe at least one result the care must reach.",
        ));
    }
    let effort = parse_effort(f, &mut errors);
    match funding {
        Some(funding) if errors.is_empty() => Ok(RequestInput {
            youth_id,
            referrer_type,
            referrer_code,
            reason,
            product_id,
            funding,
            provider_id,
            results,
            effort,
        }),
        _ => Err(errors),
    }
}

// ------------------------------------------------------------------ actions
//
// Each write as one function, shared by the pages and the API: access check, parsing of
// the fields (the API hands its JSON in as the same fields), the store call.

pub async fn create_request_action(
    app: &AppState,
    ctx: &AuthContext,
    case_id: &str,
    f: &Fields,
) -> Result<String, AppError> {
    case_access::run(&app.store, &ctx.caller(), case_id).await?;
    let input = parse_request(f).map_err(AppError::Invalid)?;
    let mut tx = app.store.begin().await?;
    let id = store_access::create_request(
        &mut tx,
        &ctx.actor(),
        &ctx.principal.user_id,
        case_id,
        &input,
        today(),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update_request_action(
    app: &AppState,
    ctx: &AuthContext,
    id: &str,
    f: &Fields,
) -> Result<(), AppError> {
    let r = load_request(app, id).await?;
    case_access::run(&app.store, &ctx.caller(), &r.case_id).await?;
    let version =
        parse_version("version", f.get("version")).map_err(|p| AppError::Invalid(vec![p]))?;
    let input = parse_request(f).map_err(AppError::Invalid)?;
    let mut tx = app.store.begin().await?;
    store_access::update_request(
        &mut tx,
        &ctx.actor(),
        &ctx.principal.user_id,
        id,
        version,
        &input,
        today(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn change_decision_action(
    app: &AppState,
    ctx: &AuthContext,
    id: &str,
    f: &Fields,
) -> Result<(), AppError> {
    let d = load_decision(app, id).await?;
    case_access::run(&app.store, &ctx.caller(), &d.case_id).await?;
    let mut errors = Vec::new();
    let version =
        parse_version("version", f.get("version")).map_err(|p| AppError::Invalid(vec![p]))?;
    let reason = super::required_text(&mut errors, "change_reason", f.get("change_reason"), 1000);
    let change = if f.get("kind") == "end" {
        let on = required_date(&mut errors, "ended_on", f.get("ended_on"));
        let why = EndReason::parse(f.get("end_reason"));
        if why.is_none() {
            errors.push(choose("end_reason"));
        }
        on.zip(why)
            .map(|(on, reason)| DecisionChange::End { on, reason })
    } else {
        let effort = parse_effort(f, &mut errors);
        let end_on = required_date(&mut errors, "end_on", f.get("end_on"));
        let from = optional_date(&mut errors, "effective_on", f.get("effective_on"));
        end_on.map(|end_on| DecisionChange::Amend {
            volume: effort.volume,
            frequency: effort.frequency,
            pgb_cents: effort.pgb_cents,
            end_on,
            from,
        })
    };
    match change {
        Some(change) if errors.is_empty() => {
            let mut tx = app.store.begin().await?;
            store_access::change_decision(
                &mut tx,
                &ctx.actor(),
                &ctx.principal.user_id,
                id,
                version,
                &change,
                &reason,
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        _ => Err(AppError::Invalid(errors)),
    }
}

pub async fn add_time_action(
    app: &AppState,
    ctx: &AuthContext,
    id: &str,
    f: &Fields,
) -> Result<(), AppError> {
    let d = load_decision(app, id).await?;
    case_access::run(&app.store, &ctx.caller(), &d.case_id).await?;
    let mut errors = Vec::new();
    let on = required_date(&mut errors, "time_on", f.get("time_on"));
    not_in_future(&mut errors, "time_on", on);
    let minutes = parse_int(&mut errors, "minutes", f.get("minutes"), 1440);
    if minutes.is_none() && !has_error(&errors, "minutes") {
        errors.push(Problem::new(
            "minutes",
            "Vul het aantal minuten in.",
            "Enter the number of minutes.",
        ));
    }
    let note = optional_text(&mut errors, "time_note", f.get("time_note"), 500).unwrap_or_default();
    match (on, minutes) {
        (Some(on), Some(minutes)) if errors.is_empty() => {
            let mut tx = app.store.begin().await?;
            monitoring::add_time(
                &mut tx,
                &ctx.actor(),
                &ctx.principal.user_id,
                id,
                on,
                minutes,
                &note,
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        _ => Err(AppError::Invalid(errors)),
    }
}

pub async fn record_evaluation_action(
    app: &AppState,
    ctx: &AuthContext,
    decision_id: &str,
    evaluation_id: &str,
    f: &Fields,
) -> Result<(), AppError> {
    let d = load_decision(app, decision_id).await?;
    case_access::run(&app.store, &ctx.caller(), &d.case_id).await?;
    let mut errors = Vec::new();
    let version =
        parse_version("version", f.get("version")).map_err(|p| AppError::Invalid(vec![p]))?;
    let done_on = required_date(&mut errors, "done_on", f.get("done_on"));
    not_in_future(&mut errors, "done_on", done_on);
    let family_view = super::required_text(&mut errors, "family_view", f.get("family_view"), 4000);
    let outcome = EvaluationOutcome::parse(f.get("outcome"));
    if outcome.is_none() {
        errors.push(choose("outcome"));
    }
    let minutes = parse_int(&mut errors, "minutes", f.get("minutes"), 1440);
    let mut conn = app.store.pool().acquire().await.map_err(conn_err)?;
    let request = store_access::request(&mut conn, &d.request_id).await?;
    drop(conn);
    let mut scores = Vec::new();
    for (i, r) in request.results.iter().enumerate() {
        match ResultScore::parse(f.get(&format!("score.{i}"))) {
            Some(s) => scores.push((r.id.clone(), s)),
            None => errors.push(Problem::new(
                &format!("score.{i}"),
                "Geef aan of dit resultaat bereikt is.",
                "Say whether this result was reached.",
            )),
        }
    }
    match (done_on, outcome) {
        (Some(done_on), Some(outcome)) if errors.is_empty() => {
            let mut tx = app.store.begin().await?;
            monitoring::record_evaluation(
                &mut tx,
                &ctx.actor(),
                &ctx.principal.user_id,
                decision_id,
                evaluation_id,
                version,
                &EvaluationInput {
                    done_on,
                    family_view,
                    outcome,
                    scores,
                    minutes,
                },
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        _ => Err(AppError::Invalid(errors)),
    }
}

pub async fn provider_effort_action(
    app: &AppState,
    ctx: &AuthContext,
    id: &str,
    f: &Fields,
) -> Result<(), AppError> {
    let r = load_request(app, id).await?;
    own_provider(
        app,
        ctx,
        r.provider_id
            .as_deref()
            .filter(|_| reached_provider(r.status)),
        ("access_request", id),
    )
    .await?;
    let mut errors = Vec::new();
    let version =
        parse_version("version", f.get("version")).map_err(|p| AppError::Invalid(vec![p]))?;
    let intake = required_date(&mut errors, "intake_on", f.get("intake_on"));
    not_in_future(&mut errors, "intake_on", intake);
    let effort = parse_effort(f, &mut errors);
    let effort = if errors.is_empty() {
        effort
            .effort()
            .map_err(|e| e.into_iter().map(Problem::from).collect::<Vec<_>>())
    } else {
        Err(errors)
    };
    match (effort, intake) {
        (Ok(effort), Some(intake)) => {
            let mut tx = app.store.begin().await?;
            store_access::record_provider_effort(
                &mut tx,
                &ctx.actor(),
                &ctx.principal.user_id,
                id,
                version,
                &effort,
                intake,
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        (Err(errors), _) => Err(AppError::Invalid(errors)),
        (Ok(_), None) => Err(AppError::Invalid(vec![Problem::new(
            "intake_on",
            "Vul een datum in.",
            "Enter a date.",
        )])),
    }
}

pub async fn provider_report_action(
    app: &AppState,
    ctx: &AuthContext,
    id: &str,
    f: &Fields,
) -> Result<(), AppError> {
    let d = load_decision(app, id).await?;
    own_provider(app, ctx, d.provider_id.as_deref(), ("decision", id)).await?;
    let mut errors = Vec::new();
    let version =
        parse_version("version", f.get("version")).map_err(|p| AppError::Invalid(vec![p]))?;
    let start = optional_date(&mut errors, "actual_start_on", f.get("actual_start_on"));
    let end = optional_date(&mut errors, "actual_end_on", f.get("actual_end_on"));
    not_in_future(&mut errors, "actual_start_on", start);
    not_in_future(&mut errors, "actual_end_on", end);
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut tx = app.store.begin().await?;
    store_access::report_care(&mut tx, &ctx.actor(), id, version, start, end).await?;
    tx.commit().await?;
    Ok(())
}

// ------------------------------------------------------------------ the request form

#[derive(Template)]
#[template(path = "access_form.html")]
pub struct RequestFormPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub h: super::cases::CaseHeader,
    pub errors: Vec<Problem>,
    pub f: Fields,
    /// `None` for a new request.
    pub request_id: Option<String>,
    pub version: i64,
    pub youths: Vec<(String, String)>,
    pub goals: Vec<(String, String)>,
    pub products: Vec<(String, String)>,
    pub providers: Vec<(String, String)>,
    pub fundings: Vec<Labelled>,
    pub referrers: Vec<Labelled>,
    pub units: Vec<Labelled>,
    pub frequencies: Vec<Labelled>,
    /// The provider records part 2 (variant 2018): the CJG's form leaves it out.
    pub variant_note: &'static str,
    pub result_rows: Vec<usize>,
}

impl RequestFormPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

#[allow(clippy::too_many_arguments)]
async fn request_form(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    grant: CaseGrant,
    request_id: Option<String>,
    version: i64,
    f: Fields,
    errors: Vec<Problem>,
) -> Result<RequestFormPage, AppError> {
    let store = &app.store;
    // The form shows the family's youths and plan goals: a read of client data.
    case_access::record_read(store, &ctx.caller(), &grant, "access_request_form").await?;
    let youths = eenplan_store::cases::persons(store, &grant)
        .await?
        .into_iter()
        .filter(|p| p.kind == eenplan_domain::family::PersonKind::Youth)
        .map(|p| (p.id, p.name))
        .collect();
    let state = plans::state(store, &grant).await?;
    let goals = if state.current_version > 0 {
        plans::version(store, &grant, state.current_version)
            .await?
            .content
            .goals
            .into_iter()
            .map(|g| (g.id, g.text))
            .collect()
    } else {
        Vec::new()
    };
    let today = today();
    let products = catalogue::products(store)
        .await?
        .into_iter()
        .filter(|p| p.active)
        .map(|p| {
            let price = p
                .price_on(today)
                .map(|c| {
                    format!(
                        " · {} / {}",
                        euros(c),
                        lang.pick(p.unit.label_nl(), p.unit.label_en())
                    )
                })
                .unwrap_or_default();
            (
                p.id,
                format!("{} {} (cat. {}){price}", p.code, p.name, p.category),
            )
        })
        .collect();
    let providers = catalogue::providers(store)
        .await?
        .into_iter()
        .map(|(id, name, agb)| {
            (
                id,
                format!(
                    "{name}{}",
                    agb.map(|a| format!(" (AGB {a})")).unwrap_or_default()
                ),
            )
        })
        .collect();
    let mut conn = store.pool().acquire().await.map_err(conn_err)?;
    let variant = eenplan_domain::access::variant_on(&catalogue::variants(&mut conn).await?, today);
    drop(conn);
    Ok(RequestFormPage {
        t: Tr(lang),
        chrome: Chrome::for_user(
            ctx,
            lang,
            app.config.demo_mode,
            &format!("/casussen/{}", grant.case_id()),
        ),
        h: super::cases::CaseHeader::new(&grant, lang),
        errors,
        f,
        request_id,
        version,
        youths,
        goals,
        products,
        providers,
        fundings: labels(
            Funding::ALL,
            Funding::as_str,
            Funding::label_nl,
            Funding::label_en,
            lang,
        ),
        referrers: labels(
            ReferrerType::ALL,
            ReferrerType::as_str,
            ReferrerType::label_nl,
            ReferrerType::label_en,
            lang,
        ),
        units: labels(
            Unit::ALL,
            Unit::as_str,
            Unit::label_nl,
            Unit::label_en,
            lang,
        ),
        frequencies: labels(
            Frequency::ALL,
            Frequency::as_str,
            Frequency::label_nl,
            Frequency::label_en,
            lang,
        ),
        variant_note: lang.pick(variant.label_nl(), variant.label_en()),
        result_rows: (0..MAX_RESULTS).collect(),
    })
}

pub async fn new_request(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(case_id): Path<String>,
) -> Result<Html<String>, AppError> {
    let grant = case_access::run(&app.store, &ctx.caller(), &case_id).await?;
    let mut f = Fields::default();
    f.set("funding", "zin");
    page(&request_form(&app, &ctx, lang, grant, None, 0, f, Vec::new()).await?)
}

pub async fn create_request(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(case_id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let grant = case_access::run(&app.store, &ctx.caller(), &case_id).await?;
    let result = create_request_action(&app, &ctx, &case_id, &f)
        .await
        .map(|id| format!("/toegang/{id}"));
    answer_form(result, |errors| {
        request_form(&app, &ctx, lang, grant, None, 0, f, errors)
    })
    .await
}
fn request_fields(r: &AccessRequest) -> Fields {
    let mut f = Fields::default();
    f.set("youth_id", &r.youth_id);
    f.set("referrer_type", r.referrer_type.as_str());
    f.set("referrer_code", r.referrer_code.clone().unwrap_or_default());
    f.set("reason", &r.reason);
    f.set("product_id", &r.product_id);
    f.set("funding", r.funding.as_str());
    f.set("provider_id", r.provider_id.clone().unwrap_or_default());
    for (i, res) in r.results.iter().enumerate() {
        f.set(&format!("result.{i}"), &res.text);
        f.set(
            &format!("result.{i}.goal"),
            res.goal_id.clone().unwrap_or_default(),
        );
    }
    let e = &r.effort;
    f.set(
        "volume",
        e.volume.map(|v| v.to_string()).unwrap_or_default(),
    );
    f.set("unit", e.unit.map_or("", Unit::as_str));
    f.set("frequency", e.frequency.map_or("", Frequency::as_str));
    f.set(
        "start_on",
        e.start_on.map(|d| d.to_string()).unwrap_or_default(),
    );
    f.set(
        "end_on",
        e.end_on.map(|d| d.to_string()).unwrap_or_default(),
    );
    f.set(
        "pgb_amount",
        e.pgb_cents
            .map(|c| format!("{},{:02}", c / 100, c % 100))
            .unwrap_or_default(),
    );
    f
}
pub async fn edit_request(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let r = load_request(&app, &id).await?;
    let grant = case_access::run(&app.store, &ctx.caller(), &r.case_id).await?;
    let f = request_fields(&r);
    page(
        &request_form(
            &app,
            &ctx,
            lang,
            grant,
            Some(r.id),
            r.version,
            f,
            Vec::new(),
        )
        .await?,
    )
}
pub async fn update_request(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let r = load_request(&app, &id).await?;
    let grant = case_access::run(&app.store, &ctx.caller(), &r.case_id).await?;
    let result = update_request_action(&app, &ctx, &id, &f)
        .await
        .map(|()| format!("/toegang/{id}"));
    answer_form(result, |errors| {
        request_form(&app, &ctx, lang, grant, Some(id), r.version, f, errors)
    })
    .await
}

// ------------------------------------------------------------------ the request page

/// A request as the pages show it.
pub struct RequestView {
    pub r: AccessRequest,
    pub status: &'static str,
    pub variant: &'static str,
    pub funding: &'static str,
    pub referrer: &'static str,
    pub unit: &'static str,
    pub frequency: &'static str,
    pub pgb: String,
    pub start: String,
    pub end: String,
    pub intake: String,
    /// (result text, the plan goal it serves)
    pub results: Vec<(String, String)>,
}

impl RequestView {
    /// `goals`: the family plan's goals (id, text) as the viewer's grant shows them; none
    /// in the provider's view, which does not see the plan.
    pub fn new(r: AccessRequest, lang: Lang, goals: &[(String, String)]) -> RequestView {
        let e = &r.effort;
        RequestView {
            status: lang.pick(r.status.label_nl(), r.status.label_en()),
            variant: lang.pick(r.variant.label_nl(), r.variant.label_en()),
            funding: lang.pick(r.funding.label_nl(), r.funding.label_en()),
            referrer: lang.pick(r.referrer_type.label_nl(), r.referrer_type.label_en()),
            unit: e.unit.map_or("", |u| lang.pick(u.label_nl(), u.label_en())),
            frequency: e
                .frequency
                .map_or("", |u| lang.pick(u.label_nl(), u.label_en())),
            pgb: e.pgb_cents.map(euros).unwrap_or_default(),
            start: od(e.start_on),
            end: od(e.end_on),
            intake: od(r.intake_on),
            results: r
                .results
                .iter()
                .map(|res| {
                    let goal = res
                        .goal_id
                        .as_ref()
                        .and_then(|g| goals.iter().find(|(id, _)| id == g))
                        .map(|(_, text)| text.clone())
                        .unwrap_or_default();
                    (res.text.clone(), goal)
                })
                .collect(),
            r,
        }
    }
}

async fn plan_goals(app: &AppState, grant: &CaseGrant) -> Result<Vec<(String, String)>, AppError> {
    let state = plans::state(&app.store, grant).await?;
    if state.current_version == 0 {
        return Ok(Vec::new());
    }
    Ok(plans::version(&app.store, grant, state.current_version)
        .await?
        .content
        .goals
        .into_iter()
        .map(|g| (g.id, g.text))
        .collect())
}

#[derive(Template)]
#[template(path = "access_request.html")]
pub struct RequestPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub h: super::cases::CaseHeader,
    pub errors: Vec<Problem>,
    pub v: RequestView,
    pub may_run: bool,
    /// A reviewer other than the author, on a request in review.
    pub may_review: bool,
    pub own_request: bool,
    pub comment: String,
}

impl RequestPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

async fn request_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    id: &str,
    errors: Vec<Problem>,
    comment: String,
) -> Result<RequestPage, AppError> {
    let r = load_request(app, id).await?;
    let grant = open_access_object(
        app,
        ctx,
        &r.case_id,
        r.provider_id.as_deref(),
        &r.family_id,
        "access.request.read",
        ("access_request", id),
    )
    .await?;
    let reviewer = policy::allows(ctx.principal.role, Permission::ReviewAccess);
    let own = r.author_id == ctx.principal.user_id;
    Ok(RequestPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, &format!("/toegang/{id}")),
        may_run: grant.may_run(),
        may_review: reviewer && grant.may_run() && r.status == RequestStatus::InReview && !own,
        // Said to a reviewer, who could otherwise expect to approve it.
        own_request: own && reviewer,
        h: super::cases::CaseHeader::new(&grant, lang),
        errors,
        v: RequestView::new(r, lang, &plan_goals(app, &grant).await?),
        comment,
    })
}

pub async fn show_request(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    page(&request_page(&app, &ctx, lang, &id, Vec::new(), String::new()).await?)
}

/// Submit or withdraw (the holding team), approve or send back (a reviewer of the team,
/// not the author).
/// Submit or withdraw (the holding team), approve or send back (a reviewer of the team,
/// not the author). Returns the decision taken on approval.
pub async fn request_step_action(
    app: &AppState,
    ctx: &AuthContext,
    id: &str,
    step: RequestStep,
    f: &Fields,
) -> Result<Option<String>, AppError> {
    let r = load_request(app, id).await?;
    case_access::run(&app.store, &ctx.caller(), &r.case_id).await?;
    if matches!(step, RequestStep::Approve | RequestStep::SendBack)
        && !policy::allows(ctx.principal.role, Permission::ReviewAccess)
    {
        eenplan_store::cases::record_refusal(&app.store, &ctx.actor(), &r.case_id).await?;
        return Err(AppError::Forbidden);
    }
    let version =
        parse_version("version", f.get("version")).map_err(|p| AppError::Invalid(vec![p]))?;
    let comment = f.get("comment").trim();
    if comment.chars().count() > 4000 {
        return Err(AppError::invalid(Problem::new(
            "comment",
            "Dit veld mag hoogstens 4000 tekens bevatten.",
            "This field may hold at most 4000 characters.",
        )));
    }
    let mut tx = app.store.begin().await?;
    let (_, decision) = store_access::request_step(
        &mut tx,
        &ctx.actor(),
        &ctx.principal.user_id,
        id,
        version,
        step,
        comment,
        today(),
    )
    .await?;
    tx.commit().await?;
    Ok(decision)
}

async fn request_step(
    app: AppState,
    lang: Lang,
    ctx: AuthContext,
    id: String,
    step: RequestStep,
    f: Fields,
) -> Result<Response, AppError> {
    match request_step_action(&app, &ctx, &id, step, &f).await {
        Ok(Some(decision)) => {
            Ok(Redirect::to(&format!("/beschikkingen/{decision}")).into_response())
        }
        Ok(None) => Ok(Redirect::to(&format!("/toegang/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let comment = f.get("comment").trim().to_owned();
            Ok(invalid_form(render(
                &request_page(&app, &ctx, lang, &id, errors, comment).await?,
            )))
        }
        Err(e) => Err(e),
    }
}

macro_rules! step_handler {
    ($name:ident, $step:expr) => {
        pub async fn $name(
            State(app): State<AppState>,
            lang: Lang,
            Auth(ctx): Auth,
            Path(id): Path<String>,
            CsrfForm(f): CsrfForm<Fields>,
        ) -> Result<Response, AppError> {
            request_step(app, lang, ctx, id, $step, f).await
        }
    };
}
step_handler!(request_step_submit, RequestStep::Submit);
step_handler!(request_step_withdraw, RequestStep::Withdraw);
step_handler!(request_step_approve, RequestStep::Approve);
step_handler!(request_step_send_back, RequestStep::SendBack);

// ------------------------------------------------------------------ the decision

pub struct DecisionView {
    pub d: Decision,
    pub funding: &'static str,
    pub unit: &'static str,
    pub frequency: &'static str,
    pub effort: String,
    pub estimated: String,
    pub unit_price: String,
    pub total_units: String,
    pub start: String,
    pub end: String,
    pub ended: String,
    pub end_reason: &'static str,
    pub actual_start: String,
    pub actual_end: String,
    pub decided_on: String,
    pub pgb: String,
}

impl DecisionView {
    pub fn new(d: Decision, lang: Lang) -> DecisionView {
        let unit = d.unit.map_or("", |u| lang.pick(u.label_nl(), u.label_en()));
        let frequency = d
            .frequency
            .map_or("", |u| lang.pick(u.label_nl(), u.label_en()));
        DecisionView {
            funding: lang.pick(d.funding.label_nl(), d.funding.label_en()),
            unit,
            frequency,
            effort: match (d.volume, d.unit) {
                (Some(v), Some(u)) => format!(
                    "{v} {} {}",
                    unit_count(u, v, lang),
                    frequency.to_lowercase()
                ),
                _ => String::new(),
            },
            estimated: euros(d.estimated_cents),
            unit_price: d.unit_price_cents.map(euros).unwrap_or_default(),
            total_units: units_text(d.units_x100),
            start: self::d(d.start_on),
            end: self::d(d.end_on),
            ended: od(d.ended_on),
            end_reason: d
                .end_reason
                .map_or("", |r| lang.pick(r.label_nl(), r.label_en())),
            actual_start: od(d.actual_start_on),
            actual_end: od(d.actual_end_on),
            decided_on: self::d(d.decided_on),
            pgb: d.pgb_cents.map(euros).unwrap_or_default(),
            d,
        }
    }
}

pub struct EvaluationRow {
    pub e: monitoring::Evaluation,
    pub kind: &'static str,
    pub due: String,
    pub done: String,
    pub outcome: &'static str,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "decision.html")]
pub struct DecisionPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub h: super::cases::CaseHeader,
    pub errors: Vec<Problem>,
    pub f: Fields,
    pub v: DecisionView,
    pub results: Vec<(String, String)>,
    pub versions: Vec<(i64, String, String, String)>,
    pub evaluations: Vec<EvaluationRow>,
    pub minutes: i64,
    pub may_run: bool,
    pub end_reasons: Vec<Labelled>,
    pub frequencies: Vec<Labelled>,
    pub today: String,
}

impl DecisionPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

async fn decision_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    id: &str,
    f: Fields,
    errors: Vec<Problem>,
) -> Result<DecisionPage, AppError> {
    let d = load_decision(app, id).await?;
    let grant = open_access_object(
        app,
        ctx,
        &d.case_id,
        d.provider_id.as_deref(),
        &d.family_id,
        "decision.read",
        ("decision", id),
    )
    .await?;
    let request = load_request(app, &d.request_id).await?;
    let today = today();
    let mut conn = app.store.pool().acquire().await.map_err(conn_err)?;
    let evaluations = monitoring::evaluations(&mut conn, id)
        .await?
        .into_iter()
        .map(|e| EvaluationRow {
            kind: lang.pick(e.kind.label_nl(), e.kind.label_en()),
            due: self::d(e.due_on),
            done: od(e.done_on),
            outcome: e
                .outcome
                .map_or("", |o| lang.pick(o.label_nl(), o.label_en())),
            overdue: e.done_on.is_none() && e.due_on < today,
            e,
        })
        .collect();
    drop(conn);
    let versions = store_access::decision_versions(&app.store, id)
        .await?
        .into_iter()
        .map(|v| {
            let est = v.snapshot["estimated_cents"]
                .as_i64()
                .map(euros)
                .unwrap_or_default();
            let end = v.snapshot["ended_on"]
                .as_str()
                .or(v.snapshot["end_on"].as_str())
                .map(super::local_date)
                .unwrap_or_default();
            (
                v.version,
                v.reason,
                format!("{} · {}", v.changed_by, super::local_time(&v.changed_at)),
                format!("{est} · {end}"),
            )
        })
        .collect();
    let mut f = f;
    if f.0.is_empty() {
        f.set(
            "volume",
            d.volume.map(|v| v.to_string()).unwrap_or_default(),
        );
        f.set("frequency", d.frequency.map_or("", Frequency::as_str));
        f.set("end_on", d.end_on.to_string());
        f.set(
            "pgb_amount",
            d.pgb_cents
                .map(|c| format!("{},{:02}", c / 100, c % 100))
                .unwrap_or_default(),
        );
    }
    Ok(DecisionPage {
        t: Tr(lang),
        chrome: Chrome::for_user(
            ctx,
            lang,
            app.config.demo_mode,
            &format!("/beschikkingen/{id}"),
        ),
        may_run: grant.may_run(),
        h: super::cases::CaseHeader::new(&grant, lang),
        errors,
        f,
        minutes: monitoring::minutes_spent(&app.store, id).await?,
        results: RequestView::new(request, lang, &plan_goals(app, &grant).await?).results,
        v: DecisionView::new(d, lang),
        versions,
        evaluations,
        end_reasons: labels(
            EndReason::ALL,
            EndReason::as_str,
            EndReason::label_nl,
            EndReason::label_en,
            lang,
        ),
        frequencies: labels(
            Frequency::ALL,
            Frequency::as_str,
            Frequency::label_nl,
            Frequency::label_en,
            lang,
        ),
        today: today.to_string(),
    })
}

pub async fn show_decision(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    page(&decision_page(&app, &ctx, lang, &id, Fields::default(), Vec::new()).await?)
}

/// A change (new version: volume, frequency, end date or budget) or an early end.
pub async fn change_decision(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = change_decision_action(&app, &ctx, &id, &f)
        .await
        .map(|()| format!("/beschikkingen/{id}"));
    answer_form(result, |errors| {
        decision_page(&app, &ctx, lang, &id, f, errors)
    })
    .await
}

/// Time spent on monitoring (a call, a visit) outside an evaluation.
pub async fn add_time(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = add_time_action(&app, &ctx, &id, &f)
        .await
        .map(|()| format!("/beschikkingen/{id}#monitoring"));
    answer_form(result, |errors| {
        decision_page(&app, &ctx, lang, &id, f, errors)
    })
    .await
}

#[derive(Template)]
#[template(path = "decision_letter.html")]
pub struct LetterPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub v: DecisionView,
    pub results: Vec<(String, String)>,
    pub reason: String,
    pub parents: Vec<String>,
}

/// The decision letter for the family, in plain Dutch, to print.
pub async fn decision_letter(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let d = load_decision(&app, &id).await?;
    let grant = case_access::open(&app.store, &ctx.caller(), &d.case_id).await?;
    if !sees_access_object(&ctx, &grant, d.provider_id.as_deref()) {
        eenplan_store::cases::record_refusal(&app.store, &ctx.actor(), &d.case_id).await?;
        return Err(AppError::Forbidden);
    }
    // The letter names the youth and the parents: the family's clients.
    let mut conn = app.store.pool().acquire().await.map_err(conn_err)?;
    let clients = eenplan_store::cases::client_ids(&mut conn, &d.family_id).await?;
    drop(conn);
    let mut event = Event::new("decision.letter", Action::Print)
        .object("decision", &id)
        .clients(clients);
    event.break_glass = grant.basis() == Basis::BreakGlass;
    audit::record(&app.store, &ctx.actor(), &event).await?;
    let request = load_request(&app, &d.request_id).await?;
    let parents = eenplan_store::cases::persons(&app.store, &grant)
        .await?
        .into_iter()
        .filter(|p| p.has_authority == Some(true))
        .map(|p| p.name)
        .collect();
    let reason = request.reason.clone();
    page(&LetterPage {
        t: Tr(lang),
        chrome: Chrome::for_user(
            &ctx,
            lang,
            app.config.demo_mode,
            &format!("/beschikkingen/{id}"),
        ),
        results: RequestView::new(request, lang, &plan_goals(&app, &grant).await?).results,
        reason,
        parents,
        v: DecisionView::new(d, Lang::Nl),
    })
}

// ------------------------------------------------------------------ evaluations

#[derive(Template)]
#[template(path = "evaluation.html")]
pub struct EvaluationPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub h: super::cases::CaseHeader,
    pub errors: Vec<Problem>,
    pub f: Fields,
    pub v: DecisionView,
    pub row: EvaluationRow,
    /// (result id, text)
    pub results: Vec<(String, String)>,
    pub scores: Vec<Labelled>,
    pub outcomes: Vec<Labelled>,
    pub may_run: bool,
    pub today: String,
}

impl EvaluationPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
    pub fn score_of(&self, result_id: &str) -> &str {
        self.row
            .e
            .scores
            .iter()
            .find(|s| s.result_id == result_id)
            .map_or("", |s| s.score.as_str())
    }
}

async fn evaluation_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    decision_id: &str,
    evaluation_id: &str,
    f: Fields,
    errors: Vec<Problem>,
) -> Result<EvaluationPage, AppError> {
    let d = load_decision(app, decision_id).await?;
    let grant = open_access_object(
        app,
        ctx,
        &d.case_id,
        d.provider_id.as_deref(),
        &d.family_id,
        "evaluation.read",
        ("evaluation", evaluation_id),
    )
    .await?;
    let mut conn = app.store.pool().acquire().await.map_err(conn_err)?;
    let e = monitoring::evaluations(&mut conn, decision_id)
        .await?
        .into_iter()
        .find(|e| e.id == evaluation_id)
        .ok_or(AppError::NotFound)?;
    let request = store_access::request(&mut conn, &d.request_id).await?;
    drop(conn);
    let today = today();
    Ok(EvaluationPage {
        t: Tr(lang),
        chrome: Chrome::for_user(
            ctx,
            lang,
            app.config.demo_mode,
            &format!("/beschikkingen/{decision_id}"),
        ),
        h: super::cases::CaseHeader::new(&grant, lang),
        errors,
        f,
        results: request
            .results
            .iter()
            .map(|r| (r.id.clone(), r.text.clone()))
            .collect(),
        row: EvaluationRow {
            kind: lang.pick(e.kind.label_nl(), e.kind.label_en()),
            due: self::d(e.due_on),
            done: od(e.done_on),
            outcome: e
                .outcome
                .map_or("", |o| lang.pick(o.label_nl(), o.label_en())),
            overdue: e.done_on.is_none() && e.due_on < today,
            e,
        },
        v: DecisionView::new(d, lang),
        scores: labels(
            ResultScore::ALL,
            ResultScore::as_str,
            ResultScore::label_nl,
            ResultScore::label_en,
            lang,
        ),
        outcomes: labels(
            EvaluationOutcome::ALL,
            EvaluationOutcome::as_str,
            EvaluationOutcome::label_nl,
            EvaluationOutcome::label_en,
            lang,
        ),
        may_run: grant.may_run(),
        today: today.to_string(),
    })
}

pub async fn show_evaluation(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path((decision_id, evaluation_id)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let mut f = Fields::default();
    f.set("done_on", today().to_string());
    page(
        &evaluation_page(
            &app,
            &ctx,
            lang,
            &decision_id,
            &evaluation_id,
            f,
            Vec::new(),
        )
        .await?,
    )
}

pub async fn record_evaluation(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path((decision_id, evaluation_id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = record_evaluation_action(&app, &ctx, &decision_id, &evaluation_id, &f)
        .await
        .map(|()| format!("/beschikkingen/{decision_id}"));
    answer_form(result, |errors| {
        evaluation_page(&app, &ctx, lang, &decision_id, &evaluation_id, f, errors)
    })
    .await
}

#[derive(Template)]
#[template(path = "evaluations_due.html")]
pub struct DuePage {
    pub t: Tr,
    pub chrome: Chrome,
    pub team: bool,
    pub rows: Vec<(monitoring::DueEvaluation, &'static str, String)>,
}

async fn due_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    team: bool,
) -> Result<Html<String>, AppError> {
    let user = &ctx.principal.user_id;
    let scope = if team {
        Scope::Team(user)
    } else {
        Scope::Worker(user)
    };
    let rows: Vec<_> = monitoring::due(&app.store, scope, today())
        .await?
        .into_iter()
        .map(|r| {
            let kind = lang.pick(r.kind.label_nl(), r.kind.label_en());
            let due = self::d(r.due_on);
            (r, kind, due)
        })
        .collect();
    case_access::record_list(
        &app.store,
        &ctx.caller(),
        "evaluations.read",
        rows.iter().map(|(r, _, _)| r.case_id.clone()),
    )
    .await?;
    let path = if team {
        "/team/evaluaties"
    } else {
        "/evaluaties"
    };
    page(&DuePage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, path),
        team,
        rows,
    })
}

pub async fn my_evaluations(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    due_page(&app, &ctx, lang, false).await
}

pub async fn team_evaluations(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    due_page(&app, &ctx, lang, true).await
}

#[derive(Template)]
#[template(path = "review_queue.html")]
pub struct ReviewQueuePage {
    pub t: Tr,
    pub chrome: Chrome,
    pub rows: Vec<RequestView>,
    pub user_id: String,
}

/// The requests of the reviewer's teams waiting for four eyes.
pub async fn review_queue(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    let requests = store_access::review_queue(&app.store, &ctx.principal.user_id).await?;
    case_access::record_list(
        &app.store,
        &ctx.caller(),
        "review_queue.read",
        requests.iter().map(|r| r.case_id.clone()),
    )
    .await?;
    let mut rows = Vec::new();
    for r in requests {
        // The reviewer holds the case through the team; the goals come with that grant.
        let grant = case_access::open(&app.store, &ctx.caller(), &r.case_id).await?;
        let goals = plan_goals(&app, &grant).await?;
        rows.push(RequestView::new(r, lang, &goals));
    }
    page(&ReviewQueuePage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/team/beoordelen"),
        rows,
        user_id: ctx.principal.user_id.clone(),
    })
}

// ------------------------------------------------------------------ the provider's view

/// Decisions that ended longer ago than this drop off the provider's view.
pub const PROVIDER_WINDOW_DAYS: i64 = 90;

/// What is addressed to the user's own organisation: the open requests and a page of the
/// decisions still running (or ended within 90 days), with their total. Audited as a read
/// of the listed youths.
pub async fn assignments(
    app: &AppState,
    ctx: &AuthContext,
    page: i64,
) -> Result<(Vec<AccessRequest>, Vec<Decision>, i64), AppError> {
    let org = &ctx.principal.organisation_id;
    let requests = store_access::provider_requests(&app.store, org).await?;
    let since = today() - chrono::Duration::days(PROVIDER_WINDOW_DAYS);
    let (decisions, total) = store_access::provider_decisions(&app.store, org, since, page).await?;
    audit::record(
        &app.store,
        &ctx.actor(),
        &Event::new("provider.list", Action::Read)
            .object("organisation", org)
            .clients(
                requests
                    .iter()
                    .map(|r| r.youth_id.clone())
                    .chain(decisions.iter().map(|d| d.youth_id.clone())),
            ),
    )
    .await?;
    Ok((requests, decisions, total))
}

#[derive(Debug, serde::Deserialize, Default)]
pub struct PageQuery {
    /// Page number, from 1.
    #[serde(default)]
    pub pagina: Option<i64>,
}

#[derive(Template)]
#[template(path = "provider.html")]
pub struct ProviderPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub requests: Vec<RequestView>,
    pub decisions: Vec<DecisionView>,
    /// (this page, last page, total decisions)
    pub paging: (i64, i64, i64),
}

pub async fn provider_home(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, AppError> {
    let page_no = q.pagina.unwrap_or(1).max(1);
    let (requests, decisions, total) = assignments(&app, &ctx, page_no - 1).await?;
    let mut views = Vec::new();
    for r in requests {
        views.push(RequestView::new(r, lang, &[]));
    }
    let last = ((total + store_access::PROVIDER_PAGE - 1) / store_access::PROVIDER_PAGE).max(1);
    page(&ProviderPage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/aanbieder"),
        requests: views,
        decisions: decisions
            .into_iter()
            .map(|d| DecisionView::new(d, lang))
            .collect(),
        paging: (page_no, last, total),
    })
}

#[derive(Template)]
#[template(path = "provider_request.html")]
pub struct ProviderRequestPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub f: Fields,
    pub v: RequestView,
    pub units: Vec<Labelled>,
    pub frequencies: Vec<Labelled>,
}

impl ProviderRequestPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

async fn provider_request_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    id: &str,
    f: Option<Fields>,
    errors: Vec<Problem>,
) -> Result<ProviderRequestPage, AppError> {
    let r = load_request(app, id).await?;
    own_provider(
        app,
        ctx,
        r.provider_id
            .as_deref()
            .filter(|_| reached_provider(r.status)),
        ("access_request", id),
    )
    .await?;
    store_access::record_read(
        &app.store,
        &ctx.actor(),
        &r.family_id,
        "provider.request.read",
        ("access_request", id),
        false,
    )
    .await?;
    let f = match f {
        Some(f) => f,
        None => {
            let mut f = request_fields(&r);
            if r.effort.unit.is_none() {
                // The product's own unit and frequency as a start.
                let mut conn = app.store.pool().acquire().await.map_err(conn_err)?;
                let product = catalogue::product(&mut conn, &r.product_id).await?;
                f.set("unit", product.unit.as_str());
                f.set("frequency", product.frequency.as_str());
            }
            f
        }
    };
    Ok(ProviderRequestPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, "/aanbieder"),
        errors,
        f,
        v: RequestView::new(r, lang, &[]),
        units: labels(
            Unit::ALL,
            Unit::as_str,
            Unit::label_nl,
            Unit::label_en,
            lang,
        ),
        frequencies: labels(
            Frequency::ALL,
            Frequency::as_str,
            Frequency::label_nl,
            Frequency::label_en,
            lang,
        ),
    })
}

pub async fn provider_request(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    page(&provider_request_page(&app, &ctx, lang, &id, None, Vec::new()).await?)
}

/// Support plan part 2 by the provider, after its intake (variant 2018).
pub async fn provider_effort(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = provider_effort_action(&app, &ctx, &id, &f)
        .await
        .map(|()| "/aanbieder".to_owned());
    answer_form(result, |errors| {
        provider_request_page(&app, &ctx, lang, &id, Some(f), errors)
    })
    .await
}

#[derive(Template)]
#[template(path = "provider_decision.html")]
pub struct ProviderDecisionPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub f: Fields,
    pub v: DecisionView,
    pub results: Vec<(String, String)>,
}

impl ProviderDecisionPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

async fn provider_decision_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    id: &str,
    f: Option<Fields>,
    errors: Vec<Problem>,
) -> Result<ProviderDecisionPage, AppError> {
    let d = load_decision(app, id).await?;
    own_provider(app, ctx, d.provider_id.as_deref(), ("decision", id)).await?;
    store_access::record_read(
        &app.store,
        &ctx.actor(),
        &d.family_id,
        "provider.decision.read",
        ("decision", id),
        false,
    )
    .await?;
    let request = load_request(app, &d.request_id).await?;
    let f = f.unwrap_or_else(|| {
        let mut f = Fields::default();
        f.set(
            "actual_start_on",
            d.actual_start_on.map(|d| d.to_string()).unwrap_or_default(),
        );
        f.set(
            "actual_end_on",
            d.actual_end_on.map(|d| d.to_string()).unwrap_or_default(),
        );
        f
    });
    Ok(ProviderDecisionPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, "/aanbieder"),
        errors,
        f,
        results: RequestView::new(request, lang, &[]).results,
        v: DecisionView::new(d, lang),
    })
}

pub async fn provider_decision(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    page(&provider_decision_page(&app, &ctx, lang, &id, None, Vec::new()).await?)
}

/// The provider reports the actual start and end of the care.
pub async fn provider_report(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = provider_report_action(&app, &ctx, &id, &f)
        .await
        .map(|()| "/aanbieder".to_owned());
    answer_form(result, |errors| {
        provider_decision_page(&app, &ctx, lang, &id, Some(f), errors)
    })
    .await
}

// ------------------------------------------------------------------ costs

#[derive(Debug, serde::Deserialize, Default)]
pub struct CostQuery {
    #[serde(default)]
    pub gemeente: String,
    #[serde(default)]
    pub van: String,
    #[serde(default)]
    pub tot: String,
}

#[derive(Template)]
#[template(path = "costs.html")]
pub struct CostsPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub q: CostQuery,
    pub municipalities: Vec<(String, String)>,
    pub report: Option<eenplan_store::costs::CostReport>,
}

/// A policy officer sees the figures of their own municipality only (403 otherwise); an
/// unknown municipality is a 422.
pub async fn check_cost_municipality(
    app: &AppState,
    ctx: &AuthContext,
    code: &str,
) -> Result<(), AppError> {
    let allowed = match own_municipality(app, ctx).await? {
        Some(own) => own == code,
        // A policy officer outside a municipality's organisation sees no municipality.
        None => ctx.principal.role != Role::PolicyOfficer,
    };
    if !allowed {
        return Err(super::refuse(app, ctx, "access.refused", ("costs", code)).await);
    }
    let known = eenplan_store::codelists::municipalities(&app.store)
        .await?
        .iter()
        .any(|m| m.code == code);
    if known {
        Ok(())
    } else {
        Err(AppError::invalid(choose("municipality")))
    }
}

/// The municipality a policy officer is restricted to (their own organisation's); `None`
/// for other roles and for a policy officer whose organisation has none.
async fn own_municipality(app: &AppState, ctx: &AuthContext) -> Result<Option<String>, AppError> {
    if ctx.principal.role != Role::PolicyOfficer {
        return Ok(None);
    }
    Ok(eenplan_store::costs::municipality_of_organisation(
        &app.store,
        &ctx.principal.organisation_id,
    )
    .await?)
}

pub async fn costs(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Query(mut q): Query<CostQuery>,
) -> Result<Response, AppError> {
    let own = own_municipality(&app, &ctx).await?;
    let mut municipalities = eenplan_store::codelists::municipalities(&app.store)
        .await?
        .into_iter()
        .map(|m| (m.code, m.name))
        .collect::<Vec<_>>();
    if let Some(own) = &own {
        municipalities.retain(|(c, _)| c == own);
        if q.gemeente.is_empty() {
            q.gemeente = own.clone();
        }
    }
    let today = today();
    if q.van.is_empty() {
        q.van = format!("{}-01-01", chrono::Datelike::year(&today));
    }
    if q.tot.is_empty() {
        q.tot = format!("{}-12-31", chrono::Datelike::year(&today));
    }
    let mut errors = Vec::new();
    let from = required_date(&mut errors, "van", &q.van);
    let to = required_date(&mut errors, "tot", &q.tot);
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        errors.push(Problem::new(
            "tot",
            "De einddatum ligt vóór de begindatum.",
            "The end date lies before the start date.",
        ));
    }
    let mut report = None;
    if !q.gemeente.is_empty() {
        match check_cost_municipality(&app, &ctx, &q.gemeente).await {
            Err(AppError::Invalid(_)) => errors.push(choose("gemeente")),
            Err(e) => return Err(e),
            Ok(()) => {
                if let (Some(from), Some(to), true) = (from, to, errors.is_empty()) {
                    report = Some(
                        eenplan_store::costs::report(&app.store, &q.gemeente, from, to).await?,
                    );
                }
            }
        }
    }
    let invalid = !errors.is_empty();
    let html = render(&CostsPage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/kosten"),
        errors,
        q,
        municipalities,
        report,
    });
    Ok(form_page(html, invalid))
}

impl CostsPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}
