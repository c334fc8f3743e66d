//! Security headers on every answer, and cross-site writes refused.

use contracts::api::Cart;
use reqwest::{header, StatusCode};
use serde_json::json;

use crate::helpers::{assert_problem_kind, send, spawn_app};

// Security headers

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in ["/", "/products/3", "/api/health", "/api/products/1", "/missing.js"] {
        let response = app.get(path).await;
        let h = response.headers();
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval';"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(h[header::REFERRER_POLICY], "strict-origin-when-cross-origin", "{path}");
    }
    let report = send(
        app.client
            .post(app.url("/api/csp-reports"))
            .header(header::CONTENT_TYPE, "application/csp-report")
            .body(r#"{"csp-report":{"violated-directive":"script-src"}}"#),
    )
    .await;
    assert_eq!(report.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn cross_site_writes_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let body = json!({"productId": 1, "variantId": "red", "quantity": 1});
    let evil_origin =
        send(app.client.post(app.url("/api/cart/items")).header("origin", "https://evil.test").json(&body)).await;
    assert_problem_kind(evil_origin, StatusCode::FORBIDDEN, "cross-site-request", "foreign Origin").await;
    let cross_site =
        send(app.client.post(app.url("/api/cart/items")).header("sec-fetch-site", "cross-site").json(&body)).await;
    assert_problem_kind(cross_site, StatusCode::FORBIDDEN, "cross-site-request", "Sec-Fetch-Site").await;
    let cart: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!(cart.item_count, 0);

    let own_origin = app.base.clone();
    let same = send(
        app.client
            .post(app.url("/api/cart/items"))
            .header("origin", own_origin)
            .header("sec-fetch-site", "same-origin")
            .json(&body),
    )
    .await;
    assert_eq!(same.status(), StatusCode::OK);
}
