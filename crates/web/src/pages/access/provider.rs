//! The provider's view: its assignments, a request's part 2 and the care reported.

use super::*;

// ------------------------------------------------------------------ the provider's view

#[derive(Debug, serde::Deserialize, Default)]
pub struct PageQuery {
    /// Page number, from 1.
    #[serde(default)]
    pub pagina: Option<i64>,
}

#[derive(Template)]
#[template(path = "provider.html")]
pub struct ProviderPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub requests: Vec<RequestView>,
    pub decisions: Vec<DecisionView>,
    /// (this page, last page, total decisions)
    pub paging: (i64, i64, i64),
}

pub async fn provider_home(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, AppError> {
    let page_no = q.pagina.unwrap_or(1).max(1);
    let (requests, decisions, total) = assignments(&app.store, &ctx.caller(), page_no - 1).await?;
    let mut views = Vec::new();
    for r in requests {
        views.push(RequestView::new(r, lang, &[]));
    }
    let last = ((total + store_access::PROVIDER_PAGE - 1) / store_access::PROVIDER_PAGE).max(1);
    page(&ProviderPage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/aanbieder"),
        requests: views,
        decisions: decisions
            .into_iter()
            .map(|d| DecisionView::new(d, lang))
            .collect(),
        paging: (page_no, last, total),
    })
}

#[derive(Template)]
#[template(path = "provider_request.html")]
pub struct ProviderRequestPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub f: Fields,
    pub v: RequestView,
    pub units: Vec<Labelled>,
    pub frequencies: Vec<Labelled>,
}

impl ProviderRequestPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

async fn provider_request_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    id: &str,
    f: Option<Fields>,
    errors: Vec<Problem>,
) -> Result<ProviderRequestPage, AppError> {
    let r = eenplan_app::access::request_for_provider(&app.store, &ctx.caller(), id).await?;
    let f = match f {
        Some(f) => f,
        None => {
            let mut f = request_fields(&r);
            if r.effort.unit.is_none() {
                // The product's own unit and frequency as a start.
                let product = eenplan_app::access::product(&app.store, &r.product_id).await?;
                f.set("unit", product.unit.as_str());
                f.set("frequency", product.frequency.as_str());
            }
            f
        }
    };
    Ok(ProviderRequestPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, "/aanbieder"),
        errors,
        f,
        v: RequestView::new(r, lang, &[]),
        units: labels(
            Unit::ALL,
            Unit::as_str,
            Unit::label_nl,
            Unit::label_en,
            lang,
        ),
        frequencies: labels(
            Frequency::ALL,
            Frequency::as_str,
            Frequency::label_nl,
            Frequency::label_en,
            lang,
        ),
    })
}

pub async fn provider_request(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    page(&provider_request_page(&app, &ctx, lang, &id, None, Vec::new()).await?)
}

/// Support plan part 2 by the provider, after its intake (variant 2018).
pub async fn provider_effort(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = app_access::provider_effort(
        &app.store,
        &ctx.caller(),
        &id,
        &app_access::ProviderEffort::from_form(&f),
    )
    .await
    .map(|()| "/aanbieder".to_owned());
    answer_form(result, |errors| {
        provider_request_page(&app, &ctx, lang, &id, Some(f), errors)
    })
    .await
}

#[derive(Template)]
#[template(path = "provider_decision.html")]
pub struct ProviderDecisionPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub f: Fields,
    pub v: DecisionView,
    pub results: Vec<(String, String)>,
}

impl ProviderDecisionPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

async fn provider_decision_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    id: &str,
    f: Option<Fields>,
    errors: Vec<Problem>,
) -> Result<ProviderDecisionPage, AppError> {
    let d = eenplan_app::access::decision_for_provider(&app.store, &ctx.caller(), id).await?;
    let request = load_request(&app.store, &d.request_id).await?;
    let f = f.unwrap_or_else(|| {
        let mut f = Fields::default();
        f.set(
            "actual_start_on",
            d.actual_start_on.map(|d| d.to_string()).unwrap_or_default(),
        );
        f.set(
            "actual_end_on",
            d.actual_end_on.map(|d| d.to_string()).unwrap_or_default(),
        );
        f
    });
    Ok(ProviderDecisionPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, "/aanbieder"),
        errors,
        f,
        results: RequestView::new(request, lang, &[]).results,
        v: DecisionView::new(d, lang),
    })
}

pub async fn provider_decision(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    page(&provider_decision_page(&app, &ctx, lang, &id, None, Vec::new()).await?)
}

/// The provider reports the actual start and end of the care.
pub async fn provider_report(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = app_access::report_care(
        &app.store,
        &ctx.caller(),
        &id,
        &app_access::ReportCare::from_form(&f),
    )
    .await
    .map(|()| "/aanbieder".to_owned());
    answer_form(result, |errors| {
        provider_decision_page(&app, &ctx, lang, &id, Some(f), errors)
    })
    .await
}
