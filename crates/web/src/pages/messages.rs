//! iJw messages (berichten): the stored messages with search, one message with its XML,
//! a provider's delivery of a message, the CJG's work list of the providers' requests
//! (JW315) with their answers, and the reconciliation per youth and per provider.
//!
//! Access: `ExchangeMessages` (the route group). The CJG's professionals see the
//! messages of the municipalities their teams serve and settle requests; a provider's
//! staff see their own organisation's and deliver messages. Every list and message read
//! is audited with the youths it names. The API (`api::messages`) calls the same
//! actions.

use super::{Chrome, Fields, answer_form, form_page, local_time, render};
use crate::AppState;
use crate::auth::{Auth, AuthContext};
use crate::error::{AppError, Problem};
use crate::extract::{CsrfForm, Path, Query};
use crate::i18n::{Lang, Tr};
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use eenplan_domain::Role;
use eenplan_ijw::MessageType;
use eenplan_ijw::codes::RedenAfwijzingVerzoek;
use eenplan_store::audit::{self, Action, Event};
use eenplan_store::ijw::receive::{self, Incoming, Origin, Received};
use eenplan_store::ijw::reconcile::{self, Reconciliation, Subject};
use eenplan_store::ijw::requests::{self, Answer, ProviderRequest};
use eenplan_store::ijw::{self, MessageRow, Scope, Search};
use serde::Deserialize;

/// Whose messages the user sees.
pub async fn scope_of(app: &AppState, ctx: &AuthContext) -> Result<Scope, AppError> {
    Ok(match ctx.principal.role {
        Role::ProviderStaff => Scope::Provider(ctx.principal.organisation_id.clone()),
        _ => Scope::of_professional(&app.store, &ctx.principal.user_id).await?,
    })
}

fn is_provider(ctx: &AuthContext) -> bool {
    ctx.principal.role == Role::ProviderStaff
}

/// Refuses (403, audited) what only the CJG does.
async fn cjg_only(app: &AppState, ctx: &AuthContext, what: &str) -> Result<(), AppError> {
    if is_provider(ctx) {
        return Err(super::refuse(app, ctx, "access.refused", (what, "cjg")).await);
    }
    Ok(())
}

/// The distinct youths a list names, for its audit record.
pub fn distinct(ids: impl IntoIterator<Item = String>) -> Vec<String> {
    ids.into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchQuery {
    #[serde(default, alias = "type")]
    pub soort: String,
    #[serde(default, alias = "direction")]
    pub richting: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub bsn: String,
    #[serde(default, alias = "identification")]
    pub identificatie: String,
}

impl SearchQuery {
    fn search(&self) -> Result<Search, AppError> {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let message_type = match some(&self.soort) {
            None => None,
            Some(t) => Some(MessageType::from_name(&t.to_uppercase()).ok_or_else(|| {
                AppError::invalid(Problem::new(
                    "soort",
                    "Kies een berichtsoort als JW301.",
                    "Choose a message type such as JW301.",
                ))
            })?),
        };
        let direction = some(&self.richting);
        if direction
            .as_deref()
            .is_some_and(|d| !matches!(d, "in" | "out"))
        {
            return Err(AppError::invalid(Problem::new(
                "richting",
                "Richting is in of out.",
                "Direction is in or out.",
            )));
        }
        let status = some(&self.status);
        if status
            .as_deref()
            .is_some_and(|s| !matches!(s, "accepted" | "rejected" | "queued" | "sent"))
        {
            return Err(AppError::invalid(Problem::new(
                "status",
                "Status is accepted, rejected, queued of sent.",
                "Status is accepted, rejected, queued or sent.",
            )));
        }
        Ok(Search {
            message_type,
            direction,
            status,
            bsn: some(&self.bsn),
            youth_id: None,
            identification: some(&self.identificatie),
            limit: 200,
        })
    }
}

/// Searches the messages in the user's scope, audited with the youths they name.
pub async fn search_action(
    app: &AppState,
    ctx: &AuthContext,
    q: &SearchQuery,
) -> Result<Vec<MessageRow>, AppError> {
    let search = q.search()?;
    let scope = scope_of(app, ctx).await?;
    let rows = ijw::search(&app.store, &scope, &search).await?;
    audit::record(
        &app.store,
        &ctx.actor(),
        &Event::new("ijw.search", Action::Read)
            .object("ijw_messages", "search")
            .clients(distinct(rows.iter().filter_map(|r| r.youth_id.clone()))),
    )
    .await?;
    Ok(rows)
}

/// One message with its XML, if the user's scope holds it (403 otherwise, audited).
pub async fn message_action(
    app: &AppState,
    ctx: &AuthContext,
    id: &str,
) -> Result<(MessageRow, String), AppError> {
    let (row, xml) = ijw::message(&app.store, id).await?;
    if !scope_of(app, ctx).await?.allows(&row) {
        return Err(super::refuse(app, ctx, "access.refused", ("ijw_message", id)).await);
    }
    audit::record(
        &app.store,
        &ctx.actor(),
        &Event::new("ijw.message.read", Action::Read)
            .object("ijw_message", id)
            .clients(row.youth_id.iter().cloned().collect::<Vec<_>>()),
    )
    .await?;
    Ok((row, xml))
}

/// What a provider handed in: a message, or only the size of one too large to read.
pub enum Delivered {
    Message(Vec<u8>),
    TooLarge(u64),
}

/// A provider delivers a message (the sender must be its own organisation). It is read
/// before the write transaction starts (see `Incoming`).
pub async fn deliver_action(
    app: &AppState,
    ctx: &AuthContext,
    delivered: Delivered,
) -> Result<Received, AppError> {
    if !is_provider(ctx) {
        return Err(super::refuse(app, ctx, "access.refused", ("ijw", "deliver")).await);
    }
    let today = eenplan_store::today();
    let incoming = match delivered {
        Delivered::Message(bytes) => Incoming::read_apart(bytes, today).await?,
        Delivered::TooLarge(size) => Incoming::oversized(size, today),
    };
    let r = receive::receive_read(
        &app.store,
        &ctx.actor(),
        Origin::Provider(&ctx.principal.organisation_id),
        &incoming,
    )
    .await?;
    Ok(r)
}

// ------------------------------------------------------------------ pages

pub struct MessageLine {
    pub row: MessageRow,
    pub at: String,
}

#[derive(Template)]
#[template(path = "messages.html")]
pub struct MessagesPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub q: SearchQuery,
    pub lines: Vec<MessageLine>,
    pub provider: bool,
    pub types: Vec<&'static str>,
}

pub async fn list(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Query(q): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let (lines, errors) = match search_action(&app, &ctx, &q).await {
        Ok(rows) => (
            rows.into_iter()
                .map(|row| MessageLine {
                    at: local_time(&row.created_at),
                    row,
                })
                .collect(),
            Vec::new(),
        ),
        Err(AppError::Invalid(errors)) => (Vec::new(), errors),
        Err(e) => return Err(e),
    };
    let invalid = !errors.is_empty();
    Ok(form_page(
        render(&MessagesPage {
            t: Tr(lang),
            chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/berichten"),
            errors,
            q,
            lines,
            provider: is_provider(&ctx),
            types: TYPES.to_vec(),
        }),
        invalid,
    ))
}

const TYPES: [&str; 14] = [
    "JW301", "JW302", "JW305", "JW306", "JW307", "JW308", "JW315", "JW316", "JW317", "JW318",
    "JW319", "JW320", "JW323", "JW325",
];

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub t: Tr,
    pub chrome: Chrome,
    pub row: MessageRow,
    pub at: String,
    pub xml: String,
}

pub async fn show(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (row, xml) = message_action(&app, &ctx, &id).await?;
    Ok(render(&MessagePage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/berichten"),
        at: local_time(&row.created_at),
        row,
        xml,
    })
    .into_response())
}

/// The XML exactly as sent or received.
pub fn xml_response(row: &MessageRow, xml: String) -> Response {
    let name = format!(
        "{}_{}_{}.xml",
        row.message_type, row.sender, row.identification
    )
    .replace(
        |c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '.',
        "-",
    );
    (
        [
            (
                header::CONTENT_TYPE,
                "application/xml; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        xml,
    )
        .into_response()
}

pub async fn download(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (row, xml) = message_action(&app, &ctx, &id).await?;
    Ok(xml_response(&row, xml))
}

#[derive(Template)]
#[template(path = "message_delivered.html")]
pub struct DeliveredPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub f: Fields,
    pub received: Option<Received>,
    pub refusal: String,
}

impl DeliveredPage {
    pub fn has_error(&self, field: &str) -> bool {
        super::has_error(&self.errors, field)
    }
}

/// The provider's form to deliver a message by pasting its XML.
pub async fn deliver_form(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Response, AppError> {
    if !is_provider(&ctx) {
        return Err(super::refuse(&app, &ctx, "access.refused", ("ijw", "deliver")).await);
    }
    Ok(render(&DeliveredPage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/berichten"),
        errors: Vec::new(),
        f: Fields::default(),
        received: None,
        refusal: String::new(),
    })
    .into_response())
}

pub async fn deliver(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    if !is_provider(&ctx) {
        return Err(super::refuse(&app, &ctx, "access.refused", ("ijw", "deliver")).await);
    }
    let xml = f.get("xml").trim().to_owned();
    let chrome = Chrome::for_user(&ctx, lang, app.config.demo_mode, "/berichten");
    if xml.is_empty() {
        let errors = vec![Problem::new(
            "xml",
            "Plak het XML-bericht in het veld.",
            "Paste the XML message into the field.",
        )];
        return Ok(form_page(
            render(&DeliveredPage {
                t: Tr(lang),
                chrome,
                errors,
                f,
                received: None,
                refusal: String::new(),
            }),
            true,
        ));
    }
    let received = deliver_action(&app, &ctx, Delivered::Message(xml.into_bytes())).await?;
    let refusal = received
        .refusal
        .as_ref()
        .map(|r| lang.pick(&r.nl, &r.en).to_owned())
        .unwrap_or_default();
    let invalid = !received.accepted;
    Ok(form_page(
        render(&DeliveredPage {
            t: Tr(lang),
            chrome,
            errors: Vec::new(),
            f: if invalid { f } else { Fields::default() },
            received: Some(received),
            refusal,
        }),
        invalid,
    ))
}

// ------------------------------------------------------------------ requests (JW315)

#[derive(Template)]
#[template(path = "ijw_requests.html")]
pub struct RequestsPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub requests: Vec<ProviderRequest>,
    pub cjg: bool,
    pub reasons: Vec<(&'static str, &'static str)>,
}

/// The requests in the user's scope: still to settle, or all.
pub async fn requests_action(
    app: &AppState,
    ctx: &AuthContext,
    open_only: bool,
) -> Result<Vec<ProviderRequest>, AppError> {
    let scope = scope_of(app, ctx).await?;
    let list = requests::requests(&app.store, &scope, open_only).await?;
    let clients = distinct(list.iter().filter_map(|r| r.youth_id.clone()));
    audit::record(
        &app.store,
        &ctx.actor(),
        &Event::new("ijw.request.list", Action::Read)
            .object("ijw_requests", if open_only { "open" } else { "all" })
            .clients(clients),
    )
    .await?;
    Ok(list)
}

async fn requests_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    errors: Vec<Problem>,
) -> Result<RequestsPage, AppError> {
    Ok(RequestsPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, "/berichten/verzoeken"),
        errors,
        requests: requests_action(app, ctx, true).await?,
        cjg: !is_provider(ctx),
        reasons: RedenAfwijzingVerzoek::ALL
            .iter()
            .map(|r| (r.code(), r.description()))
            .collect(),
    })
}

pub async fn request_list(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Response, AppError> {
    Ok(render(&requests_page(&app, &ctx, lang, Vec::new()).await?).into_response())
}

/// The request, if the user's scope holds it (403 otherwise, audited).
async fn request_in_scope(
    app: &AppState,
    ctx: &AuthContext,
    id: &str,
) -> Result<ProviderRequest, AppError> {
    let mut conn = app
        .store
        .pool()
        .acquire()
        .await
        .map_err(eenplan_store::Error::from)?;
    let r = requests::request(&mut conn, id).await?;
    drop(conn);
    let scope = scope_of(app, ctx).await?;
    if !scope.holds(Some(&r.municipality_code), Some(&r.provider_id)) {
        return Err(super::refuse(app, ctx, "access.refused", ("ijw_request", id)).await);
    }
    Ok(r)
}

/// Answers a request (JW319): `refuse` with a reason (WJ759) or `investigate`.
pub async fn answer_action(
    app: &AppState,
    ctx: &AuthContext,
    id: &str,
    answer: &str,
    reason: &str,
) -> Result<String, AppError> {
    cjg_only(app, ctx, "ijw_request").await?;
    request_in_scope(app, ctx, id).await?;
    let answer = match answer {
        "refuse" => Answer::Refused(RedenAfwijzingVerzoek::from_code(reason.trim()).ok_or_else(
            || {
                AppError::invalid(Problem::new(
                    "reason",
                    "Kies de reden van de afwijzing.",
                    "Choose the reason for the refusal.",
                ))
            },
        )?),
        "investigate" => Answer::Investigating,
        _ => {
            return Err(AppError::invalid(Problem::new(
                "answer",
                "Kies: afwijzen of in onderzoek.",
                "Choose: refuse or under investigation.",
            )));
        }
    };
    let mut tx = app.store.begin().await?;
    let message =
        requests::answer(&mut tx, &ctx.actor(), id, answer, eenplan_store::today()).await?;
    tx.commit().await?;
    Ok(message)
}

pub async fn answer_request(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = answer_action(&app, &ctx, &id, f.get("answer"), f.get("reason"))
        .await
        .map(|message| format!("/berichten/{message}"));
    answer_form(result, |errors| requests_page(&app, &ctx, lang, errors)).await
}

/// Makes a draft access request on the youth's case from the provider's request.
pub async fn make_request_action(
    app: &AppState,
    ctx: &AuthContext,
    id: &str,
) -> Result<String, AppError> {
    cjg_only(app, ctx, "ijw_request").await?;
    request_in_scope(app, ctx, id).await?;
    let mut tx = app.store.begin().await?;
    let access = requests::make_access_request(
        &mut tx,
        &ctx.actor(),
        &ctx.principal.user_id,
        id,
        eenplan_store::today(),
    )
    .await?;
    tx.commit().await?;
    Ok(access)
}

pub async fn make_request(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = make_request_action(&app, &ctx, &id)
        .await
        .map(|access| format!("/toegang/{access}"));
    answer_form(result, |errors| requests_page(&app, &ctx, lang, errors)).await
}

// ------------------------------------------------------------------ reconciliation

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReconcileQuery {
    #[serde(default, alias = "youth_id")]
    pub jeugdige: String,
    #[serde(default, alias = "provider_id")]
    pub aanbieder: String,
    /// The decisions running within `van`..=`tot` (YYYY-MM-DD); by default those of the
    /// last three months and the coming year.
    #[serde(default, alias = "from")]
    pub van: String,
    #[serde(default, alias = "to")]
    pub tot: String,
}

impl ReconcileQuery {
    fn period(&self) -> Result<(chrono::NaiveDate, chrono::NaiveDate), AppError> {
        let today = eenplan_store::today();
        let date = |field: &str, s: &str, default: chrono::NaiveDate| {
            let s = s.trim();
            if s.is_empty() {
                return Ok(default);
            }
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                AppError::invalid(Problem::new(
                    field,
                    "Geef een datum als 2026-01-31.",
                    "Give a date such as 2026-01-31.",
                ))
            })
        };
        let from = date("van", &self.van, today - chrono::Duration::days(92))?;
        let to = date("tot", &self.tot, today + chrono::Duration::days(365))?;
        if to < from {
            return Err(AppError::invalid(Problem::new(
                "tot",
                "De einddatum ligt vóór de begindatum.",
                "The end date lies before the start date.",
            )));
        }
        Ok((from, to))
    }
}

/// The reconciliation of a youth or a provider within the user's scope (a provider's
/// staff: their own organisation), audited with the youths it names.
pub async fn reconcile_action(
    app: &AppState,
    ctx: &AuthContext,
    q: &ReconcileQuery,
) -> Result<Option<Reconciliation>, AppError> {
    let scope = scope_of(app, ctx).await?;
    let subject = match (q.jeugdige.trim(), q.aanbieder.trim(), &scope) {
        ("", "", Scope::Provider(own)) => Subject::Provider(own.clone()),
        ("", "", _) => return Ok(None),
        (youth, "", _) => Subject::Youth(youth.to_owned()),
        (_, provider, _) => Subject::Provider(provider.to_owned()),
    };
    let result = reconcile::reconcile(
        &app.store,
        &scope,
        &subject,
        q.period()?,
        eenplan_store::today(),
    )
    .await?;
    let clients = distinct(result.lines.iter().map(|l| l.youth_id.clone()));
    audit::record(
        &app.store,
        &ctx.actor(),
        &Event::new("ijw.reconcile", Action::Read)
            .object(
                match subject {
                    Subject::Youth(_) => "person",
                    Subject::Provider(_) => "organisation",
                },
                match &subject {
                    Subject::Youth(id) | Subject::Provider(id) => id.as_str(),
                },
            )
            .clients(clients),
    )
    .await?;
    Ok(Some(result))
}

#[derive(Template)]
#[template(path = "reconcile.html")]
pub struct ReconcilePage {
    pub t: Tr,
    pub chrome: Chrome,
    pub q: ReconcileQuery,
    pub providers: Vec<(String, String)>,
    pub result: Option<Reconciliation>,
    pub provider: bool,
    pub max_lines: usize,
}

impl ReconcilePage {
    pub fn volume(&self, x100: &i64) -> String {
        super::access::units_text(*x100)
    }
    pub fn kind(&self, m: &reconcile::Mismatch) -> &'static str {
        if self.t.is_en() {
            m.kind.label_en()
        } else {
            m.kind.label_nl()
        }
    }
}

pub async fn reconciliation(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Query(q): Query<ReconcileQuery>,
) -> Result<Response, AppError> {
    let result = reconcile_action(&app, &ctx, &q).await?;
    let providers = sqlx::query_as::<_, (String, String)>(
        "SELECT id, name FROM organisations WHERE org_type = 'provider' ORDER BY name",
    )
    .fetch_all(app.store.pool())
    .await
    .map_err(eenplan_store::Error::from)?;
    Ok(render(&ReconcilePage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/berichten/afstemming"),
        q,
        providers,
        result,
        provider: is_provider(&ctx),
        max_lines: reconcile::MAX_LINES,
    })
    .into_response())
}
