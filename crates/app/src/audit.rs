//! Reviewing the audit log (NEN 7513): the filter as entered, and the search, which is
//! itself audited.

use crate::{Caller, Problem, Result};
use chrono::NaiveDate;
use eenplan_store::Store;
use eenplan_store::audit::{self, Action, Event, Filter, Record};
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub event: String,
    #[serde(default)]
    pub object_id: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub outcome: String,
    /// `1`: only break-the-glass accesses.
    #[serde(default)]
    pub break_glass: String,
}

fn date(field: &str, s: &str) -> Result<Option<NaiveDate>, Problem> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            Problem::new(
                field,
                "Vul een datum in als JJJJ-MM-DD.",
                "Enter a date as YYYY-MM-DD.",
            )
        })
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.chars().take(200).collect())
}

/// Parses the query into a store filter; the "to" date is inclusive.
pub fn parse_filter(q: &AuditQuery) -> Result<Filter, Vec<Problem>> {
    let mut errors = Vec::new();
    let from = date("from", &q.from)
        .map_err(|p| errors.push(p))
        .ok()
        .flatten();
    let to = date("to", &q.to).map_err(|p| errors.push(p)).ok().flatten();
    if !q.outcome.is_empty() && !["success", "refused", "failure"].contains(&q.outcome.as_str()) {
        errors.push(Problem::new(
            "outcome",
            "Kies een uitkomst uit de lijst.",
            "Choose an outcome from the list.",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Filter {
        from: from.map(|d| format!("{d}T00:00:00")),
        to: to
            .and_then(|d| d.succ_opt())
            .map(|d| format!("{d}T00:00:00")),
        username: opt(&q.username),
        event: opt(&q.event),
        object_id: opt(&q.object_id),
        client_id: opt(&q.client_id),
        outcome: opt(&q.outcome),
        break_glass_only: q.break_glass == "1",
    })
}

/// Runs an audited search of the log.
pub async fn search(store: &Store, caller: &Caller, filter: &Filter) -> Result<Vec<Record>> {
    let records = audit::search(store, filter, 200).await?;
    audit::record(
        store,
        &caller.actor(),
        &Event::new("audit.search", Action::Search).purpose("NEN 7513 log review"),
    )
    .await?;
    Ok(records)
}
