//! The report aggregates (migration 0008) against a recount. Random writes through every
//! kind of path (the import, the registration and case functions the pages and API
//! call, plain SQL of one row and of many, a rolled-back transaction), then: the
//! aggregate tables equal a count of the rows, and every figure of `volumes`,
//! `referral-channels` and `problem-areas` for many random periods and areas equals a
//! count straight from `registrations`, `cases` and `registration_problem_areas`.

use crate::common::TestApp;
use chrono::{Datelike, Days, NaiveDate};
use eenplan_reports::{Audience, Params, Table};
use eenplan_store::audit::Actor;
use eenplan_store::cases::{self, NewRegistration, PersonInput, Step, YouthRef};
use eenplan_store::{Backend, Store};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};

const MUNICIPALITIES: [&str; 7] = ["0946", "0957", "0988", "1640", "1641", "1669", "1711"];
/// Report areas: everything, municipalities, the sub-regions and the region.
const AREAS: [Option<&str>; 6] = [
    None,
    Some("1640"),
    Some("0957"),
    Some("MLW"),
    Some("MLO"),
    Some("ML"),
];
const CHANNELS: [&str; 6] = [
    "eigen_initiatief",
    "onderwijs",
    "artsen",
    "veilig_thuis",
    "gi",
    "welzijn",
];
const PROBLEM_AREAS: [&str; 6] = [
    "ontwikkeling",
    "opvoeding",
    "echtscheiding",
    "onderwijs",
    "financien",
    "overig",
];

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn plus(d: NaiveDate, days: u64) -> NaiveDate {
    d + Days::new(days)
}

fn minus(d: NaiveDate, days: u64) -> NaiveDate {
    d - Days::new(days)
}

/// A bound value of a statement.
enum Bind {
    Text(String),
    Null,
}

impl From<&str> for Bind {
    fn from(s: &str) -> Bind {
        Bind::Text(s.to_owned())
    }
}

impl From<String> for Bind {
    fn from(s: String) -> Bind {
        Bind::Text(s)
    }
}

impl From<NaiveDate> for Bind {
    fn from(d: NaiveDate) -> Bind {
        Bind::Text(d.to_string())
    }
}

impl From<Option<&str>> for Bind {
    fn from(s: Option<&str>) -> Bind {
        s.map_or(Bind::Null, Bind::from)
    }
}

async fn exec(store: &Store, sql: &str, binds: Vec<Bind>) -> Result<u64, sqlx::Error> {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = match b {
            Bind::Text(s) => q.bind(s),
            Bind::Null => q.bind(None::<String>),
        };
    }
    Ok(q.execute(store.pool()).await?.rows_affected())
}

/// Random writes, recorded so a failure can say what led to it.
struct Writer<'a> {
    app: &'a TestApp,
    rng: StdRng,
    user_id: String,
    today: NaiveDate,
    seq: u64,
    log: Vec<String>,
}

impl<'a> Writer<'a> {
    async fn new(app: &'a TestApp, seed: u64) -> Writer<'a> {
        let user_id = app
            .id_of("SELECT id FROM users WHERE username = 'demo.gezinswerker'")
            .await;
        Writer {
            app,
            rng: StdRng::seed_from_u64(seed),
            user_id,
            today: eenplan_store::today(),
            seq: 0,
            log: Vec::new(),
        }
    }

    fn store(&self) -> &Store {
        &self.app.store
    }

    fn note(&mut self, what: String) {
        self.log.push(what);
    }

    fn last_writes(&self) -> String {
        let from = self.log.len().saturating_sub(25);
        self.log[from..].join("\n  ")
    }

    /// A day from 2016 to today.
    fn day(&mut self) -> NaiveDate {
        let first = date("2016-01-01");
        let span = (self.today - first).num_days() as u64;
        plus(first, self.rng.gen_range(0..=span))
    }

    fn municipality(&mut self) -> &'static str {
        MUNICIPALITIES.choose(&mut self.rng).unwrap()
    }

    /// A referral channel, or none (one in four).
    fn channel(&mut self) -> Option<&'static str> {
        if self.rng.gen_ratio(1, 4) {
            None
        } else {
            Some(CHANNELS.choose(&mut self.rng).unwrap())
        }
    }

    fn problem_area(&mut self) -> &'static str {
        PROBLEM_AREAS.choose(&mut self.rng).unwrap()
    }

    /// One of the rows `sql` selects (its first column, text), picked at random; `sql`
    /// orders them so that the pick depends on the seed alone.
    async fn pick(&mut self, sql: &str) -> Option<sqlx::any::AnyRow> {
        let rows = sqlx::query(sql)
            .fetch_all(self.store().pool())
            .await
            .unwrap();
        if rows.is_empty() {
            return None;
        }
        let i = self.rng.gen_range(0..rows.len());
        rows.into_iter().nth(i)
    }

    async fn run(&mut self, sql: &str, binds: Vec<Bind>) -> u64 {
        exec(self.store(), sql, binds)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}\n  {}", self.last_writes()))
    }

    /// One random write.
    async fn write(&mut self) {
        self.seq += 1;
        match self.rng.gen_range(0..100) {
            0..=11 => self.import().await,
            12..=19 => self.register().await,
            20..=25 => self.close_through_the_store().await,
            26..=29 => self.reopen_through_the_store().await,
            30..=37 => self.close_in_sql().await,
            38..=43 => self.reopen_in_sql().await,
            44..=49 => self.move_case_dates().await,
            50..=52 => self.move_case_municipality().await,
            53..=58 => self.change_channel().await,
            59..=64 => self.move_registration().await,
            65..=66 => self.move_registration_to_another_case().await,
            67..=71 => self.change_primary_area().await,
            72..=75 => self.delete_primary_area().await,
            76..=79 => self.add_primary_area().await,
            80..=82 => self.delete_registration().await,
            83..=85 => self.bulk_channel().await,
            86..=88 => self.bulk_close().await,
            89..=90 => self.bulk_delete_primary_areas().await,
            91..=93 => self.broken_rules().await,
            _ => self.rolled_back().await,
        }
    }

    async fn import(&mut self) {
        let mut csv = String::from(
            "external_id,municipality_code,registered_on,closed_on,referral_channel,problem_area,youth_birth_date,youth_bsn,family_ref\n",
        );
        let rows = self.rng.gen_range(1..=15);
        for i in 0..rows {
            let m = self.municipality();
            let on = self.day();
            let closed = if self.rng.gen_bool(0.5) {
                let c = plus(on, self.rng.gen_range(0..400));
                if c <= self.today {
                    c.to_string()
                } else {
                    String::new()
                }
            } else {
                String::new()
            };
            let channel = self.channel().unwrap_or("");
            let area = self.problem_area();
            let family = if self.rng.gen_ratio(1, 5) {
                format!("f{}", self.rng.gen_range(0..20))
            } else {
                String::new()
            };
            csv.push_str(&format!(
                "x{}-{i},{m},{on},{closed},{channel},{area},,,{family}\n",
                self.seq
            ));
        }
        self.note(format!("import {rows} rows"));
        eenplan_store::import::registrations(
            self.store(),
            &Actor::system("test"),
            csv.as_bytes(),
            |_| {},
        )
        .await
        .unwrap_or_else(|e| panic!("import: {e:?}\n{csv}"));
    }

    /// A registration as the pages and the API make it: a new family, or a youth of one
    /// registered before (added to its open case, reopening one closed lately, or a new
    /// case).
    async fn register(&mut self) {
        let existing = if self.rng.gen_bool(0.3) {
            self.pick(
                "SELECT p.id FROM persons p WHERE p.kind = 'youth' AND p.name LIKE 'Kind %'
                 ORDER BY p.name",
            )
            .await
            .map(|r| r.get::<String, _>(0))
        } else {
            None
        };
        let m = self.municipality();
        let on = self.day();
        let channel = self.channel();
        let mut areas: Vec<String> = Vec::new();
        for _ in 0..self.rng.gen_range(0..=2) {
            let a = self.problem_area().to_owned();
            if !areas.contains(&a) {
                areas.push(a);
            }
        }
        let youth = match existing {
            Some(id) => YouthRef::Existing(id),
            None => YouthRef::New(PersonInput {
                name: format!("Kind {}", self.seq),
                birth_date: Some(date("2012-05-01")),
                municipality_code: Some(m.to_owned()),
                ..PersonInput::default()
            }),
        };
        let input = NewRegistration {
            municipality_code: m.to_owned(),
            registered_on: on,
            referral_channel: channel.map(str::to_owned),
            problem_areas: areas.clone(),
            question: format!("q{}", self.seq),
            youths: vec![youth],
            parents: vec![],
            break_glass_reason: None,
        };
        let mut tx = self.store().begin().await.unwrap();
        let result =
            cases::register(&mut tx, &Actor::system("test"), &self.user_id, &input, 90).await;
        match result {
            Ok(r) => {
                tx.commit().await.unwrap();
                self.note(format!(
                    "register {m} {on} {channel:?} {areas:?}: {}",
                    r.outcome
                ));
            }
            // The family's open case is with another team.
            Err(eenplan_store::Error::CaseElsewhere) => {}
            Err(e) => panic!("register: {e:?}\n  {}", self.last_writes()),
        }
    }

    async fn close_through_the_store(&mut self) {
        let Some(r) = self
            .pick(
                "SELECT id, version, registered_on, picked_up_on FROM cases
                 WHERE status <> 'afgesloten' ORDER BY number",
            )
            .await
        else {
            return;
        };
        let (id, version): (String, i64) = (r.get("id"), r.get("version"));
        let registered: String = r.get("registered_on");
        let picked: Option<String> = r.get("picked_up_on");
        let earliest = date(&registered).max(picked.as_deref().map_or(date("2000-01-01"), date));
        // Lately (so it can be reopened) or some time after the registration.
        let on = if self.rng.gen_bool(0.5) {
            minus(self.today, self.rng.gen_range(0..60)).max(earliest)
        } else {
            plus(earliest, self.rng.gen_range(0..300))
        };
        let mut tx = self.store().begin().await.unwrap();
        let grant = team_grant(&mut tx, &self.user_id, &id).await;
        cases::transition(
            &mut tx,
            &Actor::system("test"),
            &self.user_id,
            &grant,
            version,
            &Step::Close {
                reason: eenplan_domain::case::CloseReason::GoalsReached,
            },
            on,
            90,
        )
        .await
        .unwrap_or_else(|e| panic!("close: {e:?}"));
        tx.commit().await.unwrap();
        self.note(format!("close {id} on {on} (store)"));
    }

    async fn reopen_through_the_store(&mut self) {
        let (since, until) = (minus(self.today, 80), self.today);
        let Some(r) = self
            .pick(&format!(
                "SELECT id, version FROM cases WHERE status = 'afgesloten'
                   AND closed_on >= '{since}' AND closed_on <= '{until}'
                 ORDER BY number"
            ))
            .await
        else {
            return;
        };
        let (id, version): (String, i64) = (r.get("id"), r.get("version"));
        let mut tx = self.store().begin().await.unwrap();
        let grant = team_grant(&mut tx, &self.user_id, &id).await;
        let result = cases::transition(
            &mut tx,
            &Actor::system("test"),
            &self.user_id,
            &grant,
            version,
            &Step::Reopen,
            self.today,
            90,
        )
        .await;
        match result {
            Ok(_) => {
                tx.commit().await.unwrap();
                self.note(format!("reopen {id} (store)"));
            }
            // The family has another open case.
            Err(eenplan_store::Error::Duplicate { .. }) => {}
            Err(e) => panic!("reopen: {e:?}"),
        }
    }

    async fn close_in_sql(&mut self) {
        let Some(r) = self
            .pick(
                "SELECT id, registered_on FROM cases WHERE status <> 'afgesloten' ORDER BY number",
            )
            .await
        else {
            return;
        };
        let id: String = r.get("id");
        let registered = date(&r.get::<String, _>("registered_on"));
        let on = plus(registered, self.rng.gen_range(0..500));
        self.run(
            "UPDATE cases SET status = 'afgesloten', closed_on = $1, close_reason = 'other',
                    version = version + 1 WHERE id = $2",
            vec![on.into(), id.as_str().into()],
        )
        .await;
        self.note(format!("close {id} on {on} (sql)"));
    }

    async fn reopen_in_sql(&mut self) {
        // Not a second open case of a family made in eenplan.
        let Some(r) = self
            .pick(
                "SELECT c.id FROM cases c WHERE c.status = 'afgesloten'
                   AND (c.imported = 1 OR NOT EXISTS (
                        SELECT 1 FROM cases o WHERE o.family_id = c.family_id
                           AND o.status <> 'afgesloten' AND o.imported = 0))
                 ORDER BY c.number",
            )
            .await
        else {
            return;
        };
        let id: String = r.get("id");
        self.run(
            "UPDATE cases SET status = 'in_begeleiding', closed_on = NULL, close_reason = NULL,
                    picked_up_on = COALESCE(picked_up_on, registered_on) WHERE id = $1",
            vec![id.as_str().into()],
        )
        .await;
        self.note(format!("reopen {id} (sql)"));
    }

    /// A new registration date (not after the closing) or a new closing date (not
    /// before the registration).
    async fn move_case_dates(&mut self) {
        let Some(r) = self
            .pick("SELECT id, registered_on, closed_on FROM cases ORDER BY number")
            .await
        else {
            return;
        };
        let id: String = r.get("id");
        let registered = date(&r.get::<String, _>("registered_on"));
        let closed: Option<NaiveDate> = r.get::<Option<String>, _>("closed_on").map(|s| date(&s));
        if closed.is_some() && self.rng.gen_bool(0.5) {
            let on = plus(registered, self.rng.gen_range(0..700));
            self.run(
                "UPDATE cases SET closed_on = $1 WHERE id = $2",
                vec![on.into(), id.as_str().into()],
            )
            .await;
            self.note(format!("case {id} closed on {on}"));
        } else {
            let mut on = self.day();
            if let Some(c) = closed {
                on = on.min(c);
            }
            self.run(
                "UPDATE cases SET registered_on = $1 WHERE id = $2",
                vec![on.into(), id.as_str().into()],
            )
            .await;
            self.note(format!("case {id} registered on {on}"));
        }
    }

    async fn move_case_municipality(&mut self) {
        let Some(r) = self.pick("SELECT id FROM cases ORDER BY number").await else {
            return;
        };
        let id: String = r.get("id");
        let m = self.municipality();
        self.run(
            "UPDATE cases SET municipality_code = $1 WHERE id = $2",
            vec![m.into(), id.as_str().into()],
        )
        .await;
        self.note(format!("case {id} to {m}"));
    }

    async fn registration(&mut self) -> Option<String> {
        self.pick(
            "SELECT id FROM registrations
             ORDER BY registered_on, COALESCE(external_id, ''), question, municipality_code",
        )
        .await
        .map(|r| r.get(0))
    }

    async fn change_channel(&mut self) {
        let Some(id) = self.registration().await else {
            return;
        };
        let channel = self.channel();
        self.run(
            "UPDATE registrations SET referral_channel = $1 WHERE id = $2",
            vec![channel.into(), id.as_str().into()],
        )
        .await;
        self.note(format!("registration {id} channel {channel:?}"));
    }

    /// A new date, municipality or both: its primary problem area moves with it.
    async fn move_registration(&mut self) {
        let Some(id) = self.registration().await else {
            return;
        };
        let (on, m) = (self.day(), self.municipality());
        let (sql, binds): (&str, Vec<Bind>) = match self.rng.gen_range(0..3) {
            0 => (
                "UPDATE registrations SET registered_on = $1 WHERE id = $2",
                vec![on.into(), id.as_str().into()],
            ),
            1 => (
                "UPDATE registrations SET municipality_code = $1 WHERE id = $2",
                vec![m.into(), id.as_str().into()],
            ),
            _ => (
                "UPDATE registrations SET registered_on = $1, municipality_code = $2 WHERE id = $3",
                vec![on.into(), m.into(), id.as_str().into()],
            ),
        };
        self.run(sql, binds).await;
        self.note(format!("registration {id}: {sql} ({on}, {m})"));
    }

    async fn move_registration_to_another_case(&mut self) {
        let Some(id) = self.registration().await else {
            return;
        };
        let Some(case) = self.pick("SELECT id FROM cases ORDER BY number").await else {
            return;
        };
        let case: String = case.get(0);
        self.run(
            "UPDATE registrations SET case_id = $1 WHERE id = $2",
            vec![case.as_str().into(), id.as_str().into()],
        )
        .await;
        self.note(format!("registration {id} to case {case}"));
    }

    async fn change_primary_area(&mut self) {
        let Some(r) = self
            .pick(
                "SELECT p.registration_id, p.problem_area FROM registration_problem_areas p
                 JOIN registrations r ON r.id = p.registration_id
                 WHERE p.is_primary = 1
                 ORDER BY r.registered_on, COALESCE(r.external_id, ''), r.question",
            )
            .await
        else {
            return;
        };
        let (id, old): (String, String) = (r.get(0), r.get(1));
        let new = self.problem_area();
        let taken: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM registration_problem_areas
             WHERE registration_id = $1 AND problem_area = $2",
        )
        .bind(&id)
        .bind(new)
        .fetch_one(self.store().pool())
        .await
        .unwrap();
        if taken > 0 {
            // Its secondary area becomes the primary one: two updates.
            self.run(
                "UPDATE registration_problem_areas SET is_primary = 0
                 WHERE registration_id = $1 AND problem_area = $2",
                vec![id.as_str().into(), old.as_str().into()],
            )
            .await;
            self.run(
                "UPDATE registration_problem_areas SET is_primary = 1
                 WHERE registration_id = $1 AND problem_area = $2",
                vec![id.as_str().into(), new.into()],
            )
            .await;
        } else {
            self.run(
                "UPDATE registration_problem_areas SET problem_area = $1
                 WHERE registration_id = $2 AND problem_area = $3",
                vec![new.into(), id.as_str().into(), old.as_str().into()],
            )
            .await;
        }
        self.note(format!("registration {id} primary {old} -> {new}"));
    }

    async fn delete_primary_area(&mut self) {
        let Some(id) = self.registration().await else {
            return;
        };
        let n = self
            .run(
                "DELETE FROM registration_problem_areas WHERE registration_id = $1 AND is_primary = 1",
                vec![id.as_str().into()],
            )
            .await;
        self.note(format!("registration {id}: {n} primary area deleted"));
    }

    /// A primary area for a registration without one, as a new row or a secondary one
    /// promoted.
    async fn add_primary_area(&mut self) {
        let Some(r) = self
            .pick(
                "SELECT r.id FROM registrations r
                 WHERE NOT EXISTS (SELECT 1 FROM registration_problem_areas p
                                   WHERE p.registration_id = r.id AND p.is_primary = 1)
                 ORDER BY r.registered_on, COALESCE(r.external_id, ''), r.question",
            )
            .await
        else {
            return;
        };
        let id: String = r.get(0);
        let area = self.problem_area();
        let promoted = self
            .run(
                "UPDATE registration_problem_areas SET is_primary = 1
                 WHERE registration_id = $1 AND problem_area = $2",
                vec![id.as_str().into(), area.into()],
            )
            .await;
        if promoted == 0 {
            self.run(
                "INSERT INTO registration_problem_areas (registration_id, problem_area, is_primary)
                 VALUES ($1, $2, 1)",
                vec![id.as_str().into(), area.into()],
            )
            .await;
        }
        self.note(format!("registration {id} primary {area}"));
    }

    /// A registration deleted, after its problem areas and youths; its case with it
    /// when it was an imported case's only registration.
    async fn delete_registration(&mut self) {
        let Some(r) = self
            .pick(
                "SELECT r.id, r.case_id, c.imported,
                        (SELECT COUNT(*) FROM registrations o WHERE o.case_id = r.case_id) AS regs
                 FROM registrations r JOIN cases c ON c.id = r.case_id
                 ORDER BY r.registered_on, COALESCE(r.external_id, ''), r.question",
            )
            .await
        else {
            return;
        };
        let (id, case): (String, String) = (r.get("id"), r.get("case_id"));
        let whole_case = r.get::<i64, _>("imported") == 1 && r.get::<i64, _>("regs") == 1;
        for sql in [
            "DELETE FROM registration_problem_areas WHERE registration_id = $1",
            "DELETE FROM registration_youths WHERE registration_id = $1",
            "DELETE FROM registrations WHERE id = $1",
        ] {
            self.run(sql, vec![id.as_str().into()]).await;
        }
        if whole_case {
            for sql in [
                "DELETE FROM case_events WHERE case_id = $1",
                "DELETE FROM cases WHERE id = $1",
            ] {
                self.run(sql, vec![case.as_str().into()]).await;
            }
        }
        self.note(format!(
            "registration {id} deleted (case too: {whole_case})"
        ));
    }

    /// One statement over many registrations.
    async fn bulk_channel(&mut self) {
        let m = self.municipality();
        let year = self.day().year();
        let channel = self.channel();
        let n = self
            .run(
                "UPDATE registrations SET referral_channel = $1
                 WHERE municipality_code = $2 AND registered_on >= $3 AND registered_on <= $4",
                vec![
                    channel.into(),
                    m.into(),
                    format!("{year}-01-01").into(),
                    format!("{year}-06-30").into(),
                ],
            )
            .await;
        self.note(format!(
            "{n} registrations of {m} {year} channel {channel:?}"
        ));
    }

    /// One statement closing many cases.
    async fn bulk_close(&mut self) {
        let m = self.municipality();
        let on = self.day();
        let n = self
            .run(
                "UPDATE cases SET status = 'afgesloten', closed_on = $1, close_reason = 'moved'
                 WHERE municipality_code = $2 AND status <> 'afgesloten' AND registered_on <= $1",
                vec![on.into(), m.into()],
            )
            .await;
        self.note(format!("{n} cases of {m} closed on {on}"));
    }

    async fn bulk_delete_primary_areas(&mut self) {
        let m = self.municipality();
        let year = self.day().year();
        let n = self
            .run(
                "DELETE FROM registration_problem_areas WHERE is_primary = 1 AND registration_id IN
                    (SELECT id FROM registrations WHERE municipality_code = $1
                       AND registered_on >= $2 AND registered_on <= $3)",
                vec![
                    m.into(),
                    format!("{year}-07-01").into(),
                    format!("{year}-12-31").into(),
                ],
            )
            .await;
        self.note(format!("{n} primary areas of {m} {year} deleted"));
    }

    /// What the sums rest on is refused: a case closed before it was registered, a
    /// second primary problem area.
    async fn broken_rules(&mut self) {
        if let Some(r) = self
            .pick("SELECT id, registered_on FROM cases ORDER BY number")
            .await
        {
            let id: String = r.get("id");
            let before = minus(date(&r.get::<String, _>("registered_on")), 1);
            let refused = exec(
                self.store(),
                "UPDATE cases SET status = 'afgesloten', closed_on = $1, close_reason = 'other'
                 WHERE id = $2",
                vec![before.into(), id.as_str().into()],
            )
            .await;
            assert!(refused.is_err(), "closed before registered");
            let refused = exec(
                self.store(),
                "UPDATE cases SET registered_on = '2099-01-01' WHERE id = $1 AND closed_on IS NOT NULL",
                vec![id.as_str().into()],
            )
            .await;
            assert!(
                refused.is_err() || refused.unwrap() == 0,
                "registered after closed"
            );
        }
        if let Some(r) = self
            .pick(
                "SELECT p.registration_id FROM registration_problem_areas p WHERE p.is_primary = 1
                 ORDER BY p.registration_id",
            )
            .await
        {
            let id: String = r.get(0);
            let refused = exec(
                self.store(),
                "INSERT INTO registration_problem_areas (registration_id, problem_area, is_primary)
                 VALUES ($1, 'justitie', 1)",
                vec![id.as_str().into()],
            )
            .await;
            assert!(refused.is_err(), "a second primary problem area");
        }
        self.note("refused: closed before registered, second primary".into());
    }

    /// Writes rolled back leave no count behind.
    async fn rolled_back(&mut self) {
        let m = self.municipality();
        let mut tx = self.store().pool().begin().await.unwrap();
        sqlx::query("UPDATE registrations SET municipality_code = $1, referral_channel = NULL")
            .bind(m)
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("UPDATE cases SET closed_on = NULL, close_reason = NULL, status = 'in_begeleiding', picked_up_on = registered_on WHERE imported = 1")
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("DELETE FROM registration_problem_areas")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        self.note("rolled back".into());
    }
}

// ---------------------------------------------------------------- the recount

type Counts = BTreeMap<(String, String, String, String), i64>;

/// A date's key at each grain.
fn keys(day: &str) -> [(String, String); 3] {
    [
        ("year".into(), day[..4].to_owned()),
        ("month".into(), day[..7].to_owned()),
        ("day".into(), day.to_owned()),
    ]
}

async fn aggregate(store: &Store, sql: &str) -> Counts {
    let mut out = Counts::new();
    for r in sqlx::query(sql).fetch_all(store.pool()).await.unwrap() {
        let n: i64 = r.get(4);
        assert!(n >= 0, "a negative count: {sql}");
        if n != 0 {
            out.insert((r.get(0), r.get(1), r.get(2), r.get(3)), n);
        }
    }
    out
}

/// The aggregate tables equal a count of the rows (by the grains' keys, in Rust).
async fn check_tables(store: &Store, when: &str) {
    let mut registrations = Counts::new();
    for r in
        sqlx::query("SELECT registered_on, municipality_code, referral_channel FROM registrations")
            .fetch_all(store.pool())
            .await
            .unwrap()
    {
        let day: String = r.get(0);
        let channel: Option<String> = r.get(2);
        for (grain, key) in keys(&day) {
            *registrations
                .entry((grain, key, r.get(1), channel.clone().unwrap_or_default()))
                .or_default() += 1;
        }
    }
    let stored = aggregate(
        store,
        "SELECT grain, period_key, municipality_code, referral_channel, n FROM agg_registrations",
    )
    .await;
    assert_eq!(stored, registrations, "agg_registrations {when}");

    let mut areas = Counts::new();
    for r in sqlx::query(
        "SELECT r.registered_on, r.municipality_code, p.problem_area
         FROM registration_problem_areas p JOIN registrations r ON r.id = p.registration_id
         WHERE p.is_primary = 1",
    )
    .fetch_all(store.pool())
    .await
    .unwrap()
    {
        let day: String = r.get(0);
        for (grain, key) in keys(&day) {
            *areas.entry((grain, key, r.get(1), r.get(2))).or_default() += 1;
        }
    }
    let stored = aggregate(
        store,
        "SELECT grain, period_key, municipality_code, problem_area, n FROM agg_problem_areas",
    )
    .await;
    assert_eq!(stored, areas, "agg_problem_areas {when}");

    let mut cases = Counts::new();
    for r in sqlx::query("SELECT registered_on, closed_on, municipality_code FROM cases")
        .fetch_all(store.pool())
        .await
        .unwrap()
    {
        let registered: String = r.get(0);
        let closed: Option<String> = r.get(1);
        let m: String = r.get(2);
        for (grain, key) in keys(&registered) {
            *cases
                .entry((grain, key, m.clone(), "opened".into()))
                .or_default() += 1;
        }
        if let Some(c) = closed {
            for (grain, key) in keys(&c) {
                *cases
                    .entry((grain, key, m.clone(), "closed".into()))
                    .or_default() += 1;
            }
        }
    }
    let stored = aggregate(
        store,
        "SELECT grain, period_key, municipality_code, 'opened', opened FROM agg_cases
         UNION ALL
         SELECT grain, period_key, municipality_code, 'closed', closed FROM agg_cases",
    )
    .await;
    assert_eq!(stored, cases, "agg_cases {when}");
}

/// Counts per (municipality, code) of a recount query taking the period as $1, $2.
async fn recount(store: &Store, sql: &str, p: &Params) -> Vec<(String, Option<String>, i64)> {
    sqlx::query(sql)
        .bind(p.from.to_string())
        .bind(p.to.to_string())
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

fn cells(t: &Table) -> Vec<Vec<String>> {
    t.rows
        .iter()
        .map(|r| r.cells.iter().map(|c| c.plain()).collect())
        .collect()
}

async fn report(store: &Store, name: &str, p: &Params) -> Table {
    eenplan_reports::run(
        store,
        eenplan_reports::find(name).unwrap(),
        p.clone(),
        Audience::Full,
    )
    .await
    .unwrap_or_else(|e| panic!("{name} {p:?}: {e:?}"))
    .table
}

/// The rows of a shares report as they should be: codes by count, then unknown.
fn shares(counts: &[(String, Option<String>, i64)], members: &[String]) -> Vec<(String, String)> {
    let mut by_code: HashMap<Option<String>, i64> = HashMap::new();
    for (m, code, n) in counts {
        if members.contains(m) {
            *by_code.entry(code.clone()).or_default() += n;
        }
    }
    let unknown = by_code.remove(&None).unwrap_or(0);
    let mut known: Vec<(String, i64)> = by_code.into_iter().map(|(c, n)| (c.unwrap(), n)).collect();
    known.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut rows: Vec<(String, String)> =
        known.into_iter().map(|(c, n)| (c, n.to_string())).collect();
    if unknown > 0 {
        rows.push(("unknown".into(), unknown.to_string()));
    }
    rows
}

/// Every figure of the three reports for `p` against a count from the rows.
async fn check_reports(store: &Store, p: &Params, log: &str) {
    let area = p.area.clone().unwrap_or_else(|| "ML".into());
    let members: Vec<String> = sqlx::query_scalar(
        "SELECT code FROM municipalities WHERE code = $1 OR subregion = $1 OR region = $1",
    )
    .bind(&area)
    .fetch_all(store.pool())
    .await
    .unwrap();
    let context = |what: &str| format!("{what} for {p:?}; last writes:\n  {log}");

    // volumes: registrations, closed and in care per municipality; subtotals add up.
    let per_municipality = |counts: Vec<(String, Option<String>, i64)>| -> HashMap<String, i64> {
        counts.into_iter().map(|(m, _, n)| (m, n)).collect()
    };
    let registered = per_municipality(
        recount(
            store,
            "SELECT municipality_code, NULL, COUNT(*) FROM registrations
             WHERE registered_on >= $1 AND registered_on <= $2 GROUP BY municipality_code",
            p,
        )
        .await,
    );
    let closed = per_municipality(
        recount(
            store,
            "SELECT municipality_code, NULL, COUNT(*) FROM cases
             WHERE closed_on >= $1 AND closed_on <= $2 GROUP BY municipality_code",
            p,
        )
        .await,
    );
    let in_care = per_municipality(
        recount(
            store,
            "SELECT municipality_code, NULL, COUNT(*) FROM cases
             WHERE registered_on <= $2 AND (closed_on IS NULL OR closed_on >= $1)
             GROUP BY municipality_code",
            p,
        )
        .await,
    );
    let figures = |ms: &[&String]| -> [i64; 3] {
        let sum =
            |c: &HashMap<String, i64>| ms.iter().map(|m| c.get(*m).copied().unwrap_or(0)).sum();
        [sum(&registered), sum(&closed), sum(&in_care)]
    };
    let table = report(store, "volumes", p).await;
    let mut seen = Vec::new();
    for row in cells(&table) {
        let code = &row[0];
        let ms: Vec<&String> = if code.len() == 4 && code.chars().all(|c| c.is_ascii_digit()) {
            seen.push(code.clone());
            members.iter().filter(|m| *m == code).collect()
        } else {
            let inside: Vec<String> = sqlx::query_scalar(
                "SELECT code FROM municipalities WHERE subregion = $1 OR region = $1",
            )
            .bind(code)
            .fetch_all(store.pool())
            .await
            .unwrap();
            members.iter().filter(|m| inside.contains(m)).collect()
        };
        let expected = figures(&ms).map(|n| n.to_string());
        assert_eq!(
            row[2..],
            expected,
            "{}",
            context(&format!("volumes, {code}"))
        );
    }
    seen.sort();
    let mut all = members.clone();
    all.sort();
    assert_eq!(seen, all, "{}", context("volumes' municipalities"));

    // referral-channels and problem-areas: (code, count) in the report's order.
    for (name, sql) in [
        (
            "referral-channels",
            "SELECT municipality_code, referral_channel, COUNT(*) FROM registrations
             WHERE registered_on >= $1 AND registered_on <= $2
             GROUP BY municipality_code, referral_channel",
        ),
        (
            "problem-areas",
            "SELECT r.municipality_code, pa.problem_area, COUNT(*) FROM registrations r
             LEFT JOIN registration_problem_areas pa
                    ON pa.registration_id = r.id AND pa.is_primary = 1
             WHERE r.registered_on >= $1 AND r.registered_on <= $2
             GROUP BY r.municipality_code, pa.problem_area",
        ),
    ] {
        let expected = shares(&recount(store, sql, p).await, &members);
        let table = report(store, name, p).await;
        let got: Vec<(String, String)> = cells(&table)
            .into_iter()
            .map(|r| (r[0].clone(), r[1].clone()))
            .collect();
        assert_eq!(got, expected, "{}", context(name));
    }
}

/// A random period: a year, a month, a day, a stretch of days across months and
/// years, month-aligned at one end, or longer than all the data.
fn period(rng: &mut StdRng) -> (NaiveDate, NaiveDate) {
    let first = date("2015-06-01");
    let day = |rng: &mut StdRng| plus(first, rng.gen_range(0..4300));
    let month_end = |d: NaiveDate| {
        let next = if d.month() == 12 {
            NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
        };
        minus(next.unwrap(), 1)
    };
    match rng.gen_range(0..7) {
        0 => {
            let y = rng.gen_range(2015..=2027);
            (
                NaiveDate::from_ymd_opt(y, 1, 1).unwrap(),
                NaiveDate::from_ymd_opt(y, 12, 31).unwrap(),
            )
        }
        1 => {
            let d = day(rng).with_day(1).unwrap();
            (d, month_end(d))
        }
        2 => {
            let d = day(rng);
            (d, d)
        }
        3 => {
            let d = day(rng).with_day(1).unwrap();
            (d, plus(d, rng.gen_range(0..900)))
        }
        4 => {
            let d = day(rng);
            (d, month_end(plus(d, rng.gen_range(0..900))))
        }
        5 => (date("2000-01-01"), date("2030-12-31")),
        _ => {
            let a = day(rng);
            (a, plus(a, rng.gen_range(0..1500)))
        }
    }
}

async fn check_many_reports(store: &Store, rng: &mut StdRng, count: usize, log: &str) {
    for _ in 0..count {
        let (from, to) = period(rng);
        let p = Params {
            from,
            to,
            area: AREAS.choose(rng).unwrap().map(str::to_owned),
        };
        check_reports(store, &p, log).await;
    }
}

#[tokio::test]
async fn aggregates_equal_a_recount_after_random_writes() {
    let app = TestApp::spawn().await;
    let mut w = Writer::new(&app, 20_261_127).await;
    let mut periods = StdRng::seed_from_u64(7);
    check_tables(&app.store, "after the demo").await;
    for round in 1..=6 {
        for _ in 0..60 {
            w.write().await;
        }
        let when = format!("after round {round}; last writes:\n  {}", w.last_writes());
        check_tables(&app.store, &when).await;
        check_many_reports(&app.store, &mut periods, 25, &w.last_writes()).await;
    }
    // The writes touched every kind of row.
    for (sql, least) in [
        ("SELECT COUNT(*) FROM registrations", 300),
        ("SELECT COUNT(*) FROM cases WHERE closed_on IS NOT NULL", 50),
        (
            "SELECT COUNT(*) FROM registrations WHERE referral_channel IS NULL",
            10,
        ),
        (
            "SELECT COUNT(*) FROM registrations r WHERE NOT EXISTS (
                SELECT 1 FROM registration_problem_areas p
                WHERE p.registration_id = r.id AND p.is_primary = 1)",
            10,
        ),
    ] {
        let n: i64 = sqlx::query_scalar(sql)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert!(n >= least, "{sql}: {n}");
    }
}

/// The migration counts the rows already in the database: run again over the data of
/// random writes (its objects dropped first), it gives the same tables as the
/// recount, and its triggers keep them right afterwards.
#[tokio::test]
async fn the_migration_counts_the_rows_already_there() {
    let app = TestApp::spawn().await;
    let mut w = Writer::new(&app, 42).await;
    for _ in 0..120 {
        w.write().await;
    }
    let (drop, migration) = match app.store.backend() {
        Backend::Sqlite => (
            "DROP TABLE agg_registrations; DROP TABLE agg_problem_areas; DROP TABLE agg_cases;
             DROP INDEX registration_problem_areas_one_primary;
             DROP TRIGGER cases_closed_after_registered_insert;
             DROP TRIGGER cases_closed_after_registered_update;
             DROP TRIGGER agg_registrations_insert; DROP TRIGGER agg_registrations_delete;
             DROP TRIGGER agg_registrations_update; DROP TRIGGER agg_problem_areas_insert;
             DROP TRIGGER agg_problem_areas_delete; DROP TRIGGER agg_problem_areas_update;
             DROP TRIGGER agg_cases_insert; DROP TRIGGER agg_cases_delete;
             DROP TRIGGER agg_cases_insert_closed; DROP TRIGGER agg_cases_delete_closed;
             DROP TRIGGER agg_cases_update;",
            include_str!("../../crates/store/migrations/sqlite/0008_report_aggregates.sql"),
        ),
        Backend::Postgres => (
            "DROP TABLE agg_registrations; DROP TABLE agg_problem_areas; DROP TABLE agg_cases;
             DROP INDEX registration_problem_areas_one_primary;
             ALTER TABLE cases DROP CONSTRAINT cases_closed_after_registered;
             DROP FUNCTION agg_registrations_changed() CASCADE;
             DROP FUNCTION agg_problem_areas_changed() CASCADE;
             DROP FUNCTION agg_cases_changed() CASCADE;
             DROP FUNCTION agg_truncated() CASCADE;
             DROP TABLE agg_registrations_pending; DROP TABLE agg_problem_areas_pending;
             DROP TABLE agg_cases_pending; DROP TABLE agg_fold;
             DROP FUNCTION agg_fold(); DROP FUNCTION agg_fold_at_commit();",
            include_str!("../../crates/store/migrations/postgres/0008_report_aggregates.sql"),
        ),
    };
    sqlx::raw_sql(drop).execute(app.store.pool()).await.unwrap();
    // Writes while there are no triggers: the migration must count these too.
    sqlx::raw_sql(
        "UPDATE registrations SET referral_channel = NULL WHERE municipality_code = '1640';
         DELETE FROM registration_problem_areas WHERE registration_id IN
            (SELECT id FROM registrations WHERE municipality_code = '0988');",
    )
    .execute(app.store.pool())
    .await
    .unwrap();
    sqlx::raw_sql(migration)
        .execute(app.store.pool())
        .await
        .unwrap();
    check_tables(&app.store, "after the migration").await;
    let mut periods = StdRng::seed_from_u64(8);
    check_many_reports(&app.store, &mut periods, 20, "the migration").await;
    for _ in 0..60 {
        w.write().await;
    }
    check_tables(
        &app.store,
        &format!("after more writes:\n  {}", w.last_writes()),
    )
    .await;
    check_many_reports(&app.store, &mut periods, 20, &w.last_writes()).await;
}

/// A grant to run the case as `user` has it once a member of the holding team (the
/// writer works in every municipality; team membership is not what is counted here).
async fn team_grant(
    tx: &mut eenplan_store::Tx,
    user: &str,
    case_id: &str,
) -> eenplan_store::grant::CaseGrant {
    sqlx::query(
        "INSERT INTO team_members (team_id, user_id)
         SELECT c.team_id, $2 FROM cases c WHERE c.id = $1
           AND NOT EXISTS (SELECT 1 FROM team_members tm WHERE tm.team_id = c.team_id AND tm.user_id = $2)",
    )
    .bind(case_id)
    .bind(user)
    .execute(&mut **tx)
    .await
    .unwrap();
    match cases::open(tx, user, case_id).await.unwrap() {
        cases::Opened::Granted(g) => g,
        cases::Opened::Refused(_) => panic!("a member of the holding team is refused"),
    }
}
