//! `GET /api/cart`, `POST /api/cart/items`

use axum::extract::State;
use axum::http::{HeaderMap, HeaderName};
use axum::Json;
use contracts::api::{AddCartItem, Cart, SetQuantity};

use crate::domain::cart;
use crate::domain::idempotency::IdempotencyKey;
use super::extract::{Body, Path};
use crate::error::ApiError;
use crate::session::{Session, WithSession};
use crate::AppState;

pub async fn get(State(state): State<AppState>, headers: HeaderMap) -> Result<WithSession<Json<Cart>>, ApiError> {
    let session = Session::get_or_create(&state.db, &headers, state.cookie_secure).await?;
    let cart_id = cart::cart_id_for(&state.db, &session.id).await?;
    let cart = cart::get(&state.db, &cart_id).await?;
    Ok(WithSession(session, Json(cart)))
}

pub async fn add_item(
    State(state): State<AppState>,
    headers: HeaderMap,
    Body(item): Body<AddCartItem>,
) -> Result<WithSession<([(HeaderName, &'static str); 1], Json<Cart>)>, ApiError> {
    let session = Session::get_or_create(&state.db, &headers, state.cookie_secure).await?;
    let key = headers
        .get("idempotency-key")
        .map(|v| IdempotencyKey::parse(&session.id, v.to_str().unwrap_or("\u{0}")))
        .transpose()?;
    let cart_id = cart::cart_id_for(&state.db, &session.id).await?;
    let written = cart::add_item(&state.db, &cart_id, &item, key.as_ref()).await?;
    tracing::info!(cart_id = %written.cart.cart_id, item_count = written.cart.item_count, replayed = written.replayed, "item added");
    let replayed = [(HeaderName::from_static("idempotent-replayed"), if written.replayed { "true" } else { "false" })];
    Ok(WithSession(session, (replayed, Json(written.cart))))
}

/// The cart of an existing session; without one there is no line to change.
async fn existing_cart(state: &AppState, headers: &HeaderMap) -> Result<String, ApiError> {
    let session = Session::existing(&state.db, headers)
        .await?
        .ok_or_else(|| ApiError::NotFound("cart line".into()))?;
    cart::cart_id_for(&state.db, &session.id).await
}

pub async fn set_quantity(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(line_id): Path<String>,
    Body(change): Body<SetQuantity>,
) -> Result<Json<Cart>, ApiError> {
    let cart_id = existing_cart(&state, &headers).await?;
    Ok(Json(cart::set_quantity(&state.db, &cart_id, &line_id, change.quantity).await?))
}

pub async fn remove_line(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(line_id): Path<String>,
) -> Result<Json<Cart>, ApiError> {
    let cart_id = existing_cart(&state, &headers).await?;
    Ok(Json(cart::remove_line(&state.db, &cart_id, &line_id).await?))
}
