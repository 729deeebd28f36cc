//! The authorization matrix: every role against every route, allowed or refused (403,
//! audited). Unauthenticated requests never get data.

use crate::common::TestApp;
use reqwest::Method;

#[derive(Clone, Copy, PartialEq)]
enum Who {
    Everyone,
    AdminOnly,
    /// Only these roles (by the domain brief, section 4).
    Roles(&'static [&'static str]),
}

/// The CJG professionals of the team holding the demo case (Leudal): they may run it.
const CJG_TEAM: &[&str] = &["family_worker", "reviewer"];
/// Only the behavioural scientist reviews break-the-glass accesses and moves caseloads.
const REVIEWER: &[&str] = &["reviewer"];
/// Roles that may list their own cases (empty unless involved).
const CASE_ROLES: &[&str] = &[
    "family_worker",
    "reviewer",
    "treatment_team_member",
    "provider_staff",
    "chain_partner",
];

/// A provider's staff: only what is addressed to their own organisation.
const PROVIDER: &[&str] = &["provider_staff"];
/// A local treatment team's members and its coordinator (both in LBT Leudal).
const LBT: &[&str] = &["treatment_team_member", "team_coordinator"];
/// The catalogue: municipality contract staff and the administrator.
const CATALOGUE: &[&str] = &["administrator"];
/// The treatment teams' coordinator: approving hours, the yearly declarations.
const COORDINATOR: &[&str] = &["team_coordinator"];
/// The aggregated cost of access: municipality staff and behavioural scientists.
const COSTS: &[&str] = &["policy_officer", "reviewer"];
/// Management information: aggregates for steering (small counts hidden for all but the
/// behavioural scientist).
const REPORTS: &[&str] = &[
    "reviewer",
    "team_coordinator",
    "policy_officer",
    "administrator",
];
/// Budgets: the municipality's policy officer.
const BUDGETS: &[&str] = &["policy_officer"];
/// iJw messages: the CJG's professionals (their municipalities') and a provider's staff
/// (their own organisation's).
const MESSAGES: &[&str] = &["family_worker", "reviewer", "provider_staff"];

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

/// Every guarded route; `{org}`, `{team}`, `{user}`, `{token}`, `{case}` (a Leudal case),
/// `{person}`, `{member}` and `{iuser}` are filled with real ids.
fn routes() -> Vec<(Method, &'static str, Who)> {
    use Method as M;
    use Who::*;
    vec![
        (M::GET, "/casussen", Roles(CASE_ROLES)),
        (M::GET, "/aanmelden", Roles(CJG_TEAM)),
        (M::POST, "/aanmelden", Roles(CJG_TEAM)),
        (M::GET, "/team/aanmeldingen", Roles(CJG_TEAM)),
        (M::GET, "/zoeken", Roles(CJG_TEAM)),
        (M::POST, "/zoeken", Roles(CJG_TEAM)),
        (M::GET, "/casussen/{case}", Roles(CJG_TEAM)),
        (M::POST, "/casussen/{case}/oppakken", Roles(CJG_TEAM)),
        (M::POST, "/casussen/{case}/afsluiten", Roles(CJG_TEAM)),
        (M::POST, "/casussen/{case}/heropenen", Roles(CJG_TEAM)),
        (M::POST, "/casussen/{case}/hulp", Roles(CJG_TEAM)),
        (M::POST, "/casussen/{case}/doorbreken", Roles(CJG_TEAM)),
        (M::POST, "/casussen/{case}/betrokkenen", Roles(CJG_TEAM)),
        (
            M::POST,
            "/casussen/{case}/betrokkenen/{iuser}/beeindigen",
            Roles(CJG_TEAM),
        ),
        (M::GET, "/casussen/{case}/personen/nieuw", Roles(CJG_TEAM)),
        (M::POST, "/casussen/{case}/personen/nieuw", Roles(CJG_TEAM)),
        (
            M::GET,
            "/casussen/{case}/personen/{person}",
            Roles(CJG_TEAM),
        ),
        (
            M::POST,
            "/casussen/{case}/personen/{person}",
            Roles(CJG_TEAM),
        ),
        (M::GET, "/casussen/{case}/netwerk/nieuw", Roles(CJG_TEAM)),
        (M::POST, "/casussen/{case}/netwerk/nieuw", Roles(CJG_TEAM)),
        (M::GET, "/casussen/{case}/netwerk/{member}", Roles(CJG_TEAM)),
        (
            M::POST,
            "/casussen/{case}/netwerk/{member}",
            Roles(CJG_TEAM),
        ),
        (M::GET, "/casussen/{case}/plan", Roles(CJG_TEAM)),
        (M::GET, "/casussen/{case}/plan/bewerken", Roles(CJG_TEAM)),
        (M::POST, "/casussen/{case}/plan/bewerken", Roles(CJG_TEAM)),
        (M::GET, "/casussen/{case}/plan/versies/1", Roles(CJG_TEAM)),
        (M::GET, "/casussen/{case}/plan/verschil", Roles(CJG_TEAM)),
        (M::GET, "/casussen/{case}/plan/afdrukken", Roles(CJG_TEAM)),
        (M::POST, "/casussen/{case}/plan/akkoord", Roles(CJG_TEAM)),
        (M::POST, "/casussen/{case}/plan/regie", Roles(CJG_TEAM)),
        (M::GET, "/team/doorbraken", Roles(REVIEWER)),
        (M::GET, "/casussen/{case}/toegang/nieuw", Roles(CJG_TEAM)),
        (M::GET, "/evaluaties", Roles(CJG_TEAM)),
        (M::GET, "/team/evaluaties", Roles(CJG_TEAM)),
        (M::GET, "/team/beoordelen", Roles(REVIEWER)),
        (M::GET, "/aanbieder", Roles(PROVIDER)),
        (M::GET, "/aanbieder/aanvragen/{none}", Roles(PROVIDER)),
        (M::GET, "/aanbieder/beschikkingen/{none}", Roles(PROVIDER)),
        (M::GET, "/catalogus", Roles(CATALOGUE)),
        (M::GET, "/catalogus/producten/{none}", Roles(CATALOGUE)),
        (M::POST, "/catalogus/variant", Roles(CATALOGUE)),
        (M::GET, "/kosten", Roles(COSTS)),
        (M::GET, "/rapportages", Roles(REPORTS)),
        (
            M::GET,
            "/rapportages/volumes?van=2026-01-01&tot=2026-12-31",
            Roles(REPORTS),
        ),
        (M::GET, "/rapportages/referral-flows.csv", Roles(REPORTS)),
        (M::GET, "/rapportages/caseload.xlsx", Roles(REPORTS)),
        (M::GET, "/rapportages/budgetten", Roles(BUDGETS)),
        (M::POST, "/rapportages/budgetten", Roles(BUDGETS)),
        (M::GET, "/lbt", Roles(LBT)),
        (M::GET, "/lbt/verzoeken/nieuw", Roles(LBT)),
        (M::GET, "/lbt/verzoeken/{none}", Roles(LBT)),
        (M::POST, "/lbt/verzoeken/{none}/intake", Roles(LBT)),
        (M::GET, "/lbt/uren", Roles(LBT)),
        (M::POST, "/lbt/uren", Roles(LBT)),
        (M::GET, "/lbt/leden", Roles(&["team_coordinator"])),
        (
            M::POST,
            "/lbt/uren/goedkeuren",
            Roles(&["team_coordinator"]),
        ),
        (M::GET, "/casussen/{case}/consultatie", Roles(CJG_TEAM)),
        (M::GET, "/lbt/declaraties", Roles(COORDINATOR)),
        (M::GET, "/lbt/declaraties?jaar=2025", Roles(COORDINATOR)),
        (M::POST, "/lbt/declaraties", Roles(COORDINATOR)),
        (M::GET, "/lbt/declaraties/{none}", Roles(COORDINATOR)),
        (M::GET, "/lbt/declaraties/{none}.csv", Roles(COORDINATOR)),
        (M::GET, "/lbt/declaraties/{none}.xlsx", Roles(COORDINATOR)),
        // iJw messages: a provider delivers, the CJG settles requests.
        (M::GET, "/berichten", Roles(MESSAGES)),
        (M::POST, "/berichten", Roles(MESSAGES)),
        (
            M::GET,
            "/berichten?soort=JW301&richting=out",
            Roles(MESSAGES),
        ),
        (M::GET, "/berichten/aanleveren", Roles(PROVIDER)),
        (M::POST, "/berichten/aanleveren", Roles(PROVIDER)),
        (M::GET, "/berichten/verzoeken", Roles(MESSAGES)),
        (
            M::POST,
            "/berichten/verzoeken/{none}/antwoord",
            Roles(CJG_TEAM),
        ),
        (
            M::POST,
            "/berichten/verzoeken/{none}/aanvraag",
            Roles(CJG_TEAM),
        ),
        (M::GET, "/berichten/afstemming", Roles(MESSAGES)),
        (M::GET, "/berichten/{none}", Roles(MESSAGES)),
        (M::GET, "/berichten/{none}/xml", Roles(MESSAGES)),
        // CBS Beleidsinformatie Jeugd (BSNs): the administrator only.
        (M::GET, "/cbs", AdminOnly),
        (M::POST, "/cbs", AdminOnly),
        (M::GET, "/cbs/leveringen/{none}", AdminOnly),
        (M::GET, "/toegang/{none}", Roles(CASE_ROLES)),
        (M::POST, "/toegang/{none}/indienen", Roles(CJG_TEAM)),
        (M::POST, "/toegang/{none}/goedkeuren", Roles(REVIEWER)),
        (M::GET, "/beschikkingen/{none}", Roles(CASE_ROLES)),
        (M::POST, "/beschikkingen/{none}/wijzigen", Roles(CJG_TEAM)),
        (M::POST, "/team/doorbraken/none/gezien", Roles(REVIEWER)),
        (M::GET, "/team/overdragen", Roles(REVIEWER)),
        (M::POST, "/team/overdragen", Roles(REVIEWER)),
        (M::GET, "/api/v1/cases", Roles(CASE_ROLES)),
        (M::GET, "/api/v1/cases/{case}", Roles(CJG_TEAM)),
        (M::PUT, "/api/v1/cases/{case}", Roles(CJG_TEAM)),
        (M::POST, "/api/v1/cases/{case}/transitions", Roles(CJG_TEAM)),
        (M::POST, "/api/v1/cases/{case}/persons", Roles(CJG_TEAM)),
        (
            M::PUT,
            "/api/v1/cases/{case}/persons/{person}",
            Roles(CJG_TEAM),
        ),
        (M::POST, "/api/v1/cases/{case}/network", Roles(CJG_TEAM)),
        (
            M::PUT,
            "/api/v1/cases/{case}/network/{member}",
            Roles(CJG_TEAM),
        ),
        (
            M::POST,
            "/api/v1/cases/{case}/involvements",
            Roles(CJG_TEAM),
        ),
        (
            M::DELETE,
            "/api/v1/cases/{case}/involvements/{iuser}",
            Roles(CJG_TEAM),
        ),
        (M::POST, "/api/v1/cases/{case}/break-glass", Roles(CJG_TEAM)),
        (M::GET, "/api/v1/cases/{case}/plan", Roles(CJG_TEAM)),
        (M::PUT, "/api/v1/cases/{case}/plan", Roles(CJG_TEAM)),
        (
            M::GET,
            "/api/v1/cases/{case}/plan/versions/1",
            Roles(CJG_TEAM),
        ),
        (M::GET, "/api/v1/cases/{case}/plan/diff", Roles(CJG_TEAM)),
        (
            M::POST,
            "/api/v1/cases/{case}/plan/agreement",
            Roles(CJG_TEAM),
        ),
        (
            M::PUT,
            "/api/v1/cases/{case}/plan/coordinator",
            Roles(CJG_TEAM),
        ),
        (M::POST, "/api/v1/registrations", Roles(CJG_TEAM)),
        (M::GET, "/api/v1/registrations/waiting", Roles(CJG_TEAM)),
        (M::POST, "/api/v1/youths/matches", Roles(CJG_TEAM)),
        (M::POST, "/api/v1/search", Roles(CJG_TEAM)),
        (M::GET, "/api/v1/break-glass-accesses", Roles(REVIEWER)),
        (M::POST, "/api/v1/caseload-transfers", Roles(REVIEWER)),
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
        (M::GET, "/beheer/goedkeuringen", AdminOnly),
        (M::POST, "/beheer/goedkeuringen/{none}", AdminOnly),
        (M::GET, "/api/v1/approvals", AdminOnly),
        (M::POST, "/api/v1/approvals/{none}", AdminOnly),
        (M::GET, "/beheer/audit", AdminOnly),
        (M::GET, "/api/v1/me", Everyone),
        (M::GET, "/api/v1/me/sessions", Everyone),
        (M::DELETE, "/api/v1/me/sessions/{none}", Everyone),
        (M::POST, "/account/sessies/{none}/beeindigen", Everyone),
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
        (M::GET, "/api/v1/catalogue/products", Everyone),
        (M::GET, "/api/v1/catalogue/contracts", Everyone),
        (
            M::POST,
            "/api/v1/cases/{case}/access-requests",
            Roles(CJG_TEAM),
        ),
        (M::GET, "/api/v1/access-requests/{none}", Roles(CASE_ROLES)),
        (M::PUT, "/api/v1/access-requests/{none}", Roles(CJG_TEAM)),
        (
            M::POST,
            "/api/v1/access-requests/{none}/steps",
            Roles(CJG_TEAM),
        ),
        (M::GET, "/api/v1/decisions/{none}", Roles(CASE_ROLES)),
        (M::POST, "/api/v1/decisions/{none}/changes", Roles(CJG_TEAM)),
        (M::POST, "/api/v1/decisions/{none}/time", Roles(CJG_TEAM)),
        (
            M::POST,
            "/api/v1/decisions/{none}/evaluations/{eval}",
            Roles(CJG_TEAM),
        ),
        (M::GET, "/api/v1/evaluations/due", Roles(CJG_TEAM)),
        (M::GET, "/api/v1/provider/assignments", Roles(PROVIDER)),
        (
            M::GET,
            "/api/v1/provider/access-requests/{none}",
            Roles(PROVIDER),
        ),
        (M::GET, "/api/v1/provider/decisions/{none}", Roles(PROVIDER)),
        (
            M::POST,
            "/api/v1/provider/access-requests/{none}/effort",
            Roles(PROVIDER),
        ),
        (
            M::POST,
            "/api/v1/provider/decisions/{none}/care",
            Roles(PROVIDER),
        ),
        (
            M::GET,
            "/api/v1/costs?municipality=1640&from=2026-01-01&to=2026-12-31",
            Roles(COSTS),
        ),
        (M::GET, "/api/v1/reports", Roles(REPORTS)),
        (
            M::GET,
            "/api/v1/reports/monitoring?year=2026",
            Roles(REPORTS),
        ),
        (M::GET, "/api/v1/budgets", Roles(BUDGETS)),
        (M::PUT, "/api/v1/budgets/2026", Roles(BUDGETS)),
        (M::GET, "/api/v1/declarations?year=2025", Roles(COORDINATOR)),
        (M::POST, "/api/v1/declarations", Roles(COORDINATOR)),
        (M::GET, "/api/v1/declarations/{none}", Roles(COORDINATOR)),
        (M::POST, "/api/v1/ijw/messages", Roles(PROVIDER)),
        (M::GET, "/api/v1/ijw/messages", Roles(MESSAGES)),
        (M::POST, "/api/v1/ijw/messages/search", Roles(MESSAGES)),
        (M::GET, "/api/v1/ijw/messages/{none}", Roles(MESSAGES)),
        (M::GET, "/api/v1/ijw/outbox", Roles(MESSAGES)),
        (M::POST, "/api/v1/ijw/outbox/{none}/ack", Roles(MESSAGES)),
        (M::GET, "/api/v1/ijw/requests", Roles(MESSAGES)),
        (
            M::POST,
            "/api/v1/ijw/requests/{none}/answer",
            Roles(CJG_TEAM),
        ),
        (
            M::POST,
            "/api/v1/ijw/requests/{none}/access-request",
            Roles(CJG_TEAM),
        ),
        (
            M::GET,
            "/api/v1/ijw/reconciliation?provider_id=none",
            Roles(MESSAGES),
        ),
        (M::POST, "/api/v1/cbs/2025-2", AdminOnly),
        (M::POST, "/api/v1/cbs/2025-2?municipality=0988", AdminOnly),
        (
            M::POST,
            "/api/v1/treatment-teams/{lbt}/hours/approval",
            Roles(COORDINATOR),
        ),
        (
            M::POST,
            "/api/v1/cases/{case}/consultations",
            Roles(CJG_TEAM),
        ),
        (M::POST, "/api/v1/consultations", Roles(LBT)),
        (M::GET, "/api/v1/consultations/{none}", Roles(LBT)),
        (M::POST, "/api/v1/consultations/{none}/intake", Roles(LBT)),
        (
            M::POST,
            "/api/v1/consultations/{none}/activities",
            Roles(LBT),
        ),
        (M::POST, "/api/v1/consultations/{none}/close", Roles(LBT)),
        (
            M::GET,
            "/api/v1/treatment-teams/{lbt}/evaluation?from=2023-01-01&to=2026-12-31",
            Roles(LBT),
        ),
        (M::POST, "/api/v1/treatment-teams/{lbt}/hours", Roles(LBT)),
        (
            M::GET,
            "/api/v1/treatment-teams/{lbt}/hours?from=2026-01-01&to=2026-12-31",
            Roles(LBT),
        ),
        (
            M::GET,
            "/api/v1/treatment-teams/{lbt}/consultations",
            Roles(LBT),
        ),
        (M::GET, "/api/v1/treatment-teams/{lbt}/members", Roles(LBT)),
        (
            M::POST,
            "/api/v1/treatment-teams/{lbt}/members",
            Roles(&["team_coordinator"]),
        ),
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
    let case = app
        .id_of("SELECT c.id FROM cases c JOIN persons p ON p.family_id = c.family_id WHERE p.name = 'Lotte Bakker'")
        .await;
    let person = app
        .id_of("SELECT id FROM persons WHERE name = 'Lotte Bakker'")
        .await;
    let member = app
        .id_of("SELECT id FROM network_members WHERE name = 'Ria Bakker'")
        .await;
    let iuser = app
        .id_of("SELECT id FROM users WHERE username = 'demo.aanbieder'")
        .await;
    let lbt = app
        .id_of("SELECT id FROM teams WHERE name = 'LBT Leudal'")
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
                .replace("{token}", &token)
                .replace("{case}", &case)
                .replace("{person}", &person)
                .replace("{member}", &member)
                .replace("{iuser}", &iuser)
                .replace("{none}", "none")
                .replace("{eval}", "none")
                .replace("{lbt}", &lbt);
            let refused_before = refusals(&app).await;
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
            let allowed = match who {
                Who::Everyone => true,
                Who::AdminOnly => role == "administrator",
                Who::Roles(roles) => roles.contains(&role),
            };
            let refused_after = refusals(&app).await;
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

/// Refusals in the audit log: by the route guard, or by the case (not involved).
async fn refusals(app: &TestApp) -> i64 {
    app.audit_count("access.refused").await + app.audit_count("case.refused").await
}

#[tokio::test]
async fn anonymous_requests_get_401_or_the_login_page() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for (method, template, _) in routes() {
        let path = template
            .replace(['{', '}'], "x")
            .replace("?naam=bakker", "");
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
                    .replace("{case}", "{id}")
                    .replace("{iuser}", "{user}")
                    .replace("/versions/1", "/versions/{number}")
                    .replace("problem_areas", "{list}")
                    .replace("{none}", "{id}")
                    .replace("{lbt}", "{id}")
                    .replace("{eval}", "{evaluation}")
                    .replace("/budgets/2026", "/budgets/{year}")
                    .replace("/cbs/2025-2", "/cbs/{period}")
                    .replace("/reports/monitoring", "/reports/{name}")
                    .split('?')
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
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

/// Records the caller must not see, by id, through every kind of route that takes one:
/// each answers 403 or 404, nothing of the record, and leaves an audit record of the
/// refusal. The table is the list of such attacks; a new route with an id gets a row.
#[tokio::test]
async fn ids_of_records_the_caller_must_not_see_are_refused_and_audited() {
    use reqwest::Method as M;
    let app = TestApp::spawn().await;
    let today = eenplan_store::today();
    // Lotte's decision at PSW, so there are access records to probe.
    let a = crate::ijw::assigned(
        &app,
        today - chrono::Duration::days(5),
        today + chrono::Duration::days(60),
    )
    .await;
    let case = app.id_of("SELECT c.id FROM cases c JOIN persons p ON p.family_id = c.family_id WHERE p.name = 'Lotte Bakker'").await;
    let person = app
        .id_of("SELECT id FROM persons WHERE name = 'Mark Bakker'")
        .await;
    let decision = a.decision.clone();
    let request = app
        .id_of(&format!(
            "SELECT request_id FROM decisions WHERE id = '{decision}'"
        ))
        .await;
    let evaluation = app
        .id_of(&format!(
            "SELECT id FROM evaluations WHERE decision_id = '{decision}' LIMIT 1"
        ))
        .await;
    let message = app
        .id_of("SELECT id FROM ijw_messages WHERE direction = 'in' LIMIT 1")
        .await;
    let (worker, wcsrf) = app.login("demo.gezinswerker").await;
    let (_, made) = crate::common::api(
        &app,
        &worker,
        &wcsrf,
        M::POST,
        &format!("/api/v1/cases/{case}/consultations"),
        serde_json::json!({"kind": "advice", "reason": "spar", "question": "Vraag.",
            "anonymised_question": "Vraag zonder namen."}),
    )
    .await;
    let consultation = made["id"].as_str().unwrap().to_owned();
    let secret_names = ["Lotte", "Bakker", "Anouk"];

    // (who, method, path): another team's case and family, the CJG's full access records
    // for a provider, a team's consultation for someone outside it, another municipality's
    // costs, a message outside one's scope.
    let attacks: Vec<(&str, M, String)> = vec![
        (
            "demo.gezinswerker.weert",
            M::GET,
            format!("/api/v1/cases/{case}"),
        ),
        (
            "demo.gezinswerker.weert",
            M::GET,
            format!("/casussen/{case}"),
        ),
        (
            "demo.gezinswerker.weert",
            M::GET,
            format!("/api/v1/cases/{case}/plan"),
        ),
        (
            "demo.gezinswerker.weert",
            M::GET,
            format!("/casussen/{case}/plan/afdrukken"),
        ),
        (
            "demo.gezinswerker.weert",
            M::PUT,
            format!("/api/v1/cases/{case}/persons/{person}"),
        ),
        (
            "demo.gezinswerker.weert",
            M::POST,
            format!("/api/v1/cases/{case}/network"),
        ),
        (
            "demo.gezinswerker.weert",
            M::GET,
            format!("/api/v1/access-requests/{request}"),
        ),
        (
            "demo.gezinswerker.weert",
            M::GET,
            format!("/api/v1/decisions/{decision}"),
        ),
        (
            "demo.gezinswerker.weert",
            M::GET,
            format!("/beschikkingen/{decision}/brief"),
        ),
        (
            "demo.gezinswerker.weert",
            M::POST,
            format!("/api/v1/decisions/{decision}/evaluations/{evaluation}"),
        ),
        (
            "demo.aanbieder",
            M::GET,
            format!("/api/v1/decisions/{decision}"),
        ),
        (
            "demo.aanbieder",
            M::GET,
            format!("/api/v1/access-requests/{request}"),
        ),
        ("demo.aanbieder", M::GET, format!("/api/v1/cases/{case}")),
        ("demo.ketenpartner", M::GET, format!("/api/v1/cases/{case}")),
        ("demo.behandelteam", M::GET, format!("/api/v1/cases/{case}")),
        (
            "demo.gezinswerker.weert",
            M::GET,
            format!("/api/v1/consultations/{consultation}"),
        ),
        (
            "demo.gedragswetenschapper",
            M::GET,
            format!("/api/v1/consultations/{consultation}"),
        ),
        (
            "demo.beleid",
            M::GET,
            "/api/v1/costs?municipality=0988&from=2026-01-01&to=2026-12-31".to_owned(),
        ),
        (
            "demo.gezinswerker.weert",
            M::GET,
            format!("/api/v1/ijw/messages/{message}"),
        ),
    ];
    let mut refused = 0;
    let mut clients = std::collections::HashMap::new();
    for (who, method, path) in attacks {
        if !clients.contains_key(who) {
            clients.insert(who, app.login(who).await);
        }
        let (client, csrf) = &clients[who];
        let before: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_events WHERE outcome IN ('refused', 'failure')",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let mut r = client
            .request(method.clone(), app.url(&path))
            .header("x-csrf-token", csrf.as_str());
        if method != M::GET {
            r = r.json(
                &serde_json::json!({"version": 1, "name": "x", "relation": "y",
                "done_on": "2026-01-01", "family_view": "x", "outcome": "continue", "scores": []}),
            );
        }
        let r = r.send().await.unwrap();
        let status = r.status().as_u16();
        let body = r.text().await.unwrap();
        assert!(
            status == 403 || status == 404,
            "{who} {method} {path}: {status} {body}"
        );
        for name in secret_names {
            assert!(!body.contains(name), "{who} {method} {path} shows {name}");
        }
        let after: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_events WHERE outcome IN ('refused', 'failure')",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert!(
            after > before,
            "{who} {method} {path}: no audit record of the refusal"
        );
        refused += 1;
    }
    assert_eq!(refused, 19);
}
