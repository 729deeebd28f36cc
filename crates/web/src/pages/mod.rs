//! Server-rendered pages (askama templates in `templates/`). Every page shares the
//! [`Chrome`]: the signed-in user, the navigation their role may use, and the CSRF token.

pub mod access;
pub mod account;
pub mod admin;
pub mod audit;
pub mod cases;
pub mod catalogue;
pub mod cbs;
pub mod declarations;
pub mod directory;
pub mod home;
pub mod login;
pub mod messages;
pub mod plan;
pub mod reports;
pub mod treatment_team;

use crate::auth::AuthContext;
use crate::error::{AppError, Problem};
use crate::i18n::{Lang, Tr};
use askama::Template;
use axum::response::Html;
pub use eenplan_app::input::{Fields, has_error, optional_text, required_text};
use eenplan_domain::{Permission, Role, policy};

pub fn render<T: Template>(page: &T) -> Html<String> {
    match page.render() {
        Ok(html) => Html(html),
        Err(e) => {
            let error = AppError::internal(format!("template: {e}"));
            let id = match error {
                AppError::Internal { error_id } => error_id,
                _ => String::new(),
            };
            Html(format!(
                "<!DOCTYPE html><html lang=\"nl\"><title>eenplan</title><p>Er ging iets mis. Foutcode: {id}</p></html>"
            ))
        }
    }
}

/// Like [`render`], for handlers that return `Result`.
pub fn page<T: Template>(page: &T) -> Result<Html<String>, AppError> {
    Ok(render(page))
}

pub fn role_label(role: Role, lang: Lang) -> &'static str {
    lang.pick(role.label_nl(), role.label_en())
}

#[derive(Debug, Clone)]
pub struct ChromeUser {
    pub display_name: String,
    pub role_label: String,
    pub organisation: String,
}

#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub key: &'static str,
    pub current: bool,
}

/// The frame around every page.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    pub user: Option<ChromeUser>,
    pub csrf: String,
    pub demo: bool,
    pub nav: Vec<NavItem>,
    /// The current path, for the language switch to return to.
    pub path: String,
}

/// The main menu: each entry shown only to roles that hold its permission.
const NAV: [(&str, &str, Permission); 23] = [
    ("/", "nav.home", Permission::OwnAccount),
    ("/casussen", "nav.caseload", Permission::ViewCases),
    ("/aanmelden", "nav.register", Permission::RegisterCases),
    (
        "/team/aanmeldingen",
        "nav.waiting",
        Permission::RegisterCases,
    ),
    ("/zoeken", "nav.search", Permission::RegisterCases),
    ("/evaluaties", "nav.evaluations", Permission::RegisterCases),
    ("/team/beoordelen", "nav.review", Permission::ReviewAccess),
    (
        "/aanbieder",
        "nav.provider",
        Permission::ProviderAssignments,
    ),
    ("/catalogus", "nav.catalogue", Permission::ManageCatalogue),
    ("/kosten", "nav.costs", Permission::ViewCosts),
    ("/rapportages", "nav.reports", Permission::ViewReports),
    ("/berichten", "nav.messages", Permission::ExchangeMessages),
    ("/lbt", "nav.lbt", Permission::TreatmentTeamWork),
    ("/lbt/uren", "nav.lbt_hours", Permission::TreatmentTeamWork),
    (
        "/lbt/leden",
        "nav.lbt_members",
        Permission::CoordinateTreatmentTeam,
    ),
    (
        "/team/doorbraken",
        "nav.break_glass",
        Permission::SuperviseTeam,
    ),
    (
        "/team/overdragen",
        "nav.transfer",
        Permission::SuperviseTeam,
    ),
    (
        "/lbt/declaraties",
        "nav.declarations",
        Permission::CoordinateTreatmentTeam,
    ),
    ("/organisaties", "nav.directory", Permission::ViewDirectory),
    ("/beheer/gebruikers", "nav.users", Permission::ManageUsers),
    ("/beheer/audit", "nav.audit", Permission::SearchAuditLog),
    ("/cbs", "nav.cbs", Permission::ExportStatistics),
    ("/account", "nav.account", Permission::OwnAccount),
];

impl Chrome {
    pub fn anonymous(demo: bool, path: &str) -> Chrome {
        Chrome {
            demo,
            path: path.into(),
            ..Chrome::default()
        }
    }

    pub fn for_user(ctx: &AuthContext, lang: Lang, demo: bool, path: &str) -> Chrome {
        let p = &ctx.principal;
        Chrome {
            user: Some(ChromeUser {
                display_name: p.display_name.clone(),
                role_label: role_label(p.role, lang).into(),
                organisation: p.organisation_name.clone(),
            }),
            csrf: ctx.csrf.clone().unwrap_or_default(),
            demo,
            nav: NAV
                .iter()
                .filter(|(_, _, perm)| policy::allows(p.role, *perm))
                .map(|(href, key, _)| NavItem {
                    href,
                    key,
                    current: *href == path || (*href != "/" && path.starts_with(href)),
                })
                .collect(),
            path: path.into(),
        }
    }
}

/// The page of an error (see `error::render_errors`).
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub status: u16,
    pub message: &'static str,
    pub problems: Vec<String>,
    pub error_id: Option<String>,
}

/// A stored UTC time as Dutch local time, `dd-mm-yyyy hh:mm`.
pub fn local_time(stored: &str) -> String {
    eenplan_store::parse_time(stored).map_or_else(
        || stored.to_owned(),
        |t| {
            t.with_timezone(&chrono_tz::Europe::Amsterdam)
                .format("%d-%m-%Y %H:%M")
                .to_string()
        },
    )
}

/// A stored date (`yyyy-mm-dd`, or the date of a stored time) as `dd-mm-yyyy`.
pub fn local_date(stored: &str) -> String {
    match chrono::NaiveDate::parse_from_str(stored, "%Y-%m-%d") {
        Ok(d) => d.format("%d-%m-%Y").to_string(),
        Err(_) => local_time(stored).chars().take(10).collect(),
    }
}

/// The answer to a posted form: a redirect to `next` when it was done, the form again
/// with the problems (422, input kept) when the input was wrong, the error otherwise.
pub async fn answer_form<T, Fut, E>(
    result: Result<String, E>,
    form_again: impl FnOnce(Vec<Problem>) -> Fut,
) -> Result<axum::response::Response, AppError>
where
    T: Template,
    Fut: std::future::Future<Output = Result<T, AppError>>,
    E: Into<AppError>,
{
    use axum::response::IntoResponse;
    match result.map_err(Into::into) {
        Ok(next) => Ok(axum::response::Redirect::to(&next).into_response()),
        Err(AppError::Invalid(errors)) => Ok(invalid_form(render(&form_again(errors).await?))),
        Err(e) => Err(e),
    }
}

/// A form page answered with 422: it shows the problems and keeps the input.
pub fn invalid_form(html: Html<String>) -> axum::response::Response {
    use axum::response::IntoResponse;
    (axum::http::StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
}

/// A page with a form: 422 when it shows problems, 200 otherwise.
pub fn form_page(html: Html<String>, invalid: bool) -> axum::response::Response {
    use axum::response::IntoResponse;
    if invalid {
        invalid_form(html)
    } else {
        html.into_response()
    }
}
