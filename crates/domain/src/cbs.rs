//! CBS Beleidsinformatie Jeugd (BIJ): the statutory delivery of the jeugdhulp the CJG
//! gives itself, by the Informatieprotocol Beleidsinformatie Jeugd v7 (Regeling
//! Jeugdwet, bijlage 2). Pure: the reporting periods, the code mappings from eenplan's
//! data, the record key and the merging of overlapping records, and the file itself.
//! `docs/cbs-beleidsinformatie-jeugd.md` gives every field and mapping.

use crate::FieldError;
use crate::case::{CloseReason, HelpKind};
use chrono::{Datelike, Duration, NaiveDate};

/// Hulpvorm 01 (protocol 3.3): jeugdhulp zonder verblijf, uitgevoerd door het wijk- of
/// buurtteam: the help the CJG's local teams give themselves.
pub const HULPVORM_WIJKTEAM: &str = "01";
/// Verwijzer 06 (protocol 3.2): geen verwijzer. Help by the wijk- or buurtteam is freely
/// accessible by definition and takes this code, whoever registered the question.
pub const VERWIJZER_GEEN: &str = "06";
/// BSN unknown (protocol 2.2).
pub const BSN_ONBEKEND: &str = "999999999";
/// Geslacht unknown (protocol 2.4): eenplan does not record a youth's sex.
pub const GESLACHT_ONBEKEND: &str = "O";

/// The columns of the file, in order: the protocol's field names (paragraph in the
/// comment). The CBS record layout itself is not public; see the docs.
pub const FIELDS: [&str; 15] = [
    "Burgerservicenummer",       // 2.2
    "Geboortedatum",             // 2.3
    "Geslacht",                  // 2.4
    "Postcode",                  // 2.5
    "Gemeentecode",              // 2.5
    "Verwijzer",                 // 3.2
    "Hulpvorm",                  // 3.3
    "GestartMetCrisis",          // 3.4
    "DatumAanvangJeugdhulp",     // 3.5
    "DatumEindeJeugdhulp",       // 3.6
    "RedenBeeindigingJeugdhulp", // 3.7
    "TevredenheidJeugdige",      // 4.3, informant de jeugdige (4.5)
    "ZonderHulpVerderJeugdige",  // 4.4, informant de jeugdige
    "TevredenheidOuder",         // 4.3, informant de ouder/opvoeder
    "ZonderHulpVerderOuder",     // 4.4, informant de ouder/opvoeder
];

/// A reporting period for jeugdhulp (protocol 7.3): JH-1 January to June, JH-2 July to
/// December. Written `2026-1` and `2026-2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    year: i32,
    half: u8,
}

/// The first year with a Jeugdwet (2015).
pub const FIRST_YEAR: i32 = 2015;

impl Period {
    pub fn new(year: i32, half: u8) -> Option<Period> {
        ((FIRST_YEAR..=2999).contains(&year) && (half == 1 || half == 2))
            .then_some(Period { year, half })
    }

    /// Parses `YYYY-1` or `YYYY-2`.
    pub fn parse(field: &'static str, input: &str) -> Result<Period, FieldError> {
        let s = input.trim();
        let parsed = s.split_once('-').and_then(|(y, h)| {
            let year = (y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
                .then(|| y.parse::<i32>().ok())
                .flatten()?;
            let half = match h {
                "1" => 1,
                "2" => 2,
                _ => return None,
            };
            Some((year, half))
        });
        match parsed {
            Some((year, half)) => Period::new(year, half).ok_or_else(|| {
                FieldError::new(
                    field,
                    format!("Kies een periode vanaf {FIRST_YEAR} (de Jeugdwet)."),
                    format!("Choose a period from {FIRST_YEAR} on (the Jeugdwet)."),
                )
            }),
            None => Err(FieldError::new(
                field,
                "Een periode is een jaar en een halfjaar, bijvoorbeeld 2026-1 (januari t/m juni) of 2026-2 (juli t/m december).",
                "A period is a year and a half year, for example 2026-1 (January to June) or 2026-2 (July to December).",
            )),
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn half(self) -> u8 {
        self.half
    }

    pub fn first_day(self) -> NaiveDate {
        let month = if self.half == 1 { 1 } else { 7 };
        NaiveDate::from_ymd_opt(self.year, month, 1).expect("a valid first day")
    }

    pub fn last_day(self) -> NaiveDate {
        let (month, day) = if self.half == 1 { (6, 30) } else { (12, 31) };
        NaiveDate::from_ymd_opt(self.year, month, day).expect("a valid last day")
    }

    /// CBS asks for the file within three weeks after the period (protocol 7.4); the
    /// exact date is in CBS's letter.
    pub fn deadline(self) -> NaiveDate {
        self.last_day() + Duration::days(21)
    }

    /// The period a day lies in.
    pub fn of(day: NaiveDate) -> Period {
        Period {
            year: day.year(),
            half: if day.month() <= 6 { 1 } else { 2 },
        }
    }

    pub fn previous(self) -> Period {
        if self.half == 2 {
            Period {
                year: self.year,
                half: 1,
            }
        } else {
            Period {
                year: self.year - 1,
                half: 2,
            }
        }
    }

    /// Whether the period has ended on `today` (only an ended period is delivered).
    pub fn ended(self, today: NaiveDate) -> bool {
        self.last_day() < today
    }

    /// The periods CBS processes on `today` (protocol 7.6): the last ended period and the
    /// one before it, latest first.
    pub fn deliverable(today: NaiveDate) -> [Period; 2] {
        let last = Period::of(today).previous();
        [last, last.previous()]
    }

    /// Refuses a period that has not ended yet.
    pub fn check_ended(self, field: &'static str, today: NaiveDate) -> Result<(), FieldError> {
        if self.ended(today) {
            Ok(())
        } else {
            Err(FieldError::new(
                field,
                format!(
                    "De periode {self} loopt tot en met {}; lever haar na afloop aan.",
                    self.last_day().format("%d-%m-%Y")
                ),
                format!(
                    "The period {self} runs until {}; deliver it after it has ended.",
                    self.last_day().format("%Y-%m-%d")
                ),
            ))
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.year, self.half)
    }
}

/// Whether a case's help counts as jeugdhulp for CBS: ambulatory basic help and group
/// work do; information and advice is prevention (protocol 1.3 and 3.1) and is not
/// delivered, nor is a case whose help kind was never recorded.
pub fn is_jeugdhulp(kind: Option<HelpKind>) -> bool {
    matches!(kind, Some(HelpKind::AmbulatoryBasic | HelpKind::GroupWork))
}

/// Reden beëindiging jeugdhulp (protocol 3.7) of a case's close reason. `None` for
/// `other`: the protocol has no code for an unknown reason, so the field stays empty.
pub fn reden_beeindiging(reason: CloseReason) -> Option<&'static str> {
    match reason {
        // 01 beëindigd volgens plan.
        CloseReason::GoalsReached => Some("01"),
        // 02 voortijdig afgesloten in overeenstemming: "andere hulp nodig dan binnen het
        // lopende traject geboden kan worden".
        CloseReason::ReferredSpecialised => Some("02"),
        // 03 voortijdig afgesloten, eenzijdig door de cliënt.
        CloseReason::FamilyStopped => Some("03"),
        // 05 voortijdig afgesloten wegens externe omstandigheden ("een verhuizing").
        CloseReason::Moved => Some("05"),
        CloseReason::Other => None,
    }
}

/// A date as the protocol writes it: JJJJMMDD.
pub fn date_text(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// One case's help to one youth: the input of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trajectory {
    /// The youth (persons.id): the audit log's client id, never in the file.
    pub person_id: String,
    pub bsn: Option<String>,
    pub birth_date: NaiveDate,
    pub municipality_code: String,
    /// The day the worker picked the case up (the first conversation in which help starts).
    pub start: NaiveDate,
    /// The closing day, if closed.
    pub end: Option<NaiveDate>,
    pub close_reason: Option<CloseReason>,
}

/// One record of the file: the youth's help of hulpvorm 01, as it stood on the last day
/// of the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub person_id: String,
    pub bsn: String,
    pub birth_date: NaiveDate,
    pub municipality_code: String,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub reden_beeindiging: Option<&'static str>,
}

impl Record {
    /// The fields in the order of [`FIELDS`].
    pub fn fields(&self) -> [String; 15] {
        [
            self.bsn.clone(),
            date_text(self.birth_date),
            GESLACHT_ONBEKEND.into(),
            String::new(),
            self.municipality_code.clone(),
            VERWIJZER_GEEN.into(),
            HULPVORM_WIJKTEAM.into(),
            String::new(),
            date_text(self.start),
            self.end.map(date_text).unwrap_or_default(),
            self.reden_beeindiging.unwrap_or_default().into(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]
    }
}

/// The records of a period from the youths' trajectories (each youth's trajectories in
/// any order). As the protocol asks (3.3, 7.5):
/// - a trajectory is seen as it stood on the period's last day: one that ends later is
///   still running (no end date, no reason);
/// - a youth's trajectories that overlap in time are one record, from the first start to
///   the last end (open when one is open), with the reason of the one ending last;
/// - a record is delivered when it started on or before the last day and did not end
///   before the first day (started, running or ended in the period).
///
/// Ordered by municipality, start date, BSN, birth date and person, so the same data
/// give the same file.
pub fn records(period: Period, trajectories: Vec<Trajectory>) -> Vec<Record> {
    let (first, last) = (period.first_day(), period.last_day());
    let mut ts: Vec<Trajectory> = trajectories
        .into_iter()
        .filter(|t| t.start <= last)
        .map(|mut t| {
            if t.end.is_some_and(|e| e > last) {
                t.end = None;
                t.close_reason = None;
            }
            t
        })
        .collect();
    ts.sort_by(|a, b| {
        (&a.person_id, a.start, a.end.is_none(), a.end).cmp(&(
            &b.person_id,
            b.start,
            b.end.is_none(),
            b.end,
        ))
    });
    let mut out: Vec<Record> = Vec::new();
    let mut current: Option<Record> = None;
    for t in ts {
        let record = Record {
            bsn: t.bsn.clone().unwrap_or_else(|| BSN_ONBEKEND.into()),
            reden_beeindiging: t.close_reason.and_then(reden_beeindiging),
            person_id: t.person_id,
            birth_date: t.birth_date,
            municipality_code: t.municipality_code,
            start: t.start,
            end: t.end,
        };
        match current.as_mut() {
            // The same youth, starting on or before the end of the record so far: overlap.
            Some(c)
                if c.person_id == record.person_id && c.end.is_none_or(|e| record.start <= e) =>
            {
                if c.end.is_some() {
                    match record.end {
                        None => {
                            c.end = None;
                            c.reden_beeindiging = None;
                        }
                        Some(e) if Some(e) >= c.end => {
                            c.end = Some(e);
                            c.reden_beeindiging = record.reden_beeindiging;
                        }
                        Some(_) => {}
                    }
                }
            }
            _ => {
                if let Some(done) = current.replace(record) {
                    out.push(done);
                }
            }
        }
    }
    out.extend(current);
    out.retain(|r| r.end.is_none_or(|e| e >= first));
    out.sort_by(|a, b| {
        (
            &a.municipality_code,
            a.start,
            &a.bsn,
            a.birth_date,
            &a.person_id,
        )
            .cmp(&(
                &b.municipality_code,
                b.start,
                &b.bsn,
                b.birth_date,
                &b.person_id,
            ))
    });
    out
}

/// The file: a header line with [`FIELDS`], then one line per record; comma-separated,
/// UTF-8, lines ending in LF. No field ever holds a comma, quote or line break (codes
/// and dates only), so no field is quoted.
pub fn to_csv(records: &[Record]) -> String {
    let mut s = FIELDS.join(",");
    s.push('\n');
    for r in records {
        s.push_str(&r.fields().join(","));
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn t(person: &str, start: &str, end: Option<&str>, reason: Option<CloseReason>) -> Trajectory {
        Trajectory {
            person_id: person.into(),
            bsn: None,
            birth_date: d("2015-03-04"),
            municipality_code: "0988".into(),
            start: d(start),
            end: end.map(d),
            close_reason: reason,
        }
    }

    #[test]
    fn periods_parse_and_bound() {
        let p = Period::parse("period", " 2026-1 ").unwrap();
        assert_eq!(
            (p.first_day(), p.last_day()),
            (d("2026-01-01"), d("2026-06-30"))
        );
        assert_eq!(p.deadline(), d("2026-07-21"));
        let p = Period::parse("period", "2026-2").unwrap();
        assert_eq!(
            (p.first_day(), p.last_day()),
            (d("2026-07-01"), d("2026-12-31"))
        );
        assert_eq!(p.to_string(), "2026-2");
        for bad in [
            "2026", "2026-3", "2026-0", "26-1", "2026-01", "abcd-1", "", "2026-1-1",
        ] {
            assert!(Period::parse("period", bad).is_err(), "{bad}");
        }
        assert!(Period::parse("period", "2014-2").is_err());
        assert_eq!(Period::of(d("2026-07-01")).to_string(), "2026-2");
        assert_eq!(
            Period::deliverable(d("2026-11-27")).map(|p| p.to_string()),
            ["2026-1".to_owned(), "2025-2".to_owned()]
        );
        assert!(
            Period::parse("p", "2026-1")
                .unwrap()
                .check_ended("p", d("2026-06-30"))
                .is_err()
        );
        assert!(
            Period::parse("p", "2026-1")
                .unwrap()
                .check_ended("p", d("2026-07-01"))
                .is_ok()
        );
    }

    #[test]
    fn close_reasons_map_to_the_protocol() {
        assert_eq!(reden_beeindiging(CloseReason::GoalsReached), Some("01"));
        assert_eq!(
            reden_beeindiging(CloseReason::ReferredSpecialised),
            Some("02")
        );
        assert_eq!(reden_beeindiging(CloseReason::FamilyStopped), Some("03"));
        assert_eq!(reden_beeindiging(CloseReason::Moved), Some("05"));
        assert_eq!(reden_beeindiging(CloseReason::Other), None);
        assert!(is_jeugdhulp(Some(HelpKind::AmbulatoryBasic)));
        assert!(is_jeugdhulp(Some(HelpKind::GroupWork)));
        assert!(!is_jeugdhulp(Some(HelpKind::InformationAdvice)));
        assert!(!is_jeugdhulp(None));
    }

    #[test]
    fn records_follow_the_period_and_merge_overlaps() {
        let p = Period::parse("p", "2026-1").unwrap();
        let r = records(
            p,
            vec![
                // Ended the day before the period: out.
                t(
                    "a",
                    "2025-01-01",
                    Some("2025-12-31"),
                    Some(CloseReason::GoalsReached),
                ),
                // Starts the day after: out.
                t("b", "2026-07-01", None, None),
                // Ends on the first day: in, ended.
                t(
                    "c",
                    "2025-05-01",
                    Some("2026-01-01"),
                    Some(CloseReason::Moved),
                ),
                // Ends after the period: running on its last day.
                t(
                    "d",
                    "2026-06-30",
                    Some("2026-08-01"),
                    Some(CloseReason::GoalsReached),
                ),
                // Two overlapping trajectories of one youth: one record.
                t(
                    "e",
                    "2025-10-01",
                    Some("2026-02-01"),
                    Some(CloseReason::Other),
                ),
                t(
                    "e",
                    "2026-01-15",
                    Some("2026-03-01"),
                    Some(CloseReason::FamilyStopped),
                ),
                // Two apart: two records.
                t(
                    "f",
                    "2026-01-01",
                    Some("2026-01-31"),
                    Some(CloseReason::GoalsReached),
                ),
                t("f", "2026-02-01", None, None),
            ],
        );
        let rows: Vec<(String, String, String, String)> = r
            .iter()
            .map(|r| {
                let f = r.fields();
                (
                    r.person_id.clone(),
                    f[8].clone(),
                    f[9].clone(),
                    f[10].clone(),
                )
            })
            .collect();
        let row = |p: &str, a: &str, e: &str, r: &str| (p.into(), a.into(), e.into(), r.into());
        assert_eq!(
            rows,
            vec![
                row("c", "20250501", "20260101", "05"),
                row("e", "20251001", "20260301", "03"),
                row("f", "20260101", "20260131", "01"),
                row("f", "20260201", "", ""),
                row("d", "20260630", "", ""),
            ]
        );
        let csv = to_csv(&r[..1]);
        assert_eq!(
            csv,
            format!(
                "{}\n999999999,20150304,O,,0988,06,01,,20250501,20260101,05,,,,\n",
                FIELDS.join(",")
            )
        );
    }
}
