//! The one authorization policy of eenplan: deny by default.
//!
//! Every route declares the [`Permission`] it needs; [`allows`] is the only place that
//! decides which role holds it. A permission not listed for a role is refused. The
//! integration test `tests/foundation/authorization.rs` drives every role against every route.

use crate::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// The own home page, own account and own API tokens.
    OwnAccount,
    /// Read the regional directory: municipalities, organisations, teams, code lists.
    ViewDirectory,
    /// Create and change organisations, teams and code lists.
    ManageOrganisations,
    /// Create and change user accounts and team memberships.
    ManageUsers,
    /// Search the audit log (NEN 7513 review).
    SearchAuditLog,
    /// Open and work on cases: which cases is decided per case (holding team, explicit
    /// involvement, break-the-glass), see `store::cases::access`.
    ViewCases,
    /// Register families, take up the team's new registrations, search families.
    RegisterCases,
    /// Open a case one is not involved in, after giving a reason (flagged in the audit log).
    BreakGlass,
    /// Review break-the-glass accesses of the team and move caseloads between workers.
    SuperviseTeam,
    /// Approve or send back access requests of the team (four eyes; never one's own).
    ReviewAccess,
    /// A provider's view: the requests and decisions addressed to its own organisation,
    /// support plan part 2 (variant 2018), reporting the start and end of care.
    ProviderAssignments,
    /// Administer the product catalogue, prices, provider contracts and the variant.
    ManageCatalogue,
    /// Aggregated cost of granted access per municipality (no person named).
    ViewCosts,
    /// A local treatment team's work: its requests (case details only with consent),
    /// intake, activities, outcome, own hours.
    TreatmentTeamWork,
    /// Run a treatment team: members and their periods, approving hours, declarations.
    CoordinateTreatmentTeam,
    /// Management information: the reports (see [`sees_small_counts`] for who sees
    /// counts below the threshold).
    ViewReports,
    /// Enter the budgets of the own municipality for the costs report.
    ManageBudgets,
    /// iJw messages and their reconciliation: the CJG's professionals those of their
    /// teams' municipalities (and they answer the providers' requests), a provider's
    /// staff their own organisation's (and they deliver messages through the API).
    ExchangeMessages,
    /// Produce and deliver the CBS Beleidsinformatie Jeugd file (BSN, birth date and
    /// dates of help per youth, the statutory delivery of Besluit Jeugdwet art. 7.5.1).
    /// No view of cases; every file is audited with the youths in it.
    ExportStatistics,
}

impl Permission {
    pub const ALL: [Permission; 19] = [
        Permission::OwnAccount,
        Permission::ViewDirectory,
        Permission::ManageOrganisations,
        Permission::ManageUsers,
        Permission::SearchAuditLog,
        Permission::ViewCases,
        Permission::RegisterCases,
        Permission::BreakGlass,
        Permission::SuperviseTeam,
        Permission::ReviewAccess,
        Permission::ProviderAssignments,
        Permission::ManageCatalogue,
        Permission::ViewCosts,
        Permission::TreatmentTeamWork,
        Permission::CoordinateTreatmentTeam,
        Permission::ViewReports,
        Permission::ManageBudgets,
        Permission::ExchangeMessages,
        Permission::ExportStatistics,
    ];

    /// Whether holding this permission exposes data about a client (a youth, a family).
    /// Municipality staff and administrators may never hold such a permission.
    pub fn exposes_client_data(self) -> bool {
        match self {
            Permission::OwnAccount
            | Permission::ViewDirectory
            | Permission::ManageOrganisations
            | Permission::ManageUsers
            | Permission::SearchAuditLog
            | Permission::ManageCatalogue
            | Permission::ViewCosts
            | Permission::CoordinateTreatmentTeam
            | Permission::ViewReports
            | Permission::ManageBudgets => false,
            Permission::ViewCases
            | Permission::RegisterCases
            | Permission::BreakGlass
            | Permission::SuperviseTeam
            | Permission::ReviewAccess
            | Permission::ProviderAssignments
            | Permission::TreatmentTeamWork
            | Permission::ExchangeMessages => true,
            Permission::ExportStatistics => true,
        }
    }
}

/// Deny by default: only the combinations listed here are allowed.
pub fn allows(role: Role, permission: Permission) -> bool {
    use Permission::*;
    use Role::*;
    match permission {
        OwnAccount | ViewDirectory => true,
        ManageOrganisations | ManageUsers | SearchAuditLog => role == Administrator,
        // Professionals who can be involved in a case; the case itself decides the rest.
        ViewCases => matches!(
            role,
            FamilyWorker | Reviewer | TreatmentTeamMember | ProviderStaff | ChainPartner
        ),
        // The CJG's own work: registering, taking up, searching, breaking the glass.
        RegisterCases | BreakGlass => matches!(role, FamilyWorker | Reviewer),
        SuperviseTeam | ReviewAccess => role == Reviewer,
        ProviderAssignments => role == ProviderStaff,
        // Prices, contracts and the support-plan variant are the region's: the
        // administrator keeps them, not one municipality's policy officer.
        ManageCatalogue => role == Administrator,
        // Steering figures: municipality staff and the CJG's behavioural scientists.
        ViewCosts => matches!(role, PolicyOfficer | Reviewer),
        // The pilot coordinator keeps the team's cases and hours (domain brief, section 4).
        TreatmentTeamWork => matches!(role, TreatmentTeamMember | TeamCoordinator),
        CoordinateTreatmentTeam => role == TeamCoordinator,
        // Steering figures (domain brief, section 3.7); who sees small counts is
        // `sees_small_counts`.
        ViewReports => matches!(
            role,
            Reviewer | TeamCoordinator | PolicyOfficer | Administrator
        ),
        ManageBudgets => role == PolicyOfficer,
        ExchangeMessages => matches!(role, FamilyWorker | Reviewer | ProviderStaff),
        // Functional application management delivers the CBS file; municipality staff
        // see aggregates only (the reports).
        ExportStatistics => role == Administrator,
    }
}

/// Whether a role reads client data (cases, a provider's assignments, the treatment
/// team's work, iJw messages): giving it needs a reason, and a second administrator's
/// approval where there is one.
pub fn reads_client_data(role: Role) -> bool {
    use Permission::*;
    [
        ViewCases,
        ProviderAssignments,
        TreatmentTeamWork,
        ExchangeMessages,
    ]
    .into_iter()
    .any(|p| allows(role, p))
}

/// Whether a role sees counts below the small-number threshold in reports. Only the
/// CJG's behavioural scientists, who see the cases behind them anyway; municipality
/// staff, the pilot coordinator and the administrator see aggregates with small counts
/// hidden.
pub fn sees_small_counts(role: Role) -> bool {
    role == Role::Reviewer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregate_and_admin_roles_never_see_client_data() {
        for p in Permission::ALL {
            if p.exposes_client_data() {
                assert!(!allows(Role::PolicyOfficer, p), "{p:?}");
                // The one exception: the administrator produces the statutory CBS file
                // (no case is opened; every file is audited with its youths).
                if p != Permission::ExportStatistics {
                    assert!(!allows(Role::Administrator, p), "{p:?}");
                }
            }
        }
    }

    #[test]
    fn only_the_administrator_exports_statistics() {
        for r in Role::ALL {
            assert_eq!(
                allows(r, Permission::ExportStatistics),
                r == Role::Administrator,
                "{r:?}"
            );
        }
    }

    #[test]
    fn only_administrators_manage_accounts_and_read_the_audit_log() {
        for r in Role::ALL {
            let admin = r == Role::Administrator;
            assert_eq!(allows(r, Permission::ManageUsers), admin);
            assert_eq!(allows(r, Permission::ManageOrganisations), admin);
            assert_eq!(allows(r, Permission::SearchAuditLog), admin);
            assert!(allows(r, Permission::OwnAccount));
        }
    }

    #[test]
    fn case_work_follows_the_domain_brief() {
        use Role::*;
        for r in Role::ALL {
            let cjg = matches!(r, FamilyWorker | Reviewer);
            assert_eq!(allows(r, Permission::RegisterCases), cjg, "{r:?}");
            assert_eq!(allows(r, Permission::BreakGlass), cjg, "{r:?}");
            assert_eq!(allows(r, Permission::SuperviseTeam), r == Reviewer, "{r:?}");
            let may_be_involved = !matches!(r, TeamCoordinator | PolicyOfficer | Administrator);
            assert_eq!(allows(r, Permission::ViewCases), may_be_involved, "{r:?}");
            assert_eq!(allows(r, Permission::ReviewAccess), r == Reviewer, "{r:?}");
            assert_eq!(
                allows(r, Permission::ProviderAssignments),
                r == ProviderStaff,
                "{r:?}"
            );
            assert_eq!(
                allows(r, Permission::ExchangeMessages),
                matches!(r, FamilyWorker | Reviewer | ProviderStaff),
                "{r:?}"
            );
        }
    }
}
