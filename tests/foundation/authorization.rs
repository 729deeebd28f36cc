//! The authorization matrix: every role against every route, allowed or refused (403,
//! audited). Unauthenticated requests never get data.

use crate::common::TestApp;
use reqwest::Method;

#[derive(Clone, Copy, PartialEq)]
enum Who {
    Everyone,
    AdminOnly,
}

const ROLES: [(&str, &str); 8] = [
    ("demo.gezinswerker", "family_worker"),
    ("demo.gedragswetenschapper", "reviewer"),
    ("demo.behandelteam", "treatment_team_member"),
    ("demo.aanbieder", "provider_staff"),
    ("demo.ketenpartner", "chain_partner"),
    ("demo.coordinator", "team_coordinator"),
    ("demo.beleid", "policy_officer"),
    ("demo.beheerder", "administrator"),
];

/// Every guarded route; `{org}`, `{team}`, `{user}` and `{token}` are filled with real ids.
fn routes() -> Vec<(Method, &'static str, Who)> {
    use Method as M;
    use Who::*;
    vec![
        (M::GET, "/", Everyone),
        (M::GET, "/account", Everyone),
        (M::POST, "/account/password", Everyone),
        (M::POST, "/account/tokens", Everyone),
        (M::POST, "/account/tokens/{token}/revoke", Everyone),
        (M::GET, "/organisaties", Everyone),
        (M::GET, "/beheer/organisaties/nieuw", AdminOnly),
        (M::POST, "/beheer/organisaties/nieuw", AdminOnly),
        (M::GET, "/beheer/organisaties/{org}", AdminOnly),
        (M::POST, "/beheer/organisaties/{org}", AdminOnly),
        (M::GET, "/beheer/teams/nieuw", AdminOnly),
        (M::POST, "/beheer/teams/nieuw", AdminOnly),
        (M::GET, "/beheer/teams/{team}", AdminOnly),
        (M::POST, "/beheer/teams/{team}", AdminOnly),
        (M::GET, "/beheer/gebruikers", AdminOnly),
        (M::GET, "/beheer/gebruikers/nieuw", AdminOnly),
        (M::POST, "/beheer/gebruikers/nieuw", AdminOnly),
        (M::GET, "/beheer/gebruikers/{user}", AdminOnly),
        (M::POST, "/beheer/gebruikers/{user}", AdminOnly),
        (M::POST, "/beheer/gebruikers/{user}/mfa-reset", AdminOnly),
        (M::GET, "/beheer/audit", AdminOnly),
        (M::GET, "/api/v1/me", Everyone),
        (M::GET, "/api/v1/municipalities", Everyone),
        (M::GET, "/api/v1/code-lists/problem_areas", Everyone),
        (M::GET, "/api/v1/organisations", Everyone),
        (M::GET, "/api/v1/organisations/{org}", Everyone),
        (M::POST, "/api/v1/organisations", AdminOnly),
        (M::PUT, "/api/v1/organisations/{org}", AdminOnly),
        (M::GET, "/api/v1/teams", Everyone),
        (M::POST, "/api/v1/teams", AdminOnly),
        (M::PUT, "/api/v1/teams/{team}", AdminOnly),
        (M::GET, "/api/v1/users", AdminOnly),
        (M::POST, "/api/v1/users", AdminOnly),
        (M::GET, "/api/v1/users/{user}", AdminOnly),
        (M::PUT, "/api/v1/users/{user}", AdminOnly),
        (M::GET, "/api/v1/audit-events", AdminOnly),
        // Last: it ends the session the loop uses.
        (M::POST, "/logout", Everyone),
    ]
}

#[tokio::test]
async fn every_role_against_every_route() {
    let app = TestApp::spawn().await;
    let org = app
        .id_of("SELECT id FROM organisations WHERE org_type = 'provider' ORDER BY name LIMIT 1")
        .await;
    let team = app
        .id_of("SELECT id FROM teams ORDER BY name LIMIT 1")
        .await;
    // A target user that no test role is: mfa-reset or edits must not lock out the roles.
    let user = app
        .id_of("SELECT id FROM users WHERE username = 'demo.coordinator'")
        .await;
    let mut failures = Vec::new();
    for (username, role) in ROLES {
        let (client, csrf) = app.login(username).await;
        let token = app.id_of(&format!(
            "SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.username = '{username}'
             UNION ALL SELECT 'none' ORDER BY 1 LIMIT 1"
        )).await;
        for (method, template, who) in routes() {
            let path = template
                .replace("{org}", &org)
                .replace("{team}", &team)
                .replace("{user}", &user)
                .replace("{token}", &token);
            let refused_before = app.audit_count("access.refused").await;
            let mut req = client.request(method.clone(), app.url(&path));
            if path.starts_with("/api/") {
                req = req.header("x-csrf-token", &csrf);
                if method != Method::GET {
                    req = req.json(&serde_json::json!({}));
                }
            } else if method == Method::POST {
                req = req.form(&[("csrf", csrf.as_str())]);
            }
            let status = req.send().await.unwrap().status().as_u16();
            let allowed = who == Who::Everyone || role == "administrator";
            let refused_after = app.audit_count("access.refused").await;
            if allowed && (status == 403 || status == 401 || status >= 500) {
                failures.push(format!(
                    "{role} {method} {path}: expected allowed, got {status}"
                ));
            }
            if !allowed && (status != 403 || refused_after != refused_before + 1) {
                failures.push(format!(
                    "{role} {method} {path}: expected 403 + audit, got {status}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn anonymous_requests_get_401_or_the_login_page() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for (method, template, _) in routes() {
        let path = template.replace(['{', '}'], "x");
        let r = client
            .request(method.clone(), app.url(&path))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        if path.starts_with("/api/") {
            assert_eq!(status, 401, "{method} {path}");
        } else {
            assert_eq!(status, 303, "{method} {path}");
            assert_eq!(r.headers()["location"], "/login", "{method} {path}");
        }
    }
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let app = TestApp::spawn().await;
    let (client, csrf) = app.login("demo.beheerder").await;
    let r = client
        .post(app.url("/beheer/organisaties/nieuw"))
        .form(&[("name", "X"), ("org_type", "school")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = client
        .post(app.url("/beheer/organisaties/nieuw"))
        .form(&[("csrf", "wrong"), ("name", "X"), ("org_type", "school")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Cookie-authenticated API writes need the header.
    let r = client
        .post(app.url("/api/v1/organisations"))
        .json(&serde_json::json!({"name": "X", "org_type": "school"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = client
        .post(app.url("/api/v1/organisations"))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"name": "Basisschool De Linde", "org_type": "school"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    // The login form is protected too.
    let r = app
        .client()
        .post(app.url("/login"))
        .form(&[
            ("username", "demo.beheerder"),
            ("password", eenplan_store::demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn aggregate_and_admin_roles_get_no_personal_data_from_any_api_route() {
    // The only personal data in the foundation are user accounts (professionals); no
    // route returns client data yet. Policy officers may not even list accounts.
    let app = TestApp::spawn().await;
    let (client, _) = app.login("demo.beleid").await;
    assert_eq!(
        client
            .get(app.url("/api/v1/users"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        client
            .get(app.url("/api/v1/audit-events"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

#[tokio::test]
async fn the_matrix_covers_every_route_of_the_openapi_document() {
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
    let listed: Vec<(String, String)> = routes()
        .into_iter()
        .map(|(m, p, _)| {
            (
                m.to_string(),
                p.replace("{org}", "{id}")
                    .replace("{team}", "{id}")
                    .replace("{user}", "{id}")
                    .replace("problem_areas", "{list}"),
            )
        })
        .collect();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let key = (method.to_uppercase(), path.clone());
            assert!(
                listed.contains(&key),
                "route {} {} is missing from the authorization matrix",
                key.0,
                key.1
            );
        }
    }
}
