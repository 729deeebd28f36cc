//! Pages of result-oriented access (domain brief, sections 3.2 and 3.3): the access
//! request with support plan parts 1 and 2, the four-eyes review, the decision and its
//! letter, evaluations and the work lists of due evaluations, and the provider's view.
//!
//! The use cases are `eenplan_app::access`: a request, decision or evaluation is opened
//! through its case (`case_access::open` to read, `case_access::run` to write: the
//! holding team), except in the provider's view, which shows only what is addressed to
//! the user's own organisation, redacted. The pages are split by use case below.

use super::cases::{Labelled, labels, required_date, today};
use super::{Chrome, Fields, answer_form, form_page, has_error, invalid_form, page, render};
use crate::AppState;
use crate::auth::{Auth, AuthContext};
use crate::error::{AppError, Problem};
use crate::extract::{CsrfForm, Path, Query};
use crate::i18n::{Lang, Tr};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use eenplan_app::access::{
    self as app_access, MAX_RESULTS, assignments, load_decision, load_request, open_access_object,
    own_municipality, plan_goals, sees_access_object,
};
use eenplan_app::case_access;
use eenplan_domain::access::{
    EndReason, EvaluationOutcome, Frequency, Funding, ReferrerType, RequestStatus, RequestStep,
    ResultScore, Unit, format_euros_nl,
};
use eenplan_domain::{Permission, policy};
use eenplan_store::access::{self as store_access, AccessRequest, Decision};
use eenplan_store::audit::{Action, Event};
use eenplan_store::grant::CaseGrant;
use eenplan_store::monitoring::{self, Scope};
use eenplan_store::{catalogue, plans};

mod costs;
mod decision;
mod evaluations;
mod provider;
mod request;
mod request_form;
pub use costs::*;
pub use decision::*;
pub use evaluations::*;
pub use provider::*;
pub use request::*;
pub use request_form::*;

pub fn euros(cents: i64) -> String {
    format_euros_nl(cents)
}

/// A unit after a count, as people say it: "2 uur", "30 minuten", "1 etmaal".
fn unit_count(unit: Unit, n: i64, lang: Lang) -> &'static str {
    let one = n == 1;
    match (unit, lang) {
        (Unit::Minute, Lang::Nl) => {
            if one {
                "minuut"
            } else {
                "minuten"
            }
        }
        (Unit::Hour, Lang::Nl) => "uur",
        (Unit::Etmaal, Lang::Nl) => {
            if one {
                "etmaal"
            } else {
                "etmalen"
            }
        }
        (Unit::Dagdeel, Lang::Nl) => {
            if one {
                "dagdeel"
            } else {
                "dagdelen"
            }
        }
        (Unit::PiecesOutput | Unit::PiecesEffort, Lang::Nl) => "stuks",
        (Unit::Euros, Lang::Nl) => "euro",
        (Unit::Minute, Lang::En) => {
            if one {
                "minute"
            } else {
                "minutes"
            }
        }
        (Unit::Hour, Lang::En) => {
            if one {
                "hour"
            } else {
                "hours"
            }
        }
        (Unit::Etmaal, Lang::En) => {
            if one {
                "day and night"
            } else {
                "days and nights"
            }
        }
        (Unit::Dagdeel, Lang::En) => {
            if one {
                "day part"
            } else {
                "day parts"
            }
        }
        (Unit::PiecesOutput | Unit::PiecesEffort, Lang::En) => {
            if one {
                "piece"
            } else {
                "pieces"
            }
        }
        (Unit::Euros, Lang::En) => "euros",
    }
}

pub fn count(n: i64) -> String {
    n.to_string()
}

/// A figure of the cost page, or "x" where the small-number rule hides it.
pub fn shown(v: &Option<i64>, as_text: fn(i64) -> String) -> String {
    v.map_or_else(|| "x".to_owned(), as_text)
}

pub fn units_text(x100: i64) -> String {
    if x100 % 100 == 0 {
        (x100 / 100).to_string()
    } else {
        format!("{},{:02}", x100 / 100, x100 % 100)
    }
}

fn d(date: NaiveDate) -> String {
    date.format("%d-%m-%Y").to_string()
}

fn od(date: Option<NaiveDate>) -> String {
    date.map(d).unwrap_or_default()
}

// ------------------------------------------------------------------ parsing

// ------------------------------------------------------------------ actions
//
// Each write as one function, shared by the pages and the API: access check, parsing of
// the fields (the API hands its JSON in as the same fields), the store call.
