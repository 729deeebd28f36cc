//! The API of the iJw messages: a provider delivers a message and gets its retour
//! message, fetches the messages addressed to it (the outbox) and acknowledges them; the
//! CJG searches messages, settles requests and reads the reconciliation. The same
//! actions, scopes and audit as the pages (`eenplan_app::messages`).

use crate::AppState;
use crate::auth::Auth;
use crate::download::xml_response;
use crate::error::{AppError, ErrorBody, Problem};
use crate::extract::{ApiJson, Path, Query};
use crate::extract::{BodyError, read_body};
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use eenplan_app::messages::{
    self as messages, AnswerRequest, Delivered, ReconcileQuery, SearchQuery, deliver_action,
    distinct, make_request_action, message_action, reconcile_action, requests_action, scope_of,
    search_action,
};
use eenplan_ijw::MAX_MESSAGE_BYTES;
use eenplan_store::audit::{self, Action, Event};
use eenplan_store::ijw::receive::RefusalKind;
use eenplan_store::ijw::reconcile::Reconciliation;
use eenplan_store::ijw::requests::ProviderRequest;
use eenplan_store::ijw::{self, MessageRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

type ApiResult<T> = Result<T, AppError>;

/// What became of a delivered message.
#[derive(Serialize, ToSchema)]
pub struct Delivery {
    pub message_id: String,
    /// The message type, when it could be read.
    pub message_type: Option<String>,
    /// Whether anything of it was applied (a retour code on a record refuses that record).
    pub accepted: bool,
    pub retour_codes: Vec<String>,
    /// The retour message (JW306, JW308, JW316, JW318, JW325), already in the outbox.
    pub retour_id: Option<String>,
    pub retour_xml: Option<String>,
}

/// Delivers one iJw message (the request body, `application/xml`, at most 25 MiB, OP179) from
/// the provider's own organisation. 200 with the retour message when it could be read
/// (the retour codes say what was refused); 422 when it is not XML, not iJw, against
/// the XSD, or has an entity declaration; 413 when too large; 403 when the sender is not
/// the caller's organisation. Audited.
#[utoipa::path(post, path = "/api/v1/ijw/messages", tag = "ijw", request_body(content = String, content_type = "application/xml"),
    responses((status = 200, body = Delivery), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn deliver(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // The share of the memory budget is held until the message has been received.
    let (delivered, _share) = match read_body(body, declared, MAX_MESSAGE_BYTES).await {
        Ok(body) => (Delivered::Message(body.bytes), Some(body.share)),
        Err(BodyError::TooLarge(size)) => (Delivered::TooLarge(size), None),
        Err(e) => return Err(e.into()),
    };
    let r = deliver_action(&app.store, &ctx.caller(), delivered).await?;
    if let Some(refusal) = &r.refusal {
        let problem = Problem::new("message", &refusal.nl, &refusal.en);
        return Err(match refusal.kind {
            RefusalKind::TooLarge => AppError::TooLarge {
                limit: MAX_MESSAGE_BYTES,
            },
            RefusalKind::WrongSender => AppError::Forbidden,
            RefusalKind::Unreadable | RefusalKind::NotFromProvider => AppError::invalid(problem),
        });
    }
    Ok(Json(Delivery {
        message_id: r.message_id,
        message_type: r.message_type.map(|t| t.name().to_owned()),
        accepted: r.accepted,
        retour_codes: r.retour_codes,
        retour_id: r.retour_id,
        retour_xml: r.retour_xml,
    })
    .into_response())
}

/// The filters of a message list. A BSN is refused here (it does not belong in a URL):
/// search by BSN with `POST /api/v1/ijw/messages/search`.
#[derive(Deserialize, IntoParams, Default)]
#[serde(deny_unknown_fields)]
pub struct MessageParams {
    /// JW301 ... JW325.
    #[serde(rename = "type")]
    pub message_type: Option<String>,
    /// `in` (from providers) or `out` (to providers).
    pub direction: Option<String>,
    /// `accepted`, `rejected` (received) or `queued`, `sent` (outgoing).
    pub status: Option<String>,
    pub identification: Option<String>,
}

/// The filters of a message search, a BSN among them, in the body.
#[derive(Deserialize, ToSchema, Default)]
pub struct MessageSearch {
    /// JW301 ... JW325.
    #[serde(rename = "type", default)]
    pub message_type: Option<String>,
    /// `in` (from providers) or `out` (to providers).
    #[serde(default)]
    pub direction: Option<String>,
    /// `accepted`, `rejected` (received) or `queued`, `sent` (outgoing).
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub bsn: Option<String>,
    #[serde(default)]
    pub identification: Option<String>,
}

impl From<MessageSearch> for SearchQuery {
    fn from(p: MessageSearch) -> SearchQuery {
        SearchQuery {
            soort: p.message_type.unwrap_or_default(),
            richting: p.direction.unwrap_or_default(),
            status: p.status.unwrap_or_default(),
            bsn: p.bsn.unwrap_or_default(),
            identificatie: p.identification.unwrap_or_default(),
        }
    }
}

/// The stored messages in the caller's scope, newest first (at most 200). Audited.
#[utoipa::path(get, path = "/api/v1/ijw/messages", tag = "ijw", params(MessageParams),
    responses((status = 200, body = [MessageRow]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Query(p): Query<MessageParams>,
) -> ApiResult<Json<Vec<MessageRow>>> {
    let q = MessageSearch {
        message_type: p.message_type,
        direction: p.direction,
        status: p.status,
        bsn: None,
        identification: p.identification,
    };
    Ok(Json(
        search_action(&app.store, &ctx.caller(), &q.into()).await?,
    ))
}

/// The stored messages in the caller's scope that match, newest first (at most 200),
/// searched by BSN among others. Audited.
#[utoipa::path(post, path = "/api/v1/ijw/messages/search", tag = "ijw", request_body = MessageSearch,
    responses((status = 200, body = [MessageRow]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn search(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    ApiJson(p): ApiJson<MessageSearch>,
) -> ApiResult<Json<Vec<MessageRow>>> {
    Ok(Json(
        search_action(&app.store, &ctx.caller(), &p.into()).await?,
    ))
}

/// One message, its XML exactly as sent or received. Audited.
#[utoipa::path(get, path = "/api/v1/ijw/messages/{id}", tag = "ijw", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/xml", body = String), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_message(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (row, xml) = message_action(&app.store, &ctx.caller(), &id).await?;
    Ok(xml_response(&row, xml))
}

#[derive(Serialize, ToSchema)]
pub struct OutboxMessage {
    pub id: String,
    pub message_type: String,
    pub identification: String,
    pub receiver: String,
    pub xml: String,
}

/// The messages waiting for the caller's organisation (oldest first, at most 100);
/// acknowledge each with `POST /api/v1/ijw/outbox/{id}/ack`. Audited.
#[utoipa::path(get, path = "/api/v1/ijw/outbox", tag = "ijw",
    responses((status = 200, body = [OutboxMessage]), (status = 403, body = ErrorBody)))]
pub async fn outbox(
    State(app): State<AppState>,
    Auth(ctx): Auth,
) -> ApiResult<Json<Vec<OutboxMessage>>> {
    let scope = scope_of(&app.store, &ctx.caller()).await?;
    let list = ijw::outbox(&app.store, &scope, 100).await?;
    let clients = distinct(list.iter().filter_map(|(r, _)| r.youth_id.clone()));
    audit::record(
        &app.store,
        &ctx.actor(),
        &Event::new("ijw.outbox", Action::Read)
            .object("ijw_messages", "outbox")
            .clients(clients),
    )
    .await?;
    Ok(Json(
        list.into_iter()
            .map(|(r, xml)| OutboxMessage {
                id: r.id,
                message_type: r.message_type,
                identification: r.identification,
                receiver: r.receiver,
                xml,
            })
            .collect(),
    ))
}

/// Marks a fetched message as sent: it leaves the outbox. Only the provider it is
/// addressed to; audited.
#[utoipa::path(post, path = "/api/v1/ijw/outbox/{id}/ack", tag = "ijw", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn acknowledge(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    eenplan_app::messages::acknowledge(&app.store, &ctx.caller(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The providers' requests for an assignment (JW315) still to settle, in the caller's
/// scope. Audited.
#[utoipa::path(get, path = "/api/v1/ijw/requests", tag = "ijw",
    responses((status = 200, body = [ProviderRequest]), (status = 403, body = ErrorBody)))]
pub async fn list_requests(
    State(app): State<AppState>,
    Auth(ctx): Auth,
) -> ApiResult<Json<Vec<ProviderRequest>>> {
    Ok(Json(
        requests_action(&app.store, &ctx.caller(), true).await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct Settled {
    /// The JW319 sent, or the draft access request made.
    pub id: String,
}

/// Answers a request with a JW319 (the CJG only). 422 for a missing reason or a
/// request already settled.
#[utoipa::path(post, path = "/api/v1/ijw/requests/{id}/answer", tag = "ijw", params(("id" = String, Path)), request_body = AnswerRequest,
    responses((status = 200, body = Settled), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn answer(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    ApiJson(c): ApiJson<AnswerRequest>,
) -> ApiResult<Json<Settled>> {
    let id = messages::answer(&app.store, &ctx.caller(), &id, &c).await?;
    Ok(Json(Settled { id }))
}

/// Makes a draft access request on the youth's case from the request (the CJG only).
#[utoipa::path(post, path = "/api/v1/ijw/requests/{id}/access-request", tag = "ijw", params(("id" = String, Path)),
    responses((status = 200, body = Settled), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn make_access_request(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Settled>> {
    Ok(Json(Settled {
        id: make_request_action(&app.store, &ctx.caller(), &id).await?,
    }))
}

#[derive(Deserialize, IntoParams, Default)]
pub struct ReconcileParams {
    /// A youth (person id): their in-kind decisions at every provider.
    pub youth_id: Option<String>,
    /// A provider (organisation id): its decisions for every youth. A provider's staff
    /// get their own organisation's when neither is given.
    pub provider_id: Option<String>,
    /// The decisions running on or after this day (YYYY-MM-DD; default three months ago).
    pub from: Option<String>,
    /// The decisions running on or before this day (default a year ahead).
    pub to: Option<String>,
}

/// The reconciliation of a youth or a provider: decided, assigned, started, stopped and
/// declared per in-kind decision, with every mismatch named. Audited.
#[utoipa::path(get, path = "/api/v1/ijw/reconciliation", tag = "ijw", params(ReconcileParams),
    responses((status = 200, body = Reconciliation), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reconciliation(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Query(p): Query<ReconcileParams>,
) -> ApiResult<Json<Reconciliation>> {
    let q = ReconcileQuery {
        jeugdige: p.youth_id.unwrap_or_default(),
        aanbieder: p.provider_id.unwrap_or_default(),
        van: p.from.unwrap_or_default(),
        tot: p.to.unwrap_or_default(),
    };
    reconcile_action(&app.store, &ctx.caller(), &q)
        .await?
        .map(Json)
        .ok_or_else(|| {
            AppError::invalid(Problem::new(
                "youth_id",
                "Geef youth_id of provider_id.",
                "Give youth_id or provider_id.",
            ))
        })
}
