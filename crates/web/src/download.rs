//! Files as downloads: the headers that make a browser save them, shared by the pages
//! and the API.

use crate::error::AppError;
use crate::i18n::Lang;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use eenplan_reports::Report;
use eenplan_store::cbs::Delivery;
use eenplan_store::ijw::MessageRow;

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

pub const XLSX_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub const CSV_CONTENT_TYPE: &str = "text/csv; charset=utf-8";

pub fn csv_response(r: &Report) -> Response {
    report_download(
        r,
        "csv",
        CSV_CONTENT_TYPE,
        eenplan_reports::to_csv(r).into_bytes(),
    )
}

pub fn xlsx_response(r: &Report, lang: Lang) -> Result<Response, AppError> {
    let body = eenplan_reports::to_xlsx(r, lang == Lang::En).map_err(AppError::internal)?;
    Ok(report_download(r, "xlsx", XLSX_CONTENT_TYPE, body))
}

/// `volumes-2018-01-01-2018-12-31-MLW.csv`
fn report_download(r: &Report, ext: &str, content_type: &'static str, body: Vec<u8>) -> Response {
    let area: String = r
        .params
        .area
        .as_deref()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let name = format!(
        "{}-{}-{}{}{area}.{ext}",
        r.definition.name,
        r.params.from,
        r.params.to,
        if area.is_empty() { "" } else { "-" }
    );
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The XML exactly as sent or received.
pub fn xml_response(row: &MessageRow, xml: String) -> Response {
    let name = format!(
        "{}_{}_{}.xml",
        row.message_type, row.sender, row.identification
    )
    .replace(
        |c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '.',
        "-",
    );
    (
        [
            (
                header::CONTENT_TYPE,
                "application/xml; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        xml,
    )
        .into_response()
}
