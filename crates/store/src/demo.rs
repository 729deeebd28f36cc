//! The demo region: the real organisations of Midden-Limburg (municipalities, CJG-ML and
//! its teams, the seven providers of the treatment-team pilot, a GI, Veilig Thuis and the
//! Raad voor de Kinderbescherming) with invented people: one demo user of every role.
//! AGB codes here are invented, not the providers' real codes.

use crate::audit::Actor;
use crate::cases::{self, NewRegistration, PersonInput, YouthRef};
use crate::directory::{self, OrganisationInput, TeamInput};
use crate::users::{self, NewUser};
use crate::{Result, Store, Tx, plans, settings};
use eenplan_domain::Bsn;
use eenplan_domain::plan::{Action, Goal, OwnerKind, PlanContent};
use eenplan_domain::{AgbCode, MunicipalityCode, OrganisationType, Role, TeamType, credentials};

/// The password of every demo account (shown on the login page in demo mode).
pub const DEMO_PASSWORD: &str = "lente-fiets-molen-2026";

const MUNICIPALITIES: [(&str, &str); 7] = [
    ("1640", "Leudal"),
    ("0946", "Nederweert"),
    ("0988", "Weert"),
    ("0957", "Roermond"),
    ("1711", "Echt-Susteren"),
    ("1641", "Maasgouw"),
    ("1669", "Roerdalen"),
];

const PROVIDERS: [(&str, &str); 7] = [
    ("Koraal", "75750101"),
    ("PSW", "75750102"),
    ("Pactum", "75750103"),
    ("Vincent van Gogh", "75750104"),
    ("Met GGZ", "75750105"),
    ("Mutsaersstichting", "75750106"),
    ("PGZ", "75750107"),
];

/// (username, display name, role, organisation, teams)
const USERS: [(&str, &str, Role, &str, &[&str]); 9] = [
    (
        "demo.gezinswerker",
        "Iris Vermeulen",
        Role::FamilyWorker,
        CJG,
        &["CJG Leudal"],
    ),
    (
        "demo.gezinswerker.weert",
        "Sanne Wouters",
        Role::FamilyWorker,
        CJG,
        &["CJG Weert"],
    ),
    (
        "demo.gedragswetenschapper",
        "Bram Hendrikx",
        Role::Reviewer,
        CJG,
        &["CJG Leudal", "CJG Nederweert", "CJG Weert"],
    ),
    (
        "demo.behandelteam",
        "Noor Peeters",
        Role::TreatmentTeamMember,
        "Koraal",
        &["LBT Leudal"],
    ),
    (
        "demo.aanbieder",
        "Luuk Smeets",
        Role::ProviderStaff,
        "PSW",
        &[],
    ),
    (
        "demo.ketenpartner",
        "Eva Claessens",
        Role::ChainPartner,
        "Veilig Thuis Limburg-Noord",
        &[],
    ),
    (
        "demo.coordinator",
        "Daan Geurts",
        Role::TeamCoordinator,
        CJG,
        &["LBT Leudal", "LBT Nederweert-Weert"],
    ),
    (
        "demo.beleid",
        "Mila Coenen",
        Role::PolicyOfficer,
        "Gemeente Leudal",
        &[],
    ),
    (
        "demo.beheerder",
        "Thijs Driessen",
        Role::Administrator,
        CJG,
        &[],
    ),
];

const CJG: &str = "Centrum voor Jeugd en Gezin Midden-Limburg";

/// Whether the database holds no organisations and no users yet.
pub async fn is_empty(store: &Store) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM organisations) + (SELECT COUNT(*) FROM users)",
    )
    .fetch_one(store.pool())
    .await?;
    Ok(n == 0)
}

pub async fn is_loaded(store: &Store) -> Result<bool> {
    Ok(settings::get(store, settings::DEMO_LOADED)
        .await?
        .as_deref()
        == Some("true"))
}

fn code(c: &str) -> MunicipalityCode {
    MunicipalityCode::parse("municipality", c).expect("demo municipality codes are valid")
}

/// Loads the demo region in one transaction.
pub async fn load(store: &Store) -> Result<()> {
    let actor = Actor::system("demo");
    let mut tx = store.begin().await?;
    let org = |name: &str, org_type, agb: Option<&str>, m: Option<&str>| OrganisationInput {
        name: name.to_owned(),
        org_type,
        agb_code: agb.map(|a| AgbCode::parse("agb_code", a).expect("demo AGB codes are valid")),
        municipality_code: m.map(code),
    };
    let mut orgs = vec![org(CJG, OrganisationType::Cjg, None, None)];
    for (c, name) in MUNICIPALITIES {
        orgs.push(org(
            &format!("Gemeente {name}"),
            OrganisationType::Municipality,
            None,
            Some(c),
        ));
    }
    for (name, agb) in PROVIDERS {
        orgs.push(org(name, OrganisationType::Provider, Some(agb), None));
    }
    orgs.push(org(
        "Bureau Jeugdzorg Limburg",
        OrganisationType::Gi,
        None,
        None,
    ));
    orgs.push(org(
        "Veilig Thuis Limburg-Noord",
        OrganisationType::VeiligThuis,
        None,
        None,
    ));
    orgs.push(org(
        "Raad voor de Kinderbescherming",
        OrganisationType::Rvdk,
        None,
        None,
    ));
    let mut org_ids = std::collections::HashMap::new();
    for o in &orgs {
        let id = directory::create_organisation(&mut tx, &actor, o).await?;
        org_ids.insert(o.name.clone(), id);
    }

    let mut teams: Vec<(String, TeamType, Vec<&str>)> = MUNICIPALITIES
        .iter()
        .map(|(c, name)| (format!("CJG {name}"), TeamType::LocalTeam, vec![*c]))
        .collect();
    teams.push(("LBT Leudal".into(), TeamType::TreatmentTeam, vec!["1640"]));
    teams.push((
        "LBT Nederweert-Weert".into(),
        TeamType::TreatmentTeam,
        vec!["0946", "0988"],
    ));
    let mut team_ids = std::collections::HashMap::new();
    for (name, team_type, served) in teams {
        let input = TeamInput {
            organisation_id: org_ids[CJG].clone(),
            name: name.clone(),
            team_type,
            municipalities: served.into_iter().map(code).collect(),
        };
        team_ids.insert(name, directory::create_team(&mut tx, &actor, &input).await?);
    }

    let password_hash = credentials::hash_password(DEMO_PASSWORD);
    let mut user_ids = std::collections::HashMap::new();
    for (username, display_name, role, org_name, user_teams) in USERS {
        let new = NewUser {
            username: username.into(),
            display_name: display_name.into(),
            role,
            organisation_id: org_ids[org_name].clone(),
            password_hash: password_hash.clone(),
            totp_secret: credentials::new_totp_secret(),
            totp_confirmed: true,
            team_ids: user_teams.iter().map(|t| team_ids[*t].clone()).collect(),
        };
        user_ids.insert(username, users::create_user(&mut tx, &actor, &new).await?);
    }
    families(&mut tx, &actor, &user_ids).await?;
    catalogue(&mut tx, &actor, &user_ids["demo.beheerder"], &org_ids).await?;
    // The treatment team's psychologist (Koraal) in LBT Leudal since the pilot began.
    crate::treatment_team::add_membership(
        &mut tx,
        &actor,
        &team_ids["LBT Leudal"],
        &crate::treatment_team::MembershipInput {
            user_id: user_ids["demo.behandelteam"].clone(),
            discipline: "Psycholoog".into(),
            expertise: "trauma, diagnostiek".into(),
            committed_minutes_week: 10 * 60,
            valid_from: "2023-03-01".parse().expect("demo dates are valid"),
            valid_to: None,
        },
    )
    .await?;
    provider_request(&mut tx, &actor).await?;
    settings::set(&mut tx, &actor, settings::DEMO_LOADED, "true").await?;
    tx.commit().await
}

/// A request for an assignment (JW315) of Met GGZ for Lotte, received as from the hub:
/// the Leudal CJG finds it on its work list, with its technical answer (JW316) in the
/// outbox.
async fn provider_request(tx: &mut Tx, actor: &Actor) -> Result<()> {
    use eenplan_ijw::codes::{Eenheid, Frequentie, Geslacht, ProductCategorie, TypeVerwijzer};
    use eenplan_ijw::types::{Achternaam, Geboortedatum, Omvang, Product, VerkorteNaam, Verwijzer};
    use eenplan_ijw::{Header, Jw315, Message, jw315};
    let today = crate::today();
    let msg = Message::Jw315(Jw315 {
        header: Header::new("75750105", "1640", "DEMO-VOT-1", today),
        client: jw315::Client {
            bsn: "999901011".into(),
            geboortedatum: Geboortedatum::new("2014-03-12".parse().expect("demo dates are valid")),
            geslacht: Geslacht::Vrouwelijk,
            naam: VerkorteNaam::new(Achternaam::new("Bakker", None), Some("L")),
            gezagsdrager_bekend: None,
            commentaar: None,
            aangevraagde_producten: vec![jw315::AangevraagdProduct {
                referentie_aanbieder: "MGGZ-2026-0141".into(),
                beschikking_nummer: None,
                product: Some(Product {
                    categorie: ProductCategorie::from_code("54").expect("54 is a category"),
                    code: Some("54G01".into()),
                }),
                beschikking_ingangsdatum: None,
                toewijzing_ingangsdatum: today + chrono::Duration::days(14),
                toewijzing_einddatum: Some(today + chrono::Duration::days(14 + 182)),
                omvang: Some(Omvang {
                    volume: 1200,
                    eenheid: Eenheid::Minuut,
                    frequentie: Frequentie::TotaalBinnenGeldigheidsduur,
                }),
                budget: None,
                verwijzer: Verwijzer {
                    r#type: TypeVerwijzer::from_code("02").expect("02 is a referrer type"),
                    naam: None,
                    zorgverlener_code: Some("01234567".into()),
                },
                raamcontract: None,
                commentaar: Some(
                    "Verwezen door de huisarts voor diagnostiek en behandeling van angstklachten."
                        .into(),
                ),
            }],
        },
    });
    let xml = eenplan_ijw::to_xml(&msg);
    crate::ijw::receive::receive_in(
        tx,
        actor,
        crate::ijw::receive::Origin::Folder,
        &crate::ijw::receive::Incoming::read(xml.as_bytes(), today),
    )
    .await?;
    Ok(())
}

fn youth(name: &str, born: &str, bsn: Option<&str>, municipality: &str) -> YouthRef {
    YouthRef::New(PersonInput {
        name: name.into(),
        birth_date: Some(born.parse().expect("demo dates are valid")),
        bsn: bsn.map(|b| Bsn::parse("bsn", b).expect("demo BSNs pass the 11-check")),
        municipality_code: Some(municipality.into()),
        ..PersonInput::default()
    })
}

fn parent(name: &str, authority: bool, phone: &str) -> PersonInput {
    PersonInput {
        name: name.into(),
        has_authority: Some(authority),
        phone: Some(phone.into()),
        ..PersonInput::default()
    }
}

/// Three invented families: one in care in Leudal with an agreed plan, one waiting for
/// pick-up in Leudal, and one in Weert (another team, to show the glass wall).
async fn families(
    tx: &mut crate::Tx,
    actor: &Actor,
    user_ids: &std::collections::HashMap<&str, String>,
) -> Result<()> {
    let iris = &user_ids["demo.gezinswerker"];
    let sanne = &user_ids["demo.gezinswerker.weert"];
    let date = |s: &str| -> chrono::NaiveDate { s.parse().expect("demo dates are valid") };
    let reg = |m: &str, on: &str, channel: &str, areas: &[&str], q: &str, youths, parents| {
        NewRegistration {
            municipality_code: m.into(),
            registered_on: date(on),
            referral_channel: Some(channel.into()),
            problem_areas: areas.iter().map(|a| (*a).to_owned()).collect(),
            question: q.into(),
            youths,
            parents,
            break_glass_reason: None,
        }
    };
    let bakker = cases::register(
        tx,
        actor,
        iris,
        &reg(
            "1640",
            "2026-10-05",
            "onderwijs",
            &["opvoeding", "onderwijs"],
            "Lotte gaat niet meer graag naar school en thuis is er elke ochtend ruzie. We willen weer rustige ochtenden.",
            vec![youth("Lotte Bakker", "2014-03-12", Some("999901011"), "1640")],
            vec![parent("Mark Bakker", true, "06-12345670"), parent("Anouk Jansen", true, "06-12345671")],
        ),
        cases::DEFAULT_REOPEN_DAYS,
    )
    .await?;
    // The worker writes on the family's case as its team does: through the grant.
    let grant = match cases::open(tx, iris, &bakker.case_id).await? {
        cases::Opened::Granted(g) => g,
        cases::Opened::Refused(_) => return Err(crate::Error::Forbidden),
    };
    cases::transition(
        tx,
        actor,
        iris,
        &grant,
        1,
        &cases::Step::PickUp {
            worker_id: iris.clone(),
        },
        date("2026-10-07"),
        cases::DEFAULT_REOPEN_DAYS,
    )
    .await?;
    cases::add_network_member(
        tx,
        actor,
        &grant,
        &cases::NetworkMemberInput {
            name: "Ria Bakker".into(),
            relation: "Oma (vaders kant)".into(),
            contact: "06-12345672".into(),
            contribution: "Brengt Lotte op dinsdag en donderdag naar school.".into(),
        },
    )
    .await?;
    let goal = Goal {
        id: "demo-goal-ochtenden".into(),
        text: "Rustige ochtenden zonder ruzie voordat Lotte naar school gaat".into(),
        about: "Lotte Bakker".into(),
        pace: "Eerst twee ochtenden per week, na de kerstvakantie alle dagen".into(),
        sub_goals: vec![
            "Avond ervoor samen de tas inpakken".into(),
            "Ontbijt om half acht aan tafel".into(),
        ],
    };
    let content = PlanContent {
        actions: vec![
            Action {
                id: "demo-action-oma".into(),
                goal_id: Some(goal.id.clone()),
                description: "Lotte op dinsdag en donderdag naar school brengen".into(),
                owner_kind: OwnerKind::NetworkMember,
                owner: "Ria Bakker".into(),
                due: Some(date("2026-12-18")),
                done: false,
            },
            Action {
                id: "demo-action-school".into(),
                goal_id: Some(goal.id.clone()),
                description: "Gesprek met de mentor op school plannen".into(),
                owner_kind: OwnerKind::Professional,
                owner: "Iris Vermeulen".into(),
                due: Some(date("2026-11-30")),
                done: false,
            },
        ],
        goals: vec![goal],
    };
    let v = plans::save(tx, actor, iris, &grant, 1, &content, date("2026-10-14")).await?;
    plans::agree(
        tx,
        actor,
        iris,
        &grant,
        v,
        "Anouk Jansen",
        // An agreement cannot predate the version it agrees to.
        crate::today(),
    )
    .await?;

    cases::register(
        tx,
        actor,
        iris,
        &reg(
            "1640",
            "2026-11-18",
            "artsen",
            &["psychiatrie_ontwikkelingsstoornis"],
            "De huisarts verwijst: Yasmin slaapt slecht en piekert veel sinds de verhuizing.",
            vec![youth(
                "Yasmin El Idrissi",
                "2011-08-30",
                Some("999901023"),
                "1640",
            )],
            vec![parent("Samira El Idrissi", true, "06-12345673")],
        ),
        cases::DEFAULT_REOPEN_DAYS,
    )
    .await?;
    cases::register(
        tx,
        actor,
        sanne,
        &reg(
            "0988",
            "2026-11-20",
            "eigen_initiatief",
            &["echtscheiding"],
            "Wij gaan scheiden en willen dat Daan daar zo min mogelijk last van heeft.",
            vec![youth(
                "Daan Verhoeven",
                "2016-01-20",
                Some("999901035"),
                "0988",
            )],
            vec![
                parent("Tom Verhoeven", true, "06-12345674"),
                parent("Lisa Verhoeven-Smits", true, "06-12345675"),
            ],
        ),
        cases::DEFAULT_REOPEN_DAYS,
    )
    .await?;
    Ok(())
}

/// An invented product catalogue (prices changed in 2019, as in the region), contracts
/// with the pilot's providers, and the two variants of support plan part 2 by date.
async fn catalogue(
    tx: &mut crate::Tx,
    actor: &Actor,
    admin: &str,
    org_ids: &std::collections::HashMap<String, String>,
) -> Result<()> {
    use eenplan_domain::access::{Frequency, Unit, Variant};
    let date = |s: &str| -> chrono::NaiveDate { s.parse().expect("demo dates are valid") };
    let products: [(&str, &str, &str, Unit, Frequency, i64, i64); 5] = [
        (
            "45A01",
            "45",
            "Ambulante jeugdhulp, licht",
            Unit::Hour,
            Frequency::PerWeek,
            7_800,
            8_050,
        ),
        (
            "45A02",
            "45",
            "Ambulante jeugdhulp, intensief",
            Unit::Hour,
            Frequency::PerWeek,
            9_200,
            9_500,
        ),
        (
            "41D01",
            "41",
            "Dagbehandeling",
            Unit::Dagdeel,
            Frequency::PerWeek,
            12_000,
            12_400,
        ),
        (
            "43V01",
            "43",
            "Verblijf met behandeling",
            Unit::Etmaal,
            Frequency::PerDay,
            25_000,
            25_800,
        ),
        (
            "54G01",
            "54",
            "Jeugd-ggz, behandeling",
            Unit::Minute,
            Frequency::Total,
            160,
            165,
        ),
    ];
    let mut ids = std::collections::HashMap::new();
    for (code, category, name, unit, frequency, p2018, p2019) in products {
        let input = crate::catalogue::ProductInput {
            code: code.into(),
            category: category.into(),
            name: name.into(),
            unit,
            frequency,
            active: true,
        };
        let id =
            crate::catalogue::create_product(tx, actor, admin, &input, date("2018-01-01"), p2018)
                .await?;
        crate::catalogue::add_price(tx, actor, admin, &id, 1, date("2019-01-01"), p2019).await?;
        ids.insert(code, id);
    }
    for (provider, codes) in [
        ("PSW", &["45A01", "45A02", "41D01"][..]),
        ("Koraal", &["45A02", "43V01"][..]),
        ("Met GGZ", &["54G01"][..]),
        ("Vincent van Gogh", &["54G01", "45A02"][..]),
    ] {
        for code in codes {
            crate::catalogue::create_contract(
                tx,
                actor,
                admin,
                &org_ids[provider],
                &ids[code],
                date("2018-01-01"),
                None,
            )
            .await?;
        }
    }
    crate::catalogue::set_variant(tx, actor, None, date("2018-01-01"), Variant::ProviderEffort)
        .await?;
    crate::catalogue::set_variant(tx, actor, None, date("2020-01-01"), Variant::CjgEffort).await?;
    Ok(())
}

/// A demo account and its current second-factor code, for the demo login list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub totp_code: String,
}

/// The demo accounts with the TOTP code valid at `unix_time`.
pub async fn accounts(store: &Store, unix_time: u64) -> Result<Vec<DemoAccount>> {
    let mut out = Vec::new();
    for (username, display_name, role, _, _) in USERS {
        let secret: Option<String> =
            sqlx::query_scalar("SELECT totp_secret FROM users WHERE username = $1 AND active = 1")
                .bind(username)
                .fetch_optional(store.pool())
                .await?;
        if let Some(code) = secret.and_then(|s| credentials::totp_code(&s, unix_time)) {
            out.push(DemoAccount {
                username: username.into(),
                display_name: display_name.into(),
                role,
                totp_code: code,
            });
        }
    }
    Ok(out)
}
