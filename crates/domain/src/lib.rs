//! Domain types of eenplan: newtypes parsed at the edge, the roles, and the one
//! authorization policy. Pure: no IO, no database, no HTTP.

pub mod access;
pub mod bsn;
pub mod calendar;
pub mod case;
pub mod cbs;
pub mod codes;
pub mod credentials;
pub mod date_range;
pub mod declaration;
pub mod family;
pub mod organisation;
pub mod password;
pub mod plan;
pub mod policy;
pub mod role;
pub mod text;
pub mod treatment_team;

pub use bsn::Bsn;
pub use date_range::DateRange;
pub use organisation::{AgbCode, MunicipalityCode, OrganisationType, TeamType};
pub use policy::Permission;
pub use role::Role;

/// A value that failed to parse, naming the field and what is wrong in both languages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message_en}")]
pub struct FieldError {
    pub field: &'static str,
    pub message_nl: String,
    pub message_en: String,
}

impl FieldError {
    pub fn new(field: &'static str, nl: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            field,
            message_nl: nl.into(),
            message_en: en.into(),
        }
    }
}
