//! Yearly declarations of the treatment teams' hours (domain brief, section 3.4): per
//! provider organisation and calendar year the hours registered, approved and committed,
//! a draft from the approved hours at the configured hourly rate, and the declarations
//! issued. An issued declaration is never changed: a correction is a new version, and
//! the earlier one is only marked superseded. Hours per organisation and member are not
//! client data; reads are audited as reads of the declaration all the same.

use crate::audit::{self, Action, Actor, Event};
use crate::date;
use crate::{Error, Result, Store, Tx, new_id, now};
use chrono::NaiveDate;
use eenplan_domain::FieldError;
use eenplan_domain::declaration::{self as rules, DEFAULT_HOURLY_RATE_CENTS};
use eenplan_domain::treatment_team::HourActivity;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;

/// Setting: the hourly rate of the declarations in cents (default EUR 100).
pub const HOURLY_RATE_SETTING: &str = "declaration_hourly_rate_cents";

/// The configured hourly rate in cents.
pub async fn hourly_rate_cents(conn: &mut sqlx::AnyConnection) -> Result<i64> {
    let v: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(HOURLY_RATE_SETTING)
        .fetch_optional(conn)
        .await?;
    Ok(v.and_then(|v| v.trim().parse().ok())
        .filter(|c| *c >= 0)
        .unwrap_or(DEFAULT_HOURLY_RATE_CENTS))
}

/// The minutes of one team and activity, and what they come to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ActivityLine {
    pub team_id: String,
    pub team_name: String,
    pub activity: HourActivity,
    pub minutes: i64,
    pub amount_cents: i64,
}

/// One member of the organisation: hours registered, approved and committed in the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MemberLine {
    pub user_id: String,
    pub name: String,
    pub registered_minutes: i64,
    pub approved_minutes: i64,
    pub committed_minutes: i64,
}

/// What a declaration holds line by line: the approved minutes per team and activity,
/// and per member.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Lines {
    pub activities: Vec<ActivityLine>,
    pub members: Vec<MemberLine>,
}

/// The figures of an organisation in a year, as they stand now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Draft {
    pub organisation_id: String,
    pub organisation_name: String,
    pub year: i32,
    pub hourly_rate_cents: i64,
    /// All hours registered by the organisation's members in the year.
    pub registered_minutes: i64,
    /// The hours the team coordinator approved: these are declared.
    pub approved_minutes: i64,
    /// The hours per week of the members' memberships times the weeks of the year they
    /// were members (up to today while the year runs).
    pub committed_minutes: i64,
    /// The approved hours at the hourly rate.
    pub amount_cents: i64,
    pub lines: Lines,
}

/// An issued declaration (a version of the organisation's declaration for the year).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Declaration {
    pub id: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub organisation_agb: Option<String>,
    pub year: i32,
    /// The version: 1, then 2, ... for each correction.
    pub number: i64,
    pub hourly_rate_cents: i64,
    pub registered_minutes: i64,
    pub approved_minutes: i64,
    pub committed_minutes: i64,
    pub amount_cents: i64,
    pub lines: Lines,
    pub issued_by: String,
    pub issued_by_name: String,
    pub issued_at: String,
    /// A later version replaced this one.
    pub superseded: bool,
}

/// One row of the year's overview: the organisation's figures and its declarations.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OverviewRow {
    pub draft: Draft,
    /// The declarations issued for the year, newest first.
    pub declarations: Vec<Declaration>,
}

struct Membership {
    organisation_id: String,
    user_id: String,
    name: String,
    minutes_week: i64,
    from: NaiveDate,
    to: Option<NaiveDate>,
}

/// Hours of a year grouped by organisation, team, member and activity.
struct HoursRow {
    organisation_id: String,
    team_id: String,
    team_name: String,
    user_id: String,
    name: String,
    activity: String,
    approved: bool,
    minutes: i64,
}

fn bounds(year: i32) -> Result<(NaiveDate, NaiveDate)> {
    rules::year_bounds(year)
        .ok_or_else(|| Error::Invalid(FieldError::new("year", "Onbekend jaar.", "Unknown year.")))
}

/// The last day that counts for the committed hours: the year's end, or today while the
/// year runs.
fn until(year: i32, today: NaiveDate) -> NaiveDate {
    let (_, last) = rules::year_bounds(year).unwrap_or((today, today));
    last.min(today)
}

/// The figures of every provider organisation (or one) with members or hours in a year.
async fn drafts(
    conn: &mut sqlx::AnyConnection,
    organisation: Option<&str>,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<Draft>> {
    let (first, last) = bounds(year)?;
    let org = organisation.unwrap_or("");
    let rate = hourly_rate_cents(&mut *conn).await?;
    let memberships: Vec<Membership> = sqlx::query(
        "SELECT m.organisation_id, m.user_id, u.display_name, m.committed_minutes_week,
                m.valid_from, m.valid_to
         FROM treatment_memberships m JOIN users u ON u.id = m.user_id
         WHERE m.valid_from <= $1 AND (m.valid_to IS NULL OR m.valid_to >= $2)
           AND ($3 = '' OR m.organisation_id = $3)",
    )
    .bind(last.to_string())
    .bind(first.to_string())
    .bind(org)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r: &AnyRow| {
        let from: String = r.try_get("valid_from")?;
        let to: Option<String> = r.try_get("valid_to")?;
        Ok(Membership {
            organisation_id: r.try_get("organisation_id")?,
            user_id: r.try_get("user_id")?,
            name: r.try_get("display_name")?,
            minutes_week: r.try_get("committed_minutes_week")?,
            from: date(&from)?,
            to: to.as_deref().map(date).transpose()?,
        })
    })
    .collect::<Result<_>>()?;
    let hours: Vec<HoursRow> = sqlx::query(
        "SELECT h.organisation_id, h.team_id, t.name AS team_name, h.user_id, u.display_name,
                h.activity, CAST(CASE WHEN h.approved_by IS NULL THEN 0 ELSE 1 END AS BIGINT) AS approved,
                CAST(SUM(h.minutes) AS BIGINT) AS minutes
         FROM hours_entries h JOIN teams t ON t.id = h.team_id JOIN users u ON u.id = h.user_id
         WHERE h.on_date >= $1 AND h.on_date <= $2 AND ($3 = '' OR h.organisation_id = $3)
         GROUP BY h.organisation_id, h.team_id, t.name, h.user_id, u.display_name, h.activity,
                  CASE WHEN h.approved_by IS NULL THEN 0 ELSE 1 END",
    )
    .bind(first.to_string())
    .bind(last.to_string())
    .bind(org)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r: &AnyRow| {
        Ok(HoursRow {
            organisation_id: r.try_get("organisation_id")?,
            team_id: r.try_get("team_id")?,
            team_name: r.try_get("team_name")?,
            user_id: r.try_get("user_id")?,
            name: r.try_get("display_name")?,
            activity: r.try_get("activity")?,
            approved: r.try_get::<i64, _>("approved")? == 1,
            minutes: r.try_get("minutes")?,
        })
    })
    .collect::<Result<_>>()?;
    let organisations: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, name FROM organisations WHERE org_type = 'provider' AND ($1 = '' OR id = $1)
         ORDER BY name",
    )
    .bind(org)
    .fetch_all(&mut *conn)
    .await?;
    let until = until(year, today);
    let mut out = Vec::new();
    for (org_id, org_name) in organisations {
        let mut members: BTreeMap<String, MemberLine> = BTreeMap::new();
        let mut lines: Vec<(String, String, String, i64)> = Vec::new();
        let blank = |user_id: &str, name: &str| MemberLine {
            user_id: user_id.to_owned(),
            name: name.to_owned(),
            registered_minutes: 0,
            approved_minutes: 0,
            committed_minutes: 0,
        };
        for m in memberships.iter().filter(|m| m.organisation_id == org_id) {
            members
                .entry(m.user_id.clone())
                .or_insert_with(|| blank(&m.user_id, &m.name))
                .committed_minutes +=
                rules::committed_minutes(m.minutes_week, m.from, m.to, year, until);
        }
        for h in hours.iter().filter(|h| h.organisation_id == org_id) {
            let line = members
                .entry(h.user_id.clone())
                .or_insert_with(|| blank(&h.user_id, &h.name));
            line.registered_minutes += h.minutes;
            if h.approved {
                line.approved_minutes += h.minutes;
                match lines
                    .iter_mut()
                    .find(|l| l.0 == h.team_id && l.2 == h.activity)
                {
                    Some(l) => l.3 += h.minutes,
                    None => lines.push((
                        h.team_id.clone(),
                        h.team_name.clone(),
                        h.activity.clone(),
                        h.minutes,
                    )),
                }
            }
        }
        if members.is_empty() {
            continue;
        }
        let mut activities = lines
            .into_iter()
            .map(|(team_id, team_name, activity, minutes)| {
                Ok(ActivityLine {
                    team_id,
                    team_name,
                    activity: HourActivity::parse(&activity).ok_or(Error::Corrupt(activity))?,
                    minutes,
                    amount_cents: rules::amount_cents(minutes, rate),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let order = |a: HourActivity| HourActivity::ALL.iter().position(|x| *x == a);
        activities.sort_by(|a, b| {
            (&a.team_name, order(a.activity)).cmp(&(&b.team_name, order(b.activity)))
        });
        let mut members: Vec<MemberLine> = members.into_values().collect();
        members.sort_by(|a, b| a.name.cmp(&b.name).then(a.user_id.cmp(&b.user_id)));
        let registered = members.iter().map(|m| m.registered_minutes).sum();
        let approved: i64 = members.iter().map(|m| m.approved_minutes).sum();
        let committed = members.iter().map(|m| m.committed_minutes).sum();
        out.push(Draft {
            organisation_id: org_id,
            organisation_name: org_name,
            year,
            hourly_rate_cents: rate,
            registered_minutes: registered,
            approved_minutes: approved,
            committed_minutes: committed,
            // The amount of the whole, so rounding per line never adds up to a cent more.
            amount_cents: rules::amount_cents(approved, rate),
            lines: Lines {
                activities,
                members,
            },
        });
    }
    Ok(out)
}

/// The draft declaration of one organisation for a year: its approved hours at the
/// configured rate, next to the hours registered and committed.
pub async fn draft(
    conn: &mut sqlx::AnyConnection,
    organisation_id: &str,
    year: i32,
    today: NaiveDate,
) -> Result<Draft> {
    drafts(conn, Some(organisation_id), year, today)
        .await?
        .pop()
        .ok_or_else(|| {
            Error::Invalid(FieldError::new(
                "organisation_id",
                "Deze organisatie had dat jaar geen leden of uren in een behandelteam.",
                "This organisation had no members or hours in a treatment team that year.",
            ))
        })
}

/// Every provider organisation with members or hours in the year: its figures and the
/// declarations issued.
pub async fn overview(store: &Store, year: i32, today: NaiveDate) -> Result<Vec<OverviewRow>> {
    let mut conn = store.pool().acquire().await?;
    let drafts = drafts(&mut conn, None, year, today).await?;
    let mut issued = list(&mut conn, None, year).await?;
    drop(conn);
    let mut rows: Vec<OverviewRow> = drafts
        .into_iter()
        .map(|draft| OverviewRow {
            declarations: take(&mut issued, &draft.organisation_id),
            draft,
        })
        .collect();
    // An organisation declared for before its hours went (none left now) still shows.
    while let Some(d) = issued.first() {
        let org = d.organisation_id.clone();
        let declarations = take(&mut issued, &org);
        let d = &declarations[0];
        rows.push(OverviewRow {
            draft: Draft {
                organisation_id: org.clone(),
                organisation_name: d.organisation_name.clone(),
                year,
                hourly_rate_cents: d.hourly_rate_cents,
                registered_minutes: 0,
                approved_minutes: 0,
                committed_minutes: 0,
                amount_cents: 0,
                lines: Lines::default(),
            },
            declarations,
        });
    }
    Ok(rows)
}

fn take(list: &mut Vec<Declaration>, organisation_id: &str) -> Vec<Declaration> {
    let (mine, rest) = std::mem::take(list)
        .into_iter()
        .partition(|d| d.organisation_id == organisation_id);
    *list = rest;
    mine
}

const SELECT: &str =
    "SELECT d.*, o.name AS organisation_name, o.agb_code, u.display_name AS issued_by_name
     FROM declarations d JOIN organisations o ON o.id = d.organisation_id
     JOIN users u ON u.id = d.issued_by";

fn from_row(r: &AnyRow) -> Result<Declaration> {
    let lines: String = r.try_get("lines")?;
    let year: i64 = r.try_get("year")?;
    Ok(Declaration {
        id: r.try_get("id")?,
        organisation_id: r.try_get("organisation_id")?,
        organisation_name: r.try_get("organisation_name")?,
        organisation_agb: r.try_get("agb_code")?,
        year: i32::try_from(year).map_err(|_| Error::Corrupt(format!("year {year}")))?,
        number: r.try_get("number")?,
        hourly_rate_cents: r.try_get("hourly_rate_cents")?,
        registered_minutes: r.try_get("registered_minutes")?,
        approved_minutes: r.try_get("approved_minutes")?,
        committed_minutes: r.try_get("committed_minutes")?,
        amount_cents: r.try_get("amount_cents")?,
        lines: serde_json::from_str(&lines).map_err(|e| Error::Corrupt(e.to_string()))?,
        issued_by: r.try_get("issued_by")?,
        issued_by_name: r.try_get("issued_by_name")?,
        issued_at: r.try_get("issued_at")?,
        superseded: r.try_get::<i64, _>("superseded")? == 1,
    })
}

async fn list(
    conn: &mut sqlx::AnyConnection,
    organisation: Option<&str>,
    year: i32,
) -> Result<Vec<Declaration>> {
    sqlx::query(&format!(
        "{SELECT} WHERE d.year = $1 AND ($2 = '' OR d.organisation_id = $2)
         ORDER BY o.name, d.organisation_id, d.number DESC"
    ))
    .bind(i64::from(year))
    .bind(organisation.unwrap_or(""))
    .fetch_all(conn)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// The declarations issued to an organisation for a year, the newest version first.
pub async fn declarations(
    store: &Store,
    organisation_id: &str,
    year: i32,
) -> Result<Vec<Declaration>> {
    let mut conn = store.pool().acquire().await?;
    list(&mut conn, Some(organisation_id), year).await
}

/// One issued declaration.
pub async fn declaration(conn: &mut sqlx::AnyConnection, id: &str) -> Result<Declaration> {
    let row = sqlx::query(&format!("{SELECT} WHERE d.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(Error::NotFound)?;
    from_row(&row)
}

/// Issues the organisation's declaration for a year from its approved hours at the
/// configured rate: version 1, or the next version as a correction, which marks the
/// earlier ones superseded. Refused for a year not yet begun and without approved hours.
pub async fn issue(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    organisation_id: &str,
    year: i32,
    today: NaiveDate,
) -> Result<String> {
    rules::check_year("year", year, today).map_err(Error::Invalid)?;
    let kind: Option<String> =
        sqlx::query_scalar("SELECT org_type FROM organisations WHERE id = $1")
            .bind(organisation_id)
            .fetch_optional(&mut **tx)
            .await?;
    if kind.as_deref() != Some("provider") {
        return Err(Error::Invalid(FieldError::new(
            "organisation_id",
            "Kies een aanbieder.",
            "Choose a provider.",
        )));
    }
    let d = draft(tx, organisation_id, year, today).await?;
    if d.approved_minutes == 0 {
        return Err(Error::Invalid(FieldError::new(
            "organisation_id",
            "Deze organisatie heeft in dit jaar geen goedgekeurde uren; keur eerst de uren goed.",
            "This organisation has no approved hours in this year; approve the hours first.",
        )));
    }
    let number: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(MAX(number), 0) + 1 AS BIGINT) FROM declarations
         WHERE organisation_id = $1 AND year = $2",
    )
    .bind(organisation_id)
    .bind(i64::from(year))
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE declarations SET superseded = 1
         WHERE organisation_id = $1 AND year = $2 AND superseded = 0",
    )
    .bind(organisation_id)
    .bind(i64::from(year))
    .execute(&mut **tx)
    .await?;
    let id = new_id();
    let lines = serde_json::to_string(&d.lines).map_err(|e| Error::Corrupt(e.to_string()))?;
    sqlx::query(
        "INSERT INTO declarations (id, organisation_id, year, number, hourly_rate_cents,
            registered_minutes, approved_minutes, committed_minutes, amount_cents, lines,
            issued_by, issued_at, superseded)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0)",
    )
    .bind(&id)
    .bind(organisation_id)
    .bind(i64::from(year))
    .bind(number)
    .bind(d.hourly_rate_cents)
    .bind(d.registered_minutes)
    .bind(d.approved_minutes)
    .bind(d.committed_minutes)
    .bind(d.amount_cents)
    .bind(&lines)
    .bind(user_id)
    .bind(now())
    .execute(&mut **tx)
    .await
    .map_err(|e| match Error::from(e) {
        // Someone issued the same version at the same moment.
        Error::Duplicate { .. } => Error::Conflict,
        e => e,
    })?;
    audit::append(
        tx,
        actor,
        &Event::new("declaration.issue", Action::Create).object("declaration", &id),
    )
    .await?;
    Ok(id)
}
