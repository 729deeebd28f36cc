//! Reading the report aggregates (`agg_registrations`, `agg_problem_areas`, `agg_cases`;
//! migration 0008): counts per municipality and year, month and day that triggers keep
//! up to date on every write.
//!
//! A period is read as at most five spans of those grains: the days before its first
//! whole month, the whole months before its first whole year, the whole years, the whole
//! months after them and the days after its last whole month. Whatever its length, a
//! period is then five index ranges holding at most some thirty days, twenty-two months
//! and its years per municipality and code.

use crate::Params;
use crate::sql::Q;
use chrono::{Datelike, NaiveDate};

/// A period as spans: (first day, last day) of head days, head months, years, tail
/// months and tail days; each month span starts on the 1st and ends on a month's last
/// day, the year span on 1 January and 31 December.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spans([Option<(NaiveDate, NaiveDate)>; 5]);

/// The grain of each slot of [`Spans`].
const GRAINS: [&str; 5] = ["day", "month", "year", "month", "day"];

/// Stored dates have four-digit years, so keys compare as text within these.
fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(1, 1, 1).expect("1 January of year 1 exists")
}

fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).expect("31 December 9999 exists")
}

fn next(d: NaiveDate) -> NaiveDate {
    d.succ_opt().expect("a day after a four-digit year exists")
}

fn previous(d: NaiveDate) -> NaiveDate {
    d.pred_opt().expect("a day before a four-digit year exists")
}

fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("every month has a 1st")
}

fn month_end(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    previous(NaiveDate::from_ymd_opt(y, m, 1).expect("every month has a 1st"))
}

fn year_start(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year(), 1, 1).expect("1 January exists")
}

fn year_end(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year(), 12, 31).expect("31 December exists")
}

impl Spans {
    /// The days from `from` to `to`, both included (none when `to` is before `from`).
    pub fn of(from: NaiveDate, to: NaiveDate) -> Spans {
        let mut s = [None; 5];
        let (from, to) = (from.max(first_day()), to.min(last_day()));
        if from > to {
            return Spans(s);
        }
        let mut day = from;
        if day.day() != 1 {
            let end = month_end(day).min(to);
            s[0] = Some((day, end));
            if end == to {
                return Spans(s);
            }
            day = next(end);
        }
        // `day` is the 1st of a month; whole months run to `months_end`.
        let months_end = if to == month_end(to) {
            to
        } else {
            previous(month_start(to))
        };
        if day <= months_end {
            if day.month() != 1 {
                let end = year_end(day).min(months_end);
                s[1] = Some((day, end));
                day = next(end);
            }
            if day <= months_end {
                let years_end = if months_end == year_end(months_end) {
                    months_end
                } else {
                    previous(year_start(months_end))
                };
                if day <= years_end {
                    s[2] = Some((day, years_end));
                    day = next(years_end);
                }
                if day <= months_end {
                    s[3] = Some((day, months_end));
                    day = next(months_end);
                }
            }
        }
        if day <= to {
            s[4] = Some((day, to));
        }
        Spans(s)
    }

    /// Every day up to and including `to`.
    pub fn through(to: NaiveDate) -> Spans {
        Spans::of(first_day(), to)
    }

    /// Every day before `day`.
    pub fn before(day: NaiveDate) -> Spans {
        match day.pred_opt() {
            Some(d) => Spans::of(first_day(), d),
            None => Spans([None; 5]),
        }
    }

    /// Binds the spans' keys as the ten parameters that [`rows`] reads.
    pub fn bind<'q>(&self, mut q: Q<'q>) -> Q<'q> {
        for (slot, grain) in self.0.iter().zip(GRAINS) {
            let (lo, hi) = match slot {
                Some((a, b)) => (key(grain, *a), key(grain, *b)),
                // No key lies between these.
                None => ("1".to_owned(), "0".to_owned()),
            };
            q = q.bind(lo).bind(hi);
        }
        q
    }
}

/// A date's key at a grain: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as the triggers store it
/// (the date's first 4, 7 or 10 characters).
fn key(grain: &str, d: NaiveDate) -> String {
    let day = d.to_string();
    match grain {
        "year" => day[..4].to_owned(),
        "month" => day[..7].to_owned(),
        _ => day,
    }
}

/// The area filter of a query over the aggregates: a `WITH area` prefix listing the
/// area's municipalities (the area bound as `$n`, see `sql::bind_area`) and the condition
/// for each span; both empty without an area. Named once and read by every span, the
/// list is computed once, whatever the planner guesses about the spans' sizes.
pub fn area(p: &Params, n: usize) -> (String, &'static str) {
    match p.area {
        Some(_) => (
            format!(
                "WITH area AS (SELECT code FROM municipalities
                               WHERE code = ${n} OR subregion = ${n} OR region = ${n}) "
            ),
            " AND municipality_code IN (SELECT code FROM area)",
        ),
        None => (String::new(), ""),
    }
}

/// The rows of `table` in [`Spans`] bound as parameters `$first` to `$first + 9` (see
/// [`Spans::bind`]), as a derived table of `columns` named `a`. `area` is the condition
/// of [`area`] added to each span: one index range per span, of all municipalities by
/// (grain, period_key) or of the area's by (municipality_code, grain, period_key).
pub fn rows(table: &str, columns: &str, first: usize, area: &str) -> String {
    let arms: Vec<String> = GRAINS
        .iter()
        .enumerate()
        .map(|(i, grain)| {
            let lo = first + 2 * i;
            format!(
                "SELECT {columns} FROM {table}
                 WHERE grain = '{grain}' AND period_key >= ${lo} AND period_key <= ${}{area}",
                lo + 1
            )
        })
        .collect();
    format!("({}) a", arms.join(" UNION ALL "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// The spans as (grain, first key, last key).
    fn keys(s: Spans) -> Vec<(&'static str, String, String)> {
        s.0.iter()
            .zip(GRAINS)
            .filter_map(|(slot, g)| slot.map(|(a, b)| (g, key(g, a), key(g, b))))
            .collect()
    }

    fn k(g: &'static str, a: &str, b: &str) -> (&'static str, String, String) {
        (g, a.to_owned(), b.to_owned())
    }

    #[test]
    fn a_period_is_days_months_years_months_days() {
        assert_eq!(
            keys(Spans::of(date("2023-11-15"), date("2026-02-10"))),
            [
                k("day", "2023-11-15", "2023-11-30"),
                k("month", "2023-12", "2023-12"),
                k("year", "2024", "2025"),
                k("month", "2026-01", "2026-01"),
                k("day", "2026-02-01", "2026-02-10"),
            ]
        );
        assert_eq!(
            keys(Spans::of(date("2025-01-01"), date("2025-12-31"))),
            [k("year", "2025", "2025")]
        );
        assert_eq!(
            keys(Spans::of(date("2025-03-01"), date("2026-02-28"))),
            [
                k("month", "2025-03", "2025-12"),
                k("month", "2026-01", "2026-02")
            ]
        );
        assert_eq!(
            keys(Spans::of(date("2025-01-15"), date("2025-01-20"))),
            [k("day", "2025-01-15", "2025-01-20")]
        );
        assert_eq!(
            keys(Spans::of(date("2025-01-15"), date("2025-02-10"))),
            [
                k("day", "2025-01-15", "2025-01-31"),
                k("day", "2025-02-01", "2025-02-10")
            ]
        );
        assert_eq!(
            keys(Spans::through(date("2025-03-04"))),
            [
                k("year", "0001", "2024"),
                k("month", "2025-01", "2025-02"),
                k("day", "2025-03-01", "2025-03-04"),
            ]
        );
        assert_eq!(
            keys(Spans::before(date("2025-01-01"))),
            [k("year", "0001", "2024")]
        );
        assert!(keys(Spans::of(date("2025-02-01"), date("2025-01-31"))).is_empty());
        assert!(keys(Spans::before(NaiveDate::MIN)).is_empty());
    }

    /// Every span is whole in its grain, and together they are the period's days, each
    /// once.
    #[test]
    fn spans_cover_each_day_of_the_period_once() {
        let start = date("2023-10-25");
        let days: Vec<NaiveDate> = (0..900)
            .step_by(11)
            .map(|i| start + chrono::Days::new(i))
            .chain(["2024-01-01", "2024-12-31", "2025-02-28", "2024-02-29"].map(date))
            .collect();
        for &from in &days {
            for &to in &days {
                let spans = Spans::of(from, to);
                let mut covered = Vec::new();
                for (slot, grain) in spans.0.iter().zip(GRAINS) {
                    let Some((a, b)) = *slot else { continue };
                    assert!(a <= b, "{from}..{to}: {a} > {b}");
                    match grain {
                        "year" => assert!(a == year_start(a) && b == year_end(b)),
                        "month" => assert!(a == month_start(a) && b == month_end(b)),
                        _ => {}
                    }
                    covered.extend(a.iter_days().take_while(|d| *d <= b));
                }
                let expected: Vec<NaiveDate> = from.iter_days().take_while(|d| *d <= to).collect();
                assert_eq!(covered, expected, "{from}..{to}: {spans:?}");
            }
        }
    }

    #[test]
    fn the_rows_number_their_parameters() {
        let r = rows("agg_cases", "opened", 3, " AND x");
        assert_eq!(r.matches("UNION ALL").count(), 4);
        assert!(r.contains("grain = 'day' AND period_key >= $3 AND period_key <= $4 AND x"));
        assert!(r.contains("grain = 'year' AND period_key >= $7 AND period_key <= $8 AND x"));
        assert!(r.ends_with("grain = 'day' AND period_key >= $11 AND period_key <= $12 AND x) a"));
    }
}
