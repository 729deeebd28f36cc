//! Families, registrations, cases and the family plan, through the pages and the API, as
//! a family worker uses them; and who may see a case.

use crate::common::{TestApp, api, csrf_of, post_form};
use serde_json::{Value, json};

fn case_id_from(location: &str) -> String {
    location
        .trim_start_matches("/casussen/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

async fn bakker_case(app: &TestApp) -> String {
    app.id_of("SELECT c.id FROM cases c JOIN persons p ON p.family_id = c.family_id WHERE p.name = 'Lotte Bakker'")
        .await
}

#[tokio::test]
async fn a_family_is_registered_in_one_page_and_lands_with_the_local_team() {
    let app = TestApp::spawn().await;
    let (client, csrf) = app.login("demo.gezinswerker").await;
    let page = client
        .get(app.url("/aanmelden"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // At most six required inputs on the registration page.
    let doc = scraper::Html::parse_document(&page);
    let required = scraper::Selector::parse("form.registration [required]").unwrap();
    assert_eq!(doc.select(&required).count(), 6, "required inputs");
    let r = post_form(
        &app,
        &client,
        "/aanmelden",
        &[
            ("csrf", &csrf),
            ("municipality_code", "1640"),
            ("registered_on", "2026-11-02"),
            ("referral_channel", "onderwijs"),
            ("primary_problem_area", "opvoeding"),
            ("problem_areas", "onderwijs"),
            ("question", "Wij willen minder ruzie over huiswerk."),
            ("youths.0.name", "Fleur de Wit"),
            ("youths.0.birth_date", "2013-05-04"),
            ("youths.0.bsn", "999901047"),
            ("parents.0.name", "Karin de Wit"),
            ("parents.0.has_authority", "1"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with("?aangemeld=new"), "{location}");
    let id = case_id_from(&location);
    let page = client
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Fleur de Wit") && page.contains("Karin de Wit"));
    assert!(
        page.contains("CJG Leudal"),
        "held by the local team of Leudal"
    );
    assert!(
        page.contains("Gezin de Wit"),
        "the family is named with the surname prefix"
    );
    assert!(
        page.contains("Het gezin zelf"),
        "the family coordinates by default"
    );
    // The new case waits in the team's list, and is audited with its clients.
    let waiting = client
        .get(app.url("/team/aanmeldingen"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(waiting.contains(&format!("/casussen/{id}")));
    let clients: String = sqlx::query_scalar(
        "SELECT client_ids FROM audit_events WHERE event = 'registration.create' ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    let persons: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM persons p JOIN cases c ON c.family_id = p.family_id WHERE c.id = $1",
    )
    .bind(&id)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(persons, 2);
    assert_eq!(clients.split(',').count(), 2, "{clients}");
}

#[tokio::test]
async fn bad_registrations_name_the_field_and_save_nothing() {
    let app = TestApp::spawn().await;
    let (client, csrf) = app.login("demo.gezinswerker").await;
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM persons")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    let r = post_form(
        &app,
        &client,
        "/aanmelden",
        &[
            ("csrf", &csrf),
            ("municipality_code", "9999"),
            ("registered_on", "2099-01-01"),
            ("primary_problem_area", ""),
            ("question", " "),
            ("youths.0.name", "Sem Bos"),
            ("youths.0.birth_date", "2099-01-01"),
            ("youths.0.bsn", "123456789"),
            ("youths.1.name", "Oude Opa"),
            ("youths.1.birth_date", "1890-01-01"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    for anchor in [
        "#municipality_code",
        "#registered_on",
        "#primary_problem_area",
        "#question",
        "#youths.0.birth_date",
        "#youths.0.bsn",
        "#youths.1.birth_date",
    ] {
        assert!(
            page.contains(&format!("href=\"{anchor}\"")),
            "{anchor} named"
        );
    }
    assert!(page.contains("elfproef"));
    assert!(page.contains("Sem Bos"), "input is kept");
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM persons")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(before, after);
    // The API answers the same in JSON.
    let (status, body) = api(
        &app,
        &client,
        &csrf,
        reqwest::Method::POST,
        "/api/v1/registrations",
        json!({
            "municipality_code": "1640", "primary_problem_area": "opvoeding", "question": "Vraag",
            "youths": [{"name": "Sem Bos", "birth_date": "2015-01-01", "bsn": "12345678a"}]
        }),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["problems"][0]["field"], "youths.0.bsn");
}

#[tokio::test]
async fn a_known_youth_is_found_and_linked_never_silently_duplicated() {
    let app = TestApp::spawn().await;
    let (client, csrf) = app.login("demo.gezinswerker").await;
    let lotte = app
        .id_of("SELECT id FROM persons WHERE name = 'Lotte Bakker'")
        .await;
    let base = [
        ("csrf", csrf.as_str()),
        ("municipality_code", "1640"),
        ("primary_problem_area", "opvoeding"),
        ("question", "School belt: Lotte verzuimt."),
    ];
    // Same BSN: only linking is possible.
    let mut fields = base.to_vec();
    fields.extend([
        ("youths.0.name", "Lotte Jansen"),
        ("youths.0.birth_date", "2014-03-12"),
        ("youths.0.bsn", "999901011"),
    ]);
    let r = post_form(&app, &client, "/aanmelden", &fields).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Lotte Bakker") && page.contains(&lotte),
        "shows the likely match"
    );
    let mut confirm = fields.clone();
    confirm.push(("youths.0.confirm_new", "1"));
    assert_eq!(
        post_form(&app, &client, "/aanmelden", &confirm)
            .await
            .status(),
        422,
        "a BSN match cannot be overridden"
    );
    // A close name with the same birth date: warned, and may be confirmed as different.
    let mut close = base.to_vec();
    close.extend([
        ("youths.0.name", "Lote Bakker"),
        ("youths.0.birth_date", "12-03-2014"),
    ]);
    let r = post_form(&app, &client, "/aanmelden", &close).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("lijkt al bekend"));
    // Linking lands on the family's open case.
    let mut link = base.to_vec();
    link.push(("youths.0.existing_id", lotte.as_str()));
    let r = post_form(&app, &client, "/aanmelden", &link).await;
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(case_id_from(&location), bakker_case(&app).await);
    assert!(location.ends_with("aangemeld=added"));
    let youths: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM persons WHERE bsn = '999901011' OR name_key = 'lotte bakker'",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(youths, 1, "no second record");
    // Confirmed as a different child: a new record after all.
    close.push(("youths.0.confirm_new", "1"));
    assert_eq!(
        post_form(&app, &client, "/aanmelden", &close)
            .await
            .status(),
        303
    );
    assert!(app.audit_count("youth.duplicate_check").await >= 3);
}

#[tokio::test]
async fn a_case_is_picked_up_closed_and_reopened_only_within_the_window() {
    let app = TestApp::spawn().await;
    let (client, csrf) = app.login("demo.gezinswerker").await;
    let id = app.id_of("SELECT c.id FROM cases c JOIN persons p ON p.family_id = c.family_id WHERE p.name = 'Yasmin El Idrissi'").await;
    let version = |app: &TestApp, id: &str| {
        let sql = format!("SELECT CAST(version AS TEXT) FROM cases WHERE id = '{id}'");
        let app = app.store.clone();
        async move {
            sqlx::query_scalar::<_, String>(&sql)
                .fetch_one(app.pool())
                .await
                .unwrap()
        }
    };
    let v = version(&app, &id).await;
    let r = post_form(
        &app,
        &client,
        &format!("/casussen/{id}/oppakken"),
        &[("csrf", &csrf), ("version", &v)],
    )
    .await;
    assert_eq!(r.status(), 303);
    // Picking up twice: the stale version is a conflict; the right version a refusal.
    let r = post_form(
        &app,
        &client,
        &format!("/casussen/{id}/oppakken"),
        &[("csrf", &csrf), ("version", &v)],
    )
    .await;
    assert_eq!(r.status(), 409);
    let v = version(&app, &id).await;
    let r = post_form(
        &app,
        &client,
        &format!("/casussen/{id}/oppakken"),
        &[("csrf", &csrf), ("version", &v)],
    )
    .await;
    assert_eq!(r.status(), 422);
    // Closing needs a reason.
    let r = post_form(
        &app,
        &client,
        &format!("/casussen/{id}/afsluiten"),
        &[("csrf", &csrf), ("version", &v), ("on", "2026-11-20")],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("href=\"#reason\""));
    let r = post_form(
        &app,
        &client,
        &format!("/casussen/{id}/afsluiten"),
        &[
            ("csrf", &csrf),
            ("version", &v),
            ("reason", "goals_reached"),
            ("on", "2026-11-17"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422, "not closed before it was registered");
    assert!(r.text().await.unwrap().contains("href=\"#on\""));
    let r = post_form(
        &app,
        &client,
        &format!("/casussen/{id}/afsluiten"),
        &[
            ("csrf", &csrf),
            ("version", &v),
            ("reason", "goals_reached"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    // Within the window the same case reopens.
    let v = version(&app, &id).await;
    let r = post_form(
        &app,
        &client,
        &format!("/casussen/{id}/heropenen"),
        &[("csrf", &csrf), ("version", &v)],
    )
    .await;
    assert_eq!(r.status(), 303);
    let status: String = sqlx::query_scalar("SELECT status FROM cases WHERE id = $1")
        .bind(&id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(status, "in_begeleiding");
    // Closed longer ago than the window: refused, a new registration opens a new case.
    let v = version(&app, &id).await;
    let (status, _) = api(
        &app,
        &client,
        &csrf,
        reqwest::Method::POST,
        &format!("/api/v1/cases/{id}/transitions"),
        json!({"version": v.parse::<i64>().unwrap(), "step": "close", "reason": "moved"}),
    )
    .await;
    assert_eq!(status, 200);
    // As if it closed half a year ago.
    sqlx::query("UPDATE cases SET closed_on = '2025-06-01', registered_on = '2025-01-01', picked_up_on = '2025-01-02' WHERE id = $1")
        .bind(&id)
        .execute(app.store.pool())
        .await
        .unwrap();
    let v: i64 = version(&app, &id).await.parse().unwrap();
    // Dating the reopening just after the closing does not get round the window.
    let (status, _) = api(
        &app,
        &client,
        &csrf,
        reqwest::Method::POST,
        &format!("/api/v1/cases/{id}/transitions"),
        json!({"version": v, "step": "reopen", "on": "2025-06-02"}),
    )
    .await;
    assert_eq!(status, 422);
    let (status, body) = api(
        &app,
        &client,
        &csrf,
        reqwest::Method::POST,
        &format!("/api/v1/cases/{id}/transitions"),
        json!({"version": v, "step": "reopen"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["problems"][0]["message_nl"]
            .as_str()
            .unwrap()
            .contains("nieuwe casus")
    );
    let yasmin = app
        .id_of("SELECT id FROM persons WHERE name = 'Yasmin El Idrissi'")
        .await;
    let (status, body) = api(&app, &client, &csrf, reqwest::Method::POST, "/api/v1/registrations", json!({
        "municipality_code": "1640", "primary_problem_area": "opvoeding", "question": "Opnieuw een vraag",
        "youths": [{"existing_id": yasmin}]
    })).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["outcome"], "new");
    assert_ne!(body["case_id"], id.as_str());
    // The timeline holds every dated step.
    let (status, body) = api(
        &app,
        &client,
        &csrf,
        reqwest::Method::GET,
        &format!("/api/v1/cases/{id}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200);
    let kinds: Vec<&str> = body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["registered", "picked_up", "closed", "reopened", "closed"]
    );
}

#[tokio::test]
async fn the_plan_is_versioned_agreed_diffed_printed_and_never_silently_overwritten() {
    let app = TestApp::spawn().await;
    let (client, csrf) = app.login("demo.gezinswerker").await;
    let id = bakker_case(&app).await;
    let (_, plan) = api(
        &app,
        &client,
        &csrf,
        reqwest::Method::GET,
        &format!("/api/v1/cases/{id}/plan"),
        Value::Null,
    )
    .await;
    assert_eq!(plan["state"]["current_version"], 1);
    assert!(plan["current"]["agreed_on"].is_string());
    let version = plan["state"]["version"].as_i64().unwrap();
    // Edit in the page: change the goal, add an action owned by a network member.
    let edit = client
        .get(app.url(&format!("/casussen/{id}/plan/bewerken")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(edit.contains("Rustige ochtenden"));
    let goal_id = plan["current"]["content"]["goals"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = post_form(
        &app,
        &client,
        &format!("/casussen/{id}/plan/bewerken"),
        &[
            ("csrf", &csrf),
            ("version", &version.to_string()),
            ("base", "1"),
            ("goal_rows", "2"),
            ("action_rows", "1"),
            ("goals.0.id", &goal_id),
            ("goals.0.text", "Rustige ochtenden, elke dag"),
            ("goals.0.pace", "Na de kerst"),
            ("goals.1.text", "Lotte gaat weer graag naar school"),
            ("actions.0.goal", "1"),
            ("actions.0.description", "Samen naar de open dag"),
            ("actions.0.owner_kind", "network_member"),
            ("actions.0.owner", "Ria Bakker"),
            ("actions.0.due", "2027-01-15"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let (_, plan) = api(
        &app,
        &client,
        &csrf,
        reqwest::Method::GET,
        &format!("/api/v1/cases/{id}/plan"),
        Value::Null,
    )
    .await;
    assert_eq!(plan["state"]["current_version"], 2);
    assert!(
        plan["current"]["agreed_on"].is_null(),
        "a new version needs a new agreement"
    );
    assert_eq!(
        plan["current"]["content"]["actions"][0]["goal_id"],
        plan["current"]["content"]["goals"][1]["id"]
    );
    // Version 1 stays readable; the diff names what changed.
    let v1 = client
        .get(app.url(&format!("/casussen/{id}/plan/versies/1")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(v1.contains("Rustige ochtenden zonder ruzie"));
    let (_, diff) = api(
        &app,
        &client,
        &csrf,
        reqwest::Method::GET,
        &format!("/api/v1/cases/{id}/plan/diff?from=1&to=2"),
        Value::Null,
    )
    .await;
    let kinds: Vec<String> = diff
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{}:{}",
                c["kind"].as_str().unwrap(),
                c["item"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        kinds.contains(&"changed:goal".to_owned()) && kinds.contains(&"added:goal".to_owned()),
        "{kinds:?}"
    );
    assert!(kinds.contains(&"removed:action".to_owned()), "{kinds:?}");
    let page = client
        .get(app.url(&format!("/casussen/{id}/plan/verschil?van=1&naar=2")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<del>Rustige ochtenden zonder ruzie voordat Lotte naar school gaat</del>")
    );
    // A second editor with the old version gets a conflict that shows the change.
    let r = post_form(
        &app,
        &client,
        &format!("/casussen/{id}/plan/bewerken"),
        &[
            ("csrf", &csrf),
            ("version", &version.to_string()),
            ("base", "1"),
            ("goal_rows", "1"),
            ("action_rows", "0"),
            ("goals.0.text", "Iets anders"),
        ],
    )
    .await;
    assert_eq!(r.status(), 409);
    let page = r.text().await.unwrap();
    assert!(page.contains("Iets anders"), "input kept");
    assert!(
        page.contains("Lotte gaat weer graag naar school"),
        "shows what changed"
    );
    let (status, body) = api(
        &app,
        &client,
        &csrf,
        reqwest::Method::PUT,
        &format!("/api/v1/cases/{id}/plan"),
        json!({"version": version, "base": 1, "goals": [{"text": "x"}]}),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(body["state"]["current_version"], 2);
    assert!(
        body["changes"].as_array().unwrap().len() >= 3,
        "the API conflict lists what changed: {body}"
    );
    // Bad plan input names the row.
    let (status, body) = api(&app, &client, &csrf, reqwest::Method::PUT, &format!("/api/v1/cases/{id}/plan"),
        json!({"version": version + 1, "goals": [{"text": ""}], "actions": [{"description": "x", "owner_kind": "alien", "owner": ""}]})).await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["goals.0.text", "actions.0.owner_kind", "actions.0.owner"]
    );
    // The family agrees to version 2; agreeing to version 1 now is refused.
    let r = post_form(
        &app,
        &client,
        &format!("/casussen/{id}/plan/akkoord"),
        &[
            ("csrf", &csrf),
            ("number", "1"),
            ("agreed_by", "Mark Bakker"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let r = post_form(
        &app,
        &client,
        &format!("/casussen/{id}/plan/akkoord"),
        &[
            ("csrf", &csrf),
            ("number", "2"),
            ("agreed_by", "Iemand Anders"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422, "only a member of the family agrees");
    let r = post_form(
        &app,
        &client,
        &format!("/casussen/{id}/plan/akkoord"),
        &[
            ("csrf", &csrf),
            ("number", "2"),
            ("agreed_by", "Mark Bakker"),
            ("agreed_on", "2025-01-01"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422, "not before the version existed");
    let r = post_form(
        &app,
        &client,
        &format!("/casussen/{id}/plan/akkoord"),
        &[
            ("csrf", &csrf),
            ("number", "2"),
            ("agreed_by", "Mark Bakker"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let print = client
        .get(app.url(&format!("/casussen/{id}/plan/afdrukken")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        print.contains("Plan van Gezin Bakker")
            && print.contains("Akkoord op")
            && print.contains("Mark Bakker")
    );
    assert_eq!(app.audit_count("plan.print").await, 1);
    // The coordinator is explicit: a named professional on request.
    let iris = app
        .id_of("SELECT id FROM users WHERE username = 'demo.gezinswerker'")
        .await;
    let outsider = app
        .id_of("SELECT id FROM users WHERE username = 'demo.aanbieder'")
        .await;
    let (_, plan) = api(
        &app,
        &client,
        &csrf,
        reqwest::Method::GET,
        &format!("/api/v1/cases/{id}/plan"),
        Value::Null,
    )
    .await;
    // Only someone of the holding team or involved in the case can be asked.
    let (status, _) = api(
        &app,
        &client,
        &csrf,
        reqwest::Method::PUT,
        &format!("/api/v1/cases/{id}/plan/coordinator"),
        json!({"version": plan["state"]["version"], "user_id": outsider}),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = api(
        &app,
        &client,
        &csrf,
        reqwest::Method::PUT,
        &format!("/api/v1/cases/{id}/plan/coordinator"),
        json!({"version": plan["state"]["version"], "user_id": iris}),
    )
    .await;
    assert_eq!(status, 204);
    let page = client
        .get(app.url(&format!("/casussen/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let header = page.split("class=\"case-header\"").nth(1).unwrap();
    let header = header.split("</dl>").next().unwrap();
    assert!(header.contains("Iris Vermeulen"), "{header}");
}

#[tokio::test]
async fn only_the_team_and_involved_professionals_see_a_case_others_break_the_glass() {
    let app = TestApp::spawn().await;
    let id = bakker_case(&app).await;
    // A family worker of another team: 403, audited, and offered the glass.
    let (sanne, sanne_csrf) = app.login("demo.gezinswerker.weert").await;
    let r = sanne
        .get(app.url(&format!("/casussen/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let page = r.text().await.unwrap();
    assert!(!page.contains("Lotte"), "no client data on the refusal");
    assert!(page.contains("doorbreken"));
    assert_eq!(app.audit_count("case.refused").await, 1);
    let (status, _) = api(
        &app,
        &sanne,
        &sanne_csrf,
        reqwest::Method::GET,
        &format!("/api/v1/cases/{id}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 403);
    // Search finds only the cases one may open.
    let (_, hits) = search_page(&app, &sanne, &[("naam", "bakker")]).await;
    assert!(!hits.contains("Lotte Bakker"));
    assert!(app.audit_count("case.search").await >= 1);
    // Registering a youth whose family has an open case with another team: refused,
    // nothing written, nothing told about that case.
    let lotte = app
        .id_of("SELECT id FROM persons WHERE name = 'Lotte Bakker'")
        .await;
    let persons_before = app
        .id_of("SELECT CAST(COUNT(*) AS TEXT) FROM persons")
        .await;
    let (status, body) = api(
        &app,
        &sanne,
        &sanne_csrf,
        reqwest::Method::POST,
        "/api/v1/registrations",
        json!({"municipality_code": "0988", "primary_problem_area": "opvoeding", "question": "Vraag",
               "youths": [{"existing_id": lotte}], "parents": [{"name": "Nieuwe Ouder"}]}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(!body.to_string().contains(&id));
    let persons_after = app
        .id_of("SELECT CAST(COUNT(*) AS TEXT) FROM persons")
        .await;
    assert_eq!(persons_before, persons_after);
    // Breaking the glass needs a reason.
    let r = post_form(
        &app,
        &sanne,
        &format!("/casussen/{id}/doorbreken"),
        &[("csrf", &sanne_csrf), ("reason", " ")],
    )
    .await;
    assert_eq!(r.status(), 422);
    let r = post_form(
        &app,
        &sanne,
        &format!("/casussen/{id}/doorbreken"),
        &[
            ("csrf", &sanne_csrf),
            ("reason", "Moeder belt in crisis, dienst buiten kantoortijd"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let r = sanne
        .get(app.url(&format!("/casussen/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("glazen wand"));
    let flagged: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE break_glass = 1 AND object_id = $1",
    )
    .bind(&id)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert!(flagged >= 2, "the break and the read are flagged");
    // Breaking the glass opens the case for reading: no changes, no running it.
    let (status, _) = api(
        &app,
        &sanne,
        &sanne_csrf,
        reqwest::Method::PUT,
        &format!("/api/v1/cases/{id}/plan"),
        json!({"version": 1, "goals": [{"text": "Overschreven"}]}),
    )
    .await;
    assert_eq!(status, 403);
    let r = sanne
        .get(app.url(&format!("/casussen/{id}/plan/bewerken")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = post_form(
        &app,
        &sanne,
        &format!("/casussen/{id}/afsluiten"),
        &[("csrf", &sanne_csrf), ("version", "9"), ("reason", "other")],
    )
    .await;
    assert_eq!(r.status(), 403);
    // The team's reviewer sees it listed and marks it reviewed.
    let (bram, bram_csrf) = app.login("demo.gedragswetenschapper").await;
    let list = bram
        .get(app.url("/team/doorbraken"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("Sanne Wouters") && list.contains("Moeder belt in crisis"));
    let (_, accesses) = api(
        &app,
        &bram,
        &bram_csrf,
        reqwest::Method::GET,
        "/api/v1/break-glass-accesses",
        Value::Null,
    )
    .await;
    let bg = accesses[0]["id"].as_str().unwrap().to_owned();
    let r = post_form(
        &app,
        &bram,
        &format!("/team/doorbraken/{bg}/gezien"),
        &[("csrf", &bram_csrf)],
    )
    .await;
    assert_eq!(r.status(), 303);
    // A provider sees the case only once involved, with the reason.
    let (luuk, luuk_csrf) = app.login("demo.aanbieder").await;
    let (status, _) = api(
        &app,
        &luuk,
        &luuk_csrf,
        reqwest::Method::GET,
        &format!("/api/v1/cases/{id}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 403);
    let (iris, iris_csrf) = app.login("demo.gezinswerker").await;
    let luuk_id = app
        .id_of("SELECT id FROM users WHERE username = 'demo.aanbieder'")
        .await;
    let r = post_form(
        &app,
        &iris,
        &format!("/casussen/{id}/betrokkenen"),
        &[
            ("csrf", &iris_csrf),
            ("user_id", &luuk_id),
            ("reason", "Intake voor ouderbegeleiding"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let (status, body) = api(
        &app,
        &luuk,
        &luuk_csrf,
        reqwest::Method::GET,
        &format!("/api/v1/cases/{id}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["access"], "involved");
    let (_, mine) = api(
        &app,
        &luuk,
        &luuk_csrf,
        reqwest::Method::GET,
        "/api/v1/cases",
        Value::Null,
    )
    .await;
    assert_eq!(
        mine[0]["id"],
        id.as_str(),
        "the involved see the case in their list"
    );
    // ... but cannot involve others or run the case.
    let (status, _) = api(
        &app,
        &luuk,
        &luuk_csrf,
        reqwest::Method::POST,
        &format!("/api/v1/cases/{id}/involvements"),
        json!({"user_id": luuk_id, "reason": "x"}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = api(
        &app,
        &iris,
        &iris_csrf,
        reqwest::Method::DELETE,
        &format!("/api/v1/cases/{id}/involvements/{luuk_id}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = api(
        &app,
        &luuk,
        &luuk_csrf,
        reqwest::Method::GET,
        &format!("/api/v1/cases/{id}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_policy_officer_never_sees_a_name() {
    let app = TestApp::spawn().await;
    let id = bakker_case(&app).await;
    let (client, csrf) = app.login("demo.beleid").await;
    for path in [
        "/casussen".to_owned(),
        format!("/casussen/{id}"),
        format!("/casussen/{id}/plan"),
        format!("/casussen/{id}/plan/afdrukken"),
        "/zoeken".to_owned(),
        "/team/aanmeldingen".to_owned(),
        "/api/v1/cases".to_owned(),
        format!("/api/v1/cases/{id}"),
        format!("/api/v1/cases/{id}/plan"),
        "/api/v1/registrations/waiting".to_owned(),
    ] {
        let r = client
            .get(app.url(&path))
            .header("x-csrf-token", &csrf)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{path}");
        let body = r.text().await.unwrap();
        for name in ["Bakker", "Lotte", "El Idrissi", "Verhoeven"] {
            assert!(!body.contains(name), "{path} shows {name}");
        }
    }
    // The searches are posted, and refused alike.
    let page = client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = post_form(
        &app,
        &client,
        "/zoeken",
        &[("csrf", &csrf_of(&page)), ("naam", "bakker")],
    )
    .await;
    assert_eq!(r.status(), 403);
    for (path, body) in [
        ("/api/v1/search", json!({"name": "bakker"})),
        ("/api/v1/youths/matches", json!({"bsn": "999901011"})),
    ] {
        let (status, answer) = api(&app, &client, &csrf, reqwest::Method::POST, path, body).await;
        assert_eq!(status, 403, "{path}");
        assert!(!answer.to_string().contains("Bakker"), "{path}");
    }
    let home = client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!home.contains("Bakker"));
}

#[tokio::test]
async fn work_lists_and_moving_a_caseload() {
    let app = TestApp::spawn().await;
    let (iris, _) = app.login("demo.gezinswerker").await;
    let caseload = iris
        .get(app.url("/casussen"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(caseload.contains("Gezin Bakker"));
    assert!(caseload.contains("30-11-2026"), "the next action due");
    let waiting = iris
        .get(app.url("/team/aanmeldingen"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(waiting.contains("Gezin Idrissi") || waiting.contains("El Idrissi"));
    assert!(!waiting.contains("Verhoeven"), "only the own teams");
    let (_, by_bsn) = search_page(&app, &iris, &[("bsn", "999901011")]).await;
    assert!(by_bsn.contains("Lotte Bakker"));
    let (_, by_birth) = search_page(&app, &iris, &[("geboortedatum", "2014-03-12")]).await;
    assert!(by_birth.contains("Lotte Bakker"));
    let (status, _) = search_page(&app, &iris, &[("bsn", "123")]).await;
    assert_eq!(status, 422);
    // A search in the address is not one: the form, without results.
    let in_url = iris
        .get(app.url("/zoeken?bsn=999901011"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!in_url.contains("Lotte Bakker"));
    // Iris leaves: the reviewer moves her cases, and the coordinator role where she held it.
    let case = bakker_case(&app).await;
    let iris_id = app
        .id_of("SELECT id FROM users WHERE username = 'demo.gezinswerker'")
        .await;
    let family: String = app
        .id_of(&format!("SELECT family_id FROM cases WHERE id = '{case}'"))
        .await;
    sqlx::query("UPDATE family_plans SET coordinator_kind = 'professional', coordinator_user_id = $1 WHERE family_id = $2")
        .bind(&iris_id)
        .bind(&family)
        .execute(app.store.pool())
        .await
        .unwrap();
    let (bram, csrf) = app.login("demo.gedragswetenschapper").await;
    let bram_id = app
        .id_of("SELECT id FROM users WHERE username = 'demo.gedragswetenschapper'")
        .await;
    let team = app
        .id_of("SELECT id FROM teams WHERE name = 'CJG Leudal'")
        .await;
    let page = bram
        .get(app.url("/team/overdragen"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Iris Vermeulen"));
    let r = post_form(
        &app,
        &bram,
        "/team/overdragen",
        &[
            ("csrf", &csrf),
            ("team_id", &team),
            ("from_user_id", &iris_id),
            ("to_user_id", &iris_id),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let r = post_form(
        &app,
        &bram,
        "/team/overdragen",
        &[
            ("csrf", &csrf),
            ("team_id", &team),
            ("from_user_id", &iris_id),
            ("to_user_id", &bram_id),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/team/overdragen?verplaatst=1");
    let worker: String = app
        .id_of(&format!("SELECT worker_id FROM cases WHERE id = '{case}'"))
        .await;
    assert_eq!(worker, bram_id);
    let coordinator: String = app
        .id_of(&format!(
            "SELECT coordinator_user_id FROM family_plans WHERE family_id = '{family}'"
        ))
        .await;
    assert_eq!(coordinator, bram_id);
    let sanne = app
        .id_of("SELECT id FROM users WHERE username = 'demo.gezinswerker.weert'")
        .await;
    let (status, _) = api(
        &app,
        &bram,
        &csrf,
        reqwest::Method::POST,
        "/api/v1/caseload-transfers",
        json!({"team_id": team, "from_user_id": bram_id, "to_user_id": sanne}),
    )
    .await;
    assert_eq!(status, 422, "the new worker must be in the team");
}

#[tokio::test]
async fn family_members_and_network_are_kept_with_their_rules() {
    let app = TestApp::spawn().await;
    let (client, csrf) = app.login("demo.gezinswerker").await;
    let id = bakker_case(&app).await;
    let r = post_form(
        &app,
        &client,
        &format!("/casussen/{id}/personen/nieuw?soort=jeugdige"),
        &[
            ("csrf", &csrf),
            ("name", "Bo Bakker"),
            ("birth_date", "2030-01-01"),
            ("bsn", "999901011"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("href=\"#birth_date\""));
    let r = post_form(
        &app,
        &client,
        &format!("/casussen/{id}/personen/nieuw?soort=jeugdige"),
        &[
            ("csrf", &csrf),
            ("name", "Bo Bakker"),
            ("birth_date", "2019-07-01"),
            ("bsn", "999901011"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422, "a BSN already in use");
    assert!(r.text().await.unwrap().contains("href=\"#bsn\""));
    let r = post_form(
        &app,
        &client,
        &format!("/casussen/{id}/personen/nieuw?soort=jeugdige"),
        &[
            ("csrf", &csrf),
            ("name", "Bo Bakker"),
            ("birth_date", "2019-07-01"),
            ("bsn", "999901059"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let r = post_form(
        &app,
        &client,
        &format!("/casussen/{id}/netwerk/nieuw"),
        &[("csrf", &csrf), ("name", "Jeroen Smits"), ("relation", "")],
    )
    .await;
    assert_eq!(r.status(), 422);
    let r = post_form(
        &app,
        &client,
        &format!("/casussen/{id}/netwerk/nieuw"),
        &[
            ("csrf", &csrf),
            ("name", "Jeroen Smits"),
            ("relation", "JIM-mentor"),
            ("contact", "06-98765430"),
            ("contribution", "Wekelijks sporten met Lotte"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let page = client
        .get(app.url(&format!("/casussen/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Bo Bakker") && page.contains("JIM-mentor"));
    let csrf2 = csrf_of(&page);
    assert_eq!(csrf, csrf2);
}

/// Posts the search form (a search is never in the URL); answers the status and the page.
async fn search_page(app: &TestApp, c: &reqwest::Client, fields: &[(&str, &str)]) -> (u16, String) {
    let form = c
        .get(app.url("/zoeken"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&form);
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let r = post_form(app, c, "/zoeken", &all).await;
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}
