//! The yearly declaration of a treatment team's hours (domain brief, section 3.4): per
//! provider organisation and calendar year, the approved hours at the hourly rate (EUR
//! 100 in the pilot), next to the hours its members committed to.

use crate::FieldError;
use chrono::{Datelike, NaiveDate};

/// The pilot's hourly rate: EUR 100.
pub const DEFAULT_HOURLY_RATE_CENTS: i64 = 10_000;

/// The amount for minutes at an hourly rate, rounded to the nearest cent.
pub fn amount_cents(minutes: i64, hourly_rate_cents: i64) -> i64 {
    (minutes * hourly_rate_cents + 30).div_euclid(60)
}

/// The first and last day of a calendar year.
pub fn year_bounds(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year, 12, 31)?,
    ))
}

/// The minutes committed by a membership of `minutes_per_week` from `from` to `to`
/// (open-ended when `None`) over the days it falls in `year`, counted up to `until` (the
/// last day that counts: the year's end, or today while the year runs). Weeks are days
/// over seven, rounded to the nearest minute.
pub fn committed_minutes(
    minutes_per_week: i64,
    from: NaiveDate,
    to: Option<NaiveDate>,
    year: i32,
    until: NaiveDate,
) -> i64 {
    let Some((first, last)) = year_bounds(year) else {
        return 0;
    };
    let start = from.max(first);
    let end = to.unwrap_or(last).min(last).min(until);
    if end < start {
        return 0;
    }
    let days = (end - start).num_days() + 1;
    (minutes_per_week * days * 2 + 7).div_euclid(14)
}

/// A year a declaration can be issued for: from 2000 up to the current year.
pub fn check_year(field: &'static str, year: i32, today: NaiveDate) -> Result<(), FieldError> {
    if year < 2000 {
        return Err(FieldError::new(
            field,
            "Kies een jaar vanaf 2000.",
            "Choose a year from 2000 on.",
        ));
    }
    if year > today.year() {
        return Err(FieldError::new(
            field,
            "Een declaratie gaat over een jaar dat al begonnen is.",
            "A declaration is about a year that has begun.",
        ));
    }
    Ok(())
}

/// A year as typed in a form or a query ("2025").
pub fn parse_year(field: &'static str, s: &str) -> Result<i32, FieldError> {
    s.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2999).contains(y))
        .ok_or_else(|| {
            FieldError::new(
                field,
                "Vul een jaartal in, bijvoorbeeld 2025.",
                "Enter a year, for example 2025.",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_amount_is_the_hours_at_the_rate() {
        assert_eq!(amount_cents(60, DEFAULT_HOURLY_RATE_CENTS), 10_000);
        assert_eq!(amount_cents(90, DEFAULT_HOURLY_RATE_CENTS), 15_000);
        assert_eq!(amount_cents(15, DEFAULT_HOURLY_RATE_CENTS), 2_500);
        // 10 minutes at EUR 95: 15,833... -> 15,83.
        assert_eq!(amount_cents(10, 9_500), 1_583);
        assert_eq!(amount_cents(0, 9_500), 0);
    }

    #[test]
    fn committed_hours_count_the_weeks_in_the_year_of_the_membership() {
        let end = d("2025-12-31");
        // A whole (non-leap) year: 365 days = 52 1/7 weeks.
        assert_eq!(
            committed_minutes(600, d("2023-03-01"), None, 2025, end),
            600 * 365 / 7 + 1
        );
        // From 1 March: 306 days.
        assert_eq!(
            committed_minutes(700, d("2025-03-01"), None, 2025, end),
            700 * 306 / 7
        );
        // Ended before the year, or starting after it: nothing.
        assert_eq!(
            committed_minutes(600, d("2023-03-01"), Some(d("2024-12-31")), 2025, end),
            0
        );
        assert_eq!(committed_minutes(600, d("2026-01-01"), None, 2025, end), 0);
        // While the year runs, up to today: one week.
        assert_eq!(
            committed_minutes(600, d("2020-01-01"), None, 2025, d("2025-01-07")),
            600
        );
    }

    #[test]
    fn only_years_that_have_begun() {
        let today = d("2026-03-01");
        assert!(check_year("year", 2026, today).is_ok());
        assert!(check_year("year", 2025, today).is_ok());
        assert_eq!(check_year("year", 2027, today).unwrap_err().field, "year");
        assert_eq!(check_year("year", 1999, today).unwrap_err().field, "year");
        assert_eq!(parse_year("jaar", " 2025 "), Ok(2025));
        assert!(parse_year("jaar", "25").is_err());
        assert!(parse_year("jaar", "twee").is_err());
    }
}
