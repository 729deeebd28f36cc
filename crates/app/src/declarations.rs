//! The yearly declarations of the treatment teams' hours: the overview of a year, issuing
//! (a correction is the next version), and reading an issued one, each audited.

use crate::input::{Fields, choose, today};
use crate::{Caller, Error, Result};
use chrono::Datelike;
use eenplan_domain::declaration::parse_year;
use eenplan_store::Store;
use eenplan_store::audit::{self, Action, Event};
use eenplan_store::declarations::{self as store_declarations, Declaration, OverviewRow};

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

/// Issues the declaration of `organisation_id` for `year` (a new version when one was
/// issued before). Returns its id.
pub async fn issue(store: &Store, caller: &Caller, f: &Fields) -> Result<String, Error> {
    let mut errors = Vec::new();
    let organisation = f.get("organisation_id").trim().to_owned();
    if organisation.is_empty() {
        errors.push(choose("organisation_id"));
    }
    let year = parse_year("year", f.get("year"))
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
    let mut conn = store
        .pool()
        .acquire()
        .await
        .map_err(eenplan_store::Error::from)?;
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
