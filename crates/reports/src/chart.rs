//! Charts as SVG, drawn on the server next to the table with the same figures: bars
//! for most reports, a flow (Sankey) diagram for referral flows. A hidden figure gets
//! no bar and no width; it is marked "<5" or "x" as in the table.

use crate::table::Value;
use crate::{Chart, Report};
use std::fmt::Write;

const COLOURS: [&str; 4] = ["#154273", "#e17000", "#39870c", "#8f2f8f"];
const WIDTH: f64 = 760.0;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn label(v: &Value, english: bool) -> String {
    match v {
        Value::Code { nl, en, .. } => if english { en } else { nl }.clone(),
        v => v.plain(),
    }
}

/// The report's chart; `id` makes its title referable (`aria-labelledby`).
pub fn svg(r: &Report, english: bool, id: &str) -> String {
    match r.definition.chart {
        Chart::Bars {
            label,
            values,
            totals,
        } => bars(r, english, id, label, values, totals),
        Chart::Flows => flows(r, english, id),
    }
}

fn bars(
    r: &Report,
    english: bool,
    id: &str,
    label_key: &str,
    keys: &[&str],
    totals: bool,
) -> String {
    let t = &r.table;
    let Some(label_col) = t.column(label_key) else {
        return String::new();
    };
    let cols: Vec<usize> = keys.iter().filter_map(|k| t.column(k)).collect();
    let rows: Vec<_> = t.rows.iter().filter(|row| row.total == totals).collect();
    let max = rows
        .iter()
        .flat_map(|row| cols.iter().filter_map(|&c| row.cells[c].number()))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let (left, bar, gap) = (230.0, 14.0, 10.0);
    let group = bar * cols.len() as f64 + gap;
    let legend = 26.0;
    let height = legend + group * rows.len() as f64 + 10.0;
    let plot = WIDTH - left - 70.0;
    let title = r.definition.title(english);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-labelledby="{id}-title"><title id="{id}-title">{}</title>"#,
        esc(title)
    );
    let mut x = left;
    for (i, &c) in cols.iter().enumerate() {
        let name = if english {
            t.columns[c].en
        } else {
            t.columns[c].nl
        };
        let _ = write!(
            s,
            r#"<rect x="{x}" y="4" width="12" height="12" fill="{}"/><text x="{}" y="14" font-size="12">{}</text>"#,
            COLOURS[i % COLOURS.len()],
            x + 16.0,
            esc(name)
        );
        x += 24.0 + 7.0 * name.chars().count() as f64;
    }
    for (i, row) in rows.iter().enumerate() {
        let y0 = legend + group * i as f64;
        let name = label(&row.cells[label_col], english);
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" font-size="12" text-anchor="end">{}</text>"#,
            left - 8.0,
            y0 + group / 2.0,
            esc(&truncate(&name, 34))
        );
        for (j, &c) in cols.iter().enumerate() {
            let y = y0 + bar * j as f64;
            match &row.cells[c] {
                Value::Suppressed | Value::Hidden => {
                    let mark = match &row.cells[c] {
                        Value::Suppressed => format!("&lt;{}", r.min_count),
                        _ => "x".to_owned(),
                    };
                    let _ = write!(
                        s,
                        r#"<text x="{}" y="{}" font-size="11">{mark}</text>"#,
                        left + 4.0,
                        y + bar - 3.0,
                    );
                }
                v => {
                    let n = v.number().unwrap_or(0);
                    let w = (n as f64 / max * plot).max(if n > 0 { 1.0 } else { 0.0 });
                    let _ = write!(
                        s,
                        r#"<rect x="{left}" y="{y}" width="{w:.1}" height="{}" fill="{}"><title>{}: {}</title></rect><text x="{:.1}" y="{}" font-size="11">{}</text>"#,
                        bar - 2.0,
                        COLOURS[j % COLOURS.len()],
                        esc(&name),
                        esc(&v.plain()),
                        left + w + 4.0,
                        y + bar - 3.0,
                        esc(&short(v))
                    );
                }
            }
        }
    }
    s.push_str("</svg>");
    s
}

/// A figure as written next to its bar: euros without cents.
fn short(v: &Value) -> String {
    match v {
        Value::Cents(c) => format!("€ {}", c / 100),
        Value::Percent(h) => format!("{} %", crate::hundredths(*h)),
        v => v.plain(),
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

/// A Sankey diagram of the rows (`from`, `to`, `count`): nodes in columns by their
/// depth, each as tall as the larger of what flows in and out.
fn flows(r: &Report, english: bool, id: &str) -> String {
    let t = &r.table;
    let (Some(fc), Some(tc), Some(nc)) = (t.column("from"), t.column("to"), t.column("count"))
    else {
        return String::new();
    };
    let key = |v: &Value| match v {
        Value::Code { code, .. } => code.clone(),
        v => v.plain(),
    };
    // Nodes in order of appearance, with their depth.
    let mut nodes: Vec<(String, String, usize, f64, f64)> = Vec::new(); // key, label, depth, in, out
    for row in &t.rows {
        for c in [fc, tc] {
            let k = key(&row.cells[c]);
            if !nodes.iter().any(|n| n.0 == k) {
                nodes.push((k, label(&row.cells[c], english), 0, 0.0, 0.0));
            }
        }
    }
    for _ in 0..nodes.len() {
        for row in &t.rows {
            let from = nodes.iter().position(|n| n.0 == key(&row.cells[fc]));
            let to = nodes.iter().position(|n| n.0 == key(&row.cells[tc]));
            if let (Some(f), Some(to)) = (from, to)
                && nodes[to].2 < nodes[f].2 + 1
            {
                nodes[to].2 = nodes[f].2 + 1;
            }
        }
    }
    let value = |row: &crate::Row| row.cells[nc].number().unwrap_or(0) as f64;
    for row in &t.rows {
        let v = value(row);
        if let Some(n) = nodes.iter_mut().find(|n| n.0 == key(&row.cells[fc])) {
            n.4 += v;
        }
        if let Some(n) = nodes.iter_mut().find(|n| n.0 == key(&row.cells[tc])) {
            n.3 += v;
        }
    }
    let depth = nodes.iter().map(|n| n.2).max().unwrap_or(0);
    let (height, gap, node_w, label_w) = (420.0, 6.0, 14.0, 200.0);
    let size = |n: &(String, String, usize, f64, f64)| n.3.max(n.4);
    let most = (0..=depth)
        .map(|d| {
            let col: Vec<_> = nodes.iter().filter(|n| n.2 == d).collect();
            (col.iter().map(|n| size(n)).sum::<f64>(), col.len())
        })
        .collect::<Vec<_>>();
    let scale = most
        .iter()
        .map(|(total, count)| (height - gap * (*count as f64)) / total.max(1.0))
        .fold(f64::INFINITY, f64::min);
    let x_of =
        |d: usize| label_w + (WIDTH - 2.0 * label_w - node_w) * d as f64 / depth.max(1) as f64;
    // Node positions: (x, y, in-offset, out-offset).
    let mut pos: Vec<(f64, f64, f64, f64)> = vec![(0.0, 0.0, 0.0, 0.0); nodes.len()];
    for d in 0..=depth {
        let mut y = 10.0;
        for (i, n) in nodes.iter().enumerate().filter(|(_, n)| n.2 == d) {
            pos[i] = (x_of(d), y, y, y);
            y += size(n) * scale + gap + 2.0;
        }
    }
    let title = r.definition.title(english);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {}" width="100%" role="img" aria-labelledby="{id}-title"><title id="{id}-title">{}</title>"#,
        height + 30.0,
        esc(title)
    );
    for row in &t.rows {
        let f = nodes.iter().position(|n| n.0 == key(&row.cells[fc]));
        let to = nodes.iter().position(|n| n.0 == key(&row.cells[tc]));
        let (Some(f), Some(to)) = (f, to) else {
            continue;
        };
        let th = value(row) * scale;
        let (x0, y0) = (pos[f].0 + node_w, pos[f].3);
        let (x1, y1) = (pos[to].0, pos[to].2);
        let xm = (x0 + x1) / 2.0;
        let what = format!(
            "{} → {}: {}",
            nodes[f].1,
            nodes[to].1,
            match &row.cells[nc] {
                Value::Suppressed => format!("<{}", r.min_count),
                Value::Hidden => "x".to_owned(),
                v => v.plain(),
            }
        );
        if th > 0.0 {
            let _ = write!(
                s,
                r#"<path d="M{x0:.1},{y0:.1} C{xm:.1},{y0:.1} {xm:.1},{y1:.1} {x1:.1},{y1:.1} L{x1:.1},{:.1} C{xm:.1},{:.1} {xm:.1},{:.1} {x0:.1},{:.1} Z" fill="{}" fill-opacity="0.35"><title>{}</title></path>"#,
                y1 + th,
                y1 + th,
                y0 + th,
                y0 + th,
                COLOURS[nodes[to].2 % COLOURS.len()],
                esc(&what)
            );
        } else {
            let _ = write!(
                s,
                r##"<path d="M{x0:.1},{y0:.1} C{xm:.1},{y0:.1} {xm:.1},{y1:.1} {x1:.1},{y1:.1}" stroke="#666" stroke-dasharray="3 3" fill="none"><title>{}</title></path>"##,
                esc(&what)
            );
        }
        pos[f].3 += th;
        pos[to].2 += th;
    }
    for (i, n) in nodes.iter().enumerate() {
        let h = (size(n) * scale).max(2.0);
        let (x, y) = (pos[i].0, pos[i].1);
        let (tx, anchor) = if n.2 == depth && depth > 0 {
            (x + node_w + 6.0, "start")
        } else if n.2 == 0 {
            (x - 6.0, "end")
        } else {
            (x + node_w + 6.0, "start")
        };
        let _ = write!(
            s,
            r##"<rect x="{x:.1}" y="{y:.1}" width="{node_w}" height="{h:.1}" fill="#154273"/><text x="{tx:.1}" y="{:.1}" font-size="11" text-anchor="{anchor}">{}</text>"##,
            y + h / 2.0 + 4.0,
            esc(&truncate(&n.1, 32))
        );
    }
    s.push_str("</svg>");
    s
}
