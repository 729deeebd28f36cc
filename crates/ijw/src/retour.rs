//! Building the retour message for a received message.
use crate::{Message, rules::Violation};
use chrono::NaiveDate;

/// Builds the retour message (JW302/306/308/316/318/320/325) for `msg`; `None` when
/// `msg` is itself a retour message.
pub fn retour(
    _msg: &Message,
    _violations: &[Violation],
    _identificatie: &str,
    _dagtekening: NaiveDate,
) -> Option<Message> {
    None
}
