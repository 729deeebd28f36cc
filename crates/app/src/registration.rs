//! Registration: the duplicate check before a question is registered.

use crate::{Caller, Result};
use chrono::NaiveDate;
use eenplan_domain::Bsn;
use eenplan_store::Store;
use eenplan_store::audit::{self, Action, Event};
use eenplan_store::cases::{self, Match};

/// The youths already known that may be the one being registered, as the caller may see
/// them (another team's client only as "known at team X"). The lookup is audited as a
/// search naming the youths found.
pub async fn likely_duplicates(
    store: &Store,
    caller: &Caller,
    name: &str,
    birth_date: Option<NaiveDate>,
    bsn: Option<Bsn>,
) -> Result<Vec<Match>> {
    let matches = cases::likely_matches(store, caller.user_id(), name, birth_date, bsn).await?;
    if !matches.is_empty() {
        let event = Event::new("youth.duplicate_check", Action::Search)
            .clients(matches.iter().map(|m| m.person_id.clone()));
        audit::record(store, &caller.actor(), &event).await?;
    }
    Ok(matches)
}
