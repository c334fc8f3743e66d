//! Security headers on every answer, and where browsers report Content-Security-Policy
//! violations.

use axum::body::Bytes;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::set_header::SetResponseHeaderLayer;

/// Scripts only from this origin and the configured remote origins (wasm needs
/// `'wasm-unsafe-eval'`), no inline script or style, no framing. Violations are reported to
/// `/api/csp-reports`.
pub fn content_security_policy(remote_origins: &[String]) -> String {
    let remotes: String = remote_origins.iter().map(|o| format!(" {o}")).collect();
    format!(
        "default-src 'self'; script-src 'self'{remotes} 'wasm-unsafe-eval'; style-src 'self'{remotes}; \
         img-src 'self'; connect-src 'self'{remotes}; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'; report-uri /api/csp-reports"
    )
}

pub fn layers(remote_origins: &[String]) -> [SetResponseHeaderLayer<HeaderValue>; 5] {
    let set = |name: HeaderName, value: HeaderValue| SetResponseHeaderLayer::if_not_present(name, value);
    let csp = HeaderValue::from_str(&content_security_policy(remote_origins))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    [
        set(header::CONTENT_SECURITY_POLICY, csp),
        set(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        set(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin")),
        set(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        set(HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin")),
    ]
}

/// With `COOKIE_SECURE=true` the store is only reached over HTTPS: browsers are told to come back
/// only that way for two years, so a first plain-HTTP visit cannot be intercepted later.
pub fn strict_transport_security(secure: bool) -> SetResponseHeaderLayer<Option<HeaderValue>> {
    let value = secure.then(|| HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    SetResponseHeaderLayer::if_not_present(header::STRICT_TRANSPORT_SECURITY, value)
}

/// `POST /api/csp-reports`: logged, so a violation shows in the server's log (and fails the
/// browser journeys, which check that log).
#[utoipa::path(
    post, path = "/api/csp-reports", tag = "telemetry",
    request_body(content = Object, description = "A CSP violation report, as the browser sends it (browsers label it \
                 `application/csp-report`; any body up to 16 KiB is read)", content_type = "application/json"),
    responses((status = 204, description = "Logged"))
)]
pub async fn csp_report(
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<StatusCode, crate::error::ApiError> {
    // An oversized report is refused like any other body: a problem document, not plain text.
    let body = body.map_err(|e| crate::error::ApiError::Rejected(e.status(), e.body_text()))?;
    let report = String::from_utf8_lossy(&body[..body.len().min(2048)]).into_owned();
    tracing::warn!(%report, "csp violation");
    Ok(StatusCode::NO_CONTENT)
}

/// Refuses state-changing requests that another site started (`Sec-Fetch-Site`, else `Origin`
/// against `Host`): the session cookie must not let another origin change a cart.
pub async fn refuse_cross_site(request: Request, next: Next) -> Response {
    if !request.method().is_safe() && is_cross_site(request.headers()) {
        return crate::error::ApiError::CrossSite.into_response();
    }
    next.run(request).await
}

fn is_cross_site(headers: &HeaderMap) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    match (text("origin"), text("host")) {
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, authority)| authority) != Some(host),
        (Some(_), None) => true,
        // No Origin: not a browser's cross-site request (curl, server to server).
        (None, _) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (HeaderName::from_static(k), HeaderValue::from_static(v))).collect()
    }

    #[test]
    fn the_policy_names_remote_origins_for_scripts_styles_and_fetches_only() {
        let policy = content_security_policy(&[]);
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval';") && !policy.contains("unsafe-inline"));
        let policy = content_security_policy(&["https://cdn.test".into()]);
        assert!(policy.contains("script-src 'self' https://cdn.test 'wasm-unsafe-eval';"));
        assert!(policy.contains("style-src 'self' https://cdn.test;"));
        assert!(policy.contains("connect-src 'self' https://cdn.test;"));
        assert!(policy.contains("img-src 'self';"));
    }

    #[test]
    fn tells_cross_site_requests_apart() {
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "same-origin"), ("origin", "http://shop.test")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(!is_cross_site(&headers(&[("origin", "http://shop.test:8080"), ("host", "shop.test:8080")])));
        assert!(is_cross_site(&headers(&[("origin", "https://evil.test"), ("host", "shop.test:8080")])));
        assert!(is_cross_site(&headers(&[("origin", "null"), ("host", "shop.test")])));
        assert!(!is_cross_site(&headers(&[("host", "shop.test")])));
    }
}
