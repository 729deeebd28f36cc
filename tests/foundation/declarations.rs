//! The yearly declaration of the treatment teams' hours: hours registered through the
//! API by a member, approved by the coordinator, declared per organisation at the hourly
//! rate (a hand count), a correction as a new version, the printable page and the CSV
//! and XLSX downloads; the coordinator only.

use crate::common::{TestApp, api, csrf_of};
use chrono::Datelike;
use reqwest::Method as M;
use serde_json::{Value, json};

/// Last year: every day of it lies in the past, and in the demo membership (from
/// 2023-03-01) of the psychologist of Koraal in LBT Leudal.
fn last_year() -> i32 {
    eenplan_store::today().year() - 1
}

/// The minutes committed in a whole year at 10 hours a week: 10 × 60 × days / 7.
fn committed_in(year: i32) -> i64 {
    let days = (chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap()
        - chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap())
    .num_days()
        + 1;
    (600 * days * 2 + 7) / 14
}

fn row_of<'a>(overview: &'a Value, organisation: &str) -> &'a Value {
    overview
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["draft"]["organisation_id"] == organisation)
        .unwrap_or_else(|| panic!("no row for {organisation} in {overview}"))
}

#[tokio::test]
async fn the_declaration_is_the_approved_hours_at_the_rate_and_a_correction_is_a_new_version() {
    let app = TestApp::spawn().await;
    let year = last_year();
    let lbt = app
        .id_of("SELECT id FROM teams WHERE name = 'LBT Leudal'")
        .await;
    let koraal = app
        .id_of("SELECT id FROM organisations WHERE name = 'Koraal'")
        .await;
    // The psychologist registers hours through the API.
    let (member, mcsrf) = app.login("demo.behandelteam").await;
    let entries = [
        (format!("{year}-02-03"), "1,5", "consultation"),
        (format!("{year}-05-12"), "2", "mdo"),
        (format!("{year}-09-15"), "0,75", "travel"),
        (format!("{year}-11-03"), "3", "treatment"),
        // The year before: not in this year's declaration.
        (format!("{}-12-31", year - 1), "4", "consultation"),
    ];
    let mut ids = Vec::new();
    for (on, hours, activity) in &entries {
        let (status, body) = api(
            &app,
            &member,
            &mcsrf,
            M::POST,
            &format!("/api/v1/treatment-teams/{lbt}/hours"),
            json!({"on": on, "hours": hours, "activity": activity}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        ids.push(body["id"].as_str().unwrap().to_owned());
    }
    // A member does not approve hours.
    let (status, _) = api(
        &app,
        &member,
        &mcsrf,
        M::POST,
        &format!("/api/v1/treatment-teams/{lbt}/hours/approval"),
        json!({"ids": [ids[0]]}),
    )
    .await;
    assert_eq!(status, 403);
    // The coordinator approves three of last year's entries and the one before it.
    let (coordinator, ccsrf) = app.login("demo.coordinator").await;
    let (status, body) = api(
        &app,
        &coordinator,
        &ccsrf,
        M::POST,
        &format!("/api/v1/treatment-teams/{lbt}/hours/approval"),
        json!({"ids": [ids[0], ids[1], ids[2], ids[4]]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["approved"], 4);
    assert_eq!(app.audit_count("hours.approve").await, 1);
    // Approving again changes nothing.
    let (_, body) = api(
        &app,
        &coordinator,
        &ccsrf,
        M::POST,
        &format!("/api/v1/treatment-teams/{lbt}/hours/approval"),
        json!({"ids": [ids[0]]}),
    )
    .await;
    assert_eq!(body["approved"], 0);
    // The overview: registered, approved and committed hours, the draft amount.
    let (status, overview) = api(
        &app,
        &coordinator,
        &ccsrf,
        M::GET,
        &format!("/api/v1/declarations?year={year}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{overview}");
    let row = row_of(&overview, &koraal);
    // Hand count: 1,5 + 2 + 0,75 + 3 hours registered; 1,5 + 2 + 0,75 approved.
    let registered = 90 + 120 + 45 + 180;
    let approved = 90 + 120 + 45;
    assert_eq!(row["draft"]["registered_minutes"], registered);
    assert_eq!(row["draft"]["approved_minutes"], approved);
    assert_eq!(row["draft"]["committed_minutes"], committed_in(year));
    assert_eq!(row["draft"]["hourly_rate_cents"], 10_000);
    assert_eq!(row["draft"]["amount_cents"], approved * 10_000 / 60);
    assert!(row["declarations"].as_array().unwrap().is_empty());
    assert_eq!(app.audit_count("declaration.overview").await, 1);
    // Issued: version 1, EUR 425 = 4,25 hours at EUR 100.
    let (status, v1) = api(
        &app,
        &coordinator,
        &ccsrf,
        M::POST,
        "/api/v1/declarations",
        json!({"organisation_id": koraal, "year": year}),
    )
    .await;
    assert_eq!(status, 201, "{v1}");
    assert_eq!(v1["number"], 1);
    assert_eq!(v1["amount_cents"], 42_500);
    assert_eq!(v1["approved_minutes"], approved);
    assert_eq!(v1["superseded"], false);
    let lines: Vec<(String, i64, i64)> = v1["lines"]["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["activity"].as_str().unwrap().to_owned(),
                l["minutes"].as_i64().unwrap(),
                l["amount_cents"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            ("consultation".to_owned(), 90, 15_000),
            ("mdo".to_owned(), 120, 20_000),
            ("travel".to_owned(), 45, 7_500),
        ]
    );
    assert_eq!(v1["lines"]["members"][0]["name"], "Noor Peeters");
    assert_eq!(app.audit_count("declaration.issue").await, 1);
    // The last entry approved after all: a correction, version 2; version 1 superseded.
    let (status, _) = api(
        &app,
        &coordinator,
        &ccsrf,
        M::POST,
        &format!("/api/v1/treatment-teams/{lbt}/hours/approval"),
        json!({"ids": [ids[3]]}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, v2) = api(
        &app,
        &coordinator,
        &ccsrf,
        M::POST,
        "/api/v1/declarations",
        json!({"organisation_id": koraal, "year": year}),
    )
    .await;
    assert_eq!(status, 201, "{v2}");
    assert_eq!(v2["number"], 2);
    assert_eq!(v2["amount_cents"], registered * 10_000 / 60);
    assert_eq!(v2["amount_cents"], 72_500);
    let v1_id = v1["id"].as_str().unwrap();
    let v2_id = v2["id"].as_str().unwrap();
    let (status, again) = api(
        &app,
        &coordinator,
        &ccsrf,
        M::GET,
        &format!("/api/v1/declarations/{v1_id}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(again["superseded"], true);
    assert_eq!(
        again["amount_cents"], 42_500,
        "an issued version never changes"
    );
    // A new rate changes the draft, never what was issued.
    let mut tx = app.store.begin().await.unwrap();
    eenplan_store::settings::set(
        &mut tx,
        &eenplan_store::audit::Actor::system("test"),
        eenplan_store::declarations::HOURLY_RATE_SETTING,
        "9500",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (_, overview) = api(
        &app,
        &coordinator,
        &ccsrf,
        M::GET,
        &format!("/api/v1/declarations?year={year}"),
        Value::Null,
    )
    .await;
    let row = row_of(&overview, &koraal);
    assert_eq!(row["draft"]["amount_cents"], 68_875);
    let versions: Vec<i64> = row["declarations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["number"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, vec![2, 1]);
    assert_eq!(row["declarations"][0]["amount_cents"], 72_500);

    // The printable page, in Dutch notation.
    let page = coordinator
        .get(app.url(&format!("/lbt/declaraties/{v2_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("€ 725,00"), "{html}");
    assert!(html.contains("€ 100,00"));
    assert!(html.contains("7,25"));
    assert!(html.contains(&format!("/lbt/declaraties/{v2_id}.csv")));
    let page = coordinator
        .get(app.url(&format!("/lbt/declaraties/{v1_id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("€ 425,00"));
    assert!(page.contains("vervangen"));
    // CSV and XLSX.
    let csv = coordinator
        .get(app.url(&format!("/lbt/declaraties/{v2_id}.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        csv.headers()["content-disposition"],
        format!("attachment; filename=\"declaratie-koraal-{year}-v2.csv\"").as_str()
    );
    let csv = csv.text().await.unwrap();
    assert!(csv.contains("Bedrag (euro);725,00"), "{csv}");
    assert!(csv.contains("LBT Leudal;Behandeling;3;300,00"), "{csv}");
    let xlsx = coordinator
        .get(app.url(&format!("/lbt/declaraties/{v2_id}.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    assert_eq!(
        xlsx.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(
        xlsx.headers()["content-disposition"],
        format!("attachment; filename=\"declaratie-koraal-{year}-v2.xlsx\"").as_str()
    );
    let bytes = xlsx.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an xlsx file is a zip archive");
    assert_eq!(app.audit_count("declaration.export").await, 2);
    // API reads and pages alike are audited as reads of the declaration.
    let reads: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_events
         WHERE event = 'declaration.read' AND object_type = 'declaration' AND object_id = $1",
    )
    .bind(v2_id)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(reads, 2, "issued (API answer) and the page");

    // The overview page issues from its button: version 3, then the printable page.
    let page = coordinator
        .get(app.url(&format!("/lbt/declaraties?jaar={year}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Koraal"));
    assert!(html.contains("€ 688,75"), "the draft at the new rate");
    let r = coordinator
        .post(app.url("/lbt/declaraties"))
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("organisation_id", koraal.as_str()),
            ("year", year.to_string().as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let v3: (i64, i64, i64) = sqlx::query_as(
        "SELECT number, hourly_rate_cents, amount_cents FROM declarations WHERE organisation_id = $1 AND superseded = 0",
    )
    .bind(&koraal)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(v3, (3, 9_500, 68_875));
    let page = coordinator.get(app.url(&location)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("€ 688,75"));
    let superseded: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM declarations WHERE organisation_id = $1 AND superseded = 1",
    )
    .bind(&koraal)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(superseded, 2);
}

#[tokio::test]
async fn declarations_refuse_bad_input_and_everyone_but_the_coordinator() {
    let app = TestApp::spawn().await;
    let year = last_year();
    let koraal = app
        .id_of("SELECT id FROM organisations WHERE name = 'Koraal'")
        .await;
    let psw = app
        .id_of("SELECT id FROM organisations WHERE name = 'PSW'")
        .await;
    let cjg = app
        .id_of("SELECT id FROM organisations WHERE org_type = 'cjg' ORDER BY name LIMIT 1")
        .await;
    let (coordinator, ccsrf) = app.login("demo.coordinator").await;
    let issue = |org: &str, year: i32| json!({"organisation_id": org, "year": year});
    // Nothing approved yet.
    let (status, body) = api(
        &app,
        &coordinator,
        &ccsrf,
        M::POST,
        "/api/v1/declarations",
        issue(&koraal, year),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("organisation_id"), "{body}");
    // A year not begun, an organisation without hours, one that is no provider.
    for (org, y) in [(&koraal, year + 2), (&psw, year), (&cjg, year)] {
        let (status, body) = api(
            &app,
            &coordinator,
            &ccsrf,
            M::POST,
            "/api/v1/declarations",
            issue(org, y),
        )
        .await;
        assert_eq!(status, 422, "{org} {y}: {body}");
    }
    let (status, _) = api(
        &app,
        &coordinator,
        &ccsrf,
        M::GET,
        "/api/v1/declarations?year=twee",
        Value::Null,
    )
    .await;
    assert_eq!(status, 422);
    let page = coordinator
        .get(app.url("/lbt/declaraties?jaar=twee"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 422);
    assert!(page.text().await.unwrap().contains("error-summary"));
    let (status, _) = api(
        &app,
        &coordinator,
        &ccsrf,
        M::GET,
        "/api/v1/declarations/none",
        Value::Null,
    )
    .await;
    assert_eq!(status, 404);
    // The coordinator approves hours only in a team they belong to.
    let cjg_team = app
        .id_of("SELECT id FROM teams WHERE name = 'CJG Leudal'")
        .await;
    let (status, _) = api(
        &app,
        &coordinator,
        &ccsrf,
        M::POST,
        &format!("/api/v1/treatment-teams/{cjg_team}/hours/approval"),
        json!({"ids": ["x"]}),
    )
    .await;
    assert_eq!(status, 403);
    // Nobody else: the team's member, a CJG worker, a policy officer, the administrator.
    let declared = {
        let lbt = app
            .id_of("SELECT id FROM teams WHERE name = 'LBT Leudal'")
            .await;
        let (member, mcsrf) = app.login("demo.behandelteam").await;
        let (status, body) = api(
            &app,
            &member,
            &mcsrf,
            M::POST,
            &format!("/api/v1/treatment-teams/{lbt}/hours"),
            json!({"on": format!("{year}-06-01"), "hours": "2", "activity": "consultation"}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let entry = body["id"].as_str().unwrap().to_owned();
        let (status, _) = api(
            &app,
            &coordinator,
            &ccsrf,
            M::POST,
            &format!("/api/v1/treatment-teams/{lbt}/hours/approval"),
            json!({"ids": [entry]}),
        )
        .await;
        assert_eq!(status, 200);
        let (status, d) = api(
            &app,
            &coordinator,
            &ccsrf,
            M::POST,
            "/api/v1/declarations",
            issue(&koraal, year),
        )
        .await;
        assert_eq!(status, 201, "{d}");
        assert_eq!(d["amount_cents"], 20_000);
        d["id"].as_str().unwrap().to_owned()
    };
    for username in [
        "demo.behandelteam",
        "demo.gezinswerker",
        "demo.beleid",
        "demo.beheerder",
    ] {
        let (client, csrf) = app.login(username).await;
        for path in [
            format!("/api/v1/declarations?year={year}"),
            format!("/api/v1/declarations/{declared}"),
            format!("/lbt/declaraties?jaar={year}"),
            format!("/lbt/declaraties/{declared}"),
            format!("/lbt/declaraties/{declared}.csv"),
            format!("/lbt/declaraties/{declared}.xlsx"),
        ] {
            let r = client.get(app.url(&path)).send().await.unwrap();
            assert_eq!(r.status(), 403, "{username} {path}");
        }
        let (status, _) = api(
            &app,
            &client,
            &csrf,
            M::POST,
            "/api/v1/declarations",
            issue(&koraal, year),
        )
        .await;
        assert_eq!(status, 403, "{username}");
    }
    let count: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM declarations")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(count, 1);
}
