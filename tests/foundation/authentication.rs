use crate::common::{TestApp, api, csrf_of, demo_config, post_form};
use eenplan_web::WebConfig;
use reqwest::Method as M;
use serde_json::Value;

#[tokio::test]
async fn login_with_password_and_totp_then_logout_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let (client, csrf) = app.login("demo.gezinswerker").await;
    let home = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.headers()["cache-control"], "no-store");
    let text = home.text().await.unwrap();
    assert!(text.contains("Iris Vermeulen"), "home shows the user");
    assert_eq!(app.audit_count("login").await, 1);

    // Keep the session cookie to replay it after logout.
    let me = client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(me.status(), 200);
    let r = client
        .post(app.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(app.audit_count("logout").await, 1);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(n, 0, "logout deletes the server-side session");
    assert_eq!(
        client
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        client.get(app.url("/")).send().await.unwrap().headers()["location"],
        "/login"
    );
}

#[tokio::test]
async fn session_id_changes_at_login_and_cookie_flags_are_strict() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let r = app
        .password_step(
            &client,
            "demo.beheerder",
            eenplan_store::demo::DEMO_PASSWORD,
        )
        .await;
    let first = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        first.contains("HttpOnly") && first.contains("SameSite=Strict"),
        "{first}"
    );
    let mfa = client
        .get(app.url("/login/mfa"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let code = app.fresh_code("demo.beheerder").await;
    let r = client
        .post(app.url("/login/mfa"))
        .form(&[("csrf", csrf_of(&mfa).as_str()), ("code", code.as_str())])
        .send()
        .await
        .unwrap();
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let second = cookies
        .iter()
        .find(|c| c.starts_with("eenplan_session="))
        .unwrap();
    assert_ne!(
        first.split(';').next(),
        second.split(';').next(),
        "a new session id after MFA"
    );
}

#[tokio::test]
async fn secure_mode_uses_host_prefixed_secure_cookies() {
    let app = TestApp::spawn_with(WebConfig {
        secure_cookies: true,
        ..demo_config()
    })
    .await;
    let r = app.client().get(app.url("/login")).send().await.unwrap();
    let c = r.headers()["set-cookie"].to_str().unwrap();
    assert!(
        c.starts_with("__Host-eenplan_login=") && c.contains("Secure") && c.contains("Path=/"),
        "{c}"
    );
}

#[tokio::test]
async fn wrong_password_is_refused_audited_and_throttled_per_account() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for _ in 0..5 {
        let r = app
            .password_step(&client, "demo.beheerder", "verkeerd-wachtwoord-123")
            .await;
        assert_eq!(r.status(), 401);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("Gebruikersnaam of wachtwoord klopt niet")
        );
    }
    assert_eq!(app.audit_count("login.failed").await, 5);
    // Now even the right password is refused for a while.
    let r = app
        .password_step(
            &client,
            "demo.beheerder",
            eenplan_store::demo::DEMO_PASSWORD,
        )
        .await;
    assert_eq!(r.status(), 429);
    // Another account from the same address is not locked by this one.
    let r = app
        .password_step(
            &app.client(),
            "demo.beleid",
            eenplan_store::demo::DEMO_PASSWORD,
        )
        .await;
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn unknown_user_gets_the_same_answer_as_a_wrong_password() {
    let app = TestApp::spawn().await;
    let r = app
        .password_step(&app.client(), "niemand", "wat-dan-ook-12345")
        .await;
    assert_eq!(r.status(), 401);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Gebruikersnaam of wachtwoord klopt niet")
    );
}

#[tokio::test]
async fn a_wrong_or_replayed_totp_code_is_refused() {
    let app = TestApp::spawn().await;
    let client = app.client();
    app.password_step(
        &client,
        "demo.coordinator",
        eenplan_store::demo::DEMO_PASSWORD,
    )
    .await;
    let mfa = client
        .get(app.url("/login/mfa"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&mfa);
    let r = client
        .post(app.url("/login/mfa"))
        .form(&[("csrf", csrf.as_str()), ("code", "000000")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(app.audit_count("mfa.failed").await, 1);
    let code = app.fresh_code("demo.coordinator").await;
    let r = client
        .post(app.url("/login/mfa"))
        .form(&[("csrf", csrf.as_str()), ("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    // The same code again, from another login, is a replay.
    let other = app.client();
    app.password_step(
        &other,
        "demo.coordinator",
        eenplan_store::demo::DEMO_PASSWORD,
    )
    .await;
    let mfa = other
        .get(app.url("/login/mfa"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = other
        .post(app.url("/login/mfa"))
        .form(&[("csrf", csrf_of(&mfa).as_str()), ("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn the_mfa_step_cannot_be_skipped() {
    let app = TestApp::spawn().await;
    let client = app.client();
    app.password_step(
        &client,
        "demo.beheerder",
        eenplan_store::demo::DEMO_PASSWORD,
    )
    .await;
    assert_eq!(
        client.get(app.url("/")).send().await.unwrap().headers()["location"],
        "/login"
    );
    assert_eq!(
        client
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

#[tokio::test]
async fn demo_shortcut_exists_only_in_demo_mode() {
    let demo = TestApp::spawn().await;
    let page = demo
        .client()
        .get(demo.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("demo-accounts") && page.contains(eenplan_store::demo::DEMO_PASSWORD));

    let app = TestApp::spawn_with(WebConfig::default()).await;
    let page = app
        .client()
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("demo-accounts"));
    assert!(!page.contains("demo.gezinswerker"));
    assert!(!page.contains(eenplan_store::demo::DEMO_PASSWORD));
    assert!(!page.contains("totp-code"));
}

#[tokio::test]
async fn a_new_user_enrols_the_second_factor_with_a_qr_code_at_first_login() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.login("demo.beheerder").await;
    let api_csrf = {
        let page = admin
            .get(app.url("/account"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        csrf_of(&page)
    };
    let org = app
        .id_of("SELECT id FROM organisations WHERE org_type = 'cjg'")
        .await;
    let r = admin
        .post(app.url("/api/v1/users"))
        .header("x-csrf-token", &api_csrf)
        .json(&serde_json::json!({"username": "nieuwe.collega", "display_name": "Sem Bakker", "role": "family_worker",
            "organisation_id": org, "password": "appel-trein-wolk-zeventien",
            "reason": "Nieuwe gezinswerker in Leudal"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let client = app.client();
    let r = app
        .password_step(&client, "nieuwe.collega", "appel-trein-wolk-zeventien")
        .await;
    assert_eq!(r.status(), 303);
    let page = client
        .get(app.url("/login/mfa"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<svg") && page.contains("totp-secret"),
        "enrolment shows a QR code"
    );
    let code = app.fresh_code("nieuwe.collega").await;
    let r = client
        .post(app.url("/login/mfa"))
        .form(&[("csrf", csrf_of(&page).as_str()), ("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(app.audit_count("mfa.enrolled").await, 1);
}

#[tokio::test]
async fn common_and_short_passwords_are_refused_with_the_field_named() {
    let app = TestApp::spawn().await;
    let (admin, csrf) = app.login("demo.beheerder").await;
    let org = app
        .id_of("SELECT id FROM organisations WHERE org_type = 'cjg'")
        .await;
    for pw in ["kort", "password1234", "qwertyuiop12"] {
        let r = admin
            .post(app.url("/api/v1/users"))
            .header("x-csrf-token", &csrf)
            .json(&serde_json::json!({"username": "x.y", "display_name": "X Y", "role": "reviewer", "organisation_id": org, "password": pw}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["problems"][0]["field"], "password", "{body}");
    }
}

#[tokio::test]
async fn an_idle_session_expires() {
    let app = TestApp::spawn_with(WebConfig {
        idle_timeout: chrono::Duration::seconds(1),
        ..demo_config()
    })
    .await;
    let (client, _) = app.login("demo.aanbieder").await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(
        client
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

#[tokio::test]
async fn api_tokens_authenticate_and_can_be_revoked() {
    let app = TestApp::spawn().await;
    let (client, csrf) = app.login("demo.gedragswetenschapper").await;
    // The password and a code again, or no token.
    let code = app.unused_code("demo.gedragswetenschapper").await;
    let r = client
        .post(app.url("/account/tokens"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "script"),
            ("current_password", "niet-het-wachtwoord"),
            ("code", code.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(app.audit_count("password.check_failed").await, 1);
    let r = client
        .post(app.url("/account/tokens"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "script"),
            ("current_password", eenplan_store::demo::DEMO_PASSWORD),
            ("code", "000000"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let none: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_tokens")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(none, 0);
    let page = client
        .post(app.url("/account/tokens"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "script"),
            ("current_password", eenplan_store::demo::DEMO_PASSWORD),
            ("code", code.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let doc = scraper::Html::parse_document(&page);
    let token = doc
        .select(&scraper::Selector::parse("#new-token").unwrap())
        .next()
        .unwrap()
        .text()
        .collect::<String>();
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1")
        .bind(&token)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(stored, 0, "only the hash is stored");
    let bearer = reqwest::Client::new();
    let me: serde_json::Value = bearer
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "reviewer");
    // Read only (the default): no write, though the role may.
    let r = bearer
        .post(app.url("/api/v1/registrations"))
        .bearer_auth(&token)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // It expires in 90 days and shows when it was last used.
    let (expires, used): (String, Option<String>) =
        sqlx::query_as("SELECT expires_at, last_used_at FROM api_tokens")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    let days = (eenplan_store::parse_time(&expires).unwrap() - chrono::Utc::now()).num_days();
    assert!((89..=90).contains(&days), "{expires}");
    assert!(used.is_some());
    let id = app.id_of("SELECT id FROM api_tokens").await;
    let r = client
        .post(app.url(&format!("/account/tokens/{id}/revoke")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        bearer
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

#[tokio::test]
async fn language_switch_serves_english() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let r = client
        .get(app.url("/lang/en?next=/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/login");
    let page = client
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<html lang=\"en\">") && page.contains("Log in"));
    let r = client
        .get(app.url("/lang/nl?next=//evil.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/", "no open redirect");
}

#[tokio::test]
async fn changing_the_own_password_checks_the_current_one_and_ends_all_sessions() {
    let app = TestApp::spawn().await;
    let (client, csrf) = app.login("demo.ketenpartner").await;
    let r = client
        .post(app.url("/account/password"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("current_password", "niet-het-goede-wachtwoord"),
            ("new_password", "koffie-kano-lantaarn-88"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("href=\"#current_password\"")
    );
    let r = client
        .post(app.url("/account/password"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("current_password", eenplan_store::demo::DEMO_PASSWORD),
            ("new_password", "koffie-kano-lantaarn-88"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        client
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let fresh = app.client();
    assert_eq!(
        app.password_step(
            &fresh,
            "demo.ketenpartner",
            eenplan_store::demo::DEMO_PASSWORD
        )
        .await
        .status(),
        401
    );
    assert_eq!(
        app.password_step(&fresh, "demo.ketenpartner", "koffie-kano-lantaarn-88")
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn the_forbidden_page_keeps_the_users_navigation() {
    let app = TestApp::spawn().await;
    let (client, _) = app.login("demo.gezinswerker").await;
    let r = client
        .get(app.url("/beheer/gebruikers"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let page = r.text().await.unwrap();
    assert!(page.contains("Iris Vermeulen") && page.contains("action=\"/logout\""));
}

#[tokio::test]
async fn parallel_guesses_cannot_slip_under_the_throttle() {
    let app = TestApp::spawn().await;
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let client = app.client();
        let page = client
            .get(app.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = csrf_of(&page);
        let url = app.url("/login");
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("username", "demo.aanbieder"),
                    ("password", "raden-raden-raden-1"),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut refused = 0;
    for t in tasks {
        if t.await.unwrap() == 429 {
            refused += 1;
        }
    }
    assert_eq!(refused, 7, "only 5 attempts get through");
}

/// The demo region (published passwords, live codes on the login page) is not served by
/// accident: on a non-loopback address or with secure cookies the server refuses to start
/// in demo mode and says why; `--no-demo` starts it empty.
#[test]
fn the_server_refuses_demo_mode_where_it_would_publish_its_passwords() {
    let dir = std::env::temp_dir().join(format!("eenplan_demo_{}", uuid::Uuid::new_v4().simple()));
    for extra in [&["--listen", "0.0.0.0:0"][..], &["--secure-cookies"][..]] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_eenplan"))
            .arg("--data-dir")
            .arg(&dir)
            .arg("serve")
            .args(extra)
            .env_remove("EENPLAN_DATABASE_URL")
            .env_remove("EENPLAN_DEMO")
            .env_remove("EENPLAN_NO_DEMO")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{extra:?}: {stderr}");
        assert!(
            stderr.contains("refusing to serve the demo region") && stderr.contains("--demo"),
            "{extra:?}: {stderr}"
        );
    }
    // Nothing was loaded: the database is still empty.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = eenplan_store::Store::connect(&eenplan_store::Store::sqlite_url(&dir))
            .await
            .unwrap();
        assert!(eenplan_store::demo::is_empty(&store).await.unwrap());
        store.close().await;
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// The change-password form is no way around the login throttle: a wrong current
/// password is audited and counts; past the limit even the right one is refused.
#[tokio::test]
async fn the_current_password_check_is_throttled_and_audited() {
    let app = TestApp::spawn_with(eenplan_web::WebConfig {
        max_failures_per_account: 3,
        ..crate::common::demo_config()
    })
    .await;
    let (client, csrf) = app.login("demo.ketenpartner").await;
    let change = |current: &'static str| {
        client
            .post(app.url("/account/password"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("current_password", current),
                ("new_password", "koffie-kano-lantaarn-88"),
            ])
            .send()
    };
    for _ in 0..3 {
        let r = change("raden-raden-raden").await.unwrap();
        assert_eq!(r.status(), 422);
    }
    assert_eq!(app.audit_count("password.check_failed").await, 3);
    let r = change(eenplan_store::demo::DEMO_PASSWORD).await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Te veel mislukte pogingen")
    );
    assert_eq!(app.audit_count("password.throttled").await, 1);
    // Logging in is throttled by the same count.
    let fresh = app.client();
    let r = app
        .password_step(
            &fresh,
            "demo.ketenpartner",
            eenplan_store::demo::DEMO_PASSWORD,
        )
        .await;
    assert_eq!(r.status(), 429);
}

/// Behind a reverse proxy: the client's address comes from `X-Forwarded-For` only when
/// the peer is a configured trusted proxy; otherwise the header is ignored, so nobody
/// writes their own address into the audit record or dodges the per-address throttle.
#[tokio::test]
async fn a_forwarded_address_counts_only_from_a_trusted_proxy() {
    fn forwarding(from: &str) -> reqwest::Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", from.parse().unwrap());
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .unwrap()
    }
    async fn last_address(app: &TestApp) -> String {
        sqlx::query_scalar(
            "SELECT address FROM audit_events WHERE event = 'login.failed' ORDER BY seq DESC LIMIT 1",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap()
    }
    // Not configured: the peer's own address, whatever the header says.
    let app = TestApp::spawn().await;
    let r = app
        .password_step(
            &forwarding("198.51.100.9"),
            "demo.beheerder",
            "fout-fout-fout",
        )
        .await;
    assert_eq!(r.status(), 401);
    assert_eq!(last_address(&app).await, "127.0.0.1");
    // The local proxy trusted: the client it names (the left part is anyone's).
    let app = TestApp::spawn_with(eenplan_web::WebConfig {
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..crate::common::demo_config()
    })
    .await;
    let r = app
        .password_step(
            &forwarding("10.9.9.9, 198.51.100.9"),
            "demo.beheerder",
            "fout-fout-fout",
        )
        .await;
    assert_eq!(r.status(), 401);
    assert_eq!(last_address(&app).await, "198.51.100.9");
}

/// A user sees their logged-in sessions (when, address, device) and ends a forgotten
/// one; nobody ends another user's session.
#[tokio::test]
async fn a_user_sees_their_sessions_and_ends_another_one() {
    let app = TestApp::spawn().await;
    let (here, csrf) = app.login("demo.gezinswerker").await;
    let (there, _) = app.login("demo.gezinswerker").await;
    let (status, list) = api(
        &app,
        &here,
        &csrf,
        M::GET,
        "/api/v1/me/sessions",
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    let list = list.as_array().unwrap().clone();
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);
    assert!(list.iter().all(|s| s["address"] == "127.0.0.1"), "{list:?}");
    let other = list.iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Another user cannot end it.
    let (stranger, scsrf) = app.login("demo.beheerder").await;
    let (status, _) = api(
        &app,
        &stranger,
        &scsrf,
        M::DELETE,
        &format!("/api/v1/me/sessions/{other}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 404);
    // The page lists them and ends the other one.
    let page = here
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("/account/sessies/{other}/beeindigen")));
    let r = post_form(
        &app,
        &here,
        &format!("/account/sessies/{other}/beeindigen"),
        &[("csrf", &csrf_of(&page))],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        there
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        here.get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(app.audit_count("session.end").await, 1);
}

/// A new password, a reset second factor, another role or a deactivated account revoke
/// all of the user's tokens; an iJw token reaches the message exchange only.
#[tokio::test]
async fn tokens_end_with_what_they_were_made_under() {
    let app = TestApp::spawn().await;
    let token = |user: &'static str, scope: &'static str| {
        let app = &app;
        async move {
            let id = app
                .id_of(&format!("SELECT id FROM users WHERE username = '{user}'"))
                .await;
            eenplan_app::account::issue_token(
                &app.store,
                &eenplan_store::audit::Actor::system("test"),
                &id,
                "t",
                "30",
                scope,
            )
            .await
            .unwrap()
        }
    };
    let works = |t: String, path: &'static str| {
        let app = &app;
        async move {
            reqwest::Client::new()
                .get(app.url(path))
                .bearer_auth(&t)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    // iJw only.
    let ijw = token("demo.aanbieder", "ijw").await;
    assert_eq!(works(ijw.clone(), "/api/v1/ijw/requests").await, 200);
    assert_eq!(works(ijw, "/api/v1/provider/assignments").await, 403);
    // A role change revokes.
    let t = token("demo.ketenpartner", "role").await;
    assert_eq!(works(t.clone(), "/api/v1/me").await, 200);
    let (admin, csrf) = app.login("demo.beheerder").await;
    // The administrator changes an account: `role` or `display_name` as given.
    let change = |user: &'static str, field: &'static str, value: &'static str| {
        let (app, admin, csrf) = (&app, &admin, &csrf);
        async move {
            let id = app
                .id_of(&format!("SELECT id FROM users WHERE username = '{user}'"))
                .await;
            let path = format!("/api/v1/users/{id}");
            let (_, mut body) = api(app, admin, csrf, M::GET, &path, Value::Null).await;
            body[field] = value.into();
            body["reason"] = "Andere taak in het team".into();
            let (status, _) = api(app, admin, csrf, M::PUT, &path, body).await;
            status
        }
    };
    let status = change("demo.ketenpartner", "role", "family_worker").await;
    assert_eq!(status, 200);
    assert_eq!(works(t, "/api/v1/me").await, 401);
    // A second-factor reset revokes.
    let t = token("demo.gezinswerker", "read").await;
    assert_eq!(works(t.clone(), "/api/v1/me").await, 200);
    let gw = app
        .id_of("SELECT id FROM users WHERE username = 'demo.gezinswerker'")
        .await;
    eenplan_app::users::reset_mfa(
        &app.store,
        &eenplan_store::audit::Actor::system("test"),
        &gw,
        None,
    )
    .await
    .unwrap();
    assert_eq!(works(t, "/api/v1/me").await, 401);
    // A name change does not.
    let t = token("demo.beleid", "read").await;
    let status = change("demo.beleid", "display_name", "Beleid (nieuw)").await;
    assert_eq!(status, 200);
    assert_eq!(works(t, "/api/v1/me").await, 200);
}
