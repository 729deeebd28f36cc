//! The small XML runtime the generated code stands on: a cursor that walks an element's
//! children in XSD sequence order, the XSD value checks (lengths, patterns, integers,
//! dates), and a writer that escapes text.
//!
//! The schemas only use `xs:sequence` with optional and repeating elements, no attributes
//! and no mixed content, so a forward cursor is enough to enforce them exactly.

use crate::{ParseError, ParseErrorKind};
use chrono::{NaiveDate, NaiveTime, Timelike};
use roxmltree::Node;
use std::borrow::Cow;

/// An element being read. Its path for error messages is derived from its ancestors
/// only when an error is reported, so the happy path allocates no path strings.
pub(crate) type El<'a, 'input> = Node<'a, 'input>;

/// `Bericht/Client/Naam`: the element path of `n` (local names).
fn path_of(n: Node<'_, '_>) -> String {
    let mut names: Vec<&str> = n
        .ancestors()
        .filter(|a| a.is_element())
        .map(|a| a.tag_name().name())
        .collect();
    names.reverse();
    names.join("/")
}

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

fn invalid(path: &str, detail: impl Into<String>) -> ParseError {
    ParseError::new(
        ParseErrorKind::Invalid,
        format!("{path}: {}", detail.into()),
    )
}

fn name_of(n: Node<'_, '_>) -> String {
    let tag = n.tag_name();
    match tag.namespace() {
        Some(ns) => format!("{{{ns}}}{}", tag.name()),
        None => tag.name().to_owned(),
    }
}

/// Attributes are not declared anywhere in the schemas; only the `xsi` location hints
/// that any validator ignores are let through.
fn check_attributes(n: Node<'_, '_>) -> Result<(), ParseError> {
    for a in n.attributes() {
        let hint = a.namespace() == Some(XSI)
            && matches!(a.name(), "schemaLocation" | "noNamespaceSchemaLocation");
        if !hint {
            return Err(invalid(
                &path_of(n),
                format!("unexpected attribute {:?}", a.name()),
            ));
        }
    }
    Ok(())
}

/// The element children of a complex element, consumed in order.
pub(crate) struct Children<'a, 'input> {
    items: Vec<Node<'a, 'input>>,
    pos: usize,
    parent: Node<'a, 'input>,
}

impl<'a, 'input> Children<'a, 'input> {
    pub(crate) fn of(node: El<'a, 'input>) -> Result<Self, ParseError> {
        check_attributes(node)?;
        let mut items = Vec::new();
        for c in node.children() {
            if c.is_element() {
                items.push(c);
            } else if c.is_text() && !c.text().unwrap_or("").trim().is_empty() {
                return Err(invalid(
                    &path_of(node),
                    "text is not allowed here, only elements",
                ));
            }
        }
        Ok(Self {
            items,
            pos: 0,
            parent: node,
        })
    }

    fn matches(&self, ns: &str, name: &str) -> bool {
        self.items
            .get(self.pos)
            .is_some_and(|n| n.tag_name().name() == name && n.tag_name().namespace() == Some(ns))
    }

    /// The next element, which must be `name`.
    pub(crate) fn req(&mut self, ns: &str, name: &str) -> Result<El<'a, 'input>, ParseError> {
        if self.matches(ns, name) {
            self.pos += 1;
            return Ok(self.items[self.pos - 1]);
        }
        Err(match self.items.get(self.pos) {
            Some(n) => invalid(
                &path_of(self.parent),
                format!(
                    "unexpected element {}, expected {name}",
                    name_of(*n).rsplit('}').next().unwrap_or_default()
                ) + &ns_note(*n, ns),
            ),
            None => invalid(&path_of(self.parent), format!("missing element {name}")),
        })
    }

    /// The next element when it is `name`.
    pub(crate) fn opt(&mut self, ns: &str, name: &str) -> Option<El<'a, 'input>> {
        if self.matches(ns, name) {
            self.pos += 1;
            Some(self.items[self.pos - 1])
        } else {
            None
        }
    }

    /// No elements may be left over.
    pub(crate) fn end(self) -> Result<(), ParseError> {
        match self.items.get(self.pos) {
            Some(n) => Err(invalid(
                &path_of(self.parent),
                format!(
                    "unexpected element {} (unknown, repeated or out of order)",
                    name_of(*n)
                ),
            )),
            None => Ok(()),
        }
    }
}

fn ns_note(n: Node<'_, '_>, expected: &str) -> String {
    match n.tag_name().namespace() {
        Some(ns) if ns == expected => String::new(),
        Some(ns) => format!(" (element is in namespace {ns})"),
        None => " (element has no namespace)".to_owned(),
    }
}

/// A wrapper element holding one or more `item` elements (`StartProducten/StartProduct`).
/// An optional wrapper that is absent reads as an empty list.
pub(crate) fn read_list<'a, 'i, T>(
    c: &mut Children<'a, 'i>,
    ns: &str,
    wrapper: &str,
    item_ns: &str,
    item: &str,
    required: bool,
    read: impl Fn(El<'a, 'i>) -> Result<T, ParseError>,
) -> Result<Vec<T>, ParseError> {
    let el = if required {
        c.req(ns, wrapper)?
    } else {
        match c.opt(ns, wrapper) {
            Some(el) => el,
            None => return Ok(Vec::new()),
        }
    };
    let mut w = Children::of(el)?;
    let mut out = vec![read(w.req(item_ns, item)?)?];
    while let Some(e) = w.opt(item_ns, item) {
        out.push(read(e)?);
    }
    w.end()?;
    Ok(out)
}

/// The text of a simple element, checked and converted by `conv`.
pub(crate) fn value<T>(
    node: El<'_, '_>,
    conv: impl Fn(&str) -> Result<T, String>,
) -> Result<T, ParseError> {
    check_attributes(node)?;
    // One text child (the usual case) is borrowed; comments or CDATA split the text.
    let mut kids = node.children();
    match (kids.next(), kids.next()) {
        (None, _) => return conv("").map_err(|e| invalid(&path_of(node), e)),
        (Some(only), None) if only.is_text() => {
            return conv(only.text().unwrap_or("")).map_err(|e| invalid(&path_of(node), e));
        }
        _ => {}
    }
    let mut text = String::new();
    for c in node.children() {
        if c.is_element() {
            return Err(invalid(
                &path_of(node),
                format!("unexpected element {} inside a value", name_of(c)),
            ));
        }
        if c.is_text() {
            text.push_str(c.text().unwrap_or(""));
        }
    }
    conv(&text).map_err(|e| invalid(&path_of(node), e))
}

// ------------------------------------------------------------------ value checks

pub(crate) fn min_length(s: &str, n: usize) -> Result<(), String> {
    let len = s.chars().count();
    if len < n {
        return Err(format!("{s:?} is shorter than {n} characters"));
    }
    Ok(())
}

pub(crate) fn max_length(s: &str, n: usize) -> Result<(), String> {
    let len = s.chars().count();
    if len > n {
        return Err(format!(
            "value of {len} characters is longer than the maximum of {n}"
        ));
    }
    Ok(())
}

/// The XSD patterns used by the Basisschema, implemented directly (XSD regexes are
/// anchored, `.` excludes line ends and `\s` is space, tab, CR and LF only).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Pattern {
    /// `[0-9]{n}`
    Digits(usize),
    /// `[0-9]*`
    DigitsAny,
    /// `([.\s]*\S+[.\s]*)+`: at least one non-space character.
    HasNonSpace,
    /// `.*[^\s].*`: one line holding at least one non-space character.
    LineWithNonSpace,
    /// `(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)`
    Version,
    /// `([a-zA-ZÀ-ỳ])+`
    Letters,
    /// `([a-zA-Z0-9])+`
    Alphanumeric,
}

fn xsd_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

pub(crate) fn pattern(s: &str, p: Pattern) -> Result<(), String> {
    let ok = match p {
        Pattern::Digits(n) => s.len() == n && s.bytes().all(|b| b.is_ascii_digit()),
        Pattern::DigitsAny => s.bytes().all(|b| b.is_ascii_digit()),
        Pattern::HasNonSpace => s.chars().any(|c| !xsd_space(c)),
        Pattern::LineWithNonSpace => !s.contains(['\n', '\r']) && s.chars().any(|c| !xsd_space(c)),
        Pattern::Version => {
            let parts: Vec<&str> = s.split('.').collect();
            parts.len() == 3
                && parts.iter().all(|p| {
                    !p.is_empty()
                        && p.bytes().all(|b| b.is_ascii_digit())
                        && (p.len() == 1 || !p.starts_with('0'))
                })
        }
        Pattern::Letters => {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphabetic() || ('\u{C0}'..='\u{1EF3}').contains(&c))
        }
        Pattern::Alphanumeric => !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric()),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{s:?} does not match the pattern {}",
            pattern_text(p)
        ))
    }
}

fn pattern_text(p: Pattern) -> String {
    match p {
        Pattern::Digits(n) => format!("[0-9]{{{n}}} ({n} digits)"),
        Pattern::DigitsAny => "[0-9]* (digits only)".into(),
        Pattern::HasNonSpace => "(at least one non-space character)".into(),
        Pattern::LineWithNonSpace => "(one line with at least one non-space character)".into(),
        Pattern::Version => "n.n.n (version)".into(),
        Pattern::Letters => "([a-zA-ZÀ-ỳ])+ (letters only)".into(),
        Pattern::Alphanumeric => "([a-zA-Z0-9])+ (letters and digits only)".into(),
    }
}

/// `xs:integer` within `[lo, hi]` (whitespace collapsed, optional sign, leading zeros).
pub(crate) fn integer(s: &str, lo: i64, hi: i64) -> Result<i64, String> {
    let t = s.trim_matches(xsd_space);
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{s:?} is not an integer"));
    }
    let digits = digits.trim_start_matches('0');
    let v: i64 = if digits.is_empty() {
        0
    } else if digits.len() > 15 {
        return Err(format!("{s:?} is outside {lo}..={hi}"));
    } else {
        digits
            .parse()
            .map_err(|_| format!("{s:?} is not an integer"))?
    };
    let v = if neg { -v } else { v };
    if v < lo || v > hi {
        return Err(format!("{s:?} is outside {lo}..={hi}"));
    }
    Ok(v)
}

/// `LDT_Datum`: an `xs:date` without time zone, which must be a real calendar date.
pub(crate) fn date(s: &str) -> Result<NaiveDate, String> {
    let t = s.trim_matches(xsd_space);
    let b = t.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(format!("{s:?} is not a date in the form YYYY-MM-DD"));
    }
    let num = |r: std::ops::Range<usize>| t[r].parse::<u32>().unwrap_or(0);
    let (y, m, d) = (num(0..4), num(5..7), num(8..10));
    if y == 0 {
        return Err(format!("{s:?} has year 0000, which does not exist"));
    }
    NaiveDate::from_ymd_opt(y as i32, m, d)
        .ok_or_else(|| format!("date {t:?} does not exist (no such day in the calendar)"))
}

/// `LDT_Tijd`: an `xs:time` without time zone, `hh:mm:ss` with optional fraction.
pub(crate) fn time(s: &str) -> Result<NaiveTime, String> {
    let t = s.trim_matches(xsd_space);
    let err = || format!("{s:?} is not a time in the form hh:mm:ss");
    let b = t.as_bytes();
    if b.len() < 8
        || b[2] != b':'
        || b[5] != b':'
        || ![0, 1, 3, 4, 6, 7].iter().all(|&i| b[i].is_ascii_digit())
    {
        return Err(err());
    }
    let num = |r: std::ops::Range<usize>| t[r].parse::<u32>().unwrap_or(99);
    let (h, m, sec) = (num(0..2), num(3..5), num(6..8));
    let mut nanos = 0;
    if b.len() > 8 {
        let frac = &t[8..];
        let digits = frac.strip_prefix('.').ok_or_else(err)?;
        if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return Err(err());
        }
        // Beyond nanoseconds the digits are dropped: no message needs them.
        let mut d: String = digits.chars().take(9).collect();
        while d.len() < 9 {
            d.push('0');
        }
        nanos = d.parse().map_err(|_| err())?;
    }
    if sec > 59 {
        return Err(format!("{s:?} has seconds above 59"));
    }
    NaiveTime::from_hms_nano_opt(h, m, sec, nanos)
        .ok_or_else(|| format!("{s:?} is not a time of day"))
}

// ------------------------------------------------------------------ writing

/// The lexical (XML text) form of a value.
pub(crate) trait Lexical {
    fn lexical(&self) -> Cow<'_, str>;
}

impl Lexical for String {
    fn lexical(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}
impl Lexical for u8 {
    fn lexical(&self) -> Cow<'_, str> {
        self.to_string().into()
    }
}
impl Lexical for u32 {
    fn lexical(&self) -> Cow<'_, str> {
        self.to_string().into()
    }
}
impl Lexical for u64 {
    fn lexical(&self) -> Cow<'_, str> {
        self.to_string().into()
    }
}
impl Lexical for NaiveDate {
    fn lexical(&self) -> Cow<'_, str> {
        self.format("%Y-%m-%d").to_string().into()
    }
}
impl Lexical for NaiveTime {
    fn lexical(&self) -> Cow<'_, str> {
        let base = self.format("%H:%M:%S").to_string();
        let n = self.nanosecond();
        if n == 0 {
            base.into()
        } else {
            let frac = format!("{n:09}");
            format!("{base}.{}", frac.trim_end_matches('0')).into()
        }
    }
}

/// Writes indented XML (tabs, as the example messages).
pub(crate) struct Writer {
    pub(crate) out: String,
    depth: usize,
}

impl Writer {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            out: String::with_capacity(capacity),
            depth: 0,
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push('\t');
        }
    }

    pub(crate) fn open(&mut self, prefix: &str, name: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(prefix);
        self.out.push(':');
        self.out.push_str(name);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    /// Opens the root element with its namespace declarations.
    pub(crate) fn open_root(&mut self, prefix: &str, ns: &str) {
        self.out.push_str(&format!(
            "<{prefix}:Bericht xmlns:ijw=\"{}\" xmlns:{prefix}=\"{ns}\">\n",
            crate::types::NS
        ));
        self.depth = 1;
    }

    pub(crate) fn close(&mut self, prefix: &str, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.out.push_str("</");
        self.out.push_str(prefix);
        self.out.push(':');
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    pub(crate) fn leaf(&mut self, prefix: &str, name: &str, text: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(prefix);
        self.out.push(':');
        self.out.push_str(name);
        self.out.push('>');
        escape_into(&mut self.out, text);
        self.out.push_str("</");
        self.out.push_str(prefix);
        self.out.push(':');
        self.out.push_str(name);
        self.out.push_str(">\n");
    }
}

/// Escapes text content. CR is written as a character reference because a parser turns
/// a literal CR into LF; writing it literally would change the value on a round trip.
fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

/// A struct that writes itself as the content of an element.
pub(crate) trait WriteEl {
    fn write_inner(&self, w: &mut Writer);
    fn write_el(&self, w: &mut Writer, prefix: &str, name: &str) {
        w.open(prefix, name);
        self.write_inner(w);
        w.close(prefix, name);
    }
}

/// Writes a wrapper with its items; an optional wrapper with no items is left out.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_list<T>(
    w: &mut Writer,
    prefix: &str,
    wrapper: &str,
    item_prefix: &str,
    item: &str,
    items: &[T],
    required: bool,
    write: impl Fn(&mut Writer, &str, &str, &T),
) {
    if items.is_empty() && !required {
        return;
    }
    w.open(prefix, wrapper);
    for i in items {
        write(w, item_prefix, item, i);
    }
    w.close(prefix, wrapper);
}
