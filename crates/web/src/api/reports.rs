//! The API of the management information: the reports (JSON, or the CSV and XLSX of
//! the pages) and the budgets of the own municipality. Reports run through
//! `eenplan_app::reports::run_for`: the same parameters, small-number rule and audit.

use crate::AppState;
use crate::auth::Auth;
use crate::download::{csv_response, xlsx_response};
use crate::error::{AppError, ErrorBody};
use crate::extract::{ApiJson, Path, Query};
use crate::i18n::Lang;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use eenplan_app::reports::{self, Ask, run_for};
use eenplan_store::audit::Action;
use eenplan_store::budgets::{self, Budget};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

type ApiResult<T> = Result<T, AppError>;

#[derive(Serialize, ToSchema)]
pub struct ReportInfo {
    /// The name in `/api/v1/reports/{name}` and `eenplan report NAME`.
    pub name: &'static str,
    pub title: &'static str,
    pub about: &'static str,
}

/// The reports there are.
#[utoipa::path(get, path = "/api/v1/reports", tag = "reports",
    responses((status = 200, body = [ReportInfo]), (status = 403, body = ErrorBody)))]
pub async fn list_reports(lang: Lang) -> Json<Vec<ReportInfo>> {
    let en = lang == Lang::En;
    Json(
        eenplan_reports::REPORTS
            .iter()
            .map(|d| ReportInfo {
                name: d.name,
                title: d.title(en),
                about: d.about(en),
            })
            .collect(),
    )
}

#[derive(Deserialize, IntoParams, Default)]
pub struct ReportParams {
    /// First day, YYYY-MM-DD (with `to`; or give `year`).
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD.
    pub to: Option<String>,
    /// A calendar year instead of `from` and `to`.
    pub year: Option<String>,
    /// A municipality's CBS code, a sub-region (MLW, MLO) or a region (ML); all when
    /// left out. A policy officer's `costs` are their own municipality's.
    pub area: Option<String>,
    /// `json` (default), `csv` or `xlsx`.
    pub format: Option<String>,
}

/// A report for a period and area: JSON with its columns and rows (keys as in the CSV
/// header), or the CSV or XLSX download. Counts below the threshold are "<5" for every
/// role but the CJG's behavioural scientists. Audited as an export.
#[utoipa::path(get, path = "/api/v1/reports/{name}", tag = "reports", params(("name" = String, Path), ReportParams),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_report(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(name): Path<String>,
    Query(q): Query<ReportParams>,
) -> ApiResult<Response> {
    let ask = Ask {
        from: q.from,
        to: q.to,
        year: q.year,
        area: q.area,
    };
    let format = q.format.unwrap_or_default();
    if !matches!(format.as_str(), "" | "json" | "csv" | "xlsx") {
        return Err(AppError::invalid(crate::error::Problem::new(
            "format",
            "Kies json, csv of xlsx.",
            "Choose json, csv or xlsx.",
        )));
    }
    let report = run_for(&app.store, &ctx.caller(), &name, &ask, Action::Export).await?;
    Ok(match format.as_str() {
        "csv" => csv_response(&report),
        "xlsx" => xlsx_response(&report, lang)?,
        _ => Json(eenplan_reports::to_json(&report, lang == Lang::En)).into_response(),
    })
}

/// The budgets of the policy officer's own municipality, latest year first.
#[utoipa::path(get, path = "/api/v1/budgets", tag = "reports",
    responses((status = 200, body = [Budget]), (status = 403, body = ErrorBody)))]
pub async fn list_budgets(
    State(app): State<AppState>,
    Auth(ctx): Auth,
) -> ApiResult<Json<Vec<Budget>>> {
    let municipality = reports::own_municipality(&app.store, &ctx.caller()).await?;
    Ok(Json(budgets::list(&app.store, Some(&municipality)).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct BudgetBody {
    /// The budget in euros, e.g. "1250000" or "1.250.000,00".
    pub amount: String,
    /// The version last read; leave out for a year without a budget yet.
    pub version: Option<i64>,
}

/// Sets the own municipality's budget for a year; a stale or missing version of an
/// existing budget is a 409. Audited.
#[utoipa::path(put, path = "/api/v1/budgets/{year}", tag = "reports", params(("year" = String, Path)), request_body = BudgetBody,
    responses((status = 200, body = [Budget]), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_budget(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(year): Path<String>,
    ApiJson(b): ApiJson<BudgetBody>,
) -> ApiResult<Json<Vec<Budget>>> {
    reports::set_budget_action(&app.store, &ctx.caller(), &year, &b.amount, b.version, true)
        .await?;
    let municipality = reports::own_municipality(&app.store, &ctx.caller()).await?;
    Ok(Json(budgets::list(&app.store, Some(&municipality)).await?))
}
