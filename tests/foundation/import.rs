//! Import of historical data from CSV: registrations become real families, youths and
//! cases; a file with problems lists all of them and imports nothing; importing again
//! changes nothing.

use crate::common::TestApp;
use eenplan_store::audit::{self, Actor};
use eenplan_store::import::{self, ImportError, ImportSummary, RowError};

const HEADER: &str = "external_id,municipality_code,registered_on,closed_on,referral_channel,problem_area,youth_birth_date,youth_bsn,family_ref";

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

async fn registrations(app: &TestApp, csv: &str) -> Result<ImportSummary, ImportError> {
    import::registrations(&app.store, &Actor::system("test"), csv.as_bytes(), |_| {}).await
}

/// The running numbers (case numbers per year).
async fn counters(app: &TestApp) -> Vec<(String, i64)> {
    sqlx::query_as("SELECT name, value FROM counters ORDER BY name")
        .fetch_all(app.store.pool())
        .await
        .unwrap()
}

/// The numbers of rows an import touches.
async fn counts(app: &TestApp) -> [i64; 7] {
    let mut out = [0; 7];
    for (i, table) in [
        "families",
        "persons",
        "cases",
        "registrations",
        "registration_youths",
        "case_events",
        "audit_events",
    ]
    .iter()
    .enumerate()
    {
        out[i] = count(app, &format!("SELECT COUNT(*) FROM {table}")).await;
    }
    out
}

fn problems(result: Result<ImportSummary, ImportError>) -> Vec<(u64, String)> {
    match result {
        Err(ImportError::Invalid(errors)) => errors
            .into_iter()
            .map(|RowError { line, column, .. }| (line, column))
            .collect(),
        other => panic!("expected problems, got {other:?}"),
    }
}

#[tokio::test]
async fn a_registrations_file_becomes_families_youths_and_cases() {
    let app = TestApp::spawn().await;
    let before = counts(&app).await;
    // F1: two youths of one family (one case closed); R3: no youth, its own family;
    // R4: the demo's Lotte Bakker by BSN (her family, no new person); R5: R1's youth
    // again by BSN alone (Dutch date, a Dutch label, a code without its leading zero).
    let csv = format!(
        "{HEADER}
R1,1640,2019-03-01,2019-09-01,onderwijs,opvoeding,2012-05-01,999900006,F1
R2,1640,2019-04-01,,Eigen initiatief,ontwikkeling,2014-05-01,,F1
R3,946,2020-01-15,,,opvoeding,,,
R4,0988,2020-01-15,2020-06-30,artsen,opvoeding,,999901011,
R5,0988,5-1-2021,,artsen,Opvoeding,,999900006,F9
"
    );
    let summary = registrations(&app, &csv).await.unwrap();
    assert_eq!(
        summary,
        ImportSummary {
            imported: 5,
            skipped: 0,
            families: 2,
            youths: 2
        }
    );
    let after = counts(&app).await;
    assert_eq!(after[0] - before[0], 2, "families: F1 and R3's");
    assert_eq!(after[1] - before[1], 2, "persons: R1's and R2's youths");
    assert_eq!(after[2] - before[2], 5, "cases");
    assert_eq!(after[3] - before[3], 5, "registrations");
    assert_eq!(after[4] - before[4], 4, "youths on registrations");
    assert_eq!(after[5] - before[5], 7, "timeline: 5 registered, 2 closed");
    assert_eq!(after[6] - before[6], 5, "one audit event per case");

    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM cases WHERE imported = 1 AND status = 'afgesloten' AND close_reason = 'other' AND picked_up_on IS NULL").await,
        2
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM cases WHERE imported = 1 AND status = 'in_begeleiding' AND picked_up_on = registered_on AND worker_id IS NULL").await,
        3
    );
    // Several open imported cases in one family: history allows it.
    let f1 = app
        .id_of("SELECT id FROM families WHERE import_ref = 'F1'")
        .await;
    let f1_cases: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE family_id = $1")
        .bind(&f1)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(f1_cases, 3, "R1, R2 and R5 (R1's youth by BSN)");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM families WHERE import_ref = 'F9'"
        )
        .await,
        0
    );
    let lotte_family = app
        .id_of("SELECT family_id FROM persons WHERE bsn = '999901011'")
        .await;
    let r4_family = app
        .id_of("SELECT c.family_id FROM cases c JOIN registrations r ON r.case_id = c.id WHERE r.external_id = 'R4'")
        .await;
    assert_eq!(r4_family, lotte_family, "a known BSN is the same child");
    // The registration as the rest of eenplan sees it.
    let row = sqlx::query(
        "SELECT r.referral_channel, p.problem_area, p.is_primary, c.number, c.team_id, t.name
         FROM registrations r JOIN registration_problem_areas p ON p.registration_id = r.id
         JOIN cases c ON c.id = r.case_id JOIN teams t ON t.id = c.team_id WHERE r.external_id = 'R2'",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    use sqlx::Row;
    assert_eq!(
        row.get::<Option<String>, _>("referral_channel").as_deref(),
        Some("eigen_initiatief")
    );
    assert_eq!(row.get::<String, _>("problem_area"), "ontwikkeling");
    assert_eq!(row.get::<i64, _>("is_primary"), 1);
    assert!(row.get::<String, _>("number").starts_with("2019-"));
    assert_eq!(row.get::<String, _>("name"), "CJG Leudal");
    // The Leudal family worker opens the imported case like any other.
    let case_id = app
        .id_of("SELECT case_id FROM registrations WHERE external_id = 'R2'")
        .await;
    let (client, _) = app.login("demo.gezinswerker").await;
    let page = client
        .get(app.url(&format!("/casussen/{case_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Gezin (import) F1"));
    assert!(audit::verify(&app.store).await.unwrap().broken.is_none());
}

#[tokio::test]
async fn an_invalid_file_lists_every_problem_and_imports_nothing() {
    let app = TestApp::spawn().await;
    let before = counts(&app).await;
    // More good rows than a batch first, so rows are written before the problems are
    // found and must be rolled back with the rest.
    let mut csv = format!("{HEADER}\n");
    for i in 0..2_500 {
        csv.push_str(&format!("OK{i},1640,2020-02-03,,onderwijs,opvoeding,,,\n"));
    }
    csv.push_str(
        "B1,1640,2019-02-30,,onderwijs,opvoeding,,,
B2,1234,2019-03-01,,onderwijs,opvoeding,,,
B3,1640,2019-03-01,,fietsen,opvoeding,,,
B4,1640,2019-03-01,,onderwijs,opvoeding,2010-01-01,123456789,
B1,1640,2019-03-01,,onderwijs,opvoeding,,,
B6,1640,2019-03-01,2019-01-01,onderwijs,opvoeding,,,
B7,1640,2019-03-01,,onderwijs,,,,
B8,1640,2019-03-01,,onderwijs,opvoeding,,999900018,
B9,1640,2019-03-01,,onderwijs
",
    );
    let first = 2 + 2_500;
    let got = problems(registrations(&app, &csv).await);
    let expected: Vec<(u64, String)> = [
        (0, "registered_on"),     // 30 February
        (1, "municipality_code"), // unknown code
        (2, "referral_channel"),  // unknown channel
        (3, "youth_bsn"),         // fails the 11-check
        (4, "external_id"),       // B1 again
        (5, "closed_on"),         // before the registration
        (6, "problem_area"),      // missing
        (7, "youth_birth_date"),  // an unknown BSN without a birth date
        (8, ""),                  // too few fields
    ]
    .into_iter()
    .map(|(offset, column)| (first + offset, column.to_owned()))
    .collect();
    assert_eq!(got, expected);
    assert_eq!(counts(&app).await, before, "nothing imported");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM counters WHERE name = 'case_2020'"
        )
        .await,
        0
    );

    // The duplicate names the line of the first.
    let Err(ImportError::Invalid(errors)) = registrations(&app, &csv).await else {
        panic!("expected problems")
    };
    let duplicate = errors.iter().find(|e| e.column == "external_id").unwrap();
    assert!(
        duplicate.message_en.contains(&format!("line {first}")),
        "{duplicate:?}"
    );
    assert!(duplicate.message_nl.contains(&format!("regel {first}")));

    // One BSN with two birth dates in one file; a BSN of a known youth with another
    // birth date.
    let csv = format!(
        "{HEADER}
X1,1640,2020-02-03,,,opvoeding,2012-01-01,999900006,
X2,1640,2020-02-03,,,opvoeding,2012-01-02,999900006,
X3,1640,2020-02-03,,,opvoeding,2015-01-01,999901011,"
    );
    assert_eq!(
        problems(registrations(&app, &csv).await),
        vec![
            (3, "youth_birth_date".into()),
            (4, "youth_birth_date".into())
        ]
    );
    assert_eq!(counts(&app).await, before);
}

#[tokio::test]
async fn importing_the_same_file_again_changes_nothing() {
    let app = TestApp::spawn().await;
    let csv = format!(
        "{HEADER}
A1,1640,2019-03-01,2019-09-01,onderwijs,opvoeding,2012-05-01,999900006,G1
A2,1640,2019-04-01,,onderwijs,ontwikkeling,2014-05-01,,G1
A3,0946,2020-01-15,,,opvoeding,,,
"
    );
    let first = registrations(&app, &csv).await.unwrap();
    assert_eq!((first.imported, first.skipped), (3, 0));
    let after_first = counts(&app).await;
    let numbers = counters(&app).await;

    let again = registrations(&app, &csv).await.unwrap();
    assert_eq!(
        again,
        ImportSummary {
            imported: 0,
            skipped: 3,
            families: 0,
            youths: 0
        }
    );
    assert_eq!(counts(&app).await, after_first);
    assert_eq!(counters(&app).await, numbers);

    // The file grown by a row: only the new row is imported, into its family_ref's family.
    let grown = format!("{csv}A4,1640,2021-02-01,,,opvoeding,2016-07-01,,G1\n");
    let third = registrations(&app, &grown).await.unwrap();
    assert_eq!((third.imported, third.skipped, third.families), (1, 3, 0));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM cases c JOIN families f ON f.id = c.family_id WHERE f.import_ref = 'G1'").await,
        3
    );
}

#[tokio::test]
async fn a_file_with_wrong_columns_is_refused_at_its_header() {
    let app = TestApp::spawn().await;
    let got = problems(
        registrations(
            &app,
            "external_id,municipality_code,registered_on,closed_on,referral_channel,problem_area,youth_birth_date,youth_bsn,family,notes\nR1,1640,2020-01-01,,,opvoeding,,,,\n",
        )
        .await,
    );
    assert_eq!(
        got,
        vec![
            (1, "family".into()),
            (1, "notes".into()),
            (1, "family_ref".into())
        ]
    );
    assert_eq!(
        problems(registrations(&app, "").await),
        vec![(1, String::new())]
    );

    // What a Dutch spreadsheet saves: a byte-order mark, ';' between fields, columns in
    // another order, empty columns and rows at the end.
    let csv = "\u{feff}family_ref;external_id;municipality_code;registered_on;closed_on;referral_channel;problem_area;youth_birth_date;youth_bsn;;\n\
               ;S1;1640;03-02-2020;;Scholen/onderwijs;opvoeding;;;;\n\
               ;;;;;;;;;;\n";
    let summary = registrations(&app, csv).await.unwrap();
    assert_eq!(summary.imported, 1);
}

#[tokio::test]
async fn a_consultations_file_is_imported_once() {
    let app = TestApp::spawn().await;
    let actor = Actor::system("test");
    let consultations =
        |csv: &'static str| import::consultations(&app.store, &actor, csv.as_bytes(), |_| {});
    let bad = "external_id,municipality_code,requested_on,referrer,kind,referred_on
C1,1640,2023-03-10,cjg,advice,no
C2,0946,2023-13-10,huisarts,treatment,misschien
C3,1999,2023-04-10,gi,advice,yes
";
    assert_eq!(
        problems(consultations(bad).await),
        vec![
            (3, "requested_on".into()),
            (3, "referrer".into()),
            (3, "kind".into()),
            (3, "referred_on".into()),
            (4, "municipality_code".into()),
        ]
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM imported_consultations").await,
        0
    );

    let good = "external_id,municipality_code,requested_on,referrer,kind,referred_on
C1,1640,2023-03-10,cjg,advice,no
C2,0946,10-4-2023,GI (WSG/BJZ),consultation_treatment,ja
C3,988,2023-05-01,ggz_wachtlijst,Consultatie/behandeling,nee
";
    let summary = consultations(good).await.unwrap();
    assert_eq!((summary.imported, summary.skipped), (3, 0));
    let row = sqlx::query(
        "SELECT municipality_code, requested_on, referrer, kind, referred_on FROM imported_consultations WHERE external_id = 'C2'",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    use sqlx::Row;
    assert_eq!(row.get::<String, _>("municipality_code"), "0946");
    assert_eq!(row.get::<String, _>("requested_on"), "2023-04-10");
    assert_eq!(row.get::<String, _>("referrer"), "gi");
    assert_eq!(row.get::<String, _>("kind"), "consultation_treatment");
    assert_eq!(row.get::<i64, _>("referred_on"), 1);
    assert_eq!(app.audit_count("consultation.import").await, 3);

    let again = consultations(good).await.unwrap();
    assert_eq!((again.imported, again.skipped), (0, 3));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM imported_consultations").await,
        3
    );
    assert_eq!(app.audit_count("consultation.import").await, 3);
}

/// The command line: a summary and exit 0, or every problem and exit 1.
#[tokio::test]
async fn the_command_line_prints_the_summary_or_every_problem() {
    let dir =
        std::env::temp_dir().join(format!("eenplan_import_{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("lbt.csv");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_eenplan"))
            .arg("--data-dir")
            .arg(dir.join("data"))
            .args(args)
            .env_remove("EENPLAN_DATABASE_URL")
            .output()
            .unwrap()
    };
    std::fs::write(
        &file,
        "external_id,municipality_code,requested_on,referrer,kind,referred_on\nC1,1640,2023-03-10,cjg,advice,no\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    // A data folder without a database is refused, not created.
    let out = run(&["import", "consultations", path]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(!dir.join("data").exists());
    assert!(run(&["migrate"]).status.success());
    let out = run(&["import", "consultations", path]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "imported 1 consultations; skipped 0 imported before"
    );
    let out = run(&["import", "consultations", path]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("skipped 1 imported before"));

    std::fs::write(
        &file,
        format!("{HEADER}\nR1,1640,2019-02-30,,,opvoeding,,,\nR2,1640,2019-02-01,,,x,,,\n"),
    )
    .unwrap();
    let out = run(&["import", "registrations", path]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 2, registered_on: "), "{stderr}");
    assert!(
        stderr.contains("line 3, problem_area: Unknown code 'x'"),
        "{stderr}"
    );
    // A database without the demo region has no local team to take the cases.
    assert!(
        stderr.contains("line 2, municipality_code: No local team serves municipality 1640."),
        "{stderr}"
    );
    assert!(
        stderr.contains("nothing imported: 4 problem(s)"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
