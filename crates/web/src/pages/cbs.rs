//! CBS Beleidsinformatie Jeugd: the administrator's page of the half-year periods and
//! the deliveries made (each kept whole, with a download), producing a delivery or a
//! correction of a whole period, and the download of a kept file. The file holds BSNs
//! and birth dates: `ExportStatistics` (the administrator only, the route group), and
//! every file produced or downloaded is audited as an export with the youths in it
//! (`eenplan_store::cbs`). The API (`api::cbs`) and `eenplan cbs-export` use
//! [`deliver_action`] too.

use super::{Chrome, Fields, answer_form, form_page, has_error, render};
use crate::AppState;
use crate::auth::{Auth, AuthContext};
use crate::error::{AppError, Problem};
use crate::extract::{CsrfForm, Path, Query};
use crate::i18n::{Lang, Tr};
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use eenplan_domain::cbs::Period;
use eenplan_store::cbs::{self as store, Delivery, DeliverySummary, Producer};
use serde::Deserialize;

pub const CSV_CONTENT_TYPE: &str = "text/csv; charset=utf-8";

fn conn_err(e: sqlx::Error) -> AppError {
    eenplan_store::Error::from(e).into()
}

/// Parses the period and municipality as given (the form's or the API's fields, both
/// named on `period_field` and `municipality_field`), every problem at once.
pub async fn parse_request(
    app: &AppState,
    period_field: &'static str,
    period: &str,
    municipality_field: &'static str,
    municipality: &str,
) -> Result<(Period, store::Scope), AppError> {
    let mut errors: Vec<Problem> = Vec::new();
    let period = Period::parse(period_field, period)
        .map_err(|e| errors.push(e.into()))
        .ok();
    let mut conn = app.store.pool().acquire().await.map_err(conn_err)?;
    let scope = match store::scope(&mut conn, municipality_field, municipality).await {
        Ok(s) => Some(s),
        Err(eenplan_store::Error::Invalid(f)) => {
            errors.push(f.into());
            None
        }
        Err(e) => return Err(e.into()),
    };
    match (period, scope) {
        (Some(p), Some(s)) if errors.is_empty() => Ok((p, s)),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// Produces and records the delivery of a period and scope (a correction when delivered
/// before): one transaction with its audit record.
pub async fn deliver_action(
    app: &AppState,
    ctx: &AuthContext,
    period: Period,
    scope: &store::Scope,
) -> Result<Delivery, AppError> {
    let mut tx = app.store.begin().await?;
    let d = store::deliver(
        &mut tx,
        &ctx.actor(),
        Producer {
            user_id: Some(&ctx.principal.user_id),
            name: &ctx.principal.username,
        },
        period,
        scope,
        eenplan_store::today(),
    )
    .await?;
    tx.commit().await?;
    Ok(d)
}

/// The file as a download.
pub fn csv_download(d: &Delivery) -> Response {
    (
        [
            (header::CONTENT_TYPE, CSV_CONTENT_TYPE.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", d.summary.file_name),
            ),
        ],
        d.content.clone(),
    )
        .into_response()
}

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
            parse_request(&app, "period", &period, "municipality", &municipality).await?;
        let d = deliver_action(&app, &ctx, p, &scope).await?;
        Ok(format!("/cbs#levering-{}", d.summary.id))
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
