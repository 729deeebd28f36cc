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

/// A page's form as the page answers it, with the page's names for the command's fields
/// put back (a page holding several forms prefixes some of them).
fn as_command(page: Vec<(String, String)>, names: &[(&str, &str)]) -> Vec<(String, String)> {
    page.into_iter()
        .map(|(field, message)| {
            let field = names
                .iter()
                .find(|(form, _)| *form == field)
                .map_or(field, |(_, command)| (*command).to_owned());
            (field, message)
        })
        .collect()
}

async fn csrf_at(app: &TestApp, c: &reqwest::Client, path: &str) -> String {
    let r = c.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    csrf_of(&r.text().await.unwrap())
}

#[tokio::test]
async fn the_decision_provider_treatment_team_and_administration_commands_answer_the_same() {
    let app = TestApp::spawn().await;
    let today = eenplan_store::today();
    let a = crate::ijw::assigned(
        &app,
        today - chrono::Duration::days(20),
        today + chrono::Duration::days(80),
    )
    .await;
    let d = a.decision.clone();
    let (cjg, ccsrf) = app.login("demo.gedragswetenschapper").await;
    let form_csrf = csrf_at(&app, &cjg, &format!("/beschikkingen/{d}")).await;
    let version = app
        .id_of(&format!(
            "SELECT CAST(version AS TEXT) FROM decisions WHERE id = '{d}'"
        ))
        .await;
    let v: i64 = version.parse().unwrap();
    let mut checked = 0;
    let mut same = |what: &str, page: Vec<(String, String)>, api: Vec<(String, String)>| {
        assert!(!page.is_empty(), "{what}: the page names a field");
        assert_eq!(page, api, "{what}: page and API differ");
        checked += 1;
    };

    // A change of the decision without its new end date, and without a reason.
    same(
        "decision change",
        as_command(
            page_answer(
                &app,
                &cjg,
                &format!("/beschikkingen/{d}/wijzigen"),
                &[
                    ("csrf", &form_csrf),
                    ("version", &version),
                    ("kind", "amend"),
                ],
            )
            .await,
            &[("change_reason", "reason")],
        ),
        api_answer(
            &app,
            &cjg,
            &ccsrf,
            M::POST,
            &format!("/api/v1/decisions/{d}/changes"),
            json!({"version": v, "kind": "amend", "reason": ""}),
        )
        .await,
    );
    // Time with no minutes and a date in the future.
    let tomorrow = (today + chrono::Duration::days(1)).to_string();
    same(
        "time",
        as_command(
            page_answer(
                &app,
                &cjg,
                &format!("/beschikkingen/{d}/tijd"),
                &[
                    ("csrf", &form_csrf),
                    ("time_on", &tomorrow),
                    ("minutes", "0"),
                ],
            )
            .await,
            &[("time_on", "on")],
        ),
        api_answer(
            &app,
            &cjg,
            &ccsrf,
            M::POST,
            &format!("/api/v1/decisions/{d}/time"),
            json!({"on": tomorrow, "minutes": 0}),
        )
        .await,
    );
    // An evaluation with nothing filled in.
    let evaluation = app
        .id_of(&format!(
            "SELECT id FROM evaluations WHERE decision_id = '{d}' ORDER BY due_on LIMIT 1"
        ))
        .await;
    let ev_version = app
        .id_of(&format!(
            "SELECT CAST(version AS TEXT) FROM evaluations WHERE id = '{evaluation}'"
        ))
        .await;
    let ev_path = format!("/beschikkingen/{d}/evaluaties/{evaluation}");
    let ev_csrf = csrf_at(&app, &cjg, &ev_path).await;
    same(
        "evaluation",
        page_answer(
            &app,
            &cjg,
            &ev_path,
            &[("csrf", &ev_csrf), ("version", &ev_version)],
        )
        .await,
        api_answer(
            &app,
            &cjg,
            &ccsrf,
            M::POST,
            &format!("/api/v1/decisions/{d}/evaluations/{evaluation}"),
            json!({"version": ev_version.parse::<i64>().unwrap(), "done_on": "",
                "family_view": "", "outcome": "", "scores": []}),
        )
        .await,
    );
    // Sending back with a comment that is too long.
    let request = app
        .id_of(&format!(
            "SELECT request_id FROM decisions WHERE id = '{d}'"
        ))
        .await;
    let long = "x".repeat(4001);
    let rq_csrf = csrf_at(&app, &cjg, &format!("/toegang/{request}")).await;
    same(
        "send back",
        page_answer(
            &app,
            &cjg,
            &format!("/toegang/{request}/terugsturen"),
            &[("csrf", &rq_csrf), ("version", "1"), ("comment", &long)],
        )
        .await,
        api_answer(
            &app,
            &cjg,
            &ccsrf,
            M::POST,
            &format!("/api/v1/access-requests/{request}/steps"),
            json!({"version": 1, "step": "send_back", "comment": long}),
        )
        .await,
    );
    // The provider's report of the care with a start that is no date.
    let p_csrf = csrf_at(&app, &a.provider, &format!("/aanbieder/beschikkingen/{d}")).await;
    same(
        "care report",
        page_answer(
            &app,
            &a.provider,
            &format!("/aanbieder/beschikkingen/{d}"),
            &[
                ("csrf", &p_csrf),
                ("version", &version),
                ("actual_start_on", "morgen"),
            ],
        )
        .await,
        api_answer(
            &app,
            &a.provider,
            &a.pcsrf,
            M::POST,
            &format!("/api/v1/provider/decisions/{d}/care"),
            json!({"version": v, "actual_start_on": "morgen"}),
        )
        .await,
    );

    // The treatment team: hours that are no number, a member without a discipline, an
    // activity without its kind, an intake with an unknown contra-indication, closing
    // without an outcome.
    let leudal = app
        .id_of("SELECT id FROM teams WHERE name = 'LBT Leudal'")
        .await;
    let (team, tcsrf) = app.login("demo.behandelteam").await;
    let h_csrf = csrf_at(&app, &team, &format!("/lbt/uren?team={leudal}")).await;
    same(
        "hours",
        page_answer(
            &app,
            &team,
            "/lbt/uren",
            &[
                ("csrf", &h_csrf),
                ("team", &leudal),
                ("on", &today.to_string()),
                ("hours", "veel"),
                ("activity", "mdo"),
            ],
        )
        .await,
        api_answer(
            &app,
            &team,
            &tcsrf,
            M::POST,
            &format!("/api/v1/treatment-teams/{leudal}/hours"),
            json!({"on": today.to_string(), "hours": "veel", "activity": "mdo"}),
        )
        .await,
    );
    let (coordinator, cocsrf) = app.login("demo.coordinator").await;
    let member = app
        .id_of("SELECT id FROM users WHERE username = 'demo.gezinswerker'")
        .await;
    let m_csrf = csrf_at(&app, &coordinator, &format!("/lbt/leden?team={leudal}")).await;
    same(
        "member",
        page_answer(
            &app,
            &coordinator,
            "/lbt/leden",
            &[
                ("csrf", &m_csrf),
                ("team", &leudal),
                ("user_id", &member),
                ("committed_hours", "8"),
                ("valid_from", &today.to_string()),
            ],
        )
        .await,
        api_answer(
            &app,
            &coordinator,
            &cocsrf,
            M::POST,
            &format!("/api/v1/treatment-teams/{leudal}/members"),
            json!({"user_id": member, "discipline": "", "committed_hours": "8",
                "valid_from": today.to_string()}),
        )
        .await,
    );
    let case = app.id_of("SELECT c.id FROM cases c JOIN persons p ON p.family_id = c.family_id WHERE p.name = 'Lotte Bakker'").await;
    let (status, made) = api(
        &app,
        &cjg,
        &ccsrf,
        M::POST,
        &format!("/api/v1/cases/{case}/consultations"),
        json!({"kind": "advice", "reason": "spar", "question": "Vraag van het gezin.",
            "anonymised_question": "Geanonimiseerde vraag."}),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let consultation = made["id"].as_str().unwrap().to_owned();
    let c_path = format!("/lbt/verzoeken/{consultation}");
    let c_csrf = csrf_at(&app, &team, &c_path).await;
    same(
        "activity",
        page_answer(
            &app,
            &team,
            &format!("{c_path}/activiteit"),
            &[("csrf", &c_csrf), ("on", &tomorrow)],
        )
        .await,
        api_answer(
            &app,
            &team,
            &tcsrf,
            M::POST,
            &format!("/api/v1/consultations/{consultation}/activities"),
            json!({"kind": "", "on": tomorrow}),
        )
        .await,
    );
    same(
        "intake",
        page_answer(
            &app,
            &team,
            &format!("{c_path}/intake"),
            &[
                ("csrf", &c_csrf),
                ("version", "1"),
                ("contra_indication", "onbekend"),
            ],
        )
        .await,
        api_answer(
            &app,
            &team,
            &tcsrf,
            M::POST,
            &format!("/api/v1/consultations/{consultation}/intake"),
            json!({"version": 1, "contra_indication": "onbekend"}),
        )
        .await,
    );
    same(
        "close consultation",
        page_answer(
            &app,
            &team,
            &format!("{c_path}/afsluiten"),
            &[
                ("csrf", &c_csrf),
                ("version", "1"),
                ("closed_on", &tomorrow),
            ],
        )
        .await,
        api_answer(
            &app,
            &team,
            &tcsrf,
            M::POST,
            &format!("/api/v1/consultations/{consultation}/close"),
            json!({"version": 1, "outcome": "", "closed_on": tomorrow}),
        )
        .await,
    );
    // A declaration without its organisation.
    let dec_csrf = csrf_at(&app, &coordinator, "/lbt/declaraties").await;
    same(
        "declaration",
        page_answer(
            &app,
            &coordinator,
            "/lbt/declaraties",
            &[
                ("csrf", &dec_csrf),
                ("organisation_id", ""),
                ("year", "2025"),
            ],
        )
        .await,
        api_answer(
            &app,
            &coordinator,
            &cocsrf,
            M::POST,
            "/api/v1/declarations",
            json!({"organisation_id": "", "year": 2025}),
        )
        .await,
    );

    // Administration: a team without a name, an account with a bad username.
    let (admin, acsrf) = app.login("demo.beheerder").await;
    let cjg_org = app
        .id_of("SELECT id FROM organisations WHERE org_type = 'cjg' LIMIT 1")
        .await;
    let t_csrf = csrf_at(&app, &admin, "/beheer/teams/nieuw").await;
    same(
        "team",
        page_answer(
            &app,
            &admin,
            "/beheer/teams/nieuw",
            &[
                ("csrf", &t_csrf),
                ("organisation_id", &cjg_org),
                ("team_type", "local_team"),
                ("municipalities", "1640"),
            ],
        )
        .await,
        api_answer(
            &app,
            &admin,
            &acsrf,
            M::POST,
            "/api/v1/teams",
            json!({"organisation_id": cjg_org, "name": "", "team_type": "local_team",
                "municipalities": ["1640"]}),
        )
        .await,
    );
    let u_csrf = csrf_at(&app, &admin, "/beheer/gebruikers/nieuw").await;
    same(
        "account",
        page_answer(
            &app,
            &admin,
            "/beheer/gebruikers/nieuw",
            &[
                ("csrf", &u_csrf),
                ("username", "Een Naam"),
                ("display_name", "Een Naam"),
                ("role", "family_worker"),
                ("organisation_id", &cjg_org),
                ("password", "lang genoeg maar voorspelbaar"),
            ],
        )
        .await,
        api_answer(
            &app,
            &admin,
            &acsrf,
            M::POST,
            "/api/v1/users",
            json!({"username": "Een Naam", "display_name": "Een Naam", "role": "family_worker",
                "organisation_id": cjg_org, "password": "lang genoeg maar voorspelbaar"}),
        )
        .await,
    );
    assert_eq!(checked, 13);
}
