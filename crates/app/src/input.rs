//! Reading input at the edge: a form's or a JSON body's fields into domain values, every
//! problem naming its field in both languages. One reader per kind of field, shared by
//! every use case.

use crate::Problem;
use chrono::NaiveDate;
use eenplan_domain::Bsn;
use eenplan_domain::family::parse_date;
pub use eenplan_store::today;

/// The fields of a posted form, in order, as sent. Templates read them back with
/// `f.get("name")` so a form with errors shows what the user typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Fields(pub Vec<(String, String)>);

/// A whole number in a command: from JSON a number, from a form its text as typed, so
/// that "abc" in a form is refused naming its field rather than read as empty. Its
/// schema is the number's (`#[schema(value_type = i64)]` on the field).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Whole(pub String);

impl Whole {
    pub fn from_form(s: &str) -> Whole {
        Whole(s.trim().to_owned())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<i64> for Whole {
    fn from(n: i64) -> Whole {
        Whole(n.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for Whole {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Whole, D::Error> {
        Ok(Option::<i64>::deserialize(d)?.map_or_else(Whole::default, Whole::from))
    }
}

/// The version a form or body was read at (optimistic locking): required.
pub fn version_required(v: Option<i64>) -> crate::Result<i64> {
    v.ok_or_else(|| {
        crate::Error::invalid(Problem::new(
            "version",
            "Versie ontbreekt; laad de gegevens opnieuw.",
            "Version missing; reload the data.",
        ))
    })
}

/// A form's version field: a number, or missing.
pub fn form_version(f: &Fields) -> Option<i64> {
    f.get("version").trim().parse().ok()
}

/// An optional text field, trimmed, at most `max` characters; `None` when empty.
pub fn optional_text(
    errors: &mut Vec<Problem>,
    field: &str,
    value: &str,
    max: usize,
) -> Option<String> {
    let v = value.trim();
    if v.chars().count() > max {
        errors.push(Problem::new(
            field,
            &format!("Dit veld mag hoogstens {max} tekens bevatten."),
            &format!("This field may hold at most {max} characters."),
        ));
    }
    (!v.is_empty()).then(|| v.to_owned())
}

/// A required text field, trimmed, at most `max` characters.
pub fn required_text(errors: &mut Vec<Problem>, field: &str, value: &str, max: usize) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.push(Problem::new(
            field,
            "Vul dit veld in.",
            "Fill in this field.",
        ));
    } else if v.chars().count() > max {
        errors.push(Problem::new(
            field,
            &format!("Dit veld mag hoogstens {max} tekens bevatten."),
            &format!("This field may hold at most {max} characters."),
        ));
    }
    v.to_owned()
}

impl Fields {
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
    /// The first value of every field, for pages that read many fields.
    pub fn index(&self) -> std::collections::HashMap<&str, &str> {
        let mut ix = std::collections::HashMap::with_capacity(self.0.len());
        for (k, v) in &self.0 {
            ix.entry(k.as_str()).or_insert(v.as_str());
        }
        ix
    }
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.retain(|(k, _)| k != name);
        self.0.push((name.into(), value.into()));
    }
}

pub fn choose(field: &str) -> Problem {
    Problem::new(
        field,
        "Maak een keuze uit de lijst.",
        "Choose an option from the list.",
    )
}

pub fn field_problem(field: &str, e: eenplan_domain::FieldError) -> Problem {
    Problem {
        field: field.into(),
        message: e.message_en,
        message_nl: e.message_nl,
    }
}

pub fn optional_bsn(errors: &mut Vec<Problem>, field: &str, s: &str) -> Option<Bsn> {
    match s.trim() {
        "" => None,
        v => Bsn::parse("bsn", v)
            .map_err(|e| errors.push(field_problem(field, e)))
            .ok(),
    }
}

pub fn required_date(errors: &mut Vec<Problem>, field: &str, s: &str) -> Option<NaiveDate> {
    if s.trim().is_empty() {
        errors.push(Problem::new(field, "Vul een datum in.", "Enter a date."));
        return None;
    }
    parse_date("date", s)
        .map_err(|e| errors.push(field_problem(field, e)))
        .ok()
}

pub fn optional_date(errors: &mut Vec<Problem>, field: &str, s: &str) -> Option<NaiveDate> {
    if s.trim().is_empty() {
        return None;
    }
    required_date(errors, field, s)
}

/// A period `valid_from` (required) to `valid_to` (open-ended when empty), the end on or
/// after the start.
pub fn validity(
    errors: &mut Vec<Problem>,
    from: &str,
    to: &str,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let from = required_date(errors, "valid_from", from);
    let to = optional_date(errors, "valid_to", to);
    if let Err(e) = eenplan_domain::DateRange::check("valid_to", from, to) {
        errors.push(e.into());
    }
    (from, to)
}

pub fn not_in_future(errors: &mut Vec<Problem>, field: &str, d: Option<NaiveDate>) {
    if d.is_some_and(|d| d > today()) {
        errors.push(Problem::new(
            field,
            "Deze datum ligt in de toekomst.",
            "This date lies in the future.",
        ));
    }
}

pub fn parse_reason(field: &str, s: &str) -> Result<String, Vec<Problem>> {
    let mut errors = Vec::new();
    let r = required_text(&mut errors, field, s, 1000);
    if errors.is_empty() {
        Ok(r)
    } else {
        Err(errors)
    }
}

/// Whether a list of problems names `field` (templates mark that field).
pub fn has_error(errors: &[Problem], field: &str) -> bool {
    errors.iter().any(|e| e.field == field)
}
