//! Security headers on every answer, and where browsers report Content-Security-Policy
//! violations.

use axum::body::Bytes;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use tower_http::set_header::SetResponseHeaderLayer;

/// Scripts only from this origin (wasm needs `'wasm-unsafe-eval'`), no inline script or style,
/// no framing. Violations are reported to `/api/csp-reports`.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; \
base-uri 'none'; form-action 'self'; frame-ancestors 'none'; report-uri /api/csp-reports";

pub fn layers() -> [SetResponseHeaderLayer<HeaderValue>; 5] {
    let set = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    [
        set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        set(header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        set(header::X_FRAME_OPTIONS, "DENY"),
        set(HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
    ]
}

/// `POST /api/csp-reports`: logged, so a violation shows in the server's log (and fails the
/// browser journeys, which check that log).
pub async fn csp_report(body: Bytes) -> StatusCode {
    let report = String::from_utf8_lossy(&body[..body.len().min(2048)]).into_owned();
    tracing::warn!(%report, "csp violation");
    StatusCode::NO_CONTENT
}
