//! Import of historical data from spreadsheets (CSV), so a region can start with its
//! history: registrations, which become ordinary families, youths, cases and
//! registrations (marked as imported), and consultations of the local treatment teams
//! (`imported_consultations`).
//!
//! A file is imported whole or not at all: one transaction, and the answer to a file
//! with problems lists every one of them with its line (1 = the header), column and
//! reason. Rows whose `external_id` is in the database already are skipped, so importing
//! the same file again changes nothing. The file is read once, as a stream: rows are
//! checked against the database and written in batches of multi-row INSERTs while the
//! rest is still being read; after the first problem nothing more is written and the
//! transaction is rolled back at the end. Only the external ids (duplicates within the
//! file) and the BSNs with their birth dates stay in memory.
//!
//! Every imported case (and consultation) has its audit record, appended in the same
//! transaction. An import therefore holds the audit chain (PostgreSQL) or the one
//! writer's lock (SQLite) until it commits: a running server's writes wait for it.

use crate::audit::{self, Action, Actor, Event};
use crate::{Error, Result, Store, Tx, is_sqlite, new_sorted_id, now, placeholder};
use chrono::{Datelike, NaiveDate};
use eenplan_domain::codes::CodeList;
use eenplan_domain::family::{name_key, parse_birth_date, parse_date};
use eenplan_domain::treatment_team::{Referrer, RequestKind};
use eenplan_domain::{Bsn, FieldError};
use sqlx::Row;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;

/// The columns of a registrations file, in any order.
pub const REGISTRATION_COLUMNS: &[&str] = &[
    "external_id",
    "municipality_code",
    "registered_on",
    "closed_on",
    "referral_channel",
    "problem_area",
    "youth_birth_date",
    "youth_bsn",
    "family_ref",
];

/// The columns of a consultations file, in any order.
pub const CONSULTATION_COLUMNS: &[&str] = &[
    "external_id",
    "municipality_code",
    "requested_on",
    "referrer",
    "kind",
    "referred_on",
];

/// Rows checked against the database and written together: large enough that a
/// statement carries hundreds of rows, small enough for one IN list of external ids.
const BATCH: usize = 2_000;
/// Bind parameters per statement, under SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_PARAMS: usize = 4_000;
/// Longest external id or family reference accepted.
const MAX_ID_CHARS: usize = 100;
/// Longest row accepted: a row holds nine short values.
const MAX_ROW_BYTES: usize = 4096;

/// A problem in the file: its line (1 = the header), column and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    /// The column's name; empty when the problem is the row as a whole.
    pub column: String,
    pub message_nl: String,
    pub message_en: String,
}

impl RowError {
    fn new(line: u64, column: &str, nl: impl Into<String>, en: impl Into<String>) -> RowError {
        RowError {
            line,
            column: column.to_owned(),
            message_nl: nl.into(),
            message_en: en.into(),
        }
    }

    fn field(line: u64, column: &str, e: FieldError) -> RowError {
        RowError::new(line, column, e.message_nl, e.message_en)
    }
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column.is_empty() {
            write!(f, "line {}: {}", self.line, self.message_en)
        } else {
            write!(
                f,
                "line {}, {}: {}",
                self.line, self.column, self.message_en
            )
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file has problems; nothing was imported. Every problem, in file order.
    #[error("nothing imported: the file has {} problem(s)", .0.len())]
    Invalid(Vec<RowError>),
    #[error("reading the file: {0}")]
    Read(std::io::Error),
    #[error(transparent)]
    Store(#[from] Error),
}

impl From<sqlx::Error> for ImportError {
    fn from(e: sqlx::Error) -> Self {
        ImportError::Store(e.into())
    }
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Rows imported now.
    pub imported: u64,
    /// Rows whose external_id was imported before (left as they are).
    pub skipped: u64,
    /// Families made (registrations only).
    pub families: u64,
    /// Youths made (registrations only; a youth known by BSN is not made again).
    pub youths: u64,
}

/// Imports a registrations file ([`REGISTRATION_COLUMNS`]). Each row becomes a case in
/// the local team of its municipality, with its registration (channel, primary problem
/// area) and, when a birth date or BSN is given, its youth: `afgesloten` (reason
/// `other`) when `closed_on` is given, else `in_begeleiding` since `registered_on`,
/// without a worker. Rows with the same `family_ref` share a family (also with rows of
/// earlier imports); a youth whose BSN is known already is that person, and the case
/// goes to that person's family. One audit event per case. `progress` hears how many
/// bytes of the file have been handled.
pub async fn registrations(
    store: &Store,
    actor: &Actor,
    reader: impl Read,
    progress: impl FnMut(u64),
) -> Result<ImportSummary, ImportError> {
    let mut tx = store.begin().await?;
    let settings = SqliteSettings::for_import(&mut tx).await?;
    let mut import = Registrations::load(&mut tx, actor).await?;
    run(tx, settings, &mut import, reader, progress).await
}

/// Imports a consultations file ([`CONSULTATION_COLUMNS`]) of the local treatment teams
/// into `imported_consultations`. `progress` as for [`registrations`].
pub async fn consultations(
    store: &Store,
    actor: &Actor,
    reader: impl Read,
    progress: impl FnMut(u64),
) -> Result<ImportSummary, ImportError> {
    let mut tx = store.begin().await?;
    let settings = SqliteSettings::for_import(&mut tx).await?;
    let mut import = Consultations::load(&mut tx, actor).await?;
    run(tx, settings, &mut import, reader, progress).await
}

// ---------------------------------------------------------------- the common run

/// One kind of import: how a row is parsed and how a batch is checked and written.
trait Import {
    type Row;
    const COLUMNS: &'static [&'static str];
    /// Parses the fields of a row whose external_id is fine; `None` after pushing its
    /// problems.
    fn parse(&mut self, row: &Fields<'_>, errors: &mut Vec<RowError>) -> Option<Self::Row>;
    /// The row's external id.
    fn external_id(row: &Self::Row) -> &str;
    /// Checks the rows that are new against the database and, when `write`, writes them.
    async fn flush(
        &mut self,
        tx: &mut Tx,
        rows: Vec<Self::Row>,
        write: bool,
        errors: &mut Vec<RowError>,
        summary: &mut ImportSummary,
    ) -> Result<()>;
    /// The SQL that finds external ids imported before, up to ` IN (`.
    const EXISTING: &'static str;
}

/// SQLite's page cache during an import, in KiB (the default is 2 MiB): the indexes that
/// a large file fills stay in memory instead of being written out and read back within
/// the transaction.
const SQLITE_IMPORT_CACHE_KIB: i64 = 256 * 1024;

/// The settings of a SQLite connection that an import changes, to put back after it.
struct SqliteSettings {
    cache_size: i64,
    temp_store: i64,
}

impl SqliteSettings {
    /// On SQLite: a large page cache, and statement journals in memory (a statement that
    /// may have to undo itself keeps the pages it changes in one, by default in a
    /// temporary file: 800,000 writes for 100,000 rows).
    async fn for_import(tx: &mut Tx) -> Result<Option<SqliteSettings>> {
        if !is_sqlite(tx) {
            return Ok(None);
        }
        let settings = SqliteSettings {
            cache_size: sqlx::query_scalar("PRAGMA cache_size")
                .fetch_one(&mut **tx)
                .await?,
            temp_store: sqlx::query_scalar("PRAGMA temp_store")
                .fetch_one(&mut **tx)
                .await?,
        };
        SqliteSettings {
            cache_size: -SQLITE_IMPORT_CACHE_KIB,
            temp_store: 2, // MEMORY
        }
        .apply(tx)
        .await?;
        // Foreign keys checked at the commit (this lasts until then), so that with
        // `INSERT OR FAIL` (see `insert`) no statement needs a journal of its own.
        sqlx::query("PRAGMA defer_foreign_keys = ON")
            .execute(&mut **tx)
            .await?;
        Ok(Some(settings))
    }

    async fn apply(&self, tx: &mut Tx) -> Result<()> {
        for pragma in [
            format!("PRAGMA cache_size = {}", self.cache_size),
            format!("PRAGMA temp_store = {}", self.temp_store),
        ] {
            sqlx::query(&pragma).execute(&mut **tx).await?;
        }
        Ok(())
    }
}

async fn run<I: Import>(
    mut tx: Tx,
    settings: Option<SqliteSettings>,
    import: &mut I,
    reader: impl Read,
    progress: impl FnMut(u64),
) -> Result<ImportSummary, ImportError> {
    let result = read(&mut tx, import, reader, progress).await;
    // The connection goes back to the pool as it was.
    if let Some(settings) = settings
        && result.is_ok()
    {
        settings.apply(&mut tx).await?;
    }
    let summary = result?;
    if summary.imported == 0 {
        tx.without_audit("nothing new imported: every row was imported before");
    }
    tx.commit().await?;
    Ok(summary)
}

/// Whether the row's external id is well-formed and not on an earlier line of the file
/// (`seen`); otherwise the problem is added to `errors`.
fn new_external_id(
    fields: &Fields<'_>,
    seen: &mut HashMap<Box<str>, u64>,
    errors: &mut Vec<RowError>,
) -> bool {
    let (line, id) = (fields.line, fields.get(0));
    if let Err(e) = identifier("external_id", id, true) {
        errors.push(RowError::field(line, "external_id", e));
        return false;
    }
    if let Some(first) = seen.get(id) {
        errors.push(RowError::new(
            line,
            "external_id",
            format!("Dit external_id staat ook op regel {first}."),
            format!("This external_id is also on line {first}."),
        ));
        return false;
    }
    seen.insert(id.into(), line);
    true
}

/// Reads a history file as the import reads it, without a database: the header (column
/// names, delimiter, byte order mark) and every row's width, length, characters and
/// external id. Each row that passes goes to `row` as its line and its values in the
/// order of `columns`; the problems found are returned in file order. The fuzzer drives
/// the import's own reading through this (`fuzz/fuzz_targets/csv_import.rs`).
pub fn read_rows(
    reader: impl Read,
    columns: &[&str],
    mut row: impl FnMut(u64, &[&str]),
) -> Result<Vec<RowError>, ImportError> {
    let mut csv = Csv::open(reader, columns)?;
    let mut errors = Vec::new();
    let mut seen: HashMap<Box<str>, u64> = HashMap::new();
    while let Some(fields) = csv.next_row(&mut errors)? {
        if new_external_id(&fields, &mut seen, &mut errors) {
            let values: Vec<&str> = (0..columns.len()).map(|i| fields.get(i)).collect();
            row(fields.line, &values);
        }
    }
    Ok(errors)
}

/// Reads, checks and (while the file has no problems) writes the whole file.
async fn read<I: Import>(
    tx: &mut Tx,
    import: &mut I,
    reader: impl Read,
    mut progress: impl FnMut(u64),
) -> Result<ImportSummary, ImportError> {
    let mut csv = Csv::open(reader, I::COLUMNS)?;
    let mut errors = Vec::new();
    let mut summary = ImportSummary::default();
    // Every external id of the file with its line, for duplicates within the file.
    let mut seen: HashMap<Box<str>, u64> = HashMap::new();
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(fields) = csv.next_row(&mut errors)? {
        if !new_external_id(&fields, &mut seen, &mut errors) {
            continue;
        }
        if let Some(row) = import.parse(&fields, &mut errors) {
            batch.push(row);
        }
        if batch.len() == BATCH {
            let rows = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            flush(tx, import, rows, &mut errors, &mut summary).await?;
            progress(csv.byte());
        }
    }
    flush(tx, import, batch, &mut errors, &mut summary).await?;
    progress(csv.byte());
    if !errors.is_empty() {
        // The database's checks of a batch come after the rows read since.
        errors.sort_by_key(|e| e.line);
        // The caller drops the transaction, which rolls back what earlier batches wrote.
        return Err(ImportError::Invalid(errors));
    }
    Ok(summary)
}

/// Leaves out the rows imported before, then lets the import check and write the rest.
async fn flush<I: Import>(
    tx: &mut Tx,
    import: &mut I,
    rows: Vec<I::Row>,
    errors: &mut Vec<RowError>,
    summary: &mut ImportSummary,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = rows.iter().map(I::external_id).collect();
    let existing: HashSet<String> = select_in(tx, I::EXISTING, &ids)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<std::result::Result<_, _>>()?;
    let before = rows.len();
    let rows: Vec<I::Row> = rows
        .into_iter()
        .filter(|r| !existing.contains(I::external_id(r)))
        .collect();
    summary.skipped += (before - rows.len()) as u64;
    let write = errors.is_empty();
    import.flush(tx, rows, write, errors, summary).await
}

/// Runs `head` (ending in ` IN (`) with the keys as its list.
async fn select_in(tx: &mut Tx, head: &str, keys: &[&str]) -> Result<Vec<sqlx::any::AnyRow>> {
    let mut rows = Vec::new();
    for chunk in keys.chunks(MAX_PARAMS) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| placeholder(tx, i)).collect();
        let sql = format!("{head}{})", marks.join(","));
        let mut query = sqlx::query(&sql);
        for k in chunk {
            query = query.bind(*k);
        }
        rows.extend(query.fetch_all(&mut **tx).await?);
    }
    Ok(rows)
}

/// One value of a row to insert.
enum Value<'a> {
    Text(&'a str),
    Null,
    Int(i64),
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(s: &'a str) -> Self {
        Value::Text(s)
    }
}

impl<'a> From<Option<&'a str>> for Value<'a> {
    fn from(s: Option<&'a str>) -> Self {
        s.map_or(Value::Null, Value::Text)
    }
}

/// Inserts rows given one after the other in `values` (`columns` values each) with
/// multi-row INSERT statements.
async fn insert(tx: &mut Tx, head: &str, columns: usize, values: &[Value<'_>]) -> Result<()> {
    let per_statement = (MAX_PARAMS / columns).max(1);
    for chunk in values.chunks(per_statement * columns) {
        let rows: Vec<String> = (0..chunk.len() / columns)
            .map(|r| {
                let marks: Vec<String> = (1..=columns)
                    .map(|c| placeholder(tx, r * columns + c))
                    .collect();
                format!("({})", marks.join(","))
            })
            .collect();
        // On SQLite, a failing row fails the statement without undoing the rows before
        // it (and so needs no statement journal): the import's transaction is rolled
        // back as a whole anyway.
        let head = if is_sqlite(tx) {
            head.replacen("INSERT INTO", "INSERT OR FAIL INTO", 1)
        } else {
            head.to_owned()
        };
        let sql = format!("{head} VALUES {}", rows.join(","));
        let mut query = sqlx::query(&sql);
        for v in chunk {
            query = match v {
                Value::Text(s) => query.bind(*s),
                Value::Null => query.bind(None::<&str>),
                Value::Int(i) => query.bind(*i),
            };
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

// ---------------------------------------------------------------- reading the file

/// The CSV file: its header checked, then one row at a time.
struct Csv<R: Read> {
    reader: csv::Reader<BufReader<R>>,
    record: csv::StringRecord,
    /// Where each expected column is in a row.
    columns: Vec<usize>,
    /// The number of fields of the header, which every row must have.
    width: usize,
    header: Vec<String>,
}

/// The fields of one row.
struct Fields<'a> {
    record: &'a csv::StringRecord,
    columns: &'a [usize],
    line: u64,
}

impl Fields<'_> {
    /// The trimmed value of expected column `i`.
    fn get(&self, i: usize) -> &str {
        self.record.get(self.columns[i]).unwrap_or("")
    }
}

impl<R: Read> Csv<R> {
    fn open(reader: R, expected: &[&str]) -> Result<Self, ImportError> {
        let mut buffered = BufReader::with_capacity(1 << 16, reader);
        let start = buffered.fill_buf().map_err(ImportError::Read)?;
        let first_line = start.split(|b| *b == b'\n').next().unwrap_or_default();
        // Spreadsheets in Dutch save CSV with ';' between fields (',' is the decimal sign).
        let delimiter = if first_line.contains(&b';') && !first_line.contains(&b',') {
            b';'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .delimiter(delimiter)
            .from_reader(buffered);
        let mut record = csv::StringRecord::new();
        let header_problem =
            |nl: String, en: String| ImportError::Invalid(vec![RowError::new(1, "", nl, en)]);
        let names = expected.join(", ");
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => {
                return Err(header_problem(
                    format!("Het bestand is leeg; de eerste regel noemt de kolommen: {names}."),
                    format!("The file is empty; its first line names the columns: {names}."),
                ));
            }
            Err(e) => match e.into_kind() {
                csv::ErrorKind::Io(e) => return Err(ImportError::Read(e)),
                _ => {
                    return Err(header_problem(
                        "De eerste regel is geen tekst in UTF-8.".into(),
                        "The first line is not UTF-8 text.".into(),
                    ));
                }
            },
        }
        let header: Vec<String> = record
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let h = if i == 0 {
                    h.trim_start_matches('\u{feff}')
                } else {
                    h
                };
                h.trim().to_lowercase()
            })
            .collect();
        let mut errors = Vec::new();
        for (i, name) in header.iter().enumerate() {
            // Spreadsheets often save empty columns after the last one: those are no column.
            if name.is_empty() {
                continue;
            }
            if !expected.contains(&name.as_str()) {
                errors.push(RowError::new(
                    1,
                    name,
                    format!("Onbekende kolom; de kolommen zijn: {names}."),
                    format!("Unknown column; the columns are: {names}."),
                ));
            } else if header[..i].contains(name) {
                errors.push(RowError::new(
                    1,
                    name,
                    "Deze kolom staat er twee keer.",
                    "This column appears twice.",
                ));
            }
        }
        let mut columns = Vec::with_capacity(expected.len());
        for name in expected {
            match header.iter().position(|h| h == name) {
                Some(i) => columns.push(i),
                None => errors.push(RowError::new(
                    1,
                    name,
                    "Deze kolom ontbreekt.",
                    "This column is missing.",
                )),
            }
        }
        if !errors.is_empty() {
            return Err(ImportError::Invalid(errors));
        }
        Ok(Csv {
            reader,
            record,
            columns,
            width: header.len(),
            header,
        })
    }

    /// The next row with content; rows that cannot be read are problems.
    fn next_row(&mut self, errors: &mut Vec<RowError>) -> Result<Option<Fields<'_>>, ImportError> {
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => return Ok(None),
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(0, csv::Position::line);
                    match e.into_kind() {
                        csv::ErrorKind::Io(e) => return Err(ImportError::Read(e)),
                        csv::ErrorKind::Utf8 { err, .. } => errors.push(RowError::new(
                            line,
                            self.header.get(err.field()).map_or("", String::as_str),
                            "Deze waarde is geen tekst in UTF-8; sla het bestand op als CSV UTF-8.",
                            "This value is not UTF-8 text; save the file as CSV UTF-8.",
                        )),
                        _ => errors.push(RowError::new(
                            line,
                            "",
                            "Deze regel kan niet gelezen worden.",
                            "This line cannot be read.",
                        )),
                    }
                    continue;
                }
            }
            // A row of empty fields is what spreadsheets leave below the data.
            if self.record.iter().all(str::is_empty) {
                continue;
            }
            let line = self.record.position().map_or(0, csv::Position::line);
            if self.record.len() != self.width {
                errors.push(RowError::new(
                    line,
                    "",
                    format!(
                        "Deze regel heeft {} velden; de kopregel {}.",
                        self.record.len(),
                        self.width
                    ),
                    format!(
                        "This line has {} fields; the header has {}.",
                        self.record.len(),
                        self.width
                    ),
                ));
                continue;
            }
            let row_bytes = self.record.as_slice().len();
            if row_bytes > MAX_ROW_BYTES {
                errors.push(RowError::new(
                    line,
                    "",
                    format!("Deze regel is {row_bytes} bytes lang; hoogstens {MAX_ROW_BYTES}."),
                    format!("This line is {row_bytes} bytes long; at most {MAX_ROW_BYTES}."),
                ));
                continue;
            }
            let refused = self
                .record
                .iter()
                .enumerate()
                .find_map(|(i, f)| eenplan_domain::text::check("", f).err().map(|e| (i, e)));
            if let Some((i, e)) = refused {
                errors.push(RowError::new(
                    line,
                    self.header.get(i).map_or("", String::as_str),
                    e.message_nl,
                    e.message_en,
                ));
                continue;
            }
            return Ok(Some(Fields {
                record: &self.record,
                columns: &self.columns,
                line,
            }));
        }
    }

    /// Bytes read so far.
    fn byte(&self) -> u64 {
        self.reader.position().byte()
    }
}

// ---------------------------------------------------------------- field parsers

/// A value as an error line quotes it: at most 80 characters, so a problem with a huge
/// field gives a short line, not the field again.
fn quoted(value: &str) -> String {
    eenplan_domain::text::excerpt(value, 80)
}

/// An external id or family reference: at most 100 characters, no control characters.
fn identifier(field: &'static str, s: &str, required: bool) -> Result<(), FieldError> {
    if s.is_empty() && required {
        Err(FieldError::new(field, "Vul dit in.", "This is required."))
    } else if s.chars().count() > MAX_ID_CHARS || s.chars().any(eenplan_domain::text::is_refused) {
        Err(FieldError::new(
            field,
            format!("Hoogstens {MAX_ID_CHARS} tekens, zonder stuurtekens."),
            format!("At most {MAX_ID_CHARS} characters, without control characters."),
        ))
    } else {
        Ok(())
    }
}

/// A date as `YYYY-MM-DD` or `D-M-YYYY`, not after today.
fn past_date(field: &'static str, s: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    let date = parse_date(field, s)?;
    if date > today {
        return Err(FieldError::new(
            field,
            "Deze datum ligt in de toekomst.",
            "This date lies in the future.",
        ));
    }
    Ok(date)
}

/// A CBS municipality code; leading zeros a spreadsheet dropped ("946") are put back.
fn municipality(s: &str) -> String {
    if !s.is_empty() && s.len() < 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        format!("{s:0>4}")
    } else {
        s.to_owned()
    }
}

/// The codes of a code list, found by code or by their exact Dutch label (any case).
async fn code_list(tx: &mut Tx, list: CodeList) -> Result<HashMap<String, String>> {
    let rows = sqlx::query("SELECT code, label_nl FROM code_list_items WHERE list = $1")
        .bind(list.as_str())
        .fetch_all(&mut **tx)
        .await?;
    let mut codes = HashMap::new();
    for r in &rows {
        let code: String = r.try_get("code")?;
        let label: String = r.try_get("label_nl")?;
        codes.insert(label.to_lowercase(), code.clone());
        codes.insert(code.to_lowercase(), code);
    }
    Ok(codes)
}

/// Where the problems of a row go.
struct Problems<'a> {
    line: u64,
    errors: &'a mut Vec<RowError>,
}

impl Problems<'_> {
    /// The value, or `None` after noting what is wrong with it.
    fn check<T>(&mut self, column: &str, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.errors.push(RowError::field(self.line, column, e)))
            .ok()
    }
}

/// The code of `codes` that `value` names.
fn known_code(codes: &HashMap<String, String>, value: &str) -> Result<String, FieldError> {
    codes.get(&value.to_lowercase()).cloned().ok_or_else(|| {
        FieldError::new(
            "code",
            format!("Onbekende code '{}'.", quoted(value)),
            format!("Unknown code '{}'.", quoted(value)),
        )
    })
}

fn unknown_municipality(value: &str) -> FieldError {
    FieldError::new(
        "municipality_code",
        format!("Onbekende gemeentecode '{}'.", quoted(value)),
        format!("Unknown municipality code '{}'.", quoted(value)),
    )
}

// ---------------------------------------------------------------- registrations

struct Registrations {
    actor: Actor,
    today: NaiveDate,
    /// Municipality code -> the local team serving it (`None`: there is none).
    teams: HashMap<String, Option<Arc<str>>>,
    channels: HashMap<String, String>,
    problem_areas: HashMap<String, String>,
    /// Each BSN of the file: the first birth date given with it and that line.
    bsns: HashMap<Bsn, (Option<NaiveDate>, u64)>,
}

struct Registration {
    line: u64,
    external_id: String,
    municipality: String,
    team_id: Arc<str>,
    registered_on: NaiveDate,
    closed_on: Option<NaiveDate>,
    channel: Option<String>,
    problem_area: String,
    youth: Option<Youth>,
    family_ref: Option<String>,
}

struct Youth {
    birth_date: Option<NaiveDate>,
    bsn: Option<Bsn>,
    /// Neither this row nor an earlier one gives the BSN a birth date, so it must be
    /// the BSN of a youth in the database.
    must_be_known: bool,
}

/// A person in the database with a BSN of the batch.
struct Known {
    id: String,
    family_id: String,
    youth: bool,
    birth_date: Option<String>,
}

impl Registrations {
    async fn load(tx: &mut Tx, actor: &Actor) -> Result<Registrations> {
        let mut teams: HashMap<String, Option<Arc<str>>> =
            sqlx::query_scalar::<_, String>("SELECT code FROM municipalities")
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(|c| (c, None))
                .collect();
        // As `cases::local_team`: the first local team by name.
        let rows = sqlx::query(
            "SELECT tm.municipality_code, t.id FROM teams t
             JOIN team_municipalities tm ON tm.team_id = t.id
             WHERE t.team_type = 'local_team' ORDER BY t.name DESC",
        )
        .fetch_all(&mut **tx)
        .await?;
        for r in &rows {
            let code: String = r.try_get(0)?;
            let id: String = r.try_get(1)?;
            teams.insert(code, Some(id.into()));
        }
        Ok(Registrations {
            actor: actor.clone(),
            today: crate::today(),
            teams,
            channels: code_list(tx, CodeList::ReferralChannel).await?,
            problem_areas: code_list(tx, CodeList::ProblemArea).await?,
            bsns: HashMap::new(),
        })
    }
}

impl Import for Registrations {
    type Row = Registration;
    const COLUMNS: &'static [&'static str] = REGISTRATION_COLUMNS;
    const EXISTING: &'static str = "SELECT external_id FROM registrations WHERE external_id IN (";

    fn external_id(row: &Registration) -> &str {
        &row.external_id
    }

    fn parse(&mut self, row: &Fields<'_>, errors: &mut Vec<RowError>) -> Option<Registration> {
        let line = row.line;
        let before = errors.len();
        let mut p = Problems { line, errors };
        let code = municipality(row.get(1));
        let team_id = p.check(
            "municipality_code",
            match self.teams.get(&code) {
                Some(Some(team)) => Ok(team.clone()),
                Some(None) => Err(FieldError::new(
                    "municipality_code",
                    format!("Geen lokaal team werkt voor gemeente {code}."),
                    format!("No local team serves municipality {code}."),
                )),
                None => Err(unknown_municipality(row.get(1))),
            },
        );
        let registered_on = p.check(
            "registered_on",
            past_date("registered_on", row.get(2), self.today),
        );
        let closed_on = match row.get(3) {
            "" => None,
            s => p.check(
                "closed_on",
                past_date("closed_on", s, self.today).and_then(|closed| match registered_on {
                    Some(registered) if closed < registered => Err(FieldError::new(
                        "closed_on",
                        "De sluitdatum ligt vóór de aanmelddatum.",
                        "The closing date lies before the registration date.",
                    )),
                    _ => Ok(closed),
                }),
            ),
        };
        let channel = match row.get(4) {
            "" => None,
            s => p.check("referral_channel", known_code(&self.channels, s)),
        };
        let problem_area = p.check(
            "problem_area",
            match row.get(5) {
                "" => Err(FieldError::new(
                    "problem_area",
                    "Vul dit in.",
                    "This is required.",
                )),
                s => known_code(&self.problem_areas, s),
            },
        );
        let birth_date = match row.get(6) {
            "" => None,
            s => p.check(
                "youth_birth_date",
                parse_birth_date("youth_birth_date", s, self.today),
            ),
        };
        let bsn = match row.get(7) {
            "" => None,
            s => p.check("youth_bsn", Bsn::parse("youth_bsn", s)),
        };
        let family_ref = row.get(8);
        p.check("family_ref", identifier("family_ref", family_ref, false));

        if errors.len() > before {
            return None;
        }
        // The same BSN on several rows is the same youth: one birth date.
        let mut must_be_known = false;
        if let Some(bsn) = bsn {
            match self.bsns.get_mut(&bsn) {
                None => {
                    self.bsns.insert(bsn, (birth_date, line));
                    must_be_known = birth_date.is_none();
                }
                Some((Some(first), first_line)) => {
                    if birth_date.is_some_and(|b| b != *first) {
                        errors.push(RowError::new(
                            line,
                            "youth_birth_date",
                            format!(
                                "Op regel {first_line} heeft deze BSN geboortedatum {}.",
                                first.format("%d-%m-%Y")
                            ),
                            format!("On line {first_line} this BSN has birth date {first}."),
                        ));
                        return None;
                    }
                }
                Some((first @ None, first_line)) => {
                    *first = birth_date;
                    *first_line = line;
                    must_be_known = birth_date.is_none();
                }
            }
        }
        let youth = (birth_date.is_some() || bsn.is_some()).then_some(Youth {
            birth_date,
            bsn,
            must_be_known,
        });
        Some(Registration {
            line,
            external_id: row.get(0).to_owned(),
            municipality: code,
            team_id: team_id?,
            registered_on: registered_on?,
            closed_on,
            channel,
            problem_area: problem_area?,
            youth,
            family_ref: (!family_ref.is_empty()).then(|| family_ref.to_owned()),
        })
    }

    async fn flush(
        &mut self,
        tx: &mut Tx,
        rows: Vec<Registration>,
        write: bool,
        errors: &mut Vec<RowError>,
        summary: &mut ImportSummary,
    ) -> Result<()> {
        // The youths the database knows by BSN.
        let bsns: Vec<String> = rows
            .iter()
            .filter_map(|r| r.youth.as_ref()?.bsn.map(|b| b.to_string()))
            .collect();
        let bsn_refs: Vec<&str> = bsns.iter().map(String::as_str).collect();
        let mut known: HashMap<String, Known> = HashMap::new();
        for r in select_in(
            tx,
            "SELECT bsn, id, family_id, kind, birth_date FROM persons WHERE bsn IN (",
            &bsn_refs,
        )
        .await?
        {
            let kind: String = r.try_get("kind")?;
            known.insert(
                r.try_get("bsn")?,
                Known {
                    id: r.try_get("id")?,
                    family_id: r.try_get("family_id")?,
                    youth: kind == "youth",
                    birth_date: r.try_get("birth_date")?,
                },
            );
        }
        for row in &rows {
            let Some(youth) = &row.youth else { continue };
            let Some(bsn) = youth.bsn else { continue };
            match known.get(&bsn.to_string()) {
                Some(k) if !k.youth => errors.push(RowError::new(
                    row.line,
                    "youth_bsn",
                    "Deze BSN is van een ouder of verzorger.",
                    "This BSN belongs to a parent or carer.",
                )),
                Some(k) => {
                    let given = youth.birth_date.map(|d| d.to_string());
                    if let (Some(given), Some(stored)) = (given, &k.birth_date)
                        && given != *stored
                    {
                        errors.push(RowError::new(
                            row.line,
                            "youth_birth_date",
                            format!("Deze BSN is bekend met geboortedatum {stored}."),
                            format!("This BSN is known with birth date {stored}."),
                        ));
                    }
                }
                None if youth.must_be_known => errors.push(RowError::new(
                    row.line,
                    "youth_birth_date",
                    "Deze BSN is onbekend; geef de geboortedatum van de jeugdige.",
                    "This BSN is not known; give the youth's birth date.",
                )),
                None => {}
            }
        }
        if !write || !errors.is_empty() {
            return Ok(());
        }
        self.write(tx, rows, known, summary).await
    }
}

/// What a batch of registrations makes.
struct NewFamily {
    id: String,
    name: String,
    import_ref: Option<String>,
}

struct NewYouth {
    id: String,
    family_id: String,
    name: String,
    name_key: String,
    birth_date: Option<String>,
    bsn: Option<String>,
}

struct NewCase {
    id: String,
    number: String,
    family_id: String,
    youth_id: Option<String>,
    registration_id: String,
    registered_on: String,
    closed_on: Option<String>,
    /// The ids of its timeline events: registered, and closed.
    event_ids: (String, Option<String>),
}

impl Registrations {
    async fn write(
        &mut self,
        tx: &mut Tx,
        rows: Vec<Registration>,
        known: HashMap<String, Known>,
        summary: &mut ImportSummary,
    ) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        // Families of earlier batches and imports, by family_ref.
        let mut refs: Vec<&str> = rows
            .iter()
            .filter_map(|r| r.family_ref.as_deref())
            .collect();
        refs.sort_unstable();
        refs.dedup();
        let mut families_by_ref: HashMap<String, String> = HashMap::new();
        for r in select_in(
            tx,
            "SELECT import_ref, id FROM families WHERE import_ref IN (",
            &refs,
        )
        .await?
        {
            families_by_ref.insert(r.try_get(0)?, r.try_get(1)?);
        }
        // Case numbers: the numbers of each year taken at once.
        let mut per_year: HashMap<i32, i64> = HashMap::new();
        for r in &rows {
            *per_year.entry(r.registered_on.year()).or_default() += 1;
        }
        let mut next_in_year: HashMap<i32, i64> = HashMap::new();
        for (year, count) in per_year {
            let first = crate::cases::next_numbers(tx, &format!("case_{year}"), count).await?;
            next_in_year.insert(year, first);
        }

        let mut families: Vec<NewFamily> = Vec::new();
        let mut youths: Vec<NewYouth> = Vec::new();
        // Youths made in this batch by BSN: (person, family).
        let mut made: HashMap<Bsn, (String, String)> = HashMap::new();
        let mut cases: Vec<NewCase> = Vec::with_capacity(rows.len());
        for r in &rows {
            let bsn = r.youth.as_ref().and_then(|y| y.bsn);
            let known_youth = bsn.and_then(|b| {
                made.get(&b).cloned().or_else(|| {
                    known
                        .get(&b.to_string())
                        .map(|k| (k.id.clone(), k.family_id.clone()))
                })
            });
            let mut new_family = |import_ref: Option<&String>, label: &str| {
                let id = new_sorted_id();
                families.push(NewFamily {
                    id: id.clone(),
                    name: format!("Gezin (import) {label}"),
                    import_ref: import_ref.cloned(),
                });
                id
            };
            // A known youth decides the family; else the family_ref; else a new family.
            let family_id = match (&known_youth, &r.family_ref) {
                (Some((_, family)), _) => family.clone(),
                (None, Some(fref)) => match families_by_ref.get(fref) {
                    Some(family) => family.clone(),
                    None => {
                        let id = new_family(Some(fref), fref);
                        families_by_ref.insert(fref.clone(), id.clone());
                        id
                    }
                },
                (None, None) => new_family(None, &r.external_id),
            };
            let youth_id = match (&r.youth, known_youth) {
                (None, _) => None,
                (Some(_), Some((id, _))) => Some(id),
                (Some(y), None) => {
                    let id = new_sorted_id();
                    if let Some(b) = y.bsn {
                        made.insert(b, (id.clone(), family_id.clone()));
                    }
                    let name = format!("Jeugdige (import) {}", r.external_id);
                    youths.push(NewYouth {
                        id: id.clone(),
                        family_id: family_id.clone(),
                        name_key: name_key(&name),
                        name,
                        birth_date: y.birth_date.map(|d| d.to_string()),
                        bsn: y.bsn.map(|b| b.to_string()),
                    });
                    Some(id)
                }
            };
            let year = r.registered_on.year();
            let seq = next_in_year.entry(year).or_default();
            let number = eenplan_domain::case::case_number(year, *seq);
            *seq += 1;
            cases.push(NewCase {
                id: new_sorted_id(),
                number,
                family_id,
                youth_id,
                registration_id: new_sorted_id(),
                registered_on: r.registered_on.to_string(),
                closed_on: r.closed_on.map(|d| d.to_string()),
                event_ids: (new_sorted_id(), r.closed_on.map(|_| new_sorted_id())),
            });
        }

        let at = now();
        let at = at.as_str();
        let mut values = Vec::new();
        for f in &families {
            values.extend([
                Value::from(f.id.as_str()),
                f.name.as_str().into(),
                f.import_ref.as_deref().into(),
                at.into(),
                at.into(),
            ]);
        }
        insert(
            tx,
            "INSERT INTO families (id, name, import_ref, created_at, updated_at)",
            5,
            &values,
        )
        .await?;
        values.clear();
        for f in &families {
            values.extend([
                Value::from(f.id.as_str()),
                "family".into(),
                Value::Int(0),
                at.into(),
                at.into(),
            ]);
        }
        insert(
            tx,
            "INSERT INTO family_plans (family_id, coordinator_kind, current_version, created_at, updated_at)",
            5,
            &values,
        )
        .await?;
        values.clear();
        for y in &youths {
            values.extend([
                Value::from(y.id.as_str()),
                y.family_id.as_str().into(),
                "youth".into(),
                y.name.as_str().into(),
                y.name_key.as_str().into(),
                y.birth_date.as_deref().into(),
                y.bsn.as_deref().into(),
                at.into(),
                at.into(),
            ]);
        }
        // No name words for search: the names are placeholders, nobody searches them.
        insert(
            tx,
            "INSERT INTO persons (id, family_id, kind, name, name_key, birth_date, bsn, created_at, updated_at)",
            9,
            &values,
        )
        .await?;
        values.clear();
        for (c, r) in cases.iter().zip(&rows) {
            let closed = c.closed_on.as_deref();
            values.extend([
                Value::from(c.id.as_str()),
                c.number.as_str().into(),
                c.family_id.as_str().into(),
                r.municipality.as_str().into(),
                (*r.team_id).into(),
                if closed.is_some() {
                    "afgesloten"
                } else {
                    "in_begeleiding"
                }
                .into(),
                c.registered_on.as_str().into(),
                // Open: in care since the registration; closed: when it was picked up
                // is not known.
                if closed.is_some() {
                    None
                } else {
                    Some(c.registered_on.as_str())
                }
                .into(),
                closed.into(),
                closed
                    .map(|_| eenplan_domain::case::CloseReason::Other.as_str())
                    .into(),
                Value::Int(1),
                at.into(),
                at.into(),
            ]);
        }
        insert(
            tx,
            "INSERT INTO cases (id, number, family_id, municipality_code, team_id, status, registered_on,
                                picked_up_on, closed_on, close_reason, imported, created_at, updated_at)",
            13,
            &values,
        )
        .await?;
        values.clear();
        for (c, r) in cases.iter().zip(&rows) {
            values.extend([
                Value::from(c.registration_id.as_str()),
                c.id.as_str().into(),
                r.municipality.as_str().into(),
                c.registered_on.as_str().into(),
                r.channel.as_deref().into(),
                "".into(),
                at.into(),
                r.external_id.as_str().into(),
            ]);
        }
        insert(
            tx,
            "INSERT INTO registrations (id, case_id, municipality_code, registered_on, referral_channel,
                                        question, created_at, external_id)",
            8,
            &values,
        )
        .await?;
        values.clear();
        for (c, r) in cases.iter().zip(&rows) {
            values.extend([
                Value::from(c.registration_id.as_str()),
                r.problem_area.as_str().into(),
                Value::Int(1),
            ]);
        }
        insert(
            tx,
            "INSERT INTO registration_problem_areas (registration_id, problem_area, is_primary)",
            3,
            &values,
        )
        .await?;
        values.clear();
        for c in &cases {
            if let Some(youth) = &c.youth_id {
                values.extend([
                    Value::from(c.registration_id.as_str()),
                    youth.as_str().into(),
                ]);
            }
        }
        insert(
            tx,
            "INSERT INTO registration_youths (registration_id, person_id)",
            2,
            &values,
        )
        .await?;
        values.clear();
        // The timeline: registered (and closed) on the dates of the file.
        for c in &cases {
            let closed = c.closed_on.as_deref().zip(c.event_ids.1.as_deref());
            let steps = [
                Some((
                    c.event_ids.0.as_str(),
                    c.registered_on.as_str(),
                    "registered",
                    "import",
                )),
                closed.map(|(on, id)| (id, on, "closed", "other")),
            ];
            for (id, on, kind, detail) in steps.into_iter().flatten() {
                values.extend([
                    Value::from(id),
                    c.id.as_str().into(),
                    at.into(),
                    on.into(),
                    kind.into(),
                    detail.into(),
                ]);
            }
        }
        insert(
            tx,
            "INSERT INTO case_events (id, case_id, at, on_date, kind, detail)",
            6,
            &values,
        )
        .await?;
        let events: Vec<(Actor, Event)> = cases
            .iter()
            .map(|c| {
                (
                    self.actor.clone(),
                    Event::new("registration.import", Action::Create)
                        .object("case", &c.id)
                        .clients(c.youth_id.clone()),
                )
            })
            .collect();
        audit::append_many(tx, &events).await?;
        summary.imported += cases.len() as u64;
        summary.families += families.len() as u64;
        summary.youths += youths.len() as u64;
        Ok(())
    }
}

// ---------------------------------------------------------------- consultations

struct Consultations {
    actor: Actor,
    today: NaiveDate,
    municipalities: HashSet<String>,
}

struct Consultation {
    external_id: String,
    municipality: String,
    requested_on: NaiveDate,
    referrer: Referrer,
    kind: RequestKind,
    referred_on: bool,
}

impl Consultations {
    async fn load(tx: &mut Tx, actor: &Actor) -> Result<Consultations> {
        Ok(Consultations {
            actor: actor.clone(),
            today: crate::today(),
            municipalities: sqlx::query_scalar("SELECT code FROM municipalities")
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .collect(),
        })
    }
}

/// A code of `all`, or its Dutch or English label (any case).
fn code_or_label<T: Copy>(
    all: &[T],
    value: &str,
    code: fn(T) -> &'static str,
    nl: fn(T) -> &'static str,
    en: fn(T) -> &'static str,
) -> Result<T, FieldError> {
    let lower = value.to_lowercase();
    all.iter()
        .copied()
        .find(|&v| {
            code(v) == lower || nl(v).to_lowercase() == lower || en(v).to_lowercase() == lower
        })
        .ok_or_else(|| {
            FieldError::new(
                "code",
                format!("Onbekende code '{}'.", quoted(value)),
                format!("Unknown code '{}'.", quoted(value)),
            )
        })
}

impl Import for Consultations {
    type Row = Consultation;
    const COLUMNS: &'static [&'static str] = CONSULTATION_COLUMNS;
    const EXISTING: &'static str =
        "SELECT external_id FROM imported_consultations WHERE external_id IN (";

    fn external_id(row: &Consultation) -> &str {
        &row.external_id
    }

    fn parse(&mut self, row: &Fields<'_>, errors: &mut Vec<RowError>) -> Option<Consultation> {
        let line = row.line;
        let before = errors.len();
        let mut p = Problems { line, errors };
        let code = municipality(row.get(1));
        let municipality = p.check(
            "municipality_code",
            if self.municipalities.contains(&code) {
                Ok(code)
            } else {
                Err(unknown_municipality(row.get(1)))
            },
        );
        let requested_on = p.check(
            "requested_on",
            past_date("requested_on", row.get(2), self.today),
        );
        let referrer = p.check(
            "referrer",
            code_or_label(
                Referrer::ALL,
                row.get(3),
                Referrer::as_str,
                Referrer::label_nl,
                Referrer::label_en,
            ),
        );
        let kind = p.check(
            "kind",
            code_or_label(
                RequestKind::ALL,
                row.get(4),
                RequestKind::as_str,
                RequestKind::label_nl,
                RequestKind::label_en,
            ),
        );
        let referred_on = p.check(
            "referred_on",
            match row.get(5).to_lowercase().as_str() {
                "yes" | "ja" => Ok(true),
                "no" | "nee" => Ok(false),
                _ => Err(FieldError::new(
                    "referred_on",
                    "Vul yes of no in (of ja of nee).",
                    "Enter yes or no (or ja or nee).",
                )),
            },
        );
        if errors.len() > before {
            return None;
        }
        Some(Consultation {
            external_id: row.get(0).to_owned(),
            municipality: municipality?,
            requested_on: requested_on?,
            referrer: referrer?,
            kind: kind?,
            referred_on: referred_on?,
        })
    }

    async fn flush(
        &mut self,
        tx: &mut Tx,
        rows: Vec<Consultation>,
        write: bool,
        _errors: &mut Vec<RowError>,
        summary: &mut ImportSummary,
    ) -> Result<()> {
        if !write || rows.is_empty() {
            return Ok(());
        }
        let at = now();
        let dates: Vec<String> = rows.iter().map(|r| r.requested_on.to_string()).collect();
        let mut values = Vec::with_capacity(rows.len() * 7);
        for (r, on) in rows.iter().zip(&dates) {
            values.extend([
                Value::from(r.external_id.as_str()),
                r.municipality.as_str().into(),
                on.as_str().into(),
                r.referrer.as_str().into(),
                r.kind.as_str().into(),
                Value::Int(i64::from(r.referred_on)),
                at.as_str().into(),
            ]);
        }
        insert(
            tx,
            "INSERT INTO imported_consultations (external_id, municipality_code, requested_on,
                                                 referrer, kind, referred_on, imported_at)",
            7,
            &values,
        )
        .await?;
        let events: Vec<(Actor, Event)> = rows
            .iter()
            .map(|r| {
                (
                    self.actor.clone(),
                    Event::new("consultation.import", Action::Create)
                        .object("imported_consultation", &r.external_id),
                )
            })
            .collect();
        audit::append_many(tx, &events).await?;
        summary.imported += rows.len() as u64;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_read_as_the_import_reads_it_without_a_database() {
        let file = "\u{feff}external_id;kind;municipality_code;requested_on;referrer;referred_on\n\
                    C1;advice;1640;2023-03-10;cjg;no\n\
                    C1;advice;1640;2023-03-10;cjg;no\n\
                    C2;adv\u{1}ice;1640;2023-03-10;cjg;no\n\
                    C3;advice\n";
        let mut rows = Vec::new();
        let errors = read_rows(file.as_bytes(), CONSULTATION_COLUMNS, |line, values| {
            rows.push((line, values.join("|")))
        })
        .unwrap();
        // Values come in the order of the columns asked for, not of the file.
        assert_eq!(rows, [(2, "C1|1640|2023-03-10|cjg|advice|no".to_owned())]);
        let lines: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(lines, [(3, "external_id"), (4, "kind"), (5, "")]);
        let long = format!("external_id\n{}\n", "x".repeat(10_000));
        let errors = read_rows(long.as_bytes(), &["external_id"], |_, _| {}).unwrap();
        assert!(
            errors[0].message_en.contains("at most 4096"),
            "{}",
            errors[0]
        );
    }
}
