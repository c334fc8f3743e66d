//! Adding to the cart without JavaScript: an HTML form, answered with 303.

use contracts::api::Cart;
use reqwest::{header, StatusCode};

use crate::helpers::{assert_problem, fixture, send, spawn_app, TestApp};

// Add to cart without JavaScript (an HTML form, answered with 303)

/// A browser without JavaScript: its own cookies, and redirects left for the test to read.
fn form_visitor() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

async fn post_form(app: &TestApp, client: &reqwest::Client, fields: &[(&str, &str)]) -> reqwest::Response {
    send(client.post(app.url("/cart/items")).form(fields)).await
}

fn location(response: &reqwest::Response) -> &str {
    response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

#[tokio::test]
async fn a_form_adds_to_the_cart_and_sees_the_cart_page_once() {
    let app = spawn_app().await;
    let product = &fixture().products[0];
    let (variant, _) = product.stocks.iter().find(|(_, stock)| *stock >= 2).expect("a variant in stock");
    let id = product.id.to_string();
    let client = form_visitor();
    let fields =
        [("product_id", id.as_str()), ("variant_id", variant), ("quantity", "2"), ("idempotency_key", "form-a")];
    let response = post_form(&app, &client, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/cart");
    assert!(response.headers().contains_key(header::SET_COOKIE), "a new visitor gets a session");

    // The same form sent again (a double click, Back and submit) adds nothing more.
    let again = post_form(&app, &client, &fields).await;
    assert_eq!((again.status(), location(&again)), (StatusCode::SEE_OTHER, "/cart"));
    let cart: Cart = app.get_as(&client, "/api/cart").await.json().await.unwrap();
    assert_eq!(cart.item_count, 2, "one add of two, whatever the number of posts");

    // A new rendering of the form (a new key) adds again, to the same cart.
    let next = [("product_id", id.as_str()), ("variant_id", variant), ("quantity", "1"), ("idempotency_key", "form-b")];
    post_form(&app, &client, &next).await;
    let cart: Cart = app.get_as(&client, "/api/cart").await.json().await.unwrap();
    assert_eq!(cart.item_count, 3);
}

#[tokio::test]
async fn a_form_with_bad_input_goes_back_to_its_page_saying_why() {
    let app = spawn_app().await;
    let product = &fixture().products[0];
    // Below the quantity limit, so that one more than the stock is a stock problem.
    let (variant, stock) =
        product.stocks.iter().find(|(_, stock)| (1..98).contains(stock)).expect("a variant with a little stock");
    let id = product.id.to_string();
    let client = form_visitor();
    let back = |problem: &str| format!("/products/{id}?variant={variant}&problem={problem}");
    let too_many = (stock + 1).to_string();
    for (quantity, problem) in
        [("two", "quantity"), ("0", "quantity"), ("100", "quantity"), (too_many.as_str(), "stock")]
    {
        let fields = [("product_id", id.as_str()), ("variant_id", variant), ("quantity", quantity)];
        let response = post_form(&app, &client, &fields).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "quantity {quantity}");
        assert_eq!(location(&response), back(problem), "quantity {quantity}");
    }
    let unknown = post_form(&app, &client, &[("product_id", "999999"), ("quantity", "1")]).await;
    assert_eq!(location(&unknown), "/products/999999?problem=unknown");
    let nothing = post_form(&app, &client, &[]).await;
    assert_eq!(location(&nothing), "/?problem=unknown");
    let cart: Cart = app.get_as(&client, "/api/cart").await.json().await.unwrap();
    assert_eq!(cart.item_count, 0, "nothing was added");
}

#[tokio::test]
async fn a_form_another_site_sends_is_refused() {
    let app = spawn_app().await;
    let response = send(
        form_visitor()
            .post(app.url("/cart/items"))
            .header(header::ORIGIN, "https://evil.example")
            .form(&[("product_id", "1"), ("quantity", "1")]),
    )
    .await;
    assert_problem(response, StatusCode::FORBIDDEN, "a cross-site form").await;
}
