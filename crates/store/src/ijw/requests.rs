//! The providers' requests for an assignment (JW315) on the CJG's work list, and how
//! the CJG settles them: an access request made from it (whose decision sends the
//! JW301 that names the provider's reference), or an answer (JW319): refused with a
//! reason, or under investigation.

use super::{Links, Scope, next_identification, queue};
use crate::access::{self, EffortInput, RequestInput, ResultInput};
use crate::audit::{self, Action, Actor, Event};
use crate::{Error, Result, Store, Tx, date, opt_date};
use chrono::NaiveDate;
use eenplan_domain::FieldError;
use eenplan_domain::access::{Frequency, Funding, ReferrerType, Unit};
use eenplan_ijw::codes::{RedenAfwijzingVerzoek, VerzoekAntwoord};
use eenplan_ijw::{Header, Jw319, Message, jw319};
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProviderRequest {
    pub id: String,
    pub message_id: String,
    pub provider_id: String,
    pub provider_name: String,
    pub provider_agb: String,
    pub municipality_code: String,
    pub bsn: String,
    pub youth_id: Option<String>,
    pub youth_name: Option<String>,
    pub case_id: Option<String>,
    pub reference: String,
    pub product_category: String,
    pub product_code: Option<String>,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    pub volume: Option<i64>,
    pub unit: Option<String>,
    pub frequency: Option<String>,
    pub comment: String,
    /// Who referred the youth (COD327) and their AGB code.
    pub referrer_type: Option<String>,
    pub referrer_code: Option<String>,
    /// `open`, `investigating`, `rejected` or `assigned`.
    pub status: String,
    pub access_request_id: Option<String>,
    pub created_at: String,
}

const SELECT: &str = "SELECT r.*, o.name AS provider_name, o.agb_code AS provider_agb,
        y.name AS youth_name
    FROM ijw_requests r
    JOIN organisations o ON o.id = r.provider_id
    LEFT JOIN persons y ON y.id = r.youth_id";

fn from_row(r: &sqlx::any::AnyRow) -> Result<ProviderRequest> {
    let start: String = r.try_get("start_on")?;
    Ok(ProviderRequest {
        id: r.try_get("id")?,
        message_id: r.try_get("message_id")?,
        provider_id: r.try_get("provider_id")?,
        provider_name: r.try_get("provider_name")?,
        provider_agb: r.try_get("provider_agb")?,
        municipality_code: r.try_get("municipality_code")?,
        bsn: r.try_get("bsn")?,
        youth_id: r.try_get("youth_id")?,
        youth_name: r.try_get("youth_name")?,
        case_id: r.try_get("case_id")?,
        reference: r.try_get("reference")?,
        product_category: r.try_get("product_category")?,
        product_code: r.try_get("product_code")?,
        start_on: date(&start)?,
        end_on: opt_date(r, "end_on")?,
        volume: r.try_get("volume")?,
        unit: r.try_get("unit")?,
        frequency: r.try_get("frequency")?,
        comment: r.try_get("comment")?,
        referrer_type: r.try_get("referrer_type")?,
        referrer_code: r.try_get("referrer_code")?,
        status: r.try_get("status")?,
        access_request_id: r.try_get("access_request_id")?,
        created_at: r.try_get("created_at")?,
    })
}

/// The requests within the scope; only those still to settle when `open_only`.
pub async fn requests(
    store: &Store,
    scope: &Scope,
    open_only: bool,
) -> Result<Vec<ProviderRequest>> {
    let (scope_sql, binds) = scope.filter("r.municipality_code", "r.provider_id", 1);
    let open = if open_only {
        " AND r.status IN ('open','investigating')"
    } else {
        ""
    };
    let sql =
        format!("{SELECT} WHERE 1 = 1{open}{scope_sql} ORDER BY r.created_at, r.id LIMIT 500");
    let mut q = sqlx::query(&sql);
    for b in binds {
        q = q.bind(b);
    }
    q.fetch_all(store.pool())
        .await?
        .iter()
        .map(from_row)
        .collect()
}

pub async fn request(conn: &mut sqlx::AnyConnection, id: &str) -> Result<ProviderRequest> {
    let r = sqlx::query(&format!("{SELECT} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(Error::NotFound)?;
    from_row(&r)
}

fn settled() -> Error {
    Error::Invalid(FieldError::new(
        "status",
        "Dit verzoek is al afgehandeld.",
        "This request has been settled already.",
    ))
}

/// The CJG's answer without an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Refused, with the reason (code list WJ759).
    Refused(RedenAfwijzingVerzoek),
    /// Under investigation: the decision follows.
    Investigating,
}

/// Answers a request with a JW319. Refused settles it; under investigation keeps it on
/// the work list (once: TR360, a second "under investigation" is not allowed).
pub async fn answer(
    tx: &mut Tx,
    actor: &Actor,
    id: &str,
    answer: Answer,
    today: NaiveDate,
) -> Result<String> {
    let r = request(tx, id).await?;
    match (r.status.as_str(), answer) {
        ("open", _) | ("investigating", Answer::Refused(_)) => {}
        ("investigating", Answer::Investigating) => {
            return Err(Error::Invalid(FieldError::new(
                "answer",
                "Dit verzoek is al in onderzoek.",
                "This request is already under investigation.",
            )));
        }
        _ => return Err(settled()),
    }
    let ident =
        next_identification(tx, &r.municipality_code, eenplan_ijw::MessageType::Jw319).await?;
    let (code, reason) = match answer {
        Answer::Refused(why) => (VerzoekAntwoord::VerzoekAfgewezen, Some(why)),
        Answer::Investigating => (VerzoekAntwoord::AanvraagInOnderzoek, None),
    };
    let msg = Message::Jw319(Jw319 {
        header: Header::new(&r.municipality_code, &r.provider_agb, ident, today),
        antwoord: jw319::Antwoord {
            referentie_aanbieder: r.reference.clone(),
            verzoek_antwoord: code,
            reden_afwijzing_verzoek: reason,
            woonplaatsbeginsel: None,
        },
    });
    let message_id = queue(
        tx,
        &msg,
        &Links {
            youth_id: r.youth_id.clone(),
            provider_id: Some(r.provider_id.clone()),
            municipality_code: Some(r.municipality_code.clone()),
            answer_to: Some(r.message_id.clone()),
        },
    )
    .await?;
    let status = match answer {
        Answer::Refused(_) => "rejected",
        Answer::Investigating => "investigating",
    };
    let done = sqlx::query(
        "UPDATE ijw_requests SET status = $1, answer_id = $2 WHERE id = $3 AND status = $4",
    )
    .bind(status)
    .bind(&message_id)
    .bind(id)
    .bind(&r.status)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(Error::Conflict);
    }
    audit::append(
        tx,
        actor,
        &Event::new("ijw.request.answer", Action::Update)
            .object("ijw_request", id)
            .clients(r.youth_id.iter().cloned().collect::<Vec<_>>()),
    )
    .await?;
    Ok(message_id)
}

/// Makes a draft access request on the youth's case from the provider's request, with
/// its product, provider and effort; the CJG completes and submits it as any other.
pub async fn make_access_request(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    id: &str,
    today: NaiveDate,
) -> Result<String> {
    let r = request(tx, id).await?;
    if !matches!(r.status.as_str(), "open" | "investigating") || r.access_request_id.is_some() {
        return Err(settled());
    }
    let (Some(youth_id), Some(case_id)) = (r.youth_id.clone(), r.case_id.clone()) else {
        return Err(Error::Invalid(FieldError::new(
            "case",
            "Deze jeugdige heeft geen open casus: meld het gezin eerst aan.",
            "This youth has no open case: register the family first.",
        )));
    };
    let product_id: Option<String> = sqlx::query_scalar("SELECT id FROM products WHERE code = $1")
        .bind(&r.product_code)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(product_id) = product_id else {
        return Err(Error::Invalid(FieldError::new(
            "product",
            "Het gevraagde product staat niet in de catalogus.",
            "The requested product is not in the catalogue.",
        )));
    };
    let comment = if r.comment.is_empty() {
        String::new()
    } else {
        format!(": {}", r.comment)
    };
    // A legal referrer of the request stays the referrer; the municipality (01) and
    // the referrers the access request does not know are the CJG's own access.
    let referrer = match (
        r.referrer_type.as_deref().and_then(ReferrerType::parse),
        &r.referrer_code,
    ) {
        (Some(t), Some(code)) if t != ReferrerType::Cjg => (t, Some(code.clone())),
        _ => (ReferrerType::Cjg, None),
    };
    let input = RequestInput {
        youth_id,
        referrer_type: referrer.0,
        referrer_code: referrer.1,
        reason: format!(
            "Verzoek om toewijzing van {} (referentie {}){comment}",
            r.provider_name, r.reference
        ),
        product_id,
        funding: Funding::InKind,
        provider_id: Some(r.provider_id.clone()),
        results: vec![ResultInput {
            text: format!("Resultaten volgens het verzoek van {}", r.provider_name),
            goal_id: None,
        }],
        effort: EffortInput {
            volume: r.volume,
            unit: r.unit.as_deref().and_then(Unit::parse),
            frequency: r.frequency.as_deref().and_then(Frequency::parse),
            start_on: Some(r.start_on),
            end_on: r.end_on,
            pgb_cents: None,
        },
    };
    let access_id = access::create_request(tx, actor, user_id, &case_id, &input, today).await?;
    sqlx::query("UPDATE ijw_requests SET access_request_id = $1 WHERE id = $2")
        .bind(&access_id)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(access_id)
}
