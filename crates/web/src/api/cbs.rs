//! The API of CBS Beleidsinformatie Jeugd: the file of a half year, produced and
//! recorded as a delivery (a correction of the whole period when delivered before). The
//! administrator only (`ExportStatistics`); every file is audited with the youths in it.
//! Goes through `eenplan_app::cbs`, as the page and the command line do.

use crate::AppState;
use crate::auth::Auth;
use crate::download::csv_download;
use crate::error::{AppError, ErrorBody};
use crate::extract::{Path, Query};
use axum::extract::State;
use axum::http::HeaderValue;
use axum::response::Response;
use eenplan_app::cbs::{deliver, parse_request};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams, Default)]
pub struct CbsParams {
    /// A municipality's CBS code (e.g. 0988) of the region; all municipalities when left
    /// out. CBS expects the file of all municipalities; one municipality is for checking.
    #[serde(default)]
    pub municipality: Option<String>,
}

/// The CBS Beleidsinformatie Jeugd file of a half year (`2026-1` January to June,
/// `2026-2` July to December; only a period that has ended): CSV with the protocol's
/// field names, one record per youth and trajectory of the CJG's own help (hulpvorm
/// 01). Every call produces a delivery, recorded with its SHA-256 (also in the
/// `X-Content-SHA256` header) and audited as an export with the youths in it; a later
/// call for the same period is a correction that supersedes it. A POST: it records.
#[utoipa::path(post, path = "/api/v1/cbs/{period}", tag = "cbs",
    params(("period" = String, Path, description = "YYYY-1 or YYYY-2"), CbsParams),
    responses(
        (status = 200, content_type = "text/csv", body = String),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn cbs_delivery(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(period): Path<String>,
    Query(q): Query<CbsParams>,
) -> Result<Response, AppError> {
    let municipality = q.municipality.unwrap_or_default();
    let (period, scope) =
        parse_request(&app.store, "period", &period, "municipality", &municipality).await?;
    let d = deliver(&app.store, Some(&ctx.caller()), period, &scope).await?;
    let mut response = csv_download(&d);
    if let Ok(v) = HeaderValue::from_str(&d.summary.sha256) {
        response.headers_mut().insert("x-content-sha256", v);
    }
    Ok(response)
}
