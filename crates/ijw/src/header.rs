//! The message header. All 14 schemas share its first fields; retour messages add the
//! identification of the message they answer, JW325 that of the declaration. One
//! `Header` struct covers them so callers can read sender, receiver and date of any
//! message without matching on its type.

use crate::types::XsdVersie;
use crate::xml::{Children, El, WriteEl, Writer, value};
use crate::{MessageType, ParseError, ParseErrorKind};
use chrono::NaiveDate;

/// The version put in `XsdVersie` by [`Header::new`]: the example messages of the
/// standard use 1.0.0 (the XSD appinfo says 0.1.0; see the crate README).
pub const XSD_VERSIE: &str = "1.0.0";

/// The header of any iJw message; which optional fields are present follows the
/// message type (checked when parsing).
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// `Afzender`: a CBS municipality code (4 digits) or an AGB code (8 digits),
    /// depending on the message type.
    pub afzender: String,
    /// `Ontvanger`: AGB code or municipality code, the other party.
    pub ontvanger: String,
    /// `BerichtIdentificatie/Identificatie`
    pub identificatie: String,
    /// `BerichtIdentificatie/Dagtekening`
    pub dagtekening: NaiveDate,
    /// `XsdVersie`
    pub xsd_versie: XsdVersie,
    /// `IdentificatieRetour` (retour messages JW302..JW320): identification of the
    /// message this retour answers.
    pub identificatie_retour: Option<String>,
    /// `DagtekeningRetour` (retour messages JW302..JW320).
    pub dagtekening_retour: Option<NaiveDate>,
    /// `XsltVersie` (retour messages and JW325, optional).
    pub xslt_versie: Option<String>,
    /// `XsdVersieRetour` (retour messages JW302..JW320).
    pub xsd_versie_retour: Option<XsdVersie>,
    /// `DeclaratieIdentificatie/Identificatie` (JW325 only).
    pub declaratie_identificatie: Option<String>,
    /// `DeclaratieIdentificatie/Dagtekening` (JW325 only).
    pub declaratie_dagtekening: Option<NaiveDate>,
    /// `XsdVersieDeclaratie` (JW325 only).
    pub xsd_versie_declaratie: Option<XsdVersie>,
    /// `RetourCodes/RetourCode` at header level (retour messages and JW325).
    pub retour_codes: Vec<String>,
}

impl Header {
    /// A header for a message that is not a retour message.
    pub fn new(
        afzender: impl Into<String>,
        ontvanger: impl Into<String>,
        identificatie: impl Into<String>,
        dagtekening: NaiveDate,
    ) -> Self {
        Self {
            afzender: afzender.into(),
            ontvanger: ontvanger.into(),
            identificatie: identificatie.into(),
            dagtekening,
            xsd_versie: XsdVersie::current(),
            identificatie_retour: None,
            dagtekening_retour: None,
            xslt_versie: None,
            xsd_versie_retour: None,
            declaratie_identificatie: None,
            declaratie_dagtekening: None,
            xsd_versie_declaratie: None,
            retour_codes: Vec::new(),
        }
    }
}

impl XsdVersie {
    /// Both versions set to [`XSD_VERSIE`].
    pub fn current() -> Self {
        Self {
            basisschema_xsd_versie: XSD_VERSIE.to_owned(),
            bericht_xsd_versie: XSD_VERSIE.to_owned(),
        }
    }
}

/// Messages sent by the municipality carry a municipality code as `Afzender`; the others
/// an AGB code. Retour messages JW302..JW320 keep the direction of the message they
/// answer (as their XSDs say); JW325 is sent by the municipality.
pub(crate) fn from_gemeente(mt: MessageType) -> bool {
    use MessageType::*;
    matches!(mt, Jw301 | Jw302 | Jw319 | Jw320 | Jw325)
}

fn code_in(expected: &'static str, mt: MessageType) -> impl Fn(&str) -> Result<(), String> {
    move |s: &str| {
        let t = s.trim();
        if t == expected {
            Ok(())
        } else {
            Err(format!("{s:?} must be {expected} in {}", mt.name()))
        }
    }
}

#[derive(Clone, Copy)]
enum Check {
    Gemeente,
    Agb,
}

pub(crate) fn read(el: El<'_, '_>, mt: MessageType) -> Result<Header, ParseError> {
    let ns = mt.namespace();
    let mut c = Children::of(el)?;
    let code_el = c.req(ns, "BerichtCode")?;
    let code = value(code_el, crate::types::ldt_bericht_code)?;
    if code != mt.code().to_string() {
        return Err(ParseError::new(
            ParseErrorKind::UnknownMessage,
            format!(
                "Header/BerichtCode {:?} does not belong to {} (expected {})",
                code,
                mt.name(),
                mt.code()
            ),
        ));
    }
    value(c.req(ns, "BerichtVersie")?, |s| {
        crate::types::ldt_bericht_versie(s)?;
        code_in("3", mt)(s)
    })?;
    value(c.req(ns, "BerichtSubversie")?, |s| {
        crate::types::ldt_bericht_subversie(s)?;
        code_in("2", mt)(s)
    })?;
    let (from, to) = if from_gemeente(mt) {
        (Check::Gemeente, Check::Agb)
    } else {
        (Check::Agb, Check::Gemeente)
    };
    let party = |c: Check| {
        move |s: &str| match c {
            Check::Gemeente => crate::types::ldt_gemeente(s),
            Check::Agb => crate::types::ldt_agb_code(s),
        }
    };
    let (from, to) = (party(from), party(to));
    let afzender = value(c.req(ns, "Afzender")?, from)?;
    let ontvanger = value(c.req(ns, "Ontvanger")?, to)?;
    let id = crate::types::BerichtIdentificatie::read(c.req(ns, "BerichtIdentificatie")?)?;
    let xsd_versie = XsdVersie::read(c.req(ns, "XsdVersie")?)?;
    let mut h = Header::new(afzender, ontvanger, id.identificatie, id.dagtekening);
    h.xsd_versie = xsd_versie;
    let codes = |c: &mut Children<'_, '_>, required: bool| {
        crate::xml::read_list(c, ns, "RetourCodes", ns, "RetourCode", required, |e| {
            value(e, crate::types::ldt_retour_code)
        })
    };
    if mt == MessageType::Jw325 {
        let d = crate::types::BerichtIdentificatie::read(c.req(ns, "DeclaratieIdentificatie")?)?;
        h.declaratie_identificatie = Some(d.identificatie);
        h.declaratie_dagtekening = Some(d.dagtekening);
        h.xslt_versie = c
            .opt(ns, "XsltVersie")
            .map(|e| value(e, crate::types::ldt_versie))
            .transpose()?;
        h.xsd_versie_declaratie = Some(XsdVersie::read(c.req(ns, "XsdVersieDeclaratie")?)?);
        h.retour_codes = codes(&mut c, true)?;
    } else if mt.is_retour() {
        h.identificatie_retour = Some(value(
            c.req(ns, "IdentificatieRetour")?,
            crate::types::ldt_identificatie_bericht,
        )?);
        h.dagtekening_retour = Some(value(c.req(ns, "DagtekeningRetour")?, crate::xml::date)?);
        h.xslt_versie = c
            .opt(ns, "XsltVersie")
            .map(|e| value(e, crate::types::ldt_versie))
            .transpose()?;
        h.xsd_versie_retour = Some(XsdVersie::read(c.req(ns, "XsdVersieRetour")?)?);
        h.retour_codes = codes(&mut c, false)?;
    }
    c.end()?;
    Ok(h)
}

/// Writes the header. Fields that the message type does not have are left out; fields
/// it requires but that are `None` are written from defaults-free values only when set,
/// so a header built without them yields XML that the XSD refuses (and `xsd::validate`
/// reports).
pub(crate) fn write(h: &Header, w: &mut Writer, mt: MessageType) {
    use crate::xml::Lexical;
    let p = mt.prefix();
    w.open(p, "Header");
    w.leaf(p, "BerichtCode", &mt.code().to_string());
    w.leaf(p, "BerichtVersie", "3");
    w.leaf(p, "BerichtSubversie", "2");
    w.leaf(p, "Afzender", &h.afzender);
    w.leaf(p, "Ontvanger", &h.ontvanger);
    w.open(p, "BerichtIdentificatie");
    w.leaf("ijw", "Identificatie", &h.identificatie);
    w.leaf("ijw", "Dagtekening", &h.dagtekening.lexical());
    w.close(p, "BerichtIdentificatie");
    h.xsd_versie.write_el(w, p, "XsdVersie");
    let codes = |w: &mut Writer, required: bool| {
        crate::xml::write_list(
            w,
            p,
            "RetourCodes",
            p,
            "RetourCode",
            &h.retour_codes,
            required,
            |w, p, x, v| w.leaf(p, x, v),
        )
    };
    if mt == MessageType::Jw325 {
        w.open(p, "DeclaratieIdentificatie");
        if let Some(v) = &h.declaratie_identificatie {
            w.leaf("ijw", "Identificatie", v);
        }
        if let Some(v) = &h.declaratie_dagtekening {
            w.leaf("ijw", "Dagtekening", &v.lexical());
        }
        w.close(p, "DeclaratieIdentificatie");
        if let Some(v) = &h.xslt_versie {
            w.leaf(p, "XsltVersie", v);
        }
        if let Some(v) = &h.xsd_versie_declaratie {
            v.write_el(w, p, "XsdVersieDeclaratie");
        }
        codes(w, true);
    } else if mt.is_retour() {
        if let Some(v) = &h.identificatie_retour {
            w.leaf(p, "IdentificatieRetour", v);
        }
        if let Some(v) = &h.dagtekening_retour {
            w.leaf(p, "DagtekeningRetour", &v.lexical());
        }
        if let Some(v) = &h.xslt_versie {
            w.leaf(p, "XsltVersie", v);
        }
        if let Some(v) = &h.xsd_versie_retour {
            v.write_el(w, p, "XsdVersieRetour");
        }
        codes(w, false);
    }
    w.close(p, "Header");
}
