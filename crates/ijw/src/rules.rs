//! The within-message rules of iJw 3.2.
use crate::Message;
use chrono::NaiveDate;

/// Where in the message a rule was violated; the retour message puts the code there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Header,
    Client,
    /// Index of the product/prestatie record in the message.
    Product(usize),
}

/// One violated rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Rule code, `"TR018"` or `"CS012"`.
    pub rule: &'static str,
    /// Retourcode (code list WJ001), `"8001"`.
    pub retourcode: &'static str,
    pub level: Level,
    pub detail: String,
}

/// Checks every within-message rule.
pub fn check(_msg: &Message, _today: NaiveDate) -> Vec<Violation> {
    Vec::new()
}
