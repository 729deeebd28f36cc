//! Logging in: the password, then the second factor (TOTP; enrolment at the first
//! login), and logging out. Failures are audited and throttled per account and per
//! address; the session tokens made here go into the web layer's cookies.

use crate::{Error, Result};
use eenplan_domain::credentials;
use eenplan_store::Store;
use eenplan_store::audit::{self, Action, Actor, Event, Outcome};
use eenplan_store::sessions::{self, Stage};
use eenplan_store::users;

/// How many failed attempts within the window refuse further attempts.
#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    pub window: chrono::Duration,
    pub per_account: i64,
    pub per_address: i64,
}

/// Attempts for one account run one at a time (check, verify, record), so parallel
/// guesses cannot all slip under the throttle. Striped by username: fixed memory.
static STRIPES: [tokio::sync::Mutex<()>; 64] = [const { tokio::sync::Mutex::const_new(()) }; 64];

pub(crate) fn stripe(username: &str) -> &'static tokio::sync::Mutex<()> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    username.hash(&mut h);
    &STRIPES[(h.finish() % 64) as usize]
}

/// Whether the account or the address had too many failures in the window.
pub(crate) async fn throttled(
    store: &Store,
    t: Throttle,
    username: &str,
    address: Option<&str>,
) -> Result<bool> {
    let since = eenplan_store::format_time(chrono::Utc::now() - t.window);
    let by_account = audit::count_failed_logins(store, Some(username), None, &since).await?;
    let by_address = match address {
        Some(a) => audit::count_failed_logins(store, None, Some(a), &since).await?,
        None => 0,
    };
    Ok(by_account >= t.per_account || by_address >= t.per_address)
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// What the password step answers.
#[derive(Debug)]
pub enum PasswordStep {
    /// Too many failures: try again later.
    Throttled,
    /// Unknown account, wrong password or inactive account (one answer for all three).
    Failed,
    /// The password is right: a session waiting for the second factor.
    SecondFactor { token: String },
}

/// The password step. `actor` is the anonymous requester (address, user agent); the
/// username is recorded as typed.
pub async fn password(
    store: &Store,
    throttle: Throttle,
    actor: &Actor,
    username: &str,
    password: &str,
) -> Result<PasswordStep> {
    let _attempt = stripe(username).lock().await;
    if throttled(store, throttle, username, actor.address.as_deref()).await? {
        audit::record(
            store,
            actor,
            &Event::new("login.throttled", Action::Login).outcome(Outcome::Refused),
        )
        .await?;
        return Ok(PasswordStep::Throttled);
    }
    let creds =
        if username.is_empty() || username.len() > 64 || username.chars().any(char::is_control) {
            None
        } else {
            users::credentials(store, username).await?
        };
    // Verify against a dummy hash when the account is unknown: same time, same answer.
    let hash = creds
        .as_ref()
        .map_or(credentials::dummy_hash(), |c| c.password_hash.as_str())
        .to_owned();
    let password = password.to_owned();
    let password_ok =
        tokio::task::spawn_blocking(move || credentials::verify_password(&password, &hash))
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
    let creds = match creds {
        Some(c) if password_ok && c.active => c,
        _ => {
            audit::record(
                store,
                actor,
                &Event::new("login.failed", Action::Login).outcome(Outcome::Failure),
            )
            .await?;
            return Ok(PasswordStep::Failed);
        }
    };
    let mut tx = store.begin().await?;
    let device = (actor.address.as_deref(), actor.user_agent.as_deref());
    let token = sessions::create(&mut tx, &creds.user_id, Stage::Mfa, device).await?;
    let mut actor = actor.clone();
    actor.user_id = Some(creds.user_id.clone());
    audit::append(
        &mut tx,
        &actor,
        &Event::new("login.password_ok", Action::Login),
    )
    .await?;
    tx.commit().await?;
    Ok(PasswordStep::SecondFactor { token })
}

/// A second factor not confirmed yet: the enrolment URI and the secret to type in.
pub async fn enrolment(
    store: &Store,
    user_id: &str,
    username: &str,
) -> Result<Option<(String, String)>> {
    let creds = users::credentials_by_id(store, user_id).await?;
    if creds.totp_confirmed {
        return Ok(None);
    }
    let uri = credentials::totp_uri(&creds.totp_secret, username)
        .ok_or_else(|| Error::Internal("stored TOTP secret is invalid".into()))?;
    Ok(Some((uri, creds.totp_secret)))
}

/// What the second-factor step answers.
#[derive(Debug)]
pub enum SecondFactorStep {
    /// Too many failures: the waiting session ends; log in again later.
    Throttled,
    /// A wrong or reused code.
    Failed,
    /// Logged in: a fresh session (the waiting one ends).
    LoggedIn { token: String },
}

/// The second-factor step of the session `pending_token_hash` for the user in `actor`.
pub async fn second_factor(
    store: &Store,
    throttle: Throttle,
    actor: &Actor,
    pending_token_hash: &str,
    code: &str,
) -> Result<SecondFactorStep> {
    let user_id = actor.user_id.clone().unwrap_or_default();
    let username = actor.username.clone().unwrap_or_default();
    let _attempt = stripe(&username).lock().await;
    if throttled(store, throttle, &username, actor.address.as_deref()).await? {
        let mut tx = store.begin().await?;
        sessions::end(&mut tx, pending_token_hash).await?;
        audit::append(
            &mut tx,
            actor,
            &Event::new("login.throttled", Action::Mfa).outcome(Outcome::Refused),
        )
        .await?;
        tx.commit().await?;
        return Ok(SecondFactorStep::Throttled);
    }
    let creds = users::credentials_by_id(store, &user_id).await?;
    let step = credentials::check_totp(&creds.totp_secret, code, unix_now());
    let mut tx = store.begin().await?;
    let accepted = match step {
        Some(step) => users::use_totp_step(&mut tx, &user_id, step as i64).await?,
        None => false,
    };
    if !accepted {
        audit::append(
            &mut tx,
            actor,
            &Event::new("mfa.failed", Action::Mfa).outcome(Outcome::Failure),
        )
        .await?;
        tx.commit().await?;
        return Ok(SecondFactorStep::Failed);
    }
    if !creds.totp_confirmed {
        audit::append(
            &mut tx,
            actor,
            &Event::new("mfa.enrolled", Action::Mfa).object("user", &user_id),
        )
        .await?;
    }
    // A new session id at login: the pre-MFA session ends, a fresh one starts.
    sessions::end(&mut tx, pending_token_hash).await?;
    let device = (actor.address.as_deref(), actor.user_agent.as_deref());
    let token = sessions::create(&mut tx, &user_id, Stage::Active, device).await?;
    audit::append(&mut tx, actor, &Event::new("login", Action::Login)).await?;
    tx.commit().await?;
    Ok(SecondFactorStep::LoggedIn { token })
}

/// Ends the session (an API token has none) and records the logout.
pub async fn logout(store: &Store, actor: &Actor, session_token_hash: Option<&str>) -> Result<()> {
    let mut tx = store.begin().await?;
    if let Some(hash) = session_token_hash {
        sessions::end(&mut tx, hash).await?;
    }
    audit::append(&mut tx, actor, &Event::new("logout", Action::Logout)).await?;
    tx.commit().await?;
    Ok(())
}
