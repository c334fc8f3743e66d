//! A running store for one journey: the release cart-api on a free port with its own database,
//! serving the built front end or a changed copy, with the composer and the server halves.

use std::path::{Path, PathBuf};

use tempfile::TempDir;
use tokio::process::{Child, Command};

use crate::dist::{copy_tree, dist_dir, required_env};
use crate::process::{spawn_until_ready, Log};
use crate::server_rendering::{self, ServerRendering};
use test_support::TestDatabase;

/// The line `cart-api` prints once it accepts connections, followed by its base URL.
const SERVER_READY: &str = "cart-api listening on ";

/// A running store: the release server on a free port with its own database.
pub struct Store {
    base_url: String,
    server: Option<Child>,
    dist_path: PathBuf,
    env: Vec<(String, String)>,
    database: TestDatabase,
    _data: TempDir,
    _dist: Option<TempDir>,
    /// The composer and the server halves, unless `E2E_SERVER_RENDERING=off`.
    rendering: Option<ServerRendering>,
    log: Log,
}

impl Store {
    /// Serves the built front end (`DIST_DIR`).
    pub async fn start() -> Store {
        Self::launch(dist_dir(), None).await
    }

    /// Serves `dist` (a changed copy, see [`crate::dist_copy`] and [`crate::copy_dist_without`]) instead of the
    /// built front end. The copy lives as long as the store.
    pub async fn start_with_dist(dist: TempDir) -> Store {
        Self::launch(dist.path().to_path_buf(), Some(dist)).await
    }

    /// Like [`Store::start_with_dist`], with more environment for cart-api (e.g.
    /// `REMOTE_ORIGINS`, `CORS_ALLOW_ORIGIN`).
    pub async fn start_with_env(dist: TempDir, env: &[(&str, &str)]) -> Store {
        let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let dist_path = dist.path().to_path_buf();
        Self::launch_with(dist_path, Some(dist), env).await
    }

    async fn launch(dist: PathBuf, keep: Option<TempDir>) -> Store {
        Self::launch_with(dist, keep, Vec::new()).await
    }

    async fn launch_with(dist: PathBuf, keep: Option<TempDir>, mut env: Vec<(String, String)>) -> Store {
        let data = TempDir::new().expect("temp dir");
        let database = TestDatabase::fresh(&data.path().join("store.db")).await;
        let (dist, keep, mut rendering) = if server_rendering::enabled() {
            // The server halves' addresses go into the manifest: never into the shared build.
            let keep = keep.unwrap_or_else(|| copy_tree(&dist, |_| ()));
            let rendering = ServerRendering::start_composer(&required_env("CART_API_BIN")).await;
            env.push(("COMPOSER_URL".into(), rendering.composer_url.clone()));
            (keep.path().to_path_buf(), Some(keep), Some(rendering))
        } else {
            (dist, keep, None)
        };
        let (server, base_url, log) = Self::spawn_server(&dist, &database.url, "127.0.0.1:0", &env).await;
        if let Some(rendering) = &mut rendering {
            rendering.start_halves(&base_url, &dist).await;
        }
        Store {
            base_url,
            server: Some(server),
            dist_path: dist,
            env,
            database,
            _data: data,
            _dist: keep,
            log,
            rendering,
        }
    }

    async fn spawn_server(dist: &Path, database: &str, addr: &str, env: &[(String, String)]) -> (Child, String, Log) {
        let bin = required_env("CART_API_BIN");
        let mut command = Command::new(&bin);
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
        let (server, _, log) = Self::spawn_server(&self.dist_path, &self.database.url, &addr, &self.env).await;
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
