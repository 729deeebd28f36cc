//! Budgets for specialised youth care per municipality and calendar year, entered by the
//! municipality's policy officers; the `costs` report sets decided cost against them.

use crate::audit::{self, Action, Actor, Event};
use crate::{Error, Result, Store, Tx, now};
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Budget {
    pub municipality_code: String,
    pub year: i64,
    pub amount_cents: i64,
    pub version: i64,
}

/// The budgets of a municipality (all municipalities: none), latest year first.
pub async fn list(store: &Store, municipality: Option<&str>) -> Result<Vec<Budget>> {
    let rows = match municipality {
        Some(m) => {
            sqlx::query(
                "SELECT municipality_code, year, amount_cents, version FROM budgets
                 WHERE municipality_code = $1 ORDER BY year DESC",
            )
            .bind(m)
            .fetch_all(store.pool())
            .await?
        }
        None => {
            sqlx::query(
                "SELECT municipality_code, year, amount_cents, version FROM budgets
                 ORDER BY municipality_code, year DESC",
            )
            .fetch_all(store.pool())
            .await?
        }
    };
    rows.iter()
        .map(|r| {
            Ok(Budget {
                municipality_code: r.try_get("municipality_code")?,
                year: r.try_get("year")?,
                amount_cents: r.try_get("amount_cents")?,
                version: r.try_get("version")?,
            })
        })
        .collect()
}

/// Sets a municipality's budget for a year. `version` is the version the writer saw
/// (none for a new budget); a stale one is a conflict.
pub async fn set(
    tx: &mut Tx,
    actor: &Actor,
    municipality: &str,
    year: i64,
    amount_cents: i64,
    version: Option<i64>,
) -> Result<()> {
    let user = actor.user_id.clone().ok_or(Error::UnknownReference)?;
    let changed = match version {
        None => sqlx::query(
            "INSERT INTO budgets (municipality_code, year, amount_cents, set_by, set_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (municipality_code, year) DO NOTHING",
        )
        .bind(municipality)
        .bind(year)
        .bind(amount_cents)
        .bind(&user)
        .bind(now())
        .execute(&mut **tx)
        .await?
        .rows_affected(),
        Some(v) => sqlx::query(
            "UPDATE budgets SET amount_cents = $3, set_by = $4, set_at = $5, version = version + 1
             WHERE municipality_code = $1 AND year = $2 AND version = $6",
        )
        .bind(municipality)
        .bind(year)
        .bind(amount_cents)
        .bind(&user)
        .bind(now())
        .bind(v)
        .execute(&mut **tx)
        .await?
        .rows_affected(),
    };
    if changed == 0 {
        return Err(Error::Conflict);
    }
    audit::append(
        tx,
        actor,
        &Event::new("budget.set", Action::Update)
            .object("budget", format!("{municipality}/{year}"))
            .purpose(format!("{amount_cents}")),
    )
    .await
}
