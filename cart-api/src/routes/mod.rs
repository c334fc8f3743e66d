//! The HTTP surface: `/api/*` and the front end, with the layers every request passes.

mod analytics;
mod cart;
mod catalog;
mod checkout;
mod extract;
mod identity;

use std::time::Duration;

use axum::http::StatusCode;
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use tower_http::timeout::TimeoutLayer;

use crate::error::ApiError;
use crate::AppState;

/// Larger bodies are refused with 413 before they are read.
pub const BODY_LIMIT: usize = 16 * 1024;

pub fn router(state: AppState, remote_origins: &[String]) -> Router {
    let api = Router::new()
        .route("/health", get(health))
        .route("/products", get(catalog::list))
        .route("/products/{id}", get(catalog::get))
        .route("/categories", get(catalog::categories))
        .route("/cart", get(cart::get))
        .route("/cart/items", post(cart::add_item))
        .route("/cart/items/{line_id}", patch(cart::set_quantity).delete(cart::remove_line))
        .route("/accounts", post(identity::sign_up))
        .route("/session/login", post(identity::login))
        .route("/session/logout", post(identity::logout))
        .route("/me", get(identity::me))
        .route("/checkout/sessions", post(checkout::start))
        .route("/checkout/sessions/{id}", get(checkout::get))
        .route("/checkout/sessions/{id}/address", put(checkout::set_address))
        .route("/payments", post(checkout::pay))
        .route("/orders", get(checkout::list_orders).post(checkout::place_order))
        .route("/orders/{id}", get(checkout::get_order))
        .route("/analytics/events", post(analytics::record))
        .route("/csp-reports", post(crate::security::csp_report))
        .fallback(|| async { ApiError::NotFound("this API route".into()) })
        .method_not_allowed_fallback(|| async {
            ApiError::Rejected(StatusCode::METHOD_NOT_ALLOWED, "this method is not allowed on this route".into())
        });

    let [csp, nosniff, referrer, frame, opener] = crate::security::layers(remote_origins);
    Router::new()
        .nest("/api", api)
        .fallback(crate::frontend::serve)
        .with_state(state)
        .layer(axum::middleware::from_fn(crate::security::refuse_cross_site))
        .layer(csp)
        .layer(nosniff)
        .layer(referrer)
        .layer(frame)
        .layer(opener)
        // Through the extractors, so an oversized body is a 413 problem document.
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(10)))
        .layer(axum::middleware::from_fn(crate::telemetry::trace))
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}
