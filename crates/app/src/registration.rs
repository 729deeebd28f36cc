//! Registration: a question registered for a family in one step (the youths, the
//! parents, the question and its problem areas), after the duplicate check; it lands with
//! the local team of the municipality.

use crate::input::{
    Fields, choose, field_problem, not_in_future, optional_bsn, optional_text, parse_reason,
    required_date, required_text, today,
};
use crate::{Caller, Error, Problem, Result};
use chrono::NaiveDate;
use eenplan_domain::Bsn;
use eenplan_domain::codes::CodeList;
use eenplan_domain::family::parse_birth_date;
use eenplan_store::audit::{self, Action, Event};
use eenplan_store::cases::{self, Match, NewRegistration, PersonInput, Registered, YouthRef};
use eenplan_store::{Store, codelists};
use serde::Deserialize;

/// What a registration answers: done, or the likely duplicates still to resolve (the
/// problems name the rows; the matches let a page offer to link them).
#[derive(Debug)]
pub enum Outcome {
    Registered(Registered),
    Duplicates {
        problems: Vec<Problem>,
        matches: Vec<(usize, Vec<Match>)>,
    },
}

/// Registers the question (see `eenplan_store::cases::register`): parsed, checked for
/// duplicates (audited as a search), written and audited in one transaction.
pub async fn register(store: &Store, caller: &Caller, f: &RegistrationFields) -> Result<Outcome> {
    let reg = parse_registration(store, f).await?;
    let matches = unresolved_duplicates(store, caller, f, &reg).await?;
    if !matches.is_empty() {
        return Ok(Outcome::Duplicates {
            problems: duplicate_problems(&matches),
            matches,
        });
    }
    let reopen_days = cases::reopen_days(store).await?;
    let mut tx = store.begin().await?;
    let done = cases::register(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        &reg,
        reopen_days,
    )
    .await
    .map_err(|e| registration_error(e, f))?;
    tx.commit().await?;
    Ok(Outcome::Registered(done))
}

/// The youths already known that may be the one being registered, as the caller may see
/// them (another team's client only as "known at team X"). The lookup is audited as a
/// search naming the youths found.
pub async fn likely_duplicates(
    store: &Store,
    caller: &Caller,
    name: &str,
    birth_date: Option<NaiveDate>,
    bsn: Option<Bsn>,
) -> Result<Vec<Match>> {
    let matches = cases::likely_matches(store, caller.user_id(), name, birth_date, bsn).await?;
    if !matches.is_empty() {
        let event = Event::new("youth.duplicate_check", Action::Search)
            .clients(matches.iter().map(|m| m.person_id.clone()));
        audit::record(store, &caller.actor(), &event).await?;
    }
    Ok(matches)
}

/// A youth on a registration: `existing_id` links a known youth; otherwise a new one.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct YouthFields {
    /// Id of a known youth (from the duplicate check); the other fields are then ignored.
    #[serde(default)]
    pub existing_id: String,
    #[serde(default)]
    pub name: String,
    /// YYYY-MM-DD (or DD-MM-YYYY).
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub bsn: String,
    /// Confirms that a close name-and-birth-date match is a different child.
    #[serde(default)]
    pub confirm_new: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ParentFields {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub has_authority: bool,
    #[serde(default)]
    pub phone: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RegistrationFields {
    /// CBS code of the municipality.
    #[serde(default)]
    pub municipality_code: String,
    /// YYYY-MM-DD; today when empty.
    #[serde(default)]
    pub registered_on: String,
    #[serde(default)]
    pub referral_channel: String,
    #[serde(default)]
    pub primary_problem_area: String,
    /// Further problem areas.
    #[serde(default)]
    pub problem_areas: Vec<String>,
    /// The question in the family's words.
    #[serde(default)]
    pub question: String,
    #[serde(default)]
    pub youths: Vec<YouthFields>,
    #[serde(default)]
    pub parents: Vec<ParentFields>,
    /// Only to link a family another team closed within the reopening window: why the
    /// glass is broken (recorded, flagged and reviewed by that team).
    #[serde(default)]
    pub break_glass_reason: String,
}

/// Rows offered on the registration page (no script: fixed rows, empty ones are skipped).
pub const YOUTH_ROWS: usize = 3;

pub const PARENT_ROWS: usize = 2;

fn youth_is_empty(y: &YouthFields) -> bool {
    y.existing_id.trim().is_empty()
        && y.name.trim().is_empty()
        && y.birth_date.trim().is_empty()
        && y.bsn.trim().is_empty()
}

async fn known_code(store: &Store, list: CodeList, code: &str) -> Result<bool, Error> {
    Ok(codelists::items(store, list)
        .await?
        .iter()
        .any(|i| i.code == code))
}

async fn known_municipality(store: &Store, code: &str) -> Result<bool, Error> {
    Ok(codelists::municipalities(store)
        .await?
        .iter()
        .any(|m| m.code == code))
}

/// Parses a registration. Required: municipality, date, primary problem area, question,
/// and per new youth a name and birth date; the rest can follow later.
pub async fn parse_registration(
    store: &Store,
    f: &RegistrationFields,
) -> Result<NewRegistration, Error> {
    let mut errors = Vec::new();
    let today = today();
    let municipality_code = f.municipality_code.trim().to_owned();
    if !known_municipality(store, &municipality_code).await? {
        errors.push(choose("municipality_code"));
    }
    let registered_on = if f.registered_on.trim().is_empty() {
        Some(today)
    } else {
        required_date(&mut errors, "registered_on", &f.registered_on)
    };
    not_in_future(&mut errors, "registered_on", registered_on);
    let referral_channel = match f.referral_channel.trim() {
        "" => None,
        c if known_code(store, CodeList::ReferralChannel, c).await? => Some(c.to_owned()),
        _ => {
            errors.push(choose("referral_channel"));
            None
        }
    };
    let primary = f.primary_problem_area.trim().to_owned();
    if !known_code(store, CodeList::ProblemArea, &primary).await? {
        errors.push(Problem::new(
            "primary_problem_area",
            "Kies het belangrijkste probleemgebied.",
            "Choose the main problem area.",
        ));
    }
    // Bounded lists: a registration names a handful of youths and problem areas.
    if f.problem_areas.len() > 30 || f.youths.len() > 10 || f.parents.len() > 10 {
        return Err(Error::invalid(Problem::new(
            "",
            "Te veel jeugdigen, ouders of probleemgebieden in één aanmelding.",
            "Too many youths, parents or problem areas in one registration.",
        )));
    }
    let mut problem_areas = vec![primary.clone()];
    for a in &f.problem_areas {
        let a = a.trim();
        if a.is_empty() || problem_areas.iter().any(|p| p == a) {
            continue;
        }
        if known_code(store, CodeList::ProblemArea, a).await? {
            problem_areas.push(a.to_owned());
        } else {
            errors.push(choose("problem_areas"));
        }
    }
    let question = required_text(&mut errors, "question", &f.question, 4000);
    let mut youths = Vec::new();
    for (i, y) in f.youths.iter().enumerate() {
        if youth_is_empty(y) {
            continue;
        }
        if !y.existing_id.trim().is_empty() {
            youths.push(YouthRef::Existing(y.existing_id.trim().to_owned()));
            continue;
        }
        let name = required_text(&mut errors, &format!("youths.{i}.name"), &y.name, 200);
        let birth_field = format!("youths.{i}.birth_date");
        let birth_date = if y.birth_date.trim().is_empty() {
            errors.push(Problem::new(
                &birth_field,
                "Vul de geboortedatum in.",
                "Enter the birth date.",
            ));
            None
        } else {
            parse_birth_date("birth_date", &y.birth_date, today)
                .map_err(|e| errors.push(field_problem(&birth_field, e)))
                .ok()
        };
        let bsn = optional_bsn(&mut errors, &format!("youths.{i}.bsn"), &y.bsn);
        let twice = youths
            .iter()
            .any(|other| matches!(other, YouthRef::New(o) if bsn.is_some() && o.bsn == bsn));
        if twice {
            errors.push(Problem::new(
                &format!("youths.{i}.bsn"),
                "Dit BSN staat al bij een andere jeugdige in deze aanmelding.",
                "This BSN is already given for another youth in this registration.",
            ));
        }
        youths.push(YouthRef::New(PersonInput {
            name,
            birth_date,
            bsn,
            municipality_code: Some(municipality_code.clone()),
            has_authority: None,
            phone: None,
        }));
    }
    if youths.is_empty() {
        errors.push(Problem::new(
            "youths.0.name",
            "Noem ten minste één jeugdige.",
            "Name at least one youth.",
        ));
    }
    let mut parents = Vec::new();
    for (i, p) in f.parents.iter().enumerate() {
        if p.name.trim().is_empty() && p.phone.trim().is_empty() {
            continue;
        }
        let name = required_text(&mut errors, &format!("parents.{i}.name"), &p.name, 200);
        let phone = optional_text(&mut errors, &format!("parents.{i}.phone"), &p.phone, 40);
        parents.push(PersonInput {
            name,
            has_authority: Some(p.has_authority),
            phone,
            ..PersonInput::default()
        });
    }
    let break_glass_reason = match f.break_glass_reason.trim() {
        "" => None,
        _ => parse_reason("break_glass_reason", &f.break_glass_reason)
            .map_err(|p| errors.extend(p))
            .ok(),
    };
    match registered_on {
        Some(registered_on) if errors.is_empty() => Ok(NewRegistration {
            municipality_code,
            registered_on,
            referral_channel,
            problem_areas,
            question,
            youths,
            parents,
            break_glass_reason,
        }),
        _ => Err(Error::Invalid(errors)),
    }
}

/// The likely duplicates of each new youth that the worker has not yet resolved, by row.
/// A BSN match can only be linked; a close name-and-birth-date match can also be
/// confirmed as a different child. The lookup is audited as a search.
pub async fn unresolved_duplicates(
    store: &Store,
    caller: &Caller,
    f: &RegistrationFields,
    reg: &NewRegistration,
) -> Result<Vec<(usize, Vec<Match>)>, Error> {
    let mut out = Vec::new();
    let rows = f
        .youths
        .iter()
        .enumerate()
        .filter(|(_, y)| !youth_is_empty(y));
    for ((i, y), youth) in rows.zip(&reg.youths) {
        let YouthRef::New(p) = youth else { continue };
        let matches = likely_duplicates(store, caller, &p.name, p.birth_date, p.bsn).await?;
        let blocking =
            matches.iter().any(|m| m.same_bsn) || (!matches.is_empty() && !y.confirm_new);
        if blocking {
            out.push((i, matches));
        }
    }
    Ok(out)
}

pub fn duplicate_problems(dups: &[(usize, Vec<Match>)]) -> Vec<Problem> {
    dups.iter()
        .map(|(i, matches)| {
            let certain = matches.iter().any(|m| m.same_bsn);
            let names = matches
                .iter()
                .map(|m| match (&m.name, &m.known_at_team) {
                    (Some(name), _) => format!(
                        "{name} ({}, {})",
                        m.birth_date.map(|d| d.format("%d-%m-%Y").to_string()).unwrap_or_default(),
                        m.family_name.as_deref().unwrap_or_default()
                    ),
                    // Another team's client: only where to ask.
                    (None, team) => format!("team {}", team.as_deref().unwrap_or_default()),
                })
                .collect::<Vec<_>>()
                .join("; ");
            if certain {
                Problem::new(
                    &format!("youths.{i}.bsn"),
                    &format!("Een jeugdige met dit BSN is al bekend: {names}. Koppel de aanmelding aan deze jeugdige."),
                    &format!("A youth with this BSN is already known: {names}. Link the registration to this youth."),
                )
            } else {
                Problem::new(
                    &format!("youths.{i}.name"),
                    &format!("Deze jeugdige lijkt al bekend: {names}. Koppel aan de bestaande jeugdige of bevestig dat het een ander kind is."),
                    &format!("This youth looks already known: {names}. Link to the known youth or confirm it is a different child."),
                )
            }
        })
        .collect()
}

/// Maps a store error on a registration to the youth row it concerns.
pub fn registration_error(e: eenplan_store::Error, f: &RegistrationFields) -> Error {
    let row = |pick: fn(&YouthFields) -> bool| f.youths.iter().position(pick).unwrap_or(0);
    match e {
        eenplan_store::Error::Duplicate { .. } => Error::invalid(Problem::new(
            &format!("youths.{}.name", row(|y| !y.bsn.trim().is_empty())),
            "Intussen is voor deze jeugdige of dit gezin iets vastgelegd; verstuur de aanmelding opnieuw om te koppelen.",
            "Something was recorded for this youth or family in the meantime; submit the registration again to link.",
        )),
        eenplan_store::Error::CaseElsewhere => Error::invalid(Problem::new(
            &format!("youths.{}.name", row(|y| !y.existing_id.trim().is_empty())),
            "Dit gezin heeft een lopende casus bij een ander team. Neem contact op met dat team; het kan de aanmelding overnemen.",
            "This family has an open case with another team. Contact that team; it can take over the registration.",
        )),
        other => other.into(),
    }
}

impl RegistrationFields {
    pub fn from_form(f: &Fields) -> RegistrationFields {
        let youths = (0..YOUTH_ROWS)
            .map(|i| YouthFields {
                existing_id: f.get(&format!("youths.{i}.existing_id")).into(),
                name: f.get(&format!("youths.{i}.name")).into(),
                birth_date: f.get(&format!("youths.{i}.birth_date")).into(),
                bsn: f.get(&format!("youths.{i}.bsn")).into(),
                confirm_new: f.has(&format!("youths.{i}.confirm_new"), "1"),
            })
            .collect();
        let parents = (0..PARENT_ROWS)
            .map(|i| ParentFields {
                name: f.get(&format!("parents.{i}.name")).into(),
                has_authority: f.has(&format!("parents.{i}.has_authority"), "1"),
                phone: f.get(&format!("parents.{i}.phone")).into(),
            })
            .collect();
        RegistrationFields {
            municipality_code: f.get("municipality_code").into(),
            registered_on: f.get("registered_on").into(),
            referral_channel: f.get("referral_channel").into(),
            primary_problem_area: f.get("primary_problem_area").into(),
            problem_areas: f.all("problem_areas"),
            question: f.get("question").into(),
            youths,
            parents,
            break_glass_reason: f.get("break_glass_reason").into(),
        }
    }
}
