//! The product catalogue: products (profiles) with their iJw category, unit and frequency,
//! prices by date, and the contracts saying which provider may deliver which product
//! when. Every change is versioned: the earlier state goes to `catalogue_history`.

use crate::audit::{self, Action, Actor, Event};
use crate::{Error, Result, Store, Tx, check_versioned_update, date, new_id, now};
use chrono::NaiveDate;
use eenplan_domain::access::{Frequency, Unit, Variant};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A price per unit from a date on.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct Price {
    pub valid_from: NaiveDate,
    pub price_cents: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Product {
    pub id: String,
    pub code: String,
    pub category: String,
    pub name: String,
    pub unit: Unit,
    pub frequency: Frequency,
    pub active: bool,
    pub version: i64,
    /// Oldest first.
    pub prices: Vec<Price>,
}

impl Product {
    pub fn price_on(&self, on: NaiveDate) -> Option<i64> {
        let prices: Vec<_> = self
            .prices
            .iter()
            .map(|p| (p.valid_from, p.price_cents))
            .collect();
        eenplan_domain::access::price_on(&prices, on)
    }
}

#[derive(Debug, Clone)]
pub struct ProductInput {
    pub code: String,
    pub category: String,
    pub name: String,
    pub unit: Unit,
    pub frequency: Frequency,
    pub active: bool,
}

fn product_from_row(r: &AnyRow) -> Result<Product> {
    let unit: String = r.try_get("unit")?;
    let frequency: String = r.try_get("frequency")?;
    Ok(Product {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        category: r.try_get("category")?,
        name: r.try_get("name")?,
        unit: Unit::parse(&unit).ok_or(Error::Corrupt(unit))?,
        frequency: Frequency::parse(&frequency).ok_or(Error::Corrupt(frequency))?,
        active: r.try_get::<i64, _>("active")? == 1,
        version: r.try_get("version")?,
        prices: Vec::new(),
    })
}

/// The whole catalogue with the prices of each product.
pub async fn products(store: &Store) -> Result<Vec<Product>> {
    let rows = sqlx::query(
        "SELECT id, code, category, name, unit, frequency, active, version FROM products ORDER BY code",
    )
    .fetch_all(store.pool())
    .await?;
    let mut products = rows
        .iter()
        .map(product_from_row)
        .collect::<Result<Vec<_>>>()?;
    let prices = sqlx::query(
        "SELECT product_id, valid_from, price_cents FROM product_prices ORDER BY valid_from",
    )
    .fetch_all(store.pool())
    .await?;
    for r in prices {
        let id: String = r.try_get("product_id")?;
        if let Some(p) = products.iter_mut().find(|p| p.id == id) {
            let from: String = r.try_get("valid_from")?;
            p.prices.push(Price {
                valid_from: date(&from)?,
                price_cents: r.try_get("price_cents")?,
            });
        }
    }
    Ok(products)
}

pub async fn product(conn: &mut sqlx::AnyConnection, id: &str) -> Result<Product> {
    let r = sqlx::query(
        "SELECT id, code, category, name, unit, frequency, active, version FROM products WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(Error::NotFound)?;
    let mut p = product_from_row(&r)?;
    for r in sqlx::query(
        "SELECT valid_from, price_cents FROM product_prices WHERE product_id = $1 ORDER BY valid_from",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    {
        let from: String = r.try_get("valid_from")?;
        p.prices.push(Price {
                valid_from: date(&from)?,
                price_cents: r.try_get("price_cents")?,
            });
    }
    Ok(p)
}

async fn history(tx: &mut Tx, kind: &str, id: &str, user_id: &str) -> Result<()> {
    let snapshot = match kind {
        "product" => serde_json::to_string(&product(tx, id).await?),
        _ => serde_json::to_string(&contract(tx, id).await?),
    }
    .map_err(|e| Error::Corrupt(e.to_string()))?;
    let version: i64 = match kind {
        "product" => sqlx::query_scalar("SELECT version FROM products WHERE id = $1"),
        _ => sqlx::query_scalar("SELECT version FROM provider_contracts WHERE id = $1"),
    }
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO catalogue_history (object_type, object_id, version, snapshot, changed_by, changed_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(kind)
    .bind(id)
    .bind(version)
    .bind(snapshot)
    .bind(user_id)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A new product with its first price.
pub async fn create_product(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    input: &ProductInput,
    price_from: NaiveDate,
    price_cents: i64,
) -> Result<String> {
    let id = new_id();
    let at = now();
    sqlx::query(
        "INSERT INTO products (id, code, category, name, unit, frequency, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(&id)
    .bind(&input.code)
    .bind(&input.category)
    .bind(&input.name)
    .bind(input.unit.as_str())
    .bind(input.frequency.as_str())
    .bind(i64::from(input.active))
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    insert_price(tx, &id, price_from, price_cents, user_id).await?;
    history(tx, "product", &id, user_id).await?;
    audit::append(
        tx,
        actor,
        &Event::new("catalogue.product.create", Action::Create).object("product", &id),
    )
    .await?;
    Ok(id)
}

pub async fn update_product(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    id: &str,
    version: i64,
    input: &ProductInput,
) -> Result<()> {
    let current = product(tx, id).await?;
    if current.unit != input.unit {
        // Its prices are per unit: another unit would silently change their meaning.
        return Err(Error::Invalid(eenplan_domain::FieldError::new(
            "unit",
            "De eenheid van een product met prijzen verandert niet; maak een nieuw product met een eigen code.",
            "The unit of a product with prices does not change; create a new product with its own code.",
        )));
    }
    let done = sqlx::query(
        "UPDATE products SET code = $1, category = $2, name = $3, unit = $4, frequency = $5,
                active = $6, version = version + 1, updated_at = $7
         WHERE id = $8 AND version = $9",
    )
    .bind(&input.code)
    .bind(&input.category)
    .bind(&input.name)
    .bind(input.unit.as_str())
    .bind(input.frequency.as_str())
    .bind(i64::from(input.active))
    .bind(now())
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    check_versioned_update(tx, "products", id, done.rows_affected()).await?;
    history(tx, "product", id, user_id).await?;
    audit::append(
        tx,
        actor,
        &Event::new("catalogue.product.update", Action::Update).object("product", id),
    )
    .await
}

async fn insert_price(
    tx: &mut Tx,
    product_id: &str,
    from: NaiveDate,
    cents: i64,
    user_id: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO product_prices (product_id, valid_from, price_cents, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(product_id)
    .bind(from.to_string())
    .bind(cents)
    .bind(user_id)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A new price from a date on. Decisions keep the price of their start date, so a new
/// price never changes a decision already taken. The product's version moves on (the
/// price list is part of the product), which also refuses a stale form.
pub async fn add_price(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    product_id: &str,
    version: i64,
    from: NaiveDate,
    cents: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE products SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3",
    )
    .bind(now())
    .bind(product_id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    check_versioned_update(tx, "products", product_id, done.rows_affected()).await?;
    insert_price(tx, product_id, from, cents, user_id).await?;
    history(tx, "product", product_id, user_id).await?;
    audit::append(
        tx,
        actor,
        &Event::new("catalogue.price.create", Action::Create).object("product", product_id),
    )
    .await
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Contract {
    pub id: String,
    pub provider_id: String,
    pub provider_name: String,
    pub agb_code: Option<String>,
    pub product_id: String,
    pub product_code: String,
    pub product_name: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub version: i64,
}

const CONTRACT_SELECT: &str = "SELECT k.id, k.provider_id, o.name AS provider_name, o.agb_code,
        k.product_id, p.code AS product_code, p.name AS product_name, k.valid_from, k.valid_to, k.version
    FROM provider_contracts k
    JOIN organisations o ON o.id = k.provider_id
    JOIN products p ON p.id = k.product_id";

fn contract_from_row(r: &AnyRow) -> Result<Contract> {
    let from: String = r.try_get("valid_from")?;
    let to: Option<String> = r.try_get("valid_to")?;
    Ok(Contract {
        id: r.try_get("id")?,
        provider_id: r.try_get("provider_id")?,
        provider_name: r.try_get("provider_name")?,
        agb_code: r.try_get("agb_code")?,
        product_id: r.try_get("product_id")?,
        product_code: r.try_get("product_code")?,
        product_name: r.try_get("product_name")?,
        valid_from: date(&from)?,
        valid_to: to.as_deref().map(date).transpose()?,
        version: r.try_get("version")?,
    })
}

pub async fn contracts(store: &Store) -> Result<Vec<Contract>> {
    let sql = format!("{CONTRACT_SELECT} ORDER BY o.name, p.code, k.valid_from");
    sqlx::query(&sql)
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(contract_from_row)
        .collect()
}

pub async fn contract(conn: &mut sqlx::AnyConnection, id: &str) -> Result<Contract> {
    let sql = format!("{CONTRACT_SELECT} WHERE k.id = $1");
    contract_from_row(
        &sqlx::query(&sql)
            .bind(id)
            .fetch_optional(conn)
            .await?
            .ok_or(Error::NotFound)?,
    )
}

async fn check_provider(tx: &mut Tx, provider_id: &str) -> Result<()> {
    let kind: Option<String> =
        sqlx::query_scalar("SELECT org_type FROM organisations WHERE id = $1")
            .bind(provider_id)
            .fetch_optional(&mut **tx)
            .await?;
    match kind.as_deref() {
        Some("provider") => Ok(()),
        // Not a provider, or no organisation at all: the field is the provider.
        _ => Err(Error::NotApplicable(crate::Misfit::NotAProvider)),
    }
}

pub async fn create_contract(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    provider_id: &str,
    product_id: &str,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
) -> Result<String> {
    check_provider(tx, provider_id).await?;
    let id = new_id();
    let at = now();
    sqlx::query(
        "INSERT INTO provider_contracts (id, provider_id, product_id, valid_from, valid_to, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(&id)
    .bind(provider_id)
    .bind(product_id)
    .bind(valid_from.to_string())
    .bind(valid_to.map(|d| d.to_string()))
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    history(tx, "contract", &id, user_id).await?;
    audit::append(
        tx,
        actor,
        &Event::new("catalogue.contract.create", Action::Create).object("contract", &id),
    )
    .await?;
    Ok(id)
}

/// Changes a contract's period (ending a contract is setting its last day).
pub async fn update_contract(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    id: &str,
    version: i64,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE provider_contracts SET valid_from = $1, valid_to = $2, version = version + 1, updated_at = $3
         WHERE id = $4 AND version = $5",
    )
    .bind(valid_from.to_string())
    .bind(valid_to.map(|d| d.to_string()))
    .bind(now())
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    check_versioned_update(tx, "provider_contracts", id, done.rows_affected()).await?;
    history(tx, "contract", id, user_id).await?;
    audit::append(
        tx,
        actor,
        &Event::new("catalogue.contract.update", Action::Update).object("contract", id),
    )
    .await
}

/// Whether the provider holds a contract for the product on that day.
pub async fn has_contract(
    conn: &mut sqlx::AnyConnection,
    provider_id: &str,
    product_id: &str,
    on: NaiveDate,
) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM provider_contracts
         WHERE provider_id = $1 AND product_id = $2 AND valid_from <= $3
           AND (valid_to IS NULL OR valid_to >= $3)",
    )
    .bind(provider_id)
    .bind(product_id)
    .bind(on.to_string())
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

/// The providers (id, name, AGB code) of the region.
pub async fn providers(store: &Store) -> Result<Vec<(String, String, Option<String>)>> {
    Ok(sqlx::query_as(
        "SELECT id, name, agb_code FROM organisations WHERE org_type = 'provider' ORDER BY name",
    )
    .fetch_all(store.pool())
    .await?)
}

/// The regional configuration of who records support plan part 2, oldest first.
pub async fn variants(conn: &mut sqlx::AnyConnection) -> Result<Vec<(NaiveDate, Variant)>> {
    sqlx::query_as::<_, (String, String)>(
        "SELECT valid_from, variant FROM access_variants ORDER BY valid_from",
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|(from, v)| Ok((date(&from)?, Variant::parse(&v).ok_or(Error::Corrupt(v))?)))
    .collect()
}

/// Sets the variant from a date on (replacing one set for the same date).
pub async fn set_variant(
    tx: &mut Tx,
    actor: &Actor,
    user_id: Option<&str>,
    from: NaiveDate,
    variant: Variant,
) -> Result<()> {
    sqlx::query("DELETE FROM access_variants WHERE valid_from = $1")
        .bind(from.to_string())
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO access_variants (valid_from, variant, set_by, set_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(from.to_string())
    .bind(variant.as_str())
    .bind(user_id)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        actor,
        &Event::new("setting.access_variant", Action::Update)
            .object("access_variant", from.to_string()),
    )
    .await
}
