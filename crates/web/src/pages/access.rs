//! Pages of result-oriented access (domain brief, sections 3.2 and 3.3): the access
//! request with support plan parts 1 and 2, the four-eyes review, the decision and its
//! letter, evaluations and the work lists of due evaluations, and the provider's view.
//!
//! Access: a request, decision or evaluation is opened through its case
//! (`case_access::open` to read, `case_access::run` to write: the holding team), except in the provider's
//! view, which shows only what is addressed to the user's own organisation.

use super::cases::{Labelled, choose, labels, required_date, today};
use super::{Chrome, Fields, answer_form, form_page, has_error, invalid_form, page, render};
use crate::AppState;
use crate::auth::{Auth, AuthContext};
use crate::error::{AppError, Problem};
use crate::extract::{CsrfForm, Path, Query};
use crate::i18n::{Lang, Tr};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use eenplan_app::access::{
    MAX_RESULTS, add_time_action, assignments, change_decision_action, check_cost_municipality,
    create_request_action, load_decision, load_request, open_access_object, own_municipality,
    plan_goals, provider_effort_action, provider_report_action, record_evaluation_action,
    request_step_action, sees_access_object, update_request_action,
};
use eenplan_app::case_access;
use eenplan_domain::access::{
    EndReason, EvaluationOutcome, Frequency, Funding, ReferrerType, RequestStatus, RequestStep,
    ResultScore, Unit, format_euros_nl,
};
use eenplan_domain::{Permission, policy};
use eenplan_store::access::{self as store_access, AccessRequest, Decision};
use eenplan_store::audit::{Action, Event};
use eenplan_store::grant::CaseGrant;
use eenplan_store::monitoring::{self, Scope};
use eenplan_store::{catalogue, plans};

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

// ------------------------------------------------------------------ actions
//
// Each write as one function, shared by the pages and the API: access check, parsing of
// the fields (the API hands its JSON in as the same fields), the store call.

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
    let variant =
        eenplan_domain::access::variant_on(&eenplan_app::access::variants(store).await?, today);
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
    let result = create_request_action(&app.store, &ctx.caller(), &case_id, &f)
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
    let r = load_request(&app.store, &id).await?;
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
    let r = load_request(&app.store, &id).await?;
    let grant = case_access::run(&app.store, &ctx.caller(), &r.case_id).await?;
    let result = update_request_action(&app.store, &ctx.caller(), &id, &f)
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
    let r = load_request(&app.store, id).await?;
    let grant = open_access_object(
        &app.store,
        &ctx.caller(),
        &r.case_id,
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
        v: RequestView::new(r, lang, &plan_goals(&app.store, &grant).await?),
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

async fn request_step(
    app: AppState,
    lang: Lang,
    ctx: AuthContext,
    id: String,
    step: RequestStep,
    f: Fields,
) -> Result<Response, AppError> {
    match request_step_action(&app.store, &ctx.caller(), &id, step, &f).await {
        Ok(Some(decision)) => {
            Ok(Redirect::to(&format!("/beschikkingen/{decision}")).into_response())
        }
        Ok(None) => Ok(Redirect::to(&format!("/toegang/{id}")).into_response()),
        Err(eenplan_app::Error::Invalid(errors)) => {
            let comment = f.get("comment").trim().to_owned();
            Ok(invalid_form(render(
                &request_page(&app, &ctx, lang, &id, errors, comment).await?,
            )))
        }
        Err(e) => Err(e.into()),
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
    let d = load_decision(&app.store, id).await?;
    let grant = open_access_object(
        &app.store,
        &ctx.caller(),
        &d.case_id,
        &d.family_id,
        "decision.read",
        ("decision", id),
    )
    .await?;
    let request = load_request(&app.store, &d.request_id).await?;
    let today = today();
    let evaluations = eenplan_app::access::evaluations(&app.store, id)
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
        results: RequestView::new(request, lang, &plan_goals(&app.store, &grant).await?).results,
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
    let result = change_decision_action(&app.store, &ctx.caller(), &id, &f)
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
    let result = add_time_action(&app.store, &ctx.caller(), &id, &f)
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
    let d = load_decision(&app.store, &id).await?;
    let grant = case_access::open(&app.store, &ctx.caller(), &d.case_id).await?;
    if !sees_access_object(&ctx.caller(), &grant) {
        eenplan_store::cases::record_refusal(&app.store, &ctx.actor(), &d.case_id).await?;
        return Err(AppError::Forbidden);
    }
    // The letter names the youth and the parents: the family's clients.
    let event = Event::new("decision.letter", Action::Print).object("decision", &id);
    case_access::record(&app.store, &ctx.caller(), &grant, event).await?;
    let request = load_request(&app.store, &d.request_id).await?;
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
        results: RequestView::new(request, lang, &plan_goals(&app.store, &grant).await?).results,
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
    let d = load_decision(&app.store, decision_id).await?;
    let grant = open_access_object(
        &app.store,
        &ctx.caller(),
        &d.case_id,
        &d.family_id,
        "evaluation.read",
        ("evaluation", evaluation_id),
    )
    .await?;
    let e = eenplan_app::access::evaluations(&app.store, decision_id)
        .await?
        .into_iter()
        .find(|e| e.id == evaluation_id)
        .ok_or(AppError::NotFound)?;
    let request = load_request(&app.store, &d.request_id).await?;
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
    let result =
        record_evaluation_action(&app.store, &ctx.caller(), &decision_id, &evaluation_id, &f)
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
        let goals = plan_goals(&app.store, &grant).await?;
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
    let (requests, decisions, total) = assignments(&app.store, &ctx.caller(), page_no - 1).await?;
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
    let r = eenplan_app::access::request_for_provider(&app.store, &ctx.caller(), id).await?;
    let f = match f {
        Some(f) => f,
        None => {
            let mut f = request_fields(&r);
            if r.effort.unit.is_none() {
                // The product's own unit and frequency as a start.
                let product = eenplan_app::access::product(&app.store, &r.product_id).await?;
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
    let result = provider_effort_action(&app.store, &ctx.caller(), &id, &f)
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
    let d = eenplan_app::access::decision_for_provider(&app.store, &ctx.caller(), id).await?;
    let request = load_request(&app.store, &d.request_id).await?;
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
    let result = provider_report_action(&app.store, &ctx.caller(), &id, &f)
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

pub async fn costs(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Query(mut q): Query<CostQuery>,
) -> Result<Response, AppError> {
    let own = own_municipality(&app.store, &ctx.caller()).await?;
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
    if let Err(e) = eenplan_domain::DateRange::check("tot", from, to) {
        errors.push(e.into());
    }
    let mut report = None;
    if !q.gemeente.is_empty() {
        match check_cost_municipality(&app.store, &ctx.caller(), &q.gemeente).await {
            Err(eenplan_app::Error::Invalid(_)) => errors.push(choose("gemeente")),
            Err(e) => return Err(e.into()),
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
