//! The cart API calls of this remote. Writes that must happen once (starting a checkout, paying,
//! placing the order) carry an `Idempotency-Key`, reused if the request is retried.

use contracts::api::{
    Address, Cart, CheckoutSession, Order, OrderSummary, Payment, PaymentRequest, PlaceOrder, StartCheckout,
};
use contracts::browser::http::{get_json, send_json, send_json_once, HttpError};
use contracts::routes::encode_component;

pub async fn start(trace_id: &str) -> Result<CheckoutSession, HttpError> {
    send_json_once("POST", "/api/checkout/sessions", &StartCheckout {}, trace_id).await
}

pub async fn session(id: &str) -> Result<CheckoutSession, HttpError> {
    get_json(&format!("/api/checkout/sessions/{}", encode_component(id))).await
}

pub async fn set_address(id: &str, address: &Address, trace_id: &str) -> Result<CheckoutSession, HttpError> {
    send_json("PUT", &format!("/api/checkout/sessions/{}/address", encode_component(id)), address, trace_id).await
}

/// The card goes from the form to the payment provider in cart-api, and nowhere else.
pub async fn pay(request: &PaymentRequest, trace_id: &str) -> Result<Payment, HttpError> {
    send_json_once("POST", "/api/payments", request, trace_id).await
}

pub async fn place_order(checkout_session_id: &str, trace_id: &str) -> Result<Order, HttpError> {
    let body = PlaceOrder { checkout_session_id: checkout_session_id.to_string() };
    send_json_once("POST", "/api/orders", &body, trace_id).await
}

pub async fn orders() -> Result<Vec<OrderSummary>, HttpError> {
    get_json("/api/orders").await
}

pub async fn order(id: &str) -> Result<Order, HttpError> {
    get_json(&format!("/api/orders/{}", encode_component(id))).await
}

/// The cart as the server has it now (after an order: empty).
pub async fn cart() -> Result<Cart, HttpError> {
    get_json(contracts::routes::CART_API).await
}
