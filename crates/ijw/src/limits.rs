//! Bounds on the shape of a message, checked in one streaming pass before the tree is
//! built. The tree parser (roxmltree) descends recursively into nested elements and
//! compares each attribute and namespace declaration with the earlier ones, so without
//! these bounds a small hostile message could overflow the stack (thousands of nested
//! elements) or take time in the square of its size (thousands of attributes). The
//! bounds sit far above anything the iJw 3.2 schemas allow, so no valid message meets
//! them, and the pass itself is iterative and linear in the input.

use crate::{ParseError, ParseErrorKind};
use quick_xml::events::Event;

/// The iJw 3.2 schemas nest at most 7 elements deep (`Bericht/Declaratie/Clienten/
/// Client/Prestaties/Prestatie/...`); anything much deeper is not a message.
pub const MAX_DEPTH: usize = 32;
/// No element of the schemas has attributes; the namespace declarations and `xsi` hints
/// of a root element are a handful.
pub const MAX_ATTRIBUTES_PER_ELEMENT: usize = 16;
/// Namespace declarations in the whole document: a message uses two or three.
pub const MAX_NAMESPACE_DECLARATIONS: usize = 64;
/// The longest value in the schemas is 200 characters; whitespace between elements is
/// a few bytes. One run of text above this is refused.
pub const MAX_TEXT_BYTES: usize = 4096;
/// A 25 MB declaration holds about a million elements.
pub const MAX_ELEMENTS: usize = 2_000_000;

fn too_deep_or_wide(detail: String) -> ParseError {
    ParseError::new(ParseErrorKind::Limit, detail)
}

/// Checks nesting depth, attributes, namespace declarations, text runs and the number of
/// elements. Malformed XML is refused here too, so the tree parser only ever sees input
/// whose depth is bounded.
pub(crate) fn check(text: &str) -> Result<(), ParseError> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut depth = 0usize;
    let mut elements = 0usize;
    let mut namespaces = 0usize;
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event().map_err(|e| {
            ParseError::new(
                ParseErrorKind::Malformed,
                format!("at byte {}: {e}", reader.error_position()),
            )
        })?;
        let start = match &event {
            Event::Start(e) | Event::Empty(e) => Some(e),
            _ => None,
        };
        if let Some(e) = start {
            elements += 1;
            if elements > MAX_ELEMENTS {
                return Err(too_deep_or_wide(format!(
                    "more than {MAX_ELEMENTS} elements"
                )));
            }
            if matches!(event, Event::Start(_)) {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(too_deep_or_wide(format!(
                        "elements nested more than {MAX_DEPTH} deep (at byte {position})"
                    )));
                }
            }
            let mut attributes = 0;
            for a in e
                .attributes()
                .with_checks(false)
                .take(MAX_ATTRIBUTES_PER_ELEMENT + 1)
            {
                let a = a.map_err(|e| {
                    ParseError::new(
                        ParseErrorKind::Malformed,
                        format!("at byte {position}: {e}"),
                    )
                })?;
                attributes += 1;
                let key = a.key.as_ref();
                if key == b"xmlns" || key.starts_with(b"xmlns:") {
                    namespaces += 1;
                }
            }
            if attributes > MAX_ATTRIBUTES_PER_ELEMENT {
                return Err(too_deep_or_wide(format!(
                    "an element with more than {MAX_ATTRIBUTES_PER_ELEMENT} attributes (at byte {position})"
                )));
            }
            if namespaces > MAX_NAMESPACE_DECLARATIONS {
                return Err(too_deep_or_wide(format!(
                    "more than {MAX_NAMESPACE_DECLARATIONS} namespace declarations"
                )));
            }
        }
        match event {
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(t) if t.len() > MAX_TEXT_BYTES => {
                return Err(too_deep_or_wide(format!(
                    "a text of more than {MAX_TEXT_BYTES} bytes (at byte {position})"
                )));
            }
            Event::CData(t) if t.len() > MAX_TEXT_BYTES => {
                return Err(too_deep_or_wide(format!(
                    "a text of more than {MAX_TEXT_BYTES} bytes (at byte {position})"
                )));
            }
            Event::DocType(_) => {
                return Err(ParseError::new(
                    ParseErrorKind::Dtd,
                    "the document has a DOCTYPE declaration",
                ));
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> String {
        let mut s = String::from(
            r#"<jw315:Bericht xmlns:jw315="http://www.istandaarden.nl/ijw/3_2/jw315/schema">"#,
        );
        s.push_str(&"<a>".repeat(depth));
        s.push_str(&"</a>".repeat(depth));
        s.push_str("</jw315:Bericht>");
        s
    }

    #[test]
    fn depth_up_to_the_limit_passes_and_deeper_is_refused() {
        assert!(check(&nested(MAX_DEPTH - 1)).is_ok());
        for depth in [MAX_DEPTH, 4_000, 200_000] {
            let e = check(&nested(depth)).unwrap_err();
            assert_eq!(e.kind, ParseErrorKind::Limit, "{e}");
            assert!(e.detail.contains("nested"), "{e}");
        }
        // Unclosed elements are refused by depth before the missing ends are noticed.
        let e = check(&"<a>".repeat(100_000)).unwrap_err();
        assert_eq!(e.kind, ParseErrorKind::Limit);
    }

    #[test]
    fn attributes_namespaces_and_text_are_bounded() {
        let attrs: String = (0..MAX_ATTRIBUTES_PER_ELEMENT + 1)
            .map(|i| format!(" a{i}=\"x\""))
            .collect();
        let e = check(&format!("<r{attrs}/>")).unwrap_err();
        assert!(e.detail.contains("attributes"), "{e}");
        let ns: String = (0..MAX_NAMESPACE_DECLARATIONS + 1)
            .map(|i| format!("<e xmlns:n{i}=\"urn:{i}\"/>"))
            .collect();
        let e = check(&format!("<r>{ns}</r>")).unwrap_err();
        assert!(e.detail.contains("namespace"), "{e}");
        let long = "x".repeat(MAX_TEXT_BYTES + 1);
        assert!(check(&format!("<r>{long}</r>")).is_err());
        assert!(check(&format!("<r><![CDATA[{long}]]></r>")).is_err());
        assert!(check(&format!("<r>{}</r>", &long[1..])).is_ok());
    }

    #[test]
    fn malformed_input_is_refused_without_a_tree() {
        let e = check("<a><b></a>").unwrap_err();
        assert_eq!(e.kind, ParseErrorKind::Malformed, "{e}");
    }
}
