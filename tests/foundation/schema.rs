//! The two migration sets (SQLite and PostgreSQL) produce the same schema: tables,
//! columns by kind and nullability, indexes, primary keys, unique and foreign keys, and
//! the number of CHECK constraints per table. Runs where PostgreSQL is configured
//! (`EENPLAN_TEST_DATABASE_URL`); it says so and passes trivially elsewhere.

use eenplan_store::Store;
use sqlx::Row;
use std::collections::BTreeSet;

/// One fact of a schema, as a line: comparable across backends.
type Facts = BTreeSet<String>;

/// The tables only PostgreSQL has: its concurrent writers add their report counts to
/// pending tables and fold them in at commit; SQLite's one writer updates the aggregates
/// in its triggers directly.
const POSTGRES_ONLY_TABLES: &[&str] = &[
    "agg_fold",
    "agg_cases_pending",
    "agg_problem_areas_pending",
    "agg_registrations_pending",
];

/// `closed_on >= registered_on` on cases: a CHECK added later on PostgreSQL, a pair of
/// triggers on SQLite (which cannot add a constraint to an existing table).
const CASES_CHECKS: (&str, &str) = ("checks cases 7", "checks cases 8");

/// Whether a fact found on one side only is a difference made on purpose (above).
fn intended(fact: &str) -> bool {
    fact == CASES_CHECKS.0
        || fact == CASES_CHECKS.1
        || POSTGRES_ONLY_TABLES
            .iter()
            .any(|t| fact.split([' ', '.']).any(|word| word == *t))
}

/// The kind of a declared column type: what both backends must agree on.
fn kind(declared: &str) -> &'static str {
    let t = declared.to_ascii_lowercase();
    if t.contains("int") || t == "bigserial" || t == "serial" {
        "integer"
    } else if t.contains("real")
        || t.contains("double")
        || t.contains("numeric")
        || t.contains("float")
    {
        "number"
    } else if t.contains("bool") {
        "boolean"
    } else if t.contains("blob") || t.contains("bytea") {
        "bytes"
    } else {
        "text"
    }
}

async fn strings(store: &Store, sql: &str, bind: Option<&str>) -> Vec<Vec<String>> {
    let mut q = sqlx::query(sql);
    if let Some(b) = bind {
        q = q.bind(b.to_owned());
    }
    q.fetch_all(store.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| {
            (0..r.len())
                .map(|i| r.try_get::<String, _>(i).unwrap_or_default())
                .collect()
        })
        .collect()
}

async fn sqlite_facts(store: &Store) -> Facts {
    let mut out = Facts::new();
    let tables = strings(
        store,
        "SELECT name, sql FROM sqlite_master WHERE type = 'table'
        AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
        None,
    )
    .await;
    for t in &tables {
        let (table, sql) = (&t[0], &t[1]);
        out.insert(format!("table {table}"));
        out.insert(format!("checks {table} {}", checks_in(sql)));
        for c in strings(store, "SELECT name, type, CAST(\"notnull\" AS TEXT), CAST(pk AS TEXT) FROM pragma_table_info($1) ORDER BY cid", Some(table)).await {
            // SQLite allows NULL in a primary key column unless declared; PostgreSQL never.
            let not_null = c[2] == "1" || c[3] != "0";
            out.insert(format!("column {table}.{} {} {}", c[0], kind(&c[1]), if not_null { "not null" } else { "null" }));
        }
        let pk = strings(
            store,
            "SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk",
            Some(table),
        )
        .await;
        if !pk.is_empty() {
            out.insert(format!(
                "primary key {table} ({})",
                pk.iter()
                    .map(|r| r[0].as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            ));
        }
        for i in strings(
            store,
            "SELECT name, origin, CAST(\"unique\" AS TEXT) FROM pragma_index_list($1)",
            Some(table),
        )
        .await
        {
            let cols = strings(
                store,
                "SELECT COALESCE(name, '(expression)') FROM pragma_index_info($1) ORDER BY seqno",
                Some(&i[0]),
            )
            .await;
            let cols = cols
                .iter()
                .map(|r| r[0].as_str())
                .collect::<Vec<_>>()
                .join(",");
            match i[1].as_str() {
                "u" => {
                    out.insert(format!("unique {table} ({cols})"));
                }
                "c" => {
                    out.insert(format!(
                        "index {} on {table} ({cols}){}",
                        i[0],
                        if i[2] == "1" { " unique" } else { "" }
                    ));
                }
                _ => {}
            }
        }
        for f in strings(
            store,
            "SELECT \"table\", \"from\", COALESCE(\"to\", '') FROM pragma_foreign_key_list($1)",
            Some(table),
        )
        .await
        {
            out.insert(format!("foreign key {table}.{} -> {}", f[1], f[0]));
        }
    }
    out
}

/// Counts `CHECK (` in a CREATE TABLE statement (the constraints, not words in comments).
fn checks_in(sql: &str) -> usize {
    sql.lines()
        .map(|l| l.split("--").next().unwrap_or(""))
        .map(|l| l.matches("CHECK (").count() + l.matches("CHECK(").count())
        .sum()
}

async fn postgres_facts(store: &Store) -> Facts {
    let mut out = Facts::new();
    for t in strings(store, "SELECT table_name::text FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations'", None).await {
        out.insert(format!("table {}", t[0]));
        let checks = strings(store, "SELECT COUNT(*)::text FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public' AND t.relname = $1 AND c.contype = 'c'", Some(&t[0])).await;
        out.insert(format!("checks {} {}", t[0], checks[0][0]));
    }
    for c in strings(store, "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text
        FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'", None).await {
        out.insert(format!("column {}.{} {} {}", c[0], c[1], kind(&c[2]), if c[3] == "NO" { "not null" } else { "null" }));
    }
    let key_columns =
        "array_to_string(ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o), ',')";
    for k in strings(store, &format!("SELECT t.relname::text, c.contype::text, {key_columns}, COALESCE(r.relname::text, '')
        FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        LEFT JOIN pg_class r ON r.oid = c.confrelid
        WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f') AND t.relname <> '_sqlx_migrations'"), None).await {
        let (table, kind, cols, target) = (&k[0], k[1].as_str(), &k[2], &k[3]);
        match kind {
            "p" => out.insert(format!("primary key {table} ({cols})")),
            "u" => out.insert(format!("unique {table} ({cols})")),
            _ => {
                // One line per column, as SQLite lists them.
                for col in cols.split(',') {
                    out.insert(format!("foreign key {table}.{col} -> {target}"));
                }
                true
            }
        };
    }
    for i in strings(store, "SELECT i.relname::text, t.relname::text, CASE WHEN x.indisunique THEN '1' ELSE '0' END,
        array_to_string(ARRAY(SELECT COALESCE(a.attname::text, '(expression)') FROM unnest(x.indkey) WITH ORDINALITY k(n, o)
            LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.n ORDER BY k.o), ',')
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)", None).await {
        out.insert(format!("index {} on {} ({}){}", i[0], i[1], i[3], if i[2] == "1" { " unique" } else { "" }));
    }
    out
}

#[tokio::test]
async fn both_migration_sets_produce_the_same_schema() {
    let Ok(admin_url) = std::env::var("EENPLAN_TEST_DATABASE_URL") else {
        eprintln!("schema comparison skipped: EENPLAN_TEST_DATABASE_URL is not set");
        return;
    };
    let dir =
        std::env::temp_dir().join(format!("eenplan_schema_{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = Store::connect(&Store::sqlite_url(&dir)).await.unwrap();
    sqlite.migrate().await.unwrap();
    let name = format!("eenplan_schema_{}", uuid::Uuid::new_v4().simple());
    let admin = Store::connect(&admin_url).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(admin.pool())
        .await
        .unwrap();
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b.to_owned())
        .unwrap();
    let pg = Store::connect(&format!("{base}/{name}")).await.unwrap();
    pg.migrate().await.unwrap();
    let (s, p) = (sqlite_facts(&sqlite).await, postgres_facts(&pg).await);
    pg.close().await;
    sqlite.close().await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(admin.pool())
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        s.iter().any(|f| f.starts_with("table cases")),
        "the schema was read"
    );
    // The differences made on purpose are still there (else the list above goes).
    assert!(s.contains(CASES_CHECKS.0) && p.contains(CASES_CHECKS.1));
    for t in POSTGRES_ONLY_TABLES {
        assert!(p.contains(&format!("table {t}")) && !s.contains(&format!("table {t}")));
    }
    let only_sqlite: Vec<_> = s.difference(&p).filter(|f| !intended(f)).collect();
    let only_postgres: Vec<_> = p.difference(&s).filter(|f| !intended(f)).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only in SQLite:\n  {}\nonly in PostgreSQL:\n  {}",
        only_sqlite
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join("\n  "),
        only_postgres
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join("\n  ")
    );
}
