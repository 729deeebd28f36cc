//! `caseload` (domain brief, section 3.7, "caseload and outflow"): per local team and
//! per worker, the cases registered, in care and closed in the period, and the waiting
//! time from registration to pick-up of the cases picked up in the period (median and
//! 90th percentile, nearest rank, in days). Worker rows are left out for aggregate-only
//! viewers.

use crate::sql;
use crate::table::{Row, Table, Value, col};
use crate::{Chart, Definition, Params};
use eenplan_store::{Result, Store};
use sqlx::Row as _;
use std::collections::{BTreeMap, HashMap};

pub const REPORT: Definition = Definition {
    name: "caseload",
    title_nl: "Caseload en doorstroom",
    title_en: "Caseload and outflow",
    about_nl: "Per lokaal team en per medewerker: trajecten aangemeld, in begeleiding en afgesloten in de periode, en de wachttijd van aanmelding tot oppakken (mediaan en 90e percentiel, in dagen) van de trajecten die in de periode zijn opgepakt.",
    about_en: "Per local team and per worker: cases registered, in care and closed in the period, and the waiting time from registration to pick-up (median and 90th percentile, in days) of the cases picked up in the period.",
    chart: Chart::Bars {
        label: "team",
        values: &["new", "in_care", "closed"],
        // Teams and the region, not single workers.
        totals: true,
    },
    by_area: false,
    compute: |s, p| Box::pin(compute(s, p)),
};

/// (team, worker or none) -> figures.
type Key = (String, Option<String>);
/// A worker (none: the cases not yet assigned) and their new, in care, closed and
/// picked-up counts.
type WorkerCounts = (Option<String>, [i64; 4]);

async fn compute(store: &Store, p: &Params) -> Result<Table> {
    let area = sql::area(p, "c.municipality_code", 3);
    let text = format!(
        "SELECT c.team_id, c.worker_id,
                CAST(SUM(CASE WHEN c.registered_on >= $1 THEN 1 ELSE 0 END) AS BIGINT) AS new,
                COUNT(*) AS in_care,
                CAST(SUM(CASE WHEN c.closed_on <= $2 THEN 1 ELSE 0 END) AS BIGINT) AS closed,
                CAST(SUM(CASE WHEN c.picked_up_on >= $1 AND c.picked_up_on <= $2
                              THEN 1 ELSE 0 END) AS BIGINT) AS picked_up
         FROM cases c
         WHERE c.registered_on <= $2 AND (c.closed_on IS NULL OR c.closed_on >= $1){area}
         GROUP BY c.team_id, c.worker_id"
    );
    let mut counts: HashMap<Key, [i64; 4]> = HashMap::new();
    for r in sql::bind_area(sql::period(sqlx::query(&text), p), p)
        .fetch_all(store.pool())
        .await?
    {
        counts.insert(
            (r.try_get("team_id")?, r.try_get("worker_id")?),
            [
                r.try_get("new")?,
                r.try_get("in_care")?,
                r.try_get("closed")?,
                r.try_get("picked_up")?,
            ],
        );
    }
    let team_waits = waits(store, p, "c.team_id", &area).await?;
    let worker_waits = waits(store, p, "c.team_id, c.worker_id", &area).await?;

    let names: HashMap<String, String> =
        sqlx::query_as::<_, (String, String)>("SELECT id, name FROM teams")
            .fetch_all(store.pool())
            .await?
            .into_iter()
            .collect();
    let workers: HashMap<String, String> =
        sqlx::query_as::<_, (String, String)>("SELECT id, display_name FROM users")
            .fetch_all(store.pool())
            .await?
            .into_iter()
            .collect();

    let mut t = Table::new(vec![
        col("team", "Team", "Team"),
        col("worker", "Medewerker", "Worker"),
        col("new", "Aangemeld", "Registered"),
        col("in_care", "In begeleiding", "In care"),
        col("closed", "Afgesloten", "Closed"),
        col("picked_up", "Opgepakt", "Picked up"),
        col(
            "waiting_median_days",
            "Wachttijd mediaan (dagen)",
            "Waiting median (days)",
        ),
        col(
            "waiting_p90_days",
            "Wachttijd p90 (dagen)",
            "Waiting p90 (days)",
        ),
    ]);
    let figures = [2, 3, 4, 5];
    // Teams by name; within a team, workers by name and the unassigned cases last.
    let mut teams: BTreeMap<String, Vec<WorkerCounts>> = BTreeMap::new();
    for ((team, worker), c) in &counts {
        teams
            .entry(team.clone())
            .or_default()
            .push((worker.clone(), *c));
    }
    let team_name = |id: &str| names.get(id).cloned().unwrap_or_default();
    let mut ordered: Vec<(String, Vec<WorkerCounts>)> = teams.into_iter().collect();
    ordered.sort_by_key(|(id, _)| team_name(id));
    let wait_cells = |w: Option<&(i64, i64)>| match w {
        Some((median, p90)) => [Value::Days(*median), Value::Days(*p90)],
        None => [Value::Empty, Value::Empty],
    };
    let mut team_rows = Vec::new();
    let mut sums = [0i64; 4];
    for (team, mut rows) in ordered {
        let worker_name = |w: &Option<String>| match w {
            Some(id) => workers.get(id).cloned().unwrap_or_default(),
            None => String::new(),
        };
        rows.sort_by_key(|(w, _)| (w.is_none(), worker_name(w)));
        let total: [i64; 4] = rows.iter().fold([0; 4], |mut acc, (_, c)| {
            for i in 0..4 {
                acc[i] += c[i];
            }
            acc
        });
        for i in 0..4 {
            sums[i] += total[i];
        }
        let mut cells = vec![Value::Text(team_name(&team)), Value::Empty];
        cells.extend(total.map(Value::Count));
        cells.extend(wait_cells(team_waits.get(&(team.clone(), None))));
        let team_row = t.push(Row::total(cells));
        team_rows.push(team_row);
        let mut group = vec![team_row];
        for (worker, c) in rows {
            let label = match &worker {
                Some(_) => Value::Text(worker_name(&worker)),
                None => Value::code("unassigned", "(nog niet toegewezen)", "(not yet assigned)"),
            };
            let mut cells = vec![Value::Text(team_name(&team)), label];
            cells.extend(c.map(Value::Count));
            cells.extend(wait_cells(
                worker_waits.get(&(team.clone(), worker.clone())),
            ));
            group.push(t.push(Row {
                cells,
                detail: true,
                total: false,
            }));
        }
        t.group_rows(&group, &figures);
    }
    let mut cells = vec![Value::code("total", "Totaal", "Total"), Value::Empty];
    cells.extend(sums.map(Value::Count));
    cells.extend([Value::Empty, Value::Empty]);
    let total = t.push(Row::total(cells));
    team_rows.push(total);
    t.group_rows(&team_rows, &figures);
    t.derived.push((6, 5));
    t.derived.push((7, 5));
    Ok(t)
}

/// Median and 90th percentile (nearest rank) of the waiting days of the cases picked up
/// in the period, per `partition` (team, or team and worker).
async fn waits(
    store: &Store,
    p: &Params,
    partition: &str,
    area: &str,
) -> Result<HashMap<Key, (i64, i64)>> {
    let worker = if partition.contains("worker") {
        "worker_id"
    } else {
        "CAST(NULL AS TEXT)"
    };
    let text = format!(
        "SELECT team_id, {worker} AS worker_id, rn, n, wait
         FROM (SELECT c.team_id, c.worker_id, {wait} AS wait,
                      ROW_NUMBER() OVER (PARTITION BY {partition} ORDER BY {wait}) AS rn,
                      COUNT(*) OVER (PARTITION BY {partition}) AS n
               FROM cases c
               WHERE c.picked_up_on >= $1 AND c.picked_up_on <= $2{area}) x
         WHERE rn = (n + 1) / 2 OR rn = (9 * n + 9) / 10",
        wait = sql::days_between(store, "c.registered_on", "c.picked_up_on"),
    );
    let mut out: HashMap<Key, (i64, i64)> = HashMap::new();
    for r in sql::bind_area(sql::period(sqlx::query(&text), p), p)
        .fetch_all(store.pool())
        .await?
    {
        let key: Key = (r.try_get("team_id")?, r.try_get("worker_id")?);
        let (rn, n, wait): (i64, i64, i64) =
            (r.try_get("rn")?, r.try_get("n")?, r.try_get("wait")?);
        let e = out.entry(key).or_insert((0, 0));
        if rn == (n + 1) / 2 {
            e.0 = wait;
        }
        if rn == (9 * n + 9) / 10 {
            e.1 = wait;
        }
    }
    Ok(out)
}
