//! Steps several journeys (and the screenshots) take the same way: the demo account's sign-in
//! and the three checkout forms. One place, so a changed form is changed once.

use crate::Browser;

/// The card the payment provider's test mode accepts.
pub const GOOD_CARD: &str = "4242424242424242";

const SUBMIT: &str = "[data-testid=checkout-submit]";

/// On a page showing the sign-in form: the demo account's credentials, submitted. Waits for
/// nothing afterwards, because where the visitor lands depends on where they came from.
pub async fn submit_demo_sign_in(browser: &Browser) {
    browser.wait_for("input[name=email]").await;
    browser.fill("input[name=email]", "demo@shop.test").await;
    browser.fill("input[name=password]", "demo-password").await;
    browser.click("[data-testid=sign-in-submit]").await;
}

/// On the address step: a German address, submitted; returns on the payment step.
pub async fn fill_address(browser: &Browser) {
    browser.wait_for("input[name=line1]").await;
    assert!(browser.path().await.starts_with("/checkout/address"), "not on the address step");
    browser.fill("input[name=name]", "Ada Lovelace").await;
    browser.fill("input[name=line1]", "Hauptstraße 1").await;
    browser.fill("input[name=postalCode]", "10115").await;
    browser.fill("input[name=city]", "Berlin").await;
    browser.select("select[name=country]", "DE").await;
    browser.click(SUBMIT).await;
    browser.wait_for("input[name=cardNumber]").await;
}

/// On the payment step: `card`, submitted. Returns at once: a declined card stays on the step.
pub async fn pay(browser: &Browser, card: &str) {
    browser.fill("input[name=cardNumber]", card).await;
    browser.fill("input[name=expiry]", "12/34").await;
    browser.fill("input[name=cvc]", "123").await;
    browser.click(SUBMIT).await;
}

/// With something in the cart: signs in as the demo shopper at the checkout and goes through
/// address and payment to the review step, where the order is not yet placed.
pub async fn check_out_as_demo_to_review(browser: &Browser) {
    browser.goto("/checkout").await;
    submit_demo_sign_in(browser).await;
    fill_address(browser).await;
    pay(browser, GOOD_CARD).await;
    browser.wait_for("[data-testid=review-address]").await;
}

/// On the review step: places the order and waits for its confirmation.
pub async fn place_order(browser: &Browser) {
    browser.click(SUBMIT).await;
    browser.wait_for("[data-testid=order-confirmation]").await;
}
