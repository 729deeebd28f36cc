//! The API of the local treatment teams: consultation requests, intake, activities,
//! outcome, members, hours and the evaluation table. Writes are the typed commands of
//! `eenplan_app::treatment_team`, read from the JSON body as the pages read them from the
//! form.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use crate::extract::{ApiJson, Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use eenplan_app::input::required_date;
use eenplan_app::treatment_team::{
    self as lbt, AddActivity, AddMember, AskConsultation, CloseConsultation, Intake, RegisterHours,
    open_consultation, own_team, redact,
};
use eenplan_domain::treatment_team::EvaluationRow;
use eenplan_store::treatment_team::{self as store, Consultation, HoursEntry, Membership};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

type ApiResult<T> = Result<T, AppError>;

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: String,
}

/// The CJG asks its treatment team for consultation on a case it holds.
#[utoipa::path(post, path = "/api/v1/cases/{id}/consultations", tag = "treatment_team",
    params(("id" = String, Path)), request_body = AskConsultation,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn request_from_case(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(case_id): Path<String>,
    ApiJson(c): ApiJson<AskConsultation>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = lbt::ask_from_case(&app.store, &ctx.caller(), &case_id, &c).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// The team registers a request from another referrer (GI, waiting list, other).
#[utoipa::path(post, path = "/api/v1/consultations", tag = "treatment_team",
    request_body = AskConsultation,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn request_from_referrer(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    ApiJson(c): ApiJson<AskConsultation>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = lbt::ask_from_referrer(&app.store, &ctx.caller(), &c).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A request as the team sees it (the question and the case only with consent).
#[utoipa::path(get, path = "/api/v1/consultations/{id}", tag = "treatment_team",
    params(("id" = String, Path)),
    responses((status = 200, body = Consultation), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_consultation(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Consultation>> {
    Ok(Json(
        open_consultation(&app.store, &ctx.caller(), &id).await?,
    ))
}

/// The intake: contra-indication screen, then decline or pick up.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/intake", tag = "treatment_team",
    params(("id" = String, Path)), request_body = Intake,
    responses((status = 200, body = Consultation), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn intake(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(c): ApiJson<Intake>,
) -> ApiResult<Json<Consultation>> {
    lbt::intake(&app.store, &ctx.caller(), &id, &c).await?;
    Ok(Json(
        open_consultation(&app.store, &ctx.caller(), &id).await?,
    ))
}

/// Records advice given, an MDO or a session.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/activities", tag = "treatment_team",
    params(("id" = String, Path)), request_body = AddActivity,
    responses((status = 200, body = Consultation), (status = 422, body = ErrorBody)))]
pub async fn add_activity(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(c): ApiJson<AddActivity>,
) -> ApiResult<Json<Consultation>> {
    lbt::add_activity(&app.store, &ctx.caller(), &id, &c).await?;
    Ok(Json(
        open_consultation(&app.store, &ctx.caller(), &id).await?,
    ))
}

/// Closes a request with its outcome.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/close", tag = "treatment_team",
    params(("id" = String, Path)), request_body = CloseConsultation,
    responses((status = 200, body = Consultation), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn close(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(c): ApiJson<CloseConsultation>,
) -> ApiResult<Json<Consultation>> {
    lbt::close(&app.store, &ctx.caller(), &id, &c).await?;
    Ok(Json(
        open_consultation(&app.store, &ctx.caller(), &id).await?,
    ))
}

#[derive(Deserialize, IntoParams, Default)]
pub struct PeriodQuery {
    /// YYYY-MM-DD
    pub from: String,
    /// YYYY-MM-DD
    pub to: String,
}

/// The pilot's evaluation table for requests made in a period: per referrer the cases,
/// advice, consultation/treatment and referred on, and the total.
#[utoipa::path(get, path = "/api/v1/treatment-teams/{id}/evaluation", tag = "treatment_team",
    params(("id" = String, Path), PeriodQuery),
    responses((status = 200, body = [EvaluationRow]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn evaluation(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(team_id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Json<Vec<EvaluationRow>>> {
    own_team(&app.store, &ctx.caller(), &team_id).await?;
    let mut errors = Vec::new();
    let from = required_date(&mut errors, "from", &q.from);
    let to = required_date(&mut errors, "to", &q.to);
    match (from, to) {
        (Some(f), Some(t)) if errors.is_empty() => Ok(Json(
            store::evaluation_table(&app.store, Some(&team_id), f, t).await?,
        )),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// The coordinator adds a member to the team for a period.
#[utoipa::path(post, path = "/api/v1/treatment-teams/{id}/members", tag = "treatment_team",
    params(("id" = String, Path)), request_body = AddMember,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_member(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(team_id): Path<String>,
    ApiJson(c): ApiJson<AddMember>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = lbt::add_member(&app.store, &ctx.caller(), &team_id, &c).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A member registers hours in the team.
#[utoipa::path(post, path = "/api/v1/treatment-teams/{id}/hours", tag = "treatment_team",
    params(("id" = String, Path)), request_body = RegisterHours,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn register_hours(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(team_id): Path<String>,
    ApiJson(c): ApiJson<RegisterHours>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = lbt::register_hours(&app.store, &ctx.caller(), &team_id, &c).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// The team's requests, open ones first (the question and the case only with consent).
#[utoipa::path(get, path = "/api/v1/treatment-teams/{id}/consultations", tag = "treatment_team",
    params(("id" = String, Path)),
    responses((status = 200, body = [Consultation]), (status = 403, body = ErrorBody)))]
pub async fn team_consultations(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(team_id): Path<String>,
) -> ApiResult<Json<Vec<Consultation>>> {
    own_team(&app.store, &ctx.caller(), &team_id).await?;
    let mut list = store::team_requests(&app.store, &team_id).await?;
    list.iter_mut().for_each(redact);
    eenplan_app::case_access::record_list(
        &app.store,
        &ctx.caller(),
        "consultation.list",
        list.iter().filter_map(|c| c.case_id.clone()),
    )
    .await?;
    Ok(Json(list))
}

/// The team's hours in a period.
#[utoipa::path(get, path = "/api/v1/treatment-teams/{id}/hours", tag = "treatment_team",
    params(("id" = String, Path), PeriodQuery),
    responses((status = 200, body = [HoursEntry]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn team_hours(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(team_id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Json<Vec<HoursEntry>>> {
    own_team(&app.store, &ctx.caller(), &team_id).await?;
    let mut errors = Vec::new();
    let from = required_date(&mut errors, "from", &q.from);
    let to = required_date(&mut errors, "to", &q.to);
    match (from, to) {
        (Some(f), Some(t)) if errors.is_empty() => {
            Ok(Json(store::team_hours(&app.store, &team_id, f, t).await?))
        }
        _ => Err(AppError::Invalid(errors)),
    }
}

/// The team's memberships, current and past.
#[utoipa::path(get, path = "/api/v1/treatment-teams/{id}/members", tag = "treatment_team",
    params(("id" = String, Path)),
    responses((status = 200, body = [Membership]), (status = 403, body = ErrorBody)))]
pub async fn team_members(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(team_id): Path<String>,
) -> ApiResult<Json<Vec<Membership>>> {
    own_team(&app.store, &ctx.caller(), &team_id).await?;
    Ok(Json(store::memberships(&app.store, &team_id).await?))
}
