//! The application layer: each use case written once, for the pages, the JSON API and
//! the command line alike.
//!
//! A use case takes the [`Caller`] and its input, asks the store for a grant (why the
//! caller may touch the record), runs its one transaction with the audit record the grant
//! decides, and answers a typed outcome or an [`Error`] that names the field. The web
//! crate maps [`Error`] to HTTP and to pages; it does not talk to the database itself.

pub mod access;
pub mod account;
pub mod audit;
pub mod case_access;
pub mod cases;
pub mod catalogue;
pub mod cbs;
pub mod costs;
pub mod declarations;
pub mod directory;
pub mod error;
pub mod input;
pub mod login;
pub mod messages;
pub mod plan;
pub mod registration;
pub mod reports;
pub mod settings;
pub mod treatment_team;
pub mod users;

pub use error::{Error, Problem, Result};

use eenplan_domain::Role;
use eenplan_store::audit::Actor;
use eenplan_store::sessions::Principal;

/// Records that `caller` was refused `object` (audited like the route guard's refusals)
/// and answers the error to return.
pub async fn refuse(
    store: &eenplan_store::Store,
    caller: &Caller,
    event: &str,
    object: (&str, &str),
) -> Error {
    use eenplan_store::audit::{self, Action, Event, Outcome};
    let e = Event::new(event.to_owned(), Action::Refuse)
        .outcome(Outcome::Refused)
        .object(object.0, object.1);
    match audit::record(store, &caller.actor(), &e).await {
        Ok(()) => Error::Forbidden,
        Err(e) => e.into(),
    }
}

/// Who asks: the signed-in principal and where the request comes from (for the audit
/// record).
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    pub address: Option<String>,
    pub user_agent: Option<String>,
}

impl Caller {
    pub fn user_id(&self) -> &str {
        &self.principal.user_id
    }

    pub fn role(&self) -> Role {
        self.principal.role
    }

    pub fn organisation_id(&self) -> &str {
        &self.principal.organisation_id
    }

    /// The actor of the caller's audit records.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.principal.user_id.clone()),
            username: Some(self.principal.username.clone()),
            role: Some(self.principal.role.as_str().into()),
            organisation_id: Some(self.principal.organisation_id.clone()),
            on_behalf_of: None,
            address: self.address.clone(),
            user_agent: self.user_agent.clone(),
        }
    }
}
