//! Calendar periods: a month, a quarter, a half year or a year. Viewers who see aggregates
//! only ask figures for these and nothing else, so that two periods they can ask differ
//! by whole months: one day's difference between two periods can no longer single out a
//! registration.

use crate::FieldError;
use chrono::{Datelike, NaiveDate};

/// A calendar month, quarter, half year or year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarPeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The lengths in months a calendar period may have, with the months it may start in.
const KINDS: &[(u32, &[u32])] = &[
    (1, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
    (3, &[1, 4, 7, 10]),
    (6, &[1, 7]),
    (12, &[1]),
];

fn last_of_month(year: i32, month: u32) -> NaiveDate {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).expect("the first of a month exists")
        - chrono::Duration::days(1)
}

fn unit(year: i32, first_month: u32, months: u32) -> CalendarPeriod {
    CalendarPeriod {
        from: NaiveDate::from_ymd_opt(year, first_month, 1).expect("the first of a month exists"),
        to: last_of_month(year, first_month + months - 1),
    }
}

impl CalendarPeriod {
    /// `from` to `to` when it is a calendar month, quarter, half year or year; otherwise a
    /// problem naming `from` (not the first day of a month) or `to`.
    pub fn of(from: NaiveDate, to: NaiveDate) -> Result<CalendarPeriod, FieldError> {
        if from.day() != 1 {
            return Err(FieldError::new(
                "from",
                "Kies een maand, kwartaal, halfjaar of jaar: de periode begint op de eerste van een maand.",
                "Choose a month, quarter, half year or year: the period starts on the first of a month.",
            ));
        }
        let months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32 + 1;
        let fits = KINDS
            .iter()
            .any(|(len, starts)| months == *len as i32 && starts.contains(&from.month()))
            && to == last_of_month(to.year(), to.month());
        if fits {
            Ok(CalendarPeriod { from, to })
        } else {
            Err(FieldError::new(
                "to",
                "Kies een maand, kwartaal, halfjaar of jaar: de periode eindigt op de laatste dag daarvan.",
                "Choose a month, quarter, half year or year: the period ends on its last day.",
            ))
        }
    }

    /// Every other calendar period that overlaps this one: the ones it lies in and the
    /// ones that lie in it.
    pub fn overlapping(&self) -> Vec<CalendarPeriod> {
        let year = self.from.year();
        let mut out = Vec::new();
        for (len, starts) in KINDS {
            for &m in *starts {
                let p = unit(year, m, *len);
                if p != *self && p.from <= self.to && p.to >= self.from {
                    out.push(p);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn months_quarters_halves_and_years_only() {
        for (from, to) in [
            ("2025-02-01", "2025-02-28"),
            ("2024-02-01", "2024-02-29"),
            ("2025-04-01", "2025-06-30"),
            ("2025-07-01", "2025-12-31"),
            ("2025-01-01", "2025-12-31"),
        ] {
            assert!(CalendarPeriod::of(d(from), d(to)).is_ok(), "{from} {to}");
        }
        for (from, to, field) in [
            ("2025-01-02", "2025-01-31", "from"),
            ("2025-01-01", "2025-01-30", "to"),
            ("2025-02-01", "2025-04-30", "to"),
            ("2025-01-01", "2025-02-28", "to"),
            ("2025-03-01", "2025-08-31", "to"),
            ("2024-01-01", "2025-12-31", "to"),
        ] {
            assert_eq!(
                CalendarPeriod::of(d(from), d(to)).unwrap_err().field,
                field,
                "{from} {to}"
            );
        }
    }

    #[test]
    fn the_overlapping_periods_are_those_above_and_below() {
        let jan = CalendarPeriod::of(d("2025-01-01"), d("2025-01-31")).unwrap();
        let over: Vec<_> = jan.overlapping().iter().map(|p| p.to.to_string()).collect();
        assert_eq!(over, ["2025-03-31", "2025-06-30", "2025-12-31"]);
        let year = CalendarPeriod::of(d("2025-01-01"), d("2025-12-31")).unwrap();
        assert_eq!(year.overlapping().len(), 12 + 4 + 2);
        let q3 = CalendarPeriod::of(d("2025-07-01"), d("2025-09-30")).unwrap();
        assert_eq!(q3.overlapping().len(), 3 + 1 + 1);
    }
}
