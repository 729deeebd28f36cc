//! The family's youths, parents and network: as recorded, and for a former team as they
//! were when its case closed.

use super::*;

// ---------------------------------------------------------------- people

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Person {
    pub id: String,
    pub family_id: String,
    pub kind: PersonKind,
    pub name: String,
    pub birth_date: Option<NaiveDate>,
    pub bsn: Option<String>,
    pub municipality_code: Option<String>,
    /// Parents and carers: whether they hold legal authority (gezag).
    pub has_authority: Option<bool>,
    pub phone: Option<String>,
    pub version: i64,
}

/// The fields of a youth or parent, parsed at the edge.
#[derive(Debug, Clone, Default)]
pub struct PersonInput {
    pub name: String,
    pub birth_date: Option<NaiveDate>,
    pub bsn: Option<Bsn>,
    pub municipality_code: Option<String>,
    pub has_authority: Option<bool>,
    pub phone: Option<String>,
}

const PERSON_COLUMNS: &str =
    "id, family_id, kind, name, birth_date, bsn, municipality_code, has_authority, phone, version";

fn person_from_row(r: &AnyRow) -> Result<Person> {
    let kind: String = r.try_get("kind")?;
    let authority: Option<i64> = r.try_get("has_authority")?;
    Ok(Person {
        id: r.try_get("id")?,
        family_id: r.try_get("family_id")?,
        kind: PersonKind::parse(&kind).ok_or_else(|| Error::Corrupt(format!("kind {kind}")))?,
        name: r.try_get("name")?,
        birth_date: opt_date(r, "birth_date")?,
        bsn: r.try_get("bsn")?,
        municipality_code: r.try_get("municipality_code")?,
        has_authority: authority.map(|a| a == 1),
        phone: r.try_get("phone")?,
        version: r.try_get("version")?,
    })
}

/// Keeps the name words of a person in step with the name, for search.
async fn index_name(tx: &mut Tx, person_id: &str, name: &str) -> Result<()> {
    sqlx::query("DELETE FROM person_name_words WHERE person_id = $1")
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    let key = name_key(name);
    let mut words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
    words.sort_unstable();
    words.dedup();
    for word in words {
        sqlx::query("INSERT INTO person_name_words (word, person_id) VALUES ($1, $2)")
            .bind(word)
            .bind(person_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The smallest text above every text that starts with `prefix` (byte order).
pub(super) fn prefix_end(prefix: &str) -> String {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = (last as u32 + 1..=char::MAX as u32).find_map(char::from_u32) {
            chars.push(next);
            return chars.into_iter().collect();
        }
    }
    char::MAX.to_string()
}

pub(super) async fn insert_person(
    tx: &mut Tx,
    family_id: &str,
    kind: PersonKind,
    p: &PersonInput,
) -> Result<String> {
    let id = new_id();
    let at = now();
    sqlx::query(
        "INSERT INTO persons (id, family_id, kind, name, name_key, birth_date, bsn, municipality_code,
                              has_authority, phone, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11)",
    )
    .bind(&id)
    .bind(family_id)
    .bind(kind.as_str())
    .bind(&p.name)
    .bind(name_key(&p.name))
    .bind(p.birth_date.map(|d| d.to_string()))
    .bind(p.bsn.map(|b| b.to_string()))
    .bind(&p.municipality_code)
    .bind(p.has_authority.map(i64::from))
    .bind(&p.phone)
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    index_name(tx, &id, &p.name).await?;
    Ok(id)
}

/// The family's youths and parents; for a former team those known when its case closed,
/// with the values they had then (what a later team changed stays unseen).
pub async fn persons(store: &Store, grant: &CaseGrant) -> Result<Vec<Person>> {
    as_recorded(
        store,
        grant,
        ("persons", "person_versions"),
        PERSON_COLUMNS,
        "kind DESC, birth_date, name",
        person_from_row,
    )
    .await
}

/// Keeps the values of the row `(id, family_id, version)` of `tables.0` that a change at
/// `at` replaces, in `tables.1`, for the team of a closed case (see [`as_recorded`]).
async fn keep_replaced(
    tx: &mut Tx,
    (table, versions): (&str, &str),
    columns: &str,
    (id, family_id, version): (&str, &str, i64),
    at: &str,
) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO {versions} ({columns}, replaced_at)
         SELECT {columns}, $1 FROM {table} WHERE id = $2 AND family_id = $3 AND version = $4"
    ))
    .bind(at)
    .bind(id)
    .bind(family_id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A family's rows of `tables.0` as the grant shows them: all of them, or for a former
/// team those created before its case closed, each with the values it had then (the
/// first version `tables.1` keeps of what was replaced after that moment).
async fn as_recorded<T>(
    store: &Store,
    grant: &CaseGrant,
    (table, versions): (&str, &str),
    columns: &str,
    order: &str,
    read: fn(&AnyRow) -> Result<T>,
) -> Result<Vec<T>> {
    let until = grant.until_stamp();
    let rows = sqlx::query(&format!(
        "SELECT {columns}, updated_at FROM {table}
         WHERE family_id = $1 AND ($2 IS NULL OR created_at < $2) ORDER BY {order}"
    ))
    .bind(grant.family_id())
    .bind(&until)
    .fetch_all(store.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let updated: String = r.try_get("updated_at")?;
        match &until {
            Some(until) if &updated > until => {
                let earlier = sqlx::query(&format!(
                    "SELECT {columns} FROM {versions}
                     WHERE id = $1 AND replaced_at > $2 ORDER BY replaced_at LIMIT 1"
                ))
                .bind(r.try_get::<String, _>("id")?)
                .bind(until)
                .fetch_optional(store.pool())
                .await?;
                out.push(read(earlier.as_ref().unwrap_or(r))?);
            }
            _ => out.push(read(r)?),
        }
    }
    Ok(out)
}

/// The ids of a family's youths and parents: the clients named in its audit records.
pub async fn client_ids(conn: &mut sqlx::AnyConnection, family_id: &str) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM persons WHERE family_id = $1 ORDER BY id")
            .bind(family_id)
            .fetch_all(conn)
            .await?,
    )
}

/// Appends `event` naming the family's youths and parents as its clients.
pub async fn audit_family(tx: &mut Tx, actor: &Actor, family_id: &str, event: Event) -> Result<()> {
    let clients = client_ids(tx, family_id).await?;
    audit::append(tx, actor, &event.clients(clients)).await
}

pub async fn add_person(
    tx: &mut Tx,
    actor: &Actor,
    grant: &CaseGrant,
    kind: PersonKind,
    p: &PersonInput,
) -> Result<String> {
    let family_id = grant.writable()?.family_id();
    let id = insert_person(tx, family_id, kind, p).await?;
    audit_family(
        tx,
        actor,
        family_id,
        Event::new("person.create", Action::Create).object("person", &id),
    )
    .await?;
    Ok(id)
}

pub async fn update_person(
    tx: &mut Tx,
    actor: &Actor,
    grant: &CaseGrant,
    id: &str,
    version: i64,
    p: &PersonInput,
) -> Result<()> {
    let family_id = grant.writable()?.family_id();
    let at = now();
    let row = (id, family_id, version);
    keep_replaced(tx, ("persons", "person_versions"), PERSON_COLUMNS, row, &at).await?;
    let done = sqlx::query(
        "UPDATE persons SET name = $1, name_key = $2, birth_date = $3, bsn = $4, municipality_code = $5,
                has_authority = $6, phone = $7, version = version + 1, updated_at = $8
         WHERE id = $9 AND family_id = $10 AND version = $11
           AND (kind <> 'youth' OR $3 IS NOT NULL)",
    )
    .bind(&p.name)
    .bind(name_key(&p.name))
    .bind(p.birth_date.map(|d| d.to_string()))
    .bind(p.bsn.map(|b| b.to_string()))
    .bind(&p.municipality_code)
    .bind(p.has_authority.map(i64::from))
    .bind(&p.phone)
    .bind(&at)
    .bind(id)
    .bind(family_id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    check_versioned_update(tx, "persons", id, done.rows_affected()).await?;
    index_name(tx, id, &p.name).await?;
    audit_family(
        tx,
        actor,
        family_id,
        Event::new("person.update", Action::Update).object("person", id),
    )
    .await
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NetworkMember {
    pub id: String,
    pub name: String,
    /// Relative, friend, neighbour, JIM mentor, ...
    pub relation: String,
    /// How to reach them.
    pub contact: String,
    /// What they contribute.
    pub contribution: String,
    pub version: i64,
}

#[derive(Debug, Clone, Default)]
pub struct NetworkMemberInput {
    pub name: String,
    pub relation: String,
    pub contact: String,
    pub contribution: String,
}

const NETWORK_COLUMNS: &str = "id, name, relation, contact, contribution, version";

fn network_member_from_row(r: &AnyRow) -> Result<NetworkMember> {
    Ok(NetworkMember {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        relation: r.try_get("relation")?,
        contact: r.try_get("contact")?,
        contribution: r.try_get("contribution")?,
        version: r.try_get("version")?,
    })
}

/// The family's network; for a former team as known when its case closed, with the
/// values it had then.
pub async fn network(store: &Store, grant: &CaseGrant) -> Result<Vec<NetworkMember>> {
    as_recorded(
        store,
        grant,
        ("network_members", "network_member_versions"),
        NETWORK_COLUMNS,
        "name",
        network_member_from_row,
    )
    .await
}

pub async fn add_network_member(
    tx: &mut Tx,
    actor: &Actor,
    grant: &CaseGrant,
    m: &NetworkMemberInput,
) -> Result<String> {
    let family_id = grant.writable()?.family_id();
    let id = new_id();
    let at = now();
    sqlx::query(
        "INSERT INTO network_members (id, family_id, name, relation, contact, contribution, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)",
    )
    .bind(&id)
    .bind(family_id)
    .bind(&m.name)
    .bind(&m.relation)
    .bind(&m.contact)
    .bind(&m.contribution)
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    audit_family(
        tx,
        actor,
        family_id,
        Event::new("network_member.create", Action::Create).object("network_member", &id),
    )
    .await?;
    Ok(id)
}

pub async fn update_network_member(
    tx: &mut Tx,
    actor: &Actor,
    grant: &CaseGrant,
    id: &str,
    version: i64,
    m: &NetworkMemberInput,
) -> Result<()> {
    let family_id = grant.writable()?.family_id();
    let at = now();
    let row = (id, family_id, version);
    let tables = ("network_members", "network_member_versions");
    keep_replaced(tx, tables, NETWORK_COLUMNS, row, &at).await?;
    let done = sqlx::query(
        "UPDATE network_members SET name = $1, relation = $2, contact = $3, contribution = $4,
                version = version + 1, updated_at = $5
         WHERE id = $6 AND family_id = $7 AND version = $8",
    )
    .bind(&m.name)
    .bind(&m.relation)
    .bind(&m.contact)
    .bind(&m.contribution)
    .bind(&at)
    .bind(id)
    .bind(family_id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    check_versioned_update(tx, "network_members", id, done.rows_affected()).await?;
    audit_family(
        tx,
        actor,
        family_id,
        Event::new("network_member.update", Action::Update).object("network_member", id),
    )
    .await
}
