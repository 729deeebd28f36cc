//! One test per implemented rule: an example message, changed to break the rule, yields
//! the rule with its retourcode at the right level, and its retour message validates.

use chrono::NaiveDate;
use eenplan_ijw::codes::*;
use eenplan_ijw::rules::{Level, RULES, check};
use eenplan_ijw::types::*;
use eenplan_ijw::{Message, parse, retour, to_xml, xsd};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    d(2026, 11, 27)
}

/// An example message, with the two real violations of the examples repaired, so that
/// it breaks no rule.
fn clean(name: &str) -> Message {
    let p = format!("{}/tests/berichten/{name}.xml", env!("CARGO_MANIFEST_DIR"));
    // JW315.xml has the impossible date 2027-06-31; use the last day of June instead.
    let text = std::fs::read_to_string(p)
        .unwrap()
        .replace("2027-06-31", "2027-06-30");
    let mut m = parse(text.as_bytes()).unwrap();
    match &mut m {
        Message::Jw317(m) => {
            for p in &mut m.client.verzoek.nieuwe_producten {
                if p.einddatum.is_some_and(|e| e < p.gewenste_ingangsdatum) {
                    p.einddatum = Some(d(2027, 2, 28));
                }
            }
        }
        Message::Jw323(m) => {
            let all = m
                .declaratie
                .clienten
                .iter_mut()
                .flat_map(|c| c.prestaties.iter_mut());
            for (i, p) in all.enumerate() {
                p.toewijzing_nummer = 20_000 + i as u32;
            }
        }
        _ => {}
    }
    let v = check(&m, today());
    assert!(v.is_empty(), "{name} should be clean: {v:?}");
    m
}

fn expect(msg: &Message, rule: &str, code: &str, level: Level) {
    let v = check(msg, today());
    assert!(
        v.iter()
            .any(|x| x.rule == rule && x.retourcode == code && x.level == level),
        "expected {rule}/{code} at {level:?}, got {v:?}"
    );
    assert!(RULES.iter().any(|r| r.code == rule && r.retourcode == code));
    if let Some(r) = retour(msg, &v, "RET1", today()) {
        let xml = to_xml(&r);
        xsd::validate(&xml).unwrap_or_else(|e| panic!("retour for {rule}: {e}\n{xml}"));
        assert!(xml.contains(&format!(
            "<{}:RetourCode>{code}<",
            r.message_type().name().to_lowercase()
        )));
        assert_eq!(parse(xml.as_bytes()).unwrap(), r);
    }
}

macro_rules! rule {
    ($test:ident, $msg:literal, $variant:ident, |$m:ident| $body:block, $rule:literal, $code:literal, $level:expr) => {
        #[test]
        fn $test() {
            let mut msg = clean($msg);
            #[allow(unused_variables)]
            let Message::$variant($m) = &mut msg else { unreachable!() };
            $body
            expect(&msg, $rule, $code, $level);
        }
    };
}

rule!(
    tr135_dagtekening_in_the_future,
    "JW305",
    Jw305,
    |m| {
        m.header.dagtekening = d(2026, 11, 28);
    },
    "TR135",
    "8848",
    Level::Header
);
rule!(
    cs002_bsn_eleven_check,
    "JW301",
    Jw301,
    |m| {
        m.client.bsn = "999900007".into();
    },
    "CS002",
    "0001",
    Level::Client
);
rule!(
    tr002_born_over_120_years_ago,
    "JW305",
    Jw305,
    |m| {
        m.client.geboortedatum.datum = d(1900, 1, 2);
    },
    "TR002",
    "0001",
    Level::Client
);
rule!(
    tr134_born_after_dagtekening,
    "JW307",
    Jw307,
    |m| {
        m.client.geboortedatum.datum = m.header.dagtekening.succ_opt().unwrap();
    },
    "TR134",
    "0001",
    Level::Client
);
rule!(
    cs050_naamgebruik_without_partner,
    "JW301",
    Jw301,
    |m| {
        m.client.naam.partnernaam = None;
        m.client.naam.naam_gebruik = NaamGebruik::NaamPartner;
    },
    "CS050",
    "0001",
    Level::Client
);
rule!(
    cs318_client_not_a_legal_person,
    "JW301",
    Jw301,
    |m| {
        m.client.naam.partnernaam = None;
        m.client.naam.naam_gebruik = NaamGebruik::NietNatuurlijkPersoon;
    },
    "CS318",
    "0001",
    Level::Client
);
rule!(
    cd007_taal_only_with_tolk_taal,
    "JW301",
    Jw301,
    |m| {
        m.client.communicatie = Some(Communicatie {
            vorm: Communicatievorm::Doventolk,
            taal: Some("Zweeds".into()),
        });
    },
    "CD007",
    "0001",
    Level::Client
);
rule!(
    tr006_contact_without_phone_or_address,
    "JW301",
    Jw301,
    |m| {
        let c = &mut m.client.contactgegevens[0];
        c.telefoon = None;
        c.adres = None;
    },
    "TR006",
    "0001",
    Level::Client
);
rule!(
    tr061_no_brp_correspondence_or_stay_address,
    "JW301",
    Jw301,
    |m| {
        for c in &mut m.client.contactgegevens {
            c.soort = AdresSoort::TijdelijkVerblijfadres;
        }
    },
    "TR061",
    "0001",
    Level::Client
);
rule!(
    cd009_periode_only_for_temporary_address,
    "JW301",
    Jw301,
    |m| {
        let c = &mut m.client.contactgegevens[0];
        c.soort = AdresSoort::BrpAdres;
        c.periode = Some(OpenPeriode {
            begindatum: Some(d(2026, 1, 1)),
            einddatum: None,
        });
    },
    "CD009",
    "0001",
    Level::Client
);
rule!(
    cs089_dutch_postcode_format,
    "JW301",
    Jw301,
    |m| {
        m.client.contactgegevens[0].adres = Some(Adres {
            huis: Some(Huis {
                huisnummer: 1,
                huisletter: None,
                huisnummer_toevoeging: None,
                aanduiding_woonadres: None,
            }),
            postcode: Some("12345".into()),
            straatnaam: None,
            plaatsnaam: None,
            land_code: Some("NL".into()),
        });
    },
    "CS089",
    "0001",
    Level::Client
);
rule!(
    cs003_einddatum_before_ingangsdatum,
    "JW301",
    Jw301,
    |m| {
        let p = &mut m.client.toegewezen_producten[1];
        p.einddatum = p.ingangsdatum.pred_opt();
    },
    "CS003",
    "0001",
    Level::Product(1)
);
rule!(
    tr018_stop_before_start,
    "JW307",
    Jw307,
    |m| {
        let p = &mut m.client.stop_producten[0];
        p.einddatum = p.begindatum.pred_opt().unwrap();
    },
    "TR018",
    "0001",
    Level::Product(0)
);
rule!(
    cd041_code_requires_omvang,
    "JW315",
    Jw315,
    |m| {
        let p = &mut m.client.aangevraagde_producten[0];
        p.product = Some(Product {
            categorie: ProductCategorie::JeugdhulpAmbulant,
            code: Some("45A01".into()),
        });
        p.omvang = None;
        p.budget = None;
    },
    "CD041",
    "0001",
    Level::Product(0)
);
rule!(
    cd075_budget_requires_einddatum,
    "JW301",
    Jw301,
    |m| {
        let p = &mut m.client.toegewezen_producten[0];
        p.omvang = None;
        p.budget = Some(100_000);
        p.einddatum = None;
    },
    "CD075",
    "0001",
    Level::Product(0)
);
rule!(
    cd076_per_week_requires_einddatum,
    "JW301",
    Jw301,
    |m| {
        let p = &mut m.client.toegewezen_producten[0];
        p.budget = None;
        p.omvang = Some(Omvang {
            volume: 2,
            eenheid: Eenheid::Uur,
            frequentie: Frequentie::PerWeek,
        });
        p.einddatum = None;
    },
    "CD076",
    "0001",
    Level::Product(0)
);
rule!(
    cd077_budget_and_omvang,
    "JW301",
    Jw301,
    |m| {
        let p = &mut m.client.toegewezen_producten[0];
        p.omvang = Some(Omvang {
            volume: 2,
            eenheid: Eenheid::Uur,
            frequentie: Frequentie::PerMaand,
        });
        p.budget = Some(500);
    },
    "CD077",
    "0001",
    Level::Product(0)
);
rule!(
    cd078_omvang_and_budget,
    "JW315",
    Jw315,
    |m| {
        let p = &mut m.client.aangevraagde_producten[0];
        p.omvang = Some(Omvang {
            volume: 2,
            eenheid: Eenheid::Uur,
            frequentie: Frequentie::PerMaand,
        });
        p.budget = Some(500);
    },
    "CD078",
    "0001",
    Level::Product(0)
);
rule!(
    cd079_no_budget_requires_product,
    "JW315",
    Jw315,
    |m| {
        let p = &mut m.client.aangevraagde_producten[0];
        p.budget = None;
        p.product = None;
    },
    "CD079",
    "0001",
    Level::Product(0)
);
rule!(
    cd080_no_code_no_omvang,
    "JW301",
    Jw301,
    |m| {
        let p = &mut m.client.toegewezen_producten[0];
        p.product = Some(Product {
            categorie: ProductCategorie::JeugdhulpAmbulant,
            code: None,
        });
        p.budget = None;
        p.einddatum = None;
        p.omvang = Some(Omvang {
            volume: 2,
            eenheid: Eenheid::Uur,
            frequentie: Frequentie::PerMaand,
        });
    },
    "CD080",
    "0001",
    Level::Product(0)
);
rule!(
    cs338_unit_frequency,
    "JW301",
    Jw301,
    |m| {
        let p = &mut m.client.toegewezen_producten[0];
        p.product = Some(Product {
            categorie: ProductCategorie::JeugdhulpAmbulant,
            code: Some("45A01".into()),
        });
        p.budget = None;
        p.omvang = Some(Omvang {
            volume: 1,
            eenheid: Eenheid::Etmaal,
            frequentie: Frequentie::PerDag,
        });
    },
    "CS338",
    "0001",
    Level::Product(0)
);
rule!(
    cs335_removed_needs_equal_dates,
    "JW301",
    Jw301,
    |m| {
        let p = &mut m.client.toegewezen_producten[0];
        p.reden_wijziging = Some(RedenWijziging::Verwijderd);
        p.einddatum = p.ingangsdatum.succ_opt();
    },
    "CS335",
    "0001",
    Level::Product(0)
);
rule!(
    cs336_reden_01_not_used,
    "JW301",
    Jw301,
    |m| {
        m.client.toegewezen_producten[1].reden_wijziging =
            Some(RedenWijziging::AdministratieveCorrectieVervallen);
    },
    "CS336",
    "0001",
    Level::Product(1)
);
rule!(
    tr302_same_product_overlapping,
    "JW301",
    Jw301,
    |m| {
        let mut p = m.client.toegewezen_producten[0].clone();
        p.toewijzing_nummer += 1000;
        m.client.toegewezen_producten.push(p);
    },
    "TR302",
    "0001",
    Level::Product(2)
);
rule!(
    cs058_status_aanlevering,
    "JW305",
    Jw305,
    |m| {
        m.client.start_producten[0].status_aanlevering = StatusAanlevering::GewijzigdeAanlevering;
    },
    "CS058",
    "0001",
    Level::Product(0)
);
rule!(
    tr383_referentie_aanbieder_unique,
    "JW315",
    Jw315,
    |m| {
        let r = m.client.aangevraagde_producten[0]
            .referentie_aanbieder
            .clone();
        m.client.aangevraagde_producten[1].referentie_aanbieder = r;
    },
    "TR383",
    "0001",
    Level::Product(1)
);
rule!(
    cd043_beschikking_date_with_number,
    "JW315",
    Jw315,
    |m| {
        let p = &mut m.client.aangevraagde_producten[0];
        p.beschikking_nummer = Some(77);
        p.beschikking_ingangsdatum = None;
    },
    "CD043",
    "0001",
    Level::Product(0)
);
rule!(
    cd066_verwijzer_code_and_name,
    "JW315",
    Jw315,
    |m| {
        m.client.aangevraagde_producten[0].verwijzer = Verwijzer {
            r#type: TypeVerwijzer::Huisarts,
            naam: Some("dr. Jansen".into()),
            zorgverlener_code: Some("01234567".into()),
        };
    },
    "CD066",
    "0001",
    Level::Product(0)
);
rule!(
    cd067_verwijzer_needs_name,
    "JW315",
    Jw315,
    |m| {
        m.client.aangevraagde_producten[0].verwijzer = Verwijzer {
            r#type: TypeVerwijzer::Jeugdarts,
            naam: None,
            zorgverlener_code: None,
        };
    },
    "CD067",
    "0001",
    Level::Product(0)
);
rule!(
    cd068_verwijzer_no_code,
    "JW315",
    Jw315,
    |m| {
        m.client.aangevraagde_producten[0].verwijzer = Verwijzer {
            r#type: TypeVerwijzer::Gemeente,
            naam: None,
            zorgverlener_code: Some("01234567".into()),
        };
    },
    "CD068",
    "0001",
    Level::Product(0)
);
rule!(
    tr352_vow_needs_existing_product,
    "JW317",
    Jw317,
    |m| {
        m.client.verzoek.ongewijzigde_producten.clear();
        m.client.verzoek.te_wijzigen_producten.clear();
    },
    "TR352",
    "0001",
    Level::Client
);
rule!(
    tr353_vow_needs_a_change,
    "JW317",
    Jw317,
    |m| {
        m.client.verzoek.te_wijzigen_producten.clear();
        m.client.verzoek.nieuwe_producten.clear();
    },
    "TR353",
    "0001",
    Level::Client
);
rule!(
    cd085_rejection_needs_reason,
    "JW319",
    Jw319,
    |m| {
        m.antwoord.verzoek_antwoord = VerzoekAntwoord::VerzoekAfgewezen;
        m.antwoord.reden_afwijzing_verzoek = None;
        m.antwoord.woonplaatsbeginsel = None;
    },
    "CD085",
    "0001",
    Level::Client
);
rule!(
    cd086_investigation_has_no_reason,
    "JW319",
    Jw319,
    |m| {
        m.antwoord.verzoek_antwoord = VerzoekAntwoord::AanvraagInOnderzoek;
        m.antwoord.reden_afwijzing_verzoek = Some(RedenAfwijzingVerzoek::GeenContract);
        m.antwoord.woonplaatsbeginsel = None;
    },
    "CD086",
    "0001",
    Level::Client
);
rule!(
    tr377_woonplaatsbeginsel_required,
    "JW319",
    Jw319,
    |m| {
        m.antwoord.verzoek_antwoord = VerzoekAntwoord::VerzoekAfgewezen;
        m.antwoord.reden_afwijzing_verzoek = Some(RedenAfwijzingVerzoek::Woonplaatsbeginsel);
        m.antwoord.woonplaatsbeginsel = None;
    },
    "TR377",
    "0001",
    Level::Client
);
rule!(
    tr409_woonplaatsbeginsel_left_out,
    "JW319",
    Jw319,
    |m| {
        m.antwoord.verzoek_antwoord = VerzoekAntwoord::VerzoekAfgewezen;
        m.antwoord.reden_afwijzing_verzoek = Some(RedenAfwijzingVerzoek::GeenContract);
        m.antwoord.woonplaatsbeginsel = Some(eenplan_ijw::jw319::Woonplaatsbeginsel {
            gemeente: "0363".into(),
        });
    },
    "TR409",
    "0001",
    Level::Product(0)
);
rule!(
    tr358_total_is_the_sum,
    "JW323",
    Jw323,
    |m| {
        m.declaratie.totaal_ingediend_bedrag.totaal_bedrag += 1;
    },
    "TR358",
    "0001",
    Level::Client
);
rule!(
    cs325_zero_is_debet,
    "JW325",
    Jw325,
    |m| {
        let d = m.declaratie_antwoord.as_mut().unwrap();
        d.totaal_toegekend_bedrag = TotaalBedragMetDc {
            totaal_bedrag: 0,
            debet_credit: DebetCredit::Credit,
        };
    },
    "CS325",
    "0001",
    Level::Client
);
rule!(
    cs340_whole_calendar_month,
    "JW323",
    Jw323,
    |m| {
        m.declaratie.declaratie_periode.einddatum = d(2026, 4, 29);
    },
    "CS340",
    "0001",
    Level::Client
);
rule!(
    cs100_not_before_2021,
    "JW323",
    Jw323,
    |m| {
        m.declaratie.declaratie_periode = GeslotenPeriode {
            begindatum: d(2020, 12, 1),
            einddatum: d(2020, 12, 31),
        };
    },
    "CS100",
    "0001",
    Level::Client
);
rule!(
    tr137_period_end_after_start,
    "JW323",
    Jw323,
    |m| {
        let p = &mut m.declaratie.clienten[0].prestaties[0].product_periode;
        p.einddatum = p.begindatum.pred_opt().unwrap();
    },
    "TR137",
    "0001",
    Level::Product(0)
);
rule!(
    cs337_one_calendar_month,
    "JW323",
    Jw323,
    |m| {
        m.declaratie.clienten[0].prestaties[1]
            .product_periode
            .einddatum = d(2026, 5, 2);
    },
    "CS337",
    "0001",
    Level::Product(1)
);
rule!(
    tr335_not_older_than_five_years,
    "JW323",
    Jw323,
    |m| {
        m.declaratie.clienten[0].prestaties[0].product_periode = GeslotenPeriode {
            begindatum: d(2021, 3, 1),
            einddatum: d(2021, 3, 31),
        };
    },
    "TR335",
    "0001",
    Level::Product(0)
);
rule!(
    cd087_tarief_unless_euros,
    "JW323",
    Jw323,
    |m| {
        m.declaratie.clienten[0].prestaties[0].product_tarief = None;
    },
    "CD087",
    "0001",
    Level::Product(0)
);
rule!(
    cs339_euros_amount_equals_volume,
    "JW323",
    Jw323,
    |m| {
        let p = &mut m.declaratie.clienten[0].prestaties[0];
        p.eenheid = Eenheid::Euros;
        p.product_tarief = None;
        p.geleverd_volume = 1;
    },
    "CS339",
    "0001",
    Level::Product(0)
);
rule!(
    tr315_vorig_referentienummer_unique,
    "JW323",
    Jw323,
    |m| {
        let c = &mut m.declaratie.clienten[0];
        c.prestaties[0].product_referentie.vorig_referentie_nummer = Some("OLD1".into());
        c.prestaties[1].product_referentie.vorig_referentie_nummer = Some("OLD1".into());
    },
    "TR315",
    "0001",
    Level::Product(1)
);
rule!(
    tr316_no_credit_of_same_message,
    "JW323",
    Jw323,
    |m| {
        let r = m.declaratie.clienten[0].prestaties[0]
            .product_referentie
            .referentie_nummer
            .clone();
        m.declaratie.clienten[0].prestaties[1]
            .product_referentie
            .vorig_referentie_nummer = Some(r);
    },
    "TR316",
    "0001",
    Level::Product(1)
);
rule!(
    tr416_one_debet_per_period_and_product,
    "JW323",
    Jw323,
    |m| {
        let mut p = m.declaratie.clienten[0].prestaties[0].clone();
        p.product_referentie.referentie_nummer = "NEW9".into();
        p.product_referentie.vorig_referentie_nummer = None;
        m.declaratie.clienten[0].prestaties.insert(1, p);
        let t = &mut m.declaratie.totaal_ingediend_bedrag;
        t.totaal_bedrag += m.declaratie.clienten[0].prestaties[0]
            .ingediend_bedrag
            .bedrag;
    },
    "TR416",
    "0001",
    Level::Product(1)
);
rule!(
    tr381_code_starts_with_category,
    "JW305",
    Jw305,
    |m| {
        m.client.start_producten[0].product = Some(Product {
            categorie: ProductCategorie::JeugdhulpAmbulant,
            code: Some("54A01".into()),
        });
    },
    "TR381",
    "S329",
    Level::Product(0)
);
rule!(
    tr346_amount_is_volume_times_tariff,
    "JW323",
    Jw323,
    |m| {
        let p = &mut m.declaratie.clienten[0].prestaties[0];
        p.ingediend_bedrag.bedrag += 1;
        m.declaratie.totaal_ingediend_bedrag.totaal_bedrag += 1;
    },
    "TR346",
    "9346",
    Level::Product(0)
);
rule!(
    cd095_no_code_no_omvang_in_vot,
    "JW315",
    Jw315,
    |m| {
        let p = &mut m.client.aangevraagde_producten[0];
        p.product = Some(Product {
            categorie: ProductCategorie::JeugdhulpAmbulant,
            code: None,
        });
        p.budget = None;
        p.toewijzing_einddatum = None;
        p.omvang = Some(Omvang {
            volume: 2,
            eenheid: Eenheid::Uur,
            frequentie: Frequentie::PerMaand,
        });
    },
    "CD095",
    "0001",
    Level::Product(0)
);
rule!(
    cd096_no_code_no_omvang_in_vow,
    "JW317",
    Jw317,
    |m| {
        let p = &mut m.client.verzoek.nieuwe_producten[0];
        p.product = Some(Product {
            categorie: ProductCategorie::JeugdhulpAmbulant,
            code: None,
        });
        p.budget = None;
        p.einddatum = None;
        p.omvang = Some(Omvang {
            volume: 2,
            eenheid: Eenheid::Uur,
            frequentie: Frequentie::PerMaand,
        });
    },
    "CD096",
    "0001",
    Level::Product(NIEUW0)
);
rule!(
    cs343_unit_frequency_in_vot,
    "JW315",
    Jw315,
    |m| {
        let p = &mut m.client.aangevraagde_producten[0];
        p.product = Some(Product {
            categorie: ProductCategorie::JeugdhulpAmbulant,
            code: Some("45A01".into()),
        });
        p.budget = None;
        p.omvang = Some(Omvang {
            volume: 1,
            eenheid: Eenheid::Etmaal,
            frequentie: Frequentie::PerDag,
        });
    },
    "CS343",
    "0001",
    Level::Product(0)
);
rule!(
    tr386_same_product_overlapping_in_vot,
    "JW315",
    Jw315,
    |m| {
        let mut p = m.client.aangevraagde_producten[0].clone();
        p.referentie_aanbieder = "UNIEK-2".into();
        m.client.aangevraagde_producten.insert(1, p);
    },
    "TR386",
    "0001",
    Level::Product(1)
);
rule!(
    tr410_same_product_overlapping_in_vow,
    "JW317",
    Jw317,
    |m| {
        let p = m.client.verzoek.nieuwe_producten[0].clone();
        m.client.verzoek.nieuwe_producten.insert(1, p);
    },
    "TR410",
    "0001",
    Level::Product(NIEUW0 + 1)
);

/// Index of the first NieuwProduct in the JW317 example: its OngewijzigdProduct and
/// TeWijzigenProduct records come first.
const NIEUW0: usize = 1;

#[test]
fn jw317_example_nieuw_products_start_at_nieuw0() {
    let Message::Jw317(m) = clean("JW317") else {
        unreachable!()
    };
    assert_eq!(
        m.client.verzoek.ongewijzigde_producten.len()
            + m.client.verzoek.te_wijzigen_producten.len(),
        NIEUW0
    );
}

#[test]
fn every_rule_in_the_table_has_a_test_here() {
    // Whitespace removed, so the check survives rustfmt's layout of the macro calls.
    let src: String = include_str!("rules.rs").split_whitespace().collect();
    for r in RULES {
        let needle = format!("\"{}\",\"{}\",Level", r.code, r.retourcode);
        assert!(src.contains(&needle), "{} untested", r.code);
    }
}

#[test]
fn clean_messages_get_0200_everywhere() {
    for name in [
        "JW301", "JW305", "JW307", "JW315", "JW317", "JW319", "JW323",
    ] {
        let m = clean(name);
        let r = retour(&m, &[], "RET1", today()).unwrap();
        let xml = to_xml(&r);
        xsd::validate(&xml).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(r.header().identificatie, "RET1");
        assert_eq!(r.message_type(), m.message_type().retour().unwrap());
        assert!(r.header().retour_codes.iter().all(|c| c == "0200"));
    }
    assert!(retour(&clean("JW325"), &[], "X", today()).is_none());
}
