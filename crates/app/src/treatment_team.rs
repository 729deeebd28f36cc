//! The local treatment teams (LBT): consultation requests from a case or a referrer,
//! intake with the contra-indication screen, the team's work, closing with the outcome,
//! members and hours. Only the team's members reach its requests.

use crate::case_access;
use crate::input::{
    Fields, choose, not_in_future, optional_text, required_date, required_text, today, validity,
};
use crate::input::{form_version, version_required};
use crate::{Caller, Error, Problem, Result};
use chrono::NaiveDate;
use eenplan_domain::treatment_team::{
    ActivityKind, AskReason, ContraIndication, HourActivity, Outcome, Place, Referrer, RequestKind,
    parse_hours,
};
use eenplan_store::Store;
use eenplan_store::audit::{self, Action, Event};
use eenplan_store::treatment_team::{
    self as store_lbt, ActivityInput, Consultation, HoursInput, MembershipInput, NewConsultation,
};
use serde::Deserialize;
use utoipa::ToSchema;

/// Refuses (403, audited) a team the user does not belong to.
pub async fn own_team(store: &Store, caller: &Caller, team_id: &str) -> Result<(), Error> {
    let mut conn = store.acquire().await?;
    if store_lbt::in_team(&mut conn, team_id, caller.user_id()).await? {
        return Ok(());
    }
    drop(conn);
    Err(crate::refuse(store, caller, "access.refused", ("team", team_id)).await)
}

fn text(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

/// A form's optional field: `None` when empty.
fn form_opt(f: &Fields, name: &str) -> Option<String> {
    let v = f.get(name);
    (!v.trim().is_empty()).then(|| v.to_owned())
}

fn code<T>(
    errors: &mut Vec<Problem>,
    field: &str,
    value: &str,
    parse: fn(&str) -> Option<T>,
) -> Option<T> {
    let v = parse(value.trim());
    if v.is_none() {
        errors.push(choose(field));
    }
    v
}

/// An optional code: `None` when empty, a problem when not on its list.
fn optional_code<T>(
    errors: &mut Vec<Problem>,
    field: &str,
    value: &str,
    parse: fn(&str) -> Option<T>,
) -> Option<T> {
    match value.trim() {
        "" => None,
        s => code(errors, field, s, parse),
    }
}

/// A date that is today when left empty, and not in the future.
fn date_or_today(errors: &mut Vec<Problem>, field: &str, value: &str) -> Option<NaiveDate> {
    let on = match value.trim() {
        "" => Some(today()),
        s => required_date(errors, field, s),
    };
    not_in_future(errors, field, on);
    on
}

// ---------------------------------------------------------------- the request

/// Ask the treatment team for consultation: from a case (the CJG) or from another
/// referrer (registered by the team).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = ConsultationBody)]
pub struct AskConsultation {
    /// cjg (only from a case), gi, ggz_wachtlijst or overig.
    #[serde(default)]
    pub referrer: Option<String>,
    /// Who asked, e.g. the GI's worker (not a client).
    #[serde(default)]
    pub referrer_name: Option<String>,
    /// CBS code; from a case, the case's municipality.
    #[serde(default)]
    pub municipality_code: Option<String>,
    /// YYYY-MM-DD; today when empty.
    #[serde(default)]
    pub requested_on: Option<String>,
    /// advice or consultation_treatment.
    pub kind: String,
    /// broad_analysis, specialised_considered, no_result, client_asks, long_in_care, spar.
    pub reason: String,
    pub question: String,
    /// The question without anything that identifies the family: what the team sees
    /// without consent.
    pub anonymised_question: String,
    #[serde(default)]
    pub consent: bool,
    #[serde(default)]
    pub consent_by: Option<String>,
    /// YYYY-MM-DD
    #[serde(default)]
    pub consent_on: Option<String>,
    #[serde(default)]
    pub consent_scope: Option<String>,
}

impl AskConsultation {
    pub fn from_form(f: &Fields) -> AskConsultation {
        AskConsultation {
            referrer: form_opt(f, "referrer"),
            referrer_name: form_opt(f, "referrer_name"),
            municipality_code: form_opt(f, "municipality_code"),
            requested_on: form_opt(f, "requested_on"),
            kind: f.get("kind").into(),
            reason: f.get("reason").into(),
            question: f.get("question").into(),
            anonymised_question: f.get("anonymised_question").into(),
            consent: f.has("consent", "1"),
            consent_by: form_opt(f, "consent_by"),
            consent_on: form_opt(f, "consent_on"),
            consent_scope: form_opt(f, "consent_scope"),
        }
    }

    /// The request as both ways in read it; from a case, the case and its municipality
    /// are given and the referrer is the CJG.
    fn parse(
        &self,
        case_id: Option<String>,
        municipality: Option<String>,
        referrer: Option<Referrer>,
    ) -> Result<NewConsultation, Vec<Problem>> {
        let mut errors = Vec::new();
        let referrer = referrer.or_else(|| {
            code(
                &mut errors,
                "referrer",
                text(&self.referrer),
                Referrer::parse,
            )
        });
        if referrer == Some(Referrer::Cjg) && case_id.is_none() {
            errors.push(Problem::new(
                "referrer",
                "Het CJG vraagt consultatie aan vanuit een casus.",
                "The CJG asks for consultation from a case.",
            ));
        }
        let municipality_code =
            municipality.unwrap_or_else(|| text(&self.municipality_code).trim().to_owned());
        if municipality_code.is_empty() {
            errors.push(choose("municipality_code"));
        }
        let referrer_name =
            optional_text(&mut errors, "referrer_name", text(&self.referrer_name), 200)
                .unwrap_or_default();
        let requested_on = date_or_today(&mut errors, "requested_on", text(&self.requested_on));
        let kind = code(&mut errors, "kind", &self.kind, RequestKind::parse);
        let reason = code(&mut errors, "reason", &self.reason, AskReason::parse);
        let question = required_text(&mut errors, "question", &self.question, 4000);
        let anonymised_question = required_text(
            &mut errors,
            "anonymised_question",
            &self.anonymised_question,
            2000,
        );
        let consent = if self.consent {
            let by = required_text(&mut errors, "consent_by", text(&self.consent_by), 200);
            let on = required_date(&mut errors, "consent_on", text(&self.consent_on));
            let scope = required_text(
                &mut errors,
                "consent_scope",
                text(&self.consent_scope),
                1000,
            );
            on.map(|on| (by, on, scope))
        } else {
            None
        };
        match (referrer, requested_on, kind, reason) {
            (Some(referrer), Some(requested_on), Some(kind), Some(reason)) if errors.is_empty() => {
                Ok(NewConsultation {
                    case_id,
                    municipality_code,
                    referrer,
                    referrer_name,
                    requested_on,
                    kind,
                    reason,
                    question,
                    anonymised_question,
                    consent,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The CJG asks its treatment team for consultation on a case it holds.
pub async fn ask_from_case(
    store: &Store,
    caller: &Caller,
    case_id: &str,
    c: &AskConsultation,
) -> Result<String, Error> {
    let grant = case_access::run(store, caller, case_id).await?;
    let case = grant.case();
    let input = c
        .parse(
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
pub async fn ask_from_referrer(
    store: &Store,
    caller: &Caller,
    c: &AskConsultation,
) -> Result<String, Error> {
    let input = c.parse(None, None, None).map_err(Error::Invalid)?;
    // Only into a team the user belongs to.
    let mut conn = store.acquire().await?;
    let team = store_lbt::team_for_municipality(&mut conn, &input.municipality_code).await?;
    drop(conn);
    own_team(store, caller, &team).await?;
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
            let mut conn = store.acquire().await?;
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
    let mut conn = store.acquire().await?;
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

// ---------------------------------------------------------------- the team's work

/// The intake: the contra-indication screen, then decline (with advice on where to go
/// instead) or pick up with members.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = IntakeBody)]
pub struct Intake {
    pub version: Option<i64>,
    /// YYYY-MM-DD; today when empty.
    #[serde(default)]
    pub on: Option<String>,
    /// The contra-indication found, if any (then the team declines).
    #[serde(default)]
    pub contra_indication: Option<String>,
    /// Where to go instead (required when declining).
    #[serde(default)]
    pub decline_advice: Option<String>,
    /// The team members (user ids) who take the request up.
    #[serde(default)]
    pub members: Vec<String>,
}

impl Intake {
    pub fn from_form(f: &Fields) -> Intake {
        Intake {
            version: form_version(f),
            on: form_opt(f, "on"),
            contra_indication: form_opt(f, "contra_indication"),
            decline_advice: form_opt(f, "decline_advice"),
            members: f.all("members"),
        }
    }
}

pub async fn intake(store: &Store, caller: &Caller, id: &str, c: &Intake) -> Result<(), Error> {
    team_request(store, caller, id).await?;
    let version = version_required(c.version)?;
    let mut errors = Vec::new();
    let on = date_or_today(&mut errors, "on", text(&c.on));
    let contra = optional_code(
        &mut errors,
        "contra_indication",
        text(&c.contra_indication),
        ContraIndication::parse,
    );
    let advice = optional_text(&mut errors, "decline_advice", text(&c.decline_advice), 2000)
        .unwrap_or_default();
    let members: Vec<String> = c
        .members
        .iter()
        .map(|m| m.trim().to_owned())
        .filter(|m| !m.is_empty())
        .collect();
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
        &members,
        on,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Advice given, an MDO or a session, with notes shared with the case's professionals.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = ActivityBody)]
pub struct AddActivity {
    /// advice, mdo, psycho_education, system_conversation or diagnostics.
    pub kind: String,
    /// YYYY-MM-DD
    pub on: String,
    /// home or office (sessions).
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub attendees: Option<String>,
    /// Notes shared with the case's professionals.
    #[serde(default)]
    pub notes: Option<String>,
}

impl AddActivity {
    pub fn from_form(f: &Fields) -> AddActivity {
        AddActivity {
            kind: f.get("kind").into(),
            on: f.get("on").into(),
            place: form_opt(f, "place"),
            attendees: form_opt(f, "attendees"),
            notes: form_opt(f, "notes"),
        }
    }
}

pub async fn add_activity(
    store: &Store,
    caller: &Caller,
    id: &str,
    c: &AddActivity,
) -> Result<(), Error> {
    team_request(store, caller, id).await?;
    let mut errors = Vec::new();
    let kind = code(&mut errors, "kind", &c.kind, ActivityKind::parse);
    let on = required_date(&mut errors, "on", &c.on);
    not_in_future(&mut errors, "on", on);
    let place = optional_code(&mut errors, "place", text(&c.place), Place::parse);
    let attendees =
        optional_text(&mut errors, "attendees", text(&c.attendees), 1000).unwrap_or_default();
    let notes = optional_text(&mut errors, "notes", text(&c.notes), 4000).unwrap_or_default();
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

/// Closes a request with its outcome.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = CloseBody)]
pub struct CloseConsultation {
    pub version: Option<i64>,
    /// advice or consultation_treatment.
    pub outcome: String,
    /// The provider referred on to, if any.
    #[serde(default)]
    pub referred_to: Option<String>,
    /// YYYY-MM-DD; today when empty.
    #[serde(default)]
    pub closed_on: Option<String>,
}

impl CloseConsultation {
    pub fn from_form(f: &Fields) -> CloseConsultation {
        CloseConsultation {
            version: form_version(f),
            outcome: f.get("outcome").into(),
            referred_to: form_opt(f, "referred_to"),
            closed_on: form_opt(f, "closed_on"),
        }
    }
}

pub async fn close(
    store: &Store,
    caller: &Caller,
    id: &str,
    c: &CloseConsultation,
) -> Result<(), Error> {
    team_request(store, caller, id).await?;
    let version = version_required(c.version)?;
    let mut errors = Vec::new();
    let outcome = code(&mut errors, "outcome", &c.outcome, Outcome::parse);
    let on = date_or_today(&mut errors, "closed_on", text(&c.closed_on));
    let referred =
        optional_text(&mut errors, "referred_to", text(&c.referred_to), 200).unwrap_or_default();
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
        (!referred.is_empty()).then_some(referred.as_str()),
        on,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- members and hours

/// The coordinator adds a member to the team for a period.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = MemberBody)]
pub struct AddMember {
    pub user_id: String,
    /// psychologist, orthopedagogue, system therapist, ...
    pub discipline: String,
    /// Expertise tags, e.g. "trauma, LVB".
    #[serde(default)]
    pub expertise: Option<String>,
    /// Hours per week, e.g. "8" or "10,5".
    pub committed_hours: String,
    /// YYYY-MM-DD
    pub valid_from: String,
    /// YYYY-MM-DD
    #[serde(default)]
    pub valid_to: Option<String>,
}

impl AddMember {
    pub fn from_form(f: &Fields) -> AddMember {
        AddMember {
            user_id: f.get("user_id").into(),
            discipline: f.get("discipline").into(),
            expertise: form_opt(f, "expertise"),
            committed_hours: f.get("committed_hours").into(),
            valid_from: f.get("valid_from").into(),
            valid_to: form_opt(f, "valid_to"),
        }
    }
}

/// Adds the member to a team the caller coordinates; answers the membership's id.
pub async fn add_member(
    store: &Store,
    caller: &Caller,
    team_id: &str,
    c: &AddMember,
) -> Result<String, Error> {
    own_team(store, caller, team_id).await?;
    let mut errors = Vec::new();
    let user_id = c.user_id.trim().to_owned();
    if user_id.is_empty() {
        errors.push(choose("user_id"));
    } else if user_id == caller.user_id() {
        // Separation of duties: whoever coordinates does not make themselves a member.
        errors.push(Problem::new(
            "user_id",
            "U kunt uzelf niet aan het team toevoegen; een andere coördinator of de beheerder doet dat.",
            "You cannot add yourself to the team; another coordinator or the administrator does.",
        ));
    }
    let discipline = required_text(&mut errors, "discipline", &c.discipline, 100);
    let expertise =
        optional_text(&mut errors, "expertise", text(&c.expertise), 500).unwrap_or_default();
    let committed = match parse_hours("committed_hours", &c.committed_hours) {
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
    let (from, to) = validity(&mut errors, &c.valid_from, text(&c.valid_to));
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

/// A member registers hours in the team.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = HoursBody)]
pub struct RegisterHours {
    /// YYYY-MM-DD
    pub on: String,
    /// Hours in quarters, e.g. "1,5".
    pub hours: String,
    /// consultation, mdo, treatment, coordination or travel.
    pub activity: String,
    /// The request the hours were spent on, if any.
    #[serde(default)]
    pub request_id: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

impl RegisterHours {
    pub fn from_form(f: &Fields) -> RegisterHours {
        RegisterHours {
            on: f.get("on").into(),
            hours: f.get("hours").into(),
            activity: f.get("activity").into(),
            request_id: form_opt(f, "request_id"),
            note: form_opt(f, "note"),
        }
    }
}

/// Registers the hours in a team the caller belongs to; answers the entry's id.
pub async fn register_hours(
    store: &Store,
    caller: &Caller,
    team_id: &str,
    c: &RegisterHours,
) -> Result<String, Error> {
    own_team(store, caller, team_id).await?;
    let mut errors = Vec::new();
    let on = required_date(&mut errors, "on", &c.on);
    let minutes = parse_hours("hours", &c.hours)
        .map_err(|e| errors.push(e.into()))
        .ok();
    let activity = code(&mut errors, "activity", &c.activity, HourActivity::parse);
    let request_id = text(&c.request_id).trim();
    let note = optional_text(&mut errors, "note", text(&c.note), 500).unwrap_or_default();
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

/// The coordinator approves registered hours of a team they belong to; only approved
/// hours are declared.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = ApprovalBody)]
pub struct ApproveHours {
    /// The ids of the hours entries to approve (entries of this team not yet approved).
    #[serde(default)]
    pub ids: Vec<String>,
}

impl ApproveHours {
    /// From the hours page: the ticked `entry` boxes.
    pub fn from_form(f: &Fields) -> ApproveHours {
        ApproveHours {
            ids: f.all("entry"),
        }
    }
}

/// Approves the entries; answers how many were approved now (approved ones stay as
/// they are, and so do the caller's own: another coordinator approves those).
pub async fn approve_hours(
    store: &Store,
    caller: &Caller,
    team_id: &str,
    c: &ApproveHours,
) -> Result<u64, Error> {
    own_team(store, caller, team_id).await?;
    let ids: Vec<String> = c
        .ids
        .iter()
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
        .collect();
    if ids.is_empty() {
        return Err(Error::invalid(Problem::new(
            "ids",
            "Kies de uren die u goedkeurt.",
            "Choose the hours to approve.",
        )));
    }
    if ids.len() > 1000 {
        return Err(Error::invalid(Problem::new(
            "ids",
            "Keur hoogstens 1000 regels tegelijk goed.",
            "Approve at most 1000 entries at a time.",
        )));
    }
    let mut tx = store.begin().await?;
    let approved =
        store_lbt::approve_hours(&mut tx, &caller.actor(), caller.user_id(), team_id, &ids).await?;
    tx.commit().await?;
    Ok(approved)
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
