//! The regional directory: municipalities, organisations, teams and code lists.

use crate::AppState;
use crate::auth::Auth;
use crate::error::AppError;
use crate::extract::Query;
use crate::i18n::{Lang, Tr};
use crate::pages::{Chrome, page};
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use eenplan_domain::codes::CodeList;
use eenplan_domain::{Permission, policy};
use eenplan_store::codelists::{self, Municipality};
use eenplan_store::directory;
use serde::Deserialize;

pub struct OrgRow {
    pub id: String,
    pub name: String,
    pub type_label: &'static str,
    pub agb_code: String,
    pub municipality: String,
}

pub struct TeamRow {
    pub id: String,
    pub name: String,
    pub type_label: &'static str,
    pub organisation: String,
    pub serves: String,
}

pub struct ListView {
    pub title: &'static str,
    pub items: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "directory.html")]
pub struct DirectoryPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub notice: Option<&'static str>,
    pub can_manage: bool,
    pub municipalities: Vec<Municipality>,
    pub organisations: Vec<OrgRow>,
    pub teams: Vec<TeamRow>,
    pub code_lists: Vec<ListView>,
}

#[derive(Deserialize)]
pub struct DirectoryQuery {
    #[serde(default)]
    opgeslagen: Option<String>,
}

pub async fn show(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Query(q): Query<DirectoryQuery>,
) -> Result<Html<String>, AppError> {
    let municipalities = codelists::municipalities(&app.store).await?;
    let name_of = |code: &str| {
        municipalities
            .iter()
            .find(|m| m.code == code)
            .map_or(code.to_owned(), |m| m.name.clone())
    };
    let organisations = directory::organisations(&app.store)
        .await?
        .into_iter()
        .map(|o| OrgRow {
            type_label: lang.pick(o.org_type.label_nl(), o.org_type.label_en()),
            agb_code: o.agb_code.unwrap_or_default(),
            municipality: o
                .municipality_code
                .as_deref()
                .map(name_of)
                .unwrap_or_default(),
            id: o.id,
            name: o.name,
        })
        .collect();
    let teams = directory::teams(&app.store)
        .await?
        .into_iter()
        .map(|t| TeamRow {
            type_label: lang.pick(t.team_type.label_nl(), t.team_type.label_en()),
            serves: t
                .municipalities
                .iter()
                .map(|c| name_of(c))
                .collect::<Vec<_>>()
                .join(", "),
            id: t.id,
            name: t.name,
            organisation: t.organisation_name,
        })
        .collect();
    let mut code_lists = Vec::new();
    for list in CodeList::ALL {
        let items = codelists::items(&app.store, list).await?;
        code_lists.push(ListView {
            title: lang.pick(list.label_nl(), list.label_en()),
            items: items
                .into_iter()
                .map(|i| {
                    (
                        i.code,
                        if lang == Lang::En {
                            i.label_en
                        } else {
                            i.label_nl
                        },
                    )
                })
                .collect(),
        });
    }
    page(&DirectoryPage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/organisaties"),
        notice: q.opgeslagen.map(|_| "form.saved"),
        can_manage: policy::allows(ctx.principal.role, Permission::ManageOrganisations),
        municipalities,
        organisations,
        teams,
        code_lists,
    })
}
