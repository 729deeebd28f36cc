//! Management information: each report on hand-built data (the period boundary rules,
//! the 2018 tables of the domain brief), the same figures in the API, CSV, XLSX and the
//! page, and the small-number rule for aggregate-only viewers.

use crate::common::{TestApp, api};
use eenplan_store::audit::Actor;
use reqwest::Method;
use serde_json::Value;

const HEADER: &str = "external_id,municipality_code,registered_on,closed_on,referral_channel,problem_area,youth_birth_date,youth_bsn,family_ref\n";

/// Imports registrations given as (id, municipality, registered, closed, channel, area).
async fn import(app: &TestApp, rows: &[(String, &str, &str, &str, &str, &str)]) {
    let mut csv = HEADER.to_owned();
    for (id, m, reg, closed, channel, area) in rows {
        csv.push_str(&format!("{id},{m},{reg},{closed},{channel},{area},,,\n"));
    }
    eenplan_store::import::registrations(
        &app.store,
        &Actor::system("test"),
        csv.as_bytes(),
        |_| {},
    )
    .await
    .expect("import");
}

fn row<'a>(
    id: impl std::fmt::Display,
    m: &'a str,
    reg: &'a str,
    closed: &'a str,
    channel: &'a str,
    area: &'a str,
) -> (String, &'a str, &'a str, &'a str, &'a str, &'a str) {
    (id.to_string(), m, reg, closed, channel, area)
}

async fn report(app: &TestApp, user: &str, path: &str) -> (u16, Value) {
    let (client, csrf) = app.login(user).await;
    api(app, &client, &csrf, Method::GET, path, Value::Null).await
}

async fn csv(app: &TestApp, user: &str, path: &str) -> (u16, String) {
    let (client, _) = app.login(user).await;
    let r = client.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The rows of a JSON report keyed by their first column.
fn by_first(v: &Value, key: &str) -> std::collections::HashMap<String, Value> {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r[key].as_str().unwrap().to_owned(), r.clone()))
        .collect()
}

#[tokio::test]
async fn volumes_follow_the_period_boundary_rules() {
    let app = TestApp::spawn().await;
    import(
        &app,
        &[
            // Registered on the period's last day, still open: registered and in care.
            row("a", "1640", "2018-12-31", "", "onderwijs", "opvoeding"),
            // Closed on the period's first day: closed and in care.
            row("b", "1640", "2017-06-01", "2018-01-01", "", "opvoeding"),
            // Closed the day before the period: not in care.
            row("c", "1640", "2017-01-01", "2017-12-31", "", "opvoeding"),
            // Registered long before, still open: in care.
            row("d", "1640", "2016-03-01", "", "", "opvoeding"),
            // Registered the day after: nothing.
            row("e", "1640", "2019-01-01", "", "", "opvoeding"),
            // Registered and closed within the period.
            row(
                "f",
                "1640",
                "2018-03-01",
                "2018-06-01",
                "artsen",
                "ontwikkeling",
            ),
            // Another municipality of MLW.
            row("g", "0988", "2018-05-05", "", "artsen", "ontwikkeling"),
        ],
    )
    .await;
    let path = "/api/v1/reports/volumes?from=2018-01-01&to=2018-12-31";
    let (status, v) = report(&app, "demo.gedragswetenschapper", path).await;
    assert_eq!(status, 200, "{v}");
    let rows = by_first(&v, "area_code");
    let leudal = &rows["1640"];
    assert_eq!(
        (
            &leudal["registrations"],
            &leudal["closed"],
            &leudal["in_care"]
        ),
        (&Value::from(2), &Value::from(2), &Value::from(4))
    );
    assert_eq!(rows["MLW"]["registrations"], 3);
    assert_eq!(rows["MLW"]["in_care"], 5);
    assert_eq!(rows["ML"]["in_care"], 5);
    assert_eq!(rows["0957"]["in_care"], 0);

    // The CSV: municipalities by CBS code, then MLW, MLO, ML.
    let (status, text) = csv(
        &app,
        "demo.gedragswetenschapper",
        "/rapportages/volumes.csv?van=2018-01-01&tot=2018-12-31",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        text,
        "area_code,area_name,registrations,closed,in_care\n\
         0946,Nederweert,0,0,0\n\
         0957,Roermond,0,0,0\n\
         0988,Weert,1,0,1\n\
         1640,Leudal,2,2,4\n\
         1641,Maasgouw,0,0,0\n\
         1669,Roerdalen,0,0,0\n\
         1711,Echt-Susteren,0,0,0\n\
         MLW,Midden-Limburg West,3,2,5\n\
         MLO,Midden-Limburg Oost,0,0,0\n\
         ML,Midden-Limburg,3,2,5\n"
    );
    // One municipality: only its row.
    let (_, v) = report(
        &app,
        "demo.gedragswetenschapper",
        "/api/v1/reports/volumes?year=2018&area=1640",
    )
    .await;
    assert_eq!(v["rows"].as_array().unwrap().len(), 1);
    assert_eq!(v["rows"][0]["in_care"], 4);
    // A sub-region: its municipalities and its total.
    let (_, v) = report(
        &app,
        "demo.gedragswetenschapper",
        "/api/v1/reports/volumes?year=2018&area=MLW",
    )
    .await;
    let codes: Vec<&str> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["area_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["0946", "0988", "1640", "MLW"]);

    // Bad parameters: 422 naming the field; an unknown report: 404.
    for (path, field) in [
        (
            "/api/v1/reports/volumes?from=2018-13-01&to=2018-12-31",
            "from",
        ),
        (
            "/api/v1/reports/volumes?from=2018-02-01&to=2018-01-01",
            "to",
        ),
        ("/api/v1/reports/volumes?year=2018&area=XYZ", "area"),
        ("/api/v1/reports/volumes?year=20x8", "year"),
        ("/api/v1/reports/volumes", "from"),
        ("/api/v1/reports/volumes?year=2018&format=pdf", "format"),
    ] {
        let (status, v) = report(&app, "demo.gedragswetenschapper", path).await;
        assert_eq!(status, 422, "{path}: {v}");
        assert_eq!(v["errors"][0]["field"], field, "{path}: {v}");
    }
    let (status, _) = report(
        &app,
        "demo.gedragswetenschapper",
        "/api/v1/reports/nope?year=2018",
    )
    .await;
    assert_eq!(status, 404);
}

/// Per municipality: (registrations in 2018, closed in 2018, in care during 2018).
const VOLUMES_2018: [(&str, i64, i64, i64); 7] = [
    ("1640", 279, 205, 676),
    ("0946", 160, 140, 400),
    ("0988", 316, 283, 789),
    ("0957", 500, 420, 1200),
    ("1711", 227, 200, 550),
    ("1641", 150, 130, 358),
    ("1669", 150, 120, 350),
];

/// Leudal 2018 (domain brief, section 3.1): 271 registrations with a known channel.
const CHANNELS: [(&str, i64, f64); 11] = [
    ("eigen_initiatief", 143, 53.0),
    ("onderwijs", 40, 15.0),
    ("artsen", 30, 11.0),
    ("gespecialiseerde_jeugdhulp", 22, 8.0),
    ("veilig_thuis", 13, 4.8),
    ("amw", 5, 1.85),
    ("gi", 5, 1.85),
    ("sociaal_netwerk", 4, 1.48),
    ("welzijn", 4, 1.48),
    ("gemeente_leerplicht_politie", 3, 1.11),
    ("kinderopvang", 2, 0.74),
];

/// Leudal 2018 top 10 (domain brief, section 3.1) of 279 registrations; 20 others.
const AREAS: [(&str, i64, f64); 10] = [
    ("ontwikkeling", 106, 38.0),
    ("opvoeding", 50, 18.0),
    ("echtscheiding", 25, 9.0),
    ("psychiatrie_ontwikkelingsstoornis", 22, 8.0),
    ("onderwijs", 22, 8.0),
    ("verstandelijke_beperking", 8, 3.0),
    ("informatie_advies", 8, 3.0),
    ("psychiatrie_ouders", 6, 2.0),
    ("financien", 6, 2.0),
    ("relatieproblemen", 6, 2.0),
];

#[tokio::test]
async fn the_2018_tables_of_the_domain_brief_are_reproduced() {
    let app = TestApp::spawn().await;
    let mut rows = Vec::new();
    let mut n = 0;
    for (m, registrations, closed, in_care) in VOLUMES_2018 {
        // Carried over from 2017 (still in care on 1 January) and new in 2018; the
        // closed ones first from those carried over.
        let carried = in_care - registrations;
        for i in 0..in_care {
            n += 1;
            let reg = if i < carried {
                "2017-06-15"
            } else {
                "2018-04-02"
            };
            let close = if i < closed { "2018-11-30" } else { "" };
            rows.push((n, m, reg, close));
        }
        // Closed before 2018: in no figure.
        for _ in 0..7 {
            n += 1;
            rows.push((n, m, "2016-02-01", "2017-12-31"));
        }
    }
    // Channels and problem areas on Leudal's 2018 registrations.
    let mut channels: Vec<&str> = CHANNELS
        .iter()
        .flat_map(|(c, k, _)| std::iter::repeat_n(*c, *k as usize))
        .collect();
    channels.extend([""; 8]);
    let mut areas: Vec<&str> = AREAS
        .iter()
        .flat_map(|(c, k, _)| std::iter::repeat_n(*c, *k as usize))
        .collect();
    areas.extend(["veiligheid"; 12]);
    areas.extend(["verslaving"; 8]);
    let mut leudal_2018 = 0;
    let rows: Vec<_> = rows
        .into_iter()
        .map(|(n, m, reg, close)| {
            let (channel, area) = if m == "1640" && reg.starts_with("2018") {
                leudal_2018 += 1;
                (channels[leudal_2018 - 1], areas[leudal_2018 - 1])
            } else {
                ("eigen_initiatief", "opvoeding")
            };
            row(format!("r{n}"), m, reg, close, channel, area)
        })
        .collect();
    assert_eq!(leudal_2018, 279);
    import(&app, &rows).await;

    let user = "demo.gedragswetenschapper";
    let (_, v) = report(&app, user, "/api/v1/reports/volumes?year=2018").await;
    let by = by_first(&v, "area_code");
    for (code, reg, closed, in_care) in [
        ("1640", 279, 205, 676),
        ("MLW", 755, 628, 1865),
        ("ML", 1782, 1498, 4323),
    ] {
        assert_eq!(by[code]["registrations"], reg, "{code}");
        assert_eq!(by[code]["closed"], closed, "{code}");
        assert_eq!(by[code]["in_care"], in_care, "{code}");
    }

    // Shares to two decimals; rounded to the brief's precision they are its figures.
    let (_, v) = report(
        &app,
        user,
        "/api/v1/reports/referral-channels?year=2018&area=1640",
    )
    .await;
    let by = by_first(&v, "channel");
    for (code, count, brief) in CHANNELS {
        assert_eq!(by[code]["count"], count, "{code}");
        let pct = by[code]["percent"].as_f64().unwrap();
        let expected = (count as f64 * 10000.0 / 271.0).round() / 100.0;
        assert!((pct - expected).abs() < 1e-9, "{code}: {pct} vs {expected}");
        let decimals = if brief.fract() == 0.0 {
            0
        } else if (brief * 10.0).fract() == 0.0 {
            1
        } else {
            2
        };
        let scale = 10f64.powi(decimals);
        assert_eq!((pct * scale).round() / scale, brief, "{code}");
    }
    assert_eq!(by["unknown"]["count"], 8);
    assert_eq!(by["unknown"]["percent"], Value::Null);

    let (_, v) = report(
        &app,
        user,
        "/api/v1/reports/problem-areas?year=2018&area=1640",
    )
    .await;
    let by = by_first(&v, "problem_area");
    for (code, count, brief) in AREAS {
        assert_eq!(by[code]["count"], count, "{code}");
        let pct = by[code]["percent"].as_f64().unwrap();
        assert_eq!(pct.round(), brief, "{code}: {pct}");
    }
    assert!(!by.contains_key("unknown"));
    // The first rows are the brief's top 3, largest first.
    let first: Vec<&str> = v["rows"].as_array().unwrap()[..3]
        .iter()
        .map(|r| r["problem_area"].as_str().unwrap())
        .collect();
    assert_eq!(first, ["ontwikkeling", "opvoeding", "echtscheiding"]);

    // The command line agrees with the API.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_eenplan"))
        .args([
            "report",
            "volumes",
            "--from",
            "2018-01-01",
            "--to",
            "2018-12-31",
            "--format",
            "csv",
        ])
        .env("EENPLAN_DATABASE_URL", app.database_url())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("\n1640,Leudal,279,205,676\n"),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("\nMLW,Midden-Limburg West,755,628,1865\n"),
        "{text}"
    );
    assert!(
        text.ends_with("\nML,Midden-Limburg,1782,1498,4323\n"),
        "{text}"
    );
}

#[tokio::test]
async fn policy_officers_see_no_small_count() {
    let app = TestApp::spawn().await;
    let mut rows = Vec::new();
    // Leudal 3 registrations (small), Nederweert 12, Weert 30; MLO 40 in Roermond.
    for (m, k) in [("1640", 3), ("0946", 12), ("0988", 30), ("0957", 40)] {
        for i in 0..k {
            rows.push(row(
                format!("{m}-{i}"),
                m,
                "2019-05-01",
                "",
                "onderwijs",
                "opvoeding",
            ));
        }
    }
    // Two registrations from the GI: a small channel count.
    for i in 0..2 {
        rows.push(row(
            format!("gi-{i}"),
            "0988",
            "2019-05-02",
            "",
            "gi",
            "opvoeding",
        ));
    }
    import(&app, &rows).await;

    let path = "/api/v1/reports/volumes?year=2019";
    let (_, full) = report(&app, "demo.gedragswetenschapper", path).await;
    assert_eq!(by_first(&full, "area_code")["1640"]["registrations"], 3);
    assert_eq!(full["small_counts_hidden"], false);

    let (status, v) = report(&app, "demo.beleid", path).await;
    assert_eq!(status, 200);
    assert_eq!(v["small_counts_hidden"], true);
    let by = by_first(&v, "area_code");
    assert_eq!(by["1640"]["registrations"], "<5");
    // MLW = Leudal + Nederweert + Weert: a second figure of MLW is hidden too, so Leudal
    // cannot be had by subtraction.
    let mlw = ["0946", "0988", "1640", "MLW"];
    let hidden = mlw
        .iter()
        .filter(|c| by[**c]["registrations"] == "<5")
        .count();
    assert!(hidden >= 2, "{v}");
    assert_no_small_count(&v);

    // Channels: GI 2 hidden, and another channel with it.
    let (_, v) = report(
        &app,
        "demo.beleid",
        "/api/v1/reports/referral-channels?year=2019",
    )
    .await;
    let by = by_first(&v, "channel");
    assert_eq!(by["gi"]["count"], "<5");
    assert_eq!(by["gi"]["percent"], "<5");
    assert_eq!(
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["count"] == "<5")
            .count(),
        2,
        "{v}"
    );
    assert_no_small_count(&v);

    // The CSV and the page hide the same figures.
    let (_, text) = csv(
        &app,
        "demo.beleid",
        "/rapportages/volumes.csv?van=2019-01-01&tot=2019-12-31",
    )
    .await;
    assert!(text.contains("\n1640,Leudal,<5,"), "{text}");
    let (_, html) = csv(
        &app,
        "demo.beleid",
        "/rapportages/volumes?van=2019-01-01&tot=2019-12-31",
    )
    .await;
    assert!(html.contains("&lt;5"), "{html}");
    assert!(!html.contains(">3<"), "{html}");

    // The caseload: teams only, no worker, for the policy officer.
    let (_, v) = report(&app, "demo.beleid", "/api/v1/reports/caseload?year=2019").await;
    for r in v["rows"].as_array().unwrap() {
        assert!(r["worker"].is_null() || r["worker"] == "", "{r}");
    }
    assert_no_small_count(&v);

    // Only the policy officer's own municipality's costs.
    let (status, _) = report(
        &app,
        "demo.beleid",
        "/api/v1/reports/costs?year=2019&area=0988",
    )
    .await;
    assert_eq!(status, 403);
    let (status, v) = report(&app, "demo.beleid", "/api/v1/reports/costs?year=2019").await;
    assert_eq!(status, 200);
    assert!(
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["area_code"] == "1640"),
        "{v}"
    );
}

/// No count or figure derived from one below 5 in a policy officer's report.
fn assert_no_small_count(v: &Value) {
    let counts = [
        "registrations",
        "closed",
        "in_care",
        "count",
        "youths",
        "cases",
        "advice",
        "consultation_treatment",
        "referred_on",
        "due",
        "on_time",
        "late",
        "overdue",
        "not_yet_due",
        "new",
        "picked_up",
    ];
    for r in v["rows"].as_array().unwrap() {
        for k in counts {
            if let Some(n) = r.get(k).and_then(Value::as_i64) {
                assert!(n >= 5, "{k} = {n} in {r}");
            }
        }
    }
}
