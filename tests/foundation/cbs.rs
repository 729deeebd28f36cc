//! CBS Beleidsinformatie Jeugd: cases built through the store, the half-year file with
//! its exact rows (code mappings, period boundaries, help that is no jeugdhulp), the
//! municipality filter, bad input, corrections (the whole period again, the earlier
//! delivery superseded), the kept file's download, the audit records and the command
//! line. Who may do it is in the authorization matrix.

use crate::common::TestApp;
use chrono::NaiveDate;
use eenplan_domain::Bsn;
use eenplan_domain::case::{CloseReason, HelpKind};
use eenplan_store::audit::Actor;
use eenplan_store::cases::{self, NewRegistration, PersonInput, Step, YouthRef};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// One case of the CJG: registered, picked up, its help kind set, maybe closed.
struct Case<'a> {
    municipality: &'a str,
    youths: &'a [(&'a str, &'a str, Option<&'a str>)],
    registered: &'a str,
    picked_up: &'a str,
    help: HelpKind,
    closed: Option<(&'a str, CloseReason)>,
}

async fn build(app: &TestApp, c: Case<'_>) -> Vec<String> {
    let worker = if c.municipality == "0988" {
        "demo.gezinswerker.weert"
    } else {
        "demo.gezinswerker"
    };
    let user = app
        .id_of(&format!("SELECT id FROM users WHERE username = '{worker}'"))
        .await;
    let actor = Actor::system("test");
    let mut tx = app.store.begin().await.unwrap();
    let input = NewRegistration {
        municipality_code: c.municipality.into(),
        registered_on: d(c.registered),
        referral_channel: Some("onderwijs".into()),
        problem_areas: vec!["opvoeding".into()],
        question: "Een vraag over opvoeden.".into(),
        youths: c
            .youths
            .iter()
            .map(|(name, born, bsn)| {
                YouthRef::New(PersonInput {
                    name: (*name).into(),
                    birth_date: Some(d(born)),
                    bsn: bsn.map(|b| Bsn::parse("bsn", b).unwrap()),
                    municipality_code: Some(c.municipality.into()),
                    ..PersonInput::default()
                })
            })
            .collect(),
        parents: vec![],
        break_glass_reason: None,
    };
    let r = cases::register(&mut tx, &actor, &user, &input, 90)
        .await
        .unwrap();
    // The worker runs the case as its team does: through the grant.
    let grant = match cases::open(&mut tx, &user, &r.case_id).await.unwrap() {
        cases::Opened::Granted(g) => g,
        cases::Opened::Refused(_) => panic!("the worker's own team"),
    };
    cases::transition(
        &mut tx,
        &actor,
        &user,
        &grant,
        1,
        &Step::PickUp {
            worker_id: user.clone(),
        },
        d(c.picked_up),
        90,
    )
    .await
    .unwrap();
    cases::update_case(
        &mut tx,
        &actor,
        &user,
        &grant,
        2,
        Some(c.help),
        false,
        d(c.picked_up),
    )
    .await
    .unwrap();
    if let Some((on, reason)) = c.closed {
        cases::transition(
            &mut tx,
            &actor,
            &user,
            &grant,
            3,
            &Step::Close { reason },
            d(on),
            90,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let mut ids = Vec::new();
    for (name, _, _) in c.youths {
        ids.push(
            app.id_of(&format!("SELECT id FROM persons WHERE name = '{name}'"))
                .await,
        );
    }
    ids
}

/// The cases of the test, around the period 2025-2 (1 July to 31 December 2025).
/// Returns the ids of the youths that must be in the region's file.
async fn cases(app: &TestApp) -> Vec<String> {
    use CloseReason::*;
    use HelpKind::*;
    // Ended the day before the period: not in it.
    build(
        app,
        Case {
            municipality: "1640",
            youths: &[("Anna Aarts", "2012-01-05", Some("999900006"))],
            registered: "2025-03-01",
            picked_up: "2025-03-03",
            help: AmbulatoryBasic,
            closed: Some(("2025-06-30", GoalsReached)),
        },
    )
    .await;
    // Ended on the period's first day: in it, ended, moved = 05.
    let mut inside = build(
        app,
        Case {
            municipality: "1640",
            youths: &[("Bram Bos", "2010-07-31", Some("999900018"))],
            registered: "2025-06-01",
            picked_up: "2025-06-02",
            help: GroupWork,
            closed: Some(("2025-07-01", Moved)),
        },
    )
    .await;
    // Picked up on the period's last day, no BSN: in it, running, BSN 999999999.
    inside.extend(
        build(
            app,
            Case {
                municipality: "1640",
                youths: &[("Cas Claes", "2019-02-28", None)],
                registered: "2025-12-30",
                picked_up: "2025-12-31",
                help: AmbulatoryBasic,
                closed: None,
            },
        )
        .await,
    );
    // Registered in the period but help started the day after it: not in it.
    build(
        app,
        Case {
            municipality: "1640",
            youths: &[("Dirk Dekker", "2011-11-11", Some("999900031"))],
            registered: "2025-12-31",
            picked_up: "2026-01-02",
            help: AmbulatoryBasic,
            closed: None,
        },
    )
    .await;
    // Information and advice is prevention, not jeugdhulp: not in it.
    build(
        app,
        Case {
            municipality: "1640",
            youths: &[("Fleur Franssen", "2013-05-05", Some("999900043"))],
            registered: "2025-08-01",
            picked_up: "2025-08-01",
            help: InformationAdvice,
            closed: None,
        },
    )
    .await;
    // Two youths of one family, ended in the period: referred on = 02.
    inside.extend(
        build(
            app,
            Case {
                municipality: "1640",
                youths: &[
                    ("Gijs Geurts", "2016-09-01", Some("999900055")),
                    ("Gwen Geurts", "2018-04-02", Some("999900067")),
                ],
                registered: "2025-08-28",
                picked_up: "2025-09-01",
                help: AmbulatoryBasic,
                closed: Some(("2025-10-15", ReferredSpecialised)),
            },
        )
        .await,
    );
    // Weert, crossing the whole period and ending after it: running on its last day.
    inside.extend(
        build(
            app,
            Case {
                municipality: "0988",
                youths: &[("Eva Evers", "2009-12-24", Some("999900079"))],
                registered: "2025-04-28",
                picked_up: "2025-05-01",
                help: AmbulatoryBasic,
                closed: Some(("2026-02-01", FamilyStopped)),
            },
        )
        .await,
    );
    inside.sort();
    inside
}

const HEADER: &str = "Burgerservicenummer,Geboortedatum,Geslacht,Postcode,Gemeentecode,Verwijzer,Hulpvorm,GestartMetCrisis,DatumAanvangJeugdhulp,DatumEindeJeugdhulp,RedenBeeindigingJeugdhulp,TevredenheidJeugdige,ZonderHulpVerderJeugdige,TevredenheidOuder,ZonderHulpVerderOuder\n";
const WEERT: &str = "999900079,20091224,O,,0988,06,01,,20250501,,,,,,\n";
const LEUDAL: &str = "999900018,20100731,O,,1640,06,01,,20250602,20250701,05,,,,\n\
                      999900055,20160901,O,,1640,06,01,,20250901,20251015,02,,,,\n\
                      999900067,20180402,O,,1640,06,01,,20250901,20251015,02,,,,\n\
                      999999999,20190228,O,,1640,06,01,,20251231,,,,,,\n";

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn the_half_year_file_follows_the_protocol() {
    let app = TestApp::spawn().await;
    let inside = cases(&app).await;
    let (admin, csrf) = app.login("demo.beheerder").await;
    // A delivery is recorded: a POST.
    let get = |path: &str| {
        admin
            .post(app.url(path))
            .header("x-csrf-token", &csrf)
            .send()
    };

    // The region: municipalities in code order, then start date and BSN.
    let r = get("/api/v1/cbs/2025-2").await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "text/csv; charset=utf-8"
    );
    let sha = r.headers()["x-content-sha256"].to_str().unwrap().to_owned();
    let body = r.text().await.unwrap();
    assert_eq!(body, format!("{HEADER}{WEERT}{LEUDAL}"));
    let stored: String = sqlx::query_scalar(
        "SELECT sha256 FROM cbs_deliveries WHERE period = '2025-2' AND scope = 'regio'",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!((sha.len(), &sha), (64, &stored));

    // One municipality; one without such help; a municipality outside the region.
    let body = get("/api/v1/cbs/2025-2?municipality=0988")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(body, format!("{HEADER}{WEERT}"));
    let body = get("/api/v1/cbs/2025-2?municipality=0946")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(body, HEADER);
    for path in [
        "/api/v1/cbs/2025-2?municipality=0363",
        "/api/v1/cbs/2025-2?municipality=98",
        "/api/v1/cbs/2025-3",
        "/api/v1/cbs/2025",
        "/api/v1/cbs/x%27%3B--",
        "/api/v1/cbs/2014-2",
        // Not ended yet.
        "/api/v1/cbs/2999-1",
    ] {
        let r = get(path).await.unwrap();
        assert_eq!(r.status().as_u16(), 422, "{path}");
        let v: serde_json::Value = r.json().await.unwrap();
        assert!(
            v.to_string().contains("period") || v.to_string().contains("municipality"),
            "{v}"
        );
    }

    // The earlier half year: only the Weert case (picked up in May) and the Leudal ones
    // running then, as they stood on 30 June 2025.
    let body = get("/api/v1/cbs/2025-1")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        body,
        format!(
            "{HEADER}{WEERT}\
             999900006,20120105,O,,1640,06,01,,20250303,20250630,01,,,,\n\
             999900018,20100731,O,,1640,06,01,,20250602,,,,,,\n"
        )
    );

    // Every file is a delivery; the second of the region's 2025-2 is the correction and
    // supersedes the first.
    let regio = "SELECT COUNT(*) FROM cbs_deliveries WHERE period = '2025-2' AND scope = 'regio'";
    assert_eq!(count(&app, regio).await, 1);
    let r = get("/api/v1/cbs/2025-2").await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(count(&app, regio).await, 2);
    assert_eq!(
        count(&app, &format!("{regio} AND superseded = 0 AND number = 2")).await,
        1
    );
    // A region delivery also supersedes the period's municipality deliveries.
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM cbs_deliveries WHERE period = '2025-2' AND superseded = 0"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM cbs_deliveries WHERE period = '2025-2' AND scope = 'regio' AND number = 2 AND record_count = 5"
        )
        .await,
        1
    );

    // Audited as exports with the youths in the file: only those.
    assert_eq!(app.audit_count("cbs.deliver").await, 5);
    let clients: String = sqlx::query_scalar(
        "SELECT client_ids FROM audit_events WHERE event = 'cbs.deliver' ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    for id in &inside {
        assert!(clients.contains(id.as_str()), "{clients}");
    }
    let outside = app
        .id_of("SELECT id FROM persons WHERE name = 'Fleur Franssen'")
        .await;
    assert!(!clients.contains(&outside), "{clients}");

    // The page lists the deliveries; its form makes another one; the kept file
    // downloads exactly as delivered, audited.
    let r = admin.get(app.url("/cbs")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("CBS Beleidsinformatie Jeugd"), "{html}");
    assert!(html.contains("cbs-beleidsinformatie-jeugd-2025-2-regio-2.csv"));
    let r = admin
        .post(app.url("/cbs"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("period", "2025-2"),
            ("municipality", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let r = admin
        .post(app.url("/cbs"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("period", "2025-7"),
            ("municipality", "0363"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("error-summary"), "{html}");
    let id = app
        .id_of("SELECT id FROM cbs_deliveries WHERE period = '2025-2' AND scope = 'regio' AND number = 3")
        .await;
    let download = |path: String| admin.get(app.url(&path)).send();
    let r = download(format!("/cbs/leveringen/{id}")).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("cbs-beleidsinformatie-jeugd-2025-2-regio-3.csv")
    );
    assert_eq!(r.text().await.unwrap(), format!("{HEADER}{WEERT}{LEUDAL}"));
    assert_eq!(app.audit_count("cbs.download").await, 1);
    assert_eq!(
        download("/cbs/leveringen/none".into())
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );

    // The command line: the same file, recorded as the next delivery.
    let out_file = std::env::temp_dir().join(format!("cbs-{}.csv", uuid::Uuid::new_v4()));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_eenplan"))
        .args([
            "cbs-export",
            "--period",
            "2025-2",
            "--municipality",
            "0988",
            "--output",
        ])
        .arg(&out_file)
        .env("EENPLAN_DATABASE_URL", app.database_url())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&out_file).unwrap(),
        format!("{HEADER}{WEERT}")
    );
    let _ = std::fs::remove_file(&out_file);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_eenplan"))
        .args(["cbs-export", "--period", "2025-2", "--municipality", "0363"])
        .env("EENPLAN_DATABASE_URL", app.database_url())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--municipality"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(app.audit_count("cbs.deliver").await, 7);
}

#[tokio::test]
async fn policy_officers_get_no_file() {
    let app = TestApp::spawn().await;
    cases(&app).await;
    let (officer, ocsrf) = app.login("demo.beleid").await;
    let r = officer
        .post(app.url("/api/v1/cbs/2025-2"))
        .header("x-csrf-token", &ocsrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert!(!r.text().await.unwrap().contains("999900018"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM cbs_deliveries").await, 0);
}
