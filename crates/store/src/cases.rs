//! Families, registrations and cases: who may see a case, its life from registration to
//! closing, and the work lists built on it.
//!
//! Who may open a case is decided here, in [`open`], and nowhere else: members of the
//! team that holds it and its worker (reading only what was written until it closed once
//! the family has a later case); professionals explicitly involved (and the coordinating
//! professional); treatment-team members consulted with the family's consent; and someone
//! who broke the glass, for a limited time. [`open`] answers a [`CaseGrant`], which every
//! read of the case's content takes.

use crate::audit::{self, Action, Actor, Event};
use crate::grant::{Basis, CaseGrant};
use crate::{
    Error, Result, Store, Tx, check_versioned_update, date, format_time, new_id, now, opt_date,
};
use chrono::NaiveDate;
use eenplan_domain::Bsn;
use eenplan_domain::case::{self, CaseStatus, CloseReason, HelpKind, Transition};
use eenplan_domain::family::{PersonKind, family_name, name_key, names_match};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// How long a break-the-glass access lasts.
pub const BREAK_GLASS_HOURS: i64 = 8;
/// Setting: days after closing within which a case is reopened rather than a new one
/// opened. Default [`DEFAULT_REOPEN_DAYS`].
pub const REOPEN_DAYS_SETTING: &str = "case_reopen_days";
pub const DEFAULT_REOPEN_DAYS: i64 = 90;

pub async fn reopen_days(store: &Store) -> Result<i64> {
    Ok(crate::settings::get(store, REOPEN_DAYS_SETTING)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_REOPEN_DAYS))
}

// ---------------------------------------------------------------- people

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Person {
    pub id: String,
    pub family_id: String,
    pub kind: PersonKind,
    pub name: String,
    pub birth_date: Option<NaiveDate>,
    pub bsn: Option<String>,
    pub municipality_code: Option<String>,
    /// Parents and carers: whether they hold legal authority (gezag).
    pub has_authority: Option<bool>,
    pub phone: Option<String>,
    pub version: i64,
}

/// The fields of a youth or parent, parsed at the edge.
#[derive(Debug, Clone, Default)]
pub struct PersonInput {
    pub name: String,
    pub birth_date: Option<NaiveDate>,
    pub bsn: Option<Bsn>,
    pub municipality_code: Option<String>,
    pub has_authority: Option<bool>,
    pub phone: Option<String>,
}

const PERSON_COLUMNS: &str =
    "id, family_id, kind, name, birth_date, bsn, municipality_code, has_authority, phone, version";

fn person_from_row(r: &AnyRow) -> Result<Person> {
    let kind: String = r.try_get("kind")?;
    let authority: Option<i64> = r.try_get("has_authority")?;
    Ok(Person {
        id: r.try_get("id")?,
        family_id: r.try_get("family_id")?,
        kind: PersonKind::parse(&kind).ok_or_else(|| Error::Corrupt(format!("kind {kind}")))?,
        name: r.try_get("name")?,
        birth_date: opt_date(r, "birth_date")?,
        bsn: r.try_get("bsn")?,
        municipality_code: r.try_get("municipality_code")?,
        has_authority: authority.map(|a| a == 1),
        phone: r.try_get("phone")?,
        version: r.try_get("version")?,
    })
}

/// Keeps the name words of a person in step with the name, for search.
async fn index_name(tx: &mut Tx, person_id: &str, name: &str) -> Result<()> {
    sqlx::query("DELETE FROM person_name_words WHERE person_id = $1")
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    let key = name_key(name);
    let mut words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
    words.sort_unstable();
    words.dedup();
    for word in words {
        sqlx::query("INSERT INTO person_name_words (word, person_id) VALUES ($1, $2)")
            .bind(word)
            .bind(person_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The smallest text above every text that starts with `prefix` (byte order).
fn prefix_end(prefix: &str) -> String {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = (last as u32 + 1..=char::MAX as u32).find_map(char::from_u32) {
            chars.push(next);
            return chars.into_iter().collect();
        }
    }
    char::MAX.to_string()
}

async fn insert_person(
    tx: &mut Tx,
    family_id: &str,
    kind: PersonKind,
    p: &PersonInput,
) -> Result<String> {
    let id = new_id();
    let at = now();
    sqlx::query(
        "INSERT INTO persons (id, family_id, kind, name, name_key, birth_date, bsn, municipality_code,
                              has_authority, phone, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11)",
    )
    .bind(&id)
    .bind(family_id)
    .bind(kind.as_str())
    .bind(&p.name)
    .bind(name_key(&p.name))
    .bind(p.birth_date.map(|d| d.to_string()))
    .bind(p.bsn.map(|b| b.to_string()))
    .bind(&p.municipality_code)
    .bind(p.has_authority.map(i64::from))
    .bind(&p.phone)
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    index_name(tx, &id, &p.name).await?;
    Ok(id)
}

/// The family's youths and parents; for a former team those known when its case closed,
/// with the values they had then (what a later team changed stays unseen).
pub async fn persons(store: &Store, grant: &CaseGrant) -> Result<Vec<Person>> {
    as_recorded(
        store,
        grant,
        ("persons", "person_versions"),
        PERSON_COLUMNS,
        "kind DESC, birth_date, name",
        person_from_row,
    )
    .await
}

/// A family's rows of `tables.0` as the grant shows them: all of them, or for a former
/// team those created before its case closed, each with the values it had then (the
/// first version `tables.1` keeps of what was replaced after that moment).
async fn as_recorded<T>(
    store: &Store,
    grant: &CaseGrant,
    (table, versions): (&str, &str),
    columns: &str,
    order: &str,
    read: fn(&AnyRow) -> Result<T>,
) -> Result<Vec<T>> {
    let until = grant.until_stamp();
    let rows = sqlx::query(&format!(
        "SELECT {columns}, updated_at FROM {table}
         WHERE family_id = $1 AND ($2 IS NULL OR created_at < $2) ORDER BY {order}"
    ))
    .bind(grant.family_id())
    .bind(&until)
    .fetch_all(store.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let updated: String = r.try_get("updated_at")?;
        match &until {
            Some(until) if &updated > until => {
                let earlier = sqlx::query(&format!(
                    "SELECT {columns} FROM {versions}
                     WHERE id = $1 AND replaced_at > $2 ORDER BY replaced_at LIMIT 1"
                ))
                .bind(r.try_get::<String, _>("id")?)
                .bind(until)
                .fetch_optional(store.pool())
                .await?;
                out.push(read(earlier.as_ref().unwrap_or(r))?);
            }
            _ => out.push(read(r)?),
        }
    }
    Ok(out)
}

/// The ids of a family's youths and parents: the clients named in its audit records.
pub async fn client_ids(conn: &mut sqlx::AnyConnection, family_id: &str) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM persons WHERE family_id = $1 ORDER BY id")
            .bind(family_id)
            .fetch_all(conn)
            .await?,
    )
}

/// Appends `event` naming the family's youths and parents as its clients.
pub async fn audit_family(tx: &mut Tx, actor: &Actor, family_id: &str, event: Event) -> Result<()> {
    let clients = client_ids(tx, family_id).await?;
    audit::append(tx, actor, &event.clients(clients)).await
}

pub async fn add_person(
    tx: &mut Tx,
    actor: &Actor,
    grant: &CaseGrant,
    kind: PersonKind,
    p: &PersonInput,
) -> Result<String> {
    let family_id = grant.writable()?.family_id();
    let id = insert_person(tx, family_id, kind, p).await?;
    audit_family(
        tx,
        actor,
        family_id,
        Event::new("person.create", Action::Create).object("person", &id),
    )
    .await?;
    Ok(id)
}

pub async fn update_person(
    tx: &mut Tx,
    actor: &Actor,
    grant: &CaseGrant,
    id: &str,
    version: i64,
    p: &PersonInput,
) -> Result<()> {
    let family_id = grant.writable()?.family_id();
    let at = now();
    // The values replaced, for the team of a closed case (see `persons`).
    sqlx::query(&format!(
        "INSERT INTO person_versions ({PERSON_COLUMNS}, replaced_at)
         SELECT {PERSON_COLUMNS}, $1 FROM persons WHERE id = $2 AND family_id = $3 AND version = $4"
    ))
    .bind(&at)
    .bind(id)
    .bind(family_id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    let done = sqlx::query(
        "UPDATE persons SET name = $1, name_key = $2, birth_date = $3, bsn = $4, municipality_code = $5,
                has_authority = $6, phone = $7, version = version + 1, updated_at = $8
         WHERE id = $9 AND family_id = $10 AND version = $11
           AND (kind <> 'youth' OR $3 IS NOT NULL)",
    )
    .bind(&p.name)
    .bind(name_key(&p.name))
    .bind(p.birth_date.map(|d| d.to_string()))
    .bind(p.bsn.map(|b| b.to_string()))
    .bind(&p.municipality_code)
    .bind(p.has_authority.map(i64::from))
    .bind(&p.phone)
    .bind(&at)
    .bind(id)
    .bind(family_id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    check_versioned_update(tx, "persons", id, done.rows_affected()).await?;
    index_name(tx, id, &p.name).await?;
    audit_family(
        tx,
        actor,
        family_id,
        Event::new("person.update", Action::Update).object("person", id),
    )
    .await
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NetworkMember {
    pub id: String,
    pub name: String,
    /// Relative, friend, neighbour, JIM mentor, ...
    pub relation: String,
    /// How to reach them.
    pub contact: String,
    /// What they contribute.
    pub contribution: String,
    pub version: i64,
}

#[derive(Debug, Clone, Default)]
pub struct NetworkMemberInput {
    pub name: String,
    pub relation: String,
    pub contact: String,
    pub contribution: String,
}

const NETWORK_COLUMNS: &str = "id, name, relation, contact, contribution, version";

fn network_member_from_row(r: &AnyRow) -> Result<NetworkMember> {
    Ok(NetworkMember {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        relation: r.try_get("relation")?,
        contact: r.try_get("contact")?,
        contribution: r.try_get("contribution")?,
        version: r.try_get("version")?,
    })
}

/// The family's network; for a former team as known when its case closed, with the
/// values it had then.
pub async fn network(store: &Store, grant: &CaseGrant) -> Result<Vec<NetworkMember>> {
    as_recorded(
        store,
        grant,
        ("network_members", "network_member_versions"),
        NETWORK_COLUMNS,
        "name",
        network_member_from_row,
    )
    .await
}

pub async fn add_network_member(
    tx: &mut Tx,
    actor: &Actor,
    grant: &CaseGrant,
    m: &NetworkMemberInput,
) -> Result<String> {
    let family_id = grant.writable()?.family_id();
    let id = new_id();
    let at = now();
    sqlx::query(
        "INSERT INTO network_members (id, family_id, name, relation, contact, contribution, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)",
    )
    .bind(&id)
    .bind(family_id)
    .bind(&m.name)
    .bind(&m.relation)
    .bind(&m.contact)
    .bind(&m.contribution)
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    audit_family(
        tx,
        actor,
        family_id,
        Event::new("network_member.create", Action::Create).object("network_member", &id),
    )
    .await?;
    Ok(id)
}

pub async fn update_network_member(
    tx: &mut Tx,
    actor: &Actor,
    grant: &CaseGrant,
    id: &str,
    version: i64,
    m: &NetworkMemberInput,
) -> Result<()> {
    let family_id = grant.writable()?.family_id();
    let at = now();
    sqlx::query(&format!(
        "INSERT INTO network_member_versions ({NETWORK_COLUMNS}, replaced_at)
         SELECT {NETWORK_COLUMNS}, $1 FROM network_members
         WHERE id = $2 AND family_id = $3 AND version = $4"
    ))
    .bind(&at)
    .bind(id)
    .bind(family_id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    let done = sqlx::query(
        "UPDATE network_members SET name = $1, relation = $2, contact = $3, contribution = $4,
                version = version + 1, updated_at = $5
         WHERE id = $6 AND family_id = $7 AND version = $8",
    )
    .bind(&m.name)
    .bind(&m.relation)
    .bind(&m.contact)
    .bind(&m.contribution)
    .bind(&at)
    .bind(id)
    .bind(family_id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    check_versioned_update(tx, "network_members", id, done.rows_affected()).await?;
    audit_family(
        tx,
        actor,
        family_id,
        Event::new("network_member.update", Action::Update).object("network_member", id),
    )
    .await
}

// ---------------------------------------------------------------- duplicates

/// An existing youth that likely is the one being registered. Of a youth whose family
/// the caller cannot open (held by another team), only the team is told: never the name,
/// the birth date or the family.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Match {
    /// To link the registration to this youth (a family another team holds takes a
    /// break-the-glass reason, or is refused while its case is open).
    pub person_id: String,
    /// Empty when the youth is held by another team.
    pub name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub family_name: Option<String>,
    /// The team that holds (or last held) the family's case, when that is not the
    /// caller's: ask that team.
    pub known_at_team: Option<String>,
    /// The BSN is the same (certain); otherwise the name and birth date are close.
    pub same_bsn: bool,
}

/// Youths whose BSN equals `bsn`, or whose birth date equals `birth_date` and whose name
/// is close to `name`, as `user_id` may see them (see [`Match`]).
pub async fn likely_matches(
    store: &Store,
    user_id: &str,
    name: &str,
    birth_date: Option<NaiveDate>,
    bsn: Option<Bsn>,
) -> Result<Vec<Match>> {
    let key = name_key(name);
    let rows = sqlx::query(&format!(
        "SELECT p.id, p.name, p.name_key, p.birth_date, p.bsn, f.name AS family_name,
                (SELECT COUNT(*) FROM cases c WHERE c.family_id = p.family_id AND {visible}) AS visible,
                (SELECT t.name FROM cases c JOIN teams t ON t.id = c.team_id WHERE c.family_id = p.family_id
                 ORDER BY c.registered_on DESC, c.created_at DESC LIMIT 1) AS team_name
         FROM persons p JOIN families f ON f.id = p.family_id
         WHERE p.bsn = $1 OR (p.kind = 'youth' AND p.birth_date = $2)",
        visible = visible_to("$3")
    ))
    .bind(bsn.map(|b| b.to_string()))
    .bind(birth_date.map(|d| d.to_string()))
    .bind(user_id)
    .fetch_all(store.pool())
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let other_bsn: Option<String> = r.try_get("bsn")?;
        let same_bsn = bsn.is_some() && other_bsn == bsn.map(|b| b.to_string());
        let other_key: String = r.try_get("name_key")?;
        if same_bsn || (!key.is_empty() && names_match(&key, &other_key)) {
            let visible = r.try_get::<i64, _>("visible")? > 0;
            let team: Option<String> = r.try_get("team_name")?;
            out.push(if visible {
                Match {
                    person_id: r.try_get("id")?,
                    name: Some(r.try_get("name")?),
                    birth_date: opt_date(r, "birth_date")?,
                    family_name: Some(r.try_get("family_name")?),
                    known_at_team: None,
                    same_bsn,
                }
            } else {
                Match {
                    person_id: r.try_get("id")?,
                    name: None,
                    birth_date: None,
                    family_name: None,
                    known_at_team: Some(team.unwrap_or_default()),
                    same_bsn,
                }
            });
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- registration

/// A youth on a registration: one already known, or a new one.
#[derive(Debug, Clone)]
pub enum YouthRef {
    Existing(String),
    New(PersonInput),
}

#[derive(Debug, Clone)]
pub struct NewRegistration {
    pub municipality_code: String,
    pub registered_on: NaiveDate,
    pub referral_channel: Option<String>,
    /// The primary problem area first.
    pub problem_areas: Vec<String>,
    pub question: String,
    pub youths: Vec<YouthRef>,
    pub parents: Vec<PersonInput>,
    /// Why the registrant links a family another team held until recently: breaking the
    /// glass (see [`register`]).
    pub break_glass_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Registered {
    pub case_id: String,
    pub case_number: String,
    pub family_id: String,
    /// `new`, `reopened` (closed within the window) or `added` (to the open case).
    pub outcome: &'static str,
}

/// The local team that serves a municipality.
async fn local_team(tx: &mut Tx, municipality: &str) -> Result<String> {
    sqlx::query_scalar(
        "SELECT t.id FROM teams t JOIN team_municipalities tm ON tm.team_id = t.id
         WHERE t.team_type = 'local_team' AND tm.municipality_code = $1 ORDER BY t.name LIMIT 1",
    )
    .bind(municipality)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| Error::NoLocalTeam(municipality.into()))
}

pub(crate) async fn next_number(tx: &mut Tx, name: &str) -> Result<i64> {
    next_numbers(tx, name, 1).await
}

/// Takes `count` running numbers of counter `name` at once and answers the first.
pub(crate) async fn next_numbers(tx: &mut Tx, name: &str, count: i64) -> Result<i64> {
    sqlx::query("INSERT INTO counters (name, value) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .execute(&mut **tx)
        .await?;
    let last: i64 = sqlx::query_scalar(
        "UPDATE counters SET value = value + $2 WHERE name = $1 RETURNING value",
    )
    .bind(name)
    .bind(count)
    .fetch_one(&mut **tx)
    .await?;
    Ok(last - count + 1)
}

pub(crate) async fn case_event(
    tx: &mut Tx,
    case_id: &str,
    on: NaiveDate,
    kind: &str,
    detail: &str,
    user_id: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_events (id, case_id, at, on_date, kind, detail, user_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(case_id)
    .bind(now())
    .bind(on.to_string())
    .bind(kind)
    .bind(detail)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Registers a question. It lands with the local team of the municipality: on the
/// family's open case, on its case closed within the reopening window (reopened), or on a
/// new case. Youths already known keep their record; new youths and parents are added.
/// A family whose open case another team holds is refused ([`Error::CaseElsewhere`]); one
/// another team closed within the reopening window takes a break-the-glass reason
/// ([`Error::HeldElsewhere`] without it).
pub async fn register(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    input: &NewRegistration,
    reopen_days: i64,
) -> Result<Registered> {
    let team_id = local_team(tx, &input.municipality_code).await?;
    let at = now();

    // The family: that of the first known youth, or a new one named after the first youth.
    let mut family_id = None;
    for y in &input.youths {
        if let YouthRef::Existing(pid) = y {
            let fid: Option<String> = sqlx::query_scalar(
                "SELECT family_id FROM persons WHERE id = $1 AND kind = 'youth'",
            )
            .bind(pid)
            .fetch_optional(&mut **tx)
            .await?;
            let fid = fid.ok_or(Error::NotApplicable(crate::Misfit::UnknownYouth))?;
            match &family_id {
                None => family_id = Some(fid),
                Some(f) if *f != fid => {
                    return Err(Error::NotApplicable(crate::Misfit::YouthsOfTwoFamilies));
                }
                Some(_) => {}
            }
        }
    }
    let family_id = match family_id {
        Some(f) => f,
        None => {
            let id = new_id();
            let first = input.youths.iter().find_map(|y| match y {
                YouthRef::New(p) => Some(p.name.as_str()),
                YouthRef::Existing(_) => None,
            });
            sqlx::query(
                "INSERT INTO families (id, name, version, created_at, updated_at) VALUES ($1, $2, 1, $3, $3)",
            )
            .bind(&id)
            .bind(family_name(first.unwrap_or("")))
            .bind(&at)
            .execute(&mut **tx)
            .await?;
            sqlx::query(
                "INSERT INTO family_plans (family_id, coordinator_kind, current_version, version, created_at, updated_at)
                 VALUES ($1, 'family', 0, 1, $2, $2)",
            )
            .bind(&id)
            .bind(&at)
            .execute(&mut **tx)
            .await?;
            id
        }
    };

    let mut youth_ids = Vec::new();
    for y in &input.youths {
        youth_ids.push(match y {
            YouthRef::Existing(pid) => pid.clone(),
            YouthRef::New(p) => insert_person(tx, &family_id, PersonKind::Youth, p).await?,
        });
    }
    for p in &input.parents {
        // A parent already in the family is not entered twice.
        let known: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM persons WHERE family_id = $1 AND kind = 'parent' AND name_key = $2",
        )
        .bind(&family_id)
        .bind(name_key(&p.name))
        .fetch_one(&mut **tx)
        .await?;
        if known == 0 {
            insert_person(tx, &family_id, PersonKind::Parent, p).await?;
        }
    }

    // The case: open, recently closed (reopened), or new.
    let latest = sqlx::query(
        "SELECT id, number, status, closed_on, worker_id, team_id FROM cases WHERE family_id = $1
         ORDER BY (status = 'afgesloten'), COALESCE(closed_on, registered_on) DESC, created_at DESC LIMIT 1",
    )
    .bind(&family_id)
    .fetch_optional(&mut **tx)
    .await?;
    let on = input.registered_on;
    let mut outcome = "new";
    let mut existing = None;
    if let Some(r) = latest {
        let status: String = r.try_get("status")?;
        let closed_on = opt_date(&r, "closed_on")?;
        let id: String = r.try_get("id")?;
        let number: String = r.try_get("number")?;
        let case_team: String = r.try_get("team_id")?;
        let today = crate::today();
        if status != CaseStatus::Closed.as_str() {
            // One open case per family: a registration elsewhere does not touch a case
            // held by another team (nor tells who holds it).
            if case_team != team_id {
                return Err(Error::CaseElsewhere);
            }
            outcome = "added";
            existing = Some((id, number));
        } else if case_team != team_id
            && closed_on.is_some_and(|c| case::may_reopen(c, today, reopen_days))
        {
            // Another team closed the family's case within the reopening window: the
            // family is still that team's. Linking it here opens its file to this team,
            // so it takes a reason, is flagged and listed for that team's reviewer.
            let Some(reason) = input.break_glass_reason.as_deref() else {
                return Err(Error::HeldElsewhere);
            };
            break_glass(tx, actor, user_id, &id, reason).await?;
        } else if case_team == team_id
            && closed_on.is_some_and(|c| case::may_reopen(c, today, reopen_days))
        {
            outcome = "reopened";
            let worker: Option<String> = r.try_get("worker_id")?;
            let status = if worker.is_some() {
                CaseStatus::InCare
            } else {
                CaseStatus::Registered
            };
            sqlx::query(
                "UPDATE cases SET status = $1, closed_on = NULL, close_reason = NULL,
                        picked_up_on = CASE WHEN $1 = 'aangemeld' THEN picked_up_on ELSE COALESCE(picked_up_on, $2) END,
                        version = version + 1, updated_at = $3 WHERE id = $4",
            )
            .bind(status.as_str())
            .bind(on.to_string())
            .bind(&at)
            .bind(&id)
            .execute(&mut **tx)
            .await?;
            case_event(tx, &id, on, "reopened", "", Some(user_id)).await?;
            existing = Some((id, number));
        }
    }
    let (case_id, case_number) = match existing {
        Some(e) => e,
        None => {
            let id = new_id();
            let year = chrono::Datelike::year(&on);
            let number = case::case_number(year, next_number(tx, &format!("case_{year}")).await?);
            sqlx::query(
                "INSERT INTO cases (id, number, family_id, municipality_code, team_id, status, registered_on,
                                    drang, version, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, 'aangemeld', $6, 0, 1, $7, $7)",
            )
            .bind(&id)
            .bind(&number)
            .bind(&family_id)
            .bind(&input.municipality_code)
            .bind(&team_id)
            .bind(on.to_string())
            .bind(&at)
            .execute(&mut **tx)
            .await?;
            (id, number)
        }
    };

    let reg_id = new_id();
    sqlx::query(
        "INSERT INTO registrations (id, case_id, municipality_code, registered_on, referral_channel, question, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&reg_id)
    .bind(&case_id)
    .bind(&input.municipality_code)
    .bind(on.to_string())
    .bind(&input.referral_channel)
    .bind(&input.question)
    .bind(user_id)
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    for (i, area) in input.problem_areas.iter().enumerate() {
        sqlx::query(
            "INSERT INTO registration_problem_areas (registration_id, problem_area, is_primary) VALUES ($1, $2, $3)",
        )
        .bind(&reg_id)
        .bind(area)
        .bind(i64::from(i == 0))
        .execute(&mut **tx)
        .await?;
    }
    for pid in &youth_ids {
        sqlx::query(
            "INSERT INTO registration_youths (registration_id, person_id) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
        )
        .bind(&reg_id)
        .bind(pid)
        .execute(&mut **tx)
        .await?;
    }
    case_event(tx, &case_id, on, "registered", "", Some(user_id)).await?;
    audit_family(
        tx,
        actor,
        &family_id,
        Event::new("registration.create", Action::Create).object("case", &case_id),
    )
    .await?;
    Ok(Registered {
        case_id,
        case_number,
        family_id,
        outcome,
    })
}

// ---------------------------------------------------------------- cases and access

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseSummary {
    pub id: String,
    pub number: String,
    pub family_id: String,
    pub family_name: String,
    pub municipality_code: String,
    pub municipality_name: String,
    pub team_id: String,
    pub team_name: String,
    pub worker_id: Option<String>,
    pub worker_name: Option<String>,
    pub status: CaseStatus,
    pub registered_on: NaiveDate,
    pub picked_up_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub close_reason: Option<CloseReason>,
    pub help_kind: Option<HelpKind>,
    pub drang: bool,
    pub version: i64,
    /// `None`: the family holds regie itself.
    pub coordinator_user_id: Option<String>,
    pub coordinator_name: Option<String>,
}

fn case_from_row(r: &AnyRow) -> Result<CaseSummary> {
    let status: String = r.try_get("status")?;
    let close_reason: Option<String> = r.try_get("close_reason")?;
    let help_kind: Option<String> = r.try_get("help_kind")?;
    let drang: i64 = r.try_get("drang")?;
    let registered_on: String = r.try_get("registered_on")?;
    Ok(CaseSummary {
        id: r.try_get("id")?,
        number: r.try_get("number")?,
        family_id: r.try_get("family_id")?,
        family_name: r.try_get("family_name")?,
        municipality_code: r.try_get("municipality_code")?,
        municipality_name: r.try_get("municipality_name")?,
        team_id: r.try_get("team_id")?,
        team_name: r.try_get("team_name")?,
        worker_id: r.try_get("worker_id")?,
        worker_name: r.try_get("worker_name")?,
        status: CaseStatus::parse(&status).ok_or_else(|| Error::Corrupt(status.clone()))?,
        registered_on: date(&registered_on)?,
        picked_up_on: opt_date(r, "picked_up_on")?,
        closed_on: opt_date(r, "closed_on")?,
        close_reason: close_reason.as_deref().and_then(CloseReason::parse),
        help_kind: help_kind.as_deref().and_then(HelpKind::parse),
        drang: drang == 1,
        version: r.try_get("version")?,
        coordinator_user_id: r.try_get("coordinator_user_id")?,
        coordinator_name: r.try_get("coordinator_name")?,
    })
}

const CASE_COLUMNS: &str =
    "c.id, c.number, c.family_id, f.name AS family_name, c.municipality_code,
        m.name AS municipality_name, c.team_id, t.name AS team_name, c.worker_id,
        w.display_name AS worker_name, c.status, c.registered_on, c.picked_up_on, c.closed_on,
        c.close_reason, c.help_kind, c.drang, c.version, p.coordinator_user_id,
        cu.display_name AS coordinator_name";

const CASE_FROM: &str = "FROM cases c
    JOIN families f ON f.id = c.family_id
    JOIN municipalities m ON m.code = c.municipality_code
    JOIN teams t ON t.id = c.team_id
    LEFT JOIN users w ON w.id = c.worker_id
    LEFT JOIN family_plans p ON p.family_id = c.family_id
    LEFT JOIN users cu ON cu.id = p.coordinator_user_id";

/// The condition "user `$U` may open case `c` through team, worker, involvement or
/// coordination" (not break-the-glass), with `$U` the placeholder given: the SQL form of
/// [`open`] for lists and search (keep the two in step).
fn visible_to(u: &str) -> String {
    format!(
        "(c.worker_id = {u}
          OR c.team_id IN (SELECT team_id FROM team_members WHERE user_id = {u})
          OR (c.status <> 'afgesloten' AND (
                EXISTS (SELECT 1 FROM case_involvements i WHERE i.case_id = c.id AND i.user_id = {u})
                OR EXISTS (SELECT 1 FROM family_plans fp WHERE fp.family_id = c.family_id AND fp.coordinator_user_id = {u}))))"
    )
}

/// The outcome of asking to open a case.
#[derive(Debug)]
pub enum Opened {
    Granted(CaseGrant),
    /// The case exists but the user has no basis to open it (the caller answers 403 and
    /// records the refusal); the summary serves the page that offers to break the glass.
    Refused(CaseSummary),
}

/// Opens case `case_id` for `user_id`: the one place that decides who sees a case and why
/// (see [`Basis`]). `NotFound` when it does not exist.
pub async fn open(conn: &mut sqlx::AnyConnection, user_id: &str, case_id: &str) -> Result<Opened> {
    let row = sqlx::query(&format!(
        "SELECT {CASE_COLUMNS},
         (SELECT COUNT(*) FROM team_members tm WHERE tm.team_id = c.team_id AND tm.user_id = $2) AS in_team,
         (SELECT COUNT(*) FROM case_involvements i WHERE i.case_id = c.id AND i.user_id = $2) AS involved,
         (SELECT COUNT(*) FROM consultation_requests r JOIN consultation_members cm ON cm.request_id = r.id
            WHERE r.case_id = c.id AND cm.user_id = $2 AND r.consent = 1 AND r.status <> 'declined') AS consulted,
         (SELECT COUNT(*) FROM break_glass_accesses b WHERE b.case_id = c.id AND b.user_id = $2 AND b.expires_at > $3) AS glass,
         (SELECT COUNT(*) FROM cases later WHERE later.family_id = c.family_id AND later.id <> c.id
            AND later.registered_on >= c.closed_on) AS later,
         (SELECT MAX(e.at) FROM case_events e WHERE e.case_id = c.id AND e.kind = 'closed') AS closed_at
         {CASE_FROM} WHERE c.id = $1"
    ))
    .bind(case_id)
    .bind(user_id)
    .bind(now())
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)?;
    let summary = case_from_row(&row)?;
    let count = |name: &str| -> Result<bool> { Ok(row.try_get::<i64, _>(name)? > 0) };
    let closed = summary.status == CaseStatus::Closed;
    let basis = if count("in_team")? || summary.worker_id.as_deref() == Some(user_id) {
        // A closed case whose family has moved on to a later case is history.
        Some(if closed && count("later")? {
            Basis::FormerTeam
        } else {
            Basis::Team
        })
    } else if !closed
        && (count("involved")? || summary.coordinator_user_id.as_deref() == Some(user_id))
    {
        Some(Basis::Involved)
    } else if count("consulted")? {
        Some(Basis::TreatmentTeamWithConsent)
    } else if count("glass")? {
        Some(Basis::BreakGlass)
    } else {
        None
    };
    let closed_at: Option<String> = row.try_get("closed_at")?;
    Ok(match basis {
        Some(b) => Opened::Granted(CaseGrant::new(summary, user_id, b, closed_at)),
        None => Opened::Refused(summary),
    })
}

/// Records an access refused by [`open`] (the caller answers 403).
pub async fn record_refusal(store: &Store, actor: &Actor, case_id: &str) -> Result<()> {
    audit::record(
        store,
        actor,
        &Event::new("case.refused", Action::Refuse)
            .outcome(audit::Outcome::Refused)
            .object("case", case_id),
    )
    .await
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegistrationRecord {
    pub id: String,
    pub registered_on: NaiveDate,
    pub municipality_code: String,
    pub referral_channel: Option<String>,
    pub question: String,
    /// The primary problem area first.
    pub problem_areas: Vec<String>,
    pub youth_ids: Vec<String>,
}

pub async fn registrations(store: &Store, grant: &CaseGrant) -> Result<Vec<RegistrationRecord>> {
    let rows = sqlx::query(
        "SELECT id, registered_on, municipality_code, referral_channel, question FROM registrations
         WHERE case_id = $1 ORDER BY registered_on, created_at",
    )
    .bind(grant.case_id())
    .fetch_all(store.pool())
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let id: String = r.try_get("id")?;
        let problem_areas = sqlx::query_scalar(
            "SELECT problem_area FROM registration_problem_areas WHERE registration_id = $1
             ORDER BY is_primary DESC, problem_area",
        )
        .bind(&id)
        .fetch_all(store.pool())
        .await?;
        let youth_ids = sqlx::query_scalar(
            "SELECT person_id FROM registration_youths WHERE registration_id = $1 ORDER BY person_id",
        )
        .bind(&id)
        .fetch_all(store.pool())
        .await?;
        let on: String = r.try_get("registered_on")?;
        out.push(RegistrationRecord {
            id,
            registered_on: date(&on)?,
            municipality_code: r.try_get("municipality_code")?,
            referral_channel: r.try_get("referral_channel")?,
            question: r.try_get("question")?,
            problem_areas,
            youth_ids,
        });
    }
    Ok(out)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseEvent {
    pub at: String,
    pub on_date: NaiveDate,
    /// registered, picked_up, closed, reopened, assigned, updated, involvement_added,
    /// involvement_ended, coordinator_changed, break_glass, plan_saved, plan_agreed,
    /// transferred.
    pub kind: String,
    pub detail: String,
    pub user_name: Option<String>,
}

pub async fn timeline(store: &Store, grant: &CaseGrant) -> Result<Vec<CaseEvent>> {
    let rows = sqlx::query(
        "SELECT e.at, e.on_date, e.kind, e.detail, u.display_name FROM case_events e
         LEFT JOIN users u ON u.id = e.user_id WHERE e.case_id = $1 ORDER BY e.at",
    )
    .bind(grant.case_id())
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let on: String = r.try_get("on_date")?;
            Ok(CaseEvent {
                at: r.try_get("at")?,
                on_date: date(&on)?,
                kind: r.try_get("kind")?,
                detail: r.try_get("detail")?,
                user_name: r.try_get("display_name")?,
            })
        })
        .collect()
}

/// Adds an event to the timeline of every open case of a family (plan changes).
pub async fn family_event(
    tx: &mut Tx,
    family_id: &str,
    on: NaiveDate,
    kind: &str,
    detail: &str,
    user_id: &str,
) -> Result<()> {
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM cases WHERE family_id = $1 AND status <> 'afgesloten'")
            .bind(family_id)
            .fetch_all(&mut **tx)
            .await?;
    for id in ids {
        case_event(tx, &id, on, kind, detail, Some(user_id)).await?;
    }
    Ok(())
}

/// A transition of a case, dated `on`.
#[derive(Debug, Clone)]
pub enum Step {
    /// Taken up by `worker_id`.
    PickUp {
        worker_id: String,
    },
    Close {
        reason: CloseReason,
    },
    Reopen,
}

/// Moves a case along (see `eenplan_domain::case::next_status`); dated, on the timeline
/// and audited.
#[allow(clippy::too_many_arguments)]
pub async fn transition(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    grant: &CaseGrant,
    version: i64,
    step: &Step,
    on: NaiveDate,
    reopen_days: i64,
) -> Result<CaseStatus> {
    let case_id = grant.runnable()?.case().id.as_str();
    let row = sqlx::query(
        "SELECT status, registered_on, picked_up_on, closed_on, family_id, worker_id, version
         FROM cases WHERE id = $1",
    )
    .bind(case_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(Error::NotFound)?;
    let status: String = row.try_get("status")?;
    let status = CaseStatus::parse(&status).ok_or(Error::Corrupt(status))?;
    let family_id: String = row.try_get("family_id")?;
    let worker: Option<String> = row.try_get("worker_id")?;
    // A stale form is a conflict before it is a wrong step.
    if row.try_get::<i64, _>("version")? != version {
        return Err(Error::Conflict);
    }
    let transition = match step {
        Step::PickUp { .. } => Transition::PickUp,
        Step::Close { .. } => Transition::Close,
        Step::Reopen => Transition::Reopen,
    };
    // The window is counted to today, whatever date the step is given.
    let today = crate::today();
    let closed_on = opt_date(&row, "closed_on")?;
    let next = case::next_status(status, transition, closed_on, today, reopen_days)
        .map_err(Error::Transition)?;
    let registered_on: String = row.try_get("registered_on")?;
    let picked_up_on = match step {
        Step::Close { .. } => opt_date(&row, "picked_up_on")?,
        _ => None,
    };
    case::check_step_date(on, date(&registered_on)?, picked_up_on.max(closed_on))
        .map_err(Error::Transition)?;
    let at = now();
    let day = on.to_string();
    let (sql, kind, detail): (&str, &str, String) = match step {
        Step::PickUp { .. } => (
            "UPDATE cases SET status = $1, worker_id = $2, picked_up_on = $3, version = version + 1, updated_at = $4
             WHERE id = $5 AND version = $6",
            "picked_up",
            String::new(),
        ),
        Step::Close { reason } => (
            "UPDATE cases SET status = $1, close_reason = $2, closed_on = $3, version = version + 1, updated_at = $4
             WHERE id = $5 AND version = $6",
            "closed",
            reason.as_str().to_owned(),
        ),
        Step::Reopen => (
            "UPDATE cases SET status = $1, close_reason = NULL, closed_on = NULL,
                    worker_id = COALESCE(worker_id, $2), picked_up_on = COALESCE(picked_up_on, $3),
                    version = version + 1, updated_at = $4
             WHERE id = $5 AND version = $6",
            "reopened",
            String::new(),
        ),
    };
    let second = match step {
        Step::PickUp { worker_id } => Some(worker_id.clone()),
        Step::Close { reason } => Some(reason.as_str().to_owned()),
        Step::Reopen => worker.or_else(|| Some(user_id.to_owned())),
    };
    let done = sqlx::query(sql)
        .bind(next.as_str())
        .bind(second)
        .bind(&day)
        .bind(&at)
        .bind(case_id)
        .bind(version)
        .execute(&mut **tx)
        .await?;
    check_versioned_update(tx, "cases", case_id, done.rows_affected()).await?;
    case_event(tx, case_id, on, kind, &detail, Some(user_id)).await?;
    audit_family(
        tx,
        actor,
        &family_id,
        Event::new(format!("case.{kind}"), Action::Update).object("case", case_id),
    )
    .await?;
    Ok(next)
}

/// The kind of help and the drang marker.
#[allow(clippy::too_many_arguments)]
pub async fn update_case(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    grant: &CaseGrant,
    version: i64,
    help_kind: Option<HelpKind>,
    drang: bool,
    on: NaiveDate,
) -> Result<()> {
    let case_id = grant.runnable()?.case().id.as_str();
    let done = sqlx::query(
        "UPDATE cases SET help_kind = $1, drang = $2, version = version + 1, updated_at = $3
         WHERE id = $4 AND version = $5",
    )
    .bind(help_kind.map(HelpKind::as_str))
    .bind(i64::from(drang))
    .bind(now())
    .bind(case_id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    check_versioned_update(tx, "cases", case_id, done.rows_affected()).await?;
    let detail = format!(
        "{}{}",
        help_kind.map_or("", HelpKind::as_str),
        if drang { " drang" } else { "" }
    );
    case_event(tx, case_id, on, "updated", detail.trim(), Some(user_id)).await?;
    audit_case(tx, actor, case_id, "case.update", Action::Update).await
}

async fn audit_case(
    tx: &mut Tx,
    actor: &Actor,
    case_id: &str,
    event: &str,
    action: Action,
) -> Result<()> {
    let family_id: String = sqlx::query_scalar("SELECT family_id FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_one(&mut **tx)
        .await?;
    audit_family(
        tx,
        actor,
        &family_id,
        Event::new(event, action).object("case", case_id),
    )
    .await
}

// ---------------------------------------------------------------- involvements

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Involvement {
    pub user_id: String,
    pub user_name: String,
    pub role: String,
    pub organisation_name: String,
    pub reason: String,
    pub added_by_name: String,
    pub added_at: String,
}

pub async fn involvements(store: &Store, grant: &CaseGrant) -> Result<Vec<Involvement>> {
    let rows = sqlx::query(
        "SELECT i.user_id, u.display_name, u.role, o.name AS org_name, i.reason, a.display_name AS added_by, i.added_at
         FROM case_involvements i JOIN users u ON u.id = i.user_id
         JOIN organisations o ON o.id = u.organisation_id JOIN users a ON a.id = i.added_by
         WHERE i.case_id = $1 ORDER BY i.added_at",
    )
    .bind(grant.case_id())
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Involvement {
                user_id: r.try_get("user_id")?,
                user_name: r.try_get("display_name")?,
                role: r.try_get("role")?,
                organisation_name: r.try_get("org_name")?,
                reason: r.try_get("reason")?,
                added_by_name: r.try_get("added_by")?,
                added_at: r.try_get("added_at")?,
            })
        })
        .collect()
}

/// Involves a professional in a case (with the reason). Only active accounts of roles
/// that work on cases can be involved.
pub async fn add_involvement(
    tx: &mut Tx,
    actor: &Actor,
    by_user: &str,
    grant: &CaseGrant,
    user_id: &str,
    reason: &str,
    on: NaiveDate,
) -> Result<()> {
    let case_id = grant.coordinating()?.case().id.as_str();
    let role: Option<String> =
        sqlx::query_scalar("SELECT role FROM users WHERE id = $1 AND active = 1")
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
    let role = role
        .as_deref()
        .and_then(eenplan_domain::Role::parse)
        .ok_or(Error::NotApplicable(crate::Misfit::UnknownUser))?;
    if !eenplan_domain::policy::allows(role, eenplan_domain::Permission::ViewCases) {
        return Err(Error::NotApplicable(crate::Misfit::RoleNotOnCases));
    }
    sqlx::query(
        "INSERT INTO case_involvements (case_id, user_id, reason, added_by, added_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(case_id)
    .bind(user_id)
    .bind(reason)
    .bind(by_user)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    case_event(tx, case_id, on, "involvement_added", reason, Some(by_user)).await?;
    audit_case(tx, actor, case_id, "case.involvement_add", Action::Update).await
}

pub async fn end_involvement(
    tx: &mut Tx,
    actor: &Actor,
    by_user: &str,
    grant: &CaseGrant,
    user_id: &str,
    on: NaiveDate,
) -> Result<()> {
    let case_id = grant.coordinating()?.case().id.as_str();
    let done = sqlx::query("DELETE FROM case_involvements WHERE case_id = $1 AND user_id = $2")
        .bind(case_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    case_event(tx, case_id, on, "involvement_ended", "", Some(by_user)).await?;
    audit_case(tx, actor, case_id, "case.involvement_end", Action::Update).await
}

// ---------------------------------------------------------------- break the glass

/// Opens a case for `user_id` for [`BREAK_GLASS_HOURS`], with the reason. Flagged in the
/// audit log and listed for the holding team's reviewer.
pub async fn break_glass(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    case_id: &str,
    reason: &str,
) -> Result<()> {
    let team_id: String = sqlx::query_scalar("SELECT team_id FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(Error::NotFound)?;
    let at = chrono::Utc::now();
    sqlx::query(
        "INSERT INTO break_glass_accesses (id, case_id, user_id, team_id, reason, at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(case_id)
    .bind(user_id)
    .bind(&team_id)
    .bind(reason)
    .bind(format_time(at))
    .bind(format_time(at + chrono::Duration::hours(BREAK_GLASS_HOURS)))
    .execute(&mut **tx)
    .await?;
    case_event(
        tx,
        case_id,
        crate::local_date(at),
        "break_glass",
        reason,
        Some(user_id),
    )
    .await?;
    let family_id: String = sqlx::query_scalar("SELECT family_id FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_one(&mut **tx)
        .await?;
    let clients = client_ids(tx, &family_id).await?;
    let mut event = Event::new("case.break_glass", Action::Read)
        .object("case", case_id)
        .clients(clients)
        .purpose(reason);
    event.break_glass = true;
    audit::append(tx, actor, &event).await
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BreakGlassAccess {
    pub id: String,
    pub case_id: String,
    pub case_number: String,
    pub team_name: String,
    pub user_name: String,
    pub reason: String,
    pub at: String,
    pub reviewed_by: Option<String>,
}

/// Break-the-glass accesses to cases of the teams `reviewer_id` belongs to, newest first.
pub async fn break_glass_accesses(
    store: &Store,
    reviewer_id: &str,
) -> Result<Vec<BreakGlassAccess>> {
    let rows = sqlx::query(
        "SELECT b.id, b.case_id, c.number, t.name AS team_name, u.display_name, b.reason, b.at,
                r.display_name AS reviewed_by
         FROM break_glass_accesses b JOIN cases c ON c.id = b.case_id JOIN teams t ON t.id = b.team_id
         JOIN users u ON u.id = b.user_id LEFT JOIN users r ON r.id = b.reviewed_by
         WHERE b.team_id IN (SELECT team_id FROM team_members WHERE user_id = $1)
         ORDER BY b.at DESC LIMIT 200",
    )
    .bind(reviewer_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(BreakGlassAccess {
                id: r.try_get("id")?,
                case_id: r.try_get("case_id")?,
                case_number: r.try_get("number")?,
                team_name: r.try_get("team_name")?,
                user_name: r.try_get("display_name")?,
                reason: r.try_get("reason")?,
                at: r.try_get("at")?,
                reviewed_by: r.try_get("reviewed_by")?,
            })
        })
        .collect()
}

/// Marks a break-the-glass access as reviewed by a reviewer of the holding team.
pub async fn review_break_glass(
    tx: &mut Tx,
    actor: &Actor,
    reviewer_id: &str,
    id: &str,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE break_glass_accesses SET reviewed_by = $1, reviewed_at = $2
         WHERE id = $3 AND reviewed_by IS NULL AND user_id <> $1
           AND team_id IN (SELECT team_id FROM team_members WHERE user_id = $1)",
    )
    .bind(reviewer_id)
    .bind(now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    audit::append(
        tx,
        actor,
        &Event::new("break_glass.review", Action::Update).object("break_glass_access", id),
    )
    .await
}

// ---------------------------------------------------------------- work lists

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseloadRow {
    pub id: String,
    pub number: String,
    pub family_name: String,
    pub status: CaseStatus,
    pub registered_on: NaiveDate,
    pub next_action_due: Option<NaiveDate>,
    /// Whether the family agreed to the current version of its plan (false: no plan yet).
    pub plan_agreed: bool,
    pub plan_version: i64,
    pub drang: bool,
}

/// The open cases of a worker, the next action due first.
pub async fn caseload(store: &Store, worker_id: &str) -> Result<Vec<CaseloadRow>> {
    let rows = sqlx::query(
        "SELECT c.id, c.number, f.name AS family_name, c.status, c.registered_on, c.drang,
                p.next_action_due, p.agreed, p.current_version
         FROM cases c JOIN families f ON f.id = c.family_id
         LEFT JOIN family_plans p ON p.family_id = c.family_id
         WHERE c.status <> 'afgesloten'
           -- Three index searches rather than one OR over every open case.
           AND c.id IN (SELECT w.id FROM cases w WHERE w.worker_id = $1 AND w.status IN ('aangemeld', 'in_begeleiding')
                        UNION SELECT i.case_id FROM case_involvements i WHERE i.user_id = $1
                        UNION SELECT k.id FROM family_plans fp JOIN cases k ON k.family_id = fp.family_id
                              WHERE fp.coordinator_user_id = $1)
         ORDER BY (p.next_action_due IS NULL), p.next_action_due, c.registered_on",
    )
    .bind(worker_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let status: String = r.try_get("status")?;
            let on: String = r.try_get("registered_on")?;
            let agreed: Option<i64> = r.try_get("agreed")?;
            let drang: i64 = r.try_get("drang")?;
            Ok(CaseloadRow {
                id: r.try_get("id")?,
                number: r.try_get("number")?,
                family_name: r.try_get("family_name")?,
                status: CaseStatus::parse(&status).ok_or(Error::Corrupt(status))?,
                registered_on: date(&on)?,
                next_action_due: opt_date(r, "next_action_due")?,
                plan_agreed: agreed == Some(1),
                plan_version: r.try_get::<Option<i64>, _>("current_version")?.unwrap_or(0),
                drang: drang == 1,
            })
        })
        .collect()
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WaitingRow {
    pub id: String,
    pub number: String,
    pub family_name: String,
    pub team_name: String,
    pub municipality_name: String,
    pub registered_on: NaiveDate,
    pub version: i64,
}

/// New registrations waiting for pick-up in the teams of `user_id`, longest waiting first.
pub async fn waiting(store: &Store, user_id: &str) -> Result<Vec<WaitingRow>> {
    let rows = sqlx::query(
        "SELECT c.id, c.number, f.name AS family_name, t.name AS team_name, m.name AS municipality_name,
                c.registered_on, c.version
         FROM cases c JOIN families f ON f.id = c.family_id JOIN teams t ON t.id = c.team_id
         JOIN municipalities m ON m.code = c.municipality_code
         WHERE c.status = 'aangemeld' AND c.team_id IN (SELECT team_id FROM team_members WHERE user_id = $1)
         ORDER BY c.registered_on, c.number",
    )
    .bind(user_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let on: String = r.try_get("registered_on")?;
            Ok(WaitingRow {
                id: r.try_get("id")?,
                number: r.try_get("number")?,
                family_name: r.try_get("family_name")?,
                team_name: r.try_get("team_name")?,
                municipality_name: r.try_get("municipality_name")?,
                registered_on: date(&on)?,
                version: r.try_get("version")?,
            })
        })
        .collect()
}

/// What to search for; empty fields are left out, at least one is needed.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub name: Option<String>,
    pub bsn: Option<Bsn>,
    pub birth_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchHit {
    pub case_id: String,
    pub case_number: String,
    pub status: CaseStatus,
    pub family_name: String,
    pub person_name: String,
    pub birth_date: Option<NaiveDate>,
}

pub const SEARCH_LIMIT: i64 = 50;

/// Youths and parents matching the query, in cases `user_id` may open (through team,
/// worker, involvement or coordination). Audited as a search, with the clients found.
pub async fn search(
    store: &Store,
    actor: &Actor,
    user_id: &str,
    q: &SearchQuery,
) -> Result<Vec<SearchHit>> {
    // CROSS JOIN: SQLite then starts from the matching persons, not from all cases.
    let mut conditions = vec!["c.family_id = p.family_id".to_owned(), visible_to("$1")];
    let mut binds: Vec<String> = vec![user_id.to_owned()];
    if let Some(name) = q.name.as_deref().map(name_key).filter(|k| !k.is_empty()) {
        // The longest word finds candidates through the word index (a name word starts
        // with it); every other word must occur in the name.
        let mut words: Vec<&str> = name.split(' ').collect();
        words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        binds.push(words[0].to_owned());
        binds.push(prefix_end(words[0]));
        conditions.push(format!(
            "p.id IN (SELECT person_id FROM person_name_words WHERE word >= ${} AND word < ${})",
            binds.len() - 1,
            binds.len()
        ));
        for w in &words[1..] {
            binds.push(format!("%{w}%"));
            conditions.push(format!("p.name_key LIKE ${}", binds.len()));
        }
    }
    if let Some(bsn) = q.bsn {
        binds.push(bsn.to_string());
        conditions.push(format!("p.bsn = ${}", binds.len()));
    }
    if let Some(d) = q.birth_date {
        binds.push(d.to_string());
        conditions.push(format!("p.birth_date = ${}", binds.len()));
    }
    let sql = format!(
        "SELECT c.id, c.number, c.status, f.name AS family_name, p.id AS person_id, p.name, p.birth_date
         FROM persons p CROSS JOIN cases c JOIN families f ON f.id = c.family_id
         WHERE {} ORDER BY c.registered_on DESC, c.number, p.name LIMIT {SEARCH_LIMIT}",
        conditions.join(" AND ")
    );
    let mut query = sqlx::query(&sql);
    for b in &binds {
        query = query.bind(b);
    }
    let rows = query.fetch_all(store.pool()).await?;
    let mut hits = Vec::new();
    let mut clients = Vec::new();
    for r in &rows {
        let status: String = r.try_get("status")?;
        clients.push(r.try_get::<String, _>("person_id")?);
        hits.push(SearchHit {
            case_id: r.try_get("id")?,
            case_number: r.try_get("number")?,
            status: CaseStatus::parse(&status).ok_or(Error::Corrupt(status))?,
            family_name: r.try_get("family_name")?,
            person_name: r.try_get("name")?,
            birth_date: opt_date(r, "birth_date")?,
        });
    }
    clients.sort();
    clients.dedup();
    let criteria = [
        q.name.as_ref().map(|_| "name"),
        q.bsn.map(|_| "bsn"),
        q.birth_date.map(|_| "birth_date"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(",");
    audit::record(
        store,
        actor,
        &Event::new("case.search", Action::Search)
            .object("search", criteria)
            .clients(clients),
    )
    .await?;
    Ok(hits)
}

/// Moves the open cases of `from` in `team_id` to `to` (when someone leaves); where
/// `from` was the family's coordinator, `to` becomes it. Both must be team members.
/// Returns the number of cases moved.
pub async fn transfer_caseload(
    tx: &mut Tx,
    actor: &Actor,
    by_user: &str,
    team_id: &str,
    from: &str,
    to: &str,
    on: NaiveDate,
) -> Result<u64> {
    let members: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM team_members WHERE team_id = $1 AND user_id IN ($2, $3, $4)",
    )
    .bind(team_id)
    .bind(from)
    .bind(to)
    .bind(by_user)
    .fetch_one(&mut **tx)
    .await?;
    let distinct = if from == by_user || to == by_user {
        2
    } else {
        3
    };
    let to_role: Option<String> =
        sqlx::query_scalar("SELECT role FROM users WHERE id = $1 AND active = 1")
            .bind(to)
            .fetch_optional(&mut **tx)
            .await?;
    let to_works_cases = to_role
        .as_deref()
        .and_then(eenplan_domain::Role::parse)
        .is_some_and(|r| {
            eenplan_domain::policy::allows(r, eenplan_domain::Permission::RegisterCases)
        });
    if from == to || members != distinct || !to_works_cases {
        return Err(Error::NotApplicable(crate::Misfit::NotTeamMembers));
    }
    // The open cases of the team that `from` works on or coordinates.
    let cases = sqlx::query(
        "SELECT c.id, c.family_id FROM cases c JOIN family_plans p ON p.family_id = c.family_id
         WHERE c.team_id = $2 AND c.status <> 'afgesloten'
           AND (c.worker_id = $1 OR p.coordinator_user_id = $1)",
    )
    .bind(from)
    .bind(team_id)
    .fetch_all(&mut **tx)
    .await?;
    let at = now();
    for r in &cases {
        let id: String = r.try_get("id")?;
        let family_id: String = r.try_get("family_id")?;
        sqlx::query(
            "UPDATE cases SET worker_id = CASE WHEN worker_id = $4 THEN $1 ELSE worker_id END,
                    version = version + 1, updated_at = $2 WHERE id = $3",
        )
        .bind(to)
        .bind(&at)
        .bind(&id)
        .bind(from)
        .execute(&mut **tx)
        .await?;
        let moved_regie = sqlx::query(
            "UPDATE family_plans SET coordinator_user_id = $1, version = version + 1, updated_at = $2
             WHERE family_id = $3 AND coordinator_user_id = $4",
        )
        .bind(to)
        .bind(&at)
        .bind(&family_id)
        .bind(from)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        let detail = if moved_regie > 0 {
            "worker, coordinator"
        } else {
            "worker"
        };
        case_event(tx, &id, on, "transferred", detail, Some(by_user)).await?;
        audit_family(
            tx,
            actor,
            &family_id,
            Event::new("case.transfer", Action::Update).object("case", &id),
        )
        .await?;
    }
    Ok(cases.len() as u64)
}

/// The youths and parents of the families of `case_ids`: the clients a work list shows.
pub async fn clients_of_cases(store: &Store, case_ids: &[String]) -> Result<Vec<String>> {
    if case_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=case_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT p.id FROM persons p JOIN cases c ON c.family_id = p.family_id
         WHERE c.id IN ({}) ORDER BY p.id",
        marks.join(", ")
    );
    let mut query = sqlx::query_scalar(&sql);
    for id in case_ids {
        query = query.bind(id);
    }
    Ok(query.fetch_all(store.pool()).await?)
}

/// The municipality of the user's first local team: the default on the registration page.
pub async fn home_municipality(store: &Store, user_id: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT tm2.municipality_code FROM team_members tm JOIN teams t ON t.id = tm.team_id
         JOIN team_municipalities tm2 ON tm2.team_id = t.id
         WHERE tm.user_id = $1 AND t.team_type = 'local_team'
         ORDER BY t.name, tm2.municipality_code LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(store.pool())
    .await?)
}

/// Active accounts with their organisation, by name: (id, name, role, organisation).
pub async fn active_users(store: &Store) -> Result<Vec<(String, String, String, String)>> {
    let rows = sqlx::query(
        "SELECT u.id, u.display_name, u.role, o.name AS org FROM users u
         JOIN organisations o ON o.id = u.organisation_id WHERE u.active = 1 ORDER BY u.display_name",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("id")?,
                r.try_get("display_name")?,
                r.try_get("role")?,
                r.try_get("org")?,
            ))
        })
        .collect()
}

/// Members of a team, for choosing workers and involvements: (id, name, role).
pub async fn team_members(store: &Store, team_id: &str) -> Result<Vec<(String, String, String)>> {
    let rows = sqlx::query(
        "SELECT u.id, u.display_name, u.role FROM team_members tm JOIN users u ON u.id = tm.user_id
         WHERE tm.team_id = $1 AND u.active = 1 ORDER BY u.display_name",
    )
    .bind(team_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("id")?,
                r.try_get("display_name")?,
                r.try_get("role")?,
            ))
        })
        .collect()
}

/// The teams a user belongs to: (id, name).
pub async fn teams_of(store: &Store, user_id: &str) -> Result<Vec<(String, String)>> {
    let rows = sqlx::query(
        "SELECT t.id, t.name FROM team_members tm JOIN teams t ON t.id = tm.team_id
         WHERE tm.user_id = $1 ORDER BY t.name",
    )
    .bind(user_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
        .collect()
}

/// Records that a user opened a case (or a part of it): the read of client data, as
/// the grant says (see [`CaseGrant::read_event`]).
pub async fn record_read(
    store: &Store,
    actor: &Actor,
    grant: &CaseGrant,
    what: &str,
) -> Result<()> {
    let mut conn = store.pool().acquire().await?;
    let clients = client_ids(&mut conn, grant.family_id()).await?;
    drop(conn);
    audit::record(store, actor, &grant.read_event(what).clients(clients)).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn prefix_end_is_just_above_every_extension() {
        assert_eq!(super::prefix_end("beek"), "beel");
        assert!("beekeink" < super::prefix_end("beek").as_str());
        assert!("beek" >= "beek" && "beel" >= super::prefix_end("beek").as_str());
        assert_eq!(super::prefix_end("az"), "a{");
    }
}
