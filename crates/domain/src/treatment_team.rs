//! Local treatment teams (lokale behandelteams, domain brief section 3.4): consultation
//! requests with the family's consent, the contra-indication screen, the team's work and
//! its outcome, hours, and the evaluation table the pilot reported.

use crate::FieldError;
use crate::case::code_enum;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum! {
    /// Who asked the team (code list `treatment_team_referrers.csv`).
    Referrer {
        Cjg = "cjg", "CJG", "CJG";
        Gi = "gi", "GI (WSG/BJZ)", "Certified institution (WSG/BJZ)";
        GgzWaitingList = "ggz_wachtlijst", "(Wachtlijsten van de) GGZ-aanbieders", "(Waiting lists of) mental-health providers";
        Other = "overig", "Overig", "Other";
    }
}

code_enum! {
    /// What the referrer asks of the team.
    RequestKind {
        Advice = "advice", "Advies", "Advice";
        ConsultationTreatment = "consultation_treatment", "Consultatie/behandeling", "Consultation/treatment";
    }
}

code_enum! {
    /// Why the team was asked: the guidelines of the pilot for more joint work.
    AskReason {
        BroadAnalysis = "broad_analysis", "Brede multidisciplinaire analyse nodig", "A broad multidisciplinary analysis is needed";
        SpecialisedConsidered = "specialised_considered", "Specialistische zorg wordt overwogen", "Specialised care is being considered";
        NoResult = "no_result", "Hulp tot nu toe zonder voldoende resultaat", "Help so far without enough result";
        ClientAsks = "client_asks", "De cliënt vraagt erom", "The client asks for it";
        LongInCare = "long_in_care", "Cliënt is al lang in zorg", "The client has been in care a long time";
        Spar = "spar", "Verwijzer of aanbieder wil sparren", "A referrer or provider wants to spar";
    }
}

code_enum! {
    /// The eight contra-indications: any one means the team declines (code list
    /// `contra_indications.csv`).
    ContraIndication {
        SevereDepression = "ernstige_depressie", "Ernstige depressie", "Severe depression";
        Psychosis = "psychose", "Psychose/psychotisch beeld", "Psychosis";
        ComplexCompulsive = "complexe_dwangstoornis", "Complexe dwangstoornis", "Complex compulsive disorder";
        Medication = "medicatievraag", "Medicatievraag", "Medication question";
        SevereAddiction = "ernstige_verslaving", "Ernstige verslavingsproblematiek", "Severe addiction";
        EatingDisorder = "complexe_eetstoornis", "Forse/complexe eetproblemen/-stoornis", "Severe or complex eating disorder";
        Personality = "persoonlijkheidsproblematiek", "Persoonlijkheidsproblematiek", "Personality problems";
        CultureSpecific = "cultuurspecifiek", "Casuïstiek waarbij cultuurspecifieke expertise voorliggend is", "Culture-specific expertise comes first";
    }
}

code_enum! {
    /// Where a consultation request stands.
    ConsultationStatus {
        Requested = "requested", "Aangevraagd", "Requested";
        Declined = "declined", "Afgewezen (contra-indicatie)", "Declined (contra-indication)";
        PickedUp = "picked_up", "Opgepakt", "Picked up";
        Closed = "closed", "Afgesloten", "Closed";
    }
}

code_enum! {
    /// How the team's work on a request ended.
    Outcome {
        AdviceOnly = "advice", "Alleen advies", "Advice only";
        ConsultationTreatment = "consultation_treatment", "Consultatie/behandeling gedaan", "Consultation/treatment done";
    }
}

code_enum! {
    /// What the team did on a request.
    ActivityKind {
        Advice = "advice", "Advies gegeven", "Advice given";
        Mdo = "mdo", "Multidisciplinair overleg (MDO)", "Multidisciplinary meeting (MDO)";
        PsychoEducation = "psycho_education", "Psycho-educatie", "Psycho-education";
        SystemConversation = "system_conversation", "Systeemgesprek", "System conversation";
        Diagnostics = "diagnostics", "Diagnostiek", "Diagnostics";
    }
}

code_enum! {
    /// Where a session took place (the team works outreach).
    Place {
        Home = "home", "Thuis", "At home";
        Office = "office", "Op kantoor", "At the office";
    }
}

code_enum! {
    /// What hours were spent on.
    HourActivity {
        Consultation = "consultation", "Consultatie", "Consultation";
        Mdo = "mdo", "MDO", "MDO";
        Treatment = "treatment", "Behandeling", "Treatment";
        Coordination = "coordination", "Coördinatie", "Coordination";
        Travel = "travel", "Reistijd", "Travel";
    }
}

/// The step a request takes next from its status, or why not.
pub fn check_status(
    status: ConsultationStatus,
    allowed: &[ConsultationStatus],
) -> Result<(), FieldError> {
    if allowed.contains(&status) {
        Ok(())
    } else {
        Err(FieldError::new(
            "status",
            format!(
                "Dit kan niet bij een verzoek met status '{}'.",
                status.label_nl()
            ),
            format!(
                "Not possible for a request with status '{}'.",
                status.label_en()
            ),
        ))
    }
}

/// Hours are registered in minutes: at most 24 hours on a day, none in the future.
pub fn check_hours(
    on: NaiveDate,
    minutes: i64,
    already_that_day: i64,
    today: NaiveDate,
) -> Result<(), FieldError> {
    if on > today {
        return Err(FieldError::new(
            "on",
            "Uren registreert u niet vooruit; kies vandaag of een eerdere dag.",
            "Hours are not registered ahead; choose today or an earlier day.",
        ));
    }
    if minutes <= 0 {
        return Err(FieldError::new(
            "hours",
            "Vul een positief aantal uren in.",
            "Enter a positive number of hours.",
        ));
    }
    if already_that_day + minutes > 24 * 60 {
        return Err(FieldError::new(
            "hours",
            format!(
                "Daarmee komt u op meer dan 24 uur op {} (al geregistreerd: {}).",
                on.format("%d-%m-%Y"),
                hours_text(already_that_day)
            ),
            format!(
                "That makes more than 24 hours on {on} (already registered: {}).",
                hours_text(already_that_day)
            ),
        ));
    }
    Ok(())
}

/// Hours as typed ("1,5", "2", "0.25") in minutes; quarters of an hour at most precise.
pub fn parse_hours(field: &'static str, s: &str) -> Result<i64, FieldError> {
    let bad = || {
        FieldError::new(
            field,
            "Vul het aantal uren in, bijvoorbeeld 1,5 (in kwartieren).",
            "Enter the number of hours, for example 1.5 (in quarters).",
        )
    };
    let t = s.trim().replace(',', ".");
    let (whole, frac) = t.split_once('.').unwrap_or((t.as_str(), ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || whole.len() > 2
        || frac.len() > 2
    {
        return Err(bad());
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let hundredths: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
        _ => frac.parse().map_err(|_| bad())?,
    };
    if hundredths % 25 != 0 {
        return Err(bad());
    }
    Ok(whole * 60 + hundredths * 60 / 100)
}

/// Minutes as hours for people: "1,5 uur" style without the unit ("1,5").
pub fn hours_text(minutes: i64) -> String {
    let h = minutes / 60;
    let rest = minutes % 60;
    if rest == 0 {
        h.to_string()
    } else {
        format!("{h},{:02}", rest * 100 / 60)
            .trim_end_matches('0')
            .to_owned()
    }
}

/// One row of the pilot's evaluation table: per referrer the cases, how many ended with
/// advice and how many with consultation/treatment, and how many were referred on to a
/// provider (a referral after treatment counts in both).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct EvaluationRow {
    pub referrer: String,
    pub cases: i64,
    pub advice: i64,
    pub consultation_treatment: i64,
    pub referred_on: i64,
}

/// The evaluation table from closed requests (referrer, outcome, referred on), one row
/// per referrer in the code list's order, then the total.
pub fn evaluation_table(closed: &[(Referrer, Outcome, bool)]) -> Vec<EvaluationRow> {
    let mut rows: Vec<EvaluationRow> = Referrer::ALL
        .iter()
        .map(|r| EvaluationRow {
            referrer: r.as_str().to_owned(),
            ..EvaluationRow::default()
        })
        .collect();
    let mut total = EvaluationRow {
        referrer: "total".to_owned(),
        ..EvaluationRow::default()
    };
    for (referrer, outcome, referred) in closed {
        let i = Referrer::ALL
            .iter()
            .position(|r| r == referrer)
            .unwrap_or_default();
        for row in [&mut rows[i], &mut total] {
            row.cases += 1;
            match outcome {
                Outcome::AdviceOnly => row.advice += 1,
                Outcome::ConsultationTreatment => row.consultation_treatment += 1,
            }
            if *referred {
                row.referred_on += 1;
            }
        }
    }
    rows.push(total);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn hours_are_quarters_of_an_hour_at_most_24_a_day_never_ahead() {
        assert_eq!(parse_hours("h", "1,5"), Ok(90));
        assert_eq!(parse_hours("h", "2"), Ok(120));
        assert_eq!(parse_hours("h", "0.25"), Ok(15));
        assert_eq!(parse_hours("h", ",75"), Ok(45));
        assert!(parse_hours("h", "1,1").is_err());
        assert!(parse_hours("h", "").is_err());
        assert!(parse_hours("h", "-1").is_err());
        assert!(parse_hours("h", "abc").is_err());
        assert!(parse_hours("h", "100").is_err());
        let today = d("2026-11-27");
        assert!(check_hours(today, 60, 0, today).is_ok());
        assert_eq!(
            check_hours(d("2026-11-28"), 60, 0, today)
                .unwrap_err()
                .field,
            "on"
        );
        assert!(check_hours(today, 24 * 60, 0, today).is_ok());
        assert_eq!(
            check_hours(today, 60, 23 * 60 + 1, today)
                .unwrap_err()
                .field,
            "hours"
        );
        assert_eq!(check_hours(today, 0, 0, today).unwrap_err().field, "hours");
        assert_eq!(hours_text(90), "1,5");
        assert_eq!(hours_text(45), "0,75");
        assert_eq!(hours_text(600), "10");
    }

    #[test]
    fn the_evaluation_table_of_the_pilot_adds_up() {
        // The domain brief's table: 95 cases, March 2023 - June 2024.
        let mut closed = Vec::new();
        let mut add = |r, advice: i64, treated: i64, referred: i64| {
            for i in 0..advice + treated {
                let outcome = if i < advice {
                    Outcome::AdviceOnly
                } else {
                    Outcome::ConsultationTreatment
                };
                closed.push((r, outcome, i >= advice + treated - referred));
            }
        };
        add(Referrer::Cjg, 16, 63, 28);
        add(Referrer::Gi, 0, 3, 0);
        add(Referrer::GgzWaitingList, 2, 8, 6);
        add(Referrer::Other, 0, 3, 1);
        let t = evaluation_table(&closed);
        let row = |r: &str| t.iter().find(|x| x.referrer == r).unwrap().clone();
        assert_eq!(
            row("cjg"),
            EvaluationRow {
                referrer: "cjg".into(),
                cases: 79,
                advice: 16,
                consultation_treatment: 63,
                referred_on: 28
            }
        );
        assert_eq!(row("gi").cases, 3);
        assert_eq!(row("ggz_wachtlijst").referred_on, 6);
        assert_eq!(row("overig").consultation_treatment, 3);
        assert_eq!(
            row("total"),
            EvaluationRow {
                referrer: "total".into(),
                cases: 95,
                advice: 18,
                consultation_treatment: 77,
                referred_on: 35
            }
        );
        assert_eq!(t.len(), 5);
    }

    #[test]
    fn a_request_moves_only_from_the_statuses_allowed() {
        use ConsultationStatus::*;
        assert!(check_status(Requested, &[Requested]).is_ok());
        assert_eq!(
            check_status(Closed, &[Requested, PickedUp])
                .unwrap_err()
                .field,
            "status"
        );
        assert_eq!(ContraIndication::ALL.len(), 8);
    }
}
