//! Breaking the glass: a reasoned, flagged, time-limited access to a case, and its
//! review by the team's behavioural scientist.

use super::*;

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
