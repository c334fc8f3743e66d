//! A running store for one journey: the release cart-api on a free port with its own database,
//! serving the built front end or a changed copy, with the composer and the server halves.

use std::path::{Path, PathBuf};

use tempfile::TempDir;
use tokio::process::{Child, Command};

use crate::dist::{built_server, copy_tree, dist_dir};
use crate::process::{spawn_until_ready, Log};
use crate::server_rendering::{self, ServerRendering};
use test_support::TestDatabase;

/// The line `cart-api` prints once it accepts connections, followed by its base URL.
const SERVER_READY: &str = "cart-api listening on ";

/// A running store: the release server on a free port with its own database.
pub struct Store {
    base_url: String,
    server: Option<Child>,
    bin: PathBuf,
    dist_path: PathBuf,
    env: Vec<(String, String)>,
    database: TestDatabase,
    _data: TempDir,
    _dist: Option<TempDir>,
    /// The composer and the server halves, unless `E2E_SERVER_RENDERING=off`.
    rendering: Option<ServerRendering>,
    log: Log,
}

/// How to start a [`Store`]: which server binary, which front end, what more environment.
/// Unset, the server is the release build (`CART_API_BIN`, else `target/release/cart-api`) and
/// the front end the built one (`DIST_DIR`, else `dist/`), with server rendering unless
/// `E2E_SERVER_RENDERING=off`.
#[derive(Default)]
pub struct StoreBuilder {
    server: Option<PathBuf>,
    dist: Option<PathBuf>,
    copy: Option<TempDir>,
    env: Vec<(String, String)>,
}

impl StoreBuilder {
    /// The cart-api binary to run.
    pub fn server(mut self, bin: impl Into<PathBuf>) -> Self {
        self.server = Some(bin.into());
        self
    }

    /// Serves the front end in `dist` (left as it is: with server rendering the store serves a
    /// copy, whose manifest names the server halves).
    pub fn serve(mut self, dist: impl Into<PathBuf>) -> Self {
        self.dist = Some(dist.into());
        self
    }

    /// Serves `copy` (a changed copy, see [`crate::dist_copy`] and [`crate::copy_dist_without`]),
    /// which lives as long as the store.
    pub fn dist(mut self, copy: TempDir) -> Self {
        self.dist = Some(copy.path().to_path_buf());
        self.copy = Some(copy);
        self
    }

    /// One more variable of cart-api's environment (e.g. `REMOTE_ORIGINS`, `CORS_ALLOW_ORIGIN`).
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    pub async fn start(self) -> Store {
        let bin = self.server.unwrap_or_else(built_server);
        let dist = self.dist.unwrap_or_else(dist_dir);
        Store::launch(bin, dist, self.copy, self.env).await
    }
}

impl Store {
    /// The release build serving the built front end.
    pub async fn start() -> Store {
        Self::builder().start().await
    }

    pub fn builder() -> StoreBuilder {
        StoreBuilder::default()
    }

    async fn launch(bin: PathBuf, dist: PathBuf, keep: Option<TempDir>, mut env: Vec<(String, String)>) -> Store {
        let data = TempDir::new().expect("temp dir");
        let database = TestDatabase::fresh(&data.path().join("store.db")).await;
        let (dist, keep, mut rendering) = if server_rendering::enabled() {
            // The server halves' addresses go into the manifest: never into the shared build.
            let keep = keep.unwrap_or_else(|| copy_tree(&dist, |_| ()));
            let rendering = ServerRendering::start_composer(&bin).await;
            env.push(("COMPOSER_URL".into(), rendering.composer_url.clone()));
            (keep.path().to_path_buf(), Some(keep), Some(rendering))
        } else {
            (dist, keep, None)
        };
        let (server, base_url, log) = Self::spawn_server(&bin, &dist, &database.url, "127.0.0.1:0", &env).await;
        if let Some(rendering) = &mut rendering {
            rendering.start_halves(&base_url, &dist).await;
        }
        Store {
            base_url,
            server: Some(server),
            bin,
            dist_path: dist,
            env,
            database,
            _data: data,
            _dist: keep,
            log,
            rendering,
        }
    }

    async fn spawn_server(
        bin: &Path,
        dist: &Path,
        database: &str,
        addr: &str,
        env: &[(String, String)],
    ) -> (Child, String, Log) {
        let mut command = Command::new(bin);
        command
            .env("ADDR", addr)
            .env("DATABASE_URL", database)
            .env("DIST_DIR", dist)
            .envs(env.iter().map(|(k, v)| (k, v)));
        let what = format!("cart-api ({})", bin.display());
        let (server, base_url, log) =
            spawn_until_ready(command, &what, SERVER_READY).await.unwrap_or_else(|e| panic!("{e}"));
        let base_url = base_url.trim_end_matches('/').to_string();
        assert!(base_url.starts_with("http://"), "cart-api printed an unexpected address: {base_url:?}");
        (server, base_url, log)
    }

    /// Stops the server (the API and the files both go away), as an outage would.
    pub async fn stop(&mut self) {
        if let Some(mut server) = self.server.take() {
            let _ = server.kill().await;
        }
    }

    /// Starts the server again on the same address and database, after [`Store::stop`].
    pub async fn restart(&mut self) {
        let addr = self.base_url.trim_start_matches("http://").to_string();
        let (server, _, log) =
            Self::spawn_server(&self.bin, &self.dist_path, &self.database.url, &addr, &self.env).await;
        self.server = Some(server);
        self.log = log;
    }

    /// The front end this store serves, to change it while the store runs.
    pub fn dist_path(&self) -> &Path {
        &self.dist_path
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The absolute URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Whether `needle` is anywhere in the store's database (see [`TestDatabase::holds`]).
    pub async fn database_holds(&self, needle: &str) -> bool {
        self.database.holds(needle).await
    }

    /// Everything the server has printed so far (its request log included).
    pub fn server_log(&self) -> String {
        self.log.all()
    }

    /// Whether the store renders pages on the server (see [`server_rendering`]).
    pub fn renders_on_the_server(&self) -> bool {
        self.rendering.is_some()
    }

    /// Deploys `remote`'s server half anew (a new process, the manifest pointed at it, the old
    /// process stopped), while everything else keeps running.
    pub async fn redeploy_server_half(&mut self, remote: &str) {
        let (api, dist) = (self.base_url.clone(), self.dist_path.clone());
        if let Some(rendering) = &mut self.rendering {
            rendering.redeploy_half(remote, &api, &dist).await;
        }
    }

    /// Stops `remote`'s server half: its slot is then left to the browser.
    pub async fn stop_server_half(&mut self, remote: &str) {
        if let Some(rendering) = &mut self.rendering {
            rendering.stop_half(remote).await;
        }
    }
}
