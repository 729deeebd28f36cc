//! The user's own account: personal API tokens and the password. (Accounts of others
//! are the administrator's, in [`crate::users`].)

use crate::input::required_text;
use crate::{Caller, Error, Problem, Result};
use eenplan_domain::credentials;
use eenplan_store::Store;
use eenplan_store::audit::{self, Action, Actor, Event, Outcome};
use eenplan_store::sessions::TokenScope;
use eenplan_store::{sessions, users};

/// A personal API token the caller makes for themselves: a name, a life in days (90
/// when empty, at most 365), a scope, and the password and a code of the second factor
/// again, so an unattended session cannot mint one.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NewToken {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub days: String,
    /// read, role or ijw.
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub code: String,
}

/// The token's name, life and scope as given.
fn token_terms(name: &str, days: &str, scope: &str) -> Result<(String, i64, TokenScope)> {
    let mut errors = Vec::new();
    let name = required_text(&mut errors, "name", name, 100);
    let days = match days.trim() {
        "" => Some(sessions::TOKEN_DAYS_DEFAULT),
        d => match d.parse::<i64>() {
            Ok(n) if (1..=sessions::TOKEN_DAYS_MAX).contains(&n) => Some(n),
            _ => {
                errors.push(Problem::new(
                    "days",
                    "Een token geldt 1 tot 365 dagen.",
                    "A token lasts 1 to 365 days.",
                ));
                None
            }
        },
    };
    let scope = match scope.trim() {
        "" => Some(TokenScope::Read),
        s => TokenScope::parse(s).or_else(|| {
            errors.push(crate::input::choose("scope"));
            None
        }),
    };
    match (days, scope) {
        (Some(d), Some(s)) if errors.is_empty() => Ok((name, d, s)),
        _ => Err(Error::Invalid(errors)),
    }
}

/// Makes the token after checking the password and a fresh code (throttled and audited
/// like a login); answers its secret, to be shown once (only its hash is kept).
pub async fn create_token(
    store: &Store,
    caller: &Caller,
    throttle: crate::login::Throttle,
    c: &NewToken,
) -> Result<String> {
    let (name, days, scope) = token_terms(&c.name, &c.days, &c.scope)?;
    let p = &caller.principal;
    let _attempt = crate::login::stripe(&p.username).lock().await;
    if crate::login::throttled(store, throttle, &p.username, caller.address.as_deref()).await? {
        return Err(Error::invalid(Problem::new(
            "current_password",
            "Te veel mislukte pogingen; probeer het over een kwartier opnieuw.",
            "Too many failed attempts; try again in a quarter of an hour.",
        )));
    }
    let creds = users::credentials_by_id(store, &p.user_id).await?;
    let (given, stored) = (c.current_password.clone(), creds.password_hash.clone());
    let password_ok =
        tokio::task::spawn_blocking(move || credentials::verify_password(&given, &stored))
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
    if !password_ok {
        audit::record(
            store,
            &caller.actor(),
            &Event::new("password.check_failed", Action::Create).outcome(Outcome::Failure),
        )
        .await?;
        return Err(Error::invalid(Problem::new(
            "current_password",
            "Het wachtwoord klopt niet.",
            "The password is incorrect.",
        )));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut tx = store.begin().await?;
    // A code counts once, as at login.
    let accepted = match credentials::check_totp(&creds.totp_secret, &c.code, now) {
        Some(step) => users::use_totp_step(&mut tx, &p.user_id, step as i64).await?,
        None => false,
    };
    if !accepted {
        audit::append(
            &mut tx,
            &caller.actor(),
            &Event::new("mfa.failed", Action::Create).outcome(Outcome::Failure),
        )
        .await?;
        tx.commit().await?;
        return Err(Error::invalid(Problem::new(
            "code",
            "De code klopt niet; neem de volgende code uit uw app.",
            "The code is incorrect; take the next code from your app.",
        )));
    }
    let (_, secret) =
        sessions::create_api_token(&mut tx, &caller.actor(), &p.user_id, &name, days, scope)
            .await?;
    tx.commit().await?;
    Ok(secret)
}

/// The operator's token for a user (the command line: whoever runs it holds the server).
pub async fn issue_token(
    store: &Store,
    actor: &Actor,
    user_id: &str,
    name: &str,
    days: &str,
    scope: &str,
) -> Result<String> {
    let (name, days, scope) = token_terms(name, days, scope)?;
    let mut tx = store.begin().await?;
    let (_, secret) =
        sessions::create_api_token(&mut tx, actor, user_id, &name, days, scope).await?;
    tx.commit().await?;
    Ok(secret)
}

/// The caller's logged-in sessions, this one (`current_hash`) marked.
pub async fn sessions(
    store: &Store,
    caller: &Caller,
    current_hash: Option<&str>,
) -> Result<Vec<sessions::SessionInfo>> {
    Ok(sessions::of_user(store, caller.user_id(), current_hash).await?)
}

/// Ends one of the caller's own sessions (a forgotten one on another computer).
pub async fn end_session(store: &Store, caller: &Caller, id: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    sessions::end_own(&mut tx, &caller.actor(), caller.user_id(), id).await?;
    tx.commit().await?;
    Ok(())
}

/// Revokes one of the caller's own tokens.
pub async fn revoke_token(store: &Store, caller: &Caller, id: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    sessions::revoke_api_token(&mut tx, &caller.actor(), caller.user_id(), id).await?;
    tx.commit().await?;
    Ok(())
}

/// A change of the caller's own password.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ChangePassword {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub new_password: String,
}

/// Checks the current password and the new one against the policy, then sets it. The
/// store ends all of the user's sessions with it: the user logs in again. A wrong
/// current password is audited and counts towards the login throttle, so the form is no
/// way around it.
pub async fn change_password(
    store: &Store,
    caller: &Caller,
    throttle: crate::login::Throttle,
    c: &ChangePassword,
) -> Result<()> {
    let p = &caller.principal;
    let _attempt = crate::login::stripe(&p.username).lock().await;
    if crate::login::throttled(store, throttle, &p.username, caller.address.as_deref()).await? {
        audit::record(
            store,
            &caller.actor(),
            &Event::new("password.throttled", Action::Update).outcome(Outcome::Refused),
        )
        .await?;
        return Err(Error::invalid(Problem::new(
            "current_password",
            "Te veel mislukte pogingen; probeer het over een kwartier opnieuw.",
            "Too many failed attempts; try again in a quarter of an hour.",
        )));
    }
    let stored = users::credentials_by_id(store, &p.user_id)
        .await?
        .password_hash;
    let current = c.current_password.clone();
    let current_ok =
        tokio::task::spawn_blocking(move || credentials::verify_password(&current, &stored))
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
    let mut errors = Vec::new();
    if !current_ok {
        audit::record(
            store,
            &caller.actor(),
            &Event::new("password.check_failed", Action::Update).outcome(Outcome::Failure),
        )
        .await?;
        errors.push(Problem::new(
            "current_password",
            "Het huidige wachtwoord klopt niet.",
            "The current password is incorrect.",
        ));
    }
    if let Err(e) = crate::users::check_password(
        "new_password",
        &c.new_password,
        &p.username,
        &p.display_name,
    )
    .await
    {
        errors.push(e);
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let new = c.new_password.clone();
    let hash = tokio::task::spawn_blocking(move || credentials::hash_password(&new))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    let mut tx = store.begin().await?;
    users::set_password(&mut tx, &caller.actor(), &p.user_id, &hash).await?;
    tx.commit().await?;
    Ok(())
}
