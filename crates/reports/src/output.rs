//! A report as CSV, JSON, an XLSX workbook and a plain-text table. All carry the same
//! figures; codes rather than labels in the machine-readable forms; a hidden small
//! count is written as "<5" (the threshold in force), a figure hidden because it would
//! give one away as "x".

use crate::Report;
use crate::table::{Value, hundredths};
use eenplan_domain::text::spreadsheet_safe;
use serde_json::{Map, Value as Json, json};

fn hidden(r: &Report) -> String {
    format!("<{}", r.min_count)
}

fn cell_text(r: &Report, v: &Value) -> String {
    match v {
        Value::Suppressed => hidden(r),
        Value::Hidden => "x".to_owned(),
        v => v.plain(),
    }
}

/// CSV with the columns' keys as header.
pub fn to_csv(r: &Report) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header: Vec<&str> = r.table.columns.iter().map(|c| c.key).collect();
    // Writing to memory cannot fail; a failure would be a bug in the csv crate.
    w.write_record(&header).expect("in-memory CSV");
    for row in &r.table.rows {
        let cells: Vec<String> = row
            .cells
            .iter()
            .map(|v| spreadsheet_safe(&cell_text(r, v)).into_owned())
            .collect();
        w.write_record(&cells).expect("in-memory CSV");
    }
    String::from_utf8(w.into_inner().expect("in-memory CSV")).expect("CSV of UTF-8 text")
}

fn json_value(r: &Report, v: &Value) -> Json {
    match v {
        Value::Count(n) | Value::Days(n) => json!(n),
        Value::Percent(h) | Value::Cents(h) => {
            // Two decimals exactly, as in the CSV.
            hundredths(*h)
                .parse::<f64>()
                .map_or(Json::Null, |f| json!(f))
        }
        Value::Empty => Json::Null,
        Value::Suppressed => json!(hidden(r)),
        Value::Hidden => json!("x"),
        v => json!(v.plain()),
    }
}

/// The report as a JSON document: its parameters, columns and rows (objects keyed like
/// the CSV header).
pub fn to_json(r: &Report, english: bool) -> Json {
    let rows: Vec<Json> = r
        .table
        .rows
        .iter()
        .map(|row| {
            let mut o = Map::new();
            for (c, v) in r.table.columns.iter().zip(&row.cells) {
                o.insert(c.key.to_owned(), json_value(r, v));
            }
            Json::Object(o)
        })
        .collect();
    json!({
        "report": r.definition.name,
        "title": r.definition.title(english),
        "from": r.params.from.to_string(),
        "to": r.params.to.to_string(),
        "area": r.params.area,
        "small_counts_hidden": r.suppressed,
        "min_count": r.min_count,
        "columns": r.table.columns.iter().map(|c| json!({
            "key": c.key,
            "label": if english { c.en } else { c.nl },
        })).collect::<Vec<_>>(),
        "rows": rows,
    })
}

/// An aligned plain-text table for the terminal.
pub fn to_text(r: &Report, english: bool) -> String {
    let mut grid: Vec<Vec<String>> = vec![
        r.table
            .columns
            .iter()
            .map(|c| (if english { c.en } else { c.nl }).to_owned())
            .collect(),
    ];
    for row in &r.table.rows {
        grid.push(
            row.cells
                .iter()
                .map(|v| match v {
                    Value::Code { nl, en, .. } => (if english { en } else { nl }).clone(),
                    v => cell_text(r, v),
                })
                .collect(),
        );
    }
    let widths: Vec<usize> = (0..r.table.columns.len())
        .map(|c| grid.iter().map(|l| l[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = format!(
        "{} ({} - {}{})\n",
        r.definition.title(english),
        r.params.from,
        r.params.to,
        r.params
            .area
            .as_deref()
            .map(|a| format!(", {a}"))
            .unwrap_or_default()
    );
    for (i, line) in grid.iter().enumerate() {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (s, w))| {
                let pad = w - s.chars().count();
                let numeric = i > 0 && r.table.rows[i - 1].cells[c].number().is_some();
                if numeric {
                    format!("{}{s}", " ".repeat(pad))
                } else {
                    format!("{s}{}", " ".repeat(pad))
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
        if i == 0 {
            out.push_str(
                &widths
                    .iter()
                    .map(|w| "-".repeat(*w))
                    .collect::<Vec<_>>()
                    .join("  "),
            );
            out.push('\n');
        }
    }
    out
}

/// An XLSX workbook: the figures on the first sheet (header = the CSV's keys, numbers
/// as numbers), the report's title, period and definition on the second.
pub fn to_xlsx(r: &Report, english: bool) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let two = Format::new().set_num_format("0.00");
    let sheet = book.add_worksheet();
    sheet.set_name(r.definition.name)?;
    for (c, col) in r.table.columns.iter().enumerate() {
        sheet.write_with_format(0, c as u16, col.key, &bold)?;
    }
    for (i, row) in r.table.rows.iter().enumerate() {
        let line = i as u32 + 1;
        for (c, v) in row.cells.iter().enumerate() {
            let c = c as u16;
            match v {
                Value::Count(n) | Value::Days(n) => {
                    sheet.write_number(line, c, *n as f64)?;
                }
                Value::Percent(h) | Value::Cents(h) => {
                    sheet.write_number_with_format(line, c, *h as f64 / 100.0, &two)?;
                }
                Value::Empty => {}
                v => {
                    sheet.write_string(line, c, spreadsheet_safe(&cell_text(r, v)))?;
                }
            }
        }
    }
    let info = book.add_worksheet();
    info.set_name(if english { "About" } else { "Toelichting" })?;
    let lines = [
        r.definition.title(english).to_owned(),
        format!("{} - {}", r.params.from, r.params.to),
        r.params.area.clone().unwrap_or_default(),
        r.definition.about(english).to_owned(),
    ];
    for (i, l) in lines.iter().enumerate() {
        info.write_string(i as u32, 0, spreadsheet_safe(l))?;
    }
    book.save_to_buffer()
}
