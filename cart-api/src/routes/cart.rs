//! `GET /api/cart`, `POST /api/cart/items`

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use contracts::api::{AddCartItem, Cart};

use crate::domain::cart;
use super::extract::Body;
use crate::error::ApiError;
use crate::session::{Session, WithSession};
use crate::AppState;

pub async fn get(State(state): State<AppState>, headers: HeaderMap) -> Result<WithSession<Json<Cart>>, ApiError> {
    let session = Session::get_or_create(&state.db, &headers).await?;
    let cart_id = cart::cart_id_for(&state.db, &session.id).await?;
    let cart = cart::get(&state.db, &cart_id).await?;
    Ok(WithSession(session, Json(cart)))
}

pub async fn add_item(
    State(state): State<AppState>,
    headers: HeaderMap,
    Body(item): Body<AddCartItem>,
) -> Result<WithSession<Json<Cart>>, ApiError> {
    let session = Session::get_or_create(&state.db, &headers).await?;
    let cart_id = cart::cart_id_for(&state.db, &session.id).await?;
    let cart = cart::add_item(&state.db, &cart_id, &item).await?;
    tracing::info!(cart_id = %cart.cart_id, item_count = cart.item_count, "item added");
    Ok(WithSession(session, Json(cart)))
}
