//! The rules of iJw 3.2 that can be checked within one message: the `xslt` technical rules
//! (TR), the conditions and constraints per element (CD/CS), TR135 (dagtekening not
//! in the future), which needs only today's date, TR346 (amount = volume x tariff) and
//! the part of TR381 (product code fits its category) that one message can show. Rules that need earlier messages or
//! external lists (AGB, CBS, product codes) are not here.
//!
//! Levels: `Header` is the header; `Client` is the message body record (Client, or
//! Antwoord in JW319, or Declaratie in JW323); `Product(i)` is the i-th product record
//! in document order: ToegewezenProduct, StartProduct, StopProduct, AangevraagdProduct,
//! in JW317 OngewijzigdProduct then TeWijzigenProduct then NieuwProduct, in JW319 the
//! Woonplaatsbeginsel, in JW323 the Prestaties of all clients in order.

use crate::codes::{
    DatumGebruik, DebetCredit, Eenheid, Frequentie, NaamGebruik, ProductCategorie, RedenWijziging,
};
use crate::types::{Omvang, Product};
use crate::{Message, MessageType};
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Where in the message a rule was violated; the retour message puts the code there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    Header,
    Client,
    /// Index of the product/prestatie record in the message (see the module doc).
    Product(usize),
}

/// One violated rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Rule code, `"TR018"` or `"CS002"`.
    pub rule: &'static str,
    /// Retourcode (code list WJ001), `"0001"`.
    pub retourcode: &'static str,
    pub level: Level,
    /// What is wrong, naming the element (English).
    pub detail: String,
}

/// A rule of the standard as implemented here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    pub retourcode: &'static str,
    /// The messages it applies to.
    pub messages: &'static [MessageType],
    /// The rule text (Dutch, from "Regels op berichten iJw 3.2").
    pub text: &'static str,
}

use MessageType::*;

/// Every implemented rule.
pub const RULES: &[Rule] = &[
    r(
        "TR135",
        "8848",
        &[Jw301, Jw305, Jw307, Jw315, Jw317, Jw319, Jw323, Jw325],
        "Dagtekening moet gelijk zijn aan of voor de systeemdatum liggen.",
    ),
    r(
        "CS002",
        "0001",
        &[Jw301, Jw305, Jw307, Jw315, Jw317, Jw323, Jw325],
        "Bsn: de waarde moet voldoen aan de 11-proef.",
    ),
    r(
        "TR002",
        "0001",
        &[Jw301, Jw305, Jw307, Jw315],
        "Geboortedatum mag niet meer dan 120 jaar voor de Dagtekening liggen, tenzij Geboortedatum onbekend is.",
    ),
    r(
        "TR134",
        "0001",
        &[Jw301, Jw305, Jw307, Jw315],
        "Geboortedatum: vullen met een bestaande datum die niet groter is dan de Dagtekening van het bericht.",
    ),
    r(
        "CS050",
        "0001",
        &[Jw301],
        "Als Partnernaam gevuld is, dan NaamGebruik vullen met waarde 1, 2, 3 of 4. Anders waarde 1 of 6 vullen.",
    ),
    r(
        "CS318",
        "0001",
        &[Jw301],
        "Client/Naam: NaamGebruik 6 (Niet-natuurlijk persoon) niet vullen.",
    ),
    r(
        "CD007",
        "0001",
        &[Jw301],
        "Communicatie/Taal: als Vorm de waarde 1 (tolk taal) heeft, dan verplicht vullen, anders leeglaten.",
    ),
    r(
        "TR006",
        "0001",
        &[Jw301],
        "Contact moet Telefoon en/of de combinatie Huis en Postcode bevatten.",
    ),
    r(
        "TR061",
        "0001",
        &[Jw301],
        "Bij een Client moet minimaal een Contact met Soort 01, 02 of 03 voorkomen.",
    ),
    r(
        "CD009",
        "0001",
        &[Jw301],
        "Contact/Periode: alleen als Soort adres 04 (tijdelijk) is, is vullen toegestaan.",
    ),
    r(
        "CS089",
        "0001",
        &[Jw301],
        "Als LandCode NL is, moet Postcode het formaat van een Nederlandse postcode hebben.",
    ),
    r(
        "CS003",
        "0001",
        &[Jw301, Jw315, Jw317],
        "Einddatum groter dan of gelijk aan de Begindatum (of Ingangsdatum) van de periode.",
    ),
    r(
        "TR018",
        "0001",
        &[Jw307],
        "Einddatum moet groter dan of gelijk zijn aan Begindatum.",
    ),
    r(
        "CD041",
        "0001",
        &[Jw301, Jw315, Jw317],
        "Omvang: indien Code in Product gevuld is, verplicht vullen.",
    ),
    r(
        "CD075",
        "0001",
        &[Jw301, Jw315, Jw317],
        "Einddatum: verplicht vullen indien Budget gevuld is.",
    ),
    r(
        "CD076",
        "0001",
        &[Jw301, Jw315, Jw317],
        "Einddatum: verplicht vullen indien Frequentie waarde 2 (per week) heeft.",
    ),
    r(
        "CD077",
        "0001",
        &[Jw301, Jw315, Jw317],
        "Omvang: indien Budget gevuld is, dan leeg laten.",
    ),
    r(
        "CD078",
        "0001",
        &[Jw301, Jw315, Jw317],
        "Budget: indien Omvang gevuld is, dan leeg laten.",
    ),
    r(
        "CD079",
        "0001",
        &[Jw301, Jw315, Jw317],
        "Product: indien Budget leeg is, dan verplicht vullen.",
    ),
    r(
        "CD080",
        "0001",
        &[Jw301],
        "ToegewezenProduct/Omvang: indien Code in Product leeg is en Einddatum groter dan 31-12-2020 of leeg is, dan leeg laten.",
    ),
    r(
        "CD095",
        "0001",
        &[Jw315],
        "AangevraagdProduct/Omvang: indien Code leeg is en ToewijzingEinddatum groter dan 31-12-2020 of leeg is, dan leeg laten.",
    ),
    r(
        "CD096",
        "0001",
        &[Jw317],
        "NieuwProduct/Omvang: indien Code leeg is en Einddatum groter dan 31-12-2020 of leeg is, dan leeg laten.",
    ),
    r(
        "CS338",
        "0001",
        &[Jw301, Jw317],
        "Indien Eenheid 14, 16, 83 of 84 en Einddatum groter dan 31-12-2020 of leeg, dan Frequentie 2, 4 of 6.",
    ),
    r(
        "CS343",
        "0001",
        &[Jw315],
        "AangevraagdProduct: indien Eenheid 14, 16, 83 of 84 en ToewijzingEinddatum groter dan 31-12-2020 of leeg, dan Frequentie 2, 4 of 6.",
    ),
    r(
        "CS335",
        "0001",
        &[Jw301],
        "RedenWijziging 13 (verwijderd) alleen indien Ingangsdatum gelijk is aan Einddatum.",
    ),
    r(
        "CS336",
        "0001",
        &[Jw301],
        "RedenWijziging 01 (Administratieve correctie (vervallen)) niet gebruiken.",
    ),
    r(
        "TR302",
        "0001",
        &[Jw301],
        "Een Product mag alleen vaker in een toewijzingsbericht voorkomen indien de zorgperiodes elkaar niet overlappen.",
    ),
    r(
        "TR386",
        "0001",
        &[Jw315],
        "Een Product mag alleen vaker in een verzoek om toewijzing voorkomen indien de zorgperiodes elkaar niet overlappen.",
    ),
    r(
        "TR410",
        "0001",
        &[Jw317],
        "Een Product mag alleen vaker in de berichtklassen NieuwProduct voorkomen als de zorgperiodes elkaar niet overlappen.",
    ),
    r(
        "CS058",
        "0001",
        &[Jw305, Jw307],
        "StatusAanlevering: 1 (eerste aanlevering) of 3 (verwijderen aanlevering) vullen.",
    ),
    r(
        "TR383",
        "0001",
        &[Jw315],
        "ReferentieAanbieder is uniek voor elk AangevraagdProduct binnen het bericht.",
    ),
    r(
        "CD043",
        "0001",
        &[Jw315],
        "BeschikkingIngangsdatum: indien BeschikkingNummer gevuld is verplicht vullen, anders leeg laten.",
    ),
    r(
        "CD066",
        "0001",
        &[Jw315],
        "Verwijzer: type 02-05 en ZorgverlenerCode gevuld, dan Naam leeg.",
    ),
    r(
        "CD067",
        "0001",
        &[Jw315],
        "Verwijzer: type 02-05 en ZorgverlenerCode leeg, dan Naam gevuld.",
    ),
    r(
        "CD068",
        "0001",
        &[Jw315],
        "Verwijzer: type ongelijk aan 02-05, dan ZorgverlenerCode leeg.",
    ),
    r(
        "TR352",
        "0001",
        &[Jw317],
        "Bij een verzoek om wijziging komt minstens 1 OngewijzigdProduct of TeWijzigenProduct voor.",
    ),
    r(
        "TR353",
        "0001",
        &[Jw317],
        "Bij een verzoek om wijziging komt minstens 1 TeWijzigenProduct of NieuwProduct voor.",
    ),
    r(
        "CD085",
        "0001",
        &[Jw319],
        "RedenAfwijzingVerzoek: als VerzoekAntwoord 1 (verzoek afgewezen) is, dan vullen.",
    ),
    r(
        "CD086",
        "0001",
        &[Jw319],
        "RedenAfwijzingVerzoek: als VerzoekAntwoord 2 (aanvraag in onderzoek) is, dan leeg laten.",
    ),
    r(
        "TR377",
        "0001",
        &[Jw319],
        "Indien RedenAfwijzingVerzoek 8 (Woonplaatsbeginsel) is, dan Woonplaatsbeginsel opnemen.",
    ),
    r(
        "TR409",
        "0001",
        &[Jw319],
        "Als RedenAfwijzingVerzoek ongelijk is aan 8, dan Woonplaatsbeginsel weglaten.",
    ),
    r(
        "TR358",
        "0001",
        &[Jw323],
        "TotaalIngediendBedrag is de som van IngediendBedrag van alle Prestaties (debet opgeteld, credit afgetrokken).",
    ),
    r(
        "CS325",
        "0001",
        &[Jw323, Jw325],
        "Indien (Totaal)Bedrag 0 is, dan DebetCredit D (debet).",
    ),
    r(
        "CS340",
        "0001",
        &[Jw323],
        "DeclaratiePeriode is exact gelijk aan 1 hele kalendermaand.",
    ),
    r(
        "CS100",
        "0001",
        &[Jw323],
        "DeclaratiePeriode en ProductPeriode: datum groter dan of gelijk aan 01-01-2021.",
    ),
    r(
        "TR137",
        "0001",
        &[Jw323],
        "ProductPeriode Einddatum groter dan of gelijk aan Begindatum en niet groter dan de Dagtekening.",
    ),
    r(
        "CS337",
        "0001",
        &[Jw323],
        "ProductPeriode Einddatum in dezelfde kalendermaand en jaar als de Begindatum.",
    ),
    r(
        "TR335",
        "0001",
        &[Jw323],
        "Einddatum mag niet meer dan 5 jaar voor DeclaratieDagtekening liggen.",
    ),
    r(
        "CD087",
        "0001",
        &[Jw323],
        "ProductTarief: als Eenheid ongelijk is aan 83 (euro's) verplicht vullen, anders leeg laten.",
    ),
    r(
        "CS339",
        "0001",
        &[Jw323],
        "Indien Eenheid 83 (euro's) is, moet IngediendBedrag gelijk zijn aan GeleverdVolume.",
    ),
    r(
        "TR315",
        "0001",
        &[Jw323],
        "VorigReferentieNummer van de Prestatie moet uniek zijn in het bericht.",
    ),
    r(
        "TR316",
        "0001",
        &[Jw323],
        "Debetregels mogen niet in hetzelfde bericht gecrediteerd worden.",
    ),
    r(
        "TR381",
        "S329",
        &[Jw301, Jw305, Jw307, Jw315, Jw317, Jw323],
        "ProductCode vullen met een code die, volgens de gehanteerde productcodelijst, past bij de ProductCategorie (hier: de code begint met de categorie).",
    ),
    r(
        "TR346",
        "9346",
        &[Jw323],
        "Eenheid ongelijk aan 83: IngediendBedrag is GeleverdVolume vermenigvuldigd met ProductTarief.",
    ),
    r(
        "TR416",
        "0001",
        &[Jw323],
        "Niet twee debet-Prestaties voor dezelfde ProductPeriode, ProductCategorie, ProductCode en ToewijzingNummer.",
    ),
];

const fn r(
    code: &'static str,
    retourcode: &'static str,
    messages: &'static [MessageType],
    text: &'static str,
) -> Rule {
    Rule {
        code,
        retourcode,
        messages,
        text,
    }
}

/// The retourcode of a rule in [`RULES`].
fn rc(code: &'static str) -> &'static str {
    RULES
        .iter()
        .find(|r| r.code == code)
        .map_or("0001", |r| r.retourcode)
}

struct Out(Vec<Violation>);

impl Out {
    fn push(&mut self, rule: &'static str, level: Level, detail: impl Into<String>) {
        self.0.push(Violation {
            rule,
            retourcode: rc(rule),
            level,
            detail: detail.into(),
        });
    }
}

/// Checks every within-message rule. `today` is the receiving system's date (TR135).
pub fn check(msg: &Message, today: NaiveDate) -> Vec<Violation> {
    let mut o = Out(Vec::new());
    let h = msg.header();
    let mt = msg.message_type();
    if !mt.is_retour() {
        tr135_dagtekening(&mut o, h.dagtekening, today);
    }
    let dag = h.dagtekening;
    match msg {
        Message::Jw301(m) => {
            let c = &m.client;
            cs002_bsn(&mut o, &c.bsn, Level::Client);
            birth_date(&mut o, &c.geboortedatum, dag);
            naam_gebruik(&mut o, &c.naam);
            cd007_taal(&mut o, c.communicatie.as_ref());
            contacts(&mut o, &c.contactgegevens);
            let prods: Vec<Prod<'_>> = c
                .toegewezen_producten
                .iter()
                .enumerate()
                .map(|(i, p)| Prod {
                    i,
                    product: p.product.as_ref(),
                    begin: p.ingangsdatum,
                    eind: p.einddatum,
                    omvang: p.omvang.as_ref(),
                    budget: p.budget,
                    has_product_field: true,
                })
                .collect();
            products(
                &mut o,
                &prods,
                "ToegewezenProduct",
                ["CD080", "CS338", "TR302"],
            );
            for (i, p) in c.toegewezen_producten.iter().enumerate() {
                cs335_cs336_reden(&mut o, i, p);
            }
        }
        Message::Jw305(m) => {
            cs002_bsn(&mut o, &m.client.bsn, Level::Client);
            birth_date(&mut o, &m.client.geboortedatum, dag);
            for (i, p) in m.client.start_producten.iter().enumerate() {
                cs058_status(&mut o, i, p.status_aanlevering);
                if let Some(pr) = &p.product {
                    tr381_code_fits_category(
                        &mut o,
                        Level::Product(i),
                        pr.categorie,
                        pr.code.as_deref(),
                    );
                }
            }
        }
        Message::Jw307(m) => {
            cs002_bsn(&mut o, &m.client.bsn, Level::Client);
            birth_date(&mut o, &m.client.geboortedatum, dag);
            for (i, p) in m.client.stop_producten.iter().enumerate() {
                cs058_status(&mut o, i, p.status_aanlevering);
                if let Some(pr) = &p.product {
                    tr381_code_fits_category(
                        &mut o,
                        Level::Product(i),
                        pr.categorie,
                        pr.code.as_deref(),
                    );
                }
                tr018_stop(&mut o, i, p.begindatum, p.einddatum);
            }
        }
        Message::Jw315(m) => {
            cs002_bsn(&mut o, &m.client.bsn, Level::Client);
            birth_date(&mut o, &m.client.geboortedatum, dag);
            let ps = &m.client.aangevraagde_producten;
            let prods: Vec<Prod<'_>> = ps
                .iter()
                .enumerate()
                .map(|(i, p)| Prod {
                    i,
                    product: p.product.as_ref(),
                    begin: p.toewijzing_ingangsdatum,
                    eind: p.toewijzing_einddatum,
                    omvang: p.omvang.as_ref(),
                    budget: p.budget,
                    has_product_field: true,
                })
                .collect();
            products(
                &mut o,
                &prods,
                "AangevraagdProduct",
                ["CD095", "CS343", "TR386"],
            );
            let mut earlier = HashSet::new();
            for (i, p) in ps.iter().enumerate() {
                if !earlier.insert(p.referentie_aanbieder.as_str()) {
                    o.push(
                        "TR383",
                        Level::Product(i),
                        format!(
                            "AangevraagdProduct {i}: ReferentieAanbieder {:?} occurs more than once",
                            p.referentie_aanbieder
                        ),
                    );
                }
                if p.beschikking_nummer.is_some() != p.beschikking_ingangsdatum.is_some() {
                    o.push(
                        "CD043",
                        Level::Product(i),
                        format!("AangevraagdProduct {i}: BeschikkingIngangsdatum must be filled exactly when BeschikkingNummer is"),
                    );
                }
                verwijzer(&mut o, i, &p.verwijzer);
            }
        }
        Message::Jw317(m) => {
            cs002_bsn(&mut o, &m.client.bsn, Level::Client);
            let v = &m.client.verzoek;
            if v.ongewijzigde_producten.is_empty() && v.te_wijzigen_producten.is_empty() {
                o.push(
                    "TR352",
                    Level::Client,
                    "Verzoek has no OngewijzigdProduct and no TeWijzigenProduct",
                );
            }
            if v.te_wijzigen_producten.is_empty() && v.nieuwe_producten.is_empty() {
                o.push(
                    "TR353",
                    Level::Client,
                    "Verzoek has no TeWijzigenProduct and no NieuwProduct",
                );
            }
            let base = v.ongewijzigde_producten.len();
            let te: Vec<Prod<'_>> = v
                .te_wijzigen_producten
                .iter()
                .enumerate()
                .map(|(i, p)| Prod {
                    i: base + i,
                    product: None,
                    begin: p.gewenste_ingangsdatum,
                    eind: p.einddatum,
                    omvang: p.omvang.as_ref(),
                    budget: p.budget,
                    has_product_field: false,
                })
                .collect();
            products(&mut o, &te, "TeWijzigenProduct", ["", "CS338", ""]);
            let base = base + te.len();
            let nieuw: Vec<Prod<'_>> = v
                .nieuwe_producten
                .iter()
                .enumerate()
                .map(|(i, p)| Prod {
                    i: base + i,
                    product: p.product.as_ref(),
                    begin: p.gewenste_ingangsdatum,
                    eind: p.einddatum,
                    omvang: p.omvang.as_ref(),
                    budget: p.budget,
                    has_product_field: true,
                })
                .collect();
            products(&mut o, &nieuw, "NieuwProduct", ["CD096", "CS338", "TR410"]);
        }
        Message::Jw319(m) => antwoord(&mut o, &m.antwoord),
        Message::Jw323(m) => declaratie(&mut o, &m.declaratie),
        Message::Jw325(m) => {
            if let Some(d) = &m.declaratie_antwoord {
                for c in &d.clienten {
                    cs002_bsn(&mut o, &c.bsn, Level::Client);
                }
                cs325_zero(
                    &mut o,
                    "TotaalIngediendBedrag",
                    d.totaal_ingediend_bedrag.totaal_bedrag,
                    d.totaal_ingediend_bedrag.debet_credit,
                );
                cs325_zero(
                    &mut o,
                    "TotaalToegekendBedrag",
                    d.totaal_toegekend_bedrag.totaal_bedrag,
                    d.totaal_toegekend_bedrag.debet_credit,
                );
            }
        }
        Message::Jw302(_)
        | Message::Jw306(_)
        | Message::Jw308(_)
        | Message::Jw316(_)
        | Message::Jw318(_)
        | Message::Jw320(_) => {}
    }
    o.0
}

/// TR135 (retourcode 8848): Dagtekening must not be after the receiving system's date.
fn tr135_dagtekening(o: &mut Out, dagtekening: NaiveDate, today: NaiveDate) {
    if dagtekening > today {
        o.push(
            "TR135",
            Level::Header,
            format!("Dagtekening {dagtekening} is after today ({today})"),
        );
    }
}

/// CS002 (0001): the BSN passes the 11-check (reusing the domain's `Bsn`).
fn cs002_bsn(o: &mut Out, bsn: &str, level: Level) {
    if eenplan_domain::Bsn::parse("Bsn", bsn).is_err() {
        o.push("CS002", level, format!("Bsn {bsn} fails the 11-check"));
    }
}

/// TR002 (0001): birth date at most 120 years before Dagtekening unless unknown
/// (DatumGebruik 3 with 1900-01-01); TR134 (0001): not after Dagtekening.
fn birth_date(o: &mut Out, g: &crate::types::Geboortedatum, dag: NaiveDate) {
    let unknown = g.datum_gebruik == Some(DatumGebruik::DatumOnbekend)
        && g.datum == NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default();
    let limit = dag
        .with_year(dag.year() - 120)
        .or_else(|| dag.pred_opt().and_then(|d| d.with_year(d.year() - 120)));
    if !unknown && limit.is_some_and(|l| g.datum < l) {
        o.push(
            "TR002",
            Level::Client,
            format!(
                "Geboortedatum {} is more than 120 years before Dagtekening {dag}",
                g.datum
            ),
        );
    }
    if g.datum > dag {
        o.push(
            "TR134",
            Level::Client,
            format!("Geboortedatum {} is after Dagtekening {dag}", g.datum),
        );
    }
}

/// CS050 (0001) NaamGebruik fits Partnernaam; CS318 (0001) no 6 for a client.
fn naam_gebruik(o: &mut Out, n: &crate::types::VolledigeNaam) {
    use NaamGebruik::*;
    let ok = if n.partnernaam.is_some() {
        matches!(
            n.naam_gebruik,
            EigenNaam | NaamPartner | NaamPartnerEigenNaam | EigenNaamNaamPartner
        )
    } else {
        matches!(n.naam_gebruik, EigenNaam | NietNatuurlijkPersoon)
    };
    if !ok {
        o.push(
            "CS050",
            Level::Client,
            format!(
                "Client/Naam: NaamGebruik {} does not fit {} Partnernaam",
                n.naam_gebruik.code(),
                if n.partnernaam.is_some() { "a" } else { "no" }
            ),
        );
    }
    if n.naam_gebruik == NietNatuurlijkPersoon {
        o.push(
            "CS318",
            Level::Client,
            "Client/Naam: NaamGebruik 6 is not allowed for a client",
        );
    }
}

/// CD007 (0001): Taal exactly when Vorm is 1 (tolk taal).
fn cd007_taal(o: &mut Out, c: Option<&crate::types::Communicatie>) {
    if let Some(c) = c {
        let tolk = c.vorm == crate::codes::Communicatievorm::TolkTaal;
        if tolk != c.taal.is_some() {
            o.push(
                "CD007",
                Level::Client,
                "Client/Communicatie: Taal must be filled exactly when Vorm is 1 (tolk taal)",
            );
        }
    }
}

/// TR006, TR061, CD009, CS089 (all 0001): the client's contact records.
fn contacts(o: &mut Out, cs: &[crate::jw301::Contact]) {
    use crate::codes::AdresSoort;
    if !cs.iter().any(|c| {
        matches!(
            c.soort,
            AdresSoort::BrpAdres | AdresSoort::CorrespondentieAdres | AdresSoort::Verblijfadres
        )
    }) {
        o.push(
            "TR061",
            Level::Client,
            "Client has no Contact with Soort 01, 02 or 03",
        );
    }
    for (i, c) in cs.iter().enumerate() {
        let huis_postcode = c
            .adres
            .as_ref()
            .is_some_and(|a| a.huis.is_some() && a.postcode.is_some());
        if c.telefoon.is_none() && !huis_postcode {
            o.push(
                "TR006",
                Level::Client,
                format!("Contact {i} has neither Telefoon nor Huis and Postcode"),
            );
        }
        if c.periode.is_some() && c.soort != AdresSoort::TijdelijkVerblijfadres {
            o.push(
                "CD009",
                Level::Client,
                format!("Contact {i}: Periode is only allowed with Soort 04"),
            );
        }
        if let Some(a) = &c.adres
            && a.land_code.as_deref() == Some("NL")
            && let Some(pc) = &a.postcode
            && !dutch_postcode(pc)
        {
            o.push(
                "CS089",
                Level::Client,
                format!("Contact {i}: Postcode {pc:?} is not a Dutch postcode (1234AB)"),
            );
        }
    }
}

fn dutch_postcode(pc: &str) -> bool {
    let b = pc.as_bytes();
    b.len() == 6
        && b[0] != b'0'
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4..].iter().all(u8::is_ascii_uppercase)
}

/// A product-like record (ToegewezenProduct, AangevraagdProduct, TeWijzigen/NieuwProduct).
struct Prod<'a> {
    i: usize,
    product: Option<&'a Product>,
    begin: NaiveDate,
    eind: Option<NaiveDate>,
    omvang: Option<&'a Omvang>,
    budget: Option<u64>,
    /// TeWijzigenProduct has no Product element: CD041/CD079/CD080 do not apply.
    has_product_field: bool,
}

fn after_2020(eind: Option<NaiveDate>) -> bool {
    eind.is_none_or(|e| e > NaiveDate::from_ymd_opt(2020, 12, 31).unwrap_or_default())
}

/// CS003, CD041, CD075..CD080, CS338, TR302 (all 0001) on product-like records.
///
/// `codes` names the message's variant of the omvang-without-code, unit/frequency and
/// overlap rules: CD080/CS338/TR302 (JW301), CD095/CS343/TR386 (JW315),
/// CD096/CS338/TR410 (JW317 NieuwProduct).
fn products(o: &mut Out, ps: &[Prod<'_>], what: &str, codes: [&'static str; 3]) {
    let [cd080, cs338, tr302] = codes;
    for p in ps {
        let lvl = Level::Product(p.i);
        let code = p.product.and_then(|x| x.code.as_ref());
        if let Some(pr) = p.product {
            tr381_code_fits_category(o, lvl, pr.categorie, pr.code.as_deref());
        }
        if let Some(e) = p.eind
            && e < p.begin
        {
            o.push(
                "CS003",
                lvl,
                format!("{what}: Einddatum {e} is before the start {}", p.begin),
            );
        }
        if p.has_product_field && code.is_some() && p.omvang.is_none() {
            o.push(
                "CD041",
                lvl,
                format!("{what}: Product/Code is filled, so Omvang is required"),
            );
        }
        if p.budget.is_some() && p.eind.is_none() {
            o.push(
                "CD075",
                lvl,
                format!("{what}: Budget is filled, so Einddatum is required"),
            );
        }
        if p.omvang
            .is_some_and(|om| om.frequentie == Frequentie::PerWeek)
            && p.eind.is_none()
        {
            o.push(
                "CD076",
                lvl,
                format!("{what}: Frequentie is 2 (per week), so Einddatum is required"),
            );
        }
        if p.budget.is_some() && p.omvang.is_some() {
            o.push(
                "CD077",
                lvl,
                format!("{what}: Budget is filled, so Omvang must be empty"),
            );
            o.push(
                "CD078",
                lvl,
                format!("{what}: Omvang is filled, so Budget must be empty"),
            );
        }
        if p.has_product_field && p.budget.is_none() && p.product.is_none() {
            o.push(
                "CD079",
                lvl,
                format!("{what}: Budget is empty, so Product is required"),
            );
        }
        if p.has_product_field && code.is_none() && p.omvang.is_some() && after_2020(p.eind) {
            o.push(
                cd080,
                lvl,
                format!("{what}: Product/Code is empty and Einddatum after 2020-12-31 or empty, so Omvang must be empty"),
            );
        }
        if let Some(om) = p.omvang {
            let unit = matches!(
                om.eenheid,
                Eenheid::Etmaal | Eenheid::Dagdeel4Uur | Eenheid::Euros | Eenheid::StuksInspanning
            );
            if unit && after_2020(p.eind) && om.frequentie == Frequentie::PerDag {
                o.push(
                    cs338,
                    lvl,
                    format!(
                        "{what}: Eenheid {} needs Frequentie 2, 4 or 6, not 1",
                        om.eenheid.code()
                    ),
                );
            }
        }
    }
    // TR302/TR386/TR410: the same product must not occur with overlapping periods. A
    // record is flagged when it overlaps an earlier record of the same product (the same
    // code; without a code, the same category; without a product, any). The periods of
    // the earlier records are kept merged per product, so each record takes logarithmic
    // time, however many the message holds.
    let mut all = Periods::default();
    let mut no_product = Periods::default();
    let mut by_code: HashMap<&str, Periods> = HashMap::new();
    let mut by_category: HashMap<ProductCategorie, Periods> = HashMap::new();
    let mut uncoded_by_category: HashMap<ProductCategorie, Periods> = HashMap::new();
    for p in ps {
        let (b, e) = (p.begin, p.eind.unwrap_or(NaiveDate::MAX));
        let removed = removed_without_period(p);
        if p.has_product_field && !removed {
            let hit = |u: Option<&Periods>| u.is_some_and(|u| u.overlaps(b, e));
            let same_and_overlapping = match p.product {
                None => all.overlaps(b, e),
                Some(pr) => {
                    no_product.overlaps(b, e)
                        || match pr.code.as_deref() {
                            Some(code) => {
                                hit(by_code.get(code))
                                    || hit(uncoded_by_category.get(&pr.categorie))
                            }
                            None => hit(by_category.get(&pr.categorie)),
                        }
                }
            };
            if same_and_overlapping {
                o.push(
                    tr302,
                    Level::Product(p.i),
                    format!(
                        "{what} {}: the same product as an earlier record with an overlapping period",
                        p.i
                    ),
                );
            }
        }
        if removed {
            continue;
        }
        all.insert(b, e);
        match p.product {
            None => no_product.insert(b, e),
            Some(pr) => {
                by_category.entry(pr.categorie).or_default().insert(b, e);
                match pr.code.as_deref() {
                    Some(code) => by_code.entry(code).or_default().insert(b, e),
                    None => uncoded_by_category
                        .entry(pr.categorie)
                        .or_default()
                        .insert(b, e),
                }
            }
        }
    }
}

/// The union of periods (first and last day, inclusive) as disjoint ranges, to ask in
/// logarithmic time whether a period overlaps any of them.
#[derive(Default)]
struct Periods(BTreeMap<NaiveDate, NaiveDate>);

impl Periods {
    fn overlaps(&self, begin: NaiveDate, end: NaiveDate) -> bool {
        // The ranges are disjoint and sorted: only the last one starting by `end` can
        // reach `begin`.
        self.0
            .range(..=end)
            .next_back()
            .is_some_and(|(_, last)| *last >= begin)
    }

    fn insert(&mut self, mut begin: NaiveDate, mut end: NaiveDate) {
        let merged: Vec<(NaiveDate, NaiveDate)> = self
            .0
            .range(..=end)
            .rev()
            .take_while(|(_, last)| **last >= begin)
            .map(|(b, e)| (*b, *e))
            .collect();
        for (b, e) in merged {
            self.0.remove(&b);
            begin = begin.min(b);
            end = end.max(e);
        }
        self.0.insert(begin, end);
    }
}

/// Records with Einddatum == Ingangsdatum (removed) take no part in the overlap check.
fn removed_without_period(p: &Prod<'_>) -> bool {
    p.eind == Some(p.begin)
}

/// TR381 (S329): the product code fits its category. The rule proper needs the product
/// code list in use (an external source); what one message can show is the national
/// list's structure, where every code starts with its two-digit category (45A03 is in
/// category 45). A region with its own code list that breaks that structure would see
/// false rejections here.
fn tr381_code_fits_category(
    o: &mut Out,
    level: Level,
    categorie: crate::codes::ProductCategorie,
    code: Option<&str>,
) {
    if let Some(code) = code
        && !code.starts_with(categorie.code())
    {
        o.push(
            "TR381",
            level,
            format!(
                "ProductCode {code:?} does not belong to ProductCategorie {}",
                categorie.code()
            ),
        );
    }
}

/// CS335, CS336 (0001): RedenWijziging 13 only when removed; never 01.
fn cs335_cs336_reden(o: &mut Out, i: usize, p: &crate::jw301::ToegewezenProduct) {
    match p.reden_wijziging {
        Some(RedenWijziging::Verwijderd) if p.einddatum != Some(p.ingangsdatum) => o.push(
            "CS335",
            Level::Product(i),
            "ToegewezenProduct: RedenWijziging 13 requires Einddatum equal to Ingangsdatum",
        ),
        Some(RedenWijziging::AdministratieveCorrectieVervallen) => o.push(
            "CS336",
            Level::Product(i),
            "ToegewezenProduct: RedenWijziging 01 may not be used",
        ),
        _ => {}
    }
}

/// CS058 (0001): StatusAanlevering 1 or 3.
fn cs058_status(o: &mut Out, i: usize, s: crate::codes::StatusAanlevering) {
    use crate::codes::StatusAanlevering::*;
    if !matches!(s, EersteAanlevering | VerwijderenAanlevering) {
        o.push(
            "CS058",
            Level::Product(i),
            format!("StatusAanlevering {} must be 1 or 3", s.code()),
        );
    }
}

/// TR018 (0001): a StopProduct's Einddatum on or after its Begindatum.
fn tr018_stop(o: &mut Out, i: usize, begin: NaiveDate, eind: NaiveDate) {
    if eind < begin {
        o.push(
            "TR018",
            Level::Product(i),
            format!("StopProduct: Einddatum {eind} is before Begindatum {begin}"),
        );
    }
}

/// CD066, CD067, CD068 (0001): the Verwijzer fields that go with its type.
fn verwijzer(o: &mut Out, i: usize, v: &crate::types::Verwijzer) {
    let arts = matches!(v.r#type.code(), "02" | "03" | "04" | "05");
    let lvl = Level::Product(i);
    if arts && v.zorgverlener_code.is_some() && v.naam.is_some() {
        o.push(
            "CD066",
            lvl,
            "Verwijzer: with a ZorgverlenerCode, Naam must be empty",
        );
    }
    if arts && v.zorgverlener_code.is_none() && v.naam.is_none() {
        o.push(
            "CD067",
            lvl,
            "Verwijzer: without a ZorgverlenerCode, Naam is required",
        );
    }
    if !arts && v.zorgverlener_code.is_some() {
        o.push(
            "CD068",
            lvl,
            format!(
                "Verwijzer: type {} has no ZorgverlenerCode",
                v.r#type.code()
            ),
        );
    }
}

/// CD085, CD086, TR377, TR409 (0001): the answer to a request.
fn antwoord(o: &mut Out, a: &crate::jw319::Antwoord) {
    use crate::codes::{RedenAfwijzingVerzoek, VerzoekAntwoord};
    match a.verzoek_antwoord {
        VerzoekAntwoord::VerzoekAfgewezen if a.reden_afwijzing_verzoek.is_none() => o.push(
            "CD085",
            Level::Client,
            "Antwoord: VerzoekAntwoord 1 requires RedenAfwijzingVerzoek",
        ),
        VerzoekAntwoord::AanvraagInOnderzoek if a.reden_afwijzing_verzoek.is_some() => o.push(
            "CD086",
            Level::Client,
            "Antwoord: VerzoekAntwoord 2 requires RedenAfwijzingVerzoek to be empty",
        ),
        _ => {}
    }
    let wpb = a.reden_afwijzing_verzoek == Some(RedenAfwijzingVerzoek::Woonplaatsbeginsel);
    if wpb && a.woonplaatsbeginsel.is_none() {
        o.push(
            "TR377",
            Level::Client,
            "Antwoord: RedenAfwijzingVerzoek 8 requires Woonplaatsbeginsel",
        );
    }
    if !wpb && a.woonplaatsbeginsel.is_some() {
        o.push(
            "TR409",
            Level::Product(0),
            "Woonplaatsbeginsel only with RedenAfwijzingVerzoek 8",
        );
    }
}

fn signed(amount: u64, dc: DebetCredit) -> i128 {
    match dc {
        DebetCredit::Debet => i128::from(amount),
        DebetCredit::Credit => -i128::from(amount),
    }
}

/// CS325 (0001): an amount of 0 is debet.
fn cs325_zero(o: &mut Out, what: &str, amount: u64, dc: DebetCredit) {
    if amount == 0 && dc != DebetCredit::Debet {
        o.push(
            "CS325",
            Level::Client,
            format!("{what}: an amount of 0 must be D (debet)"),
        );
    }
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn last_of_month(d: NaiveDate) -> NaiveDate {
    let next = if d.month() == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
    };
    next.and_then(|n| n.pred_opt()).unwrap_or(d)
}

/// The JW323 rules: TR358, CS325, CS340, CS100 on the declaration; TR137, CS337, TR335,
/// CD087, CS339, TR346, TR381, TR315, TR316, TR416 on the prestaties; CS002 on each client.
fn declaratie(o: &mut Out, d: &crate::jw323::Declaratie) {
    let start_2021 = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap_or_default();
    let per = &d.declaratie_periode;
    if per.begindatum != first_of_month(per.begindatum)
        || per.einddatum != last_of_month(per.begindatum)
    {
        o.push(
            "CS340",
            Level::Client,
            format!(
                "DeclaratiePeriode {}..{} is not one whole calendar month",
                per.begindatum, per.einddatum
            ),
        );
    }
    if per.begindatum < start_2021 {
        o.push(
            "CS100",
            Level::Client,
            "DeclaratiePeriode starts before 2021-01-01",
        );
    }
    let t = &d.totaal_ingediend_bedrag;
    cs325_zero(o, "TotaalIngediendBedrag", t.totaal_bedrag, t.debet_credit);
    let prestaties: Vec<&crate::jw323::Prestatie> = d
        .clienten
        .iter()
        .flat_map(|c| c.prestaties.iter())
        .collect();
    let sum: i128 = prestaties
        .iter()
        .map(|p| signed(p.ingediend_bedrag.bedrag, p.ingediend_bedrag.debet_credit))
        .sum();
    if sum != signed(t.totaal_bedrag, t.debet_credit) {
        o.push(
            "TR358",
            Level::Client,
            format!(
                "TotaalIngediendBedrag is {} {}, the prestaties sum to {sum} (debet positive)",
                t.totaal_bedrag,
                t.debet_credit.code()
            ),
        );
    }
    for c in &d.clienten {
        cs002_bsn(o, &c.bsn, Level::Client);
    }
    // Sets of what earlier records held: looked up per record, in constant time.
    let references: HashSet<&str> = prestaties
        .iter()
        .map(|q| q.product_referentie.referentie_nummer.as_str())
        .collect();
    let mut earlier_vorige = HashSet::new();
    let mut earlier_debets = HashSet::new();
    for (i, p) in prestaties.iter().enumerate() {
        let lvl = Level::Product(i);
        let pp = &p.product_periode;
        if pp.einddatum < pp.begindatum || pp.einddatum > d.declaratie_dagtekening {
            o.push(
                "TR137",
                lvl,
                format!("Prestatie {i}: ProductPeriode Einddatum {} must be >= Begindatum and <= DeclaratieDagtekening", pp.einddatum),
            );
        }
        if (pp.einddatum.year(), pp.einddatum.month())
            != (pp.begindatum.year(), pp.begindatum.month())
        {
            o.push(
                "CS337",
                lvl,
                format!("Prestatie {i}: ProductPeriode spans more than one calendar month"),
            );
        }
        if pp.begindatum < start_2021 {
            o.push(
                "CS100",
                lvl,
                format!("Prestatie {i}: ProductPeriode starts before 2021-01-01"),
            );
        }
        if d.declaratie_dagtekening
            .with_year(d.declaratie_dagtekening.year() - 5)
            .is_some_and(|limit| pp.einddatum < limit)
        {
            o.push(
                "TR335",
                lvl,
                format!(
                    "Prestatie {i}: Einddatum is more than 5 years before DeclaratieDagtekening"
                ),
            );
        }
        tr381_code_fits_category(o, lvl, p.product_categorie, Some(&p.product_code));
        let euros = p.eenheid == Eenheid::Euros;
        if let Some(tarief) = p.product_tarief
            && !euros
            && u128::from(p.ingediend_bedrag.bedrag)
                != u128::from(p.geleverd_volume) * u128::from(tarief)
        {
            o.push(
                "TR346",
                lvl,
                format!(
                    "Prestatie {i}: IngediendBedrag {} is not GeleverdVolume {} x ProductTarief {tarief}",
                    p.ingediend_bedrag.bedrag, p.geleverd_volume
                ),
            );
        }
        if euros == p.product_tarief.is_some() {
            o.push(
                "CD087",
                lvl,
                format!(
                    "Prestatie {i}: ProductTarief must be filled exactly when Eenheid is not 83"
                ),
            );
        }
        if euros && p.ingediend_bedrag.bedrag != u64::from(p.geleverd_volume) {
            o.push(
                "CS339",
                lvl,
                format!("Prestatie {i}: with Eenheid 83 IngediendBedrag must equal GeleverdVolume"),
            );
        }
        let vorig = p.product_referentie.vorig_referentie_nummer.as_ref();
        if let Some(v) = vorig {
            if !earlier_vorige.insert(v.as_str()) {
                o.push(
                    "TR315",
                    lvl,
                    format!("Prestatie {i}: VorigReferentieNummer {v:?} is not unique"),
                );
            }
            if references.contains(v.as_str()) {
                o.push(
                    "TR316",
                    lvl,
                    format!("Prestatie {i}: credits ReferentieNummer {v:?} of the same message"),
                );
            }
        }
        let debet = (
            p.toewijzing_nummer,
            p.product_categorie,
            p.product_code.as_str(),
            p.product_periode.begindatum,
            p.product_periode.einddatum,
        );
        if p.ingediend_bedrag.debet_credit == DebetCredit::Debet && !earlier_debets.insert(debet) {
            o.push(
                "TR416",
                lvl,
                format!("Prestatie {i}: a second debet prestatie for the same period, product and toewijzing"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The overlap rule as the standard states it, pair by pair (time in the square of
    /// the records): a record overlaps an earlier record of the same product.
    fn pairwise(ps: &[Prod<'_>]) -> Vec<usize> {
        let mut flagged = Vec::new();
        for (k, p) in ps.iter().enumerate() {
            if !p.has_product_field || removed_without_period(p) {
                continue;
            }
            let hit = ps[..k].iter().any(|q| {
                let same = match (p.product, q.product) {
                    (Some(a), Some(b)) => match (&a.code, &b.code) {
                        (Some(x), Some(y)) => x == y,
                        _ => a.categorie == b.categorie,
                    },
                    _ => true,
                };
                !removed_without_period(q)
                    && same
                    && p.begin <= q.eind.unwrap_or(NaiveDate::MAX)
                    && q.begin <= p.eind.unwrap_or(NaiveDate::MAX)
            });
            if hit {
                flagged.push(p.i);
            }
        }
        flagged
    }

    #[test]
    fn the_merged_overlap_check_flags_exactly_what_the_pairwise_rule_flags() {
        let cats = [
            ProductCategorie::from_code("45"),
            ProductCategorie::from_code("41"),
        ];
        let kinds: Vec<Product> = [
            (0, Some("45A01")),
            (0, Some("45A02")),
            (0, None),
            (1, Some("41A01")),
            (1, None),
        ]
        .into_iter()
        .map(|(c, code)| Product {
            categorie: cats[c].expect("a known category"),
            code: code.map(str::to_owned),
        })
        .collect();
        let day0 = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..2_000 {
            let len = 1 + next(12) as usize;
            let ps: Vec<Prod<'_>> = (0..len)
                .map(|i| {
                    let begin = day0 + chrono::Duration::days(next(40) as i64);
                    let eind = match next(5) {
                        0 => None,
                        1 => Some(begin),
                        _ => Some(begin + chrono::Duration::days(next(15) as i64)),
                    };
                    Prod {
                        i,
                        product: match next(6) {
                            5 => None,
                            k => Some(&kinds[k as usize]),
                        },
                        begin,
                        eind,
                        omvang: None,
                        budget: None,
                        has_product_field: next(8) != 0,
                    }
                })
                .collect();
            let mut o = Out(Vec::new());
            products(&mut o, &ps, "P", ["CD080", "CS338", "TR302"]);
            let merged: Vec<usize> =
                o.0.iter()
                    .filter(|v| v.rule == "TR302")
                    .filter_map(|v| match v.level {
                        Level::Product(i) => Some(i),
                        _ => None,
                    })
                    .collect();
            assert_eq!(merged, pairwise(&ps));
        }
    }
}
