//! Journeys through the store in headless Chromium, against the release server and bundles.

use e2e::{dist_copy, Browser, Store};

const BADGE: &str = "[data-testid=cart-badge]";
const PRODUCT_LINK: &str = "[data-testid=product-card] a[href^='/products/']";
const ADD: &str = "[data-testid=add-to-cart]";
const CART_LINE: &str = "[data-testid=cart-line]";
const FALLBACK: &str = "[data-testid=remote-fallback]";

/// From the home page, with an empty cart, to the first product's page.
async fn open_a_product(browser: &Browser) {
    browser.goto("/").await;
    browser.wait_for_text(BADGE, "0").await;
    browser.click(PRODUCT_LINK).await;
    browser.wait_for(ADD).await;
}

/// The article's add-to-cart sequence: product-details POSTs, publishes `cart:updated`, the
/// shell's badge follows; after a reload the badge comes from the API; the cart remote reads
/// the same cart from the API.
#[tokio::test]
async fn add_to_cart_updates_the_badge_and_survives_reload() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    open_a_product(&browser).await;
    assert!(browser.path().await.starts_with("/products/"));
    assert_eq!(browser.text(ADD).await, "Add to cart");
    browser.click(ADD).await;
    browser.wait_for_text(BADGE, "1").await;

    browser.reload().await;
    browser.wait_for(ADD).await;
    browser.wait_for_text(BADGE, "1").await;
    // Storage holds remotes' own small preferences, never the cart.
    let stored = browser
        .execute("const all = s => Object.keys(s).map(k => [k, s.getItem(k)]); return all(localStorage).concat(all(sessionStorage))")
        .await;
    let cart_id = browser
        .execute_async("const done = arguments[arguments.length - 1]; fetch('/api/cart').then(r => r.json()).then(c => done(c.cartId), () => done(null))")
        .await;
    let cart_id = cart_id.as_str().filter(|id| !id.is_empty()).expect("GET /api/cart answers with the cart id");
    for entry in stored.as_array().expect("the storage entries") {
        let (key, value) = (entry[0].as_str().unwrap_or_default(), entry[1].as_str().unwrap_or_default());
        assert!(
            ["product-details:recently-viewed", "shell:theme", "shell:locale"].contains(&key),
            "unexpected storage key {key:?}"
        );
        assert!(
            !value.contains(cart_id) && !value.to_lowercase().contains("cart"),
            "the cart must not travel through browser storage: {key} = {value}"
        );
    }

    browser.click("a[href='/cart']").await;
    browser.wait_for_count(CART_LINE, 1).await;
    assert_eq!(browser.path().await, "/cart");
    browser.close().await;
    assert_no_csp_violation(&store);
}

/// The header's cart summary mounts once per page load: not again when the page's remote
/// settles, nor when the shell's start-up timer does. Each mount reads the cart (except the first
/// one into a server-rendered header, which starts from the cart the server read), so a remount
/// shows as an extra `GET /api/cart`; the next one is the subtotal after an add.
#[tokio::test]
async fn the_cart_summary_mounts_once_per_page_load() {
    let cart_reads =
        "return performance.getEntriesByType('resource').filter(e => new URL(e.name).pathname === '/api/cart').length";
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    open_a_product(&browser).await;
    // Page time, not a sleep: the shell settles pages without a remote 1.5 s after start.
    browser.until("the start-up timer", "return performance.now() > 2000", |v| v == true).await;
    let first = u64::from(!store.renders_on_the_server());
    assert_eq!(browser.execute(cart_reads).await, first, "the cart summary mounted more than once");

    browser.click(ADD).await;
    browser.wait_for_text(BADGE, "1").await;
    browser.until("the subtotal read", cart_reads, |v| v.as_u64() == Some(first + 1)).await;
    assert!(!browser.text("[data-testid=cart-summary-subtotal]").await.is_empty());
    browser.close().await;
}

fn assert_no_csp_violation(store: &Store) {
    let log = store.server_log();
    assert!(!log.contains("csp violation"), "the page broke its Content-Security-Policy:\n{log}");
}

/// The Content-Security-Policy is live: an injected inline script does not run and the browser
/// reports the violation to the server (which is how the other journeys know there was none).
#[tokio::test]
async fn the_content_security_policy_blocks_inline_script() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/").await;
    browser.wait_for(PRODUCT_LINK).await;
    browser
        .execute("const s = document.createElement('script'); s.textContent = 'window.__injected = true'; document.head.appendChild(s); return 1")
        .await;
    let ran = browser.execute("return window.__injected === true").await;
    assert_eq!(ran, false, "an inline script ran");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !store.server_log().contains("csp violation") {
        assert!(std::time::Instant::now() < deadline, "no violation report reached the server");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    browser.close().await;
}

/// A remote whose bundle cannot be loaded takes down its own slot only.
#[tokio::test]
async fn a_missing_remote_only_takes_down_its_slot() {
    let dist = dist_copy(|dist| std::fs::remove_dir_all(dist.join("remotes/product-details")).expect("remove bundle"));
    let store = Store::builder().dist(dist).start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/").await;
    browser.click(PRODUCT_LINK).await;
    browser.wait_for(FALLBACK).await;
    let fallback = browser.text(FALLBACK).await;
    assert!(fallback.contains("Retry"), "the fallback offers Retry: {fallback}");
    browser.wait_for("[data-testid=shell-header]").await;
    browser.wait_for_text(BADGE, "0").await;

    // Retry still fails (the bundle is still missing) and still only in this slot.
    browser.click(&format!("{FALLBACK} button")).await;
    browser.wait_for(FALLBACK).await;

    browser.click("a[href='/cart']").await;
    browser.wait_for("[data-testid=cart-page]").await;
    assert_eq!(browser.count(FALLBACK).await, 0);
    browser.click("a.brand").await;
    browser.wait_for(PRODUCT_LINK).await;
    browser.close().await;
}

/// One history across remotes: Back and Forward move between catalog, product and cart.
#[tokio::test]
async fn back_and_forward_cross_remotes() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/").await;
    browser.click(PRODUCT_LINK).await;
    browser.wait_for(ADD).await;
    let product = browser.path().await;
    browser.click("a[href='/cart']").await;
    browser.wait_for("[data-testid=cart-page]").await;

    browser.back().await;
    browser.wait_for(ADD).await;
    assert_eq!(browser.path().await, product);
    browser.back().await;
    browser.wait_for(PRODUCT_LINK).await;
    assert_eq!(browser.path().await, "/");
    browser.forward().await;
    browser.wait_for(ADD).await;
    assert_eq!(browser.path().await, product);
    browser.close().await;
    assert_no_csp_violation(&store);
}

/// URL state: category, sort and page live in the URL: a reload restores the view and Back
/// steps through the changes.
#[tokio::test]
async fn catalog_state_lives_in_the_url() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    let prices = "return [...document.querySelectorAll('[data-testid=product-price]')].map(p => Number(p.textContent.replace(/[^0-9]/g, '')))";
    let ascending = |v: &serde_json::Value| {
        let p: Vec<u64> = v.as_array().map(|a| a.iter().filter_map(|x| x.as_u64()).collect()).unwrap_or_default();
        !p.is_empty() && p.windows(2).all(|w| w[0] <= w[1])
    };

    browser.goto("/categories/tractors?sort=price-asc").await;
    browser.wait_for_count("[data-testid=product-card]", 10).await;
    assert!(ascending(&browser.execute(prices).await), "tractors sorted by price");

    browser.goto("/?sort=price-asc").await;
    browser.wait_for(PRODUCT_LINK).await;
    let first_page = browser.execute(prices).await;
    browser.click("a[rel=next]").await;
    browser.until("page 2", "return location.search", |v| v.as_str() == Some("?sort=price-asc&page=2")).await;
    browser.until("page 2's products", prices, |v| v != &first_page && ascending(v)).await;
    browser.reload().await;
    browser.wait_for(PRODUCT_LINK).await;
    assert_eq!(browser.path().await, "/?sort=price-asc&page=2");
    browser.until("page 2 after reload", prices, |v| v != &first_page).await;
    browser.back().await;
    browser.until("page 1 again", "return location.search", |v| v.as_str() == Some("?sort=price-asc")).await;
    browser.until("page 1's products", prices, |v| v == &first_page).await;
    browser.close().await;
}

/// A remote whose JS glue does not match the manifest's integrity hash never runs: its slot
/// shows the fallback and the rest of the store works.
#[tokio::test]
async fn a_tampered_remote_is_refused() {
    let dist = dist_copy(|dist| {
        let dir = dist.join("remotes/catalog");
        for entry in std::fs::read_dir(&dir).expect("catalog bundle") {
            let path = entry.expect("entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
            if name.ends_with(".js.br") || name.ends_with(".js.gz") {
                std::fs::remove_file(&path).expect("remove compressed copy");
            } else if name.ends_with(".js") {
                let mut code = std::fs::read_to_string(&path).expect("glue");
                code.push_str("\nwindow.__tampered = true;\n");
                std::fs::write(&path, code).expect("tamper");
            }
        }
    });
    let store = Store::builder().dist(dist).start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/").await;
    browser.wait_for(FALLBACK).await;
    assert_eq!(browser.execute("return window.__tampered === true").await, false, "tampered code ran");
    browser.wait_for_text(BADGE, "0").await;
    browser.goto("/products/1").await;
    browser.wait_for(ADD).await;
    browser.close().await;
}

/// The cart page changes quantities and removes lines through the API; the badge follows each
/// change through `cart:updated`.
#[tokio::test]
async fn cart_quantities_change_and_lines_go() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/products/1?variant=red").await;
    browser.click(ADD).await;
    browser.wait_for_text(BADGE, "1").await;
    browser.click("a[href='/cart']").await;
    browser.wait_for_count(CART_LINE, 1).await;
    browser.click("[data-testid=quantity-increase]").await;
    browser.wait_for_text("[data-testid=line-quantity]", "2").await;
    browser.wait_for_text(BADGE, "2").await;
    browser.click("[data-testid=quantity-decrease]").await;
    browser.wait_for_text("[data-testid=line-quantity]", "1").await;
    browser.wait_for_text(BADGE, "1").await;
    browser.click("[data-testid=remove-line]").await;
    browser.wait_for("[data-testid=cart-empty]").await;
    browser.wait_for_text(BADGE, "0").await;
    browser.reload().await;
    browser.wait_for("[data-testid=cart-empty]").await;
    browser.wait_for_text(BADGE, "0").await;
    browser.close().await;
}

/// `/api/docs` is the API reference a fork's team reads: rendered in the browser from the
/// document the server serves, with its own assets (no CDN) under its own CSP, which the page
/// must not violate (the server's log would show a report).
#[tokio::test]
async fn the_api_reference_shows_every_operation_of_the_served_document() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/api/docs").await;
    let count = "fetch('/api/openapi.json').then(r => r.json()).then(d => arguments[0](\
                 Object.values(d.paths).reduce((n, item) => n + Object.keys(item).length, 0)))";
    let operations = browser.execute_async(count).await.as_u64().expect("the document is read") as usize;
    assert!(operations >= 23, "{operations} operations");
    browser.wait_for_count("[data-testid=operation]", operations).await;
    browser.click("[data-operation='POST /api/cart/items'] summary").await;
    let add = browser.text("[data-operation='POST /api/cart/items']").await;
    for said in ["AddCartItem", "Idempotency-Key", "If-Match", "409", "out-of-stock", "application/problem+json"] {
        assert!(add.contains(said), "{said} is not in:\n{add}");
    }
    browser.click("[data-operation='POST /api/cart/items'] a[href='#schema-Cart']").await;
    let cart = "return location.hash === '#schema-Cart' && document.querySelector('#schema-Cart').textContent";
    let cart = browser.until("the Cart schema", cart, |text| text.as_str().is_some_and(|t| t.contains("cartId"))).await;
    assert!(cart.as_str().unwrap_or_default().contains("lines[CartLine]"), "{cart}");
    assert_eq!(browser.count("[data-testid=docs-error]").await, 0);
    assert!(!store.server_log().contains("csp violation"), "{}", store.server_log());
    browser.close().await;
}
