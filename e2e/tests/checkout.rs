//! Journeys through identity and checkout in headless Chromium: sign-in merges the guest cart,
//! sign-out resets every remote, the good card places one order, the declined card none, and
//! the card number stays out of every shared channel of the browser.

use e2e::journeys::{fill_address, pay, submit_demo_sign_in, GOOD_CARD};
use e2e::{Browser, Store};
use serde_json::Value;

const BADGE: &str = "[data-testid=cart-badge]";
const PRODUCT_LINK: &str = "[data-testid=product-card] a[href^='/products/']";
const ADD: &str = "[data-testid=add-to-cart]";
const DECLINED_CARD: &str = "4000000000000002";

/// Opens the first in-stock product of the home page and adds it to the cart.
async fn add_a_product(browser: &Browser, expected_badge: &str) {
    browser.goto("/categories/tractors?inStock=true").await;
    browser.click(PRODUCT_LINK).await;
    browser.wait_for(ADD).await;
    browser.click(ADD).await;
    browser.wait_for_text(BADGE, expected_badge).await;
}

/// On the sign-in page: the demo account's credentials, then back to where the visitor was.
async fn sign_in(browser: &Browser) {
    browser.wait_for("[data-testid=sign-in]").await;
    submit_demo_sign_in(browser).await;
    browser.wait_for_text("[data-testid=account-name]", "Demo Shopper").await;
}

/// Records, from page start, every event detail the page dispatches and every request body it
/// sends, to show afterwards what travelled where.
async fn record_channels(browser: &Browser) {
    browser
        .execute(
            "window.__events = []; window.__bodies = [];
             const dispatch = window.dispatchEvent.bind(window);
             window.dispatchEvent = e => { window.__events.push(e.type + ' ' + JSON.stringify(e.detail ?? null)); return dispatch(e); };
             const fetch_ = window.fetch.bind(window);
             window.fetch = (url, init) => { window.__bodies.push([String(url), String(init?.body ?? '')]); return fetch_(url, init); };
             const beacon = navigator.sendBeacon?.bind(navigator);
             if (beacon) navigator.sendBeacon = (url, body) => { window.__bodies.push([String(url), String(body)]); return beacon(url, body); };
             return true",
        )
        .await;
}

/// A guest's cart joins the account's at sign-in; sign-out resets the badge and every remote
/// shows the signed-out state.
#[tokio::test]
async fn sign_in_merges_the_guest_cart_and_sign_out_resets_every_remote() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/sign-in").await;
    sign_in(&browser).await;
    add_a_product(&browser, "1").await;

    browser.click("[data-testid=sign-out]").await;
    browser.wait_for("[data-testid=sign-in-link]").await;
    browser.wait_for_text(BADGE, "0").await;

    // As a guest: one more item, then sign in from the product page and come back to it.
    add_a_product(&browser, "1").await;
    let product = browser.path().await;
    browser.click("[data-testid=sign-in-link]").await;
    sign_in(&browser).await;
    assert_eq!(browser.path().await, product, "sign-in returns to where the visitor was");
    browser.wait_for_text(BADGE, "2").await;
    browser.click("a[href='/cart']").await;
    browser.wait_for("[data-testid=cart-line]").await;
    assert_eq!(browser.count("[data-testid=cart-line]").await, 1, "the same variant merges into one line");
    assert_eq!(browser.text("[data-testid=line-quantity]").await, "2");

    // Signed out on the orders page: the checkout remote is mounted again and sends the
    // visitor to sign in; the header shows a guest with an empty cart.
    browser.goto("/orders").await;
    browser.wait_for("[data-testid=no-orders]").await;
    browser.click("[data-testid=sign-out]").await;
    browser.wait_for("[data-testid=sign-in]").await;
    assert!(browser.path().await.starts_with("/sign-in"), "{}", browser.path().await);
    browser.wait_for_text(BADGE, "0").await;
    let me = browser.execute_async("fetch('/api/me').then(r => r.json()).then(j => arguments[0](j.loggedIn))").await;
    assert_eq!(me, Value::Bool(false));
    browser.close().await;
}

/// Checkout requires sign-in, walks address, payment and review each on its own URL, and the
/// good card ends in one order, an empty badge and `checkout:completed`. The card number is in
/// the payment request and nowhere else.
#[tokio::test]
async fn the_good_card_checks_out_to_a_confirmation_and_an_empty_badge() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    add_a_product(&browser, "1").await;
    browser.goto("/checkout").await;
    record_channels(&browser).await;
    sign_in(&browser).await;
    fill_address(&browser).await;
    assert!(browser.path().await.starts_with("/checkout/payment?session="));
    pay(&browser, GOOD_CARD).await;
    browser.wait_for("[data-testid=review-address]").await;
    assert!(browser.path().await.starts_with("/checkout/review?session="));
    assert!(browser.text(".checkout-review").await.contains("4242"), "the review names the card's last digits");

    // A double click places one order.
    browser
        .execute("const b = document.querySelector('[data-testid=checkout-submit]'); b.click(); b.click(); return 1")
        .await;
    browser.wait_for("[data-testid=order-confirmation]").await;
    let order_id = browser.text("[data-testid=order-id]").await;
    assert!(browser.path().await.starts_with("/checkout/confirmation/"));
    browser.wait_for_text(BADGE, "0").await;
    let events = browser.execute("return window.__events").await.to_string();
    assert!(events.contains("checkout:completed") && events.contains(&order_id), "{events}");

    // Where the card number went: the payment request, nowhere else.
    let bodies = browser.execute("return window.__bodies").await;
    let carrying: Vec<&str> = bodies
        .as_array()
        .map(|b| {
            b.iter()
                .filter(|pair| pair[1].as_str().unwrap_or_default().contains(GOOD_CARD))
                .filter_map(|pair| pair[0].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(carrying, ["/api/payments"], "requests carrying the card: {bodies}");
    assert!(!events.contains(GOOD_CARD), "an event carried the card");
    let places = browser
        .execute(
            "return [location.href, history.length, document.cookie, JSON.stringify({...localStorage}), JSON.stringify({...sessionStorage})].join(' ')",
        )
        .await
        .to_string();
    assert!(!places.contains(GOOD_CARD) && !places.contains("4242 4242"), "{places}");

    browser.goto("/orders").await;
    browser.wait_for("[data-testid=order-row]").await;
    assert_eq!(browser.count("[data-testid=order-row]").await, 1);
    assert!(browser.text("[data-testid=order-row]").await.contains(&order_id));
    if store.renders_on_the_server() {
        // The orders came in the page, rendered by the checkout's server half, and the browser
        // half showed them without asking the API again.
        let served = browser
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 fetch(location.href).then(r => r.text()).then(h => {
                     const s = new DOMParser().parseFromString(h, 'text/html').querySelector('[data-server-rendered^=\"checkout@\"]');
                     done(s ? s.querySelector('[data-testid=order-row]')?.textContent ?? '' : null);
                 });",
            )
            .await;
        assert!(served.as_str().is_some_and(|row| row.contains(&order_id)), "server-rendered orders: {served}");
        let asked = "return performance.getEntriesByType('resource').filter(e => new URL(e.name).pathname === '/api/orders').length";
        assert_eq!(browser.execute(asked).await, 0, "the browser half used the orders the server sent");
    }

    browser.close().await;
    assert!(!store.server_log().contains(GOOD_CARD), "the server logged the card");
    assert!(!store.database_holds(GOOD_CARD).await, "the database holds the card");
    assert!(store.database_holds(&order_id).await, "the check reads the database the order is in");
}

/// The declined test card: a clear message, the payment step again, no order, the cart kept.
#[tokio::test]
async fn the_declined_card_makes_no_order() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/sign-in").await;
    sign_in(&browser).await;
    add_a_product(&browser, "1").await;
    browser.click("a[href='/checkout']").await;
    fill_address(&browser).await;
    pay(&browser, DECLINED_CARD).await;
    let message = browser.text("[data-testid=payment-error]").await;
    assert!(message.contains("declined") && message.contains("No order"), "{message}");
    assert!(browser.path().await.starts_with("/checkout/payment"));
    browser.wait_for_text(BADGE, "1").await;
    browser.goto("/orders").await;
    browser.wait_for("[data-testid=no-orders]").await;
    browser.close().await;
}

/// Theme and locale belong to the shell and reach every remote: German texts and prices after
/// switching, the dark theme kept across a reload.
#[tokio::test]
async fn theme_and_locale_reach_every_remote() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    add_a_product(&browser, "1").await;
    browser.click("[data-testid=theme-toggle]").await;
    assert_eq!(browser.execute("return document.documentElement.dataset.theme").await, "dark");
    browser.select("[data-testid=locale-select]", "de-DE").await;
    browser.wait_for_text("a[href='/checkout']", "Kasse").await;
    browser.click("a[href='/cart']").await;
    browser.wait_for_text(".cart h1", "Ihr Warenkorb").await;
    let total = browser.text("[data-testid=cart-total]").await;
    assert!(total.ends_with('€') && total.contains(','), "a German price: {total}");

    browser.reload().await;
    browser.wait_for_text(".cart h1", "Ihr Warenkorb").await;
    assert_eq!(browser.execute("return document.documentElement.dataset.theme").await, "dark");
    assert_eq!(browser.execute("return document.documentElement.lang").await, "de-DE");
    browser.close().await;
}
