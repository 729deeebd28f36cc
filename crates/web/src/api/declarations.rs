//! The API of the yearly declarations of the treatment teams' hours, and the
//! coordinator's approval of hours: the team coordinator only. Reads and writes go
//! through `eenplan_app::declarations` (one parser, one audit per read).

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use crate::extract::{ApiJson, Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use eenplan_app::declarations::{
    IssueDeclaration, issue as issue_action, open as open_declaration, overview as overview_action,
    year_of,
};
use eenplan_app::treatment_team::{self as lbt, ApproveHours};
use eenplan_store::audit::Action;
use eenplan_store::declarations::{Declaration, OverviewRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

type ApiResult<T> = Result<T, AppError>;

#[derive(Deserialize, IntoParams, Default)]
pub struct YearParams {
    /// The calendar year, e.g. 2025; the current year when left out.
    #[serde(default)]
    pub year: Option<String>,
}

/// Per provider organisation with members or hours in the year: the hours registered,
/// approved and committed, the draft declaration (approved hours at the hourly rate) and
/// the declarations issued. Audited.
#[utoipa::path(get, path = "/api/v1/declarations", tag = "treatment_team", params(YearParams),
    responses((status = 200, body = [OverviewRow]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn overview(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Query(q): Query<YearParams>,
) -> ApiResult<Json<Vec<OverviewRow>>> {
    let year = year_of("year", q.year.as_deref().unwrap_or(""))?;
    Ok(Json(
        overview_action(&app.store, &ctx.caller(), year).await?,
    ))
}

/// Issues the organisation's declaration for the year from its approved hours at the
/// configured hourly rate. Issued before: a correction, the next version, and the
/// earlier version is marked superseded. Never changed afterwards.
#[utoipa::path(post, path = "/api/v1/declarations", tag = "treatment_team", request_body = IssueDeclaration,
    responses((status = 201, body = Declaration), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn issue(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    ApiJson(c): ApiJson<IssueDeclaration>,
) -> ApiResult<(StatusCode, Json<Declaration>)> {
    let id = issue_action(&app.store, &ctx.caller(), &c).await?;
    let d = open_declaration(
        &app.store,
        &ctx.caller(),
        &id,
        "declaration.read",
        Action::Read,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// One issued declaration with its lines per team and activity and per member. Audited.
#[utoipa::path(get, path = "/api/v1/declarations/{id}", tag = "treatment_team",
    params(("id" = String, Path)),
    responses((status = 200, body = Declaration), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_declaration(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Declaration>> {
    Ok(Json(
        open_declaration(
            &app.store,
            &ctx.caller(),
            &id,
            "declaration.read",
            Action::Read,
        )
        .await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct Approved {
    /// How many entries were approved now (already approved ones are left as they are).
    pub approved: u64,
}

/// The team's coordinator approves registered hours; only approved hours are declared.
#[utoipa::path(post, path = "/api/v1/treatment-teams/{id}/hours/approval", tag = "treatment_team",
    params(("id" = String, Path)), request_body = ApproveHours,
    responses((status = 200, body = Approved), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn approve_hours(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(team_id): Path<String>,
    ApiJson(c): ApiJson<ApproveHours>,
) -> ApiResult<Json<Approved>> {
    // Only a coordinator of this very team (a member of it in `team_members`).
    let approved = lbt::approve_hours(&app.store, &ctx.caller(), &team_id, &c).await?;
    Ok(Json(Approved { approved }))
}
