//! The roles of eenplan (domain brief, section 4). A user holds exactly one role.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    FamilyWorker,
    Reviewer,
    TreatmentTeamMember,
    ProviderStaff,
    ChainPartner,
    TeamCoordinator,
    PolicyOfficer,
    Administrator,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::FamilyWorker,
        Role::Reviewer,
        Role::TreatmentTeamMember,
        Role::ProviderStaff,
        Role::ChainPartner,
        Role::TeamCoordinator,
        Role::PolicyOfficer,
        Role::Administrator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::FamilyWorker => "family_worker",
            Role::Reviewer => "reviewer",
            Role::TreatmentTeamMember => "treatment_team_member",
            Role::ProviderStaff => "provider_staff",
            Role::ChainPartner => "chain_partner",
            Role::TeamCoordinator => "team_coordinator",
            Role::PolicyOfficer => "policy_officer",
            Role::Administrator => "administrator",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    pub fn label_nl(self) -> &'static str {
        match self {
            Role::FamilyWorker => "Jeugd- en gezinswerker",
            Role::Reviewer => "BPP / gedragswetenschapper",
            Role::TreatmentTeamMember => "Lid lokaal behandelteam",
            Role::ProviderStaff => "Medewerker zorgaanbieder",
            Role::ChainPartner => "Ketenpartner (GI, Veilig Thuis, RvdK)",
            Role::TeamCoordinator => "Teamcoördinator",
            Role::PolicyOfficer => "Beleidsmedewerker gemeente",
            Role::Administrator => "Beheerder",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Role::FamilyWorker => "Family worker",
            Role::Reviewer => "Reviewer (BPP / behavioural scientist)",
            Role::TreatmentTeamMember => "Treatment team member",
            Role::ProviderStaff => "Care provider staff",
            Role::ChainPartner => "Chain partner (GI, Veilig Thuis, RvdK)",
            Role::TeamCoordinator => "Team coordinator",
            Role::PolicyOfficer => "Municipal policy officer",
            Role::Administrator => "Administrator",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_round_trips_every_role() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
