//! `eenplan`: the one binary. Serves the product (default), migrates the database,
//! manages accounts and verifies the audit log.

mod cbs;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use eenplan_domain::{Role, credentials};
use eenplan_store::audit::{self, Actor};
use eenplan_store::{
    Store, access, cases, catalogue, codelists, declarations, demo, directory, generator, ijw,
    monitoring, sessions, users,
};
use eenplan_web::{AppState, WebConfig};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::io::AsyncBufReadExt;

/// mimalloc instead of the system allocator: after a burst of large messages it gives
/// the memory back to the system, where glibc's per-thread arenas kept it (bench/hostile.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "eenplan",
    version,
    about = "eenplan: information system for a regional youth-care system"
)]
struct Cli {
    /// Folder for the embedded SQLite database.
    #[arg(
        long,
        env = "EENPLAN_DATA_DIR",
        default_value = "./eenplan-data",
        global = true
    )]
    data_dir: PathBuf,
    /// Database URL (postgres://...); when unset, SQLite in the data folder.
    #[arg(
        long,
        env = "EENPLAN_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "EENPLAN_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Start empty: no demo region on a new database, no demo login shortcut.
    #[arg(long, env = "EENPLAN_NO_DEMO", conflicts_with = "demo")]
    no_demo: bool,
    /// Serve the demo region (published passwords, live codes on the login page) also on
    /// PostgreSQL, a non-loopback address or with secure cookies. Without it, the demo
    /// comes only with the embedded database on a loopback address.
    #[arg(long, env = "EENPLAN_DEMO")]
    demo: bool,
    /// Years of generated data the demo region gets on a new database (0: none).
    #[arg(long, env = "EENPLAN_DEMO_YEARS", default_value_t = generator::FIRST_START_YEARS)]
    demo_years: u32,
    /// Served over https (behind a TLS proxy): cookies get Secure and the __Host- prefix.
    #[arg(long, env = "EENPLAN_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Minutes without activity after which a session ends.
    #[arg(long, env = "EENPLAN_IDLE_TIMEOUT_MINUTES", default_value_t = 15)]
    idle_timeout_minutes: i64,
    /// The reverse proxies (addresses, comma-separated) whose X-Forwarded-For names the
    /// client in the audit record and the per-address throttle; ignored from others.
    #[arg(long, env = "EENPLAN_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// The bearer token a Prometheus scraper sends for `/metrics`; without one,
    /// `/metrics` is not served.
    #[arg(long, env = "EENPLAN_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// Hours after login after which a session ends regardless of activity.
    #[arg(long, env = "EENPLAN_ABSOLUTE_TIMEOUT_HOURS", default_value_t = 12)]
    absolute_timeout_hours: i64,
    #[command(flatten)]
    folders: IjwFolders,
}

/// The folders of the hub connection for iJw messages (both or neither).
#[derive(clap::Args, Clone)]
struct IjwFolders {
    /// Folder the hub connection drops received iJw messages in; read every minute.
    #[arg(long, env = "EENPLAN_IJW_INBOX", requires = "ijw_outbox")]
    ijw_inbox: Option<PathBuf>,
    /// Folder the hub connection takes iJw messages to send from.
    #[arg(long, env = "EENPLAN_IJW_OUTBOX", requires = "ijw_inbox")]
    ijw_outbox: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the product over HTTP (the default).
    Serve(ServeArgs),
    /// Bring the database schema up to date and load the default code lists.
    Migrate,
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage organisations.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Manage personal API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Work with the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Regional settings.
    #[command(subcommand)]
    Setting(SettingCommand),
    /// Background jobs, run by hand (the server runs them on its own).
    #[command(subcommand)]
    Job(JobCommand),
    /// Compute a report (management information) from the database. Shows every
    /// figure unless --hide-small-counts asks for the policy officers' view.
    Report(ReportArgs),
    /// Import historical data from a spreadsheet saved as CSV: the whole file or nothing
    /// (every problem is listed); rows imported before are skipped.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Generate realistic invented data into a demo database (loads the demo region into
    /// an empty one first). The same seed and until date give the same data; a database
    /// takes generated data once.
    Demo(DemoArgs),
    /// The CBS Beleidsinformatie Jeugd file of a half year (CSV), recorded as a delivery;
    /// a correction of the whole period when delivered before.
    CbsExport(cbs::CbsExportArgs),
    /// iJw messages with the providers.
    #[command(subcommand)]
    Ijw(IjwCommand),
}

#[derive(Subcommand)]
enum IjwCommand {
    /// Receive one message file as from the hub; prints the retour message.
    Receive { file: PathBuf },
    /// Read the inbox folder and write the outbox folder once (as `serve` does every
    /// minute when given the folders).
    Exchange {
        #[arg(long)]
        inbox: PathBuf,
        #[arg(long)]
        outbox: PathBuf,
    },
}

#[derive(clap::Args)]
struct ReportArgs {
    /// The report: volumes, referral-channels, problem-areas, access-funding,
    /// treatment-team, referral-flows, monitoring, caseload, costs.
    name: String,
    /// First day of the period, YYYY-MM-DD.
    #[arg(long)]
    from: Option<String>,
    /// Last day of the period, YYYY-MM-DD.
    #[arg(long)]
    to: Option<String>,
    /// A calendar year (instead of --from/--to, or the year the period lies in).
    #[arg(long)]
    year: Option<String>,
    /// A municipality's CBS code, a sub-region (MLW, MLO) or a region (ML).
    #[arg(long)]
    area: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: ReportFormat,
    /// Hide counts below the threshold as policy officers see them.
    #[arg(long)]
    hide_small_counts: bool,
    /// Labels and headers in English (table format).
    #[arg(long)]
    english: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ReportFormat {
    Csv,
    Json,
    Table,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Registrations, columns external_id, municipality_code, registered_on, closed_on,
    /// referral_channel, problem_area, youth_birth_date, youth_bsn, family_ref (the last
    /// five may be empty; rows with the same family_ref are one family).
    Registrations { file: PathBuf },
    /// Consultations of the local treatment teams, columns external_id,
    /// municipality_code, requested_on, referrer, kind (advice or
    /// consultation_treatment), referred_on (yes or no).
    Consultations { file: PathBuf },
}

#[derive(clap::Args)]
struct DemoArgs {
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// region (Midden-Limburg), province (Limburg) or national (342 municipalities).
    #[arg(long, default_value = "region", value_parser = ["region", "province", "national"])]
    scale: String,
    /// Years of data up to the until date (1 to 30).
    #[arg(long, default_value_t = generator::FIRST_START_YEARS)]
    years: u32,
    /// The last day of the data (YYYY-MM-DD); default today.
    #[arg(long)]
    until: Option<chrono::NaiveDate>,
}

#[derive(Subcommand)]
enum JobCommand {
    /// The daily monitoring job: evaluations due within 14 days or overdue, as each
    /// user's notification list. Idempotent; runs again only with --force.
    Monitoring {
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum SettingCommand {
    /// Show the settings and their values.
    Show,
    /// Change a setting: case_reopen_days (days after closing within which a new
    /// registration or a reopen reopens the same case; 0 to 3650),
    /// evaluation_interval_months (1 to 6), declaration_hourly_rate_cents (the hourly
    /// rate of the treatment teams' yearly declarations in cents; 10000 = EUR 100),
    /// report_min_count (1 to 100), ijw_start_weeks (weeks without a start after an
    /// assignment's first day before the reconciliation names it; 1 to 52).
    Set { name: String, value: String },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user. The password is read from standard input; prints the otpauth:// URI
    /// for enrolling the second factor.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: String,
        /// Organisation name or id.
        #[arg(long)]
        org: String,
        /// Team name or id (repeatable).
        #[arg(long)]
        team: Vec<String>,
        /// Full name; defaults to the username.
        #[arg(long)]
        display_name: Option<String>,
        /// Why: required for a role that reads client data (kept in the audit record).
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Add an organisation (e.g. the first one, on a database started with --no-demo).
    Add {
        #[arg(long)]
        name: String,
        /// cjg, provider, gi, veilig_thuis, rvdk, school, gp_practice or municipality.
        #[arg(long = "type")]
        org_type: String,
        /// AGB code (8 digits), required for providers.
        #[arg(long)]
        agb_code: Option<String>,
        /// CBS municipality code, required for municipalities.
        #[arg(long)]
        municipality: Option<String>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a personal API token for a user and print it (shown once).
    Add {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "cli")]
        name: String,
        /// Days it lasts: 1 to 365.
        #[arg(long, default_value = "90")]
        days: String,
        /// read (reads only), role (whatever the user's role may do) or ijw (the iJw
        /// message exchange only).
        #[arg(long, default_value = "role")]
        scope: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain; exit 1 and name the first broken record on tamper.
    Verify,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("EENPLAN_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("eenplan: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

/// Opens the database. Only `migrate` and `serve` create it, bring its schema up to date
/// and load the code lists; every other command opens an existing database as it is
/// (`Store::open_existing`), so a mistyped data folder is refused and a command that
/// only reads never writes.
async fn open_store(cli: &Cli) -> Result<Store> {
    let migrates = matches!(
        cli.command,
        None | Some(Command::Serve(_) | Command::Migrate)
    );
    if !migrates {
        let url = match &cli.database_url {
            Some(url) => url.clone(),
            None => Store::sqlite_url(&cli.data_dir),
        };
        return Store::open_existing(&url)
            .await
            .context("opening the database");
    }
    let url = match &cli.database_url {
        Some(url) => url.clone(),
        None => {
            std::fs::create_dir_all(&cli.data_dir)
                .with_context(|| format!("creating data folder {}", cli.data_dir.display()))?;
            Store::sqlite_url(&cli.data_dir)
        }
    };
    let store = Store::connect(&url).await.context("opening the database")?;
    store.migrate().await.context("migrating the database")?;
    let mut tx = store.begin().await?;
    codelists::load_defaults(&mut tx).await?;
    tx.commit().await?;
    Ok(store)
}

async fn run(cli: Cli) -> Result<std::process::ExitCode> {
    let store = open_store(&cli).await?;
    match cli.command {
        None => serve(store, ServeArgs::parse_defaults()).await?,
        Some(Command::Serve(args)) => serve(store, args).await?,
        Some(Command::Migrate) => println!("database is up to date"),
        Some(Command::User(UserCommand::Add {
            username,
            role,
            org,
            team,
            display_name,
            reason,
        })) => add_user(&store, &username, &role, &org, &team, display_name, reason).await?,
        Some(Command::Org(OrgCommand::Add {
            name,
            org_type,
            agb_code,
            municipality,
        })) => {
            let details = eenplan_app::directory::OrganisationDetails {
                name: name.clone(),
                org_type,
                agb_code,
                municipality_code: municipality,
                version: None,
            };
            let id = eenplan_app::directory::create_organisation(
                &store,
                &Actor::system("cli"),
                &details,
            )
            .await
            .map_err(cli_error)?;
            println!("organisation {name} added ({id})");
        }
        Some(Command::Token(TokenCommand::Add {
            username,
            name,
            days,
            scope,
        })) => {
            let user = users::users(&store)
                .await?
                .into_iter()
                .find(|u| u.username == username)
                .with_context(|| format!("no user named {username}"))?;
            let secret = eenplan_app::account::issue_token(
                &store,
                &Actor::system("cli"),
                &user.id,
                &name,
                &days,
                &scope,
            )
            .await
            .map_err(cli_error)?;
            println!("{secret}");
        }
        Some(Command::Setting(SettingCommand::Show)) => {
            println!(
                "{} = {}",
                cases::REOPEN_DAYS_SETTING,
                cases::reopen_days(&store).await?
            );
            let mut conn = store.pool().acquire().await?;
            println!(
                "{} = {}",
                access::EVALUATION_MONTHS_SETTING,
                access::evaluation_months(&mut conn).await?
            );
            println!(
                "{} = {}",
                declarations::HOURLY_RATE_SETTING,
                declarations::hourly_rate_cents(&mut conn).await?
            );
            println!(
                "{} = {}",
                eenplan_reports::MIN_COUNT_SETTING,
                eenplan_reports::min_count(&store).await?
            );
            println!(
                "{} = {}",
                ijw::reconcile::START_WEEKS_SETTING,
                ijw::reconcile::start_weeks(&store).await?
            );
            for (from, variant) in catalogue::variants(&mut conn).await? {
                println!("access_variant from {from} = {}", variant.as_str());
            }
        }
        Some(Command::Setting(SettingCommand::Set { name, value })) => {
            let n = eenplan_app::settings::set(&store, &Actor::system("cli"), &name, &value)
                .await
                .map_err(cli_error)?;
            println!("{name} = {n}");
        }
        Some(Command::Ijw(IjwCommand::Receive { file })) => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let r = ijw::receive::receive(
                &store,
                &Actor::system("cli"),
                ijw::receive::Origin::Folder,
                bytes,
                eenplan_store::today(),
            )
            .await?;
            if let Some(refusal) = r.refusal {
                bail!("refused: {}", refusal.en);
            }
            eprintln!(
                "{}: {}{}",
                r.message_type.map_or("?", |t| t.name()),
                if r.accepted { "accepted" } else { "rejected" },
                if r.retour_codes.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", r.retour_codes.join(", "))
                }
            );
            if let Some(xml) = r.retour_xml {
                println!("{xml}");
            }
        }
        Some(Command::Ijw(IjwCommand::Exchange { inbox, outbox })) => {
            let s = ijw::folder::exchange(&store, &inbox, &outbox, eenplan_store::today()).await?;
            println!(
                "received {}, refused {}, sent {}",
                s.received, s.refused, s.sent
            );
        }
        Some(Command::Job(JobCommand::Monitoring { force })) => {
            let summary = monitoring::run_daily_job(&store, eenplan_store::today(), force).await?;
            if summary.already_done {
                println!("monitoring job: already done today (use --force to run it again)");
            } else {
                println!(
                    "monitoring job: {} due within 14 days, {} overdue, {} notifications",
                    summary.due_soon, summary.overdue, summary.notifications
                );
            }
        }
        Some(Command::Report(args)) => {
            let Some(definition) = eenplan_reports::find(&args.name) else {
                let names: Vec<&str> = eenplan_reports::REPORTS.iter().map(|d| d.name).collect();
                bail!("unknown report {}; known: {}", args.name, names.join(", "));
            };
            let params = eenplan_reports::Params::parse(
                args.from.as_deref(),
                args.to.as_deref(),
                args.year.as_deref(),
                args.area.as_deref(),
            )
            .map_err(|e| anyhow::anyhow!("--{}: {}", e.field, e.message_en))?;
            let audience = if args.hide_small_counts {
                eenplan_reports::Audience::AggregatesOnly
            } else {
                eenplan_reports::Audience::Full
            };
            let report = match eenplan_reports::run(&store, definition, params, audience).await {
                Err(eenplan_store::Error::Invalid(e)) => bail!("--{}: {}", e.field, e.message_en),
                other => other?,
            };
            match args.format {
                ReportFormat::Csv => print!("{}", eenplan_reports::to_csv(&report)),
                ReportFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&eenplan_reports::to_json(&report, args.english))?
                ),
                ReportFormat::Table => {
                    print!("{}", eenplan_reports::to_text(&report, args.english))
                }
            }
        }
        Some(Command::Import(command)) => return import_file(&store, command).await,
        Some(Command::CbsExport(args)) => cbs::run(&store, args).await?,
        Some(Command::Demo(args)) => {
            if demo::is_empty(&store).await? {
                demo::load(&store)
                    .await
                    .context("loading the demo region")?;
            }
            let opts = generator::GeneratorOptions {
                seed: args.seed,
                scale: generator::Scale::parse(&args.scale).context("unknown scale")?,
                years: args.years,
                until: args.until.unwrap_or_else(eenplan_store::today),
            };
            print!("{}", generator::generate(&store, &opts).await?);
        }
        Some(Command::Audit(AuditCommand::Verify)) => {
            let result = audit::verify(&store).await?;
            return Ok(match result.broken {
                None => {
                    println!("audit log intact: {} records verified", result.checked);
                    std::process::ExitCode::SUCCESS
                }
                Some((seq, why)) => {
                    println!(
                        "audit log BROKEN at record {seq}: {why} ({} records before it are intact)",
                        result.checked
                    );
                    std::process::ExitCode::from(1)
                }
            });
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// `eenplan import ...`: prints a summary, or every problem of the file and exits 1.
async fn import_file(store: &Store, command: ImportCommand) -> Result<std::process::ExitCode> {
    use eenplan_store::import::{self, ImportError};
    use std::io::IsTerminal;
    let (ImportCommand::Registrations { file: path } | ImportCommand::Consultations { file: path }) =
        &command;
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    // A progress bar for a person watching, over the bytes of the file.
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(file.metadata()?.len()).with_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {elapsed_precise} (eta {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        )
    } else {
        indicatif::ProgressBar::hidden()
    };
    let progress = |bytes| bar.set_position(bytes);
    let actor = Actor::system("import");
    let result = match command {
        ImportCommand::Registrations { .. } => {
            import::registrations(store, &actor, file, progress).await
        }
        ImportCommand::Consultations { .. } => {
            import::consultations(store, &actor, file, progress).await
        }
    };
    bar.finish_and_clear();
    match result {
        Ok(s) => {
            let what = match command {
                ImportCommand::Registrations { .. } => format!(
                    "registrations ({} new families, {} new youths)",
                    s.families, s.youths
                ),
                ImportCommand::Consultations { .. } => "consultations".to_owned(),
            };
            println!(
                "imported {} {what}; skipped {} imported before",
                s.imported, s.skipped
            );
            Ok(std::process::ExitCode::SUCCESS)
        }
        Err(ImportError::Invalid(problems)) => {
            for p in &problems {
                eprintln!("{}: {p}", path.display());
            }
            eprintln!(
                "nothing imported: {} problem(s) in {}",
                problems.len(),
                path.display()
            );
            Ok(std::process::ExitCode::from(1))
        }
        Err(e) => Err(e.into()),
    }
}

impl ServeArgs {
    /// The serve options when no subcommand is given (environment still applies).
    fn parse_defaults() -> ServeArgs {
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            serve: ServeArgs,
        }
        Only::parse_from(["eenplan"]).serve
    }
}

/// Whether the server runs in demo mode (the demo region with its published password and
/// live codes). Only where nobody reaches it by accident, unless asked for.
#[derive(Debug, PartialEq, Eq)]
enum DemoChoice {
    Demo,
    NoDemo,
    /// Demo mode was not asked for where it would publish its passwords: why.
    Refuse(String),
}

/// `would_be_demo`: the database is new (the demo region would be loaded) or holds it.
fn demo_choice(
    args: &ServeArgs,
    backend: eenplan_store::Backend,
    would_be_demo: bool,
) -> DemoChoice {
    if args.no_demo || !would_be_demo {
        return DemoChoice::NoDemo;
    }
    if args.demo {
        return DemoChoice::Demo;
    }
    let mut reasons = Vec::new();
    if backend != eenplan_store::Backend::Sqlite {
        reasons.push("the database is PostgreSQL".to_owned());
    }
    if !args.listen.ip().is_loopback() {
        reasons.push(format!("{} is not a loopback address", args.listen.ip()));
    }
    if args.secure_cookies {
        reasons.push("--secure-cookies says it is served over https".to_owned());
    }
    if reasons.is_empty() {
        DemoChoice::Demo
    } else {
        DemoChoice::Refuse(format!(
            "refusing to serve the demo region, whose passwords are published and whose \
             login page shows live codes: {}. Give --demo to serve the demo anyway, or \
             --no-demo to start without it.",
            reasons.join("; ")
        ))
    }
}

async fn serve(store: Store, args: ServeArgs) -> Result<()> {
    let fresh = demo::is_empty(&store).await?;
    let demo_mode = match demo_choice(
        &args,
        store.backend(),
        fresh || demo::is_loaded(&store).await?,
    ) {
        DemoChoice::Demo => true,
        DemoChoice::NoDemo => false,
        DemoChoice::Refuse(why) => bail!(why),
    };
    if demo_mode && fresh {
        demo::load(&store)
            .await
            .context("loading the demo region")?;
        tracing::info!("loaded the demo region into the new database");
        if args.demo_years > 0 {
            let opts = generator::GeneratorOptions {
                years: args.demo_years,
                ..generator::GeneratorOptions::first_start(eenplan_store::today())
            };
            let summary = generator::generate(&store, &opts)
                .await
                .context("generating the demo data")?;
            tracing::info!(
                cases = summary.cases,
                decisions = summary.decisions,
                ms = summary.elapsed_ms,
                "generated {} years of demo data",
                opts.years
            );
        }
    }
    let config = WebConfig {
        secure_cookies: args.secure_cookies,
        idle_timeout: chrono::Duration::minutes(args.idle_timeout_minutes.max(1)),
        absolute_timeout: chrono::Duration::hours(args.absolute_timeout_hours.max(1)),
        demo_mode,
        metrics_token: args.metrics_token.clone().filter(|t| !t.is_empty()),
        trusted_proxies: args.trusted_proxies.clone(),
        ..WebConfig::default()
    };
    let sweeper = spawn_session_sweeper(store.clone(), config.clone());
    let monitoring_job = spawn_monitoring_job(store.clone());
    let exchange = args
        .folders
        .ijw_inbox
        .clone()
        .zip(args.folders.ijw_outbox.clone())
        .map(|(inbox, outbox)| spawn_ijw_exchange(store.clone(), inbox, outbox));
    let app = AppState {
        store: store.clone(),
        config: Arc::new(config),
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let address = listener.local_addr()?;
    println!("eenplan is running at http://{address}/");
    if demo_mode {
        println!(
            "Demo mode: log in as e.g. demo.gezinswerker or demo.beheerder with password {}; \
             the login page shows each demo account's current code.",
            demo::DEMO_PASSWORD
        );
    } else if users::users(&store).await?.is_empty() {
        println!(
            "No accounts yet: add one with `eenplan user add --username ... --role administrator --org ...`."
        );
    }
    axum::serve(
        listener,
        eenplan_web::router(app).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    sweeper.abort();
    monitoring_job.abort();
    if let Some(exchange) = exchange {
        exchange.abort();
    }
    store.close().await;
    Ok(())
}

/// Runs `round` now and then every `period`, each round on a task of its own: a round
/// that panics is logged and the next one runs as planned.
fn every<F, Fut>(
    period: std::time::Duration,
    job: &'static str,
    round: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        loop {
            tick.tick().await;
            if let Err(e) = tokio::spawn(round()).await {
                tracing::error!("{job}: the round ended in a panic: {e}");
            }
        }
    })
}

/// Runs the daily monitoring job at start and then every hour: a day's run happens once,
/// and a run cut short (a crash, a restart) is simply run again, since it commits whole.
fn spawn_monitoring_job(store: Store) -> tokio::task::JoinHandle<()> {
    every(
        std::time::Duration::from_secs(3600),
        "monitoring job",
        move || {
            let store = store.clone();
            async move {
                match monitoring::run_daily_job(&store, eenplan_store::today(), false).await {
                    Ok(s) if !s.already_done => tracing::info!(
                        due_soon = s.due_soon,
                        overdue = s.overdue,
                        "monitoring job done"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::warn!("monitoring job: {e}"),
                }
            }
        },
    )
}

/// Exchanges iJw messages through the hub connection's folders every minute.
fn spawn_ijw_exchange(
    store: Store,
    inbox: PathBuf,
    outbox: PathBuf,
) -> tokio::task::JoinHandle<()> {
    every(
        std::time::Duration::from_secs(60),
        "iJw folder exchange",
        move || {
            let (store, inbox, outbox) = (store.clone(), inbox.clone(), outbox.clone());
            async move {
                match ijw::folder::exchange(&store, &inbox, &outbox, eenplan_store::today()).await {
                    Ok(s) if s != ijw::folder::Summary::default() => tracing::info!(
                        received = s.received,
                        refused = s.refused,
                        sent = s.sent,
                        "iJw folder exchange"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::warn!("iJw folder exchange: {e}"),
                }
            }
        },
    )
}

/// Removes expired sessions and idempotency keys every ten minutes.
fn spawn_session_sweeper(store: Store, config: WebConfig) -> tokio::task::JoinHandle<()> {
    every(
        std::time::Duration::from_secs(600),
        "session sweeper",
        move || {
            let (store, config) = (store.clone(), config.clone());
            async move {
                let now = chrono::Utc::now();
                let idle = eenplan_store::format_time(now - config.idle_timeout);
                let start = eenplan_store::format_time(now - config.absolute_timeout);
                if let Err(e) = sessions::purge_expired(&store, &idle, &start).await {
                    tracing::warn!("purging expired sessions: {e}");
                }
            }
        },
    )
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// A use case's error on the command line: each problem as "field: message", as the
/// page and the API name them.
fn cli_error(e: eenplan_app::Error) -> anyhow::Error {
    match e {
        eenplan_app::Error::Invalid(problems) => {
            let text: Vec<_> = problems
                .iter()
                .map(|p| {
                    if p.field.is_empty() {
                        p.message.clone()
                    } else {
                        format!("{}: {}", p.field, p.message)
                    }
                })
                .collect();
            anyhow::anyhow!("{}", text.join("; "))
        }
        other => anyhow::anyhow!("{other}"),
    }
}

async fn add_user(
    store: &Store,
    username: &str,
    role: &str,
    org: &str,
    teams: &[String],
    display_name: Option<String>,
    reason: Option<String>,
) -> Result<()> {
    let Some(role) = Role::parse(role) else {
        let all: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        bail!("unknown role {role}; choose one of: {}", all.join(", "));
    };
    let organisation = directory::organisations(store)
        .await?
        .into_iter()
        .find(|o| o.id == org || o.name == org)
        .with_context(|| format!("no organisation named {org}"))?;
    let all_teams = directory::teams(store).await?;
    let mut team_ids = Vec::new();
    for t in teams {
        let team = all_teams
            .iter()
            .find(|x| x.id == *t || x.name == *t)
            .with_context(|| format!("no team named {t}"))?;
        team_ids.push(team.id.clone());
    }
    let display_name = display_name.unwrap_or_else(|| username.to_owned());
    eprintln!("Password for {username} (one line on standard input):");
    let mut line = String::new();
    tokio::io::BufReader::new(tokio::io::stdin())
        .read_line(&mut line)
        .await?;
    // The same account, checks and answers as the administration pages and the API.
    let account = eenplan_app::users::NewAccount {
        username: username.to_owned(),
        display_name,
        role: role.as_str().into(),
        organisation_id: organisation.id,
        team_ids,
        password: line.trim_end_matches(['\r', '\n']).to_owned(),
        reason,
    };
    let (id, _) = eenplan_app::users::create_user(store, &Actor::system("cli"), &account)
        .await
        .map_err(cli_error)?;
    let creds = users::credentials_by_id(store, &id).await?;
    let username = users::user(store, &id).await?.username;
    println!("user {username} added as {}", role.as_str());
    println!(
        "{}",
        credentials::totp_uri(&creds.totp_secret, &username)
            .context("building the enrolment URI")?
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use eenplan_store::Backend::{Postgres, Sqlite};

    fn args(extra: &[&str]) -> ServeArgs {
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            serve: ServeArgs,
        }
        let mut argv = vec!["eenplan"];
        argv.extend_from_slice(extra);
        Only::parse_from(argv).serve
    }

    #[test]
    fn the_demo_comes_only_with_the_embedded_database_on_loopback_unless_asked_for() {
        // `cargo run --release`: SQLite on 127.0.0.1.
        assert_eq!(demo_choice(&args(&[]), Sqlite, true), DemoChoice::Demo);
        assert_eq!(
            demo_choice(&args(&["--listen", "[::1]:8080"]), Sqlite, true),
            DemoChoice::Demo
        );
        for (a, backend, why) in [
            (args(&[]), Postgres, "PostgreSQL"),
            (args(&["--listen", "0.0.0.0:8080"]), Sqlite, "0.0.0.0"),
            (args(&["--secure-cookies"]), Sqlite, "--secure-cookies"),
        ] {
            match demo_choice(&a, backend, true) {
                DemoChoice::Refuse(text) => {
                    assert!(text.contains(why) && text.contains("--demo"), "{text}")
                }
                other => panic!("{why}: {other:?}"),
            }
            let mut asked = a;
            asked.demo = true;
            assert_eq!(demo_choice(&asked, backend, true), DemoChoice::Demo);
        }
        // A region's own data, or --no-demo: no demo mode, whatever the setting.
        assert_eq!(
            demo_choice(&args(&["--listen", "0.0.0.0:8080"]), Postgres, false),
            DemoChoice::NoDemo
        );
        assert_eq!(
            demo_choice(&args(&["--no-demo", "--secure-cookies"]), Postgres, true),
            DemoChoice::NoDemo
        );
    }
}
