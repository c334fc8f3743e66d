//! Seeing the communication, in headless Chromium: the event inspector's log and its sequence
//! diagram of each user action, and the guided tours for interviews.

use e2e::journeys::{check_out_as_demo_to_review, place_order, submit_demo_sign_in};
use e2e::{Browser, Store};

const BADGE: &str = "[data-testid=cart-badge]";
const PRODUCT_LINK: &str = "[data-testid=product-card] a[href^='/products/']";
const ADD: &str = "[data-testid=add-to-cart]";
const CART_LINE: &str = "[data-testid=cart-line]";
const TOUR: &str = "[data-testid=tour]";

/// Malformed or hostile events change nothing: the badge keeps the API's count and the
/// inspector shows them as rejected.
#[tokio::test]
async fn bad_events_are_ignored_and_reported() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/?debug=events").await;
    browser.wait_for("[data-testid=event-inspector]").await;
    browser.wait_for_text(BADGE, "0").await;
    browser
        .execute(
            r#"
            const send = detail => window.dispatchEvent(new CustomEvent('cart:updated', { detail }));
            let n = 0;
            const envelope = (version, payload) => ({ name: 'cart:updated', version, publisher: 'evil@1', id: 'bad' + (n++), time: Date.now(), traceId: '', payload });
            send(envelope(2, { cartId: 'c', itemCount: 99 }));
            send(envelope(1, { cartId: 'c', itemCount: -5 }));
            send(envelope(1, { cartId: 'c', itemCount: '7' }));
            send(envelope(1, { cartId: 'c' }));
            send('not an object');
            send(null);
            "#,
        )
        .await;
    browser
        .until("6 rejections", "return document.querySelectorAll('[data-testid=consumer-rejected]').length", |v| {
            v.as_u64() >= Some(6)
        })
        .await;
    browser.wait_for_text(BADGE, "0").await;
    browser.close().await;
}

/// The inspector draws the add-to-cart sequence from what happened: the remote, its API call
/// with the server's time, the event, and the consumers (header and analytics) that handled it;
/// as an SVG sequence diagram, as a numbered list, step by step and as Mermaid text.
#[tokio::test]
async fn the_inspector_shows_the_add_to_cart_sequence() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/products/1?debug=events").await;
    browser.wait_for("[data-testid=event-inspector]").await;
    browser.click(ADD).await;
    browser.wait_for_text(BADGE, "1").await;
    browser.click("[data-testid=event-inspector] .inspector-tab:nth-of-type(2)").await;
    let steps = "return [...document.querySelectorAll('[data-testid=sequence-step]')].map(s => s.textContent)";
    let has_all = |v: &serde_json::Value| {
        let text = v
            .as_array()
            .map(|a| a.iter().filter_map(|s| s.as_str()).collect::<Vec<_>>().join("\n"))
            .unwrap_or_default();
        [
            "User → product-details: acts",
            "product-details → Cart API: POST /api/cart/items",
            "Cart API → product-details: 200 · server",
            "product-details → window: cart:updated v1",
            "window → cart-summary: handles cart:updated",
            "window → analytics: handles cart:item-added",
        ]
        .iter()
        .all(|s| text.contains(s))
    };
    browser.until("the whole sequence", steps, has_all).await;

    // The diagram: one lifeline per participant, the arrows in time order with their client time.
    let lifelines = browser
        .execute("return [...document.querySelectorAll('[data-testid=sequence-diagram] [data-participant]')].map(p => p.dataset.participant)")
        .await;
    let lifelines: Vec<&str> = lifelines.as_array().unwrap().iter().filter_map(|p| p.as_str()).collect();
    assert_eq!(lifelines[..4], ["User", "product-details", "Cart API", "window"], "{lifelines:?}");
    assert!(lifelines.contains(&"cart-summary") && lifelines.contains(&"analytics"), "{lifelines:?}");
    let arrows = browser
        .execute("return [...document.querySelectorAll('svg[data-testid=sequence-diagram] [data-message]')].map(a => [a.dataset.message, Number(a.dataset.ms)])")
        .await;
    let arrows: Vec<(String, f64)> = serde_json::from_value(arrows).unwrap();
    let labels: Vec<&str> = arrows.iter().map(|(label, _)| label.as_str()).collect();
    assert_eq!(labels[..2], ["acts", "POST /api/cart/items"], "{labels:?}");
    assert!(labels[2].starts_with("200 · server "), "{labels:?}");
    assert!(labels.contains(&"cart:updated v1") && labels.contains(&"handles cart:updated"), "{labels:?}");
    let times: Vec<f64> = arrows.iter().map(|(_, ms)| *ms).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "time runs down the diagram: {times:?}");
    assert!(times[2] > 0.0, "the answer came after the request: {times:?}");

    // Step through: the highlighted arrow and what travelled.
    browser.click("[data-testid=sequence-next]").await;
    browser.click("[data-testid=sequence-next]").await;
    let current = browser.text("[data-testid=sequence-current]").await;
    assert!(
        current.starts_with(&format!("Step 2 of {}: product-details → Cart API: POST /api/cart/items", arrows.len())),
        "{current}"
    );
    assert_eq!(browser.count("svg [data-message].seq-current").await, 1);
    let index = browser.execute("return [...document.querySelectorAll('svg [data-message]')].findIndex(a => a.classList.contains('seq-current'))").await;
    assert_eq!(index, 1);

    // The same diagram as Mermaid text.
    browser.click("[data-testid=sequence-export]").await;
    let mermaid = browser.text("[data-testid=sequence-mermaid]").await;
    assert!(mermaid.starts_with("sequenceDiagram"), "{mermaid}");
    assert!(
        mermaid.contains("participant p1 as product-details") && mermaid.contains("p1->>p2: POST /api/cart/items"),
        "{mermaid}"
    );
    assert_eq!(mermaid.lines().filter(|l| l.contains(": ")).count(), arrows.len(), "{mermaid}");

    // An event nobody can read is drawn as rejected, with the reason; the add stays one step back.
    browser
        .execute(
            r#"window.dispatchEvent(new CustomEvent('cart:updated', { detail: { name: 'cart:updated', version: 2,
               publisher: 'evil@1', id: 'evil-1', time: Date.now(), traceId: 'evil-trace', payload: { cartId: 'c', itemCount: 99 } } }))"#,
        )
        .await;
    let rejected =
        "return [...document.querySelectorAll('svg .seq-rejected[data-message]')].map(a => a.dataset.message)";
    let rejected = browser.until("a rejected arrow", rejected, |v| v.as_array().is_some_and(|a| !a.is_empty())).await;
    let reason = rejected[0].as_str().unwrap_or_default();
    assert!(reason.starts_with("rejects cart:updated: version 2 is not supported"), "{reason}");
    assert_eq!(browser.count("svg [data-participant=evil]").await, 1);
    browser.wait_for_text(BADGE, "1").await;
    browser.click("[data-testid=sequence-earlier]").await;
    browser
        .until(
            "the add again",
            "return [...document.querySelectorAll('svg [data-message]')].map(a => a.dataset.message)",
            |v| v.as_array().is_some_and(|a| a.iter().any(|m| m == "POST /api/cart/items")),
        )
        .await;

    // The analytics layer sends its batch to the API.
    browser
        .until(
            "an analytics batch",
            "return performance.getEntriesByType('resource').some(e => e.name.endsWith('/api/analytics/events'))",
            |v| v == true,
        )
        .await;
    assert!(store.server_log().contains("/api/analytics/events"));

    // Boundaries: every slot says which team and version owns it.
    browser.click("[data-testid=boundary-toggle]").await;
    let outlined = browser.execute("return document.documentElement.dataset.boundaries + ' ' + document.querySelector('main .remote-slot').dataset.remote + '@' + document.querySelector('main .remote-slot').dataset.version").await;
    assert_eq!(outlined, "on product-details@0.1.0");
    browser.close().await;
}

/// Every action that crosses a boundary is drawn, not only add to cart: a quantity changed on
/// the cart page, and a sign-in through the shell's form, whose event every remote follows.
#[tokio::test]
async fn the_inspector_draws_other_actions_too() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/products/1?variant=red").await;
    browser.click(ADD).await;
    browser.wait_for_text(BADGE, "1").await;
    browser.goto("/cart?debug=events").await;
    browser.wait_for("[data-testid=event-inspector]").await;
    browser.wait_for_count(CART_LINE, 1).await;
    browser.click("[data-testid=quantity-increase]").await;
    browser.wait_for_text(BADGE, "2").await;
    let sequence_tab = "[data-testid=event-inspector] .inspector-tab:nth-of-type(2)";
    browser.click(sequence_tab).await;
    let arrows = "return [...document.querySelectorAll('svg[data-testid=sequence-diagram] [data-message]')].map(a => a.dataset.message)";
    let has = |wanted: &'static [&'static str]| {
        move |v: &serde_json::Value| {
            let labels: Vec<&str> =
                v.as_array().map(|a| a.iter().filter_map(|m| m.as_str()).collect()).unwrap_or_default();
            wanted.iter().all(|w| labels.iter().any(|l| l.starts_with(w)))
        }
    };
    browser
        .until(
            "the quantity change",
            arrows,
            has(&["PATCH /api/cart/items/", "200", "cart:updated v1", "handles cart:updated"]),
        )
        .await;
    assert_eq!(browser.count("svg [data-participant=cart]").await, 1);

    browser.click("[data-testid=sign-in-link]").await;
    browser.wait_for("[data-testid=sign-in]").await;
    submit_demo_sign_in(&browser).await;
    browser.wait_for_text("[data-testid=account-name]", "Demo Shopper").await;
    browser.click(sequence_tab).await;
    browser
        .until(
            "the sign-in",
            arrows,
            has(&["POST /api/session/login", "200", "user:logged-in v1", "mounts again (new identity)"]),
        )
        .await;
    assert_eq!(browser.count("svg [data-participant=shell]").await, 1);
    browser.close().await;
}

/// `?tour=add-to-cart` walks through the article's scenario in the live store: each step
/// singles out its part of the page, waits for the visitor where the scenario needs a click, and
/// goes on by itself when it happened.
#[tokio::test]
async fn the_add_to_cart_tour_follows_the_visitor() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/categories/tractors?inStock=true&tour=add-to-cart").await;
    browser.wait_for(TOUR).await;
    assert!(browser.text(TOUR).await.starts_with("The shell owns the header"), "{}", browser.text(TOUR).await);
    assert_eq!(browser.execute("return document.documentElement.dataset.boundaries").await, "on");
    assert_eq!(browser.count("[data-testid=shell-header][data-tour-focus]").await, 1);
    assert_eq!(browser.count("[data-testid=event-inspector]").await, 0, "the page stays in view");

    browser.click("[data-testid=tour-next]").await;
    browser.wait_for_text(TOUR, "The catalog team owns the product list. Open a product.").await;
    assert_eq!(browser.count(".remote-slot[data-remote=catalog][data-tour-focus]").await, 1);
    assert_eq!(browser.count("[data-testid=tour-next]").await, 0, "this step waits for the visitor");
    browser.click(PRODUCT_LINK).await;
    browser
        .wait_for_text(TOUR, "The product-details team owns this page. Choose a variant and press Add to cart.")
        .await;
    assert_eq!(browser.count(".remote-slot[data-remote=product-details][data-tour-focus]").await, 1);
    browser.click(ADD).await;
    browser.wait_for_text(BADGE, "1").await;
    browser
        .until("the API step", &format!("return document.querySelector('{TOUR}').textContent"), |v| {
            v.as_str().is_some_and(|t| t.contains("POST /api/cart/items"))
        })
        .await;
    browser.click("[data-testid=tour-next]").await;
    browser
        .until("the event step", &format!("return document.querySelector('{TOUR}').textContent"), |v| {
            v.as_str().is_some_and(|t| t.contains("cart:updated v1"))
        })
        .await;
    browser.click("[data-testid=tour-next]").await;
    browser
        .until(
            "the header fragment's step",
            "return document.querySelectorAll('.remote-slot[data-remote=cart-summary][data-tour-focus]').length",
            |v| v == 1,
        )
        .await;
    assert!(browser.text(TOUR).await.contains("cart-summary"));
    assert!(browser.text(".tour-files").await.contains("remotes/cart-summary/src/view.rs"));
    browser.click("[data-testid=tour-next]").await;
    browser.click("[data-testid=tour-next]").await;
    browser
        .until("the end", &format!("return document.querySelector('{TOUR}').textContent"), |v| {
            v.as_str().is_some_and(|t| t.starts_with("Done."))
        })
        .await;
    browser.click(".tour-buttons button").await;
    browser.wait_for("svg[data-testid=sequence-diagram] [data-message='POST /api/cart/items']").await;
    browser.close().await;
}

/// `?tour=search` does the same for URL state: search, sort, Back.
#[tokio::test]
async fn the_search_tour_follows_the_url() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/categories/tractors?tour=search").await;
    browser.wait_for(TOUR).await;
    assert!(browser.text(TOUR).await.starts_with("The catalog keeps what you look at in the URL."));
    browser.fill("[data-testid=search-input]", "tractor").await;
    browser.click(".catalog-search button[type=submit]").await;
    browser.wait_for_text(TOUR, "The query is now in the address bar (?q=…). Choose a sort order.").await;
    browser.select("[data-testid=sort-select]", "price-desc").await;
    browser.wait_for_text(TOUR, "Press the browser's Back button.").await;
    browser.back().await;
    browser
        .until("the last step", &format!("return document.querySelector('{TOUR}').textContent"), |v| {
            v.as_str().is_some_and(|t| t.starts_with("The previous results are back."))
        })
        .await;
    assert_eq!(browser.execute("return location.search").await, "?q=tractor");

    // The inspector starts either tour too.
    browser.goto("/?debug=events").await;
    browser.wait_for("[data-testid=event-inspector]").await;
    browser.click("[data-testid=tour-add-to-cart]").await;
    browser.wait_for(TOUR).await;
    assert!(browser.text(TOUR).await.starts_with("The shell owns the header"));
    browser.close().await;
}

/// Placing an order is drawn as one action: its call, its events, and the navigation to the
/// confirmation page that ends it.
#[tokio::test]
async fn the_inspector_draws_placing_an_order() {
    let store = Store::start().await;
    let browser = Browser::open(&store).await;
    browser.goto("/categories/tractors?inStock=true").await;
    browser.click(PRODUCT_LINK).await;
    browser.click(ADD).await;
    browser.wait_for_text(BADGE, "1").await;
    // The inspector opens only at the end (it would cover the checkout's buttons): the shell
    // keeps every event from the page's start for it.
    check_out_as_demo_to_review(&browser).await;
    place_order(&browser).await;
    browser
        .execute("window.dispatchEvent(new KeyboardEvent('keydown', { altKey: true, shiftKey: true, code: 'KeyE' }))")
        .await;
    browser.wait_for("[data-testid=event-inspector]").await;
    browser.click("[data-testid=event-inspector] .inspector-tab:nth-of-type(2)").await;
    let arrows = "return [...document.querySelectorAll('svg[data-testid=sequence-diagram] [data-message]')].map(a => a.dataset.message)";
    let drawn = browser
        .until("the order's sequence", arrows, |v| {
            let labels: Vec<&str> =
                v.as_array().map(|a| a.iter().filter_map(|m| m.as_str()).collect()).unwrap_or_default();
            ["POST /api/orders", "order:placed v1", "checkout:completed v1", "platform:navigation-requested v1"]
                .iter()
                .all(|w| labels.contains(w))
        })
        .await;
    assert!(drawn.as_array().unwrap().iter().any(|m| m.as_str().is_some_and(|m| m.starts_with("20"))), "{drawn}");
    assert_eq!(browser.count("svg [data-participant=checkout]").await, 1);
    browser.close().await;
}
