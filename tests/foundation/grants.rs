//! Access grants, tried as a curious insider would: another team's youths in the
//! duplicate lookup, linking a family another team held until recently, the team of a
//! closed case reading the family's new plan, and a treatment-team member following the
//! link to the case.

use crate::common::{TestApp, api};
use reqwest::Method as M;
use serde_json::{Value, json};

async fn bakker(app: &TestApp) -> (String, String, String) {
    let case = app.id_of("SELECT c.id FROM cases c JOIN persons p ON p.family_id = c.family_id WHERE p.name = 'Lotte Bakker'").await;
    let lotte = app
        .id_of("SELECT id FROM persons WHERE name = 'Lotte Bakker'")
        .await;
    let bsn = app
        .id_of("SELECT bsn FROM persons WHERE name = 'Lotte Bakker'")
        .await;
    (case, lotte, bsn)
}

#[tokio::test]
async fn the_duplicate_lookup_tells_another_teams_youth_only_by_its_team() {
    let app = TestApp::spawn().await;
    let (_, lotte, bsn) = bakker(&app).await;
    // The holding team sees who it is.
    let (own, own_csrf) = app.login("demo.gezinswerker").await;
    let (status, found) = api(
        &app,
        &own,
        &own_csrf,
        M::POST,
        "/api/v1/youths/matches",
        json!({ "bsn": bsn }),
    )
    .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found[0]["name"], "Lotte Bakker");
    assert!(found[0]["known_at_team"].is_null());
    // Another team's worker probing the BSN: only where to ask.
    let (other, other_csrf) = app.login("demo.gezinswerker.weert").await;
    let (status, found) = api(
        &app,
        &other,
        &other_csrf,
        M::POST,
        "/api/v1/youths/matches",
        json!({ "bsn": bsn }),
    )
    .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["person_id"], lotte.as_str());
    assert!(
        found[0]["name"].is_null()
            && found[0]["birth_date"].is_null()
            && found[0]["family_name"].is_null(),
        "{found}"
    );
    assert!(!found[0]["known_at_team"].as_str().unwrap().is_empty());
    assert!(!found.to_string().contains("Bakker"), "{found}");
    // The same through a registration: the problem names the team, not the child.
    let (status, body) = api(
        &app,
        &other,
        &other_csrf,
        M::POST,
        "/api/v1/registrations",
        json!({
            "municipality_code": "0988", "primary_problem_area": "opvoeding", "question": "Vraag",
            "youths": [{"name": "Lotte Bakker", "birth_date": "2014-03-12", "bsn": bsn}]
        }),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(!body.to_string().contains("Bakker"), "{body}");
    assert!(body.to_string().contains("team"), "{body}");
    // The lookups are audited with the youth as client.
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE event = 'youth.duplicate_check' AND client_ids LIKE $1",
    )
    .bind(format!("%{lotte}%"))
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert!(audited >= 3, "{audited}");
}

#[tokio::test]
async fn a_family_another_team_closed_recently_is_linked_only_by_breaking_the_glass_and_the_former_team_reads_only_its_own()
 {
    let app = TestApp::spawn().await;
    let (case, lotte, _) = bakker(&app).await;
    let (own, own_csrf) = app.login("demo.gezinswerker").await;
    let (status, detail) = api(
        &app,
        &own,
        &own_csrf,
        M::GET,
        &format!("/api/v1/cases/{case}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(detail["access"], "team");
    let version = detail["case"]["version"].as_i64().unwrap();
    let persons_before = detail["persons"].as_array().unwrap().len();
    let (status, body) = api(
        &app,
        &own,
        &own_csrf,
        M::POST,
        &format!("/api/v1/cases/{case}/transitions"),
        json!({"version": version, "step": "close", "reason": "moved"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // A closed case is read-only, also for its own team.
    let (status, _) = api(
        &app,
        &own,
        &own_csrf,
        M::POST,
        &format!("/api/v1/cases/{case}/network"),
        json!({"name": "Buurvrouw", "relation": "buren"}),
    )
    .await;
    assert_eq!(status, 403);

    // Another team links the family the first team closed today: a reason is asked.
    let (other, other_csrf) = app.login("demo.gezinswerker.weert").await;
    let registration = |reason: Option<&str>| {
        let mut b = json!({
            "municipality_code": "0988", "primary_problem_area": "opvoeding", "question": "Verhuisd naar Weert",
            "youths": [{"existing_id": lotte}]
        });
        if let Some(r) = reason {
            b["break_glass_reason"] = json!(r);
        }
        b
    };
    let cases_before = app.id_of("SELECT CAST(COUNT(*) AS TEXT) FROM cases").await;
    let (status, body) = api(
        &app,
        &other,
        &other_csrf,
        M::POST,
        "/api/v1/registrations",
        registration(None),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["problems"][0]["field"], "break_glass_reason", "{body}");
    assert_eq!(
        app.id_of("SELECT CAST(COUNT(*) AS TEXT) FROM cases").await,
        cases_before,
        "nothing written"
    );
    let (status, body) = api(
        &app,
        &other,
        &other_csrf,
        M::POST,
        "/api/v1/registrations",
        registration(Some("Gezin is verhuisd; moeder vraagt hulp in Weert")),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let new_case = body["case_id"].as_str().unwrap().to_owned();
    assert_ne!(new_case, case);
    // Flagged and listed for the first team's reviewer.
    let flagged: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE break_glass = 1 AND event = 'case.break_glass' AND object_id = $1",
    )
    .bind(&case)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(flagged, 1);
    let (reviewer, reviewer_csrf) = app.login("demo.gedragswetenschapper").await;
    let (status, list) = api(
        &app,
        &reviewer,
        &reviewer_csrf,
        M::GET,
        "/api/v1/break-glass-accesses",
        Value::Null,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|a| a["case_id"] == case.as_str()),
        "{list}"
    );
    assert!(
        app.audit_count("break_glass.review_list").await >= 1,
        "the list's read is audited"
    );

    // The new team writes: a plan and a network member.
    let (status, plan) = api(
        &app,
        &other,
        &other_csrf,
        M::GET,
        &format!("/api/v1/cases/{new_case}/plan"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{plan}");
    let plan_version = plan["state"]["version"].as_i64().unwrap();
    let (status, body) = api(
        &app,
        &other,
        &other_csrf,
        M::PUT,
        &format!("/api/v1/cases/{new_case}/plan"),
        json!({"version": plan_version, "goals": [{"text": "Rust in huis in Weert"}]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = api(
        &app,
        &other,
        &other_csrf,
        M::POST,
        &format!("/api/v1/cases/{new_case}/network"),
        json!({"name": "Oma Weert", "relation": "grootmoeder"}),
    )
    .await;
    assert!(status == 200 || status == 201, "{status} {body}");

    // It changes the father's phone, known to the first team.
    let (_, new_detail) = api(
        &app,
        &other,
        &other_csrf,
        M::GET,
        &format!("/api/v1/cases/{new_case}"),
        Value::Null,
    )
    .await;
    let father = new_detail["persons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Mark Bakker")
        .expect("the father")
        .clone();
    let old_phone = father["phone"].as_str().unwrap_or("").to_owned();
    let (status, body) = api(
        &app,
        &other,
        &other_csrf,
        M::PUT,
        &format!(
            "/api/v1/cases/{new_case}/persons/{}",
            father["id"].as_str().unwrap()
        ),
        json!({"name": "Mark Bakker", "has_authority": true,
            "phone": "06-98765432", "version": father["version"]}),
    )
    .await;
    assert_eq!(status, 204, "{body}");

    // The first team keeps its closed case, as it was: not the new plan, not the new network.
    let (status, detail) = api(
        &app,
        &own,
        &own_csrf,
        M::GET,
        &format!("/api/v1/cases/{case}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["access"], "former_team");
    assert_eq!(detail["persons"].as_array().unwrap().len(), persons_before);
    assert!(!detail.to_string().contains("Oma Weert"), "{detail}");
    // The father as he was when the case closed: the later team's change stays unseen.
    assert!(!detail.to_string().contains("06-98765432"), "{detail}");
    let father_then = detail["persons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Mark Bakker")
        .expect("the father");
    assert_eq!(father_then["phone"].as_str().unwrap_or(""), old_phone);
    let (status, plan) = api(
        &app,
        &own,
        &own_csrf,
        M::GET,
        &format!("/api/v1/cases/{case}/plan"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{plan}");
    assert!(
        !plan.to_string().contains("Rust in huis in Weert"),
        "{plan}"
    );
    let newest = plan_version_number(&app, &case).await;
    let (status, _) = api(
        &app,
        &own,
        &own_csrf,
        M::GET,
        &format!("/api/v1/cases/{case}/plan/versions/{newest}"),
        Value::Null,
    )
    .await;
    assert_eq!(
        status, 404,
        "the later team's version is not there for the former team"
    );
    let page = own
        .get(app.url(&format!("/casussen/{case}/plan")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Rust in huis in Weert"));
    // Nor does it change anything of the family.
    let (status, _) = api(
        &app,
        &own,
        &own_csrf,
        M::PUT,
        &format!("/api/v1/cases/{case}/plan"),
        json!({"version": plan_version + 1, "goals": [{"text": "Overschrijven"}]}),
    )
    .await;
    assert_eq!(status, 403);
    // And it cannot reach the new case.
    let (status, _) = api(
        &app,
        &own,
        &own_csrf,
        M::GET,
        &format!("/api/v1/cases/{new_case}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 403);
}

async fn plan_version_number(app: &TestApp, case: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT p.current_version FROM family_plans p JOIN cases c ON c.family_id = p.family_id WHERE c.id = $1",
    )
    .bind(case)
    .fetch_one(app.store.pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn a_treatment_team_member_with_consent_reaches_the_case_and_only_reads() {
    let app = TestApp::spawn().await;
    let (case, _, _) = bakker(&app).await;
    let member = app
        .id_of("SELECT id FROM users WHERE username = 'demo.behandelteam'")
        .await;
    let (worker, wcsrf) = app.login("demo.gezinswerker").await;
    let (team, tcsrf) = app.login("demo.behandelteam").await;
    // Before any consultation: refused.
    let (status, _) = api(
        &app,
        &team,
        &tcsrf,
        M::GET,
        &format!("/api/v1/cases/{case}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 403);
    let (status, created) = api(&app, &worker, &wcsrf, M::POST, &format!("/api/v1/cases/{case}/consultations"), json!({
        "kind": "consultation_treatment", "reason": "no_result",
        "question": "Lotte Bakker (12) is angstig.", "anonymised_question": "Meisje (12) met angstklachten.",
        "consent": true, "consent_by": "Anouk Jansen (moeder)", "consent_on": "2026-11-20",
        "consent_scope": "De vraag en het gezinsplan delen met het LBT Leudal"
    })).await;
    assert_eq!(status, 201, "{created}");
    let request = created["id"].as_str().unwrap().to_owned();
    let (status, body) = api(
        &app,
        &team,
        &tcsrf,
        M::POST,
        &format!("/api/v1/consultations/{request}/intake"),
        json!({"version": 1, "members": [member]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // "Naar de casus": the case, read-only, on the grant treatment_team_with_consent.
    let r = team
        .get(app.url(&format!("/casussen/{case}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (status, detail) = api(
        &app,
        &team,
        &tcsrf,
        M::GET,
        &format!("/api/v1/cases/{case}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["access"], "treatment_team_with_consent");
    let purpose: String = sqlx::query_scalar(
        "SELECT purpose FROM audit_events WHERE event = 'case.read' AND object_id = $1 AND purpose IS NOT NULL ORDER BY seq DESC LIMIT 1",
    )
    .bind(&case)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(purpose, "treatment_team_with_consent");
    let (status, _) = api(
        &app,
        &team,
        &tcsrf,
        M::POST,
        &format!("/api/v1/cases/{case}/network"),
        json!({"name": "Buurvrouw", "relation": "buren"}),
    )
    .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_provider_sees_its_assignments_in_the_provider_view_only() {
    let app = TestApp::spawn().await;
    // A request of the provider (JW315), decided with four eyes and assigned.
    let today = eenplan_store::today();
    let a = crate::ijw::assigned(&app, today, today + chrono::Duration::days(90)).await;
    let (provider, pcsrf) = (a.provider, a.pcsrf);
    let (status, mine) = api(
        &app,
        &provider,
        &pcsrf,
        M::GET,
        "/api/v1/provider/assignments",
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{mine}");
    let decisions = mine["decisions"].as_array().unwrap();
    assert!(
        !decisions.is_empty(),
        "the demo provider has decisions: {mine}"
    );
    let text = mine.to_string();
    for internal in [
        "\"reviews\"",
        "\"author_name\"",
        "\"author_id\"",
        "\"family_id\"",
        "\"case_id\"",
        "\"decided_by_name\"",
        "\"youth_id\"",
    ] {
        assert!(
            !text.contains(internal),
            "{internal} in the provider's view: {text}"
        );
    }
    let decision = decisions[0]["id"].as_str().unwrap().to_owned();
    let (status, d) = api(
        &app,
        &provider,
        &pcsrf,
        M::GET,
        &format!("/api/v1/provider/decisions/{decision}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{d}");
    assert!(
        d["decided_by_name"].is_null() && d["case_id"].is_null() && d["family_id"].is_null(),
        "{d}"
    );
    assert!(d["youth_name"].is_string() && d["start_on"].is_string());
    // The full decision and its request are the CJG's: refused, audited.
    let refusals = app.audit_count("case.refused").await;
    let (status, _) = api(
        &app,
        &provider,
        &pcsrf,
        M::GET,
        &format!("/api/v1/decisions/{decision}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 403);
    let request: String = sqlx::query_scalar("SELECT request_id FROM decisions WHERE id = $1")
        .bind(&decision)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    let (status, _) = api(
        &app,
        &provider,
        &pcsrf,
        M::GET,
        &format!("/api/v1/access-requests/{request}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 403);
    assert!(app.audit_count("case.refused").await >= refusals + 2);
    let (status, r) = api(
        &app,
        &provider,
        &pcsrf,
        M::GET,
        &format!("/api/v1/provider/access-requests/{request}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{r}");
    assert!(r["reviews"].is_null() && r["author_name"].is_null(), "{r}");
    // Another provider's staff: refused, audited, nothing told.
    sqlx::query("UPDATE users SET organisation_id = (SELECT id FROM organisations WHERE name = 'Koraal') WHERE username = 'demo.aanbieder'")
        .execute(app.store.pool())
        .await
        .unwrap();
    let (other, ocsrf) = app.login("demo.aanbieder").await;
    let refused = app.audit_count("provider.refused").await;
    let (status, body) = api(
        &app,
        &other,
        &ocsrf,
        M::GET,
        &format!("/api/v1/provider/decisions/{decision}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 403);
    assert!(!body.to_string().contains("youth_name"));
    let (status, _) = api(
        &app,
        &other,
        &ocsrf,
        M::GET,
        &format!("/api/v1/provider/access-requests/{request}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(app.audit_count("provider.refused").await, refused + 2);
}
