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

#[test]
fn message_types_codes_names_namespaces_and_retours() {
    use eenplan_ijw::MessageType::{self, *};
    assert_eq!(Jw301.code(), 436);
    assert_eq!(Jw325.code(), 491);
    assert_eq!(Jw317.name(), "JW317");
    assert_eq!(
        Jw319.namespace(),
        "http://www.istandaarden.nl/ijw/3_2/jw319/schema"
    );
    assert_eq!(MessageType::from_name("jw323"), Some(Jw323));
    assert_eq!(MessageType::from_name("JW399"), None);
    let pairs = [
        (Jw301, Jw302),
        (Jw305, Jw306),
        (Jw307, Jw308),
        (Jw315, Jw316),
        (Jw317, Jw318),
        (Jw319, Jw320),
        (Jw323, Jw325),
    ];
    for (heen, terug) in pairs {
        assert_eq!(heen.retour(), Some(terug));
        assert_eq!(terug.retour(), None);
        assert_eq!(MessageType::from_code(heen.code()), Some(heen));
    }
}

#[test]
fn retour_messages_get_no_retour_and_bsn_is_read() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    for name in ["JW302", "JW306", "JW308", "JW316", "JW320", "JW325"] {
        let msg = parse(&example(&format!("{name}.xml"))).unwrap();
        assert!(
            eenplan_ijw::retour(&msg, &[], "X", today).is_none(),
            "{name}"
        );
    }
    let msg = parse(&example("JW305.xml")).unwrap();
    assert_eq!(msg.bsn(), Some("999900006"));
    assert_eq!(parse(&example("JW319.xml")).unwrap().bsn(), None);
}
