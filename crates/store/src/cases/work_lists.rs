//! The work lists on cases: a worker's caseload, the team's waiting registrations,
//! search, and moving a leaving worker's caseload.

use super::*;

// ---------------------------------------------------------------- work lists

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseloadRow {
    pub id: String,
    pub number: String,
    pub family_name: String,
    pub status: CaseStatus,
    pub registered_on: NaiveDate,
    pub next_action_due: Option<NaiveDate>,
    /// Whether the family agreed to the current version of its plan (false: no plan yet).
    pub plan_agreed: bool,
    pub plan_version: i64,
    pub drang: bool,
}

/// The open cases of a worker, the next action due first.
pub async fn caseload(store: &Store, worker_id: &str) -> Result<Vec<CaseloadRow>> {
    let rows = sqlx::query(
        "SELECT c.id, c.number, f.name AS family_name, c.status, c.registered_on, c.drang,
                p.next_action_due, p.agreed, p.current_version
         FROM cases c JOIN families f ON f.id = c.family_id
         LEFT JOIN family_plans p ON p.family_id = c.family_id
         WHERE c.status <> 'afgesloten'
           -- Three index searches rather than one OR over every open case.
           AND c.id IN (SELECT w.id FROM cases w WHERE w.worker_id = $1 AND w.status IN ('aangemeld', 'in_begeleiding')
                        UNION SELECT i.case_id FROM case_involvements i WHERE i.user_id = $1
                        UNION SELECT k.id FROM family_plans fp JOIN cases k ON k.family_id = fp.family_id
                              WHERE fp.coordinator_user_id = $1)
         ORDER BY (p.next_action_due IS NULL), p.next_action_due, c.registered_on",
    )
    .bind(worker_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let status: String = r.try_get("status")?;
            let on: String = r.try_get("registered_on")?;
            let agreed: Option<i64> = r.try_get("agreed")?;
            let drang: i64 = r.try_get("drang")?;
            Ok(CaseloadRow {
                id: r.try_get("id")?,
                number: r.try_get("number")?,
                family_name: r.try_get("family_name")?,
                status: CaseStatus::parse(&status).ok_or(Error::Corrupt(status))?,
                registered_on: date(&on)?,
                next_action_due: opt_date(r, "next_action_due")?,
                plan_agreed: agreed == Some(1),
                plan_version: r.try_get::<Option<i64>, _>("current_version")?.unwrap_or(0),
                drang: drang == 1,
            })
        })
        .collect()
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WaitingRow {
    pub id: String,
    pub number: String,
    pub family_name: String,
    pub team_name: String,
    pub municipality_name: String,
    pub registered_on: NaiveDate,
    pub version: i64,
}

/// New registrations waiting for pick-up in the teams of `user_id`, longest waiting first.
pub async fn waiting(store: &Store, user_id: &str) -> Result<Vec<WaitingRow>> {
    let rows = sqlx::query(
        "SELECT c.id, c.number, f.name AS family_name, t.name AS team_name, m.name AS municipality_name,
                c.registered_on, c.version
         FROM cases c JOIN families f ON f.id = c.family_id JOIN teams t ON t.id = c.team_id
         JOIN municipalities m ON m.code = c.municipality_code
         WHERE c.status = 'aangemeld' AND c.team_id IN (SELECT team_id FROM team_members WHERE user_id = $1)
         ORDER BY c.registered_on, c.number",
    )
    .bind(user_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let on: String = r.try_get("registered_on")?;
            Ok(WaitingRow {
                id: r.try_get("id")?,
                number: r.try_get("number")?,
                family_name: r.try_get("family_name")?,
                team_name: r.try_get("team_name")?,
                municipality_name: r.try_get("municipality_name")?,
                registered_on: date(&on)?,
                version: r.try_get("version")?,
            })
        })
        .collect()
}

/// What to search for; empty fields are left out, at least one is needed.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub name: Option<String>,
    pub bsn: Option<Bsn>,
    pub birth_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchHit {
    pub case_id: String,
    pub case_number: String,
    pub status: CaseStatus,
    pub family_name: String,
    pub person_name: String,
    pub birth_date: Option<NaiveDate>,
}

pub const SEARCH_LIMIT: i64 = 50;

/// Youths and parents matching the query, in cases `user_id` may open (through team,
/// worker, involvement or coordination). Audited as a search, with the clients found.
pub async fn search(
    store: &Store,
    actor: &Actor,
    user_id: &str,
    q: &SearchQuery,
) -> Result<Vec<SearchHit>> {
    // CROSS JOIN: SQLite then starts from the matching persons, not from all cases.
    let mut conditions = vec!["c.family_id = p.family_id".to_owned(), visible_to("$1")];
    let mut binds: Vec<String> = vec![user_id.to_owned()];
    if let Some(name) = q.name.as_deref().map(name_key).filter(|k| !k.is_empty()) {
        // The longest word finds candidates through the word index (a name word starts
        // with it); every other word must occur in the name.
        let mut words: Vec<&str> = name.split(' ').collect();
        words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        binds.push(words[0].to_owned());
        binds.push(prefix_end(words[0]));
        conditions.push(format!(
            "p.id IN (SELECT person_id FROM person_name_words WHERE word >= ${} AND word < ${})",
            binds.len() - 1,
            binds.len()
        ));
        for w in &words[1..] {
            binds.push(format!("%{w}%"));
            conditions.push(format!("p.name_key LIKE ${}", binds.len()));
        }
    }
    if let Some(bsn) = q.bsn {
        binds.push(bsn.to_string());
        conditions.push(format!("p.bsn = ${}", binds.len()));
    }
    if let Some(d) = q.birth_date {
        binds.push(d.to_string());
        conditions.push(format!("p.birth_date = ${}", binds.len()));
    }
    let sql = format!(
        "SELECT c.id, c.number, c.status, f.name AS family_name, p.id AS person_id, p.name, p.birth_date
         FROM persons p CROSS JOIN cases c JOIN families f ON f.id = c.family_id
         WHERE {} ORDER BY c.registered_on DESC, c.number, p.name LIMIT {SEARCH_LIMIT}",
        conditions.join(" AND ")
    );
    let mut query = sqlx::query(&sql);
    for b in &binds {
        query = query.bind(b);
    }
    let rows = query.fetch_all(store.pool()).await?;
    let mut hits = Vec::new();
    let mut clients = Vec::new();
    for r in &rows {
        let status: String = r.try_get("status")?;
        clients.push(r.try_get::<String, _>("person_id")?);
        hits.push(SearchHit {
            case_id: r.try_get("id")?,
            case_number: r.try_get("number")?,
            status: CaseStatus::parse(&status).ok_or(Error::Corrupt(status))?,
            family_name: r.try_get("family_name")?,
            person_name: r.try_get("name")?,
            birth_date: opt_date(r, "birth_date")?,
        });
    }
    clients.sort();
    clients.dedup();
    let criteria = [
        q.name.as_ref().map(|_| "name"),
        q.bsn.map(|_| "bsn"),
        q.birth_date.map(|_| "birth_date"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(",");
    audit::record(
        store,
        actor,
        &Event::new("case.search", Action::Search)
            .object("search", criteria)
            .clients(clients),
    )
    .await?;
    Ok(hits)
}

/// Moves the open cases of `from` in `team_id` to `to` (when someone leaves); where
/// `from` was the family's coordinator, `to` becomes it. Both must be team members.
/// Returns the number of cases moved.
pub async fn transfer_caseload(
    tx: &mut Tx,
    actor: &Actor,
    by_user: &str,
    team_id: &str,
    from: &str,
    to: &str,
    on: NaiveDate,
) -> Result<u64> {
    let members: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM team_members WHERE team_id = $1 AND user_id IN ($2, $3, $4)",
    )
    .bind(team_id)
    .bind(from)
    .bind(to)
    .bind(by_user)
    .fetch_one(&mut **tx)
    .await?;
    let distinct = if from == by_user || to == by_user {
        2
    } else {
        3
    };
    let to_role: Option<String> =
        sqlx::query_scalar("SELECT role FROM users WHERE id = $1 AND active = 1")
            .bind(to)
            .fetch_optional(&mut **tx)
            .await?;
    let to_works_cases = to_role
        .as_deref()
        .and_then(eenplan_domain::Role::parse)
        .is_some_and(|r| {
            eenplan_domain::policy::allows(r, eenplan_domain::Permission::RegisterCases)
        });
    if from == to || members != distinct || !to_works_cases {
        return Err(Error::NotApplicable(crate::Misfit::NotTeamMembers));
    }
    // The open cases of the team that `from` works on or coordinates.
    let cases = sqlx::query(
        "SELECT c.id, c.family_id FROM cases c JOIN family_plans p ON p.family_id = c.family_id
         WHERE c.team_id = $2 AND c.status <> 'afgesloten'
           AND (c.worker_id = $1 OR p.coordinator_user_id = $1)",
    )
    .bind(from)
    .bind(team_id)
    .fetch_all(&mut **tx)
    .await?;
    let at = now();
    for r in &cases {
        let id: String = r.try_get("id")?;
        let family_id: String = r.try_get("family_id")?;
        sqlx::query(
            "UPDATE cases SET worker_id = CASE WHEN worker_id = $4 THEN $1 ELSE worker_id END,
                    version = version + 1, updated_at = $2 WHERE id = $3",
        )
        .bind(to)
        .bind(&at)
        .bind(&id)
        .bind(from)
        .execute(&mut **tx)
        .await?;
        let moved_regie = sqlx::query(
            "UPDATE family_plans SET coordinator_user_id = $1, version = version + 1, updated_at = $2
             WHERE family_id = $3 AND coordinator_user_id = $4",
        )
        .bind(to)
        .bind(&at)
        .bind(&family_id)
        .bind(from)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        let detail = if moved_regie > 0 {
            "worker, coordinator"
        } else {
            "worker"
        };
        case_event(tx, &id, on, "transferred", detail, Some(by_user)).await?;
        audit_family(
            tx,
            actor,
            &family_id,
            Event::new("case.transfer", Action::Update).object("case", &id),
        )
        .await?;
    }
    Ok(cases.len() as u64)
}
