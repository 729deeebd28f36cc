//! Idempotency keys: the stored first answer of an API create request, per user and key.
//! The key is claimed before the request is handled (so a parallel retry waits for no
//! one and creates nothing), completed with the answer, or released when the request
//! failed inside the server so that a retry may run it again.

use crate::{Result, Store, now};

/// How long a key and its answer are kept.
pub const KEEP_HOURS: i64 = 24;

/// A stored answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: String,
}

/// What a claim found.
#[derive(Debug)]
pub enum Claim {
    /// The key is new: handle the request, then [`complete`] or [`release`].
    New,
    /// The same request was answered before: send this answer again.
    Replay(Answer),
    /// The key was used for a different request (another method, path or body).
    Mismatch,
    /// The first request with this key is still being handled.
    InProgress,
}

/// fingerprint, status (none while in progress), content type, body.
type StoredRow = (String, Option<i64>, Option<String>, Option<String>);

fn cutoff() -> String {
    crate::format_time(chrono::Utc::now() - chrono::Duration::hours(KEEP_HOURS))
}

/// Claims `key` for `user_id` and a request with `fingerprint` (SHA-256 hex of method,
/// path and body).
pub async fn claim(store: &Store, user_id: &str, key: &str, fingerprint: &str) -> Result<Claim> {
    let mut tx = store.begin().await?;
    tx.without_audit("an idempotency key: the answer it keeps was audited by its use case");
    // An expired key is forgotten here as well as by the sweeper.
    sqlx::query(
        "DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2 AND created_at < $3",
    )
    .bind(user_id)
    .bind(key)
    .bind(cutoff())
    .execute(&mut *tx)
    .await?;
    let row: Option<StoredRow> = sqlx::query_as(
        "SELECT fingerprint, status, content_type, body FROM idempotency_keys
         WHERE user_id = $1 AND idem_key = $2",
    )
    .bind(user_id)
    .bind(key)
    .fetch_optional(&mut *tx)
    .await?;
    let claim = match row {
        Some((stored, _, _, _)) if stored != fingerprint => Claim::Mismatch,
        Some((_, None, _, _)) => Claim::InProgress,
        Some((_, Some(status), content_type, body)) => Claim::Replay(Answer {
            status: u16::try_from(status).unwrap_or(500),
            content_type,
            body: body.unwrap_or_default(),
        }),
        None => {
            sqlx::query(
                "INSERT INTO idempotency_keys (user_id, idem_key, fingerprint, created_at)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(user_id)
            .bind(key)
            .bind(fingerprint)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            Claim::New
        }
    };
    tx.commit().await?;
    Ok(claim)
}

/// Stores the answer to a claimed key.
pub async fn complete(store: &Store, user_id: &str, key: &str, answer: &Answer) -> Result<()> {
    let mut tx = store.begin().await?;
    tx.without_audit("an idempotency key: the answer it keeps was audited by its use case");
    sqlx::query(
        "UPDATE idempotency_keys SET status = $1, content_type = $2, body = $3
         WHERE user_id = $4 AND idem_key = $5",
    )
    .bind(i64::from(answer.status))
    .bind(&answer.content_type)
    .bind(&answer.body)
    .bind(user_id)
    .bind(key)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Gives a claimed key up, so that a retry runs the request again.
pub async fn release(store: &Store, user_id: &str, key: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    tx.without_audit("an idempotency key: the answer it keeps was audited by its use case");
    sqlx::query("DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2")
        .bind(user_id)
        .bind(key)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Forgets keys older than [`KEEP_HOURS`].
pub async fn purge_expired(store: &Store) -> Result<u64> {
    let mut tx = store.begin().await?;
    tx.without_audit("an idempotency key: the answer it keeps was audited by its use case");
    let done = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(cutoff())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}
