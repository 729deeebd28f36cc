//! Building the retour message for a received message: the message is copied back with
//! a RetourCodes list on every record the retour XSD has one, holding the retourcodes of
//! the rules violated there, or 0200 ("bericht is goedgekeurd") where nothing is wrong.

use crate::rules::{Level, Violation};
use crate::types::TotaalBedragMetDc;
use crate::{Header, Message, codes::DebetCredit};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

/// Retourcode for "no objection" (code list WJ001).
pub const RETOURCODE_OK: &str = "0200";

/// The distinct retourcodes of `xs` in their order, or 0200 when there are none.
fn codes_of<'a>(xs: impl IntoIterator<Item = &'a Violation>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for x in xs {
        if !out.iter().any(|c| c == x.retourcode) {
            out.push(x.retourcode.to_owned());
        }
    }
    if out.is_empty() {
        out.push(RETOURCODE_OK.to_owned());
    }
    out
}

/// The violations by the level they apply to, gathered once: the retour of a message
/// with many records looks each record up instead of scanning all violations for it.
struct Codes<'a> {
    by_level: HashMap<Level, Vec<&'a Violation>>,
}

impl<'a> Codes<'a> {
    fn new(violations: &'a [Violation]) -> Codes<'a> {
        let mut by_level: HashMap<Level, Vec<&'a Violation>> = HashMap::new();
        for v in violations {
            by_level.entry(v.level).or_default().push(v);
        }
        Codes { by_level }
    }

    fn of(&self, level: Level) -> &[&'a Violation] {
        self.by_level.get(&level).map_or(&[], Vec::as_slice)
    }
}

fn at(v: &Codes<'_>, level: Level) -> Vec<String> {
    codes_of(v.of(level).iter().copied())
}

fn ok() -> Vec<String> {
    vec![RETOURCODE_OK.to_owned()]
}

/// The retour header. Afzender and Ontvanger stay as in the received message for
/// JW302..JW320, because their XSDs fix the direction (JW302's Afzender is a
/// municipality code, as in JW301); JW325 goes from municipality to provider.
fn retour_header(h: &Header, v: &Codes<'_>, identificatie: &str, dagtekening: NaiveDate) -> Header {
    let mut r = Header::new(
        h.afzender.clone(),
        h.ontvanger.clone(),
        identificatie,
        dagtekening,
    );
    r.xsd_versie = h.xsd_versie.clone();
    r.identificatie_retour = Some(h.identificatie.clone());
    r.dagtekening_retour = Some(h.dagtekening);
    r.xsd_versie_retour = Some(crate::types::XsdVersie::current());
    r.retour_codes = at(v, Level::Header);
    r
}

/// Builds the retour message (JW302/306/308/316/318/320/325) for `msg`, carrying the
/// retourcodes of `violations` (from [`crate::rules::check`]) at their level and 0200
/// elsewhere. `identificatie` and `dagtekening` identify the retour message itself.
/// `None` when `msg` is itself a retour or answer message.
pub fn retour(
    msg: &Message,
    violations: &[Violation],
    identificatie: &str,
    dagtekening: NaiveDate,
) -> Option<Message> {
    let v = &Codes::new(violations);
    let header = retour_header(msg.header(), v, identificatie, dagtekening);
    let client_codes = at(v, Level::Client);
    Some(match msg {
        Message::Jw301(m) => {
            use crate::jw302 as r;
            let c = &m.client;
            Message::Jw302(crate::Jw302 {
                header,
                client: Some(r::Client {
                    bsn: c.bsn.clone(),
                    geboortedatum: c.geboortedatum.clone(),
                    geslacht: c.geslacht,
                    naam: c.naam.clone(),
                    communicatie: c.communicatie.clone(),
                    juridische_status: c.juridische_status,
                    wettelijke_vertegenwoordiging: c.wettelijke_vertegenwoordiging,
                    commentaar: c.commentaar.clone(),
                    relaties: c
                        .relaties
                        .iter()
                        .map(|x| r::Relatie {
                            nummer: x.nummer.clone(),
                            volgorde: x.volgorde,
                            soort: x.soort,
                            geboortedatum: x.geboortedatum.clone(),
                            geslacht: x.geslacht,
                            naam: x.naam.clone(),
                            contact: contact302(&x.contact),
                            retour_codes: ok(),
                        })
                        .collect(),
                    contactgegevens: c.contactgegevens.iter().map(contact302).collect(),
                    toegewezen_producten: c
                        .toegewezen_producten
                        .iter()
                        .enumerate()
                        .map(|(i, p)| r::ToegewezenProduct {
                            toewijzing_nummer: p.toewijzing_nummer,
                            referentie_aanbieder: p.referentie_aanbieder.clone(),
                            product: p.product.clone(),
                            toewijzingsdatum: p.toewijzingsdatum,
                            toewijzingstijd: p.toewijzingstijd,
                            ingangsdatum: p.ingangsdatum,
                            einddatum: p.einddatum,
                            reden_wijziging: p.reden_wijziging,
                            omvang: p.omvang.clone(),
                            budget: p.budget,
                            commentaar: p.commentaar.clone(),
                            retour_codes: at(v, Level::Product(i)),
                        })
                        .collect(),
                    retour_codes: client_codes,
                }),
            })
        }
        Message::Jw305(m) => {
            use crate::jw306 as r;
            let c = &m.client;
            Message::Jw306(crate::Jw306 {
                header,
                client: Some(r::Client {
                    bsn: c.bsn.clone(),
                    geboortedatum: c.geboortedatum.clone(),
                    geslacht: c.geslacht,
                    naam: c.naam.clone(),
                    start_producten: c
                        .start_producten
                        .iter()
                        .enumerate()
                        .map(|(i, p)| r::StartProduct {
                            toewijzing_nummer: p.toewijzing_nummer,
                            product: p.product.clone(),
                            toewijzing_ingangsdatum: p.toewijzing_ingangsdatum,
                            begindatum: p.begindatum,
                            status_aanlevering: p.status_aanlevering,
                            retour_codes: at(v, Level::Product(i)),
                        })
                        .collect(),
                    retour_codes: client_codes,
                }),
            })
        }
        Message::Jw307(m) => {
            use crate::jw308 as r;
            let c = &m.client;
            Message::Jw308(crate::Jw308 {
                header,
                client: Some(r::Client {
                    bsn: c.bsn.clone(),
                    geboortedatum: c.geboortedatum.clone(),
                    geslacht: c.geslacht,
                    naam: c.naam.clone(),
                    stop_producten: c
                        .stop_producten
                        .iter()
                        .enumerate()
                        .map(|(i, p)| r::StopProduct {
                            toewijzing_nummer: p.toewijzing_nummer,
                            product: p.product.clone(),
                            toewijzing_ingangsdatum: p.toewijzing_ingangsdatum,
                            begindatum: p.begindatum,
                            reden_beeindiging: p.reden_beeindiging,
                            einddatum: p.einddatum,
                            status_aanlevering: p.status_aanlevering,
                            retour_codes: at(v, Level::Product(i)),
                        })
                        .collect(),
                    retour_codes: client_codes,
                }),
            })
        }
        Message::Jw315(m) => {
            use crate::jw316 as r;
            let c = &m.client;
            Message::Jw316(crate::Jw316 {
                header,
                client: Some(r::Client {
                    bsn: c.bsn.clone(),
                    geboortedatum: c.geboortedatum.clone(),
                    geslacht: c.geslacht,
                    naam: c.naam.clone(),
                    gezagsdrager_bekend: c.gezagsdrager_bekend,
                    commentaar: c.commentaar.clone(),
                    aangevraagde_producten: c
                        .aangevraagde_producten
                        .iter()
                        .enumerate()
                        .map(|(i, p)| r::AangevraagdProduct {
                            referentie_aanbieder: p.referentie_aanbieder.clone(),
                            beschikking_nummer: p.beschikking_nummer,
                            product: p.product.clone(),
                            beschikking_ingangsdatum: p.beschikking_ingangsdatum,
                            toewijzing_ingangsdatum: p.toewijzing_ingangsdatum,
                            toewijzing_einddatum: p.toewijzing_einddatum,
                            omvang: p.omvang.clone(),
                            budget: p.budget,
                            verwijzer: p.verwijzer.clone(),
                            raamcontract: p.raamcontract,
                            commentaar: p.commentaar.clone(),
                            retour_codes: at(v, Level::Product(i)),
                        })
                        .collect(),
                    retour_codes: client_codes,
                }),
            })
        }
        Message::Jw317(m) => {
            use crate::jw318 as r;
            let c = &m.client;
            let vz = &c.verzoek;
            let n1 = vz.ongewijzigde_producten.len();
            let n2 = n1 + vz.te_wijzigen_producten.len();
            Message::Jw318(crate::Jw318 {
                header,
                client: Some(r::Client {
                    bsn: c.bsn.clone(),
                    verzoek: r::Verzoek {
                        referentie_aanbieder: vz.referentie_aanbieder.clone(),
                        reden_verzoek: vz.reden_verzoek,
                        ongewijzigde_producten: vz
                            .ongewijzigde_producten
                            .iter()
                            .enumerate()
                            .map(|(i, p)| r::OngewijzigdProduct {
                                toewijzing_nummer: p.toewijzing_nummer,
                                retour_codes: at(v, Level::Product(i)),
                            })
                            .collect(),
                        te_wijzigen_producten: vz
                            .te_wijzigen_producten
                            .iter()
                            .enumerate()
                            .map(|(i, p)| r::TeWijzigenProduct {
                                toewijzing_nummer: p.toewijzing_nummer,
                                gewenste_ingangsdatum: p.gewenste_ingangsdatum,
                                einddatum: p.einddatum,
                                omvang: p.omvang.clone(),
                                budget: p.budget,
                                retour_codes: at(v, Level::Product(n1 + i)),
                            })
                            .collect(),
                        nieuwe_producten: vz
                            .nieuwe_producten
                            .iter()
                            .enumerate()
                            .map(|(i, p)| r::NieuwProduct {
                                product: p.product.clone(),
                                gewenste_ingangsdatum: p.gewenste_ingangsdatum,
                                einddatum: p.einddatum,
                                omvang: p.omvang.clone(),
                                budget: p.budget,
                                retour_codes: at(v, Level::Product(n2 + i)),
                            })
                            .collect(),
                        retour_codes: client_codes.clone(),
                    },
                    retour_codes: client_codes,
                }),
            })
        }
        Message::Jw319(m) => {
            use crate::jw320 as r;
            let a = &m.antwoord;
            Message::Jw320(crate::Jw320 {
                header,
                antwoord: Some(r::Antwoord {
                    referentie_aanbieder: a.referentie_aanbieder.clone(),
                    verzoek_antwoord: a.verzoek_antwoord,
                    reden_afwijzing_verzoek: a.reden_afwijzing_verzoek,
                    woonplaatsbeginsel: a.woonplaatsbeginsel.as_ref().map(|w| {
                        r::Woonplaatsbeginsel {
                            gemeente: w.gemeente.clone(),
                            retour_codes: at(v, Level::Product(0)),
                        }
                    }),
                    retour_codes: client_codes,
                }),
            })
        }
        Message::Jw323(m) => Message::Jw325(declaratie_antwoord(m, v, identificatie, dagtekening)),
        _ => return None,
    })
}

fn contact302(c: &crate::jw301::Contact) -> crate::jw302::Contact {
    crate::jw302::Contact {
        soort: c.soort,
        adres: c.adres.clone(),
        organisatie: c.organisatie.clone(),
        telefoon: c.telefoon.clone(),
        emailadres: c.emailadres.clone(),
        periode: c.periode.clone(),
        retour_codes: ok(),
    }
}

fn signed(amount: u64, dc: DebetCredit) -> i128 {
    match dc {
        DebetCredit::Debet => i128::from(amount),
        DebetCredit::Credit => -i128::from(amount),
    }
}

fn totaal(sum: i128) -> TotaalBedragMetDc {
    TotaalBedragMetDc {
        totaal_bedrag: u64::try_from(sum.unsigned_abs()).unwrap_or(u64::MAX),
        debet_credit: if sum < 0 {
            DebetCredit::Credit
        } else {
            DebetCredit::Debet
        },
    }
}

/// JW325: as TR342 says, only rejected prestaties are sent back; the granted total is
/// the submitted total minus the rejected amounts. When the declaration as a whole is
/// rejected (a header or declaration level violation) no prestaties are assessed and the
/// granted total is 0; on a header rejection the DeclaratieAntwoord is left out.
fn declaratie_antwoord(
    m: &crate::Jw323,
    v: &Codes<'_>,
    identificatie: &str,
    dagtekening: NaiveDate,
) -> crate::Jw325 {
    use crate::jw325 as r;
    let h = &m.header;
    let mut header = Header::new(
        h.ontvanger.clone(),
        h.afzender.clone(),
        identificatie,
        dagtekening,
    );
    header.declaratie_identificatie = Some(h.identificatie.clone());
    header.declaratie_dagtekening = Some(h.dagtekening);
    header.xsd_versie_declaratie = Some(h.xsd_versie.clone());
    header.retour_codes = at(v, Level::Header);
    let header_rejected = !v.of(Level::Header).is_empty();
    let d = &m.declaratie;
    // Client-level violations naming a BSN of the message belong to that client; the
    // rest to the declaration as a whole.
    let bsns: HashSet<&str> = d.clienten.iter().map(|c| c.bsn.as_str()).collect();
    let mut by_client: HashMap<&str, Vec<&Violation>> = HashMap::new();
    let mut declaration_wide = Vec::new();
    for &x in v.of(Level::Client) {
        let mut named: Vec<&str> = nine_digits(&x.detail)
            .filter(|w| bsns.contains(w))
            .collect();
        named.dedup();
        if named.is_empty() {
            declaration_wide.push(x);
        }
        for b in named {
            let list = by_client.entry(b).or_default();
            if !list.last().is_some_and(|last| std::ptr::eq(*last, x)) {
                list.push(x);
            }
        }
    }
    let decl_codes = codes_of(declaration_wide);
    let decl_rejected = decl_codes.iter().any(|c| c != RETOURCODE_OK);
    let submitted = signed(
        d.totaal_ingediend_bedrag.totaal_bedrag,
        d.totaal_ingediend_bedrag.debet_credit,
    );
    let mut rejected_sum: i128 = 0;
    let mut clienten = Vec::new();
    let mut idx = 0;
    for c in &d.clienten {
        let client_codes = codes_of(by_client.get(c.bsn.as_str()).into_iter().flatten().copied());
        let client_rejected = client_codes.iter().any(|c| c != RETOURCODE_OK);
        let mut prestaties = Vec::new();
        for p in &c.prestaties {
            let codes = at(v, Level::Product(idx));
            idx += 1;
            let rejected = client_rejected || codes.iter().any(|c| c != RETOURCODE_OK);
            if rejected {
                rejected_sum += signed(p.ingediend_bedrag.bedrag, p.ingediend_bedrag.debet_credit);
                prestaties.push(r::Prestatie {
                    product_referentie: p.product_referentie.clone(),
                    toewijzing_nummer: p.toewijzing_nummer,
                    product_categorie: p.product_categorie,
                    product_code: p.product_code.clone(),
                    product_periode: p.product_periode.clone(),
                    geleverd_volume: p.geleverd_volume,
                    eenheid: p.eenheid,
                    product_tarief: p.product_tarief,
                    ingediend_bedrag: p.ingediend_bedrag.clone(),
                    retour_codes: if codes.iter().any(|c| c != RETOURCODE_OK) {
                        codes
                    } else {
                        client_codes.clone()
                    },
                });
            }
        }
        if !prestaties.is_empty() && !decl_rejected {
            clienten.push(r::Client {
                bsn: c.bsn.clone(),
                prestaties,
                retour_codes: client_codes,
            });
        }
    }
    let granted = if decl_rejected {
        0
    } else {
        submitted - rejected_sum
    };
    crate::Jw325 {
        header,
        declaratie_antwoord: (!header_rejected).then(|| r::DeclaratieAntwoord {
            declaratie_nummer: d.declaratie_nummer.clone(),
            totaal_ingediend_bedrag: d.totaal_ingediend_bedrag.clone(),
            totaal_toegekend_bedrag: totaal(granted),
            clienten,
            retour_codes: decl_codes,
        }),
    }
}

/// Every run of nine digits in `text`, overlapping ones too (a BSN is nine digits, so a
/// detail names a BSN exactly when one of these is it).
fn nine_digits(text: &str) -> impl Iterator<Item = &str> {
    text.as_bytes()
        .windows(9)
        .enumerate()
        .filter(|(_, w)| w.iter().all(u8::is_ascii_digit))
        .map(move |(i, _)| &text[i..i + 9])
}
