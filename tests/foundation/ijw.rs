//! iJw messages through the API: a provider's request (JW315), the CJG's decision and its
//! assignment (JW301), start (JW305), stop (JW307) and declaration (JW323), each answered
//! with its retour message; the reconciliation without and with deliberate mismatches;
//! bad input; the folder exchange; who may do what. Every message the product emits is
//! validated against the XSDs.

use crate::common::{TestApp, api};
use chrono::{Datelike, Duration, NaiveDate};
use reqwest::Method as M;
use serde_json::{Value, json};

const PSW: &str = "75750102";
const LOTTE_BSN: &str = "999901011";
const LEUDAL: &str = "1640";

fn header(ns: &str, code: u16, ident: &str, from: &str, to: &str) -> String {
    let today = eenplan_store::today();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<{ns}:Bericht xmlns:ijw="http://www.istandaarden.nl/ijw/3_2/basisschema/schema" xmlns:{ns}="http://www.istandaarden.nl/ijw/3_2/{ns}/schema">
<{ns}:Header><{ns}:BerichtCode>{code}</{ns}:BerichtCode><{ns}:BerichtVersie>3</{ns}:BerichtVersie><{ns}:BerichtSubversie>2</{ns}:BerichtSubversie>
<{ns}:Afzender>{from}</{ns}:Afzender><{ns}:Ontvanger>{to}</{ns}:Ontvanger>
<{ns}:BerichtIdentificatie><ijw:Identificatie>{ident}</ijw:Identificatie><ijw:Dagtekening>{today}</ijw:Dagtekening></{ns}:BerichtIdentificatie>
<{ns}:XsdVersie><ijw:BasisschemaXsdVersie>1.0.0</ijw:BasisschemaXsdVersie><ijw:BerichtXsdVersie>1.0.0</ijw:BerichtXsdVersie></{ns}:XsdVersie></{ns}:Header>"#
    )
}

fn client(ns: &str, bsn: &str) -> String {
    format!(
        "<{ns}:Client><{ns}:Bsn>{bsn}</{ns}:Bsn><{ns}:Geboortedatum><ijw:Datum>2014-03-12</ijw:Datum></{ns}:Geboortedatum>\
         <{ns}:Geslacht>2</{ns}:Geslacht><{ns}:Naam><ijw:Geslachtsnaam><ijw:Achternaam>Bakker</ijw:Achternaam></ijw:Geslachtsnaam>\
         <ijw:Voorletters>L</ijw:Voorletters></{ns}:Naam>"
    )
}

pub(crate) fn jw315(ident: &str, reference: &str, start: NaiveDate, end: NaiveDate) -> String {
    format!(
        "{}{}<jw315:AangevraagdeProducten><jw315:AangevraagdProduct>\
         <jw315:ReferentieAanbieder>{reference}</jw315:ReferentieAanbieder>\
         <jw315:Product><ijw:Categorie>45</ijw:Categorie><ijw:Code>45A01</ijw:Code></jw315:Product>\
         <jw315:ToewijzingIngangsdatum>{start}</jw315:ToewijzingIngangsdatum><jw315:ToewijzingEinddatum>{end}</jw315:ToewijzingEinddatum>\
         <jw315:Omvang><ijw:Volume>3</ijw:Volume><ijw:Eenheid>04</ijw:Eenheid><ijw:Frequentie>2</ijw:Frequentie></jw315:Omvang>\
         <jw315:Verwijzer><ijw:Type>02</ijw:Type><ijw:ZorgverlenerCode>01234567</ijw:ZorgverlenerCode></jw315:Verwijzer>\
         <jw315:Commentaar>Vastgelopen op school</jw315:Commentaar>\
         </jw315:AangevraagdProduct></jw315:AangevraagdeProducten></jw315:Client></jw315:Bericht>",
        header("jw315", 446, ident, PSW, LEUDAL),
        client("jw315", LOTTE_BSN)
    )
}

fn jw305(ident: &str, number: i64, assigned: NaiveDate, begin: NaiveDate, status: u8) -> String {
    format!(
        "{}{}<jw305:StartProducten><jw305:StartProduct><jw305:ToewijzingNummer>{number}</jw305:ToewijzingNummer>\
         <jw305:Product><ijw:Categorie>45</ijw:Categorie><ijw:Code>45A01</ijw:Code></jw305:Product>\
         <jw305:ToewijzingIngangsdatum>{assigned}</jw305:ToewijzingIngangsdatum><jw305:Begindatum>{begin}</jw305:Begindatum>\
         <jw305:StatusAanlevering>{status}</jw305:StatusAanlevering></jw305:StartProduct></jw305:StartProducten></jw305:Client></jw305:Bericht>",
        header("jw305", 438, ident, PSW, LEUDAL),
        client("jw305", LOTTE_BSN)
    )
}

fn jw307(
    ident: &str,
    number: i64,
    assigned: NaiveDate,
    begin: NaiveDate,
    end: NaiveDate,
) -> String {
    format!(
        "{}{}<jw307:StopProducten><jw307:StopProduct><jw307:ToewijzingNummer>{number}</jw307:ToewijzingNummer>\
         <jw307:Product><ijw:Categorie>45</ijw:Categorie><ijw:Code>45A01</ijw:Code></jw307:Product>\
         <jw307:ToewijzingIngangsdatum>{assigned}</jw307:ToewijzingIngangsdatum><jw307:Begindatum>{begin}</jw307:Begindatum>\
         <jw307:RedenBeeindiging>31</jw307:RedenBeeindiging><jw307:Einddatum>{end}</jw307:Einddatum>\
         <jw307:StatusAanlevering>1</jw307:StatusAanlevering></jw307:StopProduct></jw307:StopProducten></jw307:Client></jw307:Bericht>",
        header("jw307", 440, ident, PSW, LEUDAL),
        client("jw307", LOTTE_BSN)
    )
}

#[allow(clippy::too_many_arguments)]
fn jw323(
    ident: &str,
    reference: &str,
    number: i64,
    from: NaiveDate,
    to: NaiveDate,
    volume: i64,
    tariff: i64,
) -> String {
    let amount = volume * tariff;
    let today = eenplan_store::today();
    // The declaration period is the whole calendar month of the product period.
    let first = NaiveDate::from_ymd_opt(from.year(), from.month(), 1).unwrap();
    let last = (first + Duration::days(32)).with_day(1).unwrap() - Duration::days(1);
    format!(
        "{}<jw323:Declaratie><jw323:DeclaratieNummer>D{ident}</jw323:DeclaratieNummer>\
         <jw323:DeclaratiePeriode><ijw:Begindatum>{first}</ijw:Begindatum><ijw:Einddatum>{last}</ijw:Einddatum></jw323:DeclaratiePeriode>\
         <jw323:DeclaratieDagtekening>{today}</jw323:DeclaratieDagtekening>\
         <jw323:TotaalIngediendBedrag><ijw:TotaalBedrag>{amount}</ijw:TotaalBedrag><ijw:DebetCredit>D</ijw:DebetCredit></jw323:TotaalIngediendBedrag>\
         <jw323:Clienten><jw323:Client><jw323:Bsn>{LOTTE_BSN}</jw323:Bsn><jw323:Prestaties><jw323:Prestatie>\
         <jw323:ProductReferentie><ijw:ReferentieNummer>{reference}</ijw:ReferentieNummer></jw323:ProductReferentie>\
         <jw323:ToewijzingNummer>{number}</jw323:ToewijzingNummer><jw323:ProductCategorie>45</jw323:ProductCategorie>\
         <jw323:ProductCode>45A01</jw323:ProductCode>\
         <jw323:ProductPeriode><ijw:Begindatum>{from}</ijw:Begindatum><ijw:Einddatum>{to}</ijw:Einddatum></jw323:ProductPeriode>\
         <jw323:GeleverdVolume>{volume}</jw323:GeleverdVolume><jw323:Eenheid>04</jw323:Eenheid><jw323:ProductTarief>{tariff}</jw323:ProductTarief>\
         <jw323:IngediendBedrag><ijw:Bedrag>{amount}</ijw:Bedrag><ijw:DebetCredit>D</ijw:DebetCredit></jw323:IngediendBedrag>\
         </jw323:Prestatie></jw323:Prestaties></jw323:Client></jw323:Clienten></jw323:Declaratie></jw323:Bericht>",
        header("jw323", 490, ident, PSW, LEUDAL)
    )
}

/// Posts raw XML to the delivery endpoint: the status and the JSON answer.
async fn deliver(app: &TestApp, c: &reqwest::Client, csrf: &str, xml: &str) -> (u16, Value) {
    let r = c
        .post(app.url("/api/v1/ijw/messages"))
        .header("x-csrf-token", csrf)
        .header("content-type", "application/xml")
        .body(xml.to_owned())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Asserts the message was read and answered, and that its retour message is XSD-valid.
fn answered(status: u16, body: &Value, accepted: bool, codes: &[&str]) {
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["accepted"], accepted, "{body}");
    let got: Vec<&str> = body["retour_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(got, codes, "{body}");
    if let Some(xml) = body["retour_xml"].as_str() {
        eenplan_ijw::xsd::validate(xml)
            .unwrap_or_else(|e| panic!("retour not XSD-valid: {e}\n{xml}"));
    }
}

/// Every outgoing message in the database is XSD-valid and parses.
async fn every_emitted_message_is_valid(app: &TestApp) -> usize {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT xml FROM ijw_messages WHERE direction = 'out'")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    for (xml,) in &rows {
        eenplan_ijw::xsd::validate(xml)
            .unwrap_or_else(|e| panic!("emitted message not XSD-valid: {e}\n{xml}"));
        let msg = eenplan_ijw::parse(xml.as_bytes()).unwrap();
        let broken = eenplan_ijw::rules::check(&msg, eenplan_store::today());
        assert!(
            broken.is_empty(),
            "emitted message breaks {broken:?}\n{xml}"
        );
    }
    rows.len()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

fn kinds(line: &Value) -> Vec<String> {
    line["mismatches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_provider_request_is_decided_assigned_started_stopped_and_declared_then_mismatches_are_named()
 {
    let app = TestApp::spawn().await;
    let received_before = app.audit_count("ijw.receive").await;
    let today = eenplan_store::today();
    // The care starts on the first day of last month and runs 121 days.
    let month_ago = today - Duration::days(today.day() as i64);
    let start = NaiveDate::from_ymd_opt(month_ago.year(), month_ago.month(), 1).unwrap();
    let month_end = month_ago;
    let end = start + Duration::days(120);

    let (provider, pcsrf) = app.login("demo.aanbieder").await;
    // 1. JW315 -> JW316 with 0200, onto the CJG's work list linked to Lotte's case.
    let (status, body) = deliver(
        &app,
        &provider,
        &pcsrf,
        &jw315("VOT1", "PSW-REF-1", start, end),
    )
    .await;
    answered(status, &body, true, &[]);
    assert!(
        body["retour_xml"]
            .as_str()
            .unwrap()
            .contains("<jw316:RetourCode>0200</jw316:RetourCode>")
    );
    let (cjg, ccsrf) = app.login("demo.gedragswetenschapper").await;
    let (status, list) = api(
        &app,
        &cjg,
        &ccsrf,
        M::GET,
        "/api/v1/ijw/requests",
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    // Next to the demo's request of another provider.
    let ours: Vec<&Value> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["reference"] == "PSW-REF-1")
        .collect();
    assert_eq!(ours.len(), 1, "{list}");
    let request = ours[0];
    assert_eq!(request["youth_name"], "Lotte Bakker");
    assert!(request["case_id"].is_string(), "linked to the open case");
    assert_eq!(request["referrer_type"], "02");
    // The same reference again is refused on the product (TR347, 9347).
    let (status, body) = deliver(
        &app,
        &provider,
        &pcsrf,
        &jw315("VOT2", "PSW-REF-1", start, end),
    )
    .await;
    answered(status, &body, false, &["9347"]);

    // 2. The CJG makes the access request from it; four eyes decide it. A family worker
    // whose scope holds the municipality (through another team serving it) but who may
    // not run the youth's case cannot make it: 403, audited, nothing made.
    let rid = request["id"].as_str().unwrap();
    sqlx::query(
        "INSERT INTO team_members (team_id, user_id)
         SELECT t.id, u.id FROM teams t, users u WHERE t.name = 'LBT Leudal' AND u.username = 'demo.gezinswerker.weert'",
    )
    .execute(app.store.pool())
    .await
    .unwrap();
    let (other, ocsrf) = app.login("demo.gezinswerker.weert").await;
    let requests_before = count(&app, "SELECT COUNT(*) FROM access_requests").await;
    let refusals = app.audit_count("case.refused").await;
    let (status, _) = api(
        &app,
        &other,
        &ocsrf,
        M::POST,
        &format!("/api/v1/ijw/requests/{rid}/access-request"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM access_requests").await,
        requests_before
    );
    assert_eq!(app.audit_count("case.refused").await, refusals + 1);
    let (status, made) = api(
        &app,
        &cjg,
        &ccsrf,
        M::POST,
        &format!("/api/v1/ijw/requests/{rid}/access-request"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{made}");
    let access = made["id"].as_str().unwrap().to_owned();
    let (_, req) = api(
        &app,
        &cjg,
        &ccsrf,
        M::GET,
        &format!("/api/v1/access-requests/{access}"),
        Value::Null,
    )
    .await;
    let step = |v: &Value, step: &str| json!({"version": v["version"], "step": step});
    let (status, done) = api(
        &app,
        &cjg,
        &ccsrf,
        M::POST,
        &format!("/api/v1/access-requests/{access}/steps"),
        step(&req, "submit"),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    sqlx::query("UPDATE users SET role = 'reviewer' WHERE username = 'demo.gezinswerker'")
        .execute(app.store.pool())
        .await
        .unwrap();
    let (second, scsrf) = app.login("demo.gezinswerker").await;
    let (status, done) = api(
        &app,
        &second,
        &scsrf,
        M::POST,
        &format!("/api/v1/access-requests/{access}/steps"),
        step(&done["request"], "approve"),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    let decision = done["decision_id"].as_str().unwrap().to_owned();
    let (_, detail) = api(
        &app,
        &second,
        &scsrf,
        M::GET,
        &format!("/api/v1/decisions/{decision}"),
        Value::Null,
    )
    .await;
    let tariff = detail["decision"]["unit_price_cents"].as_i64().unwrap();

    // 3. The JW301 waits in the provider's outbox: XSD-valid, with the reference.
    let (status, outbox) = api(
        &app,
        &provider,
        &pcsrf,
        M::GET,
        "/api/v1/ijw/outbox",
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{outbox}");
    let types: Vec<&str> = outbox
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["message_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["JW316", "JW316", "JW301"]);
    let jw301 = eenplan_ijw::parse(outbox[2]["xml"].as_str().unwrap().as_bytes()).unwrap();
    let eenplan_ijw::Message::Jw301(jw301) = jw301 else {
        panic!("not a JW301")
    };
    assert_eq!(jw301.header.afzender, LEUDAL);
    assert_eq!(jw301.header.ontvanger, PSW);
    assert_eq!(jw301.client.bsn, LOTTE_BSN);
    let product = &jw301.client.toegewezen_producten[0];
    assert_eq!(product.referentie_aanbieder.as_deref(), Some("PSW-REF-1"));
    assert_eq!(product.ingangsdatum, start);
    assert_eq!(product.einddatum, Some(end));
    let number = i64::from(product.toewijzing_nummer);
    // Only the provider itself acknowledges its messages: the CJG, whose scope shows
    // them, is refused (audited) and the message stays in the outbox.
    let first = outbox[0]["id"].as_str().unwrap();
    let refused = app.audit_count("access.refused").await;
    let (status, _) = api(
        &app,
        &cjg,
        &ccsrf,
        M::POST,
        &format!("/api/v1/ijw/outbox/{first}/ack"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(app.audit_count("access.refused").await, refused + 1);
    let sent_audits = app.audit_count("ijw.outbox.sent").await;
    for m in outbox.as_array().unwrap() {
        let id = m["id"].as_str().unwrap();
        let (status, _) = api(
            &app,
            &provider,
            &pcsrf,
            M::POST,
            &format!("/api/v1/ijw/outbox/{id}/ack"),
            Value::Null,
        )
        .await;
        assert_eq!(status, 204);
    }
    assert!(
        app.audit_count("ijw.outbox.sent").await > sent_audits,
        "the acknowledgements are audited"
    );
    let (_, outbox) = api(
        &app,
        &provider,
        &pcsrf,
        M::GET,
        "/api/v1/ijw/outbox",
        Value::Null,
    )
    .await;
    assert_eq!(
        outbox.as_array().unwrap().len(),
        0,
        "acknowledged messages leave the outbox"
    );
    let (_, reqs) = api(
        &app,
        &cjg,
        &ccsrf,
        M::GET,
        "/api/v1/ijw/requests",
        Value::Null,
    )
    .await;
    assert!(
        reqs.as_array()
            .unwrap()
            .iter()
            .all(|r| r["reference"] != "PSW-REF-1"),
        "the decision settled the request"
    );

    // Not started yet: six weeks on, the reconciliation names it.
    let youth = app
        .id_of("SELECT id FROM persons WHERE bsn = '999901011'")
        .await;
    let scope = eenplan_store::ijw::Scope::All;
    let later = eenplan_store::ijw::reconcile::reconcile(
        &app.store,
        &scope,
        &eenplan_store::ijw::reconcile::Subject::Youth(youth.clone()),
        (start, end),
        start + Duration::weeks(6),
    )
    .await
    .unwrap();
    let kinds_later: Vec<_> = later.lines[0].mismatches.iter().map(|m| m.kind).collect();
    assert_eq!(
        kinds_later,
        [eenplan_store::ijw::reconcile::MismatchKind::NeverStarted]
    );

    // 4. Start (JW305 -> JW306), stop (JW307 -> JW308), declaration (JW323 -> JW325).
    let begin = start + Duration::days(2);
    let (status, body) = deliver(
        &app,
        &provider,
        &pcsrf,
        &jw305("S1", number, start, begin, 1),
    )
    .await;
    answered(status, &body, true, &[]);
    let (_, detail) = api(
        &app,
        &cjg,
        &ccsrf,
        M::GET,
        &format!("/api/v1/decisions/{decision}"),
        Value::Null,
    )
    .await;
    assert_eq!(detail["decision"]["actual_start_on"], begin.to_string());
    let stopped = start + Duration::days(20);
    let (status, body) = deliver(
        &app,
        &provider,
        &pcsrf,
        &jw307("P1", number, start, begin, stopped),
    )
    .await;
    answered(status, &body, true, &[]);
    let (_, detail) = api(
        &app,
        &cjg,
        &ccsrf,
        M::GET,
        &format!("/api/v1/decisions/{decision}"),
        Value::Null,
    )
    .await;
    assert_eq!(detail["decision"]["actual_end_on"], stopped.to_string());
    let (status, body) = deliver(
        &app,
        &provider,
        &pcsrf,
        &jw323("D1", "R1", number, start, month_end, 12, tariff),
    )
    .await;
    answered(status, &body, true, &[]);
    assert!(
        body["retour_xml"]
            .as_str()
            .unwrap()
            .contains("jw325:Bericht")
    );

    // The reconciliation: decided, assigned, started, stopped, declared; no mismatch.
    let path = format!("/api/v1/ijw/reconciliation?youth_id={youth}");
    let (status, rec) = api(&app, &cjg, &ccsrf, M::GET, &path, Value::Null).await;
    assert_eq!(status, 200, "{rec}");
    let line = &rec["lines"][0];
    assert_eq!(line["assignment_number"], number);
    assert_eq!(line["started_on"], begin.to_string());
    assert_eq!(line["stopped_on"], stopped.to_string());
    assert_eq!(line["declared_volume"], 12);
    assert_eq!(kinds(line), Vec::<String>::new(), "{rec}");
    assert_eq!(rec["unlinked"].as_array().unwrap().len(), 0);

    // 5. Deliberate mistakes, each refused with its retour code and named.
    // A start for an assignment that does not exist (TR019, 9019).
    let (status, body) = deliver(
        &app,
        &provider,
        &pcsrf,
        &jw305("S2", 999_999, start, begin, 1),
    )
    .await;
    answered(status, &body, false, &["9019"]);
    // A stop without a start of that key (TR382, 9069).
    let (status, body) = deliver(
        &app,
        &provider,
        &pcsrf,
        &jw307("P2", number, start, start + Duration::days(5), stopped),
    )
    .await;
    answered(status, &body, false, &["9069"]);
    // Declared over the decided volume (TR321, 9321).
    let (status, body) = deliver(
        &app,
        &provider,
        &pcsrf,
        &jw323("D2", "R2", number, start, month_end, 500, tariff),
    )
    .await;
    answered(status, &body, false, &["9321"]);
    // Declared outside the assignment (TR307, 9307).
    let before = start - Duration::days(10);
    let (status, body) = deliver(
        &app,
        &provider,
        &pcsrf,
        &jw323(
            "D3",
            "R3",
            number,
            before,
            before + Duration::days(3),
            1,
            tariff,
        ),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["retour_codes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "9307"),
        "{body}"
    );
    // The same reference declared twice (TR314, 8021).
    let (status, body) = deliver(
        &app,
        &provider,
        &pcsrf,
        &jw323("D4", "R1", number, start, month_end, 1, tariff),
    )
    .await;
    answered(status, &body, false, &["8021"]);
    // The same message identification twice (TR056, 9056): refused whole.
    let deliveries = count(&app, "SELECT COUNT(*) FROM ijw_deliveries").await;
    let (status, body) = deliver(
        &app,
        &provider,
        &pcsrf,
        &jw305("S1", number, start, begin + Duration::days(1), 1),
    )
    .await;
    answered(status, &body, false, &["9056"]);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM ijw_deliveries").await,
        deliveries,
        "nothing applied"
    );

    let (_, rec) = api(&app, &cjg, &ccsrf, M::GET, &path, Value::Null).await;
    let line = &rec["lines"][0];
    let named = kinds(line);
    for kind in [
        "stopped_without_start",
        "declared_over_volume",
        "declared_outside_period",
        "refused",
    ] {
        assert!(named.iter().any(|k| k == kind), "{kind} in {named:?}");
    }
    let unlinked: Vec<&str> = rec["unlinked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert!(
        unlinked.contains(&"started_without_assignment"),
        "{unlinked:?}"
    );
    assert_eq!(
        line["declared_volume"], 12,
        "refused declarations do not count"
    );
    // The provider's own reconciliation shows the same; the page too.
    let (status, own) = api(
        &app,
        &provider,
        &pcsrf,
        M::GET,
        "/api/v1/ijw/reconciliation",
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{own}");
    assert_eq!(own["lines"].as_array().unwrap().len(), 1);
    let page = cjg
        .get(app.url(&format!("/berichten/afstemming?jeugdige={youth}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Gestopt zonder start") && html.contains("Meer gedeclareerd dan toegewezen"),
        "page names the mismatches"
    );

    // Changing the decision sends a new JW301 with the reason (05: shorter).
    let (_, detail) = api(
        &app,
        &cjg,
        &ccsrf,
        M::GET,
        &format!("/api/v1/decisions/{decision}"),
        Value::Null,
    )
    .await;
    let (status, changed) = api(&app, &cjg, &ccsrf, M::POST, &format!("/api/v1/decisions/{decision}/changes"), json!({
        "version": detail["decision"]["version"], "kind": "end", "ended_on": today.to_string(), "end_reason": "goals_reached", "reason": "Resultaten bereikt"
    })).await;
    assert_eq!(status, 200, "{changed}");
    let (_, outbox) = api(
        &app,
        &provider,
        &pcsrf,
        M::GET,
        "/api/v1/ijw/outbox",
        Value::Null,
    )
    .await;
    let last = outbox
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|m| m["message_type"] == "JW301")
        .expect("a new JW301");
    let eenplan_ijw::Message::Jw301(changed) =
        eenplan_ijw::parse(last["xml"].as_str().unwrap().as_bytes()).unwrap()
    else {
        panic!()
    };
    let p = &changed.client.toegewezen_producten[0];
    assert_eq!(
        i64::from(p.toewijzing_nummer),
        number,
        "the number never changes"
    );
    assert_eq!(p.einddatum, Some(today));
    assert_eq!(p.reden_wijziging.map(|r| r.code()), Some("05"));

    assert!(every_emitted_message_is_valid(&app).await >= 10);
    assert_eq!(
        app.audit_count("ijw.receive").await - received_before,
        11,
        "every delivery audited"
    );
    assert!(app.audit_count("ijw.send").await >= 2);
}

#[tokio::test]
async fn requests_are_answered_bad_input_is_refused_and_only_the_own_messages_are_seen() {
    let app = TestApp::spawn().await;
    let today = eenplan_store::today();
    let (provider, pcsrf) = app.login("demo.aanbieder").await;
    let (status, body) = deliver(
        &app,
        &provider,
        &pcsrf,
        &jw315("VOT9", "PSW-REF-9", today, today + Duration::days(90)),
    )
    .await;
    answered(status, &body, true, &[]);
    // A second request for the same client while one is open (TR374, 9374).
    let (status, body) = deliver(
        &app,
        &provider,
        &pcsrf,
        &jw315("VOT10", "PSW-REF-10", today, today + Duration::days(90)),
    )
    .await;
    answered(status, &body, false, &["9374"]);

    // The CJG puts it under investigation, then refuses it (JW319, twice).
    let (cjg, ccsrf) = app.login("demo.gedragswetenschapper").await;
    let (_, list) = api(
        &app,
        &cjg,
        &ccsrf,
        M::GET,
        "/api/v1/ijw/requests",
        Value::Null,
    )
    .await;
    let rid = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reference"] == "PSW-REF-9")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let answer = |body: Value| {
        let (cjg, ccsrf, app, rid) = (&cjg, &ccsrf, &app, &rid);
        async move {
            api(
                app,
                cjg,
                ccsrf,
                M::POST,
                &format!("/api/v1/ijw/requests/{rid}/answer"),
                body,
            )
            .await
        }
    };
    let (status, body) = answer(json!({"answer": "refuse"})).await;
    assert_eq!(status, 422, "a refusal needs a reason: {body}");
    let (status, _) = answer(json!({"answer": "investigate"})).await;
    assert_eq!(status, 200);
    let (status, body) = answer(json!({"answer": "investigate"})).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = answer(json!({"answer": "refuse", "reason": "3"})).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = answer(json!({"answer": "refuse", "reason": "3"})).await;
    assert_eq!(status, 422, "settled");
    let (_, outbox) = api(
        &app,
        &provider,
        &pcsrf,
        M::GET,
        "/api/v1/ijw/outbox",
        Value::Null,
    )
    .await;
    let jw319: Vec<&Value> = outbox
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["message_type"] == "JW319")
        .collect();
    assert_eq!(jw319.len(), 2);
    assert!(
        jw319[1]["xml"]
            .as_str()
            .unwrap()
            .contains("<jw319:RedenAfwijzingVerzoek>3</jw319:RedenAfwijzingVerzoek>")
    );
    // The provider does not answer requests; the CJG does not deliver messages.
    let (status, _) = api(
        &app,
        &provider,
        &pcsrf,
        M::POST,
        &format!("/api/v1/ijw/requests/{rid}/answer"),
        json!({"answer": "investigate"}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = deliver(&app, &cjg, &ccsrf, &jw315("VOT11", "X", today, today)).await;
    assert_eq!(status, 403);

    // Bad input: refused with a reason, stored, nothing applied, never a panic.
    let requests = count(&app, "SELECT COUNT(*) FROM ijw_requests").await;
    let bad: Vec<(&str, String, u16)> = vec![
        ("malformed", "<jw305:Bericht><unclosed>".into(), 422),
        ("not xml", "\u{0}\u{1}binary".into(), 422),
        (
            "wrong namespace",
            jw315("VOT12", "Y", today, today)
                .replace("ijw/3_2/jw315/schema", "ijw/3_1/jw315/schema"),
            422,
        ),
        (
            "unknown message",
            jw315("VOT13", "Y", today, today).replace("jw315", "jw399"),
            422,
        ),
        (
            "impossible date",
            jw315("VOT14", "Y", today, today).replace(&today.to_string(), "2027-06-31"),
            422,
        ),
        (
            "municipality message",
            format!(
                "{}<jw319:Antwoord><jw319:ReferentieAanbieder>A</jw319:ReferentieAanbieder><jw319:VerzoekAntwoord>1</jw319:VerzoekAntwoord></jw319:Antwoord></jw319:Bericht>",
                header("jw319", 452, "A1", LEUDAL, PSW)
            ),
            422,
        ),
        (
            "another provider as sender",
            jw315("VOT15", "Z", today, today).replace(PSW, "75750101"),
            403,
        ),
        (
            "entity expansion",
            "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><jw315:Bericht xmlns:jw315=\"http://www.istandaarden.nl/ijw/3_2/jw315/schema\">&lol2;</jw315:Bericht>".to_owned(),
            422,
        ),
    ];
    for (what, xml, expected) in bad {
        let (status, body) = deliver(&app, &provider, &pcsrf, &xml).await;
        assert_eq!(status, expected, "{what}: {body}");
        if expected == 422 {
            assert!(
                !body["problems"][0]["message_nl"]
                    .as_str()
                    .unwrap_or("")
                    .is_empty(),
                "{what}: a reason in Dutch: {body}"
            );
        }
    }
    let huge = "x".repeat(50 * 1024 * 1024);
    let (status, _) = deliver(&app, &provider, &pcsrf, &huge).await;
    assert_eq!(status, 413, "50 MB");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM ijw_requests").await,
        requests,
        "nothing applied"
    );
    assert!(
        count(
            &app,
            "SELECT COUNT(*) FROM ijw_messages WHERE status = 'rejected' AND reason <> ''"
        )
        .await
            >= 8
    );

    // Only the own messages: another provider sees none of PSW's; policy staff nothing.
    sqlx::query("UPDATE users SET organisation_id = (SELECT id FROM organisations WHERE name = 'Koraal') WHERE username = 'demo.aanbieder'")
        .execute(app.store.pool())
        .await
        .unwrap();
    let (other, ocsrf) = app.login("demo.aanbieder").await;
    let (_, seen) = api(
        &app,
        &other,
        &ocsrf,
        M::GET,
        "/api/v1/ijw/messages",
        Value::Null,
    )
    .await;
    assert!(
        seen.as_array()
            .unwrap()
            .iter()
            .all(|m| m["provider_name"] == "Koraal"),
        "{seen}"
    );
    let any = app
        .id_of("SELECT id FROM ijw_messages WHERE direction = 'in' AND status = 'accepted' LIMIT 1")
        .await;
    let (status, _) = api(
        &app,
        &other,
        &ocsrf,
        M::GET,
        &format!("/api/v1/ijw/messages/{any}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 403);
    let (policy, pocsrf) = app.login("demo.beleid").await;
    let (status, _) = api(
        &app,
        &policy,
        &pocsrf,
        M::GET,
        "/api/v1/ijw/messages",
        Value::Null,
    )
    .await;
    assert_eq!(status, 403);
    let (status, seen) = api(
        &app,
        &cjg,
        &ccsrf,
        M::GET,
        "/api/v1/ijw/messages?type=JW315&direction=in",
        Value::Null,
    )
    .await;
    assert_eq!(status, 200);
    assert!(seen.as_array().unwrap().len() >= 2);
    assert!(every_emitted_message_is_valid(&app).await >= 4);
}

#[tokio::test]
async fn the_folder_exchange_receives_the_inbox_and_writes_the_outbox() {
    let app = TestApp::spawn().await;
    let today = eenplan_store::today();
    let dir = std::env::temp_dir().join(format!("eenplan-ijw-{}", uuid::Uuid::new_v4()));
    let (inbox, outbox) = (dir.join("in"), dir.join("out"));
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::write(
        inbox.join("a.xml"),
        jw315("F1", "PSW-F-1", today, today + Duration::days(30)),
    )
    .unwrap();
    std::fs::write(inbox.join("b.xml"), "<niet-goed").unwrap();
    let s = eenplan_store::ijw::folder::exchange(&app.store, &inbox, &outbox, today)
        .await
        .unwrap();
    // Sent: the answer to a.xml and the demo's answer that was waiting.
    assert_eq!((s.received, s.refused, s.sent), (1, 1, 2));
    assert!(inbox.join("verwerkt/a.xml").exists());
    assert!(inbox.join("geweigerd/b.xml").exists());
    assert!(
        std::fs::read_to_string(inbox.join("geweigerd/b.xml.reden.txt"))
            .unwrap()
            .len()
            > 10
    );
    let written: Vec<_> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(written.len(), 2);
    let texts: Vec<String> = written
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    for xml in &texts {
        eenplan_ijw::xsd::validate(xml).unwrap();
    }
    let xml = texts
        .iter()
        .find(|x| x.contains("<jw316:IdentificatieRetour>F1</jw316:IdentificatieRetour>"))
        .expect("the answer to a.xml");
    assert!(xml.contains("jw316:Bericht"));
    // A second run finds nothing new.
    let s = eenplan_store::ijw::folder::exchange(&app.store, &inbox, &outbox, today)
        .await
        .unwrap();
    assert_eq!(s, eenplan_store::ijw::folder::Summary::default());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Lotte's assignment at PSW through the API: a JW315, the access request made from it,
/// four eyes. Answers the provider's client, its CSRF token, the CJG's, the assignment
/// number, the decision, its tariff and its first and last day.
pub(crate) struct Assigned {
    pub(crate) provider: reqwest::Client,
    pub(crate) pcsrf: String,
    cjg: reqwest::Client,
    ccsrf: String,
    number: i64,
    pub(crate) decision: String,
    tariff: i64,
    start: NaiveDate,
}

/// A JW315 of PSW decided and assigned (the demo's reviewers approve it).
pub(crate) async fn assigned(app: &TestApp, start: NaiveDate, end: NaiveDate) -> Assigned {
    let (provider, pcsrf) = app.login("demo.aanbieder").await;
    let (status, body) = deliver(app, &provider, &pcsrf, &jw315("A1", "PSW-A", start, end)).await;
    answered(status, &body, true, &[]);
    let (cjg, ccsrf) = app.login("demo.gedragswetenschapper").await;
    let rid = app
        .id_of("SELECT id FROM ijw_requests WHERE reference = 'PSW-A'")
        .await;
    let (_, made) = api(
        app,
        &cjg,
        &ccsrf,
        M::POST,
        &format!("/api/v1/ijw/requests/{rid}/access-request"),
        Value::Null,
    )
    .await;
    let access = made["id"].as_str().unwrap().to_owned();
    let (_, req) = api(
        app,
        &cjg,
        &ccsrf,
        M::GET,
        &format!("/api/v1/access-requests/{access}"),
        Value::Null,
    )
    .await;
    let step = |v: &Value, step: &str| json!({"version": v["version"], "step": step});
    let (_, done) = api(
        app,
        &cjg,
        &ccsrf,
        M::POST,
        &format!("/api/v1/access-requests/{access}/steps"),
        step(&req, "submit"),
    )
    .await;
    sqlx::query("UPDATE users SET role = 'reviewer' WHERE username = 'demo.gezinswerker'")
        .execute(app.store.pool())
        .await
        .unwrap();
    let (second, scsrf) = app.login("demo.gezinswerker").await;
    let (status, done) = api(
        app,
        &second,
        &scsrf,
        M::POST,
        &format!("/api/v1/access-requests/{access}/steps"),
        step(&done["request"], "approve"),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    let decision = done["decision_id"].as_str().unwrap().to_owned();
    let (_, detail) = api(
        app,
        &cjg,
        &ccsrf,
        M::GET,
        &format!("/api/v1/decisions/{decision}"),
        Value::Null,
    )
    .await;
    let number: i64 =
        sqlx::query_scalar("SELECT number FROM ijw_assignments WHERE decision_id = $1")
            .bind(&decision)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    Assigned {
        provider,
        pcsrf,
        cjg,
        ccsrf,
        number,
        tariff: detail["decision"]["unit_price_cents"].as_i64().unwrap(),
        decision,
        start,
    }
}

/// The first day of last month: care that started then has a whole month behind it.
fn first_of_last_month() -> NaiveDate {
    let today = eenplan_store::today();
    let month_ago = today - Duration::days(today.day() as i64);
    NaiveDate::from_ymd_opt(month_ago.year(), month_ago.month(), 1).unwrap()
}

#[tokio::test]
async fn every_rule_against_earlier_messages_refuses_with_its_retour_code() {
    let app = TestApp::spawn().await;
    let start = first_of_last_month();
    let month_end = (start + Duration::days(32)).with_day(1).unwrap() - Duration::days(1);
    let a = assigned(&app, start, start + Duration::days(120)).await;
    let (p, c, n, t) = (&a.provider, a.pcsrf.as_str(), a.number, a.tariff);
    let d = |days: i64| a.start + Duration::days(days);
    let mut ident = 0;
    let mut next = || {
        ident += 1;
        format!("R{ident}")
    };
    // (what, message, accepted, retour codes)
    let steps: Vec<(&str, String, bool, Vec<&str>)> = vec![
        ("a start", jw305(&next(), n, d(0), d(2), 1), true, vec![]),
        (
            "the same start again (TR074)",
            jw305(&next(), n, d(0), d(2), 1),
            false,
            vec!["9074"],
        ),
        (
            "a second start while one runs (TR326)",
            jw305(&next(), n, d(0), d(3), 1),
            false,
            vec!["9326"],
        ),
        (
            "removing a start never sent (TR063)",
            jw305(&next(), n, d(0), d(5), 3),
            false,
            vec!["9063"],
        ),
        (
            "its stop",
            jw307(&next(), n, d(0), d(2), d(20)),
            true,
            vec![],
        ),
        (
            "the same stop again (TR415)",
            jw307(&next(), n, d(0), d(2), d(21)),
            false,
            vec!["9415"],
        ),
        (
            "removing a stopped start (TR071)",
            jw305(&next(), n, d(0), d(2), 3),
            false,
            vec!["9071"],
        ),
        (
            "a stop of another provider's or no assignment (TR019)",
            jw307(&next(), n + 1000, d(0), d(2), d(20)),
            false,
            vec!["9019"],
        ),
        (
            "a second start after the stop",
            jw305(&next(), n, d(0), d(40), 1),
            true,
            vec![],
        ),
        (
            "a temporary stop",
            jw307(&next(), n, d(0), d(40), d(45)).replace(">31<", ">20<"),
            true,
            vec![],
        ),
        (
            "a second temporary stop (TR413)",
            jw307(&next(), n, d(0), d(40), d(46)).replace(">31<", ">20<"),
            false,
            vec!["9413"],
        ),
        (
            "a final stop ending before the temporary one (TR414)",
            jw307(&next(), n, d(0), d(40), d(44)),
            false,
            vec!["9414"],
        ),
        (
            "a declaration",
            jw323(&next(), "P1", n, start, month_end, 40, t),
            true,
            vec![],
        ),
        (
            "together over the volume (TR322)",
            jw323(&next(), "P2", n, start, month_end, 15, t),
            false,
            vec!["9322"],
        ),
        (
            "another tariff (TR418)",
            jw323(&next(), "P3", n, start, month_end, 1, t + 1),
            false,
            vec!["0611"],
        ),
        (
            "no such assignment (TR338)",
            jw323(&next(), "P4", n + 1000, start, month_end, 1, t),
            false,
            vec!["9338"],
        ),
        (
            "another client (TR304)",
            jw323(&next(), "P5", n, start, month_end, 1, t).replace(LOTTE_BSN, "999900006"),
            false,
            vec!["8187"],
        ),
        (
            "another category (TR339)",
            jw323(&next(), "P6", n, start, month_end, 1, t).replace(
                "<jw323:ProductCategorie>45</jw323:ProductCategorie><jw323:ProductCode>45A01",
                "<jw323:ProductCategorie>41</jw323:ProductCategorie><jw323:ProductCode>41D01",
            ),
            false,
            vec!["9339"],
        ),
        (
            "another product (TR340)",
            jw323(&next(), "P7", n, start, month_end, 1, t).replace("45A01", "45A02"),
            false,
            vec!["9340"],
        ),
        (
            "another unit (TR341)",
            jw323(&next(), "P8", n, start, month_end, 1, t)
                .replace("<jw323:Eenheid>04<", "<jw323:Eenheid>01<"),
            false,
            vec!["9341"],
        ),
        (
            "before the assignment (TR307)",
            jw323(
                &next(),
                "P9",
                n,
                start - Duration::days(10),
                start - Duration::days(8),
                1,
                t,
            ),
            false,
            vec!["9307"],
        ),
        (
            "a municipality outside the region (TR378)",
            jw305(&next(), n, d(0), d(60), 1).replace(">1640<", ">0363<"),
            false,
            vec!["S300"],
        ),
    ];
    for (what, xml, accepted, codes) in steps {
        let (status, body) = deliver(&app, p, c, &xml).await;
        assert_eq!(status, 200, "{what}: {body}");
        assert_eq!(body["accepted"], accepted, "{what}: {body}");
        let got: Vec<&str> = body["retour_codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(got, codes, "{what}: {body}");
        let retour = body["retour_xml"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: no retour"));
        eenplan_ijw::xsd::validate(retour).unwrap_or_else(|e| panic!("{what}: {e}"));
        for code in &codes {
            assert!(
                retour.contains(&format!("RetourCode>{code}<")),
                "{what}: {code} in the retour"
            );
        }
    }
    // After an early end, declared care past it lies outside the assignment (TR308).
    let (_, detail) = api(
        &app,
        &a.cjg,
        &a.ccsrf,
        M::GET,
        &format!("/api/v1/decisions/{}", a.decision),
        Value::Null,
    )
    .await;
    let (status, body) = api(&app, &a.cjg, &a.ccsrf, M::POST, &format!("/api/v1/decisions/{}/changes", a.decision), json!({
        "version": detail["decision"]["version"], "kind": "end", "ended_on": d(10).to_string(), "end_reason": "moved", "reason": "Verhuisd"
    })).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = deliver(&app, p, c, &jw323("R99", "P99", n, start, month_end, 1, t)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["retour_codes"][0], "9308", "{body}");
    // The early end for a move went out with reason 07.
    let moved: String = sqlx::query_scalar("SELECT xml FROM ijw_messages WHERE message_type = 'JW301' ORDER BY created_at DESC, id DESC LIMIT 1")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert!(
        moved.contains("<jw301:RedenWijziging>07</jw301:RedenWijziging>"),
        "{moved}"
    );
    every_emitted_message_is_valid(&app).await;
}

/// A provider that sends a JW315 with the BSN of a youth it has no decision for is
/// answered per the standard, but learns nothing of the region's link to that youth: no
/// name, youth id, case id or access request in its lists, its message or its pages. The
/// CJG sees the link.
#[tokio::test]
async fn a_provider_learns_nothing_of_a_youth_from_a_bsn_it_sends() {
    let app = TestApp::spawn().await;
    let today = eenplan_store::today();
    let (provider, pcsrf) = app.login("demo.aanbieder").await;
    let (status, body) = deliver(
        &app,
        &provider,
        &pcsrf,
        &jw315("PROBE1", "PSW-PROBE", today, today + Duration::days(60)),
    )
    .await;
    answered(status, &body, true, &[]);
    let message = body["message_id"].as_str().unwrap().to_owned();
    let lotte = app
        .id_of("SELECT id FROM persons WHERE name = 'Lotte Bakker'")
        .await;
    let case = app
        .id_of("SELECT c.id FROM cases c JOIN persons p ON p.family_id = c.family_id WHERE p.id = (SELECT id FROM persons WHERE name = 'Lotte Bakker')")
        .await;
    let secrets = ["Lotte", lotte.as_str(), case.as_str()];

    // A BSN is searched in the body, never in the URL.
    let (status, refused) = api(
        &app,
        &provider,
        &pcsrf,
        M::GET,
        &format!("/api/v1/ijw/messages?bsn={LOTTE_BSN}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    let (status, found) = api(
        &app,
        &provider,
        &pcsrf,
        M::POST,
        "/api/v1/ijw/messages/search",
        json!({ "bsn": LOTTE_BSN }),
    )
    .await;
    assert_eq!(status, 200, "{found}");
    assert!(
        found
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == message.as_str())
    );

    // The CJG sees whom the request is about.
    let (cjg, ccsrf) = app.login("demo.gedragswetenschapper").await;
    let (status, list) = api(
        &app,
        &cjg,
        &ccsrf,
        M::GET,
        "/api/v1/ijw/requests",
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    assert!(list.to_string().contains("Lotte Bakker"), "{list}");

    for path in ["/api/v1/ijw/requests", "/api/v1/ijw/messages"] {
        let (status, body) = api(&app, &provider, &pcsrf, M::GET, path, Value::Null).await;
        assert_eq!(status, 200, "{path}: {body}");
        let text = body.to_string();
        assert!(text.contains(LOTTE_BSN), "{path}: the BSN it sent is there");
        for s in secrets {
            assert!(!text.contains(s), "{path} shows {s}: {text}");
        }
    }
    for path in [
        format!("/api/v1/ijw/messages/{message}"),
        "/berichten".to_owned(),
        "/berichten/verzoeken".to_owned(),
        format!("/berichten/{message}"),
    ] {
        let html = provider
            .get(app.url(&path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for s in secrets {
            assert!(!html.contains(s), "{path} shows {s}");
        }
    }
}
