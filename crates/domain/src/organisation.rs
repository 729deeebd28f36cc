//! Organisations, teams and the codes that identify them nationally.

use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationType {
    Cjg,
    Provider,
    Gi,
    VeiligThuis,
    Rvdk,
    School,
    GpPractice,
    Municipality,
}

impl OrganisationType {
    pub const ALL: [OrganisationType; 8] = [
        OrganisationType::Cjg,
        OrganisationType::Provider,
        OrganisationType::Gi,
        OrganisationType::VeiligThuis,
        OrganisationType::Rvdk,
        OrganisationType::School,
        OrganisationType::GpPractice,
        OrganisationType::Municipality,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationType::Cjg => "cjg",
            OrganisationType::Provider => "provider",
            OrganisationType::Gi => "gi",
            OrganisationType::VeiligThuis => "veilig_thuis",
            OrganisationType::Rvdk => "rvdk",
            OrganisationType::School => "school",
            OrganisationType::GpPractice => "gp_practice",
            OrganisationType::Municipality => "municipality",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s.trim())
    }

    pub fn label_nl(self) -> &'static str {
        match self {
            OrganisationType::Cjg => "Centrum voor Jeugd en Gezin",
            OrganisationType::Provider => "Zorgaanbieder",
            OrganisationType::Gi => "Gecertificeerde instelling",
            OrganisationType::VeiligThuis => "Veilig Thuis",
            OrganisationType::Rvdk => "Raad voor de Kinderbescherming",
            OrganisationType::School => "School",
            OrganisationType::GpPractice => "Huisartsenpraktijk",
            OrganisationType::Municipality => "Gemeente",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            OrganisationType::Cjg => "Youth and family centre (CJG)",
            OrganisationType::Provider => "Care provider",
            OrganisationType::Gi => "Certified institution (GI)",
            OrganisationType::VeiligThuis => "Veilig Thuis",
            OrganisationType::Rvdk => "Child protection board (RvdK)",
            OrganisationType::School => "School",
            OrganisationType::GpPractice => "GP practice",
            OrganisationType::Municipality => "Municipality",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TeamType {
    /// The CJG team of one municipality.
    LocalTeam,
    /// A local treatment team (lokaal behandelteam) serving one or more municipalities.
    TreatmentTeam,
    Other,
}

impl TeamType {
    pub const ALL: [TeamType; 3] = [
        TeamType::LocalTeam,
        TeamType::TreatmentTeam,
        TeamType::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TeamType::LocalTeam => "local_team",
            TeamType::TreatmentTeam => "treatment_team",
            TeamType::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s.trim())
    }

    pub fn label_nl(self) -> &'static str {
        match self {
            TeamType::LocalTeam => "Lokaal CJG-team",
            TeamType::TreatmentTeam => "Lokaal behandelteam",
            TeamType::Other => "Ander team",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            TeamType::LocalTeam => "Local CJG team",
            TeamType::TreatmentTeam => "Local treatment team",
            TeamType::Other => "Other team",
        }
    }
}

fn digits_only(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())
}

/// AGB code of a care provider: eight digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AgbCode(String);

impl AgbCode {
    pub fn parse(field: &'static str, input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.len() == 8 && digits_only(s) {
            Ok(AgbCode(s.to_owned()))
        } else {
            Err(FieldError::new(
                field,
                "Een AGB-code bestaat uit precies 8 cijfers.",
                "An AGB code consists of exactly 8 digits.",
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AgbCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// CBS municipality code: four digits, leading zeros kept (Nederweert is 0946).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MunicipalityCode(String);

impl MunicipalityCode {
    pub fn parse(field: &'static str, input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.len() == 4 && digits_only(s) {
            Ok(MunicipalityCode(s.to_owned()))
        } else {
            Err(FieldError::new(
                field,
                "Een CBS-gemeentecode bestaat uit precies 4 cijfers, bijvoorbeeld 0946.",
                "A CBS municipality code consists of exactly 4 digits, for example 0946.",
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MunicipalityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_strictly() {
        assert!(AgbCode::parse("agb", "75750001").is_ok());
        assert!(AgbCode::parse("agb", "7575000").is_err());
        assert!(AgbCode::parse("agb", "7575000a").is_err());
        assert_eq!(
            MunicipalityCode::parse("m", " 0946 ").unwrap().as_str(),
            "0946"
        );
        assert!(MunicipalityCode::parse("m", "946").is_err());
        for t in OrganisationType::ALL {
            assert_eq!(OrganisationType::parse(t.as_str()), Some(t));
        }
        for t in TeamType::ALL {
            assert_eq!(TeamType::parse(t.as_str()), Some(t));
        }
    }
}
