//! Checkout sessions, payments and orders. Every route here needs a signed-in session and
//! answers only the owner: another account's ids are "not found".

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use contracts::api::{
    Address, CheckoutSession, Order, OrderSummary, Payment, PaymentRequest, PlaceOrder, StartCheckout,
};

use super::extract::{Body, IdempotencyHeader, Path, SignedIn};
use crate::domain::{cart, checkout, orders, payments};
use crate::error::ApiError;
use crate::AppState;

/// 201 for a new resource, 200 when a repeat answered the one made before.
fn created(replayed: bool) -> StatusCode {
    if replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    }
}

#[utoipa::path(
    post, path = "/api/checkout/sessions", tag = "checkout", request_body = StartCheckout, params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retry of the same request answer the first result instead of writing twice (1 to 255 visible ASCII characters)")),
    responses(
        (status = 201, description = "A checkout of the current cart", body = CheckoutSession),
        (status = 200, description = "A retry with the same Idempotency-Key: the checkout made before", body = CheckoutSession),
        (status = 409, description = "empty-cart", body = contracts::api::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn start(
    State(state): State<AppState>,
    SignedIn { session, user_id }: SignedIn,
    idempotency: IdempotencyHeader,
    Body(StartCheckout {}): Body<StartCheckout>,
) -> Result<(StatusCode, Json<CheckoutSession>), ApiError> {
    let key = idempotency.for_session(&session.id)?;
    let cart_id = cart::cart_id_for(&state.db, &session).await?;
    let (checkout, replayed) = checkout::start(&state.db, &user_id, &cart_id, key.as_ref()).await?;
    Ok((created(replayed), Json(checkout)))
}

#[utoipa::path(
    get, path = "/api/checkout/sessions/{id}", tag = "checkout",
    params(("id" = String, Path, description = "The checkout session's id")),
    responses(
        (status = 200, description = "The checkout session (its owner only)", body = CheckoutSession),
        (status = 404, description = "not-found (also another account's session)", body = contracts::api::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    SignedIn { user_id, .. }: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<CheckoutSession>, ApiError> {
    Ok(Json(checkout::get(&state.db, &id, &user_id).await?))
}

#[utoipa::path(
    put, path = "/api/checkout/sessions/{id}/address", tag = "checkout", request_body = Address,
    params(("id" = String, Path, description = "The checkout session's id")),
    responses(
        (status = 200, description = "The checkout session with its address", body = CheckoutSession),
        (status = 404, description = "not-found", body = contracts::api::Problem, content_type = "application/problem+json"),
        (status = 409, description = "checkout-completed", body = contracts::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid-address, naming the field", body = contracts::api::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn set_address(
    State(state): State<AppState>,
    SignedIn { user_id, .. }: SignedIn,
    Path(id): Path<String>,
    Body(address): Body<Address>,
) -> Result<Json<CheckoutSession>, ApiError> {
    Ok(Json(checkout::set_address(&state.db, &id, &user_id, address).await?))
}

#[utoipa::path(
    post, path = "/api/payments", tag = "checkout", request_body = PaymentRequest, params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retry of the same request answer the first result instead of writing twice (1 to 255 visible ASCII characters)")),
    responses(
        (status = 201, description = "The payment is authorized", body = Payment),
        (status = 200, description = "A retry with the same Idempotency-Key: the payment made before", body = Payment),
        (status = 402, description = "payment-declined: nothing was charged", body = contracts::api::Problem, content_type = "application/problem+json"),
        (status = 404, description = "not-found: no such checkout session", body = contracts::api::Problem, content_type = "application/problem+json"),
        (status = 409, description = "checkout-completed, checkout-incomplete or empty-cart", body = contracts::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid-card or idempotency-key-reused", body = contracts::api::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn pay(
    State(state): State<AppState>,
    SignedIn { session, user_id }: SignedIn,
    idempotency: IdempotencyHeader,
    Body(request): Body<PaymentRequest>,
) -> Result<(StatusCode, Json<Payment>), ApiError> {
    let key = idempotency.for_session(&session.id)?;
    let (payment, replayed) = payments::authorize(&state.db, &user_id, &request, key.as_ref()).await?;
    Ok((created(replayed), Json(payment)))
}

#[utoipa::path(
    post, path = "/api/orders", tag = "checkout", request_body = PlaceOrder, params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retry of the same request answer the first result instead of writing twice (1 to 255 visible ASCII characters)")),
    responses(
        (status = 201, description = "The order is placed", body = Order),
        (status = 200, description = "This checkout's order was placed before: the same order", body = Order),
        (status = 404, description = "not-found: no such checkout session", body = contracts::api::Problem, content_type = "application/problem+json"),
        (status = 409, description = "not paid yet, or empty-cart", body = contracts::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "idempotency-key-reused", body = contracts::api::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn place_order(
    State(state): State<AppState>,
    SignedIn { session, user_id }: SignedIn,
    idempotency: IdempotencyHeader,
    Body(request): Body<PlaceOrder>,
) -> Result<(StatusCode, Json<Order>), ApiError> {
    let key = idempotency.for_session(&session.id)?;
    let placed = checkout::place_order(&state.db, &user_id, &request.checkout_session_id, key.as_ref()).await;
    // Placing an order takes stock: the catalogue in memory shows it from the next request on.
    state.catalogue.invalidate();
    let (order, replayed) = placed?;
    Ok((created(replayed), Json(order)))
}

#[utoipa::path(
    get, path = "/api/orders", tag = "checkout",
    responses(
        (status = 200, description = "The signed-in account's orders, newest first", body = [OrderSummary]),
    )
)]
pub async fn list_orders(
    State(state): State<AppState>,
    SignedIn { user_id, .. }: SignedIn,
) -> Result<Json<Vec<OrderSummary>>, ApiError> {
    Ok(Json(orders::list(&state.db, &user_id).await?))
}

#[utoipa::path(
    get, path = "/api/orders/{id}", tag = "checkout",
    params(("id" = String, Path, description = "The order's id")),
    responses(
        (status = 200, description = "The order (its owner only)", body = Order),
        (status = 404, description = "not-found (also another account's order)", body = contracts::api::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_order(
    State(state): State<AppState>,
    SignedIn { user_id, .. }: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<Order>, ApiError> {
    Ok(Json(orders::get(&state.db, &id, &user_id).await?))
}
