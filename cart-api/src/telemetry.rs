//! Request telemetry: every request is logged with the W3C trace id the browser sent in
//! `traceparent` (or a new one), answers with it, and reports its own duration in
//! `Server-Timing`, so the event inspector can link a user action, its API call and its events.

use std::time::Instant;

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

static TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");
static SERVER_TIMING: HeaderName = HeaderName::from_static("server-timing");

/// The trace id of a `traceparent` header (`00-<32 hex>-<16 hex>-<2 hex>`), if well formed.
pub fn trace_id(traceparent: &str) -> Option<&str> {
    let mut parts = traceparent.split('-');
    let (version, trace, parent, flags) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let hex =
        |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    (parts.next().is_none()
        && hex(version, 2)
        && hex(trace, 32)
        && hex(parent, 16)
        && hex(flags, 2)
        && trace.bytes().any(|b| b != b'0'))
    .then_some(trace)
}

pub async fn trace(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let trace = request
        .headers()
        .get(&TRACEPARENT)
        .and_then(|v| v.to_str().ok())
        .and_then(trace_id)
        .map(str::to_string)
        .unwrap_or_else(|| crate::domain::new_id("", 16));
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let span = tracing::info_span!("request", trace_id = %trace, %method, %path);
    let mut response = tracing::Instrument::instrument(next.run(request), span.clone()).await;
    let elapsed = started.elapsed();
    if path.starts_with("/api/") {
        span.in_scope(|| {
            tracing::info!(
                status = response.status().as_u16(),
                duration_ms = elapsed.as_secs_f64() * 1000.0,
                "handled"
            );
        });
    }
    let span_id = crate::domain::new_id("", 8);
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&format!("00-{trace}-{span_id}-01")) {
        headers.insert(TRACEPARENT.clone(), value);
    }
    if let Ok(value) = HeaderValue::from_str(&format!("app;dur={:.2}", elapsed.as_secs_f64() * 1000.0)) {
        // Next to what the handler said (a composed page names its fragments).
        headers.append(SERVER_TIMING.clone(), value);
    }
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_only_valid_traceparents() {
        let id = "4bf92f3577b34da6a3ce929d0e0e4736";
        assert_eq!(super::trace_id(&format!("00-{id}-00f067aa0ba902b7-01")), Some(id));
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        ] {
            assert_eq!(super::trace_id(bad), None, "{bad}");
        }
    }
}
