//! The errors of a use case, and the one mapping of store errors onto them.
//!
//! Input problems name the field and say what is wrong in both languages ([`Problem`]);
//! the web crate turns an [`Error`] into an HTTP status, a JSON problem and a page, the
//! command line into a message. Internal failures keep their cause for the log.

use serde::Serialize;

/// One wrong input: the field and what is wrong, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Problem {
    pub field: String,
    pub message: String,
    pub message_nl: String,
}

impl From<eenplan_domain::FieldError> for Problem {
    fn from(e: eenplan_domain::FieldError) -> Self {
        Problem {
            field: e.field.into(),
            message: e.message_en,
            message_nl: e.message_nl,
        }
    }
}

impl Problem {
    pub fn new(field: &str, nl: &str, en: &str) -> Problem {
        Problem {
            field: field.into(),
            message: en.into(),
            message_nl: nl.into(),
        }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// No grant for this record or action (the refusal is audited where it is decided).
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// Stale version: someone else changed the record.
    #[error("changed in the meantime")]
    Conflict,
    #[error("invalid input")]
    Invalid(Vec<Problem>),
    /// The database is busy for longer than a request waits; try again.
    #[error("busy")]
    Unavailable,
    /// Anything else: logged, never shown.
    #[error("internal: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(problem: impl Into<Problem>) -> Error {
        Error::Invalid(vec![problem.into()])
    }
}

impl Error {
    /// The same problems under the names a page's form gives the command's fields (a page
    /// holding several forms prefixes some of them).
    pub fn form_names(self, name: impl Fn(&str) -> Option<String>) -> Error {
        match self {
            Error::Invalid(problems) => Error::Invalid(
                problems
                    .into_iter()
                    .map(|mut p| {
                        if let Some(n) = name(&p.field) {
                            p.field = n;
                        }
                        p
                    })
                    .collect(),
            ),
            other => other,
        }
    }
}

impl From<eenplan_domain::FieldError> for Error {
    fn from(e: eenplan_domain::FieldError) -> Self {
        Error::invalid(e)
    }
}

/// The unique constraints a person can run into, by the field they concern: the
/// constraint as PostgreSQL names it, as SQLite names it (its columns), the field, and
/// what to say. One table, so the page, the API and the command line say the same.
const UNIQUE: &[(&str, &str, &str, &str, &str)] = &[
    (
        "organisations_name_key",
        "organisations.name",
        "name",
        "Er bestaat al een organisatie met deze naam.",
        "An organisation with this name already exists.",
    ),
    (
        "organisations_agb_code_key",
        "organisations.agb_code",
        "agb_code",
        "Er bestaat al een organisatie met deze AGB-code.",
        "An organisation with this AGB code already exists.",
    ),
    (
        "teams_organisation_id_name_key",
        "teams.organisation_id, teams.name",
        "name",
        "Deze organisatie heeft al een team met deze naam.",
        "This organisation already has a team with this name.",
    ),
    (
        "users_username_key",
        "users.username",
        "username",
        "Deze gebruikersnaam bestaat al.",
        "This username already exists.",
    ),
    (
        "products_code_key",
        "products.code",
        "code",
        "Er is al een product met deze code.",
        "A product with this code already exists.",
    ),
    (
        "product_prices_pkey",
        "product_prices.product_id, product_prices.valid_from",
        "valid_from",
        "Op deze datum begint al een prijs.",
        "A price already starts on this date.",
    ),
    (
        "persons_bsn_key",
        "persons.bsn",
        "bsn",
        "Er is al een persoon met dit BSN; zoek die op in plaats van een tweede record te maken.",
        "A person with this BSN already exists; look them up instead of creating a second record.",
    ),
];

/// The problem of a duplicate on `constraint` (see [`UNIQUE`]); unnamed for one not there.
pub fn duplicate(constraint: &str) -> Problem {
    UNIQUE
        .iter()
        .find(|(pg, sqlite, ..)| *pg == constraint || *sqlite == constraint)
        .map(|(_, _, field, nl, en)| Problem::new(field, nl, en))
        .unwrap_or_else(|| {
            Problem::new(
                "",
                "Er bestaat al een gegeven met deze waarde.",
                "A record with this value already exists.",
            )
        })
}

impl From<eenplan_store::Error> for Error {
    fn from(e: eenplan_store::Error) -> Self {
        use eenplan_store::{Error as E, Misfit};
        match e {
            E::NotFound => Error::NotFound,
            E::Conflict => Error::Conflict,
            E::Forbidden => Error::Forbidden,
            E::Busy => Error::Unavailable,
            E::Duplicate { constraint } => Error::invalid(duplicate(&constraint)),
            E::UnknownReference => Error::invalid(Problem::new(
                "",
                "Verwijst naar een gegeven dat niet bestaat.",
                "Refers to a record that does not exist.",
            )),
            E::InvalidText => Error::invalid(Problem::new(
                "",
                "De invoer bevat tekens die niet zijn toegestaan.",
                "The input contains characters that are not allowed.",
            )),
            E::NoLocalTeam(_) => Error::invalid(Problem::new(
                "municipality_code",
                "Voor deze gemeente is nog geen lokaal team ingericht; vraag de beheerder.",
                "No local team serves this municipality yet; ask the administrator.",
            )),
            E::Transition(t) => Error::invalid(t.to_field_error()),
            E::Invalid(f) => Error::invalid(f),
            E::CaseElsewhere => Error::invalid(Problem::new(
                "youths.0.existing_id",
                "Dit gezin heeft een lopende casus bij een ander team. Neem contact op met dat team; het kan de aanmelding overnemen.",
                "This family has an open case with another team. Contact that team; it can take over the registration.",
            )),
            E::HeldElsewhere => Error::invalid(Problem::new(
                "break_glass_reason",
                "Een ander team sloot de casus van dit gezin kort geleden af; het gezin is nog van dat team. Vraag dat team de casus te heropenen, of geef een reden om door te breken (dit wordt vastgelegd en door dat team beoordeeld).",
                "Another team closed this family's case recently; the family is still that team's. Ask that team to reopen the case, or give a reason to break the glass (this is recorded and reviewed by that team).",
            )),
            E::NotApplicable(what) => Error::invalid(match what {
                Misfit::UnknownYouth | Misfit::YouthsOfTwoFamilies => Problem::new(
                    "youths.0.existing_id",
                    "De gekozen bekende jeugdigen horen niet bij één gezin; meld ze apart aan of zoek opnieuw.",
                    "The known youths chosen do not belong to one family; register them apart or search again.",
                ),
                Misfit::UnknownUser | Misfit::RoleNotOnCases | Misfit::NotACoordinator => {
                    Problem::new(
                        "user_id",
                        "Kies een actieve professional die aan deze casus kan werken.",
                        "Choose an active professional who can work on this case.",
                    )
                }
                Misfit::NotTeamMembers => Problem::new(
                    "to_user_id",
                    "Kies twee medewerkers van dit team.",
                    "Choose two workers of this team.",
                ),
                Misfit::NotAProvider => Problem::new(
                    "provider_id",
                    "Kies een zorgaanbieder.",
                    "Choose a care provider.",
                ),
            }),
            other => Error::Internal(other.to_string()),
        }
    }
}
