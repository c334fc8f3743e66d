//! The harness of the browser journeys: the real `cart-api` binary serving the real built front
//! end, driven in headless Chromium through ChromeDriver (WebDriver).
//!
//! Run through `cargo xtask test`, which builds everything and sets `CART_API_BIN` and `DIST_DIR`.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long a journey waits for the page to reach an expected state.
pub const PATIENCE: Duration = Duration::from_secs(20);

fn required_env(name: &str) -> PathBuf {
    std::env::var_os(name).map(PathBuf::from).unwrap_or_else(|| {
        panic!("{name} is not set: run the browser journeys through `cargo xtask test`, which builds the store first")
    })
}

/// The built front end the tests serve.
pub fn dist_dir() -> PathBuf {
    required_env("DIST_DIR")
}

/// A copy of the built front end, changed by `edit` (e.g. a remote's bundle removed).
pub fn dist_copy(edit: impl FnOnce(&Path)) -> TempDir {
    let copy = TempDir::new().expect("temp dir");
    copy_dir(&dist_dir(), copy.path()).expect("copy dist");
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
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// The last lines a child process printed, for failure messages.
type Log = Arc<Mutex<VecDeque<String>>>;

fn drain(stream: impl tokio::io::AsyncRead + Unpin + Send + 'static, log: Log, first_line: Option<tokio::sync::oneshot::Sender<String>>) {
    tokio::spawn(async move {
        let mut lines = BufReader::new(stream).lines();
        let mut first_line = first_line;
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(found) = line.strip_prefix("cart-api listening on ") {
                if let Some(tx) = first_line.take() {
                    let _ = tx.send(found.trim().to_string());
                }
            }
            let mut log = log.lock().unwrap();
            log.push_back(line);
            if log.len() > 50 {
                log.pop_front();
            }
        }
    });
}

/// A running store: the release server on a free port with its own database.
pub struct Store {
    base_url: String,
    _server: Child,
    _data: TempDir,
    _dist: Option<TempDir>,
    log: Log,
}

impl Store {
    pub async fn start() -> Store {
        Self::launch(dist_dir(), None).await
    }

    /// Serves `dist` (a changed copy, see [`dist_copy`]) instead of the built front end.
    pub async fn start_with_dist(dist: TempDir) -> Store {
        Self::launch(dist.path().to_path_buf(), Some(dist)).await
    }

    async fn launch(dist: PathBuf, keep: Option<TempDir>) -> Store {
        let data = TempDir::new().expect("temp dir");
        let mut server = Command::new(required_env("CART_API_BIN"))
            .env("ADDR", "127.0.0.1:0")
            .env("DATABASE_URL", format!("sqlite://{}/store.db", data.path().display()))
            .env("DIST_DIR", &dist)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start cart-api");
        let log: Log = Arc::default();
        let (tx, rx) = tokio::sync::oneshot::channel();
        drain(server.stdout.take().expect("stdout"), log.clone(), Some(tx));
        drain(server.stderr.take().expect("stderr"), log.clone(), None);
        let base_url = match tokio::time::timeout(Duration::from_secs(30), rx).await {
            Ok(Ok(url)) => url,
            _ => panic!("cart-api did not start:\n{}", log.lock().unwrap().iter().cloned().collect::<Vec<_>>().join("\n")),
        };
        Store { base_url, _server: server, _data: data, _dist: keep, log }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub fn server_log(&self) -> String {
        self.log.lock().unwrap().iter().cloned().collect::<Vec<_>>().join("\n")
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// Headless Chromium driven through ChromeDriver, pointed at one store.
pub struct Browser {
    client: Client,
    driver: Child,
    base_url: String,
    _profile: TempDir,
}

impl Browser {
    pub async fn open(store: &Store) -> Browser {
        let driver_bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chrome_bin = std::env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = free_port();
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {driver_bin}: {e}"));
        let webdriver = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
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
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&webdriver)
            .await
            .unwrap_or_else(|e| panic!("cannot open a Chromium session through {driver_bin}: {e}"));
        Browser { client, driver, base_url: store.url(""), _profile: profile }
    }

    pub async fn goto(&self, path: &str) {
        self.client.goto(&format!("{}{path}", self.base_url)).await.expect("navigate");
    }

    /// Runs `script` in the page (`return ...` gives a value).
    pub async fn execute(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.unwrap_or(Value::Null)
    }

    /// Runs an asynchronous `script`; it calls `arguments[arguments.length - 1]` with its result.
    pub async fn execute_async(&self, script: &str) -> Value {
        self.client.execute_async(script, vec![]).await.unwrap_or(Value::Null)
    }

    pub async fn path(&self) -> String {
        self.execute("return location.pathname + location.search").await.as_str().unwrap_or_default().to_string()
    }

    /// Polls `probe` (a script returning a value) until `ready` accepts it, or fails with what
    /// the page showed.
    pub async fn until(&self, what: &str, probe: &str, ready: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let value = self.execute(probe).await;
            if ready(&value) {
                return value;
            }
            if tokio::time::Instant::now() > deadline {
                let page = self.execute("return location.href + '\\n' + document.body.innerText.slice(0, 600)").await;
                panic!("timed out waiting for {what} (last value {value}); the page:\n{}", page.as_str().unwrap_or_default());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `css` matches a visible element.
    pub async fn wait_for(&self, css: &str) {
        let probe = format!("const e = document.querySelector({}); return !!e && e.getClientRects().length > 0", json!(css));
        self.until(css, &probe, |v| v == &Value::Bool(true)).await;
    }

    /// Waits until the text of `css` is `expected`.
    pub async fn wait_for_text(&self, css: &str, expected: &str) {
        let probe = format!("const e = document.querySelector({}); return e ? e.textContent.trim() : null", json!(css));
        self.until(&format!("{css} to read {expected:?}"), &probe, |v| v.as_str() == Some(expected)).await;
    }

    /// Waits until exactly `n` elements match `css`.
    pub async fn wait_for_count(&self, css: &str, n: usize) {
        let probe = format!("return document.querySelectorAll({}).length", json!(css));
        self.until(&format!("{n} × {css}"), &probe, |v| v.as_u64() == Some(n as u64)).await;
    }

    pub async fn count(&self, css: &str) -> usize {
        self.execute(&format!("return document.querySelectorAll({}).length", json!(css))).await.as_u64().unwrap_or(0) as usize
    }

    pub async fn text(&self, css: &str) -> String {
        self.wait_for(css).await;
        let probe = format!("return document.querySelector({}).textContent.trim()", json!(css));
        self.execute(&probe).await.as_str().unwrap_or_default().to_string()
    }

    /// Clicks the first visible element matching `css` like a user would (WebDriver click).
    pub async fn click(&self, css: &str) {
        self.wait_for(css).await;
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            // The element may be re-rendered between finding and clicking it.
            let attempt = async { self.client.find(Locator::Css(css)).await?.click().await };
            match attempt.await {
                Ok(()) => return,
                Err(e) if tokio::time::Instant::now() > deadline => panic!("cannot click {css}: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    pub async fn reload(&self) {
        self.client.refresh().await.expect("reload");
    }

    pub async fn back(&self) {
        self.client.back().await.expect("back");
    }

    pub async fn forward(&self) {
        self.client.forward().await.expect("forward");
    }

    /// Ends the session (Chromium exits) and then the driver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill().await;
    }
}

