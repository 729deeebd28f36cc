//! A range of days whose last day is on or after its first: the one place of that rule,
//! which every period in eenplan (a contract, a decision's effort, a report's period, a
//! membership, a search) is checked against.

use crate::FieldError;
use chrono::NaiveDate;

/// The first and the last day of a range, the last on or after the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    start: NaiveDate,
    end: NaiveDate,
}

impl DateRange {
    /// The range `start..=end`; refused on `end_field` when `end` lies before `start`.
    pub fn new(
        end_field: &'static str,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<Self, FieldError> {
        if end < start {
            return Err(FieldError::new(
                end_field,
                "De einddatum ligt vóór de begindatum.",
                "The end date lies before the start date.",
            ));
        }
        Ok(DateRange { start, end })
    }

    /// The rule for an optional end (or start): checked when both are given.
    pub fn check(
        end_field: &'static str,
        start: Option<NaiveDate>,
        end: Option<NaiveDate>,
    ) -> Result<(), FieldError> {
        match (start, end) {
            (Some(s), Some(e)) => DateRange::new(end_field, s, e).map(|_| ()),
            _ => Ok(()),
        }
    }

    pub fn start(self) -> NaiveDate {
        self.start
    }

    pub fn end(self) -> NaiveDate {
        self.end
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }

    /// The number of days, both ends counted.
    pub fn days(self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

#[cfg(test)]
mod tests {
    use super::DateRange;
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_end_is_on_or_after_the_start() {
        let r = DateRange::new("to", d("2026-01-01"), d("2026-01-31")).unwrap();
        assert_eq!(r.days(), 31);
        assert!(r.contains(d("2026-01-01")) && r.contains(d("2026-01-31")));
        assert!(!r.contains(d("2026-02-01")));
        assert_eq!(
            DateRange::new("to", d("2026-01-01"), d("2026-01-01"))
                .unwrap()
                .days(),
            1
        );
        let e = DateRange::new("valid_to", d("2026-01-02"), d("2026-01-01")).unwrap_err();
        assert_eq!(e.field, "valid_to");
        assert!(DateRange::check("to", Some(d("2026-01-02")), None).is_ok());
        assert!(DateRange::check("to", Some(d("2026-01-02")), Some(d("2026-01-01"))).is_err());
    }
}
