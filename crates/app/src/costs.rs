//! The cost page's figures for the caller: a municipality's decided volume and cost per
//! product and provider, and its unique youths, for a period. Viewers who see aggregates
//! only get the reports' small-number rule: calendar periods, counts below the threshold
//! hidden with whatever would give them away (the cost and volume of a few decisions,
//! a last figure beside its total), and no count beside an overlapping period's that
//! differs by less than the threshold. Every run is audited like a report.

use crate::{Caller, Result};
use chrono::NaiveDate;
use eenplan_domain::calendar::CalendarPeriod;
use eenplan_domain::policy;
use eenplan_reports::{Row, Table, Value};
use eenplan_store::Store;
use eenplan_store::audit::{self, Action, Event};
use eenplan_store::costs::{self, CostReport};
use serde::Serialize;
use utoipa::ToSchema;

/// A figure, or none where the small-number rule hides it.
pub type Figure = Option<i64>;

#[derive(Debug, Clone, Serialize, PartialEq, ToSchema)]
pub struct CostLineView {
    pub product_code: String,
    pub product_name: String,
    pub category: String,
    /// "zin" or "pgb".
    pub funding: String,
    /// The provider's name; none for a PGB.
    pub provider_name: Option<String>,
    pub decisions: Figure,
    /// Units within the period, in hundredths (PGB: none).
    pub units_x100: Figure,
    pub cost_cents: Figure,
}

#[derive(Debug, Clone, Serialize, PartialEq, ToSchema)]
pub struct YouthsView {
    pub zin_only: Figure,
    pub pgb_only: Figure,
    pub both: Figure,
    pub total: Figure,
}

/// The figures as the caller may see them; a hidden figure is `null`.
#[derive(Debug, Clone, Serialize, PartialEq, ToSchema)]
#[schema(as = CostReport)]
pub struct CostView {
    pub municipality_code: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub lines: Vec<CostLineView>,
    pub zin_cents: Figure,
    pub pgb_cents: Figure,
    pub total_cents: Figure,
    pub youths: YouthsView,
    /// Whether the small-number rule was applied (figures below `min_count` hidden).
    pub small_counts_hidden: bool,
    pub min_count: i64,
}

// The table the small-number rule works on: one row per line, three total rows and the
// youths' row.
const LABEL: usize = 0;
const DECISIONS: usize = 1;
const UNITS: usize = 2;
const COST: usize = 3;
const YOUTHS: [usize; 4] = [4, 5, 6, 7];

fn table(r: &CostReport) -> Table {
    let columns = [
        "label",
        "decisions",
        "units",
        "cost",
        "zin_only",
        "pgb_only",
        "both",
        "total",
    ]
    .map(|k| eenplan_reports::Column {
        key: k,
        nl: k,
        en: k,
    })
    .to_vec();
    let mut t = Table::new(columns);
    let empty = || vec![Value::Empty; 8];
    let (mut zin, mut pgb) = (Vec::new(), Vec::new());
    for l in &r.lines {
        let mut cells = empty();
        cells[LABEL] = Value::Text(format!(
            "{}|{}|{}",
            l.product_code,
            l.funding,
            l.provider_name.as_deref().unwrap_or("")
        ));
        cells[DECISIONS] = Value::Count(l.decisions);
        cells[UNITS] = Value::Cents(l.units_x100);
        cells[COST] = Value::Cents(l.cost_cents);
        let i = t.push(Row::new(cells));
        if l.funding == "pgb" {
            &mut pgb
        } else {
            &mut zin
        }
        .push(i);
    }
    let mut total = |label: &str, cents: i64| {
        let mut cells = empty();
        cells[LABEL] = Value::Text(label.into());
        cells[COST] = Value::Cents(cents);
        let mut row = Row::new(cells);
        row.total = true;
        t.push(row)
    };
    let (z, p, all) = (
        total("zin", r.zin_cents),
        total("pgb", r.pgb_cents),
        total("total", r.total_cents),
    );
    let mut cells = empty();
    cells[LABEL] = Value::Text("youths".into());
    let y = &r.youths;
    for (c, n) in YOUTHS.iter().zip([y.zin_only, y.pgb_only, y.both, y.total]) {
        cells[*c] = Value::Count(n);
    }
    let youths = t.push(Row::new(cells));
    // What adds up: each kind's lines to its total, the kinds to the total, the youths.
    zin.push(z);
    pgb.push(p);
    t.groups.push(zin.iter().map(|&r| (r, COST)).collect());
    t.groups.push(pgb.iter().map(|&r| (r, COST)).collect());
    t.groups.push(vec![(z, COST), (p, COST), (all, COST)]);
    t.groups.push(YOUTHS.iter().map(|&c| (youths, c)).collect());
    // The volume and cost of a few decisions would single them out.
    t.derived = vec![(UNITS, DECISIONS), (COST, DECISIONS)];
    t
}

fn figure(v: &Value) -> Figure {
    v.number()
}

fn view(r: &CostReport, t: Option<&Table>, min_count: i64) -> CostView {
    let cell = |row: usize, col: usize, plain: i64| match t {
        Some(t) => figure(&t.rows[row].cells[col]),
        None => Some(plain),
    };
    let n = r.lines.len();
    let y = &r.youths;
    CostView {
        municipality_code: r.municipality_code.clone(),
        from: r.from,
        to: r.to,
        lines: r
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| CostLineView {
                product_code: l.product_code.clone(),
                product_name: l.product_name.clone(),
                category: l.category.clone(),
                funding: l.funding.clone(),
                provider_name: l.provider_name.clone(),
                decisions: cell(i, DECISIONS, l.decisions),
                units_x100: cell(i, UNITS, l.units_x100),
                cost_cents: cell(i, COST, l.cost_cents),
            })
            .collect(),
        zin_cents: cell(n, COST, r.zin_cents),
        pgb_cents: cell(n + 1, COST, r.pgb_cents),
        total_cents: cell(n + 2, COST, r.total_cents),
        youths: YouthsView {
            zin_only: cell(n + 3, YOUTHS[0], y.zin_only),
            pgb_only: cell(n + 3, YOUTHS[1], y.pgb_only),
            both: cell(n + 3, YOUTHS[2], y.both),
            total: cell(n + 3, YOUTHS[3], y.total),
        },
        small_counts_hidden: t.is_some(),
        min_count,
    }
}

/// The cost figures of `municipality` from `from` to `to` for the caller (fields
/// `municipality`, `from`, `to`): 403 (audited) for another municipality than a policy
/// officer's own; audited as a view (page) or an export (API).
pub async fn report(
    store: &Store,
    caller: &Caller,
    municipality: &str,
    from: NaiveDate,
    to: NaiveDate,
    action: Action,
) -> Result<CostView> {
    crate::access::check_cost_municipality(store, caller, municipality).await?;
    let period = eenplan_domain::DateRange::new("to", from, to)?;
    let aggregates_only = !policy::sees_small_counts(caller.principal.role);
    let calendar = if aggregates_only {
        Some(CalendarPeriod::of(period.start(), period.end())?)
    } else {
        None
    };
    let r = costs::report(store, municipality, period.start(), period.end()).await?;
    let min_count = eenplan_reports::min_count(store).await?;
    let shown = match calendar {
        None => view(&r, None, min_count),
        Some(calendar) => {
            let mut t = table(&r);
            for other in calendar.overlapping() {
                let o = costs::report(store, municipality, other.from, other.to).await?;
                t.hide_differences(&table(&o), min_count);
            }
            t.suppress(min_count);
            view(&r, Some(&t), min_count)
        }
    };
    let event = match action {
        Action::Export => "costs.export",
        _ => "costs.view",
    };
    audit::record(
        store,
        &caller.actor(),
        &Event::new(event, action).object("costs", municipality),
    )
    .await?;
    Ok(shown)
}
