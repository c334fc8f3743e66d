//! Calls to the cart API with `fetch`: JSON in, JSON out, problems as typed errors.
//!
//! The browser parses the answer (`Response.json()`) and [`super::js::from_js`] reads it into the
//! contract's type; no JSON text is handled in Rust.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::js::{from_js, stringify, to_js};
use crate::api::Problem;

#[derive(Debug, Clone, thiserror::Error)]
pub enum HttpError {
    #[error("the store could not be reached")]
    Network,
    #[error("{}", problem.as_ref().map(|p| p.title.as_str()).unwrap_or("the request failed"))]
    Status { status: u16, problem: Option<Problem> },
    #[error("the answer could not be read: {0}")]
    Decode(String),
}

impl HttpError {
    /// Whether the API answered a problem of `kind` (its `type`, not its status, which several
    /// kinds share).
    pub fn is(&self, kind: crate::problems::ProblemKind) -> bool {
        matches!(self, HttpError::Status { problem: Some(problem), .. } if problem.is(kind))
    }
}

/// `GET url` and decode the JSON answer.
pub async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, HttpError> {
    from_js(send("GET", url, None, None, None).await?).map_err(HttpError::Decode)
}

/// Send `body` as JSON with `method` and decode the JSON answer. `trace_id` links the request to
/// the events the same user action publishes.
pub async fn send_json<B: Serialize, T: DeserializeOwned>(
    method: &str,
    url: &str,
    body: &B,
    trace_id: &str,
) -> Result<T, HttpError> {
    from_js(send(method, url, Some(&to_js(body)), Some(trace_id), None).await?).map_err(HttpError::Decode)
}

/// `GET url`, the answer as the browser parsed it (read it later, or only in part).
pub async fn get_js(url: &str) -> Result<JsValue, HttpError> {
    send("GET", url, None, None, None).await
}

/// `POST url` with a body that is already a JS value (e.g. events passed on as they were
/// published); the answer is returned as it came.
pub async fn post_js(url: &str, body: &JsValue) -> Result<JsValue, HttpError> {
    send("POST", url, Some(body), None, None).await
}

/// `DELETE url` and decode the JSON answer.
pub async fn delete_json<T: DeserializeOwned>(url: &str, trace_id: &str) -> Result<T, HttpError> {
    from_js(send("DELETE", url, None, Some(trace_id), None).await?).map_err(HttpError::Decode)
}

/// Like [`send_json`], with an `Idempotency-Key`: one fresh key per user action, and the same key
/// again when the action is retried, so the server applies it once. A request that never got an
/// answer is retried once here.
pub async fn send_json_once<B: Serialize, T: DeserializeOwned>(
    method: &str,
    url: &str,
    body: &B,
    trace_id: &str,
) -> Result<T, HttpError> {
    let key = super::random_hex(32);
    let body = to_js(body);
    let answer = match send(method, url, Some(&body), Some(trace_id), Some(&key)).await {
        Err(HttpError::Network) => send(method, url, Some(&body), Some(trace_id), Some(&key)).await,
        answer => answer,
    };
    from_js(answer?).map_err(HttpError::Decode)
}

/// The name of the `performance.measure` entries left for every call made for a user action (one
/// with a trace id): `detail` holds `{ method, url, status, traceId, serverTiming }`. The event
/// inspector draws them in the action's sequence diagram. Nothing reads them to decide anything,
/// so the performance timeline stays what it is for, observation, and never becomes a channel
/// between remotes.
pub const API_CALL_MEASURE: &str = "api-call";

/// Leaves the call on the page's performance timeline as an [`API_CALL_MEASURE`], from `started`
/// until now. Best effort: a browser without `performance.measure` options just has none.
fn measure_call(
    window: &web_sys::Window,
    started: f64,
    method: &str,
    url: &str,
    trace_id: &str,
    response: &web_sys::Response,
) {
    let Some(performance) = window.performance() else { return };
    let detail = js_sys::Object::new();
    let server_timing = response.headers().get("Server-Timing").ok().flatten().unwrap_or_default();
    for (key, value) in [
        ("method", JsValue::from_str(method)),
        ("url", JsValue::from_str(url)),
        ("status", JsValue::from(response.status())),
        ("traceId", JsValue::from_str(trace_id)),
        ("serverTiming", JsValue::from_str(&server_timing)),
    ] {
        let _ = js_sys::Reflect::set(&detail, &JsValue::from_str(key), &value);
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &JsValue::from_str("start"), &JsValue::from_f64(started));
    let _ = js_sys::Reflect::set(&options, &JsValue::from_str("end"), &JsValue::from_f64(performance.now()));
    let _ = js_sys::Reflect::set(&options, &JsValue::from_str("detail"), &detail);
    let measure = super::js::get(&performance, "measure");
    if let Some(measure) = measure.dyn_ref::<js_sys::Function>() {
        let _ = measure.call2(&performance, &JsValue::from_str(API_CALL_MEASURE), &options);
    }
}

/// The request itself; answers with the parsed JSON body of a 2xx.
async fn send(
    method: &str,
    url: &str,
    body: Option<&JsValue>,
    trace_id: Option<&str>,
    idempotency_key: Option<&str>,
) -> Result<JsValue, HttpError> {
    let headers = web_sys::Headers::new().map_err(|_| HttpError::Network)?;
    let _ = headers.set("Accept", "application/json");
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    if let Some(body) = body {
        let json = stringify(body).ok_or_else(|| HttpError::Decode("the request body is not JSON".into()))?;
        let _ = headers.set("Content-Type", "application/json");
        init.set_body(&JsValue::from_str(&json));
    }
    if let Some(trace_id) = trace_id.filter(|t| !t.is_empty()) {
        let _ = headers.set("traceparent", &format!("00-{trace_id}-{}-01", super::random_hex(16)));
    }
    if let Some(key) = idempotency_key {
        let _ = headers.set("Idempotency-Key", key);
    }
    init.set_headers(&headers);

    let window = web_sys::window().ok_or(HttpError::Network)?;
    let started = window.performance().map(|p| p.now());
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|_| HttpError::Network)?
        .dyn_into()
        .map_err(|_| HttpError::Network)?;
    if let (Some(trace_id), Some(started)) = (trace_id.filter(|t| !t.is_empty()), started) {
        measure_call(&window, started, method, url, trace_id, &response);
    }
    // A body that is not JSON (an empty answer, a proxy's HTML error page) reads as none.
    let json = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.ok(),
        Err(_) => None,
    };
    if !response.ok() {
        return Err(HttpError::Status { status: response.status(), problem: json.and_then(|j| from_js(j).ok()) });
    }
    json.ok_or_else(|| HttpError::Decode("the answer is not JSON".into()))
}
