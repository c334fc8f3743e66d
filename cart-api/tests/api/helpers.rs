//! Test harness (zero2prod style): every test gets its own server on `127.0.0.1:0`, its own
//! database and its own `dist/`, inside a `TempDir` that lives as long as the `TestApp`.
//!
//! The database is a SQLite file in that directory, or, when `TEST_POSTGRES_URL` names a
//! PostgreSQL server (`cargo xtask test --postgres` starts one), a new database on that server:
//! the same suite runs against both.

use cart_api::config::Config;
use cart_api::fixture::SeedProduct;
use cart_api::Application;
use contracts::api::{Problem, ProductPage, Variant};
use reqwest::{header, StatusCode};
use tempfile::TempDir;

/// What the temporary `dist/index.html` holds.
pub const INDEX_HTML: &str = "<!doctype html><title>shell</title><div id=app></div>";
/// One built asset, content-hashed like the real ones.
pub const ASSET_PATH: &str = "/assets/app-0123456789abcdef.js";
pub const ASSET_BODY: &str = "console.log('remote loaded');";

pub struct TestApp {
    pub base: String,
    /// Keeps cookies, like a browser: one visitor.
    pub client: reqwest::Client,
    /// The `dist/` it serves, for tests that deploy into it.
    pub dist_dir: std::path::PathBuf,
    /// The test's own database, for tests that must arrange what the API cannot (a second
    /// account) or look at what it stored.
    pub database: TestDatabase,
    /// `http://…/metrics`, when the test set `metrics_addr`.
    pub metrics_url: Option<String>,
    _dir: TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(false).await
}

/// With `cookie_secure`, as when the store is served over HTTPS.
pub async fn spawn_app_with(cookie_secure: bool) -> TestApp {
    spawn_app_configured(|config| config.cookie_secure = cookie_secure).await
}

/// With the configuration changed by `configure`.
pub async fn spawn_app_configured(configure: impl FnOnce(&mut Config)) -> TestApp {
    let dir = TempDir::new().expect("a temporary directory");
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(dist.join("assets")).unwrap();
    std::fs::write(dist.join("index.html"), INDEX_HTML).unwrap();
    std::fs::write(dist.join(ASSET_PATH.trim_start_matches('/')), ASSET_BODY).unwrap();
    let database = fresh_database(dir.path()).await;
    let mut config = Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: database.url.clone(),
        dist_dir: dist.clone(),
        cookie_secure: false,
        remote_origins: Vec::new(),
        cors_allow_origin: None,
        trusted_proxies: Vec::new(),
        composer_url: None,
        public_origin: None,
        compress_api: false,
        metrics_addr: None,
        limits: Default::default(),
    };
    configure(&mut config);
    let app = Application::build(config).await.expect("the app starts");
    let base = format!("http://{}", app.local_addr());
    let metrics_url = app.metrics_addr().map(|addr| format!("http://{addr}/metrics"));
    tokio::spawn(app.run_until_stopped());
    TestApp { base, client: visitor(), dist_dir: dist, database, metrics_url, _dir: dir }
}

pub use test_support::TestDatabase;

/// A new, empty database for one test: a SQLite file in `dir`, or a database of its own on the
/// PostgreSQL server of `TEST_POSTGRES_URL`.
pub async fn fresh_database(dir: &std::path::Path) -> TestDatabase {
    TestDatabase::fresh(&dir.join("test.db")).await
}

/// A pool on a test's own database, for what the API cannot arrange or show.
pub async fn open_database(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(url).await.expect("the test database opens")
}

/// A new visitor: a client with a cookie jar of its own.
pub fn visitor() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().unwrap()
}

/// Sends a request and checks the one rule every answer obeys: the server never fails with 5xx.
pub async fn send(request: reqwest::RequestBuilder) -> reqwest::Response {
    let response = request.send().await.expect("the server answers");
    assert!(
        !response.status().is_server_error(),
        "{} {} answered {}",
        response.url().path(),
        response.url().query().unwrap_or_default(),
        response.status()
    );
    response
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        send(self.client.get(self.url(path))).await
    }

    pub async fn get_as(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        send(client.get(self.url(path))).await
    }

    /// `GET /api/products?<query>`, which must succeed.
    pub async fn products(&self, query: &str) -> ProductPage {
        let response = self.get(&format!("/api/products?{query}")).await;
        assert_eq!(response.status(), StatusCode::OK, "?{query}");
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json", "?{query}");
        response.json().await.unwrap()
    }

    /// `POST /api/cart/items` as this app's own visitor.
    pub async fn add(&self, body: serde_json::Value) -> reqwest::Response {
        self.add_as(&self.client, body).await
    }

    pub async fn add_as(&self, client: &reqwest::Client, body: serde_json::Value) -> reqwest::Response {
        send(client.post(self.url("/api/cart/items")).json(&body)).await
    }

    /// A raw `POST /api/cart/items` with the given content type and body.
    pub async fn post_raw(&self, content_type: Option<&str>, body: impl Into<reqwest::Body>) -> reqwest::Response {
        let mut request = self.client.post(self.url("/api/cart/items")).body(body);
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        send(request).await
    }
}

/// Checks an RFC 9457 answer: `status`, `application/problem+json`, a body whose `status`
/// matches and whose `type` is `/problems/...`. Returns the document for further checks.
pub async fn assert_problem(response: reqwest::Response, status: StatusCode, context: &str) -> Problem {
    assert_eq!(response.status(), status, "{context}");
    let content_type = response.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string());
    assert_eq!(content_type.as_deref(), Some("application/problem+json"), "{context}");
    let problem: Problem = response.json().await.unwrap_or_else(|e| panic!("{context}: not a problem document: {e}"));
    assert_eq!(problem.status, status.as_u16(), "{context}");
    assert!(problem.kind.starts_with("/problems/"), "{context}: type {:?}", problem.kind);
    assert!(!problem.title.is_empty(), "{context}");
    problem
}

/// Like `assert_problem`, and the `type` is exactly `/problems/<kind>`.
pub async fn assert_problem_kind(
    response: reqwest::Response,
    status: StatusCode,
    kind: &str,
    context: &str,
) -> Problem {
    let problem = assert_problem(response, status, context).await;
    assert_eq!(problem.kind, format!("/problems/{kind}"), "{context}");
    problem
}

/// A product of `fixtures/catalog.json`, the catalogue every test database is seeded with, as
/// the tests compare it: with the facts the API does not expose (`addedAt`).
#[derive(Debug, Clone)]
pub struct FixtureProduct {
    pub id: u32,
    pub name: String,
    pub description: String,
    pub category: String,
    pub price: i64,
    pub added_at: String,
    pub variants: Vec<Variant>,
    /// `(variant id, stock)` of each variant.
    pub stocks: Vec<(String, u32)>,
}

pub struct Fixture {
    /// `(slug, name)`, in the catalogue's order.
    pub categories: Vec<(String, String)>,
    pub products: Vec<FixtureProduct>,
}

/// The fixture, through the seed's own reader.
pub fn fixture() -> Fixture {
    let catalogue = cart_api::fixture::catalogue().expect("the fixture parses");
    Fixture {
        categories: catalogue.categories.into_iter().map(|c| (c.slug, c.name)).collect(),
        products: catalogue
            .products
            .into_iter()
            .map(|SeedProduct { product: p, added_at }| FixtureProduct {
                stocks: p.variants.iter().map(|v| (v.id.clone(), v.stock)).collect(),
                id: p.id,
                name: p.name,
                description: p.description,
                category: p.category,
                price: p.price.amount,
                added_at,
                variants: p.variants,
            })
            .collect(),
    }
}

/// The server binary of this package as a process, on `port` (0: any) and `database`, with
/// `env` on top: its base URL, and the lines it prints after the address line (its log).
pub fn start_process(
    database: &str,
    port: u16,
    env: &[(&str, &str)],
) -> (std::process::Child, String, std::sync::mpsc::Receiver<String>) {
    test_support::start_server(env!("CARGO_BIN_EXE_cart-api"), database, port, env)
}
