//! `volumes`: registrations, closed cases and cases in care per municipality, sub-region
//! and region (domain brief, section 3.1, "Volumes 2018").
//!
//! A case is in care during the period when it was registered on or before the period's
//! last day and not closed before its first day.

use crate::sql;
use crate::table::{Table, Value, col};
use crate::{Chart, Definition, Params};
use eenplan_store::{Result, Store};
use sqlx::Row as _;
use std::collections::HashMap;

pub const REPORT: Definition = Definition {
    name: "volumes",
    title_nl: "Aanmeldingen, afgesloten en in begeleiding",
    title_en: "Registrations, closed and in care",
    about_nl: "Per gemeente, subregio en regio: aanmeldingen in de periode, trajecten afgesloten in de periode en trajecten in begeleiding tijdens de periode (aangemeld op of voor de laatste dag en niet afgesloten voor de eerste dag).",
    about_en: "Per municipality, sub-region and region: registrations in the period, cases closed in the period and cases in care during the period (registered on or before its last day and not closed before its first day).",
    chart: Chart::Bars {
        label: "area_name",
        values: &["registrations", "closed", "in_care"],
        totals: false,
    },
    by_area: true,
    compute: |s, p| Box::pin(compute(s, p)),
};

async fn compute(store: &Store, p: &Params) -> Result<Table> {
    let areas = sql::Areas::of(store, p).await?;
    let text = format!(
        "SELECT municipality_code AS m, 'r' AS k, COUNT(*) AS n FROM registrations
         WHERE registered_on >= $1 AND registered_on <= $2{a} GROUP BY municipality_code
         UNION ALL
         SELECT municipality_code, 'c', COUNT(*) FROM cases
         WHERE closed_on >= $1 AND closed_on <= $2{a} GROUP BY municipality_code
         UNION ALL
         SELECT municipality_code, 'i', COUNT(*) FROM cases
         WHERE registered_on <= $2 AND (closed_on IS NULL OR closed_on >= $1){a}
         GROUP BY municipality_code",
        a = sql::area(p, "municipality_code", 3)
    );
    let mut counts: HashMap<(String, String), i64> = HashMap::new();
    for r in sql::bind_area(sql::period(sqlx::query(&text), p), p)
        .fetch_all(store.pool())
        .await?
    {
        counts.insert((r.try_get("m")?, r.try_get("k")?), r.try_get("n")?);
    }
    let mut t = Table::new(vec![
        col("area_code", "Code", "Code"),
        col("area_name", "Gebied", "Area"),
        col("registrations", "Aanmeldingen", "Registrations"),
        col("closed", "Afgesloten", "Closed"),
        col("in_care", "In begeleiding", "In care"),
    ]);
    areas.fill(&mut t, &[2, 3, 4], |m, c| {
        let k = ["r", "c", "i"][c - 2];
        Value::Count(
            counts
                .get(&(m.to_owned(), k.to_owned()))
                .copied()
                .unwrap_or(0),
        )
    });
    Ok(t)
}
