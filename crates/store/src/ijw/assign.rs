//! The assignment message (JW301) every in-kind decision produces: to the decision's
//! provider, with all still-valid assignments of that client at that provider, as the
//! standard asks. A change or an early end sends a new JW301 in which the changed
//! assignment carries its reason (JZ002); the number of an assignment never changes.

use super::{Links, next_identification, queue};
use crate::access::{self, Decision};
use crate::audit::{self, Action, Actor, Event};
use crate::cases::next_number;
use crate::{Result, Tx, date};
use chrono::{NaiveDate, NaiveTime};
use eenplan_domain::access::Funding;
use eenplan_ijw::codes::{
    AdresSoort, Eenheid, Frequentie, Geslacht, NaamGebruik, ProductCategorie, RedenWijziging,
};
use eenplan_ijw::types::{
    Achternaam, Geboortedatum, Omvang, Product, Telefoon, Telefoonnummers, VolledigeNaam,
};
use eenplan_ijw::{Header, Jw301, Message, jw301};
use sqlx::Row;

/// Why an assignment changed (code list JZ002).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// 04: reassessed, longer.
    Extended,
    /// 05: reassessed, shorter or less.
    Shortened,
    /// 07: the client moved to another municipality.
    Moved,
}

impl Change {
    fn code(self) -> &'static str {
        match self {
            Change::Extended => "04",
            Change::Shortened => "05",
            Change::Moved => "07",
        }
    }
}

/// Queues the JW301 for `decision_id` (new, or changed with `change`). Returns the
/// message's id, or `None` when the decision needs none (a personal budget) or cannot
/// have one (the youth has no BSN or birth date: the reconciliation names it).
pub async fn assign(
    tx: &mut Tx,
    actor: &Actor,
    decision_id: &str,
    change: Option<Change>,
    today: NaiveDate,
) -> Result<Option<String>> {
    let d = access::decision(tx, decision_id).await?;
    let (Funding::InKind, Some(provider_id), Some(agb)) =
        (d.funding, d.provider_id.clone(), d.provider_agb.clone())
    else {
        return Ok(None);
    };
    let (Some(bsn), Some(birth)) = (d.youth_bsn.clone(), d.youth_birth_date.clone()) else {
        return Ok(None);
    };
    let birth = date(&birth)?;
    // The standard wants a telephone number or an address for the client (TR006);
    // eenplan keeps the family's telephone numbers (the youth's own first, then a
    // parent with authority), not their addresses.
    let phones: Vec<(String,)> = sqlx::query_as(
        "SELECT phone FROM persons WHERE family_id = $1 AND phone IS NOT NULL
         ORDER BY CASE WHEN id = $2 THEN 0 WHEN has_authority = 1 THEN 1 ELSE 2 END, name",
    )
    .bind(&d.family_id)
    .bind(&d.youth_id)
    .fetch_all(&mut **tx)
    .await?;
    let Some(phone) = phones.iter().find_map(|(p,)| phone_number(p)) else {
        return Ok(None);
    };
    // Toewijzingsdatum and -tijd are Dutch local time.
    let at = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .naive_local();
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT number FROM ijw_assignments WHERE decision_id = $1")
            .bind(decision_id)
            .fetch_optional(&mut **tx)
            .await?;
    if exists.is_none() {
        let number = next_number(tx, &format!("ijw:toewijzing:{}", d.municipality_code)).await?;
        // A decision on a provider's request (JW315) names the provider's reference.
        let reference: Option<String> = sqlx::query_scalar(
            "SELECT reference FROM ijw_requests WHERE access_request_id = $1 LIMIT 1",
        )
        .bind(&d.request_id)
        .fetch_optional(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO ijw_assignments (decision_id, municipality_code, number, provider_id, youth_id,
                reference, assigned_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(decision_id)
        .bind(&d.municipality_code)
        .bind(number)
        .bind(&provider_id)
        .bind(&d.youth_id)
        .bind(reference)
        .bind(at.format("%Y-%m-%dT%H:%M:%S").to_string())
        .execute(&mut **tx)
        .await?;
    } else {
        sqlx::query(
            "UPDATE ijw_assignments SET assigned_at = $1, change_reason = $2 WHERE decision_id = $3",
        )
        .bind(at.format("%Y-%m-%dT%H:%M:%S").to_string())
        .bind(change.map(Change::code))
        .bind(decision_id)
        .execute(&mut **tx)
        .await?;
    }

    // Every assignment of this client at this provider that still runs, and this one.
    let rows = sqlx::query(
        "SELECT a.number, a.reference, a.assigned_at, a.change_reason, d.start_on,
                COALESCE(d.ended_on, d.end_on) AS last_day, d.volume, d.unit, d.frequency,
                p.category, p.code
         FROM ijw_assignments a
         JOIN decisions d ON d.id = a.decision_id
         JOIN products p ON p.id = d.product_id
         WHERE a.youth_id = $1 AND a.provider_id = $2 AND a.municipality_code = $3
           AND (COALESCE(d.ended_on, d.end_on) >= $4 OR a.decision_id = $5)",
    )
    .bind(&d.youth_id)
    .bind(&provider_id)
    .bind(&d.municipality_code)
    .bind(today.to_string())
    .bind(decision_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut products = Vec::with_capacity(rows.len());
    for r in &rows {
        products.push(assigned_product(r)?);
    }
    // Sorted here, not in SQL: an ORDER BY on the number lures SQLite onto the
    // (municipality, number) index, a walk through all the municipality's assignments.
    products.sort_by_key(|p| p.toewijzing_nummer);

    let ident =
        next_identification(tx, &d.municipality_code, eenplan_ijw::MessageType::Jw301).await?;
    let msg = Message::Jw301(Jw301 {
        header: Header::new(&d.municipality_code, agb, ident, today),
        client: client(&d, bsn, birth, phone, products),
    });
    let id = queue(
        tx,
        &msg,
        &Links {
            youth_id: Some(d.youth_id.clone()),
            provider_id: Some(provider_id),
            municipality_code: Some(d.municipality_code.clone()),
            answer_to: None,
        },
    )
    .await?;
    // A decision on a provider's request settles it.
    sqlx::query(
        "UPDATE ijw_requests SET status = 'assigned', answer_id = $1
         WHERE access_request_id = $2 AND status IN ('open','investigating')",
    )
    .bind(&id)
    .bind(&d.request_id)
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        actor,
        &Event::new("ijw.send", Action::Create)
            .object("ijw_message", &id)
            .clients(vec![d.youth_id.clone()]),
    )
    .await?;
    Ok(Some(id))
}

fn assigned_product(r: &sqlx::any::AnyRow) -> Result<jw301::ToegewezenProduct> {
    let corrupt = |what: &str| crate::Error::Corrupt(format!("assignment: {what}"));
    let at: String = r.try_get("assigned_at")?;
    let at = chrono::NaiveDateTime::parse_from_str(&at, "%Y-%m-%dT%H:%M:%S")
        .map_err(|_| corrupt("assigned_at"))?;
    let start: String = r.try_get("start_on")?;
    let last: String = r.try_get("last_day")?;
    let category: String = r.try_get("category")?;
    let code: String = r.try_get("code")?;
    let volume: Option<i64> = r.try_get("volume")?;
    let unit: Option<String> = r.try_get("unit")?;
    let frequency: Option<String> = r.try_get("frequency")?;
    let reason: Option<String> = r.try_get("change_reason")?;
    let omvang = match (volume, unit, frequency) {
        (Some(v), Some(u), Some(f)) => Some(Omvang {
            volume: u32::try_from(v).map_err(|_| corrupt("volume"))?,
            eenheid: Eenheid::from_code(&u).ok_or_else(|| corrupt("unit"))?,
            frequentie: Frequentie::from_code(&f).ok_or_else(|| corrupt("frequency"))?,
        }),
        _ => None,
    };
    let number: i64 = r.try_get("number")?;
    Ok(jw301::ToegewezenProduct {
        toewijzing_nummer: u32::try_from(number).map_err(|_| corrupt("number"))?,
        referentie_aanbieder: r.try_get("reference")?,
        product: Some(Product {
            categorie: ProductCategorie::from_code(&category).ok_or_else(|| corrupt("category"))?,
            code: Some(code),
        }),
        toewijzingsdatum: at.date(),
        toewijzingstijd: NaiveTime::from_hms_opt(
            chrono::Timelike::hour(&at),
            chrono::Timelike::minute(&at),
            0,
        )
        .unwrap_or_default(),
        ingangsdatum: date(&start)?,
        einddatum: Some(date(&last)?),
        reden_wijziging: reason.as_deref().and_then(RedenWijziging::from_code),
        omvang,
        budget: None,
        commentaar: None,
    })
}

/// Dutch surname prefixes (voorvoegsels) that open a family name.
const PREFIXES: [&str; 9] = ["van", "de", "der", "den", "ter", "ten", "het", "'t", "in"];

/// Splits a full name into given names, prefix and family name: "Tom de Wit" gives
/// ("Tom", "de", "Wit").
fn split_name(full: &str) -> (Option<String>, Option<String>, String) {
    let words: Vec<&str> = full.split_whitespace().collect();
    let Some((last, rest)) = words.split_last() else {
        return (None, None, "-".into());
    };
    let first_prefix = rest
        .iter()
        .position(|w| PREFIXES.contains(&w.to_lowercase().as_str()))
        .filter(|&i| i > 0)
        .unwrap_or(rest.len());
    let given = rest[..first_prefix].join(" ");
    let prefix = rest[first_prefix..].join(" ");
    (
        (!given.is_empty()).then_some(given),
        (!prefix.is_empty()).then_some(prefix),
        (*last).to_owned(),
    )
}

/// A telephone number as iJw writes it (digits only, Dutch trunk prefix, at most 15),
/// or `None` when it has too few digits to be one.
fn phone_number(s: &str) -> Option<String> {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let national = if s.trim_start().starts_with('+') && digits.starts_with("31") {
        format!("0{}", &digits[2..])
    } else if let Some(rest) = digits.strip_prefix("0031") {
        format!("0{rest}")
    } else {
        digits
    };
    (6..=15).contains(&national.len()).then_some(national)
}

fn client(
    d: &Decision,
    bsn: String,
    birth: NaiveDate,
    phone: String,
    products: Vec<jw301::ToegewezenProduct>,
) -> jw301::Client {
    let (given, prefix, family) = split_name(&d.youth_name);
    let initials = given.as_ref().map(|g| {
        g.split_whitespace()
            .filter_map(|w| w.chars().next())
            .collect::<String>()
    });
    jw301::Client {
        bsn,
        geboortedatum: Geboortedatum {
            datum: birth,
            datum_gebruik: None,
        },
        // Gender is not recorded in eenplan: "unknown" (COD046 0).
        geslacht: Geslacht::Onbekend,
        naam: VolledigeNaam {
            geslachtsnaam: Achternaam {
                achternaam: family,
                voorvoegsel: prefix,
            },
            partnernaam: None,
            voornamen: given,
            voorletters: initials,
            naam_gebruik: NaamGebruik::EigenNaam,
        },
        communicatie: None,
        juridische_status: None,
        wettelijke_vertegenwoordiging: None,
        commentaar: None,
        relaties: Vec::new(),
        // The standard asks at least one contact: the BRP address (which eenplan does
        // not keep; the BRP holds it) with the family's telephone number.
        contactgegevens: vec![jw301::Contact {
            soort: AdresSoort::BrpAdres,
            adres: None,
            organisatie: None,
            telefoon: Some(Telefoonnummers {
                telefoon01: Telefoon {
                    telefoonnummer: phone,
                    landnummer: "0031".into(),
                },
                telefoon02: None,
            }),
            emailadres: None,
            periode: None,
        }],
        toegewezen_producten: products,
    }
}

#[cfg(test)]
mod tests {
    use super::split_name;

    #[test]
    fn names_split_into_given_names_prefix_and_family_name() {
        assert_eq!(
            split_name("Tom de Wit"),
            (Some("Tom".into()), Some("de".into()), "Wit".into())
        );
        assert_eq!(
            split_name("Anna Maria van der Berg"),
            (
                Some("Anna Maria".into()),
                Some("van der".into()),
                "Berg".into()
            )
        );
        assert_eq!(
            split_name("Lotte Bakker"),
            (Some("Lotte".into()), None, "Bakker".into())
        );
        assert_eq!(split_name("Bakker"), (None, None, "Bakker".into()));
    }

    #[test]
    fn telephone_numbers_are_written_as_digits_with_the_trunk_prefix() {
        use super::phone_number;
        assert_eq!(phone_number("06-1234 5678").as_deref(), Some("0612345678"));
        assert_eq!(
            phone_number("+31 6 12345678").as_deref(),
            Some("0612345678")
        );
        assert_eq!(phone_number("0031475123456").as_deref(), Some("0475123456"));
        assert_eq!(phone_number("112"), None);
    }
}
