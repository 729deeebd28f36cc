//! The local treatment team's work: consultation requests (from a case, or from another
//! referrer), the intake with the contra-indication screen, activities, the outcome,
//! members, hours, and the evaluation table. Each write is one `*_action` over the
//! posted fields, shared with the API (`api::treatment_team`), as in `pages::access`.
//!
//! Access: the CJG asks from a case it holds (`run_case`); the team's members and its
//! coordinator see the team's requests, the question and the case only with the family's
//! consent (otherwise the anonymised question); everyone else gets 403, audited.

use super::Fields;
use super::cases::{choose, optional_date, required_date, run_case, today};
use crate::AppState;
use crate::auth::AuthContext;
use crate::error::{AppError, Problem};
use eenplan_domain::treatment_team::{
    ActivityKind, AskReason, ContraIndication, HourActivity, Outcome, Place, Referrer, RequestKind,
    parse_hours,
};
use eenplan_store::audit::{self, Action, Event, Outcome as AuditOutcome};
use eenplan_store::treatment_team::{
    self as store, ActivityInput, Consultation, HoursInput, MembershipInput, NewConsultation,
};

fn conn_err(e: sqlx::Error) -> AppError {
    eenplan_store::Error::from(e).into()
}

fn text(errors: &mut Vec<Problem>, f: &Fields, field: &str, max: usize) -> String {
    super::required_text(errors, field, f.get(field), max)
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
    let referrer_name =
        super::optional_text(&mut errors, "referrer_name", f.get("referrer_name"), 200)
            .unwrap_or_default();
    let requested_on = match f.get("requested_on").trim() {
        "" => Some(today()),
        s => required_date(&mut errors, "requested_on", s),
    };
    super::cases::not_in_future(&mut errors, "requested_on", requested_on);
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
    app: &AppState,
    ctx: &AuthContext,
    case_id: &str,
    f: &Fields,
) -> Result<String, AppError> {
    let case = run_case(app, ctx, case_id).await?;
    let input = parse_request(
        f,
        Some(case.id.clone()),
        Some(case.municipality_code.clone()),
        Some(Referrer::Cjg),
    )
    .map_err(AppError::Invalid)?;
    let mut tx = app.store.begin().await?;
    let id = store::create_request(&mut tx, &ctx.actor(), &ctx.principal.user_id, &input).await?;
    tx.commit().await?;
    Ok(id)
}

/// The team registers a request from another referrer (a GI, a mental-health provider's
/// waiting list, another): no case of the CJG, so no family data beyond the question.
pub async fn request_from_referrer_action(
    app: &AppState,
    ctx: &AuthContext,
    f: &Fields,
) -> Result<String, AppError> {
    let input = parse_request(f, None, None, None).map_err(AppError::Invalid)?;
    // Only into a team the user belongs to.
    let mut conn = app.store.pool().acquire().await.map_err(conn_err)?;
    let team = store::team_for_municipality(&mut conn, &input.municipality_code).await?;
    drop(conn);
    own_team(app, ctx, &team).await?;
    let mut tx = app.store.begin().await?;
    let id = store::create_request(&mut tx, &ctx.actor(), &ctx.principal.user_id, &input).await?;
    tx.commit().await?;
    Ok(id)
}

/// What a team member may see of a request: the question and the case only with the
/// family's consent. Refused (403, audited) outside the team.
pub async fn open_consultation(
    app: &AppState,
    ctx: &AuthContext,
    id: &str,
) -> Result<Consultation, AppError> {
    let mut conn = app.store.pool().acquire().await.map_err(conn_err)?;
    let mut c = store::request(&mut conn, id).await?;
    if !store::in_team(&mut conn, &c.team_id, &ctx.principal.user_id).await? {
        drop(conn);
        audit::record(
            &app.store,
            &ctx.actor(),
            &Event::new("access.refused", Action::Read)
                .outcome(AuditOutcome::Refused)
                .object("consultation", id),
        )
        .await?;
        return Err(AppError::Forbidden);
    }
    let clients = match (&c.family_id, c.consent) {
        (Some(f), true) => eenplan_store::cases::client_ids(&mut conn, f).await?,
        _ => Vec::new(),
    };
    drop(conn);
    if !c.consent {
        // Without consent the team works on the anonymised question alone.
        c.question = c.anonymised_question.clone();
        c.case_id = None;
        c.family_id = None;
        c.consent_by = None;
        c.consent_scope = None;
    }
    audit::record(
        &app.store,
        &ctx.actor(),
        &Event::new("consultation.read", Action::Read)
            .object("consultation", id)
            .clients(clients),
    )
    .await?;
    Ok(c)
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
    app: &AppState,
    ctx: &AuthContext,
    id: &str,
    f: &Fields,
) -> Result<(), AppError> {
    open_consultation(app, ctx, id).await?;
    let mut errors = Vec::new();
    let version = super::parse_version("version", f.get("version"))
        .map_err(|p| AppError::Invalid(vec![p]))?;
    let on = match f.get("on").trim() {
        "" => Some(today()),
        s => required_date(&mut errors, "on", s),
    };
    super::cases::not_in_future(&mut errors, "on", on);
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
    let advice = super::optional_text(&mut errors, "decline_advice", f.get("decline_advice"), 2000)
        .unwrap_or_default();
    let Some(on) = on.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let mut tx = app.store.begin().await?;
    store::intake(
        &mut tx,
        &ctx.actor(),
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
    app: &AppState,
    ctx: &AuthContext,
    id: &str,
    f: &Fields,
) -> Result<(), AppError> {
    open_consultation(app, ctx, id).await?;
    let mut errors = Vec::new();
    let kind = code(&mut errors, f, "kind", ActivityKind::parse);
    let on = required_date(&mut errors, "on", f.get("on"));
    super::cases::not_in_future(&mut errors, "on", on);
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
    let attendees = super::optional_text(&mut errors, "attendees", f.get("attendees"), 1000)
        .unwrap_or_default();
    let notes =
        super::optional_text(&mut errors, "notes", f.get("notes"), 4000).unwrap_or_default();
    let (Some(kind), Some(on)) = (kind, on) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut tx = app.store.begin().await?;
    store::add_activity(
        &mut tx,
        &ctx.actor(),
        &ctx.principal.user_id,
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
    app: &AppState,
    ctx: &AuthContext,
    id: &str,
    f: &Fields,
) -> Result<(), AppError> {
    open_consultation(app, ctx, id).await?;
    let mut errors = Vec::new();
    let version = super::parse_version("version", f.get("version"))
        .map_err(|p| AppError::Invalid(vec![p]))?;
    let outcome = code(&mut errors, f, "outcome", Outcome::parse);
    let on = match f.get("closed_on").trim() {
        "" => Some(today()),
        s => required_date(&mut errors, "closed_on", s),
    };
    super::cases::not_in_future(&mut errors, "closed_on", on);
    let referred = f.get("referred_to").trim();
    let (Some(outcome), Some(on)) = (outcome, on) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut tx = app.store.begin().await?;
    store::close(
        &mut tx,
        &ctx.actor(),
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
    app: &AppState,
    ctx: &AuthContext,
    team_id: &str,
    f: &Fields,
) -> Result<String, AppError> {
    own_team(app, ctx, team_id).await?;
    let mut errors = Vec::new();
    let user_id = f.get("user_id").trim().to_owned();
    if user_id.is_empty() {
        errors.push(choose("user_id"));
    }
    let discipline = text(&mut errors, f, "discipline", 100);
    let expertise =
        super::optional_text(&mut errors, "expertise", f.get("expertise"), 500).unwrap_or_default();
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
    if let (Some(a), Some(b)) = (from, to)
        && b < a
    {
        errors.push(Problem::new(
            "valid_to",
            "De einddatum ligt vóór de begindatum.",
            "The end date lies before the start date.",
        ));
    }
    let (Some(committed), Some(from)) = (committed, from) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut tx = app.store.begin().await?;
    let id = store::add_membership(
        &mut tx,
        &ctx.actor(),
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
            AppError::invalid(choose("user_id"))
        }
        e => e.into(),
    })?;
    tx.commit().await?;
    Ok(id)
}

/// Refuses (403, audited) a team the user does not belong to.
pub async fn own_team(app: &AppState, ctx: &AuthContext, team_id: &str) -> Result<(), AppError> {
    let mut conn = app.store.pool().acquire().await.map_err(conn_err)?;
    if store::in_team(&mut conn, team_id, &ctx.principal.user_id).await? {
        return Ok(());
    }
    drop(conn);
    audit::record(
        &app.store,
        &ctx.actor(),
        &Event::new("access.refused", Action::Read)
            .outcome(AuditOutcome::Refused)
            .object("team", team_id),
    )
    .await?;
    Err(AppError::Forbidden)
}

/// A member registers hours in their team.
pub async fn hours_action(
    app: &AppState,
    ctx: &AuthContext,
    team_id: &str,
    f: &Fields,
) -> Result<String, AppError> {
    own_team(app, ctx, team_id).await?;
    let mut errors = Vec::new();
    let on = required_date(&mut errors, "on", f.get("on"));
    let minutes = parse_hours("hours", f.get("hours"))
        .map_err(|e| errors.push(e.into()))
        .ok();
    let activity = code(&mut errors, f, "activity", HourActivity::parse);
    let request_id = f.get("request_id").trim();
    let note = super::optional_text(&mut errors, "note", f.get("note"), 500).unwrap_or_default();
    let (Some(on), Some(minutes), Some(activity)) = (on, minutes, activity) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut tx = app.store.begin().await?;
    let id = store::register_hours(
        &mut tx,
        &ctx.actor(),
        &ctx.principal.user_id,
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
