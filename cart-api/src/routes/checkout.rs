//! Checkout sessions, payments and orders. Every route here needs a signed-in session and
//! answers only the owner: another account's ids are "not found".

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use contracts::api::{
    Address, CheckoutSession, Order, OrderSummary, Payment, PaymentRequest, PlaceOrder, StartCheckout,
};

use super::extract::{idempotency_key, Body, Path};
use super::identity::signed_in;
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

pub async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    Body(StartCheckout {}): Body<StartCheckout>,
) -> Result<(StatusCode, Json<CheckoutSession>), ApiError> {
    let (session, user_id) = signed_in(&state, &headers).await?;
    let key = idempotency_key(&headers, &session.id)?;
    let cart_id = cart::cart_id_for(&state.db, &session).await?;
    let (checkout, replayed) = checkout::start(&state.db, &user_id, &cart_id, key.as_ref()).await?;
    Ok((created(replayed), Json(checkout)))
}

pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<CheckoutSession>, ApiError> {
    let (_, user_id) = signed_in(&state, &headers).await?;
    Ok(Json(checkout::get(&state.db, &id, &user_id).await?))
}

pub async fn set_address(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Body(address): Body<Address>,
) -> Result<Json<CheckoutSession>, ApiError> {
    let (_, user_id) = signed_in(&state, &headers).await?;
    Ok(Json(checkout::set_address(&state.db, &id, &user_id, address).await?))
}

pub async fn pay(
    State(state): State<AppState>,
    headers: HeaderMap,
    Body(request): Body<PaymentRequest>,
) -> Result<(StatusCode, Json<Payment>), ApiError> {
    let (session, user_id) = signed_in(&state, &headers).await?;
    let key = idempotency_key(&headers, &session.id)?;
    let (payment, replayed) = payments::authorize(&state.db, &user_id, &request, key.as_ref()).await?;
    Ok((created(replayed), Json(payment)))
}

pub async fn place_order(
    State(state): State<AppState>,
    headers: HeaderMap,
    Body(request): Body<PlaceOrder>,
) -> Result<(StatusCode, Json<Order>), ApiError> {
    let (session, user_id) = signed_in(&state, &headers).await?;
    let key = idempotency_key(&headers, &session.id)?;
    let placed = orders::place(&state.db, &user_id, &request.checkout_session_id, key.as_ref()).await;
    // Placing an order takes stock: the catalogue in memory shows it from the next request on.
    state.catalogue.invalidate();
    let (order, replayed) = placed?;
    Ok((created(replayed), Json(order)))
}

pub async fn list_orders(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<OrderSummary>>, ApiError> {
    let (_, user_id) = signed_in(&state, &headers).await?;
    Ok(Json(orders::list(&state.db, &user_id).await?))
}

pub async fn get_order(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Order>, ApiError> {
    let (_, user_id) = signed_in(&state, &headers).await?;
    Ok(Json(orders::get(&state.db, &id, &user_id).await?))
}
