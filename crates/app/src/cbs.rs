//! CBS Beleidsinformatie Jeugd: a delivery (or correction) of a half-year period for a
//! scope, produced and recorded in one transaction with its audit record (the file holds
//! BSNs). The page, the API and `eenplan cbs-export` use it alike.

use crate::{Caller, Error, Problem, Result};
use eenplan_domain::cbs::Period;
use eenplan_store::Store;
use eenplan_store::audit::Actor;
use eenplan_store::cbs::{self, Delivery, Producer};

/// Parses the period and municipality as given (the form's or the API's fields, both
/// named on `period_field` and `municipality_field`), every problem at once.
pub async fn parse_request(
    store: &Store,
    period_field: &'static str,
    period: &str,
    municipality_field: &'static str,
    municipality: &str,
) -> Result<(Period, cbs::Scope), Error> {
    let mut errors: Vec<Problem> = Vec::new();
    let period = Period::parse(period_field, period)
        .map_err(|e| errors.push(e.into()))
        .ok();
    let mut conn = store.acquire().await?;
    let scope = match cbs::scope(&mut conn, municipality_field, municipality).await {
        Ok(s) => Some(s),
        Err(eenplan_store::Error::Invalid(f)) => {
            errors.push(f.into());
            None
        }
        Err(e) => return Err(e.into()),
    };
    match (period, scope) {
        (Some(p), Some(s)) if errors.is_empty() => Ok((p, s)),
        _ => Err(Error::Invalid(errors)),
    }
}

/// Produces and records the delivery of a period and scope (a correction when delivered
/// before): one transaction with its audit record. Without a caller it is the command
/// line's operator's.
pub async fn deliver(
    store: &Store,
    caller: Option<&Caller>,
    period: Period,
    scope: &cbs::Scope,
) -> Result<Delivery, Error> {
    let (actor, producer) = match caller {
        Some(c) => (
            c.actor(),
            Producer {
                user_id: Some(c.user_id()),
                name: &c.principal.username,
            },
        ),
        None => (
            Actor::system("cbs-export"),
            Producer {
                user_id: None,
                name: "system:cbs-export",
            },
        ),
    };
    let mut tx = store.begin().await?;
    let d = cbs::deliver(
        &mut tx,
        &actor,
        producer,
        period,
        scope,
        eenplan_store::today(),
    )
    .await?;
    tx.commit().await?;
    Ok(d)
}
