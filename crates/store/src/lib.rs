//! Database access for eenplan on SQLite (the embedded default) and PostgreSQL.
//!
//! One query code path serves both: portable SQL with `$n` placeholders through sqlx's
//! `Any` driver. Only the migrations differ per backend (`migrations/sqlite`,
//! `migrations/postgres`), where the dialect demands it (types, triggers).
//!
//! Every write goes through [`Store::begin`] and commits together with its audit record
//! ([`audit::append`]): if the audit write fails, the change fails.

pub mod access;
pub mod approvals;
pub mod audit;
pub mod budgets;
pub mod cases;
pub mod catalogue;
pub mod cbs;
pub mod codelists;
pub mod costs;
pub mod declarations;
pub mod demo;
pub mod directory;
pub mod generator;
pub mod grant;
pub mod idempotency;
pub mod ijw;
pub mod import;
pub mod monitoring;
pub mod plans;
pub mod sessions;
pub mod settings;
pub mod treatment_team;
pub mod users;

use sqlx::AnyConnection;
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

static MIGRATOR_SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static MIGRATOR_POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Errors of the storage layer. The web layer maps them to HTTP: `NotFound` 404,
/// `Conflict` 409, `Duplicate` 422 on the named field, the rest an opaque 500.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("record not found")]
    NotFound,
    /// The record was changed by someone else since it was read (stale version).
    #[error("record was changed in the meantime")]
    Conflict,
    /// The caller's grant does not allow this (a closed case, reading only).
    #[error("not allowed by the grant")]
    Forbidden,
    /// A unique constraint refused the write. `constraint` names it as the database does:
    /// PostgreSQL's constraint or index name (`organisations_name_key`), SQLite's columns
    /// (`organisations.name`); the application layer maps both to the field.
    #[error("a record with this value already exists ({constraint})")]
    Duplicate { constraint: String },
    /// A foreign key refused the write: it refers to a record that does not exist.
    #[error("refers to a record that does not exist")]
    UnknownReference,
    /// Text the database cannot store (a NUL character, invalid encoding).
    #[error("text contains characters that cannot be stored")]
    InvalidText,
    #[error("unsupported database url: {0}")]
    UnsupportedUrl(String),
    #[error("database: {0}")]
    Db(sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// No local team serves the municipality a registration is for.
    #[error("no local team serves municipality {0}")]
    NoLocalTeam(String),
    /// A case transition that its current status or date does not allow.
    #[error("case transition refused: {0:?}")]
    Transition(eenplan_domain::case::TransitionError),
    /// A person or user named in the input does not belong where it should.
    #[error("not allowed here: {0:?}")]
    NotApplicable(Misfit),
    /// The family has an open case held by another team.
    #[error("the family has an open case with another team")]
    CaseElsewhere,
    /// Another team closed the family's case within the reopening window; linking it
    /// takes a break-the-glass reason.
    #[error("the family was recently in care with another team")]
    HeldElsewhere,
    /// Input that breaks a domain rule only the database can check (a contract on a
    /// date, a price on a date, four eyes); answered 422 on the named field.
    #[error("invalid: {0}")]
    Invalid(eenplan_domain::FieldError),
    /// The audit writer could not record an event (the access is then refused).
    #[error("audit log: {0}")]
    Audit(String),
    /// The demo generator refused to run (no demo region, data generated already).
    #[error("demo generator: {0}")]
    Generator(String),
    /// Work run apart (on a blocking thread) panicked; the process goes on.
    #[error("internal failure: {0}")]
    Panic(String),
    /// A write transaction that changes data committed without an audit record.
    #[error("a write without an audit record was refused")]
    Unaudited,
    /// The database is busy with another writer for longer than the wait allows (SQLite's
    /// lock held by another process, no free connection); the caller may try again.
    #[error("the database is busy")]
    Busy,
    /// The data folder or database does not exist, or holds no (current) eenplan schema.
    #[error("{0}")]
    NotInitialised(String),
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => Error::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => Error::Duplicate {
                constraint: db.constraint().map(str::to_owned).unwrap_or_else(|| {
                    db.message()
                        .trim_start_matches("UNIQUE constraint failed: ")
                        .to_owned()
                }),
            },
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => Error::UnknownReference,
            // SQLITE_BUSY and its extended codes (BUSY_RECOVERY, BUSY_SNAPSHOT, ...);
            // SQLite's codes are numbers, PostgreSQL's five-character SQLSTATEs.
            sqlx::Error::Database(db) if db.code().is_some_and(|c| is_sqlite_busy(&c)) => {
                Error::Busy
            }
            sqlx::Error::PoolTimedOut => Error::Busy,
            // PostgreSQL refuses NUL and invalid UTF-8 in text (22021, 22P05).
            sqlx::Error::Database(db)
                if matches!(db.code().as_deref(), Some("22021") | Some("22P05")) =>
            {
                Error::InvalidText
            }
            _ => Error::Db(e),
        }
    }
}

fn is_sqlite_busy(code: &str) -> bool {
    code.len() < 5 && code.parse::<i32>().is_ok_and(|c| c & 0xff == 5)
}

/// What a person or user named in the input is not, where it was named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misfit {
    /// The known youth to link does not exist (or is no youth).
    UnknownYouth,
    /// The known youths to link belong to two families.
    YouthsOfTwoFamilies,
    /// No active account by that id.
    UnknownUser,
    /// The account's role does not work on cases.
    RoleNotOnCases,
    /// The workers of a caseload transfer are not both of the team.
    NotTeamMembers,
    /// The coordinator chosen is not an active professional who works on cases.
    NotACoordinator,
    /// The organisation is no care provider.
    NotAProvider,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite allows one writer at a time and gives up on lock upgrades inside a
    /// transaction, so writes are queued here instead of failing with SQLITE_BUSY.
    write_lock: Option<Arc<Mutex<()>>>,
    /// Records audit events in batches (see `audit::record`); `None` inside the writer.
    audit_writer: Option<tokio::sync::mpsc::Sender<audit::Pending>>,
}

/// A write transaction. Dereferences to the connection, so queries run with
/// `.execute(&mut **tx)`. Dropped without [`Tx::commit`], it rolls back.
pub struct Tx {
    inner: sqlx::Transaction<'static, sqlx::Any>,
    _write: Option<OwnedMutexGuard<()>>,
    /// An audit record was appended in this transaction.
    audited: bool,
    /// Why this transaction needs no audit record, when it needs none.
    unaudited: Option<&'static str>,
}

impl Tx {
    /// Commits. A write without an audit record is refused ([`Error::Unaudited`], and a
    /// failed debug assertion in tests) unless [`Tx::without_audit`] named why: every
    /// change of client data leaves its record in the same transaction.
    pub async fn commit(self) -> Result<()> {
        if !self.audited && self.unaudited.is_none() {
            debug_assert!(
                false,
                "a write transaction committed without an audit record; \
                 append one, or name why it needs none with Tx::without_audit"
            );
            return Err(Error::Unaudited);
        }
        self.inner.commit().await?;
        Ok(())
    }

    /// Names why this write needs no audit record: it changes no client data (a session,
    /// an idempotency key, the code lists) or records its own account elsewhere.
    pub fn without_audit(&mut self, why: &'static str) {
        self.unaudited = Some(why);
    }

    pub(crate) fn mark_audited(&mut self) {
        self.audited = true;
    }
}

impl Deref for Tx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.inner
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }
}

impl Store {
    /// Connects to `sqlite://...` or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(Error::UnsupportedUrl(
                url.split(':').next().unwrap_or("").into(),
            ));
        };
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        let pool = match backend {
            Backend::Sqlite => {
                options
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // WAL for concurrent readers; FULL so an acknowledged write
                            // survives a power cut; foreign keys are off by default. Reads
                            // map the file (shared by all connections through the OS page
                            // cache) instead of copying pages into each connection's small
                            // private cache. Sorts and temporary tables (GROUP BY, the
                            // report aggregates' update triggers) stay in memory instead of
                            // temporary files.
                            for pragma in [
                                "PRAGMA journal_mode = WAL",
                                "PRAGMA synchronous = FULL",
                                "PRAGMA foreign_keys = ON",
                                "PRAGMA busy_timeout = 5000",
                                "PRAGMA mmap_size = 1073741824",
                                "PRAGMA temp_store = MEMORY",
                            ] {
                                conn.execute(pragma).await?;
                            }
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await?
            }
            Backend::Postgres => options.max_connections(16).connect(url).await?,
        };
        let write_lock = (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(())));
        let mut store = Store {
            pool,
            backend,
            write_lock,
            audit_writer: None,
        };
        store.audit_writer = Some(audit::spawn_writer(store.clone()));
        Ok(store)
    }

    /// The SQLite URL of the embedded database in `data_dir`, created when missing.
    pub fn sqlite_url(data_dir: &std::path::Path) -> String {
        format!(
            "sqlite://{}?mode=rwc",
            Store::sqlite_file(data_dir).display()
        )
    }

    /// The file of the embedded database in `data_dir`.
    pub fn sqlite_file(data_dir: &std::path::Path) -> std::path::PathBuf {
        data_dir.join("eenplan.sqlite3")
    }

    /// Opens a database eenplan created and migrated before, without changing anything: a
    /// SQLite file that does not exist is not created, and a database without eenplan's
    /// schema, or with migrations still to run, is refused. Every command but `migrate`
    /// and `serve` opens the database this way, so a mistyped data folder is an error and
    /// a command that only reads never takes the write lock.
    pub async fn open_existing(url: &str) -> Result<Store> {
        let url = if url.starts_with("sqlite:") {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            let path = path.split('?').next().unwrap_or(path);
            if !std::path::Path::new(path).is_file() {
                return Err(Error::NotInitialised(format!(
                    "no eenplan database at {path}; check the data folder, or create one with `eenplan migrate`"
                )));
            }
            format!("sqlite://{path}?mode=rw")
        } else {
            url.to_owned()
        };
        let store = Store::connect(&url).await?;
        let applied: Vec<i64> =
            match sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(store.pool())
                .await
            {
                Ok(v) => v,
                Err(_) => {
                    return Err(Error::NotInitialised(
                        "this database holds no eenplan schema; create it with `eenplan migrate`"
                            .into(),
                    ));
                }
            };
        let migrator = match store.backend {
            Backend::Sqlite => &MIGRATOR_SQLITE,
            Backend::Postgres => &MIGRATOR_POSTGRES,
        };
        if migrator.iter().any(|m| !applied.contains(&m.version)) {
            return Err(Error::NotInitialised(
                "the database schema is older than this eenplan; run `eenplan migrate` first"
                    .into(),
            ));
        }
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => MIGRATOR_SQLITE.run(&self.pool).await?,
            Backend::Postgres => MIGRATOR_POSTGRES.run(&self.pool).await?,
        }
        Ok(())
    }

    /// Starts a write transaction. On SQLite it takes the database's write lock at once
    /// (`BEGIN IMMEDIATE`, waiting up to the busy timeout for another process): a
    /// transaction that read first and then tried to write would fail at once, without
    /// waiting, whenever another process wrote in between.
    pub async fn begin(&self) -> Result<Tx> {
        let guard = match &self.write_lock {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        };
        let inner = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(Tx {
            inner,
            _write: guard,
            audited: false,
            unaudited: None,
        })
    }

    /// Starts a read-only transaction that sees one consistent snapshot of the database
    /// for all its queries (WAL on SQLite, REPEATABLE READ on PostgreSQL). Takes no lock
    /// that a writer waits for.
    pub async fn snapshot(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin().await?,
            Backend::Postgres => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?
            }
        })
    }

    /// One connection of the pool, for a few reads in a row (not a transaction).
    pub async fn acquire(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>> {
        Ok(self.pool.acquire().await?)
    }

    /// Whether the database answers (the health check).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Today in the Netherlands: the calendar date work is recorded on. Every "today" in the
/// product comes from here, so a step dated by a page and checked by the store agree
/// even in the hour after midnight, when the UTC date is still yesterday's.
pub fn today() -> chrono::NaiveDate {
    local_date(chrono::Utc::now())
}

/// The Dutch calendar date of a moment.
pub fn local_date(t: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    t.with_timezone(&chrono_tz::Europe::Amsterdam).date_naive()
}

/// A stored date (`YYYY-MM-DD`).
pub(crate) fn date(s: &str) -> Result<chrono::NaiveDate> {
    s.parse().map_err(|_| Error::Corrupt(format!("date {s}")))
}

/// A nullable date column.
pub(crate) fn opt_date(r: &sqlx::any::AnyRow, col: &str) -> Result<Option<chrono::NaiveDate>> {
    use sqlx::Row;
    let s: Option<String> = r.try_get(col)?;
    s.as_deref().map(date).transpose()
}

/// A stored code of a code list (`Unit::parse`, `Funding::parse`, ...).
pub(crate) fn code<T>(s: String, parse: fn(&str) -> Option<T>) -> Result<T> {
    parse(&s).ok_or(Error::Corrupt(s))
}

pub(crate) fn opt_code<T>(s: Option<String>, parse: fn(&str) -> Option<T>) -> Result<Option<T>> {
    s.map(|s| code(s, parse)).transpose()
}

/// Current UTC time in the stored text form.
pub fn now() -> String {
    format_time(chrono::Utc::now())
}

pub fn format_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub fn parse_time(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// A new record id: a random UUID, so ids in URLs cannot be guessed.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A new record id for records written many at a time (imports, the audit log): a
/// version 7 UUID, the time in milliseconds and then 74 random bits. As hard to guess
/// as [`new_id`]'s, but ids made one after the other sort together, so a million new
/// rows append to their indexes instead of scattering over them (the pages a bulk write
/// touches stay few and in the cache).
pub fn new_sorted_id() -> String {
    let millis = chrono::Utc::now().timestamp_millis().max(0) as u64;
    let random: [u8; 10] = rand::random();
    uuid::Builder::from_unix_timestamp_millis(millis, &random)
        .into_uuid()
        .to_string()
}

/// Whether `conn` is a SQLite connection.
pub(crate) fn is_sqlite(conn: &AnyConnection) -> bool {
    conn.backend_name() == <sqlx::Sqlite as sqlx::Database>::NAME
}

/// The `n`th bind parameter of a statement on `conn`, for statements with many of them
/// in order. SQLite gets anonymous `?`s: sqlx asks SQLite the name of every parameter it
/// binds, which SQLite finds by a linear search, so `$1`..`$n` cost time in the square
/// of `n` (70 % of an import's time at 6,500 parameters a statement).
pub(crate) fn placeholder(conn: &AnyConnection, n: usize) -> String {
    if is_sqlite(conn) {
        "?".to_owned()
    } else {
        format!("${n}")
    }
}

/// Checks that an optimistic-locking update touched its row: zero rows means the row is
/// gone (404) or its version moved on (409).
async fn check_versioned_update(
    tx: &mut Tx,
    table: &'static str,
    id: &str,
    rows_affected: u64,
) -> Result<()> {
    if rows_affected == 1 {
        return Ok(());
    }
    let sql = format!("SELECT COUNT(*) FROM {table} WHERE id = $1");
    let n: i64 = sqlx::query_scalar(&sql)
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    Err(if n == 0 {
        Error::NotFound
    } else {
        Error::Conflict
    })
}
