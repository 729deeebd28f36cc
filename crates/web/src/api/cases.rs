//! The API of families, registrations, cases and the family plan. Every handler asks
//! `eenplan_app::case_access` for the grant before it touches a case, so the API and the
//! pages share one access rule, one parser per input and one audit trail.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody, Problem};
use crate::extract::{ApiJson, Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use eenplan_app::case_access;
use eenplan_app::cases as app_cases;
use eenplan_app::input::today;
use eenplan_app::plan::{self as app_plan, Saved, current_plan};
use eenplan_app::registration::{self, Outcome, RegistrationFields};
use eenplan_domain::Bsn;
use eenplan_domain::family::parse_birth_date;
use eenplan_domain::plan::{self, Change, PlanContent};
use eenplan_store::cases::{self, CaseSummary};
use eenplan_store::grant::Basis;
use eenplan_store::plans;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

type ApiResult<T> = Result<T, AppError>;

fn invalid(p: Problem) -> AppError {
    AppError::Invalid(vec![p])
}

// ---- registrations ----

/// Registers a question: it lands with the local team of the municipality, on the
/// family's open case, its case closed within the reopening window, or a new case. A youth
/// that likely exists already is refused (422) until linked (`existing_id`) or, for a
/// name-and-birth-date match, confirmed as different (`confirm_new`).
#[utoipa::path(post, path = "/api/v1/registrations", tag = "cases", request_body = RegistrationFields,
    responses((status = 201, body = cases::Registered), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_registration(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    ApiJson(f): ApiJson<RegistrationFields>,
) -> ApiResult<(StatusCode, Json<cases::Registered>)> {
    match registration::register(&app.store, &ctx.caller(), &f).await? {
        Outcome::Registered(done) => Ok((StatusCode::CREATED, Json(done))),
        Outcome::Duplicates { problems, .. } => Err(AppError::Invalid(problems)),
    }
}

/// Who to look for. In the body, never in the URL: a BSN, name or birth date does not
/// belong in addresses, histories and logs.
#[derive(Deserialize, ToSchema, Default)]
pub struct MatchQuery {
    #[serde(default)]
    pub name: String,
    /// YYYY-MM-DD
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub bsn: String,
}

/// Known youths that likely are the given one: same BSN, or a close name with the same
/// birth date. Audited as a search.
#[utoipa::path(post, path = "/api/v1/youths/matches", tag = "cases", request_body = MatchQuery,
    responses((status = 200, body = [cases::Match]), (status = 422, body = ErrorBody)))]
pub async fn youth_matches(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    ApiJson(q): ApiJson<MatchQuery>,
) -> ApiResult<Json<Vec<cases::Match>>> {
    let mut errors = Vec::new();
    let birth = match q.birth_date.trim() {
        "" => None,
        s => parse_birth_date("birth_date", s, today())
            .map_err(|e| errors.push(e.into()))
            .ok(),
    };
    let bsn = match q.bsn.trim() {
        "" => None,
        s => Bsn::parse("bsn", s).map_err(|e| errors.push(e.into())).ok(),
    };
    if bsn.is_none() && (birth.is_none() || q.name.trim().is_empty()) && errors.is_empty() {
        errors.push(Problem::new(
            "",
            "Geef een BSN, of een naam met geboortedatum.",
            "Give a BSN, or a name with a birth date.",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let matches = eenplan_app::registration::likely_duplicates(
        &app.store,
        &ctx.caller(),
        &q.name,
        birth,
        bsn,
    )
    .await?;
    Ok(Json(matches))
}

/// New registrations waiting for pick-up in the caller's teams, longest waiting first.
#[utoipa::path(get, path = "/api/v1/registrations/waiting", tag = "cases",
    responses((status = 200, body = [cases::WaitingRow])))]
pub async fn waiting(
    State(app): State<AppState>,
    Auth(ctx): Auth,
) -> ApiResult<Json<Vec<cases::WaitingRow>>> {
    let rows = cases::waiting(&app.store, &ctx.principal.user_id).await?;
    case_access::record_list(
        &app.store,
        &ctx.caller(),
        "waiting.read",
        rows.iter().map(|r| r.id.clone()),
    )
    .await?;
    Ok(Json(rows))
}

/// What to search for, in the body (see [`MatchQuery`]).
#[derive(Deserialize, ToSchema, Default)]
pub struct SearchQuery {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub bsn: String,
    /// YYYY-MM-DD
    #[serde(default)]
    pub birth_date: String,
}

/// Searches youths and parents by name, BSN and birth date in the cases the caller may
/// open. Every search is audited.
#[utoipa::path(post, path = "/api/v1/search", tag = "cases", request_body = SearchQuery,
    responses((status = 200, body = [cases::SearchHit]), (status = 422, body = ErrorBody)))]
pub async fn search(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    ApiJson(q): ApiJson<SearchQuery>,
) -> ApiResult<Json<Vec<cases::SearchHit>>> {
    let query =
        app_cases::parse_search(&q.name, &q.bsn, &q.birth_date).map_err(AppError::Invalid)?;
    if query.name.is_none() && query.bsn.is_none() && query.birth_date.is_none() {
        return Err(invalid(Problem::new(
            "name",
            "Geef een naam, BSN of geboortedatum.",
            "Give a name, BSN or birth date.",
        )));
    }
    Ok(Json(
        cases::search(&app.store, &ctx.actor(), &ctx.principal.user_id, &query).await?,
    ))
}

// ---- cases ----

/// The caller's open cases, the next action due first.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases",
    responses((status = 200, body = [cases::CaseloadRow])))]
pub async fn caseload(
    State(app): State<AppState>,
    Auth(ctx): Auth,
) -> ApiResult<Json<Vec<cases::CaseloadRow>>> {
    let rows = cases::caseload(&app.store, &ctx.principal.user_id).await?;
    case_access::record_list(
        &app.store,
        &ctx.caller(),
        "caseload.read",
        rows.iter().map(|r| r.id.clone()),
    )
    .await?;
    Ok(Json(rows))
}

#[derive(Serialize, ToSchema)]
pub struct CaseDetail {
    pub case: CaseSummary,
    /// Why the caller may see it: team, former_team (a closed case, as it was when it
    /// closed), involved, treatment_team_with_consent or break_glass.
    pub access: Basis,
    pub persons: Vec<cases::Person>,
    pub network: Vec<cases::NetworkMember>,
    pub registrations: Vec<cases::RegistrationRecord>,
    pub involvements: Vec<cases::Involvement>,
    pub timeline: Vec<cases::CaseEvent>,
}

/// A case with its family, network, registrations, involvements and timeline.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = String, Path)),
    responses((status = 200, body = CaseDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_case(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<CaseDetail>> {
    let grant = case_access::open(&app.store, &ctx.caller(), &id).await?;
    let case = grant.case().clone();
    case_access::record_read(&app.store, &ctx.caller(), &grant, "read").await?;
    let s = &app.store;
    Ok(Json(CaseDetail {
        persons: cases::persons(s, &grant).await?,
        network: cases::network(s, &grant).await?,
        registrations: cases::registrations(s, &grant).await?,
        involvements: cases::involvements(s, &grant).await?,
        timeline: cases::timeline(s, &grant).await?,
        access: grant.basis(),
        case,
    }))
}

/// Sets the kind of help and the drang marker (holding team).
#[utoipa::path(put, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = String, Path)), request_body = app_cases::UpdateCase,
    responses((status = 200, body = CaseSummary), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_case(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<app_cases::UpdateCase>,
) -> ApiResult<Json<CaseSummary>> {
    let grant = app_cases::update_case(&app.store, &ctx.caller(), &id, &b).await?;
    case_access::record_read(&app.store, &ctx.caller(), &grant, "read").await?;
    Ok(Json(grant.into_case()))
}

/// Moves a case along: pick up (the caller becomes its worker), close (date and reason),
/// or reopen (only within the reopening window). Holding team only.
#[utoipa::path(post, path = "/api/v1/cases/{id}/transitions", tag = "cases", params(("id" = String, Path)), request_body = app_cases::Transition,
    responses((status = 200, body = CaseSummary), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn transition(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<app_cases::Transition>,
) -> ApiResult<Json<CaseSummary>> {
    let grant = app_cases::transition(&app.store, &ctx.caller(), &id, &b).await?;
    case_access::record_read(&app.store, &ctx.caller(), &grant, "read").await?;
    Ok(Json(grant.into_case()))
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: String,
}

/// Adds a youth or a parent/carer to the case's family.
#[utoipa::path(post, path = "/api/v1/cases/{id}/persons", tag = "cases", params(("id" = String, Path)), request_body = app_cases::PersonDetails,
    responses((status = 201, body = Created), (status = 422, body = ErrorBody)))]
pub async fn add_person(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<app_cases::PersonDetails>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = app_cases::add_person(&app.store, &ctx.caller(), &id, &b).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Changes a member of the case's family.
#[utoipa::path(put, path = "/api/v1/cases/{id}/persons/{person}", tag = "cases", params(("id" = String, Path), ("person" = String, Path)), request_body = app_cases::PersonDetails,
    responses((status = 204), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_person(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path((id, person)): Path<(String, String)>,
    ApiJson(b): ApiJson<app_cases::PersonDetails>,
) -> ApiResult<StatusCode> {
    app_cases::update_person(&app.store, &ctx.caller(), &id, &person, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a network member (relative, friend, neighbour, JIM mentor) to the family.
#[utoipa::path(post, path = "/api/v1/cases/{id}/network", tag = "cases", params(("id" = String, Path)), request_body = app_cases::NetworkDetails,
    responses((status = 201, body = Created), (status = 422, body = ErrorBody)))]
pub async fn add_network_member(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<app_cases::NetworkDetails>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = app_cases::add_network_member(&app.store, &ctx.caller(), &id, &b).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Changes a network member.
#[utoipa::path(put, path = "/api/v1/cases/{id}/network/{member}", tag = "cases", params(("id" = String, Path), ("member" = String, Path)), request_body = app_cases::NetworkDetails,
    responses((status = 204), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_network_member(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path((id, member)): Path<(String, String)>,
    ApiJson(b): ApiJson<app_cases::NetworkDetails>,
) -> ApiResult<StatusCode> {
    app_cases::update_network_member(&app.store, &ctx.caller(), &id, &member, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Involves a professional in the case, with the reason (the coordinator, or the holding
/// team while the family coordinates itself).
#[utoipa::path(post, path = "/api/v1/cases/{id}/involvements", tag = "cases", params(("id" = String, Path)), request_body = app_cases::Involve,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_involvement(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<app_cases::Involve>,
) -> ApiResult<StatusCode> {
    app_cases::add_involvement(&app.store, &ctx.caller(), &id, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends the involvement of a professional.
#[utoipa::path(delete, path = "/api/v1/cases/{id}/involvements/{user}", tag = "cases", params(("id" = String, Path), ("user" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn end_involvement(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path((id, user)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    app_cases::end_involvement(&app.store, &ctx.caller(), &id, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Breaks the glass: opens a case the caller is not involved in for 8 hours, with the
/// reason. Flagged in the audit log and listed for the holding team's reviewer.
#[utoipa::path(post, path = "/api/v1/cases/{id}/break-glass", tag = "cases", params(("id" = String, Path)), request_body = app_cases::BreakGlass,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn break_glass(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<app_cases::BreakGlass>,
) -> ApiResult<StatusCode> {
    app_cases::break_glass(&app.store, &ctx.caller(), &id, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- plan ----

#[derive(Serialize, ToSchema)]
pub struct PlanDto {
    pub state: plans::PlanState,
    /// The current version; absent while the family has no plan yet.
    pub current: Option<plans::PlanVersion>,
}

/// The family plan of the case's family: who coordinates, and the current version.
#[utoipa::path(get, path = "/api/v1/cases/{id}/plan", tag = "plan", params(("id" = String, Path)),
    responses((status = 200, body = PlanDto), (status = 403, body = ErrorBody)))]
pub async fn get_plan(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<PlanDto>> {
    let grant = case_access::open(&app.store, &ctx.caller(), &id).await?;
    case_access::record_read(&app.store, &ctx.caller(), &grant, "plan_read").await?;
    let state = plans::state(&app.store, &grant).await?;
    let current = if state.current_version > 0 {
        Some(plans::version(&app.store, &grant, state.current_version).await?)
    } else {
        None
    };
    Ok(Json(PlanDto { state, current }))
}

/// The answer to a save against a stale version: what changed since the version the
/// caller started from (`base`), and the plan's current state to save against.
#[derive(Serialize, ToSchema)]
pub struct PlanConflict {
    /// Always `conflict`.
    pub error: String,
    pub message: String,
    pub message_nl: String,
    pub state: plans::PlanState,
    pub changes: Vec<Change>,
}

#[derive(Serialize, ToSchema)]
pub struct SavedPlan {
    /// The number of the new version.
    pub number: i64,
    pub content: PlanContent,
}

/// Saves the plan as a new version. Goals and actions keep their ids across versions
/// (give the id to change one; leave it out for a new one).
#[utoipa::path(put, path = "/api/v1/cases/{id}/plan", tag = "plan", params(("id" = String, Path)), request_body = app_plan::SavePlan,
    responses((status = 200, body = SavedPlan), (status = 409, body = PlanConflict), (status = 422, body = ErrorBody)))]
pub async fn save_plan(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<app_plan::SavePlan>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    match app_plan::save(&app.store, &ctx.caller(), &id, &b).await? {
        Saved::Saved { number, content } => Ok(Json(SavedPlan { number, content }).into_response()),
        Saved::Conflict { state, changes } => {
            let body = PlanConflict {
                error: "conflict".into(),
                message: "Someone else changed the plan in the meantime; see changes, then save against state.version.".into(),
                message_nl: "Iemand anders wijzigde het plan intussen; zie changes en sla op tegen state.version.".into(),
                state,
                changes,
            };
            Ok((StatusCode::CONFLICT, Json(body)).into_response())
        }
    }
}

/// One version of the plan, as it was saved (and agreed).
#[utoipa::path(get, path = "/api/v1/cases/{id}/plan/versions/{number}", tag = "plan", params(("id" = String, Path), ("number" = i64, Path)),
    responses((status = 200, body = plans::PlanVersion), (status = 404, body = ErrorBody)))]
pub async fn plan_version(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path((id, number)): Path<(String, i64)>,
) -> ApiResult<Json<plans::PlanVersion>> {
    let grant = case_access::open(&app.store, &ctx.caller(), &id).await?;
    let v = plans::version(&app.store, &grant, number).await?;
    case_access::record_read(&app.store, &ctx.caller(), &grant, "plan_read").await?;
    Ok(Json(v))
}

#[derive(Deserialize, IntoParams, Default)]
pub struct DiffParams {
    /// Older version (0 = empty plan); default the one before `to`.
    pub from: Option<i64>,
    /// Newer version; default the current one.
    pub to: Option<i64>,
}

/// What changed between two versions of the plan.
#[utoipa::path(get, path = "/api/v1/cases/{id}/plan/diff", tag = "plan", params(("id" = String, Path), DiffParams),
    responses((status = 200, body = [Change]), (status = 404, body = ErrorBody)))]
pub async fn plan_diff(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    Query(q): Query<DiffParams>,
) -> ApiResult<Json<Vec<Change>>> {
    let grant = case_access::open(&app.store, &ctx.caller(), &id).await?;
    let (state, current) = current_plan(&app.store, &grant).await?;
    let to = q.to.unwrap_or(state.current_version);
    let from = q.from.unwrap_or(to.saturating_sub(1));
    let new = if to == state.current_version {
        current
    } else {
        plans::version(&app.store, &grant, to).await?.content
    };
    let old = if from <= 0 {
        PlanContent::default()
    } else {
        plans::version(&app.store, &grant, from).await?.content
    };
    if to <= 0 {
        return Err(AppError::NotFound);
    }
    case_access::record_read(&app.store, &ctx.caller(), &grant, "plan_read").await?;
    Ok(Json(plan::diff(&old, &new)))
}

/// Records the family's agreement with the current version.
#[utoipa::path(post, path = "/api/v1/cases/{id}/plan/agreement", tag = "plan", params(("id" = String, Path)), request_body = app_plan::Agreement,
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn agree(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<app_plan::Agreement>,
) -> ApiResult<StatusCode> {
    app_plan::agree(&app.store, &ctx.caller(), &id, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets who coordinates: the family itself or a named professional.
#[utoipa::path(put, path = "/api/v1/cases/{id}/plan/coordinator", tag = "plan", params(("id" = String, Path)), request_body = app_plan::Coordinator,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_coordinator(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<app_plan::Coordinator>,
) -> ApiResult<StatusCode> {
    app_plan::set_coordinator(&app.store, &ctx.caller(), &id, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- supervision ----

/// Break-the-glass accesses to cases of the reviewer's teams, newest first.
#[utoipa::path(get, path = "/api/v1/break-glass-accesses", tag = "cases",
    responses((status = 200, body = [cases::BreakGlassAccess])))]
pub async fn break_glass_accesses(
    State(app): State<AppState>,
    Auth(ctx): Auth,
) -> ApiResult<Json<Vec<cases::BreakGlassAccess>>> {
    Ok(Json(
        case_access::break_glass_accesses(&app.store, &ctx.caller()).await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct Transferred {
    pub moved: u64,
}

/// Moves the open cases of a worker to a colleague in the same team; the coordinator
/// role follows where it was the leaving worker.
#[utoipa::path(post, path = "/api/v1/caseload-transfers", tag = "cases", request_body = app_cases::TransferCaseload,
    responses((status = 200, body = Transferred), (status = 422, body = ErrorBody)))]
pub async fn transfer(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    ApiJson(b): ApiJson<app_cases::TransferCaseload>,
) -> ApiResult<Json<Transferred>> {
    let moved = app_cases::transfer_caseload(&app.store, &ctx.caller(), &b).await?;
    Ok(Json(Transferred { moved }))
}
