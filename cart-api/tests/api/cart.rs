//! The cart and its session: server pricing, merging lines, stock, the session cookie,
//! idempotency keys, concurrency, and changing and removing lines.

use std::collections::HashSet;

use contracts::api::{Cart, Product};
use reqwest::{header, StatusCode};
use serde_json::json;

use crate::helpers::{assert_problem, assert_problem_kind, fixture, send, spawn_app, spawn_app_with, visitor};

// Cart and session

/// `(name=value, attributes)` of a `Set-Cookie` header.
fn parse_set_cookie(value: &str) -> ((String, String), Vec<String>) {
    let mut parts = value.split(';').map(str::trim);
    let (name, value) = parts.next().unwrap().split_once('=').unwrap();
    ((name.to_string(), value.to_string()), parts.map(str::to_string).collect())
}

fn assert_session_cookie(response: &reqwest::Response) -> String {
    let cookies: Vec<&str> =
        response.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap()).collect();
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    let ((name, id), attributes) = parse_set_cookie(cookies[0]);
    assert_eq!(name, "store_session");
    assert_eq!(id.len(), 32, "{id}");
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    let attributes: HashSet<String> = attributes.into_iter().collect();
    // Max-Age: the cookie outlives the browser, as long as the session's 30 idle days.
    for wanted in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=2592000"] {
        assert!(attributes.contains(wanted), "{cookies:?} lacks {wanted}");
    }
    id
}

#[tokio::test]
async fn first_cart_visit_sets_an_http_only_session_cookie_and_an_empty_cart() {
    let app = spawn_app().await;
    let response = app.get("/api/cart").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_session_cookie(&response);
    let cart: Cart = response.json().await.unwrap();
    assert!(!cart.cart_id.is_empty());
    assert_eq!((cart.item_count, cart.lines.len()), (0, 0));
    assert_eq!((cart.totals.subtotal.amount, cart.totals.subtotal.currency.as_str()), (0, "EUR"));

    // The same session keeps its cart and gets no new cookie.
    let again = app.get("/api/cart").await;
    assert!(again.headers().get(header::SET_COOKIE).is_none());
    assert_eq!(again.json::<Cart>().await.unwrap(), cart);
}

#[tokio::test]
async fn an_unknown_session_id_gets_a_fresh_session() {
    let app = spawn_app().await;
    // A client without a jar, sending a well-formed id the server never issued.
    let client = reqwest::Client::new();
    let forged = "0123456789abcdef0123456789abcdef";
    let response =
        send(client.get(app.url("/api/cart")).header(header::COOKIE, format!("store_session={forged}"))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let issued = assert_session_cookie(&response);
    assert_ne!(issued, forged, "the server never adopts an id it did not issue");
    let fresh: Cart = response.json().await.unwrap();
    assert_eq!(fresh.item_count, 0);

    // A malformed cookie is ignored the same way.
    let response = send(client.get(app.url("/api/cart")).header(header::COOKIE, "store_session=../../etc")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_session_cookie(&response);
}

#[tokio::test]
async fn a_session_left_idle_for_30_days_is_over() {
    let app = spawn_app().await;
    let cart: Cart = app.add(json!({"productId": 1, "variantId": "red", "quantity": 1})).await.json().await.unwrap();
    let db = crate::helpers::open_database(&app.database.url).await;
    let day = 24 * 60 * 60 * 1000_i64;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let last_used = |at: i64| {
        let db = db.clone();
        async move { sqlx::query("UPDATE sessions SET seen_at = $1").bind(at).execute(&db).await.unwrap() }
    };

    // Idle for 29 days: still the visitor's, and this visit counts as a use: the cookie comes
    // again, good for another 30 days.
    last_used(now - 29 * day).await;
    let response = app.get("/api/cart").await;
    assert_session_cookie(&response);
    assert_eq!(response.json::<Cart>().await.unwrap(), cart);
    let seen: i64 = sqlx::query_scalar("SELECT seen_at FROM sessions").fetch_one(&db).await.unwrap();
    assert!(seen >= now, "the visit renews the session");

    // Idle for 31 days: over. The visitor goes on as a new guest, with an empty cart.
    last_used(now - 31 * day).await;
    let response = app.get("/api/cart").await;
    assert_session_cookie(&response);
    let fresh: Cart = response.json().await.unwrap();
    assert_ne!(fresh.cart_id, cart.cart_id);
    assert_eq!(fresh.item_count, 0);
}

#[tokio::test]
async fn adding_an_item_is_priced_by_the_server() {
    let app = spawn_app().await;
    let product: Product = app.get("/api/products/1").await.json().await.unwrap();

    // The first request of this visitor is the add: it opens the session too.
    let response = app.add(json!({"productId": 1, "variantId": "red", "quantity": 2})).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    assert_session_cookie(&response);
    let cart: Cart = response.json().await.unwrap();
    assert_eq!((cart.item_count, cart.lines.len()), (2, 1));
    let line = &cart.lines[0];
    assert_eq!((line.product_id, line.variant_id.as_deref(), line.quantity), (1, Some("red"), 2));
    assert!(line.name.contains(&product.name), "{}", line.name);
    assert_eq!(line.unit_price, product.price);
    assert_eq!(line.line_total.amount, product.price.amount * 2);
    assert_eq!(line.line_total.currency, "EUR");
    assert_eq!(cart.totals.subtotal.amount, product.price.amount * 2);
    assert_eq!(cart.totals.subtotal.currency, "EUR");

    // Persisted within the session.
    let read = app.get("/api/cart").await;
    assert!(read.headers().get(header::SET_COOKIE).is_none());
    assert_eq!(read.json::<Cart>().await.unwrap(), cart);
}

#[tokio::test]
async fn adding_the_same_variant_merges_the_line() {
    let app = spawn_app().await;
    let first: Cart = app.add(json!({"productId": 1, "variantId": "red", "quantity": 2})).await.json().await.unwrap();
    let response = app.add(json!({"productId": 1, "variantId": "red", "quantity": 1})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let merged: Cart = response.json().await.unwrap();
    assert_eq!(merged.cart_id, first.cart_id);
    assert_eq!((merged.item_count, merged.lines.len(), merged.lines[0].quantity), (3, 1, 3));
    assert_eq!(merged.lines[0].line_id, first.lines[0].line_id, "the same line, not a new one");
    assert_eq!(merged.lines[0].line_total.amount, merged.lines[0].unit_price.amount * 3);

    // Another variant is another line; totals add up.
    let two_lines: Cart =
        app.add(json!({"productId": 1, "variantId": "green", "quantity": 1})).await.json().await.unwrap();
    assert_eq!((two_lines.item_count, two_lines.lines.len()), (4, 2));
    assert_eq!(two_lines.totals.subtotal.amount, two_lines.lines.iter().map(|l| l.line_total.amount).sum::<i64>());

    // A single-variant product needs no variantId.
    let single: Cart = app.add(json!({"productId": 2, "quantity": 1})).await.json().await.unwrap();
    let line = single.lines.iter().find(|l| l.product_id == 2).unwrap();
    assert_eq!(line.variant_id.as_deref(), Some("standard"));
    assert_eq!(single.item_count, 5);

    let read: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!(read, single);
}

#[tokio::test]
async fn every_visitor_has_a_cart_of_their_own() {
    let app = spawn_app().await;
    let mine: Cart = app.add(json!({"productId": 1, "variantId": "red", "quantity": 2})).await.json().await.unwrap();

    let other = visitor();
    let response = app.get_as(&other, "/api/cart").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_session_cookie(&response);
    let theirs: Cart = response.json().await.unwrap();
    assert_ne!(theirs.cart_id, mine.cart_id);
    assert_eq!((theirs.item_count, theirs.lines.len()), (0, 0));

    let theirs: Cart = app.add_as(&other, json!({"productId": 2, "quantity": 1})).await.json().await.unwrap();
    assert_eq!(theirs.item_count, 1);
    // Neither add touched the other cart.
    let mine_again: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!(mine_again, mine);
}

#[tokio::test]
async fn refuses_what_the_cart_cannot_hold() {
    let app = spawn_app().await;
    let cases = [
        (json!({"productId": 99999, "quantity": 1}), StatusCode::UNPROCESSABLE_ENTITY, "unknown-item"),
        (
            json!({"productId": 99999, "variantId": "red", "quantity": 1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown-item",
        ),
        (
            json!({"productId": 1, "variantId": "purple", "quantity": 1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown-item",
        ),
        (json!({"productId": 1, "variantId": "blue", "quantity": 1}), StatusCode::CONFLICT, "out-of-stock"),
        (json!({"productId": 1, "variantId": "green", "quantity": 5}), StatusCode::CONFLICT, "out-of-stock"),
        (
            json!({"productId": 1, "variantId": "red", "quantity": 0}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "quantity-limit",
        ),
        (
            json!({"productId": 1, "variantId": "red", "quantity": 100}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "quantity-limit",
        ),
        (json!({"productId": 1, "quantity": 1}), StatusCode::BAD_REQUEST, "bad-request"),
        (json!({"productId": 1, "variantId": null, "quantity": 1}), StatusCode::BAD_REQUEST, "bad-request"),
    ];
    for (body, status, kind) in cases {
        let context = body.to_string();
        assert_problem_kind(app.add(body).await, status, kind, &context).await;
    }
    let cart: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!((cart.item_count, cart.lines.len()), (0, 0), "refused requests changed nothing");
}

#[tokio::test]
async fn stock_counts_what_is_already_in_the_cart() {
    let app = spawn_app().await;
    // 4 green exist.
    assert_eq!(app.add(json!({"productId": 1, "variantId": "green", "quantity": 3})).await.status(), StatusCode::OK);
    assert_eq!(app.add(json!({"productId": 1, "variantId": "green", "quantity": 1})).await.status(), StatusCode::OK);
    let over = app.add(json!({"productId": 1, "variantId": "green", "quantity": 1})).await;
    assert_problem_kind(over, StatusCode::CONFLICT, "out-of-stock", "a fifth green").await;
    // 12 red exist.
    assert_eq!(app.add(json!({"productId": 1, "variantId": "red", "quantity": 10})).await.status(), StatusCode::OK);
    let over = app.add(json!({"productId": 1, "variantId": "red", "quantity": 3})).await;
    assert_problem_kind(over, StatusCode::CONFLICT, "out-of-stock", "10 + 3 red").await;

    let cart: Cart = app.get("/api/cart").await.json().await.unwrap();
    let quantities: Vec<(&str, u32)> =
        cart.lines.iter().map(|l| (l.variant_id.as_deref().unwrap(), l.quantity)).collect();
    assert_eq!(quantities, [("green", 4), ("red", 10)]);
    assert_eq!(cart.item_count, 14);

    // Stock is per visitor's cart: another visitor can still take 4 green.
    let other = visitor();
    assert_eq!(
        app.add_as(&other, json!({"productId": 1, "variantId": "green", "quantity": 4})).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn concurrent_adds_never_exceed_the_stock() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/cart").await.status(), StatusCode::OK); // open the session first
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let request = app
            .client
            .post(app.url("/api/cart/items"))
            .json(&json!({"productId": 1, "variantId": "green", "quantity": 1}));
        tasks.spawn(async move { send(request).await.status() });
    }
    let mut statuses = Vec::new();
    while let Some(status) = tasks.join_next().await {
        statuses.push(status.unwrap());
    }
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let conflict = statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count();
    assert_eq!((ok, conflict), (4, 8), "{statuses:?}");
    let cart: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!((cart.item_count, cart.lines.len()), (4, 1));
}

#[tokio::test]
async fn a_client_cannot_send_a_price() {
    let app = spawn_app().await;
    let response = app
        .add(json!({"productId": 1, "variantId": "red", "quantity": 1, "price": {"amount": 1, "currency": "EUR"}}))
        .await;
    assert!(response.status().is_client_error(), "{}", response.status());
    let status = response.status();
    assert_problem(response, status, "extra price field").await;
    let response = app.add(json!({"productId": 1, "variantId": "red", "quantity": 1, "unitPrice": 1})).await;
    assert!(response.status().is_client_error(), "{}", response.status());
    let cart: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!(cart.item_count, 0, "nothing was added at a client's price");
}

#[tokio::test]
async fn refuses_malformed_bodies_with_problems() {
    let app = spawn_app().await;
    let json = Some("application/json");

    assert_problem(app.post_raw(json, "{nope").await, StatusCode::BAD_REQUEST, "invalid JSON").await;
    assert_problem(app.post_raw(json, "").await, StatusCode::BAD_REQUEST, "empty body").await;
    for body in [
        r#"{"productId":"1","quantity":1}"#,
        r#"{"productId":1,"quantity":-1}"#,
        r#"{"productId":1,"quantity":1.5}"#,
        "[]",
        "null",
        r#"{"quantity":1}"#,
    ] {
        let response = app.post_raw(json, body).await;
        assert!(response.status().is_client_error(), "{body}: {}", response.status());
        let status = response.status();
        assert_problem(response, status, body).await;
    }

    let valid = r#"{"productId":2,"quantity":1}"#;
    let wrong_type = app.post_raw(Some("text/plain"), valid).await;
    assert_problem_kind(wrong_type, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "text/plain").await;
    let form = app.post_raw(Some("application/x-www-form-urlencoded"), "productId=2&quantity=1").await;
    assert_problem(form, StatusCode::UNSUPPORTED_MEDIA_TYPE, "form").await;
    let no_type = app.post_raw(None, valid).await;
    assert_problem(no_type, StatusCode::UNSUPPORTED_MEDIA_TYPE, "no content type").await;

    let cart: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!(cart.item_count, 0, "nothing malformed was added");
}

/// `{"productId":2,"quantity":1}` padded with JSON whitespace to exactly `len` bytes.
fn padded_body(len: usize) -> String {
    let head = r#"{"productId":2,"quantity":1"#;
    let body = format!("{head}{}}}", " ".repeat(len - head.len() - 1));
    assert_eq!(body.len(), len);
    body
}

#[tokio::test]
async fn bodies_over_16_kib_are_refused_with_413() {
    let app = spawn_app().await;
    let json = Some("application/json");
    let too_large = app.post_raw(json, padded_body(16 * 1024 + 1)).await;
    assert_problem_kind(too_large, StatusCode::PAYLOAD_TOO_LARGE, "body-too-large", "16 KiB + 1").await;
    let huge = format!(r#"{{"productId":1,"quantity":1,"pad":"{}"}}"#, "x".repeat(64 * 1024));
    assert_problem_kind(app.post_raw(json, huge).await, StatusCode::PAYLOAD_TOO_LARGE, "body-too-large", "64 KiB")
        .await;

    // 16 KiB itself is allowed.
    let at_limit = app.post_raw(json, padded_body(16 * 1024)).await;
    assert_eq!(at_limit.status(), StatusCode::OK);
    assert_eq!(at_limit.json::<Cart>().await.unwrap().item_count, 1);
}

// Idempotency and concurrency

#[tokio::test]
async fn a_repeated_idempotency_key_replays_without_a_second_effect() {
    let app = spawn_app().await;
    let body = json!({"productId": 1, "variantId": "red", "quantity": 2});
    let add = |key: &str, body: &serde_json::Value| {
        send(app.client.post(app.url("/api/cart/items")).header("idempotency-key", key).json(body))
    };
    let first = add("key-1", &body).await;
    assert_eq!(first.headers()["idempotent-replayed"], "false");
    let first: Cart = first.json().await.unwrap();
    let again = add("key-1", &body).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Cart>().await.unwrap(), first);
    let cart: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!(cart.item_count, 2, "the repeat added nothing");

    let other_body = json!({"productId": 1, "variantId": "red", "quantity": 1});
    assert_problem_kind(
        add("key-1", &other_body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency-key-reused",
        "reused key",
    )
    .await;
    assert_problem_kind(add("", &body).await, StatusCode::BAD_REQUEST, "bad-request", "empty key").await;

    // Keys belong to a session: another visitor's same key is a new request.
    let other = visitor();
    let theirs = send(other.post(app.url("/api/cart/items")).header("idempotency-key", "key-1").json(&body)).await;
    assert_eq!(theirs.headers()["idempotent-replayed"], "false");
}

#[tokio::test]
async fn forty_concurrent_adds_to_one_cart_all_count() {
    let app = spawn_app().await;
    let product = fixture()
        .products
        .into_iter()
        .find(|p| p.stocks.len() == 1 && p.stocks[0].1 >= 40)
        .expect("a well stocked product");
    // Create the session first, so all forty share it.
    let _ = app.get("/api/cart").await;
    let mut adds = tokio::task::JoinSet::new();
    for _ in 0..40 {
        let request =
            app.client.post(app.url("/api/cart/items")).json(&json!({"productId": product.id, "quantity": 1}));
        adds.spawn(async move { send(request).await.status() });
    }
    while let Some(status) = adds.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::OK);
    }
    let cart: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!(cart.item_count, 40);
    assert_eq!(cart.lines.len(), 1);
}

#[tokio::test]
async fn over_https_the_session_cookie_is_a_host_cookie_and_hsts_is_sent() {
    let app = spawn_app_with(true).await;
    let response = app.get("/api/cart").await;
    let hsts = response.headers().get(header::STRICT_TRANSPORT_SECURITY).map(|v| v.to_str().unwrap().to_string());
    assert_eq!(hsts.as_deref(), Some("max-age=63072000; includeSubDomains"));
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap().to_string();
    let ((name, id), attributes) = parse_set_cookie(&cookie);
    assert_eq!(name, "__Host-store_session", "{cookie}");
    // What browsers demand of a __Host- cookie: Secure, Path=/ and no Domain.
    for wanted in ["Secure", "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=2592000"] {
        assert!(attributes.iter().any(|a| a == wanted), "{cookie} lacks {wanted}");
    }
    assert!(!attributes.iter().any(|a| a.starts_with("Domain")), "{cookie}");

    // The session is found under that name, and a plain one (a sibling subdomain could have
    // set it) is not believed.
    let plain = reqwest::Client::new();
    let again =
        send(plain.get(app.url("/api/cart")).header(header::COOKIE, format!("__Host-store_session={id}"))).await;
    assert!(again.headers().get(header::SET_COOKIE).is_none());
    let tossed = send(plain.get(app.url("/api/cart")).header(header::COOKIE, format!("store_session={id}"))).await;
    let fresh = tossed.headers()[header::SET_COOKIE].to_str().unwrap().to_string();
    assert_ne!(parse_set_cookie(&fresh).0 .1, id, "a plain cookie was believed over HTTPS");

    let plain_app = spawn_app().await;
    let response = plain_app.get("/api/cart").await;
    assert!(response.headers().get(header::STRICT_TRANSPORT_SECURITY).is_none());
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("store_session=") && !cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn a_renewed_session_gets_its_cookie_again_with_a_fresh_max_age() {
    let app = spawn_app().await;
    let id = assert_session_cookie(&app.get("/api/cart").await);
    // Last seen two hours ago: this visit renews the session, and with it the cookie.
    let db = crate::helpers::open_database(&app.database.url).await;
    sqlx::query("UPDATE sessions SET seen_at = seen_at - 7200000").execute(&db).await.unwrap();
    let renewed = app.get("/api/cart").await;
    assert_eq!(assert_session_cookie(&renewed), id);
    // Renewed within the hour: no cookie again.
    assert!(app.get("/api/cart").await.headers().get(header::SET_COOKIE).is_none());
}

// Changing and removing lines

#[tokio::test]
async fn lines_can_be_changed_and_removed_only_by_their_owner() {
    let app = spawn_app().await;
    let cart: Cart = app.add(json!({"productId": 1, "variantId": "red", "quantity": 1})).await.json().await.unwrap();
    let line = cart.lines[0].line_id.clone();
    let url = app.url(&format!("/api/cart/items/{line}"));

    let changed: Cart = send(app.client.patch(&url).json(&json!({"quantity": 5}))).await.json().await.unwrap();
    assert_eq!((changed.item_count, changed.lines[0].quantity), (5, 5));
    assert_eq!(changed.totals.subtotal.amount, changed.lines[0].unit_price.amount * 5);
    assert_problem_kind(
        send(app.client.patch(&url).json(&json!({"quantity": 13}))).await,
        StatusCode::CONFLICT,
        "out-of-stock",
        "over stock",
    )
    .await;
    assert_problem_kind(
        send(app.client.patch(&url).json(&json!({"quantity": 0}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "quantity-limit",
        "zero",
    )
    .await;

    // Another visitor can neither change nor remove it.
    let other = visitor();
    let _ = send(other.get(app.url("/api/cart"))).await;
    assert_problem_kind(
        send(other.patch(&url).json(&json!({"quantity": 1}))).await,
        StatusCode::NOT_FOUND,
        "not-found",
        "foreign patch",
    )
    .await;
    assert_problem_kind(send(other.delete(&url)).await, StatusCode::NOT_FOUND, "not-found", "foreign delete").await;
    assert_problem_kind(send(visitor().delete(&url)).await, StatusCode::NOT_FOUND, "not-found", "no session").await;
    let mine: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!(mine.item_count, 5, "nothing changed");

    let emptied: Cart = send(app.client.delete(&url)).await.json().await.unwrap();
    assert_eq!((emptied.item_count, emptied.lines.len(), emptied.totals.subtotal.amount), (0, 0, 0));
    assert_problem_kind(send(app.client.delete(&url)).await, StatusCode::NOT_FOUND, "not-found", "gone").await;
}

/// A cart holds a bounded number of lines: the 51st different variant is refused and changes
/// nothing.
#[tokio::test]
async fn a_cart_holds_at_most_fifty_lines() {
    let app = spawn_app().await;
    let in_stock: Vec<(u32, String)> = fixture()
        .products
        .iter()
        .flat_map(|p| p.stocks.iter().filter(|(_, stock)| *stock > 0).map(move |(variant, _)| (p.id, variant.clone())))
        .collect();
    assert!(in_stock.len() > 50, "the fixture has {} in-stock variants", in_stock.len());
    for (product, variant) in &in_stock[..50] {
        let response = app.add(json!({ "productId": product, "variantId": variant, "quantity": 1 })).await;
        assert_eq!(response.status(), StatusCode::OK, "{product}/{variant}");
    }
    let (product, variant) = &in_stock[50];
    let refused = app.add(json!({ "productId": product, "variantId": variant, "quantity": 1 })).await;
    assert_problem_kind(refused, StatusCode::UNPROCESSABLE_ENTITY, "quantity-limit", "51st line").await;
    let cart: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!((cart.lines.len(), cart.item_count), (50, 50));
    // More of a variant already in the cart is still fine.
    let (product, variant) = &in_stock[0];
    let more = app.add(json!({ "productId": product, "variantId": variant, "quantity": 1 })).await;
    assert_eq!(more.status(), StatusCode::OK);
}
