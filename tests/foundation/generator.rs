//! The demo generator: deterministic for a seed and end date, within the schema's rules,
//! in the proportions of the domain brief, and out of the way of the demo accounts.

use crate::common::{TestApp, api};
use chrono::NaiveDate;
use eenplan_domain::Bsn;
use eenplan_domain::access::{Effort, Frequency, Unit};
use eenplan_store::generator::{self, GeneratorOptions, Scale};
use serde_json::json;
use sqlx::Row;

const UNTIL: &str = "2026-06-30";

/// The generated cases, not the demo's hand-made ones (which have random ids and are
/// dated in the autumn of 2026, after `UNTIL`).
const GENERATED: &str = "c.id NOT IN (SELECT r.case_id FROM registrations r
    JOIN users u ON u.id = r.created_by WHERE u.username LIKE 'demo.%')";

fn options(seed: u64) -> GeneratorOptions {
    GeneratorOptions {
        seed,
        scale: Scale::Region,
        years: 1,
        until: UNTIL.parse().unwrap(),
    }
}

async fn generated(seed: u64) -> TestApp {
    let app = TestApp::spawn().await;
    generator::generate(&app.store, &options(seed))
        .await
        .expect("generate");
    app
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.store.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// What must be the same for the same seed: row counts and the case rows themselves
/// (ids included; teams and workers by name, as the demo region's ids are random).
async fn fingerprint(app: &TestApp) -> (Vec<i64>, Vec<String>) {
    let mut counts = Vec::new();
    for table in [
        "families",
        "persons",
        "cases",
        "registrations",
        "access_requests",
        "decisions",
        "evaluations",
        "consultation_requests",
        "hours_entries",
    ] {
        counts.push(scalar(app, &format!("SELECT COUNT(*) FROM {table}")).await);
    }
    let rows = sqlx::query(&format!(
        "SELECT c.id, c.number, c.status, c.registered_on, COALESCE(c.picked_up_on, ''),
                COALESCE(c.closed_on, ''), c.municipality_code, t.name, COALESCE(w.username, ''),
                (SELECT CAST(COALESCE(SUM(d.estimated_cents), 0) AS BIGINT) FROM decisions d WHERE d.case_id = c.id)
         FROM cases c JOIN teams t ON t.id = c.team_id LEFT JOIN users w ON w.id = c.worker_id
         WHERE {GENERATED} ORDER BY c.number"
    ))
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    let cases = rows
        .iter()
        .map(|r| {
            let mut s = String::new();
            for i in 0..9 {
                s.push_str(&r.get::<String, _>(i));
                s.push('|');
            }
            s.push_str(&r.get::<i64, _>(9).to_string());
            s
        })
        .collect();
    (counts, cases)
}

#[tokio::test]
async fn the_same_seed_and_date_give_the_same_data_another_seed_other_data() {
    let (a, b) = tokio::join!(generated(7), generated(7));
    let (fa, fb) = tokio::join!(fingerprint(&a), fingerprint(&b));
    assert!(
        fa.1.len() > 3_000,
        "a year of the region: {} cases",
        fa.1.len()
    );
    assert_eq!(fa.0, fb.0, "row counts differ for the same seed");
    assert!(fa.1 == fb.1, "case rows differ for the same seed");
    drop(b);
    let c = generated(8).await;
    let fc = fingerprint(&c).await;
    assert_ne!(fa.1, fc.1, "another seed gives other cases");
    let shared = fc.1.iter().filter(|r| fa.1.contains(r)).count();
    assert_eq!(shared, 0);
}

#[tokio::test]
async fn generated_data_follows_the_brief_and_keeps_out_of_the_demo_accounts_way() {
    let app = generated(11).await;
    let until: NaiveDate = UNTIL.parse().unwrap();

    // Once per database.
    let again = generator::generate(&app.store, &options(12)).await;
    assert!(
        matches!(again, Err(eenplan_store::Error::Generator(_))),
        "{again:?}"
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE event = 'demo.generate'"
        )
        .await,
        1
    );
    let chain = eenplan_store::audit::verify(&app.store).await.unwrap();
    assert!(chain.broken.is_none(), "{:?}", chain.broken);

    // Nothing dated after the end date (but planned ends and coming evaluations).
    let dated: [String; 6] = [
        format!(
            "SELECT COUNT(*) FROM cases c WHERE {GENERATED}
            AND (registered_on > $1 OR picked_up_on > $1 OR closed_on > $1)"
        ),
        "SELECT COUNT(*) FROM decisions WHERE decided_on > $1 OR start_on > $1 OR ended_on > $1
            OR actual_start_on > $1 OR actual_end_on > $1"
            .into(),
        "SELECT COUNT(*) FROM evaluations WHERE done_on > $1".into(),
        "SELECT COUNT(*) FROM consultation_requests WHERE requested_on > $1 OR closed_on > $1"
            .into(),
        "SELECT COUNT(*) FROM hours_entries WHERE on_date > $1".into(),
        format!(
            "SELECT COUNT(*) FROM case_events e JOIN cases c ON c.id = e.case_id
            WHERE {GENERATED} AND e.on_date > $1"
        ),
    ];
    for sql in dated {
        let n: i64 = sqlx::query_scalar(&sql)
            .bind(UNTIL)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert_eq!(n, 0, "{sql}");
    }

    // Registrations: a year of the region (1,782 in 2018), Leudal's "in care during the
    // year" near the brief's 676, about 3 % without a channel, the channel shares of the
    // code list.
    let period = "registered_on > '2025-06-30' AND municipality_code IN ('1640','0946','0988','0957','1711','1641','1669')";
    let registered = scalar(&app, &format!("SELECT COUNT(*) FROM cases WHERE {period}")).await;
    assert!((1_700..=1_870).contains(&registered), "{registered}");
    let leudal = scalar(
        &app,
        "SELECT COUNT(*) FROM cases WHERE municipality_code = '1640'
         AND registered_on <= '2026-06-30' AND (closed_on IS NULL OR closed_on >= '2025-07-01')",
    )
    .await;
    assert!((575..=780).contains(&leudal), "Leudal in care: {leudal}");
    let channels = sqlx::query_as::<_, (String, f64)>(
        "SELECT code, share_pct FROM code_list_items WHERE list = 'referral_channels'",
    )
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    let listed: f64 = channels.iter().map(|(_, s)| s).sum();
    let total = scalar(&app, "SELECT COUNT(*) FROM registrations").await as f64;
    let with_channel = scalar(
        &app,
        "SELECT COUNT(*) FROM registrations WHERE referral_channel IS NOT NULL",
    )
    .await as f64;
    let without = 100.0 * (total - with_channel) / total;
    assert!(
        (1.5..=4.5).contains(&without),
        "{without} % without channel"
    );
    for (code, share) in &channels {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM registrations WHERE referral_channel = $1")
                .bind(code)
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        let observed = 100.0 * n as f64 / with_channel;
        let expected = 100.0 * share / listed;
        assert!(
            (observed - expected).abs() <= (expected * 0.25).max(1.0),
            "channel {code}: {observed:.2} % against {expected:.2} %"
        );
    }
    let primary_development = scalar(
        &app,
        "SELECT COUNT(*) FROM registration_problem_areas WHERE is_primary = 1 AND problem_area = 'ontwikkeling'",
    )
    .await as f64
        / total;
    assert!(
        (0.33..=0.43).contains(&primary_development),
        "{primary_development}"
    );

    // Access: about 45 % of the cases in care in the period have a decision running in
    // it (Leudal 2018: 315 youths with access, 676 cases in care); youths in kind only,
    // PGB only and both as 240 : 37 : 38.
    let in_care = format!(
        "FROM cases c WHERE {GENERATED} AND c.registered_on <= '{UNTIL}'
         AND (c.closed_on IS NULL OR c.closed_on >= '2025-07-01')"
    );
    let cases = scalar(&app, &format!("SELECT COUNT(*) {in_care}")).await as f64;
    let with_access = scalar(
        &app,
        &format!(
            "SELECT COUNT(*) {in_care} AND EXISTS (SELECT 1 FROM decisions d WHERE d.case_id = c.id
               AND d.start_on <= '{UNTIL}' AND COALESCE(d.ended_on, d.end_on) >= '2025-07-01')"
        ),
    )
    .await as f64;
    assert!(
        (0.36..=0.56).contains(&(with_access / cases)),
        "{with_access} of {cases} cases in care with access"
    );
    let kinds: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT CAST(MAX(CASE WHEN funding = 'zin' THEN 1 ELSE 0 END) AS BIGINT),
                CAST(MAX(CASE WHEN funding = 'pgb' THEN 1 ELSE 0 END) AS BIGINT)
         FROM decisions GROUP BY youth_id",
    )
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    let youths = kinds.len() as f64;
    let share = |z: i64, p: i64| kinds.iter().filter(|k| **k == (z, p)).count() as f64 / youths;
    assert!(
        (share(1, 0) - 240.0 / 315.0).abs() < 0.05,
        "{}",
        share(1, 0)
    );
    assert!((share(0, 1) - 37.0 / 315.0).abs() < 0.04, "{}", share(0, 1));
    assert!((share(1, 1) - 38.0 / 315.0).abs() < 0.04, "{}", share(1, 1));

    // Every decision: its request decided, for the same case and youth, a reviewer who is
    // not the author, and (in kind, not ended early) the cost the domain computes.
    let mismatched = scalar(
        &app,
        "SELECT COUNT(*) FROM decisions d JOIN access_requests r ON r.id = d.request_id
         WHERE r.status <> 'decided' OR r.case_id <> d.case_id OR r.youth_id <> d.youth_id
            OR r.reviewer_id = r.author_id OR d.decided_by <> r.reviewer_id",
    )
    .await;
    assert_eq!(mismatched, 0);
    let rows = sqlx::query(
        "SELECT volume, unit, frequency, start_on, end_on, unit_price_cents, units_x100, estimated_cents
         FROM decisions WHERE funding = 'zin' AND ended_on IS NULL",
    )
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    assert!(rows.len() > 500);
    for r in &rows {
        let date = |c: &str| r.get::<String, _>(c).parse::<NaiveDate>().unwrap();
        let effort = Effort::new(
            Some(r.get("volume")),
            Unit::parse(&r.get::<String, _>("unit")),
            Frequency::parse(&r.get::<String, _>("frequency")),
            date("start_on"),
            date("end_on"),
        )
        .unwrap();
        assert_eq!(
            effort.cost_cents(r.get("unit_price_cents")),
            r.get::<i64, _>("estimated_cents")
        );
        assert_eq!(effort.total_units_x100(), r.get::<i64, _>("units_x100"));
    }

    // Evaluations: most held on time, some late, some overdue.
    let overdue = scalar(
        &app,
        "SELECT COUNT(*) FROM evaluations WHERE done_on IS NULL AND due_on < '2026-06-30'",
    )
    .await;
    let held: Vec<(String, String)> =
        sqlx::query_as("SELECT due_on, done_on FROM evaluations WHERE done_on IS NOT NULL")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    let days: Vec<i64> = held
        .iter()
        .map(|(due, done)| {
            (done.parse::<NaiveDate>().unwrap() - due.parse::<NaiveDate>().unwrap()).num_days()
        })
        .collect();
    let on_time = days.iter().filter(|d| d.abs() <= 7).count();
    let late = days.iter().filter(|d| **d > 7).count();
    assert!(overdue > 0, "some evaluations are overdue");
    assert!(late > 0, "some evaluations were held late");
    assert!(
        on_time * 100 >= held.len() * 60,
        "{on_time} of {} on time",
        held.len()
    );
    assert!(
        held.len() as i64 > 10 * overdue,
        "{} held, {overdue} overdue",
        held.len()
    );

    // The treatment teams: requests in both teams, mostly from the CJG, in the table's
    // proportions of advice and referral.
    let teams = scalar(
        &app,
        "SELECT COUNT(DISTINCT team_id) FROM consultation_requests",
    )
    .await;
    assert_eq!(teams, 2);
    let closed = scalar(
        &app,
        "SELECT COUNT(*) FROM consultation_requests WHERE status = 'closed'",
    )
    .await;
    let from_cjg = scalar(
        &app,
        "SELECT COUNT(*) FROM consultation_requests WHERE status = 'closed' AND referrer = 'cjg'",
    )
    .await;
    assert!(
        closed > 30 && from_cjg * 100 >= closed * 65,
        "{from_cjg} of {closed}"
    );
    let hours = scalar(&app, "SELECT COUNT(*) FROM hours_entries").await;
    assert!(hours > 100, "{hours} hours entries");

    // Invented people: BSNs from the test range, passing the 11-check.
    let bsns: Vec<String> = sqlx::query_scalar("SELECT bsn FROM persons WHERE bsn IS NOT NULL")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    assert!(bsns.len() > 1_000);
    for b in &bsns {
        assert!(Bsn::parse("bsn", b).unwrap().is_test_range(), "{b}");
    }

    // The demo accounts' own lists are as the demo made them: Iris works one case (the
    // Bakker family), nothing waits for Bram's review, nobody generated is coordinated
    // by or involves a demo account.
    let demo_work = scalar(
        &app,
        "SELECT COUNT(*) FROM cases c JOIN users u ON u.id = c.worker_id WHERE u.username LIKE 'demo.%'",
    )
    .await;
    assert_eq!(demo_work, 1);
    let demo_coordinates = scalar(
        &app,
        "SELECT COUNT(*) FROM family_plans p JOIN users u ON u.id = p.coordinator_user_id
         WHERE u.username LIKE 'demo.%'",
    )
    .await;
    assert_eq!(demo_coordinates, 0);
    let in_review = scalar(
        &app,
        "SELECT COUNT(*) FROM access_requests WHERE status <> 'decided'",
    )
    .await;
    assert_eq!(in_review, 0);

    // The running numbers moved past the generated ones: a registration today gets a new
    // case number.
    let (client, csrf) = app.login("demo.gezinswerker").await;
    let (status, body) = api(
        &app,
        &client,
        &csrf,
        reqwest::Method::POST,
        "/api/v1/registrations",
        json!({
            "municipality_code": "1640",
            "registered_on": until.to_string(),
            "primary_problem_area": "opvoeding",
            "question": "Een nieuwe vraag na het genereren.",
            "youths": [{"name": "Pim Onbekend", "birth_date": "2016-02-03"}],
        }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
}
