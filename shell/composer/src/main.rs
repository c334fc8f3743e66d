//! The composer's process: `POST /compose` (a `ComposeRequest`) answers the page's HTML.
//!
//! Settings (environment): `ADDR` (default `127.0.0.1:0`, a free port; the address is printed
//! as `composer listening on http://…`), `FRAGMENT_BUDGET_MS` (default 250): how long any one
//! fragment may take before its slot is left to the browser.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use composer::fragments::{server_timing, Composer, Outcome};
use contracts::fragment::{ComposeRequest, COMPOSE_PATH};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:0".into());
    let budget = match std::env::var("FRAGMENT_BUDGET_MS") {
        Ok(ms) => ms
            .parse()
            .map_err(|_| std::io::Error::other(format!("FRAGMENT_BUDGET_MS={ms:?} is not a number of milliseconds")))?,
        Err(_) => 250,
    };
    let composer = Arc::new(Composer::new(Duration::from_millis(budget)));
    let app =
        Router::new().route(COMPOSE_PATH, post(compose)).route("/health", get(|| async { "ok" })).with_state(composer);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    // The harness and `cargo xtask demo` read this line to find the port.
    println!("composer listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}

async fn compose(
    State(composer): State<Arc<Composer>>,
    headers: HeaderMap,
    Json(request): Json<ComposeRequest>,
) -> Response {
    let cookie = headers.get(header::COOKIE).and_then(|v| v.to_str().ok());
    let composed = composer.compose(&request, cookie).await;
    for outcome in &composed.outcomes {
        if let Outcome::Skipped { remote, reason } = outcome {
            eprintln!("[composer] {} {remote}: left to the browser, {reason}", request.url);
        }
    }
    let status = StatusCode::from_u16(composed.status).unwrap_or(StatusCode::OK);
    let mut response = (status, composed.html).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    if let Ok(timing) = HeaderValue::from_str(&server_timing(&composed.outcomes)) {
        response.headers_mut().insert("server-timing", timing);
    }
    // Which remotes' slots are in the HTML: the front door then does not ask the browser to
    // preload what those remotes would have fetched.
    let rendered: Vec<&str> = composed
        .outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Rendered { remote, .. } => Some(remote.as_str()),
            Outcome::Skipped { .. } => None,
        })
        .collect();
    if let Ok(rendered) = HeaderValue::from_str(&rendered.join(", ")) {
        response.headers_mut().insert(contracts::fragment::RENDERED_HEADER, rendered);
    }
    response
}
