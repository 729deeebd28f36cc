//! The product catalogue (not client data; contract staff and the administrator):
//! products with their iJw category, unit and frequency, prices by date, provider
//! contracts, and the regional variant of support plan part 2. One typed command per
//! change, each in one transaction with its audit record.

use crate::input::{Fields, choose, required_date, required_text, validity};
use crate::{Caller, Error, Problem, Result};
use eenplan_domain::access::{Frequency, Unit, Variant, parse_euros};
use eenplan_store::Store;
use eenplan_store::catalogue::{self, ProductInput};

fn form_version(f: &Fields) -> Option<i64> {
    crate::input::form_version(f)
}

fn price(errors: &mut Vec<Problem>, field: &'static str, s: &str) -> Option<i64> {
    parse_euros(field, s)
        .map_err(|e| errors.push(e.into()))
        .ok()
}

/// A product's own fields, as the product form and the new-product form share them.
#[derive(Debug, Clone, Default)]
pub struct ProductFields {
    pub code: String,
    /// JZ020, two digits.
    pub category: String,
    pub name: String,
    pub unit: String,
    pub frequency: String,
}

impl ProductFields {
    fn from_form(f: &Fields) -> ProductFields {
        ProductFields {
            code: f.get("code").into(),
            category: f.get("category").into(),
            name: f.get("name").into(),
            unit: f.get("unit").into(),
            frequency: f.get("frequency").into(),
        }
    }

    fn parse(&self, errors: &mut Vec<Problem>, active: bool) -> Option<ProductInput> {
        let code = required_text(errors, "code", &self.code, 5);
        let category = self.category.trim().to_owned();
        if category.len() != 2 || !category.chars().all(|c| c.is_ascii_digit()) {
            errors.push(Problem::new(
                "category",
                "De productcategorie (JZ020) bestaat uit 2 cijfers.",
                "The product category (JZ020) consists of 2 digits.",
            ));
        }
        let name = required_text(errors, "name", &self.name, 200);
        let unit = Unit::parse(self.unit.trim());
        if unit.is_none() {
            errors.push(choose("unit"));
        }
        let frequency = Frequency::parse(self.frequency.trim());
        if frequency.is_none() {
            errors.push(choose("frequency"));
        }
        Some(ProductInput {
            code,
            category,
            name,
            unit: unit?,
            frequency: frequency?,
            active,
        })
    }
}

/// A new product with its first price.
#[derive(Debug, Clone, Default)]
pub struct NewProduct {
    pub product: ProductFields,
    /// YYYY-MM-DD
    pub price_from: String,
    /// Euros, e.g. "85,50".
    pub price: String,
}

impl NewProduct {
    pub fn from_form(f: &Fields) -> NewProduct {
        NewProduct {
            product: ProductFields::from_form(f),
            price_from: f.get("price_from").into(),
            price: f.get("price").into(),
        }
    }
}

pub async fn create_product(store: &Store, caller: &Caller, c: &NewProduct) -> Result<String> {
    let mut errors = Vec::new();
    let input = c.product.parse(&mut errors, true);
    let from = required_date(&mut errors, "price_from", &c.price_from);
    let cents = price(&mut errors, "price", &c.price);
    let (Some(input), Some(from), Some(cents), true) = (input, from, cents, errors.is_empty())
    else {
        return Err(Error::Invalid(errors));
    };
    let mut tx = store.begin().await?;
    let id = catalogue::create_product(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        &input,
        from,
        cents,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A change of a product (a new version; the earlier one stays in the history). Taking
/// a product out of use keeps its decisions as they are.
#[derive(Debug, Clone, Default)]
pub struct ChangeProduct {
    pub version: Option<i64>,
    pub product: ProductFields,
    pub active: bool,
}

impl ChangeProduct {
    pub fn from_form(f: &Fields) -> ChangeProduct {
        ChangeProduct {
            version: form_version(f),
            product: ProductFields::from_form(f),
            active: f.has("active", "1"),
        }
    }
}

pub async fn update_product(
    store: &Store,
    caller: &Caller,
    id: &str,
    c: &ChangeProduct,
) -> Result<()> {
    let version = crate::input::version_required(c.version)?;
    let mut errors = Vec::new();
    let input = c.product.parse(&mut errors, c.active);
    let (Some(input), true) = (input, errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    let mut tx = store.begin().await?;
    catalogue::update_product(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        id,
        version,
        &input,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A new price of a product from a date on.
#[derive(Debug, Clone, Default)]
pub struct AddPrice {
    pub version: Option<i64>,
    /// YYYY-MM-DD
    pub valid_from: String,
    /// Euros.
    pub price: String,
}

impl AddPrice {
    /// From the catalogue page's price form (`new_price_from`, `new_price` there).
    pub fn from_form(f: &Fields) -> AddPrice {
        AddPrice {
            version: form_version(f),
            valid_from: f.get("new_price_from").into(),
            price: f.get("new_price").into(),
        }
    }
}

pub async fn add_price(
    store: &Store,
    caller: &Caller,
    product_id: &str,
    c: &AddPrice,
) -> Result<()> {
    let version = crate::input::version_required(c.version)?;
    let mut errors = Vec::new();
    let from = required_date(&mut errors, "valid_from", &c.valid_from);
    let cents = price(&mut errors, "price", &c.price);
    let (Some(from), Some(cents), true) = (from, cents, errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    let mut tx = store.begin().await?;
    catalogue::add_price(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        product_id,
        version,
        from,
        cents,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A provider's contract for a product, for a period.
#[derive(Debug, Clone, Default)]
pub struct NewContract {
    pub provider_id: String,
    pub product_id: String,
    /// YYYY-MM-DD
    pub valid_from: String,
    /// YYYY-MM-DD; open-ended when empty.
    pub valid_to: String,
}

impl NewContract {
    /// From the catalogue page's contract form (`contract_*` there).
    pub fn from_form(f: &Fields) -> NewContract {
        NewContract {
            provider_id: f.get("contract_provider").into(),
            product_id: f.get("contract_product").into(),
            valid_from: f.get("contract_from").into(),
            valid_to: f.get("contract_to").into(),
        }
    }
}

pub async fn create_contract(store: &Store, caller: &Caller, c: &NewContract) -> Result<String> {
    let mut errors = Vec::new();
    let provider = c.provider_id.trim();
    if provider.is_empty() {
        errors.push(choose("provider_id"));
    }
    let product = c.product_id.trim();
    if product.is_empty() {
        errors.push(choose("product_id"));
    }
    let (from, to) = validity(&mut errors, &c.valid_from, &c.valid_to);
    let (Some(from), true) = (from, errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    let mut tx = store.begin().await?;
    let id = catalogue::create_contract(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        provider,
        product,
        from,
        to,
    )
    .await
    .map_err(|e| match e {
        eenplan_store::Error::UnknownReference => Error::invalid(choose("product_id")),
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(id)
}

/// Ends (or moves) a contract: a new version with the period.
#[derive(Debug, Clone, Default)]
pub struct ChangeContract {
    pub version: Option<i64>,
    /// YYYY-MM-DD
    pub valid_from: String,
    /// YYYY-MM-DD; open-ended when empty.
    pub valid_to: String,
}

impl ChangeContract {
    pub fn from_form(f: &Fields) -> ChangeContract {
        ChangeContract {
            version: form_version(f),
            valid_from: f.get("valid_from").into(),
            valid_to: f.get("valid_to").into(),
        }
    }
}

pub async fn update_contract(
    store: &Store,
    caller: &Caller,
    id: &str,
    c: &ChangeContract,
) -> Result<()> {
    let version = crate::input::version_required(c.version)?;
    let mut errors = Vec::new();
    let (from, to) = validity(&mut errors, &c.valid_from, &c.valid_to);
    let (Some(from), true) = (from, errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    let mut tx = store.begin().await?;
    catalogue::update_contract(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        id,
        version,
        from,
        to,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The region's variant of support plan part 2 from a date on (who records the effort:
/// the CJG, or the provider after its intake).
#[derive(Debug, Clone, Default)]
pub struct SetVariant {
    /// YYYY-MM-DD
    pub valid_from: String,
    pub variant: String,
}

impl SetVariant {
    /// From the catalogue page's variant form (`variant_from` there).
    pub fn from_form(f: &Fields) -> SetVariant {
        SetVariant {
            valid_from: f.get("variant_from").into(),
            variant: f.get("variant").into(),
        }
    }
}

pub async fn set_variant(store: &Store, caller: &Caller, c: &SetVariant) -> Result<()> {
    let mut errors = Vec::new();
    let from = required_date(&mut errors, "valid_from", &c.valid_from);
    let variant = Variant::parse(c.variant.trim());
    if variant.is_none() {
        errors.push(choose("variant"));
    }
    let (Some(from), Some(variant), true) = (from, variant, errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    let mut tx = store.begin().await?;
    catalogue::set_variant(
        &mut tx,
        &caller.actor(),
        Some(caller.user_id()),
        from,
        variant,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
