//! Work lists: the caseload, the registrations waiting for pick-up, and search.

use super::*;

// ------------------------------------------------------------------ work lists

#[derive(Template)]
#[template(path = "caseload.html")]
pub struct CaseloadPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub rows: Vec<CaseloadView>,
    pub overdue: usize,
    pub not_agreed: usize,
}

pub struct CaseloadView {
    pub r: cases::CaseloadRow,
    pub status: &'static str,
    pub due: String,
    pub overdue: bool,
}

pub async fn caseload(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    let today = today();
    let rows: Vec<CaseloadView> = cases::caseload(&app.store, &ctx.principal.user_id)
        .await?
        .into_iter()
        .map(|r| CaseloadView {
            status: lang.pick(r.status.label_nl(), r.status.label_en()),
            due: r
                .next_action_due
                .map(|d| d.format("%d-%m-%Y").to_string())
                .unwrap_or_default(),
            overdue: r.next_action_due.is_some_and(|d| d < today),
            r,
        })
        .collect();
    case_access::record_list(
        &app.store,
        &ctx.caller(),
        "caseload.read",
        rows.iter().map(|r| r.r.id.clone()),
    )
    .await?;
    page(&CaseloadPage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/casussen"),
        overdue: rows.iter().filter(|r| r.overdue).count(),
        not_agreed: rows.iter().filter(|r| !r.r.plan_agreed).count(),
        rows,
    })
}

/// A list of cases names families: audited as a read of the listed cases.
#[derive(Template)]
#[template(path = "waiting.html")]
pub struct WaitingPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub rows: Vec<(cases::WaitingRow, i64)>,
}

pub async fn waiting(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    let today = today();
    let rows: Vec<_> = cases::waiting(&app.store, &ctx.principal.user_id)
        .await?
        .into_iter()
        .map(|r| {
            let days = (today - r.registered_on).num_days();
            (r, days)
        })
        .collect();
    case_access::record_list(
        &app.store,
        &ctx.caller(),
        "waiting.read",
        rows.iter().map(|(r, _)| r.id.clone()),
    )
    .await?;
    page(&WaitingPage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/team/aanmeldingen"),
        rows,
    })
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub q: app_cases::SearchParams,
    pub errors: Vec<Problem>,
    pub searched: bool,
    pub hits: Vec<(cases::SearchHit, &'static str, String)>,
    pub limit: i64,
}

impl SearchPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

/// The search form. A search is posted: a BSN, name or birth date does not belong in a
/// URL (addresses, histories, logs).
pub async fn show_search(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Response, AppError> {
    search_page(app, lang, ctx, app_cases::SearchParams::default()).await
}

pub async fn search(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(q): CsrfForm<app_cases::SearchParams>,
) -> Result<Response, AppError> {
    search_page(app, lang, ctx, q).await
}

async fn search_page(
    app: AppState,
    lang: Lang,
    ctx: AuthContext,
    q: app_cases::SearchParams,
) -> Result<Response, AppError> {
    let mut errors = Vec::new();
    let mut hits = Vec::new();
    let searched =
        !(q.naam.trim().is_empty() && q.bsn.trim().is_empty() && q.geboortedatum.trim().is_empty());
    if searched {
        match app_cases::parse_search(&q.naam, &q.bsn, &q.geboortedatum) {
            Ok(query) => {
                hits = cases::search(&app.store, &ctx.actor(), &ctx.principal.user_id, &query)
                    .await?
                    .into_iter()
                    .map(|h| {
                        let s = lang.pick(h.status.label_nl(), h.status.label_en());
                        let born = h
                            .birth_date
                            .map(|d| d.format("%d-%m-%Y").to_string())
                            .unwrap_or_default();
                        (h, s, born)
                    })
                    .collect();
            }
            Err(e) => errors = e,
        }
    }
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = SearchPage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/zoeken"),
        q,
        errors,
        searched,
        hits,
        limit: cases::SEARCH_LIMIT,
    };
    Ok((status, render(&page)).into_response())
}
