//! Any input: parse never panics, and a parsed message survives to_xml + parse unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(msg) = eenplan_ijw::parse(data) {
        let xml = eenplan_ijw::to_xml(&msg);
        let again = eenplan_ijw::parse(xml.as_bytes())
            .unwrap_or_else(|e| panic!("written message does not parse: {e}\n{xml}"));
        assert_eq!(again, msg, "round trip changed the message");
        let today = chrono_today();
        let v = eenplan_ijw::rules::check(&msg, today);
        if let Some(r) = eenplan_ijw::retour(&msg, &v, "R1", today) {
            let rx = eenplan_ijw::to_xml(&r);
            assert!(eenplan_ijw::parse(rx.as_bytes()).is_ok(), "retour does not parse:\n{rx}");
        }
    }
});

fn chrono_today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("a real date")
}
