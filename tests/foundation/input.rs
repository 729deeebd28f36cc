//! Bad input: clear 4xx answers naming the field, never a 5xx, never a panic.

use crate::common::TestApp;

#[tokio::test]
async fn malformed_json_wrong_types_and_wrong_content_type_are_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let (client, csrf) = app.login("demo.beheerder").await;
    let post = |body: &'static str, ct: &'static str| {
        client
            .post(app.url("/api/v1/organisations"))
            .header("x-csrf-token", &csrf)
            .header("content-type", ct)
            .body(body)
            .send()
    };
    let r = post("{not json", "application/json").await.unwrap();
    assert_eq!(r.status(), 422);
    let r = post(r#"{"name": 12, "org_type": "school"}"#, "application/json")
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["problems"][0]["field"], "name", "{body}");
    let r = post(r#"{"name": "X"}"#, "text/plain").await.unwrap();
    assert_eq!(r.status(), 422);
    let r = post(
        r#"{"name": "Zorg BV", "org_type": "provider", "agb_code": "123"}"#,
        "application/json",
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 422);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["problems"][0]["field"], "agb_code");
    assert!(
        body["problems"][0]["message_nl"]
            .as_str()
            .unwrap()
            .contains("8 cijfers")
    );
}

#[tokio::test]
async fn bodies_over_one_mebibyte_are_refused_with_413() {
    let app = TestApp::spawn().await;
    let (client, csrf) = app.login("demo.beheerder").await;
    let big = format!(
        r#"{{"name": "{}", "org_type": "school"}}"#,
        "x".repeat(1_100_000)
    );
    let r = client
        .post(app.url("/api/v1/organisations"))
        .header("x-csrf-token", &csrf)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let big_form = format!("csrf={csrf}&name={}", "x".repeat(1_100_000));
    let r = client
        .post(app.url("/beheer/organisaties/nieuw"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(big_form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(
        r.text().await.unwrap().contains("te groot"),
        "a Dutch error page"
    );
}

#[tokio::test]
async fn unknown_ids_and_routes_are_404_pages_in_the_users_language() {
    let app = TestApp::spawn().await;
    let (client, _) = app.login("demo.beheerder").await;
    let r = client
        .get(app.url("/api/v1/organisations/00000000-0000-0000-0000-000000000000"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = client
        .get(app.url("/beheer/gebruikers/niet-bestaand"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("bestaat niet"));
    let r = client.get(app.url("/bestaat/niet")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    client.get(app.url("/lang/en?next=/")).send().await.unwrap();
    let r = client.get(app.url("/bestaat/niet")).send().await.unwrap();
    assert!(r.text().await.unwrap().contains("does not exist"));
    let r = client
        .delete(app.url("/organisaties"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
}

#[tokio::test]
async fn form_errors_name_the_field_and_keep_the_input() {
    let app = TestApp::spawn().await;
    let (client, csrf) = app.login("demo.beheerder").await;
    let r = client
        .post(app.url("/beheer/organisaties/nieuw"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "Zorggroep Noord"),
            ("org_type", "provider"),
            ("agb_code", "12ab"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("error-summary") && page.contains("href=\"#agb_code\""));
    assert!(page.contains("value=\"Zorggroep Noord\""), "input is kept");
    let r = client
        .post(app.url("/beheer/gebruikers/nieuw"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "demo.beheerder"),
            ("display_name", "Dubbel"),
            ("role", "reviewer"),
            (
                "organisation_id",
                &app.id_of("SELECT id FROM organisations LIMIT 1").await,
            ),
            ("password", "zeil-boom-kaars-negentien"),
            ("reason", "Tweede gedragswetenschapper"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Deze gebruikersnaam bestaat al")
    );
}

#[tokio::test]
async fn public_endpoints_health_metrics_and_headers() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let r = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = client.get(app.url("/login")).send().await.unwrap();
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'")
            && !csp.contains("unsafe-inline")
            && !csp.contains("script-src")
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");
    // No token configured: no metrics. With one: only for whoever sends it.
    let r = client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let app = TestApp::spawn_with(eenplan_web::WebConfig {
        metrics_token: Some("scraper-secret-123".into()),
        secure_cookies: true,
        ..crate::common::demo_config()
    })
    .await;
    let client = reqwest::Client::new();
    let r = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(
        r.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    client.get(app.url("/login")).send().await.unwrap();
    for wrong in ["", "Bearer scraper-secret-12", "Bearer scraper-secret-1234"] {
        let r = client
            .get(app.url("/metrics"))
            .header("authorization", wrong)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{wrong:?}");
    }
    let metrics = client
        .get(app.url("/metrics"))
        .header("authorization", "Bearer scraper-secret-123")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("http_requests_total") && metrics.contains("route=\"/login\""),
        "{metrics}"
    );
    assert!(!metrics.contains("demo."), "no user names in metrics");
}

#[tokio::test]
async fn the_openapi_document_is_generated_and_stable() {
    let app = TestApp::spawn().await;
    let doc: serde_json::Value = app
        .client()
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    insta::assert_json_snapshot!("openapi", doc);
}

#[tokio::test]
async fn no_route_of_the_openapi_document_answers_5xx_to_garbage() {
    let app = TestApp::spawn().await;
    let (client, csrf) = app.login("demo.beheerder").await;
    let doc: serde_json::Value = client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bodies = [
        "",
        "null",
        "[]",
        "{}",
        "\"x\"",
        "{\"name\": null}",
        "{\"version\": \"x\"}",
        "\u{0}\u{1}",
        "{\"team_ids\": [1,2]}",
    ];
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            for id in [
                "x",
                "%00",
                "..%2F..",
                "00000000-0000-0000-0000-000000000000",
                &"9".repeat(300),
            ] {
                let url = app.url(&path.replace("{id}", id).replace("{list}", id));
                for body in bodies {
                    let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                    let r = client
                        .request(m, &url)
                        .header("x-csrf-token", &csrf)
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await
                        .unwrap();
                    assert!(
                        r.status().as_u16() < 500,
                        "{method} {url} {body:?} -> {}",
                        r.status()
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn malformed_queries_paths_and_redirect_targets_are_4xx() {
    let app = TestApp::spawn().await;
    let (client, _) = app.login("demo.beheerder").await;
    let r = client
        .get(app.url("/lang/en?next=/%0d%0aSet-Cookie:x=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/");
    let r = client
        .get(app.url("/beheer/audit?from=a&from=b"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = client
        .get(app.url("/api/v1/audit-events?from=x&from=y"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(r.headers()["content-type"], "application/json");
    let r = client
        .get(app.url("/api/v1/organisations/%ff"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = client
        .get(app.url("/beheer/gebruikers/%ff%fe"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}
