//! The audit log (NEN 7513): who did what to which client's data, when, from where and
//! why. Append-only (database triggers refuse UPDATE and DELETE on both backends) and
//! tamper-evident: each record's hash covers its content and the previous record's hash,
//! so `eenplan audit verify` finds the first altered, removed or inserted record.

use crate::{Error, Result, Store, Tx, new_sorted_id, now};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

/// Who acts, and from where. Built once per request from the session.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Actor {
    pub user_id: Option<String>,
    pub username: Option<String>,
    pub role: Option<String>,
    pub organisation_id: Option<String>,
    pub on_behalf_of: Option<String>,
    pub address: Option<String>,
    pub user_agent: Option<String>,
}

impl Actor {
    /// The command line, acting as the operator of the installation.
    pub fn system(what: &str) -> Actor {
        Actor {
            username: Some(format!("system:{what}")),
            address: Some("local".into()),
            ..Actor::default()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Read,
    Update,
    Delete,
    Search,
    Export,
    Print,
    Login,
    Logout,
    Mfa,
    Refuse,
    Execute,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Read => "read",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Search => "search",
            Action::Export => "export",
            Action::Print => "print",
            Action::Login => "login",
            Action::Logout => "logout",
            Action::Mfa => "mfa",
            Action::Refuse => "refuse",
            Action::Execute => "execute",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Refused,
    Failure,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Refused => "refused",
            Outcome::Failure => "failure",
        }
    }
}

/// One event to record. Built with [`Event::new`] and the chained setters.
#[derive(Debug, Clone)]
pub struct Event {
    pub event: String,
    pub action: Action,
    pub outcome: Outcome,
    pub client_ids: Vec<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub purpose: Option<String>,
    pub break_glass: bool,
}

impl Event {
    pub fn new(event: impl Into<String>, action: Action) -> Event {
        Event {
            event: event.into(),
            action,
            outcome: Outcome::Success,
            client_ids: Vec::new(),
            object_type: None,
            object_id: None,
            purpose: None,
            break_glass: false,
        }
    }
    pub fn outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }
    pub fn object(mut self, kind: &str, id: impl Into<String>) -> Self {
        self.object_type = Some(kind.into());
        self.object_id = Some(id.into());
        self
    }
    pub fn clients(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.client_ids.extend(ids);
        self
    }
    pub fn purpose(mut self, purpose: impl Into<String>) -> Self {
        self.purpose = Some(purpose.into());
        self
    }
}

/// A stored audit record.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub seq: i64,
    pub id: String,
    pub at: String,
    pub event: String,
    pub outcome: String,
    pub user_id: Option<String>,
    pub username: Option<String>,
    pub role: Option<String>,
    pub on_behalf_of: Option<String>,
    pub organisation_id: Option<String>,
    pub client_ids: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub action: String,
    pub address: Option<String>,
    pub user_agent: Option<String>,
    pub purpose: Option<String>,
    pub break_glass: bool,
    pub prev_hash: String,
    pub hash: String,
}

impl Record {
    /// The hash over every field but `hash` itself, as a JSON array so no two different
    /// records share an encoding.
    fn compute_hash(&self) -> String {
        let content = serde_json::json!([
            self.seq,
            self.id,
            self.at,
            self.event,
            self.outcome,
            self.user_id,
            self.username,
            self.role,
            self.on_behalf_of,
            self.organisation_id,
            self.client_ids,
            self.object_type,
            self.object_id,
            self.action,
            self.address,
            self.user_agent,
            self.purpose,
            self.break_glass,
            self.prev_hash,
        ]);
        hex::encode(Sha256::digest(content.to_string().as_bytes()))
    }

    fn from_row(row: &sqlx::any::AnyRow) -> Result<Record> {
        Ok(Record {
            seq: row.try_get("seq")?,
            id: row.try_get("id")?,
            at: row.try_get("at")?,
            event: row.try_get("event")?,
            outcome: row.try_get("outcome")?,
            user_id: row.try_get("user_id")?,
            username: row.try_get("username")?,
            role: row.try_get("role")?,
            on_behalf_of: row.try_get("on_behalf_of")?,
            organisation_id: row.try_get("organisation_id")?,
            client_ids: row.try_get("client_ids")?,
            object_type: row.try_get("object_type")?,
            object_id: row.try_get("object_id")?,
            action: row.try_get("action")?,
            address: row.try_get("address")?,
            user_agent: row.try_get("user_agent")?,
            purpose: row.try_get("purpose")?,
            break_glass: row.try_get::<i64, _>("break_glass")? != 0,
            prev_hash: row.try_get("prev_hash")?,
            hash: row.try_get("hash")?,
        })
    }
}

/// Appends one record inside the caller's transaction. Locks the chain head row, so
/// concurrent appends on PostgreSQL queue instead of forking the chain.
pub async fn append(tx: &mut Tx, actor: &Actor, event: &Event) -> Result<()> {
    append_many(tx, &[(actor.clone(), event.clone())]).await
}

/// Appends records in order: the chain head is locked and read once, the records are
/// inserted in multi-row statements, and the head is moved once.
pub(crate) async fn append_many(tx: &mut Tx, events: &[(Actor, Event)]) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    tx.mark_audited();
    // A no-op update takes the row lock on PostgreSQL (SQLite holds the write lock).
    let row = sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut **tx)
        .await?;
    let mut seq: i64 = row.try_get("seq")?;
    let mut prev_hash: String = row.try_get("hash")?;
    let mut records = Vec::with_capacity(events.len());
    for (actor, event) in events {
        seq += 1;
        let mut record = Record {
            seq,
            id: new_sorted_id(),
            at: now(),
            event: event.event.clone(),
            outcome: event.outcome.as_str().into(),
            user_id: actor.user_id.clone(),
            username: actor.username.clone(),
            role: actor.role.clone(),
            on_behalf_of: actor.on_behalf_of.clone(),
            organisation_id: actor.organisation_id.clone(),
            client_ids: (!event.client_ids.is_empty()).then(|| event.client_ids.join(",")),
            object_type: event.object_type.clone(),
            object_id: event.object_id.clone(),
            action: event.action.as_str().into(),
            address: actor.address.clone(),
            user_agent: actor
                .user_agent
                .as_ref()
                .map(|ua| ua.chars().take(300).collect()),
            purpose: event.purpose.clone(),
            break_glass: event.break_glass,
            prev_hash: prev_hash.clone(),
            hash: String::new(),
        };
        record.hash = record.compute_hash();
        prev_hash = record.hash.clone();
        records.push(record);
    }
    const COLUMNS: usize = 20;
    for chunk in records.chunks(50) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|r| {
                let marks: Vec<String> = (1..=COLUMNS)
                    .map(|c| crate::placeholder(tx, r * COLUMNS + c))
                    .collect();
                format!("({})", marks.join(","))
            })
            .collect();
        let sql = format!(
            "INSERT INTO audit_events (seq, id, at, event, outcome, user_id, username, role,
                on_behalf_of, organisation_id, client_ids, object_type, object_id, action,
                address, user_agent, purpose, break_glass, prev_hash, hash) VALUES {}",
            rows.join(",")
        );
        let mut query = sqlx::query(&sql);
        for record in chunk {
            query = query
                .bind(record.seq)
                .bind(&record.id)
                .bind(&record.at)
                .bind(&record.event)
                .bind(&record.outcome)
                .bind(&record.user_id)
                .bind(&record.username)
                .bind(&record.role)
                .bind(&record.on_behalf_of)
                .bind(&record.organisation_id)
                .bind(&record.client_ids)
                .bind(&record.object_type)
                .bind(&record.object_id)
                .bind(&record.action)
                .bind(&record.address)
                .bind(&record.user_agent)
                .bind(&record.purpose)
                .bind(i64::from(record.break_glass))
                .bind(&record.prev_hash)
                .bind(&record.hash);
        }
        query.execute(&mut **tx).await?;
    }
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(&prev_hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Records an event that stands alone (a login, a refusal) in its own transaction.
///
/// Concurrent events are group-committed: one writer task appends all events waiting at
/// that moment in one transaction, so fifty audited reads cost one disk sync instead of
/// fifty. The caller still returns only after its event is durable.
pub async fn record(store: &Store, actor: &Actor, event: &Event) -> Result<()> {
    let Some(writer) = &store.audit_writer else {
        return write_batch(store, &[(actor.clone(), event.clone())]).await;
    };
    let (done, wait) = tokio::sync::oneshot::channel();
    let stopped = || Error::Audit("the audit writer stopped".into());
    writer
        .send(Pending {
            actor: actor.clone(),
            event: event.clone(),
            done,
        })
        .await
        .map_err(|_| stopped())?;
    wait.await.map_err(|_| stopped())?
}

/// An event waiting for the audit writer.
pub struct Pending {
    actor: Actor,
    event: Event,
    done: tokio::sync::oneshot::Sender<Result<()>>,
}

/// Most events committed in one transaction.
const BATCH: usize = 256;

/// Starts the audit writer of `store` (a handle without a writer of its own). It stops
/// when every handle that can send to it is gone.
pub(crate) fn spawn_writer(store: Store) -> tokio::sync::mpsc::Sender<Pending> {
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Pending>(4 * BATCH);
    tokio::spawn(async move {
        while let Some(first) = receiver.recv().await {
            let mut batch = vec![first];
            while batch.len() < BATCH {
                match receiver.try_recv() {
                    Ok(p) => batch.push(p),
                    Err(_) => break,
                }
            }
            let events: Vec<(Actor, Event)> = batch
                .iter()
                .map(|p| (p.actor.clone(), p.event.clone()))
                .collect();
            if write_batch(&store, &events).await.is_ok() {
                for p in batch {
                    let _ = p.done.send(Ok(()));
                }
                continue;
            }
            // One bad event must not fail its neighbours: write them one by one.
            for (p, event) in batch.into_iter().zip(events) {
                let outcome = write_batch(&store, std::slice::from_ref(&event))
                    .await
                    .map_err(|e| {
                        tracing::error!("audit event {} failed: {e}", event.1.event);
                        Error::Audit(e.to_string())
                    });
                let _ = p.done.send(outcome);
            }
        }
    });
    sender
}

async fn write_batch(store: &Store, events: &[(Actor, Event)]) -> Result<()> {
    let mut tx = store.begin().await?;
    append_many(&mut tx, events).await?;
    tx.commit().await
}

/// The outcome of walking the chain.
#[derive(Debug)]
pub struct Verification {
    pub checked: i64,
    /// The first broken record and what is wrong with it.
    pub broken: Option<(i64, String)>,
}

/// Walks the whole chain in order, recomputing every hash.
pub async fn verify(store: &Store) -> Result<Verification> {
    const PAGE: i64 = 5_000;
    // The head and the records from one snapshot: read at different moments, a write
    // in between would look like records removed.
    let mut snapshot = store.snapshot().await?;
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut *snapshot)
        .await?;
    let (head_seq, head_hash): (i64, String) = (head.try_get("seq")?, head.try_get("hash")?);
    let mut expected_prev = "0".repeat(64);
    let mut expected_seq = 1;
    loop {
        let rows = sqlx::query("SELECT * FROM audit_events WHERE seq >= $1 ORDER BY seq LIMIT $2")
            .bind(expected_seq)
            .bind(PAGE)
            .fetch_all(&mut *snapshot)
            .await?;
        let page_len = rows.len() as i64;
        for row in &rows {
            let r = Record::from_row(row)?;
            let fail = |why: String| {
                Ok(Verification {
                    checked: expected_seq - 1,
                    broken: Some((r.seq, why)),
                })
            };
            if r.seq != expected_seq {
                return fail(format!(
                    "record {expected_seq} is missing (next is {})",
                    r.seq
                ));
            }
            if r.prev_hash != expected_prev {
                return fail("prev_hash does not match the previous record's hash".into());
            }
            if r.compute_hash() != r.hash {
                return fail("content does not match its hash (record altered)".into());
            }
            expected_prev = r.hash;
            expected_seq += 1;
        }
        if page_len < PAGE {
            break;
        }
    }
    snapshot.rollback().await?;
    let checked = expected_seq - 1;
    if head_seq != checked || head_hash != expected_prev {
        return Ok(Verification {
            checked,
            broken: Some((
                checked + 1,
                format!("chain head says {head_seq} records; records after {checked} were removed"),
            )),
        });
    }
    Ok(Verification {
        checked,
        broken: None,
    })
}

/// Filters of the audit-log search page and API. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub from: Option<String>,
    pub to: Option<String>,
    pub username: Option<String>,
    pub event: Option<String>,
    pub object_id: Option<String>,
    pub client_id: Option<String>,
    pub outcome: Option<String>,
    /// Only accesses that broke the glass.
    pub break_glass_only: bool,
}

/// The newest `limit` records matching `filter`, newest first.
pub async fn search(store: &Store, filter: &Filter, limit: i64) -> Result<Vec<Record>> {
    let mut sql = String::from("SELECT * FROM audit_events WHERE 1 = 1");
    let mut args: Vec<String> = Vec::new();
    let mut add = |clause: &str, value: &Option<String>| {
        if let Some(v) = value.as_ref().filter(|v| !v.is_empty()) {
            args.push(v.clone());
            sql.push_str(&clause.replace('?', &format!("${}", args.len())));
        }
    };
    add(" AND at >= ?", &filter.from);
    add(" AND at < ?", &filter.to);
    add(" AND username = ?", &filter.username);
    add(" AND event = ?", &filter.event);
    add(" AND object_id = ?", &filter.object_id);
    add(" AND outcome = ?", &filter.outcome);
    let client = filter.client_id.as_ref().map(|c| format!("%{c}%"));
    add(" AND client_ids LIKE ?", &client);
    if filter.break_glass_only {
        sql.push_str(" AND break_glass = 1");
    }
    sql.push_str(&format!(
        " ORDER BY seq DESC LIMIT {}",
        limit.clamp(1, 1000)
    ));
    let mut query = sqlx::query(&sql);
    for a in &args {
        query = query.bind(a);
    }
    let rows = query.fetch_all(store.pool()).await?;
    rows.iter().map(Record::from_row).collect()
}

/// Failed logins (password or second factor) for an account or from an address since
/// `since`: the input of login throttling, read from the log itself.
pub async fn count_failed_logins(
    store: &Store,
    username: Option<&str>,
    address: Option<&str>,
    since: &str,
) -> Result<i64> {
    let (column, value) = match (username, address) {
        (Some(u), _) => ("username", u),
        (None, Some(a)) => ("address", a),
        (None, None) => return Ok(0),
    };
    let sql = format!(
        "SELECT COUNT(*) FROM audit_events
         WHERE {column} = $1 AND at >= $2 AND event IN ('login.failed', 'mfa.failed', 'password.check_failed')"
    );
    Ok(sqlx::query_scalar(&sql)
        .bind(value)
        .bind(since)
        .fetch_one(store.pool())
        .await?)
}
