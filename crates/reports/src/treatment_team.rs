//! `treatment-team`: the local treatment teams' cases per referrer (domain brief,
//! section 3.4, the pilot's evaluation table), live requests and imported history
//! together. Declined requests (a contra-indication) are not cases of the team.

use crate::sql;
use crate::table::{Row, Table, Value, col};
use crate::{Chart, Definition, Params};
use eenplan_store::{Result, Store};
use sqlx::Row as _;
use std::collections::HashMap;

pub const REPORT: Definition = Definition {
    name: "treatment-team",
    title_nl: "Lokale behandelteams",
    title_en: "Local treatment teams",
    about_nl: "Casussen van de lokale behandelteams met een aanvraag in de periode, per verwijzer: advies of consultatie/behandeling (zo nodig de uitkomst) en hoeveel daarna zijn doorverwezen.",
    about_en: "Cases of the local treatment teams requested in the period, per referrer: advice or consultation/treatment (the outcome where known) and how many were referred on afterwards.",
    chart: Chart::Bars {
        label: "referrer",
        values: &["advice", "consultation_treatment", "referred_on"],
        totals: false,
    },
    by_area: false,
    compute: |s, p| Box::pin(compute(s, p)),
};

async fn compute(store: &Store, p: &Params) -> Result<Table> {
    let text = format!(
        "SELECT referrer, kind, CAST(SUM(referred_on) AS BIGINT) AS referred, COUNT(*) AS n
         FROM (SELECT c.referrer, COALESCE(c.outcome, c.kind) AS kind, c.referred_on
               FROM consultation_requests c
               WHERE c.status <> 'declined' AND c.requested_on >= $1 AND c.requested_on <= $2{}
               UNION ALL
               SELECT i.referrer, i.kind, i.referred_on FROM imported_consultations i
               WHERE i.requested_on >= $1 AND i.requested_on <= $2{}) t
         GROUP BY referrer, kind",
        sql::area(p, "c.municipality_code", 3),
        sql::area(p, "i.municipality_code", 3)
    );
    // (referrer, kind) -> (cases, referred on)
    let mut counts: HashMap<(String, String), (i64, i64)> = HashMap::new();
    for r in sql::bind_area(sql::period(sqlx::query(&text), p), p)
        .fetch_all(store.pool())
        .await?
    {
        counts.insert(
            (r.try_get("referrer")?, r.try_get("kind")?),
            (r.try_get("n")?, r.try_get("referred")?),
        );
    }
    let referrers: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT code, label_nl, label_en FROM code_list_items
         WHERE list = 'treatment_team_referrers' ORDER BY position",
    )
    .fetch_all(store.pool())
    .await?;
    let mut t = Table::new(vec![
        col("referrer", "Verwijzer", "Referrer"),
        col("cases", "Casussen", "Cases"),
        col("advice", "Advies", "Advice"),
        col(
            "consultation_treatment",
            "Consultatie / behandeling",
            "Consultation / treatment",
        ),
        col("referred_on", "Doorverwezen", "Referred on"),
    ]);
    let mut rows = Vec::new();
    let mut sums = [0i64; 4];
    for (code, nl, en) in &referrers {
        let get = |kind: &str| {
            counts
                .get(&(code.clone(), kind.to_owned()))
                .copied()
                .unwrap_or((0, 0))
        };
        let (advice, ct) = (get("advice"), get("consultation_treatment"));
        let figures = [advice.0 + ct.0, advice.0, ct.0, advice.1 + ct.1];
        for (s, f) in sums.iter_mut().zip(figures) {
            *s += f;
        }
        let mut cells = vec![Value::code(code, nl, en)];
        cells.extend(figures.map(Value::Count));
        rows.push(t.push(Row::new(cells)));
    }
    let mut cells = vec![Value::code("total", "Totaal", "Total")];
    cells.extend(sums.map(Value::Count));
    rows.push(t.push(Row::total(cells)));
    // Advice and consultation/treatment make up the cases of each row; each column
    // adds up to the total row.
    for &r in &rows {
        t.groups.push(vec![(r, 1), (r, 2), (r, 3)]);
    }
    t.group_rows(&rows, &[1, 2, 3, 4]);
    Ok(t)
}
