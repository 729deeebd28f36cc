//! User accounts, the administrator's use cases for the pages, the API and the command
//! line alike: the fields of an account, the password policy, adding and changing an
//! account, and resetting its second factor.

use crate::input::{choose, required_text};
use crate::{Error, Problem, Result};
use eenplan_domain::{Role, credentials, password, policy};
use eenplan_store::Store;
use eenplan_store::approvals::{self, Kind};
use eenplan_store::audit::{self, Action, Actor, Event, Outcome};
use eenplan_store::users::{self, NewUser, UserUpdate};
use serde::Deserialize;
use utoipa::ToSchema;

/// A new account. The user enrols the second factor at first login.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = NewUserBody)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub organisation_id: String,
    #[serde(default)]
    pub team_ids: Vec<String>,
    /// Initial password: at least 12 characters, not a common password.
    pub password: String,
    /// Why: required for a role that reads client data.
    #[serde(default)]
    pub reason: Option<String>,
}

/// What a change of an account came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    Done,
    /// Waits for another administrator's approval (its id).
    AwaitingApproval(String),
}

/// The reason a change that needs one gives (field `reason`).
fn reason_for(reason: &Option<String>) -> Result<String> {
    let mut errors = Vec::new();
    let r = required_text(&mut errors, "reason", reason.as_deref().unwrap_or(""), 1000);
    if errors.is_empty() {
        Ok(r)
    } else {
        Err(Error::Invalid(errors))
    }
}

/// Whether a second administrator must approve: an administrator asks (the command
/// line's operator, who holds the server, is not one) and there is another to ask.
async fn four_eyes(store: &Store, actor: &Actor) -> Result<bool> {
    Ok(actor.user_id.is_some() && users::active_administrators(store).await? >= 2)
}

/// The reason of a role given at once, kept with its audit record.
async fn record_grant(
    tx: &mut eenplan_store::Tx,
    actor: &Actor,
    id: &str,
    reason: &str,
) -> Result<()> {
    let mut event = Event::new("user.role.granted", Action::Update).object("user", id);
    event.purpose = Some(reason.to_owned());
    Ok(audit::append(tx, actor, &event).await?)
}

/// Adds the account; answers its id and whether it waits (inactive) for a second
/// administrator to approve its role.
pub async fn create_user(
    store: &Store,
    actor: &Actor,
    a: &NewAccount,
) -> Result<(String, Applied)> {
    let new = parse_new_user(
        &a.username,
        &a.display_name,
        &a.role,
        &a.organisation_id,
        &a.team_ids,
        &a.password,
    )
    .await?;
    let reason = if policy::reads_client_data(new.role) {
        Some(reason_for(&a.reason)?)
    } else {
        None
    };
    let waits = reason.is_some() && four_eyes(store, actor).await?;
    let mut tx = store.begin().await?;
    let id = users::create_user(&mut tx, actor, &new)
        .await
        .map_err(user_write_problem)?;
    if let (Some(reason), false) = (&reason, waits) {
        record_grant(&mut tx, actor, &id, reason).await?;
    }
    let applied = match &reason {
        Some(reason) if waits => {
            users::deactivate_new(&mut tx, &id).await?;
            let requester = actor.user_id.as_deref().unwrap_or_default();
            Applied::AwaitingApproval(
                approvals::request(
                    &mut tx,
                    actor,
                    Kind::Role,
                    &id,
                    Some(new.role),
                    true,
                    reason,
                    requester,
                )
                .await?,
            )
        }
        _ => Applied::Done,
    };
    tx.commit().await?;
    Ok((id, applied))
}

/// A change of an account (its username stays).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = UserChangeBody)]
pub struct ChangeAccount {
    pub display_name: String,
    pub role: String,
    pub organisation_id: String,
    #[serde(default)]
    pub team_ids: Vec<String>,
    pub active: bool,
    /// The version that was read.
    #[schema(value_type = i64, required = true)]
    pub version: Option<i64>,
    /// Why: required when the new role reads client data.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Separation of duties: an administrator does not change their own role, organisation,
/// teams or activity, nor reset their own second factor; another administrator does.
fn own_account(actor: &Actor, id: &str) -> bool {
    actor.user_id.as_deref() == Some(id)
}

async fn refuse_own(store: &Store, actor: &Actor, id: &str, what: &str) -> Error {
    let event = Event::new(what, Action::Update)
        .object("user", id)
        .outcome(Outcome::Refused);
    match audit::record(store, actor, &event).await {
        Ok(()) => Error::Forbidden,
        Err(e) => e.into(),
    }
}

/// Changes the account (409 on a stale version). A new role that reads client data
/// needs a reason and, with a second administrator, waits for their approval (the rest
/// of the change is made now).
pub async fn update_user(
    store: &Store,
    actor: &Actor,
    id: &str,
    c: &ChangeAccount,
) -> Result<Applied> {
    let current = users::user(store, id).await?;
    let input = parse_user(&c.display_name, &c.role, &c.organisation_id, &c.team_ids)
        .map_err(Error::Invalid)?;
    if own_account(actor, id) {
        let mut teams = input.team_ids.clone();
        let mut had = current.team_ids.clone();
        teams.sort();
        had.sort();
        if input.role != current.role
            || input.organisation_id != current.organisation_id
            || teams != had
            || c.active != current.active
        {
            return Err(refuse_own(store, actor, id, "user.update.own_refused").await);
        }
    }
    let version = crate::input::version_required(c.version)?;
    let granted = input.role != current.role && policy::reads_client_data(input.role);
    let reason = if granted {
        Some(reason_for(&c.reason)?)
    } else {
        None
    };
    let waits = reason.is_some() && four_eyes(store, actor).await?;
    let update = UserUpdate {
        display_name: input.display_name,
        role: if waits { current.role } else { input.role },
        organisation_id: input.organisation_id,
        active: c.active,
        team_ids: input.team_ids,
    };
    let mut tx = store.begin().await?;
    users::update_user(&mut tx, actor, id, version, &update)
        .await
        .map_err(user_write_problem)?;
    if let (Some(reason), false) = (&reason, waits) {
        record_grant(&mut tx, actor, id, reason).await?;
    }
    let applied = match &reason {
        Some(reason) if waits => Applied::AwaitingApproval(
            approvals::request(
                &mut tx,
                actor,
                Kind::Role,
                id,
                Some(input.role),
                false,
                reason,
                actor.user_id.as_deref().unwrap_or_default(),
            )
            .await?,
        ),
        _ => Applied::Done,
    };
    tx.commit().await?;
    Ok(applied)
}

/// A fresh, unconfirmed second factor: the user enrols again at the next login. Never
/// one's own; an administrator's needs a reason and, with a second administrator, their
/// approval.
pub async fn reset_mfa(
    store: &Store,
    actor: &Actor,
    id: &str,
    reason: Option<String>,
) -> Result<Applied> {
    if own_account(actor, id) {
        return Err(refuse_own(store, actor, id, "user.mfa_reset.own_refused").await);
    }
    let target = users::user(store, id).await?;
    if target.role == Role::Administrator {
        let reason = reason_for(&reason)?;
        if four_eyes(store, actor).await? {
            let mut tx = store.begin().await?;
            let approval = approvals::request(
                &mut tx,
                actor,
                Kind::MfaReset,
                id,
                None,
                false,
                &reason,
                actor.user_id.as_deref().unwrap_or_default(),
            )
            .await?;
            tx.commit().await?;
            return Ok(Applied::AwaitingApproval(approval));
        }
    }
    let mut tx = store.begin().await?;
    users::reset_mfa(&mut tx, actor, id, &credentials::new_totp_secret()).await?;
    tx.commit().await?;
    Ok(Applied::Done)
}

/// The changes waiting for a second administrator.
pub async fn pending_approvals(store: &Store) -> Result<Vec<approvals::Approval>> {
    Ok(approvals::pending(store).await?)
}

/// Another administrator than the one who asked approves (the change is made, in the
/// same transaction) or refuses a waiting change.
pub async fn decide(store: &Store, actor: &Actor, id: &str, approve: bool) -> Result<()> {
    let decider = actor.user_id.clone().unwrap_or_default();
    let mut tx = store.begin().await?;
    let a = approvals::decide(&mut tx, actor, id, &decider, approve).await?;
    if approve {
        match a.kind {
            Kind::Role => {
                let role = a
                    .role
                    .as_deref()
                    .and_then(Role::parse)
                    .ok_or(Error::NotFound)?;
                users::set_role(&mut tx, actor, &a.user_id, role, a.activate).await?;
            }
            Kind::MfaReset => {
                users::reset_mfa(&mut tx, actor, &a.user_id, &credentials::new_totp_secret())
                    .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

pub fn parse_username(field: &'static str, s: &str) -> Result<String, Problem> {
    let u = s.trim().to_lowercase();
    let ok = (3..=64).contains(&u.len())
        && u.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(u)
    } else {
        Err(Problem::new(
            field,
            "Gebruik 3 tot 64 kleine letters, cijfers, punten, streepjes of liggende streepjes.",
            "Use 3 to 64 lower-case letters, digits, dots, hyphens or underscores.",
        ))
    }
}

struct UserInput {
    pub display_name: String,
    pub role: Role,
    pub organisation_id: String,
    pub team_ids: Vec<String>,
}

fn parse_user(
    display_name: &str,
    role: &str,
    organisation_id: &str,
    team_ids: &[String],
) -> Result<UserInput, Vec<Problem>> {
    let mut errors = Vec::new();
    let display_name = required_text(&mut errors, "display_name", display_name, 200);
    let role = Role::parse(role);
    if role.is_none() {
        errors.push(choose("role"));
    }
    if organisation_id.trim().is_empty() {
        errors.push(choose("organisation_id"));
    }
    let mut teams: Vec<String> = Vec::new();
    for t in team_ids {
        if !teams.contains(t) {
            teams.push(t.clone());
        }
    }
    match role {
        Some(role) if errors.is_empty() => Ok(UserInput {
            display_name,
            role,
            organisation_id: organisation_id.trim().into(),
            team_ids: teams,
        }),
        _ => Err(errors),
    }
}

/// Checks a new password against the policy, with the username and name as words a
/// guesser would try first. On a blocking thread: the guessability estimate takes up to
/// half a second for some long passwords, which must not stall other requests.
pub async fn check_password(
    field: &'static str,
    pw: &str,
    username: &str,
    display_name: &str,
) -> Result<(), Problem> {
    let (pw, username, display_name) =
        (pw.to_owned(), username.to_owned(), display_name.to_owned());
    tokio::task::spawn_blocking(move || {
        password::check(field, &pw, &[&username, &display_name]).map_err(Problem::from)
    })
    .await
    .unwrap_or_else(|e| {
        // The user may simply try again.
        tracing::error!("password check failed: {e}");
        Err(Problem::new(
            field,
            "Het wachtwoord kon niet worden gecontroleerd; probeer het opnieuw.",
            "The password could not be checked; try again.",
        ))
    })
}

/// The fields of a new account, parsed and checked, with its password hashed and a
/// fresh, unconfirmed second factor: the user enrols at first login.
async fn parse_new_user(
    username: &str,
    display_name: &str,
    role: &str,
    organisation_id: &str,
    team_ids: &[String],
    password: &str,
) -> Result<NewUser, Error> {
    let mut problems = Vec::new();
    let parsed_username = parse_username("username", username)
        .map_err(|p| problems.push(p))
        .ok();
    let input = parse_user(display_name, role, organisation_id, team_ids)
        .map_err(|e| problems.extend(e))
        .ok();
    if let Err(p) = check_password("password", password, username, display_name).await {
        problems.push(p);
    }
    let (Some(username), Some(input), true) = (parsed_username, input, problems.is_empty()) else {
        return Err(Error::Invalid(problems));
    };
    let pw = password.to_owned();
    let password_hash = tokio::task::spawn_blocking(move || credentials::hash_password(&pw))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(NewUser {
        username,
        display_name: input.display_name,
        role: input.role,
        organisation_id: input.organisation_id,
        password_hash,
        totp_secret: credentials::new_totp_secret(),
        totp_confirmed: false,
        team_ids: input.team_ids,
    })
}

fn user_write_problem(e: eenplan_store::Error) -> Error {
    match e {
        eenplan_store::Error::UnknownReference => Error::invalid(Problem::new(
            "organisation_id",
            "Onbekende organisatie of team.",
            "Unknown organisation or team.",
        )),
        other => other.into(),
    }
}
