//! Result-oriented access to specialised care (domain brief, sections 3.2 and 3.3): the
//! access request with its support plan parts 1 and 2, the four-eyes review, the decision
//! (beschikking) with its estimated cost, and the evaluation schedule that monitors it.

use crate::FieldError;
use crate::case::code_enum;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

code_enum! {
    /// How the care is funded: in kind by a contracted provider, or a personal budget.
    Funding {
        InKind = "zin", "Zorg in natura (ZIN)", "In kind (ZIN)";
        Pgb = "pgb", "Persoonsgebonden budget (PGB)", "Personal budget (PGB)";
    }
}

code_enum! {
    /// The unit a volume is counted in (iJw code list WJ756).
    Unit {
        Minute = "01", "Minuut", "Minute";
        Hour = "04", "Uur", "Hour";
        Etmaal = "14", "Etmaal", "Day and night";
        Dagdeel = "16", "Dagdeel (4 uur)", "Day part (4 hours)";
        PiecesOutput = "82", "Stuks (output)", "Pieces (output)";
        Euros = "83", "Euro's", "Euros";
        PiecesEffort = "84", "Stuks (inspanning)", "Pieces (effort)";
    }
}

code_enum! {
    /// How often the volume is given (iJw code list WMO757).
    Frequency {
        PerDay = "1", "Per dag", "Per day";
        PerWeek = "2", "Per week", "Per week";
        PerMonth = "4", "Per maand", "Per month";
        Total = "6", "Totaal binnen de looptijd", "Total over the period";
    }
}

code_enum! {
    /// Who records the effort (support plan part 2): regional configuration by date.
    /// Since 2018 the provider after its intake; since 2020 the CJG itself.
    Variant {
        ProviderEffort = "2018", "2018: de aanbieder bepaalt de inzet na de intake", "2018: the provider sets the effort after its intake";
        CjgEffort = "2020", "2020: het CJG bepaalt resultaten en inzet", "2020: the CJG sets results and effort";
    }
}

code_enum! {
    /// Where an access request stands.
    RequestStatus {
        Draft = "draft", "Concept", "Draft";
        AwaitingProvider = "awaiting_provider", "Wacht op deel 2 van de aanbieder", "Waiting for the provider's part 2";
        InReview = "in_review", "Ter beoordeling", "In review";
        SentBack = "sent_back", "Teruggestuurd", "Sent back";
        Decided = "decided", "Besloten", "Decided";
        Withdrawn = "withdrawn", "Ingetrokken", "Withdrawn";
    }
}

code_enum! {
    /// Who referred the youth to specialised care: the CJG itself or, through another
    /// channel, a legal referrer (iJw code list COD327).
    ReferrerType {
        Cjg = "cjg", "CJG (toegang gemeente)", "CJG (municipal access)";
        Gp = "02", "Huisarts", "General practitioner";
        YouthDoctor = "03", "Jeugdarts", "Youth doctor";
        Gi = "04", "Gecertificeerde instelling", "Certified institution (GI)";
        MedicalSpecialist = "05", "Medisch specialist", "Medical specialist";
    }
}

code_enum! {
    /// Why a decision ended before its end date.
    EndReason {
        GoalsReached = "goals_reached", "Resultaten bereikt", "Results reached";
        CareStopped = "care_stopped", "Zorg gestopt", "Care stopped";
        Moved = "moved", "Verhuisd", "Moved";
        OtherCare = "other_care", "Andere zorg nodig", "Other care needed";
        Other = "other", "Anders", "Other";
    }
}

code_enum! {
    /// An evaluation: interim (at most every six months) or at the end of the care.
    EvaluationKind {
        Interim = "interim", "Tussentijdse evaluatie", "Interim evaluation";
        End = "end", "Eindevaluatie", "End evaluation";
    }
}

code_enum! {
    /// How far a result was reached.
    ResultScore {
        Reached = "reached", "Bereikt", "Reached";
        Partly = "partly", "Deels bereikt", "Partly reached";
        NotReached = "not_reached", "Niet bereikt", "Not reached";
    }
}

code_enum! {
    /// What an evaluation decides for the care.
    EvaluationOutcome {
        Continue = "continue", "Voortzetten", "Continue";
        ScaleDown = "scale_down", "Afschalen", "Scale down";
        ScaleUp = "scale_up", "Opschalen", "Scale up";
        End = "end", "Beëindigen", "End";
    }
}

/// Default months between interim evaluations; the brief says at most six.
pub const DEFAULT_EVALUATION_MONTHS: u32 = 6;
/// Evaluations due within this many days appear on the work lists.
pub const DUE_SOON_DAYS: i64 = 14;
/// Bounds of an iJw volume (LDT_Volume) and amount in cents (LDT_Bedrag).
pub const MAX_VOLUME: i64 = 99_999_999;
pub const MAX_CENTS: i64 = 99_999_999;

/// The variant in force on a date, from the regional configuration: a list of
/// (valid from, variant); the latest start on or before the date wins. Before the first
/// entry, the 2020 variant (the region's current policy) applies.
pub fn variant_on(periods: &[(NaiveDate, Variant)], on: NaiveDate) -> Variant {
    periods
        .iter()
        .filter(|(from, _)| *from <= on)
        .max_by_key(|(from, _)| *from)
        .map_or(Variant::CjgEffort, |(_, v)| *v)
}

/// The price per unit in cents valid on a date: prices are (valid from, cents), the
/// latest start on or before the date wins. `None` when no price was valid yet.
pub fn price_on(prices: &[(NaiveDate, i64)], on: NaiveDate) -> Option<i64> {
    prices
        .iter()
        .filter(|(from, _)| *from <= on)
        .max_by_key(|(from, _)| *from)
        .map(|(_, cents)| *cents)
}

/// The effort of support plan part 2 or a decision: volume, unit and frequency, over a
/// period (both days included). Valid by construction: see [`Effort::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Effort {
    pub volume: i64,
    pub unit: Unit,
    pub frequency: Frequency,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Effort {
    /// Checks the rules of a decision's effort; each error names its field.
    pub fn new(
        volume: Option<i64>,
        unit: Option<Unit>,
        frequency: Option<Frequency>,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<Effort, Vec<FieldError>> {
        let mut errors = Vec::new();
        match volume {
            Some(v) if (1..=MAX_VOLUME).contains(&v) => {}
            Some(_) => errors.push(FieldError::new(
                "volume",
                "Het volume is een heel getal van 1 tot 99.999.999.",
                "The volume is a whole number from 1 to 99,999,999.",
            )),
            None => errors.push(FieldError::new(
                "volume",
                "Vul het volume in.",
                "Enter the volume.",
            )),
        }
        if unit.is_none() {
            errors.push(FieldError::new(
                "unit",
                "Een volume heeft een eenheid; kies de eenheid.",
                "A volume needs a unit; choose the unit.",
            ));
        }
        if frequency.is_none() {
            errors.push(FieldError::new(
                "frequency",
                "Kies de frequentie.",
                "Choose the frequency.",
            ));
        }
        if let Err(e) = crate::DateRange::new("end_on", start, end) {
            errors.push(e);
        }
        match (volume, unit, frequency) {
            (Some(volume), Some(unit), Some(frequency)) if errors.is_empty() => Ok(Effort {
                volume,
                unit,
                frequency,
                start,
                end,
            }),
            _ => Err(errors),
        }
    }

    /// Days in the period, both ends included.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// How many times the volume is given over the period, as a fraction (numerator,
    /// denominator): per day every day, per week every 7 days, per month every twelfth
    /// of a 365-day year, total once.
    fn occurrences(&self) -> (i128, i128) {
        let days = i128::from(self.days());
        match self.frequency {
            Frequency::PerDay => (days, 1),
            Frequency::PerWeek => (days, 7),
            Frequency::PerMonth => (days * 12, 365),
            Frequency::Total => (1, 1),
        }
    }

    /// Units over the whole period, rounded to two decimals (in hundredths).
    pub fn total_units_x100(&self) -> i64 {
        let (n, d) = self.occurrences();
        round_div(i128::from(self.volume) * n * 100, d)
    }

    /// The estimated cost in cents at a unit price in cents, rounded half up.
    pub fn cost_cents(&self, unit_price_cents: i64) -> i64 {
        let (n, d) = self.occurrences();
        round_div(
            i128::from(self.volume) * i128::from(unit_price_cents) * n,
            d,
        )
    }
}

fn round_div(n: i128, d: i128) -> i64 {
    i64::try_from((n + d / 2) / d).unwrap_or(i64::MAX)
}

/// The evaluations of a decision: an interim one every `months` months counted from the
/// start (so month ends do not drift: 31 August, end of February, 31 August), as long as
/// it falls before the end, and always an end evaluation on the end date.
pub fn evaluation_schedule(
    start: NaiveDate,
    end: NaiveDate,
    months: u32,
) -> Vec<(EvaluationKind, NaiveDate)> {
    let mut out = Vec::new();
    let months = months.max(1);
    for k in 1.. {
        match start.checked_add_months(Months::new(months * k)) {
            Some(due) if due < end => out.push((EvaluationKind::Interim, due)),
            _ => break,
        }
    }
    out.push((EvaluationKind::End, end));
    out
}

/// Four eyes: the reviewer approving a request wrote no part of it and did not submit it.
pub fn check_four_eyes(writers: &[String], reviewer_id: &str) -> Result<(), FieldError> {
    if writers.iter().any(|w| w == reviewer_id) {
        Err(FieldError::new(
            "review",
            "U heeft aan deze aanvraag meegeschreven of haar ingediend; een andere gedragswetenschapper of BPP moet haar beoordelen.",
            "You wrote part of this request or submitted it; another reviewer must review it.",
        ))
    } else {
        Ok(())
    }
}

/// What a personal budget for `start..=end` costs when it ends early on `ended_on`: the
/// part of the amount for the days it ran (rounded down).
pub fn pgb_ended_cents(
    pgb_cents: i64,
    start: NaiveDate,
    end: NaiveDate,
    ended_on: NaiveDate,
) -> i64 {
    let full = (end - start).num_days() + 1;
    let ran = (ended_on - start).num_days() + 1;
    pgb_cents * ran / full.max(1)
}

/// The highest estimated cost of one decision: what an iJw amount can hold
/// (LDT_Bedrag, € 999.999,99).
pub fn check_cost(cents: i64) -> Result<(), FieldError> {
    if cents > MAX_CENTS {
        Err(FieldError::new(
            "volume",
            format!(
                "De geschatte kosten ({}) zijn hoger dan een beschikking kan dragen ({}); verlaag het volume of de looptijd.",
                format_euros_nl(cents),
                format_euros_nl(MAX_CENTS)
            ),
            format!(
                "The estimated cost ({}) exceeds what one decision can hold ({}); lower the volume or the period.",
                format_euros_nl(cents),
                format_euros_nl(MAX_CENTS)
            ),
        ))
    } else {
        Ok(())
    }
}

/// A step in the life of an access request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStep {
    /// The CJG submits the request (part 1, and part 2 where the CJG sets the effort).
    Submit,
    /// The provider records part 2 (variant 2018).
    RecordProviderEffort,
    Approve,
    SendBack,
    Withdraw,
}

/// Whether the CJG or the provider records the effort of a request: the provider only
/// in the 2018 variant for in-kind care (a personal budget has no provider).
pub fn provider_sets_effort(variant: Variant, funding: Funding) -> bool {
    variant == Variant::ProviderEffort && funding == Funding::InKind
}

/// The status after a step, or why the step is not possible. `effort_complete` says
/// whether part 2 holds an effort (or, for a PGB, an amount and period).
pub fn next_request_status(
    status: RequestStatus,
    step: RequestStep,
    provider_effort: bool,
    effort_complete: bool,
) -> Result<RequestStatus, FieldError> {
    use RequestStatus::*;
    use RequestStep::*;
    match (status, step) {
        (Draft | SentBack, Submit) if provider_effort => Ok(AwaitingProvider),
        (Draft | SentBack, Submit) if effort_complete => Ok(InReview),
        (Draft | SentBack, Submit) => Err(FieldError::new(
            "volume",
            "Vul deel 2 in (de inzet) voordat u de aanvraag ter beoordeling aanbiedt.",
            "Fill in part 2 (the effort) before submitting the request for review.",
        )),
        (AwaitingProvider, RecordProviderEffort) if effort_complete => Ok(InReview),
        (InReview, Approve) => Ok(Decided),
        (InReview, SendBack) => Ok(SentBack),
        (Draft | SentBack | AwaitingProvider, Withdraw) => Ok(Withdrawn),
        (s, _) => Err(FieldError::new(
            "status",
            format!(
                "Dit kan niet bij een aanvraag met status '{}'.",
                s.label_nl()
            ),
            format!("Not possible for a request with status '{}'.", s.label_en()),
        )),
    }
}

/// A decision number, unique per municipality: `<CBS code>-<year>-<running number>`.
pub fn decision_number(municipality: &str, year: i32, seq: i64) -> String {
    format!("{municipality}-{year}-{seq:05}")
}

/// Euros for people: "€ 1.234,56".
pub fn format_euros_nl(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    let euros = (c / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in euros.chars().enumerate() {
        if i > 0 && (euros.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(ch);
    }
    format!("{sign}€ {grouped},{:02}", c % 100)
}

/// An amount typed by a person ("1234,56", "1.234,56", "1234.56", "€ 80") in cents, at
/// most the largest amount of an iJw message (`LDT_Bedrag`).
pub fn parse_euros(field: &'static str, s: &str) -> Result<i64, FieldError> {
    parse_euros_up_to(field, s, MAX_CENTS)
}

/// A municipality's yearly budget: at most € 999.999.999.999,99.
pub const MAX_BUDGET_CENTS: i64 = 99_999_999_999_999;

/// An amount as [`parse_euros`], at most `max` cents.
pub fn parse_euros_up_to(field: &'static str, s: &str, max: i64) -> Result<i64, FieldError> {
    let bad = || {
        FieldError::new(
            field,
            "Vul een bedrag in euro's in, bijvoorbeeld 1250,00.",
            "Enter an amount in euros, for example 1250.00.",
        )
    };
    let t: String = s
        .trim()
        .trim_start_matches('€')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    // The last separator followed by one or two digits is the decimal one.
    let (whole, frac) = match t.rfind([',', '.']) {
        Some(i) if t.len() - i - 1 <= 2 && t.len() - i > 1 => (&t[..i], &t[i + 1..]),
        _ => (t.as_str(), ""),
    };
    let whole: String = whole.chars().filter(|c| *c != '.' && *c != ',').collect();
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || whole.len() > 12 {
        return Err(bad());
    }
    if !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let euros: i64 = whole.parse().map_err(|_| bad())?;
    let cents: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
        _ => frac.parse().map_err(|_| bad())?,
    };
    let total = euros * 100 + cents;
    if total > max {
        let most = format_euros_nl(max);
        return Err(FieldError::new(
            field,
            format!("Dit bedrag is te groot (ten hoogste {most})."),
            format!("This amount is too large (at most {most})."),
        ));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_pgb_ended_early_is_paid_for_the_days_it_ran() {
        let (start, end) = (d("2026-01-01"), d("2026-01-10"));
        assert_eq!(pgb_ended_cents(10_000, start, end, d("2026-01-10")), 10_000);
        assert_eq!(pgb_ended_cents(10_000, start, end, d("2026-01-05")), 5_000);
        assert_eq!(pgb_ended_cents(10_000, start, end, d("2026-01-01")), 1_000);
        assert_eq!(pgb_ended_cents(999, start, end, d("2026-01-03")), 299);
    }

    #[test]
    fn the_price_is_the_one_valid_on_the_date() {
        let prices = [(d("2018-01-01"), 6500), (d("2019-07-01"), 6800)];
        assert_eq!(price_on(&prices, d("2017-12-31")), None);
        assert_eq!(price_on(&prices, d("2018-01-01")), Some(6500));
        assert_eq!(price_on(&prices, d("2019-06-30")), Some(6500));
        assert_eq!(price_on(&prices, d("2019-07-01")), Some(6800));
        assert_eq!(price_on(&prices, d("2026-01-01")), Some(6800));
        // Order of the list does not matter.
        let reversed = [prices[1], prices[0]];
        assert_eq!(price_on(&reversed, d("2019-01-01")), Some(6500));
    }

    #[test]
    fn the_variant_switches_by_date() {
        let periods = [
            (d("2018-01-01"), Variant::ProviderEffort),
            (d("2020-01-01"), Variant::CjgEffort),
        ];
        assert_eq!(variant_on(&periods, d("2017-06-01")), Variant::CjgEffort);
        assert_eq!(
            variant_on(&periods, d("2018-01-01")),
            Variant::ProviderEffort
        );
        assert_eq!(
            variant_on(&periods, d("2019-12-31")),
            Variant::ProviderEffort
        );
        assert_eq!(variant_on(&periods, d("2020-01-01")), Variant::CjgEffort);
        let back = [
            periods[0],
            periods[1],
            (d("2027-01-01"), Variant::ProviderEffort),
        ];
        assert_eq!(variant_on(&back, d("2026-12-31")), Variant::CjgEffort);
        assert_eq!(variant_on(&back, d("2027-01-01")), Variant::ProviderEffort);
    }

    fn effort(volume: i64, frequency: Frequency, start: &str, end: &str) -> Effort {
        Effort::new(
            Some(volume),
            Some(Unit::Hour),
            Some(frequency),
            d(start),
            d(end),
        )
        .unwrap()
    }

    #[test]
    fn cost_follows_volume_frequency_and_period() {
        // 2 hours a week for 52 weeks (364 days) at € 80: 104 hours, € 8.320.
        let e = effort(2, Frequency::PerWeek, "2026-01-05", "2027-01-03");
        assert_eq!(e.days(), 364);
        assert_eq!(e.total_units_x100(), 10_400);
        assert_eq!(e.cost_cents(8000), 832_000);
        // Total: the volume once.
        let e = effort(40, Frequency::Total, "2026-01-01", "2026-06-30");
        assert_eq!(e.cost_cents(8000), 320_000);
        // Per day: every day, both ends included.
        let e = effort(1, Frequency::PerDay, "2026-03-01", "2026-03-31");
        assert_eq!(e.cost_cents(15_000), 31 * 15_000);
        // Per month over a 365-day year: twelve months.
        let e = effort(3, Frequency::PerMonth, "2026-01-01", "2026-12-31");
        assert_eq!(e.total_units_x100(), 3600);
        // Rounded half up to a cent: 1 hour a week for 10 days at € 0,07.
        let e = effort(1, Frequency::PerWeek, "2026-01-01", "2026-01-10");
        assert_eq!(e.cost_cents(7), 10);
    }

    #[test]
    fn an_effort_names_each_wrong_field() {
        let errs = Effort::new(None, None, None, d("2026-02-01"), d("2026-01-31")).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["volume", "unit", "frequency", "end_on"]);
        let errs = Effort::new(
            Some(0),
            Some(Unit::Hour),
            Some(Frequency::Total),
            d("2026-01-01"),
            d("2026-01-01"),
        )
        .unwrap_err();
        assert_eq!(errs[0].field, "volume");
        // A volume without a unit is refused.
        let errs = Effort::new(
            Some(10),
            None,
            Some(Frequency::Total),
            d("2026-01-01"),
            d("2026-02-01"),
        )
        .unwrap_err();
        assert_eq!(errs[0].field, "unit");
        // One day is a valid period.
        assert!(
            Effort::new(
                Some(1),
                Some(Unit::Hour),
                Some(Frequency::Total),
                d("2026-01-01"),
                d("2026-01-01"),
            )
            .is_ok()
        );
    }

    #[test]
    fn interim_evaluations_every_six_months_and_one_at_the_end() {
        use EvaluationKind::*;
        let s = evaluation_schedule(d("2026-01-15"), d("2027-06-30"), 6);
        assert_eq!(
            s,
            [
                (Interim, d("2026-07-15")),
                (Interim, d("2027-01-15")),
                (End, d("2027-06-30")),
            ]
        );
        // Shorter than six months: only the end evaluation.
        let s = evaluation_schedule(d("2026-01-15"), d("2026-07-14"), 6);
        assert_eq!(s, [(End, d("2026-07-14"))]);
        // An interim on the end date is the end evaluation.
        let s = evaluation_schedule(d("2026-01-15"), d("2026-07-15"), 6);
        assert_eq!(s, [(End, d("2026-07-15"))]);
        // Month ends do not drift.
        let s = evaluation_schedule(d("2026-08-31"), d("2027-12-31"), 6);
        assert_eq!(
            s,
            [
                (Interim, d("2027-02-28")),
                (Interim, d("2027-08-31")),
                (End, d("2027-12-31")),
            ]
        );
        // Leap years: 29 February.
        let s = evaluation_schedule(d("2027-08-29"), d("2028-09-30"), 6);
        assert_eq!(s[0], (Interim, d("2028-02-29")));
        let s = evaluation_schedule(d("2028-02-29"), d("2029-03-31"), 6);
        assert_eq!(
            s,
            [
                (Interim, d("2028-08-29")),
                (Interim, d("2029-02-28")),
                (End, d("2029-03-31")),
            ]
        );
        // A configured interval of three months.
        assert_eq!(
            evaluation_schedule(d("2026-01-01"), d("2026-12-31"), 3).len(),
            4
        );
    }

    #[test]
    fn the_request_runs_through_part_2_and_four_eyes() {
        use RequestStatus::*;
        use RequestStep::*;
        // 2018, ZIN: the provider sets the effort.
        assert_eq!(
            next_request_status(Draft, Submit, true, false),
            Ok(AwaitingProvider)
        );
        assert!(next_request_status(AwaitingProvider, RecordProviderEffort, true, false).is_err());
        assert_eq!(
            next_request_status(AwaitingProvider, RecordProviderEffort, true, true),
            Ok(InReview)
        );
        // 2020: the CJG must fill in the effort itself.
        assert!(next_request_status(Draft, Submit, false, false).is_err());
        assert_eq!(
            next_request_status(Draft, Submit, false, true),
            Ok(InReview)
        );
        assert_eq!(
            next_request_status(InReview, Approve, false, true),
            Ok(Decided)
        );
        assert_eq!(
            next_request_status(InReview, SendBack, false, true),
            Ok(SentBack)
        );
        assert_eq!(
            next_request_status(SentBack, Submit, false, true),
            Ok(InReview)
        );
        // No decision without review; nothing after the decision.
        assert!(next_request_status(Draft, Approve, false, true).is_err());
        assert!(next_request_status(Decided, Withdraw, false, true).is_err());
        assert!(next_request_status(InReview, Withdraw, false, true).is_err());
        let writers = ["a".to_owned(), "b".to_owned()];
        assert!(check_four_eyes(&writers, "a").is_err());
        assert!(check_four_eyes(&writers, "b").is_err());
        assert!(check_four_eyes(&writers, "c").is_ok());
        assert!(check_cost(MAX_CENTS).is_ok());
        assert_eq!(check_cost(MAX_CENTS + 1).unwrap_err().field, "volume");
        assert!(provider_sets_effort(
            Variant::ProviderEffort,
            Funding::InKind
        ));
        assert!(!provider_sets_effort(Variant::ProviderEffort, Funding::Pgb));
        assert!(!provider_sets_effort(Variant::CjgEffort, Funding::InKind));
    }

    #[test]
    fn euros_are_read_and_written_the_dutch_way() {
        assert_eq!(format_euros_nl(123_456), "€ 1.234,56");
        assert_eq!(format_euros_nl(5), "€ 0,05");
        assert_eq!(format_euros_nl(100_000_000), "€ 1.000.000,00");
        assert_eq!(parse_euros("a", "1234,56"), Ok(123_456));
        assert_eq!(parse_euros("a", "1.234,56"), Ok(123_456));
        assert_eq!(parse_euros("a", "1234.5"), Ok(123_450));
        assert_eq!(parse_euros("a", "€ 80"), Ok(8000));
        assert_eq!(parse_euros("a", "1.250"), Ok(125_000));
        assert!(parse_euros("a", "").is_err());
        assert!(parse_euros("a", "-5").is_err());
        assert!(parse_euros("a", "12,3x").is_err());
        assert!(parse_euros("a", "1000000,00").is_err());
        assert_eq!(decision_number("1640", 2026, 7), "1640-2026-00007");
    }
}

/// A decision as issued or changed: what every version of it keeps (the store writes it
/// for each change; the demo generator writes the same for the histories it makes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionSnapshot {
    pub volume: Option<i64>,
    pub unit: Option<Unit>,
    pub frequency: Option<Frequency>,
    pub pgb_cents: Option<i64>,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<EndReason>,
    pub unit_price_cents: Option<i64>,
    pub estimated_cents: i64,
    pub provider_id: Option<String>,
    pub product_code: String,
}

/// The in-kind effort of a decision in force: what a change is priced against. A change
/// takes effect from a date; the effort before it is settled (`prior_*`), the new one
/// runs from `segment_start`, all at the unit price of the decision's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EffortInForce {
    pub volume: Option<i64>,
    pub unit: Option<Unit>,
    pub frequency: Option<Frequency>,
    pub segment_start: NaiveDate,
    pub prior_units_x100: i64,
    pub prior_cents: i64,
    pub end_on: NaiveDate,
    pub unit_price_cents: i64,
}

/// A decision's figures after a change: where the current effort starts, what was used
/// before it, and the total units and cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repriced {
    pub segment_start: NaiveDate,
    pub prior_units_x100: i64,
    pub prior_cents: i64,
    pub units_x100: i64,
    pub cost_cents: i64,
}

/// "This date lies between `from` and `to`", on `field`.
fn outside(field: &'static str, from: NaiveDate, to: NaiveDate) -> FieldError {
    FieldError::new(
        field,
        format!(
            "Deze datum ligt tussen {} en {}.",
            from.format("%d-%m-%Y"),
            to.format("%d-%m-%Y")
        ),
        format!("This date lies between {from} and {to}."),
    )
}

impl EffortInForce {
    /// A change or an end takes effect within the current effort (the effort before it
    /// is settled): refused on `field` otherwise.
    pub fn check_within(&self, field: &'static str, day: NaiveDate) -> Result<(), FieldError> {
        if day < self.segment_start || day > self.end_on {
            return Err(outside(field, self.segment_start, self.end_on));
        }
        Ok(())
    }

    /// Units and cost of the current effort from its start through `to` (none before).
    fn over(&self, to: NaiveDate) -> Result<(i64, i64), FieldError> {
        if to < self.segment_start {
            return Ok((0, 0));
        }
        let e = Effort::new(
            self.volume,
            self.unit,
            self.frequency,
            self.segment_start,
            to,
        )
        .map_err(|mut e| e.remove(0))?;
        Ok((e.total_units_x100(), e.cost_cents(self.unit_price_cents)))
    }

    /// A new volume, frequency and end from `from` (within the current effort): what was
    /// used before `from` is settled, the new effort is priced on, and the total must
    /// stay an amount iJw can carry.
    pub fn amend(
        &self,
        volume: Option<i64>,
        frequency: Option<Frequency>,
        from: NaiveDate,
        end_on: NaiveDate,
    ) -> Result<Repriced, FieldError> {
        self.check_within("effective_on", from)?;
        let new =
            Effort::new(volume, self.unit, frequency, from, end_on).map_err(|mut e| e.remove(0))?;
        let (before_units, before_cents) = match from.pred_opt() {
            Some(day) => self.over(day)?,
            None => (0, 0),
        };
        let prior_units_x100 = self.prior_units_x100 + before_units;
        let prior_cents = self.prior_cents + before_cents;
        let cost_cents = prior_cents + new.cost_cents(self.unit_price_cents);
        check_cost(cost_cents)?;
        Ok(Repriced {
            segment_start: from,
            prior_units_x100,
            prior_cents,
            units_x100: prior_units_x100 + new.total_units_x100(),
            cost_cents,
        })
    }

    /// The care ends early on `on` (not before the current effort took effect): the
    /// units and cost through that day.
    pub fn end(&self, on: NaiveDate) -> Result<Repriced, FieldError> {
        self.check_within("ended_on", on)?;
        let (units, cents) = self.over(on)?;
        Ok(Repriced {
            segment_start: self.segment_start,
            prior_units_x100: self.prior_units_x100,
            prior_cents: self.prior_cents,
            units_x100: self.prior_units_x100 + units,
            cost_cents: self.prior_cents + cents,
        })
    }
}

#[cfg(test)]
mod repricing {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn weekly_hours() -> EffortInForce {
        EffortInForce {
            volume: Some(3),
            unit: Some(Unit::Hour),
            frequency: Some(Frequency::PerWeek),
            segment_start: d("2026-01-01"),
            prior_units_x100: 0,
            prior_cents: 0,
            end_on: d("2026-03-31"),
            unit_price_cents: 8050,
        }
    }

    #[test]
    fn a_change_settles_the_effort_before_it_and_prices_the_new_one() {
        let e = weekly_hours();
        let ended = e.end(d("2026-01-31")).unwrap();
        let amended = e
            .amend(
                Some(1),
                Some(Frequency::PerWeek),
                d("2026-02-01"),
                d("2026-03-31"),
            )
            .unwrap();
        assert_eq!(amended.segment_start, d("2026-02-01"));
        assert_eq!(amended.prior_cents, ended.cost_cents, "January as it was");
        assert!(
            amended.cost_cents < e.end(d("2026-03-31")).unwrap().cost_cents,
            "less care, less cost"
        );
        assert_eq!(
            e.amend(
                Some(1),
                Some(Frequency::PerWeek),
                d("2025-12-31"),
                d("2026-03-31")
            )
            .unwrap_err()
            .field,
            "effective_on"
        );
        assert_eq!(e.end(d("2026-04-01")).unwrap_err().field, "ended_on");
    }
}
