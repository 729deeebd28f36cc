//! Administration of the product catalogue: products with their iJw category, unit and
//! frequency, prices by date, provider contracts, and the regional variant of support
//! plan part 2. Not client data: contract staff and the administrator.

use super::cases::{Labelled, labels, today};
use super::{Chrome, Fields, answer_form, has_error, page};
use crate::AppState;
use crate::auth::{Auth, AuthContext};
use crate::error::{AppError, Problem};
use crate::extract::CsrfForm;
use crate::i18n::{Lang, Tr};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, Response};
use eenplan_app::catalogue as app_catalogue;
use eenplan_domain::access::{Frequency, Unit, Variant};
use eenplan_store::catalogue::{self, Contract, Product};

#[derive(Template)]
#[template(path = "catalogue.html")]
pub struct CataloguePage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub f: Fields,
    pub products: Vec<(Product, String)>,
    pub contracts: Vec<Contract>,
    pub providers: Vec<(String, String)>,
    pub variants: Vec<(String, &'static str)>,
    pub units: Vec<Labelled>,
    pub frequencies: Vec<Labelled>,
    pub variant_choices: Vec<Labelled>,
}

impl CataloguePage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

async fn catalogue_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    f: Fields,
    errors: Vec<Problem>,
) -> Result<CataloguePage, AppError> {
    let today = today();
    let products = catalogue::products(&app.store)
        .await?
        .into_iter()
        .map(|p| {
            let prices = p
                .prices
                .iter()
                .map(|price| {
                    format!(
                        "{} {}",
                        super::access::euros(price.price_cents),
                        price.valid_from.format("(%d-%m-%Y)")
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let current = p
                .price_on(today)
                .map(super::access::euros)
                .unwrap_or_default();
            (p, format!("{current} — {prices}"))
        })
        .collect();
    let variants = eenplan_app::access::variants(&app.store)
        .await?
        .into_iter()
        .map(|(from, v)| {
            (
                from.format("%d-%m-%Y").to_string(),
                lang.pick(v.label_nl(), v.label_en()),
            )
        })
        .collect();
    Ok(CataloguePage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, "/catalogus"),
        errors,
        f,
        products,
        contracts: catalogue::contracts(&app.store).await?,
        providers: catalogue::providers(&app.store)
            .await?
            .into_iter()
            .map(|(id, name, _)| (id, name))
            .collect(),
        variants,
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
        variant_choices: labels(
            Variant::ALL,
            Variant::as_str,
            Variant::label_nl,
            Variant::label_en,
            lang,
        ),
    })
}

pub async fn show(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    page(&catalogue_page(&app, &ctx, lang, Fields::default(), Vec::new()).await?)
}

/// One handler per form of the page; each answers with the page again on bad input.
async fn answer(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    f: Fields,
    result: Result<(), eenplan_app::Error>,
) -> Result<Response, AppError> {
    answer_form(result.map(|()| "/catalogus".to_owned()), |errors| {
        catalogue_page(app, ctx, lang, f, errors)
    })
    .await
}

pub async fn create_product(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = app_catalogue::create_product(
        &app.store,
        &ctx.caller(),
        &app_catalogue::NewProduct::from_form(&f),
    )
    .await
    .map(|_| ());
    answer(&app, &ctx, lang, f, result).await
}

pub async fn add_price(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    crate::extract::Path(id): crate::extract::Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = app_catalogue::add_price(
        &app.store,
        &ctx.caller(),
        &id,
        &app_catalogue::AddPrice::from_form(&f),
    )
    .await
    // The page holds more than one form: the price form's inputs carry a prefix.
    .map_err(|e| {
        e.form_names(|n| match n {
            "valid_from" => Some("new_price_from".into()),
            "price" => Some("new_price".into()),
            _ => None,
        })
    });
    answer(&app, &ctx, lang, f, result).await
}

pub async fn create_contract(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = app_catalogue::create_contract(
        &app.store,
        &ctx.caller(),
        &app_catalogue::NewContract::from_form(&f),
    )
    .await
    .map(|_| ())
    .map_err(|e| {
        e.form_names(|n| match n {
            "provider_id" => Some("contract_provider".into()),
            "product_id" => Some("contract_product".into()),
            "valid_from" => Some("contract_from".into()),
            "valid_to" => Some("contract_to".into()),
            _ => None,
        })
    });
    answer(&app, &ctx, lang, f, result).await
}

/// Ends (or moves) a contract: a new version with the period.
pub async fn update_contract(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    crate::extract::Path(id): crate::extract::Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = app_catalogue::update_contract(
        &app.store,
        &ctx.caller(),
        &id,
        &app_catalogue::ChangeContract::from_form(&f),
    )
    .await;
    answer(&app, &ctx, lang, f, result).await
}

pub async fn set_variant(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = app_catalogue::set_variant(
        &app.store,
        &ctx.caller(),
        &app_catalogue::SetVariant::from_form(&f),
    )
    .await
    .map_err(|e| e.form_names(|n| (n == "valid_from").then(|| "variant_from".into())));
    answer(&app, &ctx, lang, f, result).await
}

#[derive(Template)]
#[template(path = "product_form.html")]
pub struct ProductPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub f: Fields,
    pub product: Product,
    pub units: Vec<Labelled>,
    pub frequencies: Vec<Labelled>,
}

impl ProductPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

async fn product_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    id: &str,
    f: Option<Fields>,
    errors: Vec<Problem>,
) -> Result<ProductPage, AppError> {
    let product = eenplan_app::access::product(&app.store, id).await?;
    let f = f.unwrap_or_else(|| {
        let mut f = Fields::default();
        f.set("code", &product.code);
        f.set("category", &product.category);
        f.set("name", &product.name);
        f.set("unit", product.unit.as_str());
        f.set("frequency", product.frequency.as_str());
        if product.active {
            f.set("active", "1");
        }
        f.set("version", product.version.to_string());
        f
    });
    Ok(ProductPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, "/catalogus"),
        errors,
        f,
        product,
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

pub async fn edit_product(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    crate::extract::Path(id): crate::extract::Path<String>,
) -> Result<Html<String>, AppError> {
    page(&product_page(&app, &ctx, lang, &id, None, Vec::new()).await?)
}

/// Changes a product (a new version; the earlier one stays in the history). Taking a
/// product out of use keeps its decisions as they are.
pub async fn update_product(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    crate::extract::Path(id): crate::extract::Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = app_catalogue::update_product(
        &app.store,
        &ctx.caller(),
        &id,
        &app_catalogue::ChangeProduct::from_form(&f),
    )
    .await
    .map(|()| "/catalogus".to_owned());
    answer_form(result, |errors| {
        product_page(&app, &ctx, lang, &id, Some(f), errors)
    })
    .await
}
