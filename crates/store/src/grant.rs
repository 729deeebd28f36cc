//! Grants: the proof that an access check was made.
//!
//! Only [`crate::cases::open`] makes a [`CaseGrant`], and every read of a case's content
//! (its family, network, plan, registrations, timeline, involvements, requests and
//! decisions) takes one, so a read without the check does not compile. The grant records
//! why access was given ([`Basis`]); that decides what the user may do and what the audit
//! record of a read says (flagged when the glass was broken, the basis as its purpose).

use crate::audit::{Action, Event};
use crate::cases::CaseSummary;
use crate::{Error, Result};
use eenplan_domain::case::CaseStatus;
use serde::Serialize;

/// Why a user may open a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = Access)]
pub enum Basis {
    /// Member of the holding team, or the case's worker: may run the case.
    Team,
    /// The team of a closed case whose family has since a later case: reads what it
    /// wrote, until the day it closed, and nothing of the later case.
    FormerTeam,
    /// Explicitly involved, or the coordinating professional (open cases only).
    Involved,
    /// Member of a treatment team assigned to a consultation request on the case, with
    /// the family's consent: reads.
    TreatmentTeamWithConsent,
    /// Broke the glass within the last [`crate::cases::BREAK_GLASS_HOURS`]: reads, flagged.
    BreakGlass,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Team => "team",
            Basis::FormerTeam => "former_team",
            Basis::Involved => "involved",
            Basis::TreatmentTeamWithConsent => "treatment_team_with_consent",
            Basis::BreakGlass => "break_glass",
        }
    }
}

/// Access to one case for one user, and why. Made only by [`crate::cases::open`].
#[derive(Debug, Clone)]
pub struct CaseGrant {
    case: CaseSummary,
    user_id: String,
    basis: Basis,
    /// For a former team: the moment its case closed (stored timestamp); family records
    /// made from then on are the later case's.
    until: Option<String>,
}

impl CaseGrant {
    pub(crate) fn new(
        case: CaseSummary,
        user_id: &str,
        basis: Basis,
        closed_at: Option<String>,
    ) -> CaseGrant {
        let until = match basis {
            Basis::FormerTeam => closed_at.or_else(|| {
                // No closing event (imported history): the end of the closing day.
                case.closed_on.and_then(|d| d.succ_opt()).map(|d| {
                    crate::format_time(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
                })
            }),
            _ => None,
        };
        CaseGrant {
            case,
            user_id: user_id.to_owned(),
            basis,
            until,
        }
    }

    pub fn case(&self) -> &CaseSummary {
        &self.case
    }

    pub fn into_case(self) -> CaseSummary {
        self.case
    }

    pub fn basis(&self) -> Basis {
        self.basis
    }

    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    pub fn family_id(&self) -> &str {
        &self.case.family_id
    }

    pub fn case_id(&self) -> &str {
        &self.case.id
    }

    /// Transitions and assignment: the holding team (a closed case only to reopen it).
    pub fn may_run(&self) -> bool {
        self.basis == Basis::Team
    }

    /// Changing the family, its network and its plan: the team and the involved, on an
    /// open case. A closed case, a treatment team and a broken glass read only.
    pub fn may_write(&self) -> bool {
        matches!(self.basis, Basis::Team | Basis::Involved)
            && self.case.status != CaseStatus::Closed
    }

    /// Involving professionals and choosing the coordinator: the holding team and the
    /// coordinating professional, on an open case.
    pub fn may_coordinate(&self) -> bool {
        self.may_write()
            && (self.basis == Basis::Team
                || self.case.coordinator_user_id.as_deref() == Some(self.user_id.as_str()))
    }

    /// Whether the grant shows the family only as it was when the case closed (a former
    /// team).
    pub fn as_closed(&self) -> bool {
        self.until.is_some()
    }

    /// The moment (exclusive, a stored timestamp) until which family records are shown:
    /// for comparisons with `created_at`; `None`: everything.
    pub(crate) fn until_stamp(&self) -> Option<String> {
        self.until.clone()
    }

    /// The grant, when it lets its holder run the case (its steps and its kind of help);
    /// `Forbidden` otherwise.
    pub fn runnable(&self) -> Result<&CaseGrant> {
        if self.may_run() {
            Ok(self)
        } else {
            Err(Error::Forbidden)
        }
    }

    /// The grant, when it lets its holder involve professionals; `Forbidden` otherwise.
    pub fn coordinating(&self) -> Result<&CaseGrant> {
        if self.may_coordinate() {
            Ok(self)
        } else {
            Err(Error::Forbidden)
        }
    }

    /// Refused (`Forbidden`) unless [`may_write`](Self::may_write).
    pub fn writable(&self) -> Result<&CaseGrant> {
        if self.may_write() {
            Ok(self)
        } else {
            Err(Error::Forbidden)
        }
    }

    /// The audit record of reading `what` of this case: flagged when the glass was
    /// broken, the basis as its purpose otherwise.
    pub fn read_event(&self, what: &str) -> Event {
        let mut event =
            Event::new(format!("case.{what}"), Action::Read).object("case", &self.case.id);
        event.break_glass = self.basis == Basis::BreakGlass;
        if self.basis != Basis::Team {
            event = event.purpose(self.basis.as_str());
        }
        event
    }
}
