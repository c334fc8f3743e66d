//! The recommendations fragment in headless Chromium: the catalog team's fragment that product
//! details places in its page with its inputs as attributes (parent-to-child).

use e2e::{dist_copy, Browser, Store};

const HOST: &str = "[data-fragment=recommendations]";
const LINKS: &str = "[data-testid=recommendations] a";
const ADD: &str = "[data-testid=add-to-cart]";
const BADGE: &str = "[data-testid=cart-badge]";

const SCROLL_TO_IT: &str =
    "document.querySelector('[data-fragment=recommendations]').scrollIntoView({ block: 'center' })";

/// The recommended products' ids, as their links say.
const SHOWN: &str =
    "return [...document.querySelectorAll('[data-testid=recommendations] a')].map(a => a.getAttribute('href'))";

/// Product details writes the inputs on the fragment's host; the fragment shows other products
/// (never the page's own), follows a new variant without a page load, reserves its room, and
/// reports a followed link as `catalog:product-clicked`.
#[tokio::test]
async fn recommendations_follow_their_inputs() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/products/1").await;
    // It loads when it comes near the screen.
    browser.wait_for(HOST).await;
    browser.execute(SCROLL_TO_IT).await;
    browser.wait_for(LINKS).await;
    let inputs = "const h = document.querySelector('[data-fragment=recommendations]'); return [h.dataset.inputs, h.dataset.product, h.dataset.variant, h.dataset.remote]";
    assert_eq!(browser.execute(inputs).await, serde_json::json!(["1", "1", "red", "recommendations"]));
    let red = browser.until("at least three products", SHOWN, |v| v.as_array().is_some_and(|a| a.len() >= 3)).await;
    assert!(red.as_array().unwrap().iter().all(|href| href != "/products/1"), "never the product itself: {red}");
    assert_eq!(browser.text(".rec-heading").await, "Also in Red");

    // Nothing moved while the fragment loaded: its room was reserved.
    let shifts = browser
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             new PerformanceObserver((list, observer) => { observer.disconnect(); \
             done(list.getEntries().filter(e => !e.hadRecentInput).reduce((sum, e) => sum + e.value, 0)); \
             }).observe({ type: 'layout-shift', buffered: true }); \
             setTimeout(() => done(0), 500)",
        )
        .await;
    assert!(shifts.as_f64().is_some_and(|cls| cls < 0.01), "layout shift while loading: {shifts}");

    // A new variant changes the attribute; the fragment follows, and the page never reloads.
    browser.execute("window.stillTheSamePage = true").await;
    browser.click(".pd-variant[data-variant=green]").await;
    browser
        .until(
            "the new input",
            "return document.querySelector('[data-fragment=recommendations]').dataset.variant",
            |v| v == "green",
        )
        .await;
    browser.wait_for_text(".rec-heading", "Also in Green").await;
    let green = browser.execute(SHOWN).await;
    assert_ne!(green, red, "other products for another option");
    assert_eq!(browser.execute("return window.stillTheSamePage").await, true);

    // Following one is a navigation of the shell's router, reported by the fragment's team.
    browser
        .execute("window.clicked = []; window.addEventListener('catalog:product-clicked', e => window.clicked.push(e.detail))")
        .await;
    let first = green[0].as_str().unwrap_or_default().to_string();
    browser.click(LINKS).await;
    browser.until("the recommended product", "return location.pathname", |v| v == first.as_str()).await;
    let clicked = browser
        .execute("return window.clicked.map(d => [d.publisher.split('@')[0], d.payload.productId, d.payload.position])")
        .await;
    let id: u32 = first.trim_start_matches("/products/").parse().unwrap();
    assert_eq!(clicked, serde_json::json!([["recommendations", id, 1]]));
    assert_eq!(browser.execute("return window.stillTheSamePage").await, true, "a client-side navigation");
    browser.wait_for(HOST).await;
    browser.execute(SCROLL_TO_IT).await;
    browser
        .until("recommendations for the new page", SHOWN, |v| {
            v.as_array().is_some_and(|a| a.len() >= 3 && a.iter().all(|href| href != first.as_str()))
        })
        .await;
    browser.close().await;
}

/// A fragment that cannot load leaves a note in its own room; the page around it works.
#[tokio::test]
async fn a_missing_fragment_leaves_the_page_working() {
    let dist = dist_copy(|dist| std::fs::remove_dir_all(dist.join("remotes/recommendations")).expect("remove bundle"));
    let store = Store::builder().dist(dist).start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/products/1").await;
    browser.wait_for(HOST).await;
    browser.execute(SCROLL_TO_IT).await;
    browser.wait_for(&format!("{HOST} [data-testid=fragment-fallback]")).await;
    assert_eq!(browser.count(LINKS).await, 0);
    browser.click(ADD).await;
    browser.wait_for_text(BADGE, "1").await;
    browser.close().await;
}
