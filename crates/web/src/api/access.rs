//! The API of access to specialised care: the catalogue (read), access requests and their
//! steps, decisions, evaluations, the provider's part and the cost figures. Writes are the
//! application layer's typed commands (`eenplan_app::access`), read from the JSON body as
//! the pages read them from the form.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use crate::extract::{ApiJson, Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use eenplan_app::access::{
    self, ChangeDecision, ProviderEffort, RecordEvaluation, ReportCare, SpendTime, TakeStep,
    WriteRequest, open_decision, open_request,
};
use eenplan_app::access::{DecisionForProvider, RequestForProvider};
use eenplan_app::case_access;
use eenplan_app::input::{required_date, today};
use eenplan_store::access::{self as store_access, AccessRequest, Decision, DecisionVersion};
use eenplan_store::audit::Action;
use eenplan_store::catalogue::{self, Contract, Product};
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

/// A new draft request for one youth on a case (the holding team).
#[utoipa::path(post, path = "/api/v1/cases/{id}/access-requests", tag = "access", params(("id" = String, Path)),
    request_body = WriteRequest,
    responses((status = 201, body = AccessRequest), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_request(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(case_id): Path<String>,
    ApiJson(c): ApiJson<WriteRequest>,
) -> ApiResult<(StatusCode, Json<AccessRequest>)> {
    let id = access::create_request(&app.store, &ctx.caller(), &case_id, &c).await?;
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
    request_body = WriteRequest,
    responses((status = 200, body = AccessRequest), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_request(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(c): ApiJson<WriteRequest>,
) -> ApiResult<Json<AccessRequest>> {
    access::update_request(&app.store, &ctx.caller(), &id, &c).await?;
    Ok(Json(open_request(&app.store, &ctx.caller(), &id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct StepDone {
    pub request: AccessRequest,
    /// The decision taken on approval.
    pub decision_id: Option<String>,
}

/// Moves a request on; approval takes the decision.
#[utoipa::path(post, path = "/api/v1/access-requests/{id}/steps", tag = "access", params(("id" = String, Path)),
    request_body = TakeStep,
    responses((status = 200, body = StepDone), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn request_step(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(c): ApiJson<TakeStep>,
) -> ApiResult<Json<StepDone>> {
    let decision_id = access::take_step(&app.store, &ctx.caller(), &id, &c).await?;
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
    let evaluations = access::evaluations(&app.store, &decision.id).await?;
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

/// A new version of a decision, or its early end.
#[utoipa::path(post, path = "/api/v1/decisions/{id}/changes", tag = "access", params(("id" = String, Path)),
    request_body = ChangeDecision,
    responses((status = 200, body = DecisionDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change_decision(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(c): ApiJson<ChangeDecision>,
) -> ApiResult<Json<DecisionDetail>> {
    access::change_decision(&app.store, &ctx.caller(), &id, &c).await?;
    let d = open_decision(&app.store, &ctx.caller(), &id).await?;
    Ok(Json(decision_detail(&app, d).await?))
}

/// Time spent on monitoring a decision.
#[utoipa::path(post, path = "/api/v1/decisions/{id}/time", tag = "access", params(("id" = String, Path)),
    request_body = SpendTime,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_time(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(c): ApiJson<SpendTime>,
) -> ApiResult<StatusCode> {
    access::spend_time(&app.store, &ctx.caller(), &id, &c).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records an evaluation held with the family.
#[utoipa::path(post, path = "/api/v1/decisions/{id}/evaluations/{evaluation}", tag = "access",
    params(("id" = String, Path), ("evaluation" = String, Path)), request_body = RecordEvaluation,
    responses((status = 200, body = DecisionDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_evaluation(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path((id, evaluation)): Path<(String, String)>,
    ApiJson(c): ApiJson<RecordEvaluation>,
) -> ApiResult<Json<DecisionDetail>> {
    access::record_evaluation(&app.store, &ctx.caller(), &id, &evaluation, &c).await?;
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
        access::assignments(&app.store, &ctx.caller(), page - 1).await?;
    Ok(Json(Assignments {
        requests: requests.into_iter().map(Into::into).collect(),
        decisions: decisions.into_iter().map(Into::into).collect(),
        total_decisions,
        page,
        per_page: store_access::PROVIDER_PAGE,
    }))
}

/// Support plan part 2 by the provider after its intake (variant 2018).
#[utoipa::path(post, path = "/api/v1/provider/access-requests/{id}/effort", tag = "access",
    params(("id" = String, Path)), request_body = ProviderEffort,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn provider_effort(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(c): ApiJson<ProviderEffort>,
) -> ApiResult<StatusCode> {
    access::provider_effort(&app.store, &ctx.caller(), &id, &c).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The actual start and end of the care, reported by the provider.
#[utoipa::path(post, path = "/api/v1/provider/decisions/{id}/care", tag = "access",
    params(("id" = String, Path)), request_body = ReportCare,
    responses((status = 200, body = DecisionForProvider), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn provider_care(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(c): ApiJson<ReportCare>,
) -> ApiResult<Json<DecisionForProvider>> {
    access::report_care(&app.store, &ctx.caller(), &id, &c).await?;
    let d = access::decision_for_provider(&app.store, &ctx.caller(), &id).await?;
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
    let r = access::request_for_provider(&app.store, &ctx.caller(), &id).await?;
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
    let d = access::decision_for_provider(&app.store, &ctx.caller(), &id).await?;
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
/// youths with access, for a municipality and period. Aggregates only; for viewers who see
/// aggregates only, a calendar month, quarter, half year or year, with the small-number
/// rule applied (a hidden figure is null). Audited.
#[utoipa::path(get, path = "/api/v1/costs", tag = "access", params(CostQuery),
    responses((status = 200, body = eenplan_app::costs::CostView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn cost_report(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Query(q): Query<CostQuery>,
) -> ApiResult<Json<eenplan_app::costs::CostView>> {
    let mut errors = Vec::new();
    let from = required_date(&mut errors, "from", &q.from);
    let to = required_date(&mut errors, "to", &q.to);
    match (from, to) {
        (Some(f), Some(t)) if errors.is_empty() => Ok(Json(
            eenplan_app::costs::report(
                &app.store,
                &ctx.caller(),
                &q.municipality,
                f,
                t,
                Action::Export,
            )
            .await?,
        )),
        _ => Err(AppError::Invalid(errors)),
    }
}
