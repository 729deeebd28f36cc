//! How many registrations a year each municipality gets, per scale.
//!
//! - `region`: the seven municipalities of Midden-Limburg with the brief's 2018
//!   registrations (Leudal 279, MLW 755, ML 1,782; the rest of MLW and ML split by
//!   inhabitants).
//! - `province`: the municipalities of the province of Limburg; the seven keep their
//!   region figures, the others get the region's rate per inhabitant.
//! - `national`: all 342 municipalities; the seven keep their region figures, the others
//!   share what is left of [`NATIONAL_YOUTHS_PER_YEAR`] by inhabitants.
//!
//! Inhabitants are approximate (rounded CBS figures) for the province of Limburg and the
//! largest municipalities of the country; the others get a stable pseudo-random weight
//! from their CBS code (a skewed distribution around 26,000), so the volumes vary the
//! same way on every run without a population table of 342 rows.

use super::Scale;

/// The full CBS list (code, name, youth-care region, province).
const MUNICIPALITIES_NL: &str = include_str!("../../../../data/codelists/municipalities_nl.csv");

/// Youths named on registrations a year in the whole country at `national` scale.
/// With 1.3 youths a registration that is about 346,000 registrations a year: about two
/// million cases over five years (cases still open from before included).
pub const NATIONAL_YOUTHS_PER_YEAR: f64 = 450_000.0;

/// The mean number of youths on a registration (`YOUTHS_REGISTERED` in the generator;
/// a returning family may have fewer youths left under 23).
pub const YOUTHS_PER_REGISTRATION: f64 = 1.3;

/// Registrations a year in 2018 (domain brief, section 3.1): Leudal 279; Nederweert and
/// Weert share the rest of MLW's 755, the four of ML-Oost the rest of ML's 1,782, by
/// inhabitants.
pub const REGION: [(&str, f64); 7] = [
    ("1640", 279.0),
    ("0946", 121.0),
    ("0988", 355.0),
    ("0957", 449.0),
    ("1711", 241.0),
    ("1641", 181.0),
    ("1669", 156.0),
];

/// Approximate inhabitants (thousands): Limburg and the largest municipalities.
const INHABITANTS_K: &[(&str, f64)] = &[
    // Limburg
    ("0888", 15.8),
    ("1954", 35.5),
    ("0889", 13.5),
    ("0893", 13.2),
    ("0899", 27.5),
    ("1711", 31.9),
    ("1903", 25.6),
    ("0907", 17.2),
    ("1729", 14.1),
    ("0917", 87.0),
    ("1507", 43.0),
    ("0928", 45.0),
    ("0882", 37.0),
    ("1640", 36.3),
    ("1641", 24.0),
    ("0935", 122.0),
    ("0938", 19.0),
    ("0944", 8.0),
    ("0946", 17.3),
    ("1894", 44.0),
    ("1669", 20.7),
    ("0957", 59.5),
    ("0965", 10.5),
    ("1883", 91.0),
    ("0971", 24.5),
    ("0981", 10.0),
    ("0994", 16.4),
    ("0983", 102.0),
    ("0984", 44.5),
    ("0986", 12.5),
    ("0988", 50.5),
    // The largest of the rest of the country
    ("0363", 931.0),
    ("0599", 670.0),
    ("0518", 566.0),
    ("0344", 374.0),
    ("0772", 243.0),
    ("0014", 238.0),
    ("0855", 227.0),
    ("0034", 226.0),
    ("0758", 188.0),
    ("0268", 183.0),
    ("0200", 168.0),
    ("0202", 167.0),
    ("0392", 166.0),
    ("0394", 162.0),
    ("0307", 161.0),
    ("0153", 161.0),
    ("0479", 159.0),
    ("0796", 160.0),
    ("0193", 133.0),
    ("0546", 128.0),
    ("0637", 127.0),
    ("0080", 126.0),
    ("0228", 122.0),
    ("0505", 121.0),
    ("1783", 115.0),
    ("0484", 115.0),
    ("0361", 111.0),
    ("0114", 108.0),
    ("0503", 106.0),
    ("0150", 102.0),
    ("0828", 95.0),
    ("0794", 94.0),
    ("0362", 93.0),
    ("0439", 93.0),
    ("0402", 92.0),
    ("1900", 92.0),
];

/// A municipality to generate for.
#[derive(Debug, Clone)]
pub struct Municipality {
    pub code: String,
    pub name: String,
    /// The youth-care region (Jeugdzorgregio) of the CBS list.
    pub youth_region: String,
    pub province: String,
    /// Registrations a year.
    pub yearly: f64,
}

#[derive(Debug, serde::Deserialize)]
struct Row {
    code: String,
    name: String,
    subregion: String,
    region: String,
}

/// Every municipality of the CBS list.
pub fn all() -> Vec<(String, String, String, String)> {
    csv::Reader::from_reader(MUNICIPALITIES_NL.as_bytes())
        .deserialize::<Row>()
        .map(|r| {
            let r = r.expect("data/codelists/municipalities_nl.csv is valid");
            (r.code, r.name, r.subregion, r.region)
        })
        .collect()
}

fn region_yearly(code: &str) -> Option<f64> {
    REGION.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// Inhabitants in thousands: the table, or a stable weight from the code.
pub fn inhabitants_k(code: &str) -> f64 {
    if let Some((_, k)) = INHABITANTS_K.iter().find(|(c, _)| *c == code) {
        return *k;
    }
    // Two uniform numbers from a hash of the code, one standard normal (Box-Muller), a
    // log-normal weight with median 26 and a long tail, kept within 5..90.
    let h = fnv(code.as_bytes());
    let u1 = ((h >> 11) as f64 + 1.0) / ((1u64 << 53) as f64 + 1.0);
    let u2 = ((fnv(&h.to_le_bytes()) >> 11) as f64) / ((1u64 << 53) as f64);
    let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
    (26.0 * (0.55 * z).exp()).clamp(5.0, 90.0)
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The municipalities of a scale with their registrations a year.
pub fn municipalities(scale: Scale) -> Vec<Municipality> {
    let all = all();
    let region_k: f64 = REGION.iter().map(|(c, _)| inhabitants_k(c)).sum();
    let region_total: f64 = REGION.iter().map(|(_, n)| n).sum();
    let mut out: Vec<Municipality> = all
        .into_iter()
        .filter(|(code, _, _, province)| match scale {
            Scale::Region => region_yearly(code).is_some(),
            Scale::Province => province == "Limburg",
            Scale::National => true,
        })
        .map(|(code, name, youth_region, province)| Municipality {
            yearly: region_yearly(&code)
                .unwrap_or_else(|| inhabitants_k(&code) * region_total / region_k),
            code,
            name,
            youth_region,
            province,
        })
        .collect();
    if scale == Scale::National {
        // The others share what the seven leave of the national total.
        let target = NATIONAL_YOUTHS_PER_YEAR / YOUTHS_PER_REGISTRATION - region_total;
        let others: f64 = out
            .iter()
            .filter(|m| region_yearly(&m.code).is_none())
            .map(|m| m.yearly)
            .sum();
        for m in out.iter_mut().filter(|m| region_yearly(&m.code).is_none()) {
            m.yearly *= target / others;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_hold_the_right_municipalities_and_volumes() {
        let region = municipalities(Scale::Region);
        assert_eq!(region.len(), 7);
        let total: f64 = region.iter().map(|m| m.yearly).sum();
        assert_eq!(total, 1782.0);
        let mlw: f64 = region
            .iter()
            .filter(|m| ["1640", "0946", "0988"].contains(&m.code.as_str()))
            .map(|m| m.yearly)
            .sum();
        assert_eq!(mlw, 755.0);
        let province = municipalities(Scale::Province);
        assert_eq!(province.len(), 31);
        let national = municipalities(Scale::National);
        assert_eq!(national.len(), 342);
        let total: f64 = national.iter().map(|m| m.yearly).sum();
        assert!((total - 450_000.0 / 1.3).abs() < 1.0, "{total}");
        let amsterdam = national.iter().find(|m| m.code == "0363").unwrap();
        let vaals = national.iter().find(|m| m.code == "0981").unwrap();
        assert!(amsterdam.yearly > 50.0 * vaals.yearly);
        // Every listed code exists in the CBS list.
        let codes: Vec<String> = all().into_iter().map(|m| m.0).collect();
        for (c, _) in INHABITANTS_K {
            assert!(codes.iter().any(|x| x == c), "{c}");
        }
        // The stable weights vary.
        let w: Vec<f64> = ["0001", "1680", "0358", "0197"]
            .iter()
            .map(|c| inhabitants_k(c))
            .collect();
        assert!(w.iter().any(|x| (x - w[0]).abs() > 1.0));
    }
}
