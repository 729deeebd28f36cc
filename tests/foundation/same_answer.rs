//! One use case, one answer: the same wrong input names the same field with the same
//! message through the page, the JSON API and (where it has one) the command line.

use crate::common::{TestApp, api, csrf_of, post_form};
use reqwest::Method as M;
use serde_json::{Value, json};

/// The problems a page shows in its error summary: (field, Dutch message).
fn page_problems(html: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let link = scraper::Selector::parse(".error-summary li a").unwrap();
    doc.select(&link)
        .map(|a| {
            (
                a.value()
                    .attr("href")
                    .unwrap_or("")
                    .trim_start_matches('#')
                    .to_owned(),
                a.text().collect::<String>().trim().to_owned(),
            )
        })
        .collect()
}

/// The problems of an API answer: (field, Dutch message).
fn api_problems(body: &Value) -> Vec<(String, String)> {
    body["problems"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .filter(|p| !p["field"].as_str().unwrap_or("").is_empty())
                .map(|p| {
                    (
                        p["field"].as_str().unwrap().to_owned(),
                        p["message_nl"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn page_answer(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> Vec<(String, String)> {
    let r = post_form(app, c, path, fields).await;
    assert_eq!(r.status(), 422, "{path}");
    page_problems(&r.text().await.unwrap())
}

async fn api_answer(
    app: &TestApp,
    c: &reqwest::Client,
    csrf: &str,
    method: M,
    path: &str,
    body: Value,
) -> Vec<(String, String)> {
    let (status, body) = api(app, c, csrf, method, path, body).await;
    assert_eq!(status, 422, "{path}: {body}");
    api_problems(&body)
}

#[tokio::test]
async fn every_write_with_a_page_and_an_api_answers_the_same_field_and_message() {
    let app = TestApp::spawn().await;
    let (w, csrf) = app.login("demo.gezinswerker").await;
    let case = app.id_of("SELECT c.id FROM cases c JOIN persons p ON p.family_id = c.family_id WHERE p.name = 'Lotte Bakker'").await;
    let page_csrf = || async {
        let html = w
            .get(app.url(&format!("/casussen/{case}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        csrf_of(&html)
    };
    let form_csrf = page_csrf().await;
    let mut checked = 0;
    let mut same = |what: &str, page: Vec<(String, String)>, api: Vec<(String, String)>| {
        assert!(!page.is_empty(), "{what}: the page names a field");
        assert_eq!(page, api, "{what}: page and API differ");
        checked += 1;
    };

    // Registration: no question, a bad BSN.
    same(
        "registration",
        page_answer(
            &app,
            &w,
            "/aanmelden",
            &[
                ("csrf", &form_csrf),
                ("municipality_code", "1640"),
                ("primary_problem_area", "opvoeding"),
                ("youths.0.name", "Kind Proef"),
                ("youths.0.birth_date", "2015-01-01"),
                ("youths.0.bsn", "123456789"),
            ],
        )
        .await,
        api_answer(
            &app,
            &w,
            &csrf,
            M::POST,
            "/api/v1/registrations",
            json!({"municipality_code": "1640", "primary_problem_area": "opvoeding",
            "youths": [{"name": "Kind Proef", "birth_date": "2015-01-01", "bsn": "123456789"}]}),
        )
        .await,
    );
    // A family member with a BSN that fails the 11-check.
    same(
        "person",
        page_answer(
            &app,
            &w,
            &format!("/casussen/{case}/personen/nieuw?soort=ouder"),
            &[
                ("csrf", &form_csrf),
                ("name", "Ouder Proef"),
                ("bsn", "123456789"),
            ],
        )
        .await,
        api_answer(
            &app,
            &w,
            &csrf,
            M::POST,
            &format!("/api/v1/cases/{case}/persons"),
            json!({"kind": "parent", "name": "Ouder Proef", "bsn": "123456789"}),
        )
        .await,
    );
    // A network member without a name.
    same(
        "network",
        page_answer(
            &app,
            &w,
            &format!("/casussen/{case}/netwerk/nieuw"),
            &[("csrf", &form_csrf), ("relation", "buurvrouw")],
        )
        .await,
        api_answer(
            &app,
            &w,
            &csrf,
            M::POST,
            &format!("/api/v1/cases/{case}/network"),
            json!({"relation": "buurvrouw"}),
        )
        .await,
    );
    // Closing without a reason.
    let version: i64 = sqlx::query_scalar("SELECT version FROM cases WHERE id = $1")
        .bind(&case)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    same(
        "close",
        page_answer(
            &app,
            &w,
            &format!("/casussen/{case}/afsluiten"),
            &[("csrf", &form_csrf), ("version", &version.to_string())],
        )
        .await,
        api_answer(
            &app,
            &w,
            &csrf,
            M::POST,
            &format!("/api/v1/cases/{case}/transitions"),
            json!({"version": version, "step": "close"}),
        )
        .await,
    );
    // The family's agreement without who agreed.
    same(
        "agreement",
        page_answer(
            &app,
            &w,
            &format!("/casussen/{case}/plan/akkoord"),
            &[("csrf", &form_csrf), ("number", "1")],
        )
        .await,
        api_answer(
            &app,
            &w,
            &csrf,
            M::POST,
            &format!("/api/v1/cases/{case}/plan/agreement"),
            json!({"number": 1}),
        )
        .await,
    );

    // An access request without a youth, reason, product or result.
    same(
        "access request",
        page_answer(
            &app,
            &w,
            &format!("/casussen/{case}/toegang/nieuw"),
            &[("csrf", &form_csrf), ("funding", "zin")],
        )
        .await,
        api_answer(
            &app,
            &w,
            &csrf,
            M::POST,
            &format!("/api/v1/cases/{case}/access-requests"),
            json!({"youth_id": "", "reason": "", "product_id": "", "funding": "zin", "results": []}),
        )
        .await,
    );
    // A consultation request without its kind, reason or question.
    same(
        "consultation request",
        page_answer(
            &app,
            &w,
            &format!("/casussen/{case}/consultatie"),
            &[("csrf", &form_csrf)],
        )
        .await,
        api_answer(
            &app,
            &w,
            &csrf,
            M::POST,
            &format!("/api/v1/cases/{case}/consultations"),
            json!({"kind": "", "reason": "", "question": "", "anonymised_question": ""}),
        )
        .await,
    );
    // A budget that is no amount.
    let (officer, ocsrf) = app.login("demo.beleid").await;
    let officer_csrf = csrf_of(
        &officer
            .get(app.url("/rapportages/budgetten"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    same(
        "budget",
        page_answer(
            &app,
            &officer,
            "/rapportages/budgetten",
            &[
                ("csrf", &officer_csrf),
                ("year", "2026"),
                ("amount", "veel"),
            ],
        )
        .await,
        api_answer(
            &app,
            &officer,
            &ocsrf,
            M::PUT,
            "/api/v1/budgets/2026",
            json!({"amount": "veel"}),
        )
        .await,
    );

    // An organisation whose name exists: page, API and command line.
    let (admin, acsrf) = app.login("demo.beheerder").await;
    let existing: String = app
        .id_of("SELECT name FROM organisations WHERE org_type = 'cjg' LIMIT 1")
        .await;
    let admin_csrf = csrf_of(
        &admin
            .get(app.url("/beheer/organisaties/nieuw"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    let page = page_answer(
        &app,
        &admin,
        "/beheer/organisaties/nieuw",
        &[
            ("csrf", &admin_csrf),
            ("name", &existing),
            ("org_type", "cjg"),
        ],
    )
    .await;
    let api = api_answer(
        &app,
        &admin,
        &acsrf,
        M::POST,
        "/api/v1/organisations",
        json!({"name": existing, "org_type": "cjg"}),
    )
    .await;
    assert_eq!(
        page,
        [(
            "name".to_owned(),
            "Er bestaat al een organisatie met deze naam.".to_owned()
        )]
    );
    same("organisation", page.clone(), api);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_eenplan"))
        .args(["org", "add", "--name", &existing, "--type", "cjg"])
        .env("EENPLAN_DATABASE_URL", app.database_url())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("name: An organisation with this name already exists."),
        "{stderr}"
    );
    assert_eq!(checked, 9);
}
