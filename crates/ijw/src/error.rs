//! Why a message was refused. One error type for the whole parse, with a kind the caller
//! can branch on and a detail that names the element path.

use std::fmt;

/// What kind of problem stopped parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// Input over [`crate::MAX_MESSAGE_BYTES`]; refused before parsing.
    TooLarge,
    /// Deeper nesting, more attributes, elements or text than any message can hold
    /// (`limits`); refused before the tree is built.
    Limit,
    /// Not well-formed XML (or not UTF-8).
    Malformed,
    /// A DOCTYPE (and so entity declarations) is refused: it is the door to
    /// entity-expansion bombs and external entities, and iJw never uses one.
    Dtd,
    /// The root element is not in an iJw 3.2 message namespace.
    UnknownNamespace,
    /// An iJw namespace or BerichtCode that is not one of the 14 supported messages,
    /// or that does not match the root element.
    UnknownMessage,
    /// Refused by the XSD: missing or unexpected element, value outside its facets.
    Invalid,
}

/// A refused message: the kind and a detail naming the element path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub kind: ParseErrorKind,
    /// English detail, usually `Bericht/Client/...: what is wrong`.
    pub detail: String,
}

impl ParseError {
    pub(crate) fn new(kind: ParseErrorKind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
        }
    }

    /// The reason in Dutch, for users and for logging towards Dutch partners. The detail
    /// (element path and value) is kept as is.
    pub fn nl(&self) -> String {
        let what = match self.kind {
            ParseErrorKind::TooLarge => "Het bericht is te groot",
            ParseErrorKind::Limit => {
                "Het bericht is dieper genest of bevat meer attributen, elementen of tekst dan een iJw-bericht kan hebben"
            }
            ParseErrorKind::Malformed => "Het bericht is geen geldige XML",
            ParseErrorKind::Dtd => {
                "Het bericht bevat een DOCTYPE of entiteitdeclaraties; die worden geweigerd"
            }
            ParseErrorKind::UnknownNamespace => "Het bericht heeft geen iJw 3.2-namespace",
            ParseErrorKind::UnknownMessage => {
                "Het berichttype wordt niet ondersteund of klopt niet"
            }
            ParseErrorKind::Invalid => "Het bericht voldoet niet aan het XSD",
        };
        format!("{what}: {}", self.detail)
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ParseErrorKind::TooLarge => "message too large",
            ParseErrorKind::Limit => "message exceeds the limits of any iJw message",
            ParseErrorKind::Malformed => "malformed XML",
            ParseErrorKind::Dtd => "DOCTYPE/entity declarations are refused",
            ParseErrorKind::UnknownNamespace => "not an iJw 3.2 message namespace",
            ParseErrorKind::UnknownMessage => "unknown or mismatched message type",
            ParseErrorKind::Invalid => "invalid according to the XSD",
        };
        write!(f, "{what}: {}", self.detail)
    }
}

impl std::error::Error for ParseError {}
