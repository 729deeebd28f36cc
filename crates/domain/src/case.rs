//! The case (traject) and its life: `aangemeld` -> `in_begeleiding` -> `afgesloten`, with
//! reopening inside a configurable window (domain brief, section 3.1).

use crate::FieldError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum CaseStatus {
    /// `aangemeld`: registered, waiting for a worker of the local team.
    #[serde(rename = "aangemeld")]
    Registered,
    /// `in_begeleiding`: a worker picked it up.
    #[serde(rename = "in_begeleiding")]
    InCare,
    /// `afgesloten`: closed, with a date and a reason.
    #[serde(rename = "afgesloten")]
    Closed,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Registered => "aangemeld",
            CaseStatus::InCare => "in_begeleiding",
            CaseStatus::Closed => "afgesloten",
        }
    }
    pub fn parse(s: &str) -> Option<CaseStatus> {
        [
            CaseStatus::Registered,
            CaseStatus::InCare,
            CaseStatus::Closed,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
    pub fn label_nl(self) -> &'static str {
        match self {
            CaseStatus::Registered => "Aangemeld",
            CaseStatus::InCare => "In begeleiding",
            CaseStatus::Closed => "Afgesloten",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            CaseStatus::Registered => "Registered",
            CaseStatus::InCare => "In care",
            CaseStatus::Closed => "Closed",
        }
    }
}

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:tt, $nl:literal, $en:literal;)+ }) => {
        $(#[$m])*
        // Serialised as its code, the same value the API and the forms take as input.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
        pub enum $name { $(#[serde(rename = $code)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s.trim())
            }
            pub fn label_nl(self) -> &'static str {
                match self { $($name::$variant => $nl),+ }
            }
            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }
        }
    };
}
pub(crate) use code_enum;

code_enum! {
    /// Why a case was closed.
    CloseReason {
        GoalsReached = "goals_reached", "Doelen bereikt", "Goals reached";
        ReferredSpecialised = "referred_specialised", "Doorverwezen naar specialistische jeugdhulp", "Referred to specialised care";
        Moved = "moved", "Verhuisd", "Moved";
        FamilyStopped = "family_stopped", "Gezin gestopt", "Family stopped";
        Other = "other", "Anders", "Other";
    }
}

code_enum! {
    /// The kind of help the local team gives itself.
    HelpKind {
        InformationAdvice = "information_advice", "Informatie en advies", "Information and advice";
        AmbulatoryBasic = "ambulatory_basic", "Ambulante basishulp", "Ambulatory basic help";
        GroupWork = "group_work", "Groepswerk", "Group work";
    }
}

/// A step in a case's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    PickUp,
    Close,
    Reopen,
}

/// Why a transition is not allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionError {
    /// The transition does not start from this status.
    NotFrom(CaseStatus),
    /// Reopening after the window: register anew, which opens a new case.
    WindowPassed { closed_on: NaiveDate, days: i64 },
    /// The step is dated before an earlier step of the case.
    DateBefore { earliest: NaiveDate },
}

impl TransitionError {
    pub fn to_field_error(&self) -> FieldError {
        match self {
            TransitionError::NotFrom(s) => FieldError::new(
                "status",
                format!("Dit kan niet bij een casus met status '{}'.", s.label_nl()),
                format!("Not possible for a case with status '{}'.", s.label_en()),
            ),
            TransitionError::DateBefore { earliest } => FieldError::new(
                "on",
                format!(
                    "Deze datum ligt vóór een eerdere stap van de casus ({}).",
                    earliest.format("%d-%m-%Y")
                ),
                format!(
                    "This date lies before an earlier step of the case ({}).",
                    earliest.format("%Y-%m-%d")
                ),
            ),
            TransitionError::WindowPassed { closed_on, days } => FieldError::new(
                "status",
                format!(
                    "Deze casus is op {} gesloten, langer dan {days} dagen geleden. Meld het gezin opnieuw aan; dat opent een nieuwe casus.",
                    closed_on.format("%d-%m-%Y")
                ),
                format!(
                    "This case was closed on {}, more than {days} days ago. Register the family again; that opens a new case.",
                    closed_on.format("%Y-%m-%d")
                ),
            ),
        }
    }
}

/// The status after `transition`, or why it is refused. `closed_on` and `today` decide
/// whether a closed case may still be reopened (`reopen_days` after its closing date).
pub fn next_status(
    status: CaseStatus,
    transition: Transition,
    closed_on: Option<NaiveDate>,
    today: NaiveDate,
    reopen_days: i64,
) -> Result<CaseStatus, TransitionError> {
    match (status, transition) {
        (CaseStatus::Registered, Transition::PickUp) => Ok(CaseStatus::InCare),
        (CaseStatus::Registered | CaseStatus::InCare, Transition::Close) => Ok(CaseStatus::Closed),
        (CaseStatus::Closed, Transition::Reopen) => {
            let closed_on = closed_on.unwrap_or(today);
            if may_reopen(closed_on, today, reopen_days) {
                Ok(CaseStatus::InCare)
            } else {
                Err(TransitionError::WindowPassed {
                    closed_on,
                    days: reopen_days,
                })
            }
        }
        (s, _) => Err(TransitionError::NotFrom(s)),
    }
}

/// Whether a case closed on `closed_on` is still inside the reopening window.
pub fn may_reopen(closed_on: NaiveDate, today: NaiveDate, reopen_days: i64) -> bool {
    let days = (today - closed_on).num_days();
    (0..=reopen_days).contains(&days)
}

/// Checks the date of a step against the steps before it (a case is not picked up or
/// closed before it was registered, nor closed before it was picked up).
pub fn check_step_date(
    on: NaiveDate,
    registered_on: NaiveDate,
    picked_up_on: Option<NaiveDate>,
) -> Result<(), TransitionError> {
    let earliest = picked_up_on.map_or(registered_on, |p| p.max(registered_on));
    if on < earliest {
        Err(TransitionError::DateBefore { earliest })
    } else {
        Ok(())
    }
}

/// A case number a family can quote on the phone: year and a running number.
pub fn case_number(year: i32, seq: i64) -> String {
    format!("{year}-{seq:06}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_case_runs_registered_in_care_closed() {
        let today = d("2026-03-01");
        let s = next_status(CaseStatus::Registered, Transition::PickUp, None, today, 90).unwrap();
        assert_eq!(s, CaseStatus::InCare);
        let s = next_status(s, Transition::Close, None, today, 90).unwrap();
        assert_eq!(s, CaseStatus::Closed);
        // A registered case may also be closed directly (e.g. information only).
        assert_eq!(
            next_status(CaseStatus::Registered, Transition::Close, None, today, 90),
            Ok(CaseStatus::Closed)
        );
    }

    #[test]
    fn wrong_transitions_are_refused() {
        let today = d("2026-03-01");
        for (from, t) in [
            (CaseStatus::InCare, Transition::PickUp),
            (CaseStatus::Closed, Transition::PickUp),
            (CaseStatus::Closed, Transition::Close),
            (CaseStatus::Registered, Transition::Reopen),
            (CaseStatus::InCare, Transition::Reopen),
        ] {
            assert_eq!(
                next_status(from, t, None, today, 90),
                Err(TransitionError::NotFrom(from))
            );
        }
    }

    #[test]
    fn reopening_only_inside_the_window() {
        let closed = d("2026-01-01");
        assert_eq!(
            next_status(
                CaseStatus::Closed,
                Transition::Reopen,
                Some(closed),
                d("2026-04-01"),
                90
            ),
            Ok(CaseStatus::InCare)
        );
        assert_eq!(
            next_status(
                CaseStatus::Closed,
                Transition::Reopen,
                Some(closed),
                d("2026-04-02"),
                90
            ),
            Err(TransitionError::WindowPassed {
                closed_on: closed,
                days: 90
            })
        );
        assert!(!may_reopen(closed, d("2026-01-02"), 0));
        assert!(
            !may_reopen(closed, d("2025-12-01"), 90),
            "not before it closed"
        );
    }

    #[test]
    fn steps_are_not_dated_before_earlier_steps() {
        let reg = d("2026-03-01");
        assert!(check_step_date(d("2026-03-01"), reg, None).is_ok());
        assert_eq!(
            check_step_date(d("2026-02-28"), reg, None),
            Err(TransitionError::DateBefore { earliest: reg })
        );
        assert!(check_step_date(d("2026-03-05"), reg, Some(d("2026-03-06"))).is_err());
    }

    #[test]
    fn codes_round_trip() {
        for s in [
            CaseStatus::Registered,
            CaseStatus::InCare,
            CaseStatus::Closed,
        ] {
            assert_eq!(CaseStatus::parse(s.as_str()), Some(s));
        }
        for r in CloseReason::ALL {
            assert_eq!(CloseReason::parse(r.as_str()), Some(*r));
        }
        assert_eq!(HelpKind::parse("group_work"), Some(HelpKind::GroupWork));
        assert_eq!(HelpKind::parse("nonsense"), None);
        assert_eq!(case_number(2026, 42), "2026-000042");
    }
}
