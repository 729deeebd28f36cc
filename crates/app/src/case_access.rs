//! Opening a case: the access check every use case on a case starts with. It answers the
//! store's [`CaseGrant`] (why the caller may), which every read of the case's content
//! takes; a refusal is answered `Forbidden` and audited.

use crate::{Caller, Error, Result};
use eenplan_store::Store;
use eenplan_store::audit::{self, Action, Event};
use eenplan_store::cases::{self, BreakGlassAccess, CaseSummary, Opened};
use eenplan_store::grant::CaseGrant;

/// The case for the caller: `NotFound` when it does not exist, `Forbidden` (audited) when
/// the caller has no basis to open it.
pub async fn open(store: &Store, caller: &Caller, case_id: &str) -> Result<CaseGrant> {
    match ask(store, caller, case_id).await? {
        Opened::Granted(grant) => Ok(grant),
        Opened::Refused(_) => refuse(store, caller, case_id).await,
    }
}

/// Like [`open`], but a refusal answers the case's summary (for the page that offers to
/// break the glass) after auditing it.
pub async fn open_or_locked(
    store: &Store,
    caller: &Caller,
    case_id: &str,
) -> Result<Result<CaseGrant, CaseSummary>> {
    match ask(store, caller, case_id).await? {
        Opened::Granted(grant) => Ok(Ok(grant)),
        Opened::Refused(summary) => {
            cases::record_refusal(store, &caller.actor(), case_id).await?;
            Ok(Err(summary))
        }
    }
}

/// For the steps only the holding team takes (transitions, assignment).
pub async fn run(store: &Store, caller: &Caller, case_id: &str) -> Result<CaseGrant> {
    let grant = open(store, caller, case_id).await?;
    if grant.may_run() {
        Ok(grant)
    } else {
        refuse(store, caller, case_id).await
    }
}

/// For changes to the family, its network and its plan (see [`CaseGrant::may_write`]).
pub async fn write(store: &Store, caller: &Caller, case_id: &str) -> Result<CaseGrant> {
    let grant = open(store, caller, case_id).await?;
    writable(store, caller, grant).await
}

/// The grant, if it allows changes; refused and audited otherwise.
pub async fn writable(store: &Store, caller: &Caller, grant: CaseGrant) -> Result<CaseGrant> {
    if grant.may_write() {
        Ok(grant)
    } else {
        refuse(store, caller, grant.case_id()).await
    }
}

/// For involving professionals and choosing the coordinator.
pub async fn coordinate(store: &Store, caller: &Caller, grant: &CaseGrant) -> Result<()> {
    if grant.may_coordinate() {
        Ok(())
    } else {
        refuse(store, caller, grant.case_id()).await
    }
}

/// Appends `event` about the case (a print, an export) with the family's clients, flagged
/// when the glass was broken.
pub async fn record(store: &Store, caller: &Caller, grant: &CaseGrant, event: Event) -> Result<()> {
    let mut conn = store.acquire().await?;
    let clients = cases::client_ids(&mut conn, grant.family_id()).await?;
    drop(conn);
    let mut event = event.clients(clients);
    event.break_glass = grant.basis() == eenplan_store::grant::Basis::BreakGlass;
    Ok(audit::record(store, &caller.actor(), &event).await?)
}

/// Records that the caller read `what` of the case (as the grant says).
pub async fn record_read(
    store: &Store,
    caller: &Caller,
    grant: &CaseGrant,
    what: &str,
) -> Result<()> {
    Ok(cases::record_read(store, &caller.actor(), grant, what).await?)
}

/// Records a refusal on the case and answers `Forbidden`.
pub async fn refuse<T>(store: &Store, caller: &Caller, case_id: &str) -> Result<T> {
    cases::record_refusal(store, &caller.actor(), case_id).await?;
    Err(Error::Forbidden)
}

async fn ask(store: &Store, caller: &Caller, case_id: &str) -> Result<Opened> {
    let mut conn = store.acquire().await?;
    Ok(cases::open(&mut conn, caller.user_id(), case_id).await?)
}

/// Records that the caller read a list naming cases (a work list, a search): the clients
/// of those cases are named in the audit record.
pub async fn record_list(
    store: &Store,
    caller: &Caller,
    event: &str,
    case_ids: impl Iterator<Item = String>,
) -> Result<()> {
    let ids: Vec<String> = case_ids.collect();
    let clients = cases::clients_of_cases(store, &ids).await?;
    let e = Event::new(event, Action::Read)
        .object("cases", ids.join(","))
        .clients(clients);
    Ok(audit::record(store, &caller.actor(), &e).await?)
}

/// The break-the-glass accesses to the cases of the caller's teams, for review; the list
/// names who opened which family's case, so its read is audited.
pub async fn break_glass_accesses(store: &Store, caller: &Caller) -> Result<Vec<BreakGlassAccess>> {
    let rows = cases::break_glass_accesses(store, caller.user_id()).await?;
    record_list(
        store,
        caller,
        "break_glass.review_list",
        rows.iter().map(|r| r.case_id.clone()),
    )
    .await?;
    Ok(rows)
}

/// The reviewer marks a break-the-glass access reviewed (the store refuses an access
/// outside the reviewer's teams).
pub async fn mark_reviewed(store: &Store, caller: &Caller, access_id: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    cases::review_break_glass(&mut tx, &caller.actor(), caller.user_id(), access_id).await?;
    tx.commit().await?;
    Ok(())
}
