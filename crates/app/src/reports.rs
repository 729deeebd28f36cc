//! Management information: a report run for the caller (the small-number rule by role,
//! a policy officer's costs only of their own municipality, every run audited), and the
//! budgets the costs report compares against.

use crate::{Caller, Error, Problem, Result};
use eenplan_domain::Role;
use eenplan_domain::access::{MAX_BUDGET_CENTS, parse_euros_up_to};
use eenplan_domain::policy;
use eenplan_reports::{Audience, Params, Report};
use eenplan_store::Store;
use eenplan_store::audit::{self, Action, Event};
use eenplan_store::budgets;
use serde::Deserialize;

/// The parameters as typed: a period (`from`, `to`) or a `year`, and an `area`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Ask {
    pub from: Option<String>,
    pub to: Option<String>,
    pub year: Option<String>,
    pub area: Option<String>,
}

/// Runs report `name` for the user: 404 for an unknown report, 422 for bad parameters
/// (fields `from`, `to`, `year`, `area`), 403 for a policy officer asking another
/// municipality's costs. Audited as a read (page) or an export (download, API).
pub async fn run_for(
    store: &Store,
    caller: &Caller,
    name: &str,
    ask: &Ask,
    action: Action,
) -> Result<Report, Error> {
    let definition = eenplan_reports::find(name).ok_or(Error::NotFound)?;
    let mut params = Params::parse(
        ask.from.as_deref(),
        ask.to.as_deref(),
        ask.year.as_deref(),
        ask.area.as_deref(),
    )
    .map_err(|e| Error::invalid(Problem::from(e)))?;
    if definition.name == "costs" && caller.principal.role == Role::PolicyOfficer {
        let own = eenplan_store::costs::municipality_of_organisation(
            store,
            &caller.principal.organisation_id,
        )
        .await?;
        match (&own, &params.area) {
            (Some(own), None) => params.area = Some(own.clone()),
            (Some(own), Some(area)) if own == area => {}
            _ => {
                let area = params.area.clone().unwrap_or_default();
                return Err(crate::refuse(store, caller, "report.refused", ("costs", &area)).await);
            }
        }
    }
    let audience = if policy::sees_small_counts(caller.principal.role) {
        Audience::Full
    } else {
        Audience::AggregatesOnly
    };
    let report = eenplan_reports::run(store, definition, params, audience).await?;
    let event = match action {
        Action::Export => "report.export",
        _ => "report.view",
    };
    audit::record(
        store,
        &caller.actor(),
        &Event::new(event, action).object("report", definition.name),
    )
    .await?;
    Ok(report)
}

/// The municipality whose budgets a policy officer keeps: their organisation's.
pub async fn own_municipality(store: &Store, caller: &Caller) -> Result<String, Error> {
    eenplan_store::costs::municipality_of_organisation(store, &caller.principal.organisation_id)
        .await?
        .ok_or(Error::Forbidden)
}

/// Checks and saves a budget of the user's own municipality.
pub async fn set_budget_action(
    store: &Store,
    caller: &Caller,
    year: &str,
    amount: &str,
    version: Option<i64>,
    strict: bool,
) -> Result<(), Error> {
    let municipality = own_municipality(store, caller).await?;
    let mut problems = Vec::new();
    let year = match year.trim().parse::<i64>() {
        Ok(y) if (2000..=2999).contains(&y) => Some(y),
        _ => {
            problems.push(Problem::new(
                "year",
                "Geef een jaar tussen 2000 en 2999.",
                "Give a year between 2000 and 2999.",
            ));
            None
        }
    };
    let cents = match parse_euros_up_to("amount", amount, MAX_BUDGET_CENTS) {
        Ok(c) => Some(c),
        Err(e) => {
            problems.push(e.into());
            None
        }
    };
    let (Some(year), Some(cents)) = (year, cents) else {
        return Err(Error::Invalid(problems));
    };
    // A form without a version sets the year's budget as it stands now; the API
    // (`strict`) must say which version it changes.
    let version = match version {
        Some(v) => Some(v),
        None if strict => None,
        None => budgets::list(store, Some(&municipality))
            .await?
            .iter()
            .find(|b| b.year == year)
            .map(|b| b.version),
    };
    let mut tx = store.begin().await?;
    budgets::set(
        &mut tx,
        &caller.actor(),
        &municipality,
        year,
        cents,
        version,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
