//! Throughput of the iJw message traffic through the store, on a fresh SQLite database
//! with the demo region and 100,000 in-kind decisions (9,000 youths: every BSN of the
//! test range that passes the 11-check, 11 decisions each, over the seven providers):
//!
//! 1. produce: the JW301 of each decision (`ijw::assign::assign`, as a decision does),
//!    with all of the youth's still-valid assignments at the provider;
//! 2. receive: 50,000 JW305 and 50,000 JW307 messages, one per assignment (a start, then
//!    its stop): parse, the rules within the message, the rules against the database,
//!    applied, answered with JW306/JW308 and audited (`ijw::receive::receive_in`).
//!
//! Both run in transactions of `BATCH` messages, as the folder exchange may. Run through
//! bench/ijw_flow.sh; it prints messages per second.

use chrono::{Duration, NaiveDate};
use eenplan_store::audit::Actor;
use eenplan_store::ijw::{assign, receive};
use eenplan_store::{Store, demo};
use std::time::Instant;

const DECISIONS: usize = 100_000;
const BATCH: usize = 1_000;

fn bsns() -> Vec<String> {
    (999_900_006u64..=999_999_990)
        .map(|n| format!("{n:09}"))
        .filter(|s| eenplan_domain::Bsn::parse("bsn", s).is_ok())
        .collect()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: ijw_flow DATA_DIR")?;
    let path = std::path::Path::new(&dir).join("ijw-bench.sqlite3");
    let _ = std::fs::remove_file(&path);
    let store = Store::connect(&format!("sqlite://{}?mode=rwc", path.display())).await?;
    store.migrate().await?;
    let mut tx = store.begin().await?;
    eenplan_store::codelists::load_defaults(&mut tx).await?;
    tx.commit().await?;
    demo::load(&store)
        .await
        .map_err(|e| format!("demo: {e:?}"))?;
    let today = eenplan_store::today();
    let start = today - Duration::days(60);

    // Seed: youths with a BSN, and per youth 11 decided in-kind requests for product
    // 45A01 (3 hours a week for a year) spread over the seven providers, on the demo
    // case (whose family's telephone number the JW301 carries).
    let t = Instant::now();
    let taken: Vec<String> = sqlx::query_scalar("SELECT bsn FROM persons WHERE bsn IS NOT NULL")
        .fetch_all(store.pool())
        .await?;
    let bsns: Vec<String> = bsns().into_iter().filter(|b| !taken.contains(b)).collect();
    let mut tx = store.begin().await?;
    sqlx::query(
        "INSERT INTO families (id, name, version, created_at, updated_at)
         VALUES ('bench-f', 'Gezin Bench', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
    )
    .execute(&mut *tx)
    .await?;
    for (i, bsn) in bsns.iter().enumerate() {
        sqlx::query(
            "INSERT INTO persons (id, family_id, kind, name, name_key, birth_date, bsn, municipality_code,
                version, created_at, updated_at)
             VALUES ($1, 'bench-f', 'youth', $2, 'jeugdige', '2014-03-12', $3, '1640', 1,
                '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        )
        .bind(format!("bench-y-{i}"))
        .bind(format!("Jeugdige {i} Bench"))
        .bind(bsn)
        .execute(&mut *tx)
        .await
        .map_err(|e| format!("seed youths: {e:?}"))?;
    }
    let per_youth = DECISIONS.div_ceil(bsns.len());
    let end = start + Duration::days(364);
    sqlx::query(
        "WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < $1)
         INSERT INTO access_requests (id, case_id, youth_id, municipality_code, variant, status, reason,
             product_id, funding, provider_id, volume, unit, frequency, start_on, end_on, author_id,
             created_at, updated_at)
         SELECT 'bench-r-' || y.id || '-' || k.i, c.id, y.id, '1640', '2020', 'decided', 'bench',
             pr.id, 'zin', o.id, 3, '04', '2', $2, $3, u.id, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
         FROM persons y, k,
             (SELECT id, ROW_NUMBER() OVER (ORDER BY agb_code) - 1 AS p FROM organisations
              WHERE org_type = 'provider') o,
             (SELECT c.id FROM cases c JOIN persons p ON p.family_id = c.family_id WHERE p.name = 'Lotte Bakker') c,
             (SELECT id FROM products WHERE code = '45A01') pr,
             (SELECT id FROM users WHERE username = 'demo.gedragswetenschapper') u
         WHERE y.id LIKE 'bench-y-%' AND o.p = k.i % 7",
    )
    .bind(per_youth as i64)
    .bind(start.to_string())
    .bind(end.to_string())
    .execute(&mut *tx)
    .await
    .map_err(|e| format!("seed requests: {e:?}"))?;
    let units_x100 = 3 * 365 * 100 / 7;
    sqlx::query(
        "INSERT INTO decisions (id, number, request_id, case_id, youth_id, municipality_code, product_id,
             funding, provider_id, volume, unit, frequency, start_on, end_on, start_day, last_day,
             unit_price_cents, units_x100, estimated_cents, decided_by, decided_on, created_at, updated_at)
         SELECT 'bench-d-' || r.id, 'B-' || r.id, r.id, r.case_id, r.youth_id, '1640', r.product_id, 'zin',
             r.provider_id, 3, '04', '2', r.start_on, r.end_on, $1, $2, 8050, $3, $3 * 8050 / 100,
             r.author_id, r.start_on, r.created_at, r.created_at
         FROM access_requests r WHERE r.id LIKE 'bench-r-%'",
    )
    .bind(eenplan_store::access::day_number(start))
    .bind(eenplan_store::access::day_number(end))
    .bind(units_x100)
    .execute(&mut *tx)
    .await
    .map_err(|e| format!("seed decisions: {e:?}"))?;
    tx.commit().await?;
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM decisions WHERE id LIKE 'bench-d-%' ORDER BY id")
            .fetch_all(store.pool())
            .await?;
    let ids = &ids[..DECISIONS.min(ids.len())];
    println!(
        "seeded {} youths and {} decisions in {:.1} s",
        bsns.len(),
        ids.len(),
        t.elapsed().as_secs_f64()
    );

    // 1. Produce one JW301 per decision.
    let actor = Actor::system("bench");
    let t = Instant::now();
    let mut produced = 0;
    for chunk in ids.chunks(BATCH) {
        let mut tx = store.begin().await?;
        for id in chunk {
            if assign::assign(&mut tx, &actor, id, None, today)
                .await
                .map_err(|e| format!("assign {id}: {e:?}"))?
                .is_some()
            {
                produced += 1;
            }
        }
        tx.commit().await?;
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "produce JW301: {produced} messages in {secs:.1} s = {:.0} messages/s",
        produced as f64 / secs
    );

    // 2. Receive a start and a stop for the first half of the assignments.
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT a.number, y.bsn, o.agb_code FROM ijw_assignments a
         JOIN persons y ON y.id = a.youth_id JOIN organisations o ON o.id = a.provider_id
         ORDER BY a.number LIMIT $1",
    )
    .bind((DECISIONS / 2) as i64)
    .fetch_all(store.pool())
    .await?;
    let begin = start + Duration::days(3);
    let stop = start + Duration::days(30);
    let mut messages: Vec<String> = rows
        .iter()
        .map(|(n, bsn, agb)| jw305(&format!("S{n}"), *n, bsn, agb, start, begin))
        .collect();
    messages.extend(
        rows.iter()
            .map(|(n, bsn, agb)| jw307(&format!("P{n}"), *n, bsn, agb, start, begin, stop)),
    );
    let bytes: usize = messages.iter().map(String::len).sum();
    let t = Instant::now();
    let (mut accepted, mut refused) = (0, 0);
    for chunk in messages.chunks(BATCH) {
        let mut tx = store.begin().await?;
        for xml in chunk {
            let r = receive::receive_in(
                &mut tx,
                &actor,
                receive::Origin::Folder,
                &receive::Incoming::read(xml.as_bytes(), today),
            )
            .await?;
            if r.accepted {
                accepted += 1
            } else {
                refused += 1
            }
        }
        tx.commit().await?;
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "receive JW305+JW307: {} messages ({:.1} MB) in {secs:.1} s = {:.0} messages/s ({accepted} accepted, {refused} refused)",
        messages.len(),
        bytes as f64 / 1e6,
        messages.len() as f64 / secs
    );
    let size = std::fs::metadata(&path)?.len();
    println!("database: {:.0} MB", size as f64 / 1e6);
    store.close().await;
    Ok(())
}

fn head(ns: &str, code: u16, ident: &str, agb: &str, today: NaiveDate) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<{ns}:Bericht xmlns:ijw="http://www.istandaarden.nl/ijw/3_2/basisschema/schema" xmlns:{ns}="http://www.istandaarden.nl/ijw/3_2/{ns}/schema">
<{ns}:Header><{ns}:BerichtCode>{code}</{ns}:BerichtCode><{ns}:BerichtVersie>3</{ns}:BerichtVersie><{ns}:BerichtSubversie>2</{ns}:BerichtSubversie>
<{ns}:Afzender>{agb}</{ns}:Afzender><{ns}:Ontvanger>1640</{ns}:Ontvanger>
<{ns}:BerichtIdentificatie><ijw:Identificatie>{ident}</ijw:Identificatie><ijw:Dagtekening>{today}</ijw:Dagtekening></{ns}:BerichtIdentificatie>
<{ns}:XsdVersie><ijw:BasisschemaXsdVersie>1.0.0</ijw:BasisschemaXsdVersie><ijw:BerichtXsdVersie>1.0.0</ijw:BerichtXsdVersie></{ns}:XsdVersie></{ns}:Header>
<{ns}:Client><{ns}:Bsn>"#
    )
}

fn client_tail(ns: &str, bsn: &str) -> String {
    format!(
        "{bsn}</{ns}:Bsn><{ns}:Geboortedatum><ijw:Datum>2014-03-12</ijw:Datum></{ns}:Geboortedatum>\
         <{ns}:Geslacht>0</{ns}:Geslacht><{ns}:Naam><ijw:Geslachtsnaam><ijw:Achternaam>Bench</ijw:Achternaam>\
         </ijw:Geslachtsnaam><ijw:Voorletters>J</ijw:Voorletters></{ns}:Naam>"
    )
}

fn jw305(
    ident: &str,
    number: i64,
    bsn: &str,
    agb: &str,
    assigned: NaiveDate,
    begin: NaiveDate,
) -> String {
    let today = eenplan_store::today();
    format!(
        "{}{}<jw305:StartProducten><jw305:StartProduct><jw305:ToewijzingNummer>{number}</jw305:ToewijzingNummer>\
         <jw305:Product><ijw:Categorie>45</ijw:Categorie><ijw:Code>45A01</ijw:Code></jw305:Product>\
         <jw305:ToewijzingIngangsdatum>{assigned}</jw305:ToewijzingIngangsdatum><jw305:Begindatum>{begin}</jw305:Begindatum>\
         <jw305:StatusAanlevering>1</jw305:StatusAanlevering></jw305:StartProduct></jw305:StartProducten></jw305:Client></jw305:Bericht>",
        head("jw305", 438, ident, agb, today),
        client_tail("jw305", bsn)
    )
}

fn jw307(
    ident: &str,
    number: i64,
    bsn: &str,
    agb: &str,
    assigned: NaiveDate,
    begin: NaiveDate,
    end: NaiveDate,
) -> String {
    let today = eenplan_store::today();
    format!(
        "{}{}<jw307:StopProducten><jw307:StopProduct><jw307:ToewijzingNummer>{number}</jw307:ToewijzingNummer>\
         <jw307:Product><ijw:Categorie>45</ijw:Categorie><ijw:Code>45A01</ijw:Code></jw307:Product>\
         <jw307:ToewijzingIngangsdatum>{assigned}</jw307:ToewijzingIngangsdatum><jw307:Begindatum>{begin}</jw307:Begindatum>\
         <jw307:RedenBeeindiging>31</jw307:RedenBeeindiging><jw307:Einddatum>{end}</jw307:Einddatum>\
         <jw307:StatusAanlevering>1</jw307:StatusAanlevering></jw307:StopProduct></jw307:StopProducten></jw307:Client></jw307:Bericht>",
        head("jw307", 440, ident, agb, today),
        client_tail("jw307", bsn)
    )
}
