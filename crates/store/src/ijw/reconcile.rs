//! The reconciliation of a youth's or a provider's care: per in-kind decision, what was
//! decided, assigned (JW301), started (JW305), stopped (JW307) and declared (JW323), with
//! every mismatch named. Refused messages count too: a start the provider sent for an
//! assignment that does not exist is a mismatch, even though nothing of it was applied.

use super::Scope;
use crate::{Result, Store, date, opt_date, settings};
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::Row;

/// Whose care to reconcile.
#[derive(Debug, Clone)]
pub enum Subject {
    Youth(String),
    Provider(String),
}

/// A mismatch between what was decided and what the messages say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MismatchKind {
    /// An in-kind decision without an assignment message (no BSN, say).
    NotAssigned,
    /// The provider refused the assignment (JW302 with a retour code).
    AssignmentRefused,
    /// No start reported this many weeks after the assignment's first day.
    NeverStarted,
    /// A start for an assignment that does not exist (9019).
    StartedWithoutAssignment,
    /// A stop without a current start (9069, 9063) or without an assignment.
    StoppedWithoutStart,
    /// Declared beyond the decided volume (9321, 9322, 9369) or, accepted, above it.
    DeclaredOverVolume,
    /// Declared outside the assignment's period (9307, 9308).
    DeclaredOutsidePeriod,
    /// Declared for an assignment that does not exist or is another client's (9338, 8187).
    DeclaredWithoutAssignment,
    /// Declared care that was never reported as started.
    DeclaredWithoutStart,
    /// Any other refusal, with its retour code.
    Refused,
}

impl MismatchKind {
    fn of_refusal(message_type: &str, code: &str) -> MismatchKind {
        match (message_type, code) {
            ("JW302", _) => MismatchKind::AssignmentRefused,
            ("JW305", "9019") => MismatchKind::StartedWithoutAssignment,
            ("JW307", "9019" | "9069" | "9063") => MismatchKind::StoppedWithoutStart,
            ("JW323", "9321" | "9322" | "9369") => MismatchKind::DeclaredOverVolume,
            ("JW323", "9307" | "9308") => MismatchKind::DeclaredOutsidePeriod,
            ("JW323", "9338" | "8187") => MismatchKind::DeclaredWithoutAssignment,
            _ => MismatchKind::Refused,
        }
    }

    pub fn label_nl(self) -> &'static str {
        match self {
            MismatchKind::NotAssigned => "Besloten, maar niet toegewezen",
            MismatchKind::AssignmentRefused => "Toewijzing door aanbieder afgekeurd",
            MismatchKind::NeverStarted => "Toegewezen, maar niet gestart",
            MismatchKind::StartedWithoutAssignment => "Gestart zonder toewijzing",
            MismatchKind::StoppedWithoutStart => "Gestopt zonder start",
            MismatchKind::DeclaredOverVolume => "Meer gedeclareerd dan toegewezen",
            MismatchKind::DeclaredOutsidePeriod => "Gedeclareerd buiten de toewijzing",
            MismatchKind::DeclaredWithoutAssignment => "Gedeclareerd zonder toewijzing",
            MismatchKind::DeclaredWithoutStart => "Gedeclareerd zonder start",
            MismatchKind::Refused => "Afgekeurd bericht",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            MismatchKind::NotAssigned => "Decided but not assigned",
            MismatchKind::AssignmentRefused => "Assignment refused by the provider",
            MismatchKind::NeverStarted => "Assigned but never started",
            MismatchKind::StartedWithoutAssignment => "Started without assignment",
            MismatchKind::StoppedWithoutStart => "Stopped without start",
            MismatchKind::DeclaredOverVolume => "Declared over the assigned volume",
            MismatchKind::DeclaredOutsidePeriod => "Declared outside the assignment",
            MismatchKind::DeclaredWithoutAssignment => "Declared without assignment",
            MismatchKind::DeclaredWithoutStart => "Declared without start",
            MismatchKind::Refused => "Refused message",
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Mismatch {
    pub kind: MismatchKind,
    /// The message it comes from, where there is one.
    pub message_id: Option<String>,
    pub retour_code: Option<String>,
    pub detail: String,
}

/// One in-kind decision and what the messages say about it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Line {
    pub decision_id: String,
    pub decision_number: String,
    pub youth_id: String,
    pub youth_name: String,
    pub provider_id: String,
    pub provider_name: String,
    pub product_code: String,
    pub start_on: NaiveDate,
    pub last_day: NaiveDate,
    /// The decided volume over the whole period, in hundredths of the unit.
    pub decided_units_x100: i64,
    pub unit: Option<String>,
    pub assignment_number: Option<i64>,
    pub started_on: Option<NaiveDate>,
    pub stopped_on: Option<NaiveDate>,
    pub declared_volume: i64,
    pub declared_cents: i64,
    pub mismatches: Vec<Mismatch>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Reconciliation {
    pub lines: Vec<Line>,
    /// Refusals that name no decision (a start for an unknown assignment, say).
    pub unlinked: Vec<Mismatch>,
}

impl Reconciliation {
    pub fn mismatch_count(&self) -> usize {
        self.unlinked.len() + self.lines.iter().map(|l| l.mismatches.len()).sum::<usize>()
    }
}

/// Weeks after an assignment's first day without a start before it is a mismatch.
pub const START_WEEKS_SETTING: &str = "ijw_start_weeks";

/// The setting [`START_WEEKS_SETTING`], 4 unless set.
pub async fn start_weeks(store: &Store) -> Result<i64> {
    Ok(settings::get(store, START_WEEKS_SETTING)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(4))
}

/// The day the region began exchanging iJw messages (set when the messages came in):
/// decisions taken before it were assigned through the earlier administration.
pub const SINCE_SETTING: &str = "ijw_since";

/// At most this many decisions per reconciliation, the most recent first.
pub const MAX_LINES: usize = 500;

/// Reconciles the in-kind decisions of `subject` that run within `from`..=`to` and were
/// taken since the messages began (or have an assignment), at most [`MAX_LINES`].
pub async fn reconcile(
    store: &Store,
    scope: &Scope,
    subject: &Subject,
    (from, to): (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> Result<Reconciliation> {
    let (filter, key) = match subject {
        Subject::Youth(id) => ("d.youth_id = $1", id.as_str()),
        Subject::Provider(id) => ("d.provider_id = $1", id.as_str()),
    };
    let since = settings::get(store, SINCE_SETTING)
        .await?
        .unwrap_or_else(|| "0000-01-01".into());
    let (scope_sql, mut scope_binds) = scope.decision_filter(2);
    let n = scope_binds.len();
    let window = format!(
        " AND d.start_on <= ${} AND COALESCE(d.ended_on, d.end_on) >= ${}
          AND (d.decided_on >= ${} OR EXISTS (SELECT 1 FROM ijw_assignments x WHERE x.decision_id = d.id))",
        n + 2,
        n + 3,
        n + 4
    );
    scope_binds.extend([to.to_string(), from.to_string(), since]);
    let scope_sql = format!("{scope_sql}{window}");
    let decisions_sql =
        format!("SELECT d.id FROM decisions d WHERE d.funding = 'zin' AND {filter}{scope_sql}");
    let mut conn = store.pool().acquire().await?;
    let sql = format!(
        "SELECT d.id, d.number, d.youth_id, y.name AS youth_name, d.provider_id,
                o.name AS provider_name, p.code AS product_code, d.start_on,
                COALESCE(d.ended_on, d.end_on) AS last_day, d.units_x100, d.unit, a.number AS assignment_number
         FROM decisions d
         JOIN persons y ON y.id = d.youth_id
         JOIN products p ON p.id = d.product_id
         JOIN organisations o ON o.id = d.provider_id
         LEFT JOIN ijw_assignments a ON a.decision_id = d.id
         WHERE d.funding = 'zin' AND {filter}{scope_sql}
         ORDER BY d.start_on DESC, d.number LIMIT {MAX_LINES}"
    );
    let rows = bound(&sql, key, &scope_binds).fetch_all(&mut *conn).await?;
    let mut lines = Vec::with_capacity(rows.len());
    for r in &rows {
        let start: String = r.try_get("start_on")?;
        let last: String = r.try_get("last_day")?;
        lines.push(Line {
            decision_id: r.try_get("id")?,
            decision_number: r.try_get("number")?,
            youth_id: r.try_get("youth_id")?,
            youth_name: r.try_get("youth_name")?,
            provider_id: r.try_get("provider_id")?,
            provider_name: r.try_get("provider_name")?,
            product_code: r.try_get("product_code")?,
            start_on: date(&start)?,
            last_day: date(&last)?,
            decided_units_x100: r.try_get("units_x100")?,
            unit: r.try_get("unit")?,
            assignment_number: r.try_get("assignment_number")?,
            started_on: None,
            stopped_on: None,
            declared_volume: 0,
            declared_cents: 0,
            mismatches: Vec::new(),
        });
    }
    let index = |id: &str, lines: &[Line]| lines.iter().position(|l| l.decision_id == id);

    // Deliveries: the first start, and the last stop once every delivery has stopped.
    let sql = format!(
        "SELECT decision_id, begin_on, end_on FROM ijw_deliveries
         WHERE decision_id IN ({decisions_sql}) ORDER BY begin_on"
    );
    let deliveries = bound(&sql, key, &scope_binds).fetch_all(&mut *conn).await?;
    let mut open = vec![false; lines.len()];
    for r in &deliveries {
        let id: String = r.try_get("decision_id")?;
        let Some(i) = index(&id, &lines) else {
            continue;
        };
        let begin: String = r.try_get("begin_on")?;
        let begin = date(&begin)?;
        let end = opt_date(r, "end_on")?;
        let line = &mut lines[i];
        line.started_on = Some(line.started_on.map_or(begin, |s| s.min(begin)));
        match end {
            Some(e) => line.stopped_on = Some(line.stopped_on.map_or(e, |s| s.max(e))),
            None => open[i] = true,
        }
    }
    for (line, open) in lines.iter_mut().zip(open) {
        if open {
            line.stopped_on = None;
        }
    }

    let sql = format!(
        "SELECT decision_id,
                CAST(SUM(CASE WHEN credit = 1 THEN -volume ELSE volume END) AS BIGINT) AS volume,
                CAST(SUM(CASE WHEN credit = 1 THEN -amount_cents ELSE amount_cents END) AS BIGINT) AS cents
         FROM ijw_claims WHERE accepted = 1 AND decision_id IN ({decisions_sql})
         GROUP BY decision_id"
    );
    let claims = bound(&sql, key, &scope_binds).fetch_all(&mut *conn).await?;
    for r in &claims {
        let id: String = r.try_get("decision_id")?;
        let Some(i) = index(&id, &lines) else {
            continue;
        };
        lines[i].declared_volume = r.try_get::<Option<i64>, _>("volume")?.unwrap_or(0);
        lines[i].declared_cents = r.try_get::<Option<i64>, _>("cents")?.unwrap_or(0);
    }

    // Refusals of the messages about care (not requests): of this youth's BSN or this
    // provider's messages.
    let (refusal_filter, refusal_key) = match subject {
        Subject::Youth(id) => {
            let bsn: Option<String> = sqlx::query_scalar("SELECT bsn FROM persons WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
                .flatten();
            ("r.bsn = $1", bsn.unwrap_or_default())
        }
        Subject::Provider(id) => ("m.provider_id = $1", id.clone()),
    };
    let (scope_sql_m, scope_binds_m) = scope.message_filter(2);
    let sql = format!(
        "SELECT m.id, m.message_type, r.retour_code, r.detail, r.decision_id
         FROM ijw_refusals r JOIN ijw_messages m ON m.id = r.message_id
         WHERE m.message_type IN ('JW302', 'JW305', 'JW307', 'JW323') AND {refusal_filter}{scope_sql_m}
         ORDER BY m.created_at, r.position"
    );
    let refusals = bound(&sql, &refusal_key, &scope_binds_m)
        .fetch_all(&mut *conn)
        .await?;
    let mut unlinked = Vec::new();
    for r in &refusals {
        let message_id: String = r.try_get("id")?;
        let message_type: String = r.try_get("message_type")?;
        let code: String = r.try_get("retour_code")?;
        let detail: String = r.try_get("detail")?;
        let decision: Option<String> = r.try_get("decision_id")?;
        let mismatch = Mismatch {
            kind: MismatchKind::of_refusal(&message_type, &code),
            message_id: Some(message_id),
            retour_code: Some(code),
            detail: format!("{message_type}: {detail}"),
        };
        match decision.as_deref().and_then(|d| index(d, &lines)) {
            Some(i) => lines[i].mismatches.push(mismatch),
            None => unlinked.push(mismatch),
        }
    }

    let weeks = start_weeks(store).await?;
    for line in &mut lines {
        let derived = |kind: MismatchKind, detail: String| Mismatch {
            kind,
            message_id: None,
            retour_code: None,
            detail,
        };
        if line.assignment_number.is_none() {
            line.mismatches.insert(
                0,
                derived(
                    MismatchKind::NotAssigned,
                    "geen JW301 verstuurd / no JW301 sent".into(),
                ),
            );
        } else if line.started_on.is_none()
            && (today - line.start_on).num_days() > weeks * 7
            && line.start_on <= line.last_day
        {
            line.mismatches.push(derived(
                MismatchKind::NeverStarted,
                format!("{weeks} weken / weeks"),
            ));
        }
        if line.declared_volume * 100 > line.decided_units_x100 && line.decided_units_x100 > 0 {
            line.mismatches.push(derived(
                MismatchKind::DeclaredOverVolume,
                format!(
                    "{} > {:.2}",
                    line.declared_volume,
                    line.decided_units_x100 as f64 / 100.0
                ),
            ));
        }
        if line.declared_volume > 0 && line.started_on.is_none() {
            line.mismatches.push(derived(
                MismatchKind::DeclaredWithoutStart,
                format!("{}", line.declared_volume),
            ));
        }
    }
    Ok(Reconciliation { lines, unlinked })
}

/// A query with its first parameter and the scope's parameters bound.
fn bound<'q>(
    sql: &'q str,
    key: &str,
    scope: &[String],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let mut q = sqlx::query(sql).bind(key.to_owned());
    for b in scope {
        q = q.bind(b.clone());
    }
    q
}
