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

mod break_glass;
mod family;
mod registration;
mod work_lists;
pub use break_glass::*;
pub use family::*;
pub use registration::*;
pub use work_lists::*;

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
