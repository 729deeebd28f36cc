//! Families and their people: youths, parents/carers and the network around them.

use crate::FieldError;
use crate::case::code_enum;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum! {
    /// Who a person is in the family.
    PersonKind {
        Youth = "youth", "Jeugdige", "Youth";
        Parent = "parent", "Ouder/verzorger", "Parent/carer";
    }
}

/// A birth date: not in the future, not more than 120 years back. Accepts `YYYY-MM-DD`
/// (the date input) and `DD-MM-YYYY` (how Dutch users type it).
pub fn parse_birth_date(
    field: &'static str,
    s: &str,
    today: NaiveDate,
) -> Result<NaiveDate, FieldError> {
    let date = parse_date(field, s)?;
    if date > today {
        return Err(FieldError::new(
            field,
            "Een geboortedatum kan niet in de toekomst liggen.",
            "A birth date cannot be in the future.",
        ));
    }
    if today
        .checked_sub_months(chrono::Months::new(120 * 12))
        .is_some_and(|limit| date < limit)
    {
        return Err(FieldError::new(
            field,
            "Een geboortedatum ligt hoogstens 120 jaar terug.",
            "A birth date lies at most 120 years back.",
        ));
    }
    Ok(date)
}

/// A calendar date as `YYYY-MM-DD` or `DD-MM-YYYY`.
pub fn parse_date(field: &'static str, s: &str) -> Result<NaiveDate, FieldError> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d-%m-%Y"))
        .ok()
        .filter(|d| (1800..=9999).contains(&chrono::Datelike::year(d)))
        .ok_or_else(|| {
            FieldError::new(
                field,
                "Vul een geldige datum in, bijvoorbeeld 31-12-2015.",
                "Enter a valid date, for example 2015-12-31.",
            )
        })
}

/// A name reduced for comparison: lower case, accents removed, only letters and single
/// spaces. "Émile  de Vries-Ösün" and "emile de vries osun" compare equal.
pub fn name_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = fold_accent(c);
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    out.trim_end().to_owned()
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        'ç' => 'c',
        'ñ' => 'n',
        'ş' => 's',
        'ğ' => 'g',
        other => other,
    }
}

/// The household name a family gets from a member's full name: "Gezin " and the surname
/// with its prefix ("Mees van Dijk" -> "Gezin van Dijk", "Yasmin El Idrissi" ->
/// "Gezin El Idrissi").
pub fn family_name(full_name: &str) -> String {
    const PREFIXES: [&str; 20] = [
        "van", "de", "der", "den", "het", "ten", "ter", "te", "op", "in", "'t", "el", "al", "da",
        "di", "du", "la", "le", "von", "vander",
    ];
    let words: Vec<&str> = full_name.split_whitespace().collect();
    let start = words
        .iter()
        .enumerate()
        .skip(1)
        .find(|(i, w)| *i + 1 < words.len() && PREFIXES.contains(&w.to_lowercase().as_str()))
        .map_or(words.len().saturating_sub(1), |(i, _)| i);
    match words.get(start..) {
        Some(rest) if !rest.is_empty() => format!("Gezin {}", rest.join(" ")),
        _ => "Gezin".to_owned(),
    }
}

/// Whether two names (already passed through [`name_key`]) likely name the same person:
/// equal, or a small typing difference (at most one edit per eight letters, at least one).
pub fn names_match(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let longest = a.chars().count().max(b.chars().count());
    let allowed = (longest / 8).max(1);
    strsim::damerau_levenshtein(a, b) <= allowed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        "2026-11-25".parse().unwrap()
    }

    #[test]
    fn birth_dates_in_the_future_or_too_old_are_refused() {
        assert!(parse_birth_date("b", "2015-06-01", today()).is_ok());
        assert_eq!(
            parse_birth_date("b", "01-06-2015", today())
                .unwrap()
                .to_string(),
            "2015-06-01"
        );
        assert!(parse_birth_date("b", "2026-11-25", today()).is_ok());
        assert!(parse_birth_date("b", "2026-11-26", today()).is_err());
        assert!(parse_birth_date("b", "1906-11-25", today()).is_ok());
        assert!(parse_birth_date("b", "1906-11-24", today()).is_err());
        let e = parse_birth_date("birth_date", "31-02-2015", today()).unwrap_err();
        assert_eq!(e.field, "birth_date");
        assert!(parse_birth_date("b", "gisteren", today()).is_err());
    }

    #[test]
    fn family_names_keep_the_surname_prefix() {
        assert_eq!(family_name("Mees van Dijk"), "Gezin van Dijk");
        assert_eq!(family_name("Yasmin El Idrissi"), "Gezin El Idrissi");
        assert_eq!(family_name("Jan van der Berg"), "Gezin van der Berg");
        assert_eq!(family_name("Lotte Bakker"), "Gezin Bakker");
        assert_eq!(family_name("Madonna"), "Gezin Madonna");
        assert_eq!(family_name("Anna de"), "Gezin de");
        assert_eq!(family_name("  "), "Gezin");
    }

    #[test]
    fn names_are_compared_without_accents_case_or_spacing() {
        assert_eq!(name_key("  Émile  de Vries-Ösün "), "emile de vries osun");
        assert!(names_match(
            &name_key("Sanne Jansen"),
            &name_key("sanne  jansen")
        ));
        assert!(names_match(
            &name_key("Sanne Jansen"),
            &name_key("Sane Jansen")
        ));
        assert!(names_match(
            &name_key("Sanne Jansen"),
            &name_key("Snane Jansen")
        ));
        assert!(!names_match(
            &name_key("Sanne Jansen"),
            &name_key("Sem Jansen")
        ));
        assert!(!names_match(&name_key("Ali"), &name_key("Eva")));
    }
}
