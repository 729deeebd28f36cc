//! A message from a provider: read, checked (the standard's rules within the message,
//! then the rules that need earlier messages), applied record by record and answered
//! with its retour message, in one transaction. A record that breaks a rule is not
//! applied and gets the rule's retour code; a header or client that breaks one stops
//! the whole message. Nothing is ever half-applied: the transaction holds it all.

use super::{Links, next_identification, queue};
use crate::audit::{self, Action, Actor, Event};
use crate::{Result, Store, Tx, date, new_sorted_id, now};
use chrono::NaiveDate;
use eenplan_ijw::rules::{self, Level, Violation};
use eenplan_ijw::{MAX_MESSAGE_BYTES, Message, MessageType, ParseErrorKind};
use sqlx::Row;
use std::collections::HashMap;

/// Who delivered the message.
#[derive(Debug, Clone, Copy)]
pub enum Origin<'a> {
    /// A provider's user through the API: the sender must be that organisation.
    Provider(&'a str),
    /// The inbox folder of the hub connection.
    Folder,
}

/// Why a message was refused as a whole, without a retour message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    TooLarge,
    /// Not XML, not iJw, or against the XSD (the parser's reason says which).
    Unreadable,
    /// A message type that only municipalities send.
    NotFromProvider,
    /// The sender is not a known provider, or not the organisation that delivered it.
    WrongSender,
}

#[derive(Debug, Clone)]
pub struct Refusal {
    pub kind: RefusalKind,
    pub nl: String,
    pub en: String,
}

/// The outcome of receiving one message.
#[derive(Debug, Clone)]
pub struct Received {
    pub message_id: String,
    pub message_type: Option<MessageType>,
    pub accepted: bool,
    /// Every retour code the message got (the retour message holds them per level).
    pub retour_codes: Vec<String>,
    pub retour_id: Option<String>,
    pub retour_xml: Option<String>,
    pub refusal: Option<Refusal>,
}

/// A message read and checked on its own. Parsing and the standard's rules within the
/// message need no database, so they run before the transaction (and SQLite's write
/// queue) is taken, on a blocking thread: a large or hostile message never holds up
/// anyone else's writes.
pub struct Incoming {
    /// As received; PostgreSQL text holds no NUL, so those few bytes are replaced.
    text: String,
    read: std::result::Result<(Message, Vec<Violation>), Refusal>,
    /// The day it was read on: its rules and its retour message are dated by it.
    today: NaiveDate,
}

impl Incoming {
    /// Reads `bytes` here and now (tests, the demo, the command line's single file).
    pub fn read(bytes: &[u8], today: NaiveDate) -> Incoming {
        if bytes.len() > MAX_MESSAGE_BYTES {
            return Incoming::oversized(bytes.len() as u64, today);
        }
        let read = eenplan_ijw::parse(bytes)
            .map(|msg| {
                let violations = rules::check(&msg, today);
                (msg, violations)
            })
            .map_err(|e| Refusal {
                kind: if e.kind == ParseErrorKind::TooLarge {
                    RefusalKind::TooLarge
                } else {
                    RefusalKind::Unreadable
                },
                nl: e.nl(),
                en: e.to_string(),
            });
        // Copied after the parse, when its tree is gone: the peak holds one copy less.
        let text = String::from_utf8_lossy(bytes).replace('\0', "\u{FFFD}");
        Incoming { text, read, today }
    }

    /// Reads `bytes` on a blocking thread, so the async workers keep serving meanwhile.
    /// A panic while reading comes back as an error instead of ending the process.
    pub async fn read_apart(bytes: Vec<u8>, today: NaiveDate) -> Result<Incoming> {
        tokio::task::spawn_blocking(move || Incoming::read(&bytes, today))
            .await
            .map_err(|e| crate::Error::Panic(format!("reading an iJw message: {e}")))
    }

    /// An oversized message, refused without reading it.
    pub fn oversized(size: u64, today: NaiveDate) -> Incoming {
        Incoming {
            text: String::new(),
            read: Err(too_large(size)),
            today,
        }
    }
}

/// Reads one message apart, then receives it in its own transaction.
pub async fn receive(
    store: &Store,
    actor: &Actor,
    origin: Origin<'_>,
    bytes: Vec<u8>,
    today: NaiveDate,
) -> Result<Received> {
    let incoming = Incoming::read_apart(bytes, today).await?;
    receive_read(store, actor, origin, &incoming).await
}

/// Receives a message read before, in its own transaction.
pub async fn receive_read(
    store: &Store,
    actor: &Actor,
    origin: Origin<'_>,
    incoming: &Incoming,
) -> Result<Received> {
    let mut tx = store.begin().await?;
    let r = receive_in(&mut tx, actor, origin, incoming).await?;
    tx.commit().await?;
    Ok(r)
}

fn too_large(size: u64) -> Refusal {
    Refusal {
        kind: RefusalKind::TooLarge,
        nl: format!(
            "Het bericht is groter dan {MAX_MESSAGE_BYTES} bytes (25 MB, OP179): {size} bytes."
        ),
        en: format!(
            "The message is larger than {MAX_MESSAGE_BYTES} bytes (25 MB, OP179): {size} bytes."
        ),
    }
}

/// Receives one message read before within `tx` (the demo receives many per
/// transaction).
pub async fn receive_in(
    tx: &mut Tx,
    actor: &Actor,
    origin: Origin<'_>,
    incoming: &Incoming,
) -> Result<Received> {
    let (text, today) = (&incoming.text, incoming.today);
    let (msg, within) = match &incoming.read {
        Ok((msg, within)) => (msg, within),
        Err(refusal) => return refuse(tx, actor, origin, text, None, refusal.clone()).await,
    };
    let kind = msg.message_type();
    if !matches!(
        kind,
        MessageType::Jw302
            | MessageType::Jw305
            | MessageType::Jw307
            | MessageType::Jw315
            | MessageType::Jw317
            | MessageType::Jw323
    ) {
        let refusal = Refusal {
            kind: RefusalKind::NotFromProvider,
            nl: format!(
                "Een {} gaat van de gemeente naar de aanbieder, niet andersom.",
                kind.name()
            ),
            en: format!(
                "A {} goes from the municipality to the provider, not the other way.",
                kind.name()
            ),
        };
        return refuse(tx, actor, origin, text, Some(msg), refusal).await;
    }
    let header = msg.header();
    let provider: Option<String> = sqlx::query_scalar(
        "SELECT id FROM organisations WHERE agb_code = $1 AND org_type = 'provider'",
    )
    .bind(&header.afzender)
    .fetch_optional(&mut **tx)
    .await?;
    let provider = match (provider, origin) {
        (Some(p), Origin::Provider(own)) if p != own => None,
        (p, _) => p,
    };
    let Some(provider) = provider else {
        let refusal = Refusal {
            kind: RefusalKind::WrongSender,
            nl: format!(
                "Afzender {} is geen aanbieder waarvan dit bericht aangenomen wordt.",
                header.afzender
            ),
            en: format!(
                "Sender {} is not a provider this message is accepted from.",
                header.afzender
            ),
        };
        return refuse(tx, actor, origin, text, Some(msg), refusal).await;
    };

    let mut violations = within.clone();
    let municipality: Option<String> =
        sqlx::query_scalar("SELECT code FROM municipalities WHERE code = $1")
            .bind(&header.ontvanger)
            .fetch_optional(&mut **tx)
            .await?;
    if municipality.is_none() {
        violations.push(violation(
            "TR378",
            "S300",
            Level::Header,
            "Gemeentecode ongeldig",
        ));
    }
    let duplicate: Option<i64> = sqlx::query_scalar(
        "SELECT CAST(1 AS BIGINT) FROM ijw_messages WHERE direction = 'in' AND message_type = $1 AND sender = $2
            AND identification = $3 AND status = 'accepted'",
    )
    .bind(kind.name())
    .bind(&header.afzender)
    .bind(&header.identificatie)
    .fetch_optional(&mut **tx)
    .await?;
    if duplicate.is_some() {
        violations.push(violation(
            "TR056",
            "9056",
            Level::Header,
            "Identificatie moet uniek zijn",
        ));
    }
    let bsn = msg.bsn().map(str::to_owned);
    let youth_id: Option<String> = match &bsn {
        Some(b) => {
            sqlx::query_scalar("SELECT id FROM persons WHERE bsn = $1")
                .bind(b)
                .fetch_optional(&mut **tx)
                .await?
        }
        None => None,
    };

    let id = new_sorted_id();
    sqlx::query(
        "INSERT INTO ijw_messages (id, direction, message_type, sender, receiver, identification,
            dated_on, bsn, youth_id, provider_id, municipality_code, status, xml, created_at)
         VALUES ($1, 'in', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&id)
    .bind(kind.name())
    .bind(&header.afzender)
    .bind(&header.ontvanger)
    .bind(&header.identificatie)
    .bind(header.dagtekening.to_string())
    .bind(&bsn)
    .bind(&youth_id)
    .bind(&provider)
    .bind(&municipality)
    // A duplicate never claims the identification (the unique index), not even for
    // the moment until its status is set below.
    .bind(if duplicate.is_some() {
        "rejected"
    } else {
        "accepted"
    })
    .bind(text)
    .bind(now())
    .execute(&mut **tx)
    .await?;

    let whole = |v: &[Violation]| v.iter().any(|v| !matches!(v.level, Level::Product(_)));
    let mut ctx = Apply {
        message_id: &id,
        provider: &provider,
        municipality: municipality.as_deref().unwrap_or(""),
        bsn: bsn.as_deref(),
        youth_id: youth_id.as_deref(),
        links: Vec::new(),
        applied: 0,
        records: 0,
    };
    if !whole(&violations) {
        match msg {
            Message::Jw305(m) => start(tx, &mut ctx, m, &mut violations).await?,
            Message::Jw307(m) => stop(tx, &mut ctx, m, &mut violations).await?,
            Message::Jw315(m) => request(tx, &mut ctx, m, &mut violations).await?,
            Message::Jw323(m) => declaration(tx, &mut ctx, m, &mut violations).await?,
            Message::Jw302(m) => assignment_answer(tx, &mut ctx, m).await?,
            // A request for a change is kept and answered; the CJG reads it in the list.
            _ => ctx.applied = 1,
        }
    }
    let accepted = !whole(&violations) && (ctx.records == 0 || ctx.applied > 0);
    let mut codes: Vec<String> = violations.iter().map(|v| v.retourcode.to_owned()).collect();
    codes.dedup();
    sqlx::query("UPDATE ijw_messages SET status = $1, retour_codes = $2 WHERE id = $3")
        .bind(if accepted { "accepted" } else { "rejected" })
        .bind(codes.join(" "))
        .bind(&id)
        .execute(&mut **tx)
        .await?;
    // Many rows a statement: a declaration of thousands of records can be refused whole.
    const COLUMNS: usize = 9;
    for chunk in violations.chunks(400) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|r| {
                let marks: Vec<String> = (1..=COLUMNS)
                    .map(|c| crate::placeholder(tx, r * COLUMNS + c))
                    .collect();
                format!("({})", marks.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO ijw_refusals (message_id, position, level, retour_code, rule, detail, bsn,
                assignment_number, decision_id) VALUES {}",
            rows.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for v in chunk {
            let (position, level) = match v.level {
                Level::Header => (-1, "header"),
                Level::Client => (-1, "client"),
                Level::Product(i) => (i as i64, "product"),
            };
            let link = match v.level {
                Level::Product(i) => ctx.links.get(i).cloned().unwrap_or_default(),
                _ => RecordLink::default(),
            };
            q = q
                .bind(id.clone())
                .bind(position)
                .bind(level)
                .bind(v.retourcode)
                .bind(v.rule)
                .bind(v.detail.clone())
                .bind(link.bsn.or(bsn.clone()))
                .bind(link.number.map(i64::from))
                .bind(link.decision_id);
        }
        q.execute(&mut **tx).await?;
    }

    let (mut retour_id, mut retour_xml) = (None, None);
    if let Some(retour_type) = kind.retour() {
        // The retour keeps the direction its XSD fixes: only the JW325 is the
        // municipality's own; the others carry the provider as sender, so their
        // identification runs per provider.
        let sender = if retour_type == MessageType::Jw325 {
            header.ontvanger.as_str()
        } else {
            header.afzender.as_str()
        };
        let ident = next_identification(tx, sender, retour_type).await?;
        if let Some(answer) = eenplan_ijw::retour(msg, &violations, &ident, today) {
            let links = Links {
                youth_id: youth_id.clone(),
                provider_id: Some(provider.clone()),
                municipality_code: municipality.clone(),
                answer_to: Some(id.clone()),
            };
            retour_id = Some(queue(tx, &answer, &links).await?);
            retour_xml = Some(eenplan_ijw::to_xml(&answer));
        }
    }
    let clients: Vec<String> = youth_id.iter().cloned().collect();
    audit::append(
        tx,
        actor,
        &Event::new("ijw.receive", Action::Create)
            .object("ijw_message", &id)
            .clients(clients),
    )
    .await?;
    Ok(Received {
        message_id: id,
        message_type: Some(kind),
        accepted,
        retour_codes: codes,
        retour_id,
        retour_xml,
        refusal: None,
    })
}

fn violation(
    rule: &'static str,
    retourcode: &'static str,
    level: Level,
    detail: impl Into<String>,
) -> Violation {
    Violation {
        rule,
        retourcode,
        level,
        detail: detail.into(),
    }
}

/// Stores a message refused as a whole (no retour message) and audits the refusal.
async fn refuse(
    tx: &mut Tx,
    actor: &Actor,
    origin: Origin<'_>,
    text: &str,
    msg: Option<&Message>,
    refusal: Refusal,
) -> Result<Received> {
    let id = new_sorted_id();
    let h = msg.map(|m| m.header());
    let provider = match origin {
        Origin::Provider(p) => Some(p.to_owned()),
        Origin::Folder => None,
    };
    sqlx::query(
        "INSERT INTO ijw_messages (id, direction, message_type, sender, receiver, identification,
            dated_on, bsn, provider_id, status, reason, xml, created_at)
         VALUES ($1, 'in', $2, $3, $4, $5, $6, $7, $8, 'rejected', $9, $10, $11)",
    )
    .bind(&id)
    .bind(msg.map(|m| m.message_type().name()).unwrap_or(""))
    .bind(h.map(|h| h.afzender.as_str()).unwrap_or(""))
    .bind(h.map(|h| h.ontvanger.as_str()).unwrap_or(""))
    .bind(h.map(|h| h.identificatie.as_str()).unwrap_or(""))
    .bind(h.map(|h| h.dagtekening.to_string()))
    .bind(msg.and_then(|m| m.bsn()))
    .bind(provider)
    .bind(&refusal.en)
    .bind(text)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    let mut event = Event::new("ijw.receive", Action::Create).object("ijw_message", &id);
    event.outcome = audit::Outcome::Refused;
    audit::append(tx, actor, &event).await?;
    Ok(Received {
        message_id: id,
        message_type: msg.map(Message::message_type),
        accepted: false,
        retour_codes: Vec::new(),
        retour_id: None,
        retour_xml: None,
        refusal: Some(refusal),
    })
}

/// What a record of the message named, for the refusals and the reconciliation.
#[derive(Debug, Clone, Default)]
struct RecordLink {
    bsn: Option<String>,
    number: Option<u32>,
    decision_id: Option<String>,
}

struct Apply<'a> {
    message_id: &'a str,
    provider: &'a str,
    municipality: &'a str,
    bsn: Option<&'a str>,
    youth_id: Option<&'a str>,
    /// Per record, what it named.
    links: Vec<RecordLink>,
    records: usize,
    applied: usize,
}

/// An assignment as the database knows it.
#[derive(Clone)]
struct Assignment {
    decision_id: String,
    bsn: Option<String>,
    provider_id: String,
    start_on: NaiveDate,
    last_day: NaiveDate,
    category: String,
    code: String,
    unit: Option<String>,
    units_x100: i64,
    unit_price_cents: Option<i64>,
}

const ASSIGNMENT_SELECT: &str = "SELECT a.number, a.decision_id, y.bsn, a.provider_id, d.start_on,
        COALESCE(d.ended_on, d.end_on) AS last_day, p.category, p.code, d.unit,
        d.units_x100, d.unit_price_cents
     FROM ijw_assignments a
     JOIN decisions d ON d.id = a.decision_id
     JOIN persons y ON y.id = d.youth_id
     JOIN products p ON p.id = d.product_id
     WHERE a.municipality_code = $1 AND a.number";

fn assignment_of(r: &sqlx::any::AnyRow) -> Result<Assignment> {
    let start: String = r.try_get("start_on")?;
    let last: String = r.try_get("last_day")?;
    Ok(Assignment {
        decision_id: r.try_get("decision_id")?,
        bsn: r.try_get("bsn")?,
        provider_id: r.try_get("provider_id")?,
        start_on: date(&start)?,
        last_day: date(&last)?,
        category: r.try_get("category")?,
        code: r.try_get("code")?,
        unit: r.try_get("unit")?,
        units_x100: r.try_get("units_x100")?,
        unit_price_cents: r.try_get("unit_price_cents")?,
    })
}

async fn assignment(tx: &mut Tx, municipality: &str, number: u32) -> Result<Option<Assignment>> {
    let row = sqlx::query(&format!("{ASSIGNMENT_SELECT} = $2"))
        .bind(municipality)
        .bind(i64::from(number))
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(assignment_of).transpose()
}

/// The assignments of many numbers, in a few queries: a declaration names thousands.
async fn assignments(
    tx: &mut Tx,
    municipality: &str,
    mut numbers: Vec<u32>,
) -> Result<HashMap<u32, Assignment>> {
    numbers.sort_unstable();
    numbers.dedup();
    let mut found = HashMap::with_capacity(numbers.len());
    for chunk in numbers.chunks(500) {
        let marks: Vec<String> = (0..chunk.len())
            .map(|i| crate::placeholder(tx, i + 2))
            .collect();
        let mut sql = format!("{ASSIGNMENT_SELECT} IN ({})", marks.join(","));
        if crate::is_sqlite(tx) {
            sql = sql.replacen("$1", "?", 1);
        }
        let mut q = sqlx::query(&sql).bind(municipality);
        for n in chunk {
            q = q.bind(i64::from(*n));
        }
        for r in q.fetch_all(&mut **tx).await? {
            let number: i64 = r.try_get("number")?;
            found.insert(number as u32, assignment_of(&r)?);
        }
    }
    Ok(found)
}

/// The assignment a start or stop names, if it is this provider's for this client
/// (TR019: otherwise the record cannot be linked to an assignment).
async fn linked(
    tx: &mut Tx,
    ctx: &Apply<'_>,
    number: Option<u32>,
    bsn: Option<&str>,
) -> Result<Option<Assignment>> {
    let Some(number) = number else {
        return Ok(None);
    };
    Ok(assignment(tx, ctx.municipality, number)
        .await?
        .filter(|a| a.provider_id == ctx.provider && a.bsn.as_deref() == bsn))
}

/// The records the rules within the message refused, by position. A set: the violations
/// grow with every record refused, so scanning them per record would take time in the
/// square of the message's size.
fn refused_within(violations: &[Violation]) -> std::collections::HashSet<usize> {
    violations
        .iter()
        .filter_map(|v| match v.level {
            Level::Product(i) => Some(i),
            _ => None,
        })
        .collect()
}

/// Moves the decision's actual start and end to what the deliveries say: the first
/// start, and the last stop once no delivery is open.
async fn sync_actual_care(tx: &mut Tx, decision_id: &str) -> Result<()> {
    sqlx::query(
        "UPDATE decisions SET
            actual_start_on = (SELECT MIN(begin_on) FROM ijw_deliveries WHERE decision_id = $1),
            actual_end_on = CASE
                WHEN EXISTS (SELECT 1 FROM ijw_deliveries WHERE decision_id = $1 AND end_on IS NULL) THEN NULL
                ELSE (SELECT MAX(end_on) FROM ijw_deliveries WHERE decision_id = $1) END,
            version = version + 1, updated_at = $2
         WHERE id = $1",
    )
    .bind(decision_id)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

const FIRST: &str = "1";
const REMOVE: &str = "3";

/// JW305: the provider started the care.
async fn start(
    tx: &mut Tx,
    ctx: &mut Apply<'_>,
    m: &eenplan_ijw::Jw305,
    violations: &mut Vec<Violation>,
) -> Result<()> {
    let within = refused_within(violations);
    for (i, p) in m.client.start_producten.iter().enumerate() {
        ctx.records += 1;
        let a = linked(tx, ctx, p.toewijzing_nummer, ctx.bsn).await?;
        ctx.links.push(RecordLink {
            bsn: ctx.bsn.map(str::to_owned),
            number: p.toewijzing_nummer,
            decision_id: a.as_ref().map(|a| a.decision_id.clone()),
        });
        if within.contains(&i) {
            continue;
        }
        let Some(a) = a else {
            violations.push(violation(
                "TR019",
                "9019",
                Level::Product(i),
                "Het startbericht kan niet gekoppeld worden aan een toewijzing",
            ));
            continue;
        };
        let begin = p.begindatum.to_string();
        let existing: Option<Option<String>> = sqlx::query_scalar(
            "SELECT end_on FROM ijw_deliveries WHERE decision_id = $1 AND begin_on = $2",
        )
        .bind(&a.decision_id)
        .bind(&begin)
        .fetch_optional(&mut **tx)
        .await?;
        let refused = match (p.status_aanlevering.code(), &existing) {
            (FIRST, Some(_)) => Some(("TR074", "9074", "Er is al een start met dezelfde sleutel")),
            (FIRST, None) => {
                let open: Option<i64> = sqlx::query_scalar(
                    "SELECT CAST(1 AS BIGINT) FROM ijw_deliveries WHERE decision_id = $1 AND end_on IS NULL",
                )
                .bind(&a.decision_id)
                .fetch_optional(&mut **tx)
                .await?;
                open.map(|_| ("TR326", "9326", "De actuele levering is nog niet gestopt"))
            }
            (REMOVE, None) => Some(("TR063", "9063", "Er is geen start om te verwijderen")),
            (REMOVE, Some(Some(_))) => Some((
                "TR071",
                "9071",
                "De start kan niet verwijderd worden: de zorg is al gestopt",
            )),
            (REMOVE, Some(None)) => None,
            _ => Some((
                "TR063",
                "9063",
                "StatusAanlevering wordt hier niet gebruikt",
            )),
        };
        if let Some((rule, code, detail)) = refused {
            violations.push(violation(rule, code, Level::Product(i), detail));
            continue;
        }
        if p.status_aanlevering.code() == FIRST {
            sqlx::query(
                "INSERT INTO ijw_deliveries (id, decision_id, begin_on, start_message_id)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(new_sorted_id())
            .bind(&a.decision_id)
            .bind(&begin)
            .bind(ctx.message_id)
            .execute(&mut **tx)
            .await?;
        } else {
            sqlx::query("DELETE FROM ijw_deliveries WHERE decision_id = $1 AND begin_on = $2")
                .bind(&a.decision_id)
                .bind(&begin)
                .execute(&mut **tx)
                .await?;
        }
        sync_actual_care(tx, &a.decision_id).await?;
        ctx.applied += 1;
    }
    Ok(())
}

/// JW307: the provider stopped the care.
async fn stop(
    tx: &mut Tx,
    ctx: &mut Apply<'_>,
    m: &eenplan_ijw::Jw307,
    violations: &mut Vec<Violation>,
) -> Result<()> {
    let within = refused_within(violations);
    for (i, p) in m.client.stop_producten.iter().enumerate() {
        ctx.records += 1;
        let a = linked(tx, ctx, p.toewijzing_nummer, ctx.bsn).await?;
        ctx.links.push(RecordLink {
            bsn: ctx.bsn.map(str::to_owned),
            number: p.toewijzing_nummer,
            decision_id: a.as_ref().map(|a| a.decision_id.clone()),
        });
        if within.contains(&i) {
            continue;
        }
        let Some(a) = a else {
            violations.push(violation(
                "TR019",
                "9019",
                Level::Product(i),
                "Het stopbericht kan niet gekoppeld worden aan een toewijzing",
            ));
            continue;
        };
        let begin = p.begindatum.to_string();
        let existing: Option<(Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT end_on, end_reason FROM ijw_deliveries WHERE decision_id = $1 AND begin_on = $2",
        )
        .bind(&a.decision_id)
        .bind(&begin)
        .fetch_optional(&mut **tx)
        .await?;
        let reason = p.reden_beeindiging.code();
        let refused = match (p.status_aanlevering.code(), &existing) {
            (_, None) => Some((
                "TR382",
                "9069",
                "Er is geen actuele start met dezelfde sleutel",
            )),
            (FIRST, Some((Some(_), Some(r)))) if r == "20" && reason == "20" => Some((
                "TR413",
                "9413",
                "Er is al een tijdelijke stop met dezelfde sleutel",
            )),
            (FIRST, Some((Some(_), Some(r)))) if r != "20" => {
                Some(("TR415", "9415", "Er is al een stop met dezelfde sleutel"))
            }
            (FIRST, Some((Some(end), _))) if p.einddatum.to_string() < *end => Some((
                "TR414",
                "9414",
                "De einddatum ligt vóór die van de eerdere stop",
            )),
            (REMOVE, Some((None, _))) => {
                Some(("TR063", "9063", "Er is geen stop om te verwijderen"))
            }
            (FIRST | REMOVE, _) => None,
            _ => Some((
                "TR063",
                "9063",
                "StatusAanlevering wordt hier niet gebruikt",
            )),
        };
        if let Some((rule, code, detail)) = refused {
            violations.push(violation(rule, code, Level::Product(i), detail));
            continue;
        }
        let (end, why) = if p.status_aanlevering.code() == FIRST {
            (Some(p.einddatum.to_string()), Some(reason.to_owned()))
        } else {
            (None, None)
        };
        sqlx::query(
            "UPDATE ijw_deliveries SET end_on = $1, end_reason = $2, stop_message_id = $3
             WHERE decision_id = $4 AND begin_on = $5",
        )
        .bind(end)
        .bind(why)
        .bind(ctx.message_id)
        .bind(&a.decision_id)
        .bind(&begin)
        .execute(&mut **tx)
        .await?;
        sync_actual_care(tx, &a.decision_id).await?;
        ctx.applied += 1;
    }
    Ok(())
}

/// JW315: a request for an assignment, onto the CJG's work list.
async fn request(
    tx: &mut Tx,
    ctx: &mut Apply<'_>,
    m: &eenplan_ijw::Jw315,
    violations: &mut Vec<Violation>,
) -> Result<()> {
    let within = refused_within(violations);
    // The youth's open case, where there is one.
    let case_id: Option<String> = match ctx.youth_id {
        Some(y) => {
            sqlx::query_scalar(
                "SELECT c.id FROM cases c JOIN persons p ON p.family_id = c.family_id
             WHERE p.id = $1 AND c.status <> 'afgesloten' ORDER BY c.created_at DESC LIMIT 1",
            )
            .bind(y)
            .fetch_optional(&mut **tx)
            .await?
        }
        None => None,
    };
    for (i, p) in m.client.aangevraagde_producten.iter().enumerate() {
        ctx.records += 1;
        ctx.links.push(RecordLink {
            bsn: ctx.bsn.map(str::to_owned),
            ..RecordLink::default()
        });
        if within.contains(&i) {
            continue;
        }
        let taken: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(1 AS BIGINT) FROM ijw_requests WHERE provider_id = $1 AND reference = $2",
        )
        .bind(ctx.provider)
        .bind(&p.referentie_aanbieder)
        .fetch_optional(&mut **tx)
        .await?;
        if taken.is_some() {
            violations.push(violation(
                "TR347",
                "9347",
                Level::Product(i),
                "ReferentieAanbieder is niet uniek voor de aanbieder",
            ));
            continue;
        }
        let open: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(1 AS BIGINT) FROM ijw_requests WHERE provider_id = $1 AND bsn = $2
                AND status IN ('open','investigating') AND message_id <> $3",
        )
        .bind(ctx.provider)
        .bind(ctx.bsn)
        .bind(ctx.message_id)
        .fetch_optional(&mut **tx)
        .await?;
        if open.is_some() {
            violations.push(violation(
                "TR374",
                "9374",
                Level::Product(i),
                "Er is al een verzoek onderhanden",
            ));
            continue;
        }
        let (category, code) = match &p.product {
            Some(pr) => (pr.categorie.code().to_owned(), pr.code.clone()),
            None => (String::new(), None),
        };
        sqlx::query(
            "INSERT INTO ijw_requests (id, message_id, position, provider_id, municipality_code, bsn,
                youth_id, case_id, reference, product_category, product_code, start_on, end_on,
                volume, unit, frequency, budget_cents, referrer_type, referrer_code, comment, status,
                created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                $19, $20, 'open', $21)",
        )
        .bind(new_sorted_id())
        .bind(ctx.message_id)
        .bind(i as i64)
        .bind(ctx.provider)
        .bind(ctx.municipality)
        .bind(ctx.bsn)
        .bind(ctx.youth_id)
        .bind(&case_id)
        .bind(&p.referentie_aanbieder)
        .bind(category)
        .bind(code)
        .bind(p.toewijzing_ingangsdatum.to_string())
        .bind(p.toewijzing_einddatum.map(|d| d.to_string()))
        .bind(p.omvang.as_ref().map(|o| i64::from(o.volume)))
        .bind(p.omvang.as_ref().map(|o| o.eenheid.code()))
        .bind(p.omvang.as_ref().map(|o| o.frequentie.code()))
        .bind(p.budget.map(|b| b as i64))
        .bind(p.verwijzer.r#type.code())
        .bind(p.verwijzer.zorgverlener_code.clone())
        .bind(p.commentaar.clone().unwrap_or_default())
        .bind(now())
        .execute(&mut **tx)
        .await?;
        ctx.applied += 1;
    }
    Ok(())
}

/// JW302: the provider's answer to an assignment; a refused product is a mismatch.
async fn assignment_answer(tx: &mut Tx, ctx: &mut Apply<'_>, m: &eenplan_ijw::Jw302) -> Result<()> {
    if let Some(ident) = &m.header.identificatie_retour {
        sqlx::query(
            "UPDATE ijw_messages SET answer_to = (SELECT id FROM ijw_messages
                WHERE direction = 'out' AND message_type = 'JW301' AND sender = $1 AND identification = $2)
             WHERE id = $3",
        )
        .bind(ctx.municipality)
        .bind(ident)
        .bind(ctx.message_id)
        .execute(&mut **tx)
        .await?;
    }
    let Some(client) = &m.client else {
        return Ok(());
    };
    for (i, p) in client.toegewezen_producten.iter().enumerate() {
        for code in p.retour_codes.iter().filter(|c| c.as_str() != "0200") {
            let decision: Option<String> = sqlx::query_scalar(
                "SELECT decision_id FROM ijw_assignments WHERE municipality_code = $1 AND number = $2",
            )
            .bind(ctx.municipality)
            .bind(i64::from(p.toewijzing_nummer))
            .fetch_optional(&mut **tx)
            .await?;
            sqlx::query(
                "INSERT INTO ijw_refusals (message_id, position, level, retour_code, rule, detail, bsn,
                    assignment_number, decision_id)
                 VALUES ($1, $2, 'product', $3, 'JW302', $4, $5, $6, $7)",
            )
            .bind(ctx.message_id)
            .bind(i as i64)
            .bind(code)
            .bind(format!("Toewijzing {} afgekeurd", p.toewijzing_nummer))
            .bind(&client.bsn)
            .bind(i64::from(p.toewijzing_nummer))
            .bind(decision)
            .execute(&mut **tx)
            .await?;
        }
    }
    ctx.applied = 1;
    Ok(())
}

/// JW323: a declaration, each performance record checked against its assignment.
async fn declaration(
    tx: &mut Tx,
    ctx: &mut Apply<'_>,
    m: &eenplan_ijw::Jw323,
    violations: &mut Vec<Violation>,
) -> Result<()> {
    let within = refused_within(violations);
    let known = assignments(
        tx,
        ctx.municipality,
        m.declaratie
            .clienten
            .iter()
            .flat_map(|c| c.prestaties.iter().map(|p| p.toewijzing_nummer))
            .collect(),
    )
    .await?;
    let mut i = 0;
    for client in &m.declaratie.clienten {
        for p in &client.prestaties {
            let index = i;
            i += 1;
            ctx.records += 1;
            let a = known
                .get(&p.toewijzing_nummer)
                .filter(|a| a.provider_id == ctx.provider)
                .cloned();
            ctx.links.push(RecordLink {
                bsn: Some(client.bsn.clone()),
                number: Some(p.toewijzing_nummer),
                decision_id: a.as_ref().map(|a| a.decision_id.clone()),
            });
            let credit = p.ingediend_bedrag.debet_credit.code() == "C";
            let reference = &p.product_referentie.referentie_nummer;
            let period = &p.product_periode;
            let refused = match &a {
                _ if within.contains(&index) => None,
                None => Some((
                    "TR338",
                    "9338",
                    "De prestatie hoort bij geen toewijzing van deze aanbieder".to_owned(),
                )),
                Some(a) if a.bsn.as_deref() != Some(client.bsn.as_str()) => Some((
                    "TR304",
                    "8187",
                    "De prestatie hoort niet bij deze cliënt".to_owned(),
                )),
                Some(a) if p.product_categorie.code() != a.category => Some((
                    "TR339",
                    "9339",
                    format!(
                        "Productcategorie {} is niet {}",
                        p.product_categorie.code(),
                        a.category
                    ),
                )),
                Some(a) if p.product_code != a.code => Some((
                    "TR340",
                    "9340",
                    format!("Productcode {} is niet {}", p.product_code, a.code),
                )),
                Some(a) if a.unit.as_deref() != Some(p.eenheid.code()) => Some((
                    "TR341",
                    "9341",
                    "De eenheid past niet bij de toewijzing".to_owned(),
                )),
                Some(a) if period.begindatum < a.start_on || period.begindatum > a.last_day => {
                    Some((
                        "TR307",
                        "9307",
                        format!(
                            "Begindatum ligt niet tussen {} en {}",
                            a.start_on, a.last_day
                        ),
                    ))
                }
                Some(a) if period.einddatum < a.start_on || period.einddatum > a.last_day => {
                    Some((
                        "TR308",
                        "9308",
                        format!(
                            "Einddatum ligt niet tussen {} en {}",
                            a.start_on, a.last_day
                        ),
                    ))
                }
                Some(a)
                    if p.product_tarief.is_some()
                        && p.product_tarief.map(|t| t as i64) != a.unit_price_cents =>
                {
                    Some((
                        "TR418",
                        "0611",
                        "Het tarief is niet het contractuele tarief".to_owned(),
                    ))
                }
                Some(a) => {
                    let earlier: Option<i64> = sqlx::query_scalar(
                        "SELECT CAST(SUM(CASE WHEN credit = 1 THEN -volume ELSE volume END) AS BIGINT)
                         FROM ijw_claims WHERE decision_id = $1 AND accepted = 1",
                    )
                    .bind(&a.decision_id)
                    .fetch_one(&mut **tx)
                    .await?;
                    let same: Option<i64> = sqlx::query_scalar(
                        "SELECT CAST(1 AS BIGINT) FROM ijw_claims c JOIN ijw_messages m ON m.id = c.message_id
                         WHERE m.provider_id = $1 AND c.reference = $2 AND c.credit = $3 AND c.accepted = 1",
                    )
                    .bind(ctx.provider)
                    .bind(reference)
                    .bind(i64::from(credit))
                    .fetch_optional(&mut **tx)
                    .await?;
                    let volume = i64::from(p.geleverd_volume);
                    if !credit && same.is_some() {
                        Some((
                            "TR314",
                            "8021",
                            "Referentienummer prestatie is al aangeleverd".to_owned(),
                        ))
                    } else if credit && same.is_some() {
                        Some((
                            "TR390",
                            "9390",
                            "Er is al een creditprestatie met deze referentie".to_owned(),
                        ))
                    } else if !credit && volume * 100 > a.units_x100 {
                        Some((
                            "TR321",
                            "9321",
                            format!(
                                "Volume {volume} overschrijdt het toegewezen volume {:.2}",
                                a.units_x100 as f64 / 100.0
                            ),
                        ))
                    } else if !credit && (earlier.unwrap_or(0) + volume) * 100 > a.units_x100 {
                        Some((
                            "TR322",
                            "9322",
                            format!(
                                "Samen {} overschrijdt het toegewezen volume {:.2}",
                                earlier.unwrap_or(0) + volume,
                                a.units_x100 as f64 / 100.0
                            ),
                        ))
                    } else {
                        None
                    }
                }
            };
            let accepted = refused.is_none() && !within.contains(&index);
            let code = match &refused {
                Some((rule, code, detail)) => {
                    violations.push(violation(rule, code, Level::Product(index), detail.clone()));
                    *code
                }
                None if accepted => "8001",
                None => violations
                    .iter()
                    .find(|v| v.level == Level::Product(index))
                    .map_or("0001", |v| v.retourcode),
            };
            sqlx::query(
                "INSERT INTO ijw_claims (id, message_id, position, decision_id, reference, begin_on,
                    end_on, volume, unit, amount_cents, credit, accepted, retour_code)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(new_sorted_id())
            .bind(ctx.message_id)
            .bind(index as i64)
            .bind(a.as_ref().map(|a| a.decision_id.clone()))
            .bind(reference)
            .bind(period.begindatum.to_string())
            .bind(period.einddatum.to_string())
            .bind(i64::from(p.geleverd_volume))
            .bind(p.eenheid.code())
            .bind(p.ingediend_bedrag.bedrag as i64)
            .bind(i64::from(credit))
            .bind(i64::from(accepted))
            .bind(code)
            .execute(&mut **tx)
            .await?;
            if accepted {
                ctx.applied += 1;
            }
        }
    }
    Ok(())
}
