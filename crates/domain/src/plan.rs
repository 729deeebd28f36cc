//! The family plan (1Gezin 1Plan 1Regisseur): goals in the family's own words, actions
//! with an owner, and the difference between two versions. A version's content is kept
//! whole, so every earlier version stays readable as it was agreed.

use crate::case::code_enum;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum! {
    /// Who carries out an action.
    OwnerKind {
        FamilyMember = "family_member", "Gezinslid", "Family member";
        NetworkMember = "network_member", "Netwerklid", "Network member";
        Professional = "professional", "Professional", "Professional";
        Provider = "provider", "Zorgaanbieder", "Care provider";
    }
}

code_enum! {
    /// Who holds regie: the family itself, or a professional the family asked for.
    CoordinatorKind {
        Family = "family", "Het gezin zelf", "The family itself";
        Professional = "professional", "Een professional", "A professional";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
pub struct PlanContent {
    pub goals: Vec<Goal>,
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Goal {
    /// Stable across versions, so a diff can tell a changed goal from a new one.
    pub id: String,
    /// In the family's own words.
    pub text: String,
    /// Who the goal is about (a name), empty for the whole family.
    pub about: String,
    /// The pace the family chose.
    pub pace: String,
    pub sub_goals: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Action {
    pub id: String,
    /// The goal this action serves, if any.
    pub goal_id: Option<String>,
    pub description: String,
    pub owner_kind: OwnerKind,
    /// The owner's name (a family member, network member, professional or provider).
    pub owner: String,
    pub due: Option<NaiveDate>,
    pub done: bool,
}

impl PlanContent {
    /// The earliest due date of an action not done yet.
    pub fn next_action_due(&self) -> Option<NaiveDate> {
        self.actions
            .iter()
            .filter(|a| !a.done)
            .filter_map(|a| a.due)
            .min()
    }

    pub fn goal_text(&self, id: &str) -> Option<&str> {
        self.goals
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.text.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One difference between two versions of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Change {
    pub kind: ChangeKind,
    /// `goal` or `action`.
    pub item: &'static str,
    /// The goal's text or the action's description (in the newer version when present).
    pub label: String,
    /// For `changed`: the field that differs.
    pub field: Option<&'static str>,
    pub old: String,
    pub new: String,
}

/// A named field of a goal or action, read as text for comparison.
type Field<T> = (&'static str, fn(&T) -> String);

fn field_changes<T>(
    item: &'static str,
    label: &str,
    old: &T,
    new: &T,
    fields: &[Field<T>],
    out: &mut Vec<Change>,
) {
    for (field, get) in fields {
        let (o, n) = (get(old), get(new));
        if o != n {
            out.push(Change {
                kind: ChangeKind::Changed,
                item,
                label: label.to_owned(),
                field: Some(field),
                old: o,
                new: n,
            });
        }
    }
}

fn date_text(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// What changed from `old` to `new`: goals first, then actions, each in the order of the
/// newer version, removals last.
pub fn diff(old: &PlanContent, new: &PlanContent) -> Vec<Change> {
    let goal_fields: &[Field<Goal>] = &[
        ("text", |g| g.text.clone()),
        ("about", |g| g.about.clone()),
        ("pace", |g| g.pace.clone()),
        ("sub_goals", |g| g.sub_goals.join("\n")),
    ];
    let action_fields: &[Field<Action>] = &[
        ("description", |a| a.description.clone()),
        ("owner_kind", |a| a.owner_kind.as_str().to_owned()),
        ("owner", |a| a.owner.clone()),
        ("goal", |a| a.goal_id.clone().unwrap_or_default()),
        ("due", |a| date_text(a.due)),
        ("done", |a| if a.done { "ja".into() } else { "nee".into() }),
    ];
    let mut out = Vec::new();
    for g in &new.goals {
        match old.goals.iter().find(|o| o.id == g.id) {
            Some(o) => field_changes("goal", &g.text, o, g, goal_fields, &mut out),
            None => out.push(added("goal", &g.text)),
        }
    }
    for a in &new.actions {
        match old.actions.iter().find(|o| o.id == a.id) {
            Some(o) => field_changes("action", &a.description, o, a, action_fields, &mut out),
            None => out.push(added("action", &a.description)),
        }
    }
    for g in old
        .goals
        .iter()
        .filter(|o| !new.goals.iter().any(|n| n.id == o.id))
    {
        out.push(removed("goal", &g.text));
    }
    for a in old
        .actions
        .iter()
        .filter(|o| !new.actions.iter().any(|n| n.id == o.id))
    {
        out.push(removed("action", &a.description));
    }
    out
}

fn added(item: &'static str, label: &str) -> Change {
    Change {
        kind: ChangeKind::Added,
        item,
        label: label.to_owned(),
        field: None,
        old: String::new(),
        new: label.to_owned(),
    }
}

fn removed(item: &'static str, label: &str) -> Change {
    Change {
        kind: ChangeKind::Removed,
        item,
        label: label.to_owned(),
        field: None,
        old: label.to_owned(),
        new: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn goal(id: &str, text: &str) -> Goal {
        Goal {
            id: id.into(),
            text: text.into(),
            about: String::new(),
            pace: "rustig aan".into(),
            sub_goals: vec![],
        }
    }

    fn action(id: &str, goal: &str, due: Option<&str>, done: bool) -> Action {
        Action {
            id: id.into(),
            goal_id: Some(goal.into()),
            description: format!("actie {id}"),
            owner_kind: OwnerKind::NetworkMember,
            owner: "Oma Ria".into(),
            due: due.map(|d| d.parse().unwrap()),
            done,
        }
    }

    #[test]
    fn diff_names_added_changed_and_removed_items() {
        let v1 = PlanContent {
            goals: vec![goal("g1", "Samen eten"), goal("g2", "Naar school")],
            actions: vec![action("a1", "g1", None, false)],
        };
        let mut v2 = v1.clone();
        v2.goals[0].text = "Elke dag samen eten".into();
        v2.goals.remove(1);
        v2.actions
            .push(action("a2", "g1", Some("2026-12-01"), false));
        let changes = diff(&v1, &v2);
        assert_eq!(changes.len(), 3, "{changes:?}");
        assert_eq!(changes[0].kind, ChangeKind::Changed);
        assert_eq!(changes[0].field, Some("text"));
        assert_eq!(changes[0].old, "Samen eten");
        assert_eq!(changes[0].new, "Elke dag samen eten");
        assert_eq!(
            (changes[1].kind, changes[1].item),
            (ChangeKind::Added, "action")
        );
        assert_eq!(
            (changes[2].kind, changes[2].item),
            (ChangeKind::Removed, "goal")
        );
        assert_eq!(changes[2].label, "Naar school");
        assert!(diff(&v2, &v2).is_empty());
    }

    #[test]
    fn next_action_due_skips_done_actions() {
        let plan = PlanContent {
            goals: vec![goal("g1", "x")],
            actions: vec![
                action("a1", "g1", Some("2026-01-01"), true),
                action("a2", "g1", Some("2026-03-01"), false),
                action("a3", "g1", Some("2026-02-01"), false),
                action("a4", "g1", None, false),
            ],
        };
        assert_eq!(plan.next_action_due(), Some("2026-02-01".parse().unwrap()));
        assert_eq!(PlanContent::default().next_action_due(), None);
    }

    #[test]
    fn content_round_trips_as_json() {
        let plan = PlanContent {
            goals: vec![goal("g1", "Rust in huis")],
            actions: vec![action("a1", "g1", Some("2026-01-01"), false)],
        };
        let json = serde_json::to_string(&plan).unwrap();
        assert_eq!(serde_json::from_str::<PlanContent>(&json).unwrap(), plan);
    }
}
