//! CBS Beleidsinformatie Jeugd: the administrator's page of the half-year periods and
//! the deliveries made (each kept whole, with a download), producing a delivery or a
//! correction of a whole period, and the download of a kept file. The file holds BSNs
//! and birth dates: `ExportStatistics` (the administrator only, the route group), and
//! every file produced or downloaded is audited as an export with the youths in it
//! (`eenplan_store::cbs`). The delivery itself is `eenplan_app::cbs`, which the API and
//! `eenplan cbs-export` use too.

use super::{Chrome, Fields, answer_form, form_page, has_error, render};
use crate::AppState;
use crate::auth::{Auth, AuthContext};
use crate::download::csv_download;
use crate::error::{AppError, Problem};
use crate::extract::{CsrfForm, Path, Query};
use crate::i18n::{Lang, Tr};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use eenplan_app::cbs::{deliver as deliver_action, parse_request};
use eenplan_domain::cbs::Period;
use eenplan_store::cbs::{self as store, DeliverySummary};
use serde::Deserialize;

// ------------------------------------------------------------------ the page

#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    pub periode: String,
}

/// A period CBS processes now, with its deadline and what was delivered.
pub struct PeriodView {
    pub period: String,
    pub from: String,
    pub to: String,
    pub deadline: String,
    pub delivered: usize,
}

pub struct DeliveryView {
    pub d: DeliverySummary,
    pub scope_name: String,
    pub created_at: String,
    pub sha_short: String,
}

pub struct MunicipalityOption {
    pub code: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "cbs.html")]
pub struct CbsPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub periods: Vec<PeriodView>,
    pub municipalities: Vec<MunicipalityOption>,
    pub period: String,
    pub municipality: String,
    pub deliveries: Vec<DeliveryView>,
}

impl CbsPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

fn nl_date(d: chrono::NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

async fn cbs_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    period: &str,
    municipality: &str,
    errors: Vec<Problem>,
) -> Result<CbsPage, AppError> {
    let today = eenplan_store::today();
    let deliveries = store::deliveries(&app.store, None).await?;
    let municipalities = eenplan_store::codelists::municipalities(&app.store).await?;
    let name_of = |scope: &str| -> String {
        if scope == store::REGION {
            return Tr(lang).get("cbs.all_municipalities").to_owned();
        }
        municipalities
            .iter()
            .find(|m| m.code == scope)
            .map_or_else(|| scope.to_owned(), |m| format!("{} ({})", m.name, m.code))
    };
    let periods = Period::deliverable(today)
        .into_iter()
        .map(|p| PeriodView {
            period: p.to_string(),
            from: nl_date(p.first_day()),
            to: nl_date(p.last_day()),
            deadline: nl_date(p.deadline()),
            delivered: deliveries
                .iter()
                .filter(|d| d.period == p.to_string())
                .count(),
        })
        .collect();
    let deliveries = deliveries
        .into_iter()
        .map(|d| DeliveryView {
            scope_name: name_of(&d.scope),
            created_at: super::local_time(&d.created_at),
            sha_short: d.sha256.chars().take(12).collect(),
            d,
        })
        .collect();
    Ok(CbsPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, "/cbs"),
        errors,
        periods,
        municipalities: municipalities
            .iter()
            .map(|m| MunicipalityOption {
                code: m.code.clone(),
                name: m.name.clone(),
            })
            .collect(),
        period: if period.is_empty() {
            Period::deliverable(today)[0].to_string()
        } else {
            period.to_owned()
        },
        municipality: municipality.to_owned(),
        deliveries,
    })
}

/// `/cbs`: the periods, the form and the deliveries made.
pub async fn show(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let page = cbs_page(&app, &ctx, lang, q.periode.trim(), "", Vec::new()).await?;
    Ok(form_page(render(&page), false))
}

/// The form: produce the file of a period (a correction of the whole period when
/// delivered before), then the page again with the new delivery on top.
pub async fn deliver(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let period = f.get("period").to_owned();
    let municipality = f.get("municipality").to_owned();
    let result = async {
        let (p, scope) =
            parse_request(&app.store, "period", &period, "municipality", &municipality).await?;
        let d = deliver_action(&app.store, Some(&ctx.caller()), p, &scope).await?;
        Ok::<_, eenplan_app::Error>(format!("/cbs#levering-{}", d.summary.id))
    }
    .await;
    answer_form(result, |errors| {
        cbs_page(&app, &ctx, lang, &period, &municipality, errors)
    })
    .await
}

/// `/cbs/leveringen/{id}`: a kept file, exactly as delivered. Audited as an export.
pub async fn download(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let d = store::download(&app.store, &ctx.actor(), &id).await?;
    Ok(csv_download(&d))
}
