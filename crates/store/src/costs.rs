//! The cost of granted access per municipality and period (domain brief, section 3.2):
//! decided volume and estimated cost per product and provider, ZIN against PGB, and the
//! unique youths with access. Aggregates only: no names, no ids of persons.
//!
//! A decision counts in a period when its days (start to end, or to its early end)
//! overlap the period; its volume and cost count for the share of its days that fall
//! inside the period, so a year's figures add up from its months.

use crate::access::day_number;
use crate::{Result, Store};
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct CostLine {
    pub product_code: String,
    pub product_name: String,
    pub category: String,
    /// "zin" or "pgb".
    pub funding: String,
    /// The provider's name; none for a PGB.
    pub provider_name: Option<String>,
    pub decisions: i64,
    /// Units within the period, in hundredths (PGB: none).
    pub units_x100: i64,
    pub cost_cents: i64,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, utoipa::ToSchema)]
pub struct UniqueYouths {
    pub zin_only: i64,
    pub pgb_only: i64,
    pub both: i64,
    pub total: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct CostReport {
    pub municipality_code: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub lines: Vec<CostLine>,
    pub zin_cents: i64,
    pub pgb_cents: i64,
    pub total_cents: i64,
    pub youths: UniqueYouths,
}

/// The share of decision `d`'s `column` (a whole-period figure) falling on the days
/// between the day numbers `from` and `to`, rounded half up, as portable SQL.
pub fn prorated_sql(column: &str, from: &str, to: &str) -> String {
    let overlap = format!(
        "((CASE WHEN d.last_day < {to} THEN d.last_day ELSE {to} END)
          - (CASE WHEN d.start_day > {from} THEN d.start_day ELSE {from} END) + 1)"
    );
    format!(
        "(d.{column} * {overlap} + (d.last_day - d.start_day + 1) / 2) / (d.last_day - d.start_day + 1)"
    )
}

/// Unique youths with a decision running on a day between the day numbers `from` and
/// `to` among the decisions `d` matching `filter`: `total`, `zin_only`, `pgb_only` and
/// `both_kinds`, as portable SQL.
pub fn unique_youths_sql(filter: &str, from: &str, to: &str) -> String {
    format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS total,
                CAST(COALESCE(SUM(CASE WHEN zin > 0 AND pgb = 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS zin_only,
                CAST(COALESCE(SUM(CASE WHEN zin = 0 AND pgb > 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS pgb_only,
                CAST(COALESCE(SUM(CASE WHEN zin > 0 AND pgb > 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS both_kinds
         FROM (SELECT d.youth_id,
                      SUM(CASE WHEN d.funding = 'zin' THEN 1 ELSE 0 END) AS zin,
                      SUM(CASE WHEN d.funding = 'pgb' THEN 1 ELSE 0 END) AS pgb
               FROM decisions d
               WHERE {filter} AND d.start_day <= {to} AND d.last_day >= {from}
               GROUP BY d.youth_id) t"
    )
}

pub async fn report(
    store: &Store,
    municipality: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<CostReport> {
    let (f, t) = (day_number(from), day_number(to));
    let lines = sqlx::query(&format!(
        "SELECT p.code, p.name, p.category, d.funding, o.name AS provider_name,
                CAST(COUNT(*) AS BIGINT) AS decisions,
                CAST(SUM({units}) AS BIGINT) AS units_x100,
                CAST(SUM({cost}) AS BIGINT) AS cost_cents
         FROM decisions d
         JOIN products p ON p.id = d.product_id
         LEFT JOIN organisations o ON o.id = d.provider_id
         WHERE d.municipality_code = $1 AND d.start_day <= $3 AND d.last_day >= $2
         GROUP BY p.code, p.name, p.category, d.funding, o.name
         ORDER BY p.code, d.funding, o.name",
        units = prorated_sql("units_x100", "$2", "$3"),
        cost = prorated_sql("estimated_cents", "$2", "$3"),
    ))
    .bind(municipality)
    .bind(f)
    .bind(t)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(CostLine {
            product_code: r.try_get("code")?,
            product_name: r.try_get("name")?,
            category: r.try_get("category")?,
            funding: r.try_get("funding")?,
            provider_name: r.try_get("provider_name")?,
            decisions: r.try_get("decisions")?,
            units_x100: r.try_get("units_x100")?,
            cost_cents: r.try_get("cost_cents")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let row = sqlx::query(&unique_youths_sql("d.municipality_code = $1", "$2", "$3"))
        .bind(municipality)
        .bind(f)
        .bind(t)
        .fetch_one(store.pool())
        .await?;
    let youths = UniqueYouths {
        zin_only: row.try_get("zin_only")?,
        pgb_only: row.try_get("pgb_only")?,
        both: row.try_get("both_kinds")?,
        total: row.try_get("total")?,
    };
    let sum = |funding: &str| {
        lines
            .iter()
            .filter(|l| l.funding == funding)
            .map(|l| l.cost_cents)
            .sum::<i64>()
    };
    let (zin_cents, pgb_cents) = (sum("zin"), sum("pgb"));
    Ok(CostReport {
        municipality_code: municipality.to_owned(),
        from,
        to,
        lines,
        zin_cents,
        pgb_cents,
        total_cents: zin_cents + pgb_cents,
        youths,
    })
}

/// The municipality an organisation belongs to (a municipality's own staff).
pub async fn municipality_of_organisation(
    store: &Store,
    organisation_id: &str,
) -> Result<Option<String>> {
    Ok(sqlx::query_scalar::<_, Option<String>>(
        "SELECT municipality_code FROM organisations WHERE id = $1",
    )
    .bind(organisation_id)
    .fetch_optional(store.pool())
    .await?
    .flatten())
}
