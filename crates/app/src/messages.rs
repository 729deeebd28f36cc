//! iJw message traffic as people use it: a provider delivers a message and reads what is
//! addressed to it; the CJG searches messages, settles providers' requests (JW315) and
//! reads the reconciliation. Scopes decide who sees which message; every read is
//! audited with the youths it names.

use crate::case_access;
use crate::{Caller, Error, Problem, Result};
use eenplan_domain::Role;
use eenplan_ijw::MessageType;
use eenplan_ijw::codes::RedenAfwijzingVerzoek;
use eenplan_store::Store;
use eenplan_store::audit::{self, Action, Event};
use eenplan_store::ijw::receive::{self, Incoming, Origin, Received};
use eenplan_store::ijw::reconcile::{self, Reconciliation, Subject};
use eenplan_store::ijw::requests::{self, Answer, ProviderRequest};
use eenplan_store::ijw::{self, MessageRow, Scope, Search};
use serde::Deserialize;

/// Whose messages the user sees.
pub async fn scope_of(store: &Store, caller: &Caller) -> Result<Scope, Error> {
    Ok(match caller.principal.role {
        Role::ProviderStaff => Scope::Provider(caller.principal.organisation_id.clone()),
        _ => Scope::of_professional(store, caller.user_id()).await?,
    })
}

pub fn is_provider(caller: &Caller) -> bool {
    caller.principal.role == Role::ProviderStaff
}

/// What a provider sees of a message: what it sent or was sent, never the region's link
/// to a youth (whether a BSN is known here, and as whom, is the CJG's to know).
fn redact_message(caller: &Caller, m: &mut MessageRow) {
    if is_provider(caller) {
        m.youth_id = None;
    }
}

/// What a provider sees of its own request: its content, not the youth, case or access
/// request the CJG linked it to.
fn redact_request(caller: &Caller, r: &mut ProviderRequest) {
    if is_provider(caller) {
        r.youth_id = None;
        r.youth_name = None;
        r.case_id = None;
        r.access_request_id = None;
    }
}

/// Refuses (403, audited) what only the CJG does.
async fn cjg_only(store: &Store, caller: &Caller, what: &str) -> Result<(), Error> {
    if is_provider(caller) {
        return Err(crate::refuse(store, caller, "access.refused", (what, "cjg")).await);
    }
    Ok(())
}

/// The distinct youths a list names, for its audit record.
pub fn distinct(ids: impl IntoIterator<Item = String>) -> Vec<String> {
    ids.into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchQuery {
    #[serde(default, alias = "type")]
    pub soort: String,
    #[serde(default, alias = "direction")]
    pub richting: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub bsn: String,
    #[serde(default, alias = "identification")]
    pub identificatie: String,
}

/// Searches the messages in the user's scope, audited with the youths they name.
pub async fn search_action(
    store: &Store,
    caller: &Caller,
    q: &SearchQuery,
) -> Result<Vec<MessageRow>, Error> {
    let search = q.search()?;
    let scope = scope_of(store, caller).await?;
    let mut rows = ijw::search(store, &scope, &search).await?;
    audit::record(
        store,
        &caller.actor(),
        &Event::new("ijw.search", Action::Read)
            .object("ijw_messages", "search")
            .clients(distinct(rows.iter().filter_map(|r| r.youth_id.clone()))),
    )
    .await?;
    rows.iter_mut().for_each(|r| redact_message(caller, r));
    Ok(rows)
}

/// One message with its XML, if the user's scope holds it (403 otherwise, audited).
pub async fn message_action(
    store: &Store,
    caller: &Caller,
    id: &str,
) -> Result<(MessageRow, String), Error> {
    let (row, xml) = ijw::message(store, id).await?;
    if !scope_of(store, caller).await?.allows(&row) {
        return Err(crate::refuse(store, caller, "access.refused", ("ijw_message", id)).await);
    }
    audit::record(
        store,
        &caller.actor(),
        &Event::new("ijw.message.read", Action::Read)
            .object("ijw_message", id)
            .clients(row.youth_id.iter().cloned().collect::<Vec<_>>()),
    )
    .await?;
    let mut row = row;
    redact_message(caller, &mut row);
    Ok((row, xml))
}

/// What a provider handed in: a message, or only the size of one too large to read.
pub enum Delivered {
    Message(Vec<u8>),
    TooLarge(u64),
}

/// A provider delivers a message (the sender must be its own organisation). It is read
/// before the write transaction starts (see `Incoming`).
pub async fn deliver_action(
    store: &Store,
    caller: &Caller,
    delivered: Delivered,
) -> Result<Received, Error> {
    if !is_provider(caller) {
        return Err(crate::refuse(store, caller, "access.refused", ("ijw", "deliver")).await);
    }
    let today = eenplan_store::today();
    let incoming = match delivered {
        Delivered::Message(bytes) => Incoming::read_apart(bytes, today).await?,
        Delivered::TooLarge(size) => Incoming::oversized(size, today),
    };
    let r = receive::receive_read(
        store,
        &caller.actor(),
        Origin::Provider(&caller.principal.organisation_id),
        &incoming,
    )
    .await?;
    Ok(r)
}

/// The requests in the user's scope: still to settle, or all.
pub async fn requests_action(
    store: &Store,
    caller: &Caller,
    open_only: bool,
) -> Result<Vec<ProviderRequest>, Error> {
    let scope = scope_of(store, caller).await?;
    let mut list = requests::requests(store, &scope, open_only).await?;
    let clients = distinct(list.iter().filter_map(|r| r.youth_id.clone()));
    audit::record(
        store,
        &caller.actor(),
        &Event::new("ijw.request.list", Action::Read)
            .object("ijw_requests", if open_only { "open" } else { "all" })
            .clients(clients),
    )
    .await?;
    list.iter_mut().for_each(|r| redact_request(caller, r));
    Ok(list)
}

/// The request, if the user's scope holds it (403 otherwise, audited).
pub async fn request_in_scope(
    store: &Store,
    caller: &Caller,
    id: &str,
) -> Result<ProviderRequest, Error> {
    let mut conn = store
        .pool()
        .acquire()
        .await
        .map_err(eenplan_store::Error::from)?;
    let r = requests::request(&mut conn, id).await?;
    drop(conn);
    let scope = scope_of(store, caller).await?;
    if !scope.holds(Some(&r.municipality_code), Some(&r.provider_id)) {
        return Err(crate::refuse(store, caller, "access.refused", ("ijw_request", id)).await);
    }
    Ok(r)
}

/// Answer a provider's request (JW315) with a JW319: refuse with a reason, or under
/// investigation (the CJG only).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = AnswerBody)]
pub struct AnswerRequest {
    /// `refuse` (with `reason`) or `investigate`.
    #[serde(default)]
    pub answer: String,
    /// The reason of a refusal, code list WJ759 (1 ... 9).
    pub reason: Option<String>,
}

impl AnswerRequest {
    pub fn from_form(f: &crate::input::Fields) -> AnswerRequest {
        let reason = f.get("reason");
        AnswerRequest {
            answer: f.get("answer").into(),
            reason: (!reason.trim().is_empty()).then(|| reason.to_owned()),
        }
    }
}

/// Sends the answer; answers the JW319's id.
pub async fn answer(
    store: &Store,
    caller: &Caller,
    id: &str,
    c: &AnswerRequest,
) -> Result<String, Error> {
    cjg_only(store, caller, "ijw_request").await?;
    request_in_scope(store, caller, id).await?;
    let reason = c.reason.as_deref().unwrap_or("").trim();
    let answer = match c.answer.as_str() {
        "refuse" => Answer::Refused(RedenAfwijzingVerzoek::from_code(reason).ok_or_else(|| {
            Error::invalid(Problem::new(
                "reason",
                "Kies de reden van de afwijzing.",
                "Choose the reason for the refusal.",
            ))
        })?),
        "investigate" => Answer::Investigating,
        _ => {
            return Err(Error::invalid(Problem::new(
                "answer",
                "Kies: afwijzen of in onderzoek.",
                "Choose: refuse or under investigation.",
            )));
        }
    };
    let mut tx = store.begin().await?;
    let message =
        requests::answer(&mut tx, &caller.actor(), id, answer, eenplan_store::today()).await?;
    tx.commit().await?;
    Ok(message)
}

/// Makes a draft access request on the youth's case from the provider's request.
pub async fn make_request_action(
    store: &Store,
    caller: &Caller,
    id: &str,
) -> Result<String, Error> {
    cjg_only(store, caller, "ijw_request").await?;
    let request = request_in_scope(store, caller, id).await?;
    // The draft lands on the youth's case: only for someone who runs that case.
    if let Some(case_id) = &request.case_id {
        case_access::run(store, caller, case_id).await?;
    }
    let mut tx = store.begin().await?;
    let access = requests::make_access_request(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        id,
        eenplan_store::today(),
    )
    .await?;
    tx.commit().await?;
    Ok(access)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReconcileQuery {
    #[serde(default, alias = "youth_id")]
    pub jeugdige: String,
    #[serde(default, alias = "provider_id")]
    pub aanbieder: String,
    /// The decisions running within `van`..=`tot` (YYYY-MM-DD); by default those of the
    /// last three months and the coming year.
    #[serde(default, alias = "from")]
    pub van: String,
    #[serde(default, alias = "to")]
    pub tot: String,
}

/// The reconciliation of a youth or a provider within the user's scope (a provider's
/// staff: their own organisation), audited with the youths it names.
pub async fn reconcile_action(
    store: &Store,
    caller: &Caller,
    q: &ReconcileQuery,
) -> Result<Option<Reconciliation>, Error> {
    let scope = scope_of(store, caller).await?;
    let subject = match (q.jeugdige.trim(), q.aanbieder.trim(), &scope) {
        ("", "", Scope::Provider(own)) => Subject::Provider(own.clone()),
        ("", "", _) => return Ok(None),
        (youth, "", _) => Subject::Youth(youth.to_owned()),
        (_, provider, _) => Subject::Provider(provider.to_owned()),
    };
    let result =
        reconcile::reconcile(store, &scope, &subject, q.period()?, eenplan_store::today()).await?;
    let clients = distinct(result.lines.iter().map(|l| l.youth_id.clone()));
    audit::record(
        store,
        &caller.actor(),
        &Event::new("ijw.reconcile", Action::Read)
            .object(
                match subject {
                    Subject::Youth(_) => "person",
                    Subject::Provider(_) => "organisation",
                },
                match &subject {
                    Subject::Youth(id) | Subject::Provider(id) => id.as_str(),
                },
            )
            .clients(clients),
    )
    .await?;
    Ok(Some(result))
}

impl SearchQuery {
    fn search(&self) -> Result<Search, Error> {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let message_type = match some(&self.soort) {
            None => None,
            Some(t) => Some(MessageType::from_name(&t.to_uppercase()).ok_or_else(|| {
                Error::invalid(Problem::new(
                    "soort",
                    "Kies een berichtsoort als JW301.",
                    "Choose a message type such as JW301.",
                ))
            })?),
        };
        let direction = some(&self.richting);
        if direction
            .as_deref()
            .is_some_and(|d| !matches!(d, "in" | "out"))
        {
            return Err(Error::invalid(Problem::new(
                "richting",
                "Richting is in of out.",
                "Direction is in or out.",
            )));
        }
        let status = some(&self.status);
        if status
            .as_deref()
            .is_some_and(|s| !matches!(s, "accepted" | "rejected" | "queued" | "sent"))
        {
            return Err(Error::invalid(Problem::new(
                "status",
                "Status is accepted, rejected, queued of sent.",
                "Status is accepted, rejected, queued or sent.",
            )));
        }
        Ok(Search {
            message_type,
            direction,
            status,
            bsn: some(&self.bsn),
            youth_id: None,
            identification: some(&self.identificatie),
            limit: 200,
        })
    }
}

impl ReconcileQuery {
    fn period(&self) -> Result<(chrono::NaiveDate, chrono::NaiveDate), Error> {
        let today = eenplan_store::today();
        let date = |field: &str, s: &str, default: chrono::NaiveDate| {
            let s = s.trim();
            if s.is_empty() {
                return Ok(default);
            }
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                Error::invalid(Problem::new(
                    field,
                    "Geef een datum als 2026-01-31.",
                    "Give a date such as 2026-01-31.",
                ))
            })
        };
        let from = date("van", &self.van, today - chrono::Duration::days(92))?;
        let to = date("tot", &self.tot, today + chrono::Duration::days(365))?;
        let period = eenplan_domain::DateRange::new("tot", from, to)?;
        Ok((period.start(), period.end()))
    }
}

/// A provider acknowledges a message fetched from its outbox: only a message addressed
/// to its own organisation (anyone else: 403, audited), and the acknowledgement is
/// audited with the youth it names.
pub async fn acknowledge(store: &Store, caller: &Caller, id: &str) -> Result<()> {
    let (row, _) = ijw::message(store, id).await?;
    let own = Scope::Provider(caller.organisation_id().to_owned());
    if !is_provider(caller) || !own.allows(&row) {
        return Err(crate::refuse(store, caller, "access.refused", ("ijw_message", id)).await);
    }
    if row.direction != "out" {
        return Err(Error::NotFound);
    }
    let mut tx = store.begin().await?;
    ijw::mark_sent(&mut tx, &caller.actor(), &[id.to_owned()]).await?;
    tx.commit().await?;
    Ok(())
}
