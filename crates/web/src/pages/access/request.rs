//! The access request page and its steps (submit, four-eyes review, withdraw).

use super::*;

// ------------------------------------------------------------------ the request page

/// A request as the pages show it.
pub struct RequestView {
    pub r: AccessRequest,
    pub status: &'static str,
    pub variant: &'static str,
    pub funding: &'static str,
    pub referrer: &'static str,
    pub unit: &'static str,
    pub frequency: &'static str,
    pub pgb: String,
    pub start: String,
    pub end: String,
    pub intake: String,
    /// (result text, the plan goal it serves)
    pub results: Vec<(String, String)>,
}

impl RequestView {
    /// `goals`: the family plan's goals (id, text) as the viewer's grant shows them; none
    /// in the provider's view, which does not see the plan.
    pub fn new(r: AccessRequest, lang: Lang, goals: &[(String, String)]) -> RequestView {
        let e = &r.effort;
        RequestView {
            status: lang.pick(r.status.label_nl(), r.status.label_en()),
            variant: lang.pick(r.variant.label_nl(), r.variant.label_en()),
            funding: lang.pick(r.funding.label_nl(), r.funding.label_en()),
            referrer: lang.pick(r.referrer_type.label_nl(), r.referrer_type.label_en()),
            unit: e.unit.map_or("", |u| lang.pick(u.label_nl(), u.label_en())),
            frequency: e
                .frequency
                .map_or("", |u| lang.pick(u.label_nl(), u.label_en())),
            pgb: e.pgb_cents.map(euros).unwrap_or_default(),
            start: od(e.start_on),
            end: od(e.end_on),
            intake: od(r.intake_on),
            results: r
                .results
                .iter()
                .map(|res| {
                    let goal = res
                        .goal_id
                        .as_ref()
                        .and_then(|g| goals.iter().find(|(id, _)| id == g))
                        .map(|(_, text)| text.clone())
                        .unwrap_or_default();
                    (res.text.clone(), goal)
                })
                .collect(),
            r,
        }
    }
}

#[derive(Template)]
#[template(path = "access_request.html")]
pub struct RequestPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub h: crate::pages::cases::CaseHeader,
    pub errors: Vec<Problem>,
    pub v: RequestView,
    pub may_run: bool,
    /// A reviewer other than the author, on a request in review.
    pub may_review: bool,
    pub own_request: bool,
    pub comment: String,
}

impl RequestPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

async fn request_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    id: &str,
    errors: Vec<Problem>,
    comment: String,
) -> Result<RequestPage, AppError> {
    let r = load_request(&app.store, id).await?;
    let grant = open_access_object(
        &app.store,
        &ctx.caller(),
        &r.case_id,
        &r.family_id,
        "access.request.read",
        ("access_request", id),
    )
    .await?;
    let reviewer = policy::allows(ctx.principal.role, Permission::ReviewAccess);
    let own = r.author_id == ctx.principal.user_id;
    Ok(RequestPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, &format!("/toegang/{id}")),
        may_run: grant.may_run(),
        may_review: reviewer && grant.may_run() && r.status == RequestStatus::InReview && !own,
        // Said to a reviewer, who could otherwise expect to approve it.
        own_request: own && reviewer,
        h: crate::pages::cases::CaseHeader::new(&grant, lang),
        errors,
        v: RequestView::new(r, lang, &plan_goals(&app.store, &grant).await?),
        comment,
    })
}

pub async fn show_request(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    page(&request_page(&app, &ctx, lang, &id, Vec::new(), String::new()).await?)
}

async fn request_step(
    app: AppState,
    lang: Lang,
    ctx: AuthContext,
    id: String,
    step: RequestStep,
    f: Fields,
) -> Result<Response, AppError> {
    let c = app_access::TakeStep::from_form(step, &f);
    match app_access::take_step(&app.store, &ctx.caller(), &id, &c).await {
        Ok(Some(decision)) => {
            Ok(Redirect::to(&format!("/beschikkingen/{decision}")).into_response())
        }
        Ok(None) => Ok(Redirect::to(&format!("/toegang/{id}")).into_response()),
        Err(eenplan_app::Error::Invalid(errors)) => {
            let comment = f.get("comment").trim().to_owned();
            Ok(invalid_form(render(
                &request_page(&app, &ctx, lang, &id, errors, comment).await?,
            )))
        }
        Err(e) => Err(e.into()),
    }
}

macro_rules! step_handler {
    ($name:ident, $step:expr) => {
        pub async fn $name(
            State(app): State<AppState>,
            lang: Lang,
            Auth(ctx): Auth,
            Path(id): Path<String>,
            CsrfForm(f): CsrfForm<Fields>,
        ) -> Result<Response, AppError> {
            request_step(app, lang, ctx, id, $step, f).await
        }
    };
}
step_handler!(request_step_submit, RequestStep::Submit);
step_handler!(request_step_withdraw, RequestStep::Withdraw);
step_handler!(request_step_approve, RequestStep::Approve);
step_handler!(request_step_send_back, RequestStep::SendBack);
