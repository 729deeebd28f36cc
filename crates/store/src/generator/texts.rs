//! Invented names and texts of the generated data. The names are common Dutch and Limburg
//! first names and surnames combined at random (plus surnames made of parts), so no
//! generated person is a real one. The surnames of the hand-made demo families and demo
//! accounts (Bakker, El Idrissi, Verhoeven, van Dijk of the browser test, ...) are left
//! out, so searches and work lists of the demo keep finding exactly those.

pub const BOYS: &[&str] = &[
    "Daan", "Sem", "Lucas", "Levi", "Finn", "Milan", "Noah", "Bram", "Luuk", "Thijs", "Jesse",
    "Ruben", "Stijn", "Gijs", "Lars", "Tim", "Teun", "Sam", "Jens", "Max", "Siem", "Olivier",
    "Jayden", "Adam", "Mohamed", "Yusuf", "Ibrahim", "Jan", "Joep", "Niek", "Koen", "Ties", "Hugo",
    "Julian", "Mats", "Bas", "Jurre", "Ayoub", "Emir", "Kacper",
];

pub const GIRLS: &[&str] = &[
    "Emma", "Julia", "Mila", "Tess", "Sophie", "Zoë", "Sara", "Nora", "Evi", "Anna", "Noor", "Liv",
    "Fenna", "Lieke", "Roos", "Isa", "Femke", "Yara", "Jasmijn", "Maud", "Fleur", "Nina", "Amira",
    "Hanna", "Lina", "Ilse", "Elin", "Saar", "Floor", "Vera", "Lynn", "Esmée", "Nova", "Sofia",
    "Malak", "Zeynep", "Maja", "Demi", "Luna", "Jade",
];

pub const WOMEN: &[&str] = &[
    "Linda",
    "Sandra",
    "Marieke",
    "Kim",
    "Esther",
    "Ingrid",
    "Monique",
    "Chantal",
    "Wendy",
    "Petra",
    "Sabine",
    "Fatima",
    "Ayşe",
    "Agnieszka",
    "Ellen",
    "Karin",
    "Miriam",
    "Nicole",
    "Judith",
    "Manon",
    "Sylvia",
    "Bianca",
    "Kelly",
    "Naima",
    "Yvonne",
    "Joyce",
];

pub const MEN: &[&str] = &[
    "Tom", "Peter", "Rob", "Bart", "Jeroen", "Dennis", "Erik", "Frank", "Stefan", "Wim", "Marco",
    "Ruud", "Paul", "Hans", "Rachid", "Ahmed", "Mehmet", "Piotr", "Roy", "Patrick", "Ralf", "Sven",
    "Michel", "Hakan", "Youssef", "Maarten",
];

/// Common surnames (Limburg and the rest of the country); the first ones most often.
pub const SURNAMES: &[&str] = &[
    "Janssen",
    "Hendriks",
    "Jacobs",
    "Willems",
    "Wijnen",
    "Hermans",
    "Janssens",
    "Vossen",
    "Cuppen",
    "Gielen",
    "Mertens",
    "Beckers",
    "Moonen",
    "Verheijen",
    "Houben",
    "Kessels",
    "Schreurs",
    "Custers",
    "Linders",
    "Sijben",
    "Timmermans",
    "Engelen",
    "Bongers",
    "Maessen",
    "Verstappen",
    "Thijssen",
    "Heijnen",
    "Leenders",
    "Lenders",
    "Caelen",
    "Dirkx",
    "Smits",
    "Vaes",
    "Hanssen",
    "Bos",
    "de Vries",
    "van den Berg",
    "Visser",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Martens",
    "Kuipers",
    "Brouwers",
    "Gerits",
    "Stevens",
    "Nijssen",
    "Keulen",
    "Ramakers",
    "Kurvers",
    "Vencken",
    "Luijten",
    "Hoeijmakers",
    "Jeurissen",
    "Pustjens",
    "Seelen",
    "Verbeek",
    "Tonnaer",
    "Beurskens",
    "Nelissen",
    "Crins",
    "Bruls",
    "Rutten",
    "Boonen",
    "Heldens",
    "Wilms",
    "Kempen",
    "Goossens",
    "Simons",
    "Graus",
    "Ploumen",
    "Schoenmakers",
    "Franssen",
    "Bouten",
    "Smulders",
    "Daemen",
    "Wolters",
    "Reijnders",
    "Mans",
    "Rooijakkers",
    "Knoops",
    "Yılmaz",
    "Kaya",
    "Demir",
    "Bouzid",
    "Ait Taleb",
    "Nowak",
    "Kowalski",
    "Ahmadi",
    "Haddad",
    "de Jong",
    "van der Linden",
    "Kok",
    "Schouten",
    "Prins",
    "Postma",
    "Dekker",
    "Huisman",
    "Koster",
    "van Leeuwen",
];

/// Parts of rarer surnames ("Brandenhoven"): most of them name a handful of families.
pub const SURNAME_HEADS: &[&str] = &[
    "Brand", "Hout", "Kerk", "Linde", "Molen", "Peel", "Berk", "Beek", "Broek", "Camp", "Dries",
    "Eik", "Haag", "Heide", "Holt", "Horst", "Kamp", "Laar", "Leeuw", "Loon", "Maas", "Meer",
    "Roer", "Rooy", "Schaf", "Steen", "Swal", "Venn", "Wijk", "Zand",
];
pub const SURNAME_LINKS: &[&str] = &["", "e", "en", "er", "s", "el"];
pub const SURNAME_TAILS: &[&str] = &[
    "hoven", "kens", "mans", "donk", "broek", "kamp", "heuvel", "beek", "rade", "laer", "hof",
    "stra", "sen", "ink", "veld", "man", "bosch", "mortel", "hout", "ven",
];

pub const QUESTIONS: &[&str] = &[
    "Er is thuis veel ruzie over schoolwerk en bedtijden; ouders willen weer rust in huis.",
    "De jeugdarts verwijst: zorgen over de ontwikkeling en het gedrag op de peuterspeelzaal.",
    "Ouders gaan uit elkaar en willen de kinderen er zo min mogelijk last van laten hebben.",
    "School maakt zich zorgen over verzuim en somberheid.",
    "Moeder vraagt hulp bij de opvoeding na de geboorte van het derde kind.",
    "Onze zoon blowt veel en komt zijn afspraken niet na; wij weten niet meer wat te doen.",
    "Het gezin heeft schulden en daardoor veel spanning; de kinderen merken het.",
    "Onze dochter slaapt slecht en piekert veel sinds de verhuizing.",
    "De huisarts verwijst: driftbuien en angst om alleen te slapen.",
    "Vader vraagt advies over het contact met zijn kinderen na de scheiding.",
];

pub const GOALS: &[&str] = &[
    "Rustige ochtenden zonder ruzie voordat de kinderen naar school gaan",
    "Weer elke dag naar school",
    "Afspraken over de omgang die voor iedereen werken",
    "Overzicht over de financiën en geen nieuwe schulden",
    "Beter slapen en minder piekeren",
    "Samen plezier hebben in het weekend",
    "Een vaste dagstructuur thuis",
];

/// (owner kind, action).
pub const ACTIONS: &[(&str, &str)] = &[
    (
        "family_member",
        "Samen een weekplanning maken en op de koelkast hangen",
    ),
    (
        "network_member",
        "Op dinsdag en donderdag naar school brengen",
    ),
    ("professional", "Gesprek met de mentor op school plannen"),
    ("provider", "Intake bij de jeugd-ggz"),
    ("family_member", "Elke avond om half negen de telefoon weg"),
    ("professional", "Aanmelden bij de schuldhulpverlening"),
];

/// (relation, contribution).
pub const NETWORK: &[(&str, &str)] = &[
    ("Oma", "Past op woensdagmiddag op de kinderen."),
    ("Opa", "Brengt de kinderen twee keer per week naar school."),
    ("Buurvrouw", "Is er als ouders even niet kunnen."),
    ("Tante", "Neemt de oudste mee naar de sportclub."),
    ("JIM-mentor", "Spreekt elke week af met de jongere."),
    ("Vriendin van moeder", "Helpt bij de administratie."),
];

pub const ACCESS_REASONS: &[&str] = &[
    "De lichte hulp van het CJG is niet genoeg: de problemen thuis nemen toe.",
    "Vermoeden van een ontwikkelingsstoornis; diagnostiek en behandeling nodig.",
    "Angst- en stemmingsklachten die het dagelijks functioneren belemmeren.",
    "Ernstige gedragsproblemen op school en thuis; ouders handelingsverlegen.",
    "Thuis wonen is tijdelijk niet veilig genoeg; verblijf met behandeling nodig.",
    "Na de behandeling terugval; opnieuw gespecialiseerde hulp nodig.",
];

pub const RESULTS: &[&str] = &[
    "Ouders hanteren de driftbuien zonder escalatie",
    "Gaat weer volledig naar school",
    "Minder angstklachten, weer naar sport",
    "Een vaste dagstructuur thuis",
    "Kan terug naar huis met ambulante hulp",
    "Weet wat de diagnose betekent en hoe ermee om te gaan",
    "Geen nieuwe incidenten met politie",
];

pub const FAMILY_VIEWS: &[&str] = &[
    "Ouders zijn tevreden; het gaat thuis rustiger.",
    "Moeder ziet vooruitgang, vader twijfelt nog.",
    "De jongere zelf vindt dat het beter gaat.",
    "Het gezin wil doorgaan met de hulp.",
    "Het gezin vindt dat de hulp weinig oplevert.",
];

pub const CONSULTATION_QUESTIONS: &[(&str, &str)] = &[
    (
        "Jongen van 9 met veel boosheid thuis en op school; ouders raken uitgeput. Wij willen sparren over de aanpak.",
        "Kind van 9 met boosheid thuis en op school; verwijzer wil sparren over de aanpak.",
    ),
    (
        "Meisje van 14 met somberheid en terugtrekgedrag sinds de overgang naar het voortgezet onderwijs.",
        "Jongere van 14 met somberheid sinds de overgang naar het voortgezet onderwijs.",
    ),
    (
        "Gezin met een kind met een vermoedelijke ontwikkelingsstoornis; de wachtlijst voor diagnostiek is lang.",
        "Kind met een vermoedelijke ontwikkelingsstoornis; lange wachtlijst voor diagnostiek.",
    ),
    (
        "Ouders in een vechtscheiding; de kinderen hebben buikpijn en slapen slecht.",
        "Kinderen met lichamelijke klachten tijdens een vechtscheiding van de ouders.",
    ),
    (
        "Jongere van 16 met angstklachten die niet meer naar school gaat; eerdere hulp gaf weinig resultaat.",
        "Jongere van 16 met angstklachten en schoolverzuim; eerdere hulp zonder resultaat.",
    ),
];

pub const DISCIPLINES: &[(&str, &str)] = &[
    ("Psycholoog", "angst, stemming"),
    ("Orthopedagoog", "gedrag, opvoeding"),
    ("Systeemtherapeut", "gezinsrelaties, scheiding"),
    ("GZ-psycholoog", "diagnostiek, trauma"),
    ("Kinder- en jeugdpsycholoog", "ontwikkeling, hechting"),
    ("Psychiater (consultatief)", "medicatie, psychiatrie"),
];

pub const MDO_NOTES: &[&str] = &[
    "Casus besproken in het MDO; advies: eerst samen met school de dagstructuur herstellen.",
    "MDO met ouders en school; afgesproken: korte behandeling thuis, over zes weken evalueren.",
    "Brede analyse gedaan; specialistische diagnostiek nu nog niet nodig.",
];

pub const DECLINE_ADVICE: &str = "Dit past niet bij het lokaal behandelteam; vraag de huisarts om een verwijzing naar de specialistische ggz.";
