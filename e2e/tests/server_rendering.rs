//! Journeys of server rendering: the page arrives as HTML composed from the remotes' server
//! halves, the browser halves take it over with the same text and without asking the API
//! again, and a server half that is down or slow leaves only its own slot to the browser.

use e2e::{Browser, Store};
use serde_json::Value;

/// The catalog's slot once its browser half has taken it over.
const TAKEN_OVER: &str =
    "#main .remote-slot[data-remote=catalog][data-version] > .remote-host:not([data-server-rendered]) .catalog-title";

/// Fetches the current page again (with the browser's cookies) and returns
/// `[the server-rendered slot's text, the live slot's text, the page's <title>, its JSON-LD]`
/// for the remote named by the first argument, both texts with whitespace collapsed and without
/// the state block.
const SLOT_TEXTS: &str = r#"
    const [remote, done] = [arguments[0], arguments[arguments.length - 1]];
    const squash = t => t.replace(/\s+/g, ' ').trim();
    fetch(location.href, { credentials: 'same-origin' }).then(r => r.text()).then(html => {
        const page = new DOMParser().parseFromString(html, 'text/html');
        const served = page.querySelector(`[data-server-rendered^="${remote}@"]`);
        if (served) served.querySelectorAll('script').forEach(s => s.remove());
        const slot = document.querySelector(`#main .remote-slot[data-remote=${remote}] > .remote-host, `
            + `[data-testid=shell-header] .remote-slot[data-remote=${remote}] > .remote-host`);
        // What another team's fragment placed in the slot shows is not the remote's own markup.
        const live = slot ? slot.cloneNode(true) : null;
        if (live) live.querySelectorAll('[data-fragment]').forEach(f => f.replaceChildren());
        const ld = page.querySelector('script[type="application/ld+json"]');
        done([served ? squash(served.textContent) : null, live ? squash(live.textContent) : null, page.title,
              ld ? JSON.parse(ld.textContent) : null]);
    }).catch(e => done([String(e), null, null, null]));
"#;

/// The canonical link of `/categories/tractors?page=1`, as a crawler reads it.
const CANONICAL: &str = r#"
    const done = arguments[arguments.length - 1];
    fetch('/categories/tractors?page=1').then(r => r.text())
        .then(h => done(new DOMParser().parseFromString(h, 'text/html').querySelector('link[rel=canonical]')?.href ?? null));
"#;

/// API requests the page made for the product listing.
const LISTING_REQUESTS: &str =
    "return performance.getEntriesByType('resource').filter(e => e.name.includes('/api/products')).map(e => e.name)";

/// [`SLOT_TEXTS`] for `remote`.
async fn slot(browser: &Browser, remote: &str) -> Value {
    browser.client().execute_async(SLOT_TEXTS, vec![Value::from(remote)]).await.unwrap_or_else(|e| panic!("{e}"))
}

/// The server-rendered and the live text of `remote`'s slot, and the page's title.
async fn texts(browser: &Browser, remote: &str) -> (String, String, String) {
    let value = slot(browser, remote).await;
    let text = |i: usize| value.get(i).and_then(Value::as_str).unwrap_or_default().to_string();
    (text(0), text(1), text(2))
}

#[tokio::test]
async fn the_listing_arrives_as_html_and_the_catalog_takes_it_over_unchanged() {
    let store = Store::start().await;
    assert!(store.renders_on_the_server(), "the journeys run with server rendering on");
    let browser = Browser::open(&store).await;

    browser.goto("/categories/tractors").await;
    browser.wait_for(TAKEN_OVER).await;
    let (served, live, title) = texts(&browser, "catalog").await;
    assert!(served.contains("Tractors") && served.contains("€"), "the server rendered the listing: {served:?}");
    assert_eq!(served, live, "the browser half shows exactly what the server rendered");
    assert_eq!(title, "Tractors · Tractor & Co.");
    assert_eq!(
        browser.execute(LISTING_REQUESTS).await,
        Value::Array(Vec::new()),
        "the browser half used the listing the server sent instead of asking again"
    );

    // The catalog still follows the URL in the browser: the next page of results is its own.
    browser.click("a[href='/categories/workwear']").await;
    browser.wait_for_text(".catalog-title", "Workwear").await;

    // In German and in the dark theme (both travel in the shell's cookies) the texts match too.
    browser.select("[data-testid=locale-select]", "de-DE").await;
    browser.click("[data-testid=theme-toggle]").await;
    browser.goto("/").await;
    browser.wait_for(TAKEN_OVER).await;
    let (served, live, _) = texts(&browser, "catalog").await;
    assert!(served.contains("Alle Produkte"), "rendered in German on the server: {served:?}");
    assert_eq!(served, live);
    let root = browser.execute("return [document.documentElement.lang, document.documentElement.dataset.theme]").await;
    assert_eq!(root, serde_json::json!(["de-DE", "dark"]));
    browser.close().await;
}

#[tokio::test]
async fn a_product_page_arrives_with_its_product_and_its_json_ld() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/products/1").await;
    browser.wait_for("#main .remote-slot[data-remote=product-details][data-version] > .remote-host:not([data-server-rendered]) .pd-product").await;
    let value = slot(&browser, "product-details").await;
    let (served, live) = (value[0].as_str().unwrap_or_default(), value[1].as_str().unwrap_or_default());
    let name = browser.text(".pd-product h1").await;
    assert!(served.contains(&name), "the server rendered the product: {served:?}");
    assert_eq!(served, live, "the browser half shows exactly what the server rendered");
    assert_eq!(value[2], format!("{name} · Tractor & Co."));
    let ld = &value[3];
    assert_eq!((ld["@type"].as_str(), ld["name"].as_str()), (Some("Product"), Some(name.as_str())), "{ld}");
    assert!(ld["offers"]["price"].as_str().is_some_and(|p| p.parse::<f64>().is_ok()), "{ld}");
    assert_eq!(ld["offers"]["priceCurrency"], "EUR");
    let product_requests = browser
        .execute(
            "return performance.getEntriesByType('resource').filter(e => e.name.endsWith('/api/products/1')).length",
        )
        .await;
    assert_eq!(product_requests, 0, "the browser half used the product the server sent");

    // A variant is still the URL's business, in the browser.
    browser.click(".pd-variant[aria-pressed=false]").await;
    browser
        .until("the variant in the URL", "return location.search", |v| {
            v.as_str().is_some_and(|s| s.starts_with("?variant="))
        })
        .await;

    // A product that does not exist is a 404 page, rendered on the server too.
    let status = browser
        .execute_async(
            "const done = arguments[arguments.length - 1]; fetch('/products/9999').then(r => done(r.status));",
        )
        .await;
    assert_eq!(status, 404);
    browser.close().await;
}

/// The header's cart summary once its browser half has taken it over.
const SUMMARY_TAKEN_OVER: &str = "[data-testid=shell-header] .remote-slot[data-remote=cart-summary][data-version] \
    > .remote-host:not([data-server-rendered]) [data-testid=cart-badge]";

/// The cart page once its browser half has taken it over.
const CART_TAKEN_OVER: &str =
    "#main .remote-slot[data-remote=cart][data-version] > .remote-host:not([data-server-rendered]) [data-testid=cart-line]";

/// Requests the page made for the cart.
const CART_REQUESTS: &str =
    "return performance.getEntriesByType('resource').filter(e => new URL(e.name).pathname === '/api/cart').length";

#[tokio::test]
async fn the_header_and_the_cart_page_arrive_with_the_visitors_cart() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;

    // A first visit has no session and so no cart: the server says 0 without asking the API
    // (which would open a session the browser never hears of), and the browser half believes it.
    browser.goto("/").await;
    browser.wait_for(SUMMARY_TAKEN_OVER).await;
    let (served, live, _) = texts(&browser, "cart-summary").await;
    assert_eq!((served.as_str(), live.as_str()), ("Cart0", "Cart0"));
    assert_eq!(browser.execute(CART_REQUESTS).await, 0, "nothing to read for a visitor without a cart");

    // With two items in the cart, the next page arrives with them in its header.
    browser.goto("/products/1").await;
    browser.click("[data-testid=add-to-cart]").await;
    browser.wait_for_text("[data-testid=cart-badge]", "1").await;
    browser.click("[data-testid=add-to-cart]").await;
    browser.wait_for_text("[data-testid=cart-badge]", "2").await;
    browser.goto("/categories/tractors").await;
    browser.wait_for(SUMMARY_TAKEN_OVER).await;
    let (served, live, _) = texts(&browser, "cart-summary").await;
    assert!(served.starts_with("Cart2") && served.contains('€'), "count and subtotal from the server: {served:?}");
    assert_eq!(served, live, "the browser half shows exactly what the server rendered");
    assert_eq!(browser.execute(CART_REQUESTS).await, 0, "the browser half used the cart the server sent");
    assert_eq!(browser.text("[data-testid=cart-badge]").await, "2");

    // The cart page too: its lines and totals come in the page, and it still changes the cart.
    browser.goto("/cart").await;
    browser.wait_for(CART_TAKEN_OVER).await;
    let (served, live, title) = texts(&browser, "cart").await;
    assert!(served.contains("Your cart") && served.contains('€'), "the server rendered the cart: {served:?}");
    assert_eq!(served, live, "the browser half shows exactly what the server rendered");
    assert_eq!(title, "Your cart · Tractor & Co.");
    assert_eq!(browser.execute(CART_REQUESTS).await, 0, "neither the page nor the header asked again");
    browser.click("[data-testid=quantity-increase]").await;
    browser.wait_for_text("[data-testid=line-quantity]", "3").await;
    browser.wait_for_text("[data-testid=cart-badge]", "3").await;

    // In German the header matches too.
    browser.select("[data-testid=locale-select]", "de-DE").await;
    browser.goto("/").await;
    browser.wait_for(SUMMARY_TAKEN_OVER).await;
    let (served, live, _) = texts(&browser, "cart-summary").await;
    assert!(served.starts_with("Warenkorb3"), "{served:?}");
    assert_eq!(served, live);

    // Events still drive it after the takeover: the next add shows at once.
    browser.goto("/products/1").await;
    browser.click("[data-testid=add-to-cart]").await;
    browser.wait_for_text("[data-testid=cart-badge]", "4").await;
    browser.close().await;
}

#[tokio::test]
async fn a_stopped_server_half_leaves_its_slot_to_the_browser() {
    let mut store = Store::start().await;
    store.stop_server_half("catalog").await;
    let browser = Browser::open(&store).await;
    browser.goto("/").await;
    browser.wait_for("[data-testid=product-card]").await;
    let served = slot(&browser, "catalog").await;
    assert_eq!(served[0], Value::Null, "nothing was server-rendered for the catalog");
    assert_eq!(browser.count("[data-testid=product-card]").await, 12, "the browser half rendered the listing itself");
    browser.close().await;
}

#[tokio::test]
async fn a_server_half_deploys_on_its_own() {
    let mut store = Store::start().await;
    let browser = Browser::open(&store).await;
    // The catalog team ships its server half again: a new process, the manifest pointed at it,
    // the old one gone. The store, the composer and every other server half keep running.
    store.redeploy_server_half("catalog").await;
    browser.goto("/categories/workwear").await;
    let value = slot(&browser, "catalog").await;
    assert!(value[0].as_str().is_some_and(|t| t.contains("Workwear")), "rendered by the new process: {value}");
    browser.close().await;
}

#[tokio::test]
async fn a_server_half_that_never_answers_costs_only_the_budget() {
    let store = Store::start().await;
    // A server half that accepts connections and never says a word.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let address = silent.local_addr().expect("an address");
    tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            open.push(socket);
        }
    });
    e2e::manifest::edit(store.dist_path(), "catalog", |entry| entry.release.server = Some(format!("http://{address}")));

    let browser = Browser::open(&store).await;
    browser.goto("/").await;
    browser.wait_for("[data-testid=product-card]").await;
    let served = slot(&browser, "catalog").await;
    assert_eq!(served[0], Value::Null, "the slot was left to the browser");
    assert_eq!(served[2], "Tractor & Co.", "the page went out with the shell's own head");
    browser.close().await;
}

#[tokio::test]
async fn search_engines_get_a_sitemap_robots_and_canonical_links() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/").await;
    let fetch = |path: &str| {
        format!(
            "const done = arguments[arguments.length - 1]; fetch({}).then(r => r.text()).then(done, e => done(String(e)));",
            serde_json::json!(path)
        )
    };
    let robots = browser.execute_async(&fetch("/robots.txt")).await;
    assert!(
        robots.as_str().unwrap_or_default().contains(&format!("Sitemap: {}/sitemap.xml", store.base_url())),
        "{robots}"
    );
    let sitemap = browser.execute_async(&fetch("/sitemap.xml")).await;
    let sitemap = sitemap.as_str().unwrap_or_default();
    assert!(sitemap.contains(&format!("<loc>{}/categories/tractors</loc>", store.base_url())), "{sitemap}");
    assert!(sitemap.contains(&format!("<loc>{}/products/1</loc>", store.base_url())), "{sitemap}");
    let canonical = browser.execute_async(CANONICAL).await;
    assert_eq!(canonical, format!("{}/categories/tractors", store.base_url()));
    browser.close().await;
}

/// Whether the page is still as the server sent it: the frame painted before any script is
/// there and the slots still carry the server's mark.
const UNTOUCHED_BY_SCRIPTS: &str =
    "return !!document.getElementById('shell-frame') && !!document.querySelector('[data-server-rendered]')";

#[tokio::test]
async fn without_javascript_a_visitor_browses_chooses_and_adds_to_the_cart() {
    let store = Store::start().await;
    let browser = Browser::open_without_javascript(&store).await;

    browser.goto("/").await;
    assert_eq!(browser.execute(UNTOUCHED_BY_SCRIPTS).await, true, "no script ran");
    assert_eq!(browser.count("[data-testid=product-card]").await, 12, "the listing is in the page");

    // Plain links and GET forms drive the catalog: a category, a search in it, a sort, a filter.
    browser.click(".shell-nav a[href='/categories/tractors']").await;
    browser.wait_for_text(".catalog-title", "Tractors").await;
    let url = "return location.pathname + location.search";
    browser.fill("[data-testid=search-input]", "tractor").await;
    browser.click(".catalog-search button[type=submit]").await;
    browser.until("the search in the URL", url, |v| v == "/categories/tractors?q=tractor").await;
    assert!(browser.count("[data-testid=product-card]").await > 0, "the search found tractors");
    browser.select("[data-testid=sort-select]", "price-desc").await;
    browser.click("[data-testid=sort-submit]").await;
    browser.until("the sort in the URL", url, |v| v == "/categories/tractors?q=tractor&sort=price-desc").await;
    browser.fill("[data-testid=filter-min-price]", "10").await;
    browser.click(".catalog-filters button[type=submit]").await;
    browser
        .until("the filter in the URL", url, |v| {
            v.as_str().is_some_and(|u| u.contains("sort=price-desc") && u.contains("min=10"))
        })
        .await;
    assert_eq!(
        browser.execute("return document.querySelector('[data-testid=filter-min-price]').value").await,
        "10",
        "the page shows the bound it applied"
    );
    browser.goto("/").await;

    // A product, and its variants as links of the same page.
    browser.click("[data-testid=product-card] a[href='/products/1']").await;
    browser.wait_for("[data-testid=add-to-cart]").await;
    if browser.count(".pd-variant").await > 1 {
        browser.click(".pd-variant[aria-pressed=false]").await;
        browser
            .until("the variant in the URL", "return location.search", |v| {
                v.as_str().is_some_and(|s| s.starts_with("?variant="))
            })
            .await;
        browser.wait_for("[data-testid=add-to-cart]").await;
    }
    let name = browser.text(".pd-product h1").await;

    // Add to cart is a form: the cart API answers 303 with the cart page, rendered on the server.
    browser.fill("[data-testid=quantity]", "2").await;
    browser.click("[data-testid=add-to-cart]").await;
    browser.until("the cart page", "return location.pathname", |v| v == "/cart").await;
    browser.wait_for_text("[data-testid=line-quantity]", "2").await;
    assert!(browser.text("[data-testid=cart-line]").await.contains(&name), "the line names the product");
    assert_eq!(browser.text("[data-testid=cart-badge]").await, "2", "the header's summary is the server's too");
    assert_eq!(browser.execute(UNTOUCHED_BY_SCRIPTS).await, true);

    // Reloading the cart page posts nothing again.
    browser.reload().await;
    browser.wait_for_text("[data-testid=line-quantity]", "2").await;

    // A form that comes back says why, on its own page.
    browser.goto("/products/1?problem=stock").await;
    assert_eq!(browser.text("[data-testid=add-problem]").await, "Not added: not that many are in stock.");
    browser.close().await;
}
