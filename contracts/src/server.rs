//! The skeleton of a remote's server half (feature `server`, native only): an HTTP endpoint
//! that answers the composer's [`FragmentRequest`]s, and a client of the cart API.
//!
//! A remote's server half is its own process, deployed by its own team: `main` calls [`serve`]
//! with the remote's render function and nothing else. It is stateless (every answer comes
//! from the request and the cart API), so it runs as any number of replicas.
//!
//! Settings (environment): `ADDR` (default `127.0.0.1:0`, a free port; the address is printed
//! as `<name> server listening on http://…`), `CART_API_URL` (default `http://127.0.0.1:8080`).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;

use crate::fragment::{FragmentRequest, FragmentResponse, FRAGMENT_PATH};

/// Why a fragment could not be rendered. The composer then leaves the slot to the browser.
#[derive(Debug, thiserror::Error)]
pub enum FragmentError {
    #[error("the cart API could not be reached: {0}")]
    Network(String),
    #[error("the cart API answered {status} for {path}")]
    Status { status: u16, path: String },
    #[error("the cart API's answer for {path} could not be read: {reason}")]
    Decode { path: String, reason: String },
    #[error("the request cannot be rendered: {0}")]
    BadRequest(String),
    /// Not a failure: a page this server half leaves to the browser half by design (it starts
    /// with a write, or needs a redirect the composer cannot give).
    #[error("left to the browser: {0}")]
    BrowserOnly(&'static str),
}

impl IntoResponse for FragmentError {
    fn into_response(self) -> Response {
        let status = match self {
            FragmentError::BadRequest(_) => StatusCode::BAD_REQUEST,
            // The composer shows the status in `Server-Timing`; the text says why.
            FragmentError::BrowserOnly(_) => StatusCode::NOT_IMPLEMENTED,
            _ => StatusCode::BAD_GATEWAY,
        };
        (status, self.to_string()).into_response()
    }
}

/// The cart API as a server half sees it: the same endpoints and JSON shapes the browser half
/// reads, asked on the visitor's behalf (their session cookie travels along).
#[derive(Clone)]
pub struct Api {
    client: reqwest::Client,
    base: String,
    /// Answers that are the same for every visitor, kept for [`SHARED_FOR`].
    shared: Arc<Shared<Bytes>>,
}

/// How long a server half reuses an answer that is the same for everyone (the catalogue).
/// A second turns a busy page's reads into one per second per replica; the stock it shows may
/// be that old, which costs nothing: every add and every order meets the cart API's own check.
pub const SHARED_FOR: Duration = Duration::from_secs(1);

impl Api {
    /// `base` is the API's origin, e.g. `http://127.0.0.1:8080`.
    pub fn new(base: &str) -> Self {
        // A fragment is only worth its slot if it is fast: the composer gives up long before this.
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .unwrap_or_default();
        Self { client, base: base.trim_end_matches('/').to_string(), shared: Arc::default() }
    }

    /// `GET path` (e.g. `/api/products?page=1`), decoded from JSON.
    pub async fn get_json<T: DeserializeOwned>(&self, path: &str, visitor: &Visitor) -> Result<T, FragmentError> {
        decode(path, &self.get(path, visitor.cookie.as_deref()).await?)
    }

    /// `GET path` for an answer that is the same for every visitor (products, categories):
    /// asked without the visitor's cookie, and reused for [`SHARED_FOR`].
    pub async fn get_shared_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, FragmentError> {
        if let Some(body) = self.shared.get(path) {
            return decode(path, &body);
        }
        let body = self.get(path, None).await?;
        let value = decode(path, &body)?;
        self.shared.put(path.to_string(), body, SHARED_FOR);
        Ok(value)
    }

    async fn get(&self, path: &str, cookie: Option<&str>) -> Result<Bytes, FragmentError> {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let response = request.send().await.map_err(|e| FragmentError::Network(e.to_string()))?;
        if !response.status().is_success() {
            return Err(FragmentError::Status { status: response.status().as_u16(), path: path.to_string() });
        }
        response.bytes().await.map_err(|e| FragmentError::Network(e.to_string()))
    }
}

fn decode<T: DeserializeOwned>(path: &str, body: &[u8]) -> Result<T, FragmentError> {
    serde_json::from_slice(body).map_err(|e| FragmentError::Decode { path: path.to_string(), reason: e.to_string() })
}

/// Answers kept for a while for everyone who asks the same thing: the server halves' catalogue
/// reads and the composer's shareable fragments. Bounded: stale entries go first, and a flood
/// of distinct keys clears it rather than growing it.
pub struct Shared<T> {
    entries: Mutex<HashMap<String, (Instant, T)>>,
}

impl<T> Default for Shared<T> {
    fn default() -> Self {
        Self { entries: Mutex::new(HashMap::new()) }
    }
}

impl<T: Clone> Shared<T> {
    const CAPACITY: usize = 1_000;

    /// The value kept under `key`, while it is fresh.
    pub fn get(&self, key: &str) -> Option<T> {
        let entries = self.entries.lock().ok()?;
        let (until, value) = entries.get(key)?;
        (Instant::now() < *until).then(|| value.clone())
    }

    /// Keeps `value` under `key` for `lifetime`.
    pub fn put(&self, key: String, value: T, lifetime: Duration) {
        if let Ok(mut entries) = self.entries.lock() {
            let now = Instant::now();
            entries.retain(|_, (until, _)| *until > now);
            if entries.len() >= Self::CAPACITY {
                entries.clear();
            }
            entries.insert(key, (now + lifetime, value));
        }
    }
}

/// Who the fragment is for, beyond the platform context: the visitor's cookies, forwarded by
/// the composer so that the API answers as it would answer their browser.
#[derive(Debug, Clone, Default)]
pub struct Visitor {
    pub cookie: Option<String>,
}

impl Visitor {
    /// Whether the visitor has a session with the cart API (one of
    /// [`SESSION_COOKIES`](crate::api::SESSION_COOKIES)). Without one they have no cart yet.
    pub fn has_session(&self) -> bool {
        self.cookie
            .iter()
            .flat_map(|c| c.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .any(|(name, value)| crate::api::SESSION_COOKIES.contains(&name) && !value.is_empty())
    }
}

#[derive(Clone)]
struct AppState<F> {
    api: Api,
    render: F,
    name: &'static str,
}

/// Serves a remote's fragments until the process is stopped: `POST /fragment` answers a
/// [`FragmentRequest`] with `render`'s [`FragmentResponse`]; `GET /health` says it is up.
pub async fn serve<F, Fut>(name: &'static str, render: F) -> std::io::Result<()>
where
    F: Fn(FragmentRequest, Api, Visitor) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<FragmentResponse, FragmentError>> + Send + 'static,
{
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:0".into());
    let api = Api::new(&std::env::var("CART_API_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into()));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let app = router(name, api, render);
    // The harness and `cargo xtask demo` read this line to find the port.
    println!("{name} server listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).with_graceful_shutdown(stopped()).await
}

fn router<F, Fut>(name: &'static str, api: Api, render: F) -> Router
where
    F: Fn(FragmentRequest, Api, Visitor) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<FragmentResponse, FragmentError>> + Send + 'static,
{
    Router::new()
        .route(FRAGMENT_PATH, post(fragment::<F, Fut>))
        .route("/health", get(|| async { "ok" }))
        .with_state(AppState { api, render, name })
}

async fn fragment<F, Fut>(
    State(state): State<AppState<F>>,
    headers: HeaderMap,
    Json(request): Json<FragmentRequest>,
) -> Result<Json<FragmentResponse>, FragmentError>
where
    F: Fn(FragmentRequest, Api, Visitor) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<FragmentResponse, FragmentError>> + Send + 'static,
{
    let visitor = Visitor { cookie: headers.get(header::COOKIE).and_then(|v| v.to_str().ok()).map(str::to_string) };
    let url = request.url.clone();
    match (state.render)(request, state.api.clone(), visitor).await {
        Ok(answer) => Ok(Json(answer)),
        Err(error @ FragmentError::BrowserOnly(_)) => Err(error),
        Err(error) => {
            eprintln!("[{}] {url}: {error}", state.name);
            Err(error)
        }
    }
}

async fn stopped() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = interrupt => {}, _ = terminate => {} }
}

/// Splits a page URL (`/search?q=red`) into its path and its query with the `?` (`?q=red`),
/// as the browser's `location.pathname` and `location.search` give them.
pub fn split_url(url: &str) -> (String, String) {
    match url.split_once('?') {
        Some((path, query)) if !query.is_empty() => (path.to_string(), format!("?{query}")),
        Some((path, _)) => (path.to_string(), String::new()),
        None => (url.to_string(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn splits_a_url_as_location_does() {
        assert_eq!(super::split_url("/search?q=red"), ("/search".into(), "?q=red".into()));
        assert_eq!(super::split_url("/"), ("/".into(), String::new()));
        assert_eq!(super::split_url("/?"), ("/".into(), String::new()));
    }

    #[test]
    fn a_shared_answer_lasts_its_lifetime_and_the_memory_stays_bounded() {
        let shared = super::Shared::default();
        shared.put("/api/categories".into(), 1, std::time::Duration::from_secs(60));
        shared.put("/api/products".into(), 2, std::time::Duration::ZERO);
        assert_eq!(shared.get("/api/categories"), Some(1));
        assert_eq!(shared.get("/api/products"), None, "an answer past its lifetime is not reused");
        assert_eq!(shared.get("/api/products/1"), None);
        for i in 0..super::Shared::<u8>::CAPACITY {
            shared.put(format!("/api/products/{i}"), 3, std::time::Duration::from_secs(60));
        }
        assert_eq!(shared.get("/api/categories"), None, "a full memory starts again");
        assert_eq!(shared.get("/api/products/999"), Some(3));
    }

    #[test]
    fn a_visitor_has_a_session_only_with_the_session_cookie() {
        let visitor = |cookie: Option<&str>| super::Visitor { cookie: cookie.map(str::to_string) };
        assert!(visitor(Some("theme=dark; store_session=abc")).has_session());
        assert!(visitor(Some("__Host-store_session=abc")).has_session());
        assert!(!visitor(Some("theme=dark; locale=de-DE")).has_session());
        assert!(!visitor(Some("store_session=")).has_session());
        assert!(!visitor(None).has_session());
    }
}
