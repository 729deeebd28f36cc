//! The exchange through folders, for a hub connection that drops received messages in
//! an inbox folder and takes messages to send from an outbox folder. Each run reads the
//! inbox (oldest name first), receives every file and moves it to `verwerkt/` (read,
//! accepted or answered with retour codes) or `geweigerd/` (unreadable; the reason is
//! written beside it), then writes every queued outgoing message to the outbox and
//! marks it sent. A file is written under a temporary name and renamed, so the hub
//! never picks up half a message.
//!
//! A file is claimed (renamed into `in-behandeling/`) before it is read. A file still
//! there when a run starts was being handled when the process stopped: it is moved to
//! `geweigerd/` with that reason instead of being tried again, so one file that stops
//! the process can never stop it at every start. A failure of one file (a panic while
//! reading it, a database error) refuses that file and the run goes on with the next.

use super::receive::{Incoming, Origin, Received, receive_read};
use super::{Scope, mark_sent, outbox};
use crate::audit::Actor;
use crate::{Result, Store};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub received: usize,
    pub refused: usize,
    pub sent: usize,
}

/// The folders a run works in, beside the inbox.
struct Folders {
    inbox: PathBuf,
    processing: PathBuf,
    done: PathBuf,
    refused: PathBuf,
}

impl Folders {
    fn new(inbox: &Path) -> std::io::Result<Folders> {
        let f = Folders {
            inbox: inbox.to_owned(),
            processing: inbox.join("in-behandeling"),
            done: inbox.join("verwerkt"),
            refused: inbox.join("geweigerd"),
        };
        for dir in [&f.processing, &f.done, &f.refused] {
            std::fs::create_dir_all(dir)?;
        }
        Ok(f)
    }

    /// Moves a claimed file to `geweigerd/` with the reason beside it.
    fn refuse(&self, claimed: &Path, nl: &str, en: &str) -> std::io::Result<()> {
        let name = claimed.file_name().unwrap_or_default();
        let mut why = self.refused.join(name).into_os_string();
        why.push(".reden.txt");
        std::fs::write(why, format!("{nl}\n{en}\n"))?;
        std::fs::rename(claimed, self.refused.join(name))
    }
}

fn xml_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")))
        .collect();
    files.sort();
    Ok(files)
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
    let folders = Folders::new(inbox).map_err(io)?;
    std::fs::create_dir_all(outbox_dir).map_err(io)?;
    for left in xml_files(&folders.processing).map_err(io)? {
        tracing::warn!(file = %left.display(), "iJw file left in processing: refused");
        folders
            .refuse(
                &left,
                "De verwerking van dit bestand is eerder afgebroken (het proces stopte); het wordt niet opnieuw geprobeerd.",
                "Processing this file was cut short earlier (the process stopped); it is not tried again.",
            )
            .map_err(io)?;
        summary.refused += 1;
    }
    for path in xml_files(&folders.inbox).map_err(io)? {
        let name = path.file_name().unwrap_or_default().to_owned();
        let claimed = folders.processing.join(&name);
        std::fs::rename(&path, &claimed).map_err(io)?;
        match receive_file(store, &actor, &claimed, today).await {
            Ok(r) => match &r.refusal {
                Some(refusal) => {
                    summary.refused += 1;
                    folders
                        .refuse(&claimed, &refusal.nl, &refusal.en)
                        .map_err(io)?;
                }
                None => {
                    summary.received += 1;
                    std::fs::rename(&claimed, folders.done.join(&name)).map_err(io)?;
                }
            },
            Err(e) => {
                // Logged in full here; the reason file gives no internals away.
                tracing::error!(file = %claimed.display(), "iJw file refused: {e}");
                summary.refused += 1;
                folders
                    .refuse(
                        &claimed,
                        "Dit bestand kon door een interne fout niet worden verwerkt; zie het logboek van de server.",
                        "This file could not be processed because of an internal error; see the server's log.",
                    )
                    .map_err(io)?;
            }
        }
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
        summary.sent += mark_sent(&mut tx, &actor, &ids).await? as usize;
        tx.commit().await?;
    }
    Ok(summary)
}

/// Reads one claimed file (too large ones only by their size) and receives it, on a
/// task of its own: a panic anywhere in it refuses the file instead of ending the run.
async fn receive_file(
    store: &Store,
    actor: &Actor,
    path: &Path,
    today: NaiveDate,
) -> Result<Received> {
    let (store, actor, path) = (store.clone(), actor.clone(), path.to_owned());
    tokio::spawn(async move {
        let io =
            |e: std::io::Error| crate::Error::Corrupt(format!("reading {}: {e}", path.display()));
        let size = std::fs::metadata(&path).map_err(io)?.len();
        let incoming = if size > eenplan_ijw::MAX_MESSAGE_BYTES as u64 {
            Incoming::oversized(size, today)
        } else {
            Incoming::read_apart(std::fs::read(&path).map_err(io)?, today).await?
        };
        receive_read(&store, &actor, Origin::Folder, &incoming).await
    })
    .await
    .map_err(|e| crate::Error::Panic(format!("receiving an iJw file: {e}")))?
}
