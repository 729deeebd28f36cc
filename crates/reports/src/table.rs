//! A report's result: columns, rows of values, and what the suppression rule needs to
//! know about how the figures hang together.

use serde::Serialize;

/// One cell of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    /// A code with its labels: CSV, JSON and XLSX carry the code, pages the label.
    Code {
        code: String,
        nl: String,
        en: String,
    },
    Count(i64),
    /// A percentage in hundredths of a percent (5277 is 52.77 %).
    Percent(i64),
    Cents(i64),
    Days(i64),
    Empty,
    /// A count below the threshold, hidden from aggregate-only viewers ("<5").
    Suppressed,
    /// A figure hidden because it would give a small count away: by subtraction from
    /// a total, or as a percentage, cost or waiting time of a few ("x", the mark
    /// statistics offices use for confidential figures).
    Hidden,
}

impl Value {
    pub fn code(code: &str, nl: &str, en: &str) -> Value {
        Value::Code {
            code: code.to_owned(),
            nl: nl.to_owned(),
            en: en.to_owned(),
        }
    }

    /// The value as written in CSV, JSON text fields and the command line: machine
    /// readable (codes, dots as decimal separator, cents as euros with two decimals).
    pub fn plain(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Code { code, .. } => code.clone(),
            Value::Count(n) | Value::Days(n) => n.to_string(),
            Value::Percent(h) => hundredths(*h),
            Value::Cents(c) => hundredths(*c),
            Value::Empty => String::new(),
            Value::Suppressed | Value::Hidden => String::new(),
        }
    }

    /// The number behind a figure, for charts and sums; none for text.
    pub fn number(&self) -> Option<i64> {
        match self {
            Value::Count(n) | Value::Days(n) | Value::Percent(n) | Value::Cents(n) => Some(*n),
            _ => None,
        }
    }

    fn is_figure(&self) -> bool {
        self.number().is_some()
    }

    pub fn is_hidden(&self) -> bool {
        matches!(self, Value::Suppressed | Value::Hidden)
    }
}

/// A row's labels (its text and code cells): what identifies it across tables.
fn labels(r: &Row) -> Vec<&Value> {
    r.cells
        .iter()
        .filter(|v| matches!(v, Value::Text(_) | Value::Code { .. }))
        .collect()
}

/// `1234` as `12.34`, `-5` as `-0.05`.
pub fn hundredths(h: i64) -> String {
    let sign = if h < 0 { "-" } else { "" };
    let a = h.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// `part` of `whole` in hundredths of a percent, rounded half up; none of nothing.
pub fn percent(part: i64, whole: i64) -> Value {
    if whole <= 0 {
        return Value::Empty;
    }
    Value::Percent((part * 20_000 + whole) / (2 * whole))
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Column {
    /// The CSV header and JSON key.
    pub key: &'static str,
    pub nl: &'static str,
    pub en: &'static str,
}

pub const fn col(key: &'static str, nl: &'static str, en: &'static str) -> Column {
    Column { key, nl, en }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<Value>,
    /// A row about one professional: left out for aggregate-only viewers.
    pub detail: bool,
    /// A total or subtotal row (shown emphasised).
    pub total: bool,
}

impl Row {
    pub fn new(cells: Vec<Value>) -> Row {
        Row {
            cells,
            detail: false,
            total: false,
        }
    }

    pub fn total(cells: Vec<Value>) -> Row {
        Row {
            cells,
            detail: false,
            total: true,
        }
    }
}

/// A cell position: (row, column).
pub type Cell = (usize, usize);

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Cells that add up: any one of them follows from the others (parts with their
    /// total, or parts of a total published elsewhere). Suppression keeps either none
    /// or at least two of each group hidden, so no hidden figure can be recomputed by
    /// subtraction.
    pub groups: Vec<Vec<Cell>>,
    /// Columns whose figures are computed from a count in another column (a
    /// percentage, a cost of a few youths, a waiting time of a few cases): (derived,
    /// count). A hidden count hides its derived figures; a count below the threshold
    /// hides them too.
    pub derived: Vec<(usize, usize)>,
}

impl Table {
    pub fn new(columns: Vec<Column>) -> Table {
        Table {
            columns,
            ..Table::default()
        }
    }

    pub fn push(&mut self, row: Row) -> usize {
        self.rows.push(row);
        self.rows.len() - 1
    }

    /// Adds, for each of `columns`, a group of the given rows.
    pub fn group_rows(&mut self, rows: &[usize], columns: &[usize]) {
        for &c in columns {
            self.groups.push(rows.iter().map(|&r| (r, c)).collect());
        }
    }

    pub fn column(&self, key: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.key == key)
    }

    /// Hides (`Hidden`) each count of at least `threshold` that differs from the same
    /// count of `other` (same row labels, same column) by 1 to `threshold - 1`.
    pub fn hide_differences(&mut self, other: &Table, threshold: i64) {
        for row in &mut self.rows {
            let key = labels(row);
            let Some(theirs) = other
                .rows
                .iter()
                .find(|o| o.total == row.total && labels(o) == key)
            else {
                // Not in the other period: a small count here is hidden anyway.
                continue;
            };
            for (v, t) in row.cells.iter_mut().zip(&theirs.cells) {
                // A count below the threshold is suppressed as such ("<5") later.
                if let (Value::Count(a), Value::Count(b)) = (&*v, t) {
                    let d = (a - b).abs();
                    if *a >= threshold && d > 0 && d < threshold {
                        *v = Value::Hidden;
                    }
                }
            }
        }
    }

    /// The rows of this table that `other` has too (same labels), in `other`'s order:
    /// the part of a table for all areas that a report for one area shows.
    pub fn rows_like(&self, other: &Table) -> Table {
        let rows = other
            .rows
            .iter()
            .filter_map(|o| {
                self.rows
                    .iter()
                    .find(|r| r.total == o.total && labels(r) == labels(o))
            })
            .cloned()
            .collect();
        Table {
            columns: self.columns.clone(),
            rows,
            groups: Vec::new(),
            derived: Vec::new(),
        }
    }

    /// The view of an aggregate-only viewer: no rows about single professionals, every
    /// count below `threshold` hidden, and enough further figures hidden that none of
    /// them can be derived from totals.
    pub fn suppress(&mut self, threshold: i64) {
        let detail: Vec<usize> = (0..self.rows.len())
            .filter(|&r| self.rows[r].detail)
            .collect();
        if !detail.is_empty() {
            let keep: Vec<usize> = (0..self.rows.len())
                .filter(|r| !detail.contains(r))
                .collect();
            let new_index = |r: usize| keep.iter().position(|&k| k == r);
            self.groups = std::mem::take(&mut self.groups)
                .into_iter()
                .filter_map(|g| {
                    g.iter()
                        .map(|&(r, c)| new_index(r).map(|r| (r, c)))
                        .collect::<Option<Vec<_>>>()
                })
                .collect();
            self.rows.retain(|r| !r.detail);
        }
        for v in self.rows.iter_mut().flat_map(|r| r.cells.iter_mut()) {
            if matches!(v, Value::Count(n) if *n < threshold) {
                *v = Value::Suppressed;
            }
        }
        // Secondary suppression: a group with exactly one hidden figure gives it away;
        // hide its smallest other figure too, until no group does.
        loop {
            let mut changed = false;
            for g in &self.groups {
                let hidden = g
                    .iter()
                    .filter(|&&(r, c)| self.rows[r].cells[c].is_hidden())
                    .count();
                if hidden != 1 {
                    continue;
                }
                let smallest = g
                    .iter()
                    .filter_map(|&(r, c)| self.rows[r].cells[c].number().map(|n| (n, r, c)))
                    .min();
                if let Some((_, r, c)) = smallest {
                    self.rows[r].cells[c] = Value::Hidden;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        for &(d, count) in &self.derived {
            for row in &mut self.rows {
                let small = match &row.cells[count] {
                    Value::Count(n) => *n < threshold,
                    v => v.is_hidden(),
                };
                if small && row.cells[d].is_figure() {
                    row.cells[d] = Value::Hidden;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(t: &Table, c: usize) -> Vec<Value> {
        t.rows.iter().map(|r| r.cells[c].clone()).collect()
    }

    #[test]
    fn percentages_round_half_up_to_two_decimals() {
        assert_eq!(percent(143, 271), Value::Percent(5277));
        assert_eq!(percent(1, 8), Value::Percent(1250));
        assert_eq!(percent(2, 3), Value::Percent(6667));
        assert_eq!(percent(1, 0), Value::Empty);
        assert_eq!(hundredths(5277), "52.77");
        assert_eq!(hundredths(-5), "-0.05");
    }

    #[test]
    fn a_single_small_count_in_a_group_takes_the_smallest_other_with_it() {
        let mut t = Table::new(vec![col("a", "a", "a"), col("n", "n", "n")]);
        for (name, n) in [("x", 3), ("y", 40), ("z", 12)] {
            t.push(Row::new(vec![Value::Text(name.into()), Value::Count(n)]));
        }
        let total = t.push(Row::total(vec![Value::Text("t".into()), Value::Count(55)]));
        t.group_rows(&[0, 1, 2, total], &[1]);
        t.suppress(5);
        assert_eq!(
            counts(&t, 1),
            vec![
                Value::Suppressed,
                Value::Count(40),
                Value::Hidden,
                Value::Count(55)
            ]
        );
    }

    #[test]
    fn suppression_spreads_across_overlapping_groups_and_derived_columns() {
        // Two rows, two parts each: a 2x2 table with row and column totals.
        let mut t = Table::new(vec![
            col("a", "a", "a"),
            col("b", "b", "b"),
            col("total", "t", "t"),
            col("pct", "p", "p"),
        ]);
        t.push(Row::new(vec![
            Value::Count(2),
            Value::Count(30),
            Value::Count(32),
            Value::Percent(4000),
        ]));
        t.push(Row::new(vec![
            Value::Count(20),
            Value::Count(28),
            Value::Count(48),
            Value::Percent(6000),
        ]));
        t.push(Row::total(vec![
            Value::Count(22),
            Value::Count(58),
            Value::Count(80),
            Value::Empty,
        ]));
        for r in 0..3 {
            t.groups.push(vec![(r, 0), (r, 1), (r, 2)]);
        }
        t.group_rows(&[0, 1, 2], &[0, 1, 2]);
        t.derived.push((3, 2));
        t.suppress(5);
        for g in &t.groups {
            let hidden = g
                .iter()
                .filter(|&&(r, c)| t.rows[r].cells[c].is_hidden())
                .count();
            assert_ne!(hidden, 1, "{g:?} in {:?}", t.rows);
        }
        assert_eq!(t.rows[0].cells[0], Value::Suppressed);
    }

    #[test]
    fn detail_rows_leave_and_their_groups_with_them() {
        let mut t = Table::new(vec![col("n", "n", "n")]);
        let w = t.push(Row {
            cells: vec![Value::Count(2)],
            detail: true,
            total: false,
        });
        let team = t.push(Row::total(vec![Value::Count(9)]));
        t.group_rows(&[w, team], &[0]);
        t.suppress(5);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].cells[0], Value::Count(9));
        assert!(t.groups.is_empty());
    }

    #[test]
    fn zero_is_a_small_count_too() {
        let mut t = Table::new(vec![col("n", "n", "n")]);
        t.push(Row::new(vec![Value::Count(0)]));
        t.suppress(5);
        assert_eq!(t.rows[0].cells[0], Value::Suppressed);
    }
}
