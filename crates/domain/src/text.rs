//! The one rule for free text, whatever the field and whichever database stores it:
//! no control characters. NUL and the rest of the C0 range (and DEL and the C1 range)
//! are refused; tab and line ends are allowed, since many fields hold lines. PostgreSQL
//! refuses NUL where SQLite stores it, so without this rule the same input would be
//! refused on one backend and kept on the other.

use crate::FieldError;

/// Whether `c` is refused in text.
pub fn is_refused(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Refuses a value with a control character, naming the field and the position.
pub fn check(field: &'static str, value: &str) -> Result<(), FieldError> {
    match value.chars().position(is_refused) {
        None => Ok(()),
        Some(at) => {
            let code = value.chars().nth(at).map(u32::from).unwrap_or_default();
            Err(FieldError::new(
                field,
                format!(
                    "Dit veld bevat een stuurteken (U+{code:04X}) op positie {}; dat is niet toegestaan.",
                    at + 1
                ),
                format!(
                    "This field contains a control character (U+{code:04X}) at position {}; that is not allowed.",
                    at + 1
                ),
            ))
        }
    }
}

/// At most `max` characters of `value` for an error message, with an ellipsis when cut,
/// so a message about a huge value stays small.
pub fn excerpt(value: &str, max: usize) -> String {
    match value.char_indices().nth(max) {
        None => value.to_owned(),
        Some((end, _)) => format!("{}…", &value[..end]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_lines_and_tabs_are_not() {
        assert!(check("name", "Jan de Vries").is_ok());
        assert!(check("notes", "regel 1\r\nregel 2\tmet tab").is_ok());
        for bad in ["a\0b", "\u{1}", "x\u{1b}[31m", "\u{7f}", "\u{85}", "\u{9f}"] {
            let e = check("name", bad).unwrap_err();
            assert_eq!(e.field, "name");
            assert!(e.message_nl.contains("stuurteken"), "{bad:?}");
        }
        let e = check("name", "ab\0").unwrap_err();
        assert!(
            e.message_en.contains("(U+0000) at position 3"),
            "{}",
            e.message_en
        );
    }

    #[test]
    fn excerpts_are_cut_on_characters() {
        assert_eq!(excerpt("kort", 80), "kort");
        assert_eq!(excerpt(&"é".repeat(100), 80).chars().count(), 81);
        assert!(excerpt(&"x".repeat(10_000_000), 80).len() < 100);
    }
}

/// A text for a CSV or spreadsheet cell: one that starts like a formula (`=`, `+`, `-`,
/// `@`, or a tab or carriage return before one) gets a leading apostrophe, so that a
/// spreadsheet shows it instead of running it. A plain number (`-12,50`) stays as it is.
pub fn spreadsheet_safe(value: &str) -> std::borrow::Cow<'_, str> {
    let starts_like_formula = value
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    let number = value.len() > 1
        && value[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.'))
        && value[1..].chars().any(|c| c.is_ascii_digit());
    if starts_like_formula && !number {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

#[cfg(test)]
mod spreadsheet_tests {
    use super::spreadsheet_safe;

    #[test]
    fn formulas_are_shown_not_run() {
        for (given, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+31 6 1234", "'+31 6 1234"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-2+3", "'-2+3"),
            ("\t=1", "'\t=1"),
            ("-12,50", "-12,50"),
            ("-0.05", "-0.05"),
            ("Bakker", "Bakker"),
            ("", ""),
            ("-", "'-"),
        ] {
            assert_eq!(spreadsheet_safe(given), written, "{given:?}");
        }
    }
}
