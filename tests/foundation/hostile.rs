//! Hostile input: messages, files and requests shaped to stop the server, hold up the
//! region's writes or make the audit check lie. Each attack is followed by proof that
//! the server still serves and that nothing else was lost or created.

use crate::common::{TestApp, api};
use crate::ijw::jw315;
use chrono::Duration;
use eenplan_store::audit::Actor;
use reqwest::Method as M;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn healthy(app: &TestApp) {
    let r = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(r.status(), 200, "the server still serves");
}

/// A personal API token of `username`, for requests written by hand.
async fn token(app: &TestApp, username: &str) -> String {
    let user = app
        .id_of(&format!(
            "SELECT id FROM users WHERE username = '{username}'"
        ))
        .await;
    let mut tx = app.store.begin().await.unwrap();
    let (_, secret) = eenplan_store::sessions::create_api_token(
        &mut tx,
        &Actor::system("test"),
        &user,
        "t",
        90,
        eenplan_store::sessions::TokenScope::Role,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    secret
}

async fn post_xml(app: &TestApp, token: &str, body: Vec<u8>) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/ijw/messages"))
        .bearer_auth(token)
        .header("content-type", "application/xml")
        .body(body)
        .send()
        .await
        .expect("an answer, not a closed connection");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A valid JW315 of the demo provider with `depth` nested elements inserted first.
fn nested(depth: usize, element: &str) -> Vec<u8> {
    let today = eenplan_store::today();
    let xml = jw315("H1", "PSW-H-1", today, today + Duration::days(30));
    let at = xml.find("<jw315:Header>").unwrap();
    let mut s = xml[..at].to_owned();
    s.push_str(&format!("<{element}>").repeat(depth));
    s.push_str(&format!("</{element}>").repeat(depth));
    s.push_str(&xml[at..]);
    s.into_bytes()
}

#[tokio::test]
async fn hostile_messages_are_refused_and_the_server_keeps_serving() {
    let app = TestApp::spawn().await;
    let provider = token(&app, "demo.aanbieder").await;
    // Deep nesting, in the shape that once overflowed a worker's stack, and deeper.
    for (depth, element) in [(4_000, "x"), (20_000, "jw315:Client"), (200_000, "a")] {
        let (status, body) = post_xml(&app, &provider, nested(depth, element)).await;
        assert_eq!(status, 422, "{depth}: {body}");
        let detail = body["problems"][0]["message_nl"].as_str().unwrap();
        assert!(detail.contains("genest"), "{detail}");
        healthy(&app).await;
    }
    // Many attributes, in the shape that once took a minute of CPU.
    let today = eenplan_store::today();
    let xml = jw315("H2", "PSW-H-2", today, today + Duration::days(30));
    let attrs: String = (0..200_000).map(|i| format!(" a{i}=\"1\"")).collect();
    let wide = xml.replacen("<jw315:Client>", &format!("<jw315:Client{attrs}>"), 1);
    let (status, body) = post_xml(&app, &provider, wide.into_bytes()).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("attributes"), "{body}");
    // Over the standard's 25 MB: a 413 that names the limit, never a closed connection.
    let mut big = xml.clone().into_bytes();
    big.resize(30 * 1024 * 1024, b' ');
    let (status, body) = post_xml(&app, &provider, big).await;
    assert_eq!(status, 413, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("25 MiB"),
        "{body}"
    );
    // Just under it is read (and refused for what it is, not for its size).
    let mut under = xml.clone().into_bytes();
    under.resize(20 * 1024 * 1024, b' ');
    let (status, _) = post_xml(&app, &provider, under).await;
    assert_eq!(status, 422);
    // Every refusal was recorded and audited; the valid message still goes through.
    let refused: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM ijw_messages WHERE direction = 'in' AND status = 'rejected'",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(refused, 6);
    let (status, body) = post_xml(&app, &provider, xml.into_bytes()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["accepted"], true, "{body}");
    // A query that is not UTF-8 is refused, not answered with results.
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/ijw/messages?type=%FF%FEJW315"))
        .bearer_auth(&provider)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["problems"][0]["field"], "query", "{body}");
}

#[tokio::test]
async fn a_registration_commits_while_a_large_message_is_still_arriving() {
    let app = TestApp::spawn().await;
    let provider = token(&app, "demo.aanbieder").await;
    let (worker, csrf) = app.login("demo.gezinswerker").await;
    // A valid message of 5 MB: comments between its elements.
    let today = eenplan_store::today();
    let xml = jw315("H3", "PSW-H-3", today, today + Duration::days(30));
    let at = xml.find("<jw315:Client>").unwrap();
    let comment = format!("<!-- {} -->\n", "opvulling ".repeat(100));
    let mut body = xml[..at].to_owned();
    while body.len() < 5 * 1024 * 1024 {
        body.push_str(&comment);
    }
    body.push_str(&xml[at..]);
    let received_before = app.audit_count("ijw.receive").await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut conn = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/v1/ijw/messages HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {provider}\r\n\
         Content-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    let half = body.len() / 2;
    conn.write_all(&body.as_bytes()[..half]).await.unwrap();
    conn.flush().await.unwrap();

    // Half the message is in; a family worker registers meanwhile.
    let (status, registered) = api(
        &app,
        &worker,
        &csrf,
        M::POST,
        "/api/v1/registrations",
        json!({
            "municipality_code": "1640", "primary_problem_area": "opvoeding", "question": "Vraag",
            "youths": [{"name": "Noor Vermeulen", "birth_date": "2016-05-01"}]
        }),
    )
    .await;
    assert_eq!(status, 201, "{registered}");
    let registration_seq: i64 = sqlx::query_scalar("SELECT MAX(seq) FROM audit_events")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(
        app.audit_count("ijw.receive").await,
        received_before,
        "not received yet"
    );

    conn.write_all(&body.as_bytes()[half..]).await.unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{}", &answer[..200]);
    let message_seq: i64 = sqlx::query_scalar(
        "SELECT seq FROM audit_events WHERE event = 'ijw.receive' ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert!(
        registration_seq < message_seq,
        "the registration committed first ({registration_seq} < {message_seq})"
    );
}

#[tokio::test]
async fn a_file_that_stopped_the_exchange_is_set_aside_and_the_next_message_is_processed() {
    let app = TestApp::spawn().await;
    let today = eenplan_store::today();
    let dir = std::env::temp_dir().join(format!("eenplan-hostile-{}", uuid::Uuid::new_v4()));
    let (inbox, outbox) = (dir.join("in"), dir.join("out"));
    // A file claimed by a run that never finished (the process stopped while reading it).
    std::fs::create_dir_all(inbox.join("in-behandeling")).unwrap();
    std::fs::write(
        inbox.join("in-behandeling/0-crash.xml"),
        nested(200_000, "a"),
    )
    .unwrap();
    // The same kind of file newly in the inbox, and a valid message queued behind both.
    std::fs::write(inbox.join("1-diep.xml"), nested(200_000, "a")).unwrap();
    std::fs::write(
        inbox.join("2-goed.xml"),
        jw315("H4", "PSW-H-4", today, today + Duration::days(30)),
    )
    .unwrap();
    let s = eenplan_store::ijw::folder::exchange(&app.store, &inbox, &outbox, today)
        .await
        .unwrap();
    assert_eq!((s.received, s.refused), (1, 2), "{s:?}");
    assert!(inbox.join("verwerkt/2-goed.xml").exists());
    for name in ["0-crash.xml", "1-diep.xml"] {
        assert!(inbox.join("geweigerd").join(name).exists(), "{name}");
        let why =
            std::fs::read_to_string(inbox.join("geweigerd").join(format!("{name}.reden.txt")))
                .unwrap();
        assert!(!why.trim().is_empty());
    }
    let why = std::fs::read_to_string(inbox.join("geweigerd/0-crash.xml.reden.txt")).unwrap();
    assert!(why.contains("afgebroken"), "{why}");
    assert_eq!(
        std::fs::read_dir(inbox.join("in-behandeling"))
            .unwrap()
            .count(),
        0
    );
    // The next run starts clean.
    let s = eenplan_store::ijw::folder::exchange(&app.store, &inbox, &outbox, today)
        .await
        .unwrap();
    assert_eq!((s.received, s.refused), (0, 0));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn audit_verify_holds_during_writes_and_refuses_a_missing_database() {
    let app = TestApp::spawn().await;
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let store = app.store.clone();
            tokio::spawn(async move {
                for i in 0..60 {
                    let mut tx = store.begin().await.unwrap();
                    let event = eenplan_store::audit::Event::new(
                        "test.write",
                        eenplan_store::audit::Action::Create,
                    )
                    .object("test", format!("{w}-{i}"));
                    eenplan_store::audit::append(&mut tx, &Actor::system("test"), &event)
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                }
            })
        })
        .collect();
    let mut verified = 0;
    while writers.iter().any(|w| !w.is_finished()) || verified < 5 {
        let v = eenplan_store::audit::verify(&app.store).await.unwrap();
        assert_eq!(v.broken, None, "after {} records", v.checked);
        verified += 1;
    }
    for w in writers {
        w.await.unwrap();
    }
    // The command line, beside the running server, on the same database.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_eenplan"))
        .args(["--database-url", app.database_url(), "audit", "verify"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("intact"));
    // A mistyped data folder is refused, and not created.
    let missing = std::env::temp_dir().join(format!("eenplan-none-{}", uuid::Uuid::new_v4()));
    for command in [
        vec!["audit", "verify"],
        vec!["report", "volumes", "--year", "2025"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_eenplan"))
            .arg("--data-dir")
            .arg(&missing)
            .args(&command)
            .env_remove("EENPLAN_DATABASE_URL")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{command:?}: {out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("no eenplan database"),
            "{out:?}"
        );
        assert!(!missing.exists(), "{command:?} created the folder");
    }
}

#[tokio::test]
async fn commands_that_only_read_do_not_migrate() {
    let app = TestApp::spawn().await;
    // As if this eenplan were newer than the database: a migration not yet run.
    let newest: i64 = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = $1")
        .bind(newest)
        .execute(app.store.pool())
        .await
        .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_eenplan"))
        .args(["--database-url", app.database_url(), "audit", "verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("eenplan migrate"));
    let still: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE version = $1")
        .bind(newest)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(still, 0, "the command did not migrate");
}

#[tokio::test]
async fn control_characters_are_refused_alike_on_both_backends() {
    let app = TestApp::spawn().await;
    let (worker, csrf) = app.login("demo.gezinswerker").await;
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM persons")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    let (status, body) = api(
        &app,
        &worker,
        &csrf,
        M::POST,
        "/api/v1/registrations",
        json!({
            "municipality_code": "1640", "primary_problem_area": "opvoeding", "question": "Vraag",
            "youths": [{"name": "Sem\u{0}Bos", "birth_date": "2015-01-01"}]
        }),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["problems"][0]["field"], "youths.0.name", "{body}");
    assert!(
        body["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("U+0000")
    );
    // The same through the form, with another control character.
    let r = crate::common::post_form(
        &app,
        &worker,
        "/aanmelden",
        &[
            ("csrf", csrf.as_str()),
            ("municipality_code", "1640"),
            ("primary_problem_area", "opvoeding"),
            ("question", "Vraag\u{1b}[2J"),
            ("youths.0.name", "Sem Bos"),
            ("youths.0.birth_date", "2015-01-01"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("U+001B"));
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM persons")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(before, after, "nothing stored");
    // Lines and tabs are text.
    let (status, body) = api(
        &app,
        &worker,
        &csrf,
        M::POST,
        "/api/v1/registrations",
        json!({
            "municipality_code": "1640", "primary_problem_area": "opvoeding",
            "question": "Regel een\nRegel\ttwee",
            "youths": [{"name": "Sem Bos", "birth_date": "2015-01-01"}]
        }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    // One JSON value and nothing after it.
    let r = worker
        .post(app.url("/api/v1/registrations"))
        .header("x-csrf-token", &csrf)
        .header("content-type", "application/json")
        .body(r#"{"municipality_code": "1640"} {"ignored": true}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
}

async fn register_with_key(
    app: &TestApp,
    client: &reqwest::Client,
    csrf: &str,
    key: Option<&str>,
    question: &str,
) -> (u16, Option<String>, Value) {
    let mut r = client
        .post(app.url("/api/v1/registrations"))
        .header("x-csrf-token", csrf)
        .json(&json!({
            "municipality_code": "1640", "primary_problem_area": "opvoeding", "question": question,
            "youths": [{"name": "Daan Smit", "birth_date": "2013-09-09"}]
        }));
    if let Some(key) = key {
        r = r.header("Idempotency-Key", key);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    let replayed = r
        .headers()
        .get("idempotent-replayed")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, replayed, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_retried_create_with_an_idempotency_key_creates_nothing_twice() {
    let app = TestApp::spawn().await;
    let (worker, csrf) = app.login("demo.gezinswerker").await;
    let daan = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM persons WHERE name = 'Daan Smit'")
            .fetch_one(app.store.pool())
            .await
            .unwrap()
    };
    let (status, replayed, first) =
        register_with_key(&app, &worker, &csrf, Some("aanmelding-7f3a"), "Vraag").await;
    assert_eq!((status, replayed), (201, None), "{first}");
    // The response was lost; the client sends the same request again.
    let (status, replayed, again) =
        register_with_key(&app, &worker, &csrf, Some("aanmelding-7f3a"), "Vraag").await;
    assert_eq!(status, 201);
    assert_eq!(replayed.as_deref(), Some("true"));
    assert_eq!(again, first, "the first answer again");
    assert_eq!(daan().await, 1, "one registration");
    // The same key with another request.
    let (status, _, body) = register_with_key(
        &app,
        &worker,
        &csrf,
        Some("aanmelding-7f3a"),
        "Andere vraag",
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["problems"][0]["field"], "Idempotency-Key");
    assert_eq!(daan().await, 1);
    // A key is the user's own: another worker's same key is another request.
    let (other, other_csrf) = app.login("demo.gedragswetenschapper").await;
    let (status, replayed, _) =
        register_with_key(&app, &other, &other_csrf, Some("aanmelding-7f3a"), "Vraag").await;
    assert_ne!(replayed.as_deref(), Some("true"), "{status}");
    // A key that is no key.
    let (status, _, body) =
        register_with_key(&app, &worker, &csrf, Some(&"k".repeat(256)), "Vraag").await;
    assert_eq!(status, 422, "{body}");
    // Keys older than a day are forgotten.
    sqlx::query("UPDATE idempotency_keys SET created_at = '2000-01-01T00:00:00.000000Z'")
        .execute(app.store.pool())
        .await
        .unwrap();
    assert!(
        eenplan_store::idempotency::purge_expired(&app.store)
            .await
            .unwrap()
            >= 1
    );
    // The OpenAPI document names the header on create routes, not on the iJw delivery.
    let doc: Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let named = |path: &str| {
        doc["paths"][path]["post"]["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["name"] == "Idempotency-Key"))
    };
    assert!(named("/api/v1/registrations"));
    assert!(!named("/api/v1/ijw/messages"));
}

#[tokio::test]
async fn a_busy_database_is_a_503_with_retry_after_and_nothing_is_lost() {
    let app = TestApp::spawn().await;
    if app.is_postgres() {
        return; // Another process's lock on the file is SQLite's matter.
    }
    let (worker, csrf) = app.login("demo.gezinswerker").await;
    use sqlx::Connection;
    let mut other = sqlx::AnyConnection::connect(app.database_url())
        .await
        .unwrap();
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut other)
        .await
        .unwrap();
    let r = worker
        .post(app.url("/api/v1/registrations"))
        .header("x-csrf-token", &csrf)
        .json(&json!({
            "municipality_code": "1640", "primary_problem_area": "opvoeding", "question": "Vraag",
            "youths": [{"name": "Fenna de Wit", "birth_date": "2012-02-02"}]
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert!(r.headers().get("retry-after").is_some());
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    let (status, body) = api(
        &app,
        &worker,
        &csrf,
        M::POST,
        "/api/v1/registrations",
        json!({
            "municipality_code": "1640", "primary_problem_area": "opvoeding", "question": "Vraag",
            "youths": [{"name": "Fenna de Wit", "birth_date": "2012-02-02"}]
        }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
}
