//! The local treatment team's work: consultation requests (from a case, or from another
//! referrer), the intake with the contra-indication screen, activities, the outcome,
//! members, hours, and the evaluation table. Each write is a typed command of
//! `eenplan_app::treatment_team`, read from the posted form, shared with the API.
//!
//! Access: the CJG asks from a case it holds (`case_access::run`); the team's members and its
//! coordinator see the team's requests, the question and the case only with the family's
//! consent (otherwise the anonymised question); everyone else gets 403, audited.

use super::Fields;
use super::cases::{required_date, today};
use crate::AppState;
use crate::auth::AuthContext;
use crate::error::{AppError, Problem};
use eenplan_app::case_access;
use eenplan_app::treatment_team::{
    self as lbt, AddActivity, AddMember, ApproveHours, AskConsultation, CloseConsultation, Intake,
    RegisterHours, open_consultation, own_team, redact,
};
use eenplan_domain::treatment_team::{
    ActivityKind, AskReason, ContraIndication, HourActivity, Outcome, Place, Referrer, RequestKind,
};
use eenplan_store::treatment_team::{self as store, Consultation};

// ------------------------------------------------------------------ pages

use super::cases::{Labelled, labels};
use super::{Chrome, answer_form, has_error, page};
use crate::auth::Auth;
use crate::extract::{CsrfForm, Path, Query};
use crate::i18n::{Lang, Tr};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, Response};
use chrono::{Datelike, NaiveDate};

fn d(date: NaiveDate) -> String {
    date.format("%d-%m-%Y").to_string()
}

#[derive(Debug, serde::Deserialize, Default)]
pub struct TeamQuery {
    #[serde(default)]
    pub team: String,
    #[serde(default)]
    pub van: String,
    #[serde(default)]
    pub tot: String,
}

/// The user's treatment teams and the one chosen (the first by default).
async fn chosen_team(
    app: &AppState,
    ctx: &AuthContext,
    wanted: &str,
) -> Result<(Vec<(String, String)>, String), AppError> {
    let teams = store::teams_of(&app.store, &ctx.principal.user_id).await?;
    let chosen = match wanted {
        "" => teams
            .first()
            .map(|t| t.0.clone())
            .ok_or(AppError::NotFound)?,
        w => {
            own_team(&app.store, &ctx.caller(), w).await?;
            w.to_owned()
        }
    };
    Ok((teams, chosen))
}

pub struct RequestRow {
    pub c: Consultation,
    pub status: &'static str,
    pub referrer: &'static str,
    pub requested: String,
    pub age_days: i64,
}

impl RequestRow {
    fn new(c: Consultation, lang: Lang, today: NaiveDate) -> RequestRow {
        RequestRow {
            status: lang.pick(c.status.label_nl(), c.status.label_en()),
            referrer: lang.pick(c.referrer.label_nl(), c.referrer.label_en()),
            requested: d(c.requested_on),
            age_days: c.waiting_days(today),
            c,
        }
    }
}

#[derive(Template)]
#[template(path = "lbt_dashboard.html")]
pub struct DashboardPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub teams: Vec<(String, String)>,
    pub team: String,
    pub q: TeamQuery,
    pub open: Vec<RequestRow>,
    pub closed: Vec<RequestRow>,
    /// Average days from request to pick-up of the requests picked up in the period.
    pub pick_up_days: Option<String>,
    /// (member, organisation, hours this month, committed this month)
    pub hours: Vec<(String, String, String, String)>,
    pub table: Vec<(&'static str, eenplan_domain::treatment_team::EvaluationRow)>,
    pub declines: Vec<(&'static str, i64)>,
}

impl DashboardPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

/// The team dashboard: open requests and their age, pick-up time, members' hours this
/// month against what they committed, and the evaluation table for any period.
pub async fn dashboard(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Query(mut q): Query<TeamQuery>,
) -> Result<Response, AppError> {
    let (teams, team) = chosen_team(&app, &ctx, &q.team).await?;
    let today = today();
    if q.van.is_empty() {
        q.van = format!("{}-01-01", today.year());
    }
    if q.tot.is_empty() {
        q.tot = today.to_string();
    }
    let mut errors = Vec::new();
    let from = required_date(&mut errors, "van", &q.van);
    let to = required_date(&mut errors, "tot", &q.tot);
    let (from, to) = match (from, to) {
        (Some(f), Some(t)) => match eenplan_domain::DateRange::new("tot", f, t) {
            Ok(period) => (period.start(), period.end()),
            Err(e) => {
                errors.push(e.into());
                (today, today)
            }
        },
        _ => (today, today),
    };
    let mut requests = store::team_requests(&app.store, &team).await?;
    requests.iter_mut().for_each(redact);
    // The list names the families that consented: their clients are in the record.
    case_access::record_list(
        &app.store,
        &ctx.caller(),
        "consultation.list",
        requests.iter().filter_map(|c| c.case_id.clone()),
    )
    .await?;
    let picked: Vec<i64> = requests
        .iter()
        .filter(|c| c.picked_up_on.is_some_and(|p| p >= from && p <= to))
        .map(|c| c.waiting_days(today))
        .collect();
    let pick_up_days = (!picked.is_empty()).then(|| {
        let avg10 = picked.iter().sum::<i64>() * 10 / picked.len() as i64;
        format!("{},{}", avg10 / 10, avg10 % 10)
    });
    let (open, closed): (Vec<_>, Vec<_>) = requests
        .into_iter()
        .map(|c| RequestRow::new(c, lang, today))
        .partition(|r| {
            matches!(
                r.c.status,
                eenplan_domain::treatment_team::ConsultationStatus::Requested
                    | eenplan_domain::treatment_team::ConsultationStatus::PickedUp
            )
        });
    let month_start = today.with_day(1).unwrap_or(today);
    let hours = store::hours_vs_committed(&app.store, &team, month_start, today)
        .await?
        .into_iter()
        .map(|(n, o, done, committed)| {
            (
                n,
                o,
                eenplan_domain::treatment_team::hours_text(done),
                eenplan_domain::treatment_team::hours_text(committed),
            )
        })
        .collect();
    let table = store::evaluation_table(&app.store, Some(&team), from, to)
        .await?
        .into_iter()
        .map(|r| {
            let label = match Referrer::parse(&r.referrer) {
                Some(x) => lang.pick(x.label_nl(), x.label_en()),
                None => lang.pick("Totaal", "Total"),
            };
            (label, r)
        })
        .collect();
    let declines = store::declines(&app.store, &team, from, to)
        .await?
        .into_iter()
        .map(|(c, n)| (lang.pick(c.label_nl(), c.label_en()), n))
        .collect();
    let invalid = !errors.is_empty();
    let html = super::render(&DashboardPage {
        t: Tr(lang),
        chrome: Chrome::for_user(&ctx, lang, app.config.demo_mode, "/lbt"),
        errors,
        teams,
        team,
        q,
        open,
        closed: closed.into_iter().take(50).collect(),
        pick_up_days,
        hours,
        table,
        declines,
    });
    use axum::response::IntoResponse;
    Ok(if invalid {
        super::invalid_form(html)
    } else {
        html.into_response()
    })
}

#[derive(Template)]
#[template(path = "lbt_request_form.html")]
pub struct RequestFormPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub f: Fields,
    /// The case asked about (the CJG's form), or none (another referrer).
    pub case: Option<eenplan_store::cases::CaseSummary>,
    pub action: String,
    pub referrers: Vec<Labelled>,
    pub kinds: Vec<Labelled>,
    pub reasons: Vec<Labelled>,
    pub municipalities: Vec<(String, String)>,
}

impl RequestFormPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

async fn request_form(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    case: Option<eenplan_store::cases::CaseSummary>,
    f: Fields,
    errors: Vec<Problem>,
) -> Result<RequestFormPage, AppError> {
    let action = match &case {
        Some(c) => format!("/casussen/{}/consultatie", c.id),
        None => "/lbt/verzoeken/nieuw".to_owned(),
    };
    Ok(RequestFormPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, &action),
        errors,
        f,
        case,
        action,
        referrers: labels(
            &Referrer::ALL[1..],
            Referrer::as_str,
            Referrer::label_nl,
            Referrer::label_en,
            lang,
        ),
        kinds: labels(
            RequestKind::ALL,
            RequestKind::as_str,
            RequestKind::label_nl,
            RequestKind::label_en,
            lang,
        ),
        reasons: labels(
            AskReason::ALL,
            AskReason::as_str,
            AskReason::label_nl,
            AskReason::label_en,
            lang,
        ),
        municipalities: eenplan_store::codelists::municipalities(&app.store)
            .await?
            .into_iter()
            .map(|m| (m.code, m.name))
            .collect(),
    })
}

pub async fn new_request_from_case(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(case_id): Path<String>,
) -> Result<Html<String>, AppError> {
    let grant = case_access::run(&app.store, &ctx.caller(), &case_id).await?;
    let case = grant.case().clone();
    page(&request_form(&app, &ctx, lang, Some(case), Fields::default(), Vec::new()).await?)
}

pub async fn create_request_from_case(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(case_id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let grant = case_access::run(&app.store, &ctx.caller(), &case_id).await?;
    let case = grant.case().clone();
    let result = lbt::ask_from_case(
        &app.store,
        &ctx.caller(),
        &case_id,
        &AskConsultation::from_form(&f),
    )
    .await
    .map(|_| format!("/casussen/{case_id}#consultatie"));
    answer_form(result, |errors| {
        request_form(&app, &ctx, lang, Some(case), f, errors)
    })
    .await
}

pub async fn new_request_from_referrer(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
) -> Result<Html<String>, AppError> {
    page(&request_form(&app, &ctx, lang, None, Fields::default(), Vec::new()).await?)
}

pub async fn create_request_from_referrer(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let result = lbt::ask_from_referrer(&app.store, &ctx.caller(), &AskConsultation::from_form(&f))
        .await
        .map(|id| format!("/lbt/verzoeken/{id}"));
    answer_form(result, |errors| {
        request_form(&app, &ctx, lang, None, f, errors)
    })
    .await
}

#[derive(Template)]
#[template(path = "lbt_request.html")]
pub struct RequestPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub f: Fields,
    pub r: RequestRow,
    pub kind: &'static str,
    pub reason: &'static str,
    pub contra: &'static str,
    pub outcome: &'static str,
    pub activities: Vec<(
        &'static str,
        String,
        &'static str,
        eenplan_store::treatment_team::Activity,
    )>,
    pub members: Vec<(String, String)>,
    pub contras: Vec<Labelled>,
    pub activity_kinds: Vec<Labelled>,
    pub places: Vec<Labelled>,
    pub outcomes: Vec<Labelled>,
    pub providers: Vec<(String, String)>,
    pub today: String,
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
    f: Fields,
    errors: Vec<Problem>,
) -> Result<RequestPage, AppError> {
    let c = open_consultation(&app.store, &ctx.caller(), id).await?;
    let today = today();
    // Who can be assigned: the team's members today.
    let members = store::memberships(&app.store, &c.team_id)
        .await?
        .into_iter()
        .filter(|m| m.valid_from <= today && m.valid_to.is_none_or(|t| t >= today))
        .map(|m| {
            (
                m.user_id,
                format!(
                    "{} ({}, {})",
                    m.user_name, m.discipline, m.organisation_name
                ),
            )
        })
        .collect();
    Ok(RequestPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, "/lbt"),
        errors,
        f,
        kind: lang.pick(c.kind.label_nl(), c.kind.label_en()),
        reason: lang.pick(c.reason.label_nl(), c.reason.label_en()),
        contra: c
            .contra_indication
            .map_or("", |x| lang.pick(x.label_nl(), x.label_en())),
        outcome: c
            .outcome
            .map_or("", |x| lang.pick(x.label_nl(), x.label_en())),
        activities: c
            .activities
            .iter()
            .map(|a| {
                (
                    lang.pick(a.kind.label_nl(), a.kind.label_en()),
                    d(a.on_date),
                    a.place
                        .map_or("", |p| lang.pick(p.label_nl(), p.label_en())),
                    a.clone(),
                )
            })
            .collect(),
        members,
        contras: labels(
            ContraIndication::ALL,
            ContraIndication::as_str,
            ContraIndication::label_nl,
            ContraIndication::label_en,
            lang,
        ),
        activity_kinds: labels(
            ActivityKind::ALL,
            ActivityKind::as_str,
            ActivityKind::label_nl,
            ActivityKind::label_en,
            lang,
        ),
        places: labels(
            Place::ALL,
            Place::as_str,
            Place::label_nl,
            Place::label_en,
            lang,
        ),
        outcomes: labels(
            Outcome::ALL,
            Outcome::as_str,
            Outcome::label_nl,
            Outcome::label_en,
            lang,
        ),
        providers: eenplan_store::catalogue::providers(&app.store)
            .await?
            .into_iter()
            .map(|(id, name, _)| (id, name))
            .collect(),
        today: today.to_string(),
        r: RequestRow::new(c, lang, today),
    })
}

pub async fn show_request(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    page(&request_page(&app, &ctx, lang, &id, Fields::default(), Vec::new()).await?)
}

macro_rules! request_step {
    ($name:ident, $action:path, $command:ident) => {
        pub async fn $name(
            State(app): State<AppState>,
            lang: Lang,
            Auth(ctx): Auth,
            Path(id): Path<String>,
            CsrfForm(f): CsrfForm<Fields>,
        ) -> Result<Response, AppError> {
            let result = $action(&app.store, &ctx.caller(), &id, &$command::from_form(&f))
                .await
                .map(|_| format!("/lbt/verzoeken/{id}"));
            answer_form(result, |errors| {
                request_page(&app, &ctx, lang, &id, f, errors)
            })
            .await
        }
    };
}
request_step!(post_intake, lbt::intake, Intake);
request_step!(post_activity, lbt::add_activity, AddActivity);
request_step!(post_close, lbt::close, CloseConsultation);

#[derive(Template)]
#[template(path = "lbt_hours.html")]
pub struct HoursPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub f: Fields,
    pub teams: Vec<(String, String)>,
    pub team: String,
    pub entries: Vec<(
        String,
        String,
        &'static str,
        eenplan_store::treatment_team::HoursEntry,
    )>,
    pub activities: Vec<Labelled>,
    pub open_requests: Vec<(String, String)>,
    pub may_approve: bool,
    pub today: String,
}

impl HoursPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

async fn hours_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    team: &str,
    f: Fields,
    errors: Vec<Problem>,
) -> Result<HoursPage, AppError> {
    let (teams, team) = chosen_team(app, ctx, team).await?;
    let today = today();
    let since = today - chrono::Duration::days(62);
    let entries = store::team_hours(&app.store, &team, since, today)
        .await?
        .into_iter()
        .map(|e| {
            (
                d(e.on_date),
                eenplan_domain::treatment_team::hours_text(e.minutes),
                lang.pick(e.activity.label_nl(), e.activity.label_en()),
                e,
            )
        })
        .collect();
    let open_requests = store::team_requests(&app.store, &team)
        .await?
        .into_iter()
        .filter(|c| c.status == eenplan_domain::treatment_team::ConsultationStatus::PickedUp)
        .map(|c| (c.id, c.number))
        .collect();
    Ok(HoursPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, "/lbt/uren"),
        errors,
        f,
        teams,
        team,
        entries,
        activities: labels(
            HourActivity::ALL,
            HourActivity::as_str,
            HourActivity::label_nl,
            HourActivity::label_en,
            lang,
        ),
        open_requests,
        may_approve: eenplan_domain::policy::allows(
            ctx.principal.role,
            eenplan_domain::Permission::CoordinateTreatmentTeam,
        ),
        today: today.to_string(),
    })
}

pub async fn show_hours(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Query(q): Query<TeamQuery>,
) -> Result<Html<String>, AppError> {
    let mut f = Fields::default();
    f.set("on", today().to_string());
    page(&hours_page(&app, &ctx, lang, &q.team, f, Vec::new()).await?)
}

pub async fn post_hours(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let (_, team) = chosen_team(&app, &ctx, f.get("team")).await?;
    let result = lbt::register_hours(
        &app.store,
        &ctx.caller(),
        &team,
        &RegisterHours::from_form(&f),
    )
    .await
    .map(|_| format!("/lbt/uren?team={team}"));
    answer_form(result, |errors| {
        hours_page(&app, &ctx, lang, &team, f, errors)
    })
    .await
}

/// The coordinator approves the selected hours of a team they belong to.
pub async fn approve_hours(
    State(app): State<AppState>,
    Auth(ctx): Auth,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let (_, team) = chosen_team(&app, &ctx, f.get("team")).await?;
    lbt::approve_hours(
        &app.store,
        &ctx.caller(),
        &team,
        &ApproveHours::from_form(&f),
    )
    .await?;
    use axum::response::IntoResponse;
    Ok(axum::response::Redirect::to(&format!("/lbt/uren?team={team}")).into_response())
}

#[derive(Template)]
#[template(path = "lbt_members.html")]
pub struct MembersPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub errors: Vec<Problem>,
    pub f: Fields,
    pub teams: Vec<(String, String)>,
    pub team: String,
    pub members: Vec<(
        eenplan_store::treatment_team::Membership,
        String,
        String,
        String,
    )>,
    pub candidates: Vec<(String, String)>,
}

impl MembersPage {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

async fn members_page(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    team: &str,
    f: Fields,
    errors: Vec<Problem>,
) -> Result<MembersPage, AppError> {
    let (teams, team) = chosen_team(app, ctx, team).await?;
    let members = store::memberships(&app.store, &team)
        .await?
        .into_iter()
        .map(|m| {
            let hours = eenplan_domain::treatment_team::hours_text(m.committed_minutes_week);
            let (from, to) = (d(m.valid_from), m.valid_to.map(d).unwrap_or_default());
            (m, hours, from, to)
        })
        .collect();
    let candidates = eenplan_store::cases::active_users(&app.store)
        .await?
        .into_iter()
        .filter(|(_, _, role, _)| role == "treatment_team_member")
        .map(|(id, name, _, org)| (id, format!("{name} ({org})")))
        .collect();
    Ok(MembersPage {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, "/lbt/leden"),
        errors,
        f,
        teams,
        team,
        members,
        candidates,
    })
}

pub async fn show_members(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Query(q): Query<TeamQuery>,
) -> Result<Html<String>, AppError> {
    page(&members_page(&app, &ctx, lang, &q.team, Fields::default(), Vec::new()).await?)
}

pub async fn post_member(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let (_, team) = chosen_team(&app, &ctx, f.get("team")).await?;
    let result = lbt::add_member(&app.store, &ctx.caller(), &team, &AddMember::from_form(&f))
        .await
        .map(|_| format!("/lbt/leden?team={team}"));
    answer_form(result, |errors| {
        members_page(&app, &ctx, lang, &team, f, errors)
    })
    .await
}
