//! Files as downloads: the headers that make a browser save them, shared by the pages
//! and the API.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use eenplan_store::cbs::Delivery;

pub const CSV_CONTENT_TYPE: &str = "text/csv; charset=utf-8";

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
