//! Reports of the form "registrations per code, with the share of each": referral
//! channels and problem areas.

use crate::Params;
use crate::aggregates::{self, Spans};
use crate::sql;
use crate::table::{Row, Table, Value, col, percent};
use eenplan_domain::codes::CodeList;
use eenplan_store::{Result, Store};
use sqlx::Row as _;

pub struct Shares {
    /// The first column's key (`channel`, `problem_area`).
    pub key: &'static str,
    pub label_nl: &'static str,
    pub label_en: &'static str,
    pub list: CodeList,
    /// The aggregate table counting registrations per code (see `aggregates`), and its
    /// code column; `''` is no code.
    pub table: &'static str,
    pub code: &'static str,
}

/// Rows by count (largest first, then code), then `unknown` when any registration
/// lacks a code (the period's registrations minus those with one); percentages of the
/// known ones, two decimals.
pub async fn compute(store: &Store, p: &Params, s: Shares) -> Result<Table> {
    let (with_area, area) = aggregates::area(p, 11);
    let text = format!(
        "{with_area}SELECT {code} AS code, CAST(SUM(n) AS BIGINT) AS n FROM {known}
         WHERE {code} <> '' GROUP BY {code} HAVING SUM(n) > 0
         UNION ALL
         SELECT NULL, CAST(SUM(n) AS BIGINT) FROM {all}",
        code = s.code,
        known = aggregates::rows(s.table, &format!("{}, n", s.code), 1, area),
        all = aggregates::rows("agg_registrations", "n", 1, area),
    );
    let q = Spans::of(p.from, p.to).bind(sqlx::query(&text));
    let mut known: Vec<(String, i64)> = Vec::new();
    let mut registrations = 0;
    for r in sql::bind_area(q, p).fetch_all(store.pool()).await? {
        let n: Option<i64> = r.try_get("n")?;
        match r.try_get::<Option<String>, _>("code")? {
            Some(code) => known.push((code, n.unwrap_or(0))),
            None => registrations = n.unwrap_or(0),
        }
    }
    let labels: Vec<(String, String, String)> =
        sqlx::query_as("SELECT code, label_nl, label_en FROM code_list_items WHERE list = $1")
            .bind(s.list.as_str())
            .fetch_all(store.pool())
            .await?;
    known.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let total: i64 = known.iter().map(|k| k.1).sum();
    let unknown = registrations - total;
    let mut t = Table::new(vec![
        col(s.key, s.label_nl, s.label_en),
        col("count", "Aantal", "Count"),
        col("percent", "Percentage", "Percent"),
    ]);
    let mut rows = Vec::new();
    for (code, n) in known {
        let (nl, en) = labels
            .iter()
            .find(|l| l.0 == code)
            .map(|l| (l.1.as_str(), l.2.as_str()))
            .unwrap_or((code.as_str(), code.as_str()));
        let value = Value::code(&code, nl, en);
        rows.push(t.push(Row::new(vec![value, Value::Count(n), percent(n, total)])));
    }
    if unknown > 0 {
        rows.push(t.push(Row::new(vec![
            Value::code("unknown", "Onbekend", "Unknown"),
            Value::Count(unknown),
            Value::Empty,
        ])));
    }
    // The counts add up to the registrations of the volumes report.
    t.group_rows(&rows, &[1]);
    t.derived.push((2, 1));
    Ok(t)
}
