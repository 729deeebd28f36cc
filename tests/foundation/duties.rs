//! Separation of duties: nobody changes their own role, teams or second factor through
//! administration, a coordinator does not make themselves a team member, and hours are
//! never approved by whoever registered them.

use crate::common::{TestApp, api, csrf_of, post_form};
use reqwest::Method as M;
use serde_json::{Value, json};

#[tokio::test]
async fn an_administrator_does_not_change_their_own_role_teams_or_second_factor() {
    let app = TestApp::spawn().await;
    let (admin, csrf) = app.login("demo.beheerder").await;
    let me = app
        .id_of("SELECT id FROM users WHERE username = 'demo.beheerder'")
        .await;
    let (_, user) = api(
        &app,
        &admin,
        &csrf,
        M::GET,
        &format!("/api/v1/users/{me}"),
        Value::Null,
    )
    .await;
    let body = |role: &str, name: &str| {
        json!({"display_name": name, "role": role, "organisation_id": user["organisation_id"],
            "team_ids": user["team_ids"], "active": true, "version": user["version"]})
    };
    // The attack: the only administrator makes itself a family worker.
    let (status, _) = api(
        &app,
        &admin,
        &csrf,
        M::PUT,
        &format!("/api/v1/users/{me}"),
        body("family_worker", user["display_name"].as_str().unwrap()),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(app.audit_count("user.update.own_refused").await, 1);
    let (status, again) = api(
        &app,
        &admin,
        &csrf,
        M::GET,
        &format!("/api/v1/users/{me}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(again["role"], "administrator");
    // Their own name they may change.
    let (status, changed) = api(
        &app,
        &admin,
        &csrf,
        M::PUT,
        &format!("/api/v1/users/{me}"),
        body("administrator", "Beheer (demo)"),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    // Nor reset their own second factor.
    let path = format!("/beheer/gebruikers/{me}");
    let page = admin
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = post_form(
        &app,
        &admin,
        &format!("{path}/mfa-reset"),
        &[("csrf", &csrf_of(&page))],
    )
    .await;
    assert_eq!(r.status(), 403);
    assert_eq!(app.audit_count("user.mfa_reset.own_refused").await, 1);
}

#[tokio::test]
async fn a_coordinator_neither_joins_the_team_nor_approves_their_own_hours() {
    let app = TestApp::spawn().await;
    let leudal = app
        .id_of("SELECT id FROM teams WHERE name = 'LBT Leudal'")
        .await;
    let me = app
        .id_of("SELECT id FROM users WHERE username = 'demo.coordinator'")
        .await;
    let (coordinator, csrf) = app.login("demo.coordinator").await;
    let (status, body) = api(
        &app,
        &coordinator,
        &csrf,
        M::POST,
        &format!("/api/v1/treatment-teams/{leudal}/members"),
        json!({"user_id": me, "discipline": "psycholoog", "committed_hours": "8",
            "valid_from": eenplan_store::today().to_string()}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["problems"][0]["field"], "user_id");

    // Another coordinator made them a member: their own hours stay for that one; a
    // member's are approved.
    let mut tx = app.store.begin().await.unwrap();
    eenplan_store::treatment_team::add_membership(
        &mut tx,
        &eenplan_store::audit::Actor::system("test"),
        &leudal,
        &eenplan_store::treatment_team::MembershipInput {
            user_id: me.clone(),
            discipline: "orthopedagoog".into(),
            expertise: String::new(),
            committed_minutes_week: 120,
            valid_from: eenplan_store::today(),
            valid_to: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let today = eenplan_store::today().to_string();
    let (status, own) = api(
        &app,
        &coordinator,
        &csrf,
        M::POST,
        &format!("/api/v1/treatment-teams/{leudal}/hours"),
        json!({"on": today, "hours": "1", "activity": "coordination"}),
    )
    .await;
    assert_eq!(status, 201, "{own}");
    let (member, mcsrf) = app.login("demo.behandelteam").await;
    let (status, theirs) = api(
        &app,
        &member,
        &mcsrf,
        M::POST,
        &format!("/api/v1/treatment-teams/{leudal}/hours"),
        json!({"on": today, "hours": "2", "activity": "mdo"}),
    )
    .await;
    assert_eq!(status, 201, "{theirs}");
    let (status, done) = api(
        &app,
        &coordinator,
        &csrf,
        M::POST,
        &format!("/api/v1/treatment-teams/{leudal}/hours/approval"),
        json!({"ids": [own["id"], theirs["id"]]}),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["approved"], 1);
    let approved: Option<String> =
        sqlx::query_scalar("SELECT approved_by FROM hours_entries WHERE id = $1")
            .bind(own["id"].as_str().unwrap())
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(approved, None);
}

/// Giving an account a role that reads client data needs a reason and, with two
/// administrators, the other's approval; so does resetting an administrator's second
/// factor. Nobody approves their own request.
#[tokio::test]
async fn a_role_that_reads_client_data_waits_for_a_second_administrator() {
    let app = TestApp::spawn().await;
    let (admin, csrf) = app.login("demo.beheerder").await;
    let target = app
        .id_of("SELECT id FROM users WHERE username = 'demo.beleid'")
        .await;
    let path = format!("/api/v1/users/{target}");
    let (_, mut body) = api(&app, &admin, &csrf, M::GET, &path, Value::Null).await;
    body["role"] = "family_worker".into();
    // No reason: refused, nothing changed.
    let (status, answer) = api(&app, &admin, &csrf, M::PUT, &path, body.clone()).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["problems"][0]["field"], "reason");
    // A second administrator, made by the operator.
    let org = app
        .id_of("SELECT organisation_id FROM users WHERE username = 'demo.beheerder'")
        .await;
    let (second_id, _) = eenplan_app::users::create_user(
        &app.store,
        &eenplan_store::audit::Actor::system("test"),
        &eenplan_app::users::NewAccount {
            username: "tweede.beheerder".into(),
            display_name: "Tweede Beheerder".into(),
            role: "administrator".into(),
            organisation_id: org,
            team_ids: Vec::new(),
            password: eenplan_store::demo::DEMO_PASSWORD.into(),
            reason: None,
        },
    )
    .await
    .unwrap();
    // With a reason: the rest is saved, the role waits (202).
    body["reason"] = "Vervangt een zieke collega".into();
    let (status, after) = api(&app, &admin, &csrf, M::PUT, &path, body).await;
    assert_eq!(status, 202, "{after}");
    assert_eq!(after["role"], "policy_officer");
    let (_, pending) = api(
        &app,
        &admin,
        &csrf,
        M::GET,
        "/api/v1/approvals",
        Value::Null,
    )
    .await;
    let approval = pending[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(pending[0]["reason"], "Vervangt een zieke collega");
    // The one who asked cannot approve.
    let (status, _) = api(
        &app,
        &admin,
        &csrf,
        M::POST,
        &format!("/api/v1/approvals/{approval}"),
        json!({"approve": true}),
    )
    .await;
    assert_eq!(status, 404);
    // The second administrator approves: the role is given.
    sqlx::query("UPDATE users SET totp_confirmed = 1 WHERE id = $1")
        .bind(&second_id)
        .execute(app.store.pool())
        .await
        .unwrap();
    let (second, scsrf) = app.login("tweede.beheerder").await;
    let (status, _) = api(
        &app,
        &second,
        &scsrf,
        M::POST,
        &format!("/api/v1/approvals/{approval}"),
        json!({"approve": true}),
    )
    .await;
    assert_eq!(status, 204);
    let (_, now) = api(&app, &admin, &csrf, M::GET, &path, Value::Null).await;
    assert_eq!(now["role"], "family_worker");
    assert_eq!(app.audit_count("approval.request").await, 1);
    assert_eq!(app.audit_count("approval.approve").await, 1);
    // Resetting the other administrator's second factor waits too.
    let form = admin
        .get(app.url(&format!("/beheer/gebruikers/{second_id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = post_form(
        &app,
        &admin,
        &format!("/beheer/gebruikers/{second_id}/mfa-reset"),
        &[("csrf", &csrf_of(&form)), ("reason", "Telefoon kwijt")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .contains("wacht=1")
    );
    let confirmed: i64 = sqlx::query_scalar("SELECT totp_confirmed FROM users WHERE id = $1")
        .bind(&second_id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(confirmed, 1, "not reset before the approval");
}
