//! Access to specialised care (domain brief, sections 3.2 and 3.3): the access request
//! with support plan parts 1 and 2, its steps with four eyes, the decision and its
//! changes, time spent, evaluations, the provider's part, and the cost figures' scope.
//!
//! A request, decision or evaluation is reached through its case's grant (to read; the
//! holding team to write), except for the provider, who reaches only what is addressed
//! to its own organisation, in the provider's view.

use crate::case_access;
use crate::input::{
    Fields, Whole, choose, has_error, not_in_future, optional_date, optional_text, required_date,
    required_text, today,
};
use crate::input::{form_version, version_required};
use crate::{Caller, Error, Problem, Result};
use eenplan_domain::AgbCode;
use eenplan_domain::access::{
    EndReason, EvaluationOutcome, Frequency, Funding, ReferrerType, RequestStatus, RequestStep,
    ResultScore, Unit, parse_euros,
};
use eenplan_domain::{Permission, Role, policy};
use eenplan_store::Store;
use eenplan_store::access::{
    self as store_access, AccessRequest, Decision, DecisionChange, EffortInput, RequestInput,
    ResultInput,
};
use eenplan_store::audit::{self, Action, Event};
use eenplan_store::grant::{Basis, CaseGrant};
use eenplan_store::monitoring::{self, EvaluationInput};
use eenplan_store::plans;
use serde::Deserialize;
use utoipa::ToSchema;

pub async fn load_request(store: &Store, id: &str) -> Result<AccessRequest, Error> {
    let mut conn = store
        .pool()
        .acquire()
        .await
        .map_err(eenplan_store::Error::from)?;
    Ok(store_access::request(&mut conn, id).await?)
}

pub async fn load_decision(store: &Store, id: &str) -> Result<Decision, Error> {
    let mut conn = store
        .pool()
        .acquire()
        .await
        .map_err(eenplan_store::Error::from)?;
    Ok(store_access::decision(&mut conn, id).await?)
}

/// Whether a user who may open the case sees its requests and decisions in full: the
/// holding team and the CJG's professionals do; a provider's staff reach what is
/// addressed to their organisation only through the provider's view
/// ([`request_for_provider`]); anyone else involved in the case (a treatment-team
/// member, a chain partner) does not.
pub fn sees_access_object(caller: &Caller, grant: &CaseGrant) -> bool {
    grant.may_run() || matches!(caller.principal.role, Role::FamilyWorker | Role::Reviewer)
}

/// Opens a request, decision, letter or evaluation through its case: 403 (audited) for
/// whoever may not see it (see [`sees_access_object`]); the read is audited with the
/// family's clients, flagged when the glass was broken.
pub async fn open_access_object(
    store: &Store,
    caller: &Caller,
    case_id: &str,
    family_id: &str,
    what: &str,
    object: (&str, &str),
) -> Result<CaseGrant, Error> {
    let grant = case_access::open(store, caller, case_id).await?;
    if !sees_access_object(caller, &grant) {
        eenplan_store::cases::record_refusal(store, &caller.actor(), case_id).await?;
        return Err(Error::Forbidden);
    }
    store_access::record_read(
        store,
        &caller.actor(),
        family_id,
        what,
        object,
        grant.basis() == Basis::BreakGlass,
    )
    .await?;
    Ok(grant)
}

/// A request opened through its case (see [`open_access_object`]).
pub async fn open_request(
    store: &Store,
    caller: &Caller,
    id: &str,
) -> Result<AccessRequest, Error> {
    let r = load_request(store, id).await?;
    open_access_object(
        store,
        caller,
        &r.case_id,
        &r.family_id,
        "access.request.read",
        ("access_request", id),
    )
    .await?;
    Ok(r)
}

/// A decision opened through its case (see [`open_access_object`]).
pub async fn open_decision(store: &Store, caller: &Caller, id: &str) -> Result<Decision, Error> {
    let d = load_decision(store, id).await?;
    open_access_object(
        store,
        caller,
        &d.case_id,
        &d.family_id,
        "decision.read",
        ("decision", id),
    )
    .await?;
    Ok(d)
}

/// Whether a request has been sent on to its provider (a draft or a request withdrawn
/// before that is the CJG's alone).
pub fn reached_provider(status: RequestStatus) -> bool {
    !matches!(status, RequestStatus::Draft | RequestStatus::Withdrawn)
}

/// Refuses (403, audited) what is not addressed to the provider user's organisation.
pub async fn own_provider(
    store: &Store,
    caller: &Caller,
    provider_id: Option<&str>,
    object: (&str, &str),
) -> Result<(), Error> {
    if provider_id == Some(caller.principal.organisation_id.as_str()) {
        return Ok(());
    }
    Err(crate::refuse(store, caller, "provider.refused", object).await)
}

/// At most this many results per request (a request is about one youth's care).
pub const MAX_RESULTS: usize = 5;

fn parse_int(errors: &mut Vec<Problem>, field: &str, s: &str, max: i64) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match s.parse::<i64>() {
        Ok(v) if (1..=max).contains(&v) => Some(v),
        _ => {
            errors.push(Problem::new(
                field,
                &format!("Vul een heel getal van 1 tot {max} in."),
                &format!("Enter a whole number from 1 to {max}."),
            ));
            None
        }
    }
}

fn parse_code<T>(
    errors: &mut Vec<Problem>,
    field: &str,
    s: &str,
    p: fn(&str) -> Option<T>,
) -> Option<T> {
    if s.trim().is_empty() {
        return None;
    }
    let v = p(s.trim());
    if v.is_none() {
        errors.push(choose(field));
    }
    v
}

fn text(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

/// A form's optional field: `None` when empty.
fn form_opt(f: &Fields, name: &str) -> Option<String> {
    let v = f.get(name);
    (!v.trim().is_empty()).then(|| v.to_owned())
}

/// Support plan part 2 as given, before it is read: every field optional.
struct EffortText<'a> {
    volume: &'a str,
    unit: &'a str,
    frequency: &'a str,
    start_on: &'a str,
    end_on: &'a str,
    pgb_amount: &'a str,
}

/// Part 2 as typed: every field optional, each checked on its own; the completeness
/// rules are the store's (a draft may be incomplete).
fn parse_effort(e: EffortText, errors: &mut Vec<Problem>) -> EffortInput {
    let volume = parse_int(
        errors,
        "volume",
        e.volume,
        eenplan_domain::access::MAX_VOLUME,
    );
    let unit = parse_code(errors, "unit", e.unit, Unit::parse);
    if volume.is_some() && unit.is_none() && !has_error(errors, "unit") {
        errors.push(Problem::new(
            "unit",
            "Een volume heeft een eenheid; kies de eenheid.",
            "A volume needs a unit; choose the unit.",
        ));
    }
    let frequency = parse_code(errors, "frequency", e.frequency, Frequency::parse);
    let start_on = optional_date(errors, "start_on", e.start_on);
    let end_on = optional_date(errors, "end_on", e.end_on);
    if let Err(e) = eenplan_domain::DateRange::check("end_on", start_on, end_on) {
        errors.push(e.into());
    }
    let pgb_cents = match e.pgb_amount.trim() {
        "" => None,
        s => match parse_euros("pgb_amount", s) {
            Ok(0) => {
                errors.push(Problem::new(
                    "pgb_amount",
                    "Het bedrag is groter dan nul.",
                    "The amount is more than zero.",
                ));
                None
            }
            Ok(c) => Some(c),
            Err(e) => {
                errors.push(e.into());
                None
            }
        },
    };
    EffortInput {
        volume,
        unit,
        frequency,
        start_on,
        end_on,
        pgb_cents,
    }
}

// ---------------------------------------------------------------- the request

/// One result the care must reach, in the family's words.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = ResultBody)]
pub struct ResultText {
    /// In the family's words.
    pub text: String,
    /// The id of the family plan's goal this result serves.
    #[serde(default)]
    pub goal_id: Option<String>,
}

/// Write an access request (a new draft, or a draft or sent-back request changed):
/// support plan part 1 and, where the CJG records it, part 2.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = RequestBody)]
pub struct WriteRequest {
    /// Required when changing a request.
    pub version: Option<i64>,
    pub youth_id: String,
    /// cjg (default), or a legal referrer of COD327: 02 GP, 03 youth doctor, 04 GI,
    /// 05 medical specialist.
    #[serde(default)]
    pub referrer_type: Option<String>,
    /// The referrer's AGB code (8 digits) when not cjg.
    #[serde(default)]
    pub referrer_code: Option<String>,
    pub reason: String,
    pub product_id: String,
    /// zin or pgb.
    pub funding: String,
    /// The contracted provider (zin only).
    #[serde(default)]
    pub provider_id: Option<String>,
    pub results: Vec<ResultText>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub volume: Whole,
    /// WJ756 code, e.g. 04 (hour).
    #[serde(default)]
    pub unit: Option<String>,
    /// WMO757 code: 1 per day, 2 per week, 4 per month, 6 total.
    #[serde(default)]
    pub frequency: Option<String>,
    /// YYYY-MM-DD
    #[serde(default)]
    pub start_on: Option<String>,
    /// YYYY-MM-DD
    #[serde(default)]
    pub end_on: Option<String>,
    /// Euros, e.g. "1250,00" (pgb only).
    #[serde(default)]
    pub pgb_amount: Option<String>,
}

impl WriteRequest {
    /// From the request form: results as `result.N` with `result.N.goal`.
    pub fn from_form(f: &Fields) -> WriteRequest {
        WriteRequest {
            version: form_version(f),
            youth_id: f.get("youth_id").into(),
            referrer_type: form_opt(f, "referrer_type"),
            referrer_code: form_opt(f, "referrer_code"),
            reason: f.get("reason").into(),
            product_id: f.get("product_id").into(),
            funding: f.get("funding").into(),
            provider_id: form_opt(f, "provider_id"),
            results: (0..MAX_RESULTS)
                .map(|i| ResultText {
                    text: f.get(&format!("result.{i}")).into(),
                    goal_id: form_opt(f, &format!("result.{i}.goal")),
                })
                .collect(),
            volume: Whole::from_form(f.get("volume")),
            unit: form_opt(f, "unit"),
            frequency: form_opt(f, "frequency"),
            start_on: form_opt(f, "start_on"),
            end_on: form_opt(f, "end_on"),
            pgb_amount: form_opt(f, "pgb_amount"),
        }
    }

    fn parse(&self) -> Result<RequestInput, Vec<Problem>> {
        let mut errors = Vec::new();
        let youth_id = self.youth_id.trim().to_owned();
        if youth_id.is_empty() {
            errors.push(choose("youth_id"));
        }
        let referrer_type = match text(&self.referrer_type).trim() {
            "" => ReferrerType::Cjg,
            s => ReferrerType::parse(s).unwrap_or_else(|| {
                errors.push(choose("referrer_type"));
                ReferrerType::Cjg
            }),
        };
        let referrer_code = if referrer_type == ReferrerType::Cjg {
            None
        } else {
            match AgbCode::parse("referrer_code", text(&self.referrer_code)) {
                Ok(c) => Some(c.as_str().to_owned()),
                Err(e) => {
                    errors.push(e.into());
                    None
                }
            }
        };
        let reason = required_text(&mut errors, "reason", &self.reason, 4000);
        let product_id = self.product_id.trim().to_owned();
        if product_id.is_empty() {
            errors.push(choose("product_id"));
        }
        let funding = Funding::parse(&self.funding);
        if funding.is_none() {
            errors.push(choose("funding"));
        }
        let provider = text(&self.provider_id).trim();
        let provider_id = match (funding, provider.is_empty()) {
            (Some(Funding::InKind), true) => {
                errors.push(Problem::new(
                    "provider_id",
                    "Zorg in natura heeft een gecontracteerde aanbieder; kies de aanbieder.",
                    "In-kind care needs a contracted provider; choose the provider.",
                ));
                None
            }
            (Some(Funding::Pgb), false) => {
                errors.push(Problem::new(
                    "provider_id",
                    "Bij een PGB kiest het gezin zelf de zorg; laat de aanbieder leeg.",
                    "With a personal budget the family chooses the care itself; leave the provider empty.",
                ));
                None
            }
            (_, false) => Some(provider.to_owned()),
            _ => None,
        };
        if self.results.len() > MAX_RESULTS {
            errors.push(Problem::new(
                &format!("result.{MAX_RESULTS}"),
                &format!("Ten hoogste {MAX_RESULTS} resultaten per aanvraag."),
                &format!("At most {MAX_RESULTS} results per request."),
            ));
        }
        let mut results = Vec::new();
        for (i, r) in self.results.iter().take(MAX_RESULTS).enumerate() {
            let field = format!("result.{i}");
            if let Some(result) = optional_text(&mut errors, &field, &r.text, 1000) {
                let goal = text(&r.goal_id).trim();
                results.push(ResultInput {
                    text: result,
                    goal_id: (!goal.is_empty()).then(|| goal.to_owned()),
                });
            }
        }
        if results.is_empty() {
            errors.push(Problem::new(
                "result.0",
                "Beschrijf ten minste één resultaat dat met de zorg bereikt moet worden.",
                "Describe at least one result the care must reach.",
            ));
        }
        let effort = parse_effort(
            EffortText {
                volume: self.volume.as_str(),
                unit: text(&self.unit),
                frequency: text(&self.frequency),
                start_on: text(&self.start_on),
                end_on: text(&self.end_on),
                pgb_amount: text(&self.pgb_amount),
            },
            &mut errors,
        );
        match funding {
            Some(funding) if errors.is_empty() => Ok(RequestInput {
                youth_id,
                referrer_type,
                referrer_code,
                reason,
                product_id,
                funding,
                provider_id,
                results,
                effort,
            }),
            _ => Err(errors),
        }
    }
}

/// A new draft request for one youth on a case (the holding team); answers its id.
pub async fn create_request(
    store: &Store,
    caller: &Caller,
    case_id: &str,
    c: &WriteRequest,
) -> Result<String, Error> {
    case_access::run(store, caller, case_id).await?;
    let input = c.parse().map_err(Error::Invalid)?;
    let mut tx = store.begin().await?;
    let id = store_access::create_request(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        case_id,
        &input,
        today(),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a draft or sent-back request (the holding team).
pub async fn update_request(
    store: &Store,
    caller: &Caller,
    id: &str,
    c: &WriteRequest,
) -> Result<(), Error> {
    let r = load_request(store, id).await?;
    case_access::run(store, caller, &r.case_id).await?;
    let version = version_required(c.version)?;
    let input = c.parse().map_err(Error::Invalid)?;
    let mut tx = store.begin().await?;
    store_access::update_request(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        id,
        version,
        &input,
        today(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Move a request on: submit or withdraw (the holding team), approve or send back (a
/// reviewer of the team who did not write it).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = StepBody)]
pub struct TakeStep {
    pub version: Option<i64>,
    /// submit, withdraw (the holding team), approve or send_back (a reviewer who did not
    /// write the request).
    pub step: String,
    /// Required for send_back.
    #[serde(default)]
    pub comment: Option<String>,
}

/// The steps a person takes by name (the provider's part 2 is its own command).
const STEPS: &[(&str, RequestStep)] = &[
    ("submit", RequestStep::Submit),
    ("withdraw", RequestStep::Withdraw),
    ("approve", RequestStep::Approve),
    ("send_back", RequestStep::SendBack),
];

impl TakeStep {
    /// From the request page: each step is its own button and route.
    pub fn from_form(step: RequestStep, f: &Fields) -> TakeStep {
        TakeStep {
            version: form_version(f),
            step: STEPS
                .iter()
                .find(|(_, s)| *s == step)
                .map_or("", |(name, _)| name)
                .into(),
            comment: form_opt(f, "comment"),
        }
    }
}

/// Takes the step; answers the decision taken on approval.
pub async fn take_step(
    store: &Store,
    caller: &Caller,
    id: &str,
    c: &TakeStep,
) -> Result<Option<String>, Error> {
    let Some(&(_, step)) = STEPS.iter().find(|(name, _)| *name == c.step) else {
        return Err(Error::invalid(Problem::new(
            "step",
            "Kies submit, withdraw, approve of send_back.",
            "Choose submit, withdraw, approve or send_back.",
        )));
    };
    let r = load_request(store, id).await?;
    case_access::run(store, caller, &r.case_id).await?;
    if matches!(step, RequestStep::Approve | RequestStep::SendBack)
        && !policy::allows(caller.principal.role, Permission::ReviewAccess)
    {
        eenplan_store::cases::record_refusal(store, &caller.actor(), &r.case_id).await?;
        return Err(Error::Forbidden);
    }
    let version = version_required(c.version)?;
    let mut errors = Vec::new();
    let comment = optional_text(&mut errors, "comment", text(&c.comment), 4000).unwrap_or_default();
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut tx = store.begin().await?;
    let (_, decision) = store_access::request_step(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        id,
        version,
        step,
        &comment,
        today(),
    )
    .await?;
    tx.commit().await?;
    Ok(decision)
}

// ---------------------------------------------------------------- the decision

/// A new version of a decision (volume, frequency, end date or PGB amount) or its early
/// end (the holding team).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = ChangeBody)]
pub struct ChangeDecision {
    pub version: Option<i64>,
    /// amend (volume, frequency, end date or PGB amount) or end (early end).
    pub kind: String,
    /// Why: kept with the new version.
    pub reason: String,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub volume: Whole,
    #[serde(default)]
    pub frequency: Option<String>,
    #[serde(default)]
    pub pgb_amount: Option<String>,
    /// YYYY-MM-DD (amend)
    #[serde(default)]
    pub end_on: Option<String>,
    /// YYYY-MM-DD (amend, in kind): the change takes effect on this day; today when empty.
    #[serde(default)]
    pub effective_on: Option<String>,
    /// YYYY-MM-DD (end)
    #[serde(default)]
    pub ended_on: Option<String>,
    /// goals_reached, care_stopped, moved, other_care, other (end)
    #[serde(default)]
    pub end_reason: Option<String>,
}

impl ChangeDecision {
    /// From the decision page's change or end form (`change_reason` there: the page holds
    /// more than one form).
    pub fn from_form(f: &Fields) -> ChangeDecision {
        ChangeDecision {
            version: form_version(f),
            kind: f.get("kind").into(),
            reason: f.get("change_reason").into(),
            volume: Whole::from_form(f.get("volume")),
            frequency: form_opt(f, "frequency"),
            pgb_amount: form_opt(f, "pgb_amount"),
            end_on: form_opt(f, "end_on"),
            effective_on: form_opt(f, "effective_on"),
            ended_on: form_opt(f, "ended_on"),
            end_reason: form_opt(f, "end_reason"),
        }
    }
}

pub async fn change_decision(
    store: &Store,
    caller: &Caller,
    id: &str,
    c: &ChangeDecision,
) -> Result<(), Error> {
    let d = load_decision(store, id).await?;
    case_access::run(store, caller, &d.case_id).await?;
    let version = version_required(c.version)?;
    let mut errors = Vec::new();
    let reason = required_text(&mut errors, "reason", &c.reason, 1000);
    let change = match c.kind.as_str() {
        "end" => {
            let on = required_date(&mut errors, "ended_on", text(&c.ended_on));
            let why = EndReason::parse(text(&c.end_reason));
            if why.is_none() {
                errors.push(choose("end_reason"));
            }
            on.zip(why)
                .map(|(on, reason)| DecisionChange::End { on, reason })
        }
        "amend" | "" => {
            // The unit is the decision's: a change does not change what is counted.
            let unit = d.unit.map(|u| u.as_str()).unwrap_or_default();
            let effort = parse_effort(
                EffortText {
                    volume: c.volume.as_str(),
                    unit,
                    frequency: text(&c.frequency),
                    start_on: "",
                    end_on: "",
                    pgb_amount: text(&c.pgb_amount),
                },
                &mut errors,
            );
            let end_on = required_date(&mut errors, "end_on", text(&c.end_on));
            let from = optional_date(&mut errors, "effective_on", text(&c.effective_on));
            end_on.map(|end_on| DecisionChange::Amend {
                volume: effort.volume,
                frequency: effort.frequency,
                pgb_cents: effort.pgb_cents,
                end_on,
                from,
            })
        }
        _ => {
            errors.push(choose("kind"));
            None
        }
    };
    match change {
        Some(change) if errors.is_empty() => {
            let mut tx = store.begin().await?;
            store_access::change_decision(
                &mut tx,
                &caller.actor(),
                caller.user_id(),
                id,
                version,
                &change,
                &reason,
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        _ => Err(Error::Invalid(errors)),
    }
}

/// Time spent on monitoring a decision (a call, a visit) outside an evaluation.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = TimeBody)]
pub struct SpendTime {
    /// YYYY-MM-DD
    pub on: String,
    #[schema(value_type = i64)]
    pub minutes: Whole,
    #[serde(default)]
    pub note: Option<String>,
}

impl SpendTime {
    /// From the decision page's time form (`time_on`, `time_note` there).
    pub fn from_form(f: &Fields) -> SpendTime {
        SpendTime {
            on: f.get("time_on").into(),
            minutes: Whole::from_form(f.get("minutes")),
            note: form_opt(f, "time_note"),
        }
    }
}

pub async fn spend_time(
    store: &Store,
    caller: &Caller,
    id: &str,
    c: &SpendTime,
) -> Result<(), Error> {
    let d = load_decision(store, id).await?;
    case_access::run(store, caller, &d.case_id).await?;
    let mut errors = Vec::new();
    let on = required_date(&mut errors, "on", &c.on);
    not_in_future(&mut errors, "on", on);
    let minutes = parse_int(&mut errors, "minutes", c.minutes.as_str(), 1440);
    if minutes.is_none() && !has_error(&errors, "minutes") {
        errors.push(Problem::new(
            "minutes",
            "Vul het aantal minuten in.",
            "Enter the number of minutes.",
        ));
    }
    let note = optional_text(&mut errors, "note", text(&c.note), 500).unwrap_or_default();
    match (on, minutes) {
        (Some(on), Some(minutes)) if errors.is_empty() => {
            let mut tx = store.begin().await?;
            monitoring::add_time(
                &mut tx,
                &caller.actor(),
                caller.user_id(),
                id,
                on,
                minutes,
                &note,
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        _ => Err(Error::Invalid(errors)),
    }
}

/// An evaluation held with the family: its view, the outcome, and a score per result of
/// the request.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = EvaluationBody)]
pub struct RecordEvaluation {
    pub version: Option<i64>,
    /// YYYY-MM-DD
    pub done_on: String,
    pub family_view: String,
    /// continue, scale_down, scale_up or end.
    pub outcome: String,
    /// One score per result of the request, in the request's order: reached, partly or
    /// not_reached.
    pub scores: Vec<String>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub minutes: Whole,
}

impl RecordEvaluation {
    /// From the evaluation form: scores as `score.N`.
    pub fn from_form(f: &Fields) -> RecordEvaluation {
        RecordEvaluation {
            version: form_version(f),
            done_on: f.get("done_on").into(),
            family_view: f.get("family_view").into(),
            outcome: f.get("outcome").into(),
            scores: (0..MAX_RESULTS)
                .map(|i| f.get(&format!("score.{i}")).to_owned())
                .collect(),
            minutes: Whole::from_form(f.get("minutes")),
        }
    }
}

pub async fn record_evaluation(
    store: &Store,
    caller: &Caller,
    decision_id: &str,
    evaluation_id: &str,
    c: &RecordEvaluation,
) -> Result<(), Error> {
    let d = load_decision(store, decision_id).await?;
    case_access::run(store, caller, &d.case_id).await?;
    let version = version_required(c.version)?;
    let mut errors = Vec::new();
    let done_on = required_date(&mut errors, "done_on", &c.done_on);
    not_in_future(&mut errors, "done_on", done_on);
    let family_view = required_text(&mut errors, "family_view", &c.family_view, 4000);
    let outcome = EvaluationOutcome::parse(&c.outcome);
    if outcome.is_none() {
        errors.push(choose("outcome"));
    }
    let minutes = parse_int(&mut errors, "minutes", c.minutes.as_str(), 1440);
    let request = load_request(store, &d.request_id).await?;
    let mut scores = Vec::new();
    for (i, r) in request.results.iter().enumerate() {
        match c.scores.get(i).and_then(|s| ResultScore::parse(s)) {
            Some(s) => scores.push((r.id.clone(), s)),
            None => errors.push(Problem::new(
                &format!("score.{i}"),
                "Geef aan of dit resultaat bereikt is.",
                "Say whether this result was reached.",
            )),
        }
    }
    match (done_on, outcome) {
        (Some(done_on), Some(outcome)) if errors.is_empty() => {
            let mut tx = store.begin().await?;
            monitoring::record_evaluation(
                &mut tx,
                &caller.actor(),
                caller.user_id(),
                decision_id,
                evaluation_id,
                version,
                &EvaluationInput {
                    done_on,
                    family_view,
                    outcome,
                    scores,
                    minutes,
                },
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        _ => Err(Error::Invalid(errors)),
    }
}

// ---------------------------------------------------------------- the provider's part

/// Support plan part 2 by the provider after its intake (variant 2018).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = EffortBody)]
pub struct ProviderEffort {
    pub version: Option<i64>,
    /// YYYY-MM-DD
    pub intake_on: String,
    #[schema(value_type = i64)]
    pub volume: Whole,
    /// WJ756 code
    pub unit: String,
    /// WMO757 code
    pub frequency: String,
    /// YYYY-MM-DD
    pub start_on: String,
    /// YYYY-MM-DD
    pub end_on: String,
}

impl ProviderEffort {
    pub fn from_form(f: &Fields) -> ProviderEffort {
        ProviderEffort {
            version: form_version(f),
            intake_on: f.get("intake_on").into(),
            volume: Whole::from_form(f.get("volume")),
            unit: f.get("unit").into(),
            frequency: f.get("frequency").into(),
            start_on: f.get("start_on").into(),
            end_on: f.get("end_on").into(),
        }
    }
}

/// Records part 2 on a request addressed to the caller's own organisation.
pub async fn provider_effort(
    store: &Store,
    caller: &Caller,
    id: &str,
    c: &ProviderEffort,
) -> Result<(), Error> {
    let r = load_request(store, id).await?;
    own_provider(
        store,
        caller,
        r.provider_id
            .as_deref()
            .filter(|_| reached_provider(r.status)),
        ("access_request", id),
    )
    .await?;
    let version = version_required(c.version)?;
    let mut errors = Vec::new();
    let intake = required_date(&mut errors, "intake_on", &c.intake_on);
    not_in_future(&mut errors, "intake_on", intake);
    let effort = parse_effort(
        EffortText {
            volume: c.volume.as_str(),
            unit: &c.unit,
            frequency: &c.frequency,
            start_on: &c.start_on,
            end_on: &c.end_on,
            pgb_amount: "",
        },
        &mut errors,
    );
    let effort = if errors.is_empty() {
        effort
            .effort()
            .map_err(|e| e.into_iter().map(Problem::from).collect::<Vec<_>>())
    } else {
        Err(errors)
    };
    match (effort, intake) {
        (Ok(effort), Some(intake)) => {
            let mut tx = store.begin().await?;
            store_access::record_provider_effort(
                &mut tx,
                &caller.actor(),
                caller.user_id(),
                id,
                version,
                &effort,
                intake,
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        (Err(errors), _) => Err(Error::Invalid(errors)),
        (Ok(_), None) => Err(Error::invalid(Problem::new(
            "intake_on",
            "Vul een datum in.",
            "Enter a date.",
        ))),
    }
}

/// The actual start and end of the care, reported by the provider.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = CareBody)]
pub struct ReportCare {
    pub version: Option<i64>,
    /// YYYY-MM-DD
    #[serde(default)]
    pub actual_start_on: Option<String>,
    /// YYYY-MM-DD
    #[serde(default)]
    pub actual_end_on: Option<String>,
}

impl ReportCare {
    pub fn from_form(f: &Fields) -> ReportCare {
        ReportCare {
            version: form_version(f),
            actual_start_on: form_opt(f, "actual_start_on"),
            actual_end_on: form_opt(f, "actual_end_on"),
        }
    }
}

/// Reports the care's start and end on a decision for the caller's own organisation.
pub async fn report_care(
    store: &Store,
    caller: &Caller,
    id: &str,
    c: &ReportCare,
) -> Result<(), Error> {
    let d = load_decision(store, id).await?;
    own_provider(store, caller, d.provider_id.as_deref(), ("decision", id)).await?;
    let version = version_required(c.version)?;
    let mut errors = Vec::new();
    let start = optional_date(&mut errors, "actual_start_on", text(&c.actual_start_on));
    let end = optional_date(&mut errors, "actual_end_on", text(&c.actual_end_on));
    not_in_future(&mut errors, "actual_start_on", start);
    not_in_future(&mut errors, "actual_end_on", end);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut tx = store.begin().await?;
    store_access::report_care(&mut tx, &caller.actor(), id, version, start, end).await?;
    tx.commit().await?;
    Ok(())
}

/// The goals of the family's current plan, for linking a request's results to them.
pub async fn plan_goals(store: &Store, grant: &CaseGrant) -> Result<Vec<(String, String)>, Error> {
    let state = plans::state(store, grant).await?;
    if state.current_version == 0 {
        return Ok(Vec::new());
    }
    Ok(plans::version(store, grant, state.current_version)
        .await?
        .content
        .goals
        .into_iter()
        .map(|g| (g.id, g.text))
        .collect())
}

/// Decisions that ended longer ago than this drop off the provider's view.
pub const PROVIDER_WINDOW_DAYS: i64 = 90;

/// What is addressed to the user's own organisation: the open requests and a page of the
/// decisions still running (or ended within 90 days), with their total. Audited as a read
/// of the listed youths.
pub async fn assignments(
    store: &Store,
    caller: &Caller,
    page: i64,
) -> Result<(Vec<AccessRequest>, Vec<Decision>, i64), Error> {
    let org = &caller.principal.organisation_id;
    let requests = store_access::provider_requests(store, org).await?;
    let since = today() - chrono::Duration::days(PROVIDER_WINDOW_DAYS);
    let (decisions, total) = store_access::provider_decisions(store, org, since, page).await?;
    audit::record(
        store,
        &caller.actor(),
        &Event::new("provider.list", Action::Read)
            .object("organisation", org)
            .clients(
                requests
                    .iter()
                    .map(|r| r.youth_id.clone())
                    .chain(decisions.iter().map(|d| d.youth_id.clone())),
            ),
    )
    .await?;
    let requests = requests
        .into_iter()
        .map(|mut r| {
            redact_for_provider(&mut r);
            r
        })
        .collect();
    let decisions = decisions
        .into_iter()
        .map(|mut d| {
            redact_decision_for_provider(&mut d);
            d
        })
        .collect();
    Ok((requests, decisions, total))
}

/// A policy officer sees the figures of their own municipality only (403 otherwise); an
/// unknown municipality is a 422.
pub async fn check_cost_municipality(
    store: &Store,
    caller: &Caller,
    code: &str,
) -> Result<(), Error> {
    let allowed = match own_municipality(store, caller).await? {
        Some(own) => own == code,
        // A policy officer outside a municipality's organisation sees no municipality.
        None => caller.principal.role != Role::PolicyOfficer,
    };
    if !allowed {
        return Err(crate::refuse(store, caller, "access.refused", ("costs", code)).await);
    }
    let known = eenplan_store::codelists::municipalities(store)
        .await?
        .iter()
        .any(|m| m.code == code);
    if known {
        Ok(())
    } else {
        Err(Error::invalid(choose("municipality")))
    }
}

/// The municipality a policy officer is restricted to (their own organisation's); `None`
/// for other roles and for a policy officer whose organisation has none.
pub async fn own_municipality(store: &Store, caller: &Caller) -> Result<Option<String>, Error> {
    if caller.principal.role != Role::PolicyOfficer {
        return Ok(None);
    }
    Ok(
        eenplan_store::costs::municipality_of_organisation(
            store,
            &caller.principal.organisation_id,
        )
        .await?,
    )
}

/// The evaluations of a decision (its schedule and what was recorded).
pub async fn evaluations(store: &Store, decision_id: &str) -> Result<Vec<monitoring::Evaluation>> {
    let mut conn = store.acquire().await?;
    Ok(monitoring::evaluations(&mut conn, decision_id).await?)
}

/// The catalogue's variants (2018/2020) by the date they took effect.
pub async fn variants(
    store: &Store,
) -> Result<Vec<(chrono::NaiveDate, eenplan_domain::access::Variant)>> {
    let mut conn = store.acquire().await?;
    Ok(eenplan_store::catalogue::variants(&mut conn).await?)
}

/// A product of the catalogue.
pub async fn product(store: &Store, id: &str) -> Result<eenplan_store::catalogue::Product> {
    let mut conn = store.acquire().await?;
    Ok(eenplan_store::catalogue::product(&mut conn, id).await?)
}

// ---------------------------------------------------------------- the provider's view

/// An access request as its provider sees it: what the assignment needs, not the CJG's
/// review comments, its authors, or the family's and case's ids.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ProviderAccessRequest)]
pub struct RequestForProvider {
    pub id: String,
    pub youth_name: String,
    pub youth_birth_date: Option<String>,
    pub municipality_code: String,
    pub variant: eenplan_domain::access::Variant,
    pub status: RequestStatus,
    pub referrer_type: ReferrerType,
    pub referrer_code: Option<String>,
    /// The question the care answers.
    pub reason: String,
    pub product_code: String,
    pub product_name: String,
    pub product_category: String,
    pub funding: Funding,
    pub effort: EffortInput,
    pub intake_on: Option<chrono::NaiveDate>,
    /// The results the care aims at.
    pub results: Vec<String>,
    pub decision_id: Option<String>,
    pub version: i64,
}

impl From<AccessRequest> for RequestForProvider {
    fn from(r: AccessRequest) -> Self {
        RequestForProvider {
            id: r.id,
            youth_name: r.youth_name,
            youth_birth_date: r.youth_birth_date,
            municipality_code: r.municipality_code,
            variant: r.variant,
            status: r.status,
            referrer_type: r.referrer_type,
            referrer_code: r.referrer_code,
            reason: r.reason,
            product_code: r.product_code,
            product_name: r.product_name,
            product_category: r.product_category,
            funding: r.funding,
            effort: r.effort,
            intake_on: r.intake_on,
            results: r.results.into_iter().map(|x| x.text).collect(),
            decision_id: r.decision_id,
            version: r.version,
        }
    }
}

/// A decision as its provider sees it: the assignment (youth, product, volume, period,
/// price) and the care reported, not who decided or the family's and case's ids.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ProviderDecision)]
pub struct DecisionForProvider {
    pub id: String,
    pub number: String,
    pub request_id: String,
    pub youth_name: String,
    pub youth_birth_date: Option<String>,
    pub youth_bsn: Option<String>,
    pub municipality_code: String,
    pub municipality_name: String,
    pub product_code: String,
    pub product_name: String,
    pub product_category: String,
    pub funding: Funding,
    pub volume: Option<i64>,
    pub unit: Option<Unit>,
    pub frequency: Option<Frequency>,
    pub start_on: chrono::NaiveDate,
    pub end_on: chrono::NaiveDate,
    pub ended_on: Option<chrono::NaiveDate>,
    pub end_reason: Option<EndReason>,
    pub unit_price_cents: Option<i64>,
    pub actual_start_on: Option<chrono::NaiveDate>,
    pub actual_end_on: Option<chrono::NaiveDate>,
    pub decided_on: chrono::NaiveDate,
    pub version: i64,
}

impl From<Decision> for DecisionForProvider {
    fn from(d: Decision) -> Self {
        DecisionForProvider {
            id: d.id,
            number: d.number,
            request_id: d.request_id,
            youth_name: d.youth_name,
            youth_birth_date: d.youth_birth_date,
            youth_bsn: d.youth_bsn,
            municipality_code: d.municipality_code,
            municipality_name: d.municipality_name,
            product_code: d.product_code,
            product_name: d.product_name,
            product_category: d.product_category,
            funding: d.funding,
            volume: d.volume,
            unit: d.unit,
            frequency: d.frequency,
            start_on: d.start_on,
            end_on: d.end_on,
            ended_on: d.ended_on,
            end_reason: d.end_reason,
            unit_price_cents: d.unit_price_cents,
            actual_start_on: d.actual_start_on,
            actual_end_on: d.actual_end_on,
            decided_on: d.decided_on,
            version: d.version,
        }
    }
}

/// Blanks in a request what the provider's pages must not show (see
/// [`RequestForProvider`]): review comments, authors, the family's and case's ids.
pub fn redact_for_provider(r: &mut AccessRequest) {
    r.reviews.clear();
    r.author_id.clear();
    r.author_name.clear();
    r.effort_by_name = None;
    r.case_id.clear();
    r.family_id.clear();
    r.youth_id.clear();
}

/// Blanks in a decision what the provider's pages must not show (see
/// [`DecisionForProvider`]).
pub fn redact_decision_for_provider(d: &mut Decision) {
    d.decided_by_name.clear();
    d.case_id.clear();
    d.family_id.clear();
    d.youth_id.clear();
}

/// A request addressed to the caller's own organisation (and sent on to it), redacted
/// for the provider (see [`redact_for_provider`]); 403, audited, for any other. The read
/// is audited with the youth.
pub async fn request_for_provider(
    store: &Store,
    caller: &Caller,
    id: &str,
) -> Result<AccessRequest> {
    let mut r = load_request(store, id).await?;
    own_provider(
        store,
        caller,
        r.provider_id
            .as_deref()
            .filter(|_| reached_provider(r.status)),
        ("access_request", id),
    )
    .await?;
    store_access::record_read(
        store,
        &caller.actor(),
        &r.family_id,
        "provider.request.read",
        ("access_request", id),
        false,
    )
    .await?;
    redact_for_provider(&mut r);
    Ok(r)
}

/// A decision addressed to the caller's own organisation, redacted for the provider (see
/// [`redact_decision_for_provider`]); 403, audited, for any other. The read is audited.
pub async fn decision_for_provider(store: &Store, caller: &Caller, id: &str) -> Result<Decision> {
    let mut d = load_decision(store, id).await?;
    own_provider(store, caller, d.provider_id.as_deref(), ("decision", id)).await?;
    store_access::record_read(
        store,
        &caller.actor(),
        &d.family_id,
        "provider.decision.read",
        ("decision", id),
        false,
    )
    .await?;
    redact_decision_for_provider(&mut d);
    Ok(d)
}
