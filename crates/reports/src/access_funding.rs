//! `access-funding`: unique youths with access to specialised care in the period, by
//! how it is funded (domain brief, section 3.2: "ZIN 240, PGB 37, both 38, total 315").
//!
//! A youth has access in the period when one of their decisions runs on a day of it
//! (from its start to its end, or to its early end).

use crate::sql;
use crate::table::{Row, Table, Value, col};
use crate::{Chart, Definition, Params};
use eenplan_store::costs::unique_youths_sql;
use eenplan_store::{Result, Store};
use sqlx::Row as _;

pub const REPORT: Definition = Definition {
    name: "access-funding",
    title_nl: "Toegang naar financieringsvorm",
    title_en: "Access by funding",
    about_nl: "Unieke jeugdigen met toegang tot gespecialiseerde jeugdhulp in de periode: alleen zorg in natura (ZIN), alleen persoonsgebonden budget (PGB), beide, en totaal.",
    about_en: "Unique youths with access to specialised youth care in the period: in-kind care (ZIN) only, personal budget (PGB) only, both, and total.",
    chart: Chart::Bars {
        label: "funding",
        values: &["youths"],
        totals: false,
    },
    by_area: false,
    compute: |s, p| Box::pin(compute(s, p)),
};

async fn compute(store: &Store, p: &Params) -> Result<Table> {
    // Every decision (`1 = 1`) or those of the area.
    let filter = format!("1 = 1{}", sql::area(p, "d.municipality_code", 3));
    let text = unique_youths_sql(&filter, "$1", "$2");
    let r = sql::bind_area(sql::period_days(sqlx::query(&text), p), p)
        .fetch_one(store.pool())
        .await?;
    let n = |c: &str| -> Result<i64> { Ok(r.try_get(c)?) };
    let (zin, pgb, both) = (n("zin_only")?, n("pgb_only")?, n("both_kinds")?);
    let mut t = Table::new(vec![
        col("funding", "Financiering", "Funding"),
        col("youths", "Jeugdigen", "Youths"),
    ]);
    let mut rows = Vec::new();
    for (code, nl, en, count) in [
        ("zin_only", "Alleen ZIN", "ZIN only", zin),
        ("pgb_only", "Alleen PGB", "PGB only", pgb),
        ("both", "ZIN en PGB", "Both", both),
    ] {
        rows.push(t.push(Row::new(vec![
            Value::code(code, nl, en),
            Value::Count(count),
        ])));
    }
    rows.push(t.push(Row::total(vec![
        Value::code("total", "Totaal", "Total"),
        Value::Count(zin + pgb + both),
    ])));
    t.group_rows(&rows, &[1]);
    Ok(t)
}
