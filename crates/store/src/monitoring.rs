//! Monitoring granted access (domain brief, section 3.3): evaluations per result, time
//! spent on monitoring, the work lists of due and overdue evaluations, and the daily job
//! that keeps each user's notification list.

use crate::audit::{self, Action, Actor, Event};
use crate::cases::audit_family;
use crate::date;
use crate::{Error, Result, Store, Tx, check_versioned_update, new_id, now};
use chrono::NaiveDate;
use eenplan_domain::FieldError;
use eenplan_domain::access::{DUE_SOON_DAYS, EvaluationKind, EvaluationOutcome, ResultScore};
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Evaluation {
    pub id: String,
    pub decision_id: String,
    pub kind: EvaluationKind,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub family_view: Option<String>,
    pub outcome: Option<EvaluationOutcome>,
    pub done_by_name: Option<String>,
    pub version: i64,
    /// The score of every result, once held.
    pub scores: Vec<Score>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Score {
    pub result_id: String,
    pub score: ResultScore,
}

pub async fn evaluations(
    conn: &mut sqlx::AnyConnection,
    decision_id: &str,
) -> Result<Vec<Evaluation>> {
    let rows = sqlx::query(
        "SELECT e.*, u.display_name AS done_by_name FROM evaluations e
         LEFT JOIN users u ON u.id = e.done_by WHERE e.decision_id = $1 ORDER BY e.due_on, e.kind",
    )
    .bind(decision_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let kind: String = r.try_get("kind")?;
        let due: String = r.try_get("due_on")?;
        let done: Option<String> = r.try_get("done_on")?;
        let outcome: Option<String> = r.try_get("outcome")?;
        out.push(Evaluation {
            id: r.try_get("id")?,
            decision_id: r.try_get("decision_id")?,
            kind: EvaluationKind::parse(&kind).ok_or(Error::Corrupt(kind))?,
            due_on: date(&due)?,
            done_on: done.as_deref().map(date).transpose()?,
            family_view: r.try_get("family_view")?,
            outcome: outcome
                .map(|o| EvaluationOutcome::parse(&o).ok_or(Error::Corrupt(o)))
                .transpose()?,
            done_by_name: r.try_get("done_by_name")?,
            version: r.try_get("version")?,
            scores: Vec::new(),
        });
    }
    let scores: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT s.evaluation_id, s.result_id, s.score FROM evaluation_results s
         JOIN evaluations e ON e.id = s.evaluation_id WHERE e.decision_id = $1",
    )
    .bind(decision_id)
    .fetch_all(&mut *conn)
    .await?;
    for (eval, result, score) in scores {
        if let Some(e) = out.iter_mut().find(|e| e.id == eval) {
            let score = ResultScore::parse(&score).ok_or(Error::Corrupt(score))?;
            e.scores.push(Score {
                result_id: result,
                score,
            });
        }
    }
    Ok(out)
}

/// An evaluation as held.
#[derive(Debug, Clone)]
pub struct EvaluationInput {
    pub done_on: NaiveDate,
    pub family_view: String,
    pub outcome: EvaluationOutcome,
    /// A score for every result of the request.
    pub scores: Vec<(String, ResultScore)>,
    /// Time spent on this evaluation, if recorded.
    pub minutes: Option<i64>,
}

pub async fn record_evaluation(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    decision_id: &str,
    evaluation_id: &str,
    version: i64,
    input: &EvaluationInput,
) -> Result<()> {
    let (decision_id, family_id, request_id, start_on): (String, String, String, String) =
        sqlx::query_as(
            "SELECT d.id, c.family_id, d.request_id, d.start_on FROM evaluations e
             JOIN decisions d ON d.id = e.decision_id JOIN cases c ON c.id = d.case_id
             WHERE e.id = $1 AND e.decision_id = $2",
        )
        .bind(evaluation_id)
        .bind(decision_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(Error::NotFound)?;
    if input.done_on < date(&start_on)? {
        return Err(Error::Invalid(FieldError::new(
            "done_on",
            "Een evaluatie valt niet vóór de start van de beschikking.",
            "An evaluation cannot precede the start of the decision.",
        )));
    }
    let results: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM access_request_results WHERE request_id = $1 ORDER BY position",
    )
    .bind(&request_id)
    .fetch_all(&mut **tx)
    .await?;
    for (i, r) in results.iter().enumerate() {
        if !input.scores.iter().any(|(id, _)| id == r) {
            return Err(Error::Invalid(FieldError::new(
                // The field of the first result without a score.
                match i {
                    0 => "score.0",
                    1 => "score.1",
                    2 => "score.2",
                    3 => "score.3",
                    _ => "score",
                },
                "Geef bij elk resultaat aan of het bereikt is.",
                "Say for every result whether it was reached.",
            )));
        }
    }
    let done = sqlx::query(
        "UPDATE evaluations SET done_on = $1, family_view = $2, outcome = $3, done_by = $4,
            version = version + 1
         WHERE id = $5 AND version = $6 AND done_on IS NULL",
    )
    .bind(input.done_on.to_string())
    .bind(&input.family_view)
    .bind(input.outcome.as_str())
    .bind(user_id)
    .bind(evaluation_id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    check_versioned_update(tx, "evaluations", evaluation_id, done.rows_affected()).await?;
    for (result, score) in &input.scores {
        if results.contains(result) {
            sqlx::query(
                "INSERT INTO evaluation_results (evaluation_id, result_id, score) VALUES ($1, $2, $3)",
            )
            .bind(evaluation_id)
            .bind(result)
            .bind(score.as_str())
            .execute(&mut **tx)
            .await?;
        }
    }
    sqlx::query("DELETE FROM notifications WHERE evaluation_id = $1")
        .bind(evaluation_id)
        .execute(&mut **tx)
        .await?;
    if let Some(minutes) = input.minutes {
        insert_time(
            tx,
            &decision_id,
            user_id,
            input.done_on,
            minutes,
            "Evaluatie",
        )
        .await?;
    }
    audit_family(
        tx,
        actor,
        &family_id,
        Event::new("evaluation.record", Action::Update).object("evaluation", evaluation_id),
    )
    .await
}

async fn insert_time(
    tx: &mut Tx,
    decision_id: &str,
    user_id: &str,
    on: NaiveDate,
    minutes: i64,
    note: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO monitoring_time (id, decision_id, user_id, on_date, minutes, note, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(decision_id)
    .bind(user_id)
    .bind(on.to_string())
    .bind(minutes)
    .bind(note)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Time spent on monitoring a decision outside an evaluation (a call, a visit).
pub async fn add_time(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    decision_id: &str,
    on: NaiveDate,
    minutes: i64,
    note: &str,
) -> Result<()> {
    let family_id: String = sqlx::query_scalar(
        "SELECT c.family_id FROM decisions d JOIN cases c ON c.id = d.case_id WHERE d.id = $1",
    )
    .bind(decision_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(Error::NotFound)?;
    insert_time(tx, decision_id, user_id, on, minutes, note).await?;
    audit_family(
        tx,
        actor,
        &family_id,
        Event::new("monitoring.time", Action::Create).object("decision", decision_id),
    )
    .await
}

/// Minutes spent on monitoring a decision.
pub async fn minutes_spent(store: &Store, decision_id: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(minutes), 0) AS BIGINT) FROM monitoring_time WHERE decision_id = $1",
    )
    .bind(decision_id)
    .fetch_one(store.pool())
    .await?)
}

/// An evaluation on a work list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DueEvaluation {
    pub evaluation_id: String,
    pub decision_id: String,
    pub decision_number: String,
    pub case_id: String,
    pub case_number: String,
    pub youth_name: String,
    pub worker_name: Option<String>,
    pub kind: EvaluationKind,
    pub due_on: NaiveDate,
    pub overdue: bool,
}

/// Whose evaluations a work list shows.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// The cases the user works on.
    Worker(&'a str),
    /// The cases of the user's teams.
    Team(&'a str),
}

/// Open evaluations due within 14 days or overdue, the most urgent first.
pub async fn due(store: &Store, scope: Scope<'_>, today: NaiveDate) -> Result<Vec<DueEvaluation>> {
    let (filter, user) = match scope {
        Scope::Worker(u) => ("c.worker_id = $2", u),
        Scope::Team(u) => (
            "e.team_id IN (SELECT team_id FROM team_members WHERE user_id = $2)",
            u,
        ),
    };
    let horizon = today + chrono::Duration::days(DUE_SOON_DAYS);
    let rows = sqlx::query(&format!(
        "SELECT e.id, e.decision_id, d.number, d.case_id, c.number AS case_number, y.name AS youth_name,
                w.display_name AS worker_name, e.kind, e.due_on
         FROM evaluations e
         JOIN decisions d ON d.id = e.decision_id
         JOIN cases c ON c.id = d.case_id
         JOIN persons y ON y.id = d.youth_id
         LEFT JOIN users w ON w.id = c.worker_id
         WHERE e.done_on IS NULL AND e.due_on <= $1 AND {filter}
         ORDER BY e.due_on, d.number"
    ))
    .bind(horizon.to_string())
    .bind(user)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            let due: String = r.try_get("due_on")?;
            let due = date(&due)?;
            Ok(DueEvaluation {
                evaluation_id: r.try_get("id")?,
                decision_id: r.try_get("decision_id")?,
                decision_number: r.try_get("number")?,
                case_id: r.try_get("case_id")?,
                case_number: r.try_get("case_number")?,
                youth_name: r.try_get("youth_name")?,
                worker_name: r.try_get("worker_name")?,
                kind: EvaluationKind::parse(&kind).ok_or(Error::Corrupt(kind))?,
                due_on: due,
                overdue: due < today,
            })
        })
        .collect()
}

pub const MONITORING_JOB: &str = "monitoring";

/// What a run of the daily job did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, utoipa::ToSchema)]
pub struct JobSummary {
    pub due_soon: i64,
    pub overdue: i64,
    pub notifications: i64,
    /// The run of this day had finished before: nothing was done.
    pub already_done: bool,
}

/// The daily monitoring job: brings every user's notification list in line with the open
/// evaluations due within 14 days or overdue (for the case's worker, or the team's
/// members when nobody works on the case). It runs in one transaction, so a run killed
/// halfway leaves nothing behind, and it is idempotent: running it again on the same day
/// gives the same list. A finished run is recorded per day; `force` runs it anyway.
pub async fn run_daily_job(store: &Store, today: NaiveDate, force: bool) -> Result<JobSummary> {
    let day = today.to_string();
    if !force {
        let done: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM job_runs WHERE name = $1 AND day = $2")
                .bind(MONITORING_JOB)
                .bind(&day)
                .fetch_one(store.pool())
                .await?;
        if done > 0 {
            return Ok(JobSummary {
                already_done: true,
                ..JobSummary::default()
            });
        }
    }
    let mut tx = store.begin().await?;
    let horizon = (today + chrono::Duration::days(DUE_SOON_DAYS)).to_string();
    // Who should be told: the case's worker, else every member of the holding team.
    let wanted: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT c.worker_id, e.id, e.due_on FROM evaluations e
           JOIN decisions d ON d.id = e.decision_id JOIN cases c ON c.id = d.case_id
          WHERE e.done_on IS NULL AND e.due_on <= $1 AND c.worker_id IS NOT NULL
         UNION
         SELECT tm.user_id, e.id, e.due_on FROM evaluations e
           JOIN decisions d ON d.id = e.decision_id JOIN cases c ON c.id = d.case_id
           JOIN team_members tm ON tm.team_id = c.team_id
          WHERE e.done_on IS NULL AND e.due_on <= $1 AND c.worker_id IS NULL",
    )
    .bind(&horizon)
    .fetch_all(&mut *tx)
    .await?;
    // Drop notifications no longer wanted (evaluation held, moved, or the case changed hands).
    let existing: Vec<(String, String, String)> =
        sqlx::query_as("SELECT user_id, evaluation_id, state FROM notifications")
            .fetch_all(&mut *tx)
            .await?;
    for (user, eval, _) in &existing {
        if !wanted.iter().any(|(u, e, _)| u == user && e == eval) {
            sqlx::query("DELETE FROM notifications WHERE user_id = $1 AND evaluation_id = $2")
                .bind(user)
                .bind(eval)
                .execute(&mut *tx)
                .await?;
        }
    }
    let mut summary = JobSummary::default();
    for (user, eval, due) in &wanted {
        let state = if *due < day { "overdue" } else { "due_soon" };
        match state {
            "overdue" => summary.overdue += 1,
            _ => summary.due_soon += 1,
        }
        sqlx::query(
            "INSERT INTO notifications (user_id, evaluation_id, state, due_on, updated_on)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (user_id, evaluation_id) DO UPDATE SET state = $3, due_on = $4, updated_on = $5",
        )
        .bind(user)
        .bind(eval)
        .bind(state)
        .bind(due)
        .bind(&day)
        .execute(&mut *tx)
        .await?;
    }
    summary.notifications = wanted.len() as i64;
    let text = serde_json::to_string(&summary).map_err(|e| Error::Corrupt(e.to_string()))?;
    sqlx::query(
        "INSERT INTO job_runs (name, day, finished_at, summary) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name, day) DO UPDATE SET finished_at = $3, summary = $4",
    )
    .bind(MONITORING_JOB)
    .bind(&day)
    .bind(now())
    .bind(&text)
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        &Actor::system("monitoring-job"),
        &Event::new("job.monitoring", Action::Execute).object("job_run", &day),
    )
    .await?;
    tx.commit().await?;
    Ok(summary)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Notification {
    pub evaluation_id: String,
    pub state: String,
    pub due_on: String,
}

/// A user's notifications as the last run of the daily job left them.
pub async fn notifications(store: &Store, user_id: &str) -> Result<Vec<Notification>> {
    Ok(sqlx::query_as::<_, (String, String, String)>(
        "SELECT evaluation_id, state, due_on FROM notifications WHERE user_id = $1 ORDER BY due_on",
    )
    .bind(user_id)
    .fetch_all(store.pool())
    .await?
    .into_iter()
    .map(|(evaluation_id, state, due_on)| Notification {
        evaluation_id,
        state,
        due_on,
    })
    .collect())
}
