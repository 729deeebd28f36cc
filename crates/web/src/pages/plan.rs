//! The family plan pages: the plan with its agreement and coordinator, editing (every
//! save a new version), earlier versions, the difference between two versions, and a
//! printable copy for the family.

use crate::AppState;
use crate::auth::{Auth, AuthContext};
use crate::error::{AppError, Problem};
use crate::extract::{CsrfForm, Path, Query};
use crate::i18n::{Lang, Tr};
use crate::pages::cases::{CaseHeader, today};
use crate::pages::{Chrome, Fields, has_error, invalid_form, local_date, local_time, page, render};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use eenplan_app::case_access;
use eenplan_app::plan::{self as app_plan, Saved, agreeing_names, current_plan};
use eenplan_domain::plan::{self, Action, Change, ChangeKind, Goal, OwnerKind, PlanContent};
use eenplan_store::cases;
use eenplan_store::grant::CaseGrant;
use eenplan_store::plans;
use serde::Deserialize;

/// Empty rows offered for new goals and actions on the edit page.
const NEW_GOAL_ROWS: usize = 2;
const NEW_ACTION_ROWS: usize = 3;

// ------------------------------------------------------------------ pages

pub struct GoalView {
    pub g: Goal,
    pub actions: Vec<ActionView>,
}

pub struct ActionView {
    pub a: Action,
    pub owner_kind: &'static str,
    pub due: String,
}

fn views(content: &PlanContent, lang: Lang) -> (Vec<GoalView>, Vec<ActionView>) {
    let view = |a: &Action| ActionView {
        owner_kind: lang.pick(a.owner_kind.label_nl(), a.owner_kind.label_en()),
        due: a
            .due
            .map(|d| d.format("%d-%m-%Y").to_string())
            .unwrap_or_default(),
        a: a.clone(),
    };
    let goals = content
        .goals
        .iter()
        .map(|g| GoalView {
            g: g.clone(),
            actions: content
                .actions
                .iter()
                .filter(|a| a.goal_id.as_deref() == Some(&g.id))
                .map(view)
                .collect(),
        })
        .collect();
    let loose = content
        .actions
        .iter()
        .filter(|a| {
            a.goal_id
                .as_ref()
                .is_none_or(|g| content.goal_text(g).is_none())
        })
        .map(view)
        .collect();
    (goals, loose)
}

#[derive(Template)]
#[template(path = "plan.html")]
pub struct PlanPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub h: CaseHeader,
    pub errors: Vec<Problem>,
    pub state: plans::PlanState,
    pub version: Option<plans::PlanVersion>,
    pub goals: Vec<GoalView>,
    pub loose: Vec<ActionView>,
    /// (number, saved at, by, agreed on), times local.
    pub versions: Vec<(i64, String, String, Option<String>)>,
    /// When the shown version was saved (local date).
    pub saved_on: String,
    pub family_names: Vec<String>,
    pub candidates: Vec<(String, String)>,
    pub may_coordinate: bool,
    pub today: String,
    /// Viewing an earlier version (read-only).
    pub earlier: bool,
    pub print: bool,
}

impl PlanPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

#[allow(clippy::too_many_arguments)]
async fn plan_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    grant: &CaseGrant,
    number: Option<i64>,
    print: bool,
    errors: Vec<Problem>,
) -> Result<PlanPage, AppError> {
    let case = grant.case();
    let state = plans::state(&app.store, grant).await?;
    let n = number.unwrap_or(state.current_version);
    let version = if n > 0 {
        Some(plans::version(&app.store, grant, n).await?)
    } else if number.is_some() {
        return Err(AppError::NotFound);
    } else {
        None
    };
    let (goals, loose) = version
        .as_ref()
        .map(|v| views(&v.content, lang))
        .unwrap_or_default();
    let may = grant.may_coordinate();
    let family_names = agreeing_names(&cases::persons(&app.store, grant).await?);
    let path = format!("/casussen/{}/plan", case.id);
    Ok(PlanPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, &path),
        errors,
        earlier: n != state.current_version,
        versions: plans::versions(&app.store, grant)
            .await?
            .into_iter()
            .map(|(n, at, by, agreed)| (n, local_time(&at), by, agreed.as_deref().map(local_date)))
            .collect(),
        saved_on: version
            .as_ref()
            .map(|v| local_date(&v.created_at))
            .unwrap_or_default(),
        candidates: if may {
            coordinator_candidates(&app.store, grant).await?
        } else {
            Vec::new()
        },
        may_coordinate: may,
        state,
        version,
        goals,
        loose,
        family_names,
        today: today().to_string(),
        print,
        h: CaseHeader::new(grant, lang),
    })
}

pub async fn show_plan(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let grant = case_access::open(&app.store, &ctx.caller(), &id).await?;
    case_access::record_read(&app.store, &ctx.caller(), &grant, "plan_read").await?;
    page(&plan_page(&app, &ctx, lang, &grant, None, false, Vec::new()).await?)
}

pub async fn show_version(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path((id, number)): Path<(String, i64)>,
) -> Result<Html<String>, AppError> {
    let grant = case_access::open(&app.store, &ctx.caller(), &id).await?;
    case_access::record_read(&app.store, &ctx.caller(), &grant, "plan_read").await?;
    page(&plan_page(&app, &ctx, lang, &grant, Some(number), false, Vec::new()).await?)
}

pub async fn print_plan(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let grant = case_access::open(&app.store, &ctx.caller(), &id).await?;
    let event = eenplan_store::audit::Event::new("plan.print", eenplan_store::audit::Action::Print)
        .object("case", grant.case_id());
    case_access::record(&app.store, &ctx.caller(), &grant, event).await?;
    page(&plan_page(&app, &ctx, lang, &grant, None, true, Vec::new()).await?)
}

#[derive(Deserialize, Default)]
pub struct DiffQuery {
    #[serde(default)]
    pub van: Option<i64>,
    #[serde(default)]
    pub naar: Option<i64>,
}

pub struct ChangeView {
    pub c: Change,
    pub kind: &'static str,
    pub item: &'static str,
    pub field: &'static str,
}

fn change_views(changes: Vec<Change>, t: Tr) -> Vec<ChangeView> {
    changes
        .into_iter()
        .map(|c| ChangeView {
            kind: t.get(match c.kind {
                ChangeKind::Added => "plan.diff_added",
                ChangeKind::Removed => "plan.diff_removed",
                ChangeKind::Changed => "plan.diff_changed",
            }),
            item: t.get(if c.item == "goal" {
                "plan.goal"
            } else {
                "plan.action"
            }),
            field: c.field.map_or("", |f| t.get(&format!("plan.field_{f}"))),
            c,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "plan_diff.html")]
pub struct DiffPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub h: CaseHeader,
    pub from: i64,
    pub to: i64,
    pub changes: Vec<ChangeView>,
}

pub async fn show_diff(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    Query(q): Query<DiffQuery>,
) -> Result<Html<String>, AppError> {
    let grant = case_access::open(&app.store, &ctx.caller(), &id).await?;
    let state = plans::state(&app.store, &grant).await?;
    let to = q.naar.unwrap_or(state.current_version);
    let from = q.van.unwrap_or(to.saturating_sub(1));
    let old = if from == 0 {
        PlanContent::default()
    } else {
        plans::version(&app.store, &grant, from).await?.content
    };
    let new = plans::version(&app.store, &grant, to).await?.content;
    case_access::record_read(&app.store, &ctx.caller(), &grant, "plan_read").await?;
    let t = Tr(lang);
    page(&DiffPage {
        t,
        chrome: Chrome::for_user(
            &ctx,
            lang,
            app.config.demo_mode,
            &format!("/casussen/{id}/plan"),
        ),
        from,
        to,
        changes: change_views(plan::diff(&old, &new), t),
        h: CaseHeader::new(&grant, lang),
    })
}

// ------------------------------------------------------------------ editing

pub struct GoalRow {
    pub i: usize,
    pub label: String,
}

#[derive(Template)]
#[template(path = "plan_edit.html")]
pub struct PlanEditPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub h: CaseHeader,
    pub errors: Vec<Problem>,
    pub f: Fields,
    pub goal_rows: Vec<GoalRow>,
    pub action_rows: Vec<usize>,
    pub owner_kinds: Vec<(&'static str, &'static str)>,
    /// Shown after a conflict: what the other person changed.
    pub conflict: Vec<ChangeView>,
}

impl PlanEditPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
    pub fn g(&self, i: &usize, name: &str) -> String {
        format!("goals.{i}.{name}")
    }
    pub fn a(&self, i: &usize, name: &str) -> String {
        format!("actions.{i}.{name}")
    }
    pub fn v(&self, name: &str) -> &str {
        self.f.get(name)
    }
}

/// The form fields of a plan version (rows in order, then empty rows for additions).
fn plan_fields(content: &PlanContent, state: &plans::PlanState) -> Fields {
    let mut f = Fields::default();
    for (i, g) in content.goals.iter().enumerate() {
        f.set(&format!("goals.{i}.id"), g.id.clone());
        f.set(&format!("goals.{i}.text"), g.text.clone());
        f.set(&format!("goals.{i}.about"), g.about.clone());
        f.set(&format!("goals.{i}.pace"), g.pace.clone());
        f.set(&format!("goals.{i}.sub_goals"), g.sub_goals.join("\n"));
    }
    for (i, a) in content.actions.iter().enumerate() {
        f.set(&format!("actions.{i}.id"), a.id.clone());
        let row = a
            .goal_id
            .as_ref()
            .and_then(|g| content.goals.iter().position(|x| &x.id == g));
        f.set(
            &format!("actions.{i}.goal"),
            row.map(|r| r.to_string()).unwrap_or_default(),
        );
        f.set(&format!("actions.{i}.description"), a.description.clone());
        f.set(&format!("actions.{i}.owner_kind"), a.owner_kind.as_str());
        f.set(&format!("actions.{i}.owner"), a.owner.clone());
        f.set(
            &format!("actions.{i}.due"),
            a.due.map(|d| d.to_string()).unwrap_or_default(),
        );
        if a.done {
            f.set(&format!("actions.{i}.done"), "1");
        }
    }
    f.set(
        "goal_rows",
        (content.goals.len() + NEW_GOAL_ROWS).to_string(),
    );
    f.set(
        "action_rows",
        (content.actions.len() + NEW_ACTION_ROWS).to_string(),
    );
    f.set("version", state.version.to_string());
    f.set("base", state.current_version.to_string());
    f
}

#[allow(clippy::too_many_arguments)]
fn plan_edit_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    grant: &CaseGrant,
    f: Fields,
    errors: Vec<Problem>,
    conflict: Vec<ChangeView>,
) -> PlanEditPage {
    let case = grant.case();
    let goal_count: usize = f.get("goal_rows").parse().unwrap_or(NEW_GOAL_ROWS).min(100);
    let action_count: usize = f
        .get("action_rows")
        .parse()
        .unwrap_or(NEW_ACTION_ROWS)
        .min(300);
    let t = Tr(lang);
    let goal_rows = (0..goal_count)
        .map(|i| {
            let text = f.get(&format!("goals.{i}.text"));
            GoalRow {
                i,
                label: if text.is_empty() {
                    format!("{} {}", t.get("plan.new_goal"), i + 1)
                } else {
                    format!("{}. {}", i + 1, text.chars().take(60).collect::<String>())
                },
            }
        })
        .collect();
    let path = format!("/casussen/{}/plan/bewerken", case.id);
    PlanEditPage {
        t,
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, &path),
        errors,
        f,
        goal_rows,
        action_rows: (0..action_count).collect(),
        owner_kinds: OwnerKind::ALL
            .iter()
            .map(|k| (k.as_str(), lang.pick(k.label_nl(), k.label_en())))
            .collect(),
        conflict,
        h: CaseHeader::new(grant, lang),
    }
}

pub async fn edit_plan(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let grant = case_access::write(&app.store, &ctx.caller(), &id).await?;
    case_access::record_read(&app.store, &ctx.caller(), &grant, "plan_read").await?;
    let (state, content) = current_plan(&app.store, &grant).await?;
    let f = plan_fields(&content, &state);
    page(&plan_edit_page(
        &app,
        &ctx,
        lang,
        &grant,
        f,
        Vec::new(),
        Vec::new(),
    ))
}

pub async fn save_plan(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(mut f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let grant = case_access::write(&app.store, &ctx.caller(), &id).await?;
    let base: i64 = f.get("base").parse().unwrap_or(0);
    let saved = match app_plan::content_from_form(&f) {
        Ok(content) => {
            let version = f.get("version").trim().parse().ok();
            app_plan::save_content(&app.store, &ctx.caller(), &id, version, base, content).await
        }
        Err(errors) => Err(eenplan_app::Error::Invalid(errors)),
    };
    match saved {
        Ok(Saved::Saved { .. }) => {
            Ok(Redirect::to(&format!("/casussen/{id}/plan")).into_response())
        }
        Ok(Saved::Conflict { state, changes }) => {
            // Someone saved in between: show what they changed, keep this input, and let
            // the user save again knowingly (against the new version).
            f.set("version", state.version.to_string());
            f.set("base", state.current_version.to_string());
            let errors = vec![if changes.is_empty() {
                Problem::new(
                    "",
                    "Het plan is intussen elders bijgewerkt (bijvoorbeeld de regie), niet de doelen of acties. Uw invoer is bewaard; sla opnieuw op.",
                    "The plan was updated elsewhere in the meantime (for instance its coordinator), not its goals or actions. Your input is kept; save again.",
                )
            } else {
                Problem::new(
                    "",
                    "Iemand anders heeft het plan intussen opgeslagen. Hieronder staat wat er veranderde; uw invoer is bewaard. Controleer en sla opnieuw op.",
                    "Someone else saved the plan in the meantime. What changed is shown below; your input is kept. Check and save again.",
                )
            }];
            let changes = change_views(changes, Tr(lang));
            let page = plan_edit_page(&app, &ctx, lang, &grant, f, errors, changes);
            Ok((axum::http::StatusCode::CONFLICT, render(&page)).into_response())
        }
        Err(eenplan_app::Error::Invalid(errors)) => Ok(invalid_form(render(&plan_edit_page(
            &app,
            &ctx,
            lang,
            &grant,
            f,
            errors,
            Vec::new(),
        )))),
        Err(e) => Err(e.into()),
    }
}

async fn back_to_plan(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    grant: &CaseGrant,
    result: eenplan_app::Result<()>,
) -> Result<Response, AppError> {
    let case = grant.case();
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/casussen/{}/plan", case.id)).into_response()),
        Err(eenplan_app::Error::Invalid(errors)) => {
            case_access::record_read(&app.store, &ctx.caller(), grant, "plan_read").await?;
            Ok(invalid_form(render(
                &plan_page(app, ctx, lang, grant, None, false, errors).await?,
            )))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn agree(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let grant = case_access::write(&app.store, &ctx.caller(), &id).await?;
    let a = app_plan::Agreement::from_form(&f);
    let result = app_plan::agree(&app.store, &ctx.caller(), &id, &a).await;
    back_to_plan(&app, &ctx, lang, &grant, result).await
}

pub async fn set_coordinator(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let grant = case_access::open(&app.store, &ctx.caller(), &id).await?;
    let c = app_plan::Coordinator::from_form(&f);
    let result = app_plan::set_coordinator(&app.store, &ctx.caller(), &id, &c).await;
    back_to_plan(&app, &ctx, lang, &grant, result).await
}

/// Who can be asked to coordinate: professionals of the holding team and those involved.
async fn coordinator_candidates(
    store: &eenplan_store::Store,
    grant: &CaseGrant,
) -> Result<Vec<(String, String)>, AppError> {
    let case = grant.case();
    let mut out: Vec<(String, String)> = Vec::new();
    for (id, name, role) in cases::team_members(store, &case.team_id).await? {
        let role = eenplan_domain::Role::parse(&role);
        if role.is_some_and(|r| {
            eenplan_domain::policy::allows(r, eenplan_domain::Permission::ViewCases)
        }) {
            out.push((id, name));
        }
    }
    for i in cases::involvements(store, grant).await? {
        if !out.iter().any(|(id, _)| *id == i.user_id) {
            out.push((
                i.user_id,
                format!("{} ({})", i.user_name, i.organisation_name),
            ));
        }
    }
    Ok(out)
}
