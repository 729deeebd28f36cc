//! The family's members and network: the forms to add and change them.

use super::*;

// ------------------------------------------------------------------ people and network

#[derive(Template)]
#[template(path = "person_form.html")]
pub struct PersonForm {
    pub t: Tr,
    pub chrome: Chrome,
    pub h: CaseHeader,
    pub action: String,
    pub title: &'static str,
    pub youth: bool,
    pub errors: Vec<Problem>,
    pub f: Fields,
    pub municipalities: Vec<(String, String)>,
}

impl PersonForm {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

#[derive(Deserialize, Default)]
pub struct KindQuery {
    #[serde(default)]
    pub soort: String,
}

#[allow(clippy::too_many_arguments)]
async fn person_form(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    grant: &CaseGrant,
    person_id: Option<&str>,
    youth: bool,
    f: Fields,
    errors: Vec<Problem>,
) -> Result<PersonForm, AppError> {
    let case = grant.case();
    let action = match person_id {
        Some(p) => format!("/casussen/{}/personen/{p}", case.id),
        None => format!(
            "/casussen/{}/personen/nieuw?soort={}",
            case.id,
            if youth { "jeugdige" } else { "ouder" }
        ),
    };
    Ok(PersonForm {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, &action),
        action,
        title: match (person_id.is_some(), youth) {
            (false, true) => "person.title_new_youth",
            (false, false) => "person.title_new_parent",
            (true, _) => "person.title_edit",
        },
        youth,
        errors,
        f,
        municipalities: codelists::municipalities(&app.store)
            .await?
            .into_iter()
            .map(|m| (m.code, m.name))
            .collect(),
        h: CaseHeader::new(grant, lang),
    })
}

fn person_fields(p: &cases::Person) -> Fields {
    let mut f = Fields::default();
    f.set("name", p.name.clone());
    f.set(
        "birth_date",
        p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
    );
    f.set("bsn", p.bsn.clone().unwrap_or_default());
    f.set(
        "municipality_code",
        p.municipality_code.clone().unwrap_or_default(),
    );
    if p.has_authority == Some(true) {
        f.set("has_authority", "1");
    }
    f.set("phone", p.phone.clone().unwrap_or_default());
    f.set("version", p.version.to_string());
    f
}

pub async fn new_person(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    Query(q): Query<KindQuery>,
) -> Result<Html<String>, AppError> {
    let grant = case_access::write(&app.store, &ctx.caller(), &id).await?;
    let case = grant.case().clone();
    case_access::record_read(&app.store, &ctx.caller(), &grant, "person_form").await?;
    let youth = q.soort == "jeugdige";
    let mut f = Fields::default();
    f.set("municipality_code", case.municipality_code.clone());
    page(&person_form(&app, &ctx, lang, &grant, None, youth, f, Vec::new()).await?)
}

pub async fn create_person(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    Query(q): Query<KindQuery>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let youth = q.soort == "jeugdige";
    let kind = if youth {
        PersonKind::Youth
    } else {
        PersonKind::Parent
    };
    let details = app_cases::PersonDetails::from_form(kind, &f);
    match app_cases::add_person(&app.store, &ctx.caller(), &id, &details).await {
        Ok(_) => Ok(Redirect::to(&format!("/casussen/{id}#gezin")).into_response()),
        Err(eenplan_app::Error::Invalid(errors)) => {
            let grant = case_access::write(&app.store, &ctx.caller(), &id).await?;
            Ok(invalid_form(render(
                &person_form(&app, &ctx, lang, &grant, None, youth, f, errors).await?,
            )))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_person(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path((id, person_id)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let grant = case_access::write(&app.store, &ctx.caller(), &id).await?;
    let p = app_cases::family_person(&app.store, &grant, &person_id).await?;
    case_access::record_read(&app.store, &ctx.caller(), &grant, "person_read").await?;
    let youth = p.kind == PersonKind::Youth;
    page(
        &person_form(
            &app,
            &ctx,
            lang,
            &grant,
            Some(&person_id),
            youth,
            person_fields(&p),
            Vec::new(),
        )
        .await?,
    )
}

pub async fn update_person(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path((id, person_id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let grant = case_access::write(&app.store, &ctx.caller(), &id).await?;
    let p = app_cases::family_person(&app.store, &grant, &person_id).await?;
    let details = app_cases::PersonDetails::from_form(p.kind, &f);
    match app_cases::update_person(&app.store, &ctx.caller(), &id, &person_id, &details).await {
        Ok(()) => Ok(Redirect::to(&format!("/casussen/{id}#gezin")).into_response()),
        Err(eenplan_app::Error::Invalid(errors)) => {
            let youth = p.kind == PersonKind::Youth;
            Ok(invalid_form(render(
                &person_form(&app, &ctx, lang, &grant, Some(&person_id), youth, f, errors).await?,
            )))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "network_form.html")]
pub struct NetworkForm {
    pub t: Tr,
    pub chrome: Chrome,
    pub h: CaseHeader,
    pub action: String,
    pub errors: Vec<Problem>,
    pub f: Fields,
}

impl NetworkForm {
    pub fn has_error(&self, field: &str) -> bool {
        has_error(&self.errors, field)
    }
}

#[allow(clippy::too_many_arguments)]
fn network_form(
    app: &AppState,
    ctx: &AuthContext,
    lang: Lang,
    grant: &CaseGrant,
    member_id: Option<&str>,
    f: Fields,
    errors: Vec<Problem>,
) -> NetworkForm {
    let case = grant.case();
    let action = match member_id {
        Some(m) => format!("/casussen/{}/netwerk/{m}", case.id),
        None => format!("/casussen/{}/netwerk/nieuw", case.id),
    };
    NetworkForm {
        t: Tr(lang),
        chrome: Chrome::for_user(ctx, lang, app.config.demo_mode, &action),
        action,
        errors,
        f,
        h: CaseHeader::new(grant, lang),
    }
}

pub async fn new_network_member(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let grant = case_access::write(&app.store, &ctx.caller(), &id).await?;
    case_access::record_read(&app.store, &ctx.caller(), &grant, "network_form").await?;
    page(&network_form(
        &app,
        &ctx,
        lang,
        &grant,
        None,
        Fields::default(),
        Vec::new(),
    ))
}

pub async fn create_network_member(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let details = app_cases::NetworkDetails::from_form(&f);
    match app_cases::add_network_member(&app.store, &ctx.caller(), &id, &details).await {
        Ok(_) => Ok(Redirect::to(&format!("/casussen/{id}#netwerk")).into_response()),
        Err(eenplan_app::Error::Invalid(errors)) => {
            let grant = case_access::write(&app.store, &ctx.caller(), &id).await?;
            Ok(invalid_form(render(&network_form(
                &app, &ctx, lang, &grant, None, f, errors,
            ))))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_network_member(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path((id, member_id)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let grant = case_access::write(&app.store, &ctx.caller(), &id).await?;
    let m = app_cases::family_member(&app.store, &grant, &member_id).await?;
    case_access::record_read(&app.store, &ctx.caller(), &grant, "network_read").await?;
    let mut f = Fields::default();
    f.set("name", m.name);
    f.set("relation", m.relation);
    f.set("contact", m.contact);
    f.set("contribution", m.contribution);
    f.set("version", m.version.to_string());
    page(&network_form(
        &app,
        &ctx,
        lang,
        &grant,
        Some(&member_id),
        f,
        Vec::new(),
    ))
}

pub async fn update_network_member(
    State(app): State<AppState>,
    lang: Lang,
    Auth(ctx): Auth,
    Path((id, member_id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let details = app_cases::NetworkDetails::from_form(&f);
    match app_cases::update_network_member(&app.store, &ctx.caller(), &id, &member_id, &details)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/casussen/{id}#netwerk")).into_response()),
        Err(eenplan_app::Error::Invalid(errors)) => {
            let grant = case_access::write(&app.store, &ctx.caller(), &id).await?;
            Ok(invalid_form(render(&network_form(
                &app,
                &ctx,
                lang,
                &grant,
                Some(&member_id),
                f,
                errors,
            ))))
        }
        Err(e) => Err(e.into()),
    }
}
