//! Local treatment teams (domain brief, section 3.4): memberships with a period,
//! consultation requests with the family's consent, the contra-indication screen at
//! intake, the team's work (members, advice, MDOs, sessions) and its outcome, hours per
//! member and day, and the pilot's evaluation table. Every write carries its audit record.

use crate::audit::{self, Action, Actor, Event};
use crate::cases::{case_event, next_number};
use crate::grant::CaseGrant;
use crate::{Error, Result, Store, Tx, check_versioned_update, new_id, now};
use crate::{code, date, opt_date};
use chrono::{Datelike, NaiveDate};
use eenplan_domain::FieldError;
use eenplan_domain::treatment_team::{
    self as rules, ActivityKind, AskReason, ConsultationStatus, ContraIndication, EvaluationRow,
    HourActivity, Outcome, Place, Referrer, RequestKind,
};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

fn invalid(field: &'static str, nl: &str, en: &str) -> Error {
    Error::Invalid(FieldError::new(field, nl, en))
}

// ---------------------------------------------------------------- memberships

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Membership {
    pub id: String,
    pub team_id: String,
    pub user_id: String,
    pub user_name: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub discipline: String,
    pub expertise: String,
    pub committed_minutes_week: i64,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub version: i64,
}

#[derive(Debug, Clone)]
pub struct MembershipInput {
    pub user_id: String,
    pub discipline: String,
    pub expertise: String,
    pub committed_minutes_week: i64,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

/// The team's memberships, current and past.
pub async fn memberships(store: &Store, team_id: &str) -> Result<Vec<Membership>> {
    sqlx::query(
        "SELECT m.*, u.display_name AS user_name, o.name AS organisation_name
         FROM treatment_memberships m JOIN users u ON u.id = m.user_id
         JOIN organisations o ON o.id = m.organisation_id
         WHERE m.team_id = $1 ORDER BY u.display_name, m.valid_from",
    )
    .bind(team_id)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        let from: String = r.try_get("valid_from")?;
        Ok(Membership {
            id: r.try_get("id")?,
            team_id: r.try_get("team_id")?,
            user_id: r.try_get("user_id")?,
            user_name: r.try_get("user_name")?,
            organisation_id: r.try_get("organisation_id")?,
            organisation_name: r.try_get("organisation_name")?,
            discipline: r.try_get("discipline")?,
            expertise: r.try_get("expertise")?,
            committed_minutes_week: r.try_get("committed_minutes_week")?,
            valid_from: date(&from)?,
            valid_to: opt_date(r, "valid_to")?,
            version: r.try_get("version")?,
        })
    })
    .collect()
}

/// A member joins a treatment team for a period, from their own (provider) organisation.
/// They also join the team (so they see its requests).
pub async fn add_membership(
    tx: &mut Tx,
    actor: &Actor,
    team_id: &str,
    input: &MembershipInput,
) -> Result<String> {
    let team_type: Option<String> = sqlx::query_scalar("SELECT team_type FROM teams WHERE id = $1")
        .bind(team_id)
        .fetch_optional(&mut **tx)
        .await?;
    if team_type.as_deref() != Some("treatment_team") {
        return Err(Error::NotFound);
    }
    let org: String = sqlx::query_scalar("SELECT organisation_id FROM users WHERE id = $1")
        .bind(&input.user_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(Error::NotApplicable(crate::Misfit::UnknownUser))?;
    let id = new_id();
    let at = now();
    sqlx::query(
        "INSERT INTO treatment_memberships (id, team_id, user_id, organisation_id, discipline, expertise,
            committed_minutes_week, valid_from, valid_to, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(&id)
    .bind(team_id)
    .bind(&input.user_id)
    .bind(&org)
    .bind(&input.discipline)
    .bind(&input.expertise)
    .bind(input.committed_minutes_week)
    .bind(input.valid_from.to_string())
    .bind(input.valid_to.map(|d| d.to_string()))
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)
         ON CONFLICT (team_id, user_id) DO NOTHING",
    )
    .bind(team_id)
    .bind(&input.user_id)
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        actor,
        &Event::new("treatment_team.member.add", Action::Create).object("membership", &id),
    )
    .await?;
    Ok(id)
}

/// The user's membership of the team on a day: (membership id, organisation).
async fn membership_on(
    tx: &mut Tx,
    team_id: &str,
    user_id: &str,
    on: NaiveDate,
) -> Result<Option<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, organisation_id FROM treatment_memberships
         WHERE team_id = $1 AND user_id = $2 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to >= $3)",
    )
    .bind(team_id)
    .bind(user_id)
    .bind(on.to_string())
    .fetch_optional(&mut **tx)
    .await?)
}

/// Whether the user belongs to the team (sees its requests).
pub async fn in_team(conn: &mut sqlx::AnyConnection, team_id: &str, user_id: &str) -> Result<bool> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM team_members WHERE team_id = $1 AND user_id = $2")
            .bind(team_id)
            .bind(user_id)
            .fetch_one(conn)
            .await?;
    Ok(n > 0)
}

/// The treatment teams (id, name) the user belongs to.
pub async fn teams_of(store: &Store, user_id: &str) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT t.id, t.name FROM teams t JOIN team_members m ON m.team_id = t.id
         WHERE m.user_id = $1 AND t.team_type = 'treatment_team' ORDER BY t.name",
    )
    .bind(user_id)
    .fetch_all(store.pool())
    .await?)
}

// ---------------------------------------------------------------- requests

/// A new consultation request. From a CJG worker it is about a case; from another
/// referrer (a GI, a mental-health provider's waiting list) it may be about no case.
#[derive(Debug, Clone)]
pub struct NewConsultation {
    pub case_id: Option<String>,
    pub municipality_code: String,
    pub referrer: Referrer,
    pub referrer_name: String,
    pub requested_on: NaiveDate,
    pub kind: RequestKind,
    pub reason: AskReason,
    pub question: String,
    pub anonymised_question: String,
    /// Who consented (a parent, the youth), on which day, for what.
    pub consent: Option<(String, NaiveDate, String)>,
}

/// The treatment team serving a municipality.
pub async fn team_for_municipality(
    conn: &mut sqlx::AnyConnection,
    municipality: &str,
) -> Result<String> {
    sqlx::query_scalar(
        "SELECT t.id FROM teams t JOIN team_municipalities m ON m.team_id = t.id
         WHERE m.municipality_code = $1 AND t.team_type = 'treatment_team'
         ORDER BY t.name LIMIT 1",
    )
    .bind(municipality)
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| {
        invalid(
            "municipality_code",
            "Voor deze gemeente is geen lokaal behandelteam ingericht.",
            "No local treatment team serves this municipality.",
        )
    })
}

pub async fn create_request(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    input: &NewConsultation,
) -> Result<String> {
    if input.referrer == Referrer::Cjg && input.case_id.is_none() {
        return Err(invalid(
            "case_id",
            "Een verzoek van het CJG hoort bij een casus.",
            "A request from the CJG belongs to a case.",
        ));
    }
    let team = team_for_municipality(tx, &input.municipality_code).await?;
    let year = input.requested_on.year();
    let seq = next_number(tx, &format!("consultation:{year}")).await?;
    let number = format!("LBT-{year}-{seq:05}");
    let id = new_id();
    let at = now();
    let (by, on, scope) = match &input.consent {
        Some((by, on, scope)) => (Some(by.clone()), Some(on.to_string()), Some(scope.clone())),
        None => (None, None, None),
    };
    sqlx::query(
        "INSERT INTO consultation_requests (id, number, team_id, case_id, municipality_code, referrer,
            referrer_name, requested_on, kind, reason, question, anonymised_question, consent,
            consent_by, consent_on, consent_scope, status, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 'requested',
            $17, $18, $18)",
    )
    .bind(&id)
    .bind(&number)
    .bind(&team)
    .bind(&input.case_id)
    .bind(&input.municipality_code)
    .bind(input.referrer.as_str())
    .bind(&input.referrer_name)
    .bind(input.requested_on.to_string())
    .bind(input.kind.as_str())
    .bind(input.reason.as_str())
    .bind(&input.question)
    .bind(&input.anonymised_question)
    .bind(i64::from(input.consent.is_some()))
    .bind(by)
    .bind(on)
    .bind(scope)
    .bind(user_id)
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    audit_request(tx, actor, &id, "consultation.create", Action::Create).await?;
    if let Some(case) = &input.case_id {
        case_event(
            tx,
            case,
            input.requested_on,
            "consultation_requested",
            &number,
            Some(user_id),
        )
        .await?;
    }
    Ok(id)
}

/// Audits a write on a request, naming the family's clients when it is about a case.
async fn audit_request(
    tx: &mut Tx,
    actor: &Actor,
    id: &str,
    event: &str,
    action: Action,
) -> Result<()> {
    let family: Option<String> = sqlx::query_scalar(
        "SELECT c.family_id FROM consultation_requests r JOIN cases c ON c.id = r.case_id WHERE r.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let event = Event::new(event.to_owned(), action).object("consultation", id);
    match family {
        Some(f) => crate::cases::audit_family(tx, actor, &f, event).await,
        None => audit::append(tx, actor, &event).await,
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Activity {
    pub id: String,
    pub kind: ActivityKind,
    pub on_date: NaiveDate,
    pub place: Option<Place>,
    pub attendees: String,
    pub notes: String,
    pub by_name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssignedMember {
    pub user_id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Consultation {
    pub id: String,
    pub number: String,
    pub team_id: String,
    pub team_name: String,
    pub case_id: Option<String>,
    pub family_id: Option<String>,
    pub municipality_code: String,
    pub referrer: Referrer,
    pub referrer_name: String,
    pub requested_on: NaiveDate,
    pub kind: RequestKind,
    pub reason: AskReason,
    pub question: String,
    pub anonymised_question: String,
    pub consent: bool,
    pub consent_by: Option<String>,
    pub consent_on: Option<NaiveDate>,
    pub consent_scope: Option<String>,
    pub status: ConsultationStatus,
    pub contra_indication: Option<ContraIndication>,
    pub decline_advice: Option<String>,
    pub screened_on: Option<NaiveDate>,
    pub picked_up_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
    pub referred_on: bool,
    pub referred_to: Option<String>,
    pub referred_to_name: Option<String>,
    pub created_by: String,
    pub version: i64,
    /// The members assigned.
    pub members: Vec<AssignedMember>,
    pub activities: Vec<Activity>,
}

impl Consultation {
    /// Days from the request to its pick-up (or to `today` while waiting).
    pub fn waiting_days(&self, today: NaiveDate) -> i64 {
        (self.picked_up_on.unwrap_or(today) - self.requested_on).num_days()
    }
}

const REQUEST_SELECT: &str =
    "SELECT r.*, t.name AS team_name, c.family_id, o.name AS referred_to_name
    FROM consultation_requests r JOIN teams t ON t.id = r.team_id
    LEFT JOIN cases c ON c.id = r.case_id
    LEFT JOIN organisations o ON o.id = r.referred_to";

fn request_from_row(r: &AnyRow) -> Result<Consultation> {
    let requested: String = r.try_get("requested_on")?;
    let contra: Option<String> = r.try_get("contra_indication")?;
    let outcome: Option<String> = r.try_get("outcome")?;
    Ok(Consultation {
        id: r.try_get("id")?,
        number: r.try_get("number")?,
        team_id: r.try_get("team_id")?,
        team_name: r.try_get("team_name")?,
        case_id: r.try_get("case_id")?,
        family_id: r.try_get("family_id")?,
        municipality_code: r.try_get("municipality_code")?,
        referrer: code(r.try_get("referrer")?, Referrer::parse)?,
        referrer_name: r.try_get("referrer_name")?,
        requested_on: date(&requested)?,
        kind: code(r.try_get("kind")?, RequestKind::parse)?,
        reason: code(r.try_get("reason")?, AskReason::parse)?,
        question: r.try_get("question")?,
        anonymised_question: r.try_get("anonymised_question")?,
        consent: r.try_get::<i64, _>("consent")? == 1,
        consent_by: r.try_get("consent_by")?,
        consent_on: opt_date(r, "consent_on")?,
        consent_scope: r.try_get("consent_scope")?,
        status: code(r.try_get("status")?, ConsultationStatus::parse)?,
        contra_indication: contra
            .map(|c| code(c, ContraIndication::parse))
            .transpose()?,
        decline_advice: r.try_get("decline_advice")?,
        screened_on: opt_date(r, "screened_on")?,
        picked_up_on: opt_date(r, "picked_up_on")?,
        closed_on: opt_date(r, "closed_on")?,
        outcome: outcome.map(|o| code(o, Outcome::parse)).transpose()?,
        referred_on: r.try_get::<i64, _>("referred_on")? == 1,
        referred_to: r.try_get("referred_to")?,
        referred_to_name: r.try_get("referred_to_name")?,
        created_by: r.try_get("created_by")?,
        version: r.try_get("version")?,
        members: Vec::new(),
        activities: Vec::new(),
    })
}

pub async fn request(conn: &mut sqlx::AnyConnection, id: &str) -> Result<Consultation> {
    let row = sqlx::query(&format!("{REQUEST_SELECT} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(Error::NotFound)?;
    let mut c = request_from_row(&row)?;
    c.members = sqlx::query_as::<_, (String, String)>(
        "SELECT u.id, u.display_name FROM consultation_members m JOIN users u ON u.id = m.user_id
         WHERE m.request_id = $1 ORDER BY u.display_name",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(user_id, name)| AssignedMember { user_id, name })
    .collect();
    for r in sqlx::query(
        "SELECT a.*, u.display_name AS by_name FROM consultation_activities a
         JOIN users u ON u.id = a.created_by WHERE a.request_id = $1 ORDER BY a.on_date, a.created_at",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    {
        let on: String = r.try_get("on_date")?;
        let place: Option<String> = r.try_get("place")?;
        c.activities.push(Activity {
            id: r.try_get("id")?,
            kind: code(r.try_get("kind")?, ActivityKind::parse)?,
            on_date: date(&on)?,
            place: place.map(|p| code(p, Place::parse)).transpose()?,
            attendees: r.try_get("attendees")?,
            notes: r.try_get("notes")?,
            by_name: r.try_get("by_name")?,
        });
    }
    Ok(c)
}

/// The requests of a team, open ones first, newest first.
pub async fn team_requests(store: &Store, team_id: &str) -> Result<Vec<Consultation>> {
    sqlx::query(&format!(
        "{REQUEST_SELECT} WHERE r.team_id = $1
         ORDER BY CASE WHEN r.status IN ('requested','picked_up') THEN 0 ELSE 1 END, r.requested_on DESC
         LIMIT 500"
    ))
    .bind(team_id)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(request_from_row)
    .collect()
}

/// The requests about a case (for the case page).
pub async fn case_requests(store: &Store, grant: &CaseGrant) -> Result<Vec<Consultation>> {
    sqlx::query(&format!(
        "{REQUEST_SELECT} WHERE r.case_id = $1 ORDER BY r.requested_on DESC"
    ))
    .bind(grant.case_id())
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(request_from_row)
    .collect()
}

async fn current(tx: &mut Tx, id: &str, version: i64) -> Result<Consultation> {
    let c = request(tx, id).await?;
    if c.version != version {
        return Err(Error::Conflict);
    }
    Ok(c)
}

/// The intake: the contra-indication screen. Any contra-indication present declines the
/// request with that reason and the advice where to go instead; none picks it up, with
/// the members assigned.
#[allow(clippy::too_many_arguments)]
pub async fn intake(
    tx: &mut Tx,
    actor: &Actor,
    id: &str,
    version: i64,
    contra: Option<ContraIndication>,
    advice: &str,
    members: &[String],
    on: NaiveDate,
) -> Result<ConsultationStatus> {
    let c = current(tx, id, version).await?;
    rules::check_status(c.status, &[ConsultationStatus::Requested]).map_err(Error::Invalid)?;
    if on < c.requested_on {
        return Err(invalid(
            "on",
            "De intake ligt niet vóór het verzoek.",
            "The intake is not before the request.",
        ));
    }
    let next = match contra {
        Some(_) if advice.trim().is_empty() => {
            return Err(invalid(
                "decline_advice",
                "Schrijf bij het afwijzen waar de verwijzer het beter kan vragen.",
                "Say where the referrer had better ask when declining.",
            ));
        }
        Some(_) => ConsultationStatus::Declined,
        None => ConsultationStatus::PickedUp,
    };
    if next == ConsultationStatus::PickedUp && members.is_empty() {
        return Err(invalid(
            "members",
            "Wijs ten minste één teamlid toe.",
            "Assign at least one team member.",
        ));
    }
    let done = sqlx::query(
        "UPDATE consultation_requests SET status = $1, contra_indication = $2, decline_advice = $3,
            screened_on = $4, picked_up_on = $5, version = version + 1, updated_at = $6
         WHERE id = $7 AND version = $8",
    )
    .bind(next.as_str())
    .bind(contra.map(ContraIndication::as_str))
    .bind((next == ConsultationStatus::Declined).then(|| advice.trim().to_owned()))
    .bind(on.to_string())
    .bind((next == ConsultationStatus::PickedUp).then(|| on.to_string()))
    .bind(now())
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    check_versioned_update(tx, "consultation_requests", id, done.rows_affected()).await?;
    if next == ConsultationStatus::PickedUp {
        assign(tx, &c.team_id, id, members, on).await?;
    }
    let event = match next {
        ConsultationStatus::Declined => "consultation.decline",
        _ => "consultation.pick_up",
    };
    audit_request(tx, actor, id, event, Action::Update).await?;
    Ok(next)
}

/// Assigns members: each must be a member of the team on that day.
async fn assign(
    tx: &mut Tx,
    team_id: &str,
    id: &str,
    members: &[String],
    on: NaiveDate,
) -> Result<()> {
    for m in members {
        if membership_on(tx, team_id, m, on).await?.is_none() {
            return Err(invalid(
                "members",
                "Alleen leden van het team (op die dag) kunnen worden toegewezen.",
                "Only members of the team (on that day) can be assigned.",
            ));
        }
        sqlx::query(
            "INSERT INTO consultation_members (request_id, user_id) VALUES ($1, $2)
             ON CONFLICT (request_id, user_id) DO NOTHING",
        )
        .bind(id)
        .bind(m)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[derive(Debug, Clone)]
pub struct ActivityInput {
    pub kind: ActivityKind,
    pub on: NaiveDate,
    pub place: Option<Place>,
    pub attendees: String,
    pub notes: String,
}

/// Records what the team did on a picked-up request.
pub async fn add_activity(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    id: &str,
    input: &ActivityInput,
) -> Result<String> {
    let c = request(tx, id).await?;
    rules::check_status(c.status, &[ConsultationStatus::PickedUp]).map_err(Error::Invalid)?;
    if c.picked_up_on.is_some_and(|p| input.on < p) {
        return Err(invalid(
            "on",
            "Deze datum ligt vóór het oppakken van het verzoek.",
            "This date lies before the request was picked up.",
        ));
    }
    let session = matches!(
        input.kind,
        ActivityKind::PsychoEducation
            | ActivityKind::SystemConversation
            | ActivityKind::Diagnostics
    );
    if session && input.place.is_none() {
        return Err(invalid(
            "place",
            "Kies waar de sessie was: thuis of op kantoor.",
            "Choose where the session was: at home or at the office.",
        ));
    }
    let aid = new_id();
    sqlx::query(
        "INSERT INTO consultation_activities (id, request_id, kind, on_date, place, attendees, notes,
            created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&aid)
    .bind(id)
    .bind(input.kind.as_str())
    .bind(input.on.to_string())
    .bind(input.place.filter(|_| session).map(Place::as_str))
    .bind(&input.attendees)
    .bind(&input.notes)
    .bind(user_id)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    audit_request(tx, actor, id, "consultation.activity", Action::Create).await?;
    Ok(aid)
}

/// Closes a request with its outcome; referred on to a provider or not.
#[allow(clippy::too_many_arguments)]
pub async fn close(
    tx: &mut Tx,
    actor: &Actor,
    id: &str,
    version: i64,
    outcome: Outcome,
    referred_to: Option<&str>,
    on: NaiveDate,
) -> Result<()> {
    let c = current(tx, id, version).await?;
    rules::check_status(c.status, &[ConsultationStatus::PickedUp]).map_err(Error::Invalid)?;
    if c.picked_up_on.is_some_and(|p| on < p) {
        return Err(invalid(
            "closed_on",
            "Afsluiten kan niet vóór het oppakken.",
            "Closing cannot precede the pick-up.",
        ));
    }
    if let Some(provider) = referred_to {
        let kind: Option<String> =
            sqlx::query_scalar("SELECT org_type FROM organisations WHERE id = $1")
                .bind(provider)
                .fetch_optional(&mut **tx)
                .await?;
        if kind.as_deref() != Some("provider") {
            return Err(invalid(
                "referred_to",
                "Kies de aanbieder waarnaar is doorverwezen.",
                "Choose the provider referred to.",
            ));
        }
    }
    let done = sqlx::query(
        "UPDATE consultation_requests SET status = 'closed', outcome = $1, referred_on = $2,
            referred_to = $3, closed_on = $4, version = version + 1, updated_at = $5
         WHERE id = $6 AND version = $7",
    )
    .bind(outcome.as_str())
    .bind(i64::from(referred_to.is_some()))
    .bind(referred_to)
    .bind(on.to_string())
    .bind(now())
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    check_versioned_update(tx, "consultation_requests", id, done.rows_affected()).await?;
    audit_request(tx, actor, id, "consultation.close", Action::Update).await
}

/// The pilot's evaluation table for the requests made in a period: closed requests per
/// referrer with their outcome and referral on, computed in the database.
pub async fn evaluation_table(
    store: &Store,
    team_id: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<EvaluationRow>> {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT referrer, outcome, CAST(referred_on AS BIGINT), CAST(COUNT(*) AS BIGINT)
         FROM consultation_requests
         WHERE status = 'closed' AND requested_on >= $1 AND requested_on <= $2
           AND ($3 = '' OR team_id = $3)
         GROUP BY referrer, outcome, referred_on",
    )
    .bind(from.to_string())
    .bind(to.to_string())
    .bind(team_id.unwrap_or(""))
    .fetch_all(store.pool())
    .await?;
    let mut closed = Vec::new();
    for (referrer, outcome, referred, n) in rows {
        let referrer = code(referrer, Referrer::parse)?;
        let outcome = code(outcome, Outcome::parse)?;
        for _ in 0..n {
            closed.push((referrer, outcome, referred == 1));
        }
    }
    Ok(rules::evaluation_table(&closed))
}

/// Declined requests per contra-indication in a period (the decline is counted).
pub async fn declines(
    store: &Store,
    team_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(ContraIndication, i64)>> {
    sqlx::query_as::<_, (String, i64)>(
        "SELECT contra_indication, CAST(COUNT(*) AS BIGINT) FROM consultation_requests
         WHERE team_id = $1 AND status = 'declined' AND requested_on >= $2 AND requested_on <= $3
         GROUP BY contra_indication ORDER BY contra_indication",
    )
    .bind(team_id)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(store.pool())
    .await?
    .into_iter()
    .map(|(c, n)| Ok((code(c, ContraIndication::parse)?, n)))
    .collect()
}

// ---------------------------------------------------------------- hours

#[derive(Debug, Clone)]
pub struct HoursInput {
    pub on: NaiveDate,
    pub minutes: i64,
    pub activity: HourActivity,
    pub request_id: Option<String>,
    pub note: String,
}

/// A member registers hours on a day: a member of the team that day, at most 24 hours a
/// day, never ahead, not on a closed or declined request.
pub async fn register_hours(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    team_id: &str,
    input: &HoursInput,
    today: NaiveDate,
) -> Result<String> {
    let Some((_, organisation)) = membership_on(tx, team_id, user_id, input.on).await? else {
        return Err(invalid(
            "on",
            "Op deze dag was u geen lid van dit behandelteam.",
            "You were not a member of this treatment team on this day.",
        ));
    };
    if let Some(rid) = &input.request_id {
        let c = request(tx, rid).await.map_err(|e| match e {
            Error::NotFound => invalid("request_id", "Onbekend verzoek.", "Unknown request."),
            e => e,
        })?;
        if c.team_id != team_id {
            return Err(invalid(
                "request_id",
                "Dit verzoek hoort niet bij dit team.",
                "This request does not belong to this team.",
            ));
        }
        if matches!(
            c.status,
            ConsultationStatus::Closed | ConsultationStatus::Declined
        ) {
            return Err(invalid(
                "request_id",
                "Op een afgesloten verzoek registreert u geen uren meer.",
                "No more hours on a closed request.",
            ));
        }
    }
    let already: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(minutes), 0) AS BIGINT) FROM hours_entries WHERE user_id = $1 AND on_date = $2",
    )
    .bind(user_id)
    .bind(input.on.to_string())
    .fetch_one(&mut **tx)
    .await?;
    rules::check_hours(input.on, input.minutes, already, today).map_err(Error::Invalid)?;
    let id = new_id();
    sqlx::query(
        "INSERT INTO hours_entries (id, team_id, user_id, organisation_id, on_date, minutes, activity,
            request_id, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(team_id)
    .bind(user_id)
    .bind(&organisation)
    .bind(input.on.to_string())
    .bind(input.minutes)
    .bind(input.activity.as_str())
    .bind(&input.request_id)
    .bind(&input.note)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        actor,
        &Event::new("hours.register", Action::Create).object("hours_entry", &id),
    )
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HoursEntry {
    pub id: String,
    pub user_name: String,
    pub organisation_name: String,
    pub on_date: NaiveDate,
    pub minutes: i64,
    pub activity: HourActivity,
    pub request_number: Option<String>,
    pub note: String,
    pub approved: bool,
}

/// The hours of a team in a period, newest first.
pub async fn team_hours(
    store: &Store,
    team_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<HoursEntry>> {
    sqlx::query(
        "SELECT h.id, u.display_name, o.name AS organisation_name, h.on_date, h.minutes, h.activity,
                r.number, h.note, h.approved_by
         FROM hours_entries h JOIN users u ON u.id = h.user_id
         JOIN organisations o ON o.id = h.organisation_id
         LEFT JOIN consultation_requests r ON r.id = h.request_id
         WHERE h.team_id = $1 AND h.on_date >= $2 AND h.on_date <= $3
         ORDER BY h.on_date DESC, u.display_name",
    )
    .bind(team_id)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        let on: String = r.try_get("on_date")?;
        Ok(HoursEntry {
            id: r.try_get("id")?,
            user_name: r.try_get("display_name")?,
            organisation_name: r.try_get("organisation_name")?,
            on_date: date(&on)?,
            minutes: r.try_get("minutes")?,
            activity: code(r.try_get("activity")?, HourActivity::parse)?,
            request_number: r.try_get("number")?,
            note: r.try_get("note")?,
            approved: r.try_get::<Option<String>, _>("approved_by")?.is_some(),
        })
    })
    .collect()
}

/// The team's coordinator approves registered hours of the team; never their own (four
/// eyes: those stay for another coordinator).
pub async fn approve_hours(
    tx: &mut Tx,
    actor: &Actor,
    coordinator_id: &str,
    team_id: &str,
    entry_ids: &[String],
) -> Result<u64> {
    let mut n = 0;
    for id in entry_ids {
        n += sqlx::query(
            "UPDATE hours_entries SET approved_by = $1, approved_at = $2, version = version + 1
             WHERE id = $3 AND team_id = $4 AND approved_by IS NULL AND user_id <> $1",
        )
        .bind(coordinator_id)
        .bind(now())
        .bind(id)
        .bind(team_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    }
    audit::append(
        tx,
        actor,
        &Event::new("hours.approve", Action::Update).object("team", team_id),
    )
    .await?;
    Ok(n)
}

/// Per member this month: (name, organisation, minutes registered, minutes committed for
/// the weeks of the month so far).
pub async fn hours_vs_committed(
    store: &Store,
    team_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, String, i64, i64)>> {
    let weeks_x100 = ((to - from).num_days() + 1) * 100 / 7;
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT u.display_name, o.name, CAST(COALESCE((SELECT SUM(h.minutes) FROM hours_entries h
                 WHERE h.user_id = m.user_id AND h.team_id = m.team_id AND h.on_date >= $2 AND h.on_date <= $3), 0) AS BIGINT),
                m.committed_minutes_week
         FROM treatment_memberships m JOIN users u ON u.id = m.user_id
         JOIN organisations o ON o.id = m.organisation_id
         WHERE m.team_id = $1 AND m.valid_from <= $3 AND (m.valid_to IS NULL OR m.valid_to >= $2)
         ORDER BY u.display_name",
    )
    .bind(team_id)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, org, done, week)| (name, org, done, week * weeks_x100 / 100))
        .collect())
}
