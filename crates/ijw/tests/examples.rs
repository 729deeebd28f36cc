//! The example messages of the standard: 12 parse and round-trip through the writer and
//! xmllint; JW315.xml and JW318.xml are refused with a reason.

use eenplan_ijw::{ParseErrorKind, parse, to_xml, xsd};
use std::path::PathBuf;

fn example(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/berichten")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const VALID: [&str; 12] = [
    "JW301", "JW302", "JW305", "JW306", "JW307", "JW308", "JW316", "JW317", "JW319", "JW320",
    "JW323", "JW325",
];

#[test]
fn the_twelve_valid_examples_parse_with_their_type() {
    for name in VALID {
        let msg = parse(&example(&format!("{name}.xml"))).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(msg.message_type().name(), name);
        assert!(!msg.header().identificatie.is_empty());
    }
}

#[test]
fn the_valid_examples_round_trip_and_validate() {
    for name in VALID {
        let msg = parse(&example(&format!("{name}.xml"))).unwrap();
        let xml = to_xml(&msg);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        xsd::validate(&xml).unwrap_or_else(|e| panic!("{name} written back: {e}\n{xml}"));
        let again = parse(xml.as_bytes()).unwrap_or_else(|e| panic!("{name} reparse: {e}"));
        assert_eq!(again, msg, "{name} round trip");
    }
}

#[test]
fn the_original_examples_validate_with_xmllint() {
    for name in VALID {
        let xml = String::from_utf8(example(&format!("{name}.xml"))).unwrap();
        xsd::validate(&xml).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn jw315_example_is_refused_for_its_impossible_date() {
    let e = parse(&example("JW315.xml")).unwrap_err();
    assert_eq!(e.kind, ParseErrorKind::Invalid);
    assert!(e.detail.contains("2027-06-31"), "{e}");
    assert!(e.to_string().contains("does not exist"), "{e}");
    assert!(e.nl().contains("XSD"), "{}", e.nl());
}

#[test]
fn jw318_example_is_refused_for_a_retourcode_outside_retourcodes() {
    let e = parse(&example("JW318.xml")).unwrap_err();
    assert_eq!(e.kind, ParseErrorKind::Invalid);
    assert!(e.detail.contains("RetourCode"), "{e}");
    let xml = String::from_utf8(example("JW318.xml")).unwrap();
    assert!(xsd::validate(&xml).is_err());
}
