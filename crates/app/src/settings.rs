//! The region's settings that an operator may change, with their allowed ranges.

use crate::{Error, Problem, Result};
use eenplan_store::Store;
use eenplan_store::audit::Actor;
use eenplan_store::{access, cases, declarations, ijw, settings};

/// Every changeable setting: its name, the allowed range, and what it counts.
pub const SETTINGS: &[(&str, i64, i64, &str)] = &[
    (cases::REOPEN_DAYS_SETTING, 0, 3650, "a number of days"),
    (
        access::EVALUATION_MONTHS_SETTING,
        1,
        6,
        "a number of months",
    ),
    (
        declarations::HOURLY_RATE_SETTING,
        0,
        10_000_000,
        "an hourly rate in cents (10000 = EUR 100)",
    ),
    (
        eenplan_reports::MIN_COUNT_SETTING,
        1,
        100,
        "the smallest count policy officers see in reports",
    ),
    (
        ijw::reconcile::START_WEEKS_SETTING,
        1,
        52,
        "the weeks after an assignment's first day without a start before the reconciliation names it",
    ),
];

/// Sets `name` to `value` when it is a known setting and the value is in its range;
/// answers the value set. Audited.
pub async fn set(store: &Store, actor: &Actor, name: &str, value: &str) -> Result<i64> {
    let Some(&(name, low, high, counts)) = SETTINGS.iter().find(|(n, ..)| *n == name) else {
        let known: Vec<&str> = SETTINGS.iter().map(|(n, ..)| *n).collect();
        return Err(Error::invalid(Problem::new(
            "name",
            &format!("Onbekende instelling; bekend zijn: {}.", known.join(", ")),
            &format!("Unknown setting; known: {}.", known.join(", ")),
        )));
    };
    let Some(n) = value
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (low..=high).contains(n))
    else {
        return Err(Error::invalid(Problem::new(
            "value",
            &format!("{name} is een getal van {low} tot {high}."),
            &format!("{name} takes {counts} from {low} to {high}."),
        )));
    };
    let mut tx = store.begin().await?;
    settings::set(&mut tx, actor, name, &n.to_string()).await?;
    tx.commit().await?;
    Ok(n)
}
