//! Test harness: every test gets its own database (a SQLite file, or a PostgreSQL
//! database when `EENPLAN_TEST_DATABASE_URL` is set, dropped afterwards) and the real
//! router on its own port, loaded with the demo region.
//!
//! The migrated demo-region database is built once per test run (the template) and copied
//! for each test: a file copy on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL.
//! Templates are named after the test process and removed by a later run once that
//! process is gone.

#![allow(dead_code)]

use eenplan_store::{Store, codelists, demo};
use eenplan_web::{AppState, WebConfig};
use reqwest::redirect::Policy;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

/// The prefix of template databases and folders; the test process id follows.
const TEMPLATE_PREFIX: &str = "eenplan_tmpl_";

/// The template of this test run: a SQLite folder or a PostgreSQL database name.
static TEMPLATE: OnceLock<String> = OnceLock::new();

/// Builds the template once (on its own thread and runtime: tests run on their own
/// runtimes, which a shared async initialiser would tie together).
fn template(admin_url: Option<&str>) -> &'static str {
    TEMPLATE.get_or_init(|| {
        let admin_url = admin_url.map(str::to_owned);
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(build_template(admin_url))
        })
        .join()
        .expect("template database")
    })
}

fn process_alive(pid: &str) -> bool {
    std::path::Path::new("/proc").join(pid).exists()
}

async fn build_template(admin_url: Option<String>) -> String {
    let name = format!("{TEMPLATE_PREFIX}{}", std::process::id());
    let url = match &admin_url {
        Some(admin_url) => {
            let admin = Store::connect(admin_url)
                .await
                .expect("connect to PostgreSQL");
            // Templates of earlier runs whose process is gone.
            let stale: Vec<String> = sqlx::query_scalar(
                "SELECT datname::text FROM pg_database WHERE datname LIKE 'eenplan_tmpl_%'",
            )
            .fetch_all(admin.pool())
            .await
            .unwrap();
            for db in stale {
                if !process_alive(db.trim_start_matches(TEMPLATE_PREFIX)) {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
                        .execute(admin.pool())
                        .await;
                }
            }
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(admin.pool())
                .await
                .unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(admin.pool())
                .await
                .unwrap();
            admin.close().await;
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b.to_owned())
                .unwrap();
            format!("{base}/{name}")
        }
        None => {
            let tmp = std::env::temp_dir();
            for entry in std::fs::read_dir(&tmp).into_iter().flatten().flatten() {
                let file = entry.file_name().to_string_lossy().into_owned();
                if let Some(pid) = file.strip_prefix(TEMPLATE_PREFIX)
                    && !process_alive(pid)
                {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
            let dir = tmp.join(&name);
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Store::sqlite_url(&dir)
        }
    };
    let store = Store::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    let mut tx = store.begin().await.unwrap();
    codelists::load_defaults(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    demo::load(&store).await.expect("demo");
    if admin_url.is_none() {
        // One file to copy: the write-ahead log folded in.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(store.pool())
            .await
            .unwrap();
    }
    store.close().await;
    match admin_url {
        Some(_) => name,
        None => std::env::temp_dir().join(&name).display().to_string(),
    }
}

pub struct TestApp {
    pub base: String,
    /// The test's own database, for the command line.
    database_url: String,
    pub store: Store,
    cleanup: Option<(String, String)>,
    dir: Option<std::path::PathBuf>,
}

pub fn demo_config() -> WebConfig {
    WebConfig {
        demo_mode: true,
        ..WebConfig::default()
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(demo_config()).await
    }

    pub async fn spawn_with(config: WebConfig) -> TestApp {
        let name = format!("eenplan_test_{}", uuid::Uuid::new_v4().simple());
        let (url, cleanup, dir) = match std::env::var("EENPLAN_TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                let template = template(Some(&admin_url));
                let admin = Store::connect(&admin_url)
                    .await
                    .expect("connect to PostgreSQL");
                sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                    .execute(admin.pool())
                    .await
                    .unwrap();
                admin.close().await;
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_owned())
                    .unwrap();
                (format!("{base}/{name}"), Some((admin_url, name)), None)
            }
            _ => {
                let template = std::path::PathBuf::from(template(None));
                let dir = std::env::temp_dir().join(&name);
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::copy(Store::sqlite_file(&template), Store::sqlite_file(&dir))
                    .expect("copy the template database");
                (Store::sqlite_url(&dir), None, Some(dir))
            }
        };
        let store = Store::connect(&url).await.expect("connect");
        let app = AppState {
            store: store.clone(),
            config: Arc::new(config),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(
                listener,
                eenplan_web::router(app).into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        TestApp {
            base: format!("http://{addr}"),
            database_url: url,
            store,
            cleanup,
            dir,
        }
    }

    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap()
    }

    pub async fn totp_secret(&self, username: &str) -> String {
        sqlx::query_scalar("SELECT totp_secret FROM users WHERE username = $1")
            .bind(username)
            .fetch_one(self.store.pool())
            .await
            .unwrap()
    }

    /// Logs in with password and TOTP; returns the client and the session's CSRF token.
    pub async fn login(&self, username: &str) -> (reqwest::Client, String) {
        let client = self.client();
        let r = self
            .password_step(&client, username, demo::DEMO_PASSWORD)
            .await;
        assert_eq!(r.status(), 303, "password step for {username}");
        let mfa = client
            .get(self.url("/login/mfa"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = csrf_of(&mfa);
        let code = self.unused_code(username).await;
        let r = client
            .post(self.url("/login/mfa"))
            .form(&[("csrf", csrf.as_str()), ("code", code.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "mfa step for {username}");
        assert_eq!(r.headers()["location"], "/");
        let home = client.get(self.url("/")).send().await.unwrap();
        assert_eq!(home.status(), 200);
        let csrf = csrf_of(&home.text().await.unwrap());
        (client, csrf)
    }

    pub async fn password_step(
        &self,
        client: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> reqwest::Response {
        let page = client
            .get(self.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = csrf_of(&page);
        client
            .post(self.url("/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", username),
                ("password", password),
            ])
            .send()
            .await
            .unwrap()
    }

    /// A TOTP code not used before by this user (codes are single-use per 30 s step).
    pub async fn fresh_code(&self, username: &str) -> String {
        let secret = self.totp_secret(username).await;
        loop {
            let now = unix_now();
            let last: i64 =
                sqlx::query_scalar("SELECT totp_last_step FROM users WHERE username = $1")
                    .bind(username)
                    .fetch_one(self.store.pool())
                    .await
                    .unwrap();
            if (now / 30) as i64 > last {
                return eenplan_domain::credentials::totp_code(&secret, now).unwrap();
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
    }

    /// A code the user has not used yet, without waiting when the next step's code is
    /// already accepted (one step of clock drift is).
    pub async fn unused_code(&self, username: &str) -> String {
        let secret = self.totp_secret(username).await;
        let last: i64 = sqlx::query_scalar("SELECT totp_last_step FROM users WHERE username = $1")
            .bind(username)
            .fetch_one(self.store.pool())
            .await
            .unwrap();
        let now = (unix_now() / 30) as i64;
        let step = (last + 1).max(now);
        if step <= now + 1 {
            return eenplan_domain::credentials::totp_code(&secret, (step * 30) as u64).unwrap();
        }
        self.fresh_code(username).await
    }

    pub async fn audit_count(&self, event: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE event = $1")
            .bind(event)
            .fetch_one(self.store.pool())
            .await
            .unwrap()
    }

    pub async fn id_of(&self, sql: &str) -> String {
        sqlx::query_scalar(sql)
            .fetch_one(self.store.pool())
            .await
            .unwrap()
    }

    pub fn is_postgres(&self) -> bool {
        self.store.backend() == eenplan_store::Backend::Postgres
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((admin_url, name)) = self.cleanup.take() {
            // No pool close here: the server task holding connections runs on the test's
            // runtime, which this blocking drop stalls. FORCE ends those connections.
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    if let Ok(admin) = Store::connect(&admin_url).await {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(admin.pool())
                                .await;
                        admin.close().await;
                    }
                });
            })
            .join()
            .ok();
        }
    }
}

pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The CSRF token in the first `name="csrf"` field of a page.
pub fn csrf_of(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("input[name=csrf]").unwrap();
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("value"))
        .unwrap_or_else(|| panic!("no csrf field in page: {}", &html[..html.len().min(400)]))
        .to_owned()
}

/// A JSON API call with the session's CSRF header: the status and the body (Null when
/// the body is not JSON).
pub async fn api(
    app: &TestApp,
    client: &reqwest::Client,
    csrf: &str,
    method: reqwest::Method,
    path: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let r = client
        .request(method, app.url(path))
        .header("x-csrf-token", csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

/// A form post as a browser sends it.
pub async fn post_form(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.url(path))
        .form(fields)
        .send()
        .await
        .unwrap()
}
