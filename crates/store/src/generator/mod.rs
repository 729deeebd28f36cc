//! The demo generator: deterministic, realistic data for a demo or benchmark database.
//!
//! [`generate`] fills a database that holds the demo region ([`crate::demo::load`]) with
//! years of invented families, registrations, cases, family plans, access requests and
//! decisions (ZIN and PGB) with their evaluations, and, in Midden-Limburg, the local
//! treatment teams' consultation requests and hours. The figures follow the domain
//! brief: volumes per municipality (see [`volumes`]), the referral channels and problem
//! areas of the code lists (their `share_pct`), about 75 % of cases closed within a year
//! of registration with a long tail of cases open for years (so "in care during the
//! year" comes to about 2.4 times the registrations, as in the brief's 2018 table), about
//! 45 % of cases with access to specialised care (and of the cases in care in a year,
//! through successive decisions during long cases), youths with access in kind only, by
//! personal budget only, or both in the proportions 240 : 37 : 38, evaluations mostly on
//! time with some late and some overdue, and treatment-team requests in the proportions
//! of the pilot's evaluation table. The treatment teams are the region's two (at every
//! scale); other municipalities get a CJG organisation per youth-care region, a local
//! team each, generated family workers and reviewers.
//!
//! **Deterministic**: the same seed and `until` date give the same data (ids included)
//! on either backend. The data covers the `years` up to `until`, plus the cases still open
//! at the start of that period (registered before it, as a real database would hold);
//! nothing is dated after `until` but the planned ends of running decisions and the due
//! dates of their coming evaluations. Each municipality draws from a random stream of
//! its own; generated ids are UUIDs in the version 7 layout (a running number, then 74
//! random bits), so a large load's indexes grow at their end.
//!
//! **Fast**: rows are written with multi-row inserts in one transaction (all or nothing),
//! a municipality at a time (see `batch.rs`). It is synthetic data, so it is not audited
//! row by row: one audit event records the run (seed, scale, years, until and the
//! counts). The national load on PostgreSQL skips the foreign-key triggers of its own
//! transaction when the role may (see [`generate`]).
//!
//! **Invented people only**: names from small lists of common first names and surnames,
//! BSNs only from the test range (999900006-999999990, passing the 11-check, unique;
//! that range holds about 9,000 valid numbers, so at larger scales most youths have no
//! BSN), phone numbers of the form 06-1234xxxx. Generated accounts (family workers,
//! reviewers and treatment-team members, `gen.*`) have no usable password.
//!
//! Generated cases are worked by generated accounts: the demo accounts' own caseloads
//! and the requests waiting for their review stay as the demo made them; the local
//! teams' lists (new registrations, due evaluations) show the generated work of the
//! team as well.

pub(crate) mod batch;
mod texts;
pub mod volumes;

use crate::access::day_number;
use crate::audit::{self, Action, Actor, Event};
use crate::{Error, Result, Store, Tx, settings};
use batch::{Sink, T, V, row};
use chrono::{Datelike, Months, NaiveDate};
use eenplan_domain::Bsn;
use eenplan_domain::access::{
    self as rules, Effort, EndReason, EvaluationKind, Frequency, Funding, Unit, Variant,
};
use eenplan_domain::case::{CloseReason, HelpKind};
use eenplan_domain::codes::CodeList;
use eenplan_domain::family::{family_name, name_key};
use eenplan_domain::plan::{Action as PlanAction, Goal, OwnerKind, PlanContent};
use eenplan_domain::treatment_team::{
    ActivityKind, AskReason, ContraIndication, HourActivity, Outcome, Place, Referrer, RequestKind,
};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;
use std::collections::HashSet;
use std::time::Instant;

/// The setting that marks a database holding generated data (a JSON summary of the run).
pub const GENERATED_SETTING: &str = "generated_data";

/// Years the server generates on first start (`region`, seed 1, until today).
pub const FIRST_START_YEARS: u32 = 3;

/// How much to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// The seven municipalities of Midden-Limburg.
    Region,
    /// The 31 municipalities of the province of Limburg.
    Province,
    /// All 342 municipalities.
    National,
}

impl Scale {
    pub fn parse(s: &str) -> Option<Scale> {
        match s {
            "region" => Some(Scale::Region),
            "province" => Some(Scale::Province),
            "national" => Some(Scale::National),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Region => "region",
            Scale::Province => "province",
            Scale::National => "national",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct GeneratorOptions {
    pub seed: u64,
    pub scale: Scale,
    /// Years of data up to `until` (1 to 30).
    pub years: u32,
    /// The last day of the data.
    pub until: NaiveDate,
}

impl GeneratorOptions {
    /// What the server generates on first start: three years of the region, seed 1.
    pub fn first_start(until: NaiveDate) -> GeneratorOptions {
        GeneratorOptions {
            seed: 1,
            scale: Scale::Region,
            years: FIRST_START_YEARS,
            until,
        }
    }

    /// The first day of the data.
    pub fn from(&self) -> NaiveDate {
        self.until
            .checked_sub_months(Months::new(12 * self.years))
            .and_then(|d| d.succ_opt())
            .unwrap_or(self.until)
    }
}

/// What a run generated.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GeneratorSummary {
    pub seed: u64,
    pub scale: String,
    pub years: u32,
    pub from: String,
    pub until: String,
    pub municipalities: u64,
    /// Cases registered in the period (the rest were open when it began).
    pub registrations_in_period: u64,
    pub cases: u64,
    pub open_cases: u64,
    pub youths: u64,
    pub decisions: u64,
    pub decisions_pgb: u64,
    pub evaluations_overdue: u64,
    pub consultation_requests: u64,
    /// Rows written per table.
    pub rows: Vec<(String, u64)>,
    pub total_rows: u64,
    pub elapsed_ms: u64,
}

impl std::fmt::Display for GeneratorSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "generated {} scale, seed {}, {} years ({} .. {}), {} municipalities, in {:.1} s",
            self.scale,
            self.seed,
            self.years,
            self.from,
            self.until,
            self.municipalities,
            self.elapsed_ms as f64 / 1000.0
        )?;
        writeln!(
            f,
            "  {} cases ({} registered in the period, {} open at the end), {} youths",
            self.cases, self.registrations_in_period, self.open_cases, self.youths
        )?;
        writeln!(
            f,
            "  {} decisions ({} PGB), {} evaluations overdue, {} treatment-team requests",
            self.decisions,
            self.decisions_pgb,
            self.evaluations_overdue,
            self.consultation_requests
        )?;
        writeln!(f, "  rows written: {}", self.total_rows)?;
        for (table, n) in &self.rows {
            if *n > 0 {
                writeln!(f, "    {table:<28} {n:>10}")?;
            }
        }
        Ok(())
    }
}

/// Generates the data described by `opts` into `store`, in one transaction. Refused when
/// the database holds no demo region (generated clients never go into a real
/// installation) or already holds generated data.
pub async fn generate(store: &Store, opts: &GeneratorOptions) -> Result<GeneratorSummary> {
    if !(1..=30).contains(&opts.years) {
        return Err(Error::Generator("years must lie between 1 and 30".into()));
    }
    if !crate::demo::is_loaded(store).await? {
        return Err(Error::Generator(
            "this database holds no demo region; generated data only goes into a demo \
             database (a new database with the demo region loaded)"
                .into(),
        ));
    }
    if let Some(done) = settings::get(store, GENERATED_SETTING).await? {
        return Err(Error::Generator(format!(
            "this database already holds generated data ({done}); generate into a new database"
        )));
    }
    let started = Instant::now();
    let mut tx = store.begin().await?;
    // SQLite: a page cache that holds the whole transaction, so its pages are not spilled
    // to the log and read back over and over (random ids touch every page of an index).
    let sqlite = store.backend() == crate::Backend::Sqlite;
    if sqlite {
        sqlx::query("PRAGMA cache_size = -524288")
            .execute(&mut *tx)
            .await?;
    }
    if !sqlite && opts.scale == Scale::National {
        // PostgreSQL, the national benchmark load: without the foreign-key triggers for
        // this transaction, as `pg_restore --disable-triggers` loads (half the time). Only
        // a superuser may; otherwise every row is checked. The same code is checked row by
        // row at the smaller scales (first start, tests).
        let superuser: String = sqlx::query_scalar("SELECT current_setting('is_superuser')")
            .fetch_one(&mut *tx)
            .await?;
        if superuser == "on" {
            sqlx::query("SET LOCAL session_replication_role = replica")
                .execute(&mut *tx)
                .await?;
        }
    }
    let filled = fill(&mut tx, store.backend(), opts).await;
    if sqlite {
        // Back to the default for the pooled connection (the pages are freed once
        // written, or dropped with the transaction).
        sqlx::query("PRAGMA cache_size = -2000")
            .execute(&mut *tx)
            .await?;
    }
    let mut summary = filled?;
    tx.commit().await?;
    summary.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(summary)
}

/// Everything a run writes, inside the caller's transaction.
async fn fill(
    tx: &mut Tx,
    backend: crate::Backend,
    opts: &GeneratorOptions,
) -> Result<GeneratorSummary> {
    let ctx = Context::load(tx).await?;
    let mut g = Generator::new(ctx, opts, backend);
    g.setup(tx).await?;
    let municipalities = std::mem::take(&mut g.municipalities);
    for m in &municipalities {
        g.municipality(tx, m).await?;
    }
    g.finish(tx).await?;
    let mut summary = g.summary;
    summary.municipalities = municipalities.len() as u64;
    summary.rows = g
        .sink
        .written()
        .into_iter()
        .map(|(t, n)| (t.name().to_owned(), n))
        .collect();
    summary.total_rows = summary.rows.iter().map(|(_, n)| n).sum();
    let marker = serde_json::json!({
        "seed": opts.seed, "scale": opts.scale.as_str(), "years": opts.years,
        "until": opts.until, "cases": summary.cases,
    });
    settings::set(
        tx,
        &Actor::system("generator"),
        GENERATED_SETTING,
        &marker.to_string(),
    )
    .await?;
    audit::append(
        tx,
        &Actor::system("generator"),
        &Event::new("demo.generate", Action::Create)
            .object("generated_data", marker.to_string())
            .purpose(format!(
                "synthetic demo data: {} cases, {} decisions, {} rows",
                summary.cases, summary.decisions, summary.total_rows
            )),
    )
    .await?;
    Ok(summary)
}

// ---------------------------------------------------------------- the model's figures

/// Youths a registration is about (mean 1.3, see `volumes::YOUTHS_PER_REGISTRATION`).
const YOUTHS_REGISTERED: [(usize, f64); 3] = [(1, 75.0), (2, 20.0), (3, 5.0)];
/// Registrations without a referral channel.
const NO_CHANNEL: f64 = 0.03;
/// Registrations with a second problem area.
const SECOND_PROBLEM_AREA: f64 = 0.3;
/// Registrations never picked up (closed after a few weeks).
const NEVER_PICKED_UP: f64 = 0.04;
/// Cases closed within a year of registration (short ones), of those picked up.
const SHORT_CASES: f64 = 0.74;
/// Days beyond the first year of a long case: exponential with this mean, at most
/// [`MAX_CASE_YEARS`] in all. Tuned so that "in care during the year" comes to about 2.4
/// times the year's registrations, as in the brief (Leudal 676 / 279).
const LONG_CASE_MEAN_DAYS: f64 = 1_650.0;
const MAX_CASE_YEARS: u32 = 12;
/// A new registration of a family known before (whose last case closed more than the
/// reopening window ago).
const RETURNING_FAMILY: f64 = 0.12;
/// Picked-up cases with room for a decision that get access to specialised care, of the
/// cases shorter than a year and of the longer ones; with the cases without room (never
/// picked up, too short, too recent), about 45 % of all cases.
const ACCESS_SHORT: f64 = 0.42;
const ACCESS_LONG: f64 = 0.9;
/// A decision that runs to its end is followed by another while the case is open, so a
/// youth in specialised care for years has access in each of them (the brief: 315 youths
/// with access among Leudal's 676 cases in care in 2018).
const FOLLOW_UP: f64 = 0.85;
/// Per youth with access: in kind only, PGB only, both (Leudal 2018: 240, 37, 38).
const ACCESS_KINDS: [(AccessKind, f64); 3] = [
    (AccessKind::InKind, 240.0),
    (AccessKind::Pgb, 37.0),
    (AccessKind::Both, 38.0),
];
/// Decisions ended before their end date.
const ENDED_EARLY: f64 = 0.13;
/// Family workers per expected open case.
const CASES_PER_WORKER: f64 = 32.0;
/// The local treatment teams' requests a year: 95 in 15 months (March 2023 - June
/// 2024), 10 from Weert and the rest evenly Leudal and Nederweert.
const LBT_YEARLY: [(&str, f64); 3] = [("1640", 34.0), ("0946", 34.0), ("0988", 8.0)];
/// The pilot's first day (the demo's treatment-team member joined then).
const LBT_START: (i32, u32, u32) = (2023, 3, 1);
/// The evaluation table (referrer, cases, advice, referred on): consultation/treatment
/// is cases minus advice.
const LBT_TABLE: [(Referrer, f64, f64, f64); 4] = [
    (Referrer::Cjg, 79.0, 16.0, 28.0),
    (Referrer::Gi, 3.0, 0.0, 0.0),
    (Referrer::GgzWaitingList, 10.0, 2.0, 6.0),
    (Referrer::Other, 3.0, 0.0, 1.0),
];
/// Treatment-team requests declined for a contra-indication.
const LBT_DECLINED: f64 = 0.05;
/// The password hash of generated accounts: not a hash, so no password matches it.
const NO_LOGIN: &str = "!generated-account-no-login";

#[derive(Debug, Clone, Copy, PartialEq)]
enum AccessKind {
    InKind,
    Pgb,
    Both,
}

/// How a product of the demo catalogue is used.
struct Mix {
    code: &'static str,
    weight: f64,
    volumes: &'static [i64],
    months: &'static [u32],
    /// Whether a personal budget can buy it.
    pgb: bool,
}

const PRODUCT_MIX: [Mix; 5] = [
    Mix {
        code: "45A01",
        weight: 35.0,
        volumes: &[1, 1, 2, 2, 3],
        months: &[3, 6, 6, 9, 12],
        pgb: true,
    },
    Mix {
        code: "45A02",
        weight: 25.0,
        volumes: &[2, 3, 4, 4, 6],
        months: &[6, 6, 9, 12, 12],
        pgb: true,
    },
    Mix {
        code: "54G01",
        weight: 22.0,
        volumes: &[600, 720, 900, 1200, 1800, 2400],
        months: &[3, 6, 6, 12],
        pgb: true,
    },
    Mix {
        code: "41D01",
        weight: 10.0,
        volumes: &[2, 4, 4, 6, 8],
        months: &[6, 6, 12],
        pgb: true,
    },
    // Residential care: in kind only.
    Mix {
        code: "43V01",
        weight: 8.0,
        volumes: &[1],
        months: &[3, 6, 12, 12, 24],
        pgb: false,
    },
];

const CLOSE_REASONS: [(CloseReason, f64); 5] = [
    (CloseReason::GoalsReached, 50.0),
    (CloseReason::ReferredSpecialised, 20.0),
    (CloseReason::Moved, 7.0),
    (CloseReason::FamilyStopped, 14.0),
    (CloseReason::Other, 9.0),
];
const HELP_KINDS: [(HelpKind, f64); 3] = [
    (HelpKind::AmbulatoryBasic, 65.0),
    (HelpKind::InformationAdvice, 25.0),
    (HelpKind::GroupWork, 10.0),
];
const END_REASONS: [(EndReason, f64); 5] = [
    (EndReason::GoalsReached, 35.0),
    (EndReason::CareStopped, 25.0),
    (EndReason::Moved, 10.0),
    (EndReason::OtherCare, 20.0),
    (EndReason::Other, 10.0),
];
const REFERRERS: [(&str, f64); 5] = [
    ("cjg", 83.0),
    ("02", 8.0),
    ("03", 4.0),
    ("04", 2.0),
    ("05", 3.0),
];

// ---------------------------------------------------------------- what is in the database

struct Product {
    id: String,
    code: &'static str,
    weight: f64,
    volumes: &'static [i64],
    months: &'static [u32],
    pgb: bool,
    unit: Unit,
    frequency: Frequency,
    prices: Vec<(NaiveDate, i64)>,
    /// (provider, from, to)
    contracts: Vec<(String, NaiveDate, Option<NaiveDate>)>,
}

struct LbtTeam {
    id: String,
    municipalities: Vec<String>,
}

/// What the generator reads from the database before it starts.
struct Context {
    cjg: String,
    /// Organisation names in use.
    organisations: Vec<String>,
    /// Municipality -> its local team.
    local_teams: HashMap<String, String>,
    products: Vec<Product>,
    variants: Vec<(NaiveDate, Variant)>,
    evaluation_months: u32,
    channels: Vec<(String, f64)>,
    problem_areas: Vec<(String, f64)>,
    counters: HashMap<String, i64>,
    used_bsns: Vec<String>,
    lbt_teams: Vec<LbtTeam>,
    /// The treatment teams' coordinator (approves hours).
    coordinator: Option<String>,
    providers: Vec<(String, String)>,
}

impl Context {
    async fn load(tx: &mut Tx) -> Result<Context> {
        let cjg: String = sqlx::query_scalar(
            "SELECT id FROM organisations WHERE org_type = 'cjg' ORDER BY created_at, name LIMIT 1",
        )
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| Error::Generator("the demo region has no CJG organisation".into()))?;
        let organisations = sqlx::query_scalar("SELECT name FROM organisations")
            .fetch_all(&mut **tx)
            .await?;
        let local_teams = sqlx::query_as::<_, (String, String)>(
            "SELECT tm.municipality_code, t.id FROM teams t
             JOIN team_municipalities tm ON tm.team_id = t.id
             WHERE t.team_type = 'local_team' ORDER BY t.name DESC",
        )
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .collect();
        let mut products = Vec::new();
        for Mix {
            code,
            weight,
            volumes,
            months,
            pgb,
        } in PRODUCT_MIX
        {
            let Some(r) = sqlx::query(
                "SELECT id, unit, frequency FROM products WHERE code = $1 AND active = 1",
            )
            .bind(code)
            .fetch_optional(&mut **tx)
            .await?
            else {
                continue;
            };
            let id: String = r.try_get("id")?;
            let prices = sqlx::query_as::<_, (String, i64)>(
                "SELECT valid_from, price_cents FROM product_prices WHERE product_id = $1",
            )
            .bind(&id)
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .map(|(d, p)| Ok((crate::date(&d)?, p)))
            .collect::<Result<Vec<_>>>()?;
            let contracts = sqlx::query_as::<_, (String, String, Option<String>)>(
                "SELECT provider_id, valid_from, valid_to FROM provider_contracts
                 WHERE product_id = $1 ORDER BY provider_id, valid_from",
            )
            .bind(&id)
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .map(|(p, f, t)| {
                Ok((
                    p,
                    crate::date(&f)?,
                    t.as_deref().map(crate::date).transpose()?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
            products.push(Product {
                unit: crate::code(r.try_get("unit")?, Unit::parse)?,
                frequency: crate::code(r.try_get("frequency")?, Frequency::parse)?,
                id,
                code,
                weight,
                volumes,
                months,
                pgb,
                prices,
                contracts,
            });
        }
        let variants = crate::catalogue::variants(tx).await?;
        let evaluation_months = crate::access::evaluation_months(tx).await?;
        let channels = shares(tx, CodeList::ReferralChannel).await?;
        let problem_areas = shares(tx, CodeList::ProblemArea).await?;
        let counters = sqlx::query_as::<_, (String, i64)>("SELECT name, value FROM counters")
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .collect();
        let used_bsns =
            sqlx::query_scalar("SELECT bsn FROM persons WHERE bsn IS NOT NULL ORDER BY bsn")
                .fetch_all(&mut **tx)
                .await?;
        let mut lbt_teams: Vec<LbtTeam> = Vec::new();
        for (team, m) in sqlx::query_as::<_, (String, String)>(
            "SELECT t.id, tm.municipality_code FROM teams t
             JOIN team_municipalities tm ON tm.team_id = t.id
             WHERE t.team_type = 'treatment_team' ORDER BY t.name, tm.municipality_code",
        )
        .fetch_all(&mut **tx)
        .await?
        {
            match lbt_teams.iter_mut().find(|t| t.id == team) {
                Some(t) => t.municipalities.push(m),
                None => lbt_teams.push(LbtTeam {
                    id: team,
                    municipalities: vec![m],
                }),
            }
        }
        let coordinator = sqlx::query_scalar(
            "SELECT id FROM users WHERE role = 'team_coordinator' AND active = 1
             ORDER BY created_at, username LIMIT 1",
        )
        .fetch_optional(&mut **tx)
        .await?;
        let providers = sqlx::query_as(
            "SELECT id, name FROM organisations WHERE org_type = 'provider' ORDER BY name",
        )
        .fetch_all(&mut **tx)
        .await?;
        Ok(Context {
            cjg,
            organisations,
            local_teams,
            products,
            variants,
            evaluation_months,
            channels,
            problem_areas,
            counters,
            used_bsns,
            lbt_teams,
            coordinator,
            providers,
        })
    }
}

async fn shares(tx: &mut Tx, list: CodeList) -> Result<Vec<(String, f64)>> {
    let items = sqlx::query_as::<_, (String, Option<f64>)>(
        "SELECT code, share_pct FROM code_list_items WHERE list = $1 AND active = 1
         ORDER BY position",
    )
    .bind(list.as_str())
    .fetch_all(&mut **tx)
    .await?;
    Ok(with_remainder(items))
}

/// Code-list shares as weights; codes without a share split what the listed ones leave
/// of 100 (at least half a percent each).
fn with_remainder(items: Vec<(String, Option<f64>)>) -> Vec<(String, f64)> {
    let listed: f64 = items.iter().filter_map(|(_, s)| *s).sum();
    let unlisted = items.iter().filter(|(_, s)| s.is_none()).count().max(1) as f64;
    let each = ((100.0 - listed) / unlisted).max(0.5);
    items
        .into_iter()
        .map(|(c, s)| (c, s.unwrap_or(each)))
        .collect()
}

// ---------------------------------------------------------------- random helpers

/// The random numbers of a run, and the running part of the ids it makes.
struct Gen {
    rng: ChaCha8Rng,
    next_id: u64,
}

impl rand::RngCore for Gen {
    fn next_u32(&mut self) -> u32 {
        self.rng.next_u32()
    }
    fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.rng.fill_bytes(dest)
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> std::result::Result<(), rand::Error> {
        self.rng.try_fill_bytes(dest)
    }
}

/// A new id: a UUID in the version 7 layout, its first 48 bits a running number (rows
/// are made in order, so the indexes of a large load grow at their end instead of at
/// random places) and 74 random bits, so ids in URLs still cannot be guessed.
fn uuid(rng: &mut Gen) -> String {
    let n = rng.next_id;
    rng.next_id += 1;
    let mut bytes: [u8; 16] = rng.r#gen();
    bytes[..6].copy_from_slice(&n.to_be_bytes()[2..]);
    uuid::Builder::from_custom_bytes(bytes)
        .with_version(uuid::Version::SortRand)
        .with_variant(uuid::Variant::RFC4122)
        .into_uuid()
        .to_string()
}

/// A stored time on a day, during office hours (UTC, so the Dutch date is the same).
fn stamp(rng: &mut Gen, day: NaiveDate) -> String {
    let s: u32 = rng.gen_range(8 * 3600..18 * 3600);
    format!(
        "{day}T{:02}:{:02}:{:02}.{:06}Z",
        s / 3600,
        s / 60 % 60,
        s % 60,
        rng.gen_range(0..1_000_000)
    )
}

fn plus(d: NaiveDate, days: i64) -> NaiveDate {
    d + chrono::Duration::days(days)
}

fn weighted<X: Copy>(rng: &mut Gen, items: &[(X, f64)]) -> X {
    *choose(rng, items)
}

/// One of `items`, each as likely as its weight.
fn choose<'a, X>(rng: &mut Gen, items: &'a [(X, f64)]) -> &'a X {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.r#gen::<f64>() * total;
    for (item, w) in items {
        if x < *w {
            return item;
        }
        x -= w;
    }
    &items[items.len() - 1].0
}

fn pick<'a, X>(rng: &mut Gen, items: &'a [X]) -> &'a X {
    &items[rng.gen_range(0..items.len())]
}

fn exponential(rng: &mut Gen, mean: f64) -> f64 {
    -mean * (1.0 - rng.r#gen::<f64>()).ln()
}

fn normal(rng: &mut Gen) -> f64 {
    let u1: f64 = 1.0 - rng.r#gen::<f64>();
    let u2: f64 = rng.r#gen();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn add_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_add_months(Months::new(months)).unwrap_or(d)
}

/// A surname: mostly a common one (the first ones most often), sometimes a rarer one.
fn surname(rng: &mut Gen) -> String {
    if rng.gen_bool(0.65) {
        // Zipf-like: the index of a uniform number squared.
        let u: f64 = rng.r#gen();
        let i = ((u * u) * texts::SURNAMES.len() as f64) as usize;
        texts::SURNAMES[i.min(texts::SURNAMES.len() - 1)].to_owned()
    } else {
        format!(
            "{}{}{}",
            pick(rng, texts::SURNAME_HEADS),
            pick(rng, texts::SURNAME_LINKS),
            pick(rng, texts::SURNAME_TAILS)
        )
    }
}

fn adult_name(rng: &mut Gen) -> String {
    let first = if rng.gen_bool(0.5) {
        pick(rng, texts::WOMEN)
    } else {
        pick(rng, texts::MEN)
    };
    format!("{first} {}", surname(rng))
}

// ---------------------------------------------------------------- the generator

#[derive(Clone)]
struct TeamStaff {
    id: String,
    workers: Vec<(String, String)>,
    reviewers: Vec<String>,
}

struct Youth {
    id: String,
    name: String,
    born: NaiveDate,
}

struct Family {
    id: String,
    youths: Vec<Youth>,
    parents: Vec<String>,
    network: Vec<String>,
    /// The close date of its last case (`None` while a case is open).
    last_close: Option<NaiveDate>,
    /// The plan's goals (id, text), when the family has a plan.
    goals: Option<Vec<(String, String)>>,
    /// The last case that was picked up: (case id, worker, pick-up, close).
    worked: Option<(String, String, NaiveDate, Option<NaiveDate>)>,
    created: NaiveDate,
}

/// A case as it is generated: its life and who it is for.
struct CaseRow {
    id: String,
    family: usize,
    team: String,
    worker: Option<String>,
    registered: NaiveDate,
    picked: Option<NaiveDate>,
    closed: Option<(NaiveDate, CloseReason)>,
    /// The day it closes, possibly after `until` (it is open then).
    planned_close: NaiveDate,
    youths: Vec<usize>,
}

/// A decision waiting for its number (decisions are numbered per municipality in the
/// order they were taken).
struct Planned {
    decided: NaiveDate,
    id: String,
    rows: Vec<(T, Vec<V>)>,
    /// Rows whose `detail` (index 5) or `number` (index 1) is the decision number.
    events: Vec<Vec<V>>,
}

struct Generator {
    opts: GeneratorOptions,
    from: NaiveDate,
    until: NaiveDate,
    ctx: Context,
    rng: Gen,
    sink: Sink,
    municipalities: Vec<volumes::Municipality>,
    staff: HashMap<String, TeamStaff>,
    worker_names: HashMap<String, String>,
    access_from: Option<NaiveDate>,
    lbt_hours_done: HashSet<String>,
    lbt_members: HashMap<String, Vec<(String, String, NaiveDate)>>,
    bsns: Vec<String>,
    counters: HashMap<String, i64>,
    summary: GeneratorSummary,
}

impl Generator {
    fn new(ctx: Context, opts: &GeneratorOptions, backend: crate::Backend) -> Generator {
        // The ids' running part starts at the end date (as a time in milliseconds).
        let next_id = opts
            .until
            .and_hms_opt(0, 0, 0)
            .map_or(0, |t| t.and_utc().timestamp_millis().max(0) as u64);
        let mut rng = Gen {
            rng: ChaCha8Rng::seed_from_u64(opts.seed),
            next_id,
        };
        // Every test BSN not in use yet, in a random order.
        let used: std::collections::HashSet<&str> =
            ctx.used_bsns.iter().map(String::as_str).collect();
        let mut bsns: Vec<String> = (999_900_006u32..=999_999_990)
            .map(|n| n.to_string())
            .filter(|s| Bsn::parse("bsn", s).is_ok() && !used.contains(s.as_str()))
            .collect();
        bsns.shuffle(&mut rng);
        let counters = ctx.counters.clone();
        let access_from = access_from(&ctx);
        Generator {
            opts: opts.clone(),
            from: opts.from(),
            until: opts.until,
            municipalities: volumes::municipalities(opts.scale),
            ctx,
            rng,
            sink: Sink::new(backend),
            staff: HashMap::new(),
            worker_names: HashMap::new(),
            access_from,
            lbt_hours_done: HashSet::new(),
            lbt_members: HashMap::new(),
            bsns,
            counters,
            summary: GeneratorSummary {
                seed: opts.seed,
                scale: opts.scale.as_str().into(),
                years: opts.years,
                from: opts.from().to_string(),
                until: opts.until.to_string(),
                ..GeneratorSummary::default()
            },
        }
    }

    fn next(&mut self, counter: String) -> i64 {
        let n = self.counters.entry(counter).or_insert(0);
        *n += 1;
        *n
    }

    /// Municipalities, their CJG organisations and local teams where missing, the
    /// generated accounts, and the treatment teams' generated members.
    async fn setup(&mut self, tx: &mut Tx) -> Result<()> {
        let created = plus(self.from, -30);
        let rng = &mut self.rng;
        let mut orgs: HashMap<String, String> = HashMap::new();
        for m in &self.municipalities {
            self.sink
                .push(
                    tx,
                    T::Municipalities,
                    row![
                        m.code.as_str(),
                        m.name.as_str(),
                        m.youth_region.as_str(),
                        m.province.as_str()
                    ],
                )
                .await?;
            let team = match self.ctx.local_teams.get(&m.code) {
                Some(t) => t.clone(),
                None => {
                    // One CJG organisation per youth-care region.
                    let org = match orgs.get(&m.youth_region) {
                        Some(o) => o.clone(),
                        None => {
                            let mut name = format!("Jeugd en Gezin {}", m.youth_region);
                            if self.ctx.organisations.contains(&name) {
                                name.push_str(" (demo)");
                            }
                            let id = uuid(rng);
                            let at = stamp(rng, created);
                            self.sink
                                .push(
                                    tx,
                                    T::Organisations,
                                    row![
                                        id.as_str(),
                                        name,
                                        "cjg",
                                        None::<String>,
                                        None::<String>,
                                        1,
                                        at.as_str(),
                                        at.as_str()
                                    ],
                                )
                                .await?;
                            orgs.insert(m.youth_region.clone(), id.clone());
                            id
                        }
                    };
                    let id = uuid(rng);
                    let at = stamp(rng, created);
                    self.sink
                        .push(
                            tx,
                            T::Teams,
                            row![
                                id.as_str(),
                                org.as_str(),
                                format!("CJG {}", m.name),
                                "local_team",
                                1,
                                at.as_str(),
                                at.as_str()
                            ],
                        )
                        .await?;
                    self.sink
                        .push(
                            tx,
                            T::TeamMunicipalities,
                            row![id.as_str(), m.code.as_str()],
                        )
                        .await?;
                    self.ctx.local_teams.insert(m.code.clone(), id.clone());
                    id
                }
            };
            // The organisation of the team's accounts.
            let org = orgs
                .get(&m.youth_region)
                .cloned()
                .unwrap_or_else(|| self.ctx.cjg.clone());
            let open_cases = m.yearly * 1.43;
            let n_workers = ((open_cases / CASES_PER_WORKER).round() as usize).max(2);
            let n_reviewers = n_workers.div_ceil(12);
            let mut staff = TeamStaff {
                id: team.clone(),
                workers: Vec::new(),
                reviewers: Vec::new(),
            };
            for (role, n, tag) in [
                ("family_worker", n_workers, "gw"),
                ("reviewer", n_reviewers, "gd"),
            ] {
                for i in 1..=n {
                    let id = uuid(rng);
                    let name = adult_name(rng);
                    let at = stamp(rng, created);
                    let secret: String = (0..32)
                        .map(|_| *pick(rng, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") as char)
                        .collect();
                    self.sink
                        .push(
                            tx,
                            T::Users,
                            row![
                                id.as_str(),
                                format!("gen.{}.{tag}{i:03}", m.code),
                                name.as_str(),
                                role,
                                org.as_str(),
                                NO_LOGIN,
                                secret,
                                1,
                                1,
                                1,
                                at.as_str(),
                                at.as_str()
                            ],
                        )
                        .await?;
                    self.sink
                        .push(tx, T::TeamMembers, row![team.as_str(), id.as_str()])
                        .await?;
                    if role == "family_worker" {
                        self.worker_names.insert(id.clone(), name.clone());
                        staff.workers.push((id, name));
                    } else {
                        staff.reviewers.push(id);
                    }
                }
            }
            self.staff.insert(m.code.clone(), staff);
        }
        // Members of the region's treatment teams, from the providers, since the pilot.
        let lbt_start = lbt_start().max(self.from);
        let in_scale: Vec<&str> = self
            .municipalities
            .iter()
            .map(|m| m.code.as_str())
            .collect();
        let mut n = 0;
        for team in &self.ctx.lbt_teams {
            if !team
                .municipalities
                .iter()
                .any(|m| in_scale.contains(&m.as_str()))
                || self.ctx.providers.is_empty()
            {
                continue;
            }
            let size = 4 + 2 * team.municipalities.len();
            let mut members = Vec::new();
            for _ in 0..size {
                n += 1;
                let id = uuid(rng);
                let (org, _) = pick(rng, &self.ctx.providers).clone();
                let name = adult_name(rng);
                let at = stamp(rng, plus(lbt_start, -14));
                self.sink
                    .push(
                        tx,
                        T::Users,
                        row![
                            id.as_str(),
                            format!("gen.lbt.{n:03}"),
                            name.as_str(),
                            "treatment_team_member",
                            org.as_str(),
                            NO_LOGIN,
                            "GENERATEDNOSECRETGENERATEDNOSECR",
                            1,
                            1,
                            1,
                            at.as_str(),
                            at.as_str()
                        ],
                    )
                    .await?;
                self.sink
                    .push(tx, T::TeamMembers, row![team.id.as_str(), id.as_str()])
                    .await?;
                let (discipline, expertise) = *pick(rng, texts::DISCIPLINES);
                let joined = plus(lbt_start, rng.gen_range(0..60)).min(self.until);
                self.sink
                    .push(
                        tx,
                        T::TreatmentMemberships,
                        row![
                            uuid(rng),
                            team.id.as_str(),
                            id.as_str(),
                            org.as_str(),
                            discipline,
                            expertise,
                            i64::from(rng.gen_range(8u8..=12)) * 60,
                            joined,
                            None::<String>,
                            1,
                            at.as_str(),
                            at.as_str()
                        ],
                    )
                    .await?;
                members.push((id, org, joined));
            }
            self.lbt_members.insert(team.id.clone(), members);
        }
        Ok(())
    }

    async fn push(&mut self, tx: &mut Tx, table: T, row: Vec<V>) -> Result<()> {
        self.sink.push(tx, table, row).await
    }

    /// The life of a case registered on `r`: (pick-up, close), either possibly after
    /// `until` (still waiting, still open). `None` pick-up: never picked up.
    fn life(rng: &mut Gen, r: NaiveDate) -> (Option<NaiveDate>, NaiveDate) {
        if rng.gen_bool(NEVER_PICKED_UP) {
            return (None, plus(r, rng.gen_range(10..=60)));
        }
        let pick = plus(r, 1 + (exponential(rng, 8.0) as i64).min(59));
        let days = if rng.gen_bool(SHORT_CASES) {
            (115.0 * (0.7 * normal(rng)).exp()).clamp(21.0, 364.0) as i64
        } else {
            365 + (exponential(rng, LONG_CASE_MEAN_DAYS) as i64)
                .min(i64::from(MAX_CASE_YEARS - 1) * 365)
        };
        (Some(pick), plus(r, days).max(plus(pick, 14)))
    }

    /// Registration dates over a period, fewer in the summer holidays and December.
    fn dates(rng: &mut Gen, from: NaiveDate, to: NaiveDate, yearly: f64) -> Vec<NaiveDate> {
        const MONTH: [f64; 12] = [
            1.1, 1.1, 1.05, 1.0, 1.0, 0.95, 0.7, 0.75, 1.1, 1.1, 1.05, 0.85,
        ];
        let span = (to - from).num_days() + 1;
        let n = (yearly * span as f64 / 365.25).round() as usize;
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let d = plus(from, rng.gen_range(0..span));
            if rng.r#gen::<f64>() * 1.1 < MONTH[d.month0() as usize] {
                out.push(d);
            }
        }
        out.sort_unstable();
        out
    }

    async fn municipality(&mut self, tx: &mut Tx, m: &volumes::Municipality) -> Result<()> {
        // A random stream of its own per municipality; the ids run on.
        let mut rng = Gen {
            rng: ChaCha8Rng::seed_from_u64(self.opts.seed),
            next_id: self.rng.next_id,
        };
        rng.rng.set_stream(m.code.parse::<u64>().unwrap_or(0) + 1);
        let staff = self.staff[&m.code].clone();
        // Cases open when the period begins (registered in the years before), then the
        // registrations of the period.
        let warmup = self
            .from
            .checked_sub_months(Months::new(12 * MAX_CASE_YEARS))
            .unwrap_or(self.from);
        let mut lives = Vec::new();
        for r in Self::dates(&mut rng, warmup, plus(self.from, -1), m.yearly) {
            let (pick, close) = Self::life(&mut rng, r);
            if close >= self.from {
                lives.push((r, pick, close));
            }
        }
        let carried = lives.len();
        for r in Self::dates(&mut rng, self.from, self.until, m.yearly) {
            let (pick, close) = Self::life(&mut rng, r);
            lives.push((r, pick, close));
        }
        self.summary.registrations_in_period += (lives.len() - carried) as u64;

        let mut families: Vec<Family> = Vec::new();
        let mut returning: Vec<usize> = Vec::new();
        let mut cases: Vec<CaseRow> = Vec::new();
        for (i, (r, pick, close)) in lives.into_iter().enumerate() {
            // A family known before, or a new one.
            let mut family = None;
            if i >= carried && !returning.is_empty() && rng.gen_bool(RETURNING_FAMILY) {
                let k = rng.gen_range(0..returning.len());
                let f = &families[returning[k]];
                let eligible = f.last_close.is_some_and(|c| plus(c, 91) <= r)
                    && f.youths
                        .iter()
                        .any(|y| y.born < r && age_years(y.born, r) < 23);
                if eligible {
                    family = Some(returning.swap_remove(k));
                }
            }
            // The youths the registration is about (a new family has at least as many).
            let registered = weighted(&mut rng, &YOUTHS_REGISTERED);
            let (family, new_family) = match family {
                Some(f) => (f, false),
                None => {
                    families.push(new_family(&mut rng, r, registered));
                    (families.len() - 1, true)
                }
            };
            if new_family {
                self.push_family(tx, &mut rng, m, &families[family]).await?;
            }
            let f = &mut families[family];
            let youths: Vec<usize> = {
                let eligible: Vec<usize> = (0..f.youths.len())
                    .filter(|&y| f.youths[y].born < r && age_years(f.youths[y].born, r) < 23)
                    .collect();
                let k = registered.min(eligible.len());
                let mut chosen: Vec<usize> =
                    eligible.choose_multiple(&mut rng, k).copied().collect();
                chosen.sort_unstable();
                chosen
            };
            // Youth care ends at 23: a case closes at the latest when its youngest youth
            // turns 23.
            let close = youths
                .iter()
                .filter_map(|y| add_years(f.youths[*y].born, 23))
                .max()
                .map_or(close, |aged_out| close.min(aged_out.max(plus(r, 21))));
            let pick = pick.filter(|p| plus(*p, 14) <= close);
            let picked = pick.filter(|p| *p <= self.until);
            let worker = picked.map(|_| pick_worker(&mut rng, &staff));
            let closed = (close <= self.until).then(|| {
                let reason = if pick.is_none() {
                    weighted(
                        &mut rng,
                        &[
                            (CloseReason::FamilyStopped, 60.0),
                            (CloseReason::Other, 25.0),
                            (CloseReason::Moved, 15.0),
                        ],
                    )
                } else {
                    weighted(&mut rng, &CLOSE_REASONS)
                };
                (close, reason)
            });
            let case = CaseRow {
                id: uuid(&mut rng),
                family,
                team: staff.id.clone(),
                worker: worker.clone(),
                registered: r,
                picked,
                closed,
                planned_close: close,
                youths,
            };
            f.last_close = closed.map(|(c, _)| c);
            if let (Some(p), Some(w)) = (picked, &worker) {
                f.worked = Some((case.id.clone(), w.clone(), p, closed.map(|(c, _)| c)));
                if f.goals.is_none() && rng.gen_bool(if closed.is_some() { 0.6 } else { 0.85 }) {
                    let n = if rng.gen_bool(0.6) { 1 } else { 2 };
                    let goals = texts::GOALS
                        .choose_multiple(&mut rng, n)
                        .map(|t| (uuid(&mut rng), (*t).to_owned()))
                        .collect();
                    f.goals = Some(goals);
                }
            }
            if closed.is_some() {
                returning.push(family);
            }
            let network = self
                .push_case(tx, &mut rng, m, &case, &families[family])
                .await?;
            families[family].network.extend(network);
            cases.push(case);
        }
        self.summary.cases += cases.len() as u64;
        self.summary.open_cases += cases.iter().filter(|c| c.closed.is_none()).count() as u64;

        // Access to specialised care: decided requests, numbered per municipality in the
        // order of their decisions.
        let mut planned = Vec::new();
        for c in &cases {
            self.access(&mut rng, m, c, &families[c.family], &staff, &mut planned);
        }
        planned.sort_by(|a, b| (a.decided, &a.id).cmp(&(b.decided, &b.id)));
        for p in planned {
            let seq = self.next(format!("decision:{}:{}", m.code, p.decided.year()));
            let number = rules::decision_number(&m.code, p.decided.year(), seq);
            for (table, mut row) in p.rows {
                if table == T::Decisions {
                    row[1] = V::from(number.as_str());
                }
                self.push(tx, table, row).await?;
            }
            for mut row in p.events {
                row[5] = V::from(number.as_str());
                self.push(tx, T::CaseEvents, row).await?;
            }
        }

        for f in &families {
            self.push_plan(tx, &mut rng, f).await?;
        }
        self.treatment_team(tx, &mut rng, m, &cases, &families)
            .await?;
        self.rng.next_id = rng.next_id;
        Ok(())
    }

    async fn push_family(
        &mut self,
        tx: &mut Tx,
        rng: &mut Gen,
        m: &volumes::Municipality,
        f: &Family,
    ) -> Result<()> {
        let at = stamp(rng, f.created);
        self.push(
            tx,
            T::Families,
            row![
                f.id.as_str(),
                family_name(&f.youths[0].name),
                1,
                at.as_str(),
                at.as_str()
            ],
        )
        .await?;
        let mut people: Vec<(String, String)> = Vec::new();
        for y in &f.youths {
            let bsn = if rng.gen_bool(0.6) {
                self.bsns.pop()
            } else {
                None
            };
            self.summary.youths += 1;
            self.push(
                tx,
                T::Persons,
                row![
                    y.id.as_str(),
                    f.id.as_str(),
                    "youth",
                    y.name.as_str(),
                    name_key(&y.name),
                    y.born,
                    bsn,
                    m.code.as_str(),
                    None::<i64>,
                    None::<String>,
                    1,
                    at.as_str(),
                    at.as_str()
                ],
            )
            .await?;
            people.push((y.id.clone(), y.name.clone()));
        }
        for p in &f.parents {
            let id = uuid(rng);
            let phone = rng
                .gen_bool(0.8)
                .then(|| format!("06-1234{:04}", rng.gen_range(0..10_000)));
            let municipality = rng.gen_bool(0.5).then_some(m.code.as_str());
            self.push(
                tx,
                T::Persons,
                row![
                    id.as_str(),
                    f.id.as_str(),
                    "parent",
                    p.as_str(),
                    name_key(p),
                    None::<String>,
                    None::<String>,
                    municipality,
                    rng.gen_bool(0.9),
                    phone,
                    1,
                    at.as_str(),
                    at.as_str()
                ],
            )
            .await?;
            people.push((id, p.clone()));
        }
        for (id, name) in people {
            let key = name_key(&name);
            let mut words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
            words.sort_unstable();
            words.dedup();
            for w in words {
                self.push(tx, T::PersonNameWords, row![w, id.as_str()])
                    .await?;
            }
        }
        Ok(())
    }

    async fn push_case(
        &mut self,
        tx: &mut Tx,
        rng: &mut Gen,
        m: &volumes::Municipality,
        c: &CaseRow,
        f: &Family,
    ) -> Result<Vec<String>> {
        let mut network = Vec::new();
        let year = c.registered.year();
        let seq = self.next(format!("case_{year}"));
        let number = eenplan_domain::case::case_number(year, seq);
        let status = match (c.closed, c.picked) {
            (Some(_), _) => "afgesloten",
            (None, Some(_)) => "in_begeleiding",
            (None, None) => "aangemeld",
        };
        let created = stamp(rng, c.registered);
        let last = c
            .closed
            .map(|(d, _)| d)
            .or(c.picked)
            .unwrap_or(c.registered);
        let updated = stamp(rng, last);
        let help = c.picked.map(|_| weighted(rng, &HELP_KINDS).as_str());
        let version = 1 + i64::from(c.picked.is_some()) + i64::from(c.closed.is_some());
        let drang = c.picked.is_some() && rng.gen_bool(0.03);
        self.push(
            tx,
            T::Cases,
            row![
                c.id.as_str(),
                number,
                f.id.as_str(),
                m.code.as_str(),
                c.team.as_str(),
                c.worker.clone(),
                status,
                c.registered,
                c.picked,
                c.closed.map(|(d, _)| d),
                c.closed.map(|(_, r)| r.as_str()),
                help,
                drang,
                version,
                created.as_str(),
                updated
            ],
        )
        .await?;
        let registrar = match &c.worker {
            Some(w) => w.clone(),
            None => pick_worker(rng, &self.staff[&m.code]),
        };
        let reg = uuid(rng);
        let channel = if rng.gen_bool(NO_CHANNEL) {
            None
        } else {
            Some(weighted_code(rng, &self.ctx.channels))
        };
        self.push(
            tx,
            T::Registrations,
            row![
                reg.as_str(),
                c.id.as_str(),
                m.code.as_str(),
                c.registered,
                channel,
                *pick(rng, texts::QUESTIONS),
                registrar.as_str(),
                created.as_str()
            ],
        )
        .await?;
        let primary = weighted_code(rng, &self.ctx.problem_areas);
        self.push(
            tx,
            T::RegistrationProblemAreas,
            row![reg.as_str(), primary.as_str(), true],
        )
        .await?;
        if rng.gen_bool(SECOND_PROBLEM_AREA) {
            let second = weighted_code(rng, &self.ctx.problem_areas);
            if second != primary {
                self.push(
                    tx,
                    T::RegistrationProblemAreas,
                    row![reg.as_str(), second, false],
                )
                .await?;
            }
        }
        for y in &c.youths {
            self.push(
                tx,
                T::RegistrationYouths,
                row![reg.as_str(), f.youths[*y].id.as_str()],
            )
            .await?;
        }
        self.push(
            tx,
            T::CaseEvents,
            row![
                uuid(rng),
                c.id.as_str(),
                created.as_str(),
                c.registered,
                "registered",
                "",
                registrar.as_str()
            ],
        )
        .await?;
        if let (Some(p), Some(w)) = (c.picked, &c.worker) {
            let at = stamp(rng, p);
            self.push(
                tx,
                T::CaseEvents,
                row![uuid(rng), c.id.as_str(), at, p, "picked_up", "", w.as_str()],
            )
            .await?;
            // Some families name people of their network.
            if f.network.is_empty() && rng.gen_bool(0.25) {
                for _ in 0..rng.gen_range(1..=2) {
                    let (relation, contribution) = *pick(rng, texts::NETWORK);
                    let name = adult_name(rng);
                    network.push(name.clone());
                    let at = stamp(rng, p);
                    self.push(
                        tx,
                        T::NetworkMembers,
                        row![
                            uuid(rng),
                            f.id.as_str(),
                            name,
                            relation,
                            format!("06-1234{:04}", rng.gen_range(0..10_000)),
                            contribution,
                            1,
                            at.as_str(),
                            at.as_str()
                        ],
                    )
                    .await?;
                }
            }
        }
        if let Some((d, reason)) = c.closed {
            let by = c.worker.clone().unwrap_or(registrar);
            let at = stamp(rng, d);
            self.push(
                tx,
                T::CaseEvents,
                row![
                    uuid(rng),
                    c.id.as_str(),
                    at,
                    d,
                    "closed",
                    reason.as_str(),
                    by
                ],
            )
            .await?;
        }
        Ok(network)
    }

    /// The family plan: versions for the family's last worked case, its coordinator.
    async fn push_plan(&mut self, tx: &mut Tx, rng: &mut Gen, f: &Family) -> Result<()> {
        let created = stamp(rng, f.created);
        let (Some(goals), Some((case_id, worker, picked, closed))) = (&f.goals, &f.worked) else {
            return self
                .push(
                    tx,
                    T::FamilyPlans,
                    row![
                        f.id.as_str(),
                        "family",
                        None::<String>,
                        0,
                        None::<String>,
                        false,
                        1,
                        created.as_str(),
                        created.as_str()
                    ],
                )
                .await;
        };
        let end = closed.unwrap_or(self.until).min(self.until);
        let open = closed.is_none();
        let versions = weighted(rng, &[(1i64, 55.0), (2, 30.0), (3, 15.0)]);
        let agreed_last = rng.gen_bool(if open { 0.75 } else { 0.9 });
        let worker_name = self
            .worker_names
            .get(worker)
            .cloned()
            .unwrap_or_else(|| "Gezinswerker".to_owned());
        let mut day = plus(*picked, rng.gen_range(3..21)).min(end);
        let mut next_due = None;
        let mut updated = created.clone();
        for number in 1..=versions {
            let last = number == versions;
            let content = PlanContent {
                goals: goals
                    .iter()
                    .enumerate()
                    .map(|(i, (id, text))| Goal {
                        id: id.clone(),
                        text: text.clone(),
                        about: if i == 0 {
                            f.youths[0].name.clone()
                        } else {
                            String::new()
                        },
                        pace: "Stap voor stap, eerst twee dagen per week".into(),
                        sub_goals: if i == 0 {
                            vec!["Samen bespreken wat goed ging".into()]
                        } else {
                            Vec::new()
                        },
                    })
                    .collect(),
                actions: (0..rng.gen_range(1..4) + number as usize - 1)
                    .map(|a| {
                        let (kind, text) =
                            texts::ACTIONS[(a + number as usize) % texts::ACTIONS.len()];
                        let owner_kind = OwnerKind::parse(kind).unwrap_or(OwnerKind::FamilyMember);
                        let owner = match owner_kind {
                            OwnerKind::FamilyMember => f.parents[0].clone(),
                            OwnerKind::NetworkMember => f
                                .network
                                .first()
                                .cloned()
                                .unwrap_or_else(|| "Oma".to_owned()),
                            OwnerKind::Professional => worker_name.clone(),
                            OwnerKind::Provider => "Koraal".to_owned(),
                        };
                        let (due, done) = if open && last {
                            (
                                plus(self.until, rng.gen_range(-30..90)),
                                a == 0 && rng.gen_bool(0.3),
                            )
                        } else {
                            (plus(day, rng.gen_range(14..90)), true)
                        };
                        PlanAction {
                            id: format!("a{}", a + 1),
                            goal_id: Some(goals[a % goals.len()].0.clone()),
                            description: text.to_owned(),
                            owner_kind,
                            owner,
                            due: Some(due),
                            done,
                        }
                    })
                    .collect(),
            };
            if last {
                next_due = content.next_action_due();
            }
            let json =
                serde_json::to_string(&content).map_err(|e| Error::Corrupt(e.to_string()))?;
            let at = stamp(rng, day);
            let agreed = (!last || agreed_last).then(|| plus(day, rng.gen_range(0..14)).min(end));
            self.push(
                tx,
                T::PlanVersions,
                row![
                    f.id.as_str(),
                    number,
                    json,
                    worker.as_str(),
                    at.as_str(),
                    agreed,
                    agreed.map(|_| f.parents[0].clone()),
                    agreed.map(|_| worker.clone())
                ],
            )
            .await?;
            self.push(
                tx,
                T::CaseEvents,
                row![
                    uuid(rng),
                    case_id.as_str(),
                    at.as_str(),
                    day,
                    "plan_saved",
                    format!("v{number}"),
                    worker.as_str()
                ],
            )
            .await?;
            updated = at;
            if let Some(a) = agreed {
                let at = stamp(rng, a);
                self.push(
                    tx,
                    T::CaseEvents,
                    row![
                        uuid(rng),
                        case_id.as_str(),
                        at.as_str(),
                        a,
                        "plan_agreed",
                        format!("v{number} · {}", f.parents[0]),
                        worker.as_str()
                    ],
                )
                .await?;
                updated = at;
            }
            day = plus(day, rng.gen_range(30..120)).min(end);
        }
        // Regie: the family itself, or the worker for some families in care.
        let coordinator = (open && rng.gen_bool(0.3)).then(|| worker.clone());
        self.push(
            tx,
            T::FamilyPlans,
            row![
                f.id.as_str(),
                if coordinator.is_some() {
                    "professional"
                } else {
                    "family"
                },
                coordinator.clone(),
                versions,
                next_due,
                agreed_last,
                1 + versions + i64::from(coordinator.is_some()),
                created.as_str(),
                updated
            ],
        )
        .await
    }

    /// The access of a case: youths with access (in kind, PGB, both), each decision with
    /// its request, review, versions and evaluations.
    fn access(
        &mut self,
        rng: &mut Gen,
        m: &volumes::Municipality,
        c: &CaseRow,
        f: &Family,
        staff: &TeamStaff,
        out: &mut Vec<Planned>,
    ) {
        let (Some(picked), Some(worker)) = (c.picked, &c.worker) else {
            return;
        };
        let Some(access_from) = self.access_from else {
            return;
        };
        let bound = c.closed.map_or(self.until, |(d, _)| d.min(self.until));
        let lo = plus(picked, 7).max(access_from);
        // A case open when the period begins keeps the decisions of the two years before
        // it (every decision still running in the period), not its whole history; the
        // history is made all the same, so the period looks as it would in a longer run.
        let kept_from = plus(self.from, -730);
        let hi = plus(bound, -45);
        // Specialised care keeps the CJG involved: the long cases are the ones with access
        // more often.
        let long = (c.planned_close - c.registered).num_days() >= 365;
        let p = if long { ACCESS_LONG } else { ACCESS_SHORT };
        if hi < lo || c.youths.is_empty() || !rng.gen_bool(p) {
            return;
        }
        let n = if c.youths.len() > 1 && rng.gen_bool(0.15) {
            2
        } else {
            1
        };
        let close = c.closed.map(|(d, _)| d);
        for &y in c.youths.choose_multiple(rng, n) {
            let youth = &f.youths[y];
            let kind = weighted(rng, &ACCESS_KINDS);
            let streams: &[Funding] = match kind {
                AccessKind::InKind => &[Funding::InKind],
                AccessKind::Pgb => &[Funding::Pgb],
                AccessKind::Both => &[Funding::InKind, Funding::Pgb],
            };
            // Each stream: a first decision, then while the case runs a follow-up decision
            // from the day after the last one (a new decision every period of care).
            let mut made = Vec::new();
            let mut firsts = 0;
            for &funding in streams {
                let requested = plus(lo, rng.gen_range(0..=(hi - lo).num_days()));
                let mut next = self.decision(
                    rng, m, c, f, youth, staff, worker, funding, requested, None, close,
                );
                firsts += usize::from(next.is_some());
                while let Some((p, last, ended)) = next.take() {
                    if last >= kept_from {
                        made.push(p);
                    }
                    let from = plus(last, -45).max(lo);
                    let to = plus(last, -7).min(hi);
                    if ended || to < from || !rng.gen_bool(FOLLOW_UP) {
                        break;
                    }
                    let requested = plus(from, rng.gen_range(0..=(to - from).num_days()));
                    next = self.decision(
                        rng,
                        m,
                        c,
                        f,
                        youth,
                        staff,
                        worker,
                        funding,
                        requested,
                        Some(plus(last, 1)),
                        close,
                    );
                }
            }
            // "Both" needs both streams.
            if firsts == streams.len() {
                for p in &made {
                    self.summary.decisions += 1;
                    self.summary.decisions_pgb += u64::from(
                        p.rows
                            .iter()
                            .any(|(t, r)| *t == T::Decisions && r[7] == V::from("pgb")),
                    );
                }
                out.extend(made);
            }
        }
    }

    /// One decided request and its decision, requested on `requested`: the rows, and the
    /// decision's last day. `None` when it does not fit the case or the period.
    #[allow(clippy::too_many_arguments)]
    fn decision(
        &mut self,
        rng: &mut Gen,
        m: &volumes::Municipality,
        c: &CaseRow,
        f: &Family,
        youth: &Youth,
        staff: &TeamStaff,
        author: &str,
        funding: Funding,
        requested: NaiveDate,
        start_at: Option<NaiveDate>,
        close: Option<NaiveDate>,
    ) -> Option<(Planned, NaiveDate, bool)> {
        let limit = close.unwrap_or(self.until).min(self.until);
        let weights: Vec<(usize, f64)> = self
            .ctx
            .products
            .iter()
            .enumerate()
            .filter(|(_, p)| funding == Funding::InKind || p.pgb)
            .map(|(i, p)| (i, p.weight))
            .collect();
        if weights.is_empty() {
            return None;
        }
        let product = &self.ctx.products[weighted(rng, &weights)];
        let variant = rules::variant_on(&self.ctx.variants, requested);
        let provider_effort = rules::provider_sets_effort(variant, funding);
        // The request's life: submitted, part 2 by the provider after its intake (2018,
        // in kind), sometimes sent back once, approved.
        let days = |rng: &mut Gen, lo: i64, hi: i64| rng.gen_range(lo..=hi);
        let mut submitted = plus(requested, days(rng, 0, 7));
        let mut t = submitted;
        let mut intake = None;
        let mut effort_day = None;
        if provider_effort {
            let i = plus(t, days(rng, 7, 28));
            t = plus(i, days(rng, 1, 10));
            intake = Some(i);
            effort_day = Some(t);
        }
        let sent_back = rng.gen_bool(0.08).then(|| {
            let s = plus(t, days(rng, 2, 10));
            submitted = plus(s, days(rng, 2, 10));
            t = submitted;
            if provider_effort {
                t = plus(t, days(rng, 1, 7));
                effort_day = Some(t);
            }
            s
        });
        let decided = plus(t, days(rng, 2, 14));
        if decided > limit {
            return None;
        }
        // A follow-up starts the day after the decision before it.
        let mut start = match start_at {
            Some(s) => s.max(decided),
            None => plus(decided, days(rng, 0, 21)),
        };
        if start > plus(limit, -14) {
            if start_at.is_some() {
                return None;
            }
            start = decided;
        }
        let months = *pick(rng, product.months);
        let mut end = add_months(start, months).pred_opt()?;
        if let Some(cl) = close {
            end = end.min(cl);
        }
        if end < plus(start, 13) {
            return None;
        }
        let price = rules::price_on(&product.prices, start)?;
        let provider = match funding {
            Funding::InKind => {
                let contracted: Vec<&String> = product
                    .contracts
                    .iter()
                    .filter(|(_, from, to)| *from <= start && to.is_none_or(|t| end <= t))
                    .map(|(p, _, _)| p)
                    .collect();
                if contracted.is_empty() {
                    return None;
                }
                Some((*pick(rng, &contracted)).clone())
            }
            Funding::Pgb => None,
        };
        let volume = *pick(rng, product.volumes);
        let effort = Effort::new(
            Some(volume),
            Some(product.unit),
            Some(product.frequency),
            start,
            end,
        )
        .ok()?;
        let full_cost = effort.cost_cents(price);
        rules::check_cost(full_cost).ok()?;
        let pgb = (funding == Funding::Pgb).then(|| {
            let share = rng.gen_range(0.6..0.85);
            (((full_cost as f64 * share) / 100.0).round() as i64 * 100).clamp(100, rules::MAX_CENTS)
        });
        let (units, estimated) = match pgb {
            Some(amount) => (0, amount),
            None => (effort.total_units_x100(), full_cost),
        };
        // Ended early: a day between two weeks after the start and the end (or `until`).
        let latest = plus(end, -1).min(self.until);
        let ended = (rng.gen_bool(ENDED_EARLY) && (latest - start).num_days() >= 14).then(|| {
            let on = plus(start, days(rng, 14, (latest - start).num_days()));
            let changed = plus(on, days(rng, 0, 7)).min(self.until);
            (on, weighted(rng, &END_REASONS), changed)
        });
        let (last, units_last, estimated_last) = match (ended, pgb) {
            (Some((on, _, _)), Some(amount)) => {
                (on, 0, rules::pgb_ended_cents(amount, start, end, on))
            }
            (Some((on, _, _)), None) => {
                let e = Effort::new(
                    Some(volume),
                    Some(product.unit),
                    Some(product.frequency),
                    start,
                    on,
                )
                .ok()?;
                (on, e.total_units_x100(), e.cost_cents(price))
            }
            (None, _) => (end, units, estimated),
        };

        let reviewer = pick(rng, &staff.reviewers).clone();
        let rid = uuid(rng);
        let did = uuid(rng);
        let zin = funding == Funding::InKind;
        let created_at = stamp(rng, requested);
        let decided_at = stamp(rng, decided);
        let (referrer, referrer_code) = match weighted(rng, &REFERRERS) {
            "cjg" => ("cjg", None),
            code => (
                code,
                Some(format!(
                    "0{}{:06}",
                    rng.gen_range(1..=9),
                    rng.gen_range(0..1_000_000)
                )),
            ),
        };
        let pe = i64::from(provider_effort);
        let version = 3 + pe + if sent_back.is_some() { 2 + pe } else { 0 };
        let mut rows: Vec<(T, Vec<V>)> = Vec::new();
        rows.push((
            T::AccessRequests,
            row![
                rid.as_str(),
                c.id.as_str(),
                youth.id.as_str(),
                m.code.as_str(),
                variant.as_str(),
                "decided",
                referrer,
                referrer_code,
                *pick(rng, texts::ACCESS_REASONS),
                product.id.as_str(),
                funding.as_str(),
                provider.clone(),
                zin.then_some(volume),
                zin.then_some(product.unit.as_str()),
                zin.then_some(product.frequency.as_str()),
                start,
                end,
                pgb,
                intake,
                effort_day.map(|d| stamp(rng, d)),
                author,
                stamp(rng, submitted),
                reviewer.as_str(),
                decided_at.as_str(),
                "",
                version,
                created_at.as_str(),
                decided_at.as_str()
            ],
        ));
        let n_results = weighted(rng, &[(1usize, 30.0), (2, 50.0), (3, 20.0)]);
        let mut results = Vec::new();
        for (i, text) in texts::RESULTS.choose_multiple(rng, n_results).enumerate() {
            let id = uuid(rng);
            let goal = f
                .goals
                .as_ref()
                .filter(|_| rng.gen_bool(0.7))
                .map(|g| pick(rng, g).0.clone());
            rows.push((
                T::AccessRequestResults,
                row![id.as_str(), rid.as_str(), i as i64 + 1, *text, goal],
            ));
            results.push(id);
        }
        rows.push((T::AccessRequestWriters, row![rid.as_str(), author]));
        if let Some(s) = sent_back {
            rows.push((
                T::AccessReviews,
                row![
                    uuid(rng),
                    rid.as_str(),
                    reviewer.as_str(),
                    "sent_back",
                    "Maak de resultaten concreter en onderbouw de inzet.",
                    stamp(rng, s)
                ],
            ));
        }
        rows.push((
            T::AccessReviews,
            row![
                uuid(rng),
                rid.as_str(),
                reviewer.as_str(),
                "approved",
                "",
                decided_at.as_str()
            ],
        ));
        rows.push((
            T::CaseEvents,
            row![
                uuid(rng),
                c.id.as_str(),
                created_at.as_str(),
                requested,
                "access_requested",
                "",
                author
            ],
        ));
        let mut events = vec![row![
            uuid(rng),
            c.id.as_str(),
            decided_at.as_str(),
            decided,
            "decision",
            "",
            reviewer.as_str()
        ]];

        // The decision as issued; then the provider's reports of start and end and the
        // early end (a new version).
        let snapshot = |estimated: i64, ended: Option<(NaiveDate, EndReason)>| {
            serde_json::to_string(&eenplan_domain::access::DecisionSnapshot {
                volume: zin.then_some(volume),
                unit: zin.then_some(product.unit),
                frequency: zin.then_some(product.frequency),
                pgb_cents: pgb,
                start_on: start,
                end_on: end,
                ended_on: ended.map(|(d, _)| d),
                end_reason: ended.map(|(_, r)| r),
                unit_price_cents: zin.then_some(price),
                estimated_cents: estimated,
                provider_id: provider.as_ref().map(|p| p.to_string()),
                product_code: product.code.to_owned(),
            })
            .expect("a decision snapshot always serialises")
        };
        rows.push((
            T::DecisionVersions,
            row![
                did.as_str(),
                1,
                snapshot(estimated, None),
                "Besluit op de aanvraag",
                reviewer.as_str(),
                decided_at.as_str()
            ],
        ));
        let mut dversion = 1;
        let mut updated_at = decided_at.clone();
        let actual_start = (zin && plus(start, 7) <= self.until && rng.gen_bool(0.8))
            .then(|| plus(start, days(rng, 0, 10)).min(self.until).min(last));
        if let Some(a) = actual_start {
            dversion += 1;
            updated_at = stamp(rng, a.max(decided));
        }
        if let Some((on, reason, changed)) = ended {
            dversion += 1;
            updated_at = stamp(rng, changed);
            rows.push((
                T::DecisionVersions,
                row![
                    did.as_str(),
                    dversion,
                    snapshot(estimated_last, Some((on, reason))),
                    "Zorg eerder beëindigd",
                    author,
                    updated_at.as_str()
                ],
            ));
            events.push(row![
                uuid(rng),
                c.id.as_str(),
                updated_at.as_str(),
                changed,
                "decision_ended",
                "",
                author
            ]);
        }
        let actual_end = actual_start
            .filter(|_| last < self.until && rng.gen_bool(0.7))
            .map(|a| last.max(a));
        if let Some(e) = actual_end {
            dversion += 1;
            updated_at = stamp(rng, e.min(self.until));
        }
        rows.push((
            T::Decisions,
            row![
                did.as_str(),
                "",
                rid.as_str(),
                c.id.as_str(),
                youth.id.as_str(),
                m.code.as_str(),
                product.id.as_str(),
                funding.as_str(),
                provider.clone(),
                zin.then_some(volume),
                zin.then_some(product.unit.as_str()),
                zin.then_some(product.frequency.as_str()),
                pgb,
                start,
                end,
                ended.map(|(d, _, _)| d),
                ended.map(|(_, r, _)| r.as_str()),
                day_number(start),
                day_number(last),
                zin.then_some(price),
                units_last,
                ended.map(|_| start),
                0,
                0,
                estimated_last,
                actual_start,
                actual_end,
                reviewer.as_str(),
                decided,
                dversion,
                decided_at.as_str(),
                updated_at
            ],
        ));

        // Evaluations: the schedule of the decision; past ones mostly held (some late),
        // some still open (overdue); an early end replans what is still open.
        let months = self.ctx.evaluation_months;
        let mut evaluations: Vec<(EvaluationKind, NaiveDate, Option<NaiveDate>)> = Vec::new();
        for (kind, due) in rules::evaluation_schedule(start, end, months) {
            let done = self.held(rng, due, start);
            if let Some((_, _, changed)) = ended
                && done.is_none_or(|d| d >= changed)
            {
                // Open at the change: replanned below.
                continue;
            }
            evaluations.push((kind, due, done));
        }
        let end_held = evaluations
            .iter()
            .any(|(k, _, _)| *k == EvaluationKind::End);
        if let Some((on, _, _)) = ended
            && !end_held
        {
            let from = evaluations
                .iter()
                .filter_map(|(_, _, d)| *d)
                .max()
                .map_or(start, |d| d.max(start));
            for (kind, due) in rules::evaluation_schedule(from, on, months) {
                let done = self.held(rng, due, start);
                evaluations.push((kind, due, done));
            }
        }
        for (kind, due, done) in evaluations {
            let eid = uuid(rng);
            match done {
                None => {
                    if due < self.until {
                        self.summary.evaluations_overdue += 1;
                    }
                    rows.push((
                        T::Evaluations,
                        row![
                            eid,
                            did.as_str(),
                            c.team.as_str(),
                            kind.as_str(),
                            due,
                            None::<String>,
                            None::<String>,
                            None::<String>,
                            None::<String>,
                            1
                        ],
                    ));
                }
                Some(on) => {
                    let by = if rng.gen_bool(0.7) {
                        author.to_owned()
                    } else {
                        pick_worker(rng, staff)
                    };
                    let outcome = match kind {
                        EvaluationKind::Interim => weighted(
                            rng,
                            &[
                                ("continue", 72.0),
                                ("scale_down", 12.0),
                                ("scale_up", 8.0),
                                ("end", 8.0),
                            ],
                        ),
                        EvaluationKind::End => weighted(rng, &[("end", 85.0), ("continue", 15.0)]),
                    };
                    rows.push((
                        T::Evaluations,
                        row![
                            eid.as_str(),
                            did.as_str(),
                            c.team.as_str(),
                            kind.as_str(),
                            due,
                            on,
                            *pick(rng, texts::FAMILY_VIEWS),
                            outcome,
                            by.as_str(),
                            2
                        ],
                    ));
                    let scores: &[(&str, f64)] = match kind {
                        EvaluationKind::Interim => {
                            &[("reached", 25.0), ("partly", 55.0), ("not_reached", 20.0)]
                        }
                        EvaluationKind::End => {
                            &[("reached", 55.0), ("partly", 35.0), ("not_reached", 10.0)]
                        }
                    };
                    for r in &results {
                        rows.push((
                            T::EvaluationResults,
                            row![eid.as_str(), r.as_str(), weighted(rng, scores)],
                        ));
                    }
                    if rng.gen_bool(0.7) {
                        let at = stamp(rng, on);
                        rows.push((
                            T::MonitoringTime,
                            row![
                                uuid(rng),
                                did.as_str(),
                                by.as_str(),
                                on,
                                *pick(rng, &[30i64, 45, 60, 60, 90, 120]),
                                "Evaluatie",
                                at
                            ],
                        ));
                    }
                }
            }
        }
        Some((
            Planned {
                decided,
                id: did,
                rows,
                events,
            },
            last,
            ended.is_some(),
        ))
    }

    /// Whether an evaluation due on `due` was held by `until`, and when: mostly on time,
    /// some late; recently due ones are more often still open.
    fn held(&self, rng: &mut Gen, due: NaiveDate, start: NaiveDate) -> Option<NaiveDate> {
        let age = (self.until - due).num_days();
        let open = match age {
            ..=0 => 1.0,
            1..=13 => 0.45,
            14..=59 => 0.2,
            60..=364 => 0.03,
            _ => 0.003,
        };
        if rng.gen_bool(open) {
            return None;
        }
        let shift = match rng.gen_range(0..100) {
            0..70 => rng.gen_range(-7..=7),
            70..95 => rng.gen_range(8..=45),
            _ => rng.gen_range(-21..=-8),
        };
        Some(plus(due, shift).clamp(start, self.until))
    }

    /// The region's local treatment teams: requests from the CJG (about a case) and from
    /// other referrers, in the proportions of the pilot's evaluation table, with their
    /// intake, members, activities and hours.
    async fn treatment_team(
        &mut self,
        tx: &mut Tx,
        rng: &mut Gen,
        m: &volumes::Municipality,
        cases: &[CaseRow],
        families: &[Family],
    ) -> Result<()> {
        let Some(yearly) = LBT_YEARLY
            .iter()
            .find(|(c, _)| *c == m.code)
            .map(|(_, n)| *n)
        else {
            return Ok(());
        };
        let Some(team) = self
            .ctx
            .lbt_teams
            .iter()
            .find(|t| t.municipalities.contains(&m.code))
            .map(|t| t.id.clone())
        else {
            return Ok(());
        };
        let members = self.lbt_members.get(&team).cloned().unwrap_or_default();
        if members.is_empty() {
            return Ok(());
        }
        let start = lbt_start().max(self.from);
        if start > self.until {
            return Ok(());
        }
        let worked: Vec<&CaseRow> = cases.iter().filter(|c| c.picked.is_some()).collect();
        if worked.is_empty() {
            return Ok(());
        }
        let table: Vec<(usize, f64)> = LBT_TABLE
            .iter()
            .enumerate()
            .map(|(i, r)| (i, r.1))
            .collect();
        for on in Self::dates(rng, start, self.until, yearly) {
            let (referrer, total, advice, referred) = LBT_TABLE[weighted(rng, &table)];
            // A CJG request is about a case in care on that day.
            let case = if referrer == Referrer::Cjg {
                let mut found = None;
                for _ in 0..30 {
                    let c = *pick(rng, &worked);
                    if c.picked.is_some_and(|p| p <= on) && c.closed.is_none_or(|(d, _)| d > on) {
                        found = Some(c);
                        break;
                    }
                }
                match found {
                    Some(c) => Some(c),
                    None => continue,
                }
            } else {
                None
            };
            let available: Vec<&(String, String, NaiveDate)> =
                members.iter().filter(|(_, _, from)| *from <= on).collect();
            if available.is_empty() {
                continue;
            }
            let outcome = if rng.gen_bool(advice / total) {
                Outcome::AdviceOnly
            } else {
                Outcome::ConsultationTreatment
            };
            let kind = match outcome {
                Outcome::AdviceOnly if rng.gen_bool(0.85) => RequestKind::Advice,
                Outcome::AdviceOnly => RequestKind::ConsultationTreatment,
                _ if rng.gen_bool(0.15) => RequestKind::Advice,
                _ => RequestKind::ConsultationTreatment,
            };
            let declined = rng.gen_bool(LBT_DECLINED);
            let screened = plus(on, rng.gen_range(2..=14));
            let closed = plus(screened, rng.gen_range(14..=120));
            let (status, picked_up, closed_on) = if screened > self.until {
                ("requested", None, None)
            } else if declined {
                ("declined", None, None)
            } else if closed > self.until {
                ("picked_up", Some(screened), None)
            } else {
                ("closed", Some(screened), Some(closed))
            };
            let referred_on = status == "closed" && rng.gen_bool(referred / total);
            let referred_to = referred_on.then(|| pick(rng, &self.ctx.providers).0.clone());
            let (question, anonymised) = *pick(rng, texts::CONSULTATION_QUESTIONS);
            let (created_by, referrer_name) = match case {
                Some(c) => (c.worker.clone().unwrap_or_default(), String::new()),
                None => (
                    pick(rng, &available).0.clone(),
                    match referrer {
                        Referrer::Gi => "Bureau Jeugdzorg Limburg".to_owned(),
                        Referrer::GgzWaitingList => "Wachtlijst jeugd-ggz".to_owned(),
                        _ => "Huisartsenpraktijk".to_owned(),
                    },
                ),
            };
            let consent = case
                .map(|c| families[c.family].parents[0].clone())
                .or_else(|| rng.gen_bool(0.5).then(|| "Ouder".to_owned()))
                .filter(|_| rng.gen_bool(0.9));
            let year = on.year();
            let seq = self.next(format!("consultation:{year}"));
            let number = format!("LBT-{year}-{seq:05}");
            let id = uuid(rng);
            let created_at = stamp(rng, on);
            let last = closed_on.or(picked_up).unwrap_or(on);
            let contra = (status == "declined").then(|| *pick(rng, ContraIndication::ALL));
            let version = 1 + i64::from(status != "requested") + i64::from(status == "closed");
            let assigned: Vec<&(String, String, NaiveDate)> = if picked_up.is_some() {
                let n = rng.gen_range(1..=2).min(available.len());
                available.choose_multiple(rng, n).copied().collect()
            } else {
                Vec::new()
            };
            self.push(
                tx,
                T::ConsultationRequests,
                row![
                    id.as_str(),
                    number.as_str(),
                    team.as_str(),
                    case.map(|c| c.id.clone()),
                    m.code.as_str(),
                    referrer.as_str(),
                    referrer_name,
                    on,
                    kind.as_str(),
                    pick(rng, AskReason::ALL).as_str(),
                    question,
                    anonymised,
                    consent.is_some(),
                    consent.clone(),
                    consent.as_ref().map(|_| on),
                    consent
                        .as_ref()
                        .map(|_| "Bespreking van de casus in het lokaal behandelteam"),
                    status,
                    contra.map(|c| c.as_str()),
                    contra.map(|_| texts::DECLINE_ADVICE),
                    (status != "requested").then_some(screened),
                    picked_up,
                    closed_on,
                    closed_on.map(|_| outcome.as_str()),
                    referred_on,
                    referred_to,
                    created_by.as_str(),
                    version,
                    created_at.as_str(),
                    stamp(rng, last)
                ],
            )
            .await?;
            self.summary.consultation_requests += 1;
            if let Some(c) = case {
                self.push(
                    tx,
                    T::CaseEvents,
                    row![
                        uuid(rng),
                        c.id.as_str(),
                        created_at.as_str(),
                        on,
                        "consultation_requested",
                        number.as_str(),
                        created_by.as_str()
                    ],
                )
                .await?;
            }
            let Some(picked_up) = picked_up else {
                continue;
            };
            for (user, _, _) in &assigned {
                self.push(tx, T::ConsultationMembers, row![id.as_str(), user.as_str()])
                    .await?;
            }
            // What the team did, and the hours it took.
            let until = closed_on.unwrap_or(self.until);
            let mut activities = vec![(ActivityKind::Advice, None)];
            if outcome == Outcome::ConsultationTreatment {
                activities = vec![(ActivityKind::Mdo, None)];
                for _ in 0..rng.gen_range(1..=3) {
                    let kind = *pick(
                        rng,
                        &[
                            ActivityKind::PsychoEducation,
                            ActivityKind::SystemConversation,
                            ActivityKind::Diagnostics,
                        ],
                    );
                    let place = if rng.gen_bool(0.6) {
                        Place::Home
                    } else {
                        Place::Office
                    };
                    activities.push((kind, Some(place)));
                }
            }
            for (kind, place) in activities {
                let span = (until - picked_up).num_days().max(0);
                let day = plus(picked_up, rng.gen_range(0..=span));
                let (by, org, _) = *pick(rng, &assigned);
                let at = stamp(rng, day);
                let notes = if kind == ActivityKind::Mdo {
                    *pick(rng, texts::MDO_NOTES)
                } else {
                    ""
                };
                self.push(
                    tx,
                    T::ConsultationActivities,
                    row![
                        uuid(rng),
                        id.as_str(),
                        kind.as_str(),
                        day,
                        place.map(|p| p.as_str()),
                        if kind == ActivityKind::Mdo {
                            "Teamleden, gezinswerker CJG"
                        } else {
                            ""
                        },
                        notes,
                        by.as_str(),
                        at
                    ],
                )
                .await?;
                let activity = match kind {
                    ActivityKind::Advice => HourActivity::Consultation,
                    ActivityKind::Mdo => HourActivity::Mdo,
                    _ => HourActivity::Treatment,
                };
                self.hours(tx, rng, &team, by, org, day, activity, Some(&id))
                    .await?;
                if place == Some(Place::Home) {
                    self.hours(
                        tx,
                        rng,
                        &team,
                        by,
                        org,
                        day,
                        HourActivity::Travel,
                        Some(&id),
                    )
                    .await?;
                }
            }
        }
        // Consultation hours outside the requests: most weeks, per member (once a team).
        if self.lbt_hours_done.insert(team.clone()) {
            for (user, org, from) in &members {
                let mut week = *from;
                while week <= self.until {
                    if rng.gen_bool(0.6) {
                        let day = plus(week, rng.gen_range(0..5)).min(self.until);
                        let activity = if rng.gen_bool(0.8) {
                            HourActivity::Consultation
                        } else {
                            HourActivity::Coordination
                        };
                        self.hours(tx, rng, &team, user, org, day, activity, None)
                            .await?;
                    }
                    week = plus(week, 7);
                }
            }
        }
        Ok(())
    }

    /// Minutes of a member on a day; approved by the coordinator unless they are of the
    /// current month.
    #[allow(clippy::too_many_arguments)]
    async fn hours(
        &mut self,
        tx: &mut Tx,
        rng: &mut Gen,
        team: &str,
        user: &str,
        org: &str,
        day: NaiveDate,
        activity: HourActivity,
        request: Option<&str>,
    ) -> Result<()> {
        let minutes = match activity {
            HourActivity::Travel => 15 * rng.gen_range(1..=4),
            _ => 15 * rng.gen_range(2..=8),
        };
        let month_start = self.until.with_day(1).unwrap_or(self.until);
        let approved = (day < month_start)
            .then(|| self.ctx.coordinator.clone())
            .flatten();
        let approved_at = approved.as_ref().map(|_| {
            let on = plus(day, rng.gen_range(3..=20)).min(self.until);
            stamp(rng, on)
        });
        let at = stamp(rng, day);
        self.push(
            tx,
            T::HoursEntries,
            row![
                uuid(rng),
                team,
                user,
                org,
                day,
                minutes,
                activity.as_str(),
                request,
                "",
                approved.clone(),
                approved_at,
                1 + i64::from(approved.is_some()),
                at
            ],
        )
        .await
    }

    /// Writes what is left and moves the running numbers past the numbers used.
    async fn finish(&mut self, tx: &mut Tx) -> Result<()> {
        self.sink.flush(tx).await?;
        let mut counters: Vec<(String, i64)> = self
            .counters
            .iter()
            .filter(|(k, v)| self.ctx.counters.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        counters.sort();
        for chunk in counters.chunks(500) {
            let marks: Vec<String> = (0..chunk.len())
                .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
                .collect();
            let sql = format!(
                "INSERT INTO counters (name, value) VALUES {}
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                marks.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for (name, value) in chunk {
                q = q.bind(name).bind(*value);
            }
            q.execute(&mut **tx).await?;
        }
        Ok(())
    }
}

/// The first day a decision can start: every product of the mix has a price (and the
/// access variants are configured).
fn access_from(ctx: &Context) -> Option<NaiveDate> {
    let prices = ctx
        .products
        .iter()
        .map(|p| p.prices.iter().map(|(d, _)| *d).min())
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .max()?;
    let variants = ctx.variants.iter().map(|(d, _)| *d).min();
    Some(variants.map_or(prices, |v| prices.max(v)))
}

/// A new family registering on `r` about `registered` youths: those and maybe brothers
/// and sisters, of 0 to 22, and one or two parents.
fn new_family(rng: &mut Gen, r: NaiveDate, registered: usize) -> Family {
    let surname = surname(rng);
    let n = registered + weighted(rng, &[(0usize, 75.0), (1, 20.0), (2, 5.0)]);
    let mut youths = Vec::new();
    for _ in 0..n {
        let (lo, hi) = weighted(
            rng,
            &[
                ((0, 3), 15.0),
                ((4, 11), 45.0),
                ((12, 17), 35.0),
                ((18, 22), 5.0),
            ],
        );
        let age_days = rng.gen_range(lo * 365 + 30..(hi + 1) * 365);
        let first = if rng.gen_bool(0.5) {
            pick(rng, texts::BOYS)
        } else {
            pick(rng, texts::GIRLS)
        };
        youths.push(Youth {
            id: uuid(rng),
            name: format!("{first} {surname}"),
            born: plus(r, -age_days),
        });
    }
    youths.sort_by_key(|y| y.born);
    let mut parents = vec![format!("{} {surname}", pick(rng, texts::WOMEN))];
    if rng.gen_bool(0.65) {
        let other = if rng.gen_bool(0.6) {
            surname.clone()
        } else {
            self::surname(rng)
        };
        parents.push(format!("{} {other}", pick(rng, texts::MEN)));
    }
    Family {
        id: uuid(rng),
        youths,
        parents,
        network: Vec::new(),
        last_close: None,
        goals: None,
        worked: None,
        created: r,
    }
}

fn lbt_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(LBT_START.0, LBT_START.1, LBT_START.2).expect("a valid date")
}

fn add_years(d: NaiveDate, years: u32) -> Option<NaiveDate> {
    d.checked_add_months(Months::new(12 * years))
}

fn age_years(born: NaiveDate, on: NaiveDate) -> i32 {
    on.years_since(born).map_or(0, |y| y as i32)
}

fn pick_worker(rng: &mut Gen, staff: &TeamStaff) -> String {
    pick(rng, &staff.workers).0.clone()
}

fn weighted_code(rng: &mut Gen, items: &[(String, f64)]) -> String {
    choose(rng, items).clone()
}
