//! Registration: the one page where a question is registered, with the duplicate check.

use super::*;

// ------------------------------------------------------------------ registration page

#[derive(Template)]
#[template(path = "registration.html")]
pub struct RegistrationPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub f: Fields,
    pub municipalities: Vec<(String, String)>,
    pub channels: Vec<(String, String)>,
    pub problem_areas: Vec<(String, String)>,
    /// Likely duplicates per youth row.
    pub duplicates: Vec<(usize, Vec<Match>)>,
    pub youth_rows: Vec<usize>,
    pub parent_rows: Vec<usize>,
}

impl RegistrationPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
    pub fn field(&self, i: &usize, name: &str) -> String {
        format!("youths.{i}.{name}")
    }
    pub fn pfield(&self, i: &usize, name: &str) -> String {
        format!("parents.{i}.{name}")
    }
    pub fn yv(&self, i: &usize, name: &str) -> &str {
        self.f.get(&format!("youths.{i}.{name}"))
    }
    pub fn ye(&self, i: &usize, name: &str) -> bool {
        self.has_error(&format!("youths.{i}.{name}"))
    }
    pub fn pv(&self, i: &usize, name: &str) -> &str {
        self.f.get(&format!("parents.{i}.{name}"))
    }
    pub fn pe(&self, i: &usize, name: &str) -> bool {
        self.has_error(&format!("parents.{i}.{name}"))
    }
    /// A BSN match: can only be linked, not confirmed as a different child.
    pub fn certain(&self, i: &usize) -> bool {
        self.matches_for(i)
            .is_some_and(|m| m.iter().any(|m| m.same_bsn))
    }
    pub fn matches_for(&self, i: &usize) -> Option<&Vec<Match>> {
        self.duplicates.iter().find(|(r, _)| r == i).map(|(_, m)| m)
    }
}

async fn code_options(
    store: &Store,
    list: CodeList,
    lang: Lang,
) -> Result<Vec<(String, String)>, AppError> {
    Ok(codelists::items(store, list)
        .await?
        .into_iter()
        .map(|i| {
            let label = if lang == Lang::En {
                i.label_en
            } else {
                i.label_nl
            };
            (i.code, label)
        })
        .collect())
}

async fn registration_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    f: Fields,
    errors: Vec<Problem>,
    duplicates: Vec<(usize, Vec<Match>)>,
) -> Result<RegistrationPage, AppError> {
    Ok(RegistrationPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, "/aanmelden"),
        errors,
        f,
        municipalities: codelists::municipalities(&app.store)
            .await?
            .into_iter()
            .map(|m| (m.code, m.name))
            .collect(),
        channels: code_options(&app.store, CodeList::ReferralChannel, lang).await?,
        problem_areas: code_options(&app.store, CodeList::ProblemArea, lang).await?,
        duplicates,
        youth_rows: (0..YOUTH_ROWS).collect(),
        parent_rows: (0..PARENT_ROWS).collect(),
    })
}

pub async fn new_registration(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    let mut f = Fields::default();
    f.set("registered_on", today().to_string());
    // The municipality of the worker's (first) local team as the default.
    let code = cases::home_municipality(&app.store, &ctx.principal.user_id).await?;
    f.set("municipality_code", code.unwrap_or_default());
    page(&registration_page(&app, &ctx, lang, f, Vec::new(), Vec::new()).await?)
}

pub async fn create_registration(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let fields = RegistrationFields::from_form(&f);
    match app_registration::register(&app.store, &ctx.caller(), &fields).await {
        Ok(Outcome::Registered(done)) => Ok(Redirect::to(&format!(
            "/casussen/{}?aangemeld={}",
            done.case_id, done.outcome
        ))
        .into_response()),
        Ok(Outcome::Duplicates { problems, matches }) => Ok(invalid_form(render(
            &registration_page(&app, &ctx, lang, f, problems, matches).await?,
        ))),
        Err(eenplan_app::Error::Invalid(errors)) => Ok(invalid_form(render(
            &registration_page(&app, &ctx, lang, f, errors, Vec::new()).await?,
        ))),
        Err(e) => Err(e.into()),
    }
}
