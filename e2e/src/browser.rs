//! Headless Chromium for one journey, through WebDriver: pages, clicks, waits with patience,
//! and the page's own state read by script.

use std::path::Path;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use tempfile::TempDir;
use tokio::process::Child;

use crate::driver::{delete_session, start_driver};
use crate::process::Log;
use crate::{Store, PATIENCE};

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
