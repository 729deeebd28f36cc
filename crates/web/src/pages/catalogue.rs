//! Administration of the product catalogue: products with their iJw category, unit and
//! frequency, prices by date, provider contracts, and the regional variant of support
//! plan part 2. Not client data: contract staff and the administrator.

use super::cases::{Labelled, choose, labels, optional_date, required_date, today};
use super::{Chrome, Fields, answer_form, has_error, page, parse_version, required_text};
use crate::AppState;
use crate::auth::{Auth, AuthContext};
use crate::error::{AppError, Problem};
use crate::extract::CsrfForm;
use crate::i18n::{Lang, Tr};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, Response};
use eenplan_domain::access::{Frequency, Unit, Variant, parse_euros};
use eenplan_store::catalogue::{self, Contract, Product, ProductInput};

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
    result: Result<(), AppError>,
) -> Result<Response, AppError> {
    answer_form(result.map(|()| "/catalogus".to_owned()), |errors| {
        catalogue_page(app, ctx, lang, f, errors)
    })
    .await
}

fn duplicate(field: &str, nl: &str, en: &str) -> impl Fn(eenplan_store::Error) -> AppError {
    let p = Problem::new(field, nl, en);
    move |e| match e {
        eenplan_store::Error::Duplicate { .. } => AppError::invalid(p.clone()),
        other => other.into(),
    }
}

pub fn parse_product(f: &Fields) -> Result<ProductInput, Vec<Problem>> {
    let mut errors = Vec::new();
    let code = required_text(&mut errors, "code", f.get("code"), 5);
    let category = f.get("category").trim().to_owned();
    if category.len() != 2 || !category.chars().all(|c| c.is_ascii_digit()) {
        errors.push(Problem::new(
            "category",
            "De productcategorie (JZ020) bestaat uit 2 cijfers.",
            "The product category (JZ020) consists of 2 digits.",
        ));
    }
    let name = required_text(&mut errors, "name", f.get("name"), 200);
    let unit = Unit::parse(f.get("unit"));
    if unit.is_none() {
        errors.push(choose("unit"));
    }
    let frequency = Frequency::parse(f.get("frequency"));
    if frequency.is_none() {
        errors.push(choose("frequency"));
    }
    match (unit, frequency) {
        (Some(unit), Some(frequency)) if errors.is_empty() => Ok(ProductInput {
            code,
            category,
            name,
            unit,
            frequency,
            active: true,
        }),
        _ => Err(errors),
    }
}

pub async fn create_product(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = async {
        let input = parse_product(&f);
        let mut errors = input.as_ref().err().cloned().unwrap_or_default();
        let from = required_date(&mut errors, "price_from", f.get("price_from"));
        let cents = parse_euros("price", f.get("price"))
            .map_err(|e| errors.push(e.into()))
            .ok();
        match (input, from, cents) {
            (Ok(input), Some(from), Some(cents)) if errors.is_empty() => {
                let mut tx = app.store.begin().await?;
                catalogue::create_product(
                    &mut tx,
                    &ctx.actor(),
                    &ctx.principal.user_id,
                    &input,
                    from,
                    cents,
                )
                .await
                .map_err(duplicate(
                    "code",
                    "Er is al een product met deze code.",
                    "A product with this code already exists.",
                ))?;
                tx.commit().await?;
                Ok(())
            }
            _ => Err(AppError::Invalid(errors)),
        }
    }
    .await;
    answer(&app, &ctx, lang, f, result).await
}

pub async fn add_price(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    crate::extract::Path(id): crate::extract::Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = async {
        let mut errors = Vec::new();
        let version =
            parse_version("version", f.get("version")).map_err(|p| AppError::Invalid(vec![p]))?;
        let from = required_date(&mut errors, "new_price_from", f.get("new_price_from"));
        let cents = parse_euros("new_price", f.get("new_price"))
            .map_err(|e| errors.push(e.into()))
            .ok();
        match (from, cents) {
            (Some(from), Some(cents)) if errors.is_empty() => {
                let mut tx = app.store.begin().await?;
                catalogue::add_price(
                    &mut tx,
                    &ctx.actor(),
                    &ctx.principal.user_id,
                    &id,
                    version,
                    from,
                    cents,
                )
                .await
                .map_err(duplicate(
                    "new_price_from",
                    "Op deze datum begint al een prijs.",
                    "A price already starts on this date.",
                ))?;
                tx.commit().await?;
                Ok(())
            }
            _ => Err(AppError::Invalid(errors)),
        }
    }
    .await;
    answer(&app, &ctx, lang, f, result).await
}

pub async fn create_contract(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = async {
        let mut errors = Vec::new();
        let provider = f.get("contract_provider").trim().to_owned();
        if provider.is_empty() {
            errors.push(choose("contract_provider"));
        }
        let product = f.get("contract_product").trim().to_owned();
        if product.is_empty() {
            errors.push(choose("contract_product"));
        }
        let from = required_date(&mut errors, "contract_from", f.get("contract_from"));
        let to = optional_date(&mut errors, "contract_to", f.get("contract_to"));
        if let Err(e) = eenplan_domain::DateRange::check("contract_to", from, to) {
            errors.push(e.into());
        }
        match from {
            Some(from) if errors.is_empty() => {
                let mut tx = app.store.begin().await?;
                catalogue::create_contract(
                    &mut tx,
                    &ctx.actor(),
                    &ctx.principal.user_id,
                    &provider,
                    &product,
                    from,
                    to,
                )
                .await
                .map_err(|e| match e {
                    eenplan_store::Error::UnknownReference => {
                        AppError::invalid(choose("contract_product"))
                    }
                    eenplan_store::Error::NotApplicable(_) => {
                        AppError::invalid(choose("contract_provider"))
                    }
                    other => other.into(),
                })?;
                tx.commit().await?;
                Ok(())
            }
            _ => Err(AppError::Invalid(errors)),
        }
    }
    .await;
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
    let result = async {
        let mut errors = Vec::new();
        let version =
            parse_version("version", f.get("version")).map_err(|p| AppError::Invalid(vec![p]))?;
        let from = required_date(&mut errors, "valid_from", f.get("valid_from"));
        let to = optional_date(&mut errors, "valid_to", f.get("valid_to"));
        if let Err(e) = eenplan_domain::DateRange::check("valid_to", from, to) {
            errors.push(e.into());
        }
        match from {
            Some(from) if errors.is_empty() => {
                let mut tx = app.store.begin().await?;
                catalogue::update_contract(
                    &mut tx,
                    &ctx.actor(),
                    &ctx.principal.user_id,
                    &id,
                    version,
                    from,
                    to,
                )
                .await?;
                tx.commit().await?;
                Ok(())
            }
            _ => Err(AppError::Invalid(errors)),
        }
    }
    .await;
    answer(&app, &ctx, lang, f, result).await
}

pub async fn set_variant(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = async {
        let mut errors = Vec::new();
        let from = required_date(&mut errors, "variant_from", f.get("variant_from"));
        let variant = Variant::parse(f.get("variant"));
        if variant.is_none() {
            errors.push(choose("variant"));
        }
        match (from, variant) {
            (Some(from), Some(variant)) if errors.is_empty() => {
                let mut tx = app.store.begin().await?;
                catalogue::set_variant(
                    &mut tx,
                    &ctx.actor(),
                    Some(&ctx.principal.user_id),
                    from,
                    variant,
                )
                .await?;
                tx.commit().await?;
                Ok(())
            }
            _ => Err(AppError::Invalid(errors)),
        }
    }
    .await;
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
    let result = async {
        let version =
            parse_version("version", f.get("version")).map_err(|p| AppError::Invalid(vec![p]))?;
        let mut input = parse_product(&f).map_err(AppError::Invalid)?;
        input.active = f.has("active", "1");
        let mut tx = app.store.begin().await?;
        catalogue::update_product(
            &mut tx,
            &ctx.actor(),
            &ctx.principal.user_id,
            &id,
            version,
            &input,
        )
        .await
        .map_err(duplicate(
            "code",
            "Er is al een product met deze code.",
            "A product with this code already exists.",
        ))?;
        tx.commit().await?;
        Ok::<_, AppError>("/catalogus".to_owned())
    }
    .await;
    answer_form(result, |errors| {
        product_page(&app, &ctx, lang, &id, Some(f), errors)
    })
    .await
}
