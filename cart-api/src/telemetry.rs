//! Request telemetry: every request is logged with the W3C trace id the browser sent in
//! `traceparent` (or a new one), answers with it, and reports its own duration in
//! `Server-Timing`, so the event inspector can link a user action, its API call and its events.

use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::metrics::Metrics;

/// How the log is written (`LOG_FORMAT`): `text` (the default) for a person at a terminal,
/// `json` (one object per line) for a log collector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl std::str::FromStr for LogFormat {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim() {
            "" | "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(format!("LOG_FORMAT must be text or json, not {other:?}")),
        }
    }
}

/// Installs the process's log writer. In JSON each line carries the event's fields at the top
/// (`message`, `status`, `duration_ms`, ...) and the request's span (`trace_id`, `method`,
/// `path`) under `span`, so one trace id finds every line of a request.
pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "cart_api=info,tower_http=info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).with_span_list(false).init(),
    }
}

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

pub async fn trace(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let trace = request
        .headers()
        .get(&TRACEPARENT)
        .and_then(|v| v.to_str().ok())
        .and_then(trace_id)
        .map(str::to_string)
        .unwrap_or_else(|| crate::ids::new_id("", 16));
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let span = tracing::info_span!("request", trace_id = %trace, %method, %path);
    let mut response = tracing::Instrument::instrument(next.run(request), span.clone()).await;
    let elapsed = started.elapsed();
    metrics.record(&response, method.as_str(), elapsed);
    if path.starts_with("/api/") {
        span.in_scope(|| {
            tracing::info!(
                status = response.status().as_u16(),
                duration_ms = elapsed.as_secs_f64() * 1000.0,
                "handled"
            );
        });
    }
    let span_id = crate::ids::new_id("", 8);
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
    use super::LogFormat;

    #[test]
    fn reads_the_log_format() {
        assert_eq!("".parse(), Ok(LogFormat::Text));
        assert_eq!("text".parse(), Ok(LogFormat::Text));
        assert_eq!(" json".parse(), Ok(LogFormat::Json));
        assert!("JSON lines".parse::<LogFormat>().is_err());
    }

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
