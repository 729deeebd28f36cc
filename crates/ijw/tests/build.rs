//! Messages the product emits, built in code, validate against their XSD.

use chrono::{NaiveDate, NaiveTime};
use eenplan_ijw::codes::*;
use eenplan_ijw::types::*;
use eenplan_ijw::{Header, Message, jw301, jw306, jw319, jw325, parse, retour, rules, to_xml, xsd};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn check_valid(msg: Message) {
    let xml = to_xml(&msg);
    xsd::validate(&xml).unwrap_or_else(|e| panic!("{}: {e}\n{xml}", msg.message_type().name()));
    assert_eq!(parse(xml.as_bytes()).unwrap(), msg);
}

fn jw301() -> eenplan_ijw::Jw301 {
    eenplan_ijw::Jw301 {
        header: Header::new("0363", "12345678", "TW-2026-0001", d(2026, 11, 2)),
        client: jw301::Client {
            bsn: "999900006".into(),
            geboortedatum: Geboortedatum::new(d(2014, 3, 9)),
            geslacht: Geslacht::Vrouwelijk,
            naam: VolledigeNaam::new(Achternaam::new("Jansen", None), Some("A")),
            communicatie: None,
            juridische_status: None,
            wettelijke_vertegenwoordiging: None,
            commentaar: Some("Toewijzing & <afspraak>".into()),
            relaties: vec![],
            contactgegevens: vec![jw301::Contact {
                soort: AdresSoort::BrpAdres,
                adres: Some(Adres {
                    huis: Some(Huis {
                        huisnummer: 12,
                        huisletter: None,
                        huisnummer_toevoeging: None,
                        aanduiding_woonadres: None,
                    }),
                    postcode: Some("1011AB".into()),
                    straatnaam: Some("Dam".into()),
                    plaatsnaam: Some("Amsterdam".into()),
                    land_code: Some("NL".into()),
                }),
                organisatie: None,
                telefoon: None,
                emailadres: None,
                periode: None,
            }],
            toegewezen_producten: vec![jw301::ToegewezenProduct {
                toewijzing_nummer: 4711,
                referentie_aanbieder: None,
                product: Some(Product::new(
                    ProductCategorie::JeugdhulpAmbulant,
                    Some("45A01"),
                )),
                toewijzingsdatum: d(2026, 11, 2),
                toewijzingstijd: NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
                ingangsdatum: d(2026, 12, 1),
                einddatum: Some(d(2027, 5, 31)),
                reden_wijziging: None,
                omvang: Some(Omvang::new(4, Eenheid::Uur, Frequentie::PerMaand)),
                budget: None,
                commentaar: None,
            }],
        },
    }
}

#[test]
fn jw301_built_in_code_validates_and_breaks_no_rule() {
    let m = Message::Jw301(jw301());
    assert!(rules::check(&m, d(2026, 11, 27)).is_empty());
    check_valid(m);
}

#[test]
fn jw306_built_in_code_validates() {
    let mut header = Header::new("12345678", "0363", "R-305-1", d(2026, 11, 27));
    header.identificatie_retour = Some("ST-1".into());
    header.dagtekening_retour = Some(d(2026, 11, 26));
    header.xsd_versie_retour = Some(XsdVersie::current());
    header.retour_codes = vec!["0200".into()];
    check_valid(Message::Jw306(eenplan_ijw::Jw306 {
        header,
        client: Some(jw306::Client {
            bsn: "999900006".into(),
            geboortedatum: Geboortedatum::new(d(2014, 3, 9)),
            geslacht: Geslacht::Onbekend,
            naam: VerkorteNaam::new(Achternaam::new("Jansen", Some("van")), None),
            start_producten: vec![jw306::StartProduct {
                toewijzing_nummer: Some(4711),
                product: Some(Product::new(
                    ProductCategorie::JeugdhulpAmbulant,
                    Some("45A01"),
                )),
                toewijzing_ingangsdatum: Some(d(2026, 12, 1)),
                begindatum: d(2026, 12, 3),
                status_aanlevering: StatusAanlevering::EersteAanlevering,
                retour_codes: vec!["0200".into()],
            }],
            retour_codes: vec!["0200".into()],
        }),
    }));
}

#[test]
fn jw319_built_in_code_validates() {
    check_valid(Message::Jw319(eenplan_ijw::Jw319 {
        header: Header::new("0363", "12345678", "A-1", d(2026, 11, 27)),
        antwoord: jw319::Antwoord {
            referentie_aanbieder: "VOT-88".into(),
            verzoek_antwoord: VerzoekAntwoord::VerzoekAfgewezen,
            reden_afwijzing_verzoek: Some(RedenAfwijzingVerzoek::Woonplaatsbeginsel),
            woonplaatsbeginsel: Some(jw319::Woonplaatsbeginsel {
                gemeente: "0599".into(),
            }),
        },
    }));
}

#[test]
fn jw325_built_in_code_validates() {
    let mut header = Header::new("0363", "12345678", "DA-1", d(2026, 11, 27));
    header.declaratie_identificatie = Some("D-1".into());
    header.declaratie_dagtekening = Some(d(2026, 11, 20));
    header.xsd_versie_declaratie = Some(XsdVersie::current());
    header.retour_codes = vec!["0200".into()];
    let bedrag = |b| TotaalBedragMetDc {
        totaal_bedrag: b,
        debet_credit: DebetCredit::Debet,
    };
    check_valid(Message::Jw325(eenplan_ijw::Jw325 {
        header,
        declaratie_antwoord: Some(jw325::DeclaratieAntwoord {
            declaratie_nummer: "D2026X11".into(),
            totaal_ingediend_bedrag: bedrag(10_000),
            totaal_toegekend_bedrag: bedrag(5_000),
            clienten: vec![jw325::Client {
                bsn: "999900006".into(),
                prestaties: vec![jw325::Prestatie {
                    product_referentie: Referentie {
                        referentie_nummer: "P-1".into(),
                        vorig_referentie_nummer: None,
                    },
                    toewijzing_nummer: 4711,
                    product_categorie: ProductCategorie::JeugdhulpAmbulant,
                    product_code: "45A01".into(),
                    product_periode: GeslotenPeriode {
                        begindatum: d(2026, 10, 1),
                        einddatum: d(2026, 10, 31),
                    },
                    geleverd_volume: 4,
                    eenheid: Eenheid::Uur,
                    product_tarief: Some(1_250),
                    ingediend_bedrag: BedragMetDc {
                        bedrag: 5_000,
                        debet_credit: DebetCredit::Debet,
                    },
                    retour_codes: vec!["0611".into()],
                }],
                retour_codes: vec!["0200".into()],
            }],
            retour_codes: vec!["0200".into()],
        }),
    }));
}

/// JW308 and JW316 are built from the received JW307/JW315 by `retour()`.
#[test]
fn jw308_and_jw316_built_by_retour_validate() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/berichten/");
    let jw307 = parse(&std::fs::read(format!("{dir}JW307.xml")).unwrap()).unwrap();
    let jw315 = std::fs::read_to_string(format!("{dir}JW315.xml"))
        .unwrap()
        .replace("2027-06-31", "2027-06-30");
    let jw315 = parse(jw315.as_bytes()).unwrap();
    for m in [jw307, jw315] {
        let today = d(2026, 11, 27);
        let v = rules::check(&m, today);
        let r = retour(&m, &v, "RET-9", today).unwrap();
        assert!(matches!(r, Message::Jw308(_) | Message::Jw316(_)));
        check_valid(r);
    }
}
