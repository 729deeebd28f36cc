//! The yearly declaration of the treatment teams' hours (domain brief, section 3.4): the
//! coordinator's overview per provider organisation and calendar year (hours registered,
//! approved and committed, the draft amount), issuing a declaration (a correction is a
//! new version), and the issued declaration as a printable page, CSV and XLSX.
//!
//! Access: the team coordinator (`CoordinateTreatmentTeam`, the route group). Hours per
//! organisation and member are no client data; every read of a declaration is audited
//! all the same, as is issuing. The API (`api::declarations`) calls the same functions.

use super::{Chrome, Fields, answer_form, form_page, has_error, page, render};
use crate::AppState;
use crate::auth::{Auth, AuthContext};
use crate::download::{CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE};
use crate::error::{AppError, Problem};
use crate::extract::{CsrfForm, Path, Query};
use crate::i18n::{Lang, Tr};
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use chrono::Datelike;
use eenplan_app::declarations::{
    IssueDeclaration, issue as issue_action, open as open_declaration, overview as overview_action,
    year_of,
};
use eenplan_domain::access::format_euros_nl;
use eenplan_domain::text::spreadsheet_safe;
use eenplan_domain::treatment_team::{HourActivity, hours_text};
use eenplan_store::audit::Action;
use eenplan_store::declarations::Declaration;
use serde::Deserialize;

// ------------------------------------------------------------------ overview page

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    pub jaar: String,
}

/// One issued version as the overview lists it.
pub struct IssuedView {
    pub id: String,
    pub number: i64,
    pub amount: String,
    pub issued_at: String,
    pub superseded: bool,
}

pub struct OverviewView {
    pub organisation_id: String,
    pub organisation_name: String,
    pub registered: String,
    pub approved: String,
    pub committed: String,
    pub amount: String,
    pub can_issue: bool,
    pub next_number: i64,
    pub issued: Vec<IssuedView>,
}

#[derive(Template)]
#[template(path = "declarations.html")]
pub struct DeclarationsPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub year: String,
    pub previous: Option<i32>,
    pub next: Option<i32>,
    pub rate: String,
    pub rows: Vec<OverviewView>,
}

impl DeclarationsPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

async fn overview_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    year_text: &str,
    mut errors: Vec<Problem>,
) -> Result<DeclarationsPage, AppError> {
    let this_year = super::cases::today().year();
    let year = match year_of("jaar", year_text) {
        Ok(y) => Some(y),
        Err(eenplan_app::Error::Invalid(mut p)) => {
            errors.append(&mut p);
            None
        }
        Err(e) => return Err(e.into()),
    };
    let rate = eenplan_app::declarations::hourly_rate(&app.store).await?;
    let rows = match year {
        Some(y) => overview_action(&app.store, &ctx.caller(), y).await?,
        None => Vec::new(),
    };
    let rows = rows
        .into_iter()
        .map(|r| OverviewView {
            can_issue: r.draft.approved_minutes > 0 && year.is_some_and(|y| y <= this_year),
            next_number: r.declarations.first().map_or(1, |d| d.number + 1),
            organisation_id: r.draft.organisation_id,
            organisation_name: r.draft.organisation_name,
            registered: hours_text(r.draft.registered_minutes),
            approved: hours_text(r.draft.approved_minutes),
            committed: hours_text(r.draft.committed_minutes),
            amount: format_euros_nl(r.draft.amount_cents),
            issued: r
                .declarations
                .into_iter()
                .map(|d| IssuedView {
                    id: d.id,
                    number: d.number,
                    amount: format_euros_nl(d.amount_cents),
                    issued_at: super::local_time(&d.issued_at),
                    superseded: d.superseded,
                })
                .collect(),
        })
        .collect();
    Ok(DeclarationsPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, "/lbt/declaraties"),
        errors,
        year: year.map_or_else(|| year_text.to_owned(), |y| y.to_string()),
        previous: year.map(|y| y - 1).filter(|y| *y >= 2000),
        next: year.map(|y| y + 1).filter(|y| *y <= this_year),
        rate: format_euros_nl(rate),
        rows,
    })
}

pub async fn overview(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let page = overview_page(&app, &ctx, lang, &q.jaar, Vec::new()).await?;
    let invalid = !page.errors.is_empty();
    let html = render(&page);
    Ok(form_page(html, invalid))
}

/// The issue button of a row: the declaration, then its printable page.
pub async fn issue(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = issue_action(&app.store, &ctx.caller(), &IssueDeclaration::from_form(&f))
        .await
        .map(|id| format!("/lbt/declaraties/{id}"));
    let year = f.get("year").to_owned();
    answer_form(result, |errors| {
        overview_page(&app, &ctx, lang, &year, errors)
    })
    .await
}

// ------------------------------------------------------------------ one declaration

pub struct ActivityView {
    pub team: String,
    pub activity: &'static str,
    pub hours: String,
    pub amount: String,
}

pub struct MemberView {
    pub name: String,
    pub registered: String,
    pub approved: String,
    pub committed: String,
}

/// A declaration as people read it (Dutch notation of hours and amounts).
pub struct DeclarationView {
    pub d: Declaration,
    pub rate: String,
    pub amount: String,
    pub registered: String,
    pub approved: String,
    pub committed: String,
    pub issued_at: String,
    pub activities: Vec<ActivityView>,
    pub members: Vec<MemberView>,
}

fn activity_label(a: HourActivity, lang: Lang) -> &'static str {
    lang.pick(a.label_nl(), a.label_en())
}

impl DeclarationView {
    pub fn new(d: Declaration, lang: Lang) -> DeclarationView {
        DeclarationView {
            rate: format_euros_nl(d.hourly_rate_cents),
            amount: format_euros_nl(d.amount_cents),
            registered: hours_text(d.registered_minutes),
            approved: hours_text(d.approved_minutes),
            committed: hours_text(d.committed_minutes),
            issued_at: super::local_time(&d.issued_at),
            activities: d
                .lines
                .activities
                .iter()
                .map(|l| ActivityView {
                    team: l.team_name.clone(),
                    activity: activity_label(l.activity, lang),
                    hours: hours_text(l.minutes),
                    amount: format_euros_nl(l.amount_cents),
                })
                .collect(),
            members: d
                .lines
                .members
                .iter()
                .map(|m| MemberView {
                    name: m.name.clone(),
                    registered: hours_text(m.registered_minutes),
                    approved: hours_text(m.approved_minutes),
                    committed: hours_text(m.committed_minutes),
                })
                .collect(),
            d,
        }
    }
}

#[derive(Template)]
#[template(path = "declaration.html")]
pub struct DeclarationPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub v: DeclarationView,
}

/// `/lbt/declaraties/{id}`: the printable page; `{id}.csv` and `{id}.xlsx` the downloads.
pub async fn show(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    if let Some(id) = file.strip_suffix(".csv") {
        let d = open_declaration(
            &app.store,
            &ctx.caller(),
            id,
            "declaration.export",
            Action::Export,
        )
        .await?;
        let body = csv_of(&d, lang)?;
        return Ok(download(&d, "csv", CSV_CONTENT_TYPE, body));
    }
    if let Some(id) = file.strip_suffix(".xlsx") {
        let d = open_declaration(
            &app.store,
            &ctx.caller(),
            id,
            "declaration.export",
            Action::Export,
        )
        .await?;
        let body = xlsx_of(&d, lang)?;
        return Ok(download(&d, "xlsx", XLSX_CONTENT_TYPE, body));
    }
    let d = open_declaration(
        &app.store,
        &ctx.caller(),
        &file,
        "declaration.read",
        Action::Read,
    )
    .await?;
    let html: Html<String> = page(&DeclarationPage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/lbt/declaraties"),
        v: DeclarationView::new(d, lang),
    })?;
    Ok(html.into_response())
}

/// A file name for the declaration: `declaratie-koraal-2025-v1.csv`.
pub fn file_name(d: &Declaration, ext: &str) -> String {
    let mut org = String::new();
    for c in d.organisation_name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            org.push(c);
        } else if !org.ends_with('-') {
            org.push('-');
        }
    }
    let org = org.trim_matches('-');
    let org = if org.is_empty() { "aanbieder" } else { org };
    format!("declaratie-{org}-{}-v{}.{ext}", d.year, d.number)
}

pub fn download(d: &Declaration, ext: &str, content_type: &'static str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file_name(d, ext)),
            ),
        ],
        body,
    )
        .into_response()
}

/// Amounts in a file: euros with a decimal comma, no thousands separator ("1250,00").
fn euros_plain(cents: i64) -> String {
    format!("{},{:02}", cents / 100, cents % 100)
}

/// The rows of a declaration for a file: the heading facts, the lines per team and
/// activity, the lines per member.
fn file_rows(d: &Declaration, lang: Lang) -> Vec<Vec<String>> {
    let l = |nl: &str, en: &str| lang.pick(nl, en).to_owned();
    let mut rows = vec![
        vec![
            l("Organisatie", "Organisation"),
            d.organisation_name.clone(),
        ],
        vec![
            l("AGB-code", "AGB code"),
            d.organisation_agb.clone().unwrap_or_default(),
        ],
        vec![l("Jaar", "Year"), d.year.to_string()],
        vec![l("Versie", "Version"), d.number.to_string()],
        vec![
            l(
                "Vervangen door een latere versie",
                "Superseded by a later version",
            ),
            if d.superseded {
                l("ja", "yes")
            } else {
                l("nee", "no")
            },
        ],
        vec![
            l("Opgemaakt op", "Issued on"),
            super::local_time(&d.issued_at),
        ],
        vec![l("Opgemaakt door", "Issued by"), d.issued_by_name.clone()],
        vec![
            l("Uurtarief (euro)", "Hourly rate (euros)"),
            euros_plain(d.hourly_rate_cents),
        ],
        vec![
            l("Uren geregistreerd", "Hours registered"),
            hours_text(d.registered_minutes),
        ],
        vec![
            l("Uren goedgekeurd", "Hours approved"),
            hours_text(d.approved_minutes),
        ],
        vec![
            l("Uren toegezegd", "Hours committed"),
            hours_text(d.committed_minutes),
        ],
        vec![
            l("Bedrag (euro)", "Amount (euros)"),
            euros_plain(d.amount_cents),
        ],
        vec![],
        vec![
            l("Team", "Team"),
            l("Activiteit", "Activity"),
            l("Uren goedgekeurd", "Hours approved"),
            l("Bedrag (euro)", "Amount (euros)"),
        ],
    ];
    for a in &d.lines.activities {
        rows.push(vec![
            a.team_name.clone(),
            activity_label(a.activity, lang).to_owned(),
            hours_text(a.minutes),
            euros_plain(a.amount_cents),
        ]);
    }
    rows.push(vec![]);
    rows.push(vec![
        l("Medewerker", "Member"),
        l("Uren geregistreerd", "Hours registered"),
        l("Uren goedgekeurd", "Hours approved"),
        l("Uren toegezegd", "Hours committed"),
    ]);
    for m in &d.lines.members {
        rows.push(vec![
            m.name.clone(),
            hours_text(m.registered_minutes),
            hours_text(m.approved_minutes),
            hours_text(m.committed_minutes),
        ]);
    }
    rows
}

/// The declaration as CSV the way Dutch spreadsheets open it: semicolons, decimal
/// commas, UTF-8 with a byte-order mark.
pub fn csv_of(d: &Declaration, lang: Lang) -> Result<Vec<u8>, AppError> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    for row in file_rows(d, lang) {
        if row.is_empty() {
            w.write_record([""]).map_err(AppError::internal)?;
        } else {
            let row: Vec<_> = row.iter().map(|c| spreadsheet_safe(c)).collect();
            w.write_record(row.iter().map(|c| c.as_ref()))
                .map_err(AppError::internal)?;
        }
    }
    w.into_inner().map_err(AppError::internal)
}

/// The declaration as an Excel workbook: hours and amounts as numbers.
pub fn xlsx_of(d: &Declaration, lang: Lang) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let l = |nl: &'static str, en: &'static str| lang.pick(nl, en);
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let hours = Format::new().set_num_format("0.00");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let x = |r: Result<&mut rust_xlsxwriter::Worksheet, rust_xlsxwriter::XlsxError>| {
        r.map(|_| ()).map_err(AppError::internal)
    };
    x(sheet.set_name(l("Declaratie", "Declaration")))?;
    x(sheet.set_column_width(0, 34))?;
    x(sheet.set_column_width(1, 28))?;
    x(sheet.set_column_width(2, 18))?;
    x(sheet.set_column_width(3, 18))?;
    let h = |minutes: i64| minutes as f64 / 60.0;
    let e = |cents: i64| cents as f64 / 100.0;
    let facts: [(&str, String); 7] = [
        (
            l("Organisatie", "Organisation"),
            d.organisation_name.clone(),
        ),
        (
            l("AGB-code", "AGB code"),
            d.organisation_agb.clone().unwrap_or_default(),
        ),
        (l("Jaar", "Year"), d.year.to_string()),
        (l("Versie", "Version"), d.number.to_string()),
        (
            l(
                "Vervangen door een latere versie",
                "Superseded by a later version",
            ),
            l(
                if d.superseded { "ja" } else { "nee" },
                if d.superseded { "yes" } else { "no" },
            )
            .to_owned(),
        ),
        (
            l("Opgemaakt op", "Issued on"),
            super::local_time(&d.issued_at),
        ),
        (l("Opgemaakt door", "Issued by"), d.issued_by_name.clone()),
    ];
    let mut row: u32 = 0;
    for (label, value) in facts {
        x(sheet.write_string_with_format(row, 0, label, &bold))?;
        x(sheet.write_string(row, 1, spreadsheet_safe(&value)))?;
        row += 1;
    }
    let numbers: [(&str, f64, &Format); 5] = [
        (
            l("Uurtarief (euro)", "Hourly rate (euros)"),
            e(d.hourly_rate_cents),
            &money,
        ),
        (
            l("Uren geregistreerd", "Hours registered"),
            h(d.registered_minutes),
            &hours,
        ),
        (
            l("Uren goedgekeurd", "Hours approved"),
            h(d.approved_minutes),
            &hours,
        ),
        (
            l("Uren toegezegd", "Hours committed"),
            h(d.committed_minutes),
            &hours,
        ),
        (
            l("Bedrag (euro)", "Amount (euros)"),
            e(d.amount_cents),
            &money,
        ),
    ];
    for (label, value, format) in numbers {
        x(sheet.write_string_with_format(row, 0, label, &bold))?;
        x(sheet.write_number_with_format(row, 1, value, format))?;
        row += 1;
    }
    row += 1;
    for (col, label) in [
        l("Team", "Team"),
        l("Activiteit", "Activity"),
        l("Uren goedgekeurd", "Hours approved"),
        l("Bedrag (euro)", "Amount (euros)"),
    ]
    .into_iter()
    .enumerate()
    {
        x(sheet.write_string_with_format(row, col as u16, label, &bold))?;
    }
    row += 1;
    for a in &d.lines.activities {
        x(sheet.write_string(row, 0, spreadsheet_safe(&a.team_name)))?;
        x(sheet.write_string(row, 1, activity_label(a.activity, lang)))?;
        x(sheet.write_number_with_format(row, 2, h(a.minutes), &hours))?;
        x(sheet.write_number_with_format(row, 3, e(a.amount_cents), &money))?;
        row += 1;
    }
    row += 1;
    for (col, label) in [
        l("Medewerker", "Member"),
        l("Uren geregistreerd", "Hours registered"),
        l("Uren goedgekeurd", "Hours approved"),
        l("Uren toegezegd", "Hours committed"),
    ]
    .into_iter()
    .enumerate()
    {
        x(sheet.write_string_with_format(row, col as u16, label, &bold))?;
    }
    row += 1;
    for m in &d.lines.members {
        x(sheet.write_string(row, 0, spreadsheet_safe(&m.name)))?;
        x(sheet.write_number_with_format(row, 1, h(m.registered_minutes), &hours))?;
        x(sheet.write_number_with_format(row, 2, h(m.approved_minutes), &hours))?;
        x(sheet.write_number_with_format(row, 3, h(m.committed_minutes), &hours))?;
        row += 1;
    }
    book.save_to_buffer().map_err(AppError::internal)
}
