//! The code lists eenplan carries as data (`data/codelists/*.csv`). Each list has stable
//! codes used in imports, exports and the API; an administrator can extend a list.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeList {
    ReferralChannel,
    ProblemArea,
    ContraIndication,
    TreatmentTeamReferrer,
}

impl CodeList {
    pub const ALL: [CodeList; 4] = [
        CodeList::ReferralChannel,
        CodeList::ProblemArea,
        CodeList::ContraIndication,
        CodeList::TreatmentTeamReferrer,
    ];

    /// Name of the list in the database and of its file in `data/codelists/`.
    pub fn as_str(self) -> &'static str {
        match self {
            CodeList::ReferralChannel => "referral_channels",
            CodeList::ProblemArea => "problem_areas",
            CodeList::ContraIndication => "contra_indications",
            CodeList::TreatmentTeamReferrer => "treatment_team_referrers",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }

    pub fn label_nl(self) -> &'static str {
        match self {
            CodeList::ReferralChannel => "Verwijskanalen",
            CodeList::ProblemArea => "Probleemgebieden",
            CodeList::ContraIndication => "Contra-indicaties lokaal behandelteam",
            CodeList::TreatmentTeamReferrer => "Verwijzers lokaal behandelteam",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            CodeList::ReferralChannel => "Referral channels",
            CodeList::ProblemArea => "Problem areas",
            CodeList::ContraIndication => "Treatment team contra-indications",
            CodeList::TreatmentTeamReferrer => "Treatment team referrers",
        }
    }
}
