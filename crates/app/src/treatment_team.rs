//! The local treatment teams (LBT): consultation requests from a case or a referrer,
//! intake with the contra-indication screen, the team's work, closing with the outcome,
//! members and hours. Only the team's members reach its requests.

use crate::case_access;
use crate::input::{
    Fields, choose, optional_date, optional_text, parse_version, required_date, required_text,
    today,
};
use crate::{Caller, Error, Problem, Result};
use eenplan_domain::treatment_team::{
    ActivityKind, AskReason, ContraIndication, HourActivity, Outcome, Place, Referrer, RequestKind,
    parse_hours,
};
use eenplan_store::Store;
use eenplan_store::audit::{self, Action, Event};
use eenplan_store::treatment_team::{
    self as store_lbt, ActivityInput, Consultation, HoursInput, MembershipInput, NewConsultation,
};

/// Refuses (403, audited) a team the user does not belong to.
pub async fn own_team(store: &Store, caller: &Caller, team_id: &str) -> Result<(), Error> {
    let mut conn = store
        .pool()
        .acquire()
        .await
        .map_err(eenplan_store::Error::from)?;
    if store_lbt::in_team(&mut conn, team_id, caller.user_id()).await? {
        return Ok(());
    }
    drop(conn);
    Err(crate::refuse(store, caller, "access.refused", ("team", team_id)).await)
}

fn text(errors: &mut Vec<Problem>, f: &Fields, field: &str, max: usize) -> String {
    required_text(errors, field, f.get(field), max)
}

fn code<T>(
    errors: &mut Vec<Problem>,
    f: &Fields,
    field: &str,
    parse: fn(&str) -> Option<T>,
) -> Option<T> {
    let v = parse(f.get(field));
    if v.is_none() {
        errors.push(choose(field));
    }
    v
}

/// The request fields common to both ways in.
fn parse_request(
    f: &Fields,
    case_id: Option<String>,
    municipality: Option<String>,
    referrer: Option<Referrer>,
) -> Result<NewConsultation, Vec<Problem>> {
    let mut errors = Vec::new();
    let referrer = referrer.or_else(|| code(&mut errors, f, "referrer", Referrer::parse));
    if referrer == Some(Referrer::Cjg) && case_id.is_none() {
        errors.push(Problem::new(
            "referrer",
            "Het CJG vraagt consultatie aan vanuit een casus.",
            "The CJG asks for consultation from a case.",
        ));
    }
    let municipality = municipality.unwrap_or_else(|| f.get("municipality_code").trim().to_owned());
    if municipality.is_empty() {
        errors.push(choose("municipality_code"));
    }
    let referrer_name = optional_text(&mut errors, "referrer_name", f.get("referrer_name"), 200)
        .unwrap_or_default();
    let requested_on = match f.get("requested_on").trim() {
        "" => Some(today()),
        s => required_date(&mut errors, "requested_on", s),
    };
    crate::input::not_in_future(&mut errors, "requested_on", requested_on);
    let kind = code(&mut errors, f, "kind", RequestKind::parse);
    let reason = code(&mut errors, f, "reason", AskReason::parse);
    let question = text(&mut errors, f, "question", 4000);
    let anonymised = text(&mut errors, f, "anonymised_question", 2000);
    let consent = if f.has("consent", "1") {
        let by = text(&mut errors, f, "consent_by", 200);
        let on = required_date(&mut errors, "consent_on", f.get("consent_on"));
        let scope = text(&mut errors, f, "consent_scope", 1000);
        on.map(|on| (by, on, scope))
    } else {
        None
    };
    match (referrer, requested_on, kind, reason) {
        (Some(referrer), Some(requested_on), Some(kind), Some(reason)) if errors.is_empty() => {
            Ok(NewConsultation {
                case_id,
                municipality_code: municipality,
                referrer,
                referrer_name,
                requested_on,
                kind,
                reason,
                question,
                anonymised_question: anonymised,
                consent,
            })
        }
        _ => Err(errors),
    }
}

/// The CJG asks its treatment team for consultation on a case it holds.
pub async fn request_from_case_action(
    store: &Store,
    caller: &Caller,
    case_id: &str,
    f: &Fields,
) -> Result<String, Error> {
    let grant = case_access::run(store, &caller.clone(), case_id).await?;
    let case = grant.case().clone();
    let input = parse_request(
        f,
        Some(case.id.clone()),
        Some(case.municipality_code.clone()),
        Some(Referrer::Cjg),
    )
    .map_err(Error::Invalid)?;
    let mut tx = store.begin().await?;
    let id = store_lbt::create_request(&mut tx, &caller.actor(), caller.user_id(), &input).await?;
    tx.commit().await?;
    Ok(id)
}

/// The team registers a request from another referrer (a GI, a mental-health provider's
/// waiting list, another): no case of the CJG, so no family data beyond the question.
pub async fn request_from_referrer_action(
    store: &Store,
    caller: &Caller,
    f: &Fields,
) -> Result<String, Error> {
    let input = parse_request(f, None, None, None).map_err(Error::Invalid)?;
    // Only into a team the user belongs to.
    let mut conn = store
        .pool()
        .acquire()
        .await
        .map_err(eenplan_store::Error::from)?;
    let team = store_lbt::team_for_municipality(&mut conn, &input.municipality_code).await?;
    drop(conn);
    own_team(store, &caller.clone(), &team).await?;
    let mut tx = store.begin().await?;
    let id = store_lbt::create_request(&mut tx, &caller.actor(), caller.user_id(), &input).await?;
    tx.commit().await?;
    Ok(id)
}

/// What a team member may see of a request: the question and the case only with the
/// family's consent. Refused (403, audited) outside the team.
pub async fn open_consultation(
    store: &Store,
    caller: &Caller,
    id: &str,
) -> Result<Consultation, Error> {
    let mut c = team_request(store, caller, id).await?;
    let clients = match (&c.family_id, c.consent) {
        (Some(f), true) => {
            let mut conn = store
                .pool()
                .acquire()
                .await
                .map_err(eenplan_store::Error::from)?;
            eenplan_store::cases::client_ids(&mut conn, f).await?
        }
        _ => Vec::new(),
    };
    redact(&mut c);
    audit::record(
        store,
        &caller.actor(),
        &Event::new("consultation.read", Action::Read)
            .object("consultation", id)
            .clients(clients),
    )
    .await?;
    Ok(c)
}

/// A request of one of the user's teams, for a write (the write audits itself).
pub async fn team_request(store: &Store, caller: &Caller, id: &str) -> Result<Consultation, Error> {
    let mut conn = store
        .pool()
        .acquire()
        .await
        .map_err(eenplan_store::Error::from)?;
    let c = store_lbt::request(&mut conn, id).await?;
    if store_lbt::in_team(&mut conn, &c.team_id, caller.user_id()).await? {
        return Ok(c);
    }
    drop(conn);
    Err(crate::refuse(store, caller, "access.refused", ("consultation", id)).await)
}

/// Without the family's consent the team works on the anonymised question alone: no
/// question in the family's words, no case.
pub fn redact(c: &mut Consultation) {
    if !c.consent {
        c.question = c.anonymised_question.clone();
        c.case_id = None;
        c.family_id = None;
        c.consent_by = None;
        c.consent_scope = None;
    }
}

/// The team's members (user ids) listed in the `members` fields.
fn members(f: &Fields) -> Vec<String> {
    f.all("members")
        .into_iter()
        .map(|m| m.trim().to_owned())
        .filter(|m| !m.is_empty())
        .collect()
}

/// The intake: the contra-indication screen, then decline or pick up with members.
pub async fn intake_action(
    store: &Store,
    caller: &Caller,
    id: &str,
    f: &Fields,
) -> Result<(), Error> {
    team_request(store, caller, id).await?;
    let mut errors = Vec::new();
    let version =
        parse_version("version", f.get("version")).map_err(|p| Error::Invalid(vec![p]))?;
    let on = match f.get("on").trim() {
        "" => Some(today()),
        s => required_date(&mut errors, "on", s),
    };
    crate::input::not_in_future(&mut errors, "on", on);
    let contra = match f.get("contra_indication").trim() {
        "" => None,
        s => {
            let c = ContraIndication::parse(s);
            if c.is_none() {
                errors.push(choose("contra_indication"));
            }
            c
        }
    };
    let advice = optional_text(&mut errors, "decline_advice", f.get("decline_advice"), 2000)
        .unwrap_or_default();
    let Some(on) = on.filter(|_| errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    let mut tx = store.begin().await?;
    store_lbt::intake(
        &mut tx,
        &caller.actor(),
        id,
        version,
        contra,
        &advice,
        &members(f),
        on,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn activity_action(
    store: &Store,
    caller: &Caller,
    id: &str,
    f: &Fields,
) -> Result<(), Error> {
    team_request(store, caller, id).await?;
    let mut errors = Vec::new();
    let kind = code(&mut errors, f, "kind", ActivityKind::parse);
    let on = required_date(&mut errors, "on", f.get("on"));
    crate::input::not_in_future(&mut errors, "on", on);
    let place = match f.get("place").trim() {
        "" => None,
        s => {
            let p = Place::parse(s);
            if p.is_none() {
                errors.push(choose("place"));
            }
            p
        }
    };
    let attendees =
        optional_text(&mut errors, "attendees", f.get("attendees"), 1000).unwrap_or_default();
    let notes = optional_text(&mut errors, "notes", f.get("notes"), 4000).unwrap_or_default();
    let (Some(kind), Some(on)) = (kind, on) else {
        return Err(Error::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut tx = store.begin().await?;
    store_lbt::add_activity(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        id,
        &ActivityInput {
            kind,
            on,
            place,
            attendees,
            notes,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn close_action(
    store: &Store,
    caller: &Caller,
    id: &str,
    f: &Fields,
) -> Result<(), Error> {
    team_request(store, caller, id).await?;
    let mut errors = Vec::new();
    let version =
        parse_version("version", f.get("version")).map_err(|p| Error::Invalid(vec![p]))?;
    let outcome = code(&mut errors, f, "outcome", Outcome::parse);
    let on = match f.get("closed_on").trim() {
        "" => Some(today()),
        s => required_date(&mut errors, "closed_on", s),
    };
    crate::input::not_in_future(&mut errors, "closed_on", on);
    let referred = f.get("referred_to").trim();
    let (Some(outcome), Some(on)) = (outcome, on) else {
        return Err(Error::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut tx = store.begin().await?;
    store_lbt::close(
        &mut tx,
        &caller.actor(),
        id,
        version,
        outcome,
        (!referred.is_empty()).then_some(referred),
        on,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The coordinator adds a member to a team they coordinate.
pub async fn add_member_action(
    store: &Store,
    caller: &Caller,
    team_id: &str,
    f: &Fields,
) -> Result<String, Error> {
    own_team(store, &caller.clone(), team_id).await?;
    let mut errors = Vec::new();
    let user_id = f.get("user_id").trim().to_owned();
    if user_id.is_empty() {
        errors.push(choose("user_id"));
    }
    let discipline = text(&mut errors, f, "discipline", 100);
    let expertise =
        optional_text(&mut errors, "expertise", f.get("expertise"), 500).unwrap_or_default();
    let committed = match parse_hours("committed_hours", f.get("committed_hours")) {
        Ok(m) if m <= 60 * 60 => Some(m),
        Ok(_) => {
            errors.push(Problem::new(
                "committed_hours",
                "Ten hoogste 60 uur per week.",
                "At most 60 hours a week.",
            ));
            None
        }
        Err(e) => {
            errors.push(e.into());
            None
        }
    };
    let from = required_date(&mut errors, "valid_from", f.get("valid_from"));
    let to = optional_date(&mut errors, "valid_to", f.get("valid_to"));
    if let Err(e) = eenplan_domain::DateRange::check("valid_to", from, to) {
        errors.push(e.into());
    }
    let (Some(committed), Some(from)) = (committed, from) else {
        return Err(Error::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut tx = store.begin().await?;
    let id = store_lbt::add_membership(
        &mut tx,
        &caller.actor(),
        team_id,
        &MembershipInput {
            user_id,
            discipline,
            expertise,
            committed_minutes_week: committed,
            valid_from: from,
            valid_to: to,
        },
    )
    .await
    .map_err(|e| match e {
        eenplan_store::Error::NotApplicable(_) | eenplan_store::Error::UnknownReference => {
            Error::invalid(choose("user_id"))
        }
        e => e.into(),
    })?;
    tx.commit().await?;
    Ok(id)
}

/// A member registers hours in their team.
pub async fn hours_action(
    store: &Store,
    caller: &Caller,
    team_id: &str,
    f: &Fields,
) -> Result<String, Error> {
    own_team(store, &caller.clone(), team_id).await?;
    let mut errors = Vec::new();
    let on = required_date(&mut errors, "on", f.get("on"));
    let minutes = parse_hours("hours", f.get("hours"))
        .map_err(|e| errors.push(e.into()))
        .ok();
    let activity = code(&mut errors, f, "activity", HourActivity::parse);
    let request_id = f.get("request_id").trim();
    let note = optional_text(&mut errors, "note", f.get("note"), 500).unwrap_or_default();
    let (Some(on), Some(minutes), Some(activity)) = (on, minutes, activity) else {
        return Err(Error::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut tx = store.begin().await?;
    let id = store_lbt::register_hours(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        team_id,
        &HoursInput {
            on,
            minutes,
            activity,
            request_id: (!request_id.is_empty()).then(|| request_id.to_owned()),
            note,
        },
        today(),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The consultation requests of a case with what the team did, for the case's holding
/// team (the notes are shared with it); nothing for anyone else.
pub async fn case_consultations(
    store: &Store,
    grant: &eenplan_store::grant::CaseGrant,
) -> Result<Vec<Consultation>> {
    if !grant.may_run() {
        return Ok(Vec::new());
    }
    let mut conn = store.acquire().await?;
    let mut out = Vec::new();
    for c in store_lbt::case_requests(store, grant).await? {
        out.push(store_lbt::request(&mut conn, &c.id).await?);
    }
    Ok(out)
}
