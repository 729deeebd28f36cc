//! The yearly declarations of the treatment teams' hours: the overview of a year, issuing
//! (a correction is the next version), and reading an issued one, each audited.

use crate::input::{Fields, Whole, choose, today};
use crate::{Caller, Error, Result};
use chrono::Datelike;
use eenplan_domain::declaration::parse_year;
use eenplan_store::Store;
use eenplan_store::audit::{self, Action, Event};
use eenplan_store::declarations::{self as store_declarations, Declaration, OverviewRow};
use serde::Deserialize;
use utoipa::ToSchema;

/// The year of a query: the current year when none is given.
pub fn year_of(field: &'static str, s: &str) -> Result<i32, Error> {
    if s.trim().is_empty() {
        return Ok(today().year());
    }
    parse_year(field, s).map_err(Error::invalid)
}

/// The overview of a year, audited as a read of the year's declarations.
pub async fn overview(
    store: &Store,
    caller: &Caller,
    year: i32,
) -> Result<Vec<OverviewRow>, Error> {
    let rows = store_declarations::overview(store, year, today()).await?;
    audit::record(
        store,
        &caller.actor(),
        &Event::new("declaration.overview", Action::Read).object("declarations", year.to_string()),
    )
    .await?;
    Ok(rows)
}

/// Issue the declaration of an organisation for a year from its approved hours at the
/// configured hourly rate (issued before: a correction, the next version).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = IssueBody)]
pub struct IssueDeclaration {
    /// The provider organisation.
    pub organisation_id: String,
    /// The calendar year (not after the current one).
    #[schema(value_type = i32)]
    pub year: Whole,
}

impl IssueDeclaration {
    pub fn from_form(f: &Fields) -> IssueDeclaration {
        IssueDeclaration {
            organisation_id: f.get("organisation_id").into(),
            year: Whole::from_form(f.get("year")),
        }
    }
}

/// Issues the declaration; answers its id.
pub async fn issue(store: &Store, caller: &Caller, c: &IssueDeclaration) -> Result<String, Error> {
    let mut errors = Vec::new();
    let organisation = c.organisation_id.trim().to_owned();
    if organisation.is_empty() {
        errors.push(choose("organisation_id"));
    }
    let year = parse_year("year", c.year.as_str())
        .map_err(|e| errors.push(e.into()))
        .ok();
    let Some(year) = year.filter(|_| errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    let mut tx = store.begin().await?;
    let id = store_declarations::issue(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        &organisation,
        year,
        today(),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// An issued declaration, its read audited (`declaration.read`, `.export` or `.print`).
pub async fn open(
    store: &Store,
    caller: &Caller,
    id: &str,
    event: &str,
    action: Action,
) -> Result<Declaration, Error> {
    let mut conn = store.acquire().await?;
    let d = store_declarations::declaration(&mut conn, id).await?;
    drop(conn);
    audit::record(
        store,
        &caller.actor(),
        &Event::new(event, action).object("declaration", id),
    )
    .await?;
    Ok(d)
}

/// The hourly rate the declarations are made at, in cents.
pub async fn hourly_rate(store: &Store) -> Result<i64> {
    let mut conn = store.acquire().await?;
    Ok(store_declarations::hourly_rate_cents(&mut conn).await?)
}
