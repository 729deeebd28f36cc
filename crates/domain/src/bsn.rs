//! Burgerservicenummer: nine digits passing the 11-check (elfproef).

use crate::FieldError;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bsn(u32);

impl Bsn {
    pub fn parse(field: &'static str, input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        let mut digits: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
        // An 8-digit BSN (from the sofinummer era) is the same number with a leading zero.
        if digits.len() == 8 && s.chars().count() == 8 {
            digits.insert(0, 0);
        }
        if digits.len() != 9 || !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::new(
                field,
                "Een BSN bestaat uit 9 cijfers (of 8, dan met een voorloopnul).",
                "A BSN consists of 9 digits (or 8, read with a leading zero).",
            ));
        }
        let sum: i64 = digits
            .iter()
            .enumerate()
            .map(|(i, &d)| {
                let weight = if i == 8 { -1 } else { 9 - i as i64 };
                weight * i64::from(d)
            })
            .sum();
        if sum % 11 != 0 || digits.iter().all(|&d| d == 0) {
            return Err(FieldError::new(
                field,
                "Dit BSN voldoet niet aan de elfproef; controleer de cijfers.",
                "This BSN fails the 11-check; check the digits.",
            ));
        }
        Ok(Bsn(digits.iter().fold(0, |acc, d| acc * 10 + d)))
    }

    /// Test BSNs (999900006 to 999999990) are reserved for testing and demo data.
    pub fn is_test_range(self) -> bool {
        (999_900_006..=999_999_990).contains(&self.0)
    }
}

impl fmt::Display for Bsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:09}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_and_keeps_leading_zeros() {
        assert_eq!(
            Bsn::parse("bsn", "123456782").unwrap().to_string(),
            "123456782"
        );
        let test = Bsn::parse("bsn", "999900006").unwrap();
        assert!(test.is_test_range());
        assert_eq!(
            Bsn::parse("bsn", "012345672").unwrap().to_string(),
            "012345672"
        );
    }

    #[test]
    fn eight_digits_read_with_a_leading_zero() {
        assert_eq!(
            Bsn::parse("bsn", "10000008").unwrap().to_string(),
            "010000008"
        );
        assert!(Bsn::parse("bsn", "10000009").is_err());
        assert!(Bsn::parse("bsn", "12x3456782").is_err());
        assert!(Bsn::parse("bsn", "1-2345678").is_err());
        assert!(Bsn::parse("bsn", "١٢٣٤٥٦٧٨٢").is_err(), "only ASCII digits");
    }

    #[test]
    fn the_test_range_is_999900006_to_999999990() {
        assert!(Bsn::parse("bsn", "999999990").unwrap().is_test_range());
        assert!(!Bsn::parse("bsn", "999899995").unwrap().is_test_range());
        assert!(!Bsn::parse("bsn", "123456782").unwrap().is_test_range());
        // In the range but failing the 11-check: still refused.
        assert!(Bsn::parse("bsn", "999900007").is_err());
    }

    #[test]
    fn refuses_bad_check_length_and_characters() {
        assert!(Bsn::parse("bsn", "123456789").is_err());
        assert!(Bsn::parse("bsn", "12345678").is_err());
        assert!(Bsn::parse("bsn", "1234567820").is_err());
        assert!(Bsn::parse("bsn", "12345678a").is_err());
        assert!(Bsn::parse("bsn", "000000000").is_err());
        assert_eq!(Bsn::parse("bsn", "1").unwrap_err().field, "bsn");
    }
}
