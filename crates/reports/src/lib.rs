//! Management information (domain brief, section 3.7): reports computed in the database
//! on both backends, for a period and an area (a municipality, a sub-region or a
//! region), with the small-number rule for viewers who see aggregates only.
//!
//! A report is a [`Definition`] in [`REPORTS`]: a name, titles, a chart and a query
//! function returning a [`Table`]. Adding one is a module with its query and a line in
//! [`REPORTS`]; pages, API, downloads and the command line pick it up from there.

mod aggregates;
mod chart;
mod output;
mod shares;
mod sql;
mod table;

mod access_funding;
mod caseload;
mod costs;
mod monitoring;
mod problem_areas;
mod referral_channels;
mod referral_flows;
mod treatment_team;
mod volumes;

pub use chart::svg;
pub use output::{to_csv, to_json, to_text, to_xlsx};
pub use table::{Column, Row, Table, Value, hundredths};

use chrono::{Datelike, NaiveDate};
use eenplan_domain::FieldError;
use eenplan_store::{Error, Result, Store};
use std::future::Future;
use std::pin::Pin;

/// Counts below this are hidden from aggregate-only viewers unless the setting
/// `report_min_count` says otherwise.
pub const DEFAULT_MIN_COUNT: i64 = 5;
pub const MIN_COUNT_SETTING: &str = "report_min_count";

/// The period and area a report is asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// A municipality's CBS code, a sub-region or a region; none for everything.
    pub area: Option<String>,
}

impl Params {
    /// Reads the parameters as typed by a person: dates `YYYY-MM-DD`, either a period
    /// (`from` and `to`) or a calendar `year`, or both when the period lies within the
    /// year.
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        year: Option<&str>,
        area: Option<&str>,
    ) -> std::result::Result<Params, FieldError> {
        fn nonempty(s: Option<&str>) -> Option<&str> {
            s.map(str::trim).filter(|s| !s.is_empty())
        }
        let date = |field: &'static str, s: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                FieldError::new(
                    field,
                    format!("Geen geldige datum: \"{s}\". Gebruik JJJJ-MM-DD."),
                    format!("Not a valid date: \"{s}\". Use YYYY-MM-DD."),
                )
            })
        };
        let year = match nonempty(year) {
            None => None,
            Some(y) => Some(
                y.parse::<i32>()
                    .ok()
                    .filter(|y| (1900..=2999).contains(y))
                    .ok_or_else(|| {
                        FieldError::new(
                            "year",
                            format!("Geen geldig jaar: \"{y}\"."),
                            format!("Not a valid year: \"{y}\"."),
                        )
                    })?,
            ),
        };
        let (from, to) = match (nonempty(from), nonempty(to), year) {
            (Some(f), Some(t), _) => (date("from", f)?, date("to", t)?),
            (None, None, Some(y)) => (
                NaiveDate::from_ymd_opt(y, 1, 1).expect("1 January exists"),
                NaiveDate::from_ymd_opt(y, 12, 31).expect("31 December exists"),
            ),
            (None, _, None) | (None, Some(_), Some(_)) => {
                return Err(FieldError::new(
                    "from",
                    "Geef een begindatum (of een jaar).",
                    "Give a first day (or a year).",
                ));
            }
            (Some(_), None, _) => {
                return Err(FieldError::new(
                    "to",
                    "Geef een einddatum.",
                    "Give a last day.",
                ));
            }
        };
        eenplan_domain::DateRange::new("to", from, to)?;
        if let Some(y) = year
            && (from.year() != y || to.year() != y)
        {
            return Err(FieldError::new(
                "year",
                "De periode ligt niet binnen het gekozen jaar.",
                "The period does not lie within the chosen year.",
            ));
        }
        Ok(Params {
            from,
            to,
            area: nonempty(area).map(str::to_owned),
        })
    }
}

/// How a report is drawn next to its table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Chart {
    /// Horizontal bars: one bar group per row, labelled by column `label`, a bar per
    /// column in `values`; of the total rows only (`totals`) or of the others.
    Bars {
        label: &'static str,
        values: &'static [&'static str],
        totals: bool,
    },
    /// A flow (Sankey) diagram of rows `from`, `to`, `count`.
    Flows,
}

type Compute =
    for<'a> fn(&'a Store, &'a Params) -> Pin<Box<dyn Future<Output = Result<Table>> + Send + 'a>>;

pub struct Definition {
    /// The name in URLs, the API and the command line.
    pub name: &'static str,
    pub title_nl: &'static str,
    pub title_en: &'static str,
    pub about_nl: &'static str,
    pub about_en: &'static str,
    pub chart: Chart,
    /// Whether the rows are areas (municipalities, then sub-regions and regions): the
    /// small-number rule then works on all areas at once, so asking for one area
    /// hides exactly what the whole table hides and no area's hidden figure can be had
    /// from the totals of another.
    pub by_area: bool,
    compute: Compute,
}

impl Definition {
    pub fn title(&self, english: bool) -> &'static str {
        if english {
            self.title_en
        } else {
            self.title_nl
        }
    }

    pub fn about(&self, english: bool) -> &'static str {
        if english {
            self.about_en
        } else {
            self.about_nl
        }
    }
}

/// Every report, in the order pages list them.
pub const REPORTS: &[Definition] = &[
    volumes::REPORT,
    referral_channels::REPORT,
    problem_areas::REPORT,
    access_funding::REPORT,
    treatment_team::REPORT,
    referral_flows::REPORT,
    monitoring::REPORT,
    caseload::REPORT,
    costs::REPORT,
];

pub fn find(name: &str) -> Option<&'static Definition> {
    REPORTS.iter().find(|d| d.name == name)
}

/// A computed report.
pub struct Report {
    pub definition: &'static Definition,
    pub params: Params,
    pub table: Table,
    /// Whether the small-number rule was applied.
    pub suppressed: bool,
    pub min_count: i64,
}

/// Who the report is for: aggregate-only viewers get the small-number rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Audience {
    /// Sees every figure (the CJG's behavioural scientists, the pilot coordinator, the
    /// operator on the command line).
    Full,
    /// Municipality staff: aggregates only, small counts hidden.
    AggregatesOnly,
}

/// Computes a report in the database.
pub async fn run(
    store: &Store,
    definition: &'static Definition,
    params: Params,
    audience: Audience,
) -> Result<Report> {
    if let Some(area) = &params.area {
        sql::check_area(store, area).await?;
    }
    let suppressed = audience == Audience::AggregatesOnly;
    // Aggregate-only viewers ask calendar periods only (see `guarded`).
    let calendar = if suppressed {
        Some(
            eenplan_domain::calendar::CalendarPeriod::of(params.from, params.to)
                .map_err(Error::Invalid)?,
        )
    } else {
        None
    };
    let mut table = (definition.compute)(store, &params).await?;
    let min_count = min_count(store).await?;
    if let Some(calendar) = calendar {
        // By area: the rule works on all areas at once (see `Definition::by_area`).
        let whole = Params {
            area: if definition.by_area {
                None
            } else {
                params.area.clone()
            },
            ..params.clone()
        };
        let mut all = if whole == params {
            table.clone()
        } else {
            (definition.compute)(store, &whole).await?
        };
        guarded(store, definition, &whole, calendar, &mut all, min_count).await?;
        all.suppress(min_count);
        table = if whole == params {
            all
        } else {
            all.rows_like(&table)
        };
    }
    Ok(Report {
        definition,
        params,
        table,
        suppressed,
        min_count,
    })
}

/// Hides each count that differs from the same count of an overlapping calendar period
/// by less than the threshold: subtracting one period's figures from the other's would
/// give that small count away. The rule is symmetric (the other period's report hides the
/// same figure), so of two overlapping periods neither shows it.
async fn guarded(
    store: &Store,
    definition: &'static Definition,
    params: &Params,
    calendar: eenplan_domain::calendar::CalendarPeriod,
    table: &mut Table,
    min_count: i64,
) -> Result<()> {
    for other in calendar.overlapping() {
        let p = Params {
            from: other.from,
            to: other.to,
            ..params.clone()
        };
        let other = (definition.compute)(store, &p).await?;
        table.hide_differences(&other, min_count);
    }
    Ok(())
}

/// The small-number threshold (setting `report_min_count`, default 5).
pub async fn min_count(store: &Store) -> Result<i64> {
    Ok(eenplan_store::settings::get(store, MIN_COUNT_SETTING)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_MIN_COUNT))
}

/// The areas a report can be asked for: (code, name), municipalities first.
pub async fn areas(store: &Store) -> Result<Vec<(String, String)>> {
    sql::areas(store).await
}

fn invalid(field: &'static str, nl: String, en: String) -> Error {
    Error::Invalid(FieldError::new(field, nl, en))
}
