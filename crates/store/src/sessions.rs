//! Login sessions and personal API tokens. Only SHA-256 hashes of the secrets are
//! stored, so a copy of the database does not let anyone in.

use crate::audit::{self, Action, Actor, Event};
use crate::{Error, Result, Store, Tx, new_id, now};
use eenplan_domain::Role;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A fresh 256-bit secret, hex.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Password checked; the second factor (or its enrolment) is still to come.
    Mfa,
    Active,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Stage::Mfa => "mfa",
            Stage::Active => "active",
        }
    }
}

/// The user behind a session or API token, as the web layer needs it.
#[derive(Debug, Clone, Serialize)]
pub struct Principal {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub organisation_id: String,
    pub organisation_name: String,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub token_hash: String,
    pub stage: Stage,
    pub csrf_token: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub principal: Principal,
}

const PRINCIPAL_COLUMNS: &str = "u.id AS user_id, u.username, u.display_name, u.role,
    u.organisation_id, o.name AS organisation_name";

fn principal_from_row(r: &AnyRow) -> Result<Principal> {
    let role: String = r.try_get("role")?;
    Ok(Principal {
        user_id: r.try_get("user_id")?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        role: Role::parse(&role).ok_or_else(|| crate::Error::Corrupt(format!("role {role}")))?,
        organisation_id: r.try_get("organisation_id")?,
        organisation_name: r.try_get("organisation_name")?,
    })
}

/// Starts a session and returns its token (for the cookie). Called after the password
/// (stage Mfa) and again after the second factor (stage Active), so the session id
/// changes at login.
/// Starts a session from `device` (address, user agent); answers its token (the cookie's).
pub async fn create(
    tx: &mut Tx,
    user_id: &str,
    stage: Stage,
    device: (Option<&str>, Option<&str>),
) -> Result<String> {
    let token = new_secret();
    let at = now();
    let agent = device.1.map(|a| a.chars().take(300).collect::<String>());
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, stage, csrf_token, created_at, last_seen_at,
            id, address, user_agent)
         VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)",
    )
    .bind(hash_secret(&token))
    .bind(user_id)
    .bind(stage.as_str())
    .bind(new_secret())
    .bind(&at)
    .bind(new_id())
    .bind(device.0)
    .bind(agent)
    .execute(&mut **tx)
    .await?;
    Ok(token)
}

/// An active session of a user, as the user sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SessionInfo {
    pub id: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub address: Option<String>,
    pub user_agent: Option<String>,
    /// The session this request came with.
    pub current: bool,
}

/// The user's logged-in sessions (past the second factor), the most recently used first.
pub async fn of_user(
    store: &Store,
    user_id: &str,
    current_hash: Option<&str>,
) -> Result<Vec<SessionInfo>> {
    let rows = sqlx::query(
        "SELECT id, token_hash, created_at, last_seen_at, address, user_agent FROM sessions
         WHERE user_id = $1 AND stage = 'active' AND id IS NOT NULL
         ORDER BY last_seen_at DESC",
    )
    .bind(user_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let hash: String = r.try_get("token_hash")?;
            Ok(SessionInfo {
                id: r.try_get("id")?,
                created_at: r.try_get("created_at")?,
                last_seen_at: r.try_get("last_seen_at")?,
                address: r.try_get("address")?,
                user_agent: r.try_get("user_agent")?,
                current: current_hash == Some(hash.as_str()),
            })
        })
        .collect()
}

/// Ends one of the user's own sessions by its id (404 for anyone else's).
pub async fn end_own(tx: &mut Tx, actor: &Actor, user_id: &str, id: &str) -> Result<()> {
    let done = sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    audit::append(
        tx,
        actor,
        &Event::new("session.end", Action::Delete).object("session", id),
    )
    .await
}

/// The session of a cookie token, when it exists and its user is active.
pub async fn find(store: &Store, token: &str) -> Result<Option<Session>> {
    let row = sqlx::query(&format!(
        "SELECT s.token_hash, s.stage, s.csrf_token, s.created_at, s.last_seen_at, {PRINCIPAL_COLUMNS}
         FROM sessions s JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.organisation_id
         WHERE s.token_hash = $1 AND u.active = 1"
    ))
    .bind(hash_secret(token))
    .fetch_optional(store.pool())
    .await?;
    let Some(r) = row else { return Ok(None) };
    let stage: String = r.try_get("stage")?;
    Ok(Some(Session {
        token_hash: r.try_get("token_hash")?,
        stage: if stage == "active" {
            Stage::Active
        } else {
            Stage::Mfa
        },
        csrf_token: r.try_get("csrf_token")?,
        created_at: r.try_get("created_at")?,
        last_seen_at: r.try_get("last_seen_at")?,
        principal: principal_from_row(&r)?,
    }))
}

/// Marks the session as used now (the idle timeout counts from here).
pub async fn touch(store: &Store, token_hash: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    tx.without_audit("a session's last use: no client data");
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now())
        .bind(token_hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Ends a session that timed out (no one acted, so there is nothing to audit).
pub async fn expire(store: &Store, token_hash: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    tx.without_audit("a session timed out: no one acted");
    end(&mut tx, token_hash).await?;
    tx.commit().await
}

pub async fn end(tx: &mut Tx, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn end_all_for_user(tx: &mut Tx, user_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Removes sessions idle since before `idle_before` or started before `started_before`.
pub async fn purge_expired(store: &Store, idle_before: &str, started_before: &str) -> Result<u64> {
    let mut tx = store.begin().await?;
    tx.without_audit("expired sessions: no client data");
    let done = sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(idle_before)
        .bind(started_before)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

/// What an API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Only reads (GET).
    Read,
    /// Whatever the user's role may do.
    Role,
    /// Only the iJw message exchange (`/api/v1/ijw/...`), for a provider's system.
    Ijw,
}

impl TokenScope {
    pub fn parse(s: &str) -> Option<TokenScope> {
        match s {
            "read" => Some(TokenScope::Read),
            "role" => Some(TokenScope::Role),
            "ijw" => Some(TokenScope::Ijw),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Role => "role",
            TokenScope::Ijw => "ijw",
        }
    }
}

/// A token's life when none is chosen, and the longest it may have.
pub const TOKEN_DAYS_DEFAULT: i64 = 90;
pub const TOKEN_DAYS_MAX: i64 = 365;

#[derive(Debug, Clone, Serialize)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub expires_at: String,
    pub scope: TokenScope,
    pub last_used_at: Option<String>,
}

/// The end of a token: its stored expiry, or (made before tokens had one) 90 days
/// after it was made.
fn expiry(created_at: &str, expires_at: Option<String>) -> String {
    expires_at.unwrap_or_else(|| {
        crate::parse_time(created_at)
            .map(|t| crate::format_time(t + chrono::Duration::days(TOKEN_DAYS_DEFAULT)))
            .unwrap_or_default()
    })
}

/// Creates a personal API token and returns (id, secret). The secret is shown once.
pub async fn create_api_token(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    name: &str,
    days: i64,
    scope: TokenScope,
) -> Result<(String, String)> {
    let id = new_id();
    let secret = format!("ep_{}", new_secret());
    let expires = crate::format_time(chrono::Utc::now() + chrono::Duration::days(days));
    sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at, scope)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(user_id)
    .bind(name)
    .bind(hash_secret(&secret))
    .bind(now())
    .bind(&expires)
    .bind(scope.as_str())
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        actor,
        &Event::new("api_token.create", Action::Create).object("api_token", &id),
    )
    .await?;
    Ok((id, secret))
}

/// The user's tokens still in force (not revoked, not expired).
pub async fn api_tokens(store: &Store, user_id: &str) -> Result<Vec<ApiToken>> {
    let rows = sqlx::query(
        "SELECT id, name, created_at, expires_at, scope, last_used_at FROM api_tokens
         WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at",
    )
    .bind(user_id)
    .fetch_all(store.pool())
    .await?;
    let now = now();
    let mut out = Vec::new();
    for r in &rows {
        let created: String = r.try_get("created_at")?;
        let expires = expiry(&created, r.try_get("expires_at")?);
        if expires <= now {
            continue;
        }
        let scope: String = r.try_get("scope")?;
        out.push(ApiToken {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            created_at: created,
            expires_at: expires,
            scope: TokenScope::parse(&scope).unwrap_or(TokenScope::Read),
            last_used_at: r.try_get("last_used_at")?,
        });
    }
    Ok(out)
}

/// Revokes every token of the user (a new password, a new second factor, another role,
/// a deactivated account: what the tokens were made under no longer holds).
pub async fn revoke_all_api_tokens(tx: &mut Tx, user_id: &str) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn revoke_api_token(tx: &mut Tx, actor: &Actor, user_id: &str, id: &str) -> Result<()> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
    )
    .bind(now())
    .bind(id)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(crate::Error::NotFound);
    }
    audit::append(
        tx,
        actor,
        &Event::new("api_token.revoke", Action::Delete).object("api_token", id),
    )
    .await
}

/// The principal and scope of a bearer token, when the token is in force (not revoked,
/// not expired) and its user active. Its last use is written at most once a minute.
pub async fn find_api_token(
    store: &Store,
    secret: &str,
) -> Result<Option<(Principal, TokenScope)>> {
    let row = sqlx::query(&format!(
        "SELECT t.id AS token_id, t.created_at AS token_created, t.expires_at, t.scope,
                t.last_used_at, {PRINCIPAL_COLUMNS}
         FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN organisations o ON o.id = u.organisation_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = 1"
    ))
    .bind(hash_secret(secret))
    .fetch_optional(store.pool())
    .await?;
    let Some(r) = row else { return Ok(None) };
    let now = chrono::Utc::now();
    let created: String = r.try_get("token_created")?;
    if expiry(&created, r.try_get("expires_at")?) <= crate::format_time(now) {
        return Ok(None);
    }
    let last: Option<String> = r.try_get("last_used_at")?;
    let stale = last
        .as_deref()
        .and_then(crate::parse_time)
        .is_none_or(|t| now - t > chrono::Duration::seconds(60));
    if stale {
        let mut tx = store.begin().await?;
        tx.without_audit("a token's last use: no client data");
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(crate::format_time(now))
            .bind(r.try_get::<String, _>("token_id")?)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    let scope: String = r.try_get("scope")?;
    Ok(Some((
        principal_from_row(&r)?,
        TokenScope::parse(&scope).unwrap_or(TokenScope::Read),
    )))
}
