//! `costs` (domain brief, section 3.7: "a structural overspend is the main worry"):
//! decided cost of specialised care per municipality and product category in the
//! period, against the municipality's budget. Cost is spread evenly over a decision's
//! days (as on the cost page); a year's budget counts for the share of the year's days
//! inside the period.

use crate::sql;
use crate::table::{Row, Table, Value, col};
use crate::{Chart, Definition, Params};
use chrono::{Datelike, NaiveDate};
use eenplan_store::costs::prorated_sql;
use eenplan_store::{Result, Store};
use sqlx::Row as _;
use std::collections::HashMap;

pub const REPORT: Definition = Definition {
    name: "costs",
    title_nl: "Kosten tegenover budget",
    title_en: "Costs against budget",
    about_nl: "Beschikte kosten van gespecialiseerde jeugdhulp in de periode per gemeente en productcategorie (naar rato van de dagen), tegenover het budget van de gemeente (naar rato van de dagen van het jaar in de periode).",
    about_en: "Decided cost of specialised youth care in the period per municipality and product category (pro rata by days), against the municipality's budget (pro rata by the year's days in the period).",
    chart: Chart::Bars {
        label: "area_name",
        values: &["cost", "budget"],
        totals: true,
    },
    by_area: true,
    compute: |s, p| Box::pin(compute(s, p)),
};

async fn compute(store: &Store, p: &Params) -> Result<Table> {
    let area = sql::area(p, "d.municipality_code", 3);
    let text = format!(
        "SELECT d.municipality_code AS m, pr.category,
                COUNT(DISTINCT d.youth_id) AS youths,
                CAST(SUM({cost}) AS BIGINT) AS cost
         FROM decisions d JOIN products pr ON pr.id = d.product_id
         WHERE d.start_day <= $2 AND d.last_day >= $1{area}
         GROUP BY d.municipality_code, pr.category",
        cost = prorated_sql("estimated_cents", "$1", "$2"),
    );
    let mut lines: Vec<(String, String, i64, i64)> = Vec::new();
    for r in sql::bind_area(sql::period_days(sqlx::query(&text), p), p)
        .fetch_all(store.pool())
        .await?
    {
        lines.push((
            r.try_get("m")?,
            r.try_get("category")?,
            r.try_get("youths")?,
            r.try_get("cost")?,
        ));
    }
    let text = format!(
        "SELECT d.municipality_code AS m, COUNT(DISTINCT d.youth_id) AS youths
         FROM decisions d WHERE d.start_day <= $2 AND d.last_day >= $1{area}
         GROUP BY d.municipality_code"
    );
    let youths: HashMap<String, i64> = sql::bind_area(sql::period_days(sqlx::query(&text), p), p)
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| Ok((r.try_get("m")?, r.try_get("youths")?)))
        .collect::<Result<_>>()?;
    let text = format!(
        "SELECT b.municipality_code AS m, b.year, b.amount_cents FROM budgets b
         WHERE b.year >= $1 AND b.year <= $2{}",
        sql::area(p, "b.municipality_code", 3)
    );
    let budgets: Vec<(String, i64, i64)> = sql::bind_area(
        sqlx::query(&text)
            .bind(i64::from(p.from.year()))
            .bind(i64::from(p.to.year())),
        p,
    )
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("m")?,
            r.try_get("year")?,
            r.try_get("amount_cents")?,
        ))
    })
    .collect::<Result<_>>()?;
    let categories = sql::product_categories();

    let mut t = Table::new(vec![
        col("area_code", "Code", "Code"),
        col("area_name", "Gemeente", "Municipality"),
        col("category", "Productcategorie", "Product category"),
        col("youths", "Jeugdigen", "Youths"),
        col("cost", "Kosten (EUR)", "Cost (EUR)"),
        col("budget", "Budget (EUR)", "Budget (EUR)"),
        col("remaining", "Ruimte (EUR)", "Remaining (EUR)"),
    ]);
    let mut cost_rows = Vec::new();
    for m in sql::Areas::of(store, p).await?.municipalities() {
        let mut rows = Vec::new();
        let mut mine: Vec<&(String, String, i64, i64)> =
            lines.iter().filter(|l| &l.0 == m.0).collect();
        mine.sort_by(|a, b| a.1.cmp(&b.1));
        for (_, category, n, cost) in mine {
            let (nl, en) = categories
                .iter()
                .find(|c| &c.0 == category)
                .map(|c| (c.1.as_str(), c.2.as_str()))
                .unwrap_or((category.as_str(), category.as_str()));
            rows.push(t.push(Row::new(vec![
                Value::Text(m.0.clone()),
                Value::Text(m.1.clone()),
                Value::code(category, nl, en),
                Value::Count(*n),
                Value::Cents(*cost),
                Value::Empty,
                Value::Empty,
            ])));
        }
        let cost: i64 = rows
            .iter()
            .map(|&r| t.rows[r].cells[4].number().unwrap_or(0))
            .sum();
        let budget = prorated_budget(&budgets, m.0, p.from, p.to);
        let total = t.push(Row::total(vec![
            Value::Text(m.0.clone()),
            Value::Text(m.1.clone()),
            Value::code("total", "Totaal", "Total"),
            Value::Count(youths.get(m.0).copied().unwrap_or(0)),
            Value::Cents(cost),
            budget.map_or(Value::Empty, Value::Cents),
            budget.map_or(Value::Empty, |b| Value::Cents(b - cost)),
        ]));
        rows.push(total);
        cost_rows.push(rows);
    }
    // The categories' costs add up to the municipality's; a cost of fewer youths than
    // the threshold is hidden with them, and so is what it leaves of the budget.
    for rows in cost_rows {
        t.group_rows(&rows, &[4]);
    }
    t.derived.push((4, 3));
    t.derived.push((6, 3));
    Ok(t)
}

/// The budget share of the period: each year's budget times the share of its days
/// inside the period, in cents (rounded half up); none without any budget.
fn prorated_budget(
    budgets: &[(String, i64, i64)],
    municipality: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Option<i64> {
    let mut any = false;
    let mut sum = 0;
    for (_, year, cents) in budgets.iter().filter(|b| b.0 == municipality) {
        let y = *year as i32;
        let (first, last) = (
            NaiveDate::from_ymd_opt(y, 1, 1)?,
            NaiveDate::from_ymd_opt(y, 12, 31)?,
        );
        let days_in_year = (last - first).num_days() + 1;
        let inside = (to.min(last) - from.max(first)).num_days() + 1;
        if inside > 0 {
            any = true;
            sum += (cents * inside * 2 + days_in_year) / (2 * days_in_year);
        }
    }
    any.then_some(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_counts_for_the_days_of_its_year_in_the_period() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let b = vec![
            ("1640".to_owned(), 2024, 36_600_000),
            ("1640".to_owned(), 2025, 36_500_000),
        ];
        assert_eq!(
            prorated_budget(&b, "1640", d("2024-01-01"), d("2024-12-31")),
            Some(36_600_000)
        );
        assert_eq!(
            prorated_budget(&b, "1640", d("2024-12-31"), d("2025-01-01")),
            Some(200_000)
        );
        assert_eq!(
            prorated_budget(&b, "0946", d("2024-01-01"), d("2024-12-31")),
            None
        );
    }
}
