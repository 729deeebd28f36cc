//! Four eyes in administration: a change that waits for another administrator (see
//! migration 0015). Requesting and deciding are audited; applying an approved change is
//! the application layer's, in the decision's transaction.

use crate::audit::{self, Action, Actor, Event};
use crate::{Error, Result, Store, Tx, new_id, now};
use eenplan_domain::Role;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Give the account a role that reads client data (and activate a new account).
    Role,
    /// Reset an administrator's second factor.
    MfaReset,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Role => "role",
            Kind::MfaReset => "mfa_reset",
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Approval {
    pub id: String,
    pub kind: Kind,
    pub user_id: String,
    pub username: String,
    /// The role to give (`role`).
    pub role: Option<String>,
    pub activate: bool,
    pub reason: String,
    pub requested_by: String,
    pub requested_by_name: String,
    pub requested_at: String,
}

const COLUMNS: &str = "a.id, a.kind, a.user_id, u.username, a.role, a.activate, a.reason,
    a.requested_by, r.display_name AS requested_by_name, a.requested_at";

fn from_row(r: &AnyRow) -> Result<Approval> {
    let kind: String = r.try_get("kind")?;
    let role: Option<String> = r.try_get("role")?;
    let activate: i64 = r.try_get("activate")?;
    Ok(Approval {
        id: r.try_get("id")?,
        kind: if kind == "role" {
            Kind::Role
        } else {
            Kind::MfaReset
        },
        user_id: r.try_get("user_id")?,
        username: r.try_get("username")?,
        role,
        activate: activate == 1,
        reason: r.try_get("reason")?,
        requested_by: r.try_get("requested_by")?,
        requested_by_name: r.try_get("requested_by_name")?,
        requested_at: r.try_get("requested_at")?,
    })
}

/// Asks another administrator to approve a change; answers its id.
#[allow(clippy::too_many_arguments)]
pub async fn request(
    tx: &mut Tx,
    actor: &Actor,
    kind: Kind,
    user_id: &str,
    role: Option<Role>,
    activate: bool,
    reason: &str,
    requested_by: &str,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO approvals (id, kind, user_id, role, activate, reason, requested_by, requested_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(kind.as_str())
    .bind(user_id)
    .bind(role.map(Role::as_str))
    .bind(i64::from(activate))
    .bind(reason)
    .bind(requested_by)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    let mut event = Event::new("approval.request", Action::Create).object("user", user_id);
    event.purpose = Some(reason.to_owned());
    audit::append(tx, actor, &event).await?;
    Ok(id)
}

/// The changes still waiting, oldest first.
pub async fn pending(store: &Store) -> Result<Vec<Approval>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM approvals a JOIN users u ON u.id = a.user_id
         JOIN users r ON r.id = a.requested_by
         WHERE a.decided_at IS NULL ORDER BY a.requested_at"
    ))
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// Decides a waiting change: never by whoever asked for it (404 then, as for a change
/// already decided). Answers the change for the caller to apply when approved.
pub async fn decide(
    tx: &mut Tx,
    actor: &Actor,
    id: &str,
    decided_by: &str,
    approve: bool,
) -> Result<Approval> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM approvals a JOIN users u ON u.id = a.user_id
         JOIN users r ON r.id = a.requested_by
         WHERE a.id = $1 AND a.decided_at IS NULL AND a.requested_by <> $2"
    ))
    .bind(id)
    .bind(decided_by)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(Error::NotFound)?;
    let approval = from_row(&row)?;
    sqlx::query(
        "UPDATE approvals SET decided_by = $1, decided_at = $2, approved = $3 WHERE id = $4",
    )
    .bind(decided_by)
    .bind(now())
    .bind(i64::from(approve))
    .bind(id)
    .execute(&mut **tx)
    .await?;
    let event = if approve {
        "approval.approve"
    } else {
        "approval.refuse"
    };
    audit::append(
        tx,
        actor,
        &Event::new(event, Action::Update).object("user", &approval.user_id),
    )
    .await?;
    Ok(approval)
}
