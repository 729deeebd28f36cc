//! Storage guarantees: optimistic versions, the append-only and tamper-evident audit log.

use crate::common::TestApp;
use eenplan_store::audit;

#[tokio::test]
async fn a_stale_update_gets_409_and_does_not_overwrite() {
    let app = TestApp::spawn().await;
    let (client, csrf) = app.login("demo.beheerder").await;
    let id = app
        .id_of("SELECT id FROM organisations WHERE name = 'PSW'")
        .await;
    let body = |name: &str| serde_json::json!({"name": name, "org_type": "provider", "agb_code": "75750102", "version": 1});
    let put = |b: serde_json::Value| {
        client
            .put(app.url(&format!("/api/v1/organisations/{id}")))
            .header("x-csrf-token", &csrf)
            .json(&b)
            .send()
    };
    let r = put(body("PSW Jeugd")).await.unwrap();
    assert_eq!(r.status(), 200);
    let r = put(body("PSW Kind")).await.unwrap();
    assert_eq!(r.status(), 409);
    let msg: serde_json::Value = r.json().await.unwrap();
    assert!(
        msg["message_nl"]
            .as_str()
            .unwrap()
            .contains("intussen gewijzigd")
    );
    let name: String = sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
        .bind(&id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(name, "PSW Jeugd");
    // The same through the page form.
    let r = client
        .post(app.url(&format!("/beheer/organisaties/{id}")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "PSW Oud"),
            ("org_type", "provider"),
            ("agb_code", "75750102"),
            ("version", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("intussen gewijzigd"));
}

#[tokio::test]
async fn every_write_has_its_audit_record_and_the_chain_verifies() {
    let app = TestApp::spawn().await;
    let (client, csrf) = app.login("demo.beheerder").await;
    let r = client
        .post(app.url("/api/v1/organisations"))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"name": "Huisartsenpraktijk De Brug", "org_type": "gp_practice"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let id = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (user, address): (Option<String>, Option<String>) = sqlx::query_as("SELECT username, address FROM audit_events WHERE event = 'organisation.create' AND object_id = $1")
        .bind(&id).fetch_one(app.store.pool()).await.unwrap();
    assert_eq!(user.as_deref(), Some("demo.beheerder"));
    assert_eq!(address.as_deref(), Some("127.0.0.1"));
    let v = audit::verify(&app.store).await.unwrap();
    assert!(v.broken.is_none(), "{:?}", v.broken);
    assert!(v.checked > 20);
}

#[tokio::test]
async fn the_audit_log_refuses_update_and_delete() {
    let app = TestApp::spawn().await;
    let update = sqlx::query("UPDATE audit_events SET username = 'x' WHERE seq = 1")
        .execute(app.store.pool())
        .await;
    assert!(update.is_err(), "UPDATE must be refused");
    let delete = sqlx::query("DELETE FROM audit_events WHERE seq = 1")
        .execute(app.store.pool())
        .await;
    assert!(delete.is_err(), "DELETE must be refused");
    if app.is_postgres() {
        assert!(
            sqlx::query("TRUNCATE audit_events")
                .execute(app.store.pool())
                .await
                .is_err()
        );
    }
}

#[tokio::test]
async fn tampering_with_a_record_is_found_by_verify() {
    let app = TestApp::spawn().await;
    // Someone with database access disables the guard and edits a record.
    if app.is_postgres() {
        sqlx::query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update")
            .execute(app.store.pool())
            .await
            .unwrap();
    } else {
        sqlx::query("DROP TRIGGER audit_events_no_update")
            .execute(app.store.pool())
            .await
            .unwrap();
    }
    sqlx::query("UPDATE audit_events SET username = 'someone.else' WHERE seq = 3")
        .execute(app.store.pool())
        .await
        .unwrap();
    let v = audit::verify(&app.store).await.unwrap();
    let (seq, why) = v.broken.expect("tamper detected");
    assert_eq!(seq, 3, "{why}");
    assert_eq!(v.checked, 2);
}

#[tokio::test]
async fn concurrent_writes_keep_one_unbroken_chain() {
    let app = TestApp::spawn().await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let store = app.store.clone();
        tasks.push(tokio::spawn(async move {
            let actor = audit::Actor::system("test");
            audit::record(
                &store,
                &actor,
                &audit::Event::new(format!("test.{i}"), audit::Action::Execute),
            )
            .await
            .unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let v = audit::verify(&app.store).await.unwrap();
    assert!(v.broken.is_none(), "{:?}", v.broken);
}

#[tokio::test]
async fn a_write_without_an_audit_record_is_refused_unless_it_names_why() {
    let app = TestApp::spawn().await;
    let phone = || async {
        sqlx::query_scalar::<_, Option<String>>(
            "SELECT phone FROM persons WHERE name = 'Anouk Jansen'",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap()
    };
    let before = phone().await;
    let write = |store: eenplan_store::Store, why: Option<&'static str>, audited: bool| async move {
        let mut tx = store.begin().await.unwrap();
        sqlx::query("UPDATE persons SET phone = '0600000001' WHERE name = 'Anouk Jansen'")
            .execute(&mut *tx)
            .await
            .unwrap();
        if let Some(why) = why {
            tx.without_audit(why);
        }
        if audited {
            eenplan_store::audit::append(
                &mut tx,
                &eenplan_store::audit::Actor::system("test"),
                &eenplan_store::audit::Event::new(
                    "person.update",
                    eenplan_store::audit::Action::Update,
                ),
            )
            .await
            .unwrap();
        }
        tx.commit().await
    };
    // Changed client data, no audit record: refused (a failed assertion in a debug build,
    // the error in a release build), and nothing changed.
    let refused = tokio::spawn(write(app.store.clone(), None, false)).await;
    match refused {
        Err(e) => assert!(e.is_panic() && cfg!(debug_assertions)),
        Ok(r) => assert!(matches!(r, Err(eenplan_store::Error::Unaudited)), "{r:?}"),
    }
    assert_eq!(phone().await, before);
    // With its audit record, or with the reason it needs none, the write goes through.
    tokio::spawn(write(app.store.clone(), None, true))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(phone().await.as_deref(), Some("0600000001"));
    tokio::spawn(write(app.store.clone(), Some("a test of the rule"), false))
        .await
        .unwrap()
        .unwrap();
}
