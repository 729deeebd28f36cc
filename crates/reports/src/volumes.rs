//! `volumes`: registrations, closed cases and cases in care per municipality, sub-region
//! and region (domain brief, section 3.1, "Volumes 2018").
//!
//! A case is in care during the period when it was registered on or before the period's
//! last day and not closed before its first day. A case does not close before it is
//! registered (a rule of the database), so those are the cases registered on or before
//! the last day minus those closed before the first.

use crate::aggregates::{self, Spans};
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
    // From the aggregates (see `aggregates`): registrations and closings in the period
    // ($1-$10), cases opened up to its last day ($11-$20) and closed before its first
    // ($21-$30); in care is the difference of the last two.
    let (with_area, area) = aggregates::area(p, 31);
    let text = format!(
        "{with_area}SELECT municipality_code AS m, 'r' AS k, CAST(SUM(n) AS BIGINT) AS n
         FROM {registrations} GROUP BY municipality_code
         UNION ALL
         SELECT municipality_code, 'c', CAST(SUM(closed) AS BIGINT)
         FROM {closed} GROUP BY municipality_code
         UNION ALL
         SELECT municipality_code, 'o', CAST(SUM(opened) AS BIGINT)
         FROM {opened_through} GROUP BY municipality_code
         UNION ALL
         SELECT municipality_code, 'b', CAST(SUM(closed) AS BIGINT)
         FROM {closed_before} GROUP BY municipality_code",
        registrations = aggregates::rows("agg_registrations", "municipality_code, n", 1, area),
        closed = aggregates::rows("agg_cases", "municipality_code, closed", 1, area),
        opened_through = aggregates::rows("agg_cases", "municipality_code, opened", 11, area),
        closed_before = aggregates::rows("agg_cases", "municipality_code, closed", 21, area),
    );
    let mut q = sqlx::query(&text);
    for spans in [
        Spans::of(p.from, p.to),
        Spans::through(p.to),
        Spans::before(p.from),
    ] {
        q = spans.bind(q);
    }
    let mut counts: HashMap<(String, String), i64> = HashMap::new();
    for r in sql::bind_area(q, p).fetch_all(store.pool()).await? {
        counts.insert((r.try_get("m")?, r.try_get("k")?), r.try_get("n")?);
    }
    let mut t = Table::new(vec![
        col("area_code", "Code", "Code"),
        col("area_name", "Gebied", "Area"),
        col("registrations", "Aanmeldingen", "Registrations"),
        col("closed", "Afgesloten", "Closed"),
        col("in_care", "In begeleiding", "In care"),
    ]);
    let count = |m: &str, k: &str| {
        counts
            .get(&(m.to_owned(), k.to_owned()))
            .copied()
            .unwrap_or(0)
    };
    areas.fill(&mut t, &[2, 3, 4], |m, c| {
        Value::Count(match c {
            2 => count(m, "r"),
            3 => count(m, "c"),
            _ => count(m, "o") - count(m, "b"),
        })
    });
    Ok(t)
}
