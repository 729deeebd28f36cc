//! The JSON API under `/api/v1`. Every route is declared with `utoipa::path`, so the
//! OpenAPI 3.1 document at `/api/openapi.json` is generated from the code (and
//! snapshot-tested). Clients authenticate with the session cookie (writes then need the
//! `X-CSRF-Token` header) or with a personal API token (`Authorization: Bearer ...`).

mod access;
mod cases;
mod cbs;
mod declarations;
mod messages;
mod reports;
mod treatment_team;

use crate::AppState;
use crate::auth::{Auth, Guard, require};
use crate::error::{AppError, ErrorBody};
use crate::extract::ApiJson;
use crate::extract::{Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::{Json, Router};
use eenplan_app::audit::{AuditQuery, parse_filter, search};
use eenplan_app::directory::{self as directory_cases, TeamDetails};
use eenplan_app::users::{self as app_users, ChangeAccount, NewAccount};
use eenplan_domain::Permission;
use eenplan_domain::codes::CodeList;
use eenplan_store::{codelists, directory, users};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "eenplan API", description = "JSON API of eenplan, the information system of a regional youth-care system. Every access to client data is audited."),
    modifiers(&Security),
    security(("bearer" = []), ("session" = [])),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("Personal API token"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("eenplan_session"))),
        );
    }
}

fn guarded(
    app: &AppState,
    permission: Permission,
    routes: OpenApiRouter<AppState>,
) -> OpenApiRouter<AppState> {
    let guard = Arc::new(Guard {
        app: app.clone(),
        permission,
    });
    routes.route_layer(from_fn_with_state(guard, require))
}

fn api_routes(app: &AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(guarded(
            app,
            Permission::OwnAccount,
            OpenApiRouter::new()
                .routes(routes!(me))
                .routes(routes!(my_sessions))
                .routes(routes!(end_my_session)),
        ))
        .merge(guarded(
            app,
            Permission::ViewDirectory,
            OpenApiRouter::new()
                .routes(routes!(list_municipalities))
                .routes(routes!(list_code_list))
                .routes(routes!(list_organisations))
                .routes(routes!(get_organisation))
                .routes(routes!(list_teams))
                .routes(routes!(access::products))
                .routes(routes!(access::contracts)),
        ))
        .merge(guarded(
            app,
            Permission::ManageOrganisations,
            OpenApiRouter::new()
                .routes(routes!(create_organisation))
                .routes(routes!(update_organisation))
                .routes(routes!(create_team))
                .routes(routes!(update_team)),
        ))
        .merge(guarded(
            app,
            Permission::ManageUsers,
            OpenApiRouter::new()
                .routes(routes!(list_users, create_user))
                .routes(routes!(get_user, update_user))
                .routes(routes!(list_approvals))
                .routes(routes!(decide_approval)),
        ))
        .merge(guarded(
            app,
            Permission::SearchAuditLog,
            OpenApiRouter::new().routes(routes!(search_audit)),
        ))
        .merge(guarded(
            app,
            Permission::ViewCases,
            OpenApiRouter::new()
                .routes(routes!(cases::caseload))
                .routes(routes!(cases::get_case, cases::update_case))
                .routes(routes!(cases::add_person))
                .routes(routes!(cases::update_person))
                .routes(routes!(cases::add_network_member))
                .routes(routes!(cases::update_network_member))
                .routes(routes!(cases::add_involvement))
                .routes(routes!(cases::end_involvement))
                .routes(routes!(cases::get_plan, cases::save_plan))
                .routes(routes!(cases::plan_version))
                .routes(routes!(cases::plan_diff))
                .routes(routes!(cases::agree))
                .routes(routes!(cases::set_coordinator))
                .routes(routes!(access::get_request))
                .routes(routes!(access::get_decision)),
        ))
        .merge(guarded(
            app,
            Permission::RegisterCases,
            OpenApiRouter::new()
                .routes(routes!(cases::create_registration))
                .routes(routes!(cases::youth_matches))
                .routes(routes!(cases::waiting))
                .routes(routes!(cases::search))
                .routes(routes!(cases::transition))
                .routes(routes!(access::create_request))
                .routes(routes!(access::update_request))
                .routes(routes!(access::request_step))
                .routes(routes!(access::change_decision))
                .routes(routes!(access::add_time))
                .routes(routes!(access::record_evaluation))
                .routes(routes!(access::due))
                .routes(routes!(treatment_team::request_from_case)),
        ))
        .merge(guarded(
            app,
            Permission::TreatmentTeamWork,
            OpenApiRouter::new()
                .routes(routes!(treatment_team::request_from_referrer))
                .routes(routes!(treatment_team::get_consultation))
                .routes(routes!(treatment_team::intake))
                .routes(routes!(treatment_team::add_activity))
                .routes(routes!(treatment_team::close))
                .routes(routes!(treatment_team::evaluation))
                .routes(routes!(
                    treatment_team::register_hours,
                    treatment_team::team_hours
                ))
                .routes(routes!(treatment_team::team_consultations)),
        ))
        .merge(guarded(
            app,
            Permission::CoordinateTreatmentTeam,
            OpenApiRouter::new().routes(routes!(treatment_team::add_member)),
        ))
        .merge(guarded(
            app,
            Permission::TreatmentTeamWork,
            OpenApiRouter::new().routes(routes!(treatment_team::team_members)),
        ))
        .merge(guarded(
            app,
            Permission::CoordinateTreatmentTeam,
            OpenApiRouter::new()
                .routes(routes!(declarations::overview, declarations::issue))
                .routes(routes!(declarations::get_declaration))
                .routes(routes!(declarations::approve_hours)),
        ))
        .merge(guarded(
            app,
            Permission::ProviderAssignments,
            OpenApiRouter::new()
                .routes(routes!(access::assignments))
                .routes(routes!(access::provider_effort))
                .routes(routes!(access::provider_care))
                .routes(routes!(access::provider_request))
                .routes(routes!(access::provider_decision)),
        ))
        .merge(guarded(
            app,
            Permission::ViewReports,
            OpenApiRouter::new()
                .routes(routes!(reports::list_reports))
                .routes(routes!(reports::get_report)),
        ))
        .merge(guarded(
            app,
            Permission::ExchangeMessages,
            OpenApiRouter::new()
                .routes(routes!(messages::list, messages::deliver))
                .routes(routes!(messages::search))
                .routes(routes!(messages::get_message))
                .routes(routes!(messages::outbox))
                .routes(routes!(messages::acknowledge))
                .routes(routes!(messages::list_requests))
                .routes(routes!(messages::answer))
                .routes(routes!(messages::make_access_request))
                .routes(routes!(messages::reconciliation)),
        ))
        .merge(guarded(
            app,
            Permission::ManageBudgets,
            OpenApiRouter::new()
                .routes(routes!(reports::list_budgets))
                .routes(routes!(reports::set_budget)),
        ))
        .merge(guarded(
            app,
            Permission::ExportStatistics,
            OpenApiRouter::new().routes(routes!(cbs::cbs_delivery)),
        ))
        .merge(guarded(
            app,
            Permission::ViewCosts,
            OpenApiRouter::new().routes(routes!(access::cost_report)),
        ))
        .merge(guarded(
            app,
            Permission::BreakGlass,
            OpenApiRouter::new().routes(routes!(cases::break_glass)),
        ))
        .merge(guarded(
            app,
            Permission::SuperviseTeam,
            OpenApiRouter::new()
                .routes(routes!(cases::break_glass_accesses))
                .routes(routes!(cases::transfer)),
        ))
}

/// The OpenAPI document, generated from the routes when the router is built.
static OPENAPI: std::sync::OnceLock<utoipa::openapi::OpenApi> = std::sync::OnceLock::new();

pub fn router(app: &AppState) -> Router<AppState> {
    let (router, mut doc) = api_routes(app).split_for_parts();
    document_idempotency_keys(&mut doc);
    OPENAPI.get_or_init(|| doc);
    router.layer(from_fn_with_state(
        app.clone(),
        crate::idempotency::idempotent,
    ))
}

/// Names the `Idempotency-Key` header on every POST that takes one.
fn document_idempotency_keys(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::{ObjectBuilder, Required, Type};
    for (path, item) in doc.paths.paths.iter_mut() {
        let Some(post) = item
            .post
            .as_mut()
            .filter(|_| crate::idempotency::applies_to(path))
        else {
            continue;
        };
        let key = ParameterBuilder::new()
            .name("Idempotency-Key")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "Any 1 to 255 visible ASCII characters, new for each new request. A repeat \
                 with the same key and the same request within 24 hours creates nothing and \
                 returns the first answer again (header `Idempotent-Replayed: true`); the same \
                 key with another request is answered 422, and a repeat while the first is \
                 still being handled 409.",
            ))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .min_length(Some(1))
                    .max_length(Some(255)),
            ))
            .build();
        post.parameters.get_or_insert_with(Vec::new).push(key);
    }
}

pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(OPENAPI.get().cloned().unwrap_or_else(ApiDoc::openapi))
}

type ApiResult<T> = Result<T, AppError>;

// ---- me ----

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: String,
    pub username: String,
    pub display_name: String,
    /// One of family_worker, reviewer, treatment_team_member, provider_staff,
    /// chain_partner, team_coordinator, policy_officer, administrator.
    pub role: String,
    pub organisation_id: String,
    pub organisation_name: String,
}

/// The authenticated user.
#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
async fn me(Auth(ctx): Auth) -> Json<Me> {
    let p = ctx.principal;
    Json(Me {
        id: p.user_id,
        username: p.username,
        display_name: p.display_name,
        role: p.role.as_str().into(),
        organisation_id: p.organisation_id,
        organisation_name: p.organisation_name,
    })
}

/// The caller's logged-in sessions: when they started, were last used, from which
/// address and device; `current` is the one of this request.
#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "account",
    responses((status = 200, body = [eenplan_store::sessions::SessionInfo]), (status = 401, body = ErrorBody)))]
async fn my_sessions(
    State(app): State<AppState>,
    Auth(ctx): Auth,
) -> ApiResult<Json<Vec<eenplan_store::sessions::SessionInfo>>> {
    Ok(Json(
        eenplan_app::account::sessions(
            &app.store,
            &ctx.caller(),
            ctx.session_token_hash.as_deref(),
        )
        .await?,
    ))
}

/// Ends one of the caller's own sessions (404 for anyone else's). Audited.
#[utoipa::path(delete, path = "/api/v1/me/sessions/{id}", tag = "account", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn end_my_session(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    eenplan_app::account::end_session(&app.store, &ctx.caller(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- directory ----

#[derive(Serialize, ToSchema)]
pub struct MunicipalityDto {
    /// CBS municipality code, four digits.
    pub code: String,
    pub name: String,
    pub subregion: String,
    pub region: String,
}

/// The municipalities of the region.
#[utoipa::path(get, path = "/api/v1/municipalities", tag = "directory",
    responses((status = 200, body = [MunicipalityDto]), (status = 401, body = ErrorBody)))]
async fn list_municipalities(State(app): State<AppState>) -> ApiResult<Json<Vec<MunicipalityDto>>> {
    let list = codelists::municipalities(&app.store).await?;
    Ok(Json(
        list.into_iter()
            .map(|m| MunicipalityDto {
                code: m.code,
                name: m.name,
                subregion: m.subregion,
                region: m.region,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct CodeItemDto {
    pub code: String,
    pub label_nl: String,
    pub label_en: String,
}

/// The items of a code list: referral_channels, problem_areas, contra_indications or
/// treatment_team_referrers.
#[utoipa::path(get, path = "/api/v1/code-lists/{list}", tag = "directory",
    params(("list" = String, Path, description = "Name of the code list")),
    responses((status = 200, body = [CodeItemDto]), (status = 404, body = ErrorBody)))]
async fn list_code_list(
    State(app): State<AppState>,
    Path(list): Path<String>,
) -> ApiResult<Json<Vec<CodeItemDto>>> {
    let list = CodeList::parse(&list).ok_or(AppError::NotFound)?;
    let items = codelists::items(&app.store, list).await?;
    Ok(Json(
        items
            .into_iter()
            .map(|i| CodeItemDto {
                code: i.code,
                label_nl: i.label_nl,
                label_en: i.label_en,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct OrganisationDto {
    pub id: String,
    pub name: String,
    /// cjg, provider, gi, veilig_thuis, rvdk, school, gp_practice or municipality.
    pub org_type: String,
    pub agb_code: Option<String>,
    pub municipality_code: Option<String>,
    /// Send this back with a change; a stale version is refused with 409.
    pub version: i64,
}

impl From<directory::Organisation> for OrganisationDto {
    fn from(o: directory::Organisation) -> Self {
        OrganisationDto {
            id: o.id,
            name: o.name,
            org_type: o.org_type.as_str().into(),
            agb_code: o.agb_code,
            municipality_code: o.municipality_code,
            version: o.version,
        }
    }
}

/// All organisations.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "directory",
    responses((status = 200, body = [OrganisationDto]), (status = 401, body = ErrorBody)))]
async fn list_organisations(State(app): State<AppState>) -> ApiResult<Json<Vec<OrganisationDto>>> {
    Ok(Json(
        directory::organisations(&app.store)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// One organisation.
#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "directory",
    params(("id" = String, Path)),
    responses((status = 200, body = OrganisationDto), (status = 404, body = ErrorBody)))]
async fn get_organisation(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<OrganisationDto>> {
    Ok(Json(directory::organisation(&app.store, &id).await?.into()))
}

/// Creates an organisation (administrator).
#[utoipa::path(post, path = "/api/v1/organisations", tag = "directory", request_body = directory_cases::OrganisationDetails,
    responses((status = 201, body = OrganisationDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_organisation(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    ApiJson(b): ApiJson<directory_cases::OrganisationDetails>,
) -> ApiResult<(StatusCode, Json<OrganisationDto>)> {
    let id = directory_cases::create_organisation(&app.store, &ctx.actor(), &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(directory::organisation(&app.store, &id).await?.into()),
    ))
}

/// Changes an organisation (administrator). 409 when `version` is stale.
#[utoipa::path(put, path = "/api/v1/organisations/{id}", tag = "directory", request_body = directory_cases::OrganisationDetails,
    params(("id" = String, Path)),
    responses((status = 200, body = OrganisationDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_organisation(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<directory_cases::OrganisationDetails>,
) -> ApiResult<Json<OrganisationDto>> {
    directory_cases::update_organisation(&app.store, &ctx.actor(), &id, &b).await?;
    Ok(Json(directory::organisation(&app.store, &id).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct TeamDto {
    pub id: String,
    pub organisation_id: String,
    pub name: String,
    /// local_team, treatment_team or other.
    pub team_type: String,
    pub municipalities: Vec<String>,
    pub version: i64,
}

impl From<directory::Team> for TeamDto {
    fn from(t: directory::Team) -> Self {
        TeamDto {
            id: t.id,
            organisation_id: t.organisation_id,
            name: t.name,
            team_type: t.team_type.as_str().into(),
            municipalities: t.municipalities,
            version: t.version,
        }
    }
}

/// All teams.
#[utoipa::path(get, path = "/api/v1/teams", tag = "directory",
    responses((status = 200, body = [TeamDto]), (status = 401, body = ErrorBody)))]
async fn list_teams(State(app): State<AppState>) -> ApiResult<Json<Vec<TeamDto>>> {
    Ok(Json(
        directory::teams(&app.store)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Creates a team (administrator).
#[utoipa::path(post, path = "/api/v1/teams", tag = "directory", request_body = TeamDetails,
    responses((status = 201, body = TeamDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_team(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    ApiJson(t): ApiJson<TeamDetails>,
) -> ApiResult<(StatusCode, Json<TeamDto>)> {
    let id = directory_cases::create_team(&app.store, &ctx.actor(), &t).await?;
    Ok((
        StatusCode::CREATED,
        Json(directory::team(&app.store, &id).await?.into()),
    ))
}

/// Changes a team (administrator). 409 when `version` is stale.
#[utoipa::path(put, path = "/api/v1/teams/{id}", tag = "directory", request_body = TeamDetails,
    params(("id" = String, Path)),
    responses((status = 200, body = TeamDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_team(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(t): ApiJson<TeamDetails>,
) -> ApiResult<Json<TeamDto>> {
    directory_cases::update_team(&app.store, &ctx.actor(), &id, &t).await?;
    Ok(Json(directory::team(&app.store, &id).await?.into()))
}

// ---- users ----

#[derive(Serialize, ToSchema)]
pub struct UserDto {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub organisation_id: String,
    pub team_ids: Vec<String>,
    pub active: bool,
    pub mfa_enrolled: bool,
    pub last_login_at: Option<String>,
    pub version: i64,
}

impl From<users::User> for UserDto {
    fn from(u: users::User) -> Self {
        UserDto {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role.as_str().into(),
            organisation_id: u.organisation_id,
            team_ids: u.team_ids,
            active: u.active,
            mfa_enrolled: u.mfa_enrolled,
            last_login_at: u.last_login_at,
            version: u.version,
        }
    }
}

/// All user accounts (administrator).
#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    responses((status = 200, body = [UserDto]), (status = 403, body = ErrorBody)))]
async fn list_users(State(app): State<AppState>) -> ApiResult<Json<Vec<UserDto>>> {
    Ok(Json(
        users::users(&app.store)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Creates a user account (administrator). The user enrols the second factor at first
/// login. A role that reads client data needs a `reason`; with a second administrator the
/// account waits inactive (`active: false`) for their approval (`/api/v1/approvals`).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewAccount,
    responses((status = 201, body = UserDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_user(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    ApiJson(a): ApiJson<NewAccount>,
) -> ApiResult<(StatusCode, Json<UserDto>)> {
    let (id, _) = app_users::create_user(&app.store, &ctx.actor(), &a).await?;
    Ok((
        StatusCode::CREATED,
        Json(users::user(&app.store, &id).await?.into()),
    ))
}

/// One user account (administrator).
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path)),
    responses((status = 200, body = UserDto), (status = 404, body = ErrorBody)))]
async fn get_user(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<UserDto>> {
    Ok(Json(users::user(&app.store, &id).await?.into()))
}

/// Changes a user account (administrator). 409 when `version` is stale. A new role that
/// reads client data needs a `reason`; with a second administrator it waits for their
/// approval (202: the rest of the change is made, the role not yet).
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path)), request_body = ChangeAccount,
    responses((status = 200, body = UserDto), (status = 202, body = UserDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_user(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(c): ApiJson<ChangeAccount>,
) -> ApiResult<(StatusCode, Json<UserDto>)> {
    let status = match app_users::update_user(&app.store, &ctx.actor(), &id, &c).await? {
        app_users::Applied::Done => StatusCode::OK,
        app_users::Applied::AwaitingApproval(_) => StatusCode::ACCEPTED,
    };
    Ok((status, Json(users::user(&app.store, &id).await?.into())))
}

/// The changes waiting for a second administrator.
#[utoipa::path(get, path = "/api/v1/approvals", tag = "users",
    responses((status = 200, body = [eenplan_store::approvals::Approval]), (status = 403, body = ErrorBody)))]
async fn list_approvals(
    State(app): State<AppState>,
) -> ApiResult<Json<Vec<eenplan_store::approvals::Approval>>> {
    Ok(Json(app_users::pending_approvals(&app.store).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionBody {
    /// true to approve (the change is made), false to refuse.
    pub approve: bool,
}

/// Approves or refuses a waiting change; never one's own (404).
#[utoipa::path(post, path = "/api/v1/approvals/{id}", tag = "users", params(("id" = String, Path)), request_body = DecisionBody,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn decide_approval(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DecisionBody>,
) -> ApiResult<StatusCode> {
    app_users::decide(&app.store, &ctx.actor(), &id, b.approve).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- audit ----

#[derive(Serialize, ToSchema)]
pub struct AuditEventDto {
    pub seq: i64,
    pub at: String,
    pub event: String,
    pub action: String,
    pub outcome: String,
    pub user_id: Option<String>,
    pub username: Option<String>,
    pub role: Option<String>,
    pub on_behalf_of: Option<String>,
    pub organisation_id: Option<String>,
    pub client_ids: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub address: Option<String>,
    pub user_agent: Option<String>,
    pub purpose: Option<String>,
    pub break_glass: bool,
    pub hash: String,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// First day, YYYY-MM-DD.
    from: Option<String>,
    /// Last day (inclusive), YYYY-MM-DD.
    to: Option<String>,
    username: Option<String>,
    event: Option<String>,
    object_id: Option<String>,
    client_id: Option<String>,
    /// success, refused or failure.
    outcome: Option<String>,
    /// true: only break-the-glass accesses.
    break_glass: Option<bool>,
}

/// Searches the audit log, newest first, at most 200 records (administrator). Audited.
#[utoipa::path(get, path = "/api/v1/audit-events", tag = "audit", params(AuditParams),
    responses((status = 200, body = [AuditEventDto]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn search_audit(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Query(p): Query<AuditParams>,
) -> ApiResult<Json<Vec<AuditEventDto>>> {
    let q = AuditQuery {
        from: p.from.unwrap_or_default(),
        to: p.to.unwrap_or_default(),
        username: p.username.unwrap_or_default(),
        event: p.event.unwrap_or_default(),
        object_id: p.object_id.unwrap_or_default(),
        client_id: p.client_id.unwrap_or_default(),
        outcome: p.outcome.unwrap_or_default(),
        break_glass: if p.break_glass == Some(true) {
            "1".into()
        } else {
            String::new()
        },
    };
    let filter = parse_filter(&q).map_err(AppError::Invalid)?;
    let records = search(&app.store, &ctx.caller(), &filter).await?;
    Ok(Json(
        records
            .into_iter()
            .map(|r| AuditEventDto {
                seq: r.seq,
                at: r.at,
                event: r.event,
                action: r.action,
                outcome: r.outcome,
                user_id: r.user_id,
                username: r.username,
                role: r.role,
                on_behalf_of: r.on_behalf_of,
                organisation_id: r.organisation_id,
                client_ids: r.client_ids,
                object_type: r.object_type,
                object_id: r.object_id,
                address: r.address,
                user_agent: r.user_agent,
                purpose: r.purpose,
                break_glass: r.break_glass,
                hash: r.hash,
            })
            .collect(),
    ))
}
