//! Evaluations: recording one, and the work lists of those due.

use super::*;

// ------------------------------------------------------------------ evaluations

#[derive(Template)]
#[template(path = "evaluation.html")]
pub struct EvaluationPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub h: crate::pages::cases::CaseHeader,
    pub errors: Vec<Problem>,
    pub f: Fields,
    pub v: DecisionView,
    pub row: EvaluationRow,
    /// (result id, text)
    pub results: Vec<(String, String)>,
    pub scores: Vec<Labelled>,
    pub outcomes: Vec<Labelled>,
    pub may_run: bool,
    pub today: String,
}

impl EvaluationPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
    pub fn score_of(&self, result_id: &str) -> &str {
        self.row
            .e
            .scores
            .iter()
            .find(|s| s.result_id == result_id)
            .map_or("", |s| s.score.as_str())
    }
}

async fn evaluation_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    decision_id: &str,
    evaluation_id: &str,
    f: Fields,
    errors: Vec<Problem>,
) -> Result<EvaluationPage, AppError> {
    let d = load_decision(&app.store, decision_id).await?;
    let grant = open_access_object(
        &app.store,
        &ctx.caller(),
        &d.case_id,
        &d.family_id,
        "evaluation.read",
        ("evaluation", evaluation_id),
    )
    .await?;
    let e = eenplan_app::access::evaluations(&app.store, decision_id)
        .await?
        .into_iter()
        .find(|e| e.id == evaluation_id)
        .ok_or(AppError::NotFound)?;
    let request = load_request(&app.store, &d.request_id).await?;
    let today = today();
    Ok(EvaluationPage {
        t: Tr(lang),
        chrome: Chrome::for_user(
            ctx,
            lang,
            app.config.demo_mode,
            &format!("/beschikkingen/{decision_id}"),
        ),
        h: crate::pages::cases::CaseHeader::new(&grant, lang),
        errors,
        f,
        results: request
            .results
            .iter()
            .map(|r| (r.id.clone(), r.text.clone()))
            .collect(),
        row: EvaluationRow {
            kind: lang.pick(e.kind.label_nl(), e.kind.label_en()),
            due: self::d(e.due_on),
            done: od(e.done_on),
            outcome: e
                .outcome
                .map_or("", |o| lang.pick(o.label_nl(), o.label_en())),
            overdue: e.done_on.is_none() && e.due_on < today,
            e,
        },
        v: DecisionView::new(d, lang),
        scores: labels(
            ResultScore::ALL,
            ResultScore::as_str,
            ResultScore::label_nl,
            ResultScore::label_en,
            lang,
        ),
        outcomes: labels(
            EvaluationOutcome::ALL,
            EvaluationOutcome::as_str,
            EvaluationOutcome::label_nl,
            EvaluationOutcome::label_en,
            lang,
        ),
        may_run: grant.may_run(),
        today: today.to_string(),
    })
}

pub async fn show_evaluation(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path((decision_id, evaluation_id)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let mut f = Fields::default();
    f.set("done_on", today().to_string());
    page(
        &evaluation_page(
            &app,
            &ctx,
            lang,
            &decision_id,
            &evaluation_id,
            f,
            Vec::new(),
        )
        .await?,
    )
}

pub async fn record_evaluation(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path((decision_id, evaluation_id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = app_access::record_evaluation(
        &app.store,
        &ctx.caller(),
        &decision_id,
        &evaluation_id,
        &app_access::RecordEvaluation::from_form(&f),
    )
    .await
    .map(|()| format!("/beschikkingen/{decision_id}"));
    answer_form(result, |errors| {
        evaluation_page(&app, &ctx, lang, &decision_id, &evaluation_id, f, errors)
    })
    .await
}

#[derive(Template)]
#[template(path = "evaluations_due.html")]
pub struct DuePage {
    pub t: Tr,
    pub chrome: Chrome,
    pub team: bool,
    pub rows: Vec<(monitoring::DueEvaluation, &'static str, String)>,
}

async fn due_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    team: bool,
) -> Result<Html<String>, AppError> {
    let user = &ctx.principal.user_id;
    let scope = if team {
        Scope::Team(user)
    } else {
        Scope::Worker(user)
    };
    let rows: Vec<_> = monitoring::due(&app.store, scope, today())
        .await?
        .into_iter()
        .map(|r| {
            let kind = lang.pick(r.kind.label_nl(), r.kind.label_en());
            let due = self::d(r.due_on);
            (r, kind, due)
        })
        .collect();
    case_access::record_list(
        &app.store,
        &ctx.caller(),
        "evaluations.read",
        rows.iter().map(|(r, _, _)| r.case_id.clone()),
    )
    .await?;
    let path = if team {
        "/team/evaluaties"
    } else {
        "/evaluaties"
    };
    page(&DuePage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, path),
        team,
        rows,
    })
}

pub async fn my_evaluations(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    due_page(&app, &ctx, lang, false).await
}

pub async fn team_evaluations(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    due_page(&app, &ctx, lang, true).await
}

#[derive(Template)]
#[template(path = "review_queue.html")]
pub struct ReviewQueuePage {
    pub t: Tr,
    pub chrome: Chrome,
    pub rows: Vec<RequestView>,
    pub user_id: String,
}

/// The requests of the reviewer's teams waiting for four eyes.
pub async fn review_queue(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    let requests = store_access::review_queue(&app.store, &ctx.principal.user_id).await?;
    case_access::record_list(
        &app.store,
        &ctx.caller(),
        "review_queue.read",
        requests.iter().map(|r| r.case_id.clone()),
    )
    .await?;
    let mut rows = Vec::new();
    for r in requests {
        // The reviewer holds the case through the team; the goals come with that grant.
        let grant = case_access::open(&app.store, &ctx.caller(), &r.case_id).await?;
        let goals = plan_goals(&app.store, &grant).await?;
        rows.push(RequestView::new(r, lang, &goals));
    }
    page(&ReviewQueuePage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/team/beoordelen"),
        rows,
        user_id: ctx.principal.user_id.clone(),
    })
}
