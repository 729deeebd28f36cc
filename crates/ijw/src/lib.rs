//! iJw 3.2 messages (the Dutch youth-care message standard): parse them with the XSD's
//! rules enforced, write them back, check the within-message rules of the standard and
//! build the retour message.
//!
//! The message structs are generated from the XSDs in `xsd/` by `codegen/gen.py`, so
//! every element is a field named after it (`ToewijzingNummer` -> `toewijzing_nummer`)
//! and parsing refuses what the schema refuses. The example messages and the schemas
//! are copied into the crate; see `xsd/README.md` for where they come from.
//!
//! ```no_run
//! let xml = std::fs::read("JW305.xml").unwrap();
//! let msg = eenplan_ijw::parse(&xml).unwrap();
//! let today = chrono::Local::now().date_naive();
//! let violations = eenplan_ijw::rules::check(&msg, today);
//! let retour = eenplan_ijw::retour(&msg, &violations, "R1", today);
//! ```

mod build;
mod error;
mod generated;
mod header;
pub mod limits;
mod message;
mod retour;
pub mod rules;
mod xml;
pub mod xsd;

pub use error::{ParseError, ParseErrorKind};
pub use generated::{codes, types};
pub use generated::{
    jw301, jw302, jw305, jw306, jw307, jw308, jw315, jw316, jw317, jw318, jw319, jw320, jw323,
    jw325,
};
pub use header::{Header, XSD_VERSIE};
pub use jw301::Jw301;
pub use jw302::Jw302;
pub use jw305::Jw305;
pub use jw306::Jw306;
pub use jw307::Jw307;
pub use jw308::Jw308;
pub use jw315::Jw315;
pub use jw316::Jw316;
pub use jw317::Jw317;
pub use jw318::Jw318;
pub use jw319::Jw319;
pub use jw320::Jw320;
pub use jw323::Jw323;
pub use jw325::Jw325;
pub use message::{MAX_MESSAGE_BYTES, Message, MessageType, parse, to_xml};
pub use retour::retour;
