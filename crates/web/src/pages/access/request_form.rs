//! The access request form: parts 1 and 2, new or changed.

use super::*;

// ------------------------------------------------------------------ the request form

#[derive(Template)]
#[template(path = "access_form.html")]
pub struct RequestFormPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub h: crate::pages::cases::CaseHeader,
    pub errors: Vec<Problem>,
    pub f: Fields,
    /// `None` for a new request.
    pub request_id: Option<String>,
    pub version: i64,
    pub youths: Vec<(String, String)>,
    pub goals: Vec<(String, String)>,
    pub products: Vec<(String, String)>,
    pub providers: Vec<(String, String)>,
    pub fundings: Vec<Labelled>,
    pub referrers: Vec<Labelled>,
    pub units: Vec<Labelled>,
    pub frequencies: Vec<Labelled>,
    /// The provider records part 2 (variant 2018): the CJG's form leaves it out.
    pub variant_note: &'static str,
    pub result_rows: Vec<usize>,
}

impl RequestFormPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

#[allow(clippy::too_many_arguments)]
async fn request_form(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    grant: CaseGrant,
    request_id: Option<String>,
    version: i64,
    f: Fields,
    errors: Vec<Problem>,
) -> Result<RequestFormPage, AppError> {
    let store = &app.store;
    // The form shows the family's youths and plan goals: a read of client data.
    case_access::record_read(store, &ctx.caller(), &grant, "access_request_form").await?;
    let youths = eenplan_store::cases::persons(store, &grant)
        .await?
        .into_iter()
        .filter(|p| p.kind == eenplan_domain::family::PersonKind::Youth)
        .map(|p| (p.id, p.name))
        .collect();
    let state = plans::state(store, &grant).await?;
    let goals = if state.current_version > 0 {
        plans::version(store, &grant, state.current_version)
            .await?
            .content
            .goals
            .into_iter()
            .map(|g| (g.id, g.text))
            .collect()
    } else {
        Vec::new()
    };
    let today = today();
    let products = catalogue::products(store)
        .await?
        .into_iter()
        .filter(|p| p.active)
        .map(|p| {
            let price = p
                .price_on(today)
                .map(|c| {
                    format!(
                        " · {} / {}",
                        euros(c),
                        lang.pick(p.unit.label_nl(), p.unit.label_en())
                    )
                })
                .unwrap_or_default();
            (
                p.id,
                format!("{} {} (cat. {}){price}", p.code, p.name, p.category),
            )
        })
        .collect();
    let providers = catalogue::providers(store)
        .await?
        .into_iter()
        .map(|(id, name, agb)| {
            (
                id,
                format!(
                    "{name}{}",
                    agb.map(|a| format!(" (AGB {a})")).unwrap_or_default()
                ),
            )
        })
        .collect();
    let variant =
        eenplan_domain::access::variant_on(&eenplan_app::access::variants(store).await?, today);
    Ok(RequestFormPage {
        t: Tr(lang),
        chrome: Chrome::for_user(
            ctx,
            lang,
            app.config.demo_mode,
            &format!("/casussen/{}", grant.case_id()),
        ),
        h: crate::pages::cases::CaseHeader::new(&grant, lang),
        errors,
        f,
        request_id,
        version,
        youths,
        goals,
        products,
        providers,
        fundings: labels(
            Funding::ALL,
            Funding::as_str,
            Funding::label_nl,
            Funding::label_en,
            lang,
        ),
        referrers: labels(
            ReferrerType::ALL,
            ReferrerType::as_str,
            ReferrerType::label_nl,
            ReferrerType::label_en,
            lang,
        ),
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
        variant_note: lang.pick(variant.label_nl(), variant.label_en()),
        result_rows: (0..MAX_RESULTS).collect(),
    })
}

pub async fn new_request(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(case_id): Path<String>,
) -> Result<Html<String>, AppError> {
    let grant = case_access::run(&app.store, &ctx.caller(), &case_id).await?;
    let mut f = Fields::default();
    f.set("funding", "zin");
    page(&request_form(&app, &ctx, lang, grant, None, 0, f, Vec::new()).await?)
}

pub async fn create_request(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(case_id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let grant = case_access::run(&app.store, &ctx.caller(), &case_id).await?;
    let result = app_access::create_request(
        &app.store,
        &ctx.caller(),
        &case_id,
        &app_access::WriteRequest::from_form(&f),
    )
    .await
    .map(|id| format!("/toegang/{id}"));
    answer_form(result, |errors| {
        request_form(&app, &ctx, lang, grant, None, 0, f, errors)
    })
    .await
}
pub(crate) fn request_fields(r: &AccessRequest) -> Fields {
    let mut f = Fields::default();
    f.set("youth_id", &r.youth_id);
    f.set("referrer_type", r.referrer_type.as_str());
    f.set("referrer_code", r.referrer_code.clone().unwrap_or_default());
    f.set("reason", &r.reason);
    f.set("product_id", &r.product_id);
    f.set("funding", r.funding.as_str());
    f.set("provider_id", r.provider_id.clone().unwrap_or_default());
    for (i, res) in r.results.iter().enumerate() {
        f.set(&format!("result.{i}"), &res.text);
        f.set(
            &format!("result.{i}.goal"),
            res.goal_id.clone().unwrap_or_default(),
        );
    }
    let e = &r.effort;
    f.set(
        "volume",
        e.volume.map(|v| v.to_string()).unwrap_or_default(),
    );
    f.set("unit", e.unit.map_or("", Unit::as_str));
    f.set("frequency", e.frequency.map_or("", Frequency::as_str));
    f.set(
        "start_on",
        e.start_on.map(|d| d.to_string()).unwrap_or_default(),
    );
    f.set(
        "end_on",
        e.end_on.map(|d| d.to_string()).unwrap_or_default(),
    );
    f.set(
        "pgb_amount",
        e.pgb_cents
            .map(|c| format!("{},{:02}", c / 100, c % 100))
            .unwrap_or_default(),
    );
    f
}
pub async fn edit_request(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let r = load_request(&app.store, &id).await?;
    let grant = case_access::run(&app.store, &ctx.caller(), &r.case_id).await?;
    let f = request_fields(&r);
    page(
        &request_form(
            &app,
            &ctx,
            lang,
            grant,
            Some(r.id),
            r.version,
            f,
            Vec::new(),
        )
        .await?,
    )
}
pub async fn update_request(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let r = load_request(&app.store, &id).await?;
    let grant = case_access::run(&app.store, &ctx.caller(), &r.case_id).await?;
    let result = app_access::update_request(
        &app.store,
        &ctx.caller(),
        &id,
        &app_access::WriteRequest::from_form(&f),
    )
    .await
    .map(|()| format!("/toegang/{id}"));
    answer_form(result, |errors| {
        request_form(&app, &ctx, lang, grant, Some(id), r.version, f, errors)
    })
    .await
}
