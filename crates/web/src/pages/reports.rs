//! Management information (domain brief, section 3.7): the list of reports, a report as
//! a page (chart and table with the same figures), as CSV and XLSX downloads, and the
//! budgets the costs report compares against.
//!
//! Access: `ViewReports` (the route group). Only the CJG's behavioural scientists see
//! counts below the threshold (`policy::sees_small_counts`); everyone else gets "<5"
//! and the figures that would reveal one hidden too. A policy officer's costs report is
//! their own municipality's. Reports hold no client data; each view and download is
//! audited all the same. The run itself is `eenplan_app::reports::run_for`.

use super::{Chrome, Fields, answer_form, form_page, has_error, render};
use crate::AppState;
use crate::auth::{Auth, AuthContext};
use crate::download::{csv_response, xlsx_response};
use crate::error::{AppError, Problem};
use crate::extract::{CsrfForm, Query};
use crate::i18n::{Lang, Tr};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use eenplan_app::reports::{Ask, own_municipality, run_for, set_budget_action};
use eenplan_domain::access::format_euros_nl;
use eenplan_domain::policy;
use eenplan_reports::Value;
use eenplan_store::audit::Action;
use eenplan_store::budgets::{self, Budget};
use serde::Deserialize;

// ------------------------------------------------------------------ list

pub struct ReportLink {
    pub name: &'static str,
    pub title: &'static str,
    pub about: &'static str,
}

#[derive(Template)]
#[template(path = "reports.html")]
pub struct ReportsPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub reports: Vec<ReportLink>,
    pub budgets: bool,
}

pub async fn index(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Response, AppError> {
    let en = lang == Lang::En;
    Ok(render(&ReportsPage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/rapportages"),
        reports: eenplan_reports::REPORTS
            .iter()
            .map(|d| ReportLink {
                name: d.name,
                title: d.title(en),
                about: d.about(en),
            })
            .collect(),
        budgets: policy::allows(
            ctx.principal.role,
            eenplan_domain::policy::Permission::ManageBudgets,
        ),
    })
    .into_response())
}

// ------------------------------------------------------------------ one report

/// The form's fields, in Dutch.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    pub van: String,
    #[serde(default)]
    pub tot: String,
    #[serde(default)]
    pub gebied: String,
}

impl ReportQuery {
    fn ask(&self) -> Ask {
        Ask {
            from: Some(self.van.clone()),
            to: Some(self.tot.clone()),
            year: None,
            area: Some(self.gebied.clone()),
        }
    }

    /// The query string of the downloads.
    pub fn link(&self) -> String {
        let enc = |s: &str| {
            s.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect::<String>()
        };
        format!(
            "van={}&tot={}&gebied={}",
            enc(&self.van),
            enc(&self.tot),
            enc(&self.gebied)
        )
    }
}

pub struct Cell {
    pub text: String,
    pub numeric: bool,
}

pub struct ViewRow {
    pub cells: Vec<Cell>,
    pub total: bool,
}

#[derive(Template)]
#[template(path = "report.html")]
pub struct ReportPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub name: &'static str,
    pub title: &'static str,
    pub about: &'static str,
    pub q: ReportQuery,
    pub areas: Vec<(String, String)>,
    pub headers: Vec<&'static str>,
    pub rows: Vec<ViewRow>,
    pub chart: String,
    pub shown: bool,
    pub hidden_note: Option<i64>,
}

impl ReportPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

/// A figure as the page shows it: Dutch or English number formatting.
fn display(v: &Value, lang: Lang, min: i64) -> Cell {
    let numeric = !matches!(v, Value::Text(_) | Value::Code { .. } | Value::Empty);
    let text = match v {
        Value::Text(s) => s.clone(),
        Value::Code { nl, en, .. } => if lang == Lang::En { en } else { nl }.clone(),
        Value::Count(n) | Value::Days(n) => n.to_string(),
        Value::Percent(h) => {
            let s = eenplan_reports::hundredths(*h);
            format!(
                "{} %",
                if lang == Lang::En {
                    s
                } else {
                    s.replace('.', ",")
                }
            )
        }
        Value::Cents(c) => format_euros_nl(*c),
        Value::Empty => String::new(),
        Value::Suppressed => format!("<{min}"),
        Value::Hidden => "x".to_owned(),
    };
    Cell { text, numeric }
}

/// `/rapportages/{name}`: the page; `{name}.csv` and `{name}.xlsx` the downloads.
pub async fn show(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(file): Path<String>,
    Query(mut q): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let year = eenplan_store::today().year();
    if q.van.is_empty() && q.tot.is_empty() {
        q.van = format!("{year}-01-01");
        q.tot = format!("{year}-12-31");
    }
    if let Some(name) = file.strip_suffix(".csv") {
        let r = run_for(&app.store, &ctx.caller(), name, &q.ask(), Action::Export).await?;
        return Ok(csv_response(&r));
    }
    if let Some(name) = file.strip_suffix(".xlsx") {
        let r = run_for(&app.store, &ctx.caller(), name, &q.ask(), Action::Export).await?;
        return xlsx_response(&r, lang);
    }
    let definition = eenplan_reports::find(&file).ok_or(AppError::NotFound)?;
    let en = lang == Lang::En;
    let mut areas = eenplan_reports::areas(&app.store).await?;
    let mut page = ReportPage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/rapportages"),
        errors: Vec::new(),
        name: definition.name,
        title: definition.title(en),
        about: definition.about(en),
        q: q.clone(),
        areas: Vec::new(),
        headers: Vec::new(),
        rows: Vec::new(),
        chart: String::new(),
        shown: false,
        hidden_note: None,
    };
    match run_for(&app.store, &ctx.caller(), &file, &q.ask(), Action::Read).await {
        Ok(r) => {
            page.headers = r
                .table
                .columns
                .iter()
                .map(|c| if en { c.en } else { c.nl })
                .collect();
            page.rows = r
                .table
                .rows
                .iter()
                .map(|row| ViewRow {
                    cells: row
                        .cells
                        .iter()
                        .map(|v| display(v, lang, r.min_count))
                        .collect(),
                    total: row.total,
                })
                .collect();
            page.chart = eenplan_reports::svg(&r, en, "chart");
            page.shown = true;
            page.hidden_note = r.suppressed.then_some(r.min_count);
            if let Some(area) = &r.params.area
                && definition.name == "costs"
            {
                areas.retain(|(code, _)| code == area);
                page.q.gebied = area.clone();
            }
        }
        Err(eenplan_app::Error::Invalid(problems)) => {
            // The form's fields are Dutch.
            page.errors = problems
                .into_iter()
                .map(|mut p| {
                    p.field = match p.field.as_str() {
                        "from" | "year" => "van",
                        "to" => "tot",
                        "area" => "gebied",
                        other => other,
                    }
                    .to_owned();
                    p
                })
                .collect();
        }
        Err(e) => return Err(e.into()),
    }
    page.areas = areas;
    let invalid = !page.errors.is_empty();
    let html = render(&page);
    Ok(form_page(html, invalid))
}

// ------------------------------------------------------------------ budgets

#[derive(Template)]
#[template(path = "budgets.html")]
pub struct BudgetsPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub municipality: String,
    pub budgets: Vec<(Budget, String)>,
    pub f: Fields,
}

impl BudgetsPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

pub async fn budgets_page(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Response, AppError> {
    let page = budgets_form(&app, &ctx, lang, Fields::default(), Vec::new()).await?;
    Ok(render(&page).into_response())
}

async fn budgets_form(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    f: Fields,
    errors: Vec<Problem>,
) -> Result<BudgetsPage, AppError> {
    let municipality = own_municipality(&app.store, &ctx.caller()).await?;
    let budgets = budgets::list(&app.store, Some(&municipality))
        .await?
        .into_iter()
        .map(|b| {
            let text = format_euros_nl(b.amount_cents);
            (b, text)
        })
        .collect();
    Ok(BudgetsPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, "/rapportages"),
        errors,
        municipality,
        budgets,
        f,
    })
}

pub async fn save_budget(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(form): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let version = form.get("version").trim().parse().ok();
    let result = set_budget_action(
        &app.store,
        &ctx.caller(),
        form.get("year"),
        form.get("amount"),
        version,
        false,
    )
    .await
    .map(|()| "/rapportages/budgetten".to_owned());
    answer_form(result, |errors| {
        budgets_form(&app, &ctx, lang, form.clone(), errors)
    })
    .await
}
