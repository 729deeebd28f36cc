//! The message types, the `Message` enum over them, and the parse/write entry points.

use crate::{Header, ParseError, ParseErrorKind};

/// Larger input is refused before parsing: the standard's limit for a file (OP179,
/// 25 MB). Real messages are a few kilobytes; a bound keeps memory use predictable.
pub const MAX_MESSAGE_BYTES: usize = 25 * 1024 * 1024;

const NS_PREFIX: &str = "http://www.istandaarden.nl/ijw/3_2/";

macro_rules! messages {
    ($( $variant:ident, $module:ident, $code:literal, $name:literal; )*) => {
        /// The 14 iJw 3.2 messages this crate handles.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum MessageType { $( $variant, )* }

        impl MessageType {
            /// Every message type, in code order.
            pub const ALL: [MessageType; 14] = [$( MessageType::$variant, )*];

            /// The VECOZO BerichtCode (code list COD002), JW301 = 436.
            pub fn code(self) -> u16 {
                match self { $( MessageType::$variant => $code, )* }
            }

            /// The message name, `"JW301"`.
            pub fn name(self) -> &'static str {
                match self { $( MessageType::$variant => $name, )* }
            }

            /// The XML namespace of the message schema.
            pub fn namespace(self) -> &'static str {
                match self { $( MessageType::$variant => crate::$module::NS, )* }
            }

            /// The prefix used when writing (`jw301`), as in the example messages.
            pub(crate) fn prefix(self) -> &'static str {
                match self { $( MessageType::$variant => crate::$module::P, )* }
            }

            /// The type for a name such as `"JW301"` (case-insensitive).
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|t| t.name().eq_ignore_ascii_case(name))
            }

            /// The type for a BerichtCode such as 436.
            pub fn from_code(code: u16) -> Option<Self> {
                Self::ALL.into_iter().find(|t| t.code() == code)
            }

            fn from_namespace(ns: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|t| t.namespace() == ns)
            }
        }

        /// A parsed (or built) iJw message.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Message { $( $variant(crate::$variant), )* }

        impl Message {
            /// The type of this message.
            pub fn message_type(&self) -> MessageType {
                match self { $( Message::$variant(_) => MessageType::$variant, )* }
            }

            /// The header, whatever the type.
            pub fn header(&self) -> &Header {
                match self { $( Message::$variant(m) => &m.header, )* }
            }

            /// The header, mutable.
            pub fn header_mut(&mut self) -> &mut Header {
                match self { $( Message::$variant(m) => &mut m.header, )* }
            }

            fn read_root(mt: MessageType, el: crate::xml::El<'_, '_>) -> Result<Self, ParseError> {
                Ok(match mt { $( MessageType::$variant => Message::$variant(crate::$variant::read(el)?), )* })
            }

            fn write_root(&self, w: &mut crate::xml::Writer) {
                match self { $( Message::$variant(m) => m.write(w), )* }
            }
        }

        $(
        impl From<crate::$variant> for Message {
            fn from(m: crate::$variant) -> Self { Message::$variant(m) }
        }
        )*
    };
}

messages! {
    Jw301, jw301, 436, "JW301";
    Jw302, jw302, 437, "JW302";
    Jw305, jw305, 438, "JW305";
    Jw306, jw306, 439, "JW306";
    Jw307, jw307, 440, "JW307";
    Jw308, jw308, 441, "JW308";
    Jw315, jw315, 446, "JW315";
    Jw316, jw316, 447, "JW316";
    Jw317, jw317, 486, "JW317";
    Jw318, jw318, 487, "JW318";
    Jw319, jw319, 488, "JW319";
    Jw320, jw320, 489, "JW320";
    Jw323, jw323, 490, "JW323";
    Jw325, jw325, 491, "JW325";
}

impl MessageType {
    /// The retour message that answers this one: JW301 -> JW302, ..., JW323 -> JW325.
    /// `None` for messages that are themselves answers.
    pub fn retour(self) -> Option<MessageType> {
        use MessageType::*;
        match self {
            Jw301 => Some(Jw302),
            Jw305 => Some(Jw306),
            Jw307 => Some(Jw308),
            Jw315 => Some(Jw316),
            Jw317 => Some(Jw318),
            Jw319 => Some(Jw320),
            Jw323 => Some(Jw325),
            _ => None,
        }
    }

    /// True for the technical retour messages JW302..JW320, whose header identifies the
    /// message they answer (JW325 is a declaration answer with its own header shape).
    pub fn is_retour(self) -> bool {
        use MessageType::*;
        matches!(self, Jw302 | Jw306 | Jw308 | Jw316 | Jw318 | Jw320)
    }
}

impl Message {
    /// The client's BSN for messages about one client (all but JW319/JW320 and the
    /// declaration messages, which may hold many clients; for those the first client's).
    pub fn bsn(&self) -> Option<&str> {
        match self {
            Message::Jw301(m) => Some(&m.client.bsn),
            Message::Jw302(m) => m.client.as_ref().map(|c| c.bsn.as_str()),
            Message::Jw305(m) => Some(&m.client.bsn),
            Message::Jw306(m) => m.client.as_ref().map(|c| c.bsn.as_str()),
            Message::Jw307(m) => Some(&m.client.bsn),
            Message::Jw308(m) => m.client.as_ref().map(|c| c.bsn.as_str()),
            Message::Jw315(m) => Some(&m.client.bsn),
            Message::Jw316(m) => m.client.as_ref().map(|c| c.bsn.as_str()),
            Message::Jw317(m) => Some(&m.client.bsn),
            Message::Jw318(m) => m.client.as_ref().map(|c| c.bsn.as_str()),
            Message::Jw319(_) | Message::Jw320(_) => None,
            Message::Jw323(m) => m.declaratie.clienten.first().map(|c| c.bsn.as_str()),
            Message::Jw325(m) => m
                .declaratie_antwoord
                .as_ref()
                .and_then(|d| d.clienten.first())
                .map(|c| c.bsn.as_str()),
        }
    }
}

/// Parses one message, enforcing its XSD (element order, required elements, facets,
/// code lists, real dates). Never panics on any input.
pub fn parse(xml: &[u8]) -> Result<Message, ParseError> {
    if xml.len() > MAX_MESSAGE_BYTES {
        return Err(ParseError::new(
            ParseErrorKind::TooLarge,
            format!(
                "{} bytes is over the limit of {MAX_MESSAGE_BYTES} bytes",
                xml.len()
            ),
        ));
    }
    let xml = xml.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(xml);
    let text = std::str::from_utf8(xml)
        .map_err(|e| ParseError::new(ParseErrorKind::Malformed, format!("not UTF-8: {e}")))?;
    // The tree parser recurses per nesting level: bound the shape first.
    crate::limits::check(text)?;
    // roxmltree refuses a DOCTYPE unless allow_dtd is set; keep it that way.
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, opts).map_err(|e| match e {
        roxmltree::Error::DtdDetected => ParseError::new(
            ParseErrorKind::Dtd,
            "the document has a DOCTYPE declaration",
        ),
        e => ParseError::new(ParseErrorKind::Malformed, e.to_string()),
    })?;
    let root = doc.root_element();
    let ns = root.tag_name().namespace().unwrap_or("");
    let mt = match MessageType::from_namespace(ns) {
        Some(mt) => mt,
        None if ns.starts_with(NS_PREFIX) => {
            return Err(ParseError::new(
                ParseErrorKind::UnknownMessage,
                format!("namespace {ns:?} is not one of the 14 supported iJw 3.2 messages"),
            ));
        }
        None => {
            return Err(ParseError::new(
                ParseErrorKind::UnknownNamespace,
                format!("root element is in namespace {ns:?}"),
            ));
        }
    };
    if root.tag_name().name() != "Bericht" {
        return Err(ParseError::new(
            ParseErrorKind::Invalid,
            format!(
                "root element is {:?}, expected Bericht",
                root.tag_name().name()
            ),
        ));
    }
    Message::read_root(mt, root)
}

/// Writes a message as UTF-8 XML with declaration, prefixes `ijw:` and `jwNNN:`,
/// tab-indented like the examples of the standard.
pub fn to_xml(msg: &Message) -> String {
    let mt = msg.message_type();
    let mut w = crate::xml::Writer::new(4096);
    w.out
        .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    w.open_root(mt.prefix(), mt.namespace());
    msg.write_root(&mut w);
    w.out.push_str(&format!("</{}:Bericht>\n", mt.prefix()));
    w.out
}
