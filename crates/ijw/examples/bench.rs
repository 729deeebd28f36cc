//! Throughput of parse + rules::check (JW305 and JW307) and to_xml (JW301), on 100,000
//! messages generated in memory with varied test-range BSNs. Run through bench/ijw.sh.

use chrono::NaiveDate;
use eenplan_ijw::{Message, parse, rules, to_xml};
use std::time::Instant;

const N: usize = 100_000;

/// The i-th BSN of the test range 999900006..=999999990 that passes the 11-check.
fn test_bsn(i: usize) -> String {
    let mut n = 999_900_006 + (i as u64 * 11) % 99_985;
    loop {
        let s = format!("{n:09}");
        let sum: i64 = s
            .bytes()
            .enumerate()
            .map(|(k, b)| {
                let w = if k == 8 { -1 } else { 9 - k as i64 };
                w * i64::from(b - b'0')
            })
            .sum();
        if sum % 11 == 0 {
            return s;
        }
        n = if n >= 999_999_990 { 999_900_006 } else { n + 1 };
    }
}

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/berichten/");
    let read = |n: &str| std::fs::read_to_string(format!("{dir}{n}")).expect("example");
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("date");
    for name in ["JW305.xml", "JW307.xml"] {
        let base = read(name);
        let msgs: Vec<String> = (0..N)
            .map(|i| base.replace(">999900006<", &format!(">{}<", test_bsn(i))))
            .collect();
        let bytes: usize = msgs.iter().map(String::len).sum();
        let t = Instant::now();
        let mut violations = 0;
        for m in &msgs {
            let msg = parse(m.as_bytes()).expect("valid");
            violations += rules::check(&msg, today).len();
        }
        let s = t.elapsed().as_secs_f64();
        println!(
            "{name}: parse+check {N} messages in {s:.3} s = {:.0} msg/s ({:.1} MB/s), {violations} violations",
            N as f64 / s,
            bytes as f64 / s / 1e6
        );
    }
    let base = parse(read("JW301.xml").as_bytes()).expect("valid");
    let msgs: Vec<Message> = (0..N)
        .map(|i| {
            let mut m = base.clone();
            if let Message::Jw301(x) = &mut m {
                x.client.bsn = test_bsn(i);
            }
            m
        })
        .collect();
    let t = Instant::now();
    let mut total = 0;
    for m in &msgs {
        total += to_xml(m).len();
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "JW301: to_xml {N} messages in {s:.3} s = {:.0} msg/s ({:.1} MB/s)",
        N as f64 / s,
        total as f64 / s / 1e6
    );
}
