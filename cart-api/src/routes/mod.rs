//! The HTTP surface: `/api/*` and the front end, with the layers every request passes.

mod analytics;
mod cart;
mod catalog;
mod checkout;
mod extract;
mod forms;
mod identity;
mod openapi;

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::SizeAbove;
use tower_http::compression::{CompressionLayer, CompressionLevel};

use crate::config::Limits;
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::overload::{Busy, Gate};
use crate::AppState;

/// Larger bodies are refused with 413 before they are read.
pub const BODY_LIMIT: usize = 16 * 1024;

/// How long `GET /api/ready` waits for the database.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

pub fn router(state: AppState, metrics: Metrics, remote_origins: &[String], limits: &Limits, compress: bool) -> Router {
    let api = Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/products", get(catalog::list))
        .route("/products/{id}", get(catalog::get))
        .route("/products/{id}/recommendations", get(catalog::recommendations))
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
        .route("/openapi.json", get(openapi::serve))
        .route("/docs", get(openapi::docs_page))
        .route("/docs/{file}", get(openapi::docs))
        .fallback(|| async { ApiError::NotFound("this API route".into()) })
        .method_not_allowed_fallback(|| async {
            ApiError::Rejected(StatusCode::METHOD_NOT_ALLOWED, "this method is not allowed on this route".into())
        });
    let api = if compress { api.layer(compression()) } else { api };

    let [csp, nosniff, referrer, frame, opener] = crate::security::layers(remote_origins);
    let hsts = crate::security::strict_transport_security(state.cookie_secure);
    let secure = state.cookie_secure;
    let admission = Gate::new(limits.max_in_flight, limits.max_in_flight, limits.queue_timeout);
    // The last layer added is the outermost: a request meets trace, headers, admission, the
    // panic guard and the deadline, in that order, before the routes.
    Router::new()
        .nest("/api", api)
        .route(contracts::routes::ADD_TO_CART_FORM, post(forms::add_to_cart))
        // After routing, where the route's template is known: the metrics' label.
        .route_layer(from_fn(crate::metrics::label_route))
        .fallback(crate::frontend::serve)
        .with_state(state)
        .layer(from_fn(crate::security::refuse_cross_site))
        .layer(from_fn(move |request, next| crate::session::session_cookies(secure, request, next)))
        // Through the extractors, so an oversized body is a 413 problem document.
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(from_fn_with_state(limits.request_timeout, deadline))
        .layer(panic_guard())
        .layer(from_fn_with_state(admission, admit))
        .layer(csp)
        .layer(nosniff)
        .layer(referrer)
        .layer(frame)
        .layer(opener)
        .layer(hsts)
        .layer(from_fn_with_state(metrics, crate::telemetry::trace))
}

/// With `COMPRESS_API=true`, JSON answers above [`COMPRESS_ABOVE`] go out compressed when the
/// client accepts it (48 products: 17.2 KB, 2.5 KB in gzip), at the fastest level. Measured
/// with wrk on this machine it costs a third of the throughput of `GET /api/products` (19.2k
/// req/s plain, 13.3k with gzip), so it is off unless asked for. The front end's files are
/// compressed once at build time and are not touched here.
fn compression() -> CompressionLayer<SizeAbove> {
    CompressionLayer::new().quality(CompressionLevel::Fastest).compress_when(SizeAbove::new(COMPRESS_ABOVE))
}

/// Below this many bytes compressing costs more than it saves.
const COMPRESS_ABOVE: u16 = 1024;

/// A panicking handler is answered with a 500 problem; its connection and the process go on.
fn panic_guard() -> CatchPanicLayer<fn(Box<dyn std::any::Any + Send>) -> Response> {
    CatchPanicLayer::custom(|_| ApiError::Panicked.into_response())
}

/// Liveness: the process answers. It does not look at the database, so a database outage does
/// not make an orchestrator restart every process at once.
#[utoipa::path(
    get, path = "/api/health", tag = "operations",
    responses((status = 200, description = "The process answers (liveness)", body = Object))
)]
async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// Readiness: the database answers a cheap query within [`READY_TIMEOUT`]; else 503, and a load
/// balancer sends the shoppers elsewhere until it does again.
#[utoipa::path(
    get, path = "/api/ready", tag = "operations",
    responses(
        (status = 200, description = "The database answers (readiness)", body = Object),
        (status = 503, description = "not-ready: the database does not answer; retry after Retry-After", body = contracts::api::Problem, content_type = "application/problem+json"),
    )
)]
async fn ready(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let probe = sqlx::query("SELECT 1 FROM categories LIMIT 1").execute(&state.db);
    match tokio::time::timeout(READY_TIMEOUT, probe).await {
        Ok(Ok(_)) => Ok(Json(serde_json::json!({ "status": "ready" }))),
        Ok(Err(error)) => {
            tracing::warn!(%error, "not ready");
            Err(ApiError::NotReady)
        }
        Err(_) => {
            tracing::warn!("not ready: the database did not answer in time");
            Err(ApiError::NotReady)
        }
    }
}

/// Every request but the probes takes a turn of the gate for as long as its handler runs.
pub async fn admit(State(gate): State<Gate>, request: Request, next: Next) -> Response {
    // Liveness and readiness answer under any load: an orchestrator that saw them fail would
    // restart or drain a process that is merely busy.
    if matches!(request.uri().path(), "/api/health" | "/api/ready") {
        return next.run(request).await;
    }
    match gate.enter().await {
        Ok(_slot) => next.run(request).await,
        Err(Busy) => ApiError::Overloaded.into_response(),
    }
}

/// Reading the body and answering must end within `REQUEST_TIMEOUT_SECS`: a client that sends
/// its body a byte at a time gets a 408 problem document instead of holding a slot. Dropping the
/// handler rolls back its transaction, so a timed-out write changes nothing.
async fn deadline(State(timeout): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::RequestTimeout.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    use super::*;

    async fn call(router: &Router, path: &str) -> (StatusCode, String, serde_json::Value) {
        let request = Request::builder().uri(path).body(Body::empty()).unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_string());
        let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
        (status, content_type.unwrap_or_default(), serde_json::from_slice(&body).unwrap_or_default())
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_a_500_problem_and_the_router_goes_on() {
        let router = Router::new()
            .route("/boom", get(|| async { panic!("a bug in a handler") as &'static str }))
            .route("/fine", get(health))
            .layer(panic_guard());
        let (status, content_type, problem) = call(&router, "/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(content_type, "application/problem+json");
        assert_eq!(problem["type"], "/problems/internal");
        assert!(problem.get("detail").is_none(), "a panic's message is not shown: {problem}");
        assert_eq!(call(&router, "/fine").await.2["status"], "ok");
    }

    #[tokio::test]
    async fn ready_is_503_while_the_database_does_not_answer() {
        let (_dir, _database, db) = crate::db::test_store().await;
        let state = AppState {
            db: db.clone(),
            dist_dir: "dist".into(),
            cookie_secure: false,
            cors_allow_origin: None,
            trusted_proxies: Vec::new().into(),
            hashing: Gate::new(1, 1, Duration::from_secs(1)),
            catalogue: Default::default(),
            composer: None,
            public_origin: None,
        };
        let router = Router::new().route("/ready", get(ready)).with_state(state);
        assert_eq!(call(&router, "/ready").await.2["status"], "ready");
        db.close().await;
        let (status, content_type, problem) = call(&router, "/ready").await;
        assert_eq!((status, content_type.as_str()), (StatusCode::SERVICE_UNAVAILABLE, "application/problem+json"));
        assert_eq!(problem["type"], "/problems/not-ready");
    }
}
