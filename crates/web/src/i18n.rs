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
    /// The label of a form field named in a problem, so an error summary says which field
    /// is wrong: `youths.0.name` -> "Jeugdige 1 · Naam". Empty for fields without one.
    pub fn field_label(&self, field: &str) -> String {
        let parts: Vec<&str> = field.split('.').collect();
        let (row, last) = match parts.as_slice() {
            [group, n, last] => {
                let group = match *group {
                    "youths" => "reg.youth",
                    "parents" => "reg.parent",
                    "goals" => "plan.goal",
                    "actions" => "plan.action",
                    _ => return String::new(),
                };
                let n: usize = n.parse().unwrap_or(0);
                (Some(format!("{} {}", self.get(group), n + 1)), *last)
            }
            // A numbered result of an access request, or its score in an evaluation.
            ["result" | "score", n] => {
                let n: usize = n.parse().unwrap_or(0);
                return format!("{} {}", self.get("acc.result"), n + 1);
            }
            [last] => (None, *last),
            _ => return String::new(),
        };
        let key = match last {
            "youth_id" => "acc.youth",
            "referrer_type" => "acc.referrer",
            "referrer_code" => "acc.referrer_code",
            "product_id" => "acc.product",
            "funding" => "acc.funding",
            "provider_id" => "acc.provider",
            "volume" => "acc.volume",
            "unit" => "acc.unit",
            "frequency" => "acc.frequency",
            "start_on" => "acc.start",
            "end_on" => "acc.end",
            "pgb_amount" => "acc.pgb_amount",
            "intake_on" => "acc.intake",
            "comment" => "acc.comment",
            "change_reason" => "dec.change_reason",
            "ended_on" => "dec.ended_on",
            "effective_on" => "dec.effective_on",
            "end_reason" => "dec.end_reason",
            "minutes" => "dec.minutes",
            "time_on" => "dec.time_on",
            "done_on" => "eval.done_on",
            "family_view" => "eval.family_view",
            "outcome" => "dec.outcome",
            "actual_start_on" => "prov.started",
            "actual_end_on" => "prov.ended",
            "gemeente" => "costs.municipality",
            "van" => "costs.from",
            "tot" => "costs.to",
            "name" | "naam" => "person.name",
            "birth_date" | "geboortedatum" => "person.birth_date",
            "bsn" => "person.bsn",
            "phone" => "person.phone",
            "municipality_code" => "reg.municipality",
            "registered_on" => "reg.date",
            "referral_channel" => "reg.channel",
            "primary_problem_area" => "reg.primary_area",
            "problem_areas" => "reg.areas",
            "question" => "reg.question",
            "relation" => "network.relation",
            "contact" => "network.contact",
            "contribution" => "network.contribution",
            "reason" | "involvement_reason" => "inv.reason",
            "involvement_user" => "inv.who",
            "text" => "plan.goal_text",
            "about" => "plan.about",
            "pace" => "plan.pace",
            "sub_goals" => "plan.sub_goals",
            "description" => "plan.action_text",
            "owner_kind" => "plan.owner_kind",
            "owner" => "plan.owner",
            "due" => "plan.due",
            "goal" => "plan.goal",
            "agreed_by" => "plan.agreed_by",
            "agreed_on" => "plan.agreed_date",
            "coordinator" => "plan.regie_choose",
            "help_kind" => "case.help_kind",
            "on" => "case.close_date",
            "team_id" => "case.team",
            "from_user_id" => "transfer.from",
            "to_user_id" => "transfer.to",
            _ => return row.unwrap_or_default(),
        };
        match row {
            Some(row) => format!("{row} · {}", self.get(key)),
            None => self.get(key).to_owned(),
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
    // Access to specialised care, decisions and monitoring.
    (
        "card.evaluations",
        "Evaluaties van beschikkingen die binnen 14 dagen vallen of te laat zijn.",
        "Evaluations of decisions due within 14 days or overdue.",
    ),
    (
        "card.review",
        "Aanvragen voor specialistische jeugdhulp beoordelen (vier ogen).",
        "Review requests for specialised care (four eyes).",
    ),
    (
        "card.provider",
        "Aanvragen en beschikkingen aan uw organisatie: deel 2, start en einde van de zorg.",
        "Requests and decisions addressed to your organisation: part 2, start and end of care.",
    ),
    (
        "card.catalogue",
        "Producten, prijzen per datum, contracten met aanbieders en de werkwijze van deel 2.",
        "Products, prices by date, provider contracts and the part 2 variant.",
    ),
    (
        "card.costs",
        "Beschikte inzet en kosten per gemeente, ZIN en PGB, unieke jeugdigen.",
        "Decided effort and cost per municipality, ZIN and PGB, unique youths.",
    ),
    (
        "home.evaluations",
        "Evaluaties die aandacht vragen",
        "Evaluations that need attention",
    ),
    ("home.overdue", "te laat", "overdue"),
    ("home.due_soon", "binnen 14 dagen", "due within 14 days"),
    (
        "acc.approve",
        "Goedkeuren en beschikking vaststellen",
        "Approve and take the decision",
    ),
    ("acc.approved", "goedgekeurd", "approved"),
    ("acc.author", "Opgesteld door", "Written by"),
    (
        "acc.comment",
        "Toelichting (verplicht bij terugsturen)",
        "Comment (required when sending back)",
    ),
    ("acc.edit", "Aanvraag bewerken", "Edit request"),
    ("acc.end", "Einddatum", "End date"),
    ("acc.frequency", "Frequentie", "Frequency"),
    ("acc.funding", "Vorm", "Funding"),
    (
        "acc.goal",
        "Doel uit het gezinsplan",
        "Goal of the family plan",
    ),
    ("acc.intake", "Intake", "Intake"),
    (
        "acc.new",
        "Nieuwe aanvraag specialistische jeugdhulp",
        "New request for specialised care",
    ),
    ("acc.no_goal", "Geen doel gekoppeld", "No goal linked"),
    (
        "acc.no_provider",
        "Geen aanbieder (PGB)",
        "No provider (PGB)",
    ),
    (
        "acc.own_request",
        "U heeft deze aanvraag zelf opgesteld; een collega-gedragswetenschapper beoordeelt haar.",
        "You wrote this request; a fellow reviewer reviews it.",
    ),
    (
        "acc.part1",
        "Ondersteuningsplan deel 1",
        "Support plan part 1",
    ),
    (
        "acc.part2",
        "Ondersteuningsplan deel 2: de inzet",
        "Support plan part 2: the effort",
    ),
    (
        "acc.part2_empty",
        "Nog niet ingevuld.",
        "Not filled in yet.",
    ),
    (
        "acc.part2_hint",
        "Bij zorg in natura in variant 2018 vult de aanbieder dit na de intake in. Bij een PGB: bedrag, begin- en einddatum.",
        "For in-kind care in the 2018 variant the provider fills this in after its intake. For a personal budget: amount, start and end date.",
    ),
    ("acc.period", "Looptijd", "Period"),
    (
        "acc.pgb_amount",
        "Bedrag PGB (euro)",
        "Personal budget amount (euro)",
    ),
    (
        "acc.product",
        "Product (zwaarte van de zorg)",
        "Product (weight of care)",
    ),
    ("acc.provider", "Aanbieder", "Provider"),
    (
        "acc.provider_hint",
        "Alleen aanbieders met een contract voor dit product op de begindatum.",
        "Only providers with a contract for this product on the start date.",
    ),
    (
        "acc.reason",
        "Waarom specialistische jeugdhulp?",
        "Why specialised care?",
    ),
    ("acc.referrer", "Toegang via", "Access through"),
    (
        "acc.referrer_code",
        "AGB-code verwijzer",
        "Referrer's AGB code",
    ),
    (
        "acc.referrer_code_hint",
        "Alleen bij een verwijzing door huisarts, jeugdarts, medisch specialist of GI: 8 cijfers.",
        "Only for a referral by a GP, youth doctor, medical specialist or GI: 8 digits.",
    ),
    (
        "acc.request",
        "Aanvraag specialistische jeugdhulp",
        "Request for specialised care",
    ),
    ("acc.result", "Resultaat", "Result"),
    ("acc.results", "Te bereiken resultaten", "Results to reach"),
    (
        "acc.results_hint",
        "In de woorden van het gezin; koppel ze aan een doel van het gezinsplan.",
        "In the family's words; link them to a goal of the family plan.",
    ),
    ("acc.reviews", "Beoordelingen", "Reviews"),
    ("acc.send_back", "Terugsturen", "Send back"),
    ("acc.sent_back", "teruggestuurd", "sent back"),
    ("acc.start", "Begindatum", "Start date"),
    ("acc.status", "Status", "Status"),
    (
        "acc.submit",
        "Ter beoordeling aanbieden",
        "Submit for review",
    ),
    (
        "acc.submit_provider",
        "Naar de aanbieder voor deel 2",
        "Send to the provider for part 2",
    ),
    ("acc.to_decision", "Naar de beschikking", "To the decision"),
    ("acc.unit", "Eenheid", "Unit"),
    ("acc.variant", "Werkwijze", "Variant"),
    ("acc.volume", "Volume", "Volume"),
    (
        "acc.waiting_review",
        "Wacht op beoordeling door een gedragswetenschapper of BPP.",
        "Waiting for review by a behavioural scientist.",
    ),
    ("acc.withdraw", "Intrekken", "Withdraw"),
    ("acc.youth", "Jeugdige", "Youth"),
    ("cat.add", "Toevoegen", "Add"),
    (
        "cat.active",
        "In gebruik voor nieuwe aanvragen",
        "In use for new requests",
    ),
    (
        "cat.back",
        "Terug naar de catalogus",
        "Back to the catalogue",
    ),
    ("cat.edit", "Wijzigen", "Edit"),
    ("cat.inactive", "niet meer in gebruik", "no longer in use"),
    (
        "cat.edit_hint",
        "Elke wijziging wordt een nieuwe versie; beschikkingen die al genomen zijn veranderen niet.",
        "Every change becomes a new version; decisions already taken do not change.",
    ),
    ("cat.edit_product", "Product wijzigen", "Edit product"),
    ("cat.add_contract", "Contract toevoegen", "Add contract"),
    ("cat.add_product", "Product toevoegen", "Add product"),
    (
        "cat.category",
        "Productcategorie (JZ020)",
        "Product category (JZ020)",
    ),
    ("cat.code", "Productcode", "Product code"),
    (
        "cat.contracts",
        "Contracten met aanbieders",
        "Provider contracts",
    ),
    ("cat.from", "Vanaf", "From"),
    (
        "cat.lead",
        "Producten met hun prijs per datum, en welke aanbieder wat mag leveren. Een nieuwe prijs verandert nooit een beschikking die al genomen is.",
        "Products with their price by date, and which provider may deliver what. A new price never changes a decision already taken.",
    ),
    ("cat.name", "Naam", "Name"),
    ("cat.new_contract", "Nieuw contract", "New contract"),
    ("cat.new_price", "Nieuwe prijs", "New price"),
    ("cat.new_product", "Nieuw product", "New product"),
    ("cat.period", "Looptijd", "Period"),
    (
        "cat.price",
        "Prijs per eenheid (euro)",
        "Price per unit (euro)",
    ),
    (
        "cat.prices",
        "Prijs nu — alle prijzen (vanaf)",
        "Price now — all prices (from)",
    ),
    ("cat.products", "Producten", "Products"),
    ("cat.title", "Productcatalogus", "Product catalogue"),
    ("cat.valid_from", "Geldig vanaf", "Valid from"),
    ("cat.valid_to", "Geldig tot en met", "Valid until"),
    (
        "cat.variant",
        "Wie bepaalt de inzet (deel 2)?",
        "Who sets the effort (part 2)?",
    ),
    ("costs.both", "ZIN en PGB", "Both"),
    ("costs.cost", "Kosten (schatting)", "Cost (estimate)"),
    ("costs.decisions", "Beschikkingen", "Decisions"),
    ("costs.from", "Van", "From"),
    (
        "costs.lead",
        "Beschikte inzet en geschatte kosten in de periode, naar rato van de dagen die in de periode vallen. Alleen totalen, geen personen.",
        "Decided effort and estimated cost in the period, pro rata to the days that fall in the period. Totals only, no persons.",
    ),
    ("costs.municipality", "Gemeente", "Municipality"),
    (
        "costs.none",
        "Geen beschikkingen in deze periode.",
        "No decisions in this period.",
    ),
    (
        "costs.per_product",
        "Per product en aanbieder",
        "Per product and provider",
    ),
    ("costs.pgb", "Totaal PGB", "Total PGB"),
    ("costs.pgb_only", "Alleen PGB", "PGB only"),
    ("costs.show", "Toon", "Show"),
    ("costs.title", "Kosten van toegang", "Cost of access"),
    ("costs.to", "Tot en met", "Until"),
    ("costs.total", "Totaal", "Total"),
    ("costs.total_cost", "Totaal", "Total"),
    ("costs.volume", "Volume", "Volume"),
    (
        "costs.youths",
        "Unieke jeugdigen met toegang",
        "Unique youths with access",
    ),
    ("costs.zin", "Totaal ZIN", "Total ZIN"),
    ("costs.zin_only", "Alleen ZIN", "ZIN only"),
    (
        "dec.actual",
        "Zorg gestart en gestopt",
        "Care started and stopped",
    ),
    ("dec.add_time", "Tijd vastleggen", "Record time"),
    (
        "dec.back",
        "Terug naar de beschikking",
        "Back to the decision",
    ),
    ("dec.change", "Beschikking wijzigen", "Change the decision"),
    (
        "dec.change_reason",
        "Reden van de wijziging",
        "Reason for the change",
    ),
    ("dec.decided", "Besloten", "Decided"),
    ("dec.done", "Gehouden", "Held"),
    ("dec.due", "Uiterlijk", "Due"),
    ("dec.end", "Beëindigen", "End"),
    ("dec.end_early", "Eerder beëindigen", "End early"),
    (
        "dec.end_reason",
        "Reden van beëindigen",
        "Reason for ending",
    ),
    ("dec.ended_on", "Beëindigd op", "Ended on"),
    ("dec.estimated", "Geschatte kosten", "Estimated cost"),
    ("dec.eval_kind", "Evaluatie", "Evaluation"),
    ("dec.evaluations", "Evaluaties", "Evaluations"),
    (
        "dec.letter",
        "Brief voor het gezin",
        "Letter for the family",
    ),
    ("dec.minutes", "Minuten", "Minutes"),
    (
        "dec.minutes_spent",
        "Tijd besteed aan monitoring (minuten)",
        "Time spent on monitoring (minutes)",
    ),
    ("dec.monitoring", "Monitoring", "Monitoring"),
    ("dec.not_started", "Nog niet gemeld", "Not reported yet"),
    ("dec.number", "Beschikking", "Decision"),
    ("dec.outcome", "Besluit", "Outcome"),
    ("dec.overdue", "Te laat", "Overdue"),
    ("dec.request", "De aanvraag", "The request"),
    ("dec.save_change", "Wijziging opslaan", "Save change"),
    ("dec.time_note", "Waaraan", "On what"),
    ("dec.time_on", "Datum", "Date"),
    ("dec.title", "Beschikking", "Decision"),
    (
        "dec.unit_price",
        "Prijs per eenheid (op de begindatum)",
        "Price per unit (on the start date)",
    ),
    ("dec.version", "Versie", "Version"),
    ("dec.effective_on", "Gaat in op", "Takes effect on"),
    (
        "dec.effective_hint",
        "Leeg: vandaag. De inzet daarvoor blijft zoals hij was.",
        "Empty: today. The effort before it stays as it was.",
    ),
    ("dec.versions", "Versies", "Versions"),
    ("dec.what", "Wat is besloten", "What was decided"),
    (
        "due.empty",
        "Geen evaluaties die binnen 14 dagen vallen of te laat zijn.",
        "No evaluations due within 14 days or overdue.",
    ),
    (
        "due.lead",
        "Evaluaties die binnen 14 dagen vallen of te laat zijn.",
        "Evaluations due within 14 days or overdue.",
    ),
    (
        "due.team_title",
        "Evaluaties van het team",
        "The team's evaluations",
    ),
    ("due.title", "Mijn evaluaties", "My evaluations"),
    (
        "eval.done_on",
        "Datum van de evaluatie",
        "Date of the evaluation",
    ),
    (
        "eval.family_view",
        "Wat vindt het gezin?",
        "What does the family think?",
    ),
    ("eval.save", "Evaluatie vastleggen", "Record the evaluation"),
    ("nav.catalogue", "Catalogus", "Catalogue"),
    ("nav.costs", "Kosten", "Costs"),
    ("nav.evaluations", "Evaluaties", "Evaluations"),
    ("nav.provider", "Toewijzingen", "Assignments"),
    ("nav.review", "Beoordelen", "Review"),
    (
        "prov.back",
        "Terug naar het overzicht",
        "Back to the overview",
    ),
    (
        "prov.decisions",
        "Beschikkingen aan uw organisatie (lopend of de laatste 90 dagen beëindigd)",
        "Decisions addressed to your organisation (running, or ended in the last 90 days)",
    ),
    ("prov.ended", "Zorg gestopt op", "Care stopped on"),
    (
        "prov.lead",
        "Alleen wat aan uw eigen organisatie is gericht.",
        "Only what is addressed to your own organisation.",
    ),
    ("prov.none", "Geen.", "None."),
    ("prov.pages", "Pagina's", "Pages"),
    ("prov.page", "Pagina", "Page"),
    ("prov.decisions_total", "beschikkingen", "decisions"),
    ("prov.previous", "Vorige pagina", "Previous page"),
    ("prov.next", "Volgende pagina", "Next page"),
    (
        "prov.part2",
        "Deel 2: de inzet na uw intake",
        "Part 2: the effort after your intake",
    ),
    (
        "prov.report",
        "Start en einde van de zorg melden",
        "Report the start and end of care",
    ),
    ("prov.requests", "Aanvragen", "Requests"),
    ("prov.send_part2", "Deel 2 versturen", "Send part 2"),
    ("prov.started", "Zorg gestart op", "Care started on"),
    (
        "prov.title",
        "Toewijzingen van uw organisatie",
        "Your organisation's assignments",
    ),
    (
        "review.empty",
        "Er wachten geen aanvragen op beoordeling.",
        "No requests are waiting for review.",
    ),
    (
        "review.lead",
        "Aanvragen van uw teams die op vier-ogen-beoordeling wachten. Eigen aanvragen beoordeelt een collega.",
        "Requests of your teams waiting for four-eyes review. A colleague reviews your own.",
    ),
    ("review.own", "eigen aanvraag", "own request"),
    ("review.title", "Aanvragen beoordelen", "Review requests"),
    (
        "case.access",
        "Specialistische jeugdhulp",
        "Specialised care",
    ),
    ("case.access_new", "Nieuwe aanvraag", "New request"),
    ("case.decisions", "Beschikkingen", "Decisions"),
    (
        "case.access_none",
        "Nog geen aanvragen.",
        "No requests yet.",
    ),
    (
        "case.ev.access_requested",
        "Aanvraag specialistische jeugdhulp",
        "Request for specialised care",
    ),
    ("case.ev.decision", "Beschikking", "Decision"),
    (
        "case.ev.decision_changed",
        "Beschikking gewijzigd",
        "Decision changed",
    ),
    (
        "case.ev.decision_ended",
        "Beschikking beëindigd",
        "Decision ended",
    ),
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
    ("nav.transfer", "Caseload overdragen", "Transfer caseload"),
    (
        "audit.break_glass_only",
        "Alleen doorbraken (break the glass)",
        "Only break-the-glass accesses",
    ),
    ("audit.break_glass", "Doorbraak", "Break the glass"),
    ("audit.purpose", "Doel / reden", "Purpose / reason"),
    (
        "card.caseload",
        "Uw lopende casussen, de eerstvolgende acties en plannen die nog niet akkoord zijn.",
        "Your open cases, the next actions due and plans not agreed yet.",
    ),
    (
        "card.register",
        "Een nieuwe vraag van een gezin vastleggen: één scherm, zes verplichte velden.",
        "Record a family's new question: one screen, six required fields.",
    ),
    (
        "card.break_glass",
        "Bekijk wie de glazen wand brak bij casussen van uw teams, en draag caseloads over.",
        "Review who broke the glass on cases of your teams, and transfer caseloads.",
    ),
    (
        "bg.empty",
        "Er zijn geen doorbraken bij casussen van uw teams.",
        "There are no break-the-glass accesses to cases of your teams.",
    ),
    (
        "bg.lead",
        "Professionals die een casus openden waarbij zij niet betrokken waren, met hun reden. Bekijk elke doorbraak en markeer hem als gezien.",
        "Professionals who opened a case they were not involved in, with their reason. Review each access and mark it as seen.",
    ),
    ("bg.mark", "Markeer als gezien", "Mark as reviewed"),
    ("bg.reviewed", "Gezien door", "Reviewed by"),
    (
        "bg.title",
        "Doorbraken (break the glass)",
        "Break-the-glass accesses",
    ),
    ("bg.when", "Wanneer", "When"),
    ("bg.who", "Wie", "Who"),
    (
        "case.break_glass_active",
        "U heeft deze casus geopend door de glazen wand te breken. Elke inzage wordt gelogd en door de gedragswetenschapper van het team bekeken.",
        "You opened this case by breaking the glass. Every view is logged and reviewed by the team's behavioural scientist.",
    ),
    ("case.case", "Casus", "Case"),
    ("case.close", "Casus afsluiten", "Close the case"),
    ("case.close_date", "Datum van afsluiten", "Closing date"),
    (
        "case.close_reason",
        "Reden van afsluiten",
        "Reason for closing",
    ),
    ("case.closed_on", "Afgesloten op", "Closed on"),
    ("case.coordinator", "Regie", "Coordinator"),
    ("case.drang", "Drang", "Pressure"),
    (
        "case.drang_label",
        "Hulp in drang (onder druk van een ketenpartner)",
        "Help under pressure (drang) from a chain partner",
    ),
    (
        "case.ev.break_glass",
        "Glazen wand gebroken",
        "Glass broken",
    ),
    ("case.ev.closed", "Afgesloten", "Closed"),
    (
        "case.ev.coordinator_changed",
        "Regie gewijzigd",
        "Coordinator changed",
    ),
    (
        "case.ev.involvement_added",
        "Professional betrokken",
        "Professional involved",
    ),
    (
        "case.ev.involvement_ended",
        "Betrokkenheid beëindigd",
        "Involvement ended",
    ),
    ("case.ev.other", "Gebeurtenis", "Event"),
    ("case.ev.picked_up", "Opgepakt", "Picked up"),
    (
        "case.ev.plan_agreed",
        "Gezin akkoord met plan",
        "Family agreed to the plan",
    ),
    ("case.ev.plan_saved", "Plan opgeslagen", "Plan saved"),
    ("case.ev.registered", "Aangemeld", "Registered"),
    ("case.ev.reopened", "Heropend", "Reopened"),
    ("case.ev.transferred", "Overgedragen", "Transferred"),
    ("case.ev.updated", "Hulpvorm bijgewerkt", "Help updated"),
    ("case.family", "Gezin", "Family"),
    ("case.help_kind", "Hulpvorm", "Kind of help"),
    ("case.help_none", "Nog niet gekozen", "Not chosen yet"),
    (
        "case.involvements",
        "Betrokken professionals",
        "Involved professionals",
    ),
    ("case.network", "Netwerk", "Network"),
    ("case.no_worker", "Nog niemand", "Nobody yet"),
    (
        "case.notice_added",
        "De aanmelding is toegevoegd aan de lopende casus van dit gezin.",
        "The registration was added to this family's open case.",
    ),
    (
        "case.notice_new",
        "De aanmelding is geregistreerd en staat klaar voor het lokale team.",
        "The registration is recorded and waits for the local team.",
    ),
    (
        "case.notice_reopened",
        "De aanmelding heeft de onlangs gesloten casus van dit gezin heropend.",
        "The registration reopened this family's recently closed case.",
    ),
    ("case.pick_up", "Oppakken", "Pick up"),
    ("case.registrations", "Aanmeldingen", "Registrations"),
    ("case.reopen", "Casus heropenen", "Reopen the case"),
    (
        "case.sections",
        "Onderdelen van de casus",
        "Sections of the case",
    ),
    ("case.status", "Status", "Status"),
    (
        "case.step_refused",
        "Deze stap is niet mogelijk; zie de melding bovenaan.",
        "This step is not possible; see the message at the top.",
    ),
    ("case.steps", "Stappen", "Steps"),
    ("case.team", "Team", "Team"),
    ("case.timeline", "Tijdlijn", "Timeline"),
    ("case.unknown", "Onbekend", "Unknown"),
    ("case.worker", "Jeugd- en gezinswerker", "Family worker"),
    (
        "caseload.empty",
        "U heeft geen lopende casussen.",
        "You have no open cases.",
    ),
    ("caseload.late", "te laat", "overdue"),
    (
        "caseload.next_due",
        "Eerstvolgende actie",
        "Next action due",
    ),
    (
        "caseload.not_agreed",
        "plannen nog niet akkoord",
        "plans not agreed yet",
    ),
    ("caseload.open_cases", "lopende casussen", "open cases"),
    (
        "caseload.overdue",
        "met een actie over tijd",
        "with an overdue action",
    ),
    ("caseload.title", "Mijn casussen", "My caseload"),
    ("form.actions", "Acties", "Actions"),
    ("form.edit", "Wijzigen", "Edit"),
    ("form.optional", "optioneel", "optional"),
    (
        "form.required_note",
        "Verplicht veld. Al het andere kan later worden aangevuld.",
        "Required field. Everything else can follow later.",
    ),
    (
        "inv.add",
        "Professional betrekken",
        "Involve a professional",
    ),
    ("inv.added_by", "toegevoegd door", "added by"),
    ("inv.end", "Beëindigen", "End"),
    (
        "inv.none",
        "Nog geen andere professionals betrokken.",
        "No other professionals involved yet.",
    ),
    ("inv.reason", "Reden", "Reason"),
    ("inv.who", "Professional", "Professional"),
    (
        "locked.break_glass",
        "De glazen wand breken",
        "Break the glass",
    ),
    (
        "locked.break_glass_text",
        "Heeft u deze casus nu nodig, bijvoorbeeld voor de veiligheid van een kind? Geef de reden. U krijgt 8 uur toegang; de inzage wordt gemarkeerd in het auditlog en door de gedragswetenschapper van het team bekeken.",
        "Do you need this case now, for instance for a child's safety? Give the reason. You get access for 8 hours; the access is flagged in the audit log and reviewed by the team's behavioural scientist.",
    ),
    (
        "locked.lead",
        "U bent niet betrokken bij deze casus en zit niet in het team dat hem behandelt. Uw poging is vastgelegd.",
        "You are not involved in this case and not in the team that holds it. Your attempt was recorded.",
    ),
    ("locked.reason", "Reden", "Reason"),
    (
        "locked.submit",
        "Breek de glazen wand en open de casus",
        "Break the glass and open the case",
    ),
    (
        "locked.title",
        "Geen toegang tot deze casus",
        "No access to this case",
    ),
    ("nav.break_glass", "Doorbraken", "Break the glass"),
    ("nav.caseload", "Mijn casussen", "My caseload"),
    ("nav.register", "Aanmelden", "Register"),
    ("nav.search", "Zoeken", "Search"),
    ("nav.waiting", "Nieuwe aanmeldingen", "New registrations"),
    (
        "network.add",
        "Netwerklid toevoegen",
        "Add a network member",
    ),
    ("network.contact", "Bereikbaar via", "How to reach"),
    (
        "network.contribution",
        "Wat zij bijdragen",
        "What they contribute",
    ),
    (
        "network.lead",
        "Familie, vrienden, buren of een JIM-mentor die het gezin steunen. Het gezin bepaalt wie erbij hoort.",
        "Relatives, friends, neighbours or a JIM mentor who support the family. The family decides who belongs.",
    ),
    (
        "network.none",
        "Nog geen netwerkleden vastgelegd.",
        "No network members recorded yet.",
    ),
    (
        "network.relation",
        "Relatie tot het gezin",
        "Relation to the family",
    ),
    (
        "network.relation_hint",
        "Bijvoorbeeld oma, buurvrouw, voetbaltrainer, JIM-mentor.",
        "For example grandmother, neighbour, football coach, JIM mentor.",
    ),
    ("network.title", "Netwerklid", "Network member"),
    (
        "person.add_parent",
        "Ouder of verzorger toevoegen",
        "Add a parent or carer",
    ),
    ("person.add_youth", "Jeugdige toevoegen", "Add a youth"),
    ("person.authority", "Gezag", "Legal authority"),
    ("person.authority_no", "Geen gezag", "No authority"),
    ("person.authority_yes", "Heeft gezag", "Has authority"),
    ("person.birth_date", "Geboortedatum", "Birth date"),
    ("person.bsn", "BSN", "BSN"),
    (
        "person.has_authority",
        "Heeft gezag (wettelijk)",
        "Holds legal authority (gezag)",
    ),
    ("person.kind", "Rol in het gezin", "Role in the family"),
    (
        "person.municipality",
        "Woongemeente",
        "Municipality of residence",
    ),
    ("person.name", "Naam", "Name"),
    ("person.phone", "Telefoon", "Phone"),
    (
        "person.title_edit",
        "Gezinslid wijzigen",
        "Edit family member",
    ),
    (
        "person.title_new_parent",
        "Ouder of verzorger toevoegen",
        "Add a parent or carer",
    ),
    (
        "person.title_new_youth",
        "Jeugdige toevoegen",
        "Add a youth",
    ),
    ("plan.about", "Over wie", "About whom"),
    ("plan.action", "Actie", "Action"),
    (
        "plan.action_text",
        "Wat gaat er gebeuren",
        "What will happen",
    ),
    ("plan.actions", "Acties", "Actions"),
    ("plan.actions_count", "acties", "actions"),
    (
        "plan.agree_submit",
        "Akkoord vastleggen",
        "Record agreement",
    ),
    (
        "plan.agree_text",
        "Het gezin is eigenaar van het plan. Leg vast wie in het gezin akkoord ging met deze versie, en wanneer.",
        "The family owns the plan. Record who in the family agreed to this version, and when.",
    ),
    (
        "plan.agree_title",
        "Akkoord van het gezin",
        "The family's agreement",
    ),
    ("plan.agreed", "Akkoord", "Agreed"),
    ("plan.agreed_by", "Akkoord gegeven door", "Agreed by"),
    ("plan.agreed_date", "Datum akkoord", "Date of agreement"),
    ("plan.agreed_on", "Akkoord op", "Agreed on"),
    ("plan.back", "Terug naar het plan", "Back to the plan"),
    (
        "plan.conflict_title",
        "Wat er intussen veranderde",
        "What changed in the meantime",
    ),
    (
        "plan.diff",
        "Verschil tussen versies",
        "Difference between versions",
    ),
    ("plan.diff_added", "Toegevoegd", "Added"),
    ("plan.diff_changed", "Gewijzigd", "Changed"),
    ("plan.diff_item", "Onderdeel", "Item"),
    ("plan.diff_new", "Nieuw", "New"),
    ("plan.diff_none", "Geen verschillen.", "No differences."),
    ("plan.diff_old", "Was", "Was"),
    (
        "plan.diff_prev",
        "Verschil met vorige",
        "Compare with previous",
    ),
    ("plan.diff_removed", "Verwijderd", "Removed"),
    ("plan.diff_what", "Wijziging", "Change"),
    ("plan.done", "Gedaan", "Done"),
    ("plan.due", "Klaar op", "Due"),
    (
        "plan.earlier",
        "U bekijkt een eerdere versie van het plan.",
        "You are viewing an earlier version of the plan.",
    ),
    ("plan.edit", "Plan bewerken", "Edit the plan"),
    (
        "plan.edit_lead",
        "Schrijf de doelen in de woorden van het gezin. Elke keer opslaan maakt een nieuwe versie; eerdere versies blijven leesbaar. Maak een rij leeg om een doel of actie te verwijderen.",
        "Write the goals in the family's own words. Every save makes a new version; earlier versions stay readable. Empty a row to remove a goal or action.",
    ),
    (
        "plan.empty",
        "Dit plan heeft nog geen doelen.",
        "This plan has no goals yet.",
    ),
    ("plan.field_about", "over wie", "about whom"),
    ("plan.field_description", "omschrijving", "description"),
    ("plan.field_done", "gedaan", "done"),
    ("plan.field_due", "klaar op", "due"),
    ("plan.field_goal", "doel", "goal"),
    ("plan.field_owner", "uitvoerder", "owner"),
    ("plan.field_owner_kind", "soort uitvoerder", "kind of owner"),
    ("plan.field_pace", "tempo", "pace"),
    ("plan.field_sub_goals", "subdoelen", "sub-goals"),
    ("plan.field_text", "tekst", "text"),
    ("plan.goal", "Doel", "Goal"),
    (
        "plan.goal_text",
        "Doel in de woorden van het gezin",
        "Goal in the family's own words",
    ),
    ("plan.goals", "Doelen", "Goals"),
    ("plan.goals_count", "doelen", "goals"),
    ("plan.new_goal", "Nieuw doel", "New goal"),
    ("plan.no_goal", "Geen doel", "No goal"),
    ("plan.none_yet", "Nog geen plan", "No plan yet"),
    (
        "plan.not_agreed",
        "Gezin nog niet akkoord",
        "Family has not agreed yet",
    ),
    ("plan.open", "Plan bekijken", "View the plan"),
    ("plan.other_actions", "Overige acties", "Other actions"),
    ("plan.owner", "Wie voert uit", "Who carries it out"),
    ("plan.owner_kind", "Soort uitvoerder", "Kind of owner"),
    (
        "plan.pace",
        "Tempo dat het gezin kiest",
        "Pace the family chose",
    ),
    (
        "plan.print",
        "Afdrukken voor het gezin",
        "Print for the family",
    ),
    (
        "plan.print_footer",
        "Dit is het plan van uw gezin. U bent eigenaar van dit plan; vraag uw contactpersoon bij het CJG als u iets wilt veranderen.",
        "This is your family's plan. You own this plan; ask your contact at the CJG if you want to change anything.",
    ),
    ("plan.print_title", "Plan van", "Plan of"),
    ("plan.regie_choose", "Wie heeft de regie", "Who coordinates"),
    ("plan.regie_family", "Het gezin zelf", "The family itself"),
    (
        "plan.regie_text",
        "De regie ligt nu bij:",
        "Coordination now lies with:",
    ),
    (
        "plan.rows_hint",
        "Meer doelen of acties nodig? Sla op; daarna staan er weer lege rijen klaar.",
        "Need more goals or actions? Save; empty rows are then offered again.",
    ),
    (
        "plan.save",
        "Opslaan als nieuwe versie",
        "Save as a new version",
    ),
    ("plan.saved", "Opgeslagen", "Saved"),
    ("plan.saved_by", "Opgeslagen door", "Saved by"),
    ("plan.sub_goals", "Subdoelen", "Sub-goals"),
    (
        "plan.sub_goals_hint",
        "Eén subdoel per regel.",
        "One sub-goal per line.",
    ),
    ("plan.title", "Gezinsplan", "Family plan"),
    (
        "plan.to_current",
        "Naar de huidige versie",
        "To the current version",
    ),
    ("plan.version", "Versie", "Version"),
    ("plan.versions", "Versies", "Versions"),
    ("plan.whole_family", "Het hele gezin", "The whole family"),
    ("reg.areas", "Probleemgebieden", "Problem areas"),
    ("reg.channel", "Verwijskanaal", "Referral channel"),
    ("reg.channel_unknown", "Onbekend / later", "Unknown / later"),
    (
        "reg.confirm_new",
        "Nee, dit is een ander kind: maak een nieuwe jeugdige aan",
        "No, this is a different child: create a new youth",
    ),
    ("reg.date", "Datum van aanmelding", "Date of registration"),
    (
        "reg.duplicate_title",
        "Deze jeugdige is mogelijk al bekend. Kies:",
        "This youth may already be known. Choose:",
    ),
    (
        "reg.lead",
        "Eén scherm, zes verplichte velden. Al het andere kan later.",
        "One screen, six required fields. Everything else can follow later.",
    ),
    ("reg.link_to", "Koppel aan", "Link to"),
    (
        "reg.more_areas",
        "Meer probleemgebieden (optioneel)",
        "More problem areas (optional)",
    ),
    ("reg.municipality", "Gemeente", "Municipality"),
    ("reg.parent", "Ouder/verzorger", "Parent/carer"),
    (
        "reg.parents",
        "Ouders en verzorgers (optioneel)",
        "Parents and carers (optional)",
    ),
    (
        "reg.primary_area",
        "Belangrijkste probleemgebied",
        "Main problem area",
    ),
    (
        "reg.question",
        "Vraag in de woorden van het gezin",
        "Question in the family's own words",
    ),
    (
        "reg.question_hint",
        "Schrijf op wat het gezin vraagt, zoals zij het zeggen.",
        "Write down what the family asks, as they say it.",
    ),
    ("reg.same_bsn", "zelfde BSN", "same BSN"),
    ("reg.submit", "Aanmelding registreren", "Register"),
    ("reg.title", "Nieuwe aanmelding", "New registration"),
    ("reg.youth", "Jeugdige", "Youth"),
    ("reg.youths", "Jeugdigen", "Youths"),
    (
        "search.lead",
        "Zoek op naam, BSN of geboortedatum in de casussen van uw teams en waarbij u betrokken bent. Elke zoekopdracht wordt gelogd.",
        "Search by name, BSN or birth date in the cases of your teams and those you are involved in. Every search is logged.",
    ),
    (
        "search.limited",
        "Alleen de eerste resultaten worden getoond; maak uw zoekopdracht specifieker.",
        "Only the first results are shown; make your search more specific.",
    ),
    ("search.none", "Niets gevonden.", "Nothing found."),
    ("search.results", "Resultaten", "Results"),
    (
        "search.scope",
        "Casussen van andere teams worden niet getoond.",
        "Cases of other teams are not shown.",
    ),
    ("search.submit", "Zoeken", "Search"),
    ("search.title", "Gezin zoeken", "Find a family"),
    (
        "transfer.from",
        "Vertrekkende medewerker",
        "Worker who leaves",
    ),
    (
        "transfer.lead",
        "Verplaats alle lopende casussen van een medewerker naar een collega, bijvoorbeeld bij vertrek. Waar de vertrekkende medewerker de regie had, gaat de regie mee.",
        "Move all open cases of a worker to a colleague, for instance when someone leaves. Where the leaving worker was coordinator, the coordination moves along.",
    ),
    ("transfer.moved", "casussen verplaatst.", "cases moved."),
    (
        "transfer.no_team",
        "U zit in geen team.",
        "You are in no team.",
    ),
    (
        "transfer.submit",
        "Caseload overdragen",
        "Transfer caseload",
    ),
    (
        "transfer.title",
        "Caseload overdragen",
        "Transfer a caseload",
    ),
    ("transfer.to", "Nieuwe medewerker", "New worker"),
    ("waiting.days", "Dagen wachtend", "Days waiting"),
    (
        "waiting.empty",
        "Er wachten geen nieuwe aanmeldingen.",
        "No new registrations are waiting.",
    ),
    (
        "waiting.lead",
        "Aanmeldingen bij uw teams die nog niemand heeft opgepakt, de langst wachtende eerst.",
        "Registrations in your teams that nobody has picked up yet, longest waiting first.",
    ),
    ("waiting.title", "Nieuwe aanmeldingen", "New registrations"),
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
