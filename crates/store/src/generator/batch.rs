//! Multi-row inserts for the generator: rows are buffered per table and written as
//! `INSERT INTO t (...) VALUES (...), (...), ...` with binds, a statement per batch.
//!
//! Tables are kept in the order of their foreign keys (parents first) and are written
//! together, in that order, once [`ROUND`] rows are buffered, so a row is never written
//! before the rows it refers to while the statements stay large.
//!
//! The placeholders differ per backend: PostgreSQL numbers them (`$1, $2, ...`); SQLite
//! gets anonymous `?`, because it treats `$1` as a *name* and both its parser and sqlx's
//! binding look every name up in a list, which makes a statement with thousands of
//! binds take seconds.

use crate::{Backend, Result, Tx};
use chrono::NaiveDate;

/// Binds per statement: below SQLite's limit (32,766) and PostgreSQL's (65,535).
const MAX_BINDS: usize = 30_000;
/// Rows per statement at most.
const MAX_ROWS: usize = 2_000;
/// Rows buffered (all tables) before they are written.
const ROUND: usize = 100_000;

/// A bound value.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    T(Option<String>),
    I(Option<i64>),
}

impl From<String> for V {
    fn from(s: String) -> V {
        V::T(Some(s))
    }
}
impl From<&String> for V {
    fn from(s: &String) -> V {
        V::T(Some(s.clone()))
    }
}
impl From<&str> for V {
    fn from(s: &str) -> V {
        V::T(Some(s.to_owned()))
    }
}
impl From<Option<String>> for V {
    fn from(s: Option<String>) -> V {
        V::T(s)
    }
}
impl From<Option<&str>> for V {
    fn from(s: Option<&str>) -> V {
        V::T(s.map(str::to_owned))
    }
}
impl From<i64> for V {
    fn from(i: i64) -> V {
        V::I(Some(i))
    }
}
impl From<Option<i64>> for V {
    fn from(i: Option<i64>) -> V {
        V::I(i)
    }
}
impl From<bool> for V {
    fn from(b: bool) -> V {
        V::I(Some(i64::from(b)))
    }
}
impl From<NaiveDate> for V {
    fn from(d: NaiveDate) -> V {
        V::T(Some(d.to_string()))
    }
}
impl From<Option<NaiveDate>> for V {
    fn from(d: Option<NaiveDate>) -> V {
        V::T(d.map(|d| d.to_string()))
    }
}

/// The tables the generator writes, parents before children.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum T {
    Municipalities,
    Organisations,
    Teams,
    TeamMunicipalities,
    Users,
    TeamMembers,
    TreatmentMemberships,
    Families,
    Persons,
    PersonNameWords,
    NetworkMembers,
    Cases,
    Registrations,
    RegistrationProblemAreas,
    RegistrationYouths,
    CaseEvents,
    FamilyPlans,
    PlanVersions,
    AccessRequests,
    AccessRequestResults,
    AccessRequestWriters,
    AccessReviews,
    Decisions,
    DecisionVersions,
    Evaluations,
    EvaluationResults,
    MonitoringTime,
    ConsultationRequests,
    ConsultationMembers,
    ConsultationActivities,
    HoursEntries,
}

impl T {
    pub const ALL: [T; 31] = [
        T::Municipalities,
        T::Organisations,
        T::Teams,
        T::TeamMunicipalities,
        T::Users,
        T::TeamMembers,
        T::TreatmentMemberships,
        T::Families,
        T::Persons,
        T::PersonNameWords,
        T::NetworkMembers,
        T::Cases,
        T::Registrations,
        T::RegistrationProblemAreas,
        T::RegistrationYouths,
        T::CaseEvents,
        T::FamilyPlans,
        T::PlanVersions,
        T::AccessRequests,
        T::AccessRequestResults,
        T::AccessRequestWriters,
        T::AccessReviews,
        T::Decisions,
        T::DecisionVersions,
        T::Evaluations,
        T::EvaluationResults,
        T::MonitoringTime,
        T::ConsultationRequests,
        T::ConsultationMembers,
        T::ConsultationActivities,
        T::HoursEntries,
    ];

    pub fn name(self) -> &'static str {
        self.spec().0
    }

    /// (table, columns, conflict clause)
    fn spec(self) -> (&'static str, &'static [&'static str], &'static str) {
        match self {
            T::Municipalities => (
                "municipalities",
                &["code", "name", "subregion", "region"],
                " ON CONFLICT (code) DO NOTHING",
            ),
            T::Organisations => (
                "organisations",
                &[
                    "id",
                    "name",
                    "org_type",
                    "agb_code",
                    "municipality_code",
                    "version",
                    "created_at",
                    "updated_at",
                ],
                "",
            ),
            T::Teams => (
                "teams",
                &[
                    "id",
                    "organisation_id",
                    "name",
                    "team_type",
                    "version",
                    "created_at",
                    "updated_at",
                ],
                "",
            ),
            T::TeamMunicipalities => ("team_municipalities", &["team_id", "municipality_code"], ""),
            T::Users => (
                "users",
                &[
                    "id",
                    "username",
                    "display_name",
                    "role",
                    "organisation_id",
                    "password_hash",
                    "totp_secret",
                    "totp_confirmed",
                    "active",
                    "version",
                    "created_at",
                    "updated_at",
                ],
                "",
            ),
            T::TeamMembers => ("team_members", &["team_id", "user_id"], ""),
            T::TreatmentMemberships => (
                "treatment_memberships",
                &[
                    "id",
                    "team_id",
                    "user_id",
                    "organisation_id",
                    "discipline",
                    "expertise",
                    "committed_minutes_week",
                    "valid_from",
                    "valid_to",
                    "version",
                    "created_at",
                    "updated_at",
                ],
                "",
            ),
            T::Families => (
                "families",
                &["id", "name", "version", "created_at", "updated_at"],
                "",
            ),
            T::Persons => (
                "persons",
                &[
                    "id",
                    "family_id",
                    "kind",
                    "name",
                    "name_key",
                    "birth_date",
                    "bsn",
                    "municipality_code",
                    "has_authority",
                    "phone",
                    "version",
                    "created_at",
                    "updated_at",
                ],
                "",
            ),
            T::PersonNameWords => ("person_name_words", &["word", "person_id"], ""),
            T::NetworkMembers => (
                "network_members",
                &[
                    "id",
                    "family_id",
                    "name",
                    "relation",
                    "contact",
                    "contribution",
                    "version",
                    "created_at",
                    "updated_at",
                ],
                "",
            ),
            T::Cases => (
                "cases",
                &[
                    "id",
                    "number",
                    "family_id",
                    "municipality_code",
                    "team_id",
                    "worker_id",
                    "status",
                    "registered_on",
                    "picked_up_on",
                    "closed_on",
                    "close_reason",
                    "help_kind",
                    "drang",
                    "version",
                    "created_at",
                    "updated_at",
                ],
                "",
            ),
            T::Registrations => (
                "registrations",
                &[
                    "id",
                    "case_id",
                    "municipality_code",
                    "registered_on",
                    "referral_channel",
                    "question",
                    "created_by",
                    "created_at",
                ],
                "",
            ),
            T::RegistrationProblemAreas => (
                "registration_problem_areas",
                &["registration_id", "problem_area", "is_primary"],
                "",
            ),
            T::RegistrationYouths => ("registration_youths", &["registration_id", "person_id"], ""),
            T::CaseEvents => (
                "case_events",
                &[
                    "id", "case_id", "at", "on_date", "kind", "detail", "user_id",
                ],
                "",
            ),
            T::FamilyPlans => (
                "family_plans",
                &[
                    "family_id",
                    "coordinator_kind",
                    "coordinator_user_id",
                    "current_version",
                    "next_action_due",
                    "agreed",
                    "version",
                    "created_at",
                    "updated_at",
                ],
                "",
            ),
            T::PlanVersions => (
                "plan_versions",
                &[
                    "family_id",
                    "number",
                    "content",
                    "created_by",
                    "created_at",
                    "agreed_on",
                    "agreed_by",
                    "agreement_recorded_by",
                ],
                "",
            ),
            T::AccessRequests => (
                "access_requests",
                &[
                    "id",
                    "case_id",
                    "youth_id",
                    "municipality_code",
                    "variant",
                    "status",
                    "referrer_type",
                    "referrer_code",
                    "reason",
                    "product_id",
                    "funding",
                    "provider_id",
                    "volume",
                    "unit",
                    "frequency",
                    "start_on",
                    "end_on",
                    "pgb_cents",
                    "intake_on",
                    "effort_at",
                    "author_id",
                    "submitted_at",
                    "reviewer_id",
                    "reviewed_at",
                    "review_comment",
                    "version",
                    "created_at",
                    "updated_at",
                ],
                "",
            ),
            T::AccessRequestResults => (
                "access_request_results",
                &["id", "request_id", "position", "text", "goal_id"],
                "",
            ),
            T::AccessRequestWriters => ("access_request_writers", &["request_id", "user_id"], ""),
            T::AccessReviews => (
                "access_reviews",
                &[
                    "id",
                    "request_id",
                    "reviewer_id",
                    "outcome",
                    "comment",
                    "at",
                ],
                "",
            ),
            T::Decisions => (
                "decisions",
                &[
                    "id",
                    "number",
                    "request_id",
                    "case_id",
                    "youth_id",
                    "municipality_code",
                    "product_id",
                    "funding",
                    "provider_id",
                    "volume",
                    "unit",
                    "frequency",
                    "pgb_cents",
                    "start_on",
                    "end_on",
                    "ended_on",
                    "end_reason",
                    "start_day",
                    "last_day",
                    "unit_price_cents",
                    "units_x100",
                    "segment_start",
                    "prior_cents",
                    "prior_units_x100",
                    "estimated_cents",
                    "actual_start_on",
                    "actual_end_on",
                    "decided_by",
                    "decided_on",
                    "version",
                    "created_at",
                    "updated_at",
                ],
                "",
            ),
            T::DecisionVersions => (
                "decision_versions",
                &[
                    "decision_id",
                    "version",
                    "snapshot",
                    "reason",
                    "changed_by",
                    "changed_at",
                ],
                "",
            ),
            T::Evaluations => (
                "evaluations",
                &[
                    "id",
                    "decision_id",
                    "team_id",
                    "kind",
                    "due_on",
                    "done_on",
                    "family_view",
                    "outcome",
                    "done_by",
                    "version",
                ],
                "",
            ),
            T::EvaluationResults => (
                "evaluation_results",
                &["evaluation_id", "result_id", "score"],
                "",
            ),
            T::MonitoringTime => (
                "monitoring_time",
                &[
                    "id",
                    "decision_id",
                    "user_id",
                    "on_date",
                    "minutes",
                    "note",
                    "created_at",
                ],
                "",
            ),
            T::ConsultationRequests => (
                "consultation_requests",
                &[
                    "id",
                    "number",
                    "team_id",
                    "case_id",
                    "municipality_code",
                    "referrer",
                    "referrer_name",
                    "requested_on",
                    "kind",
                    "reason",
                    "question",
                    "anonymised_question",
                    "consent",
                    "consent_by",
                    "consent_on",
                    "consent_scope",
                    "status",
                    "contra_indication",
                    "decline_advice",
                    "screened_on",
                    "picked_up_on",
                    "closed_on",
                    "outcome",
                    "referred_on",
                    "referred_to",
                    "created_by",
                    "version",
                    "created_at",
                    "updated_at",
                ],
                "",
            ),
            T::ConsultationMembers => ("consultation_members", &["request_id", "user_id"], ""),
            T::ConsultationActivities => (
                "consultation_activities",
                &[
                    "id",
                    "request_id",
                    "kind",
                    "on_date",
                    "place",
                    "attendees",
                    "notes",
                    "created_by",
                    "created_at",
                ],
                "",
            ),
            T::HoursEntries => (
                "hours_entries",
                &[
                    "id",
                    "team_id",
                    "user_id",
                    "organisation_id",
                    "on_date",
                    "minutes",
                    "activity",
                    "request_id",
                    "note",
                    "approved_by",
                    "approved_at",
                    "version",
                    "created_at",
                ],
                "",
            ),
        }
    }
}

struct Buffer {
    table: T,
    columns: usize,
    values: Vec<V>,
    rows: usize,
    max_rows: usize,
    /// The statement of a full batch, built once (and kept prepared by the connection).
    full: String,
    written: u64,
}

impl Buffer {
    fn new(table: T) -> Buffer {
        let columns = table.spec().1.len();
        let max_rows = (MAX_BINDS / columns).min(MAX_ROWS);
        Buffer {
            table,
            columns,
            values: Vec::new(),
            rows: 0,
            max_rows,
            full: String::new(),
            written: 0,
        }
    }

    /// The row counts of the statements that write `rows` rows: full batches and the rest.
    fn chunks(&self, rows: usize) -> Vec<usize> {
        let mut out = vec![self.max_rows; rows / self.max_rows];
        if !rows.is_multiple_of(self.max_rows) {
            out.push(rows % self.max_rows);
        }
        out
    }
}

fn sql(backend: Backend, table: T, rows: usize) -> String {
    let (name, columns, conflict) = table.spec();
    let n = columns.len();
    let mut s = format!("INSERT INTO {name} ({}) VALUES ", columns.join(", "));
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        for c in 0..n {
            if c > 0 {
                s.push(',');
            }
            match backend {
                Backend::Postgres => {
                    s.push('$');
                    s.push_str(&(r * n + c + 1).to_string());
                }
                Backend::Sqlite => s.push('?'),
            }
        }
        s.push(')');
    }
    s.push_str(conflict);
    s
}

/// Buffered rows of every table, written inside one transaction.
pub struct Sink {
    backend: Backend,
    buffers: Vec<Buffer>,
    buffered: usize,
}

impl Sink {
    pub fn new(backend: Backend) -> Sink {
        Sink {
            backend,
            buffers: T::ALL.iter().map(|t| Buffer::new(*t)).collect(),
            buffered: 0,
        }
    }

    /// Adds a row (its values in the order of the table's columns). Writes every table
    /// once enough rows are buffered.
    pub async fn push(&mut self, tx: &mut Tx, table: T, row: Vec<V>) -> Result<()> {
        let b = &mut self.buffers[table as usize];
        debug_assert_eq!(b.table, table);
        assert_eq!(
            row.len(),
            b.columns,
            "a row of {} needs {} values",
            table.name(),
            b.columns
        );
        b.values.extend(row);
        b.rows += 1;
        self.buffered += 1;
        if self.buffered >= ROUND {
            self.flush(tx).await?;
        }
        Ok(())
    }

    /// Writes every buffered row, the tables in the order of their foreign keys.
    pub async fn flush(&mut self, tx: &mut Tx) -> Result<()> {
        for b in &mut self.buffers {
            let mut values = std::mem::take(&mut b.values).into_iter();
            for rows in b.chunks(b.rows) {
                // Full batches use one prepared statement per table; the rest (once a
                // round) is sent unprepared, so the connection's statement cache is not
                // churned by statements of every size.
                let rest;
                let full = rows == b.max_rows;
                if full && b.full.is_empty() {
                    b.full = sql(self.backend, b.table, rows);
                }
                let text = if full {
                    &b.full
                } else {
                    rest = sql(self.backend, b.table, rows);
                    &rest
                };
                let mut query = sqlx::query(text).persistent(full);
                for v in values.by_ref().take(rows * b.columns) {
                    query = match v {
                        V::T(s) => query.bind(s),
                        V::I(i) => query.bind(i),
                    };
                }
                query.execute(&mut **tx).await?;
            }
            b.written += b.rows as u64;
            b.rows = 0;
        }
        self.buffered = 0;
        Ok(())
    }

    /// Rows written per table so far.
    pub fn written(&self) -> Vec<(T, u64)> {
        self.buffers.iter().map(|b| (b.table, b.written)).collect()
    }
}

/// A row of values: `row![a, b, c]`.
macro_rules! row {
    ($($v:expr),* $(,)?) => { vec![$($crate::generator::batch::V::from($v)),*] };
}
pub(crate) use row;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_number_their_placeholders_and_fit_the_limits() {
        assert_eq!(
            sql(Backend::Postgres, T::TeamMembers, 2),
            "INSERT INTO team_members (team_id, user_id) VALUES ($1,$2),($3,$4)"
        );
        assert_eq!(
            sql(Backend::Sqlite, T::TeamMembers, 2),
            "INSERT INTO team_members (team_id, user_id) VALUES (?,?),(?,?)"
        );
        assert!(
            sql(Backend::Sqlite, T::Municipalities, 1).ends_with("ON CONFLICT (code) DO NOTHING")
        );
        for t in T::ALL {
            let b = Buffer::new(t);
            assert!(b.max_rows * b.columns <= MAX_BINDS);
            assert_eq!(T::ALL[t as usize], t);
        }
    }

    #[test]
    fn rows_are_written_in_full_batches_and_the_rest() {
        let b = Buffer::new(T::TeamMembers);
        assert_eq!(b.max_rows, 2_000);
        assert_eq!(b.chunks(0), Vec::<usize>::new());
        assert_eq!(b.chunks(4_001), vec![2_000, 2_000, 1]);
        assert_eq!(b.chunks(2_700), vec![2_000, 700]);
        assert_eq!(b.chunks(2_000), vec![2_000]);
    }
}
