//! Identity, checkout, payments and orders over HTTP: sign-in and its limits, the guest cart
//! merge, the checkout steps, the test cards, exactly-once orders and who may see what.

use contracts::api::{Cart, CheckoutSession, CheckoutStep, Order, OrderSummary, Payment};
use contracts::context::IdentitySummary;
use reqwest::{header, StatusCode};
use serde_json::json;

use crate::helpers::{assert_problem_kind, send, spawn_app, visitor, TestApp};

const DEMO: (&str, &str) = ("demo@shop.test", "demo-password");
const GOOD_CARD: &str = "4242424242424242";
const DECLINED_CARD: &str = "4000000000000002";

async fn sign_in(app: &TestApp, client: &reqwest::Client, (email, password): (&str, &str)) -> reqwest::Response {
    send(client.post(app.url("/api/session/login")).json(&json!({ "email": email, "password": password }))).await
}

/// A second account, written straight into the database (the API has no sign-up).
async fn create_account(app: &TestApp, email: &str, password: &str) {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let salt = SaltString::encode_b64(b"a test salt 1234").unwrap();
    let hash = argon2::Argon2::default().hash_password(password.as_bytes(), &salt).unwrap().to_string();
    let db = crate::helpers::open_database(&app.database.url).await;
    sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, created_at) VALUES ($1, $2, 'Second', $3, 0)",
    )
    .bind(format!("usr_{}", email.len()))
    .bind(email)
    .bind(hash)
    .execute(&db)
    .await
    .unwrap();
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("store_session="))
        .map(str::to_string)
}

async fn add_first_product(app: &TestApp, client: &reqwest::Client, quantity: u32) -> Cart {
    let product = &app.products("category=tractors&inStock=true").await.items[0];
    let variant = product.variants.iter().find(|v| v.stock >= quantity).unwrap();
    let response =
        app.add_as(client, json!({ "productId": product.id, "variantId": variant.id, "quantity": quantity })).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn cart_of(app: &TestApp, client: &reqwest::Client) -> Cart {
    app.get_as(client, "/api/cart").await.json().await.unwrap()
}

fn address() -> serde_json::Value {
    json!({ "name": "Ada Lovelace", "line1": "Hauptstraße 1", "city": "Berlin", "postalCode": "10115", "country": "DE" })
}

fn card(checkout: &str, number: &str) -> serde_json::Value {
    json!({ "checkoutSessionId": checkout, "cardNumber": number, "expiry": "12/34", "cvc": "123" })
}

/// Signs the demo account in, fills a cart and walks to the review step.
async fn paid_checkout(app: &TestApp, client: &reqwest::Client) -> CheckoutSession {
    assert_eq!(sign_in(app, client, DEMO).await.status(), StatusCode::OK);
    add_first_product(app, client, 2).await;
    let started = send(client.post(app.url("/api/checkout/sessions")).json(&json!({}))).await;
    assert_eq!(started.status(), StatusCode::CREATED);
    let checkout: CheckoutSession = started.json().await.unwrap();
    assert_eq!(checkout.step, CheckoutStep::Address);
    let with_address =
        send(client.put(app.url(&format!("/api/checkout/sessions/{}/address", checkout.id))).json(&address())).await;
    assert_eq!(with_address.status(), StatusCode::OK);
    assert_eq!(with_address.json::<CheckoutSession>().await.unwrap().step, CheckoutStep::Payment);
    let paid = send(client.post(app.url("/api/payments")).json(&card(&checkout.id, GOOD_CARD))).await;
    assert_eq!(paid.status(), StatusCode::CREATED);
    let payment: Payment = paid.json().await.unwrap();
    assert_eq!((payment.status.as_str(), payment.card_last4.as_str()), ("authorized", "4242"));
    let reviewed: CheckoutSession =
        app.get_as(client, &format!("/api/checkout/sessions/{}", checkout.id)).await.json().await.unwrap();
    assert_eq!(reviewed.step, CheckoutStep::Review);
    assert_eq!(payment.amount, reviewed.totals.total);
    reviewed
}

#[tokio::test]
async fn me_is_a_guest_until_sign_in_and_again_after_sign_out() {
    let app = spawn_app().await;
    let guest: IdentitySummary = app.get("/api/me").await.json().await.unwrap();
    assert!(!guest.logged_in && guest.user_id.is_none());

    let response = sign_in(&app, &app.client, DEMO).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = session_cookie(&response).expect("sign-in sets a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let summary: IdentitySummary = response.json().await.unwrap();
    assert!(summary.logged_in);
    assert_eq!(summary.display_name.as_deref(), Some("Demo Shopper"));
    let body = serde_json::to_string(&summary).unwrap();
    assert!(!body.contains("demo@shop.test") && !body.contains("password"), "{body}");
    assert_eq!(app.get("/api/me").await.json::<IdentitySummary>().await.unwrap(), summary);

    let out = send(app.client.post(app.url("/api/session/logout"))).await;
    assert_eq!(out.status(), StatusCode::OK);
    assert!(session_cookie(&out).is_some_and(|c| c.contains("Max-Age=0")), "sign-out clears the cookie");
    assert!(!app.get("/api/me").await.json::<IdentitySummary>().await.unwrap().logged_in);
}

#[tokio::test]
async fn sign_in_rotates_the_session_id_and_ends_the_old_one() {
    let app = spawn_app().await;
    let first = app.get("/api/cart").await;
    let guest_cookie = session_cookie(&first).unwrap();
    let guest_id = guest_cookie.split(';').next().unwrap().to_string();
    let response = sign_in(&app, &app.client, DEMO).await;
    let signed_in_id = session_cookie(&response).unwrap().split(';').next().unwrap().to_string();
    assert_ne!(guest_id, signed_in_id, "a session id seen before sign-in must not carry the account");

    // Someone holding the old id is a stranger, not the signed-in user.
    let stale = send(visitor().get(app.url("/api/me")).header(header::COOKIE, &guest_id)).await;
    assert!(!stale.json::<IdentitySummary>().await.unwrap().logged_in);
}

#[tokio::test]
async fn wrong_credentials_are_401_and_repeated_failures_are_rate_limited() {
    let app = spawn_app().await;
    for attempt in 0..5 {
        let response = sign_in(&app, &app.client, ("demo@shop.test", "wrong")).await;
        assert_problem_kind(response, StatusCode::UNAUTHORIZED, "invalid-credentials", &format!("attempt {attempt}"))
            .await;
    }
    // Even the right password waits now: the account is locked for a while.
    let response = sign_in(&app, &app.client, DEMO).await;
    assert_problem_kind(response, StatusCode::TOO_MANY_REQUESTS, "too-many-attempts", "sixth").await;
    // An unknown account answers exactly like a wrong password.
    let response = sign_in(&app, &visitor(), ("nobody@shop.test", "x")).await;
    assert_problem_kind(response, StatusCode::UNAUTHORIZED, "invalid-credentials", "unknown account").await;
}

#[tokio::test]
async fn the_same_address_is_limited_across_accounts() {
    let app = spawn_app().await;
    for i in 0..20 {
        let response = sign_in(&app, &app.client, (&format!("guess{i}@shop.test"), "x")).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = sign_in(&app, &app.client, DEMO).await;
    assert_problem_kind(response, StatusCode::TOO_MANY_REQUESTS, "too-many-attempts", "address limit").await;
}

/// Behind a trusted load balancer the limit is per forwarded client address; without one, a
/// client cannot dodge the limit by sending `X-Forwarded-For` itself.
#[tokio::test]
async fn the_address_limit_reads_forwarded_for_only_from_trusted_proxies() {
    let guess = |app: &TestApp, i: usize, forwarded: &str| {
        let request = app.client.post(app.url("/api/session/login")).header("x-forwarded-for", forwarded);
        send(request.json(&json!({ "email": format!("guess{i}@shop.test"), "password": "x" })))
    };
    let direct = spawn_app().await;
    for i in 0..20 {
        assert_eq!(guess(&direct, i, &format!("203.0.113.{i}")).await.status(), StatusCode::UNAUTHORIZED);
    }
    let response = guess(&direct, 99, "198.51.100.1").await;
    assert_problem_kind(response, StatusCode::TOO_MANY_REQUESTS, "too-many-attempts", "forged header").await;

    let behind_proxy =
        crate::helpers::spawn_app_configured(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    for i in 0..20 {
        assert_eq!(guess(&behind_proxy, i, "203.0.113.7").await.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = guess(&behind_proxy, 98, "203.0.113.7").await;
    assert_problem_kind(limited, StatusCode::TOO_MANY_REQUESTS, "too-many-attempts", "same client").await;
    let other_client = guess(&behind_proxy, 97, "203.0.113.8").await;
    assert_eq!(other_client.status(), StatusCode::UNAUTHORIZED, "another client behind the same proxy");
}

#[tokio::test]
async fn signing_in_merges_the_guest_cart_into_the_accounts_cart() {
    let app = spawn_app().await;
    // The account already holds one item from an earlier visit.
    let earlier = visitor();
    sign_in(&app, &earlier, DEMO).await;
    let before = add_first_product(&app, &earlier, 1).await;
    assert_eq!(before.item_count, 1);

    // A guest on another device fills a cart, then signs in.
    let guest = add_first_product(&app, &app.client, 2).await;
    assert_eq!(guest.item_count, 2);
    sign_in(&app, &app.client, DEMO).await;
    let merged = cart_of(&app, &app.client).await;
    assert_eq!(merged.item_count, 3, "the guest's lines join the account's: {merged:?}");
    assert_eq!(merged.lines.len(), 1, "the same variant merges into one line");
    assert_eq!(cart_of(&app, &earlier).await.cart_id, merged.cart_id, "both devices see one cart");

    // Signed out, the visitor is a guest again with an empty cart; the account keeps its cart.
    send(app.client.post(app.url("/api/session/logout"))).await;
    assert_eq!(cart_of(&app, &app.client).await.item_count, 0);
    sign_in(&app, &app.client, DEMO).await;
    assert_eq!(cart_of(&app, &app.client).await.item_count, 3);
}

#[tokio::test]
async fn checkout_needs_a_signed_in_session() {
    let app = spawn_app().await;
    add_first_product(&app, &app.client, 1).await;
    let response = send(app.client.post(app.url("/api/checkout/sessions")).json(&json!({}))).await;
    assert_problem_kind(response, StatusCode::UNAUTHORIZED, "sign-in-required", "guest checkout").await;
    for path in ["/api/orders", "/api/orders/ord_1", "/api/checkout/sessions/chk_1"] {
        assert_problem_kind(app.get(path).await, StatusCode::UNAUTHORIZED, "sign-in-required", path).await;
    }
}

#[tokio::test]
async fn an_empty_cart_cannot_be_checked_out() {
    let app = spawn_app().await;
    sign_in(&app, &app.client, DEMO).await;
    let response = send(app.client.post(app.url("/api/checkout/sessions")).json(&json!({}))).await;
    assert_problem_kind(response, StatusCode::CONFLICT, "empty-cart", "empty").await;
}

#[tokio::test]
async fn the_server_validates_the_address_and_names_the_field() {
    let app = spawn_app().await;
    sign_in(&app, &app.client, DEMO).await;
    add_first_product(&app, &app.client, 1).await;
    let checkout: CheckoutSession =
        send(app.client.post(app.url("/api/checkout/sessions")).json(&json!({}))).await.json().await.unwrap();
    let url = app.url(&format!("/api/checkout/sessions/{}/address", checkout.id));
    for (field, value) in [("name", ""), ("postalCode", "12"), ("country", "XX"), ("city", "  ")] {
        let mut body = address();
        body[field] = json!(value);
        let problem = assert_problem_kind(
            send(app.client.put(&url).json(&body)).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-address",
            field,
        )
        .await;
        assert!(problem.detail.unwrap_or_default().starts_with(field));
    }
    let mut extra = address();
    extra["total"] = json!(1);
    assert_eq!(send(app.client.put(&url).json(&extra)).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Paying before giving an address is refused.
    let response = send(app.client.post(app.url("/api/payments")).json(&card(&checkout.id, GOOD_CARD))).await;
    assert_problem_kind(response, StatusCode::CONFLICT, "checkout-incomplete", "no address").await;
}

#[tokio::test]
async fn the_good_card_places_one_order_and_empties_the_cart() {
    let app = spawn_app().await;
    let checkout = paid_checkout(&app, &app.client).await;
    let expected_total = checkout.totals.total.clone();
    assert_eq!(
        checkout.totals.total.amount,
        checkout.totals.subtotal.amount + checkout.totals.shipping.amount + checkout.totals.tax.amount
    );

    let place = || send(app.client.post(app.url("/api/orders")).json(&json!({ "checkoutSessionId": checkout.id })));
    let first = place().await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let order: Order = first.json().await.unwrap();
    assert_eq!((order.status.as_str(), order.card_last4.as_str()), ("confirmed", "4242"));
    assert_eq!(order.totals.total, expected_total);
    assert_eq!(order.lines.iter().map(|l| l.quantity).sum::<u32>(), 2);

    // A double click or a retry answers the same order.
    let again = place().await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.json::<Order>().await.unwrap().order_id, order.order_id);

    assert_eq!(cart_of(&app, &app.client).await.item_count, 0, "placing the order empties the cart");
    let orders: Vec<OrderSummary> = app.get("/api/orders").await.json().await.unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!((orders[0].order_id.as_str(), orders[0].item_count), (order.order_id.as_str(), 2));
    let fetched: Order = app.get(&format!("/api/orders/{}", order.order_id)).await.json().await.unwrap();
    assert_eq!(fetched, order);
    let done: CheckoutSession = app.get(&format!("/api/checkout/sessions/{}", checkout.id)).await.json().await.unwrap();
    assert_eq!((done.step, done.order_id.as_deref()), (CheckoutStep::Completed, Some(order.order_id.as_str())));
}

#[tokio::test]
async fn concurrent_placements_make_exactly_one_order() {
    let app = spawn_app().await;
    let checkout = paid_checkout(&app, &app.client).await;
    let attempts = (0..8)
        .map(|_| send(app.client.post(app.url("/api/orders")).json(&json!({ "checkoutSessionId": checkout.id }))));
    let answers = futures_join(attempts).await;
    let mut ids = Vec::new();
    for response in answers {
        assert!(response.status().is_success(), "{}", response.status());
        ids.push(response.json::<Order>().await.unwrap().order_id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one checkout, one order");
    let orders: Vec<OrderSummary> = app.get("/api/orders").await.json().await.unwrap();
    assert_eq!(orders.len(), 1);
}

async fn futures_join<F: std::future::Future<Output = reqwest::Response> + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<reqwest::Response> {
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

#[tokio::test]
async fn the_declined_card_makes_no_order_and_says_so() {
    let app = spawn_app().await;
    sign_in(&app, &app.client, DEMO).await;
    add_first_product(&app, &app.client, 1).await;
    let checkout: CheckoutSession =
        send(app.client.post(app.url("/api/checkout/sessions")).json(&json!({}))).await.json().await.unwrap();
    send(app.client.put(app.url(&format!("/api/checkout/sessions/{}/address", checkout.id))).json(&address())).await;
    let response = send(app.client.post(app.url("/api/payments")).json(&card(&checkout.id, DECLINED_CARD))).await;
    let problem = assert_problem_kind(response, StatusCode::PAYMENT_REQUIRED, "payment-declined", "declined").await;
    assert!(problem.detail.unwrap_or_default().contains("no order"));
    let place = send(app.client.post(app.url("/api/orders")).json(&json!({ "checkoutSessionId": checkout.id }))).await;
    assert_problem_kind(place, StatusCode::CONFLICT, "checkout-incomplete", "unpaid").await;
    assert!(app.get("/api/orders").await.json::<Vec<OrderSummary>>().await.unwrap().is_empty());
    assert_eq!(cart_of(&app, &app.client).await.item_count, 1, "the cart is kept for another try");

    // Malformed cards never reach the provider.
    for (number, expiry, cvc) in [("1234", "12/34", "123"), (GOOD_CARD, "01/20", "123"), (GOOD_CARD, "12/34", "x")] {
        let body = json!({ "checkoutSessionId": checkout.id, "cardNumber": number, "expiry": expiry, "cvc": cvc });
        let response = send(app.client.post(app.url("/api/payments")).json(&body)).await;
        assert_problem_kind(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid-card", number).await;
    }
}

#[tokio::test]
async fn a_cart_changed_after_payment_must_be_paid_again() {
    let app = spawn_app().await;
    let checkout = paid_checkout(&app, &app.client).await;
    add_first_product(&app, &app.client, 1).await;
    let place = send(app.client.post(app.url("/api/orders")).json(&json!({ "checkoutSessionId": checkout.id }))).await;
    assert_problem_kind(place, StatusCode::CONFLICT, "cart-changed", "changed").await;
    let back: CheckoutSession = app.get(&format!("/api/checkout/sessions/{}", checkout.id)).await.json().await.unwrap();
    assert_eq!(back.step, CheckoutStep::Payment);
    assert_eq!(back.lines.iter().map(|l| l.quantity).sum::<u32>(), 3);
}

#[tokio::test]
async fn idempotency_keys_replay_checkout_payment_and_order() {
    let app = spawn_app().await;
    sign_in(&app, &app.client, DEMO).await;
    add_first_product(&app, &app.client, 1).await;
    let start = || {
        send(app.client.post(app.url("/api/checkout/sessions")).header("Idempotency-Key", "start-1").json(&json!({})))
    };
    let first: CheckoutSession = start().await.json().await.unwrap();
    let again = start().await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.json::<CheckoutSession>().await.unwrap().id, first.id);
    send(app.client.put(app.url(&format!("/api/checkout/sessions/{}/address", first.id))).json(&address())).await;

    let pay = |number: &str| {
        send(
            app.client.post(app.url("/api/payments")).header("Idempotency-Key", "pay-1").json(&card(&first.id, number)),
        )
    };
    let paid: Payment = pay(GOOD_CARD).await.json().await.unwrap();
    let replay = pay(GOOD_CARD).await;
    assert_eq!(replay.status(), StatusCode::OK);
    assert_eq!(replay.json::<Payment>().await.unwrap().payment_id, paid.payment_id);
    assert_problem_kind(
        pay("5555555555554444").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency-key-reused",
        "other card",
    )
    .await;

    let order = || {
        send(
            app.client
                .post(app.url("/api/orders"))
                .header("Idempotency-Key", "order-1")
                .json(&json!({ "checkoutSessionId": first.id })),
        )
    };
    let placed: Order = order().await.json().await.unwrap();
    assert_eq!(order().await.json::<Order>().await.unwrap().order_id, placed.order_id);
}

#[tokio::test]
async fn no_account_sees_another_accounts_checkout_or_orders() {
    let app = spawn_app().await;
    let checkout = paid_checkout(&app, &app.client).await;
    let order: Order = send(app.client.post(app.url("/api/orders")).json(&json!({ "checkoutSessionId": checkout.id })))
        .await
        .json()
        .await
        .unwrap();

    create_account(&app, "second@shop.test", "second-password").await;
    let other = visitor();
    assert_eq!(sign_in(&app, &other, ("second@shop.test", "second-password")).await.status(), StatusCode::OK);
    for path in [format!("/api/orders/{}", order.order_id), format!("/api/checkout/sessions/{}", checkout.id)] {
        assert_problem_kind(app.get_as(&other, &path).await, StatusCode::NOT_FOUND, "not-found", &path).await;
    }
    assert!(app.get_as(&other, "/api/orders").await.json::<Vec<OrderSummary>>().await.unwrap().is_empty());
    let address_change =
        send(other.put(app.url(&format!("/api/checkout/sessions/{}/address", checkout.id))).json(&address())).await;
    assert_eq!(address_change.status(), StatusCode::NOT_FOUND);
    let pay = send(other.post(app.url("/api/payments")).json(&card(&checkout.id, GOOD_CARD))).await;
    assert_eq!(pay.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_card_number_is_not_stored() {
    let app = spawn_app().await;
    let checkout = paid_checkout(&app, &app.client).await;
    send(app.client.post(app.url("/api/orders")).json(&json!({ "checkoutSessionId": checkout.id }))).await;
    assert!(!app.database.holds(GOOD_CARD).await, "the database holds the card number");
    let placed: Vec<OrderSummary> = send(app.client.get(app.url("/api/orders"))).await.json().await.unwrap();
    assert!(app.database.holds(&placed[0].order_id).await, "the check reads the database the order is in");
}

#[tokio::test]
async fn a_stale_if_match_is_412_and_changes_nothing() {
    let app = spawn_app().await;
    let cart = add_first_product(&app, &app.client, 1).await;
    let response = app.get("/api/cart").await;
    let etag = response.headers()[header::ETAG].to_str().unwrap().to_string();
    assert_eq!(etag, format!("\"{}\"", cart.version));

    let line = &cart.lines[0].line_id;
    let url = app.url(&format!("/api/cart/items/{line}"));
    let fresh = send(app.client.patch(&url).header(header::IF_MATCH, &etag).json(&json!({ "quantity": 2 }))).await;
    assert_eq!(fresh.status(), StatusCode::OK);
    let new_etag = fresh.headers()[header::ETAG].to_str().unwrap().to_string();
    assert_ne!(new_etag, etag);

    let stale = send(app.client.patch(&url).header(header::IF_MATCH, &etag).json(&json!({ "quantity": 5 }))).await;
    assert_problem_kind(stale, StatusCode::PRECONDITION_FAILED, "precondition-failed", "stale patch").await;
    let stale_delete = send(app.client.delete(&url).header(header::IF_MATCH, &etag)).await;
    assert_eq!(stale_delete.status(), StatusCode::PRECONDITION_FAILED);
    let stale_add =
        send(app.client.post(app.url("/api/cart/items")).header(header::IF_MATCH, &etag).json(
            &json!({ "productId": cart.lines[0].product_id, "variantId": cart.lines[0].variant_id, "quantity": 1 }),
        ))
        .await;
    assert_eq!(stale_add.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(cart_of(&app, &app.client).await.item_count, 2, "nothing changed");
    assert_eq!(
        send(app.client.patch(&url).header(header::IF_MATCH, "nonsense").json(&json!({ "quantity": 1 })))
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn signing_up_creates_an_account_that_can_sign_in() {
    let app = spawn_app().await;
    add_first_product(&app, &app.client, 1).await;
    let body = json!({ "email": "New@Shop.test", "password": "long enough", "displayName": "New Shopper" });
    let response = send(app.client.post(app.url("/api/accounts")).json(&body)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let summary: IdentitySummary = response.json().await.unwrap();
    assert_eq!((summary.logged_in, summary.display_name.as_deref()), (true, Some("New Shopper")));
    assert_eq!(cart_of(&app, &app.client).await.item_count, 1, "the guest cart comes along");

    let again = send(visitor().post(app.url("/api/accounts")).json(&body)).await;
    assert_problem_kind(again, StatusCode::CONFLICT, "account-exists", "same e-mail").await;
    let other = visitor();
    assert_eq!(sign_in(&app, &other, ("new@shop.test", "long enough")).await.status(), StatusCode::OK);
    for (field, value) in [("email", "no-at-sign"), ("password", "short"), ("displayName", "")] {
        let mut bad = json!({ "email": "x@shop.test", "password": "long enough", "displayName": "X" });
        bad[field] = json!(value);
        let response = send(visitor().post(app.url("/api/accounts")).json(&bad)).await;
        let problem = assert_problem_kind(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid-account", field).await;
        assert!(problem.detail.unwrap_or_default().starts_with(field));
    }
}
