//! Interface language: Dutch by default, English on request (the `lang` cookie, set by
//! the NL/EN switch). All user-facing text lives in [`MESSAGES`], one line per key.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use std::convert::Infallible;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Nl,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    pub fn pick<'a>(self, nl: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Nl => nl,
            Lang::En => en,
        }
    }
}

pub const LANG_COOKIE: &str = "lang";

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(from_headers(&parts.headers))
    }
}

pub fn from_headers(headers: &axum::http::HeaderMap) -> Lang {
    CookieJar::from_headers(headers)
        .get(LANG_COOKIE)
        .and_then(|c| Lang::parse(c.value()))
        .unwrap_or_default()
}

/// Translator handed to templates: `{{ t.get("key") }}`.
#[derive(Debug, Clone, Copy)]
pub struct Tr(pub Lang);

impl Tr {
    pub fn get(&self, key: &str) -> &'static str {
        match MESSAGES.iter().find(|(k, _, _)| *k == key) {
            Some((_, nl, en)) => self.0.pick(nl, en),
            None => {
                tracing::error!(key, "missing translation");
                "?"
            }
        }
    }
    pub fn lang(&self) -> &'static str {
        self.0.code()
    }
    pub fn is_en(&self) -> bool {
        self.0 == Lang::En
    }
}

/// (key, Dutch, English)
pub const MESSAGES: &[(&str, &str, &str)] = &[
    (
        "app.tagline",
        "Eén gezin, één plan, één regisseur",
        "One family, one plan, one coordinator",
    ),
    ("nav.skip", "Naar de inhoud", "Skip to content"),
    ("nav.home", "Start", "Home"),
    (
        "nav.directory",
        "Organisaties en teams",
        "Organisations and teams",
    ),
    ("nav.users", "Gebruikers", "Users"),
    ("nav.audit", "Auditlog", "Audit log"),
    ("nav.account", "Mijn account", "My account"),
    ("nav.main", "Hoofdmenu", "Main menu"),
    ("nav.language", "Taal", "Language"),
    ("nav.logout", "Uitloggen", "Log out"),
    (
        "footer.text",
        "eenplan: informatiesysteem voor het jeugdstelsel. Elke inzage in cliëntgegevens wordt vastgelegd.",
        "eenplan: information system for the youth-care system. Every access to client data is logged.",
    ),
    (
        "demo.banner",
        "Demonstratieomgeving met verzonnen gegevens. Niet gebruiken voor echte cliënten.",
        "Demonstration environment with invented data. Do not use for real clients.",
    ),
    ("login.title", "Inloggen", "Log in"),
    (
        "login.lead",
        "Log in met uw gebruikersnaam en wachtwoord. Daarna vraagt eenplan om de code uit uw authenticator-app.",
        "Log in with your username and password. eenplan then asks for the code from your authenticator app.",
    ),
    ("login.username", "Gebruikersnaam", "Username"),
    ("login.password", "Wachtwoord", "Password"),
    ("login.submit", "Verder", "Continue"),
    (
        "login.failed",
        "Gebruikersnaam of wachtwoord klopt niet.",
        "Username or password is incorrect.",
    ),
    (
        "login.throttled",
        "Te veel mislukte pogingen. Wacht 15 minuten en probeer het opnieuw, of neem contact op met de beheerder.",
        "Too many failed attempts. Wait 15 minutes and try again, or contact the administrator.",
    ),
    (
        "login.expired",
        "Uw sessie is verlopen. Log opnieuw in.",
        "Your session has expired. Please log in again.",
    ),
    (
        "login.logged_out",
        "U bent uitgelogd.",
        "You have been logged out.",
    ),
    ("login.demo_title", "Demo-accounts", "Demo accounts"),
    (
        "login.demo_lead",
        "Alleen in de demonstratieomgeving: elk account heeft het wachtwoord hieronder; de code wisselt elke 30 seconden (vernieuw de pagina voor een nieuwe code).",
        "Demo environment only: every account has the password below; the code changes every 30 seconds (reload the page for a new code).",
    ),
    (
        "login.demo_password",
        "Wachtwoord van alle demo-accounts",
        "Password of all demo accounts",
    ),
    ("login.demo_code", "Huidige code", "Current code"),
    ("login.role", "Rol", "Role"),
    ("login.name", "Naam", "Name"),
    ("mfa.title", "Tweede stap: code", "Second step: code"),
    (
        "mfa.lead",
        "Voer de zescijferige code in uit uw authenticator-app.",
        "Enter the six-digit code from your authenticator app.",
    ),
    ("mfa.code", "Code", "Code"),
    (
        "mfa.code_hint",
        "Zes cijfers, bijvoorbeeld 123456.",
        "Six digits, for example 123456.",
    ),
    ("mfa.submit", "Inloggen", "Log in"),
    (
        "mfa.failed",
        "Deze code klopt niet of is al gebruikt. Wacht op de volgende code en probeer het opnieuw.",
        "This code is incorrect or was already used. Wait for the next code and try again.",
    ),
    (
        "mfa.enrol_title",
        "Tweestapsverificatie instellen",
        "Set up two-step verification",
    ),
    (
        "mfa.enrol_lead",
        "Eenplan vraagt bij elke login een code uit een authenticator-app. Scan deze QR-code met uw app (bijvoorbeeld een app van uw organisatie), of voer de sleutel handmatig in. Vul daarna de code in die de app toont.",
        "eenplan asks for a code from an authenticator app at every login. Scan this QR code with your app, or enter the key by hand. Then enter the code the app shows.",
    ),
    (
        "mfa.enrol_key",
        "Sleutel om handmatig in te voeren",
        "Key to enter by hand",
    ),
    (
        "mfa.qr_label",
        "QR-code voor de authenticator-app",
        "QR code for the authenticator app",
    ),
    ("home.title", "Welkom", "Welcome"),
    ("home.your_account", "Uw account", "Your account"),
    ("home.role", "Rol", "Role"),
    ("home.organisation", "Organisatie", "Organisation"),
    ("home.teams", "Teams", "Teams"),
    ("home.no_teams", "Geen teams", "No teams"),
    (
        "home.what_you_can_do",
        "Wat u hier kunt doen",
        "What you can do here",
    ),
    (
        "home.privacy",
        "Uw rol ziet alleen wat nodig is voor uw werk. Elke inzage in cliëntgegevens wordt vastgelegd in het auditlog.",
        "Your role sees only what your work needs. Every access to client data is recorded in the audit log.",
    ),
    (
        "home.aggregates_only",
        "Als beleidsmedewerker ziet u alleen geaggregeerde cijfers, nooit gegevens van personen.",
        "As a policy officer you see aggregate figures only, never data about persons.",
    ),
    (
        "home.admin_no_content",
        "Als beheerder beheert u accounts en organisaties; de inhoud van dossiers ziet u niet.",
        "As an administrator you manage accounts and organisations; you do not see case content.",
    ),
    (
        "card.directory",
        "Bekijk de gemeenten, organisaties, teams en codelijsten van de regio.",
        "View the region's municipalities, organisations, teams and code lists.",
    ),
    (
        "card.users",
        "Maak accounts aan, wijzig rollen en teams, zet accounts op non-actief.",
        "Create accounts, change roles and teams, deactivate accounts.",
    ),
    (
        "card.audit",
        "Zoek in het auditlog: wie deed wat, wanneer en vanaf waar.",
        "Search the audit log: who did what, when and from where.",
    ),
    (
        "card.account",
        "Uw gegevens, uw wachtwoord en persoonlijke API-tokens.",
        "Your details, your password and personal API tokens.",
    ),
    (
        "directory.title",
        "Organisaties en teams",
        "Organisations and teams",
    ),
    ("directory.municipalities", "Gemeenten", "Municipalities"),
    ("directory.organisations", "Organisaties", "Organisations"),
    ("directory.teams", "Teams", "Teams"),
    ("directory.codelists", "Codelijsten", "Code lists"),
    ("directory.code", "Code", "Code"),
    ("directory.name", "Naam", "Name"),
    ("directory.subregion", "Subregio", "Sub-region"),
    ("directory.region", "Regio", "Region"),
    ("directory.type", "Soort", "Type"),
    ("directory.agb", "AGB-code", "AGB code"),
    ("directory.municipality", "Gemeente", "Municipality"),
    ("directory.organisation", "Organisatie", "Organisation"),
    ("directory.serves", "Werkgebied", "Serves"),
    ("directory.label", "Omschrijving", "Label"),
    (
        "directory.new_org",
        "Nieuwe organisatie",
        "New organisation",
    ),
    ("directory.new_team", "Nieuw team", "New team"),
    ("directory.edit", "Wijzigen", "Edit"),
    ("org.title_new", "Nieuwe organisatie", "New organisation"),
    (
        "org.title_edit",
        "Organisatie wijzigen",
        "Edit organisation",
    ),
    (
        "org.agb_hint",
        "Verplicht voor zorgaanbieders: 8 cijfers.",
        "Required for care providers: 8 digits.",
    ),
    (
        "org.municipality_hint",
        "Verplicht voor een gemeente.",
        "Required for a municipality.",
    ),
    ("team.title_new", "Nieuw team", "New team"),
    ("team.title_edit", "Team wijzigen", "Edit team"),
    (
        "team.municipalities_legend",
        "Gemeenten die het team bedient",
        "Municipalities the team serves",
    ),
    ("form.save", "Opslaan", "Save"),
    ("form.cancel", "Annuleren", "Cancel"),
    ("form.none", "(geen)", "(none)"),
    (
        "form.error_title",
        "Er is een probleem",
        "There is a problem",
    ),
    ("form.saved", "Opgeslagen.", "Saved."),
    ("form.required", "Vul dit veld in.", "Fill in this field."),
    ("form.choose", "Maak een keuze.", "Make a choice."),
    (
        "form.too_long",
        "Dit veld is te lang.",
        "This field is too long.",
    ),
    ("users.title", "Gebruikers", "Users"),
    ("users.new", "Nieuwe gebruiker", "New user"),
    ("users.username", "Gebruikersnaam", "Username"),
    ("users.display_name", "Naam", "Name"),
    ("users.role", "Rol", "Role"),
    ("users.organisation", "Organisatie", "Organisation"),
    ("users.teams", "Teams", "Teams"),
    ("users.status", "Status", "Status"),
    ("users.active", "Actief", "Active"),
    ("users.inactive", "Non-actief", "Inactive"),
    ("users.mfa", "Tweestapsverificatie", "Two-step verification"),
    ("users.mfa_enrolled", "Ingesteld", "Set up"),
    ("users.mfa_pending", "Nog in te stellen", "Not yet set up"),
    ("users.last_login", "Laatst ingelogd", "Last login"),
    ("users.password", "Eerste wachtwoord", "Initial password"),
    (
        "users.password_hint",
        "Minstens 12 tekens en geen veelgebruikt wachtwoord. Geef het veilig door; bij de eerste login stelt de gebruiker tweestapsverificatie in.",
        "At least 12 characters and not a common password. Hand it over securely; at first login the user sets up two-step verification.",
    ),
    ("users.title_edit", "Gebruiker wijzigen", "Edit user"),
    (
        "users.active_label",
        "Account is actief",
        "Account is active",
    ),
    (
        "users.reset_mfa",
        "Tweestapsverificatie opnieuw laten instellen",
        "Make the user set up two-step verification again",
    ),
    (
        "users.reset_mfa_done",
        "De gebruiker stelt bij de volgende login tweestapsverificatie opnieuw in.",
        "The user sets up two-step verification again at the next login.",
    ),
    ("users.teams_legend", "Teams", "Teams"),
    (
        "users.username_hint",
        "Kleine letters, cijfers, punt, streepje of liggend streepje; 3 tot 64 tekens.",
        "Lower-case letters, digits, dot, hyphen or underscore; 3 to 64 characters.",
    ),
    ("audit.title", "Auditlog", "Audit log"),
    (
        "audit.lead",
        "Elke inzage en wijziging van cliëntgegevens, elke login en elke weigering. Het zoeken zelf wordt ook vastgelegd.",
        "Every access to and change of client data, every login and every refusal. Searching is logged too.",
    ),
    ("audit.from", "Vanaf (datum)", "From (date)"),
    ("audit.to", "Tot en met (datum)", "To (date, inclusive)"),
    ("audit.username", "Gebruiker", "User"),
    ("audit.event", "Gebeurtenis", "Event"),
    ("audit.object", "Object-id", "Object id"),
    ("audit.client", "Cliënt-id", "Client id"),
    ("audit.outcome", "Uitkomst", "Outcome"),
    ("audit.search", "Zoeken", "Search"),
    ("audit.time", "Tijd (UTC)", "Time (UTC)"),
    ("audit.action", "Handeling", "Action"),
    ("audit.address", "Toegangspunt", "Access point"),
    (
        "audit.results",
        "Resultaten (nieuwste eerst, maximaal 200)",
        "Results (newest first, at most 200)",
    ),
    (
        "audit.none",
        "Geen gebeurtenissen gevonden.",
        "No events found.",
    ),
    ("audit.any", "Alle", "All"),
    ("account.title", "Mijn account", "My account"),
    (
        "account.tokens",
        "Persoonlijke API-tokens",
        "Personal API tokens",
    ),
    (
        "account.tokens_lead",
        "Met een API-token kan een programma namens u de API gebruiken (kop Authorization: Bearer ...). Het token is net zo machtig als uw account; bewaar het veilig.",
        "An API token lets a program use the API on your behalf (header Authorization: Bearer ...). The token is as powerful as your account; keep it safe.",
    ),
    ("account.token_name", "Naam van het token", "Token name"),
    ("account.token_create", "Token aanmaken", "Create token"),
    ("account.token_revoke", "Intrekken", "Revoke"),
    (
        "account.token_created",
        "Uw nieuwe token staat hieronder. Het wordt maar één keer getoond.",
        "Your new token is shown below. It is shown only once.",
    ),
    (
        "account.token_revoked",
        "Het token is ingetrokken.",
        "The token has been revoked.",
    ),
    (
        "account.token_none",
        "U heeft geen API-tokens.",
        "You have no API tokens.",
    ),
    (
        "account.password_title",
        "Wachtwoord wijzigen",
        "Change password",
    ),
    (
        "account.current_password",
        "Huidig wachtwoord",
        "Current password",
    ),
    ("account.new_password", "Nieuw wachtwoord", "New password"),
    (
        "account.password_hint",
        "Minstens 12 tekens en geen veelgebruikt wachtwoord. Daarna logt u opnieuw in.",
        "At least 12 characters and not a common password. You then log in again.",
    ),
    (
        "account.password_submit",
        "Wachtwoord wijzigen",
        "Change password",
    ),
    (
        "account.password_changed",
        "Uw wachtwoord is gewijzigd. Log opnieuw in met het nieuwe wachtwoord.",
        "Your password has been changed. Log in again with the new password.",
    ),
    ("account.created", "Aangemaakt", "Created"),
    ("error.title", "Er ging iets mis", "Something went wrong"),
    (
        "error.not_found",
        "Deze pagina of dit gegeven bestaat niet (meer). Controleer het adres of ga terug naar de startpagina.",
        "This page or record does not exist (any more). Check the address or go back to the home page.",
    ),
    (
        "error.forbidden",
        "U heeft geen toegang tot deze pagina. Deze weigering is vastgelegd. Denkt u dat u toegang nodig heeft? Vraag het uw beheerder.",
        "You do not have access to this page. This refusal has been logged. If you think you need access, ask your administrator.",
    ),
    (
        "error.conflict",
        "Iemand anders heeft dit gegeven intussen gewijzigd. Uw wijziging is niet opgeslagen. Open het gegeven opnieuw en voer uw wijziging nogmaals in.",
        "Someone else changed this record in the meantime. Your change was not saved. Open the record again and re-enter your change.",
    ),
    (
        "error.invalid",
        "De invoer is niet goed. Ga terug en controleer de velden.",
        "The input is not valid. Go back and check the fields.",
    ),
    (
        "error.too_large",
        "Wat u verstuurde is te groot (maximaal 1 MiB).",
        "What you sent is too large (at most 1 MiB).",
    ),
    (
        "error.method",
        "Deze handeling is hier niet mogelijk.",
        "This action is not possible here.",
    ),
    (
        "error.csrf",
        "Het formulier is verlopen of kwam niet van eenplan. Laad de pagina opnieuw en probeer het nog eens.",
        "The form has expired or did not come from eenplan. Reload the page and try again.",
    ),
    (
        "error.internal",
        "Er ging iets mis aan onze kant. Probeer het later opnieuw. Blijft het misgaan, geef de beheerder dan deze foutcode:",
        "Something went wrong on our side. Please try again later. If it keeps happening, give the administrator this error code:",
    ),
    (
        "error.throttled",
        "Te veel verzoeken. Wacht even en probeer het opnieuw.",
        "Too many requests. Wait a moment and try again.",
    ),
    ("error.home", "Naar de startpagina", "Go to the home page"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_translated() {
        let mut keys = std::collections::HashSet::new();
        for (k, nl, en) in MESSAGES {
            assert!(keys.insert(*k), "duplicate key {k}");
            assert!(!nl.is_empty() && !en.is_empty(), "{k}");
        }
    }
}
