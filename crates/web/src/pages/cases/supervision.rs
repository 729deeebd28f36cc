//! Supervision: the break-the-glass review and moving a leaving worker's caseload.

use super::*;

// ------------------------------------------------------------------ supervision

#[derive(Template)]
#[template(path = "break_glass_review.html")]
pub struct BreakGlassPage {
    pub t: Tr,
    pub chrome: Chrome,
    /// Each access with its local time.
    pub rows: Vec<(cases::BreakGlassAccess, String)>,
}

pub async fn break_glass_review(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    let rows = case_access::break_glass_accesses(&app.store, &ctx.caller())
        .await?
        .into_iter()
        .map(|r| {
            let at = crate::pages::local_time(&r.at);
            (r, at)
        })
        .collect();
    page(&BreakGlassPage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/team/doorbraken"),
        rows,
    })
}

pub async fn mark_reviewed(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    case_access::mark_reviewed(&app.store, &ctx.caller(), &id).await?;
    Ok(Redirect::to("/team/doorbraken").into_response())
}

#[derive(Template)]
#[template(path = "transfer.html")]
pub struct TransferPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub f: Fields,
    pub teams: Vec<TeamOption>,
    pub moved: Option<u64>,
}

/// A team and its workers, for the transfer form.
pub struct TeamOption {
    pub id: String,
    pub name: String,
    pub members: Vec<(String, String)>,
}

impl TransferPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

async fn transfer_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    f: Fields,
    errors: Vec<Problem>,
    moved: Option<u64>,
) -> Result<TransferPage, AppError> {
    let mut teams = Vec::new();
    for (id, name) in cases::teams_of(&app.store, &ctx.principal.user_id).await? {
        let members = cases::team_members(&app.store, &id)
            .await?
            .into_iter()
            .filter(|(_, _, role)| {
                Role::parse(role).is_some_and(|r| policy::allows(r, Permission::RegisterCases))
            })
            .map(|(id, name, _)| (id, name))
            .collect();
        teams.push(TeamOption { id, name, members });
    }
    Ok(TransferPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, "/team/overdragen"),
        errors,
        f,
        teams,
        moved,
    })
}

#[derive(Deserialize, Default)]
pub struct TransferQuery {
    #[serde(default)]
    pub verplaatst: Option<u64>,
}

pub async fn show_transfer(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Query(q): Query<TransferQuery>,
) -> Result<Html<String>, AppError> {
    page(
        &transfer_page(
            &app,
            &ctx,
            lang,
            Fields::default(),
            Vec::new(),
            q.verplaatst,
        )
        .await?,
    )
}

pub async fn transfer(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let t = app_cases::TransferCaseload::from_form(&f);
    match app_cases::transfer_caseload(&app.store, &ctx.caller(), &t).await {
        Ok(n) => Ok(Redirect::to(&format!("/team/overdragen?verplaatst={n}")).into_response()),
        Err(eenplan_app::Error::Invalid(errors)) => Ok(invalid_form(render(
            &transfer_page(&app, &ctx, lang, f, errors, None).await?,
        ))),
        Err(e) => Err(e.into()),
    }
}
