//! The exchange through folders, for a hub connection that drops received messages in
//! an inbox folder and takes messages to send from an outbox folder. Each run reads the
//! inbox (oldest name first), receives every file and moves it to `verwerkt/` (read,
//! accepted or answered with retour codes) or `geweigerd/` (unreadable; the reason is
//! written beside it), then writes every queued outgoing message to the outbox and
//! marks it sent. A file is written under a temporary name and renamed, so the hub
//! never picks up half a message.

use super::receive::{Origin, receive, refuse_oversized};
use super::{Scope, mark_sent, outbox};
use crate::audit::Actor;
use crate::{Result, Store};
use chrono::NaiveDate;
use std::path::Path;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub received: usize,
    pub refused: usize,
    pub sent: usize,
}

pub async fn exchange(
    store: &Store,
    inbox: &Path,
    outbox_dir: &Path,
    today: NaiveDate,
) -> Result<Summary> {
    let io = |e: std::io::Error| crate::Error::Corrupt(format!("folder exchange: {e}"));
    let actor = Actor::system("ijw-folder");
    let mut summary = Summary::default();
    let done = inbox.join("verwerkt");
    let refused = inbox.join("geweigerd");
    std::fs::create_dir_all(&done).map_err(io)?;
    std::fs::create_dir_all(&refused).map_err(io)?;
    std::fs::create_dir_all(outbox_dir).map_err(io)?;
    let mut files: Vec<_> = std::fs::read_dir(inbox)
        .map_err(io)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")))
        .collect();
    files.sort();
    for path in files {
        let name = path.file_name().map(|n| n.to_owned()).unwrap_or_default();
        // Too large files are refused before they are read into memory.
        let size = std::fs::metadata(&path).map_err(io)?.len();
        let r = if size > eenplan_ijw::MAX_MESSAGE_BYTES as u64 {
            refuse_oversized(store, &actor, Origin::Folder, size).await?
        } else {
            let bytes = std::fs::read(&path).map_err(io)?;
            receive(store, &actor, Origin::Folder, &bytes, today).await?
        };
        let target = match &r.refusal {
            Some(refusal) => {
                summary.refused += 1;
                let mut why = refused.join(&name).into_os_string();
                why.push(".reden.txt");
                std::fs::write(why, format!("{}\n{}\n", refusal.nl, refusal.en)).map_err(io)?;
                refused.join(&name)
            }
            None => {
                summary.received += 1;
                done.join(&name)
            }
        };
        std::fs::rename(&path, target).map_err(io)?;
    }
    loop {
        let queued = outbox(store, &Scope::All, 500).await?;
        if queued.is_empty() {
            break;
        }
        let mut ids = Vec::with_capacity(queued.len());
        for (row, xml) in &queued {
            let file = format!(
                "{}_{}_{}_{}.xml",
                row.message_type, row.sender, row.receiver, row.identification
            );
            let tmp = outbox_dir.join(format!(".{file}.tmp"));
            std::fs::write(&tmp, xml).map_err(io)?;
            std::fs::rename(&tmp, outbox_dir.join(&file)).map_err(io)?;
            ids.push(row.id.clone());
        }
        let mut tx = store.begin().await?;
        summary.sent += mark_sent(&mut tx, &ids).await? as usize;
        tx.commit().await?;
    }
    Ok(summary)
}
