//! The API of access to specialised care: the catalogue (read), access requests and their
//! steps, decisions, evaluations, the provider's part and the cost figures. Writes go
//! through the same actions as the pages (`eenplan_app::access::*_action`): the JSON body is
//! handed in as the form's fields, so there is one parser and one access rule per input.

use super::{fields, opt};
use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use crate::extract::{ApiJson, Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use eenplan_app::access::{DecisionForProvider, RequestForProvider};
use eenplan_app::access::{
    add_time_action, change_decision_action, create_request_action, open_decision, open_request,
    provider_effort_action, provider_report_action, record_evaluation_action, request_step_action,
    update_request_action,
};
use eenplan_app::case_access;
use eenplan_app::input::{Fields, required_date, today};
use eenplan_domain::access::RequestStep;
use eenplan_store::access::{self as store_access, AccessRequest, Decision, DecisionVersion};
use eenplan_store::catalogue::{self, Contract, Product};
use eenplan_store::costs::{self, CostReport};
use eenplan_store::monitoring::{self, DueEvaluation, Evaluation, Scope};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

type ApiResult<T> = Result<T, AppError>;

// ---- catalogue ----

/// The product catalogue with every product's prices by date.
#[utoipa::path(get, path = "/api/v1/catalogue/products", tag = "access",
    responses((status = 200, body = [Product])))]
pub async fn products(State(app): State<AppState>) -> ApiResult<Json<Vec<Product>>> {
    Ok(Json(catalogue::products(&app.store).await?))
}

/// Which provider may deliver which product, in which period.
#[utoipa::path(get, path = "/api/v1/catalogue/contracts", tag = "access",
    responses((status = 200, body = [Contract])))]
pub async fn contracts(State(app): State<AppState>) -> ApiResult<Json<Vec<Contract>>> {
    Ok(Json(catalogue::contracts(&app.store).await?))
}

// ---- requests ----

#[derive(Deserialize, ToSchema)]
pub struct ResultBody {
    /// In the family's words.
    pub text: String,
    /// The id of the family plan's goal this result serves.
    #[serde(default)]
    pub goal_id: Option<String>,
}

/// Support plan part 1 and, where the CJG records it, part 2.
#[derive(Deserialize, ToSchema)]
pub struct RequestBody {
    /// Required when changing a request.
    pub version: Option<i64>,
    pub youth_id: String,
    /// cjg (default), or a legal referrer of COD327: 02 GP, 03 youth doctor, 04 GI,
    /// 05 medical specialist.
    #[serde(default)]
    pub referrer_type: Option<String>,
    /// The referrer's AGB code (8 digits) when not cjg.
    #[serde(default)]
    pub referrer_code: Option<String>,
    pub reason: String,
    pub product_id: String,
    /// zin or pgb.
    pub funding: String,
    /// The contracted provider (zin only).
    #[serde(default)]
    pub provider_id: Option<String>,
    pub results: Vec<ResultBody>,
    #[serde(default)]
    pub volume: Option<i64>,
    /// WJ756 code, e.g. 04 (hour).
    #[serde(default)]
    pub unit: Option<String>,
    /// WMO757 code: 1 per day, 2 per week, 4 per month, 6 total.
    #[serde(default)]
    pub frequency: Option<String>,
    /// YYYY-MM-DD
    #[serde(default)]
    pub start_on: Option<String>,
    /// YYYY-MM-DD
    #[serde(default)]
    pub end_on: Option<String>,
    /// Euros, e.g. "1250,00" (pgb only).
    #[serde(default)]
    pub pgb_amount: Option<String>,
}

impl RequestBody {
    fn fields(&self) -> Fields {
        let mut f = fields(vec![
            ("version", opt(&self.version)),
            ("youth_id", self.youth_id.clone()),
            ("referrer_type", opt(&self.referrer_type)),
            ("referrer_code", opt(&self.referrer_code)),
            ("reason", self.reason.clone()),
            ("product_id", self.product_id.clone()),
            ("funding", self.funding.clone()),
            ("provider_id", opt(&self.provider_id)),
            ("volume", opt(&self.volume)),
            ("unit", opt(&self.unit)),
            ("frequency", opt(&self.frequency)),
            ("start_on", opt(&self.start_on)),
            ("end_on", opt(&self.end_on)),
            ("pgb_amount", opt(&self.pgb_amount)),
        ]);
        for (i, r) in self.results.iter().enumerate() {
            f.0.push((format!("result.{i}"), r.text.clone()));
            f.0.push((format!("result.{i}.goal"), opt(&r.goal_id)));
        }
        f
    }
}

/// A new draft request for one youth on a case (the holding team).
#[utoipa::path(post, path = "/api/v1/cases/{id}/access-requests", tag = "access", params(("id" = String, Path)),
    request_body = RequestBody,
    responses((status = 201, body = AccessRequest), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_request(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(case_id): Path<String>,
    ApiJson(b): ApiJson<RequestBody>,
) -> ApiResult<(StatusCode, Json<AccessRequest>)> {
    let id = create_request_action(&app.store, &ctx.caller(), &case_id, &b.fields()).await?;
    Ok((
        StatusCode::CREATED,
        Json(open_request(&app.store, &ctx.caller(), &id).await?),
    ))
}

/// A request with its results and reviews.
#[utoipa::path(get, path = "/api/v1/access-requests/{id}", tag = "access", params(("id" = String, Path)),
    responses((status = 200, body = AccessRequest), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_request(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<AccessRequest>> {
    Ok(Json(open_request(&app.store, &ctx.caller(), &id).await?))
}

/// Changes a draft or sent-back request.
#[utoipa::path(put, path = "/api/v1/access-requests/{id}", tag = "access", params(("id" = String, Path)),
    request_body = RequestBody,
    responses((status = 200, body = AccessRequest), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_request(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RequestBody>,
) -> ApiResult<Json<AccessRequest>> {
    update_request_action(&app.store, &ctx.caller(), &id, &b.fields()).await?;
    Ok(Json(open_request(&app.store, &ctx.caller(), &id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct StepBody {
    pub version: Option<i64>,
    /// submit, withdraw (the holding team), approve or send_back (a reviewer who did not
    /// write the request).
    pub step: String,
    /// Required for send_back.
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct StepDone {
    pub request: AccessRequest,
    /// The decision taken on approval.
    pub decision_id: Option<String>,
}

/// Moves a request on; approval takes the decision.
#[utoipa::path(post, path = "/api/v1/access-requests/{id}/steps", tag = "access", params(("id" = String, Path)),
    request_body = StepBody,
    responses((status = 200, body = StepDone), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn request_step(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<StepBody>,
) -> ApiResult<Json<StepDone>> {
    let step = match b.step.as_str() {
        "submit" => RequestStep::Submit,
        "withdraw" => RequestStep::Withdraw,
        "approve" => RequestStep::Approve,
        "send_back" => RequestStep::SendBack,
        _ => {
            return Err(AppError::invalid(crate::error::Problem::new(
                "step",
                "Kies submit, withdraw, approve of send_back.",
                "Choose submit, withdraw, approve or send_back.",
            )));
        }
    };
    let f = fields(vec![
        ("version", opt(&b.version)),
        ("comment", opt(&b.comment)),
    ]);
    let decision_id = request_step_action(&app.store, &ctx.caller(), &id, step, &f).await?;
    Ok(Json(StepDone {
        request: open_request(&app.store, &ctx.caller(), &id).await?,
        decision_id,
    }))
}

// ---- decisions ----

#[derive(Serialize, ToSchema)]
pub struct DecisionDetail {
    pub decision: Decision,
    pub versions: Vec<DecisionVersion>,
    pub evaluations: Vec<Evaluation>,
    /// Minutes spent on monitoring this decision.
    pub monitoring_minutes: i64,
}

async fn decision_detail(app: &AppState, decision: Decision) -> ApiResult<DecisionDetail> {
    let evaluations = eenplan_app::access::evaluations(&app.store, &decision.id).await?;
    Ok(DecisionDetail {
        versions: store_access::decision_versions(&app.store, &decision.id).await?,
        monitoring_minutes: monitoring::minutes_spent(&app.store, &decision.id).await?,
        evaluations,
        decision,
    })
}

/// A decision with its versions, evaluations and time spent on monitoring.
#[utoipa::path(get, path = "/api/v1/decisions/{id}", tag = "access", params(("id" = String, Path)),
    responses((status = 200, body = DecisionDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_decision(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<DecisionDetail>> {
    let d = open_decision(&app.store, &ctx.caller(), &id).await?;
    Ok(Json(decision_detail(&app, d).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ChangeBody {
    pub version: Option<i64>,
    /// amend (volume, frequency, end date or PGB amount) or end (early end).
    pub kind: String,
    /// Why: kept with the new version.
    pub reason: String,
    #[serde(default)]
    pub volume: Option<i64>,
    #[serde(default)]
    pub frequency: Option<String>,
    #[serde(default)]
    pub pgb_amount: Option<String>,
    /// YYYY-MM-DD (amend)
    #[serde(default)]
    pub end_on: Option<String>,
    /// YYYY-MM-DD (amend, in kind): the change takes effect on this day; today when empty.
    #[serde(default)]
    pub effective_on: Option<String>,
    /// YYYY-MM-DD (end)
    #[serde(default)]
    pub ended_on: Option<String>,
    /// goals_reached, care_stopped, moved, other_care, other (end)
    #[serde(default)]
    pub end_reason: Option<String>,
}

/// A new version of a decision, or its early end.
#[utoipa::path(post, path = "/api/v1/decisions/{id}/changes", tag = "access", params(("id" = String, Path)),
    request_body = ChangeBody,
    responses((status = 200, body = DecisionDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change_decision(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ChangeBody>,
) -> ApiResult<Json<DecisionDetail>> {
    let unit = open_decision(&app.store, &ctx.caller(), &id)
        .await?
        .unit
        .map(|u| u.as_str().to_owned())
        .unwrap_or_default();
    let f = fields(vec![
        ("version", opt(&b.version)),
        ("kind", b.kind.clone()),
        ("change_reason", b.reason.clone()),
        ("volume", opt(&b.volume)),
        ("unit", unit),
        ("frequency", opt(&b.frequency)),
        ("pgb_amount", opt(&b.pgb_amount)),
        ("end_on", opt(&b.end_on)),
        ("effective_on", opt(&b.effective_on)),
        ("ended_on", opt(&b.ended_on)),
        ("end_reason", opt(&b.end_reason)),
    ]);
    change_decision_action(&app.store, &ctx.caller(), &id, &f).await?;
    let d = open_decision(&app.store, &ctx.caller(), &id).await?;
    Ok(Json(decision_detail(&app, d).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct TimeBody {
    /// YYYY-MM-DD
    pub on: String,
    pub minutes: i64,
    #[serde(default)]
    pub note: Option<String>,
}

/// Time spent on monitoring a decision.
#[utoipa::path(post, path = "/api/v1/decisions/{id}/time", tag = "access", params(("id" = String, Path)),
    request_body = TimeBody,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_time(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<TimeBody>,
) -> ApiResult<StatusCode> {
    let f = fields(vec![
        ("time_on", b.on),
        ("minutes", b.minutes.to_string()),
        ("time_note", opt(&b.note)),
    ]);
    add_time_action(&app.store, &ctx.caller(), &id, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct EvaluationBody {
    pub version: Option<i64>,
    /// YYYY-MM-DD
    pub done_on: String,
    pub family_view: String,
    /// continue, scale_down, scale_up or end.
    pub outcome: String,
    /// One score per result of the request, in the request's order: reached, partly or
    /// not_reached.
    pub scores: Vec<String>,
    #[serde(default)]
    pub minutes: Option<i64>,
}

/// Records an evaluation held with the family.
#[utoipa::path(post, path = "/api/v1/decisions/{id}/evaluations/{evaluation}", tag = "access",
    params(("id" = String, Path), ("evaluation" = String, Path)), request_body = EvaluationBody,
    responses((status = 200, body = DecisionDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_evaluation(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path((id, evaluation)): Path<(String, String)>,
    ApiJson(b): ApiJson<EvaluationBody>,
) -> ApiResult<Json<DecisionDetail>> {
    let mut f = fields(vec![
        ("version", opt(&b.version)),
        ("done_on", b.done_on),
        ("family_view", b.family_view),
        ("outcome", b.outcome),
        ("minutes", opt(&b.minutes)),
    ]);
    for (i, s) in b.scores.into_iter().enumerate() {
        f.0.push((format!("score.{i}"), s));
    }
    record_evaluation_action(&app.store, &ctx.caller(), &id, &evaluation, &f).await?;
    let d = open_decision(&app.store, &ctx.caller(), &id).await?;
    Ok(Json(decision_detail(&app, d).await?))
}

#[derive(Deserialize, IntoParams, Default)]
pub struct DueQuery {
    /// mine (default: the cases I work on) or team (my teams' cases).
    #[serde(default)]
    pub scope: String,
}

/// Evaluations due within 14 days or overdue.
#[utoipa::path(get, path = "/api/v1/evaluations/due", tag = "access", params(DueQuery),
    responses((status = 200, body = [DueEvaluation]), (status = 422, body = ErrorBody)))]
pub async fn due(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Query(q): Query<DueQuery>,
) -> ApiResult<Json<Vec<DueEvaluation>>> {
    let user = &ctx.principal.user_id;
    let scope = match q.scope.as_str() {
        "" | "mine" => Scope::Worker(user),
        "team" => Scope::Team(user),
        _ => {
            return Err(AppError::invalid(crate::error::Problem::new(
                "scope",
                "Kies mine of team.",
                "Choose mine or team.",
            )));
        }
    };
    let rows = monitoring::due(&app.store, scope, today()).await?;
    case_access::record_list(
        &app.store,
        &ctx.caller(),
        "evaluations.read",
        rows.iter().map(|r| r.case_id.clone()),
    )
    .await?;
    Ok(Json(rows))
}

// ---- the provider ----

#[derive(Serialize, ToSchema)]
pub struct Assignments {
    /// Requests not decided yet, in the provider's view.
    pub requests: Vec<RequestForProvider>,
    /// A page of the decisions still running or ended within 90 days, newest first, in
    /// the provider's view.
    pub decisions: Vec<DecisionForProvider>,
    /// All such decisions, over every page.
    pub total_decisions: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Deserialize, IntoParams, Default)]
pub struct PageQuery {
    /// From 1.
    #[serde(default)]
    pub page: Option<i64>,
}

/// The requests and decisions addressed to the caller's own organisation.
#[utoipa::path(get, path = "/api/v1/provider/assignments", tag = "access", params(PageQuery),
    responses((status = 200, body = Assignments)))]
pub async fn assignments(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Assignments>> {
    let page = q.page.unwrap_or(1).max(1);
    let (requests, decisions, total_decisions) =
        eenplan_app::access::assignments(&app.store, &ctx.caller(), page - 1).await?;
    Ok(Json(Assignments {
        requests: requests.into_iter().map(Into::into).collect(),
        decisions: decisions.into_iter().map(Into::into).collect(),
        total_decisions,
        page,
        per_page: store_access::PROVIDER_PAGE,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct EffortBody {
    pub version: Option<i64>,
    /// YYYY-MM-DD
    pub intake_on: String,
    pub volume: i64,
    /// WJ756 code
    pub unit: String,
    /// WMO757 code
    pub frequency: String,
    /// YYYY-MM-DD
    pub start_on: String,
    /// YYYY-MM-DD
    pub end_on: String,
}

/// Support plan part 2 by the provider after its intake (variant 2018).
#[utoipa::path(post, path = "/api/v1/provider/access-requests/{id}/effort", tag = "access",
    params(("id" = String, Path)), request_body = EffortBody,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn provider_effort(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<EffortBody>,
) -> ApiResult<StatusCode> {
    let f = fields(vec![
        ("version", opt(&b.version)),
        ("intake_on", b.intake_on),
        ("volume", b.volume.to_string()),
        ("unit", b.unit),
        ("frequency", b.frequency),
        ("start_on", b.start_on),
        ("end_on", b.end_on),
    ]);
    provider_effort_action(&app.store, &ctx.caller(), &id, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct CareBody {
    pub version: Option<i64>,
    /// YYYY-MM-DD
    #[serde(default)]
    pub actual_start_on: Option<String>,
    /// YYYY-MM-DD
    #[serde(default)]
    pub actual_end_on: Option<String>,
}

/// The actual start and end of the care, reported by the provider.
#[utoipa::path(post, path = "/api/v1/provider/decisions/{id}/care", tag = "access",
    params(("id" = String, Path)), request_body = CareBody,
    responses((status = 200, body = DecisionForProvider), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn provider_care(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<CareBody>,
) -> ApiResult<Json<DecisionForProvider>> {
    let f = fields(vec![
        ("version", opt(&b.version)),
        ("actual_start_on", opt(&b.actual_start_on)),
        ("actual_end_on", opt(&b.actual_end_on)),
    ]);
    provider_report_action(&app.store, &ctx.caller(), &id, &f).await?;
    let d = eenplan_app::access::decision_for_provider(&app.store, &ctx.caller(), &id).await?;
    Ok(Json(d.into()))
}

/// An access request addressed to the caller's organisation, in the provider's view (no
/// review comments, authors, or family and case ids). Audited.
#[utoipa::path(get, path = "/api/v1/provider/access-requests/{id}", tag = "access", params(("id" = String, Path)),
    responses((status = 200, body = RequestForProvider), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn provider_request(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<RequestForProvider>> {
    let r = eenplan_app::access::request_for_provider(&app.store, &ctx.caller(), &id).await?;
    Ok(Json(r.into()))
}

/// A decision addressed to the caller's organisation, in the provider's view (the
/// assignment, not who decided, no family or case ids). Audited.
#[utoipa::path(get, path = "/api/v1/provider/decisions/{id}", tag = "access", params(("id" = String, Path)),
    responses((status = 200, body = DecisionForProvider), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn provider_decision(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<DecisionForProvider>> {
    let d = eenplan_app::access::decision_for_provider(&app.store, &ctx.caller(), &id).await?;
    Ok(Json(d.into()))
}

// ---- costs ----

#[derive(Deserialize, IntoParams, Default)]
pub struct CostQuery {
    /// CBS code of the municipality (a policy officer: only their own).
    pub municipality: String,
    /// YYYY-MM-DD
    pub from: String,
    /// YYYY-MM-DD
    pub to: String,
}

/// Decided volume and estimated cost per product and provider, ZIN and PGB, and unique
/// youths with access, for a municipality and period. Aggregates only.
#[utoipa::path(get, path = "/api/v1/costs", tag = "access", params(CostQuery),
    responses((status = 200, body = CostReport), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn cost_report(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Query(q): Query<CostQuery>,
) -> ApiResult<Json<CostReport>> {
    eenplan_app::access::check_cost_municipality(&app.store, &ctx.caller(), &q.municipality)
        .await?;
    let mut errors = Vec::new();
    let from = required_date(&mut errors, "from", &q.from);
    let to = required_date(&mut errors, "to", &q.to);
    match (from, to) {
        (Some(f), Some(t)) if errors.is_empty() => {
            let period = eenplan_domain::DateRange::new("to", f, t)?;
            Ok(Json(
                costs::report(&app.store, &q.municipality, period.start(), period.end()).await?,
            ))
        }
        _ => Err(AppError::Invalid(errors)),
    }
}
