//! Installation settings kept in the database (key/value).

use crate::{Result, Store, Tx};

/// Set when the demo region was loaded into this database.
pub const DEMO_LOADED: &str = "demo_loaded";

pub async fn get(store: &Store, key: &str) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(store.pool())
            .await?,
    )
}

/// Sets an installation setting, with its audit record (what was set, by whom).
pub async fn set(tx: &mut Tx, actor: &crate::audit::Actor, key: &str, value: &str) -> Result<()> {
    crate::audit::append(
        tx,
        actor,
        &crate::audit::Event::new("settings.set", crate::audit::Action::Update)
            .object("setting", key)
            .purpose(value.chars().take(200).collect::<String>()),
    )
    .await?;
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
