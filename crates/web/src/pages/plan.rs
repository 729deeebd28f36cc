//! The family plan pages: the plan with its agreement and coordinator, editing (every
//! save a new version), earlier versions, the difference between two versions, and a
//! printable copy for the family.

use crate::AppState;
use crate::auth::{Auth, AuthContext};
use crate::error::{AppError, Problem};
use crate::extract::{CsrfForm, Path, Query};
use crate::i18n::{Lang, Tr};
use crate::pages::cases::{CaseHeader, current_plan, today};
use crate::pages::{
    Chrome, Fields, has_error, invalid_form, local_date, local_time, optional_text, page,
    parse_version, render, required_text,
};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use eenplan_app::case_access;
use eenplan_domain::family::{PersonKind, parse_date};
use eenplan_domain::plan::{self, Action, Change, ChangeKind, Goal, OwnerKind, PlanContent};
use eenplan_store::cases;
use eenplan_store::grant::CaseGrant;
use eenplan_store::plans;
use serde::Deserialize;

/// A goal as entered: `id` empty for a new goal.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct GoalDraft {
    #[serde(default)]
    pub id: String,
    /// In the family's own words.
    #[serde(default)]
    pub text: String,
    /// Who the goal is about; empty for the whole family.
    #[serde(default)]
    pub about: String,
    /// The pace the family chose.
    #[serde(default)]
    pub pace: String,
    #[serde(default)]
    pub sub_goals: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ActionDraft {
    #[serde(default)]
    pub id: String,
    /// Id of the goal it serves (empty: none).
    #[serde(default)]
    pub goal_id: String,
    #[serde(default)]
    pub description: String,
    /// family_member, network_member, professional or provider.
    #[serde(default)]
    pub owner_kind: String,
    #[serde(default)]
    pub owner: String,
    /// YYYY-MM-DD, optional.
    #[serde(default)]
    pub due: String,
    #[serde(default)]
    pub done: bool,
}

/// Checks a plan as entered and gives every new goal and action its id. Errors name the
/// field as `goals.N.text`, `actions.N.owner`, ...
pub fn build_plan(
    goals: &[GoalDraft],
    actions: &[ActionDraft],
) -> Result<PlanContent, Vec<Problem>> {
    let mut errors = Vec::new();
    let mut content = PlanContent::default();
    if goals.len() > 100 || actions.len() > 300 {
        errors.push(Problem::new(
            "",
            "Het plan is te groot.",
            "The plan is too large.",
        ));
        return Err(errors);
    }
    for (i, g) in goals.iter().enumerate() {
        let text = required_text(&mut errors, &format!("goals.{i}.text"), &g.text, 1000);
        let about = optional_text(&mut errors, &format!("goals.{i}.about"), &g.about, 200);
        let pace = optional_text(&mut errors, &format!("goals.{i}.pace"), &g.pace, 200);
        let sub_goals: Vec<String> = g
            .sub_goals
            .iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        if sub_goals.len() > 20 || sub_goals.iter().any(|s| s.chars().count() > 500) {
            errors.push(Problem::new(
                &format!("goals.{i}.sub_goals"),
                "Hoogstens 20 subdoelen van elk hoogstens 500 tekens.",
                "At most 20 sub-goals of at most 500 characters each.",
            ));
        }
        content.goals.push(Goal {
            id: if g.id.trim().is_empty() {
                uuid::Uuid::new_v4().to_string()
            } else {
                g.id.trim().to_owned()
            },
            text,
            about: about.unwrap_or_default(),
            pace: pace.unwrap_or_default(),
            sub_goals,
        });
    }
    for (i, a) in actions.iter().enumerate() {
        let description = required_text(
            &mut errors,
            &format!("actions.{i}.description"),
            &a.description,
            1000,
        );
        let owner_kind = OwnerKind::parse(&a.owner_kind);
        if owner_kind.is_none() {
            errors.push(Problem::new(
                &format!("actions.{i}.owner_kind"),
                "Kies wie de actie uitvoert.",
                "Choose who carries out the action.",
            ));
        }
        let owner = required_text(&mut errors, &format!("actions.{i}.owner"), &a.owner, 200);
        let due = match a.due.trim() {
            "" => None,
            s => parse_date("due", s)
                .map_err(|e| {
                    errors.push(Problem {
                        field: format!("actions.{i}.due"),
                        message: e.message_en,
                        message_nl: e.message_nl,
                    })
                })
                .ok(),
        };
        let goal_id = match a.goal_id.trim() {
            "" => None,
            g if content.goals.iter().any(|x| x.id == g) => Some(g.to_owned()),
            _ => {
                errors.push(Problem::new(
                    &format!("actions.{i}.goal"),
                    "Het doel van deze actie bestaat niet (meer) in het plan.",
                    "The goal of this action is not (or no longer) in the plan.",
                ));
                None
            }
        };
        if let Some(owner_kind) = owner_kind {
            content.actions.push(Action {
                id: if a.id.trim().is_empty() {
                    uuid::Uuid::new_v4().to_string()
                } else {
                    a.id.trim().to_owned()
                },
                goal_id,
                description,
                owner_kind,
                owner,
                due,
                done: a.done,
            });
        }
    }
    let long = |id: &str| id.chars().count() > 64;
    if goals.iter().any(|g| long(&g.id)) || actions.iter().any(|a| long(&a.id) || long(&a.goal_id))
    {
        errors.push(Problem::new("", "Een id is te lang.", "An id is too long."));
    }
    let mut ids: Vec<&str> = content
        .goals
        .iter()
        .map(|g| g.id.as_str())
        .chain(content.actions.iter().map(|a| a.id.as_str()))
        .collect();
    ids.sort_unstable();
    if ids.windows(2).any(|w| w[0] == w[1]) {
        errors.push(Problem::new(
            "",
            "Een doel of actie komt twee keer voor.",
            "A goal or action occurs twice.",
        ));
    }
    if errors.is_empty() {
        Ok(content)
    } else {
        Err(errors)
    }
}

/// Empty rows offered for new goals and actions on the edit page.
const NEW_GOAL_ROWS: usize = 2;
const NEW_ACTION_ROWS: usize = 3;

/// Reads the plan form: goal rows `goals.N.*` (an action names its goal by row number,
/// since new goals have no id yet), action rows `actions.N.*`; empty rows are skipped.
fn plan_from_form(f: &Fields) -> Result<PlanContent, Vec<Problem>> {
    let ix = f.index();
    let get = |k: &str| -> &str { ix.get(k).copied().unwrap_or("") };
    let goal_rows: usize = get("goal_rows").parse().unwrap_or(0).min(100);
    let action_rows: usize = get("action_rows").parse().unwrap_or(0).min(300);
    let mut goals = Vec::new();
    let mut row_ids = Vec::new();
    for i in 0..goal_rows {
        let g = |n: &str| get(&format!("goals.{i}.{n}")).to_owned();
        let id = match g("id") {
            s if s.is_empty() => uuid::Uuid::new_v4().to_string(),
            s => s,
        };
        row_ids.push(id.clone());
        let draft = GoalDraft {
            id,
            text: g("text"),
            about: g("about"),
            pace: g("pace"),
            sub_goals: g("sub_goals").lines().map(str::to_owned).collect(),
        };
        if draft.text.trim().is_empty()
            && draft.pace.trim().is_empty()
            && draft.sub_goals.iter().all(|s| s.trim().is_empty())
        {
            row_ids.pop();
            row_ids.push(String::new());
            continue;
        }
        goals.push(draft);
    }
    let mut actions = Vec::new();
    for i in 0..action_rows {
        let a = |n: &str| get(&format!("actions.{i}.{n}")).to_owned();
        if a("description").trim().is_empty() && a("owner").trim().is_empty() {
            continue;
        }
        let goal_id = a("goal")
            .parse::<usize>()
            .ok()
            .and_then(|row| row_ids.get(row).cloned())
            .unwrap_or_else(|| {
                if a("goal").is_empty() {
                    String::new()
                } else {
                    "-".into()
                }
            });
        actions.push(ActionDraft {
            id: a("id"),
            goal_id,
            description: a("description"),
            owner_kind: a("owner_kind"),
            owner: a("owner"),
            due: a("due"),
            done: get(&format!("actions.{i}.done")) == "1",
        });
    }
    // Problems name the form's rows; with skipped rows the numbering can differ, so
    // they are mapped back by position of the kept rows.
    build_plan(&goals, &actions).map_err(|errors| remap_rows(errors, f, goal_rows, action_rows))
}

fn remap_rows(
    errors: Vec<Problem>,
    f: &Fields,
    goal_rows: usize,
    action_rows: usize,
) -> Vec<Problem> {
    let ix = f.index();
    let get = |k: &str| -> &str { ix.get(k).copied().unwrap_or("") };
    let kept = |prefix: &str, rows: usize, key: &str| -> Vec<usize> {
        (0..rows)
            .filter(|i| {
                !get(&format!("{prefix}.{i}.{key}")).trim().is_empty()
                    || (prefix == "goals"
                        && (!get(&format!("goals.{i}.pace")).trim().is_empty()
                            || !get(&format!("goals.{i}.sub_goals")).trim().is_empty()))
                    || (prefix == "actions"
                        && !get(&format!("actions.{i}.owner")).trim().is_empty())
            })
            .collect()
    };
    let goals = kept("goals", goal_rows, "text");
    let actions = kept("actions", action_rows, "description");
    errors
        .into_iter()
        .map(|mut p| {
            let parts: Vec<&str> = p.field.splitn(3, '.').collect();
            if let [prefix, n, rest] = parts[..]
                && let Ok(n) = n.parse::<usize>()
            {
                let rows = if prefix == "goals" { &goals } else { &actions };
                if let Some(row) = rows.get(n) {
                    p.field = format!("{prefix}.{row}.{rest}");
                }
            }
            p
        })
        .collect()
}

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
    let case = grant.case().clone();
    let mut conn = app
        .store
        .pool()
        .acquire()
        .await
        .map_err(eenplan_store::Error::from)?;
    let clients = cases::client_ids(&mut conn, &case.family_id).await?;
    drop(conn);
    let event = eenplan_store::audit::Event::new("plan.print", eenplan_store::audit::Action::Print)
        .object("case", &case.id)
        .clients(clients);
    eenplan_store::audit::record(&app.store, &ctx.actor(), &event).await?;
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
    let case = grant.case().clone();
    let parsed = plan_from_form(&f).and_then(|c| {
        parse_version("version", f.get("version"))
            .map(|v| (c, v))
            .map_err(|p| vec![p])
    });
    let (content, version) = match parsed {
        Ok(x) => x,
        Err(errors) => {
            return Ok(invalid_form(render(&plan_edit_page(
                &app,
                &ctx,
                lang,
                &grant,
                f,
                errors,
                Vec::new(),
            ))));
        }
    };
    let mut tx = app.store.begin().await?;
    match plans::save(
        &mut tx,
        &ctx.actor(),
        &ctx.principal.user_id,
        &case.family_id,
        version,
        &content,
        today(),
    )
    .await
    {
        Ok(_) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/casussen/{id}/plan")).into_response())
        }
        Err(eenplan_store::Error::Conflict) => {
            drop(tx);
            // Someone saved in between: show what they changed, keep this input, and let
            // the user save again knowingly (against the new version).
            let base: i64 = f.get("base").parse().unwrap_or(0);
            let (state, changes) = changes_since(&app.store, &grant, base).await?;
            case_access::record_read(&app.store, &ctx.caller(), &grant, "plan_read").await?;
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
        Err(e) => Err(e.into()),
    }
}

/// What changed in the plan since version `base` (the one an editor started from): shown
/// to the second of two people saving at once.
pub async fn changes_since(
    store: &eenplan_store::Store,
    grant: &CaseGrant,
    base: i64,
) -> Result<(plans::PlanState, Vec<Change>), AppError> {
    let (state, current) = current_plan(store, grant).await?;
    let old = if base > 0 {
        plans::version(store, grant, base)
            .await
            .map(|v| v.content)
            .unwrap_or_default()
    } else {
        PlanContent::default()
    };
    Ok((state, plan::diff(&old, &current)))
}

/// The family member who agreed must be one of the family.
pub async fn check_agreeing(
    store: &eenplan_store::Store,
    grant: &CaseGrant,
    agreed_by: &str,
) -> Result<(), AppError> {
    let names = agreeing_names(&cases::persons(store, grant).await?);
    if names.iter().any(|n| n == agreed_by) {
        Ok(())
    } else {
        Err(AppError::invalid(Problem::new(
            "agreed_by",
            "Kies wie in het gezin akkoord ging.",
            "Choose who in the family agreed.",
        )))
    }
}

pub fn parse_agreement(
    agreed_by: &str,
    agreed_on: &str,
) -> Result<(String, chrono::NaiveDate), Vec<Problem>> {
    let mut errors = Vec::new();
    let by = required_text(&mut errors, "agreed_by", agreed_by, 200);
    let on = if agreed_on.trim().is_empty() {
        Some(today())
    } else {
        parse_date("agreed_on", agreed_on)
            .map_err(|e| errors.push(e.into()))
            .ok()
    };
    if on.is_some_and(|d| d > today()) {
        errors.push(Problem::new(
            "agreed_on",
            "Deze datum ligt in de toekomst.",
            "This date lies in the future.",
        ));
    }
    match on {
        Some(on) if errors.is_empty() => Ok((by, on)),
        _ => Err(errors),
    }
}

pub fn agreement_error(e: eenplan_store::Error) -> AppError {
    match e {
        eenplan_store::Error::Conflict => AppError::invalid(Problem::new(
            "agreed_by",
            "Alleen met de huidige versie van het plan kan het gezin akkoord gaan, en één keer.",
            "The family can agree only to the current version of the plan, and once.",
        )),
        eenplan_store::Error::Transition(_) => AppError::invalid(Problem::new(
            "agreed_on",
            "Het gezin kan niet akkoord zijn gegaan vóórdat deze versie bestond.",
            "The family cannot have agreed before this version existed.",
        )),
        other => other.into(),
    }
}

async fn back_to_plan(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    grant: &CaseGrant,
    result: Result<(), AppError>,
) -> Result<Response, AppError> {
    let case = grant.case();
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/casussen/{}/plan", case.id)).into_response()),
        Err(AppError::Invalid(errors)) => {
            case_access::record_read(&app.store, &ctx.caller(), grant, "plan_read").await?;
            Ok(invalid_form(render(
                &plan_page(app, ctx, lang, grant, None, false, errors).await?,
            )))
        }
        Err(e) => Err(e),
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
    let case = grant.case().clone();
    let result = async {
        let (by, on) =
            parse_agreement(f.get("agreed_by"), f.get("agreed_on")).map_err(AppError::Invalid)?;
        check_agreeing(&app.store, &grant, &by).await?;
        let number =
            parse_version("number", f.get("number")).map_err(|p| AppError::Invalid(vec![p]))?;
        let mut tx = app.store.begin().await?;
        plans::agree(
            &mut tx,
            &ctx.actor(),
            &ctx.principal.user_id,
            &case.family_id,
            number,
            &by,
            on,
        )
        .await
        .map_err(agreement_error)?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    back_to_plan(&app, &ctx, lang, &grant, result).await
}

pub fn coordinator_error(e: eenplan_store::Error) -> AppError {
    match e {
        eenplan_store::Error::NotApplicable(_) => AppError::invalid(Problem::new(
            "coordinator",
            "Kies een actieve professional die aan casussen werkt.",
            "Choose an active professional who works on cases.",
        )),
        eenplan_store::Error::Conflict => AppError::Conflict,
        other => other.into(),
    }
}

pub async fn set_coordinator(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let grant = case_access::open(&app.store, &ctx.caller(), &id).await?;
    let case = grant.case().clone();
    case_access::coordinate(&app.store, &ctx.caller(), &grant).await?;
    let result = async {
        let version =
            parse_version("version", f.get("version")).map_err(|p| AppError::Invalid(vec![p]))?;
        let who = match f.get("coordinator") {
            "" | "family" => None,
            u => Some(u),
        };
        let mut tx = app.store.begin().await?;
        plans::set_coordinator(
            &mut tx,
            &ctx.actor(),
            &ctx.principal.user_id,
            &case.family_id,
            version,
            who,
            today(),
        )
        .await
        .map_err(coordinator_error)?;
        tx.commit().await?;
        Ok(())
    }
    .await;
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

/// Names a family member can agree as: parents first (they hold gezag), then youths.
pub fn agreeing_names(persons: &[cases::Person]) -> Vec<String> {
    let mut v: Vec<&cases::Person> = persons.iter().collect();
    v.sort_by_key(|p| p.kind != PersonKind::Parent);
    v.into_iter().map(|p| p.name.clone()).collect()
}
