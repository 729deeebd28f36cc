//! `monitoring` (domain brief, section 3.3): evaluations of decisions that fell due in
//! the period, per municipality: held on time, held late, overdue (not held and past
//! due today) and not yet due.

use crate::sql;
use crate::table::{Table, Value, col};
use crate::{Chart, Definition, Params};
use eenplan_store::{Result, Store};
use sqlx::Row as _;
use std::collections::HashMap;

pub const REPORT: Definition = Definition {
    name: "monitoring",
    title_nl: "Monitoring van toegang",
    title_en: "Monitoring of access",
    about_nl: "Evaluaties van beschikkingen met een vervaldatum in de periode, per gemeente: op tijd gehouden, te laat gehouden, te laat (nog niet gehouden) en nog niet aan de beurt.",
    about_en: "Evaluations of decisions due in the period, per municipality: held on time, held late, overdue (not yet held) and not yet due.",
    chart: Chart::Bars {
        label: "area_name",
        values: &["on_time", "late", "overdue"],
        totals: false,
    },
    by_area: true,
    compute: |s, p| Box::pin(compute(s, p)),
};

async fn compute(store: &Store, p: &Params) -> Result<Table> {
    let areas = sql::Areas::of(store, p).await?;
    let text = format!(
        "SELECT d.municipality_code AS m,
                CASE WHEN e.done_on IS NOT NULL AND e.done_on <= e.due_on THEN 'on_time'
                     WHEN e.done_on IS NOT NULL THEN 'late'
                     WHEN e.due_on < $3 THEN 'overdue'
                     ELSE 'not_yet_due' END AS state,
                COUNT(*) AS n
         FROM evaluations e JOIN decisions d ON d.id = e.decision_id
         WHERE e.due_on >= $1 AND e.due_on <= $2{}
         GROUP BY d.municipality_code, state",
        sql::area(p, "d.municipality_code", 4)
    );
    let today = eenplan_store::today().to_string();
    let q = sql::period(sqlx::query(&text), p).bind(today.as_str());
    let mut counts: HashMap<(String, String), i64> = HashMap::new();
    for r in sql::bind_area(q, p).fetch_all(store.pool()).await? {
        counts.insert((r.try_get("m")?, r.try_get("state")?), r.try_get("n")?);
    }
    let mut t = Table::new(vec![
        col("area_code", "Code", "Code"),
        col("area_name", "Gebied", "Area"),
        col("due", "Te evalueren", "Due"),
        col("on_time", "Op tijd", "On time"),
        col("late", "Te laat gehouden", "Held late"),
        col("overdue", "Achterstallig", "Overdue"),
        col("not_yet_due", "Nog niet aan de beurt", "Not yet due"),
    ]);
    const STATES: [&str; 4] = ["on_time", "late", "overdue", "not_yet_due"];
    areas.fill(&mut t, &[2, 3, 4, 5, 6], |m, c| {
        let get = |s: &str| {
            counts
                .get(&(m.to_owned(), s.to_owned()))
                .copied()
                .unwrap_or(0)
        };
        Value::Count(match c {
            2 => STATES.iter().map(|s| get(s)).sum(),
            c => get(STATES[c - 3]),
        })
    });
    for r in 0..t.rows.len() {
        t.groups.push((2..=6).map(|c| (r, c)).collect());
    }
    Ok(t)
}
