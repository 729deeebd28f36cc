//! User accounts and team memberships. Secrets (password hash, TOTP secret) are only
//! read through [`Credentials`], never through [`User`].

use crate::audit::{self, Action, Actor, Event};
use crate::{Result, Store, Tx, check_versioned_update, new_id, now};
use eenplan_domain::Role;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub organisation_id: String,
    pub organisation_name: String,
    pub active: bool,
    pub mfa_enrolled: bool,
    pub last_login_at: Option<String>,
    pub version: i64,
    /// Ids of the teams the user is a member of.
    pub team_ids: Vec<String>,
}

/// What login needs to check an account.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user_id: String,
    pub password_hash: String,
    pub totp_secret: String,
    pub totp_confirmed: bool,
    pub totp_last_step: i64,
    pub active: bool,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub organisation_id: String,
    pub password_hash: String,
    pub totp_secret: String,
    pub totp_confirmed: bool,
    pub team_ids: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct UserUpdate {
    pub display_name: String,
    pub role: Role,
    pub organisation_id: String,
    pub active: bool,
    pub team_ids: Vec<String>,
}

const USER_QUERY: &str = "SELECT u.id, u.username, u.display_name, u.role, u.organisation_id,
        o.name AS organisation_name, u.active, u.totp_confirmed, u.last_login_at, u.version
     FROM users u JOIN organisations o ON o.id = u.organisation_id";

async fn users_from_rows(store: &Store, rows: Vec<AnyRow>) -> Result<Vec<User>> {
    let mut users = Vec::with_capacity(rows.len());
    for r in rows {
        let id: String = r.try_get("id")?;
        let role: String = r.try_get("role")?;
        let team_ids = sqlx::query_scalar("SELECT team_id FROM team_members WHERE user_id = $1")
            .bind(&id)
            .fetch_all(store.pool())
            .await?;
        users.push(User {
            username: r.try_get("username")?,
            display_name: r.try_get("display_name")?,
            role: Role::parse(&role)
                .ok_or_else(|| crate::Error::Corrupt(format!("role {role}")))?,
            organisation_id: r.try_get("organisation_id")?,
            organisation_name: r.try_get("organisation_name")?,
            active: r.try_get::<i64, _>("active")? == 1,
            mfa_enrolled: r.try_get::<i64, _>("totp_confirmed")? == 1,
            last_login_at: r.try_get("last_login_at")?,
            version: r.try_get("version")?,
            team_ids,
            id,
        });
    }
    Ok(users)
}

pub async fn users(store: &Store) -> Result<Vec<User>> {
    let rows = sqlx::query(&format!("{USER_QUERY} ORDER BY u.username"))
        .fetch_all(store.pool())
        .await?;
    users_from_rows(store, rows).await
}

pub async fn user(store: &Store, id: &str) -> Result<User> {
    let rows = sqlx::query(&format!("{USER_QUERY} WHERE u.id = $1"))
        .bind(id)
        .fetch_all(store.pool())
        .await?;
    users_from_rows(store, rows)
        .await?
        .pop()
        .ok_or(crate::Error::NotFound)
}

pub async fn credentials(store: &Store, username: &str) -> Result<Option<Credentials>> {
    let row = sqlx::query(
        "SELECT id, password_hash, totp_secret, totp_confirmed, totp_last_step, active
         FROM users WHERE username = $1",
    )
    .bind(username)
    .fetch_optional(store.pool())
    .await?;
    row.map(|r| credentials_from_row(&r)).transpose()
}

pub async fn credentials_by_id(store: &Store, id: &str) -> Result<Credentials> {
    let row = sqlx::query(
        "SELECT id, password_hash, totp_secret, totp_confirmed, totp_last_step, active
         FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_one(store.pool())
    .await?;
    credentials_from_row(&row)
}

fn credentials_from_row(r: &AnyRow) -> Result<Credentials> {
    Ok(Credentials {
        user_id: r.try_get("id")?,
        password_hash: r.try_get("password_hash")?,
        totp_secret: r.try_get("totp_secret")?,
        totp_confirmed: r.try_get::<i64, _>("totp_confirmed")? == 1,
        totp_last_step: r.try_get("totp_last_step")?,
        active: r.try_get::<i64, _>("active")? == 1,
    })
}

async fn set_teams(tx: &mut Tx, user_id: &str, team_ids: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM team_members WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    for team in team_ids {
        sqlx::query("INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)")
            .bind(team)
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub async fn create_user(tx: &mut Tx, actor: &Actor, new: &NewUser) -> Result<String> {
    let id = new_id();
    let at = now();
    sqlx::query(
        "INSERT INTO users (id, username, display_name, role, organisation_id, password_hash,
            totp_secret, totp_confirmed, active, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, 1, $9, $9)",
    )
    .bind(&id)
    .bind(&new.username)
    .bind(&new.display_name)
    .bind(new.role.as_str())
    .bind(&new.organisation_id)
    .bind(&new.password_hash)
    .bind(&new.totp_secret)
    .bind(i64::from(new.totp_confirmed))
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    set_teams(tx, &id, &new.team_ids).await?;
    audit::append(
        tx,
        actor,
        &Event::new("user.create", Action::Create).object("user", &id),
    )
    .await?;
    Ok(id)
}

pub async fn update_user(
    tx: &mut Tx,
    actor: &Actor,
    id: &str,
    version: i64,
    update: &UserUpdate,
) -> Result<()> {
    let before: Option<String> = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    let role_changed = before.as_deref() != Some(update.role.as_str());
    let done = sqlx::query(
        "UPDATE users SET display_name = $1, role = $2, organisation_id = $3, active = $4,
                version = version + 1, updated_at = $5
         WHERE id = $6 AND version = $7",
    )
    .bind(&update.display_name)
    .bind(update.role.as_str())
    .bind(&update.organisation_id)
    .bind(i64::from(update.active))
    .bind(now())
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    check_versioned_update(tx, "users", id, done.rows_affected()).await?;
    set_teams(tx, id, &update.team_ids).await?;
    if !update.active {
        crate::sessions::end_all_for_user(tx, id).await?;
    }
    if !update.active || role_changed {
        crate::sessions::revoke_all_api_tokens(tx, id).await?;
    }
    audit::append(
        tx,
        actor,
        &Event::new("user.update", Action::Update).object("user", id),
    )
    .await
}

/// Sets a new password and ends the user's other sessions.
pub async fn set_password(tx: &mut Tx, actor: &Actor, id: &str, password_hash: &str) -> Result<()> {
    let done = sqlx::query(
        "UPDATE users SET password_hash = $1, version = version + 1, updated_at = $2 WHERE id = $3",
    )
    .bind(password_hash)
    .bind(now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(crate::Error::NotFound);
    }
    crate::sessions::end_all_for_user(tx, id).await?;
    crate::sessions::revoke_all_api_tokens(tx, id).await?;
    audit::append(
        tx,
        actor,
        &Event::new("user.password_set", Action::Update).object("user", id),
    )
    .await
}

/// Replaces the second factor with a new, unconfirmed secret (lost phone). The user
/// enrols again at the next login.
pub async fn reset_mfa(tx: &mut Tx, actor: &Actor, id: &str, new_secret: &str) -> Result<()> {
    let done = sqlx::query(
        "UPDATE users SET totp_secret = $1, totp_confirmed = 0, totp_last_step = 0,
                version = version + 1, updated_at = $2 WHERE id = $3",
    )
    .bind(new_secret)
    .bind(now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(crate::Error::NotFound);
    }
    crate::sessions::end_all_for_user(tx, id).await?;
    crate::sessions::revoke_all_api_tokens(tx, id).await?;
    audit::append(
        tx,
        actor,
        &Event::new("mfa.reset", Action::Update).object("user", id),
    )
    .await
}

/// Records a used TOTP step (no replay) and, at enrolment, that the factor is confirmed.
/// Refuses a step at or before the last one used, even under concurrent logins.
pub async fn use_totp_step(tx: &mut Tx, id: &str, step: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE users SET totp_last_step = $1, totp_confirmed = 1, last_login_at = $2
         WHERE id = $3 AND totp_last_step < $1",
    )
    .bind(step)
    .bind(now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Active administrators: with two or more, some changes wait for a second one.
pub async fn active_administrators(store: &Store) -> Result<i64> {
    Ok(
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM users WHERE role = 'administrator' AND active = 1",
        )
        .fetch_one(store.pool())
        .await?,
    )
}

/// Gives the account a role (and activates it when asked): what was approved. Its
/// sessions and tokens end, made under the old role.
pub async fn set_role(
    tx: &mut Tx,
    actor: &Actor,
    id: &str,
    role: Role,
    activate: bool,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE users SET role = $1, active = CASE WHEN $2 = 1 THEN 1 ELSE active END,
                version = version + 1, updated_at = $3
         WHERE id = $4",
    )
    .bind(role.as_str())
    .bind(i64::from(activate))
    .bind(now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(crate::Error::NotFound);
    }
    crate::sessions::end_all_for_user(tx, id).await?;
    crate::sessions::revoke_all_api_tokens(tx, id).await?;
    audit::append(
        tx,
        actor,
        &Event::new("user.role", Action::Update).object("user", id),
    )
    .await
}

/// A new account waits inactive until its role is approved.
pub async fn deactivate_new(tx: &mut Tx, id: &str) -> Result<()> {
    sqlx::query("UPDATE users SET active = 0 WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
