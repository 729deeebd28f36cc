//! The API of the local treatment teams: consultation requests, intake, activities,
//! outcome, members, hours and the evaluation table. Writes go through the actions of
//! `eenplan_app::treatment_team` (the JSON body handed in as the form's fields).

use super::{fields, opt};
use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use crate::extract::{ApiJson, Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use eenplan_app::input::{Fields, required_date};
use eenplan_app::treatment_team::{
    activity_action, add_member_action, close_action, hours_action, intake_action,
    open_consultation, own_team, redact, request_from_case_action, request_from_referrer_action,
};
use eenplan_domain::treatment_team::EvaluationRow;
use eenplan_store::treatment_team::{self as store, Consultation, HoursEntry, Membership};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

type ApiResult<T> = Result<T, AppError>;

/// A consultation request.
#[derive(Deserialize, ToSchema)]
pub struct ConsultationBody {
    /// cjg (only from a case), gi, ggz_wachtlijst or overig.
    #[serde(default)]
    pub referrer: Option<String>,
    /// Who asked, e.g. the GI's worker (not a client).
    #[serde(default)]
    pub referrer_name: Option<String>,
    /// CBS code; from a case, the case's municipality.
    #[serde(default)]
    pub municipality_code: Option<String>,
    /// YYYY-MM-DD; today when empty.
    #[serde(default)]
    pub requested_on: Option<String>,
    /// advice or consultation_treatment.
    pub kind: String,
    /// broad_analysis, specialised_considered, no_result, client_asks, long_in_care, spar.
    pub reason: String,
    pub question: String,
    /// The question without anything that identifies the family: what the team sees
    /// without consent.
    pub anonymised_question: String,
    #[serde(default)]
    pub consent: bool,
    #[serde(default)]
    pub consent_by: Option<String>,
    /// YYYY-MM-DD
    #[serde(default)]
    pub consent_on: Option<String>,
    #[serde(default)]
    pub consent_scope: Option<String>,
}

impl ConsultationBody {
    fn fields(&self) -> Fields {
        fields(vec![
            ("referrer", opt(&self.referrer)),
            ("referrer_name", opt(&self.referrer_name)),
            ("municipality_code", opt(&self.municipality_code)),
            ("requested_on", opt(&self.requested_on)),
            ("kind", self.kind.clone()),
            ("reason", self.reason.clone()),
            ("question", self.question.clone()),
            ("anonymised_question", self.anonymised_question.clone()),
            ("consent", if self.consent { "1" } else { "" }.to_owned()),
            ("consent_by", opt(&self.consent_by)),
            ("consent_on", opt(&self.consent_on)),
            ("consent_scope", opt(&self.consent_scope)),
        ])
    }
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: String,
}

/// The CJG asks its treatment team for consultation on a case it holds.
#[utoipa::path(post, path = "/api/v1/cases/{id}/consultations", tag = "treatment_team",
    params(("id" = String, Path)), request_body = ConsultationBody,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn request_from_case(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(case_id): Path<String>,
    ApiJson(b): ApiJson<ConsultationBody>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = request_from_case_action(&app.store, &ctx.caller(), &case_id, &b.fields()).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// The team registers a request from another referrer (GI, waiting list, other).
#[utoipa::path(post, path = "/api/v1/consultations", tag = "treatment_team",
    request_body = ConsultationBody,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn request_from_referrer(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    ApiJson(b): ApiJson<ConsultationBody>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = request_from_referrer_action(&app.store, &ctx.caller(), &b.fields()).await?;
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

#[derive(Deserialize, ToSchema)]
pub struct IntakeBody {
    pub version: Option<i64>,
    /// YYYY-MM-DD; today when empty.
    #[serde(default)]
    pub on: Option<String>,
    /// The contra-indication found, if any (then the team declines).
    #[serde(default)]
    pub contra_indication: Option<String>,
    /// Where to go instead (required when declining).
    #[serde(default)]
    pub decline_advice: Option<String>,
    /// The team members (user ids) who take the request up.
    #[serde(default)]
    pub members: Vec<String>,
}

/// The intake: contra-indication screen, then decline or pick up.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/intake", tag = "treatment_team",
    params(("id" = String, Path)), request_body = IntakeBody,
    responses((status = 200, body = Consultation), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn intake(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<IntakeBody>,
) -> ApiResult<Json<Consultation>> {
    let mut f = fields(vec![
        ("version", opt(&b.version)),
        ("on", opt(&b.on)),
        ("contra_indication", opt(&b.contra_indication)),
        ("decline_advice", opt(&b.decline_advice)),
    ]);
    for m in &b.members {
        f.0.push(("members".into(), m.clone()));
    }
    intake_action(&app.store, &ctx.caller(), &id, &f).await?;
    Ok(Json(
        open_consultation(&app.store, &ctx.caller(), &id).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ActivityBody {
    /// advice, mdo, psycho_education, system_conversation or diagnostics.
    pub kind: String,
    /// YYYY-MM-DD
    pub on: String,
    /// home or office (sessions).
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub attendees: Option<String>,
    /// Notes shared with the case's professionals.
    #[serde(default)]
    pub notes: Option<String>,
}

/// Records advice given, an MDO or a session.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/activities", tag = "treatment_team",
    params(("id" = String, Path)), request_body = ActivityBody,
    responses((status = 200, body = Consultation), (status = 422, body = ErrorBody)))]
pub async fn add_activity(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ActivityBody>,
) -> ApiResult<Json<Consultation>> {
    let f = fields(vec![
        ("kind", b.kind),
        ("on", b.on),
        ("place", opt(&b.place)),
        ("attendees", opt(&b.attendees)),
        ("notes", opt(&b.notes)),
    ]);
    activity_action(&app.store, &ctx.caller(), &id, &f).await?;
    Ok(Json(
        open_consultation(&app.store, &ctx.caller(), &id).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct CloseBody {
    pub version: Option<i64>,
    /// advice or consultation_treatment.
    pub outcome: String,
    /// The provider referred on to, if any.
    #[serde(default)]
    pub referred_to: Option<String>,
    /// YYYY-MM-DD; today when empty.
    #[serde(default)]
    pub closed_on: Option<String>,
}

/// Closes a request with its outcome.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/close", tag = "treatment_team",
    params(("id" = String, Path)), request_body = CloseBody,
    responses((status = 200, body = Consultation), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn close(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<CloseBody>,
) -> ApiResult<Json<Consultation>> {
    let f = fields(vec![
        ("version", opt(&b.version)),
        ("outcome", b.outcome),
        ("referred_to", opt(&b.referred_to)),
        ("closed_on", opt(&b.closed_on)),
    ]);
    close_action(&app.store, &ctx.caller(), &id, &f).await?;
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

#[derive(Deserialize, ToSchema)]
pub struct MemberBody {
    pub user_id: String,
    /// psychologist, orthopedagogue, system therapist, ...
    pub discipline: String,
    /// Expertise tags, e.g. "trauma, LVB".
    #[serde(default)]
    pub expertise: Option<String>,
    /// Hours per week, e.g. "8" or "10,5".
    pub committed_hours: String,
    /// YYYY-MM-DD
    pub valid_from: String,
    /// YYYY-MM-DD
    #[serde(default)]
    pub valid_to: Option<String>,
}

/// The coordinator adds a member to the team for a period.
#[utoipa::path(post, path = "/api/v1/treatment-teams/{id}/members", tag = "treatment_team",
    params(("id" = String, Path)), request_body = MemberBody,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_member(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(team_id): Path<String>,
    ApiJson(b): ApiJson<MemberBody>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let f = fields(vec![
        ("user_id", b.user_id),
        ("discipline", b.discipline),
        ("expertise", opt(&b.expertise)),
        ("committed_hours", b.committed_hours),
        ("valid_from", b.valid_from),
        ("valid_to", opt(&b.valid_to)),
    ]);
    let id = add_member_action(&app.store, &ctx.caller(), &team_id, &f).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Deserialize, ToSchema)]
pub struct HoursBody {
    /// YYYY-MM-DD
    pub on: String,
    /// Hours in quarters, e.g. "1,5".
    pub hours: String,
    /// consultation, mdo, treatment, coordination or travel.
    pub activity: String,
    /// The request the hours were spent on, if any.
    #[serde(default)]
    pub request_id: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A member registers hours in the team.
#[utoipa::path(post, path = "/api/v1/treatment-teams/{id}/hours", tag = "treatment_team",
    params(("id" = String, Path)), request_body = HoursBody,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn register_hours(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(team_id): Path<String>,
    ApiJson(b): ApiJson<HoursBody>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let f = fields(vec![
        ("on", b.on),
        ("hours", b.hours),
        ("activity", b.activity),
        ("request_id", opt(&b.request_id)),
        ("note", opt(&b.note)),
    ]);
    let id = hours_action(&app.store, &ctx.caller(), &team_id, &f).await?;
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
