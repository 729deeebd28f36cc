//! Access to specialised care (domain brief, sections 3.2 and 3.3): the access request
//! with support plan parts 1 and 2, its steps with four eyes, the decision and its
//! changes, time spent, evaluations, the provider's part, and the cost figures' scope.
//!
//! A request, decision or evaluation is reached through its case's grant (to read; the
//! holding team to write), except for the provider, who reaches only what is addressed
//! to its own organisation, in the provider's view.

use crate::case_access;
use crate::input::{
    Fields, choose, has_error, not_in_future, optional_date, optional_text, parse_version,
    required_date, required_text, today,
};
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

/// Part 2 as typed: every field optional, each checked on its own; the completeness
/// rules are the store's (a draft may be incomplete).
pub fn parse_effort(f: &Fields, errors: &mut Vec<Problem>) -> EffortInput {
    let volume = parse_int(
        errors,
        "volume",
        f.get("volume"),
        eenplan_domain::access::MAX_VOLUME,
    );
    let unit = parse_code(errors, "unit", f.get("unit"), Unit::parse);
    if volume.is_some() && unit.is_none() && !has_error(errors, "unit") {
        errors.push(Problem::new(
            "unit",
            "Een volume heeft een eenheid; kies de eenheid.",
            "A volume needs a unit; choose the unit.",
        ));
    }
    let frequency = parse_code(errors, "frequency", f.get("frequency"), Frequency::parse);
    let start_on = optional_date(errors, "start_on", f.get("start_on"));
    let end_on = optional_date(errors, "end_on", f.get("end_on"));
    if let Err(e) = eenplan_domain::DateRange::check("end_on", start_on, end_on) {
        errors.push(e.into());
    }
    let pgb_cents = match f.get("pgb_amount").trim() {
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

pub fn parse_request(f: &Fields) -> Result<RequestInput, Vec<Problem>> {
    let mut errors = Vec::new();
    let youth_id = f.get("youth_id").trim().to_owned();
    if youth_id.is_empty() {
        errors.push(choose("youth_id"));
    }
    let referrer_type = match f.get("referrer_type").trim() {
        "" => ReferrerType::Cjg,
        s => ReferrerType::parse(s).unwrap_or_else(|| {
            errors.push(choose("referrer_type"));
            ReferrerType::Cjg
        }),
    };
    let referrer_code = if referrer_type == ReferrerType::Cjg {
        None
    } else {
        match AgbCode::parse("referrer_code", f.get("referrer_code")) {
            Ok(c) => Some(c.as_str().to_owned()),
            Err(e) => {
                errors.push(e.into());
                None
            }
        }
    };
    let reason = required_text(&mut errors, "reason", f.get("reason"), 4000);
    let product_id = f.get("product_id").trim().to_owned();
    if product_id.is_empty() {
        errors.push(choose("product_id"));
    }
    let funding = Funding::parse(f.get("funding"));
    if funding.is_none() {
        errors.push(choose("funding"));
    }
    let provider = f.get("provider_id").trim();
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
    let mut results = Vec::new();
    for i in 0..MAX_RESULTS {
        let field = format!("result.{i}");
        if let Some(text) = optional_text(&mut errors, &field, f.get(&field), 1000) {
            let goal = f.get(&format!("result.{i}.goal")).trim();
            results.push(ResultInput {
                text,
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
    let effort = parse_effort(f, &mut errors);
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

pub async fn create_request_action(
    store: &Store,
    caller: &Caller,
    case_id: &str,
    f: &Fields,
) -> Result<String, Error> {
    case_access::run(store, &caller.clone(), case_id).await?;
    let input = parse_request(f).map_err(Error::Invalid)?;
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

pub async fn update_request_action(
    store: &Store,
    caller: &Caller,
    id: &str,
    f: &Fields,
) -> Result<(), Error> {
    let r = load_request(store, id).await?;
    case_access::run(store, &caller.clone(), &r.case_id).await?;
    let version =
        parse_version("version", f.get("version")).map_err(|p| Error::Invalid(vec![p]))?;
    let input = parse_request(f).map_err(Error::Invalid)?;
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

pub async fn change_decision_action(
    store: &Store,
    caller: &Caller,
    id: &str,
    f: &Fields,
) -> Result<(), Error> {
    let d = load_decision(store, id).await?;
    case_access::run(store, &caller.clone(), &d.case_id).await?;
    let mut errors = Vec::new();
    let version =
        parse_version("version", f.get("version")).map_err(|p| Error::Invalid(vec![p]))?;
    let reason = required_text(&mut errors, "change_reason", f.get("change_reason"), 1000);
    let change = if f.get("kind") == "end" {
        let on = required_date(&mut errors, "ended_on", f.get("ended_on"));
        let why = EndReason::parse(f.get("end_reason"));
        if why.is_none() {
            errors.push(choose("end_reason"));
        }
        on.zip(why)
            .map(|(on, reason)| DecisionChange::End { on, reason })
    } else {
        let effort = parse_effort(f, &mut errors);
        let end_on = required_date(&mut errors, "end_on", f.get("end_on"));
        let from = optional_date(&mut errors, "effective_on", f.get("effective_on"));
        end_on.map(|end_on| DecisionChange::Amend {
            volume: effort.volume,
            frequency: effort.frequency,
            pgb_cents: effort.pgb_cents,
            end_on,
            from,
        })
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

pub async fn add_time_action(
    store: &Store,
    caller: &Caller,
    id: &str,
    f: &Fields,
) -> Result<(), Error> {
    let d = load_decision(store, id).await?;
    case_access::run(store, &caller.clone(), &d.case_id).await?;
    let mut errors = Vec::new();
    let on = required_date(&mut errors, "time_on", f.get("time_on"));
    not_in_future(&mut errors, "time_on", on);
    let minutes = parse_int(&mut errors, "minutes", f.get("minutes"), 1440);
    if minutes.is_none() && !has_error(&errors, "minutes") {
        errors.push(Problem::new(
            "minutes",
            "Vul het aantal minuten in.",
            "Enter the number of minutes.",
        ));
    }
    let note = optional_text(&mut errors, "time_note", f.get("time_note"), 500).unwrap_or_default();
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

pub async fn record_evaluation_action(
    store: &Store,
    caller: &Caller,
    decision_id: &str,
    evaluation_id: &str,
    f: &Fields,
) -> Result<(), Error> {
    let d = load_decision(store, decision_id).await?;
    case_access::run(store, &caller.clone(), &d.case_id).await?;
    let mut errors = Vec::new();
    let version =
        parse_version("version", f.get("version")).map_err(|p| Error::Invalid(vec![p]))?;
    let done_on = required_date(&mut errors, "done_on", f.get("done_on"));
    not_in_future(&mut errors, "done_on", done_on);
    let family_view = required_text(&mut errors, "family_view", f.get("family_view"), 4000);
    let outcome = EvaluationOutcome::parse(f.get("outcome"));
    if outcome.is_none() {
        errors.push(choose("outcome"));
    }
    let minutes = parse_int(&mut errors, "minutes", f.get("minutes"), 1440);
    let mut conn = store
        .pool()
        .acquire()
        .await
        .map_err(eenplan_store::Error::from)?;
    let request = store_access::request(&mut conn, &d.request_id).await?;
    drop(conn);
    let mut scores = Vec::new();
    for (i, r) in request.results.iter().enumerate() {
        match ResultScore::parse(f.get(&format!("score.{i}"))) {
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

pub async fn provider_effort_action(
    store: &Store,
    caller: &Caller,
    id: &str,
    f: &Fields,
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
    let mut errors = Vec::new();
    let version =
        parse_version("version", f.get("version")).map_err(|p| Error::Invalid(vec![p]))?;
    let intake = required_date(&mut errors, "intake_on", f.get("intake_on"));
    not_in_future(&mut errors, "intake_on", intake);
    let effort = parse_effort(f, &mut errors);
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
        (Ok(_), None) => Err(Error::Invalid(vec![Problem::new(
            "intake_on",
            "Vul een datum in.",
            "Enter a date.",
        )])),
    }
}

pub async fn provider_report_action(
    store: &Store,
    caller: &Caller,
    id: &str,
    f: &Fields,
) -> Result<(), Error> {
    let d = load_decision(store, id).await?;
    own_provider(store, caller, d.provider_id.as_deref(), ("decision", id)).await?;
    let mut errors = Vec::new();
    let version =
        parse_version("version", f.get("version")).map_err(|p| Error::Invalid(vec![p]))?;
    let start = optional_date(&mut errors, "actual_start_on", f.get("actual_start_on"));
    let end = optional_date(&mut errors, "actual_end_on", f.get("actual_end_on"));
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

/// Submit or withdraw (the holding team), approve or send back (a reviewer of the team,
/// not the author).
/// Submit or withdraw (the holding team), approve or send back (a reviewer of the team,
/// not the author). Returns the decision taken on approval.
pub async fn request_step_action(
    store: &Store,
    caller: &Caller,
    id: &str,
    step: RequestStep,
    f: &Fields,
) -> Result<Option<String>, Error> {
    let r = load_request(store, id).await?;
    case_access::run(store, &caller.clone(), &r.case_id).await?;
    if matches!(step, RequestStep::Approve | RequestStep::SendBack)
        && !policy::allows(caller.principal.role, Permission::ReviewAccess)
    {
        eenplan_store::cases::record_refusal(store, &caller.actor(), &r.case_id).await?;
        return Err(Error::Forbidden);
    }
    let version =
        parse_version("version", f.get("version")).map_err(|p| Error::Invalid(vec![p]))?;
    let comment = f.get("comment").trim();
    if comment.chars().count() > 4000 {
        return Err(Error::invalid(Problem::new(
            "comment",
            "Dit veld mag hoogstens 4000 tekens bevatten.",
            "This field may hold at most 4000 characters.",
        )));
    }
    let mut tx = store.begin().await?;
    let (_, decision) = store_access::request_step(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        id,
        version,
        step,
        comment,
        today(),
    )
    .await?;
    tx.commit().await?;
    Ok(decision)
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
