//! Audit-log search (NEN 7513 review). The search itself is audited.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, Problem};
use crate::extract::Query;
use crate::i18n::{Lang, Tr};
use crate::pages::{Chrome, page};
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use eenplan_app::audit::{AuditQuery, parse_filter, search};
use eenplan_store::audit::Record;

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub f: AuditQuery,
    pub errors: Vec<Problem>,
    /// Each record with its local time.
    pub records: Vec<(Record, String)>,
}

pub async fn show(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Query(q): Query<AuditQuery>,
) -> Result<Html<String>, AppError> {
    let (records, errors) = match parse_filter(&q) {
        Ok(filter) => (
            search(&app.store, &ctx.caller(), &filter).await?,
            Vec::new(),
        ),
        Err(errors) => (Vec::new(), errors),
    };
    page(&AuditPage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/beheer/audit"),
        f: q,
        errors,
        records: records
            .into_iter()
            .map(|r| {
                let at = crate::pages::local_time(&r.at);
                (r, at)
            })
            .collect(),
    })
}
