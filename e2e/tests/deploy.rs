//! Independent deployment as a visitor experiences it: a redeployed remote is live on the next
//! page load and never mixed with the old one, a broken release falls back to the last good one,
//! a canary reaches its sessions, a release of another `contracts` major is refused, and no
//! remote's stylesheet can restyle the shell or another remote.

use std::path::Path;

use e2e::manifest::{entry, read as read_manifest, sri, write as write_manifest, Canary, Release};
use e2e::{dist_copy, Browser, Store};

const PRODUCT_LINK: &str = "[data-testid=product-card] a[href^='/products/']";
const ADD: &str = "[data-testid=add-to-cart]";
const FALLBACK: &str = "[data-testid=remote-fallback]";
const PD_SLOT: &str = "main [data-remote=product-details]";

/// Publishes a copy of `release` under new file names with another version, as `cargo xtask
/// build --remote` would for a new build; returns the new release.
fn republish(dist: &Path, release: &Release, version: &str) -> Release {
    let copy = |url: &str| {
        let bytes = std::fs::read(dist.join(url.trim_start_matches('/'))).expect("release file");
        let new_url = url
            .replace(".js", &format!("-{version}.js"))
            .replace("_bg.wasm", &format!("-{version}_bg.wasm"))
            .replace(".css", &format!("-{version}.css"));
        std::fs::write(dist.join(new_url.trim_start_matches('/')), &bytes).expect("copy");
        new_url
    };
    Release {
        version: version.into(),
        js: copy(&release.js),
        wasm: copy(&release.wasm),
        css: release.css.as_deref().map(copy),
        ..release.clone()
    }
}

/// Where the page got product-details' JS glue and wasm from, by resource timing.
async fn loaded_files(browser: &Browser) -> Vec<String> {
    let names = browser
        .execute("return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname).filter(p => p.startsWith('/remotes/product-details/'))")
        .await;
    names.as_array().map(|a| a.iter().filter_map(|n| n.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

/// A page keeps the release its manifest named (glue and wasm together); the next page load runs
/// the newly deployed release.
#[tokio::test]
async fn a_redeployed_remote_is_live_on_the_next_load_and_never_mixed() {
    let store = Store::builder().dist(dist_copy(|_| {})).start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/").await;
    browser.wait_for(PRODUCT_LINK).await;

    // Deploy product-details 9.9.9 while the page is open.
    let dist = store.dist_path();
    let mut manifest = read_manifest(dist);
    let target = entry(&mut manifest, "product-details");
    let old = target.release.clone();
    target.release = republish(dist, &old, "9.9.9");
    target.fallback = Some(old.clone());
    write_manifest(dist, &manifest);

    // The open page goes on with the release its manifest named: old glue with old wasm.
    browser.click(PRODUCT_LINK).await;
    browser.wait_for(ADD).await;
    assert_eq!(
        browser.execute(&format!("return document.querySelector('{PD_SLOT}').dataset.version")).await,
        old.version
    );
    let files = loaded_files(&browser).await;
    assert!(files.iter().all(|f| !f.contains("9.9.9")), "an old page loaded new files: {files:?}");

    // The next load runs the new release, glue and wasm both.
    browser.reload().await;
    browser.wait_for(ADD).await;
    assert_eq!(browser.execute(&format!("return document.querySelector('{PD_SLOT}').dataset.version")).await, "9.9.9");
    let files = loaded_files(&browser).await;
    assert!(
        files.iter().any(|f| f.ends_with("-9.9.9.js")) && files.iter().any(|f| f.ends_with("-9.9.9_bg.wasm")),
        "{files:?}"
    );
    assert!(files.iter().all(|f| f.contains("9.9.9") || f.ends_with(".css")), "mixed releases: {files:?}");
    browser.close().await;
}

/// A release whose glue fails its integrity check is not run; the last good release is.
#[tokio::test]
async fn a_broken_release_falls_back_to_the_last_good_one() {
    let dist = dist_copy(|dist| {
        let mut manifest = read_manifest(dist);
        let target = entry(&mut manifest, "product-details");
        let good = target.release.clone();
        let fallback = republish(dist, &good, "0.0.1");
        // The live release's glue was damaged after the manifest was written.
        let js = dist.join(good.js.trim_start_matches('/'));
        std::fs::write(&js, b"export default function () { window.__broken = true }").expect("damage");
        for stale in ["br", "gz"] {
            let _ = std::fs::remove_file(js.with_extension(format!("js.{stale}")));
        }
        target.fallback = Some(fallback);
        write_manifest(dist, &manifest);
    });
    let store = Store::builder().dist(dist).start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/products/1").await;
    browser.wait_for(ADD).await;
    assert_eq!(browser.count(FALLBACK).await, 0);
    assert_eq!(browser.execute(&format!("return document.querySelector('{PD_SLOT}').dataset.version")).await, "0.0.1");
    assert_eq!(browser.execute("return window.__broken === true").await, false, "the damaged glue ran");
    browser.close().await;
}

/// A canary for every session (100 %) is what the browser loads; the stable release is its
/// fallback. (Sticky shares below 100 % are tested on the API: `cart-api/tests/api/deploy.rs`.)
#[tokio::test]
async fn a_canary_release_reaches_its_sessions() {
    let dist = dist_copy(|dist| {
        let mut manifest = read_manifest(dist);
        let target = entry(&mut manifest, "product-details");
        let release = republish(dist, &target.release, "2.0.0-canary");
        target.canary = Some(Canary { percent: 100, release });
        write_manifest(dist, &manifest);
    });
    let store = Store::builder().dist(dist).start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/products/1").await;
    browser.wait_for(ADD).await;
    assert_eq!(
        browser.execute(&format!("return document.querySelector('{PD_SLOT}').dataset.version")).await,
        "2.0.0-canary"
    );
    browser.close().await;
}

/// A release built against a `contracts` major this shell does not speak is never run: with a
/// fallback release of the shell's major, that one runs; without one, only that remote's slot
/// shows the fallback, and the rest of the page works.
#[tokio::test]
async fn a_release_of_another_contracts_major_is_refused() {
    let dist = dist_copy(|dist| {
        let mut manifest = read_manifest(dist);
        let target = entry(&mut manifest, "product-details");
        let good = target.release.clone();
        let next_major = good.contracts_major + 1;
        target.release = Release { contracts_major: next_major, ..republish(dist, &good, "2.0.0") };
        target.fallback = Some(good);
        let catalog = entry(&mut manifest, "catalog");
        catalog.release.contracts_major = next_major;
        catalog.fallback = None;
        write_manifest(dist, &manifest);
    });
    let store = Store::builder().dist(dist).start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/products/1").await;
    browser.wait_for(ADD).await;
    assert_ne!(browser.execute(&format!("return document.querySelector('{PD_SLOT}').dataset.version")).await, "2.0.0");
    let files = loaded_files(&browser).await;
    assert!(files.iter().all(|f| !f.contains("2.0.0")), "the refused release was fetched: {files:?}");

    browser.goto("/").await;
    browser.wait_for(&format!("main [data-remote=catalog] {FALLBACK}")).await;
    let detail = browser.text(&format!("main [data-remote=catalog] {FALLBACK}")).await;
    assert!(detail.contains("contracts"), "{detail}");
    // The shell and the header's cart summary are unaffected.
    browser.wait_for_text("[data-testid=cart-badge]", "0").await;
    assert_eq!(browser.count(&format!("main [data-remote=catalog] {PRODUCT_LINK}")).await, 0);
    browser.close().await;
}

/// A remote whose stylesheet declares hostile global rules restyles nothing outside its slot:
/// the build wraps every remote's stylesheet in `@scope ([data-remote=<name>])`.
#[tokio::test]
async fn a_hostile_stylesheet_cannot_restyle_the_shell_or_another_remote() {
    let dist = dist_copy(|dist| {
        let mut manifest = read_manifest(dist);
        let catalog = entry(&mut manifest, "catalog");
        let url = catalog.release.css.clone().expect("catalog css");
        let path = dist.join(url.trim_start_matches('/'));
        let css = std::fs::read_to_string(&path).expect("css");
        let end = css.rfind('}').expect("the scope's closing brace");
        let hostile = "\n* { color: rgb(255, 0, 0) !important; }\n\
                       html, body, .shell-header, .pd, main { background: rgb(255, 0, 0) !important; }\n\
                       .shell-header, .pd-add { display: none !important; }\n\
                       :root { --color-brand: rgb(255, 0, 0) !important; }\n";
        let css = format!("{}{hostile}{}", &css[..end], &css[end..]);
        std::fs::write(&path, &css).expect("write css");
        for stale in ["br", "gz"] {
            let _ = std::fs::remove_file(path.with_extension(format!("css.{stale}")));
        }
        catalog.release.integrity.css = Some(sri(css.as_bytes()));
        write_manifest(dist, &manifest);
    });
    let store = Store::builder().dist(dist).start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/").await;
    browser.wait_for(PRODUCT_LINK).await;
    let style = |selector: &str, property: &str| {
        format!(
            "return getComputedStyle(document.querySelector({})).getPropertyValue('{property}')",
            serde_json::json!(selector)
        )
    };
    // Inside its own slot the rules apply (so the stylesheet did load)...
    assert_eq!(browser.execute(&style("[data-testid=product-card]", "color")).await, "rgb(255, 0, 0)");
    // ...and nowhere else.
    assert_ne!(browser.execute(&style(".shell-header", "display")).await, "none");
    assert_ne!(browser.execute(&style(".shell-header", "color")).await, "rgb(255, 0, 0)");
    assert_ne!(browser.execute(&style("body", "background-color")).await, "rgb(255, 0, 0)");
    assert_ne!(
        browser
            .execute("return getComputedStyle(document.documentElement).getPropertyValue('--color-brand').trim()")
            .await,
        "rgb(255, 0, 0)"
    );
    browser.click(PRODUCT_LINK).await;
    browser.wait_for(ADD).await;
    assert_ne!(browser.execute(&style(".pd-add", "display")).await, "none");
    assert_ne!(browser.execute(&style(".pd", "background-color")).await, "rgb(255, 0, 0)");
    browser.close().await;
}

/// A remote served from another origin (a second server standing in for a CDN, with CORS): the
/// shell's Content-Security-Policy names that origin, the files are checked against their
/// integrity hashes and the remote works as if it were local.
#[tokio::test]
async fn a_remote_served_from_another_origin() {
    let remote_host = Store::builder().dist(dist_copy(|_| {})).env("CORS_ALLOW_ORIGIN", "*").start().await;
    let origin = remote_host.base_url().to_string();
    let dist = dist_copy(|dist| {
        let mut manifest = read_manifest(dist);
        let release = &mut entry(&mut manifest, "product-details").release;
        release.js = format!("{origin}{}", release.js);
        release.wasm = format!("{origin}{}", release.wasm);
        release.css = release.css.as_ref().map(|css| format!("{origin}{css}"));
        write_manifest(dist, &manifest);
        // Nothing of product-details is left on the shell's own origin.
        std::fs::remove_dir_all(dist.join("remotes/product-details")).expect("remove local copy");
    });
    let store = Store::builder().dist(dist).env("REMOTE_ORIGINS", &origin).start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/products/1").await;
    browser.wait_for(ADD).await;
    browser.click(ADD).await;
    browser.wait_for_text("[data-testid=cart-badge]", "1").await;
    let from_remote_host = browser
        .execute(&format!(
            "return performance.getEntriesByType('resource').filter(e => e.name.startsWith({})).map(e => new URL(e.name).pathname)",
            serde_json::json!(origin)
        ))
        .await;
    let files = from_remote_host.to_string();
    assert!(files.contains(".js") && files.contains("_bg.wasm"), "not loaded from {origin}: {files}");
    browser.close().await;
    assert!(!store.server_log().contains("csp violation"), "{}", store.server_log());
}
