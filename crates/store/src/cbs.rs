//! CBS Beleidsinformatie Jeugd: the records of a half year from the CJG's cases, and the
//! deliveries. The rules (which help counts, the code mappings, the period, merging)
//! live in `eenplan_domain::cbs`; this module reads the trajectories and keeps every
//! file produced.
//!
//! A delivery holds BSNs and birth dates: producing one is audited as an export with the
//! youths' ids in the same transaction, and so is every later download of the kept file.
//! A correction is the whole period again (protocol 7.6): the next number, and the earlier
//! deliveries of the period and scope are marked superseded (a region delivery also
//! supersedes the period's municipality deliveries). Nothing else is ever updated.

use crate::audit::{self, Action, Actor, Event};
use crate::{Error, Result, Store, Tx, code, date, new_id, now, opt_date};
use chrono::NaiveDate;
use eenplan_domain::FieldError;
use eenplan_domain::MunicipalityCode;
use eenplan_domain::case::CloseReason;
use eenplan_domain::cbs::{self as rules, Period, Record, Trajectory};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

/// What a file covers: one municipality of the region, or all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Region,
    Municipality(String),
}

/// The stored word for a delivery of all municipalities.
pub const REGION: &str = "regio";

impl Scope {
    pub fn as_str(&self) -> &str {
        match self {
            Scope::Region => REGION,
            Scope::Municipality(code) => code,
        }
    }

    fn municipality(&self) -> &str {
        match self {
            Scope::Region => "",
            Scope::Municipality(code) => code,
        }
    }
}

/// The scope of a municipality code given by a user: empty (or `regio`) for all
/// municipalities; otherwise a CBS code of a municipality of this installation's region,
/// or a problem on `field`.
pub async fn scope(
    conn: &mut sqlx::AnyConnection,
    field: &'static str,
    input: &str,
) -> Result<Scope> {
    let s = input.trim();
    if s.is_empty() || s.eq_ignore_ascii_case(REGION) {
        return Ok(Scope::Region);
    }
    let code = MunicipalityCode::parse(field, s).map_err(Error::Invalid)?;
    let known: Option<String> =
        sqlx::query_scalar("SELECT code FROM municipalities WHERE code = $1")
            .bind(code.as_str())
            .fetch_optional(conn)
            .await?;
    match known {
        Some(code) => Ok(Scope::Municipality(code)),
        None => Err(Error::Invalid(FieldError::new(
            field,
            format!(
                "Gemeente {code} hoort niet bij de regio; kies een gemeente van de regio of laat het veld leeg voor alle gemeenten."
            ),
            format!(
                "Municipality {code} is not part of the region; choose a municipality of the region, or leave the field empty for all municipalities."
            ),
        ))),
    }
}

const HELP_KINDS: &str = "('ambulatory_basic', 'group_work')";

/// The records of `period`: the CJG's help (hulpvorm 01) to each youth of its cases,
/// started, running or ended in the period, as `rules::records` makes them. Reads every
/// trajectory of the youths with help in the period, so overlapping ones merge.
pub async fn records(
    conn: &mut sqlx::AnyConnection,
    period: Period,
    scope: &Scope,
) -> Result<Vec<Record>> {
    let sql = format!(
        "SELECT DISTINCT p.id AS person_id, p.bsn, p.birth_date, c.municipality_code,
                c.picked_up_on, c.closed_on, c.close_reason
         FROM cases c
         JOIN registrations r ON r.case_id = c.id
         JOIN registration_youths ry ON ry.registration_id = r.id
         JOIN persons p ON p.id = ry.person_id AND p.kind = 'youth'
         WHERE c.help_kind IN {HELP_KINDS}
           AND c.picked_up_on IS NOT NULL AND c.picked_up_on <= $1
           AND ($3 = '' OR c.municipality_code = $3)
           AND p.id IN (
               SELECT ry2.person_id
               FROM cases c2
               JOIN registrations r2 ON r2.case_id = c2.id
               JOIN registration_youths ry2 ON ry2.registration_id = r2.id
               WHERE c2.help_kind IN {HELP_KINDS}
                 AND c2.picked_up_on IS NOT NULL AND c2.picked_up_on <= $1
                 AND (c2.closed_on IS NULL OR c2.closed_on >= $2)
                 AND ($3 = '' OR c2.municipality_code = $3))"
    );
    let rows = sqlx::query(&sql)
        .bind(period.last_day().to_string())
        .bind(period.first_day().to_string())
        .bind(scope.municipality())
        .fetch_all(conn)
        .await?;
    let trajectories = rows
        .iter()
        .map(trajectory)
        .collect::<Result<Vec<Trajectory>>>()?;
    Ok(rules::records(period, trajectories))
}

fn trajectory(r: &AnyRow) -> Result<Trajectory> {
    let birth: String = r.try_get("birth_date")?;
    let start: String = r.try_get("picked_up_on")?;
    let reason: Option<String> = r.try_get("close_reason")?;
    Ok(Trajectory {
        person_id: r.try_get("person_id")?,
        bsn: r.try_get("bsn")?,
        birth_date: date(&birth)?,
        municipality_code: r.try_get("municipality_code")?,
        start: date(&start)?,
        end: opt_date(r, "closed_on")?,
        close_reason: reason.map(|s| code(s, CloseReason::parse)).transpose()?,
    })
}

/// A delivery as listed (without the file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DeliverySummary {
    pub id: String,
    /// `2026-1` or `2026-2`.
    pub period: String,
    /// A municipality's CBS code, or `regio` for all municipalities.
    pub scope: String,
    /// 1 for the first delivery of the period and scope, 2 and on for corrections.
    pub number: i64,
    pub record_count: i64,
    /// SHA-256 of the file, hexadecimal.
    pub sha256: String,
    pub file_name: String,
    pub created_by: String,
    pub created_at: String,
    /// A later delivery of the whole period replaced this one.
    pub superseded: bool,
}

/// A delivery with its file and the youths in it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub summary: DeliverySummary,
    pub content: String,
    pub person_ids: Vec<String>,
}

const SUMMARY: &str = "id, period, scope, number, record_count, sha256, file_name,
    created_by_name, created_at, superseded";

fn summary(r: &AnyRow) -> Result<DeliverySummary> {
    let superseded: i64 = r.try_get("superseded")?;
    Ok(DeliverySummary {
        id: r.try_get("id")?,
        period: r.try_get("period")?,
        scope: r.try_get("scope")?,
        number: r.try_get("number")?,
        record_count: r.try_get("record_count")?,
        sha256: r.try_get("sha256")?,
        file_name: r.try_get("file_name")?,
        created_by: r.try_get("created_by_name")?,
        created_at: r.try_get("created_at")?,
        superseded: superseded != 0,
    })
}

/// The deliveries, latest first; of one period when given.
pub async fn deliveries(store: &Store, period: Option<Period>) -> Result<Vec<DeliverySummary>> {
    let rows = sqlx::query(&format!(
        "SELECT {SUMMARY} FROM cbs_deliveries WHERE ($1 = '' OR period = $1)
         ORDER BY created_at DESC, number DESC"
    ))
    .bind(period.map(|p| p.to_string()).unwrap_or_default())
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(summary).collect()
}

/// One delivery with its file. Not audited here: the caller records the export.
pub async fn delivery(conn: &mut sqlx::AnyConnection, id: &str) -> Result<Delivery> {
    let row = sqlx::query(&format!(
        "SELECT {SUMMARY}, content, person_ids FROM cbs_deliveries WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)?;
    let ids: String = row.try_get("person_ids")?;
    Ok(Delivery {
        summary: summary(&row)?,
        content: row.try_get("content")?,
        person_ids: serde_json::from_str(&ids).map_err(|e| Error::Corrupt(e.to_string()))?,
    })
}

/// Who produced a delivery: the user's id (none from the command line) and the name
/// shown in the list.
pub struct Producer<'a> {
    pub user_id: Option<&'a str>,
    pub name: &'a str,
}

/// Produces the file of `period` and `scope` and records it as a delivery, audited as an
/// export with the youths in it, in one transaction. A period that has not ended is
/// refused (`period` field); delivered before, this is the correction: the whole period
/// again, the next number, the earlier ones superseded.
pub async fn deliver(
    tx: &mut Tx,
    actor: &Actor,
    producer: Producer<'_>,
    period: Period,
    scope: &Scope,
    today: NaiveDate,
) -> Result<Delivery> {
    period
        .check_ended("period", today)
        .map_err(Error::Invalid)?;
    let records = records(tx, period, scope).await?;
    let content = rules::to_csv(&records);
    let sha256 = hex::encode(Sha256::digest(content.as_bytes()));
    let mut person_ids: Vec<String> = records.iter().map(|r| r.person_id.clone()).collect();
    person_ids.sort();
    person_ids.dedup();
    let number: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(MAX(number), 0) + 1 AS BIGINT) FROM cbs_deliveries
         WHERE period = $1 AND scope = $2",
    )
    .bind(period.to_string())
    .bind(scope.as_str())
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE cbs_deliveries SET superseded = 1
         WHERE period = $1 AND superseded = 0 AND (scope = $2 OR $2 = $3)",
    )
    .bind(period.to_string())
    .bind(scope.as_str())
    .bind(REGION)
    .execute(&mut **tx)
    .await?;
    let id = new_id();
    let file_name = format!(
        "cbs-beleidsinformatie-jeugd-{period}-{}-{number}.csv",
        scope.as_str()
    );
    let created_at = now();
    let ids_json = serde_json::to_string(&person_ids).map_err(|e| Error::Corrupt(e.to_string()))?;
    sqlx::query(
        "INSERT INTO cbs_deliveries (id, period, scope, number, record_count, sha256, file_name,
            content, person_ids, created_by, created_by_name, created_at, superseded)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0)",
    )
    .bind(&id)
    .bind(period.to_string())
    .bind(scope.as_str())
    .bind(number)
    .bind(records.len() as i64)
    .bind(&sha256)
    .bind(&file_name)
    .bind(&content)
    .bind(&ids_json)
    .bind(producer.user_id)
    .bind(producer.name)
    .bind(&created_at)
    .execute(&mut **tx)
    .await
    .map_err(|e| match Error::from(e) {
        // Someone delivered the same period at the same moment.
        Error::Duplicate { .. } => Error::Conflict,
        e => e,
    })?;
    audit::append(
        tx,
        actor,
        &Event::new("cbs.deliver", Action::Export)
            .object("cbs_delivery", &id)
            .clients(person_ids.iter().cloned())
            .purpose(format!(
                "CBS Beleidsinformatie Jeugd {period} {}: {} records",
                scope.as_str(),
                records.len()
            )),
    )
    .await?;
    Ok(Delivery {
        summary: DeliverySummary {
            id,
            period: period.to_string(),
            scope: scope.as_str().to_owned(),
            number,
            record_count: records.len() as i64,
            sha256,
            file_name,
            created_by: producer.name.to_owned(),
            created_at,
            superseded: false,
        },
        content,
        person_ids,
    })
}

/// A kept delivery's file, its download audited as an export with the youths in it.
pub async fn download(store: &Store, actor: &Actor, id: &str) -> Result<Delivery> {
    let mut conn = store.pool().acquire().await?;
    let d = delivery(&mut conn, id).await?;
    drop(conn);
    audit::record(
        store,
        actor,
        &Event::new("cbs.download", Action::Export)
            .object("cbs_delivery", id)
            .clients(d.person_ids.iter().cloned())
            .purpose(format!(
                "CBS Beleidsinformatie Jeugd {} {}",
                d.summary.period, d.summary.scope
            )),
    )
    .await?;
    Ok(d)
}
