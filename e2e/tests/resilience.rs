//! The front end survives broken neighbours: the API going away and coming back, a remote's
//! bundle missing and then redeployed, the header's fragment missing, and a corrupt bundle. In each case the header, the other
//! remotes and navigation keep working.

use std::path::Path;

use e2e::{dist_copy, manifest, Browser, Store};

const BADGE: &str = "[data-testid=cart-badge]";
const PRODUCT_LINK: &str = "[data-testid=product-card] a[href^='/products/']";
const ADD: &str = "[data-testid=add-to-cart]";
const FALLBACK: &str = "[data-testid=remote-fallback]";

/// The product-details bundle directory of a dist.
fn bundle(dist: &Path) -> std::path::PathBuf {
    dist.join("remotes/product-details")
}

/// With the API down the cart page shows an error with a way to try again, never a blank page;
/// once the API is back, trying again shows the cart.
#[tokio::test]
async fn the_api_going_down_shows_an_error_state_that_recovers() {
    let mut store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/products/1?variant=red").await;
    browser.click(ADD).await;
    browser.wait_for_text(BADGE, "1").await;
    // The cart remote's code is in the page already (visited once); only the API goes away.
    browser.click("a[href='/cart']").await;
    browser.wait_for_count("[data-testid=cart-line]", 1).await;
    browser.click("a.brand").await;
    browser.wait_for(PRODUCT_LINK).await;

    store.stop().await;
    browser.click("a[href='/cart']").await;
    browser.wait_for("[data-testid=cart-error]").await;
    let error = browser.text("[data-testid=cart-error]").await;
    assert!(error.contains("could not be"), "{error}");
    browser.wait_for("[data-testid=shell-header]").await;

    store.restart().await;
    browser.click("[data-testid=cart-error] button").await;
    browser.wait_for_count("[data-testid=cart-line]", 1).await;
    browser.close().await;
}

/// A remote whose bundle is missing shows its fallback; after the bundle is deployed again,
/// Retry loads it without a page reload.
#[tokio::test]
async fn retry_works_once_the_bundle_is_back() {
    let store = Store::builder().dist(dist_copy(|_| {})).start().await;
    let parked = store.dist_path().join("parked-product-details");
    std::fs::rename(bundle(store.dist_path()), &parked).expect("take the bundle away");

    let browser = Browser::open(&store).await;
    browser.goto("/").await;
    browser.click(PRODUCT_LINK).await;
    browser.wait_for(FALLBACK).await;
    browser.wait_for_text(BADGE, "0").await;

    std::fs::rename(&parked, bundle(store.dist_path())).expect("redeploy the bundle");
    browser.click(&format!("{FALLBACK} button")).await;
    browser.wait_for(ADD).await;
    assert_eq!(browser.count(FALLBACK).await, 0);
    browser.click(ADD).await;
    browser.wait_for_text(BADGE, "1").await;
    browser.close().await;
}

/// A corrupt bundle (its manifest hashes match, but the wasm is not wasm) fails to start: its
/// slot shows the fallback, the rest of the store works.
#[tokio::test]
async fn a_corrupt_bundle_takes_down_only_its_slot() {
    let dist = dist_copy(|dist| {
        let dir = bundle(dist);
        let mut corrupt = None;
        for entry in std::fs::read_dir(&dir).expect("bundle") {
            let path = entry.expect("entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
            if name.ends_with(".wasm.br") || name.ends_with(".wasm.gz") {
                std::fs::remove_file(&path).expect("remove compressed copy");
            } else if name.ends_with(".wasm") {
                let garbage = b"\0asm this is not a module".to_vec();
                std::fs::write(&path, &garbage).expect("corrupt");
                corrupt = Some(garbage);
            }
        }
        // The deployment is consistent (the manifest names the corrupt file's hash): only the
        // bytes are wrong.
        let garbage = corrupt.expect("a wasm file");
        manifest::edit(dist, "product-details", |entry| entry.release.integrity.wasm = manifest::sri(&garbage));
    });
    let store = Store::builder().dist(dist).start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/products/1").await;
    browser.wait_for(FALLBACK).await;
    browser.wait_for_text(BADGE, "0").await;
    browser.click("a.brand").await;
    browser.wait_for(PRODUCT_LINK).await;
    browser.click("a[href='/cart']").await;
    browser.wait_for("[data-testid=cart-page]").await;
    browser.close().await;
}

/// Without the header's cart summary (its bundle is missing) the header still leads to the cart:
/// the frame's fallback is a plain link, next to Retry. The page's own remote is untouched.
#[tokio::test]
async fn a_missing_header_fragment_leaves_a_link_to_the_cart() {
    let dist =
        dist_copy(|dist| std::fs::remove_dir_all(dist.join("remotes/cart-summary")).expect("take the bundle away"));
    let store = Store::builder().dist(dist).start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/").await;
    let link = "[data-testid=fragment-fallback] a[href='/cart']";
    browser.wait_for(link).await;
    browser.wait_for("[data-testid=fragment-fallback] button").await;
    assert_eq!(browser.count(BADGE).await, 0);
    assert_eq!(browser.count(FALLBACK).await, 0, "the page's slot is not the fragment's");
    browser.wait_for(PRODUCT_LINK).await;
    browser.click(link).await;
    browser.wait_for("[data-testid=cart-page]").await;
    browser.close().await;
}

/// A remote that traps while mounting (what a Rust panic is under `panic = "abort"`) shows its
/// fallback; the header and the other remotes keep working. The release here is the real
/// product-details with a `mount` that throws the trap's error, published with its own integrity
/// hash. A real Rust panic in a real remote's `mount` is proven by `cargo xtask test` too: the
/// dev-loop check edits the scaffolded remote to panic (`xtask/src/dev.rs`, `check_dev_loop`).
#[tokio::test]
async fn a_remote_that_traps_during_mount_shows_its_fallback() {
    let dist = dist_copy(|dist| {
        manifest::edit(dist, "product-details", |entry| {
            let glue = entry.release.js.rsplit('/').next().expect("file").to_string();
            let trap = format!(
                "import init, * as real from './{glue}';\n\
                 export default init;\n\
                 export const unmount = real.unmount;\n\
                 export function mount() {{ throw new WebAssembly.RuntimeError('unreachable executed'); }}\n"
            );
            std::fs::write(bundle(dist).join("trap.js"), &trap).expect("write trap");
            entry.release.js = "/remotes/product-details/trap.js".into();
            entry.release.integrity.js = manifest::sri(trap.as_bytes());
        });
    });
    let store = Store::builder().dist(dist).start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/products/1").await;
    browser.wait_for(FALLBACK).await;
    assert!(browser.text(FALLBACK).await.contains("unreachable"), "the fallback says what happened");
    browser.wait_for_text(BADGE, "0").await;
    browser.click("a.brand").await;
    browser.wait_for(PRODUCT_LINK).await;
    browser.close().await;
}
