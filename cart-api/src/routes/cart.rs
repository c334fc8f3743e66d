//! `GET /api/cart`, `POST /api/cart/items`, `PATCH|DELETE /api/cart/items/{lineId}`

use axum::extract::State;
use axum::http::header::ETAG;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use contracts::api::{AddCartItem, Cart, SetQuantity};

use super::extract::{Body, CurrentSession, IdempotencyHeader, IfMatch, Path};
use crate::domain::cart;
use crate::error::ApiError;
use crate::session::{Session, WithSession};
use crate::AppState;

/// A cart answer, with its version as the `ETag` a client sends back in `If-Match`.
pub struct Versioned(pub Cart);

impl IntoResponse for Versioned {
    fn into_response(self) -> Response {
        let etag = HeaderValue::from_str(&format!("\"{}\"", self.0.version)).ok();
        let mut response = Json(self.0).into_response();
        if let Some(etag) = etag {
            response.headers_mut().insert(ETAG, etag);
        }
        response
    }
}

#[utoipa::path(
    get, path = "/api/cart", tag = "cart",
    responses((status = 200, description = "The visitor's cart (a new session and cart for a new visitor); `ETag` is its version", body = Cart))
)]
pub async fn get(State(state): State<AppState>, headers: HeaderMap) -> Result<WithSession<Versioned>, ApiError> {
    let session = Session::get_or_create(&state.db, &headers).await?;
    let cart_id = cart::cart_id_for(&state.db, &session).await?;
    let cart = cart::get(&state.db, &cart_id).await?;
    Ok(WithSession(session, Versioned(cart)))
}

#[utoipa::path(
    post, path = "/api/cart/items", tag = "cart", request_body = AddCartItem,
    params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retry of the same request answer the first result instead of writing twice (1 to 255 visible ASCII characters)"), ("If-Match" = Option<String>, Header, pattern = r#"^(\*|(W/)?"[0-9]+")$"#, description = "The cart version (`ETag`) this change was made against; 412 when the cart has changed since")),
    responses(
        (status = 200, description = "The updated cart; `Idempotent-Replayed: true` when a retry answered the first result", body = Cart),
        (status = 409, description = "out-of-stock", body = contracts::api::Problem, content_type = "application/problem+json"),
        (status = 412, description = "precondition-failed: the cart changed since If-Match", body = contracts::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "unknown-item, quantity-limit or idempotency-key-reused", body = contracts::api::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_item(
    State(state): State<AppState>,
    IfMatch(expected): IfMatch,
    idempotency: IdempotencyHeader,
    CurrentSession(session): CurrentSession,
    Body(item): Body<AddCartItem>,
) -> Result<WithSession<([(HeaderName, &'static str); 1], Versioned)>, ApiError> {
    let (session, written) = match session {
        Some(session) => {
            let key = idempotency.for_session(&session.id)?;
            let cart_id = cart::cart_id_for(&state.db, &session).await?;
            let written = cart::add_item(&state.db, &cart_id, &item, key.as_ref(), expected).await?;
            (session, written)
        }
        None => {
            let key_for = |session_id: &str| idempotency.for_session(session_id);
            cart::add_item_as_new_visitor(&state.db, &item, key_for, expected).await?
        }
    };
    tracing::info!(cart_id = %written.cart.cart_id, item_count = written.cart.item_count, replayed = written.replayed, "item added");
    let replayed = [(HeaderName::from_static("idempotent-replayed"), if written.replayed { "true" } else { "false" })];
    Ok(WithSession(session, (replayed, Versioned(written.cart))))
}

/// The cart of an existing session; without one there is no line to change.
async fn existing_cart(state: &AppState, session: Option<Session>) -> Result<String, ApiError> {
    let session = session.ok_or_else(|| ApiError::NotFound("cart line".into()))?;
    Ok(cart::cart_id_for(&state.db, &session).await?)
}

#[utoipa::path(
    patch, path = "/api/cart/items/{lineId}", tag = "cart", request_body = SetQuantity,
    params(("lineId" = String, Path, description = "The line's id"), ("If-Match" = Option<String>, Header, pattern = r#"^(\*|(W/)?"[0-9]+")$"#, description = "The cart version (`ETag`) this change was made against; 412 when the cart has changed since")),
    responses(
        (status = 200, description = "The updated cart", body = Cart),
        (status = 404, description = "not-found: no such line in this visitor's cart", body = contracts::api::Problem, content_type = "application/problem+json"),
        (status = 409, description = "out-of-stock", body = contracts::api::Problem, content_type = "application/problem+json"),
        (status = 412, description = "precondition-failed: the cart changed since If-Match", body = contracts::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "quantity-limit", body = contracts::api::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn set_quantity(
    State(state): State<AppState>,
    IfMatch(expected): IfMatch,
    CurrentSession(session): CurrentSession,
    Path(line_id): Path<String>,
    Body(change): Body<SetQuantity>,
) -> Result<Versioned, ApiError> {
    let cart_id = existing_cart(&state, session).await?;
    Ok(Versioned(cart::set_quantity(&state.db, &cart_id, &line_id, change.quantity, expected).await?))
}

#[utoipa::path(
    delete, path = "/api/cart/items/{lineId}", tag = "cart",
    params(("lineId" = String, Path, description = "The line's id"), ("If-Match" = Option<String>, Header, pattern = r#"^(\*|(W/)?"[0-9]+")$"#, description = "The cart version (`ETag`) this change was made against; 412 when the cart has changed since")),
    responses(
        (status = 200, description = "The updated cart", body = Cart),
        (status = 404, description = "not-found: no such line in this visitor's cart", body = contracts::api::Problem, content_type = "application/problem+json"),
        (status = 412, description = "precondition-failed: the cart changed since If-Match", body = contracts::api::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn remove_line(
    State(state): State<AppState>,
    IfMatch(expected): IfMatch,
    CurrentSession(session): CurrentSession,
    Path(line_id): Path<String>,
) -> Result<Versioned, ApiError> {
    let cart_id = existing_cart(&state, session).await?;
    Ok(Versioned(cart::remove_line(&state.db, &cart_id, &line_id, expected).await?))
}
