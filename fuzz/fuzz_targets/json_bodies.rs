//! Any bytes as the JSON body of one of the API's write routes: first through the API's
//! body extractor (`eenplan_web::extract::ApiJson`, the real one), then through the
//! public validation that route runs before it reaches the database.
//!
//! The first byte picks the route, the rest is the body. Nothing may panic, a refused
//! body must be a 422 with at least one problem, and what a validator accepts must keep
//! its bounds. Body types that `eenplan-web` does not export (the ones declared in the
//! private `api::{cases, access, reports}` modules) are copied here field for field as
//! `Mirror*` structs; see README.md for exactly what is and is not covered.
#![no_main]

use axum::extract::FromRequest;
use axum::response::IntoResponse;
use eenplan_domain::access::{MAX_BUDGET_CENTS, format_euros_nl, parse_euros, parse_euros_up_to};
use eenplan_domain::family::{PersonKind, parse_birth_date, parse_date};
use eenplan_domain::{AgbCode, Bsn, MunicipalityCode};
use eenplan_web::api::{NewUserBody, OrganisationBody, TeamBody, UserChangeBody};
use eenplan_web::error::AppError;
use eenplan_web::extract::ApiJson;
use eenplan_web::pages::Fields;
use eenplan_web::pages::admin::{parse_organisation, parse_team, parse_user, parse_username};
use eenplan_web::pages::cases::{
    RegistrationFields, parse_help_kind, parse_network_member, parse_person, parse_reason,
    parse_step, parse_transfer,
};
use eenplan_web::pages::plan::{ActionDraft, GoalDraft, build_plan, parse_agreement};
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::task::{Context, Poll, Waker};

/// `eenplan-web` links the bundled SQLite (through `eenplan-store`), two of whose
/// function-local constants (`aiOff`) the linker merges to one address; AddressSanitizer
/// reports that as an ODR violation at startup, before any input runs. The target does
/// not use SQLite, so that check is off for this binary.
#[unsafe(no_mangle)]
pub extern "C" fn __asan_default_options() -> *const std::ffi::c_char {
    c"detect_odr_violation=0".as_ptr()
}

fuzz_target!(|data: &[u8]| {
    let Some((&route, body)) = data.split_first() else {
        return;
    };
    match route % 16 {
        0 => any_json(body),
        1 => organisation(body),
        2 => team(body),
        3 => new_user(body),
        4 => user_change(body),
        5 => registration(body),
        6 => plan(body),
        7 => person(body),
        8 => network_member(body),
        9 => transition(body),
        10 => case_update(body),
        11 => reason(body),
        12 => agreement(body),
        13 => transfer(body),
        14 => access_request(body),
        _ => budget(body),
    }
});

// ------------------------------------------------------------------ the extractor

/// Runs the API's extractor on `body` sent as `application/json`. A refusal must be an
/// `Invalid` (422) naming at least one problem, and must render as a response.
fn extract<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/fuzz")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_vec()))
        .expect("a valid request");
    match ready(<ApiJson<T> as FromRequest<()>>::from_request(request, &())) {
        Ok(ApiJson(v)) => Some(v),
        Err(e) => {
            assert!(
                matches!(&e, AppError::Invalid(p) if !p.is_empty()),
                "a refused body is not a 422 with problems: {e:?}"
            );
            assert_eq!(e.into_response().status(), 422);
            None
        }
    }
}

/// The extractor's future over a body that is all there completes without waiting.
fn ready<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..64 {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("the extractor waits on a body that is all there");
}

/// Any JSON: the extractor accepts a body only when it is one well-formed JSON value
/// whose strings and keys all pass the text rule, and then hands over that value; it
/// refuses such a value only when more bytes follow it. Every public domain parser must
/// survive the strings of an accepted body.
fn any_json(body: &[u8]) {
    let accepted = extract::<serde_json::Value>(body);
    // The first JSON value of the body, within serde_json's recursion limit of 128.
    let mut de = serde_json::Deserializer::from_slice(body);
    let clean = serde_json::Value::deserialize(&mut de)
        .ok()
        .filter(|v| all_strings(v, &mut |s| eenplan_domain::text::check("", s).is_ok()));
    match &accepted {
        Some(v) => assert_eq!(
            Some(v),
            clean.as_ref(),
            "the extractor accepted a body the text rule refuses, or changed its value"
        ),
        None => assert!(
            clean.is_none() || de.end().is_err(),
            "the extractor refused a well-formed body that passes the text rule"
        ),
    }
    if let Some(v) = accepted {
        let mut n = 0;
        all_strings(&v, &mut |s| {
            n += 1;
            domain_parsers(s);
            n < 64
        });
    }
}

/// Calls `f` on every string and key of `v` until it answers false; false then.
fn all_strings(v: &serde_json::Value, f: &mut impl FnMut(&str) -> bool) -> bool {
    use serde_json::Value;
    match v {
        Value::String(s) => f(s),
        Value::Array(items) => items.iter().all(|i| all_strings(i, f)),
        Value::Object(map) => map.iter().all(|(k, i)| f(k) && all_strings(i, f)),
        _ => true,
    }
}

/// Every public parser of a typed value in `eenplan_domain` that the routes use, with
/// the round trips that must hold for what it accepts.
fn domain_parsers(s: &str) {
    if let Ok(b) = Bsn::parse("bsn", s) {
        let text = b.to_string();
        assert_eq!(text.len(), 9, "{text}");
        assert_eq!(Bsn::parse("bsn", &text).ok(), Some(b));
    }
    if let Ok(d) = parse_date("d", s) {
        assert!((1800..=9999).contains(&chrono::Datelike::year(&d)));
        assert_eq!(parse_date("d", &d.to_string()).ok(), Some(d));
    }
    let _ = parse_birth_date("d", s, today());
    for max in [eenplan_domain::access::MAX_CENTS, MAX_BUDGET_CENTS] {
        if let Ok(c) = parse_euros_up_to("a", s, max) {
            assert!((0..=max).contains(&c), "{c}");
            assert_eq!(
                parse_euros_up_to("a", &format_euros_nl(c), max).ok(),
                Some(c)
            );
        }
    }
    if let Ok(m) = eenplan_domain::treatment_team::parse_hours("h", s) {
        assert!((0..100 * 60).contains(&m), "{m}");
    }
    let _ = eenplan_domain::declaration::parse_year("y", s);
    let _ = eenplan_domain::cbs::Period::parse("p", s);
    let _ = AgbCode::parse("a", s);
    let _ = MunicipalityCode::parse("m", s);
    let _ = eenplan_domain::text::excerpt(s, 40);
    // `password::check` only on the new-user route: its guessability check (zxcvbn)
    // costs milliseconds per string and would take most of the time here.
}

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 2).expect("a real date")
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

// ------------------------------------------------------------------ public body types

/// `POST/PUT /api/v1/organisations`: `org_input` in `api/mod.rs`.
fn organisation(body: &[u8]) {
    let Some(b) = extract::<OrganisationBody>(body) else {
        return;
    };
    if let Ok(o) = parse_organisation(
        &b.name,
        &b.org_type,
        b.agb_code.as_deref().unwrap_or(""),
        b.municipality_code.as_deref().unwrap_or(""),
    ) {
        assert!(!o.name.is_empty() && chars(&o.name) <= 200);
    }
}

/// `POST/PUT /api/v1/teams`.
fn team(body: &[u8]) {
    let Some(b) = extract::<TeamBody>(body) else {
        return;
    };
    if let Ok(t) = parse_team(&b.organisation_id, &b.name, &b.team_type, &b.municipalities) {
        assert!(!t.name.is_empty() && chars(&t.name) <= 200);
        assert!(t.municipalities.len() <= b.municipalities.len());
    }
}

/// `POST /api/v1/users`: the checks of `parse_new_user` before it hashes the password
/// (the hash itself is deliberately slow and needs a runtime). `check_password` runs
/// `password::check` on a blocking thread; here it is called directly.
fn new_user(body: &[u8]) {
    let Some(b) = extract::<NewUserBody>(body) else {
        return;
    };
    if let Ok(u) = parse_username("username", &b.username) {
        assert!((3..=64).contains(&u.len()));
    }
    let _ = parse_user(&b.display_name, &b.role, &b.organisation_id, &b.team_ids);
    let _ =
        eenplan_domain::password::check("password", &b.password, &[&b.username, &b.display_name]);
}

/// `PUT /api/v1/users/{id}`.
fn user_change(body: &[u8]) {
    let Some(b) = extract::<UserChangeBody>(body) else {
        return;
    };
    if let Ok(u) = parse_user(&b.display_name, &b.role, &b.organisation_id, &b.team_ids) {
        assert!(u.team_ids.len() <= b.team_ids.len());
    }
}

/// `POST /api/v1/registrations`: only the extractor and the domain parsers that
/// `parse_registration` applies to the fields; its code-list and municipality look-ups
/// need the database and are not run.
fn registration(body: &[u8]) {
    let Some(f) = extract::<RegistrationFields>(body) else {
        return;
    };
    let _ = parse_date("registered_on", &f.registered_on);
    for y in f.youths.iter().take(10) {
        let _ = parse_birth_date("birth_date", &y.birth_date, today());
        let _ = Bsn::parse("bsn", &y.bsn);
    }
}

/// `PUT /api/v1/cases/{id}/plan`: the body is private (`PlanBody`); its goals and
/// actions are the public drafts.
#[derive(Deserialize)]
#[allow(dead_code)]
struct MirrorPlanBody {
    version: Option<i64>,
    #[serde(default)]
    base: Option<i64>,
    #[serde(default)]
    goals: Vec<GoalDraft>,
    #[serde(default)]
    actions: Vec<ActionDraft>,
}

fn plan(body: &[u8]) {
    let Some(b) = extract::<MirrorPlanBody>(body) else {
        return;
    };
    if let Ok(p) = build_plan(&b.goals, &b.actions) {
        assert!(p.goals.len() <= 100);
        assert!(p.goals.iter().all(|g| g.sub_goals.len() <= 20));
    }
}

// ------------------------------------------------------------------ mirrored body types

/// `api::cases::PersonBody` (add and change a person).
#[derive(Deserialize)]
#[allow(dead_code)]
struct MirrorPersonBody {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    bsn: String,
    #[serde(default)]
    municipality_code: String,
    #[serde(default)]
    has_authority: bool,
    #[serde(default)]
    phone: String,
    version: Option<i64>,
}

fn person(body: &[u8]) {
    let Some(b) = extract::<MirrorPersonBody>(body) else {
        return;
    };
    // Adding refuses an unknown kind; changing takes the kind of the stored person.
    let kinds = match PersonKind::parse(&b.kind) {
        Some(k) => vec![k],
        None => vec![PersonKind::Youth, PersonKind::Parent],
    };
    for kind in kinds {
        if let Ok(p) = parse_person(
            kind,
            &b.name,
            &b.birth_date,
            &b.bsn,
            &b.municipality_code,
            b.has_authority,
            &b.phone,
        ) {
            assert!(!p.name.is_empty() && chars(&p.name) <= 200);
        }
    }
}

/// `api::cases::NetworkBody`.
#[derive(Deserialize)]
#[allow(dead_code)]
struct MirrorNetworkBody {
    #[serde(default)]
    name: String,
    #[serde(default)]
    relation: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    contribution: String,
    version: Option<i64>,
}

fn network_member(body: &[u8]) {
    let Some(b) = extract::<MirrorNetworkBody>(body) else {
        return;
    };
    if let Ok(m) = parse_network_member(&b.name, &b.relation, &b.contact, &b.contribution) {
        assert!(chars(&m.contribution) <= 1000);
    }
}

/// `api::cases::TransitionBody`.
#[derive(Deserialize)]
#[allow(dead_code)]
struct MirrorTransitionBody {
    version: Option<i64>,
    #[serde(default)]
    step: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    on: String,
}

fn transition(body: &[u8]) {
    let Some(b) = extract::<MirrorTransitionBody>(body) else {
        return;
    };
    let _ = parse_step(&b.step, &b.reason, &b.on, "user-1");
}

/// `api::cases::CaseUpdate`.
#[derive(Deserialize)]
#[allow(dead_code)]
struct MirrorCaseUpdate {
    version: Option<i64>,
    #[serde(default)]
    help_kind: String,
    #[serde(default)]
    drang: bool,
}

fn case_update(body: &[u8]) {
    let Some(b) = extract::<MirrorCaseUpdate>(body) else {
        return;
    };
    let _ = parse_help_kind(&b.help_kind);
}

/// `api::cases::{InvolvementBody, BreakGlassBody}`: both carry a reason.
#[derive(Deserialize)]
#[allow(dead_code)]
struct MirrorInvolvementBody {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    reason: String,
}

fn reason(body: &[u8]) {
    let Some(b) = extract::<MirrorInvolvementBody>(body) else {
        return;
    };
    if let Ok(r) = parse_reason("reason", &b.reason) {
        assert!(!r.is_empty() && chars(&r) <= 1000);
    }
}

/// `api::cases::AgreementBody`.
#[derive(Deserialize)]
#[allow(dead_code)]
struct MirrorAgreementBody {
    number: Option<i64>,
    #[serde(default)]
    agreed_by: String,
    #[serde(default)]
    agreed_on: String,
}

fn agreement(body: &[u8]) {
    let Some(b) = extract::<MirrorAgreementBody>(body) else {
        return;
    };
    let _ = parse_agreement(&b.agreed_by, &b.agreed_on);
}

/// `api::cases::TransferBody`.
#[derive(Deserialize)]
struct MirrorTransferBody {
    #[serde(default)]
    team_id: String,
    #[serde(default)]
    from_user_id: String,
    #[serde(default)]
    to_user_id: String,
}

fn transfer(body: &[u8]) {
    let Some(b) = extract::<MirrorTransferBody>(body) else {
        return;
    };
    let _ = parse_transfer(&b.team_id, &b.from_user_id, &b.to_user_id);
}

/// `api::access::{RequestBody, ResultBody}`, turned into the form fields as
/// `RequestBody::fields` does, for `pages::access::parse_request` (which also runs
/// `parse_effort`).
#[derive(Deserialize)]
struct MirrorResultBody {
    text: String,
    #[serde(default)]
    goal_id: Option<String>,
}

#[derive(Deserialize)]
struct MirrorRequestBody {
    version: Option<i64>,
    youth_id: String,
    #[serde(default)]
    referrer_type: Option<String>,
    #[serde(default)]
    referrer_code: Option<String>,
    reason: String,
    product_id: String,
    funding: String,
    #[serde(default)]
    provider_id: Option<String>,
    results: Vec<MirrorResultBody>,
    #[serde(default)]
    volume: Option<i64>,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    frequency: Option<String>,
    #[serde(default)]
    start_on: Option<String>,
    #[serde(default)]
    end_on: Option<String>,
    #[serde(default)]
    pgb_amount: Option<String>,
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn access_request(body: &[u8]) {
    let Some(b) = extract::<MirrorRequestBody>(body) else {
        return;
    };
    let mut f = Fields(
        [
            ("version", opt(&b.version)),
            ("youth_id", b.youth_id.clone()),
            ("referrer_type", opt(&b.referrer_type)),
            ("referrer_code", opt(&b.referrer_code)),
            ("reason", b.reason.clone()),
            ("product_id", b.product_id.clone()),
            ("funding", b.funding.clone()),
            ("provider_id", opt(&b.provider_id)),
            ("volume", opt(&b.volume)),
            ("unit", opt(&b.unit)),
            ("frequency", opt(&b.frequency)),
            ("start_on", opt(&b.start_on)),
            ("end_on", opt(&b.end_on)),
            ("pgb_amount", opt(&b.pgb_amount)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect(),
    );
    for (i, r) in b.results.iter().enumerate() {
        f.0.push((format!("result.{i}"), r.text.clone()));
        f.0.push((format!("result.{i}.goal"), opt(&r.goal_id)));
    }
    let _ = eenplan_web::pages::access::parse_request(&f);
}

/// `api::reports::BudgetBody`: `set_budget_action` parses the amount with
/// `parse_euros_up_to(.., MAX_BUDGET_CENTS)` (after looking up the user's municipality,
/// which needs the database and is not run).
#[derive(Deserialize)]
#[allow(dead_code)]
struct MirrorBudgetBody {
    amount: String,
    version: Option<i64>,
}

fn budget(body: &[u8]) {
    let Some(b) = extract::<MirrorBudgetBody>(body) else {
        return;
    };
    if let Ok(c) = parse_euros_up_to("amount", &b.amount, MAX_BUDGET_CENTS) {
        assert!((0..=MAX_BUDGET_CENTS).contains(&c));
    }
    let _ = parse_euros("amount", &b.amount);
}
