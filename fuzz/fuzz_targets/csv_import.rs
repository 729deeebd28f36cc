//! Any bytes as a history file for `eenplan import` (registrations and consultations).
//!
//! Drives the import's own file reading, `eenplan_store::import::read_rows`: the header
//! (column names, the delimiter sniffed from the first line, a byte order mark), every
//! row's width, its length (at most 4 KiB), control characters and its external id
//! (well-formed, unique in the file). Each row that passes goes through the domain
//! parsers the import uses on its values (dates, birth dates, BSNs, referrer and kind).
//! Not run: the look-ups against the database (municipalities, code lists, ids imported
//! before) and the writes, which need a database.
//!
//! Nothing may panic, every problem names a line of the file, and a problem quotes at
//! most 80 characters of a value.
#![no_main]

use chrono::NaiveDate;
use eenplan_domain::Bsn;
use eenplan_domain::family::{parse_birth_date, parse_date};
use eenplan_domain::treatment_team::{Referrer, RequestKind};
use eenplan_store::import::{CONSULTATION_COLUMNS, REGISTRATION_COLUMNS, read_rows};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A line number of the file is at most the number of line ends plus one.
    let lines = data.iter().filter(|b| matches!(b, b'\n' | b'\r')).count() as u64 + 1;
    let today = NaiveDate::from_ymd_opt(2026, 12, 2).expect("a real date");
    for (columns, registrations) in [(REGISTRATION_COLUMNS, true), (CONSULTATION_COLUMNS, false)] {
        let problems = match read_rows(data, columns, |_, values| {
            if registrations {
                let _ = parse_date("registered_on", values[2]);
                let _ = parse_date("closed_on", values[3]);
                let _ = parse_birth_date("youth_birth_date", values[6], today);
                let _ = Bsn::parse("youth_bsn", values[7]);
            } else {
                let _ = parse_date("requested_on", values[2]);
                let _ = Referrer::parse(values[3]);
                let _ = RequestKind::parse(values[4]);
            }
        }) {
            Ok(problems) => problems,
            Err(eenplan_store::import::ImportError::Invalid(problems)) => problems,
            Err(e) => panic!("reading a slice failed: {e}"),
        };
        for p in &problems {
            assert!(
                (1..=lines).contains(&p.line),
                "a problem on line {} of a file of {lines} lines: {p}",
                p.line
            );
            assert!(
                p.message_en.chars().count() < 400,
                "a problem quotes too much: {} characters",
                p.message_en.chars().count()
            );
        }
    }
});
