//! iJw 3.2 message traffic with the in-kind providers: every message stored as sent or
//! received, the outbox the hub connection (or a provider through the API) fetches from,
//! what a received message does to the assignments (`receive`), the assignments every
//! in-kind decision produces (`assign`) and the reconciliation (`reconcile`).
//!
//! Who sees which messages is a [`Scope`]: the CJG's professionals those of the
//! municipalities their teams serve, a provider's staff their own organisation's.

pub mod assign;
pub mod folder;
pub mod receive;
pub mod reconcile;
pub mod requests;

use crate::audit::{self, Action, Actor, Event};
use crate::cases::next_number;
use crate::{Result, Store, Tx, new_sorted_id, now};
use eenplan_ijw::{Message, MessageType};
use serde::Serialize;
use sqlx::Row;

/// Which messages a user may see.
#[derive(Debug, Clone)]
pub enum Scope {
    /// The municipalities the user's teams serve (the CJG).
    Municipalities(Vec<String>),
    /// One provider organisation.
    Provider(String),
    /// The installation itself (command line, folder exchange).
    All,
}

impl Scope {
    /// The scope of a CJG professional: the municipalities of their teams.
    pub async fn of_professional(store: &Store, user_id: &str) -> Result<Scope> {
        let codes: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT tm.municipality_code FROM team_members m
             JOIN team_municipalities tm ON tm.team_id = m.team_id
             WHERE m.user_id = $1 ORDER BY tm.municipality_code",
        )
        .bind(user_id)
        .fetch_all(store.pool())
        .await?;
        Ok(Scope::Municipalities(codes))
    }

    pub(crate) fn filter(
        &self,
        municipality: &str,
        provider: &str,
        first: usize,
    ) -> (String, Vec<String>) {
        match self {
            Scope::All => (String::new(), Vec::new()),
            Scope::Provider(id) => (format!(" AND {provider} = ${first}"), vec![id.clone()]),
            Scope::Municipalities(codes) if codes.is_empty() => (" AND 1 = 0".into(), Vec::new()),
            Scope::Municipalities(codes) => {
                let marks: Vec<String> = (0..codes.len())
                    .map(|i| format!("${}", first + i))
                    .collect();
                (
                    format!(" AND {municipality} IN ({})", marks.join(", ")),
                    codes.clone(),
                )
            }
        }
    }

    /// SQL (starting with ` AND`) limiting `decisions d` to the scope, with its
    /// parameters numbered from `first`.
    pub(crate) fn decision_filter(&self, first: usize) -> (String, Vec<String>) {
        self.filter("d.municipality_code", "d.provider_id", first)
    }

    /// The same for `ijw_messages m`.
    pub(crate) fn message_filter(&self, first: usize) -> (String, Vec<String>) {
        self.filter("m.municipality_code", "m.provider_id", first)
    }

    pub fn allows(&self, row: &MessageRow) -> bool {
        self.holds(row.municipality_code.as_deref(), row.provider_id.as_deref())
    }

    /// Whether something of `municipality` and `provider` lies within the scope.
    pub fn holds(&self, municipality: Option<&str>, provider: Option<&str>) -> bool {
        match self {
            Scope::All => true,
            Scope::Provider(id) => provider == Some(id.as_str()),
            Scope::Municipalities(codes) => {
                municipality.is_some_and(|c| codes.iter().any(|x| x == c))
            }
        }
    }
}

/// A stored message without its XML.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MessageRow {
    pub id: String,
    /// `in` (from a provider) or `out` (to a provider).
    pub direction: String,
    pub message_type: String,
    pub sender: String,
    pub receiver: String,
    pub identification: String,
    pub dated_on: Option<String>,
    pub bsn: Option<String>,
    pub youth_id: Option<String>,
    pub provider_id: Option<String>,
    pub provider_name: Option<String>,
    pub municipality_code: Option<String>,
    /// in: `accepted` or `rejected`; out: `queued` or `sent`.
    pub status: String,
    /// The retour codes a received message got, space-separated.
    pub retour_codes: String,
    /// Why a received message could not be read at all.
    pub reason: String,
    pub answer_to: Option<String>,
    pub created_at: String,
}

const ROW_COLUMNS: &str = "SELECT m.id, m.direction, m.message_type, m.sender, m.receiver,
        m.identification, m.dated_on, m.bsn, m.youth_id, m.provider_id, o.name AS provider_name,
        m.municipality_code, m.status, m.retour_codes, m.reason, m.answer_to, m.created_at";
const ROW_FROM: &str = " FROM ijw_messages m LEFT JOIN organisations o ON o.id = m.provider_id";

/// The select of [`MessageRow`]s, with the XML as the last column when `xml`.
fn row_select(xml: bool) -> String {
    format!(
        "{ROW_COLUMNS}{}{ROW_FROM}",
        if xml { ", m.xml" } else { "" }
    )
}

fn row_from(r: &sqlx::any::AnyRow) -> Result<MessageRow> {
    Ok(MessageRow {
        id: r.try_get("id")?,
        direction: r.try_get("direction")?,
        message_type: r.try_get("message_type")?,
        sender: r.try_get("sender")?,
        receiver: r.try_get("receiver")?,
        identification: r.try_get("identification")?,
        dated_on: r.try_get("dated_on")?,
        bsn: r.try_get("bsn")?,
        youth_id: r.try_get("youth_id")?,
        provider_id: r.try_get("provider_id")?,
        provider_name: r.try_get("provider_name")?,
        municipality_code: r.try_get("municipality_code")?,
        status: r.try_get("status")?,
        retour_codes: r.try_get("retour_codes")?,
        reason: r.try_get("reason")?,
        answer_to: r.try_get("answer_to")?,
        created_at: r.try_get("created_at")?,
    })
}

/// What to look for in the stored messages; empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub message_type: Option<MessageType>,
    pub direction: Option<String>,
    pub status: Option<String>,
    pub bsn: Option<String>,
    pub youth_id: Option<String>,
    pub identification: Option<String>,
    pub limit: i64,
}

/// Stored messages within the scope, newest first.
pub async fn search(store: &Store, scope: &Scope, s: &Search) -> Result<Vec<MessageRow>> {
    let mut sql = format!("{} WHERE 1 = 1", row_select(false));
    let mut binds: Vec<String> = Vec::new();
    let mut add = |sql: &mut String, column: &str, value: Option<String>| {
        if let Some(v) = value {
            binds.push(v);
            sql.push_str(&format!(" AND {column} = ${}", binds.len()));
        }
    };
    add(
        &mut sql,
        "m.message_type",
        s.message_type.map(|t| t.name().to_owned()),
    );
    add(&mut sql, "m.direction", s.direction.clone());
    add(&mut sql, "m.status", s.status.clone());
    add(&mut sql, "m.bsn", s.bsn.clone());
    add(&mut sql, "m.youth_id", s.youth_id.clone());
    add(&mut sql, "m.identification", s.identification.clone());
    let (scope_sql, scope_binds) = scope.message_filter(binds.len() + 1);
    sql.push_str(&scope_sql);
    binds.extend(scope_binds);
    sql.push_str(&format!(
        " ORDER BY m.created_at DESC, m.id DESC LIMIT {}",
        s.limit.clamp(1, 1000)
    ));
    let mut q = sqlx::query(&sql);
    for b in binds {
        q = q.bind(b);
    }
    q.fetch_all(store.pool())
        .await?
        .iter()
        .map(row_from)
        .collect()
}

/// One stored message with its XML exactly as sent or received.
pub async fn message(store: &Store, id: &str) -> Result<(MessageRow, String)> {
    let r = sqlx::query(&format!("{} WHERE m.id = $1", row_select(true)))
        .bind(id)
        .fetch_optional(store.pool())
        .await?
        .ok_or(crate::Error::NotFound)?;
    let xml: String = r.try_get("xml")?;
    Ok((row_from(&r)?, xml))
}

/// The links of a stored message to the product's data.
#[derive(Debug, Clone, Default)]
pub struct Links {
    pub youth_id: Option<String>,
    pub provider_id: Option<String>,
    pub municipality_code: Option<String>,
    pub answer_to: Option<String>,
}

/// The next identification of a message `kind` from `sender`: a running number, unique
/// per type per sender (TR056), at most 12 characters.
pub(crate) async fn next_identification(
    tx: &mut Tx,
    sender: &str,
    kind: MessageType,
) -> Result<String> {
    let n = next_number(tx, &format!("ijw:{sender}:{}", kind.name())).await?;
    Ok(n.to_string())
}

/// Stores an outgoing message in the outbox.
pub(crate) async fn queue(tx: &mut Tx, msg: &Message, links: &Links) -> Result<String> {
    let id = new_sorted_id();
    let h = msg.header();
    sqlx::query(
        "INSERT INTO ijw_messages (id, direction, message_type, sender, receiver, identification,
            dated_on, bsn, youth_id, provider_id, municipality_code, status, answer_to, xml, created_at)
         VALUES ($1, 'out', $2, $3, $4, $5, $6, $7, $8, $9, $10, 'queued', $11, $12, $13)",
    )
    .bind(&id)
    .bind(msg.message_type().name())
    .bind(&h.afzender)
    .bind(&h.ontvanger)
    .bind(&h.identificatie)
    .bind(h.dagtekening.to_string())
    .bind(msg.bsn().map(str::to_owned))
    .bind(&links.youth_id)
    .bind(&links.provider_id)
    .bind(&links.municipality_code)
    .bind(&links.answer_to)
    .bind(eenplan_ijw::to_xml(msg))
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Outgoing messages not yet fetched, oldest first; a provider's own only.
pub async fn outbox(store: &Store, scope: &Scope, limit: i64) -> Result<Vec<(MessageRow, String)>> {
    let (scope_sql, binds) = scope.message_filter(1);
    let sql = format!(
        "{} WHERE m.direction = 'out' AND m.status = 'queued'{scope_sql}
         ORDER BY m.created_at, m.id LIMIT {}",
        row_select(true),
        limit.clamp(1, 1000)
    );
    let mut q = sqlx::query(&sql);
    for b in binds {
        q = q.bind(b);
    }
    let rows = q.fetch_all(store.pool()).await?;
    rows.iter()
        .map(|r| Ok((row_from(r)?, r.try_get("xml")?)))
        .collect()
}

/// Marks outgoing messages as sent (fetched through the API or written to the folder),
/// with the audit record of the acknowledgement naming the youths of those messages.
pub async fn mark_sent(tx: &mut Tx, actor: &Actor, ids: &[String]) -> Result<u64> {
    let mut n = 0;
    let mut clients = std::collections::BTreeSet::new();
    for id in ids {
        let youth: Option<Option<String>> = sqlx::query_scalar(
            "UPDATE ijw_messages SET status = 'sent' WHERE id = $1 AND direction = 'out' AND status = 'queued'
             RETURNING youth_id",
        )
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(youth) = youth {
            n += 1;
            clients.extend(youth);
        }
    }
    if n == 0 {
        tx.without_audit("no message was marked");
    } else {
        let event = Event::new("ijw.outbox.sent", Action::Update)
            .object("ijw_messages", ids.join(","))
            .clients(clients);
        audit::append(tx, actor, &event).await?;
    }
    Ok(n)
}
