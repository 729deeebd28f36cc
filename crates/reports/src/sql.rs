//! What the report queries share: the area filter, dates as bound text, and the few
//! expressions the two SQL dialects spell differently.

use crate::table::{Row, Table, Value};
use crate::{Params, invalid};
use eenplan_store::{Backend, Result, Store};
use sqlx::Any;
use sqlx::Row as _;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

pub type Q<'q> = Query<'q, Any, AnyArguments<'q>>;

/// ` AND {column} IN (the municipalities of the area)` using placeholder `$n`, or
/// nothing without an area. Bind the area with [`bind_area`] as the `n`th parameter.
pub fn area(p: &Params, column: &str, n: usize) -> String {
    match p.area {
        Some(_) => format!(
            " AND {column} IN (SELECT code FROM municipalities
                              WHERE code = ${n} OR subregion = ${n} OR region = ${n})"
        ),
        None => String::new(),
    }
}

pub fn bind_area<'q>(q: Q<'q>, p: &'q Params) -> Q<'q> {
    match &p.area {
        Some(a) => q.bind(a.as_str()),
        None => q,
    }
}

/// The period as bound text, `$1` and `$2` of every report query.
pub fn period<'q>(q: Q<'q>, p: &Params) -> Q<'q> {
    q.bind(p.from.to_string()).bind(p.to.to_string())
}

/// The period as day numbers (see `access::day_number`).
pub fn period_days<'q>(q: Q<'q>, p: &Params) -> Q<'q> {
    q.bind(eenplan_store::access::day_number(p.from))
        .bind(eenplan_store::access::day_number(p.to))
}

/// Whole days from date text `a` to date text `b`.
pub fn days_between(store: &Store, a: &str, b: &str) -> String {
    match store.backend() {
        Backend::Sqlite => format!("CAST(julianday({b}) - julianday({a}) AS INTEGER)"),
        Backend::Postgres => format!("(CAST({b} AS DATE) - CAST({a} AS DATE))"),
    }
}

pub async fn check_area(store: &Store, area: &str) -> Result<()> {
    let known: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM municipalities WHERE code = $1 OR subregion = $1 OR region = $1",
    )
    .bind(area)
    .fetch_one(store.pool())
    .await?;
    if known == 0 {
        return Err(invalid(
            "area",
            format!(
                "Onbekend gebied: \"{area}\". Kies een gemeente (CBS-code), subregio of regio."
            ),
            format!(
                "Unknown area: \"{area}\". Choose a municipality (CBS code), sub-region or region."
            ),
        ));
    }
    Ok(())
}

/// Municipalities by CBS code, then sub-regions and regions each ordered by their
/// lowest municipality code (MLW, MLO, ML).
pub async fn areas(store: &Store) -> Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    for r in sqlx::query("SELECT code, name FROM municipalities ORDER BY code")
        .fetch_all(store.pool())
        .await?
    {
        out.push((r.try_get("code")?, r.try_get("name")?));
    }
    for level in ["subregion", "region"] {
        for r in sqlx::query(&format!(
            "SELECT {level} AS code FROM municipalities GROUP BY {level} ORDER BY MIN(code)"
        ))
        .fetch_all(store.pool())
        .await?
        {
            let code: String = r.try_get("code")?;
            out.push((code.clone(), code));
        }
    }
    Ok(out)
}

/// The product categories (JZ020): (code, Dutch label, English label).
pub fn product_categories() -> Vec<(String, String, String)> {
    csv::Reader::from_reader(
        include_str!("../../../data/codelists/product_categories.csv").as_bytes(),
    )
    .deserialize()
    .filter_map(|r| r.ok())
    .collect()
}

const AREA_NAMES: &str = include_str!("../../../data/codelists/areas.csv");

/// The municipalities of a report's area and the sub-regions and regions they make up
/// whole, for reports with a row per municipality followed by subtotals.
pub struct Areas {
    /// (code, name, sub-region, region) by CBS code.
    municipalities: Vec<(String, String, String, String)>,
    /// Sub-regions (level 2), then regions (level 3), wholly inside the area:
    /// (level, code, name, members).
    totals: Vec<(u8, String, String, Vec<usize>)>,
}

impl Areas {
    pub async fn of(store: &Store, p: &Params) -> Result<Areas> {
        let text = format!(
            "SELECT code, name, subregion, region FROM municipalities WHERE 1 = 1{}
             ORDER BY code",
            area(p, "code", 1)
        );
        let mut q = sqlx::query(&text);
        if let Some(a) = &p.area {
            q = q.bind(a.as_str());
        }
        let municipalities = q
            .fetch_all(store.pool())
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("code")?,
                    r.try_get("name")?,
                    r.try_get("subregion")?,
                    r.try_get("region")?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        // A subtotal only for a sub-region or region the area holds entirely.
        let sizes: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT subregion, region, COUNT(*) FROM municipalities GROUP BY subregion, region",
        )
        .fetch_all(store.pool())
        .await?;
        let names: std::collections::HashMap<String, String> =
            csv::Reader::from_reader(AREA_NAMES.as_bytes())
                .deserialize::<(String, String)>()
                .filter_map(|r| r.ok())
                .collect();
        let name = |code: &str| names.get(code).cloned().unwrap_or_else(|| code.to_owned());
        let mut totals = Vec::new();
        for level in [2u8, 3] {
            let mut seen: Vec<String> = Vec::new();
            for m in &municipalities {
                let code = if level == 2 { &m.2 } else { &m.3 };
                if !seen.contains(code) {
                    seen.push(code.clone());
                }
            }
            for code in seen {
                let members: Vec<usize> = (0..municipalities.len())
                    .filter(|&i| {
                        let m = &municipalities[i];
                        (if level == 2 { &m.2 } else { &m.3 }) == &code
                    })
                    .collect();
                let whole: i64 = sizes
                    .iter()
                    .filter(|s| (if level == 2 { &s.0 } else { &s.1 }) == &code)
                    .map(|s| s.2)
                    .sum();
                if members.len() as i64 == whole {
                    totals.push((level, code.clone(), name(&code), members));
                }
            }
        }
        Ok(Areas {
            municipalities,
            totals,
        })
    }

    /// (code, name) of the area's municipalities, by CBS code.
    pub fn municipalities(&self) -> impl Iterator<Item = (&String, &String)> {
        self.municipalities.iter().map(|m| (&m.0, &m.1))
    }

    /// Adds a row per municipality (code and name in columns 0 and 1, `value` for the
    /// columns `figures`), then a subtotal row per sub-region and region, with the
    /// groups saying which rows add up.
    pub fn fill(
        &self,
        t: &mut Table,
        figures: &[usize],
        mut value: impl FnMut(&str, usize) -> Value,
    ) {
        let width = t.columns.len();
        let mut rows = Vec::new();
        for (code, name, _, _) in &self.municipalities {
            let mut cells = vec![Value::Empty; width];
            cells[0] = Value::Text(code.clone());
            cells[1] = Value::Text(name.clone());
            for &c in figures {
                cells[c] = value(code, c);
            }
            rows.push(t.push(Row::new(cells)));
        }
        for (_, code, name, members) in &self.totals {
            let mut cells = vec![Value::Empty; width];
            cells[0] = Value::Text(code.clone());
            cells[1] = Value::Text(name.clone());
            for &c in figures {
                let sum = members
                    .iter()
                    .map(|&i| t.rows[rows[i]].cells[c].number().unwrap_or(0))
                    .sum();
                cells[c] = Value::Count(sum);
            }
            let row = t.push(Row::total(cells));
            let mut group: Vec<usize> = members.iter().map(|&i| rows[i]).collect();
            group.push(row);
            t.group_rows(&group, figures);
        }
        self.group_regions(t, figures);
    }

    /// Groups each region's total with the totals of its sub-regions.
    fn group_regions(&self, t: &mut Table, figures: &[usize]) {
        let row_of = |code: &str| {
            t.rows
                .iter()
                .position(|r| r.total && r.cells[0] == Value::Text(code.to_owned()))
        };
        let mut groups = Vec::new();
        for (_, region, _, members) in self.totals.iter().filter(|t| t.0 == 3) {
            let subregions: Vec<&String> = self
                .totals
                .iter()
                .filter(|(level, _, _, m)| *level == 2 && m.iter().all(|i| members.contains(i)))
                .map(|(_, code, _, _)| code)
                .collect();
            if subregions.is_empty() {
                continue;
            }
            let mut rows: Vec<usize> = subregions.iter().filter_map(|s| row_of(s)).collect();
            if let Some(r) = row_of(region) {
                rows.push(r);
                groups.push(rows);
            }
        }
        for g in groups {
            t.group_rows(&g, figures);
        }
    }
}
