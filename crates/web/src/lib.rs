//! The HTTP face of eenplan: server-rendered pages, the JSON API under `/api/v1` with its
//! OpenAPI document, authentication, and the cross-cutting layers (security headers,
//! body limit, error pages, metrics).
//!
//! Request path: `metrics` -> security headers -> body limit -> `auth::load_session` ->
//! `render_errors` -> route guard (`auth::require`, one [`Permission`] per route
//! group) -> handler -> store.

pub mod api;
pub mod auth;
pub mod download;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod idempotency;
pub mod observability;
pub mod pages;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use eenplan_domain::Permission;
use eenplan_store::Store;
use std::sync::Arc;

/// Settings of the web layer, built once at startup.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Set when served over https: cookies get `Secure` and the `__Host-` prefix.
    pub secure_cookies: bool,
    pub idle_timeout: chrono::Duration,
    pub absolute_timeout: chrono::Duration,
    /// Demo mode: the login page lists the demo accounts with their current codes.
    pub demo_mode: bool,
    pub throttle_window: chrono::Duration,
    pub max_failures_per_account: i64,
    pub max_failures_per_address: i64,
    /// The bearer token `/metrics` asks for; without one, `/metrics` answers 404.
    pub metrics_token: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (for the audit record and
    /// the per-address throttle); from anyone else the header is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl WebConfig {
    /// How many failed attempts within the window refuse further login attempts.
    pub fn throttle(&self) -> eenplan_app::login::Throttle {
        eenplan_app::login::Throttle {
            window: self.throttle_window,
            per_account: self.max_failures_per_account,
            per_address: self.max_failures_per_address,
        }
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            idle_timeout: chrono::Duration::minutes(15),
            absolute_timeout: chrono::Duration::hours(12),
            demo_mode: false,
            throttle_window: chrono::Duration::minutes(15),
            max_failures_per_account: 5,
            max_failures_per_address: 50,
            metrics_token: None,
            trusted_proxies: Vec::new(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
}

pub const MAX_BODY_BYTES: usize = 1024 * 1024;

const CSS: &str = include_str!("../static/eenplan.css");

/// A group of routes behind one permission.
fn guarded(app: &AppState, permission: Permission, routes: Router<AppState>) -> Router<AppState> {
    let guard = Arc::new(auth::Guard {
        app: app.clone(),
        permission,
    });
    routes.route_layer(from_fn_with_state(guard, auth::require))
}

pub fn router(app: AppState) -> Router {
    use pages::{
        access, account, admin, audit, cases, catalogue, directory, home, login, plan,
        treatment_team,
    };

    let public = Router::new()
        .route("/login", get(login::show_login).post(login::submit_login))
        .route("/login/mfa", get(login::show_mfa).post(login::submit_mfa))
        .route("/lang/{code}", get(login::switch_language))
        .route("/healthz", get(observability::healthz))
        .route("/metrics", get(observability::metrics))
        .route(
            "/static/eenplan.css",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                        (header::CACHE_CONTROL, "public, max-age=3600"),
                    ],
                    CSS,
                )
            }),
        )
        .route("/api/openapi.json", get(api::openapi_json));

    let own = guarded(
        &app,
        Permission::OwnAccount,
        Router::new()
            .route("/", get(home::show))
            .route("/logout", post(login::logout))
            .route("/account", get(account::show))
            .route("/account/password", post(account::change_password))
            .route("/account/tokens", post(account::create_token))
            .route("/account/tokens/{id}/revoke", post(account::revoke_token))
            .route(
                "/account/sessies/{id}/beeindigen",
                post(account::end_session),
            ),
    );
    let directory = guarded(
        &app,
        Permission::ViewDirectory,
        Router::new().route("/organisaties", get(directory::show)),
    );
    let manage_orgs = guarded(
        &app,
        Permission::ManageOrganisations,
        Router::new()
            .route(
                "/beheer/organisaties/nieuw",
                get(admin::new_organisation).post(admin::create_organisation),
            )
            .route(
                "/beheer/organisaties/{id}",
                get(admin::edit_organisation).post(admin::update_organisation),
            )
            .route(
                "/beheer/teams/nieuw",
                get(admin::new_team).post(admin::create_team),
            )
            .route(
                "/beheer/teams/{id}",
                get(admin::edit_team).post(admin::update_team),
            ),
    );
    let manage_users = guarded(
        &app,
        Permission::ManageUsers,
        Router::new()
            .route("/beheer/gebruikers", get(admin::list_users))
            .route(
                "/beheer/gebruikers/nieuw",
                get(admin::new_user).post(admin::create_user),
            )
            .route(
                "/beheer/gebruikers/{id}",
                get(admin::edit_user).post(admin::update_user),
            )
            .route("/beheer/gebruikers/{id}/mfa-reset", post(admin::reset_mfa))
            .route("/beheer/goedkeuringen", get(admin::approvals))
            .route("/beheer/goedkeuringen/{id}", post(admin::decide)),
    );
    let case_work = guarded(
        &app,
        Permission::ViewCases,
        Router::new()
            .route("/casussen", get(cases::caseload))
            .route("/casussen/{id}", get(cases::show_case))
            .route("/casussen/{id}/hulp", post(cases::update_help))
            .route("/casussen/{id}/betrokkenen", post(cases::add_involvement))
            .route(
                "/casussen/{id}/betrokkenen/{user}/beeindigen",
                post(cases::end_involvement),
            )
            .route(
                "/casussen/{id}/personen/nieuw",
                get(cases::new_person).post(cases::create_person),
            )
            .route(
                "/casussen/{id}/personen/{person}",
                get(cases::edit_person).post(cases::update_person),
            )
            .route(
                "/casussen/{id}/netwerk/nieuw",
                get(cases::new_network_member).post(cases::create_network_member),
            )
            .route(
                "/casussen/{id}/netwerk/{member}",
                get(cases::edit_network_member).post(cases::update_network_member),
            )
            .route("/casussen/{id}/plan", get(plan::show_plan))
            .route(
                "/casussen/{id}/plan/bewerken",
                get(plan::edit_plan).post(plan::save_plan),
            )
            .route(
                "/casussen/{id}/plan/versies/{number}",
                get(plan::show_version),
            )
            .route("/casussen/{id}/plan/verschil", get(plan::show_diff))
            .route("/casussen/{id}/plan/afdrukken", get(plan::print_plan))
            .route("/casussen/{id}/plan/akkoord", post(plan::agree))
            .route("/casussen/{id}/plan/regie", post(plan::set_coordinator))
            .route("/toegang/{id}", get(access::show_request))
            .route("/beschikkingen/{id}", get(access::show_decision))
            .route("/beschikkingen/{id}/brief", get(access::decision_letter))
            .route(
                "/beschikkingen/{id}/evaluaties/{evaluation}",
                get(access::show_evaluation),
            ),
    );
    // Access requests, decisions and monitoring: the CJG's work (checked per case).
    let access_work = guarded(
        &app,
        Permission::RegisterCases,
        Router::new()
            .route(
                "/casussen/{id}/toegang/nieuw",
                get(access::new_request).post(access::create_request),
            )
            .route(
                "/toegang/{id}/bewerken",
                get(access::edit_request).post(access::update_request),
            )
            .route("/toegang/{id}/indienen", post(access::request_step_submit))
            .route(
                "/toegang/{id}/intrekken",
                post(access::request_step_withdraw),
            )
            .route(
                "/beschikkingen/{id}/wijzigen",
                post(access::change_decision),
            )
            .route("/beschikkingen/{id}/tijd", post(access::add_time))
            .route(
                "/beschikkingen/{id}/evaluaties/{evaluation}",
                post(access::record_evaluation),
            )
            .route(
                "/casussen/{id}/consultatie",
                get(treatment_team::new_request_from_case)
                    .post(treatment_team::create_request_from_case),
            )
            .route("/evaluaties", get(access::my_evaluations))
            .route("/team/evaluaties", get(access::team_evaluations)),
    );
    // The local treatment teams: their requests, intake, work, hours (checked per team).
    let lbt_work = guarded(
        &app,
        Permission::TreatmentTeamWork,
        Router::new()
            .route("/lbt", get(treatment_team::dashboard))
            .route(
                "/lbt/verzoeken/nieuw",
                get(treatment_team::new_request_from_referrer)
                    .post(treatment_team::create_request_from_referrer),
            )
            .route("/lbt/verzoeken/{id}", get(treatment_team::show_request))
            .route(
                "/lbt/verzoeken/{id}/intake",
                post(treatment_team::post_intake),
            )
            .route(
                "/lbt/verzoeken/{id}/activiteit",
                post(treatment_team::post_activity),
            )
            .route(
                "/lbt/verzoeken/{id}/afsluiten",
                post(treatment_team::post_close),
            )
            .route(
                "/lbt/uren",
                get(treatment_team::show_hours).post(treatment_team::post_hours),
            ),
    );
    let lbt_coordination = guarded(
        &app,
        Permission::CoordinateTreatmentTeam,
        Router::new()
            .route("/lbt/uren/goedkeuren", post(treatment_team::approve_hours))
            .route(
                "/lbt/leden",
                get(treatment_team::show_members).post(treatment_team::post_member),
            ),
    );
    let review = guarded(
        &app,
        Permission::ReviewAccess,
        Router::new()
            .route("/team/beoordelen", get(access::review_queue))
            .route(
                "/toegang/{id}/goedkeuren",
                post(access::request_step_approve),
            )
            .route(
                "/toegang/{id}/terugsturen",
                post(access::request_step_send_back),
            ),
    );
    let provider = guarded(
        &app,
        Permission::ProviderAssignments,
        Router::new()
            .route("/aanbieder", get(access::provider_home))
            .route(
                "/aanbieder/aanvragen/{id}",
                get(access::provider_request).post(access::provider_effort),
            )
            .route(
                "/aanbieder/beschikkingen/{id}",
                get(access::provider_decision).post(access::provider_report),
            ),
    );
    let manage_catalogue = guarded(
        &app,
        Permission::ManageCatalogue,
        Router::new()
            .route("/catalogus", get(catalogue::show))
            .route("/catalogus/producten", post(catalogue::create_product))
            .route(
                "/catalogus/producten/{id}",
                get(catalogue::edit_product).post(catalogue::update_product),
            )
            .route(
                "/catalogus/producten/{id}/prijzen",
                post(catalogue::add_price),
            )
            .route("/catalogus/contracten", post(catalogue::create_contract))
            .route(
                "/catalogus/contracten/{id}",
                post(catalogue::update_contract),
            )
            .route("/catalogus/variant", post(catalogue::set_variant)),
    );
    let view_costs = guarded(
        &app,
        Permission::ViewCosts,
        Router::new().route("/kosten", get(access::costs)),
    );
    let registration = guarded(
        &app,
        Permission::RegisterCases,
        Router::new()
            .route(
                "/aanmelden",
                get(cases::new_registration).post(cases::create_registration),
            )
            .route("/team/aanmeldingen", get(cases::waiting))
            .route("/zoeken", get(cases::show_search).post(cases::search))
            // Transitions are taken by the holding team (checked per case).
            .route("/casussen/{id}/{step}", post(cases::transition)),
    );
    let break_glass = guarded(
        &app,
        Permission::BreakGlass,
        Router::new().route("/casussen/{id}/doorbreken", post(cases::break_glass)),
    );
    let supervise = guarded(
        &app,
        Permission::SuperviseTeam,
        Router::new()
            .route("/team/doorbraken", get(cases::break_glass_review))
            .route("/team/doorbraken/{id}/gezien", post(cases::mark_reviewed))
            .route(
                "/team/overdragen",
                get(cases::show_transfer).post(cases::transfer),
            ),
    );
    // The yearly declaration of the treatment teams' hours: the team coordinator.
    let declarations = guarded(
        &app,
        Permission::CoordinateTreatmentTeam,
        Router::new()
            .route(
                "/lbt/declaraties",
                get(pages::declarations::overview).post(pages::declarations::issue),
            )
            // `{id}`, `{id}.csv` or `{id}.xlsx`: the page or a download.
            .route("/lbt/declaraties/{id}", get(pages::declarations::show)),
    );
    let reports = guarded(
        &app,
        Permission::ViewReports,
        Router::new()
            .route("/rapportages", get(pages::reports::index))
            // `{name}`, `{name}.csv` or `{name}.xlsx`: the page or a download.
            .route("/rapportages/{name}", get(pages::reports::show)),
    );
    let budgets = guarded(
        &app,
        Permission::ManageBudgets,
        Router::new().route(
            "/rapportages/budgetten",
            get(pages::reports::budgets_page).post(pages::reports::save_budget),
        ),
    );
    let messages = guarded(
        &app,
        Permission::ExchangeMessages,
        Router::new()
            .route(
                "/berichten",
                get(pages::messages::list).post(pages::messages::search),
            )
            .route(
                "/berichten/aanleveren",
                get(pages::messages::deliver_form).post(pages::messages::deliver),
            )
            .route("/berichten/verzoeken", get(pages::messages::request_list))
            .route(
                "/berichten/verzoeken/{id}/antwoord",
                post(pages::messages::answer_request),
            )
            .route(
                "/berichten/verzoeken/{id}/aanvraag",
                post(pages::messages::make_request),
            )
            .route(
                "/berichten/afstemming",
                get(pages::messages::reconciliation),
            )
            .route("/berichten/{id}", get(pages::messages::show))
            .route("/berichten/{id}/xml", get(pages::messages::download)),
    );
    // CBS Beleidsinformatie Jeugd: the administrator (the file holds BSNs).
    let cbs = guarded(
        &app,
        Permission::ExportStatistics,
        Router::new()
            .route("/cbs", get(pages::cbs::show).post(pages::cbs::deliver))
            .route("/cbs/leveringen/{id}", get(pages::cbs::download)),
    );
    let audit_log = guarded(
        &app,
        Permission::SearchAuditLog,
        Router::new().route("/beheer/audit", get(audit::show)),
    );

    Router::new()
        .merge(public)
        .merge(own)
        .merge(directory)
        .merge(manage_orgs)
        .merge(manage_users)
        .merge(audit_log)
        .merge(case_work)
        .merge(registration)
        .merge(break_glass)
        .merge(supervise)
        .merge(access_work)
        .merge(review)
        .merge(provider)
        .merge(manage_catalogue)
        .merge(view_costs)
        .merge(lbt_work)
        .merge(lbt_coordination)
        .merge(declarations)
        .merge(reports)
        .merge(budgets)
        .merge(messages)
        .merge(cbs)
        .merge(api::router(&app))
        .route_layer(from_fn(observability::stash_route))
        .fallback(|| async { error::AppError::NotFound })
        .method_not_allowed_fallback(|| async { error::AppError::MethodNotAllowed })
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            error::panic_response,
        ))
        .layer(from_fn_with_state(app.clone(), error::render_errors))
        .layer(from_fn_with_state(app.clone(), auth::load_session))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(from_fn_with_state(app.clone(), security_headers))
        .layer(from_fn(observability::track))
        .with_state(app)
}

/// Security headers on every response (OWASP ASVS 14.4). Pages never carry inline script,
/// so the CSP allows none; responses are not cached since they may hold client data
/// (the stylesheet sets its own cache header).
async fn security_headers(
    axum::extract::State(app): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    const HEADERS: [(HeaderName, &str); 5] = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    for (name, value) in HEADERS {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    // Served over https (behind a TLS proxy): browsers keep to https for a year.
    if app.config.secure_cookies {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}
