//! Municipalities and code lists, loaded from the project's data files
//! (`data/codelists/*.csv`). Loading is idempotent: existing codes keep their labels as an
//! administrator may have changed them; missing codes are added.

use crate::{Result, Store, Tx};
use eenplan_domain::codes::CodeList;
use serde::{Deserialize, Serialize};
use sqlx::Row;

const MUNICIPALITIES_CSV: &str = include_str!("../../../data/codelists/municipalities.csv");

fn default_csv(list: CodeList) -> &'static str {
    match list {
        CodeList::ReferralChannel => include_str!("../../../data/codelists/referral_channels.csv"),
        CodeList::ProblemArea => include_str!("../../../data/codelists/problem_areas.csv"),
        CodeList::ContraIndication => {
            include_str!("../../../data/codelists/contra_indications.csv")
        }
        CodeList::TreatmentTeamReferrer => {
            include_str!("../../../data/codelists/treatment_team_referrers.csv")
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Municipality {
    pub code: String,
    pub name: String,
    pub subregion: String,
    pub region: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CodeItem {
    pub code: String,
    pub label_nl: String,
    pub label_en: String,
    #[serde(default, alias = "share_leudal_2018_pct")]
    pub share_pct: Option<f64>,
}

fn parse_csv<T: serde::de::DeserializeOwned>(text: &str) -> Result<Vec<T>> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<std::result::Result<Vec<T>, _>>()
        .map_err(|e| crate::Error::Corrupt(format!("code list: {e}")))
}

/// Loads the default municipalities and code lists into the database.
pub async fn load_defaults(tx: &mut Tx) -> Result<()> {
    tx.without_audit("the code lists: public reference data, loaded at every start");
    for m in parse_csv::<Municipality>(MUNICIPALITIES_CSV)? {
        sqlx::query(
            "INSERT INTO municipalities (code, name, subregion, region) VALUES ($1, $2, $3, $4)
             ON CONFLICT (code) DO NOTHING",
        )
        .bind(&m.code)
        .bind(&m.name)
        .bind(&m.subregion)
        .bind(&m.region)
        .execute(&mut **tx)
        .await?;
    }
    for list in CodeList::ALL {
        for (position, item) in parse_csv::<CodeItem>(default_csv(list))?.iter().enumerate() {
            sqlx::query(
                "INSERT INTO code_list_items (list, code, label_nl, label_en, share_pct, position)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (list, code) DO NOTHING",
            )
            .bind(list.as_str())
            .bind(&item.code)
            .bind(&item.label_nl)
            .bind(&item.label_en)
            .bind(item.share_pct)
            .bind(position as i64 + 1)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

pub async fn municipalities(store: &Store) -> Result<Vec<Municipality>> {
    let rows = sqlx::query(
        "SELECT code, name, subregion, region FROM municipalities ORDER BY subregion DESC, name",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Municipality {
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                subregion: r.try_get("subregion")?,
                region: r.try_get("region")?,
            })
        })
        .collect()
}

pub async fn items(store: &Store, list: CodeList) -> Result<Vec<CodeItem>> {
    let rows = sqlx::query(
        "SELECT code, label_nl, label_en, share_pct FROM code_list_items
         WHERE list = $1 AND active = 1 ORDER BY position",
    )
    .bind(list.as_str())
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(CodeItem {
                code: r.try_get("code")?,
                label_nl: r.try_get("label_nl")?,
                label_en: r.try_get("label_en")?,
                share_pct: r.try_get("share_pct")?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_files_parse() {
        assert_eq!(
            parse_csv::<Municipality>(MUNICIPALITIES_CSV).unwrap().len(),
            7
        );
        for list in CodeList::ALL {
            assert!(!parse_csv::<CodeItem>(default_csv(list)).unwrap().is_empty());
        }
    }
}
