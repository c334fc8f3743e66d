//! The harness itself, against a hand-written front end: it needs `CART_API_BIN` (the release
//! server) and ChromeDriver with Chromium, but not the built store (`DIST_DIR` is not read).

use std::path::Path;
use std::time::Duration;

use e2e::{copy_without_remote, Browser, Store};
use serde_json::json;
use tempfile::TempDir;

/// A front end without scripts (the server's CSP allows no inline ones): a page and two
/// "remotes", each a directory with one file.
fn tiny_dist() -> TempDir {
    let dist = TempDir::new().expect("temp dir");
    std::fs::write(
        dist.path().join("index.html"),
        r#"<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>harness</title></head>
  <body>
    <header data-testid="shell-header"><a href="/cart">Cart</a> <span data-testid="cart-badge">0</span></header>
    <main><p data-testid="probe">Hello from the harness</p><p hidden data-testid="hidden">not shown</p></main>
  </body>
</html>
"#,
    )
    .expect("index.html");
    for remote in ["catalog", "product-details"] {
        let dir = dist.path().join("remotes").join(remote);
        std::fs::create_dir_all(&dir).expect("remote dir");
        std::fs::write(dir.join(format!("{remote}.js")), format!("// {remote}\n")).expect("remote file");
    }
    dist
}

async fn fetch_status(browser: &Browser, path: &str) -> serde_json::Value {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         fetch({}).then(r => r.text().then(body => done({{ status: r.status, body }}))).catch(e => done({{ error: String(e) }}));",
        json!(path)
    );
    browser.execute_async(&script).await
}

/// Server and browser start, the page renders, its text is read back, the SPA fallback serves
/// the shell for app routes and `/api/health` answers a `fetch` from the page.
#[tokio::test]
async fn serves_a_page_and_the_api_to_the_browser() {
    let store = Store::builder().dist(tiny_dist()).start().await;
    assert!(store.base_url().starts_with("http://127.0.0.1:"), "{}", store.base_url());
    let browser = Browser::open(&store).await;

    browser.goto("/").await;
    browser.wait_for("[data-testid=probe]").await;
    browser.wait_for_text("[data-testid=probe]", "Hello from the harness").await;
    assert_eq!(browser.text("[data-testid=cart-badge]").await, "0");
    assert_eq!(browser.count("[data-testid=probe]").await, 1);
    assert_eq!(browser.execute("return document.title").await, "harness");
    assert_eq!(browser.path().await, "/");

    let health = fetch_status(&browser, "/api/health").await;
    assert_eq!(health["status"], 200, "{health}");
    let body: serde_json::Value = serde_json::from_str(health["body"].as_str().unwrap_or_default()).expect("JSON body");
    assert_eq!(body, json!({ "status": "ok" }));

    // A link click, history and reload.
    browser.click("header a[href='/cart']").await;
    browser.until("the /cart URL", "return location.pathname", |v| v == "/cart").await;
    browser.wait_for("[data-testid=probe]").await;
    browser.back().await;
    browser.until("back on /", "return location.pathname", |v| v == "/").await;
    browser.forward().await;
    browser.until("forward to /cart", "return location.pathname", |v| v == "/cart").await;
    browser.reload().await;
    browser.wait_for_text("[data-testid=probe]", "Hello from the harness").await;

    // The server saw the requests; its log is readable for assertions.
    assert!(store.server_log().contains("handled"), "{}", store.server_log());
    browser.close().await;
}

/// A copy without one remote serves the other remotes' files and 404 for the missing one.
#[tokio::test]
async fn a_dist_copy_without_a_remote_misses_only_that_remote() {
    let original = tiny_dist();
    let copy = copy_without_remote(original.path(), "product-details");
    assert!(original.path().join("remotes/product-details/product-details.js").exists(), "the original is untouched");
    assert!(!copy.path().join("remotes/product-details").exists());
    assert!(copy.path().join("remotes/catalog/catalog.js").exists());

    let store = Store::builder().dist(copy).start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/").await;
    browser.wait_for("[data-testid=probe]").await;
    let present = fetch_status(&browser, "/remotes/catalog/catalog.js").await;
    assert_eq!(present["status"], 200, "{present}");
    let missing = fetch_status(&browser, "/remotes/product-details/product-details.js").await;
    assert_eq!(missing["status"], 404, "{missing}");
    browser.close().await;
}

/// A wait that cannot succeed fails with the element it waited for, the URL and the page's text.
#[tokio::test]
async fn a_timed_out_wait_says_what_the_page_showed() {
    let store = Store::builder().dist(tiny_dist()).start().await;
    let mut browser = Browser::open(&store).await;
    browser.set_patience(Duration::from_secs(1));
    browser.goto("/products/7").await;
    let url = store.url("/products/7");
    // The browser moves into the task and is dropped there while the panic unwinds.
    let failed = tokio::spawn(async move {
        browser.wait_for("[data-testid=hidden]").await;
    })
    .await
    .expect_err("waiting for a hidden element must time out");
    let message = failed.into_panic();
    let message = message.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("timed out after 1s waiting for [data-testid=hidden]"), "{message}");
    assert!(message.contains(&url), "the message names the URL: {message}");
    assert!(message.contains("Hello from the harness"), "the message shows the page's text: {message}");
}

/// Dropping a browser without `close()` (as a panicking test does) ends Chromium and ChromeDriver.
#[tokio::test]
async fn a_dropped_browser_leaves_no_process_behind() {
    let store = Store::builder().dist(tiny_dist()).start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/").await;
    browser.wait_for("[data-testid=probe]").await;
    let profile = browser.profile_dir().to_string_lossy().into_owned();
    assert!(!processes_mentioning(&profile).is_empty(), "Chromium runs with the profile {profile}");
    drop(browser);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let left = processes_mentioning(&profile);
        if left.is_empty() {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "still running after the drop: {left:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The live processes (not zombies) whose command line contains `needle`.
fn processes_mentioning(needle: &str) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc") {
        let Ok(entry) = entry else { continue };
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        let dir = entry.path();
        let running = std::fs::read_to_string(dir.join("stat"))
            .ok()
            .and_then(|stat| stat.rsplit_once(')').map(|(_, rest)| !rest.trim_start().starts_with('Z')))
            .unwrap_or(false);
        if running && cmdline(&dir).contains(needle) {
            found.push(pid);
        }
    }
    found
}

fn cmdline(dir: &Path) -> String {
    std::fs::read(dir.join("cmdline")).map(|raw| String::from_utf8_lossy(&raw).replace('\0', " ")).unwrap_or_default()
}
