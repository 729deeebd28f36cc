//! The case and the family around it: the steps of a case (pick up, close, reopen), its
//! kind of help, the family's members and network, the professionals involved, breaking
//! the glass, and moving a caseload. One typed command per use case; each checks access
//! through the grant, writes in one transaction with its audit record, and names the field
//! of every problem.

use crate::case_access;
use crate::input::{
    Fields, choose, form_version, not_in_future, optional_bsn, optional_date, optional_text,
    parse_reason, required_date, required_text, today, version_required,
};
use crate::{Caller, Error, Problem, Result};
use chrono::NaiveDate;
use eenplan_domain::case::{CloseReason, HelpKind};
use eenplan_domain::family::{PersonKind, parse_birth_date};
use eenplan_store::Store;
use eenplan_store::cases::{self, NetworkMemberInput, PersonInput, Step};
use eenplan_store::grant::CaseGrant;
use serde::Deserialize;
use utoipa::ToSchema;

// ---------------------------------------------------------------- the case

/// Set the kind of help and the drang marker (holding team).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = CaseUpdate)]
pub struct UpdateCase {
    pub version: Option<i64>,
    /// information_advice, ambulatory_basic or group_work; empty for none.
    #[serde(default)]
    pub help_kind: String,
    #[serde(default)]
    pub drang: bool,
}

impl UpdateCase {
    pub fn from_form(f: &Fields) -> UpdateCase {
        UpdateCase {
            version: form_version(f),
            help_kind: f.get("help_kind").into(),
            drang: f.has("drang", "1"),
        }
    }
}

/// Sets the kind of help and the drang marker; answers the case as it is now.
pub async fn update_case(
    store: &Store,
    caller: &Caller,
    case_id: &str,
    c: &UpdateCase,
) -> Result<CaseGrant> {
    let grant = case_access::run(store, caller, case_id).await?;
    let version = version_required(c.version)?;
    let help = parse_help_kind(&c.help_kind).map_err(|p| Error::Invalid(vec![p]))?;
    let mut tx = store.begin().await?;
    cases::update_case(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        &grant,
        version,
        help,
        c.drang,
        today(),
    )
    .await?;
    tx.commit().await?;
    case_access::open(store, caller, case_id).await
}

/// Move a case along: pick up (the caller becomes its worker), close (date and reason),
/// or reopen (only within the reopening window).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = TransitionBody)]
pub struct Transition {
    pub version: Option<i64>,
    /// pick_up, close or reopen.
    #[serde(default)]
    pub step: String,
    /// For close: goals_reached, referred_specialised, moved, family_stopped or other.
    #[serde(default)]
    pub reason: String,
    /// YYYY-MM-DD; today when empty.
    #[serde(default)]
    pub on: String,
}

impl Transition {
    pub fn from_form(step: &str, f: &Fields) -> Transition {
        Transition {
            version: form_version(f),
            step: step.into(),
            reason: f.get("reason").into(),
            on: f.get("on").into(),
        }
    }
}

/// Takes the step (holding team only); answers the case as it is now.
pub async fn transition(
    store: &Store,
    caller: &Caller,
    case_id: &str,
    t: &Transition,
) -> Result<CaseGrant> {
    let grant = case_access::run(store, caller, case_id).await?;
    let version = version_required(t.version)?;
    let (step, on) =
        parse_step(&t.step, &t.reason, &t.on, caller.user_id()).map_err(Error::Invalid)?;
    let reopen_days = cases::reopen_days(store).await?;
    let mut tx = store.begin().await?;
    cases::transition(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        &grant,
        version,
        &step,
        on,
        reopen_days,
    )
    .await?;
    tx.commit().await?;
    case_access::open(store, caller, case_id).await
}

// ---------------------------------------------------------------- the family

/// A youth or parent of the case's family, to add or to change.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = PersonBody)]
pub struct PersonDetails {
    /// youth or parent (ignored when changing).
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub bsn: String,
    #[serde(default)]
    pub municipality_code: String,
    #[serde(default)]
    pub has_authority: bool,
    #[serde(default)]
    pub phone: String,
    pub version: Option<i64>,
}

impl PersonDetails {
    pub fn from_form(kind: PersonKind, f: &Fields) -> PersonDetails {
        PersonDetails {
            kind: kind.as_str().into(),
            name: f.get("name").into(),
            birth_date: f.get("birth_date").into(),
            bsn: f.get("bsn").into(),
            municipality_code: f.get("municipality_code").into(),
            has_authority: f.has("has_authority", "1"),
            phone: f.get("phone").into(),
            version: form_version(f),
        }
    }

    fn input(&self, kind: PersonKind) -> Result<PersonInput> {
        parse_person(
            kind,
            &self.name,
            &self.birth_date,
            &self.bsn,
            &self.municipality_code,
            self.has_authority,
            &self.phone,
        )
        .map_err(Error::Invalid)
    }
}

/// Adds a youth or a parent/carer to the case's family; answers its id.
pub async fn add_person(
    store: &Store,
    caller: &Caller,
    case_id: &str,
    p: &PersonDetails,
) -> Result<String> {
    let grant = case_access::write(store, caller, case_id).await?;
    let kind = PersonKind::parse(&p.kind).ok_or_else(|| {
        Error::invalid(Problem::new(
            "kind",
            "Kies youth of parent.",
            "Choose youth or parent.",
        ))
    })?;
    let input = p.input(kind)?;
    let mut tx = store.begin().await?;
    let id = cases::add_person(&mut tx, &caller.actor(), &grant, kind, &input)
        .await
        .map_err(person_write_error)?;
    tx.commit().await?;
    Ok(id)
}

/// A member of the case's family, as the grant shows it (`NotFound` otherwise).
pub async fn family_person(
    store: &Store,
    grant: &CaseGrant,
    person_id: &str,
) -> Result<cases::Person> {
    cases::persons(store, grant)
        .await?
        .into_iter()
        .find(|p| p.id == person_id)
        .ok_or(Error::NotFound)
}

/// Changes a member of the case's family.
pub async fn update_person(
    store: &Store,
    caller: &Caller,
    case_id: &str,
    person_id: &str,
    p: &PersonDetails,
) -> Result<()> {
    let grant = case_access::write(store, caller, case_id).await?;
    let known = family_person(store, &grant, person_id).await?;
    let version = version_required(p.version)?;
    let input = p.input(known.kind)?;
    let mut tx = store.begin().await?;
    cases::update_person(&mut tx, &caller.actor(), &grant, person_id, version, &input)
        .await
        .map_err(person_write_error)?;
    tx.commit().await?;
    Ok(())
}

/// A member of the family's network (relative, friend, neighbour, JIM mentor).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = NetworkBody)]
pub struct NetworkDetails {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub relation: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub contribution: String,
    pub version: Option<i64>,
}

impl NetworkDetails {
    pub fn from_form(f: &Fields) -> NetworkDetails {
        NetworkDetails {
            name: f.get("name").into(),
            relation: f.get("relation").into(),
            contact: f.get("contact").into(),
            contribution: f.get("contribution").into(),
            version: form_version(f),
        }
    }

    fn input(&self) -> Result<NetworkMemberInput> {
        parse_network_member(
            &self.name,
            &self.relation,
            &self.contact,
            &self.contribution,
        )
        .map_err(Error::Invalid)
    }
}

/// Adds a network member to the family; answers its id.
pub async fn add_network_member(
    store: &Store,
    caller: &Caller,
    case_id: &str,
    n: &NetworkDetails,
) -> Result<String> {
    let grant = case_access::write(store, caller, case_id).await?;
    let input = n.input()?;
    let mut tx = store.begin().await?;
    let id = cases::add_network_member(&mut tx, &caller.actor(), &grant, &input).await?;
    tx.commit().await?;
    Ok(id)
}

/// A member of the family's network, as the grant shows it (`NotFound` otherwise).
pub async fn family_member(
    store: &Store,
    grant: &CaseGrant,
    member_id: &str,
) -> Result<cases::NetworkMember> {
    cases::network(store, grant)
        .await?
        .into_iter()
        .find(|m| m.id == member_id)
        .ok_or(Error::NotFound)
}

/// Changes a network member.
pub async fn update_network_member(
    store: &Store,
    caller: &Caller,
    case_id: &str,
    member_id: &str,
    n: &NetworkDetails,
) -> Result<()> {
    let grant = case_access::write(store, caller, case_id).await?;
    family_member(store, &grant, member_id).await?;
    let version = version_required(n.version)?;
    let input = n.input()?;
    let mut tx = store.begin().await?;
    cases::update_network_member(&mut tx, &caller.actor(), &grant, member_id, version, &input)
        .await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- who works on it

/// Involve a professional, with the reason.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = InvolvementBody)]
pub struct Involve {
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub reason: String,
}

impl Involve {
    pub fn from_form(f: &Fields) -> Involve {
        Involve {
            user_id: f.get("user_id").into(),
            reason: f.get("reason").into(),
        }
    }
}

/// Involves a professional (the coordinator, or the holding team).
pub async fn add_involvement(
    store: &Store,
    caller: &Caller,
    case_id: &str,
    i: &Involve,
) -> Result<()> {
    let grant = case_access::open(store, caller, case_id).await?;
    case_access::coordinate(store, caller, &grant).await?;
    let mut errors = Vec::new();
    if i.user_id.trim().is_empty() {
        errors.push(choose("user_id"));
    }
    let reason = parse_reason("reason", &i.reason)
        .map_err(|p| errors.extend(p))
        .ok();
    let Some(reason) = reason.filter(|_| errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    let mut tx = store.begin().await?;
    cases::add_involvement(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        &grant,
        i.user_id.trim(),
        &reason,
        today(),
    )
    .await
    .map_err(|e| match e {
        eenplan_store::Error::Duplicate { .. } => Error::invalid(Problem::new(
            "user_id",
            "Deze professional is al betrokken.",
            "This professional is already involved.",
        )),
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(())
}

/// Ends the involvement of a professional.
pub async fn end_involvement(
    store: &Store,
    caller: &Caller,
    case_id: &str,
    user_id: &str,
) -> Result<()> {
    let grant = case_access::open(store, caller, case_id).await?;
    case_access::coordinate(store, caller, &grant).await?;
    let mut tx = store.begin().await?;
    cases::end_involvement(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        &grant,
        user_id,
        today(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Break the glass: the reason to open a case the caller is not involved in.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = BreakGlassBody)]
pub struct BreakGlass {
    #[serde(default)]
    pub reason: String,
}

/// Opens the case for the caller for a limited time, with the reason; flagged in the
/// audit log and listed for the holding team's reviewer. `NotFound` for no such case.
pub async fn break_glass(
    store: &Store,
    caller: &Caller,
    case_id: &str,
    b: &BreakGlass,
) -> Result<()> {
    let reason = parse_reason("reason", &b.reason).map_err(Error::Invalid)?;
    let mut tx = store.begin().await?;
    cases::break_glass(&mut tx, &caller.actor(), caller.user_id(), case_id, &reason).await?;
    tx.commit().await?;
    Ok(())
}

/// Move a leaving worker's open cases to a colleague of the same team.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = TransferBody)]
pub struct TransferCaseload {
    #[serde(default)]
    pub team_id: String,
    #[serde(default)]
    pub from_user_id: String,
    #[serde(default)]
    pub to_user_id: String,
}

impl TransferCaseload {
    pub fn from_form(f: &Fields) -> TransferCaseload {
        TransferCaseload {
            team_id: f.get("team_id").into(),
            from_user_id: f.get("from_user_id").into(),
            to_user_id: f.get("to_user_id").into(),
        }
    }
}

/// Moves the caseload; answers how many cases moved.
pub async fn transfer_caseload(
    store: &Store,
    caller: &Caller,
    t: &TransferCaseload,
) -> Result<u64> {
    let (team, from, to) =
        parse_transfer(&t.team_id, &t.from_user_id, &t.to_user_id).map_err(Error::Invalid)?;
    let mut tx = store.begin().await?;
    let n = cases::transfer_caseload(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        &team,
        &from,
        &to,
        today(),
    )
    .await
    .map_err(transfer_error)?;
    tx.commit().await?;
    Ok(n)
}

// ---------------------------------------------------------------- reading the input

pub fn parse_person(
    kind: PersonKind,
    name: &str,
    birth_date: &str,
    bsn: &str,
    municipality_code: &str,
    has_authority: bool,
    phone: &str,
) -> Result<PersonInput, Vec<Problem>> {
    let mut errors = Vec::new();
    let name = required_text(&mut errors, "name", name, 200);
    let birth_date = match (kind, birth_date.trim()) {
        (PersonKind::Youth, "") => {
            errors.push(Problem::new(
                "birth_date",
                "Vul de geboortedatum in.",
                "Enter the birth date.",
            ));
            None
        }
        (_, "") => None,
        (_, s) => parse_birth_date("birth_date", s, today())
            .map_err(|e| errors.push(e.into()))
            .ok(),
    };
    let bsn = optional_bsn(&mut errors, "bsn", bsn);
    let phone = optional_text(&mut errors, "phone", phone, 40);
    let municipality_code = optional_text(&mut errors, "municipality_code", municipality_code, 4);
    if errors.is_empty() {
        Ok(PersonInput {
            name,
            birth_date,
            bsn,
            municipality_code,
            has_authority: (kind == PersonKind::Parent).then_some(has_authority),
            phone,
        })
    } else {
        Err(errors)
    }
}

pub fn parse_network_member(
    name: &str,
    relation: &str,
    contact: &str,
    contribution: &str,
) -> Result<NetworkMemberInput, Vec<Problem>> {
    let mut errors = Vec::new();
    let m = NetworkMemberInput {
        name: required_text(&mut errors, "name", name, 200),
        relation: required_text(&mut errors, "relation", relation, 100),
        contact: optional_text(&mut errors, "contact", contact, 200).unwrap_or_default(),
        contribution: optional_text(&mut errors, "contribution", contribution, 1000)
            .unwrap_or_default(),
    };
    if errors.is_empty() {
        Ok(m)
    } else {
        Err(errors)
    }
}

/// Maps a store error on a person write to the field it concerns.
pub fn person_write_error(e: eenplan_store::Error) -> Error {
    match e {
        eenplan_store::Error::UnknownReference => Error::invalid(Problem::new(
            "municipality_code",
            "Onbekende gemeente.",
            "Unknown municipality.",
        )),
        other => other.into(),
    }
}

pub fn parse_step(
    step: &str,
    reason: &str,
    on: &str,
    user_id: &str,
) -> Result<(Step, NaiveDate), Vec<Problem>> {
    let mut errors = Vec::new();
    let on = if on.trim().is_empty() {
        Some(today())
    } else {
        required_date(&mut errors, "on", on)
    };
    not_in_future(&mut errors, "on", on);
    let step = match step {
        "pick_up" => Some(Step::PickUp {
            worker_id: user_id.to_owned(),
        }),
        "close" => match CloseReason::parse(reason) {
            Some(reason) => Some(Step::Close { reason }),
            None => {
                errors.push(Problem::new(
                    "reason",
                    "Kies de reden van afsluiten.",
                    "Choose the reason for closing.",
                ));
                None
            }
        },
        "reopen" => Some(Step::Reopen),
        _ => {
            errors.push(choose("step"));
            None
        }
    };
    match (step, on) {
        (Some(s), Some(d)) if errors.is_empty() => Ok((s, d)),
        _ => Err(errors),
    }
}

pub fn parse_help_kind(s: &str) -> Result<Option<HelpKind>, Problem> {
    match s.trim() {
        "" => Ok(None),
        v => HelpKind::parse(v)
            .map(Some)
            .ok_or_else(|| choose("help_kind")),
    }
}

/// Parses a caseload transfer: team, from-worker and to-worker, all required.
pub fn parse_transfer(
    team_id: &str,
    from: &str,
    to: &str,
) -> Result<(String, String, String), Vec<Problem>> {
    let mut errors = Vec::new();
    for (field, v) in [
        ("team_id", team_id),
        ("from_user_id", from),
        ("to_user_id", to),
    ] {
        if v.trim().is_empty() {
            errors.push(choose(field));
        }
    }
    if errors.is_empty() && from == to {
        errors.push(Problem::new(
            "to_user_id",
            "Kies een andere medewerker dan de vertrekkende.",
            "Choose a worker other than the one leaving.",
        ));
    }
    if errors.is_empty() {
        Ok((team_id.into(), from.into(), to.into()))
    } else {
        Err(errors)
    }
}

pub fn transfer_error(e: eenplan_store::Error) -> Error {
    match e {
        eenplan_store::Error::NotApplicable(_) => Error::invalid(Problem::new(
            "to_user_id",
            "Beide medewerkers (en u zelf) moeten lid zijn van het gekozen team.",
            "Both workers (and you) must be members of the chosen team.",
        )),
        other => other.into(),
    }
}

#[derive(Deserialize, Default)]
pub struct SearchParams {
    #[serde(default)]
    pub naam: String,
    #[serde(default)]
    pub bsn: String,
    #[serde(default)]
    pub geboortedatum: String,
}

pub fn parse_search(
    name: &str,
    bsn: &str,
    birth_date: &str,
) -> Result<cases::SearchQuery, Vec<Problem>> {
    let mut errors = Vec::new();
    let q = cases::SearchQuery {
        name: optional_text(&mut errors, "naam", name, 200),
        bsn: optional_bsn(&mut errors, "bsn", bsn),
        birth_date: optional_date(&mut errors, "geboortedatum", birth_date),
    };
    if errors.is_empty() {
        Ok(q)
    } else {
        Err(errors)
    }
}
