//! `referral-flows` (verwijsstromen, domain brief section 3.2): from the referral channel
//! of each registration in the period through the CJG to where the case went: the
//! CJG's own basic help, a local treatment team, or specialised care (by the product
//! category of its first decision). A case counts once, on its heaviest route.

use crate::sql;
use crate::table::{Row, Table, Value, col};
use crate::{Chart, Definition, Params};
use eenplan_store::{Result, Store};
use sqlx::Row as _;

pub const REPORT: Definition = Definition {
    name: "referral-flows",
    title_nl: "Verwijsstromen",
    title_en: "Referral flows",
    about_nl: "Aanmeldingen in de periode: van verwijskanaal via het CJG naar basishulp van het CJG, een lokaal behandelteam of gespecialiseerde jeugdhulp (per productcategorie van de eerste beschikking).",
    about_en: "Registrations in the period: from referral channel through the CJG to the CJG's basic help, a local treatment team or specialised youth care (by product category of the first decision).",
    chart: Chart::Flows,
    by_area: false,
    compute: |s, p| Box::pin(compute(s, p)),
};

async fn compute(store: &Store, p: &Params) -> Result<Table> {
    let text = format!(
        "SELECT channel, route, COUNT(*) AS n
         FROM (SELECT r.referral_channel AS channel,
                      COALESCE((SELECT pr.category FROM decisions d
                                JOIN products pr ON pr.id = d.product_id
                                WHERE d.case_id = r.case_id
                                ORDER BY d.start_on, d.id LIMIT 1),
                               CASE WHEN EXISTS (SELECT 1 FROM consultation_requests c
                                                 WHERE c.case_id = r.case_id
                                                   AND c.status <> 'declined')
                                    THEN 'treatment_team' ELSE 'basic_help' END) AS route
               FROM registrations r
               WHERE r.registered_on >= $1 AND r.registered_on <= $2{}) t
         GROUP BY channel, route",
        sql::area(p, "r.municipality_code", 3)
    );
    let mut flows: Vec<(Option<String>, String, i64)> = Vec::new();
    for r in sql::bind_area(sql::period(sqlx::query(&text), p), p)
        .fetch_all(store.pool())
        .await?
    {
        flows.push((r.try_get("channel")?, r.try_get("route")?, r.try_get("n")?));
    }
    let channels: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT code, label_nl, label_en FROM code_list_items
         WHERE list = 'referral_channels' ORDER BY position",
    )
    .fetch_all(store.pool())
    .await?;
    let categories = sql::product_categories();
    let cjg = Value::code("cjg", "CJG", "CJG");
    let mut t = Table::new(vec![
        col("from", "Van", "From"),
        col("to", "Naar", "To"),
        col("count", "Aantal", "Count"),
    ]);

    // Stage 1: channel -> CJG, in the code list's order, unknown last.
    let mut first = Vec::new();
    let channel_total = |code: Option<&str>| -> i64 {
        flows
            .iter()
            .filter(|f| f.0.as_deref() == code)
            .map(|f| f.2)
            .sum()
    };
    for (code, nl, en) in &channels {
        let n = channel_total(Some(code));
        if n > 0 {
            first.push(t.push(Row::new(vec![
                Value::code(code, nl, en),
                cjg.clone(),
                Value::Count(n),
            ])));
        }
    }
    let unlisted: i64 = flows
        .iter()
        .filter(|f| match &f.0 {
            None => true,
            Some(c) => !channels.iter().any(|l| &l.0 == c),
        })
        .map(|f| f.2)
        .sum();
    if unlisted > 0 {
        first.push(t.push(Row::new(vec![
            Value::code("unknown", "Onbekend", "Unknown"),
            cjg.clone(),
            Value::Count(unlisted),
        ])));
    }

    // Stage 2: CJG -> route: basic help, treatment team, then specialised categories.
    let mut routes: Vec<String> = flows.iter().map(|f| f.1.clone()).collect();
    routes.sort_by_key(|r| match r.as_str() {
        "basic_help" => (0, String::new()),
        "treatment_team" => (1, String::new()),
        other => (2, other.to_owned()),
    });
    routes.dedup();
    let mut second = Vec::new();
    for route in routes {
        let n: i64 = flows.iter().filter(|f| f.1 == route).map(|f| f.2).sum();
        let to = match route.as_str() {
            "basic_help" => Value::code("basic_help", "Basishulp CJG", "CJG basic help"),
            "treatment_team" => Value::code(
                "treatment_team",
                "Lokaal behandelteam",
                "Local treatment team",
            ),
            category => {
                let (nl, en) = categories
                    .iter()
                    .find(|c| c.0 == category)
                    .map(|c| (c.1.as_str(), c.2.as_str()))
                    .unwrap_or((category, category));
                Value::code(
                    &format!("specialised_{category}"),
                    &format!("Gespecialiseerd: {nl}"),
                    &format!("Specialised: {en}"),
                )
            }
        };
        second.push(t.push(Row::new(vec![cjg.clone(), to, Value::Count(n)])));
    }
    // Each stage adds up to the period's registrations (the volumes report).
    t.group_rows(&first, &[2]);
    t.group_rows(&second, &[2]);
    Ok(t)
}
