//! Journeys through the catalog and product details in headless Chromium: filters, sort and
//! pages in the URL, search, variants, stock, the not-found view, "Recently viewed" and locale.

use e2e::{Browser, Store};
use fantoccini::Locator;
use serde_json::Value;

const CARD: &str = "[data-testid=product-card]";
const COUNT: &str = "[data-testid=result-count]";
const MIN_PRICE: &str = "[data-testid=filter-min-price]";
const MAX_PRICE: &str = "[data-testid=filter-max-price]";
const IN_STOCK: &str = "[data-testid=filter-in-stock]";
const VARIANT: &str = "[data-testid=filter-variant]";
const SORT: &str = "[data-testid=sort-select]";
const ADD: &str = "[data-testid=add-to-cart]";
const BADGE: &str = "[data-testid=cart-badge]";
const RECENT: &str = "[data-testid=recently-viewed]";
const RECENT_KEY: &str = "product-details:recently-viewed";
const ENTER: &str = "\u{e007}";

/// The names on the cards, in order.
const NAMES: &str = "return [...document.querySelectorAll('[data-testid=product-card] .catalog-card-name')].map(e => e.textContent.trim())";

/// What the filter form shows: min, max, variant, in stock, sort.
const FORM: &str = r#"
    const v = s => document.querySelector(s);
    return [v('[data-testid=filter-min-price]').value, v('[data-testid=filter-max-price]').value,
            v('[data-testid=filter-variant]').value, v('[data-testid=filter-in-stock]').checked,
            v('[data-testid=sort-select]').value]"#;

async fn select(browser: &Browser, css: &str, value: &str) {
    browser.wait_for(css).await;
    let select = browser.client().find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    select.select_by_value(value).await.unwrap_or_else(|e| panic!("cannot pick {value:?} in {css}: {e}"));
}

async fn type_into(browser: &Browser, css: &str, text: &str) {
    browser.wait_for(css).await;
    let input = browser.client().find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    input.send_keys(text).await.unwrap_or_else(|e| panic!("cannot type into {css}: {e}"));
}

async fn wait_for_path(browser: &Browser, expected: &str) {
    browser
        .until(&format!("the URL {expected}"), "return location.pathname + location.search", |v| {
            v.as_str() == Some(expected)
        })
        .await;
}

/// Waits until the grid shows `n` cards and the count says so, and returns the names.
async fn wait_for_results(browser: &Browser, n: usize) -> Vec<String> {
    browser.wait_for_count(CARD, n).await;
    let count = if n == 1 { "1 product".to_string() } else { format!("{n} products") };
    browser.wait_for_text(COUNT, &count).await;
    names(&browser.execute(NAMES).await)
}

fn names(value: &Value) -> Vec<String> {
    value.as_array().map(|a| a.iter().filter_map(|n| n.as_str().map(String::from)).collect()).unwrap_or_default()
}

async fn form(browser: &Browser) -> Value {
    browser.execute(FORM).await
}

/// A category, then a variant, a price floor and a sort: each a new URL. Reload keeps the view
/// and the form; Back and Forward step through every change.
#[tokio::test]
async fn filters_and_sort_live_in_the_url() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/").await;
    browser.click("a[href='/categories/workwear']").await;
    wait_for_path(&browser, "/categories/workwear").await;
    wait_for_results(&browser, 9).await;

    select(&browser, VARIANT, "xl").await;
    wait_for_path(&browser, "/categories/workwear?variant=xl").await;
    wait_for_results(&browser, 7).await;

    // Major units in the form, minor units in the URL.
    type_into(&browser, MIN_PRICE, &format!("100{ENTER}")).await;
    wait_for_path(&browser, "/categories/workwear?minPrice=10000&variant=xl").await;
    wait_for_results(&browser, 5).await;

    select(&browser, SORT, "price-asc").await;
    let sorted = "/categories/workwear?sort=price-asc&minPrice=10000&variant=xl";
    wait_for_path(&browser, sorted).await;
    browser.until("the cheapest first", NAMES, |v| names(v).first().map(String::as_str) == Some("Flannel Shirt")).await;
    let view = wait_for_results(&browser, 5).await;
    let expected_form = serde_json::json!(["100", "", "xl", false, "price-asc"]);
    assert_eq!(form(&browser).await, expected_form);

    browser.reload().await;
    wait_for_results(&browser, 5).await;
    assert_eq!(browser.path().await, sorted);
    assert_eq!(names(&browser.execute(NAMES).await), view, "the same products in the same order");
    browser.until("the form after reload", FORM, |v| v == &expected_form).await;

    browser.back().await;
    wait_for_path(&browser, "/categories/workwear?minPrice=10000&variant=xl").await;
    browser.until("the form without the sort", FORM, |v| v == &serde_json::json!(["100", "", "xl", false, ""])).await;
    browser.back().await;
    wait_for_path(&browser, "/categories/workwear?variant=xl").await;
    wait_for_results(&browser, 7).await;
    browser.until("the form without the price", FORM, |v| v == &serde_json::json!(["", "", "xl", false, ""])).await;
    browser.back().await;
    wait_for_path(&browser, "/categories/workwear").await;
    wait_for_results(&browser, 9).await;
    browser.until("an empty form", FORM, |v| v == &serde_json::json!(["", "", "", false, ""])).await;
    browser.forward().await;
    wait_for_path(&browser, "/categories/workwear?variant=xl").await;
    browser.forward().await;
    browser.forward().await;
    wait_for_path(&browser, sorted).await;
    browser.until("the sorted view again", NAMES, |v| names(v) == view).await;
    browser.until("the whole form again", FORM, |v| v == &expected_form).await;
    browser.close().await;
}

/// In stock only, then the next page: reload stays on that page, Back returns to the first.
#[tokio::test]
async fn pages_of_a_filtered_listing() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/").await;
    browser.wait_for_text(COUNT, "48 products").await;
    assert_eq!(browser.count("[data-testid=prev-page]").await, 0, "no previous page on the first");
    browser.click(IN_STOCK).await;
    wait_for_path(&browser, "/?inStock=true").await;
    // Five products are sold out in every variant.
    browser.wait_for_text(COUNT, "43 products").await;
    let first_page = names(&browser.execute(NAMES).await);

    browser.click("[data-testid=next-page]").await;
    wait_for_path(&browser, "/?inStock=true&page=2").await;
    browser.until("page 2's products", NAMES, |v| !names(v).is_empty() && names(v) != first_page).await;
    let second_page = names(&browser.execute(NAMES).await);
    browser.wait_for("[data-testid=prev-page]").await;

    browser.reload().await;
    browser.wait_for_text(COUNT, "43 products").await;
    assert_eq!(browser.path().await, "/?inStock=true&page=2");
    browser.until("page 2 after reload", NAMES, |v| names(v) == second_page).await;
    assert_eq!(browser.execute(&format!("return document.querySelector('{IN_STOCK}').checked")).await, true);

    browser.back().await;
    wait_for_path(&browser, "/?inStock=true").await;
    browser.until("page 1 again", NAMES, |v| names(v) == first_page).await;
    browser.back().await;
    wait_for_path(&browser, "/").await;
    browser.wait_for_text(COUNT, "48 products").await;
    browser.close().await;
}

/// A price range the wrong way round is refused in the form, without a new URL.
#[tokio::test]
async fn a_reversed_price_range_is_refused() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/categories/tractors?minPrice=5000000").await;
    wait_for_results(&browser, 4).await;
    type_into(&browser, MAX_PRICE, &format!("100{ENTER}")).await;
    browser
        .until("the complaint", "return document.querySelector('[data-testid=filter-problem]').textContent", |v| {
            v.as_str().is_some_and(|s| s.contains("minimum price is above"))
        })
        .await;
    assert_eq!(browser.path().await, "/categories/tractors?minPrice=5000000");
    assert_eq!(
        browser.execute(&format!("return document.querySelector('{MAX_PRICE}').getAttribute('aria-invalid')")).await,
        "true"
    );
    assert_eq!(
        browser.execute(&format!("return document.querySelector('{MAX_PRICE}').value")).await,
        "100",
        "what was typed stays"
    );
    assert_eq!(browser.count(CARD).await, 4);
    browser.close().await;
}

/// A search link shows its matches and the search box holds the query.
#[tokio::test]
async fn a_search_url_shows_its_matches() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/search?q=field").await;
    let found = wait_for_results(&browser, 2).await;
    assert_eq!(found, ["Amber Field 45", "Waxed Field Jacket"]);
    browser
        .until("the query in the search box", "return document.querySelector('#catalog-q').value", |v| v == "field")
        .await;
    assert_eq!(browser.text("h1.catalog-title").await, "Results for “field”");

    browser.goto("/search?q=no-such-thing").await;
    browser.wait_for("[data-testid=catalog-empty]").await;
    browser.wait_for_text(COUNT, "0 products").await;
    browser.close().await;
}

/// The variant in the URL is the one that goes into the cart.
#[tokio::test]
async fn the_variant_in_the_url_is_the_one_added() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/products/1?variant=green").await;
    browser.wait_for("[data-variant=green][aria-pressed=true]").await;
    browser.wait_for_text("[data-testid=product-stock]", "Only 4 left").await;
    browser.click(ADD).await;
    browser.wait_for_text(BADGE, "1").await;
    browser.click("a[href='/cart']").await;
    browser.wait_for_count("[data-testid=cart-line]", 1).await;
    let line = browser.text("[data-testid=cart-line]").await;
    assert!(line.contains("Amber Field 45") && line.contains("Green"), "the cart line names the variant: {line}");
    browser.close().await;
}

/// A sold-out variant cannot be added and says why; choosing it replaces the history entry.
/// An unknown product shows the not-found view.
#[tokio::test]
async fn sold_out_variants_and_unknown_products() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/products/1").await;
    browser.wait_for(ADD).await;
    let history = browser.execute("return history.length").await;
    browser.click("[data-variant=blue]").await;
    wait_for_path(&browser, "/products/1?variant=blue").await;
    assert_eq!(browser.execute("return history.length").await, history, "choosing a variant replaces the entry");
    browser.wait_for_text("[data-testid=product-stock]", "Out of stock").await;
    browser
        .until("a disabled button", &format!("return document.querySelector('{ADD}').disabled"), |v| v == true)
        .await;
    let reason = browser.text("[data-testid=add-disabled-reason]").await;
    assert!(reason.contains("sold out"), "{reason}");
    assert_eq!(
        browser.execute(&format!("return document.querySelector('{ADD}').getAttribute('aria-describedby')")).await,
        "pd-add-reason"
    );
    // Even a scripted click adds nothing.
    browser.execute(&format!("document.querySelector('{ADD}').click(); return 1")).await;
    browser.wait_for_text(BADGE, "0").await;

    // The quantity follows the stock of the chosen variant.
    browser.click("[data-variant=green]").await;
    wait_for_path(&browser, "/products/1?variant=green").await;
    browser
        .until("the quantity's limit", "return document.querySelector('[data-testid=quantity]').max", |v| v == "4")
        .await;
    // Backspace over the 1, then 9, then Tab away (which commits the field).
    type_into(&browser, "[data-testid=quantity]", "\u{e003}9\u{e004}").await;
    browser
        .until("a clamped quantity", "return document.querySelector('[data-testid=quantity]').value", |v| v == "4")
        .await;
    browser.click(ADD).await;
    browser.wait_for_text(BADGE, "4").await;

    for unknown in ["/products/9999", "/products/abc"] {
        browser.goto(unknown).await;
        browser.wait_for("[data-testid=product-not-found]").await;
        assert_eq!(browser.count(ADD).await, 0, "{unknown}");
    }
    browser.close().await;
}

/// A product viewed before shows in the strip of the next one; storage holds its id only, and
/// junk in that key is ignored.
#[tokio::test]
async fn recently_viewed_keeps_ids_only() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/products/2").await;
    browser.wait_for(ADD).await;
    assert_eq!(browser.count(RECENT).await, 0, "nothing viewed before");
    browser
        .until("product 2 remembered", &format!("return localStorage.getItem('{RECENT_KEY}')"), |v| v == "[2]")
        .await;

    browser.goto("/products/5").await;
    browser.wait_for(RECENT).await;
    browser.wait_for_count(&format!("{RECENT} a[href='/products/2']"), 1).await;
    assert!(browser.text(RECENT).await.contains("Prairie Runner 60"), "the name comes from the API");
    browser.until("both remembered", &format!("return localStorage.getItem('{RECENT_KEY}')"), |v| v == "[5,2]").await;
    let keys = browser.execute("return Object.keys(localStorage).concat(Object.keys(sessionStorage))").await;
    for key in keys.as_array().expect("keys") {
        assert!(
            [RECENT_KEY, "shell:theme"].contains(&key.as_str().unwrap_or_default()),
            "unexpected storage key {key}"
        );
    }

    // Following the strip's link moves to that product and it leads the list.
    browser.click(&format!("{RECENT} a[href='/products/2']")).await;
    wait_for_path(&browser, "/products/2").await;
    browser.wait_for_count(&format!("{RECENT} a[href='/products/5']"), 1).await;
    browser.until("2 first again", &format!("return localStorage.getItem('{RECENT_KEY}')"), |v| v == "[2,5]").await;

    // Junk (a hand edit, another version, a hostile script) is ignored, not trusted.
    browser
        .execute(&format!(r#"localStorage.setItem('{RECENT_KEY}', '[1, "<img src=x onerror=alert(1)>", -3, 99999, {{"id": 4}}, 3.5]'); return 1"#))
        .await;
    browser.goto("/products/7").await;
    browser.wait_for(ADD).await;
    browser.wait_for_count(&format!("{RECENT} a"), 1).await;
    browser.wait_for_count(&format!("{RECENT} a[href='/products/1']"), 1).await;
    // 99999 is no product: it is dropped, and the list is ids again.
    browser.until("a clean list", &format!("return localStorage.getItem('{RECENT_KEY}')"), |v| v == "[7,1]").await;
    browser.execute(&format!("localStorage.setItem('{RECENT_KEY}', 'not json'); return 1")).await;
    browser.goto("/products/8").await;
    browser.wait_for(ADD).await;
    browser.until("a fresh list", &format!("return localStorage.getItem('{RECENT_KEY}')"), |v| v == "[8]").await;
    assert_eq!(browser.count(RECENT).await, 0);
    browser.close().await;
}

/// Both remotes switch their own texts and prices when the shell announces another locale.
#[tokio::test]
async fn texts_and_prices_follow_the_locale() {
    const LOCALE: &str = "[data-testid=locale-select]";
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    let switch = |locale: &str| {
        format!(
            r#"window.dispatchEvent(new CustomEvent('platform:locale-changed', {{ detail: {{
                name: 'platform:locale-changed', version: 1, publisher: 'shell@0.1.0', id: 'l' + Date.now(),
                time: Date.now(), traceId: '', payload: {{ locale: '{locale}' }} }} }})); return 1"#
        )
    };
    browser.goto("/products/1").await;
    browser.wait_for_text(ADD, "Add to cart").await;
    browser.wait_for_text("[data-testid=product-price]", "€42,000.00").await;
    // Through the shell's own control: a synthetic event alone would be undone by any remount,
    // which takes the locale from the shell's context.
    browser.select(LOCALE, "de-DE").await;
    browser.wait_for_text(ADD, "In den Warenkorb").await;
    browser.wait_for_text("[data-testid=product-price]", "42.000,00\u{a0}€").await;
    browser.select(LOCALE, "en-US").await;
    browser.wait_for_text(ADD, "Add to cart").await;

    browser.goto("/categories/tractors?sort=price-asc").await;
    browser.wait_for_text(COUNT, "10 products").await;
    browser.select(LOCALE, "de-DE").await;
    browser.wait_for_text(COUNT, "10 Produkte").await;
    browser.wait_for_text("[data-testid=product-price]", "18.800,00\u{a0}€").await;
    browser.wait_for_text("label[for=catalog-min-price]", "Mindestpreis (EUR)").await;
    // A locale the store does not offer breaks the event's contract: the remote ignores it
    // (and reports that) instead of breaking its price formatting.
    browser.execute(&switch("not a locale")).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(browser.text(COUNT).await, "10 Produkte");
    browser.wait_for_text("[data-testid=product-price]", "18.800,00\u{a0}€").await;
    browser.select(LOCALE, "en-US").await;
    browser.wait_for_text(COUNT, "10 products").await;
    browser.wait_for_text("[data-testid=product-price]", "€18,800.00").await;
    browser.close().await;
}

/// Phones first, as Lighthouse's mobile run sees the page: at 400×860 the header takes two rows,
/// the categories one row that scrolls sideways, the filters are folded under their summary, and
/// a full row of products is on the first screen. Opening the summary shows the filters.
#[tokio::test]
async fn a_phone_sees_products_on_the_first_screen() {
    let store = Store::start().await;
    let browser = Browser::open_phone(&store, 400, 860).await;
    browser.goto("/").await;
    browser.wait_for(CARD).await;
    let layout = browser
        .execute(
            r#"const box = s => document.querySelector(s).getBoundingClientRect();
               const cats = [...document.querySelectorAll('.catalog-categories a')].map(a => a.getBoundingClientRect().top);
               const first = document.querySelectorAll('[data-testid=product-card]');
               return { width: innerWidth, height: innerHeight, header: box('.shell-header').height,
                        categoryRows: new Set(cats.map(Math.round)).size, categories: cats.length,
                        filtersOpen: document.querySelector('.catalog-filter-summary').getAttribute('aria-expanded'),
                        minPriceShown: box('[data-testid=filter-min-price]').height > 0,
                        rowBottom: Math.max(box('[data-testid=product-card]').bottom, first[1].getBoundingClientRect().bottom),
                        rowTop: first[1].getBoundingClientRect().top - box('[data-testid=product-card]').top };"#,
        )
        .await;
    assert_eq!(layout["width"], 400, "{layout}");
    assert!(layout["header"].as_f64().unwrap() <= 100.0, "the header is two rows: {layout}");
    assert!(
        layout["categories"].as_u64().unwrap() > 3 && layout["categoryRows"] == 1,
        "one row of categories: {layout}"
    );
    assert_eq!(layout["filtersOpen"], "false", "{layout}");
    assert_eq!(layout["minPriceShown"], false, "folded filters take no room: {layout}");
    assert_eq!(layout["rowTop"], 0.0, "the first two cards share a row: {layout}");
    assert!(layout["rowBottom"].as_f64().unwrap() <= 860.0, "a full row of products on the first screen: {layout}");

    browser.click(".catalog-filter-summary").await;
    browser
        .until(
            "the filters unfolded",
            "return document.querySelector('[data-testid=filter-min-price]').getBoundingClientRect().height > 0",
            |v| v == true,
        )
        .await;
    browser.close().await;
}
