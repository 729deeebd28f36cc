//! The home page: who you are, and what your role can do here.

use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::i18n::{Lang, Tr};
use crate::pages::{Chrome, page, role_label};
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use eenplan_domain::{Permission, Role, policy};
use eenplan_store::{directory, users};

pub struct Card {
    pub href: &'static str,
    pub title: &'static str,
    pub text: &'static str,
}

const CARDS: [(Permission, Card); 12] = [
    (
        Permission::ViewCases,
        Card {
            href: "/casussen",
            title: "nav.caseload",
            text: "card.caseload",
        },
    ),
    (
        Permission::RegisterCases,
        Card {
            href: "/aanmelden",
            title: "nav.register",
            text: "card.register",
        },
    ),
    (
        Permission::RegisterCases,
        Card {
            href: "/evaluaties",
            title: "nav.evaluations",
            text: "card.evaluations",
        },
    ),
    (
        Permission::ReviewAccess,
        Card {
            href: "/team/beoordelen",
            title: "nav.review",
            text: "card.review",
        },
    ),
    (
        Permission::ProviderAssignments,
        Card {
            href: "/aanbieder",
            title: "nav.provider",
            text: "card.provider",
        },
    ),
    (
        Permission::ManageCatalogue,
        Card {
            href: "/catalogus",
            title: "nav.catalogue",
            text: "card.catalogue",
        },
    ),
    (
        Permission::ViewCosts,
        Card {
            href: "/kosten",
            title: "nav.costs",
            text: "card.costs",
        },
    ),
    (
        Permission::SuperviseTeam,
        Card {
            href: "/team/doorbraken",
            title: "nav.break_glass",
            text: "card.break_glass",
        },
    ),
    (
        Permission::ViewDirectory,
        Card {
            href: "/organisaties",
            title: "nav.directory",
            text: "card.directory",
        },
    ),
    (
        Permission::ManageUsers,
        Card {
            href: "/beheer/gebruikers",
            title: "nav.users",
            text: "card.users",
        },
    ),
    (
        Permission::SearchAuditLog,
        Card {
            href: "/beheer/audit",
            title: "nav.audit",
            text: "card.audit",
        },
    ),
    (
        Permission::OwnAccount,
        Card {
            href: "/account",
            title: "nav.account",
            text: "card.account",
        },
    ),
];

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub t: Tr,
    pub chrome: Chrome,
    pub display_name: String,
    pub role_label: &'static str,
    pub organisation: String,
    pub teams: Vec<String>,
    pub cards: Vec<&'static Card>,
    pub role_notice: Option<&'static str>,
    /// From the daily monitoring job: (due within 14 days, overdue) evaluations.
    pub evaluations: (usize, usize),
}

pub async fn show(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    let p = &ctx.principal;
    let user = users::user(&app.store, &p.user_id).await?;
    let all_teams = directory::teams(&app.store).await?;
    let teams = all_teams
        .into_iter()
        .filter(|t| user.team_ids.contains(&t.id))
        .map(|t| t.name)
        .collect();
    let notes = eenplan_store::monitoring::notifications(&app.store, &p.user_id).await?;
    let overdue = notes.iter().filter(|n| n.state == "overdue").count();
    page(&HomePage {
        evaluations: (notes.len() - overdue, overdue),
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/"),
        display_name: p.display_name.clone(),
        role_label: role_label(p.role, lang),
        organisation: p.organisation_name.clone(),
        teams,
        cards: CARDS
            .iter()
            .filter(|(perm, _)| policy::allows(p.role, *perm))
            .map(|(_, c)| c)
            .collect(),
        role_notice: match p.role {
            Role::PolicyOfficer => Some("home.aggregates_only"),
            Role::Administrator => Some("home.admin_no_content"),
            _ => None,
        },
    })
}
