//! The decision: its page, changes, time spent and the letter to the family.

use super::*;

// ------------------------------------------------------------------ the decision

pub struct DecisionView {
    pub d: Decision,
    pub funding: &'static str,
    pub unit: &'static str,
    pub frequency: &'static str,
    pub effort: String,
    pub estimated: String,
    pub unit_price: String,
    pub total_units: String,
    pub start: String,
    pub end: String,
    pub ended: String,
    pub end_reason: &'static str,
    pub actual_start: String,
    pub actual_end: String,
    pub decided_on: String,
    pub pgb: String,
}

impl DecisionView {
    pub fn new(d: Decision, lang: Lang) -> DecisionView {
        let unit = d.unit.map_or("", |u| lang.pick(u.label_nl(), u.label_en()));
        let frequency = d
            .frequency
            .map_or("", |u| lang.pick(u.label_nl(), u.label_en()));
        DecisionView {
            funding: lang.pick(d.funding.label_nl(), d.funding.label_en()),
            unit,
            frequency,
            effort: match (d.volume, d.unit) {
                (Some(v), Some(u)) => format!(
                    "{v} {} {}",
                    unit_count(u, v, lang),
                    frequency.to_lowercase()
                ),
                _ => String::new(),
            },
            estimated: euros(d.estimated_cents),
            unit_price: d.unit_price_cents.map(euros).unwrap_or_default(),
            total_units: units_text(d.units_x100),
            start: self::d(d.start_on),
            end: self::d(d.end_on),
            ended: od(d.ended_on),
            end_reason: d
                .end_reason
                .map_or("", |r| lang.pick(r.label_nl(), r.label_en())),
            actual_start: od(d.actual_start_on),
            actual_end: od(d.actual_end_on),
            decided_on: self::d(d.decided_on),
            pgb: d.pgb_cents.map(euros).unwrap_or_default(),
            d,
        }
    }
}

pub struct EvaluationRow {
    pub e: monitoring::Evaluation,
    pub kind: &'static str,
    pub due: String,
    pub done: String,
    pub outcome: &'static str,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "decision.html")]
pub struct DecisionPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub h: crate::pages::cases::CaseHeader,
    pub errors: Vec<Problem>,
    pub f: Fields,
    pub v: DecisionView,
    pub results: Vec<(String, String)>,
    pub versions: Vec<(i64, String, String, String)>,
    pub evaluations: Vec<EvaluationRow>,
    pub minutes: i64,
    pub may_run: bool,
    pub end_reasons: Vec<Labelled>,
    pub frequencies: Vec<Labelled>,
    pub today: String,
}

impl DecisionPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

async fn decision_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    id: &str,
    f: Fields,
    errors: Vec<Problem>,
) -> Result<DecisionPage, AppError> {
    let d = load_decision(&app.store, id).await?;
    let grant = open_access_object(
        &app.store,
        &ctx.caller(),
        &d.case_id,
        &d.family_id,
        "decision.read",
        ("decision", id),
    )
    .await?;
    let request = load_request(&app.store, &d.request_id).await?;
    let today = today();
    let evaluations = eenplan_app::access::evaluations(&app.store, id)
        .await?
        .into_iter()
        .map(|e| EvaluationRow {
            kind: lang.pick(e.kind.label_nl(), e.kind.label_en()),
            due: self::d(e.due_on),
            done: od(e.done_on),
            outcome: e
                .outcome
                .map_or("", |o| lang.pick(o.label_nl(), o.label_en())),
            overdue: e.done_on.is_none() && e.due_on < today,
            e,
        })
        .collect();
    let versions = store_access::decision_versions(&app.store, id)
        .await?
        .into_iter()
        .map(|v| {
            let est = v.snapshot["estimated_cents"]
                .as_i64()
                .map(euros)
                .unwrap_or_default();
            let end = v.snapshot["ended_on"]
                .as_str()
                .or(v.snapshot["end_on"].as_str())
                .map(crate::pages::local_date)
                .unwrap_or_default();
            (
                v.version,
                v.reason,
                format!(
                    "{} · {}",
                    v.changed_by,
                    crate::pages::local_time(&v.changed_at)
                ),
                format!("{est} · {end}"),
            )
        })
        .collect();
    let mut f = f;
    if f.0.is_empty() {
        f.set(
            "volume",
            d.volume.map(|v| v.to_string()).unwrap_or_default(),
        );
        f.set("frequency", d.frequency.map_or("", Frequency::as_str));
        f.set("end_on", d.end_on.to_string());
        f.set(
            "pgb_amount",
            d.pgb_cents
                .map(|c| format!("{},{:02}", c / 100, c % 100))
                .unwrap_or_default(),
        );
    }
    Ok(DecisionPage {
        t: Tr(lang),
        chrome: Chrome::for_user(
            ctx,
            lang,
            app.config.demo_mode,
            &format!("/beschikkingen/{id}"),
        ),
        may_run: grant.may_run(),
        h: crate::pages::cases::CaseHeader::new(&grant, lang),
        errors,
        f,
        minutes: monitoring::minutes_spent(&app.store, id).await?,
        results: RequestView::new(request, lang, &plan_goals(&app.store, &grant).await?).results,
        v: DecisionView::new(d, lang),
        versions,
        evaluations,
        end_reasons: labels(
            EndReason::ALL,
            EndReason::as_str,
            EndReason::label_nl,
            EndReason::label_en,
            lang,
        ),
        frequencies: labels(
            Frequency::ALL,
            Frequency::as_str,
            Frequency::label_nl,
            Frequency::label_en,
            lang,
        ),
        today: today.to_string(),
    })
}

pub async fn show_decision(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    page(&decision_page(&app, &ctx, lang, &id, Fields::default(), Vec::new()).await?)
}

/// A change (new version: volume, frequency, end date or budget) or an early end.
pub async fn change_decision(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = app_access::change_decision(
        &app.store,
        &ctx.caller(),
        &id,
        &app_access::ChangeDecision::from_form(&f),
    )
    .await
    // This page holds more than one form: the change's reason is `change_reason` here.
    .map_err(|e| e.form_names(|n| (n == "reason").then(|| "change_reason".into())))
    .map(|()| format!("/beschikkingen/{id}"));
    answer_form(result, |errors| {
        decision_page(&app, &ctx, lang, &id, f, errors)
    })
    .await
}

/// Time spent on monitoring (a call, a visit) outside an evaluation.
pub async fn add_time(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = app_access::spend_time(
        &app.store,
        &ctx.caller(),
        &id,
        &app_access::SpendTime::from_form(&f),
    )
    .await
    .map_err(|e| e.form_names(|n| matches!(n, "on" | "note").then(|| format!("time_{n}"))))
    .map(|()| format!("/beschikkingen/{id}#monitoring"));
    answer_form(result, |errors| {
        decision_page(&app, &ctx, lang, &id, f, errors)
    })
    .await
}

#[derive(Template)]
#[template(path = "decision_letter.html")]
pub struct LetterPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub v: DecisionView,
    pub results: Vec<(String, String)>,
    pub reason: String,
    pub parents: Vec<String>,
}

/// The decision letter for the family, in plain Dutch, to print.
pub async fn decision_letter(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let d = load_decision(&app.store, &id).await?;
    let grant = case_access::open(&app.store, &ctx.caller(), &d.case_id).await?;
    if !sees_access_object(&ctx.caller(), &grant) {
        eenplan_store::cases::record_refusal(&app.store, &ctx.actor(), &d.case_id).await?;
        return Err(AppError::Forbidden);
    }
    // The letter names the youth and the parents: the family's clients.
    let event = Event::new("decision.letter", Action::Print).object("decision", &id);
    case_access::record(&app.store, &ctx.caller(), &grant, event).await?;
    let request = load_request(&app.store, &d.request_id).await?;
    let parents = eenplan_store::cases::persons(&app.store, &grant)
        .await?
        .into_iter()
        .filter(|p| p.has_authority == Some(true))
        .map(|p| p.name)
        .collect();
    let reason = request.reason.clone();
    page(&LetterPage {
        t: Tr(lang),
        chrome: Chrome::for_user(
            &ctx,
            lang,
            app.config.demo_mode,
            &format!("/beschikkingen/{id}"),
        ),
        results: RequestView::new(request, lang, &plan_goals(&app.store, &grant).await?).results,
        reason,
        parents,
        v: DecisionView::new(d, Lang::Nl),
    })
}
