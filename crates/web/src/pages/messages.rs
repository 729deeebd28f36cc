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
use crate::download::xml_response;
use crate::error::{AppError, Problem};
use crate::extract::{CsrfForm, Path, Query};
use crate::i18n::{Lang, Tr};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use eenplan_app::messages::{
    self as messages, AnswerRequest, Delivered, ReconcileQuery, SearchQuery, deliver_action,
    is_provider, make_request_action, message_action, reconcile_action, requests_action,
    search_action,
};
use eenplan_ijw::codes::RedenAfwijzingVerzoek;
use eenplan_store::ijw::MessageRow;
use eenplan_store::ijw::receive::Received;
use eenplan_store::ijw::reconcile::{self, Reconciliation};
use eenplan_store::ijw::requests::ProviderRequest;

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

/// The message list, filtered by type, direction, status or identification in the
/// address; a search by BSN is posted (a BSN does not belong in a URL) and one in the
/// address is not used.
pub async fn list(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Query(mut q): Query<SearchQuery>,
) -> Result<Response, AppError> {
    q.bsn.clear();
    messages_page(app, lang, ctx, q).await
}

pub async fn search(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(q): CsrfForm<SearchQuery>,
) -> Result<Response, AppError> {
    messages_page(app, lang, ctx, q).await
}

async fn messages_page(
    app: AppState,
    lang: Lang,
    ctx: AuthContext,
    q: SearchQuery,
) -> Result<Response, AppError> {
    let (lines, errors) = match search_action(&app.store, &ctx.caller(), &q).await {
        Ok(rows) => (
            rows.into_iter()
                .map(|row| MessageLine {
                    at: local_time(&row.created_at),
                    row,
                })
                .collect(),
            Vec::new(),
        ),
        Err(eenplan_app::Error::Invalid(errors)) => (Vec::new(), errors),
        Err(e) => return Err(e.into()),
    };
    let invalid = !errors.is_empty();
    Ok(form_page(
        render(&MessagesPage {
            t: Tr(lang),
            chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/berichten"),
            errors,
            q,
            lines,
            provider: is_provider(&ctx.caller()),
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
    let (row, xml) = message_action(&app.store, &ctx.caller(), &id).await?;
    Ok(render(&MessagePage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/berichten"),
        at: local_time(&row.created_at),
        row,
        xml,
    })
    .into_response())
}

pub async fn download(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (row, xml) = message_action(&app.store, &ctx.caller(), &id).await?;
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
    if !is_provider(&ctx.caller()) {
        return Err(eenplan_app::refuse(
            &app.store,
            &ctx.caller(),
            "access.refused",
            ("ijw", "deliver"),
        )
        .await
        .into());
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
    if !is_provider(&ctx.caller()) {
        return Err(eenplan_app::refuse(
            &app.store,
            &ctx.caller(),
            "access.refused",
            ("ijw", "deliver"),
        )
        .await
        .into());
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
    let received = deliver_action(
        &app.store,
        &ctx.caller(),
        Delivered::Message(xml.into_bytes()),
    )
    .await?;
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
        requests: requests_action(&app.store, &ctx.caller(), true).await?,
        cjg: !is_provider(&ctx.caller()),
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

pub async fn answer_request(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = messages::answer(
        &app.store,
        &ctx.caller(),
        &id,
        &AnswerRequest::from_form(&f),
    )
    .await
    .map(|message| format!("/berichten/{message}"));
    answer_form(result, |errors| requests_page(&app, &ctx, lang, errors)).await
}

pub async fn make_request(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = make_request_action(&app.store, &ctx.caller(), &id)
        .await
        .map(|access| format!("/toegang/{access}"));
    answer_form(result, |errors| requests_page(&app, &ctx, lang, errors)).await
}

// ------------------------------------------------------------------ reconciliation

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
    let result = reconcile_action(&app.store, &ctx.caller(), &q).await?;
    let providers = eenplan_store::catalogue::providers(&app.store)
        .await?
        .into_iter()
        .map(|(id, name, _)| (id, name))
        .collect();
    Ok(render(&ReconcilePage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/berichten/afstemming"),
        q,
        providers,
        result,
        provider: is_provider(&ctx.caller()),
        max_lines: reconcile::MAX_LINES,
    })
    .into_response())
}
