//! The cost page: the cost of access per municipality and period.

use super::*;
use eenplan_app::costs as app_costs;

// ------------------------------------------------------------------ costs

#[derive(Debug, serde::Deserialize, Default)]
pub struct CostQuery {
    #[serde(default)]
    pub gemeente: String,
    #[serde(default)]
    pub van: String,
    #[serde(default)]
    pub tot: String,
}

#[derive(Template)]
#[template(path = "costs.html")]
pub struct CostsPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub q: CostQuery,
    pub municipalities: Vec<(String, String)>,
    pub report: Option<eenplan_app::costs::CostView>,
}

pub async fn costs(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Query(mut q): Query<CostQuery>,
) -> Result<Response, AppError> {
    let own = own_municipality(&app.store, &ctx.caller()).await?;
    let mut municipalities = eenplan_store::codelists::municipalities(&app.store)
        .await?
        .into_iter()
        .map(|m| (m.code, m.name))
        .collect::<Vec<_>>();
    if let Some(own) = &own {
        municipalities.retain(|(c, _)| c == own);
        if q.gemeente.is_empty() {
            q.gemeente = own.clone();
        }
    }
    let today = today();
    if q.van.is_empty() {
        q.van = format!("{}-01-01", chrono::Datelike::year(&today));
    }
    if q.tot.is_empty() {
        q.tot = format!("{}-12-31", chrono::Datelike::year(&today));
    }
    let mut errors = Vec::new();
    let from = required_date(&mut errors, "van", &q.van);
    let to = required_date(&mut errors, "tot", &q.tot);
    let mut report = None;
    if let (Some(from), Some(to), true, false) =
        (from, to, errors.is_empty(), q.gemeente.is_empty())
    {
        let caller = ctx.caller();
        let asked = app_costs::report(&app.store, &caller, &q.gemeente, from, to, Action::Read);
        match asked.await {
            Ok(r) => report = Some(r),
            // The form's names: gemeente, van, tot.
            Err(eenplan_app::Error::Invalid(problems)) => {
                errors.extend(problems.into_iter().map(|mut p| {
                    p.field = match p.field.as_str() {
                        "from" => "van",
                        "to" => "tot",
                        _ => "gemeente",
                    }
                    .into();
                    p
                }))
            }
            Err(e) => return Err(e.into()),
        }
    }
    let invalid = !errors.is_empty();
    let html = render(&CostsPage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/kosten"),
        errors,
        q,
        municipalities,
        report,
    });
    Ok(form_page(html, invalid))
}

impl CostsPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}
