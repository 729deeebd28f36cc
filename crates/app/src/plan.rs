//! The family plan (1Gezin 1Plan): saving a new version (with what changed when someone
//! else saved in between), the family's agreement, and who coordinates. The plan is the
//! family's, so it is reached through a case's grant.

use crate::case_access;
use crate::input::version_required;
use crate::input::{Fields, optional_text, required_text, today};
use crate::{Caller, Error, Problem, Result};
use eenplan_domain::family::{PersonKind, parse_date};
use eenplan_domain::plan::{self, Action, Change, Goal, OwnerKind, PlanContent};
use eenplan_store::grant::CaseGrant;
use eenplan_store::{Store, cases, plans};
use serde::Deserialize;
use utoipa::ToSchema;

/// Save the plan as a new version: goals and actions keep their ids across versions.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = PlanBody)]
pub struct SavePlan {
    /// The plan's `state.version` as read; a stale one is refused with 409.
    pub version: Option<i64>,
    /// The version number (`state.current_version`) the edit started from; a 409 lists
    /// what changed since.
    #[serde(default)]
    pub base: Option<i64>,
    #[serde(default)]
    pub goals: Vec<GoalDraft>,
    #[serde(default)]
    pub actions: Vec<ActionDraft>,
}

/// What saving answers.
#[derive(Debug)]
pub enum Saved {
    /// The new version's number and content.
    Saved { number: i64, content: PlanContent },
    /// Someone else saved in between: the plan's state now and what changed since the
    /// version the caller started from (read, and audited, on the caller's grant).
    Conflict {
        state: plans::PlanState,
        changes: Vec<Change>,
    },
}

/// Saves the plan of the case's family as the next version.
pub async fn save(store: &Store, caller: &Caller, case_id: &str, p: &SavePlan) -> Result<Saved> {
    let content = build_plan(&p.goals, &p.actions).map_err(Error::Invalid)?;
    save_content(
        store,
        caller,
        case_id,
        p.version,
        p.base.unwrap_or(0),
        content,
    )
    .await
}

/// [`save`] of content read already (the plan form, whose rows need their own reading).
pub async fn save_content(
    store: &Store,
    caller: &Caller,
    case_id: &str,
    version: Option<i64>,
    base: i64,
    content: PlanContent,
) -> Result<Saved> {
    let grant = case_access::write(store, caller, case_id).await?;
    let version = version_required(version)?;
    let mut tx = store.begin().await?;
    match plans::save(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        &grant,
        version,
        &content,
        today(),
    )
    .await
    {
        Ok(number) => {
            tx.commit().await?;
            Ok(Saved::Saved { number, content })
        }
        Err(eenplan_store::Error::Conflict) => {
            drop(tx);
            let (state, changes) = changes_since(store, &grant, base).await?;
            case_access::record_read(store, caller, &grant, "plan_read").await?;
            Ok(Saved::Conflict { state, changes })
        }
        Err(e) => Err(e.into()),
    }
}

/// The family's agreement with a version of its plan.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = AgreementBody)]
pub struct Agreement {
    /// The version the family agreed to (must be the current one).
    pub number: Option<i64>,
    /// Who in the family agreed.
    #[serde(default)]
    pub agreed_by: String,
    /// YYYY-MM-DD; today when empty.
    #[serde(default)]
    pub agreed_on: String,
}

impl Agreement {
    pub fn from_form(f: &Fields) -> Agreement {
        Agreement {
            number: f.get("number").trim().parse().ok(),
            agreed_by: f.get("agreed_by").into(),
            agreed_on: f.get("agreed_on").into(),
        }
    }
}

/// Records the family's agreement with the current version.
pub async fn agree(store: &Store, caller: &Caller, case_id: &str, a: &Agreement) -> Result<()> {
    let grant = case_access::write(store, caller, case_id).await?;
    let number = a.number.ok_or_else(|| {
        Error::invalid(Problem::new(
            "number",
            "Versienummer ontbreekt.",
            "Version number is required.",
        ))
    })?;
    let (by, on) = parse_agreement(&a.agreed_by, &a.agreed_on).map_err(Error::Invalid)?;
    check_agreeing(store, &grant, &by).await?;
    let mut tx = store.begin().await?;
    plans::agree(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        &grant,
        number,
        &by,
        on,
    )
    .await
    .map_err(agreement_error)?;
    tx.commit().await?;
    Ok(())
}

/// Who coordinates (regie): the family itself or a named professional.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = CoordinatorBody)]
pub struct Coordinator {
    pub version: Option<i64>,
    /// The coordinating professional; absent or empty: the family itself.
    #[serde(default)]
    pub user_id: Option<String>,
}

impl Coordinator {
    pub fn from_form(f: &Fields) -> Coordinator {
        Coordinator {
            version: crate::input::form_version(f),
            user_id: match f.get("user_id") {
                "" | "family" => None,
                u => Some(u.to_owned()),
            },
        }
    }
}

/// Sets who coordinates (the holding team, or the coordinating professional).
pub async fn set_coordinator(
    store: &Store,
    caller: &Caller,
    case_id: &str,
    c: &Coordinator,
) -> Result<()> {
    let grant = case_access::open(store, caller, case_id).await?;
    case_access::coordinate(store, caller, &grant).await?;
    let version = version_required(c.version)?;
    let who = c
        .user_id
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());
    let mut tx = store.begin().await?;
    plans::set_coordinator(
        &mut tx,
        &caller.actor(),
        caller.user_id(),
        &grant,
        version,
        who,
        today(),
    )
    .await
    .map_err(coordinator_error)?;
    tx.commit().await?;
    Ok(())
}

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

/// Reads the plan form: goal rows `goals.N.*` (an action names its goal by row number,
/// since new goals have no id yet), action rows `actions.N.*`; empty rows are skipped.
pub fn content_from_form(f: &Fields) -> Result<PlanContent, Vec<Problem>> {
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

/// What changed in the plan since version `base` (the one an editor started from): shown
/// to the second of two people saving at once.
pub async fn changes_since(
    store: &Store,
    grant: &CaseGrant,
    base: i64,
) -> Result<(plans::PlanState, Vec<Change>), Error> {
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
    store: &Store,
    grant: &CaseGrant,
    agreed_by: &str,
) -> Result<(), Error> {
    let names = agreeing_names(&cases::persons(store, grant).await?);
    if names.iter().any(|n| n == agreed_by) {
        Ok(())
    } else {
        Err(Error::invalid(Problem::new(
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

pub fn agreement_error(e: eenplan_store::Error) -> Error {
    match e {
        eenplan_store::Error::Conflict => Error::invalid(Problem::new(
            "agreed_by",
            "Alleen met de huidige versie van het plan kan het gezin akkoord gaan, en één keer.",
            "The family can agree only to the current version of the plan, and once.",
        )),
        eenplan_store::Error::Transition(_) => Error::invalid(Problem::new(
            "agreed_on",
            "Het gezin kan niet akkoord zijn gegaan vóórdat deze versie bestond.",
            "The family cannot have agreed before this version existed.",
        )),
        other => other.into(),
    }
}

pub fn coordinator_error(e: eenplan_store::Error) -> Error {
    match e {
        eenplan_store::Error::NotApplicable(_) => Error::invalid(Problem::new(
            "user_id",
            "Kies een actieve professional die aan casussen werkt.",
            "Choose an active professional who works on cases.",
        )),
        eenplan_store::Error::Conflict => Error::Conflict,
        other => other.into(),
    }
}

/// Names a family member can agree as: parents first (they hold gezag), then youths.
pub fn agreeing_names(persons: &[cases::Person]) -> Vec<String> {
    let mut v: Vec<&cases::Person> = persons.iter().collect();
    v.sort_by_key(|p| p.kind != PersonKind::Parent);
    v.into_iter().map(|p| p.name.clone()).collect()
}

/// Used by the plan pages: the current plan content or an empty plan.
pub async fn current_plan(
    store: &Store,
    grant: &CaseGrant,
) -> Result<(plans::PlanState, PlanContent), Error> {
    let state = plans::state(store, grant).await?;
    let content = if state.current_version > 0 {
        plans::version(store, grant, state.current_version)
            .await?
            .content
    } else {
        PlanContent::default()
    };
    Ok((state, content))
}
