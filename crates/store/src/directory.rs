//! The regional directory: organisations and their teams.

use crate::audit::{self, Action, Actor, Event};
use crate::{Result, Store, Tx, check_versioned_update, new_id, now};
use eenplan_domain::{AgbCode, MunicipalityCode, OrganisationType, TeamType};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, Serialize)]
pub struct Organisation {
    pub id: String,
    pub name: String,
    pub org_type: OrganisationType,
    pub agb_code: Option<String>,
    pub municipality_code: Option<String>,
    pub version: i64,
}

/// The fields of an organisation, parsed at the edge.
#[derive(Debug, Clone)]
pub struct OrganisationInput {
    pub name: String,
    pub org_type: OrganisationType,
    pub agb_code: Option<AgbCode>,
    pub municipality_code: Option<MunicipalityCode>,
}

fn organisation_from_row(r: &AnyRow) -> Result<Organisation> {
    let t: String = r.try_get("org_type")?;
    Ok(Organisation {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        org_type: OrganisationType::parse(&t)
            .ok_or_else(|| crate::Error::Corrupt(format!("organisation type {t}")))?,
        agb_code: r.try_get("agb_code")?,
        municipality_code: r.try_get("municipality_code")?,
        version: r.try_get("version")?,
    })
}

const ORG_COLUMNS: &str = "id, name, org_type, agb_code, municipality_code, version";

pub async fn organisations(store: &Store) -> Result<Vec<Organisation>> {
    let rows = sqlx::query(&format!(
        "SELECT {ORG_COLUMNS} FROM organisations ORDER BY org_type, name"
    ))
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(organisation_from_row).collect()
}

pub async fn organisation(store: &Store, id: &str) -> Result<Organisation> {
    let row = sqlx::query(&format!(
        "SELECT {ORG_COLUMNS} FROM organisations WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(store.pool())
    .await?;
    organisation_from_row(&row)
}

pub async fn organisation_by_name(store: &Store, name: &str) -> Result<Organisation> {
    let row = sqlx::query(&format!(
        "SELECT {ORG_COLUMNS} FROM organisations WHERE name = $1"
    ))
    .bind(name)
    .fetch_one(store.pool())
    .await?;
    organisation_from_row(&row)
}

pub async fn create_organisation(
    tx: &mut Tx,
    actor: &Actor,
    input: &OrganisationInput,
) -> Result<String> {
    let id = new_id();
    let at = now();
    sqlx::query(
        "INSERT INTO organisations (id, name, org_type, agb_code, municipality_code, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 1, $6, $6)",
    )
    .bind(&id)
    .bind(&input.name)
    .bind(input.org_type.as_str())
    .bind(input.agb_code.as_ref().map(AgbCode::as_str))
    .bind(input.municipality_code.as_ref().map(MunicipalityCode::as_str))
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        actor,
        &Event::new("organisation.create", Action::Create).object("organisation", &id),
    )
    .await?;
    Ok(id)
}

pub async fn update_organisation(
    tx: &mut Tx,
    actor: &Actor,
    id: &str,
    version: i64,
    input: &OrganisationInput,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE organisations SET name = $1, org_type = $2, agb_code = $3, municipality_code = $4,
                version = version + 1, updated_at = $5
         WHERE id = $6 AND version = $7",
    )
    .bind(&input.name)
    .bind(input.org_type.as_str())
    .bind(input.agb_code.as_ref().map(AgbCode::as_str))
    .bind(
        input
            .municipality_code
            .as_ref()
            .map(MunicipalityCode::as_str),
    )
    .bind(now())
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    check_versioned_update(tx, "organisations", id, done.rows_affected()).await?;
    audit::append(
        tx,
        actor,
        &Event::new("organisation.update", Action::Update).object("organisation", id),
    )
    .await
}

#[derive(Debug, Clone, Serialize)]
pub struct Team {
    pub id: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub name: String,
    pub team_type: TeamType,
    /// CBS codes of the municipalities the team serves.
    pub municipalities: Vec<String>,
    pub version: i64,
}

#[derive(Debug, Clone)]
pub struct TeamInput {
    pub organisation_id: String,
    pub name: String,
    pub team_type: TeamType,
    pub municipalities: Vec<MunicipalityCode>,
}

const TEAM_QUERY: &str = "SELECT t.id, t.organisation_id, o.name AS organisation_name, t.name,
        t.team_type, t.version
     FROM teams t JOIN organisations o ON o.id = t.organisation_id";

async fn teams_from_rows(store: &Store, rows: Vec<AnyRow>) -> Result<Vec<Team>> {
    let served = sqlx::query(
        "SELECT team_id, municipality_code FROM team_municipalities ORDER BY municipality_code",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let id: String = r.try_get("id")?;
            let t: String = r.try_get("team_type")?;
            let municipalities = served
                .iter()
                .filter(|s| s.try_get::<String, _>("team_id").ok().as_deref() == Some(&id))
                .map(|s| s.try_get("municipality_code"))
                .collect::<std::result::Result<_, _>>()?;
            Ok(Team {
                organisation_id: r.try_get("organisation_id")?,
                organisation_name: r.try_get("organisation_name")?,
                name: r.try_get("name")?,
                team_type: TeamType::parse(&t)
                    .ok_or_else(|| crate::Error::Corrupt(format!("team type {t}")))?,
                municipalities,
                version: r.try_get("version")?,
                id,
            })
        })
        .collect()
}

pub async fn teams(store: &Store) -> Result<Vec<Team>> {
    let rows = sqlx::query(&format!("{TEAM_QUERY} ORDER BY o.name, t.name"))
        .fetch_all(store.pool())
        .await?;
    teams_from_rows(store, rows).await
}

pub async fn team(store: &Store, id: &str) -> Result<Team> {
    let rows = sqlx::query(&format!("{TEAM_QUERY} WHERE t.id = $1"))
        .bind(id)
        .fetch_all(store.pool())
        .await?;
    teams_from_rows(store, rows)
        .await?
        .pop()
        .ok_or(crate::Error::NotFound)
}

async fn set_team_municipalities(tx: &mut Tx, id: &str, codes: &[MunicipalityCode]) -> Result<()> {
    sqlx::query("DELETE FROM team_municipalities WHERE team_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for code in codes {
        sqlx::query("INSERT INTO team_municipalities (team_id, municipality_code) VALUES ($1, $2)")
            .bind(id)
            .bind(code.as_str())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub async fn create_team(tx: &mut Tx, actor: &Actor, input: &TeamInput) -> Result<String> {
    let id = new_id();
    let at = now();
    sqlx::query(
        "INSERT INTO teams (id, organisation_id, name, team_type, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 1, $5, $5)",
    )
    .bind(&id)
    .bind(&input.organisation_id)
    .bind(&input.name)
    .bind(input.team_type.as_str())
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    set_team_municipalities(tx, &id, &input.municipalities).await?;
    audit::append(
        tx,
        actor,
        &Event::new("team.create", Action::Create).object("team", &id),
    )
    .await?;
    Ok(id)
}

pub async fn update_team(
    tx: &mut Tx,
    actor: &Actor,
    id: &str,
    version: i64,
    input: &TeamInput,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE teams SET organisation_id = $1, name = $2, team_type = $3,
                version = version + 1, updated_at = $4
         WHERE id = $5 AND version = $6",
    )
    .bind(&input.organisation_id)
    .bind(&input.name)
    .bind(input.team_type.as_str())
    .bind(now())
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    check_versioned_update(tx, "teams", id, done.rows_affected()).await?;
    set_team_municipalities(tx, id, &input.municipalities).await?;
    audit::append(
        tx,
        actor,
        &Event::new("team.update", Action::Update).object("team", id),
    )
    .await
}
