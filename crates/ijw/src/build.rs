//! Small constructors for the shared types, so that messages the product emits (JW301,
//! JW306, JW308, JW316, JW319, JW325) can be written as plain struct literals.

use crate::codes::{Eenheid, Frequentie, NaamGebruik, ProductCategorie};
use crate::types::{Achternaam, Geboortedatum, Omvang, Product, VerkorteNaam, VolledigeNaam};
use chrono::NaiveDate;

impl Geboortedatum {
    /// A known birth date (no `DatumGebruik`).
    pub fn new(datum: NaiveDate) -> Self {
        Self {
            datum,
            datum_gebruik: None,
        }
    }
}

impl Achternaam {
    pub fn new(achternaam: impl Into<String>, voorvoegsel: Option<&str>) -> Self {
        Self {
            achternaam: achternaam.into(),
            voorvoegsel: voorvoegsel.map(str::to_owned),
        }
    }
}

impl VerkorteNaam {
    pub fn new(geslachtsnaam: Achternaam, voorletters: Option<&str>) -> Self {
        Self {
            geslachtsnaam,
            voornamen: None,
            voorletters: voorletters.map(str::to_owned),
        }
    }
}

impl VolledigeNaam {
    /// Own name only, `NaamGebruik` 1 (eigen naam).
    pub fn new(geslachtsnaam: Achternaam, voorletters: Option<&str>) -> Self {
        Self {
            geslachtsnaam,
            partnernaam: None,
            voornamen: None,
            voorletters: voorletters.map(str::to_owned),
            naam_gebruik: NaamGebruik::EigenNaam,
        }
    }
}

impl Product {
    pub fn new(categorie: ProductCategorie, code: Option<&str>) -> Self {
        Self {
            categorie,
            code: code.map(str::to_owned),
        }
    }
}

impl Omvang {
    pub fn new(volume: u32, eenheid: Eenheid, frequentie: Frequentie) -> Self {
        Self {
            volume,
            eenheid,
            frequentie,
        }
    }
}
