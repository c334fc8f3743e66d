//! The harness of the browser journeys: the real `cart-api` binary serving the real built front
//! end, driven in headless Chromium through ChromeDriver (WebDriver).
//!
//! Run through `cargo xtask test`, which builds everything and sets `CART_API_BIN` and `DIST_DIR`.
//! Every [`Store`] and [`Browser`] has its own port, database and profile, so tests may run in
//! parallel; both clean up their processes when dropped, also when a test panics.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::oneshot;

pub mod database;
pub mod server_rendering;
use database::TestDatabase;
use server_rendering::ServerRendering;

/// How long a journey waits for the page to reach an expected state.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// How long the server and the driver get to report that they are listening.
const STARTUP: Duration = Duration::from_secs(30);

/// The line `cart-api` prints once it accepts connections, followed by its base URL.
const SERVER_READY: &str = "cart-api listening on ";

/// The line ChromeDriver prints once it accepts connections.
const DRIVER_READY: &str = "ChromeDriver was started successfully";

fn required_env(name: &str) -> PathBuf {
    let value = std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from).unwrap_or_else(|| {
        panic!("{name} is not set: run the browser journeys through `cargo xtask test`, which builds the store first and sets CART_API_BIN and DIST_DIR")
    });
    assert!(
        value.exists(),
        "{name}={} does not exist: run the browser journeys through `cargo xtask test`, which builds it first",
        value.display()
    );
    value
}

/// The built front end the tests serve (`DIST_DIR`).
pub fn dist_dir() -> PathBuf {
    required_env("DIST_DIR")
}

/// A copy of the built front end, changed by `edit` (e.g. a remote's bundle removed).
pub fn dist_copy(edit: impl FnOnce(&Path)) -> TempDir {
    copy_tree(&dist_dir(), edit)
}

/// A copy of the built front end without `remotes/<remote>/`: the store then serves a manifest
/// entry whose bundle is missing.
pub fn copy_dist_without(remote: &str) -> TempDir {
    copy_without_remote(&dist_dir(), remote)
}

/// A copy of the front end in `dist` without `remotes/<remote>/` (which must exist there).
pub fn copy_without_remote(dist: &Path, remote: &str) -> TempDir {
    copy_tree(dist, |copy| {
        let bundle = copy.join("remotes").join(remote);
        std::fs::remove_dir_all(&bundle)
            .unwrap_or_else(|e| panic!("cannot remove {} from the copy of {}: {e}", bundle.display(), dist.display()));
    })
}

/// A copy of the directory `from` in a new temporary directory, changed by `edit`.
pub fn copy_tree(from: &Path, edit: impl FnOnce(&Path)) -> TempDir {
    let copy = TempDir::new().expect("temp dir");
    copy_dir(from, copy.path())
        .unwrap_or_else(|e| panic!("cannot copy {} to {}: {e}", from.display(), copy.path().display()));
    edit(copy.path());
    copy
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            // Follows symbolic links: the copy must not change the original.
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// What a child process printed (stdout and stderr interleaved), kept while it runs.
#[derive(Clone, Default)]
pub(crate) struct Log(Arc<Mutex<VecDeque<String>>>);

impl Log {
    /// Enough for any journey: every request the server handles is one line.
    const KEEP: usize = 20_000;

    fn push(&self, line: String) {
        let mut lines = self.0.lock().unwrap_or_else(|e| e.into_inner());
        lines.push_back(line);
        if lines.len() > Self::KEEP {
            lines.pop_front();
        }
    }

    pub(crate) fn all(&self) -> String {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).iter().cloned().collect::<Vec<_>>().join("\n")
    }

    /// The last `n` lines, for failure messages.
    fn tail(&self, n: usize) -> String {
        let lines = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let skip = lines.len().saturating_sub(n);
        lines.iter().skip(skip).cloned().collect::<Vec<_>>().join("\n")
    }
}

/// Reads `stream` line by line into `log` until it closes, so the child never blocks on a full
/// pipe. The first line containing `marker.0` sends what follows the marker through `marker.1`.
fn drain(
    stream: impl tokio::io::AsyncRead + Unpin + Send + 'static,
    log: Log,
    marker: Option<(&'static str, oneshot::Sender<String>)>,
) {
    tokio::spawn(async move {
        let mut lines = BufReader::new(stream).lines();
        let mut marker = marker;
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some((pattern, _)) = &marker {
                if let Some(at) = line.find(pattern) {
                    let rest = line[at + pattern.len()..].trim().to_string();
                    if let Some((_, tx)) = marker.take() {
                        let _ = tx.send(rest);
                    }
                }
            }
            log.push(line);
        }
    });
}

/// Starts `command` with piped output drained into a [`Log`] and waits (up to [`STARTUP`]) for
/// the line containing `ready`. `Err` carries why it did not come, with the process's output.
async fn spawn_until_ready(
    mut command: Command,
    what: &str,
    ready: &'static str,
) -> Result<(Child, String, Log), String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start {what}: {e}"))?;
    let log = Log::default();
    let (out_tx, out_rx) = oneshot::channel();
    let (err_tx, err_rx) = oneshot::channel();
    drain(child.stdout.take().expect("piped stdout"), log.clone(), Some((ready, out_tx)));
    drain(child.stderr.take().expect("piped stderr"), log.clone(), Some((ready, err_tx)));
    // Whichever stream carries the line; a stream that closes without it does not count.
    let either = async {
        tokio::select! {
            Ok(rest) = out_rx => Some(rest),
            Ok(rest) = err_rx => Some(rest),
            else => None,
        }
    };
    match tokio::time::timeout(STARTUP, either).await {
        Ok(Some(rest)) => Ok((child, rest, log)),
        Ok(None) => {
            // Both streams closed: the process is exiting. Give it a moment to say why.
            let status = tokio::time::timeout(Duration::from_secs(2), child.wait()).await;
            tokio::time::sleep(Duration::from_millis(100)).await;
            let status = match status {
                Ok(Ok(status)) => status.to_string(),
                _ => "no exit status yet".into(),
            };
            Err(format!("{what} stopped before it was ready ({status}); its output:\n{}", log.tail(60)))
        }
        Err(_) => Err(format!("{what} was not ready within {STARTUP:?}; its output:\n{}", log.tail(60))),
    }
}

/// Changing a deployment the way a release would: the manifest of a `dist/` copy and the
/// integrity hashes it carries.
pub mod manifest {
    use std::path::Path;

    use base64::Engine;
    use serde_json::Value;
    use sha2::{Digest, Sha384};

    /// The Subresource Integrity value of `bytes`.
    pub fn sri(bytes: &[u8]) -> String {
        format!("sha384-{}", base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes)))
    }

    pub fn read(dist: &Path) -> Value {
        serde_json::from_slice(&std::fs::read(dist.join("remotes.json")).expect("manifest")).expect("json")
    }

    /// Writes the manifest and drops its precompressed copies, which would otherwise be served.
    pub fn write(dist: &Path, manifest: &Value) {
        std::fs::write(dist.join("remotes.json"), serde_json::to_vec_pretty(manifest).expect("json")).expect("write");
        for stale in ["remotes.json.br", "remotes.json.gz"] {
            let _ = std::fs::remove_file(dist.join(stale));
        }
    }

    /// The entry of remote `name`.
    pub fn entry<'a>(manifest: &'a mut Value, name: &str) -> &'a mut Value {
        manifest["remotes"].as_array_mut().expect("remotes").iter_mut().find(|e| e["name"] == name).expect("entry")
    }

    /// Reads the manifest of `dist`, lets `change` edit the entry of `name`, writes it back.
    pub fn edit(dist: &Path, name: &str, change: impl FnOnce(&mut Value)) {
        let mut manifest = read(dist);
        change(entry(&mut manifest, name));
        write(dist, &manifest);
    }
}

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

    /// Serves `dist` (a changed copy, see [`dist_copy`] and [`copy_dist_without`]) instead of the
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

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// Headless Chromium driven through ChromeDriver, pointed at one store.
pub struct Browser {
    client: Client,
    driver: Child,
    driver_port: u16,
    session_id: Option<String>,
    closed: bool,
    base_url: String,
    patience: Duration,
    driver_log: Log,
    profile: TempDir,
    /// Whether pages may run their scripts ([`Browser::open_without_javascript`] says no).
    javascript: bool,
}

impl Browser {
    /// Starts ChromeDriver (`CHROMEDRIVER`, default `/usr/bin/chromedriver`) on a free port and
    /// opens a session in a fresh headless Chromium (`CHROME_BIN`, default `/usr/bin/chromium`).
    pub async fn open(store: &Store) -> Browser {
        Self::open_at(&store.url("")).await
    }

    /// Like [`Browser::open`], as a phone shows the store: a `width` × `height` CSS-pixel
    /// screen, touch and a mobile user agent (ChromeDriver's mobile emulation).
    pub async fn open_phone(store: &Store, width: u32, height: u32) -> Browser {
        let metrics = json!({ "deviceMetrics": { "width": width, "height": height, "pixelRatio": 2.0, "mobile": true, "touch": true } });
        Self::open_with(&store.url(""), Some(metrics), true).await
    }

    /// Like [`Browser::open`], with JavaScript switched off for every page (Chromium's content
    /// setting): what a visitor without scripts, or a crawler, gets. WebDriver still reads the
    /// page; the page's own scripts, and so the wasm, never run.
    pub async fn open_without_javascript(store: &Store) -> Browser {
        Self::open_with(&store.url(""), None, false).await
    }

    /// Like [`Browser::open`], for a server this crate did not start (`base_url` without a
    /// trailing slash, e.g. `http://127.0.0.1:8080`).
    pub async fn open_at(base_url: &str) -> Browser {
        Self::open_with(base_url, None, true).await
    }

    async fn open_with(base_url: &str, mobile_emulation: Option<Value>, javascript: bool) -> Browser {
        let driver_bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chrome_bin = std::env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let (driver, driver_port, driver_log) = start_driver(&driver_bin).await;
        let profile = TempDir::new().expect("temp dir");
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chrome_bin,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        if let (Some(emulation), Some(options)) = (mobile_emulation, capabilities.get_mut("goog:chromeOptions")) {
            options["mobileEmulation"] = emulation;
        }
        if let (false, Some(options)) = (javascript, capabilities.get_mut("goog:chromeOptions")) {
            options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{driver_port}"))
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "cannot open a session in {chrome_bin} through {driver_bin}: {e}\nChromeDriver's output:\n{}",
                    driver_log.tail(40)
                )
            });
        let session_id = client.session_id().await.ok().flatten();
        Browser {
            client,
            driver,
            driver_port,
            session_id,
            closed: false,
            base_url: base_url.trim_end_matches('/').to_string(),
            patience: PATIENCE,
            driver_log,
            profile,
            javascript,
        }
    }

    /// How long the `wait_for*`, `until` and `click` helpers wait ([`PATIENCE`] unless changed).
    pub fn set_patience(&mut self, patience: Duration) {
        self.patience = patience;
    }

    /// This browser's profile directory (its `--user-data-dir`).
    pub fn profile_dir(&self) -> &Path {
        self.profile.path()
    }

    /// The underlying WebDriver client, for what the helpers do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens `path` (which starts with `/`) on the store and waits for the page to load.
    /// Like a visitor who waits for the page to be the browser's: until every server-rendered
    /// slot has been taken over by its remote (or shows its fallback), at most [`PATIENCE`]. A
    /// journey that acts on a server-rendered page before that would talk to no one yet.
    pub async fn goto(&self, path: &str) {
        let url = format!("{}{path}", self.base_url);
        self.client.goto(&url).await.unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
        self.settle().await;
    }

    async fn settle(&self) {
        if !self.javascript {
            return; // Nothing will take the page over.
        }
        const SETTLED: &str = "return !document.querySelector('[data-server-rendered]') \
            || !!document.querySelector('[data-testid=remote-fallback]')";
        let deadline = tokio::time::Instant::now() + self.patience;
        while tokio::time::Instant::now() < deadline {
            if self.try_execute(SETTLED).await.ok().and_then(|v| v.as_bool()) == Some(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn try_execute(&self, script: &str) -> Result<Value, fantoccini::error::CmdError> {
        self.client.execute(script, vec![]).await
    }

    /// Runs `script` in the page (`return ...` gives a value). A script that throws, or a page
    /// that is navigating away, gives `null` (the error is printed with the test's output).
    pub async fn execute(&self, script: &str) -> Value {
        self.try_execute(script).await.unwrap_or_else(|e| {
            eprintln!("[e2e] script failed: {e}\n  script: {}", script.trim());
            Value::Null
        })
    }

    /// Runs an asynchronous `script`; it calls `arguments[arguments.length - 1]` with its result.
    /// Errors give `null`, as for [`Browser::execute`].
    pub async fn execute_async(&self, script: &str) -> Value {
        self.client.execute_async(script, vec![]).await.unwrap_or_else(|e| {
            eprintln!("[e2e] async script failed: {e}\n  script: {}", script.trim());
            Value::Null
        })
    }

    /// The current URL's path and query, e.g. `/products/3` or `/?page=2`.
    pub async fn path(&self) -> String {
        self.execute("return location.pathname + location.search").await.as_str().unwrap_or_default().to_string()
    }

    /// What the page shows, for failure messages: its URL and the start of its text.
    pub async fn describe_page(&self) -> String {
        let probe =
            "return location.href + '\\n' + (document.body ? document.body.innerText.slice(0, 600) : '(no body)')";
        match self.try_execute(probe).await {
            Ok(Value::String(page)) => page,
            Ok(other) => other.to_string(),
            Err(e) => match self.client.current_url().await {
                Ok(url) => format!("{url}\n(cannot read the page: {e})"),
                Err(_) => format!("(cannot read the page: {e})"),
            },
        }
    }

    /// Polls `probe` (a script returning a value) until `ready` accepts it, or fails with what
    /// the page showed.
    pub async fn until(&self, what: &str, probe: &str, ready: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + self.patience;
        loop {
            // Errors (e.g. while a navigation replaces the document) just mean "not yet".
            let value = self.try_execute(probe).await.unwrap_or(Value::Null);
            if ready(&value) {
                return value;
            }
            if tokio::time::Instant::now() > deadline {
                panic!(
                    "timed out after {:?} waiting for {what} (last value {value}); the page:\n{}",
                    self.patience,
                    self.describe_page().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `css` matches a visible element.
    pub async fn wait_for(&self, css: &str) {
        let probe =
            format!("const e = document.querySelector({}); return !!e && e.getClientRects().length > 0", json!(css));
        self.until(css, &probe, |v| v == &Value::Bool(true)).await;
    }

    /// Waits until the (trimmed) text of the first element matching `css` is `expected`.
    pub async fn wait_for_text(&self, css: &str, expected: &str) {
        let probe = format!("const e = document.querySelector({}); return e ? e.textContent.trim() : null", json!(css));
        self.until(&format!("{css} to read {expected:?}"), &probe, |v| v.as_str() == Some(expected)).await;
    }

    /// Waits until exactly `n` elements match `css`.
    pub async fn wait_for_count(&self, css: &str, n: usize) {
        let probe = format!("return document.querySelectorAll({}).length", json!(css));
        self.until(&format!("{n} × {css}"), &probe, |v| v.as_u64() == Some(n as u64)).await;
    }

    /// How many elements match `css` now.
    pub async fn count(&self, css: &str) -> usize {
        self.execute(&format!("return document.querySelectorAll({}).length", json!(css))).await.as_u64().unwrap_or(0)
            as usize
    }

    /// The (trimmed) text of the first element matching `css`, once it is visible.
    pub async fn text(&self, css: &str) -> String {
        self.wait_for(css).await;
        let probe = format!("const e = document.querySelector({}); return e ? e.textContent.trim() : null", json!(css));
        self.execute(&probe).await.as_str().unwrap_or_default().to_string()
    }

    /// Clicks the first element matching `css` like a user would (WebDriver click), once visible.
    pub async fn click(&self, css: &str) {
        self.wait_for(css).await;
        let deadline = tokio::time::Instant::now() + self.patience;
        loop {
            // Centred first, so fixed panels at the edges (the event inspector) do not cover it.
            let centre = format!(
                "const e = document.querySelector({}); if (e) e.scrollIntoView({{ block: 'center' }}); return 1",
                json!(css)
            );
            let _ = self.client.execute(&centre, vec![]).await;
            // The element may be re-rendered between finding and clicking it.
            let attempt = async { self.client.find(Locator::Css(css)).await?.click().await };
            match attempt.await {
                Ok(()) => return,
                Err(e) if tokio::time::Instant::now() > deadline => {
                    panic!("cannot click {css}: {e}; the page:\n{}", self.describe_page().await)
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Types `value` into the first input matching `css`, as a user would (its old value cleared).
    pub async fn fill(&self, css: &str, value: &str) {
        self.wait_for(css).await;
        let element = self.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("cannot find {css}: {e}"));
        element.clear().await.unwrap_or_else(|e| panic!("cannot clear {css}: {e}"));
        element.send_keys(value).await.unwrap_or_else(|e| panic!("cannot type into {css}: {e}"));
    }

    /// Chooses `value` in the first `<select>` matching `css` and lets the page know.
    pub async fn select(&self, css: &str, value: &str) {
        self.wait_for(css).await;
        let script = format!(
            "const s = document.querySelector({}); s.value = {}; s.dispatchEvent(new Event('change', {{ bubbles: true }})); return s.value",
            json!(css),
            json!(value)
        );
        assert_eq!(self.execute(&script).await, json!(value), "{css} has no option {value}");
    }

    pub async fn reload(&self) {
        self.client.refresh().await.expect("reload");
        self.settle().await;
    }

    pub async fn back(&self) {
        self.client.back().await.expect("back");
    }

    pub async fn forward(&self) {
        self.client.forward().await.expect("forward");
    }

    /// Ends the session (Chromium exits) and then the driver. Dropping a `Browser` does the same,
    /// blocking the thread for a moment.
    pub async fn close(mut self) {
        if self.client.clone().close().await.is_ok() {
            self.closed = true;
        }
        let _ = self.driver.kill().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // ChromeDriver quits Chromium when the session is deleted. Killing the driver alone would
        // leave Chromium running, and fantoccini's own shutdown request needs the runtime, which
        // is not running while this drops (e.g. when a test panics).
        if !self.closed {
            if let Some(session) = &self.session_id {
                if let Err(e) = delete_session(self.driver_port, session) {
                    eprintln!(
                        "[e2e] could not end the WebDriver session, Chromium may still run: {e}\nChromeDriver's output:\n{}",
                        self.driver_log.tail(20)
                    );
                }
            }
        }
        let _ = self.driver.start_kill();
    }
}

/// `DELETE /session/{id}` by hand, blocking: usable where no async runtime can run.
fn delete_session(port: u16, session: &str) -> std::io::Result<()> {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    stream.set_read_timeout(Some(Duration::from_secs(15)))?;
    write!(
        stream,
        "DELETE /session/{session} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    // The response comes once Chromium has quit; its content does not matter.
    let mut response = [0u8; 512];
    let n = stream.read(&mut response)?;
    if n == 0 {
        return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no response"));
    }
    Ok(())
}

/// Starts ChromeDriver on a free port. Another process may take the port between choosing it and
/// ChromeDriver binding it; then ChromeDriver exits and another port is tried.
async fn start_driver(driver_bin: &str) -> (Child, u16, Log) {
    let mut failures = Vec::new();
    for _ in 0..3 {
        let port = free_port();
        let mut command = Command::new(driver_bin);
        command.arg(format!("--port={port}"));
        match spawn_until_ready(command, &format!("{driver_bin} --port={port}"), DRIVER_READY).await {
            Ok((driver, _, log)) => {
                // Ready means listening; the connect makes sure before fantoccini tries.
                let deadline = tokio::time::Instant::now() + STARTUP;
                while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
                    assert!(
                        tokio::time::Instant::now() < deadline,
                        "{driver_bin} said it started but does not accept connections on port {port}:\n{}",
                        log.tail(20)
                    );
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                return (driver, port, log);
            }
            Err(e) => failures.push(e),
        }
    }
    panic!("cannot start ChromeDriver (set CHROMEDRIVER to use another one):\n{}", failures.join("\n\n"));
}
