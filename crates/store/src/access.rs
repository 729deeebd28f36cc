//! Access requests and decisions (domain brief, section 3.2). A request for one youth on
//! a case carries support plan part 1 (why, the results to reach, the weight of care,
//! the funding) and part 2 (the effort: by the provider in the 2018 variant, by the CJG
//! in the 2020 variant); a reviewer other than the author approves it, and the approval
//! takes the decision (beschikking): numbered per municipality, priced on the price
//! valid at its start, with its evaluation schedule. Decisions change by new versions
//! and can end early. Every write carries its audit record.

use crate::audit::{self, Action, Actor, Event};
use crate::cases::{audit_family, case_event, next_number};
use crate::catalogue;
use crate::grant::CaseGrant;
use crate::ijw::assign::Change;
use crate::{Error, Result, Store, Tx, check_versioned_update, new_id, now};
use crate::{code, date, opt_code, opt_date};
use chrono::{Datelike, NaiveDate};
use eenplan_domain::FieldError;
use eenplan_domain::access::{
    self as rules, Effort, EndReason, EvaluationKind, Frequency, Funding, ReferrerType,
    RequestStatus, RequestStep, Unit, Variant,
};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// Setting: months between interim evaluations (the brief: at most six).
pub const EVALUATION_MONTHS_SETTING: &str = "evaluation_interval_months";

pub async fn evaluation_months(conn: &mut sqlx::AnyConnection) -> Result<u32> {
    let v: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(EVALUATION_MONTHS_SETTING)
        .fetch_optional(conn)
        .await?;
    Ok(v.and_then(|v| v.parse().ok())
        .filter(|m| (1..=rules::DEFAULT_EVALUATION_MONTHS).contains(m))
        .unwrap_or(rules::DEFAULT_EVALUATION_MONTHS))
}

/// Days since 1970-01-01: decisions keep their first and last day as numbers so that
/// overlaps with a period are integer arithmetic on both backends.
pub fn day_number(d: NaiveDate) -> i64 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid epoch")).num_days()
}

/// Part 2 as entered: any field may still be empty while the request is a draft.
#[derive(Debug, Clone, Default, Serialize, PartialEq, utoipa::ToSchema)]
pub struct EffortInput {
    pub volume: Option<i64>,
    pub unit: Option<Unit>,
    pub frequency: Option<Frequency>,
    pub start_on: Option<NaiveDate>,
    pub end_on: Option<NaiveDate>,
    /// The personal budget in cents (PGB only).
    pub pgb_cents: Option<i64>,
}

impl EffortInput {
    /// The complete effort of in-kind care, or the errors naming what is missing.
    pub fn effort(&self) -> Result<Effort, Vec<FieldError>> {
        let (Some(start), Some(end)) = (self.start_on, self.end_on) else {
            let mut errors = Vec::new();
            if self.start_on.is_none() {
                errors.push(FieldError::new(
                    "start_on",
                    "Vul de begindatum in.",
                    "Enter the start date.",
                ));
            }
            if self.end_on.is_none() {
                errors.push(FieldError::new(
                    "end_on",
                    "Vul de einddatum in.",
                    "Enter the end date.",
                ));
            }
            return Err(errors);
        };
        Effort::new(self.volume, self.unit, self.frequency, start, end)
    }

    /// Whether part 2 is complete for this funding.
    pub fn complete(&self, funding: Funding) -> bool {
        match funding {
            Funding::InKind => self.effort().is_ok(),
            Funding::Pgb => {
                self.pgb_cents.is_some()
                    && matches!((self.start_on, self.end_on), (Some(s), Some(e)) if e >= s)
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResultInput {
    pub text: String,
    /// The id of the family plan's goal this result serves, if any.
    pub goal_id: Option<String>,
}

/// Part 1, and part 2 where the CJG records it.
#[derive(Debug, Clone)]
pub struct RequestInput {
    pub youth_id: String,
    pub referrer_type: ReferrerType,
    pub referrer_code: Option<String>,
    pub reason: String,
    pub product_id: String,
    pub funding: Funding,
    pub provider_id: Option<String>,
    pub results: Vec<ResultInput>,
    pub effort: EffortInput,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestResult {
    pub id: String,
    pub position: i64,
    pub text: String,
    pub goal_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Review {
    pub reviewer_name: String,
    pub outcome: String,
    pub comment: String,
    pub at: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccessRequest {
    pub id: String,
    pub case_id: String,
    pub family_id: String,
    pub youth_id: String,
    pub youth_name: String,
    pub youth_birth_date: Option<String>,
    pub municipality_code: String,
    pub variant: Variant,
    pub status: RequestStatus,
    pub referrer_type: ReferrerType,
    pub referrer_code: Option<String>,
    pub reason: String,
    pub product_id: String,
    pub product_code: String,
    pub product_name: String,
    pub product_category: String,
    pub funding: Funding,
    pub provider_id: Option<String>,
    pub provider_name: Option<String>,
    pub effort: EffortInput,
    pub intake_on: Option<NaiveDate>,
    pub effort_by_name: Option<String>,
    pub author_id: String,
    pub author_name: String,
    pub version: i64,
    pub created_at: String,
    pub results: Vec<RequestResult>,
    pub reviews: Vec<Review>,
    pub decision_id: Option<String>,
}

impl AccessRequest {
    /// Whether the provider, not the CJG, records part 2 of this request.
    pub fn provider_sets_effort(&self) -> bool {
        rules::provider_sets_effort(self.variant, self.funding)
    }
}

const REQUEST_SELECT: &str = "SELECT r.*, y.name AS youth_name, y.birth_date AS youth_birth_date,
        c.family_id, p.code AS product_code, p.name AS product_name, p.category AS product_category,
        o.name AS provider_name, a.display_name AS author_name, e.display_name AS effort_by_name,
        (SELECT d.id FROM decisions d WHERE d.request_id = r.id) AS decision_id
    FROM access_requests r
    JOIN persons y ON y.id = r.youth_id
    JOIN cases c ON c.id = r.case_id
    JOIN products p ON p.id = r.product_id
    JOIN users a ON a.id = r.author_id
    LEFT JOIN organisations o ON o.id = r.provider_id
    LEFT JOIN users e ON e.id = r.effort_by";

fn request_from_row(r: &AnyRow) -> Result<AccessRequest> {
    Ok(AccessRequest {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        family_id: r.try_get("family_id")?,
        youth_id: r.try_get("youth_id")?,
        youth_name: r.try_get("youth_name")?,
        youth_birth_date: r.try_get("youth_birth_date")?,
        municipality_code: r.try_get("municipality_code")?,
        variant: code(r.try_get("variant")?, Variant::parse)?,
        status: code(r.try_get("status")?, RequestStatus::parse)?,
        referrer_type: code(r.try_get("referrer_type")?, ReferrerType::parse)?,
        referrer_code: r.try_get("referrer_code")?,
        reason: r.try_get("reason")?,
        product_id: r.try_get("product_id")?,
        product_code: r.try_get("product_code")?,
        product_name: r.try_get("product_name")?,
        product_category: r.try_get("product_category")?,
        funding: code(r.try_get("funding")?, Funding::parse)?,
        provider_id: r.try_get("provider_id")?,
        provider_name: r.try_get("provider_name")?,
        effort: EffortInput {
            volume: r.try_get("volume")?,
            unit: opt_code(r.try_get("unit")?, Unit::parse)?,
            frequency: opt_code(r.try_get("frequency")?, Frequency::parse)?,
            start_on: opt_date(r, "start_on")?,
            end_on: opt_date(r, "end_on")?,
            pgb_cents: r.try_get("pgb_cents")?,
        },
        intake_on: opt_date(r, "intake_on")?,
        effort_by_name: r.try_get("effort_by_name")?,
        author_id: r.try_get("author_id")?,
        author_name: r.try_get("author_name")?,
        version: r.try_get("version")?,
        created_at: r.try_get("created_at")?,
        results: Vec::new(),
        reviews: Vec::new(),
        decision_id: r.try_get("decision_id")?,
    })
}

pub async fn request(conn: &mut sqlx::AnyConnection, id: &str) -> Result<AccessRequest> {
    let row = sqlx::query(&format!("{REQUEST_SELECT} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(Error::NotFound)?;
    let mut req = request_from_row(&row)?;
    for r in sqlx::query(
        "SELECT id, position, text, goal_id FROM access_request_results WHERE request_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    {
        req.results.push(RequestResult {
            id: r.try_get("id")?,
            position: r.try_get("position")?,
            text: r.try_get("text")?,
            goal_id: r.try_get("goal_id")?,
        });
    }
    for r in sqlx::query(
        "SELECT u.display_name, v.outcome, v.comment, v.at FROM access_reviews v
         JOIN users u ON u.id = v.reviewer_id WHERE v.request_id = $1 ORDER BY v.at",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    {
        req.reviews.push(Review {
            reviewer_name: r.try_get("display_name")?,
            outcome: r.try_get("outcome")?,
            comment: r.try_get("comment")?,
            at: r.try_get("at")?,
        });
    }
    Ok(req)
}

/// The requests of a case, newest first (without results and reviews).
pub async fn requests_of_case(store: &Store, grant: &CaseGrant) -> Result<Vec<AccessRequest>> {
    sqlx::query(&format!(
        "{REQUEST_SELECT} WHERE r.case_id = $1 ORDER BY r.created_at DESC"
    ))
    .bind(grant.case_id())
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(request_from_row)
    .collect()
}

/// Requests waiting for review in the reviewer's teams, oldest first.
pub async fn review_queue(store: &Store, user_id: &str) -> Result<Vec<AccessRequest>> {
    sqlx::query(&format!(
        "{REQUEST_SELECT} WHERE r.status = 'in_review'
           AND c.team_id IN (SELECT team_id FROM team_members WHERE user_id = $1)
         ORDER BY r.updated_at"
    ))
    .bind(user_id)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(request_from_row)
    .collect()
}

/// Requests addressed to a provider organisation and not decided yet (decided ones are
/// its decisions), newest first.
pub async fn provider_requests(store: &Store, provider_id: &str) -> Result<Vec<AccessRequest>> {
    sqlx::query(&format!(
        "{REQUEST_SELECT} WHERE r.provider_id = $1 AND r.status IN ('awaiting_provider','in_review','sent_back')
         ORDER BY r.updated_at DESC"
    ))
    .bind(provider_id)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(request_from_row)
    .collect()
}

async fn check_input(
    tx: &mut Tx,
    case_family: &str,
    input: &RequestInput,
    on: NaiveDate,
) -> Result<()> {
    let youth: Option<(String, String)> =
        sqlx::query_as("SELECT family_id, kind FROM persons WHERE id = $1")
            .bind(&input.youth_id)
            .fetch_optional(&mut **tx)
            .await?;
    match youth {
        Some((f, k)) if f == case_family && k == "youth" => {}
        _ => {
            return Err(Error::Invalid(FieldError::new(
                "youth_id",
                "Kies een jeugdige van dit gezin.",
                "Choose a youth of this family.",
            )));
        }
    }
    let product = catalogue::product(tx, &input.product_id)
        .await
        .map_err(|e| match e {
            Error::NotFound => Error::Invalid(FieldError::new(
                "product_id",
                "Kies een product uit de catalogus.",
                "Choose a product from the catalogue.",
            )),
            e => e,
        })?;
    if !product.active {
        return Err(Error::Invalid(FieldError::new(
            "product_id",
            "Dit product wordt niet meer ingezet; kies een ander product.",
            "This product is no longer in use; choose another product.",
        )));
    }
    if let Some(unit) = input.effort.unit {
        check_unit(&product, unit)?;
    }
    if let Some(provider) = &input.provider_id {
        let day = input.effort.start_on.unwrap_or(on);
        if !catalogue::has_contract(tx, provider, &input.product_id, day).await? {
            return Err(Error::Invalid(no_contract(day)));
        }
    }
    Ok(())
}

/// An effort is counted in the unit the product is priced in.
fn check_unit(product: &catalogue::Product, unit: Unit) -> Result<()> {
    if unit == product.unit {
        return Ok(());
    }
    Err(Error::Invalid(FieldError::new(
        "unit",
        format!(
            "Product {} wordt per {} geprijsd; geef de inzet in die eenheid.",
            product.code,
            product.unit.label_nl().to_lowercase()
        ),
        format!(
            "Product {} is priced per {}; give the effort in that unit.",
            product.code,
            product.unit.label_en().to_lowercase()
        ),
    )))
}

fn no_contract(day: NaiveDate) -> FieldError {
    FieldError::new(
        "provider_id",
        format!(
            "Deze aanbieder heeft op {} geen contract voor dit product. Kies een gecontracteerde aanbieder of een ander product.",
            day.format("%d-%m-%Y")
        ),
        format!(
            "This provider has no contract for this product on {}. Choose a contracted provider or another product.",
            day.format("%Y-%m-%d")
        ),
    )
}

async fn write_results(tx: &mut Tx, request_id: &str, results: &[ResultInput]) -> Result<()> {
    // Only drafts change their results; evaluations refer to results of decisions.
    sqlx::query("DELETE FROM access_request_results WHERE request_id = $1")
        .bind(request_id)
        .execute(&mut **tx)
        .await?;
    for (i, r) in results.iter().enumerate() {
        sqlx::query(
            "INSERT INTO access_request_results (id, request_id, position, text, goal_id)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(new_id())
        .bind(request_id)
        .bind(i as i64 + 1)
        .bind(&r.text)
        .bind(&r.goal_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn family_of_case(tx: &mut Tx, case_id: &str) -> Result<(String, String)> {
    sqlx::query_as("SELECT family_id, municipality_code FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(Error::NotFound)
}

/// Records that a user wrote part of a request or submitted it (see four eyes).
async fn add_writer(tx: &mut Tx, request_id: &str, user_id: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO access_request_writers (request_id, user_id) VALUES ($1, $2)
         ON CONFLICT (request_id, user_id) DO NOTHING",
    )
    .bind(request_id)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn event(name: &str, action: Action, request_id: &str) -> Event {
    Event::new(format!("access.{name}"), action).object("access_request", request_id)
}

/// A new draft request on a case. The variant is the one in force today.
pub async fn create_request(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    case_id: &str,
    input: &RequestInput,
    today: NaiveDate,
) -> Result<String> {
    let (family_id, municipality) = family_of_case(tx, case_id).await?;
    let status: String = sqlx::query_scalar("SELECT status FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_one(&mut **tx)
        .await?;
    if status == eenplan_domain::case::CaseStatus::Closed.as_str() {
        return Err(Error::Invalid(FieldError::new(
            "status",
            "Deze casus is afgesloten; heropen haar of meld het gezin opnieuw aan.",
            "This case is closed; reopen it or register the family again.",
        )));
    }
    check_input(tx, &family_id, input, today).await?;
    let variant = rules::variant_on(&catalogue::variants(tx).await?, today);
    // Where the provider records part 2, the CJG leaves it empty.
    let effort = if rules::provider_sets_effort(variant, input.funding) {
        EffortInput::default()
    } else {
        input.effort.clone()
    };
    let id = new_id();
    let at = now();
    sqlx::query(
        "INSERT INTO access_requests (id, case_id, youth_id, municipality_code, variant, status,
            referrer_type, referrer_code, reason, product_id, funding, provider_id,
            volume, unit, frequency, start_on, end_on, pgb_cents, author_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19)",
    )
    .bind(&id)
    .bind(case_id)
    .bind(&input.youth_id)
    .bind(&municipality)
    .bind(variant.as_str())
    .bind(input.referrer_type.as_str())
    .bind(&input.referrer_code)
    .bind(&input.reason)
    .bind(&input.product_id)
    .bind(input.funding.as_str())
    .bind(&input.provider_id)
    .bind(effort.volume)
    .bind(effort.unit.map(Unit::as_str))
    .bind(effort.frequency.map(Frequency::as_str))
    .bind(effort.start_on.map(|d| d.to_string()))
    .bind(effort.end_on.map(|d| d.to_string()))
    .bind(effort.pgb_cents)
    .bind(user_id)
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    write_results(tx, &id, &input.results).await?;
    add_writer(tx, &id, user_id).await?;
    case_event(tx, case_id, today, "access_requested", "", Some(user_id)).await?;
    audit_family(
        tx,
        actor,
        &family_id,
        event("request.create", Action::Create, &id),
    )
    .await?;
    Ok(id)
}

/// Changes parts 1 and (where the CJG records it) 2 of a draft or sent-back request.
pub async fn update_request(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    id: &str,
    version: i64,
    input: &RequestInput,
    today: NaiveDate,
) -> Result<()> {
    let current = request(tx, id).await?;
    if current.version != version {
        return Err(Error::Conflict);
    }
    if !matches!(
        current.status,
        RequestStatus::Draft | RequestStatus::SentBack
    ) {
        return Err(Error::Invalid(not_now(current.status)));
    }
    check_input(tx, &current.family_id, input, today).await?;
    let effort = if rules::provider_sets_effort(current.variant, input.funding) {
        // Kept as the provider recorded it (a sent-back request goes back to it).
        current.effort.clone()
    } else {
        input.effort.clone()
    };
    let done = sqlx::query(
        "UPDATE access_requests SET youth_id = $1, referrer_type = $2, referrer_code = $3, reason = $4,
            product_id = $5, funding = $6, provider_id = $7, volume = $8, unit = $9, frequency = $10,
            start_on = $11, end_on = $12, pgb_cents = $13, version = version + 1, updated_at = $14
         WHERE id = $15 AND version = $16",
    )
    .bind(&input.youth_id)
    .bind(input.referrer_type.as_str())
    .bind(&input.referrer_code)
    .bind(&input.reason)
    .bind(&input.product_id)
    .bind(input.funding.as_str())
    .bind(&input.provider_id)
    .bind(effort.volume)
    .bind(effort.unit.map(Unit::as_str))
    .bind(effort.frequency.map(Frequency::as_str))
    .bind(effort.start_on.map(|d| d.to_string()))
    .bind(effort.end_on.map(|d| d.to_string()))
    .bind(effort.pgb_cents)
    .bind(now())
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    check_versioned_update(tx, "access_requests", id, done.rows_affected()).await?;
    write_results(tx, id, &input.results).await?;
    add_writer(tx, id, user_id).await?;
    audit_family(
        tx,
        actor,
        &current.family_id,
        event("request.update", Action::Update, id),
    )
    .await
}

fn not_now(status: RequestStatus) -> FieldError {
    FieldError::new(
        "status",
        format!(
            "Dit kan niet bij een aanvraag met status '{}'.",
            status.label_nl()
        ),
        format!(
            "Not possible for a request with status '{}'.",
            status.label_en()
        ),
    )
}

/// Part 2 by the provider after its intake (variant 2018): the effort, which sends the
/// request on to review.
pub async fn record_provider_effort(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    id: &str,
    version: i64,
    effort: &Effort,
    intake_on: NaiveDate,
) -> Result<()> {
    let current = request(tx, id).await?;
    if current.version != version {
        return Err(Error::Conflict);
    }
    let next = rules::next_request_status(
        current.status,
        RequestStep::RecordProviderEffort,
        true,
        true,
    )
    .map_err(Error::Invalid)?;
    let product = catalogue::product(tx, &current.product_id).await?;
    check_unit(&product, effort.unit)?;
    if let Some(provider) = &current.provider_id
        && !catalogue::has_contract(tx, provider, &current.product_id, effort.start).await?
    {
        return Err(Error::Invalid(FieldError {
            field: "start_on",
            ..no_contract(effort.start)
        }));
    }
    let at = now();
    let done = sqlx::query(
        "UPDATE access_requests SET volume = $1, unit = $2, frequency = $3, start_on = $4, end_on = $5,
            intake_on = $6, effort_by = $7, effort_at = $8, status = $9, version = version + 1, updated_at = $8
         WHERE id = $10 AND version = $11",
    )
    .bind(effort.volume)
    .bind(effort.unit.as_str())
    .bind(effort.frequency.as_str())
    .bind(effort.start.to_string())
    .bind(effort.end.to_string())
    .bind(intake_on.to_string())
    .bind(user_id)
    .bind(&at)
    .bind(next.as_str())
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    check_versioned_update(tx, "access_requests", id, done.rows_affected()).await?;
    audit_family(
        tx,
        actor,
        &current.family_id,
        event("request.part2", Action::Update, id),
    )
    .await
}

/// Submit, approve (which takes the decision), send back or withdraw a request. Returns
/// the new status and, on approval, the decision's id.
#[allow(clippy::too_many_arguments)]
pub async fn request_step(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    id: &str,
    version: i64,
    step: RequestStep,
    comment: &str,
    today: NaiveDate,
) -> Result<(RequestStatus, Option<String>)> {
    let current = request(tx, id).await?;
    if current.version != version {
        return Err(Error::Conflict);
    }
    let provider_effort = current.provider_sets_effort();
    let next = rules::next_request_status(
        current.status,
        step,
        provider_effort,
        current.effort.complete(current.funding),
    )
    .map_err(Error::Invalid)?;
    if step == RequestStep::Submit && !provider_effort {
        // The same rules the decision will apply, told now rather than at review.
        check_decidable(tx, &current).await?;
    }
    if matches!(step, RequestStep::Approve | RequestStep::SendBack) {
        let writers: Vec<String> =
            sqlx::query_scalar("SELECT user_id FROM access_request_writers WHERE request_id = $1")
                .bind(id)
                .fetch_all(&mut **tx)
                .await?;
        rules::check_four_eyes(&writers, user_id).map_err(Error::Invalid)?;
    }
    if step == RequestStep::Submit {
        add_writer(tx, id, user_id).await?;
    }
    if step == RequestStep::SendBack && comment.trim().is_empty() {
        return Err(Error::Invalid(FieldError::new(
            "comment",
            "Schrijf bij het terugsturen wat er moet veranderen.",
            "Say what must change when sending a request back.",
        )));
    }
    let at = now();
    let done = sqlx::query(
        "UPDATE access_requests SET status = $1,
            submitted_at = CASE WHEN $2 = 'submit' THEN $3 ELSE submitted_at END,
            reviewer_id = CASE WHEN $2 IN ('approve','send_back') THEN $4 ELSE reviewer_id END,
            reviewed_at = CASE WHEN $2 IN ('approve','send_back') THEN $3 ELSE reviewed_at END,
            review_comment = CASE WHEN $2 IN ('approve','send_back') THEN $5 ELSE review_comment END,
            version = version + 1, updated_at = $3
         WHERE id = $6 AND version = $7",
    )
    .bind(next.as_str())
    .bind(step_name(step))
    .bind(&at)
    .bind(user_id)
    .bind(comment.trim())
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    check_versioned_update(tx, "access_requests", id, done.rows_affected()).await?;
    if matches!(step, RequestStep::Approve | RequestStep::SendBack) {
        sqlx::query(
            "INSERT INTO access_reviews (id, request_id, reviewer_id, outcome, comment, at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(new_id())
        .bind(id)
        .bind(user_id)
        .bind(if step == RequestStep::Approve {
            "approved"
        } else {
            "sent_back"
        })
        .bind(comment.trim())
        .bind(&at)
        .execute(&mut **tx)
        .await?;
    }
    audit_family(
        tx,
        actor,
        &current.family_id,
        event(step_name(step), Action::Update, id),
    )
    .await?;
    let decision = if step == RequestStep::Approve {
        Some(decide(tx, actor, user_id, &current, today).await?)
    } else {
        None
    };
    Ok((next, decision))
}

fn step_name(step: RequestStep) -> &'static str {
    match step {
        RequestStep::Submit => "submit",
        RequestStep::RecordProviderEffort => "part2",
        RequestStep::Approve => "approve",
        RequestStep::SendBack => "send_back",
        RequestStep::Withdraw => "withdraw",
    }
}

/// What a decision needs: for in-kind care a valid effort, a contract on the start date
/// and a price on the start date; for a PGB an amount and a period. Returns the effort
/// (in kind) and the unit price.
async fn check_decidable(
    tx: &mut Tx,
    req: &AccessRequest,
) -> Result<(Option<Effort>, Option<i64>)> {
    match req.funding {
        Funding::Pgb => {
            if !req.effort.complete(Funding::Pgb) {
                return Err(Error::Invalid(FieldError::new(
                    "pgb_amount",
                    "Een PGB heeft een bedrag, een begin- en een einddatum.",
                    "A personal budget needs an amount, a start and an end date.",
                )));
            }
            Ok((None, None))
        }
        Funding::InKind => {
            let effort = req
                .effort
                .effort()
                .map_err(|mut e| Error::Invalid(e.remove(0)))?;
            let provider = req
                .provider_id
                .as_deref()
                .ok_or(Error::Corrupt("in-kind request without provider".into()))?;
            if !catalogue::has_contract(tx, provider, &req.product_id, effort.start).await? {
                return Err(Error::Invalid(no_contract(effort.start)));
            }
            let product = catalogue::product(tx, &req.product_id).await?;
            check_unit(&product, effort.unit)?;
            let price = product.price_on(effort.start).ok_or_else(|| {
                Error::Invalid(FieldError::new(
                    "start_on",
                    format!(
                        "Voor dit product is op {} nog geen prijs vastgesteld.",
                        effort.start.format("%d-%m-%Y")
                    ),
                    format!(
                        "This product has no price on {} yet.",
                        effort.start.format("%Y-%m-%d")
                    ),
                ))
            })?;
            rules::check_cost(effort.cost_cents(price)).map_err(Error::Invalid)?;
            Ok((Some(effort), Some(price)))
        }
    }
}

/// The decision an approval takes.
async fn decide(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    req: &AccessRequest,
    today: NaiveDate,
) -> Result<String> {
    let (effort, price) = check_decidable(tx, req).await?;
    let (start, end) = match effort {
        Some(e) => (e.start, e.end),
        None => (
            req.effort.start_on.ok_or(Error::Corrupt("start".into()))?,
            req.effort.end_on.ok_or(Error::Corrupt("end".into()))?,
        ),
    };
    let (units_x100, estimated) = match (effort, price) {
        (Some(e), Some(p)) => (e.total_units_x100(), e.cost_cents(p)),
        _ => (0, req.effort.pgb_cents.unwrap_or(0)),
    };
    let year = today.year();
    let seq = next_number(tx, &format!("decision:{}:{year}", req.municipality_code)).await?;
    let number = rules::decision_number(&req.municipality_code, year, seq);
    let id = new_id();
    let at = now();
    sqlx::query(
        "INSERT INTO decisions (id, number, request_id, case_id, youth_id, municipality_code, product_id,
            funding, provider_id, volume, unit, frequency, pgb_cents, start_on, end_on, start_day, last_day,
            unit_price_cents, units_x100, estimated_cents, decided_by, decided_on, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
            $21, $22, $23, $23)",
    )
    .bind(&id)
    .bind(&number)
    .bind(&req.id)
    .bind(&req.case_id)
    .bind(&req.youth_id)
    .bind(&req.municipality_code)
    .bind(&req.product_id)
    .bind(req.funding.as_str())
    .bind(&req.provider_id)
    .bind(effort.map(|e| e.volume))
    .bind(effort.map(|e| e.unit.as_str()))
    .bind(effort.map(|e| e.frequency.as_str()))
    .bind(req.effort.pgb_cents.filter(|_| req.funding == Funding::Pgb))
    .bind(start.to_string())
    .bind(end.to_string())
    .bind(day_number(start))
    .bind(day_number(end))
    .bind(price)
    .bind(units_x100)
    .bind(estimated)
    .bind(user_id)
    .bind(today.to_string())
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    snapshot(tx, &id, "Besluit op de aanvraag", user_id).await?;
    schedule(tx, &id, start, end).await?;
    case_event(tx, &req.case_id, today, "decision", &number, Some(user_id)).await?;
    audit_family(
        tx,
        actor,
        &req.family_id,
        Event::new("decision.create", Action::Create).object("decision", &id),
    )
    .await?;
    crate::ijw::assign::assign(tx, actor, &id, None, today).await?;
    Ok(id)
}

/// (Re)plans the open evaluations of a decision for the period start..end; evaluations
/// already held stay as they are. Interims count from the last evaluation held (so two
/// evaluations are never more than the interval apart); an end evaluation held on the
/// end date closes the schedule, one held before it (the decision was extended since)
/// does not.
async fn schedule(tx: &mut Tx, decision_id: &str, start: NaiveDate, end: NaiveDate) -> Result<()> {
    sqlx::query(
        "DELETE FROM notifications WHERE evaluation_id IN
           (SELECT id FROM evaluations WHERE decision_id = $1 AND done_on IS NULL)",
    )
    .bind(decision_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM evaluations WHERE decision_id = $1 AND done_on IS NULL")
        .bind(decision_id)
        .execute(&mut **tx)
        .await?;
    let held: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT kind, due_on, done_on FROM evaluations WHERE decision_id = $1 AND done_on IS NOT NULL",
    )
    .bind(decision_id)
    .fetch_all(&mut **tx)
    .await?;
    let end_text = end.to_string();
    if held
        .iter()
        .any(|(k, due, _)| k == EvaluationKind::End.as_str() && *due >= end_text)
    {
        return Ok(());
    }
    let last_held = held
        .iter()
        .map(|(_, _, done)| date(done))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .max();
    let from = last_held.map_or(start, |d| d.max(start));
    let months = evaluation_months(tx).await?;
    for (kind, due) in rules::evaluation_schedule(from, end, months) {
        sqlx::query(
            "INSERT INTO evaluations (id, decision_id, team_id, kind, due_on)
             VALUES ($1, $2, (SELECT c.team_id FROM decisions d JOIN cases c ON c.id = d.case_id
                              WHERE d.id = $2), $3, $4)",
        )
        .bind(new_id())
        .bind(decision_id)
        .bind(kind.as_str())
        .bind(due.to_string())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Decision {
    pub id: String,
    pub number: String,
    pub request_id: String,
    pub case_id: String,
    pub family_id: String,
    pub youth_id: String,
    pub youth_name: String,
    pub youth_birth_date: Option<String>,
    pub youth_bsn: Option<String>,
    pub municipality_code: String,
    pub municipality_name: String,
    pub product_id: String,
    pub product_code: String,
    pub product_name: String,
    pub product_category: String,
    pub funding: Funding,
    pub provider_id: Option<String>,
    pub provider_name: Option<String>,
    pub provider_agb: Option<String>,
    pub volume: Option<i64>,
    pub unit: Option<Unit>,
    pub frequency: Option<Frequency>,
    pub pgb_cents: Option<i64>,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<EndReason>,
    pub unit_price_cents: Option<i64>,
    pub units_x100: i64,
    pub estimated_cents: i64,
    /// The first day of the current effort (a change takes effect from a date).
    pub segment_start: NaiveDate,
    /// Cost and units of the effort before `segment_start`.
    pub prior_cents: i64,
    pub prior_units_x100: i64,
    pub actual_start_on: Option<NaiveDate>,
    pub actual_end_on: Option<NaiveDate>,
    pub decided_by_name: String,
    pub decided_on: NaiveDate,
    pub version: i64,
}

impl Decision {
    /// The last day of the care as decided: the early end, or the end date.
    pub fn last_day(&self) -> NaiveDate {
        self.ended_on.unwrap_or(self.end_on)
    }
}

const DECISION_SELECT: &str = "SELECT d.*, y.name AS youth_name, y.birth_date AS youth_birth_date,
        y.bsn AS youth_bsn, c.family_id, m.name AS municipality_name, p.code AS product_code,
        p.name AS product_name, p.category AS product_category, o.name AS provider_name,
        o.agb_code AS provider_agb, u.display_name AS decided_by_name
    FROM decisions d
    JOIN persons y ON y.id = d.youth_id
    JOIN cases c ON c.id = d.case_id
    JOIN municipalities m ON m.code = d.municipality_code
    JOIN products p ON p.id = d.product_id
    JOIN users u ON u.id = d.decided_by
    LEFT JOIN organisations o ON o.id = d.provider_id";

fn decision_from_row(r: &AnyRow) -> Result<Decision> {
    let start: String = r.try_get("start_on")?;
    let end: String = r.try_get("end_on")?;
    let decided: String = r.try_get("decided_on")?;
    Ok(Decision {
        id: r.try_get("id")?,
        number: r.try_get("number")?,
        request_id: r.try_get("request_id")?,
        case_id: r.try_get("case_id")?,
        family_id: r.try_get("family_id")?,
        youth_id: r.try_get("youth_id")?,
        youth_name: r.try_get("youth_name")?,
        youth_birth_date: r.try_get("youth_birth_date")?,
        youth_bsn: r.try_get("youth_bsn")?,
        municipality_code: r.try_get("municipality_code")?,
        municipality_name: r.try_get("municipality_name")?,
        product_id: r.try_get("product_id")?,
        product_code: r.try_get("product_code")?,
        product_name: r.try_get("product_name")?,
        product_category: r.try_get("product_category")?,
        funding: code(r.try_get("funding")?, Funding::parse)?,
        provider_id: r.try_get("provider_id")?,
        provider_name: r.try_get("provider_name")?,
        provider_agb: r.try_get("provider_agb")?,
        volume: r.try_get("volume")?,
        unit: opt_code(r.try_get("unit")?, Unit::parse)?,
        frequency: opt_code(r.try_get("frequency")?, Frequency::parse)?,
        pgb_cents: r.try_get("pgb_cents")?,
        start_on: date(&start)?,
        end_on: date(&end)?,
        ended_on: opt_date(r, "ended_on")?,
        end_reason: opt_code(r.try_get("end_reason")?, EndReason::parse)?,
        unit_price_cents: r.try_get("unit_price_cents")?,
        units_x100: r.try_get("units_x100")?,
        estimated_cents: r.try_get("estimated_cents")?,
        segment_start: opt_date(r, "segment_start")?.unwrap_or(date(&start)?),
        prior_cents: r.try_get("prior_cents")?,
        prior_units_x100: r.try_get("prior_units_x100")?,
        actual_start_on: opt_date(r, "actual_start_on")?,
        actual_end_on: opt_date(r, "actual_end_on")?,
        decided_by_name: r.try_get("decided_by_name")?,
        decided_on: date(&decided)?,
        version: r.try_get("version")?,
    })
}

pub async fn decision(conn: &mut sqlx::AnyConnection, id: &str) -> Result<Decision> {
    decision_from_row(
        &sqlx::query(&format!("{DECISION_SELECT} WHERE d.id = $1"))
            .bind(id)
            .fetch_optional(conn)
            .await?
            .ok_or(Error::NotFound)?,
    )
}

pub async fn decisions_of_case(store: &Store, grant: &CaseGrant) -> Result<Vec<Decision>> {
    sqlx::query(&format!(
        "{DECISION_SELECT} WHERE d.case_id = $1 ORDER BY d.start_on DESC"
    ))
    .bind(grant.case_id())
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(decision_from_row)
    .collect()
}

/// Decisions for a provider organisation (its view), newest first.
/// Decisions per page of the provider's view.
pub const PROVIDER_PAGE: i64 = 100;

/// A provider organisation's decisions still running on `since` or later (so ended ones
/// drop off after a while), newest first, a page at a time; with the total count.
pub async fn provider_decisions(
    store: &Store,
    provider_id: &str,
    since: NaiveDate,
    page: i64,
) -> Result<(Vec<Decision>, i64)> {
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM decisions WHERE provider_id = $1 AND last_day >= $2",
    )
    .bind(provider_id)
    .bind(day_number(since))
    .fetch_one(store.pool())
    .await?;
    let rows = sqlx::query(&format!(
        "{DECISION_SELECT} WHERE d.provider_id = $1 AND d.last_day >= $2
         ORDER BY d.start_on DESC, d.number LIMIT $3 OFFSET $4"
    ))
    .bind(provider_id)
    .bind(day_number(since))
    .bind(PROVIDER_PAGE)
    // A page number past any real list is simply empty (and cannot overflow).
    .bind(page.clamp(0, 1_000_000) * PROVIDER_PAGE)
    .fetch_all(store.pool())
    .await?;
    let decisions = rows.iter().map(decision_from_row).collect::<Result<_>>()?;
    Ok((decisions, total))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DecisionVersion {
    pub version: i64,
    pub reason: String,
    pub changed_by: String,
    pub changed_at: String,
    #[schema(value_type = Object)]
    pub snapshot: serde_json::Value,
}

pub async fn decision_versions(store: &Store, id: &str) -> Result<Vec<DecisionVersion>> {
    sqlx::query(
        "SELECT v.version, v.reason, u.display_name, v.changed_at, v.snapshot FROM decision_versions v
         JOIN users u ON u.id = v.changed_by WHERE v.decision_id = $1 ORDER BY v.version",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        let snapshot: String = r.try_get("snapshot")?;
        Ok(DecisionVersion {
            version: r.try_get("version")?,
            reason: r.try_get("reason")?,
            changed_by: r.try_get("display_name")?,
            changed_at: r.try_get("changed_at")?,
            snapshot: serde_json::from_str(&snapshot).map_err(|e| Error::Corrupt(e.to_string()))?,
        })
    })
    .collect()
}

async fn snapshot(tx: &mut Tx, id: &str, reason: &str, user_id: &str) -> Result<()> {
    let d = decision(tx, id).await?;
    let json = serde_json::to_string(&eenplan_domain::access::DecisionSnapshot {
        volume: d.volume,
        unit: d.unit,
        frequency: d.frequency,
        pgb_cents: d.pgb_cents,
        start_on: d.start_on,
        end_on: d.end_on,
        ended_on: d.ended_on,
        end_reason: d.end_reason,
        unit_price_cents: d.unit_price_cents,
        estimated_cents: d.estimated_cents,
        provider_id: d.provider_id.clone(),
        product_code: d.product_code.clone(),
    })
    .map_err(|e| Error::Corrupt(e.to_string()))?;
    sqlx::query(
        "INSERT INTO decision_versions (decision_id, version, snapshot, reason, changed_by, changed_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(d.version)
    .bind(json)
    .bind(reason)
    .bind(user_id)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A change of a running decision: a new version with a reason. The unit price stays the
/// one of the start date.
#[derive(Debug, Clone)]
pub enum DecisionChange {
    /// New volume, frequency and end date (in kind) from a date on (`None`: today), or
    /// the amount and end date (PGB, which is a budget for the whole period).
    Amend {
        volume: Option<i64>,
        frequency: Option<Frequency>,
        pgb_cents: Option<i64>,
        end_on: NaiveDate,
        from: Option<NaiveDate>,
    },
    /// Ended before its end date.
    End { on: NaiveDate, reason: EndReason },
}

pub async fn change_decision(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    id: &str,
    version: i64,
    change: &DecisionChange,
    reason: &str,
) -> Result<()> {
    let d = decision(tx, id).await?;
    if d.version != version {
        return Err(Error::Conflict);
    }
    if d.ended_on.is_some() {
        return Err(Error::Invalid(FieldError::new(
            "status",
            "Deze beschikking is al beëindigd.",
            "This decision has already ended.",
        )));
    }
    let seg_start = d.segment_start;
    let in_force = rules::EffortInForce {
        volume: d.volume,
        unit: d.unit,
        frequency: d.frequency,
        segment_start: seg_start,
        prior_units_x100: d.prior_units_x100,
        prior_cents: d.prior_cents,
        end_on: d.end_on,
        unit_price_cents: d.unit_price_cents.unwrap_or(0),
    };
    // What the change makes of the decision: its effort, end, early end and figures.
    struct Changed {
        volume: Option<i64>,
        frequency: Option<Frequency>,
        pgb: Option<i64>,
        end_on: NaiveDate,
        ended: Option<(NaiveDate, EndReason)>,
        priced: rules::Repriced,
    }
    let Changed {
        volume,
        frequency,
        pgb,
        end_on,
        ended,
        priced,
    } = match (change, d.funding) {
        (
            DecisionChange::Amend {
                volume,
                frequency,
                end_on,
                from,
                ..
            },
            Funding::InKind,
        ) => {
            let from = from.unwrap_or_else(|| crate::today().clamp(seg_start, d.end_on));
            let priced = in_force
                .amend(*volume, *frequency, from, *end_on)
                .map_err(Error::Invalid)?;
            if let Some(provider) = &d.provider_id
                && !catalogue::has_contract(tx, provider, &d.product_id, *end_on).await?
            {
                return Err(Error::Invalid(FieldError {
                    field: "end_on",
                    ..no_contract(*end_on)
                }));
            }
            Changed {
                volume: *volume,
                frequency: *frequency,
                pgb: None,
                end_on: *end_on,
                ended: None,
                priced,
            }
        }
        (
            DecisionChange::Amend {
                pgb_cents, end_on, ..
            },
            Funding::Pgb,
        ) => {
            if let Err(e) = eenplan_domain::DateRange::new("end_on", d.start_on, *end_on) {
                return Err(Error::Invalid(e));
            }
            let amount = pgb_cents.ok_or_else(|| {
                Error::Invalid(FieldError::new(
                    "pgb_amount",
                    "Vul het bedrag van het PGB in.",
                    "Enter the amount of the personal budget.",
                ))
            })?;
            Changed {
                volume: None,
                frequency: None,
                pgb: Some(amount),
                end_on: *end_on,
                ended: None,
                priced: rules::Repriced {
                    segment_start: seg_start,
                    prior_units_x100: 0,
                    prior_cents: 0,
                    units_x100: 0,
                    cost_cents: amount,
                },
            }
        }
        (DecisionChange::End { on, reason }, funding) => {
            // Not before the last change took effect: that effort's cost is settled.
            let priced = match funding {
                Funding::InKind => in_force.end(*on).map_err(Error::Invalid)?,
                Funding::Pgb => {
                    in_force
                        .check_within("ended_on", *on)
                        .map_err(Error::Invalid)?;
                    rules::Repriced {
                        segment_start: seg_start,
                        prior_units_x100: d.prior_units_x100,
                        prior_cents: d.prior_cents,
                        units_x100: 0,
                        cost_cents: rules::pgb_ended_cents(
                            d.pgb_cents.unwrap_or(0),
                            d.start_on,
                            d.end_on,
                            *on,
                        ),
                    }
                }
            };
            Changed {
                volume: d.volume,
                frequency: d.frequency,
                pgb: d.pgb_cents,
                end_on: d.end_on,
                ended: Some((*on, *reason)),
                priced,
            }
        }
    };
    let (segment, prior_units, prior_cents, units_x100, estimated) = (
        priced.segment_start,
        priced.prior_units_x100,
        priced.prior_cents,
        priced.units_x100,
        priced.cost_cents,
    );
    let last = ended.map_or(end_on, |(on, _)| on);
    let done = sqlx::query(
        "UPDATE decisions SET volume = $1, frequency = $2, pgb_cents = $3, end_on = $4, ended_on = $5,
            end_reason = $6, last_day = $7, units_x100 = $8, estimated_cents = $9,
            segment_start = $10, prior_units_x100 = $11, prior_cents = $12,
            version = version + 1, updated_at = $13
         WHERE id = $14 AND version = $15",
    )
    .bind(volume)
    .bind(frequency.map(Frequency::as_str))
    .bind(pgb)
    .bind(end_on.to_string())
    .bind(ended.map(|(on, _)| on.to_string()))
    .bind(ended.map(|(_, r)| r.as_str()))
    .bind(day_number(last))
    .bind(units_x100)
    .bind(estimated)
    .bind(segment.to_string())
    .bind(prior_units)
    .bind(prior_cents)
    .bind(now())
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    check_versioned_update(tx, "decisions", id, done.rows_affected()).await?;
    snapshot(tx, id, reason, user_id).await?;
    schedule(tx, id, d.start_on, last).await?;
    let (kind, name) = match change {
        DecisionChange::Amend { .. } => ("decision_changed", "decision.update"),
        DecisionChange::End { .. } => ("decision_ended", "decision.end"),
    };
    case_event(
        tx,
        &d.case_id,
        crate::today(),
        kind,
        &d.number,
        Some(user_id),
    )
    .await?;
    audit_family(
        tx,
        actor,
        &d.family_id,
        Event::new(name, Action::Update).object("decision", id),
    )
    .await?;
    // The provider gets the changed assignment (JW301) with the reason of the change.
    let why = match ended {
        Some((_, EndReason::Moved)) => Change::Moved,
        Some(_) => Change::Shortened,
        None if last > d.last_day() => Change::Extended,
        None => Change::Shortened,
    };
    crate::ijw::assign::assign(tx, actor, id, Some(why), crate::today()).await?;
    Ok(())
}

/// The provider reports the actual start and end of the care.
pub async fn report_care(
    tx: &mut Tx,
    actor: &Actor,
    id: &str,
    version: i64,
    actual_start: Option<NaiveDate>,
    actual_end: Option<NaiveDate>,
) -> Result<()> {
    let d = decision(tx, id).await?;
    if let (Some(s), Some(e)) = (actual_start, actual_end)
        && e < s
    {
        return Err(Error::Invalid(FieldError::new(
            "actual_end_on",
            "Het einde van de zorg ligt vóór de start.",
            "The end of care lies before its start.",
        )));
    }
    // Care is reported within the decision: not before its start, not after its last day.
    let last = d.last_day();
    for (field, day) in [
        ("actual_start_on", actual_start),
        ("actual_end_on", actual_end),
    ] {
        if let Some(day) = day
            && (day < d.start_on || day > last)
        {
            return Err(Error::Invalid(FieldError::new(
                field,
                format!(
                    "Deze datum ligt buiten de looptijd van de beschikking ({} tot en met {}).",
                    d.start_on.format("%d-%m-%Y"),
                    last.format("%d-%m-%Y")
                ),
                format!(
                    "This date lies outside the decision's period ({} to {}).",
                    d.start_on, last
                ),
            )));
        }
    }
    if actual_end.is_some() && actual_start.is_none() {
        return Err(Error::Invalid(FieldError::new(
            "actual_start_on",
            "Meld eerst de start van de zorg.",
            "Report the start of care first.",
        )));
    }
    let done = sqlx::query(
        "UPDATE decisions SET actual_start_on = $1, actual_end_on = $2, version = version + 1, updated_at = $3
         WHERE id = $4 AND version = $5",
    )
    .bind(actual_start.map(|d| d.to_string()))
    .bind(actual_end.map(|d| d.to_string()))
    .bind(now())
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    check_versioned_update(tx, "decisions", id, done.rows_affected()).await?;
    audit_family(
        tx,
        actor,
        &d.family_id,
        Event::new("decision.care_reported", Action::Update).object("decision", id),
    )
    .await
}

/// Records that a user read a request or decision (client data).
pub async fn record_read(
    store: &Store,
    actor: &Actor,
    family_id: &str,
    what: &str,
    object: (&str, &str),
    break_glass: bool,
) -> Result<()> {
    let mut conn = store.pool().acquire().await?;
    let clients = crate::cases::client_ids(&mut conn, family_id).await?;
    drop(conn);
    let mut event = Event::new(what.to_owned(), Action::Read)
        .object(object.0, object.1)
        .clients(clients);
    event.break_glass = break_glass;
    audit::record(store, actor, &event).await
}
