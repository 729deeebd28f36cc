//! The local treatment teams through the API: the pilot's 95 cases build the evaluation
//! table of the domain brief exactly; consent, the contra-indication screen and hours
//! keep their rules.

use crate::common::{TestApp, api, post_form};
use reqwest::Method as M;
use serde_json::{Value, json};

/// (referrer, advice, consultation/treatment, referred on) of the brief's table.
const TABLE: [(&str, usize, usize, usize); 4] = [
    ("cjg", 16, 63, 28),
    ("gi", 0, 3, 0),
    ("ggz_wachtlijst", 2, 8, 6),
    ("overig", 0, 3, 1),
];

#[tokio::test]
async fn the_pilots_95_cases_give_the_evaluation_table_of_the_brief() {
    let app = TestApp::spawn().await;
    let team = |name: &str| format!("SELECT id FROM teams WHERE name = '{name}'");
    let leudal = app.id_of(&team("LBT Leudal")).await;
    let west = app.id_of(&team("LBT Nederweert-Weert")).await;
    let psw = app
        .id_of("SELECT id FROM organisations WHERE name = 'PSW'")
        .await;
    let member = app
        .id_of("SELECT id FROM users WHERE username = 'demo.behandelteam'")
        .await;
    // The coordinator puts the psychologist in the other team as well.
    let (coordinator, ccsrf) = app.login("demo.coordinator").await;
    let (status, body) = api(&app, &coordinator, &ccsrf, M::POST, &format!("/api/v1/treatment-teams/{west}/members"), json!({
        "user_id": member, "discipline": "Psycholoog", "expertise": "LVB", "committed_hours": "8", "valid_from": "2023-03-01"
    })).await;
    assert_eq!(status, 201, "{body}");
    // The CJG worker works in the three municipalities' local teams for this test.
    let worker_id = app
        .id_of("SELECT id FROM users WHERE username = 'demo.gezinswerker'")
        .await;
    for name in ["CJG Nederweert", "CJG Weert"] {
        let t = app.id_of(&team(name)).await;
        sqlx::query("INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)")
            .bind(&t)
            .bind(&worker_id)
            .execute(app.store.pool())
            .await
            .unwrap();
    }
    let (worker, wcsrf) = app.login("demo.gezinswerker").await;
    // 95 cases: 10 from Weert, the rest evenly over Leudal and Nederweert.
    let mut n = 0usize;
    let municipality = |n: usize| match n {
        0..10 => "0988",
        _ if n.is_multiple_of(2) => "1640",
        _ => "0946",
    };
    for (referrer, advice, treated, referred) in TABLE {
        for i in 0..advice + treated {
            let muni = municipality(n);
            let day = format!("2023-{:02}-{:02}", 3 + (n % 10), 1 + (n % 27));
            let body = json!({
                "referrer": referrer, "municipality_code": muni, "requested_on": day,
                "kind": if i < advice { "advice" } else { "consultation_treatment" },
                "reason": "broad_analysis", "question": format!("Vraag {n}"),
                "anonymised_question": format!("Geanonimiseerde vraag {n}"),
            });
            let (status, created) = if referrer == "cjg" {
                let (status, reg) = api(
                    &app,
                    &worker,
                    &wcsrf,
                    M::POST,
                    "/api/v1/registrations",
                    json!({
                        "municipality_code": muni, "primary_problem_area": "opvoeding",
                        "question": "Vraag van het gezin",
                        "youths": [{"name": format!("Kind Proef{n}"), "birth_date": format!("{}-{:02}-{:02}", 2008 + n % 12, 1 + n % 12, 1 + (n / 12) % 28)}]
                    }),
                )
                .await;
                assert_eq!(status, 201, "{reg}");
                let case = reg["case_id"].as_str().unwrap();
                api(
                    &app,
                    &worker,
                    &wcsrf,
                    M::POST,
                    &format!("/api/v1/cases/{case}/consultations"),
                    body,
                )
                .await
            } else {
                api(
                    &app,
                    &coordinator,
                    &ccsrf,
                    M::POST,
                    "/api/v1/consultations",
                    body,
                )
                .await
            };
            assert_eq!(status, 201, "{created}");
            let id = created["id"].as_str().unwrap();
            let (status, c) = api(
                &app,
                &coordinator,
                &ccsrf,
                M::GET,
                &format!("/api/v1/consultations/{id}"),
                Value::Null,
            )
            .await;
            assert_eq!(status, 200, "{c}");
            let (status, c) = api(
                &app,
                &coordinator,
                &ccsrf,
                M::POST,
                &format!("/api/v1/consultations/{id}/intake"),
                json!({
                    "version": c["version"], "on": day, "members": [member]
                }),
            )
            .await;
            assert_eq!(status, 200, "{c}");
            assert_eq!(c["status"], "picked_up");
            let outcome = if i < advice {
                "advice"
            } else {
                "consultation_treatment"
            };
            let referred_on = i >= advice + treated - referred;
            let (status, c) = api(
                &app,
                &coordinator,
                &ccsrf,
                M::POST,
                &format!("/api/v1/consultations/{id}/close"),
                json!({
                    "version": c["version"], "outcome": outcome, "closed_on": "2024-06-30",
                    "referred_to": if referred_on { Some(psw.clone()) } else { None }
                }),
            )
            .await;
            assert_eq!(status, 200, "{c}");
            n += 1;
        }
    }
    assert_eq!(n, 95);
    // Both teams' tables for the pilot's period add up to the brief's table.
    let mut total: Vec<(String, i64, i64, i64, i64)> = Vec::new();
    for t in [&leudal, &west] {
        let (status, rows) = api(
            &app,
            &coordinator,
            &ccsrf,
            M::GET,
            &format!("/api/v1/treatment-teams/{t}/evaluation?from=2023-03-01&to=2024-06-30"),
            Value::Null,
        )
        .await;
        assert_eq!(status, 200, "{rows}");
        for r in rows.as_array().unwrap() {
            let key = r["referrer"].as_str().unwrap().to_owned();
            let vals = [
                r["cases"].as_i64().unwrap(),
                r["advice"].as_i64().unwrap(),
                r["consultation_treatment"].as_i64().unwrap(),
                r["referred_on"].as_i64().unwrap(),
            ];
            match total.iter_mut().find(|x| x.0 == key) {
                Some(x) => {
                    x.1 += vals[0];
                    x.2 += vals[1];
                    x.3 += vals[2];
                    x.4 += vals[3];
                }
                None => total.push((key, vals[0], vals[1], vals[2], vals[3])),
            }
        }
    }
    let expected = [
        ("cjg", 79, 16, 63, 28),
        ("gi", 3, 0, 3, 0),
        ("ggz_wachtlijst", 10, 2, 8, 6),
        ("overig", 3, 0, 3, 1),
        ("total", 95, 18, 77, 35),
    ];
    for (k, c, a, t, r) in expected {
        let row = total.iter().find(|x| x.0 == k).unwrap();
        assert_eq!((row.1, row.2, row.3, row.4), (c, a, t, r), "{k}");
    }
    // Weert's 10 are with the Nederweert-Weert team.
    let weert: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM consultation_requests WHERE municipality_code = '0988' AND team_id = $1")
        .bind(&west)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(weert, 10);
}

#[tokio::test]
async fn consent_the_screen_and_hours_keep_their_rules() {
    let app = TestApp::spawn().await;
    let case = app.id_of("SELECT c.id FROM cases c JOIN persons p ON p.family_id = c.family_id WHERE p.name = 'Lotte Bakker'").await;
    let leudal = app
        .id_of("SELECT id FROM teams WHERE name = 'LBT Leudal'")
        .await;
    let member = app
        .id_of("SELECT id FROM users WHERE username = 'demo.behandelteam'")
        .await;
    let (worker, wcsrf) = app.login("demo.gezinswerker").await;
    let ask = |consent: bool| {
        let mut b = json!({
            "kind": "consultation_treatment", "reason": "no_result",
            "question": "Lotte Bakker (12) is angstig sinds de scheiding van Mark en Anouk.",
            "anonymised_question": "Meisje (12) met angstklachten na een scheiding."
        });
        if consent {
            b["consent"] = json!(true);
            b["consent_by"] = json!("Anouk Jansen (moeder)");
            b["consent_on"] = json!("2026-11-20");
            b["consent_scope"] = json!("De vraag en het gezinsplan delen met het LBT Leudal");
        }
        b
    };
    // Consent needs who, when and for what.
    let (status, body) = api(&app, &worker, &wcsrf, M::POST, &format!("/api/v1/cases/{case}/consultations"), json!({
        "kind": "advice", "reason": "spar", "question": "x", "anonymised_question": "y", "consent": true
    })).await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["consent_by", "consent_on", "consent_scope"]);
    // Without consent the team sees only the anonymised question, no case.
    let (status, created) = api(
        &app,
        &worker,
        &wcsrf,
        M::POST,
        &format!("/api/v1/cases/{case}/consultations"),
        ask(false),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let without = created["id"].as_str().unwrap().to_owned();
    let (team, tcsrf) = app.login("demo.behandelteam").await;
    let (status, c) = api(
        &app,
        &team,
        &tcsrf,
        M::GET,
        &format!("/api/v1/consultations/{without}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        c["question"],
        "Meisje (12) met angstklachten na een scheiding."
    );
    assert!(c["case_id"].is_null() && c["family_id"].is_null());
    assert!(!c.to_string().contains("Lotte"));
    // With consent: the question and the case.
    let (_, created) = api(
        &app,
        &worker,
        &wcsrf,
        M::POST,
        &format!("/api/v1/cases/{case}/consultations"),
        ask(true),
    )
    .await;
    let with = created["id"].as_str().unwrap().to_owned();
    let (_, c) = api(
        &app,
        &team,
        &tcsrf,
        M::GET,
        &format!("/api/v1/consultations/{with}"),
        Value::Null,
    )
    .await;
    assert!(c["question"].as_str().unwrap().contains("Lotte"));
    assert_eq!(c["case_id"], case.as_str());
    // A contra-indication declines the request; declining needs advice.
    let (status, body) = api(
        &app,
        &team,
        &tcsrf,
        M::POST,
        &format!("/api/v1/consultations/{without}/intake"),
        json!({
            "version": 1, "contra_indication": "psychose"
        }),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["problems"][0]["field"], "decline_advice");
    let (status, c) = api(&app, &team, &tcsrf, M::POST, &format!("/api/v1/consultations/{without}/intake"), json!({
        "version": 1, "contra_indication": "psychose", "decline_advice": "Via de huisarts naar de specialistische GGZ"
    })).await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["status"], "declined");
    assert_eq!(c["contra_indication"], "psychose");
    // Picked up with a member; hours on it.
    let (status, c) = api(
        &app,
        &team,
        &tcsrf,
        M::POST,
        &format!("/api/v1/consultations/{with}/intake"),
        json!({
            "version": 1, "members": [member]
        }),
    )
    .await;
    assert_eq!(status, 200, "{c}");
    let (status, c) = api(
        &app,
        &team,
        &tcsrf,
        M::POST,
        &format!("/api/v1/consultations/{with}/activities"),
        json!({
            "kind": "system_conversation", "on": eenplan_store::today().to_string()
        }),
    )
    .await;
    assert_eq!(status, 422, "a session says where: {c}");
    let (status, c) = api(&app, &team, &tcsrf, M::POST, &format!("/api/v1/consultations/{with}/activities"), json!({
        "kind": "mdo", "on": eenplan_store::today().to_string(), "attendees": "Iris Vermeulen, Noor Peeters", "notes": "Plan: drie systeemgesprekken"
    })).await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["activities"].as_array().unwrap().len(), 1);
    let today = eenplan_store::today();
    let hours = |on: String, h: &str, request: Option<&str>| json!({"on": on, "hours": h, "activity": "consultation", "request_id": request});
    let path = format!("/api/v1/treatment-teams/{leudal}/hours");
    for (body, field) in [
        (
            hours((today + chrono::Duration::days(1)).to_string(), "1", None),
            "on",
        ),
        (hours(today.to_string(), "24,25", None), "hours"),
        (hours("2023-01-10".into(), "1", None), "on"),
        (hours(today.to_string(), "1", Some(&without)), "request_id"),
    ] {
        let (status, r) = api(&app, &team, &tcsrf, M::POST, &path, body).await;
        assert_eq!(status, 422, "{field}: {r}");
        assert_eq!(r["problems"][0]["field"], field, "{r}");
    }
    let (status, _) = api(
        &app,
        &team,
        &tcsrf,
        M::POST,
        &path,
        hours(today.to_string(), "23,5", Some(&with)),
    )
    .await;
    assert_eq!(status, 201);
    let (status, r) = api(
        &app,
        &team,
        &tcsrf,
        M::POST,
        &path,
        hours(today.to_string(), "0,75", None),
    )
    .await;
    assert_eq!(status, 422, "over 24 hours that day: {r}");
    // The team's list through the API: the request without consent stays anonymised.
    let (status, list) = api(
        &app,
        &team,
        &tcsrf,
        M::GET,
        &format!("/api/v1/treatment-teams/{leudal}/consultations"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200);
    let anonymous = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == without.as_str())
        .unwrap();
    assert_eq!(
        anonymous["question"],
        "Meisje (12) met angstklachten na een scheiding."
    );
    assert!(anonymous["case_id"].is_null());
    let (status, members) = api(
        &app,
        &team,
        &tcsrf,
        M::GET,
        &format!("/api/v1/treatment-teams/{leudal}/members"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(members[0]["committed_minutes_week"], 600);
    // Outside the team: nothing.
    let (other, ocsrf) = app.login("demo.aanbieder").await;
    let (status, _) = api(
        &app,
        &other,
        &ocsrf,
        M::GET,
        &format!("/api/v1/consultations/{with}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn through_the_pages_a_request_is_asked_taken_up_worked_and_counted() {
    let app = TestApp::spawn().await;
    let case = app.id_of("SELECT c.id FROM cases c JOIN persons p ON p.family_id = c.family_id WHERE p.name = 'Lotte Bakker'").await;
    let member = app
        .id_of("SELECT id FROM users WHERE username = 'demo.behandelteam'")
        .await;
    let psw = app
        .id_of("SELECT id FROM organisations WHERE name = 'PSW'")
        .await;
    let (worker, csrf) = app.login("demo.gezinswerker").await;
    let path = format!("/casussen/{case}/consultatie");
    assert_eq!(
        worker.get(app.url(&path)).send().await.unwrap().status(),
        200
    );
    // Bad input names the fields; nothing is saved.
    let r = post_form(&app, &worker, &path, &[("csrf", &csrf), ("question", "")]).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    for field in ["kind", "reason", "question", "anonymised_question"] {
        assert!(body.contains(&format!("href=\"#{field}\"")), "{field}");
    }
    let r = post_form(
        &app,
        &worker,
        &path,
        &[
            ("csrf", &csrf),
            ("kind", "advice"),
            ("reason", "spar"),
            (
                "question",
                "Lotte wil niet naar school; wat werkt bij schoolangst?",
            ),
            (
                "anonymised_question",
                "Meisje (12) met schoolangst: wat werkt?",
            ),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let id = app.id_of("SELECT id FROM consultation_requests").await;
    // The case page lists it for the holding team.
    let page = worker
        .get(app.url(&format!("/casussen/{case}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("LBT-"));
    // The team member sees it on the dashboard, anonymised, and takes it up.
    let (team, tcsrf) = app.login("demo.behandelteam").await;
    let dash = team
        .get(app.url("/lbt"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(dash.contains(&format!("/lbt/verzoeken/{id}")));
    let page = team
        .get(app.url(&format!("/lbt/verzoeken/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Meisje (12) met schoolangst") && !page.contains("Lotte"));
    let r = post_form(
        &app,
        &team,
        &format!("/lbt/verzoeken/{id}/intake"),
        &[("csrf", &tcsrf), ("version", "1")],
    )
    .await;
    assert_eq!(r.status(), 422, "a member must be assigned");
    let r = post_form(
        &app,
        &team,
        &format!("/lbt/verzoeken/{id}/intake"),
        &[("csrf", &tcsrf), ("version", "1"), ("members", &member)],
    )
    .await;
    assert_eq!(r.status(), 303);
    let today = eenplan_store::today().to_string();
    let r = post_form(
        &app,
        &team,
        &format!("/lbt/verzoeken/{id}/activiteit"),
        &[
            ("csrf", &tcsrf),
            ("kind", "advice"),
            ("on", &today),
            ("notes", "Advies: vaste ochtendroutine"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let r = post_form(
        &app,
        &team,
        "/lbt/uren",
        &[
            ("csrf", &tcsrf),
            ("on", &today),
            ("hours", "1,5"),
            ("activity", "consultation"),
            ("request_id", &id),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let r = post_form(
        &app,
        &team,
        "/lbt/uren",
        &[
            ("csrf", &tcsrf),
            ("on", &today),
            ("hours", "25"),
            ("activity", "consultation"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let r = post_form(
        &app,
        &team,
        &format!("/lbt/verzoeken/{id}/afsluiten"),
        &[
            ("csrf", &tcsrf),
            ("version", "2"),
            ("outcome", "advice"),
            ("referred_to", &psw),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    // The advice is shared with the case's team on the case page.
    let page = worker
        .get(app.url(&format!("/casussen/{case}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Advies: vaste ochtendroutine"));
    // The dashboard counts it: one CJG case, advice, referred on.
    let dash = team
        .get(app.url(&format!("/lbt?van=2020-01-01&tot={today}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let doc = scraper::Html::parse_document(&dash);
    let sel = scraper::Selector::parse("#eval-title + div table tbody tr").unwrap();
    let rows: Vec<Vec<String>> = doc
        .select(&sel)
        .map(|tr| {
            tr.children()
                .filter_map(scraper::ElementRef::wrap)
                .map(|c| c.text().collect::<String>())
                .collect()
        })
        .collect();
    assert_eq!(rows[0], ["CJG", "1", "1", "0", "1"]);
    assert_eq!(rows[4], ["Totaal", "1", "1", "0", "1"]);
    // The coordinator approves the hours; the member cannot.
    let entry = app.id_of("SELECT id FROM hours_entries").await;
    let r = post_form(
        &app,
        &team,
        "/lbt/uren/goedkeuren",
        &[("csrf", &tcsrf), ("entry", &entry)],
    )
    .await;
    assert_eq!(r.status(), 403);
    let (coordinator, ccsrf) = app.login("demo.coordinator").await;
    let leudal = app
        .id_of("SELECT id FROM teams WHERE name = 'LBT Leudal'")
        .await;
    let r = post_form(
        &app,
        &coordinator,
        "/lbt/uren/goedkeuren",
        &[("csrf", &ccsrf), ("team", &leudal), ("entry", &entry)],
    )
    .await;
    assert_eq!(r.status(), 303);
    let approved: Option<String> = sqlx::query_scalar("SELECT approved_by FROM hours_entries")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert!(approved.is_some());
}
