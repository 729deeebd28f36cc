//! The directory: organisations (municipalities, CJG, providers, chain partners) and
//! their teams. The administrator's use cases, for the pages, the API and the command
//! line alike.

use crate::input::{choose, has_error, required_text};
use crate::{Error, Problem, Result};
use eenplan_domain::{AgbCode, MunicipalityCode, OrganisationType, TeamType};
use eenplan_store::Store;
use eenplan_store::audit::Actor;
use eenplan_store::directory::{self, OrganisationInput, TeamInput};
use serde::Deserialize;
use utoipa::ToSchema;

/// An organisation to add or to change.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = OrganisationBody)]
pub struct OrganisationDetails {
    pub name: String,
    pub org_type: String,
    #[serde(default)]
    pub agb_code: Option<String>,
    #[serde(default)]
    pub municipality_code: Option<String>,
    /// Required when changing: the version that was read.
    #[serde(default)]
    pub version: Option<i64>,
}

impl OrganisationDetails {
    fn input(&self) -> Result<OrganisationInput> {
        parse_organisation(
            &self.name,
            &self.org_type,
            self.agb_code.as_deref().unwrap_or(""),
            self.municipality_code.as_deref().unwrap_or(""),
        )
        .map_err(Error::Invalid)
    }
}

/// Adds an organisation; answers its id. (The route's permission or the command line's
/// operator stands behind `actor`.)
pub async fn create_organisation(
    store: &Store,
    actor: &Actor,
    o: &OrganisationDetails,
) -> Result<String> {
    let input = o.input()?;
    let mut tx = store.begin().await?;
    let id = directory::create_organisation(&mut tx, actor, &input)
        .await
        .map_err(org_write_problem)?;
    tx.commit().await?;
    Ok(id)
}

/// Changes an organisation (409 on a stale version).
pub async fn update_organisation(
    store: &Store,
    actor: &Actor,
    id: &str,
    o: &OrganisationDetails,
) -> Result<()> {
    directory::organisation(store, id).await?;
    let input = o.input()?;
    let version = crate::input::version_required(o.version)?;
    let mut tx = store.begin().await?;
    directory::update_organisation(&mut tx, actor, id, version, &input)
        .await
        .map_err(org_write_problem)?;
    tx.commit().await?;
    Ok(())
}

pub fn parse_organisation(
    name: &str,
    org_type: &str,
    agb_code: &str,
    municipality_code: &str,
) -> Result<OrganisationInput, Vec<Problem>> {
    let mut errors = Vec::new();
    let name = required_text(&mut errors, "name", name, 200);
    let org_type = OrganisationType::parse(org_type);
    if org_type.is_none() {
        errors.push(choose("org_type"));
    }
    let agb_code = match agb_code.trim() {
        "" => None,
        s => AgbCode::parse("agb_code", s)
            .map_err(|e| errors.push(e.into()))
            .ok(),
    };
    let municipality_code = match municipality_code.trim() {
        "" => None,
        s => MunicipalityCode::parse("municipality_code", s)
            .map_err(|e| errors.push(e.into()))
            .ok(),
    };
    if org_type == Some(OrganisationType::Provider)
        && agb_code.is_none()
        && !has_error(&errors, "agb_code")
    {
        errors.push(Problem::new(
            "agb_code",
            "Een zorgaanbieder heeft een AGB-code (8 cijfers).",
            "A care provider needs an AGB code (8 digits).",
        ));
    }
    if org_type == Some(OrganisationType::Municipality)
        && municipality_code.is_none()
        && !has_error(&errors, "municipality_code")
    {
        errors.push(Problem::new(
            "municipality_code",
            "Kies de gemeente.",
            "Choose the municipality.",
        ));
    }
    match org_type {
        Some(org_type) if errors.is_empty() => Ok(OrganisationInput {
            name,
            org_type,
            agb_code,
            municipality_code,
        }),
        _ => Err(errors),
    }
}

/// Maps store errors of an organisation write to field problems.
fn org_write_problem(e: eenplan_store::Error) -> Error {
    match e {
        eenplan_store::Error::UnknownReference => Error::invalid(Problem::new(
            "municipality_code",
            "Onbekende gemeente.",
            "Unknown municipality.",
        )),
        other => other.into(),
    }
}

/// A team to add or to change.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = TeamBody)]
pub struct TeamDetails {
    pub organisation_id: String,
    pub name: String,
    pub team_type: String,
    #[serde(default)]
    pub municipalities: Vec<String>,
    /// Required when changing: the version that was read.
    #[serde(default)]
    pub version: Option<i64>,
}

/// Adds a team; answers its id.
pub async fn create_team(store: &Store, actor: &Actor, t: &TeamDetails) -> Result<String> {
    let input = parse_team(&t.organisation_id, &t.name, &t.team_type, &t.municipalities)
        .map_err(Error::Invalid)?;
    let mut tx = store.begin().await?;
    let id = directory::create_team(&mut tx, actor, &input)
        .await
        .map_err(team_write_problem)?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a team (409 on a stale version).
pub async fn update_team(store: &Store, actor: &Actor, id: &str, t: &TeamDetails) -> Result<()> {
    directory::team(store, id).await?;
    let input = parse_team(&t.organisation_id, &t.name, &t.team_type, &t.municipalities)
        .map_err(Error::Invalid)?;
    let version = crate::input::version_required(t.version)?;
    let mut tx = store.begin().await?;
    directory::update_team(&mut tx, actor, id, version, &input)
        .await
        .map_err(team_write_problem)?;
    tx.commit().await?;
    Ok(())
}

fn parse_team(
    organisation_id: &str,
    name: &str,
    team_type: &str,
    municipalities: &[String],
) -> Result<TeamInput, Vec<Problem>> {
    let mut errors = Vec::new();
    let name = required_text(&mut errors, "name", name, 200);
    let team_type = TeamType::parse(team_type);
    if team_type.is_none() {
        errors.push(choose("team_type"));
    }
    if organisation_id.trim().is_empty() {
        errors.push(choose("organisation_id"));
    }
    let mut codes = Vec::new();
    for m in municipalities {
        match MunicipalityCode::parse("municipalities", m) {
            Ok(c) if !codes.contains(&c) => codes.push(c),
            Ok(_) => {}
            Err(e) => errors.push(e.into()),
        }
    }
    if team_type == Some(TeamType::LocalTeam)
        && codes.len() != 1
        && !has_error(&errors, "municipalities")
    {
        errors.push(Problem::new(
            "municipalities",
            "Een lokaal CJG-team bedient precies één gemeente.",
            "A local CJG team serves exactly one municipality.",
        ));
    }
    if team_type == Some(TeamType::TreatmentTeam) && codes.is_empty() {
        errors.push(Problem::new(
            "municipalities",
            "Een behandelteam bedient minstens één gemeente.",
            "A treatment team serves at least one municipality.",
        ));
    }
    match team_type {
        Some(team_type) if errors.is_empty() => Ok(TeamInput {
            organisation_id: organisation_id.trim().into(),
            name,
            team_type,
            municipalities: codes,
        }),
        _ => Err(errors),
    }
}

/// Team writes fail on a foreign key when the organisation or a municipality is unknown.
fn team_write_problem(e: eenplan_store::Error) -> Error {
    match e {
        eenplan_store::Error::UnknownReference => Error::invalid(Problem::new(
            "organisation_id",
            "Onbekende organisatie of gemeente.",
            "Unknown organisation or municipality.",
        )),
        other => other.into(),
    }
}
