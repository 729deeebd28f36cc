//! Result-oriented access through the pages: a request in both variants, four eyes, the
//! decision with its cost and schedule, the provider's part, monitoring and the cost page.

use crate::common::{TestApp, api, post_form};

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_owned()
}

async fn scalar(app: &TestApp, sql: &str) -> String {
    app.id_of(sql).await
}

struct Ids {
    case: String,
    youth: String,
    product: String,
    psw: String,
    ggz: String,
}

async fn ids(app: &TestApp) -> Ids {
    Ids {
        case: scalar(app, "SELECT c.id FROM cases c JOIN persons p ON p.family_id = c.family_id WHERE p.name = 'Lotte Bakker'").await,
        youth: scalar(app, "SELECT id FROM persons WHERE name = 'Lotte Bakker'").await,
        product: scalar(app, "SELECT id FROM products WHERE code = '45A01'").await,
        psw: scalar(app, "SELECT id FROM organisations WHERE name = 'PSW'").await,
        ggz: scalar(app, "SELECT id FROM organisations WHERE name = 'Met GGZ'").await,
    }
}

async fn version_of(app: &TestApp, table: &str, id: &str) -> String {
    scalar(
        app,
        &format!("SELECT CAST(version AS TEXT) FROM {table} WHERE id = '{id}'"),
    )
    .await
}

#[tokio::test]
async fn a_request_is_reviewed_by_four_eyes_and_decided_at_the_price_of_its_start() {
    let app = TestApp::spawn().await;
    let (worker, csrf) = app.login("demo.gezinswerker").await;
    let i = ids(&app).await;
    let path = format!("/casussen/{}/toegang/nieuw", i.case);
    let base = |provider: &str, funding: &str, end: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("youth_id", i.youth.clone()),
            (
                "reason",
                "Lotte loopt vast op school; basishulp was niet genoeg.".into(),
            ),
            (
                "result.0",
                "Lotte gaat weer vier dagen per week naar school".into(),
            ),
            ("result.0.goal", "demo-goal-ochtenden".into()),
            ("product_id", i.product.clone()),
            ("funding", funding.into()),
            ("provider_id", provider.into()),
            ("volume", "2".into()),
            ("unit", "04".into()),
            ("frequency", "2".into()),
            ("start_on", "2026-12-01".into()),
            ("end_on", end.into()),
        ]
    };
    let form = |v: &Vec<(&'static str, String)>| {
        v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>()
    };
    // Bad input: a PGB with a provider, an end before the start, no contract.
    for (fields, field) in [
        (base(&i.psw, "pgb", "2027-11-30"), "provider_id"),
        (base(&i.psw, "zin", "2026-11-30"), "end_on"),
        (base(&i.ggz, "zin", "2027-11-30"), "provider_id"),
    ] {
        let r = worker
            .post(app.url(&path))
            .form(&form(&fields))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{field}");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains(&format!("href=\"#{field}\"")),
            "{field}"
        );
    }
    assert_eq!(
        scalar(&app, "SELECT CAST(COUNT(*) AS TEXT) FROM access_requests").await,
        "0"
    );
    let r = worker
        .post(app.url(&path))
        .form(&form(&base(&i.psw, "zin", "2027-11-30")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let request = location(&r).trim_start_matches("/toegang/").to_owned();
    let v = version_of(&app, "access_requests", &request).await;
    let r = post_form(
        &app,
        &worker,
        &format!("/toegang/{request}/indienen"),
        &[("csrf", &csrf), ("version", &v)],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        scalar(
            &app,
            &format!("SELECT status FROM access_requests WHERE id = '{request}'")
        )
        .await,
        "in_review"
    );
    // A family worker cannot approve.
    let v = version_of(&app, "access_requests", &request).await;
    let r = post_form(
        &app,
        &worker,
        &format!("/toegang/{request}/goedkeuren"),
        &[("csrf", &csrf), ("version", &v)],
    )
    .await;
    assert_eq!(r.status(), 403);
    // A reviewer sends it back only with a comment, then approves.
    let (reviewer, rcsrf) = app.login("demo.gedragswetenschapper").await;
    let r = post_form(
        &app,
        &reviewer,
        &format!("/toegang/{request}/terugsturen"),
        &[("csrf", &rcsrf), ("version", &v)],
    )
    .await;
    assert_eq!(r.status(), 422);
    let r = post_form(
        &app,
        &reviewer,
        &format!("/toegang/{request}/goedkeuren"),
        &[("csrf", &rcsrf), ("version", &v)],
    )
    .await;
    assert_eq!(r.status(), 303);
    let decision = location(&r)
        .trim_start_matches("/beschikkingen/")
        .to_owned();
    // 2 hours a week over 365 days at the 2019 price of € 80,50: € 8.395,00.
    assert_eq!(
        scalar(
            &app,
            &format!("SELECT CAST(estimated_cents AS TEXT) FROM decisions WHERE id = '{decision}'")
        )
        .await,
        "839500"
    );
    assert!(
        scalar(
            &app,
            &format!("SELECT number FROM decisions WHERE id = '{decision}'")
        )
        .await
        .starts_with("1640-")
    );
    assert_eq!(
        scalar(
            &app,
            &format!(
                "SELECT CAST(COUNT(*) AS TEXT) FROM evaluations WHERE decision_id = '{decision}'"
            )
        )
        .await,
        "2"
    );
    // A new price never changes the decision taken.
    let (admin, acsrf) = app.login("demo.beheerder").await;
    let pv = version_of(&app, "products", &i.product).await;
    let r = post_form(
        &app,
        &admin,
        &format!("/catalogus/producten/{}/prijzen", i.product),
        &[
            ("csrf", &acsrf),
            ("version", &pv),
            ("new_price", "99,00"),
            ("new_price_from", "2026-01-01"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        scalar(
            &app,
            &format!("SELECT CAST(estimated_cents AS TEXT) FROM decisions WHERE id = '{decision}'")
        )
        .await,
        "839500"
    );
    // A product taken out of use is not offered for new requests; its decision stays.
    let pv = version_of(&app, "products", &i.product).await;
    let r = post_form(
        &app,
        &admin,
        &format!("/catalogus/producten/{}", i.product),
        &[
            ("csrf", &acsrf),
            ("version", &pv),
            ("code", "45A01"),
            ("category", "45"),
            ("name", "Ambulante jeugdhulp, licht"),
            ("unit", "04"),
            ("frequency", "2"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let r = worker
        .post(app.url(&path))
        .form(&form(&base(&i.psw, "zin", "2027-11-30")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("href=\"#product_id\""));
    // Every state of the product is kept: created, the 2019 price, the 2026 price, the edit.
    assert_eq!(
        scalar(
            &app,
            &format!(
                "SELECT CAST(COUNT(*) AS TEXT) FROM catalogue_history WHERE object_id = '{}'",
                i.product
            )
        )
        .await,
        "4"
    );
    // The letter, the decision page; a policy officer sees neither, only the figures.
    assert_eq!(
        worker
            .get(app.url(&format!("/beschikkingen/{decision}/brief")))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let (policy, _) = app.login("demo.beleid").await;
    assert_eq!(
        policy
            .get(app.url(&format!("/beschikkingen/{decision}")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    // The cost page: the reviewer sees every figure of any period; the policy officer
    // a calendar period with the small-number rule: one decision shows as x.
    let (reviewer, _) = app.login("demo.gedragswetenschapper").await;
    let body = reviewer
        .get(app.url("/kosten?gemeente=1640&van=2026-01-01&tot=2027-12-31"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("€ 8.395,00"), "{body}");
    let r = policy
        .get(app.url("/kosten?gemeente=1640&van=2026-01-01&tot=2027-12-31"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "two years are no calendar period");
    let r = policy
        .get(app.url("/kosten?gemeente=1640&van=2026-01-01&tot=2026-12-31"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    // The one decision's count, volume and cost are hidden.
    assert!(body.contains(r#"<td class="num">x</td>"#), "{body}");
    assert!(!body.contains(r#"<td class="num">1</td>"#), "{body}");
    assert!(body.contains("Drempel"), "{body}");
    assert!(!body.contains("Lotte"));
    // Another municipality's figures are not the Leudal policy officer's.
    assert_eq!(
        policy
            .get(app.url("/kosten?gemeente=0988"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    // The provider sees its decision and reports the start of care.
    let (provider, pcsrf) = app.login("demo.aanbieder").await;
    let body = provider
        .get(app.url("/aanbieder"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("Lotte Bakker"));
    // Care is not reported as started before the decision starts (1 December).
    let dv = version_of(&app, "decisions", &decision).await;
    let r = post_form(
        &app,
        &provider,
        &format!("/aanbieder/beschikkingen/{decision}"),
        &[
            ("csrf", &pcsrf),
            ("version", &dv),
            ("actual_start_on", "2026-11-01"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("href=\"#actual_start_on\"")
    );
    // Ending early recomputes the cost at the same unit price, as a new version.
    let dv = version_of(&app, "decisions", &decision).await;
    let r = post_form(
        &app,
        &worker,
        &format!("/beschikkingen/{decision}/wijzigen"),
        &[
            ("csrf", &csrf),
            ("version", &dv),
            ("kind", "end"),
            ("ended_on", "2027-05-31"),
            ("end_reason", "goals_reached"),
            ("change_reason", "Resultaat bereikt"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    // 182 days: 2 × 182 / 7 = 52 hours at € 80,50.
    assert_eq!(
        scalar(
            &app,
            &format!("SELECT CAST(estimated_cents AS TEXT) FROM decisions WHERE id = '{decision}'")
        )
        .await,
        "418600"
    );
    assert_eq!(scalar(&app, &format!("SELECT CAST(COUNT(*) AS TEXT) FROM decision_versions WHERE decision_id = '{decision}'")).await, "2");
    assert_eq!(
        scalar(
            &app,
            &format!(
                "SELECT due_on FROM evaluations WHERE decision_id = '{decision}' AND kind = 'end'"
            )
        )
        .await,
        "2027-05-31"
    );
}

#[tokio::test]
async fn in_the_2018_variant_the_provider_records_the_effort_and_monitoring_keeps_notifications() {
    let app = TestApp::spawn().await;
    let i = ids(&app).await;
    let today = eenplan_store::today().to_string();
    let (admin, acsrf) = app.login("demo.beheerder").await;
    let r = post_form(
        &app,
        &admin,
        "/catalogus/variant",
        &[
            ("csrf", &acsrf),
            ("variant", "2018"),
            ("variant_from", &today),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let (worker, csrf) = app.login("demo.gezinswerker").await;
    let r = post_form(
        &app,
        &worker,
        &format!("/casussen/{}/toegang/nieuw", i.case),
        &[
            ("csrf", &csrf),
            ("youth_id", &i.youth),
            ("reason", "Intensieve hulp nodig"),
            ("result.0", "Rust in huis"),
            ("product_id", &i.product),
            ("funding", "zin"),
            ("provider_id", &i.psw),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let request = location(&r).trim_start_matches("/toegang/").to_owned();
    let v = version_of(&app, "access_requests", &request).await;
    assert_eq!(
        post_form(
            &app,
            &worker,
            &format!("/toegang/{request}/indienen"),
            &[("csrf", &csrf), ("version", &v)]
        )
        .await
        .status(),
        303
    );
    assert_eq!(
        scalar(
            &app,
            &format!("SELECT status FROM access_requests WHERE id = '{request}'")
        )
        .await,
        "awaiting_provider"
    );
    // No decision before part 2 and review.
    let (reviewer, rcsrf) = app.login("demo.gedragswetenschapper").await;
    let v = version_of(&app, "access_requests", &request).await;
    assert_eq!(
        post_form(
            &app,
            &reviewer,
            &format!("/toegang/{request}/goedkeuren"),
            &[("csrf", &rcsrf), ("version", &v)]
        )
        .await
        .status(),
        422
    );
    // The provider records part 2; bad input first.
    let (provider, pcsrf) = app.login("demo.aanbieder").await;
    let part2 = |end: &'static str| {
        vec![
            ("csrf", pcsrf.clone()),
            ("version", v.clone()),
            ("intake_on", today.clone()),
            ("volume", "3".to_owned()),
            ("unit", "04".to_owned()),
            ("frequency", "2".to_owned()),
            ("start_on", "2026-11-02".to_owned()),
            ("end_on", end.to_owned()),
        ]
    };
    let r = provider
        .post(app.url(&format!("/aanbieder/aanvragen/{request}")))
        .form(&part2("2026-10-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = provider
        .post(app.url(&format!("/aanbieder/aanvragen/{request}")))
        .form(&part2("2027-04-30"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        scalar(
            &app,
            &format!("SELECT status FROM access_requests WHERE id = '{request}'")
        )
        .await,
        "in_review"
    );
    let v = version_of(&app, "access_requests", &request).await;
    let r = post_form(
        &app,
        &reviewer,
        &format!("/toegang/{request}/goedkeuren"),
        &[("csrf", &rcsrf), ("version", &v)],
    )
    .await;
    assert_eq!(r.status(), 303);
    let decision = location(&r)
        .trim_start_matches("/beschikkingen/")
        .to_owned();
    // The provider reports the start of care on the decision's first day.
    let dv = version_of(&app, "decisions", &decision).await;
    let r = post_form(
        &app,
        &provider,
        &format!("/aanbieder/beschikkingen/{decision}"),
        &[
            ("csrf", &pcsrf),
            ("version", &dv),
            ("actual_start_on", "2026-11-02"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        scalar(
            &app,
            &format!("SELECT actual_start_on FROM decisions WHERE id = '{decision}'")
        )
        .await,
        "2026-11-02"
    );
    // Only the end evaluation: shorter than six months. Make it overdue and run the job.
    sqlx::query("UPDATE evaluations SET due_on = '2026-01-01' WHERE decision_id = $1")
        .bind(&decision)
        .execute(app.store.pool())
        .await
        .unwrap();
    let first = eenplan_store::monitoring::run_daily_job(&app.store, eenplan_store::today(), false)
        .await
        .unwrap();
    assert_eq!((first.overdue, first.notifications), (1, 1));
    let again = eenplan_store::monitoring::run_daily_job(&app.store, eenplan_store::today(), false)
        .await
        .unwrap();
    assert!(again.already_done);
    let forced = eenplan_store::monitoring::run_daily_job(&app.store, eenplan_store::today(), true)
        .await
        .unwrap();
    assert_eq!(forced.notifications, 1);
    assert_eq!(
        scalar(&app, "SELECT CAST(COUNT(*) AS TEXT) FROM notifications").await,
        "1"
    );
    let body = worker
        .get(app.url("/evaluaties"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("Lotte Bakker"));
    // Holding the evaluation clears the notification.
    let eval = scalar(
        &app,
        &format!("SELECT id FROM evaluations WHERE decision_id = '{decision}'"),
    )
    .await;
    let ev = version_of(&app, "evaluations", &eval).await;
    let path = format!("/beschikkingen/{decision}/evaluaties/{eval}");
    let r = post_form(
        &app,
        &worker,
        &path,
        &[
            ("csrf", &csrf),
            ("version", &ev),
            ("done_on", &today),
            ("family_view", "Het gaat beter"),
            ("outcome", "end"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422, "every result needs a score");
    let r = post_form(
        &app,
        &worker,
        &path,
        &[
            ("csrf", &csrf),
            ("version", &ev),
            ("done_on", &today),
            ("family_view", "Het gaat beter"),
            ("outcome", "end"),
            ("score.0", "reached"),
            ("minutes", "45"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        scalar(&app, "SELECT CAST(COUNT(*) AS TEXT) FROM notifications").await,
        "0"
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT CAST(SUM(minutes) AS TEXT) FROM monitoring_time"
        )
        .await,
        "45"
    );
}

#[tokio::test]
async fn through_the_api_four_eyes_hold_for_reviewers_and_providers_see_only_their_own() {
    use reqwest::Method as M;
    use serde_json::json;
    let app = TestApp::spawn().await;
    let i = ids(&app).await;
    // A behavioural scientist of the team writes a request: another must approve it.
    let (reviewer, rcsrf) = app.login("demo.gedragswetenschapper").await;
    let body = json!({
        "youth_id": i.youth, "reason": "Vastgelopen op school", "product_id": i.product,
        "funding": "zin", "provider_id": i.psw,
        "results": [{"text": "Weer naar school", "goal_id": "demo-goal-ochtenden"}],
        "volume": 3, "unit": "04", "frequency": "2", "start_on": "2026-12-01", "end_on": "2027-02-28"
    });
    let (status, req) = api(
        &app,
        &reviewer,
        &rcsrf,
        M::POST,
        &format!("/api/v1/cases/{}/access-requests", i.case),
        body.clone(),
    )
    .await;
    assert_eq!(status, 201, "{req}");
    assert_eq!(req["status"], "draft");
    assert_eq!(req["results"][0]["goal_id"], "demo-goal-ochtenden");
    let id = req["id"].as_str().unwrap().to_owned();
    let step = |v: &serde_json::Value, step: &str| json!({"version": v["version"], "step": step});
    let (status, done) = api(
        &app,
        &reviewer,
        &rcsrf,
        M::POST,
        &format!("/api/v1/access-requests/{id}/steps"),
        step(&req, "submit"),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    let req = done["request"].clone();
    let (status, body) = api(
        &app,
        &reviewer,
        &rcsrf,
        M::POST,
        &format!("/api/v1/access-requests/{id}/steps"),
        step(&req, "approve"),
    )
    .await;
    assert_eq!(status, 422, "own request: {body}");
    assert_eq!(body["problems"][0]["field"], "review");
    // A stale version is a conflict, never an overwrite.
    let (status, _) = api(&app, &reviewer, &rcsrf, M::PUT, &format!("/api/v1/access-requests/{id}"), json!({"version": 1, "youth_id": i.youth, "reason": "x", "product_id": i.product, "funding": "zin", "provider_id": i.psw, "results": [{"text": "y"}]})).await;
    assert_eq!(status, 409);
    // Not yet decided: nothing for the provider.
    let (provider, pcsrf) = app.login("demo.aanbieder").await;
    let (status, mine) = api(
        &app,
        &provider,
        &pcsrf,
        M::GET,
        "/api/v1/provider/assignments",
        serde_json::Value::Null,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(mine["decisions"].as_array().unwrap().len(), 0);
    // There is one reviewer in the demo; a second one of the team approves.
    let second = app
        .id_of("SELECT id FROM users WHERE username = 'demo.gezinswerker'")
        .await;
    sqlx::query("UPDATE users SET role = 'reviewer' WHERE id = $1")
        .bind(&second)
        .execute(app.store.pool())
        .await
        .unwrap();
    let (other, ocsrf) = app.login("demo.gezinswerker").await;
    let (status, done) = api(
        &app,
        &other,
        &ocsrf,
        M::POST,
        &format!("/api/v1/access-requests/{id}/steps"),
        step(&req, "approve"),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    let decision = done["decision_id"].as_str().unwrap().to_owned();
    let (status, detail) = api(
        &app,
        &other,
        &ocsrf,
        M::GET,
        &format!("/api/v1/decisions/{decision}"),
        serde_json::Value::Null,
    )
    .await;
    assert_eq!(status, 200);
    // 3 hours a week for 90 days at € 80,50: 3 × 90 / 7 × 8050 = 310,500 cents.
    assert_eq!(detail["decision"]["estimated_cents"], 310_500);
    assert_eq!(
        detail["evaluations"].as_array().unwrap().len(),
        1,
        "only the end evaluation"
    );
    // The provider sees it; moved to another organisation, it sees nothing of it.
    let (_, mine) = api(
        &app,
        &provider,
        &pcsrf,
        M::GET,
        "/api/v1/provider/assignments",
        serde_json::Value::Null,
    )
    .await;
    assert_eq!(mine["decisions"].as_array().unwrap().len(), 1);
    sqlx::query("UPDATE users SET organisation_id = (SELECT id FROM organisations WHERE name = 'Koraal') WHERE username = 'demo.aanbieder'")
        .execute(app.store.pool())
        .await
        .unwrap();
    let (provider, pcsrf) = app.login("demo.aanbieder").await;
    let (_, mine) = api(
        &app,
        &provider,
        &pcsrf,
        M::GET,
        "/api/v1/provider/assignments",
        serde_json::Value::Null,
    )
    .await;
    assert_eq!(mine["decisions"].as_array().unwrap().len(), 0);
    assert_eq!(
        provider
            .get(app.url(&format!("/aanbieder/beschikkingen/{decision}")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let (status, _) = api(
        &app,
        &provider,
        &pcsrf,
        M::POST,
        &format!("/api/v1/provider/decisions/{decision}/care"),
        json!({"version": 1, "actual_start_on": "2026-11-01"}),
    )
    .await;
    assert_eq!(status, 403);
    assert!(app.audit_count("provider.refused").await >= 2);
    // The cost figures in the API: the same numbers, no person.
    let (policy, pocsrf) = app.login("demo.beleid").await;
    let (status, costs) = api(
        &app,
        &policy,
        &pocsrf,
        M::GET,
        "/api/v1/costs?municipality=1640&from=2026-01-01&to=2027-12-31",
        serde_json::Value::Null,
    )
    .await;
    assert_eq!(status, 422, "{costs}");
    assert_eq!(costs["problems"][0]["field"], "to");
    let (status, costs) = api(
        &app,
        &policy,
        &pocsrf,
        M::GET,
        "/api/v1/costs?municipality=1640&from=2026-01-01&to=2026-12-31",
        serde_json::Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{costs}");
    assert_eq!(costs["small_counts_hidden"], true);
    assert_eq!(costs["youths"]["zin_only"], serde_json::Value::Null);
    assert_eq!(costs["lines"][0]["decisions"], serde_json::Value::Null);
    assert_eq!(costs["lines"][0]["cost_cents"], serde_json::Value::Null);
    assert!(app.audit_count("costs.export").await >= 1);
    // The reviewer: every figure.
    let (reviewer, rcsrf) = app.login("demo.gedragswetenschapper").await;
    let (status, costs) = api(
        &app,
        &reviewer,
        &rcsrf,
        M::GET,
        "/api/v1/costs?municipality=1640&from=2026-01-01&to=2027-12-31",
        serde_json::Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{costs}");
    assert_eq!(costs["zin_cents"], 310_500);
    assert_eq!(costs["youths"]["zin_only"], 1);
    let (status, _) = api(
        &app,
        &policy,
        &pocsrf,
        M::GET,
        "/api/v1/costs?municipality=0988&from=2026-01-01&to=2027-12-31",
        serde_json::Value::Null,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = api(
        &app,
        &policy,
        &pocsrf,
        M::GET,
        "/api/v1/costs?municipality=1640&from=2027-01-01&to=2026-01-01",
        serde_json::Value::Null,
    )
    .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn writers_never_approve_providers_see_only_their_own_and_changes_keep_the_past() {
    use reqwest::Method as M;
    use serde_json::json;
    let app = TestApp::spawn().await;
    let i = ids(&app).await;
    let koraal = scalar(&app, "SELECT id FROM organisations WHERE name = 'Koraal'").await;
    let intensive = scalar(&app, "SELECT id FROM products WHERE code = '45A02'").await;
    let (worker, csrf) = app.login("demo.gezinswerker").await;
    let (reviewer, rcsrf) = app.login("demo.gedragswetenschapper").await;
    let request =
        |provider: &str, product: &str, unit: &str, volume: i64, start: &str, end: &str| {
            json!({
                "youth_id": i.youth, "reason": "Meer hulp nodig", "product_id": product,
                "funding": "zin", "provider_id": provider, "results": [{"text": "Rust in huis"}],
                "volume": volume, "unit": unit, "frequency": "2", "start_on": start, "end_on": end
            })
        };
    let create = format!("/api/v1/cases/{}/access-requests", i.case);
    // The effort is given in the unit the product is priced in (45A01: per hour).
    let (status, body) = api(
        &app,
        &worker,
        &csrf,
        M::POST,
        &create,
        request(&i.psw, &i.product, "01", 120, "2026-11-02", "2027-11-01"),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["problems"][0]["field"], "unit");
    // A decision costs at most what an iJw amount holds.
    let (status, body) = api(
        &app,
        &worker,
        &csrf,
        M::POST,
        &create,
        request(
            &i.psw,
            &i.product,
            "04",
            99_999_999,
            "2026-11-02",
            "2027-11-01",
        ),
    )
    .await;
    assert_eq!(status, 201, "a draft may be anything: {body}");
    let big = body["id"].as_str().unwrap().to_owned();
    let (status, body) = api(
        &app,
        &worker,
        &csrf,
        M::POST,
        &format!("/api/v1/access-requests/{big}/steps"),
        json!({"version": body["version"], "step": "submit"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["problems"][0]["field"], "volume");
    // The reviewer who changed the worker's draft cannot approve it.
    let (status, req) = api(
        &app,
        &worker,
        &csrf,
        M::POST,
        &create,
        request(&koraal, &intensive, "04", 2, "2026-11-02", "2027-11-01"),
    )
    .await;
    assert_eq!(status, 201, "{req}");
    let id = req["id"].as_str().unwrap().to_owned();
    let mut edit = request(&koraal, &intensive, "04", 3, "2026-11-02", "2027-11-01");
    edit["version"] = req["version"].clone();
    let (status, req) = api(
        &app,
        &reviewer,
        &rcsrf,
        M::PUT,
        &format!("/api/v1/access-requests/{id}"),
        edit,
    )
    .await;
    assert_eq!(status, 200, "{req}");
    let (status, done) = api(
        &app,
        &worker,
        &csrf,
        M::POST,
        &format!("/api/v1/access-requests/{id}/steps"),
        json!({"version": req["version"], "step": "submit"}),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    let req = done["request"].clone();
    let (status, body) = api(
        &app,
        &reviewer,
        &rcsrf,
        M::POST,
        &format!("/api/v1/access-requests/{id}/steps"),
        json!({"version": req["version"], "step": "approve"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["problems"][0]["field"], "review");
    // Another reviewer of the team approves.
    let other = scalar(
        &app,
        "SELECT id FROM users WHERE username = 'demo.gezinswerker.weert'",
    )
    .await;
    let leudal = scalar(
        &app,
        "SELECT team_id FROM cases WHERE id IN (SELECT case_id FROM access_requests)",
    )
    .await;
    sqlx::query("UPDATE users SET role = 'reviewer' WHERE id = $1")
        .bind(&other)
        .execute(app.store.pool())
        .await
        .unwrap();
    sqlx::query("INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)")
        .bind(&leudal)
        .bind(&other)
        .execute(app.store.pool())
        .await
        .unwrap();
    let (second, scsrf) = app.login("demo.gezinswerker.weert").await;
    let (status, done) = api(
        &app,
        &second,
        &scsrf,
        M::POST,
        &format!("/api/v1/access-requests/{id}/steps"),
        json!({"version": req["version"], "step": "approve"}),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    let decision = done["decision_id"].as_str().unwrap().to_owned();
    // PSW's staff, involved in the case, sees the case but not Koraal's decision.
    let luuk = scalar(
        &app,
        "SELECT id FROM users WHERE username = 'demo.aanbieder'",
    )
    .await;
    let r = post_form(
        &app,
        &worker,
        &format!("/casussen/{}/betrokkenen", i.case),
        &[("csrf", &csrf), ("user_id", &luuk), ("reason", "Intake")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let (provider, pcsrf) = app.login("demo.aanbieder").await;
    let case_page = provider
        .get(app.url(&format!("/casussen/{}", i.case)))
        .send()
        .await
        .unwrap();
    assert_eq!(case_page.status(), 200);
    assert!(!case_page.text().await.unwrap().contains(&decision));
    for path in [
        format!("/beschikkingen/{decision}"),
        format!("/beschikkingen/{decision}/brief"),
        format!("/toegang/{id}"),
    ] {
        assert_eq!(
            provider.get(app.url(&path)).send().await.unwrap().status(),
            403,
            "{path}"
        );
    }
    let (status, _) = api(
        &app,
        &provider,
        &pcsrf,
        M::GET,
        &format!("/api/v1/decisions/{decision}"),
        serde_json::Value::Null,
    )
    .await;
    assert_eq!(status, 403);
    // A page number past the end is an empty page, not an error.
    let (status, body) = api(
        &app,
        &provider,
        &pcsrf,
        M::GET,
        "/api/v1/provider/assignments?page=9223372036854775807",
        serde_json::Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        provider
            .get(app.url("/aanbieder?pagina=9223372036854775807"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // Scaling up from 1 February leaves the cost of the months before as it was:
    // 2 h/week from 2 November to 31 January (91 days) at € 95,00, then 4 h/week.
    let (_, detail) = api(
        &app,
        &worker,
        &csrf,
        M::GET,
        &format!("/api/v1/decisions/{decision}"),
        serde_json::Value::Null,
    )
    .await;
    let before = detail["decision"]["estimated_cents"].as_i64().unwrap();
    let (status, detail) = api(
        &app,
        &worker,
        &csrf,
        M::POST,
        &format!("/api/v1/decisions/{decision}/changes"),
        json!({
            "version": detail["decision"]["version"], "kind": "amend", "reason": "Opschalen",
            "volume": 4, "frequency": "2", "end_on": "2027-11-01", "effective_on": "2027-02-01"
        }),
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    // 3 h/week approved: 3 × 91 / 7 × 9500 = 370,500 before; 4 × 274 / 7 × 9500 after.
    let first = 3 * 91 * 9500 / 7;
    let after = (4 * 274 * 9500 + 3) / 7;
    assert_eq!(
        detail["decision"]["estimated_cents"].as_i64().unwrap(),
        first + after
    );
    assert!(detail["decision"]["estimated_cents"].as_i64().unwrap() > before);
    assert_eq!(detail["decision"]["segment_start"], "2027-02-01");
    // A held end evaluation, then an extension: the schedule goes on from there.
    let end_eval = detail["evaluations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "end")
        .unwrap()
        .clone();
    sqlx::query("UPDATE evaluations SET done_on = '2026-11-20', outcome = 'continue', version = version + 1 WHERE id = $1")
        .bind(end_eval["id"].as_str().unwrap())
        .execute(app.store.pool())
        .await
        .unwrap();
    let (status, detail) = api(
        &app,
        &worker,
        &csrf,
        M::POST,
        &format!("/api/v1/decisions/{decision}/changes"),
        json!({
            "version": detail["decision"]["version"], "kind": "amend", "reason": "Verlengen",
            "volume": 4, "frequency": "2", "end_on": "2028-10-31", "effective_on": "2027-02-01"
        }),
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    let open: Vec<_> = detail["evaluations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["done_on"].is_null())
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["due_on"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        open.contains(&("end".to_owned(), "2028-10-31".to_owned())),
        "{open:?}"
    );
    assert!(
        open.iter()
            .any(|(k, due)| k == "interim" && due.as_str() == "2027-05-20"),
        "{open:?}"
    );
}
