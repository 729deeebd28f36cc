//! Registration: likely duplicates of a youth, the local team of a municipality, and a
//! new (or linked) family with its case.

use super::*;

// ---------------------------------------------------------------- duplicates

/// An existing youth that likely is the one being registered. Of a youth whose family
/// the caller cannot open (held by another team), only the team is told: never the name,
/// the birth date or the family.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Match {
    /// To link the registration to this youth (a family another team holds takes a
    /// break-the-glass reason, or is refused while its case is open).
    pub person_id: String,
    /// Empty when the youth is held by another team.
    pub name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub family_name: Option<String>,
    /// The team that holds (or last held) the family's case, when that is not the
    /// caller's: ask that team.
    pub known_at_team: Option<String>,
    /// The BSN is the same (certain); otherwise the name and birth date are close.
    pub same_bsn: bool,
}

/// Youths whose BSN equals `bsn`, or whose birth date equals `birth_date` and whose name
/// is close to `name`, as `user_id` may see them (see [`Match`]).
pub async fn likely_matches(
    store: &Store,
    user_id: &str,
    name: &str,
    birth_date: Option<NaiveDate>,
    bsn: Option<Bsn>,
) -> Result<Vec<Match>> {
    let key = name_key(name);
    let rows = sqlx::query(&format!(
        "SELECT p.id, p.name, p.name_key, p.birth_date, p.bsn, f.name AS family_name,
                (SELECT COUNT(*) FROM cases c WHERE c.family_id = p.family_id AND {visible}) AS visible,
                (SELECT t.name FROM cases c JOIN teams t ON t.id = c.team_id WHERE c.family_id = p.family_id
                 ORDER BY c.registered_on DESC, c.created_at DESC LIMIT 1) AS team_name
         FROM persons p JOIN families f ON f.id = p.family_id
         WHERE p.bsn = $1 OR (p.kind = 'youth' AND p.birth_date = $2)",
        visible = visible_to("$3")
    ))
    .bind(bsn.map(|b| b.to_string()))
    .bind(birth_date.map(|d| d.to_string()))
    .bind(user_id)
    .fetch_all(store.pool())
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let other_bsn: Option<String> = r.try_get("bsn")?;
        let same_bsn = bsn.is_some() && other_bsn == bsn.map(|b| b.to_string());
        let other_key: String = r.try_get("name_key")?;
        if same_bsn || (!key.is_empty() && names_match(&key, &other_key)) {
            let visible = r.try_get::<i64, _>("visible")? > 0;
            let team: Option<String> = r.try_get("team_name")?;
            out.push(if visible {
                Match {
                    person_id: r.try_get("id")?,
                    name: Some(r.try_get("name")?),
                    birth_date: opt_date(r, "birth_date")?,
                    family_name: Some(r.try_get("family_name")?),
                    known_at_team: None,
                    same_bsn,
                }
            } else {
                Match {
                    person_id: r.try_get("id")?,
                    name: None,
                    birth_date: None,
                    family_name: None,
                    known_at_team: Some(team.unwrap_or_default()),
                    same_bsn,
                }
            });
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- registration

/// A youth on a registration: one already known, or a new one.
#[derive(Debug, Clone)]
pub enum YouthRef {
    Existing(String),
    New(PersonInput),
}

#[derive(Debug, Clone)]
pub struct NewRegistration {
    pub municipality_code: String,
    pub registered_on: NaiveDate,
    pub referral_channel: Option<String>,
    /// The primary problem area first.
    pub problem_areas: Vec<String>,
    pub question: String,
    pub youths: Vec<YouthRef>,
    pub parents: Vec<PersonInput>,
    /// Why the registrant links a family another team held until recently: breaking the
    /// glass (see [`register`]).
    pub break_glass_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Registered {
    pub case_id: String,
    pub case_number: String,
    pub family_id: String,
    /// `new`, `reopened` (closed within the window) or `added` (to the open case).
    pub outcome: &'static str,
}

/// The local team that serves a municipality.
async fn local_team(tx: &mut Tx, municipality: &str) -> Result<String> {
    sqlx::query_scalar(
        "SELECT t.id FROM teams t JOIN team_municipalities tm ON tm.team_id = t.id
         WHERE t.team_type = 'local_team' AND tm.municipality_code = $1 ORDER BY t.name LIMIT 1",
    )
    .bind(municipality)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| Error::NoLocalTeam(municipality.into()))
}

pub(crate) async fn next_number(tx: &mut Tx, name: &str) -> Result<i64> {
    next_numbers(tx, name, 1).await
}

/// Takes `count` running numbers of counter `name` at once and answers the first.
pub(crate) async fn next_numbers(tx: &mut Tx, name: &str, count: i64) -> Result<i64> {
    sqlx::query("INSERT INTO counters (name, value) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .execute(&mut **tx)
        .await?;
    let last: i64 = sqlx::query_scalar(
        "UPDATE counters SET value = value + $2 WHERE name = $1 RETURNING value",
    )
    .bind(name)
    .bind(count)
    .fetch_one(&mut **tx)
    .await?;
    Ok(last - count + 1)
}

pub(crate) async fn case_event(
    tx: &mut Tx,
    case_id: &str,
    on: NaiveDate,
    kind: &str,
    detail: &str,
    user_id: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_events (id, case_id, at, on_date, kind, detail, user_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(case_id)
    .bind(now())
    .bind(on.to_string())
    .bind(kind)
    .bind(detail)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Registers a question. It lands with the local team of the municipality: on the
/// family's open case, on its case closed within the reopening window (reopened), or on a
/// new case. Youths already known keep their record; new youths and parents are added.
/// A family whose open case another team holds is refused ([`Error::CaseElsewhere`]); one
/// another team closed within the reopening window takes a break-the-glass reason
/// ([`Error::HeldElsewhere`] without it).
pub async fn register(
    tx: &mut Tx,
    actor: &Actor,
    user_id: &str,
    input: &NewRegistration,
    reopen_days: i64,
) -> Result<Registered> {
    let team_id = local_team(tx, &input.municipality_code).await?;
    let at = now();

    // The family: that of the first known youth, or a new one named after the first youth.
    let mut family_id = None;
    for y in &input.youths {
        if let YouthRef::Existing(pid) = y {
            let fid: Option<String> = sqlx::query_scalar(
                "SELECT family_id FROM persons WHERE id = $1 AND kind = 'youth'",
            )
            .bind(pid)
            .fetch_optional(&mut **tx)
            .await?;
            let fid = fid.ok_or(Error::NotApplicable(crate::Misfit::UnknownYouth))?;
            match &family_id {
                None => family_id = Some(fid),
                Some(f) if *f != fid => {
                    return Err(Error::NotApplicable(crate::Misfit::YouthsOfTwoFamilies));
                }
                Some(_) => {}
            }
        }
    }
    let family_id = match family_id {
        Some(f) => f,
        None => {
            let id = new_id();
            let first = input.youths.iter().find_map(|y| match y {
                YouthRef::New(p) => Some(p.name.as_str()),
                YouthRef::Existing(_) => None,
            });
            sqlx::query(
                "INSERT INTO families (id, name, version, created_at, updated_at) VALUES ($1, $2, 1, $3, $3)",
            )
            .bind(&id)
            .bind(family_name(first.unwrap_or("")))
            .bind(&at)
            .execute(&mut **tx)
            .await?;
            sqlx::query(
                "INSERT INTO family_plans (family_id, coordinator_kind, current_version, version, created_at, updated_at)
                 VALUES ($1, 'family', 0, 1, $2, $2)",
            )
            .bind(&id)
            .bind(&at)
            .execute(&mut **tx)
            .await?;
            id
        }
    };

    let mut youth_ids = Vec::new();
    for y in &input.youths {
        youth_ids.push(match y {
            YouthRef::Existing(pid) => pid.clone(),
            YouthRef::New(p) => insert_person(tx, &family_id, PersonKind::Youth, p).await?,
        });
    }
    for p in &input.parents {
        // A parent already in the family is not entered twice.
        let known: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM persons WHERE family_id = $1 AND kind = 'parent' AND name_key = $2",
        )
        .bind(&family_id)
        .bind(name_key(&p.name))
        .fetch_one(&mut **tx)
        .await?;
        if known == 0 {
            insert_person(tx, &family_id, PersonKind::Parent, p).await?;
        }
    }

    // The case: open, recently closed (reopened), or new.
    let latest = sqlx::query(
        "SELECT id, number, status, closed_on, worker_id, team_id FROM cases WHERE family_id = $1
         ORDER BY (status = 'afgesloten'), COALESCE(closed_on, registered_on) DESC, created_at DESC LIMIT 1",
    )
    .bind(&family_id)
    .fetch_optional(&mut **tx)
    .await?;
    let on = input.registered_on;
    let mut outcome = "new";
    let mut existing = None;
    if let Some(r) = latest {
        let status: String = r.try_get("status")?;
        let closed_on = opt_date(&r, "closed_on")?;
        let id: String = r.try_get("id")?;
        let number: String = r.try_get("number")?;
        let case_team: String = r.try_get("team_id")?;
        let today = crate::today();
        if status != CaseStatus::Closed.as_str() {
            // One open case per family: a registration elsewhere does not touch a case
            // held by another team (nor tells who holds it).
            if case_team != team_id {
                return Err(Error::CaseElsewhere);
            }
            outcome = "added";
            existing = Some((id, number));
        } else if case_team != team_id
            && closed_on.is_some_and(|c| case::may_reopen(c, today, reopen_days))
        {
            // Another team closed the family's case within the reopening window: the
            // family is still that team's. Linking it here opens its file to this team,
            // so it takes a reason, is flagged and listed for that team's reviewer.
            let Some(reason) = input.break_glass_reason.as_deref() else {
                return Err(Error::HeldElsewhere);
            };
            break_glass(tx, actor, user_id, &id, reason).await?;
        } else if case_team == team_id
            && closed_on.is_some_and(|c| case::may_reopen(c, today, reopen_days))
        {
            outcome = "reopened";
            let worker: Option<String> = r.try_get("worker_id")?;
            let status = if worker.is_some() {
                CaseStatus::InCare
            } else {
                CaseStatus::Registered
            };
            sqlx::query(
                "UPDATE cases SET status = $1, closed_on = NULL, close_reason = NULL,
                        picked_up_on = CASE WHEN $1 = 'aangemeld' THEN picked_up_on ELSE COALESCE(picked_up_on, $2) END,
                        version = version + 1, updated_at = $3 WHERE id = $4",
            )
            .bind(status.as_str())
            .bind(on.to_string())
            .bind(&at)
            .bind(&id)
            .execute(&mut **tx)
            .await?;
            case_event(tx, &id, on, "reopened", "", Some(user_id)).await?;
            existing = Some((id, number));
        }
    }
    let (case_id, case_number) = match existing {
        Some(e) => e,
        None => {
            let id = new_id();
            let year = chrono::Datelike::year(&on);
            let number = case::case_number(year, next_number(tx, &format!("case_{year}")).await?);
            sqlx::query(
                "INSERT INTO cases (id, number, family_id, municipality_code, team_id, status, registered_on,
                                    drang, version, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, 'aangemeld', $6, 0, 1, $7, $7)",
            )
            .bind(&id)
            .bind(&number)
            .bind(&family_id)
            .bind(&input.municipality_code)
            .bind(&team_id)
            .bind(on.to_string())
            .bind(&at)
            .execute(&mut **tx)
            .await?;
            (id, number)
        }
    };

    let reg_id = new_id();
    sqlx::query(
        "INSERT INTO registrations (id, case_id, municipality_code, registered_on, referral_channel, question, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&reg_id)
    .bind(&case_id)
    .bind(&input.municipality_code)
    .bind(on.to_string())
    .bind(&input.referral_channel)
    .bind(&input.question)
    .bind(user_id)
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    for (i, area) in input.problem_areas.iter().enumerate() {
        sqlx::query(
            "INSERT INTO registration_problem_areas (registration_id, problem_area, is_primary) VALUES ($1, $2, $3)",
        )
        .bind(&reg_id)
        .bind(area)
        .bind(i64::from(i == 0))
        .execute(&mut **tx)
        .await?;
    }
    for pid in &youth_ids {
        sqlx::query(
            "INSERT INTO registration_youths (registration_id, person_id) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
        )
        .bind(&reg_id)
        .bind(pid)
        .execute(&mut **tx)
        .await?;
    }
    case_event(tx, &case_id, on, "registered", "", Some(user_id)).await?;
    audit_family(
        tx,
        actor,
        &family_id,
        Event::new("registration.create", Action::Create).object("case", &case_id),
    )
    .await?;
    Ok(Registered {
        case_id,
        case_number,
        family_id,
        outcome,
    })
}
