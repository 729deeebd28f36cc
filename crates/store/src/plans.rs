//! The family plan: one per family, every change a new version, earlier versions kept
//! whole, and the family's agreement recorded per version. The coordinator (regie) is
//! held on the plan, so it is the same on every case of the family.

use crate::audit::{Action, Actor, Event};
use crate::cases::{audit_family, family_event};
use crate::grant::CaseGrant;
use crate::{Error, Result, Store, Tx, now};
use chrono::NaiveDate;
use eenplan_domain::plan::{CoordinatorKind, PlanContent};
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanState {
    pub family_id: String,
    pub coordinator_kind: CoordinatorKind,
    pub coordinator_user_id: Option<String>,
    pub coordinator_name: Option<String>,
    /// 0 while the family has no plan yet.
    pub current_version: i64,
    /// Optimistic-locking version of the plan record (changes with every save).
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanVersion {
    pub number: i64,
    pub content: PlanContent,
    pub created_by: String,
    pub created_at: String,
    pub agreed_on: Option<NaiveDate>,
    /// Who in the family agreed (a name).
    pub agreed_by: Option<String>,
}

/// The plan as the grant shows it: for a former team, the version current when its case
/// closed.
pub async fn state(store: &Store, grant: &CaseGrant) -> Result<PlanState> {
    let r = sqlx::query(
        "SELECT p.family_id, p.coordinator_kind, p.coordinator_user_id, u.display_name, p.version,
                CASE WHEN $2 IS NULL THEN p.current_version
                     ELSE (SELECT COALESCE(MAX(v.number), 0) FROM plan_versions v
                           WHERE v.family_id = p.family_id AND v.created_at < $2) END AS current_version
         FROM family_plans p LEFT JOIN users u ON u.id = p.coordinator_user_id WHERE p.family_id = $1",
    )
    .bind(grant.family_id())
    .bind(grant.until_stamp())
    .fetch_optional(store.pool())
    .await?
    .ok_or(Error::NotFound)?;
    let kind: String = r.try_get("coordinator_kind")?;
    Ok(PlanState {
        family_id: r.try_get("family_id")?,
        coordinator_kind: CoordinatorKind::parse(&kind).ok_or(Error::Corrupt(kind))?,
        coordinator_user_id: r.try_get("coordinator_user_id")?,
        coordinator_name: r.try_get("display_name")?,
        current_version: r.try_get("current_version")?,
        version: r.try_get("version")?,
    })
}

/// Version `number` of the plan, if the grant shows it.
pub async fn version(store: &Store, grant: &CaseGrant, number: i64) -> Result<PlanVersion> {
    let r = sqlx::query(
        "SELECT v.number, v.content, u.display_name, v.created_at, v.agreed_on, v.agreed_by
         FROM plan_versions v JOIN users u ON u.id = v.created_by
         WHERE v.family_id = $1 AND v.number = $2 AND ($3 IS NULL OR v.created_at < $3)",
    )
    .bind(grant.family_id())
    .bind(number)
    .bind(grant.until_stamp())
    .fetch_optional(store.pool())
    .await?
    .ok_or(Error::NotFound)?;
    let content: String = r.try_get("content")?;
    let agreed_on: Option<String> = r.try_get("agreed_on")?;
    Ok(PlanVersion {
        number: r.try_get("number")?,
        content: serde_json::from_str(&content).map_err(|e| Error::Corrupt(e.to_string()))?,
        created_by: r.try_get("display_name")?,
        created_at: r.try_get("created_at")?,
        agreed_on: agreed_on.and_then(|d| d.parse().ok()),
        agreed_by: r.try_get("agreed_by")?,
    })
}

/// The list of versions, newest first: (number, created_at, author, agreed_on).
pub async fn versions(
    store: &Store,
    grant: &CaseGrant,
) -> Result<Vec<(i64, String, String, Option<String>)>> {
    let rows = sqlx::query(
        "SELECT v.number, v.created_at, u.display_name, v.agreed_on FROM plan_versions v
         JOIN users u ON u.id = v.created_by
         WHERE v.family_id = $1 AND ($2 IS NULL OR v.created_at < $2) ORDER BY v.number DESC",
    )
    .bind(grant.family_id())
    .bind(grant.until_stamp())
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("number")?,
                r.try_get("created_at")?,
                r.try_get("display_name")?,
                r.try_get("agreed_on")?,
            ))
        })
        .collect()
}

/// Saves `content` as the next version, if the plan is still at `version` (else
/// `Conflict`: someone else saved in between). Returns the new version number.
pub async fn save(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    grant: &CaseGrant,
    version: i64,
    content: &PlanContent,
    on: NaiveDate,
) -> Result<i64> {
    let family_id = grant.writable()?.family_id();
    let at = now();
    let number: Option<i64> = sqlx::query_scalar(
        "UPDATE family_plans SET current_version = current_version + 1, version = version + 1,
                next_action_due = $1, agreed = 0, updated_at = $2
         WHERE family_id = $3 AND version = $4 RETURNING current_version",
    )
    .bind(content.next_action_due().map(|d| d.to_string()))
    .bind(&at)
    .bind(family_id)
    .bind(version)
    .fetch_optional(&mut **tx)
    .await?;
    let number = number.ok_or(Error::Conflict)?;
    let json = serde_json::to_string(content).map_err(|e| Error::Corrupt(e.to_string()))?;
    sqlx::query(
        "INSERT INTO plan_versions (family_id, number, content, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(family_id)
    .bind(number)
    .bind(json)
    .bind(user_id)
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    family_event(
        tx,
        family_id,
        on,
        "plan_saved",
        &format!("v{number}"),
        user_id,
    )
    .await?;
    audit_family(
        tx,
        actor,
        family_id,
        Event::new("plan.save", Action::Update)
            .object("family_plan", format!("{family_id}/{number}")),
    )
    .await?;
    Ok(number)
}

/// Records that `agreed_by` (a family member) agreed to version `number` on `agreed_on`.
/// Only the current version can be agreed to, and only once.
pub async fn agree(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    grant: &CaseGrant,
    number: i64,
    agreed_by: &str,
    agreed_on: NaiveDate,
) -> Result<()> {
    let family_id = grant.writable()?.family_id();
    // Only the current version, checked and marked in one statement so a save running at
    // the same time cannot slip in between.
    let marked = sqlx::query(
        "UPDATE family_plans SET agreed = 1, updated_at = $1 WHERE family_id = $2 AND current_version = $3",
    )
    .bind(now())
    .bind(family_id)
    .bind(number)
    .execute(&mut **tx)
    .await?;
    if marked.rows_affected() == 0 {
        return Err(Error::Conflict);
    }
    let created: String = sqlx::query_scalar(
        "SELECT created_at FROM plan_versions WHERE family_id = $1 AND number = $2",
    )
    .bind(family_id)
    .bind(number)
    .fetch_one(&mut **tx)
    .await?;
    let earliest = crate::parse_time(&created).map_or(agreed_on, crate::local_date);
    if agreed_on < earliest {
        return Err(Error::Transition(
            eenplan_domain::case::TransitionError::DateBefore { earliest },
        ));
    }
    let done = sqlx::query(
        "UPDATE plan_versions SET agreed_on = $1, agreed_by = $2, agreement_recorded_by = $3
         WHERE family_id = $4 AND number = $5 AND agreed_on IS NULL",
    )
    .bind(agreed_on.to_string())
    .bind(agreed_by)
    .bind(user_id)
    .bind(family_id)
    .bind(number)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::Conflict);
    }
    family_event(
        tx,
        family_id,
        agreed_on,
        "plan_agreed",
        &format!("v{number} · {agreed_by}"),
        user_id,
    )
    .await?;
    audit_family(
        tx,
        actor,
        family_id,
        Event::new("plan.agree", Action::Update)
            .object("family_plan", format!("{family_id}/{number}")),
    )
    .await
}

/// Who holds regie: the family, or the named professional (`user_id`).
pub async fn set_coordinator(
    tx: &mut Tx,
    actor: &Actor,
    by_user: &str,
    grant: &CaseGrant,
    version: i64,
    coordinator: Option<&str>,
    on: NaiveDate,
) -> Result<()> {
    // Choosing the coordinator: the holding team and the coordinating professional.
    if !grant.may_coordinate() {
        return Err(Error::Forbidden);
    }
    let family_id = grant.family_id();
    if let Some(uid) = coordinator {
        let role: Option<String> =
            sqlx::query_scalar("SELECT role FROM users WHERE id = $1 AND active = 1")
                .bind(uid)
                .fetch_optional(&mut **tx)
                .await?;
        let allowed = role
            .as_deref()
            .and_then(eenplan_domain::Role::parse)
            .is_some_and(|r| {
                eenplan_domain::policy::allows(r, eenplan_domain::Permission::ViewCases)
            });
        // A member of the team holding the family's open case, or someone involved in it.
        let close: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM cases c WHERE c.family_id = $1 AND c.status <> 'afgesloten' AND (
                EXISTS (SELECT 1 FROM team_members tm WHERE tm.team_id = c.team_id AND tm.user_id = $2)
                OR EXISTS (SELECT 1 FROM case_involvements i WHERE i.case_id = c.id AND i.user_id = $2))",
        )
        .bind(family_id)
        .bind(uid)
        .fetch_one(&mut **tx)
        .await?;
        if !allowed || close == 0 {
            return Err(Error::NotApplicable(crate::Misfit::NotACoordinator));
        }
    }
    let kind = if coordinator.is_some() {
        CoordinatorKind::Professional
    } else {
        CoordinatorKind::Family
    };
    let done = sqlx::query(
        "UPDATE family_plans SET coordinator_kind = $1, coordinator_user_id = $2, version = version + 1, updated_at = $3
         WHERE family_id = $4 AND version = $5",
    )
    .bind(kind.as_str())
    .bind(coordinator)
    .bind(now())
    .bind(family_id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::Conflict);
    }
    family_event(
        tx,
        family_id,
        on,
        "coordinator_changed",
        kind.as_str(),
        by_user,
    )
    .await?;
    audit_family(
        tx,
        actor,
        family_id,
        Event::new("plan.coordinator", Action::Update).object("family_plan", family_id),
    )
    .await
}
