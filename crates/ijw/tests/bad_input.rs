//! Hostile and broken input is refused with the right kind, never a panic.

use eenplan_ijw::{MAX_MESSAGE_BYTES, ParseErrorKind, parse};

fn example(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/berichten/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn kind(xml: &[u8]) -> ParseErrorKind {
    parse(xml).unwrap_err().kind
}

#[test]
fn malformed_xml() {
    assert_eq!(kind(b"<jw301:Bericht"), ParseErrorKind::Malformed);
    assert_eq!(kind(b""), ParseErrorKind::Malformed);
    assert_eq!(kind(b"\xff\xfe<a/>"), ParseErrorKind::Malformed);
    let cut = example("JW301.xml");
    assert_eq!(
        kind(&cut.as_bytes()[..cut.len() / 2]),
        ParseErrorKind::Malformed
    );
}

#[test]
fn wrong_namespace() {
    let xml = example("JW301.xml").replace("ijw/3_2/jw301/schema", "example.org/other");
    let e = parse(xml.as_bytes()).unwrap_err();
    assert_eq!(e.kind, ParseErrorKind::UnknownNamespace, "{e}");
    assert_eq!(kind(b"<Bericht/>"), ParseErrorKind::UnknownNamespace);
}

#[test]
fn unknown_message_code_or_root() {
    // An iJw namespace that is not one of ours (JW399).
    let xml = example("JW301.xml").replace("jw301", "jw399");
    assert_eq!(kind(xml.as_bytes()), ParseErrorKind::UnknownMessage);
    // Our namespace with another BerichtCode.
    let xml = example("JW301.xml").replace(">436<", ">999<");
    let e = parse(xml.as_bytes()).unwrap_err();
    assert_eq!(e.kind, ParseErrorKind::UnknownMessage);
    assert!(e.detail.contains("999"), "{e}");
    assert!(e.nl().contains("berichttype"), "{}", e.nl());
}

#[test]
fn fifty_megabytes_is_refused_before_parsing() {
    let mut big = example("JW301.xml").into_bytes();
    big.resize(50 * 1024 * 1024, b' ');
    let e = parse(&big).unwrap_err();
    assert_eq!(e.kind, ParseErrorKind::TooLarge);
    let just_over = vec![b'x'; MAX_MESSAGE_BYTES + 1];
    assert_eq!(kind(&just_over), ParseErrorKind::TooLarge);
}

#[test]
fn billion_laughs_is_refused_as_dtd() {
    let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<lolz>&lol9;</lolz>"#;
    assert_eq!(kind(bomb.as_bytes()), ParseErrorKind::Dtd);
    let xxe = r#"<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>"#;
    assert_eq!(kind(xxe.as_bytes()), ParseErrorKind::Dtd);
}

#[test]
fn xsd_violations_name_the_element() {
    let base = example("JW301.xml");
    let cases = [
        // too long (LDT_Voorvoegsel max 10)
        (base.replace(">de<", ">abcdefghijk<"), "Voorvoegsel"),
        // missing required element
        (
            base.replacen("<jw301:Geslacht>1</jw301:Geslacht>", "", 1),
            "Geslacht",
        ),
        // unknown element
        (
            base.replace("<jw301:Bsn>", "<jw301:Extra>1</jw301:Extra><jw301:Bsn>"),
            "Extra",
        ),
        // not in the code list
        (
            base.replace(
                "<jw301:Geslacht>1</jw301:Geslacht>",
                "<jw301:Geslacht>7</jw301:Geslacht>",
            ),
            "Geslacht",
        ),
        // pattern
        (base.replace(">999900006<", ">99990000X<"), "Bsn"),
        // out of range
        (
            base.replace("<jw301:BerichtVersie>3<", "<jw301:BerichtVersie>4<"),
            "BerichtVersie",
        ),
        // attribute
        (
            base.replace("<jw301:Client>", "<jw301:Client id=\"1\">"),
            "attribute",
        ),
    ];
    for (xml, needle) in cases {
        let e = parse(xml.as_bytes()).unwrap_err();
        assert_eq!(e.kind, ParseErrorKind::Invalid, "{needle}: {e}");
        assert!(e.detail.contains(needle), "{needle}: {e}");
        assert!(
            eenplan_ijw::xsd::validate(&xml).is_err(),
            "xmllint agrees: {needle}"
        );
    }
}

#[test]
fn elements_out_of_order_are_refused() {
    let xml = example("JW305.xml");
    let a = "<jw305:Afzender>";
    let (i, j) = (xml.find(a).unwrap(), xml.find("<jw305:Ontvanger>").unwrap());
    let end = xml.find("</jw305:Ontvanger>").unwrap() + "</jw305:Ontvanger>".len();
    let afz = &xml[i..j];
    let ont = &xml[j..end];
    let swapped = format!(
        "{}{}{}{}",
        &xml[..i],
        ont.trim_end(),
        afz.trim_end(),
        &xml[end..]
    );
    assert_eq!(kind(swapped.as_bytes()), ParseErrorKind::Invalid);
}

#[test]
fn garbage_never_panics() {
    let base = example("JW323.xml").into_bytes();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..2_000 {
        let mut b = base.clone();
        for _ in 0..4 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let i = (seed as usize) % b.len();
            b[i] = (seed >> 32) as u8;
        }
        let _ = parse(&b);
    }
}

/// Runs `f` on a thread with a small stack (a quarter of a server worker's), so a
/// parser that recursed per nesting level would abort the test process.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// A message whose root holds `depth` nested elements of another name first.
fn nested_message(root: &str, inner: &str, depth: usize) -> Vec<u8> {
    let xml = example(root);
    let at = xml.find("<jw315:Header>").unwrap();
    let mut s = xml[..at].to_owned();
    s.push_str(&format!("<{inner}>").repeat(depth));
    s.push_str(&format!("</{inner}>").repeat(depth));
    s.push_str(&xml[at..]);
    s.into_bytes()
}

#[test]
fn deep_nesting_is_refused_without_recursion() {
    for (inner, depth) in [("x", 4_000), ("jw315:Client", 50), ("a:b", 200_000)] {
        let xml = nested_message("JW315.xml", inner, depth);
        let e = on_small_stack(move || parse(&xml).unwrap_err());
        assert_eq!(e.kind, ParseErrorKind::Limit, "{inner} {depth}: {e}");
        assert!(e.nl().contains("genest"), "{}", e.nl());
    }
    // Unclosed, and a closed list of siblings as deep as the schema allows, still parse
    // to the XSD's own answer.
    let open = format!("<x>{}", "<y>".repeat(1_000_000)).into_bytes();
    let e = on_small_stack(move || parse(&open).unwrap_err());
    assert_eq!(e.kind, ParseErrorKind::Limit);
    let shallow = nested_message("JW315.xml", "x", 3);
    assert_eq!(kind(&shallow), ParseErrorKind::Invalid);
}

#[test]
fn many_attributes_and_namespaces_are_refused_early() {
    let xml = example("JW315.xml");
    let attrs: String = (0..200_000).map(|i| format!(" a{i}=\"1\"")).collect();
    let many = xml.replacen("<jw315:Client>", &format!("<jw315:Client{attrs}>"), 1);
    let e = parse(many.as_bytes()).unwrap_err();
    assert_eq!(e.kind, ParseErrorKind::Limit, "{e}");
    assert!(e.detail.contains("attributes"), "{e}");
    // Every element declaring a namespace of its own.
    let decls: String = (0..100_000)
        .map(|i| format!("<x xmlns:n{i}=\"urn:n{i}\"/>"))
        .collect();
    let many = xml.replacen("<jw315:Client>", &format!("<jw315:Client>{decls}"), 1);
    assert_eq!(kind(many.as_bytes()), ParseErrorKind::Limit);
    // One long text.
    let long = xml.replacen(
        "<jw315:Client>",
        &format!("<jw315:Client>{}", "a".repeat(1_000_000)),
        1,
    );
    assert_eq!(kind(long.as_bytes()), ParseErrorKind::Limit);
}
